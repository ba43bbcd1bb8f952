// The messages between the review panel (webview) and the extension host. Both sides
// validate every message they receive with these schemas and drop what does not fit.
import * as z from 'zod';
import { evalCaseSchema } from '../core/model/caseModel';
import { ITEM_STATES } from '../core/review/itemStates';
import { QUEUE_SORTS } from '../core/review/queueSort';
import { VERDICTS } from '../core/review/verdicts';
import { MAX_CURSOR } from '../core/store/listOrder';

export const verdictSchema = z.enum(VERDICTS);
const id = z.string().regex(/^[0-9a-f]{12}$/);
const requestId = z.number().int().min(0);
const tag = z.string().trim().min(1).max(64);

const reviewerName = z.string().trim().min(1).max(100);
/** A place in a list, as the host gave it (store/listOrder.ts); opaque to the panel. */
const pageCursor = z.string().min(2).max(MAX_CURSOR);

export const queueFilterSchema = z.object({
  state: z.enum(ITEM_STATES).optional(),
  verdict: verdictSchema.optional(),
  tag: tag.optional(),
  runId: z.string().max(300).optional(),
  regression: z.boolean().optional(),
  text: z.string().max(200).optional(),
  /** Items assigned to this reviewer. */
  assignedTo: reviewerName.optional(),
  /** Items this reviewer has not given a verdict on (with assignedTo: what waits for them). */
  notReviewedBy: reviewerName.optional(),
  /** How the item's reviewers stand; `disputed` is the adjudication queue. */
  agreement: z.enum(['single', 'agreed', 'disputed', 'adjudicated']).optional(),
  /** The failure cluster holding this item (its members). */
  cluster: id.optional(),
  /** Only these items (a test's failures, opened from where the eval is defined). */
  ids: z.array(id).min(1).max(500).optional(),
  /** The list's order (absent: oldest first, as captured). */
  sort: z.enum(QUEUE_SORTS).optional(),
});
export type QueueFilter = z.infer<typeof queueFilterSchema>;

export const itemSummarySchema = z.object({
  id,
  caseKey: z.string(),
  title: z.string(),
  state: z.string(),
  verdict: z.string().nullable(),
  suite: z.string(),
  format: z.string(),
  regression: z.boolean(),
  fixed: z.boolean(),
  occurrences: z.number(),
  tags: z.array(z.string()),
  pinned: z.string().nullable(),
  model: z.string().max(300).nullable().optional(),
  runLabel: z.string().max(300).nullable().optional(),
  /** Blind review withholds others' verdicts on this item until the viewer gives theirs. */
  blind: z.boolean().optional(),
});
export type ItemSummary = z.infer<typeof itemSummarySchema>;

export const occurrenceSchema = z.object({
  runId: z.string(),
  outcome: z.string(),
  record: z.string().nullable(),
  regression: z.boolean(),
  at: z.string(),
  model: z.string().nullable(),
  startedAt: z.string().nullable(),
  sourcePath: z.string().nullable(),
  gitCommit: z.string().nullable(),
});

export const historyPointSchema = z.object({
  runId: z.string().max(1000),
  outcome: z.enum(['pass', 'fail', 'error', 'none']),
  regression: z.boolean(),
  model: z.string().max(1000).nullable(),
  gitCommit: z.string().max(200).nullable(),
  at: z.string().max(100).nullable(),
});
export type HistoryPoint = z.infer<typeof historyPointSchema>;

/** A failure cluster: named by its representative (earliest) failure's item id. */
export const clusterSummarySchema = z.object({
  id,
  size: z.number().int().min(1),
  title: z.string().max(2000),
  alike: z.string().max(2000),
});
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;

export const itemDetailSchema = z.object({
  item: itemSummarySchema.extend({
    correction: z.string().nullable(),
    rubric: z.number().nullable(),
    comment: z.string().nullable(),
    reviewer: z.string().nullable(),
    grader: z.string().nullable(),
    gradeReason: z.string().nullable(),
  }),
  case: evalCaseSchema.nullable(),
  occurrences: z.array(occurrenceSchema),
  lastPassRun: z.string().nullable(),
  /** Every review of the item, oldest first (empty while blind review withholds them). */
  reviews: z
    .array(
      z.object({
        eventId: z.string(),
        verdict: z.string(),
        correction: z.string().nullable(),
        reviewer: z.string(),
        at: z.string(),
        grader: z.string().nullable(),
        reason: z.string().nullable(),
        comment: z.string().nullable(),
        retracted: z.boolean(),
        adjudicate: z.boolean(),
        sides: z.array(z.string()).nullable(),
      }),
    )
    .max(10_000)
    .optional(),
  cluster: clusterSummarySchema.nullable().optional(),
  /** The case across its suite's runs, oldest first (caseHistory.ts). */
  history: z.array(historyPointSchema).max(200).optional(),
});
export type ItemDetail = z.infer<typeof itemDetailSchema>;

/** The most members a cluster preview lists (a verdict can still go to at most 10,000 items). */
export const CLUSTER_PREVIEW_MAX = 2000;

export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('query'),
    requestId,
    filter: queueFilterSchema,
    /** Where the panel places the page; the page is read from here unless `from` or `anchor` says where. */
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(500),
    /** The rows right after (or before) a row the panel has: the cursor a page gave for it (keyset paging). */
    from: z.object({ cursor: pageCursor, direction: z.enum(['after', 'before']) }).optional(),
    /** The page holding this item (or, when it has left the list, the item after it); `offset` is the fallback. */
    anchor: id.optional(),
  }),
  z.object({ type: z.literal('detail'), requestId, id }),
  /** The members of the cluster holding this item, for the preview of a verdict applied to all of them. */
  z.object({ type: z.literal('clusterMembers'), requestId, id }),
  z.object({
    type: z.literal('review'),
    requestId,
    ids: z.array(id).min(1).max(10_000),
    verdict: verdictSchema,
    correction: z.string().max(1_000_000).optional(),
    tags: z.array(tag).max(50).optional(),
    rubric: z.number().int().min(1).max(5).optional(),
    comment: z.string().max(100_000).optional(),
    /** Settles disputed items (see review/adjudication.ts). */
    adjudicate: z.boolean().optional(),
  }),
  z.object({ type: z.literal('acceptAuto'), requestId, ids: z.array(id).min(1).max(10_000) }),
  z.object({ type: z.literal('tag'), requestId, ids: z.array(id).min(1).max(10_000), add: z.array(tag).max(50), remove: z.array(tag).max(50) }),
  z.object({ type: z.literal('undo'), requestId }),
  z.object({ type: z.literal('pin'), requestId, ids: z.array(id).min(1).max(10_000) }),
  z.object({ type: z.literal('openSource'), id }),
  z.object({ type: z.literal('openDiff'), id, against: z.enum(['expected', 'lastPass']) }),
  /** Go to Test Definition: where the item's test is defined in the workspace. */
  z.object({ type: z.literal('goToDefinition'), id }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    reviewer: z.string(),
    total: z.number(),
    counts: z.record(z.string(), z.number()),
    regressions: z.number(),
    tags: z.array(z.string()),
    runs: z.array(z.object({ id: z.string(), label: z.string() })),
    /** The queue is blind (shared by the team through the journals). */
    blind: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('page'),
    requestId,
    offset: z.number(),
    total: z.number(),
    items: z.array(itemSummarySchema),
    /** The cursors of the first and last rows, for asking for the rows before or after them. */
    first: pageCursor.optional(),
    last: pageCursor.optional(),
    /** For an anchored query: the index of the anchor (or of the item after it) in the list. */
    anchorIndex: z.number().int().min(0).optional(),
  }),
  z.object({ type: z.literal('detail'), requestId, detail: itemDetailSchema.nullable() }),
  z.object({ type: z.literal('clusterMembers'), requestId, total: z.number().int().min(0), items: z.array(itemSummarySchema).max(CLUSTER_PREVIEW_MAX) }),
  z.object({ type: z.literal('saved'), requestId, count: z.number(), undoable: z.boolean() }),
  z.object({ type: z.literal('changed') }),
  z.object({ type: z.literal('select'), id }),
  /** Shows the queue under this filter (e.g. the run whose new failures were just announced). */
  z.object({ type: z.literal('filter'), filter: queueFilterSchema }),
  z.object({ type: z.literal('error'), requestId: requestId.optional(), message: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** A message of the webview that asks for an answer (it carries a request id). */
export type RequestMessage = Extract<WebviewMessage, { requestId: number }>;

/** What the host answers each request with; any request may instead get an `error` with its id. */
export const ANSWER_TYPES = {
  query: 'page',
  detail: 'detail',
  clusterMembers: 'clusterMembers',
  review: 'saved',
  acceptAuto: 'saved',
  tag: 'saved',
  undo: 'saved',
  pin: 'saved',
} as const satisfies Record<RequestMessage['type'], HostMessage['type']>;

export type AnswerTo<T extends RequestMessage['type']> = Extract<HostMessage, { type: (typeof ANSWER_TYPES)[T] | 'error' }>;

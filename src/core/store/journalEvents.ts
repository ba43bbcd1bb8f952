// The journal's event types. The journal is the truth; everything else is derived.
// Events are versioned (`v`) and validated when read, so a hand-edited line is
// reported and skipped instead of corrupting the index.
import * as z from 'zod';
import { outcomeSchema, runInfoSchema } from '../model/caseModel';
import { VERDICTS } from '../review/verdicts';

export const JOURNAL_VERSION = 1;
/**
 * The `v` of events a reader from before team review would misread: assignments, queue
 * settings and adjudicating reviews. Such a reader skips them as "not a known event"
 * (and says so) instead of taking an adjudication for an ordinary review.
 */
export const TEAM_JOURNAL_VERSION = 2;
/** The largest `v` this build reads; a larger one was written by a newer Eval Loop. */
export const NEWEST_JOURNAL_VERSION = TEAM_JOURNAL_VERSION;

const baseFields = {
  v: z.literal(JOURNAL_VERSION),
  seq: z.number().int().min(0),
  /** Wall-clock time: shown to people, never used to decide an order (clocks drift). */
  at: z.string(),
  actor: z.string(),
  /**
   * A Lamport clock: one more than the largest `lc` of every event the writer had
   * applied when it wrote this one. An event that saw another always orders after it,
   * whatever the machines' clocks say. Events written before clocks existed have none.
   */
  lc: z.number().int().min(0).optional(),
};

export const runEventSchema = z.object({
  ...baseFields,
  type: z.literal('run'),
  run: runInfoSchema.extend({ capturedAt: z.string() }),
});

/** A compact reference to one case of a run; failures carry their payload's place in a blob. */
export const caseRefSchema = z.object({
  k: z.string(),
  o: outcomeSchema,
  h: z.string(),
  t: z.string().optional(),
  i: z.number().int().min(0).optional(),
  r: z.string().optional(),
});
export type CaseRef = z.infer<typeof caseRefSchema>;

export const casesEventSchema = z.object({
  ...baseFields,
  type: z.literal('cases'),
  runId: z.string(),
  format: z.string(),
  suite: z.string(),
  blob: z.string().optional(),
  cases: z.array(caseRefSchema),
});

export const sourceEventSchema = z.object({
  ...baseFields,
  type: z.literal('source'),
  path: z.string(),
  runId: z.string(),
  format: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  offset: z.number().int().min(0),
  nextLine: z.number().int().min(1),
  headHash: z.string(),
  /**
   * For JSON lines: a hash of the bytes before `offset` as they were read (the whole
   * prefix up to 1 MB, else its last 1 MB; resumeCheck.ts). A later capture resumes
   * at `offset` only when the file still has those bytes there. Absent in events of
   * earlier versions, which resume on the head hash alone.
   */
  resumeCheck: z.string().optional(),
  /** How the file was read: only 'lines' files can be resumed from an offset. */
  shape: z.enum(['lines', 'document', 'zip', 'xml']),
  resumable: z.boolean(),
  done: z.boolean(),
});

export const verdictSchema = z.enum(VERDICTS);

const tagSchema = z.string().min(1).max(64);

/**
 * A verdict on one item, by a person or (with `grader`) by an automatic grader. With
 * `adjudicate` it settles a dispute between reviewers (it decides the item whatever the
 * other reviews' clocks); `sides` then names the reviewers whose standing verdicts it
 * matched when it was made. Adjudicating reviews are written with TEAM_JOURNAL_VERSION.
 */
export const reviewEventSchema = z.object({
  ...baseFields,
  v: z.union([z.literal(JOURNAL_VERSION), z.literal(TEAM_JOURNAL_VERSION)]),
  type: z.literal('review'),
  caseKey: z.string(),
  verdict: verdictSchema,
  correction: z.string().optional(),
  tags: z.array(tagSchema).optional(),
  rubric: z.number().int().min(1).max(5).optional(),
  comment: z.string().optional(),
  reviewer: z.string(),
  grader: z.string().optional(),
  reason: z.string().optional(),
  adjudicate: z.literal(true).optional(),
  sides: z.array(z.string()).optional(),
});

/** A reviewer's name as assignments and filters use it: no commas (lists are comma-separated), no edge spaces. */
export const reviewerNameSchema = z
  .string()
  .min(1)
  .max(100)
  .refine((name) => name === name.trim() && !name.includes(','), 'a reviewer name has no commas and no leading or trailing spaces');

/** Hands items to reviewers: each listed case is assigned to each of its `to` names (added to any earlier assignment). */
export const assignEventSchema = z.object({
  ...baseFields,
  v: z.literal(TEAM_JOURNAL_VERSION),
  type: z.literal('assign'),
  items: z.array(z.object({ k: z.string(), to: z.array(reviewerNameSchema).min(1) })).min(1),
});

/** A setting of the whole queue, shared by the team through the journals; the latest (by clock) stands. */
export const queueEventSchema = z.object({
  ...baseFields,
  v: z.literal(TEAM_JOURNAL_VERSION),
  type: z.literal('queue'),
  /** Blind review: reviewers see no one else's verdict on an item until they have given their own. */
  blind: z.boolean(),
});

export const tagEventSchema = z.object({
  ...baseFields,
  type: z.literal('tag'),
  caseKeys: z.array(z.string()).min(1),
  add: z.array(tagSchema),
  remove: z.array(tagSchema),
});

/** Retracts an earlier review or tag event, named `<writer>:<seq>`. */
export const undoEventSchema = z.object({
  ...baseFields,
  type: z.literal('undo'),
  target: z.string(),
});

export const journalEventSchema = z.discriminatedUnion('type', [runEventSchema, casesEventSchema, sourceEventSchema, reviewEventSchema, tagEventSchema, undoEventSchema, assignEventSchema, queueEventSchema]);
export type ReviewEvent = z.infer<typeof reviewEventSchema>;
export type TagEvent = z.infer<typeof tagEventSchema>;
export type UndoEvent = z.infer<typeof undoEventSchema>;
export type AssignEvent = z.infer<typeof assignEventSchema>;
export type QueueEvent = z.infer<typeof queueEventSchema>;

/** An event's id across all journals. */
export function eventIdOf(writer: string, seq: number): string {
  return `${writer}:${seq}`;
}
export type JournalEvent = z.infer<typeof journalEventSchema>;
export type RunEvent = z.infer<typeof runEventSchema>;
export type CasesEvent = z.infer<typeof casesEventSchema>;
export type SourceEvent = z.infer<typeof sourceEventSchema>;

/** The `v` an event is written with: the team's events carry TEAM_JOURNAL_VERSION (see above). */
export function journalVersionOf(e: { type: string; adjudicate?: true }): number {
  return e.type === 'assign' || e.type === 'queue' || (e.type === 'review' && e.adjudicate) ? TEAM_JOURNAL_VERSION : JOURNAL_VERSION;
}

/** What a caller supplies; the writer adds v, seq, at and actor. */
export type NewEvent = DistributiveOmit<JournalEvent, 'v' | 'seq' | 'at' | 'actor'> & { actor?: string; at?: string };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

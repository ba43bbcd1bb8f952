// The review panel's questions, answered from the index: pages of the queue, one
// item in full, and the counts for the header.
import { countItems, countsByState, keptCounts, findItem, getRun, itemTags, lastPassRunOf, latestGradeReason, loadCase, occurrencesOf, listRuns, type ItemFilter, type ItemRow } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';
import type { EvalCase } from '../model/caseModel';
import { blindSummary, hiddenFrom } from './blindReview';
import { reviewsOf } from './reviewHistory';
import { queueSettings } from './queueSettings';
import type { Database } from 'sql.js';
import { clusterOfItem } from '../clusters/clusterQueries';
import { caseHistory } from './caseHistory';
import { pageStart, positionOf } from '../store/queuePositions';
import { keyOfItem, scanItems } from '../store/keysetScan';
import { decodeCursor, encodeCursor, type ListKey } from '../store/listOrder';

export interface ItemSummaryData {
  id: string;
  caseKey: string;
  title: string;
  state: string;
  verdict: string | null;
  suite: string;
  format: string;
  regression: boolean;
  fixed: boolean;
  occurrences: number;
  tags: string[];
  /** The eval slice (`name/vNNNN`) holding this case's input out of training, if any. */
  pinned: string | null;
  /** The model (provider) of the run it last failed in, and that run's short label. */
  model?: string | null;
  runLabel?: string | null;
  /** Blind review withholds others' verdicts from this viewer (state and verdict are then theirs to give). */
  blind?: boolean;
}

/** Which slice, if any, pins an input hash (from the corpus's slice manifests). */
export type PinnedLookup = (inputHash: string) => string | undefined;
const NONE_PINNED: PinnedLookup = () => undefined;

export function summaryOf(i: ItemRow, pinned: PinnedLookup = NONE_PINNED): ItemSummaryData {
  return {
    id: i.id,
    caseKey: i.caseKey,
    title: i.title,
    state: i.state,
    verdict: i.verdict,
    suite: i.suite,
    format: i.format,
    regression: i.regressionRun !== null && i.fixedRun === null,
    fixed: i.fixedRun !== null,
    occurrences: i.occurrences,
    tags: i.tags,
    pinned: pinned(i.inputHash) ?? null,
  };
}

/**
 * Summaries as `viewer` may see them: in a blind queue, items they have not reviewed yet
 * show no one else's state or verdict (blindReview.ts). No viewer: everything.
 */
export function viewedBy(db: Database, viewer: string | undefined, items: ItemSummaryData[]): ItemSummaryData[] {
  if (viewer === undefined) return items;
  const hidden = hiddenFrom(
    db,
    viewer,
    items.map((i) => i.caseKey),
  );
  return hidden.size ? items.map((i) => (hidden.has(i.caseKey) ? blindSummary(i) : i)) : items;
}

/**
 * Where a page of the list starts: at an offset (a jump: kept positions find its key),
 * right after or before a row the panel already has (its cursor: keyset paging, so a
 * change between two pages neither skips nor repeats an item that stayed), or at an item
 * (the page holding it; when it has left the list, the page holding the item after it).
 */
export type PageAt = { offset: number } | { after: string } | { before: string } | { anchor: string; offset: number };

export interface QueuePage {
  total: number;
  /** The index of the page's first item in the list (for `after`/`before`: as the panel placed it). */
  offset: number;
  items: ItemSummaryData[];
  /** The cursors of the page's first and last rows (absent when the page is empty). */
  first?: string;
  last?: string;
  /** For `anchor`: the index in the list of the item asked for (or of the one after it). */
  anchorIndex?: number;
}

export function queryPage(store: WorkspaceStore, given: ItemFilter, offset: number, limit: number, pinned: PinnedLookup = NONE_PINNED, viewer?: string): { total: number; items: ItemSummaryData[] } {
  const { total, items } = queryPageAt(store, given, { offset }, limit, pinned, viewer);
  return { total, items };
}

export function queryPageAt(store: WorkspaceStore, given: ItemFilter, at: PageAt, limit: number, pinned: PinnedLookup = NONE_PINNED, viewer?: string, placedAt = 0): QueuePage {
  // in a blind queue "waiting" means waiting for this viewer: an item someone else has
  // reviewed still waits for them (and shows as waiting, see viewedBy)
  const filter = viewer !== undefined && given.state && queueSettings(store.database).blind ? { ...given, stateSeenBy: viewer } : given;
  const db = store.database;
  const sort = filter.sort ?? 'oldest';
  const total = countItems(db, filter);
  let offset = placedAt;
  let anchorIndex: number | undefined;
  let read: { items: ItemRow[]; keys: ListKey[] };
  if ('after' in at) read = scanItems(db, filter, sort, { key: decodeCursor(sort, at.after), inclusive: false }, { limit });
  else if ('before' in at) read = scanItems(db, filter, sort, { key: decodeCursor(sort, at.before), inclusive: false }, { limit, reverse: true });
  else {
    if ('anchor' in at) {
      const key = keyOfItem(db, sort, at.anchor);
      // an item no longer stored (the index was rebuilt without it) keeps the panel's offset
      anchorIndex = Math.min(key ? positionOf(db, filter, key) : at.offset, Math.max(0, total - 1));
      offset = anchorIndex - (anchorIndex % limit);
    } else offset = at.offset;
    // a deep page starts from a kept key, not from the top of the list (queuePositions.ts)
    const start = pageStart(db, filter, offset);
    read = scanItems(db, filter, sort, start.from ? { key: start.from, inclusive: true } : null, { skip: start.skip, limit });
  }
  const rows = read.items;
  // the few runs a page's items last failed in, read once each
  const runs = new Map<string, { model: string | null; label: string }>();
  for (const i of rows) {
    if (runs.has(i.lastRun)) continue;
    const run = getRun(db, i.lastRun);
    runs.set(i.lastRun, { model: run?.model ?? null, label: run ? runLabelOf(run) : i.lastRun });
  }
  const items = rows.map((i) => ({ ...summaryOf(i, pinned), model: runs.get(i.lastRun)?.model ?? null, runLabel: runs.get(i.lastRun)?.label ?? null }));
  const page: QueuePage = { total, offset, items: viewedBy(db, viewer, items) };
  const first = read.keys.length ? encodeCursor(sort, read.keys[0]!) : undefined;
  const last = read.keys.length ? encodeCursor(sort, read.keys.at(-1)!) : undefined;
  if (first) page.first = first;
  if (last) page.last = last;
  if (anchorIndex !== undefined) page.anchorIndex = anchorIndex;
  return page;
}

/** A run as a person tells it apart: when it started (or was captured) and its suite. */
export function runLabelOf(run: { suite: string; startedAt: string | null; capturedAt: string | null }): string {
  const when = (run.startedAt ?? run.capturedAt ?? '').replace('T', ' ').slice(0, 16);
  return when ? `${when} ${run.suite}` : run.suite;
}

export function queueSnapshot(store: WorkspaceStore) {
  const db = store.database;
  const counts = countsByState(keptCounts(db));
  const tags = itemTags(db);
  const runs = listRuns(db)
    .reverse()
    .slice(0, 200)
    .map((r) => ({ id: r.id, label: `${r.suite}${r.model ? ` · ${r.model}` : ''} (${r.failed + r.errored} failed)` }));
  return {
    total: countItems(db),
    counts,
    regressions: countItems(db, { regression: true }),
    tags,
    runs,
    blind: queueSettings(db).blind,
  };
}

/** Reviews of one item sent to the panel (the protocol's bound); an item has a handful. */
const MAX_REVIEWS_SHOWN = 10_000;

/**
 * One item in full. With a `viewer`, a blind queue withholds what others said about it
 * until the viewer has given their own verdict: state, verdict, correction, rubric,
 * comment, reviewer, grader and its reason, and the review history (blindReview.ts).
 */
export function itemDetail(store: WorkspaceStore, id: string, pinned: PinnedLookup = NONE_PINNED, viewer?: string) {
  const item = findItem(store.database, id);
  if (!item || item === 'ambiguous') return null;
  const hidden = viewer !== undefined && hiddenFrom(store.database, viewer, [item.caseKey]).size > 0;
  const occurrences = occurrencesOf(store.database, item.caseKey).map((o) => {
    const run = getRun(store.database, o.runId);
    return {
      runId: o.runId,
      outcome: o.outcome,
      record: o.record,
      regression: o.regression,
      at: o.at,
      model: run?.model ?? null,
      startedAt: run?.startedAt ?? null,
      sourcePath: run?.sourcePath ?? null,
      gitCommit: run?.gitCommit ?? null,
    };
  });
  let evalCase: EvalCase | null = null;
  try {
    evalCase = loadCase(store.blobs, item.latestBlob, item.latestIndex) ?? null;
  } catch {
    evalCase = null; // a damaged blob: show what the index knows
  }
  const seen = {
    ...summaryOf(item, pinned),
    correction: item.correction,
    rubric: item.rubric,
    comment: item.comment,
    reviewer: item.reviewer,
    grader: item.grader,
    gradeReason: latestGradeReason(store.database, item.caseKey),
  };
  const withheld = { correction: null, rubric: null, comment: null, reviewer: null, grader: null, gradeReason: null };
  return {
    item: hidden ? { ...blindSummary(seen), ...withheld } : seen,
    case: evalCase,
    occurrences,
    lastPassRun: lastPassRunOf(store.database, item.caseKey),
    reviews: hidden
      ? []
      : // the newest ones, within what the protocol carries
        reviewsOf(store.database, item.caseKey)
          .slice(-MAX_REVIEWS_SHOWN)
          .map((r) => ({
            eventId: r.eventId,
            verdict: r.verdict,
            correction: r.correction,
            reviewer: r.reviewer,
            at: r.at,
            grader: r.grader,
            reason: r.reason,
            comment: r.comment,
            retracted: r.retracted,
            adjudicate: r.adjudicate,
            sides: r.sides,
          })),
    // as the clusters last caught up (null until then)
    cluster: clusterOfItem(store.database, item.id) ?? null,
    history: caseHistory(store.database, item.caseKey, item.format, item.suite),
  };
}

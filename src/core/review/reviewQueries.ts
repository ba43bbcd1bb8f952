// The review panel's questions, answered from the index: pages of the queue, one
// item in full, and the counts for the header.
import { listItems, countItems, countsByState, keptCounts, findItem, getRun, itemTags, lastPassRunOf, latestGradeReason, loadCase, occurrencesOf, listRuns, type ItemFilter, type ItemRow } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';
import type { EvalCase } from '../model/caseModel';
import { blindSummary, hiddenFrom } from './blindReview';
import { reviewsOf } from './reviewHistory';
import { queueSettings } from './queueSettings';
import type { Database } from 'sql.js';
import { clusterOfItem } from '../clusters/clusterQueries';
import { caseHistory } from './caseHistory';
import { pageStart } from '../store/queuePositions';

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

export function queryPage(store: WorkspaceStore, given: ItemFilter, offset: number, limit: number, pinned: PinnedLookup = NONE_PINNED, viewer?: string): { total: number; items: ItemSummaryData[] } {
  // in a blind queue "waiting" means waiting for this viewer: an item someone else has
  // reviewed still waits for them (and shows as waiting, see viewedBy)
  const filter = viewer !== undefined && given.state && queueSettings(store.database).blind ? { ...given, stateSeenBy: viewer } : given;
  const total = countItems(store.database, filter);
  // a deep page starts from a kept key, not from the top of the list (queuePositions.ts)
  const start = pageStart(store.database, filter, offset);
  const rows = listItems(store.database, { ...filter, offset: start.skip, limit }, start.from);
  // the few runs a page's items last failed in, read once each
  const runs = new Map<string, { model: string | null; label: string }>();
  for (const i of rows) {
    if (runs.has(i.lastRun)) continue;
    const run = getRun(store.database, i.lastRun);
    runs.set(i.lastRun, { model: run?.model ?? null, label: run ? runLabelOf(run) : i.lastRun });
  }
  const items = rows.map((i) => ({ ...summaryOf(i, pinned), model: runs.get(i.lastRun)?.model ?? null, runLabel: runs.get(i.lastRun)?.label ?? null }));
  return { total, items: viewedBy(store.database, viewer, items) };
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

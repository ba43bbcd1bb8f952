// The review panel's questions, answered from the index: pages of the queue, one
// item in full, and the counts for the header.
import { listItems, countItems, countsByState, keptCounts, findItem, getRun, lastPassRunOf, loadCase, occurrencesOf, listRuns, type ItemFilter, type ItemRow } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';
import type { EvalCase } from '../model/caseModel';
import { caseIdsOf } from '../store/caseIds';
import { clusterOfItem } from '../clusters/clusterQueries';
import { caseHistory } from './caseHistory';

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

export function queryPage(store: WorkspaceStore, filter: ItemFilter, offset: number, limit: number, pinned: PinnedLookup = NONE_PINNED): { total: number; items: ItemSummaryData[] } {
  const total = countItems(store.database, filter);
  const items = listItems(store.database, { ...filter, offset, limit }).map((i) => summaryOf(i, pinned));
  return { total, items };
}

export function queueSnapshot(store: WorkspaceStore) {
  const db = store.database;
  const counts = countsByState(keptCounts(db));
  const tags = (db.exec("SELECT DISTINCT value FROM items, json_each(items.tags) WHERE items.tags != '[]' ORDER BY value")[0]?.values ?? []).map((r) => String(r[0]));
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
  };
}

export function itemDetail(store: WorkspaceStore, id: string, pinned: PinnedLookup = NONE_PINNED) {
  const item = findItem(store.database, id);
  if (!item || item === 'ambiguous') return null;
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
  const gradeRow = store.database.exec('SELECT reason FROM reviews WHERE cid = ? AND grader IS NOT NULL AND retracted = 0 ORDER BY lc DESC, at DESC, eid DESC LIMIT 1', [caseIdsOf(item.caseKey).cid])[0]?.values[0];
  return {
    item: {
      ...summaryOf(item, pinned),
      correction: item.correction,
      rubric: item.rubric,
      comment: item.comment,
      reviewer: item.reviewer,
      grader: item.grader,
      gradeReason: gradeRow ? String(gradeRow[0]) : null,
    },
    case: evalCase,
    occurrences,
    lastPassRun: lastPassRunOf(store.database, item.caseKey),
    // as the clusters last caught up (null until then)
    cluster: clusterOfItem(store.database, item.id) ?? null,
    history: caseHistory(store.database, item.caseKey, item.format, item.suite),
  };
}

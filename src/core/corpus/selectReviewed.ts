// The items a snapshot or slice draws from: every item matching the filter, with its
// full case and the review event that decided it.
import type { SqlValue } from 'sql.js';
import { caseIdsOf } from '../store/caseIds';
import { listItems, loadCase } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';
import { matchesFilter, parseFilter, type VersionTime } from './filterExpression';
import type { ReviewedCase } from './trainingRecords';

export interface SelectedCase extends ReviewedCase {
  reviewEvent: string | null;
}

export function selectCases(store: WorkspaceStore, filter: string, versionTime: VersionTime, requireVerdict = true): SelectedCase[] {
  const terms = parseFilter(filter);
  const db = store.database;
  const runsOf = new Map<number, string[]>();
  for (const [cid, runId] of (db.exec('SELECT o.cid, r.id FROM occurrences o JOIN runs r ON r.rn = o.rn')[0]?.values ?? []) as [number, string][]) {
    const list = runsOf.get(cid) ?? [];
    list.push(runId);
    runsOf.set(cid, list);
  }
  const effectiveReview = (cid: number): SqlValue =>
    db.exec('SELECT eid FROM reviews WHERE cid = ? AND retracted = 0 ORDER BY (grader IS NULL) DESC, at DESC, eid DESC LIMIT 1', [cid])[0]?.values[0]?.[0] ?? null;
  const out: SelectedCase[] = [];
  for (const item of listItems(db)) {
    const { cid } = caseIdsOf(item.caseKey);
    const subject = {
      id: item.id,
      state: item.state,
      verdict: item.verdict,
      tags: item.tags,
      runIds: runsOf.get(cid) ?? [],
      suite: item.suite,
      format: item.format,
      reviewer: item.reviewer,
      reviewedAt: item.reviewedAt,
      regression: item.regressionRun !== null && item.fixedRun === null,
    };
    if (!matchesFilter(terms, subject, versionTime)) continue;
    const evalCase = loadCase(store.blobs, item.latestBlob, item.latestIndex);
    if (!evalCase || (requireVerdict && !item.verdict)) continue;
    const eid = effectiveReview(cid);
    out.push({
      itemId: item.id,
      caseKey: item.caseKey,
      inputHash: item.inputHash,
      verdict: item.verdict ?? '',
      correction: item.correction,
      evalCase,
      reviewEvent: eid === null ? null : String(eid),
    });
  }
  // a stable order, whatever order the items were captured in
  return out.sort((a, b) => (a.caseKey < b.caseKey ? -1 : a.caseKey > b.caseKey ? 1 : 0));
}

// The items a snapshot or slice draws from: every item matching the filter, with its
// full case and the review event that decided it.
import type { EvalCase } from '../model/caseModel';
import { loadCase, UnusableCaseError } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';
import { matchesFilter, parseFilter, type VersionTime } from './filterExpression';
import type { ReviewedCase } from './trainingRecords';

export interface SelectedCase extends ReviewedCase {
  reviewEvent: string | null;
}

export function selectCases(store: WorkspaceStore, filter: string, versionTime: VersionTime, requireVerdict = true): SelectedCase[] {
  const terms = parseFilter(filter);
  const db = store.database;
  // the runs each item failed in, read only when a term asks about runs
  const runsOf = new Map<number, string[]>();
  const needsRuns = terms.some((t) => 'key' in t && t.key === 'run');
  for (const [cid, runId] of (needsRuns ? (db.exec('SELECT o.cid, r.id FROM occurrences o JOIN runs r ON r.rn = o.rn')[0]?.values ?? []) : []) as [number, string][]) {
    const list = runsOf.get(cid) ?? [];
    list.push(runId);
    runsOf.set(cid, list);
  }
  const out: SelectedCase[] = [];
  const rows = db.exec(
    `SELECT cid, id, case_key, state, verdict, tags, suite, format, reviewer, reviewed_at, regression_rn IS NOT NULL AND fixed_rn IS NULL,
            latest_blob, latest_index, input_hash, correction, review_eid FROM items ORDER BY created_at, rowid`,
  )[0]?.values ?? [];
  for (const r of rows) {
    const cid = Number(r[0]);
    const item = {
      id: String(r[1]),
      caseKey: String(r[2]),
      verdict: r[4] === null ? null : String(r[4]),
      latestBlob: r[11] === null ? null : String(r[11]),
      latestIndex: r[12] === null ? null : Number(r[12]),
      inputHash: String(r[13]),
      correction: r[14] === null ? null : String(r[14]),
    };
    const subject = {
      id: item.id,
      state: String(r[3]),
      verdict: item.verdict,
      tags: JSON.parse(String(r[5] ?? '[]')) as string[],
      runIds: runsOf.get(cid) ?? [],
      suite: String(r[6]),
      format: String(r[7]),
      reviewer: r[8] === null ? null : String(r[8]),
      reviewedAt: r[9] === null ? null : String(r[9]),
      regression: r[10] === 1,
    };
    if (!matchesFilter(terms, subject, versionTime)) continue;
    if (requireVerdict && !item.verdict) continue;
    const evalCase = caseOf(store, item);
    if (!evalCase) continue;
    // the review that decides the item, as the index projection chose it
    const eid = r[15] ?? null;
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

/** The item's latest case; one that cannot be used stops the selection, naming the item and how to leave it out. */
function caseOf(store: WorkspaceStore, item: { id: string; latestBlob: string | null; latestIndex: number | null }): EvalCase | undefined {
  try {
    return loadCase(store.blobs, item.latestBlob, item.latestIndex);
  } catch (error) {
    if (error instanceof UnusableCaseError) throw new UnusableCaseError(`item ${item.id}: ${error.message}; leave it out with the filter term -item:${item.id}`);
    throw error;
  }
}

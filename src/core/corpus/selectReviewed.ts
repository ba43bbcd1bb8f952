// The items a snapshot or slice draws from: every item matching the filter, with its
// full case and the review event that decided it.
import type { Database } from 'sql.js';
import type { EvalCase } from '../model/caseModel';
import { loadCase, UnusableCaseError } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';
import { matchesFilter, parseFilter, type FilterTerm, type VersionTime } from './filterExpression';
import type { ReviewedCase } from './trainingRecords';

export interface SelectedCase extends ReviewedCase {
  reviewEvent: string | null;
}

/** An item as a filter sees it, with what selecting it needs. */
export interface MatchedItem {
  cid: number;
  id: string;
  caseKey: string;
  suite: string;
  verdict: string | null;
  correction: string | null;
  inputHash: string;
  latestBlob: string | null;
  latestIndex: number | null;
  /** The review that decides the item, as the index projection chose it. */
  reviewEvent: string | null;
}

/** Values per item of a many-valued column (runs, assignees), read only when a term asks about it. */
function listsOf(db: Database, sql: string): Map<number, string[]> {
  const lists = new Map<number, string[]>();
  for (const [cid, value] of (db.exec(sql)[0]?.values ?? []) as [number, string][]) {
    const list = lists.get(cid) ?? [];
    list.push(value);
    lists.set(cid, list);
  }
  return lists;
}

/** Every item the filter matches, in capture order; no blob is read. */
export function matchingItems(db: Database, filter: string | FilterTerm[], versionTime: VersionTime): MatchedItem[] {
  const terms = typeof filter === 'string' ? parseFilter(filter) : filter;
  const asks = (key: string) => terms.some((t) => 'key' in t && t.key === key);
  const runsOf = asks('run') ? listsOf(db, 'SELECT o.cid, r.id FROM occurrences o JOIN runs r ON r.rn = o.rn') : new Map<number, string[]>();
  const assigneesOf = asks('assigned') ? listsOf(db, 'SELECT cid, reviewer FROM assignments') : new Map<number, string[]>();
  const out: MatchedItem[] = [];
  const rows =
    db.exec(
      `SELECT cid, id, case_key, state, verdict, tags, suite, format, reviewer, reviewed_at, regression_rn IS NOT NULL AND fixed_rn IS NULL,
            latest_blob, latest_index, input_hash, correction, review_eid, agreement, human_reviewers FROM items ORDER BY created_at, rowid`,
    )[0]?.values ?? [];
  for (const r of rows) {
    const cid = Number(r[0]);
    const subject = {
      id: String(r[1]),
      state: String(r[3]),
      verdict: r[4] === null ? null : String(r[4]),
      tags: JSON.parse(String(r[5] ?? '[]')) as string[],
      runIds: runsOf.get(cid) ?? [],
      suite: String(r[6]),
      format: String(r[7]),
      reviewer: r[8] === null ? null : String(r[8]),
      reviewedAt: r[9] === null ? null : String(r[9]),
      regression: r[10] === 1,
      assignees: assigneesOf.get(cid) ?? [],
      agreement: String(r[16]),
      humanReviewers: Number(r[17]),
    };
    if (!matchesFilter(terms, subject, versionTime)) continue;
    out.push({
      cid,
      id: subject.id,
      caseKey: String(r[2]),
      suite: subject.suite,
      verdict: subject.verdict,
      correction: r[14] === null ? null : String(r[14]),
      inputHash: String(r[13]),
      latestBlob: r[11] === null ? null : String(r[11]),
      latestIndex: r[12] === null ? null : Number(r[12]),
      reviewEvent: r[15] === null ? null : String(r[15]),
    });
  }
  return out;
}

export function selectCases(store: WorkspaceStore, filter: string, versionTime: VersionTime, requireVerdict = true): SelectedCase[] {
  const out: SelectedCase[] = [];
  for (const item of matchingItems(store.database, filter, versionTime)) {
    if (requireVerdict && !item.verdict) continue;
    const evalCase = caseOf(store, item);
    if (!evalCase) continue;
    out.push({
      itemId: item.id,
      caseKey: item.caseKey,
      inputHash: item.inputHash,
      verdict: item.verdict ?? '',
      correction: item.correction,
      evalCase,
      reviewEvent: item.reviewEvent,
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

// The items a snapshot or slice draws from: every item matching the filter, with its
// full case and the review event that decided it (kept on the item by the index
// projection, reviewProjection.ts).
import type { Database } from 'sql.js';
import type { EvalCase } from '../model/caseModel';
import { filterableItems, loadCase, UnusableCaseError, type FilterableItem } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';
import { matchesFilter, parseFilter, type FilterTerm, type VersionTime } from './filterExpression';
import type { ReviewedCase } from './trainingRecords';

export interface SelectedCase extends ReviewedCase {
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
export function matchingItems(db: Database, filter: string | FilterTerm[], versionTime: VersionTime): FilterableItem[] {
  const terms = typeof filter === 'string' ? parseFilter(filter) : filter;
  const asks = (key: string) => terms.some((t) => 'key' in t && t.key === key);
  const runsOf = asks('run') ? listsOf(db, 'SELECT o.cid, r.id FROM occurrences o JOIN runs r ON r.rn = o.rn') : new Map<number, string[]>();
  const assigneesOf = asks('assigned') ? listsOf(db, 'SELECT cid, reviewer FROM assignments') : new Map<number, string[]>();
  const out: FilterableItem[] = [];
  for (const item of filterableItems(db)) {
    const subject = { ...item, runIds: runsOf.get(item.cid) ?? [], assignees: assigneesOf.get(item.cid) ?? [] };
    if (matchesFilter(terms, subject, versionTime)) out.push(item);
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
      reviewEvent: item.reviewEid,
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

// The Queue tree's questions of the index: for the items in one state, how many fall
// in each group (run, tag, assignee, suite, failure cluster), the open regressions per
// state, and the items of the clusters' two catch-all groups. views/treeModels.ts
// shapes the answers into nodes.
//
// Each answer is read so its cost follows the smaller side. The run and suite indexes do
// not hold the state (schema 12), so counting one state's items per run or suite looks
// each of them up: for the state most items are in (the waiting list, usually), the
// counts are every item's per group (a scan of the order's index alone) less those of the
// other states; the tagged items, when fewer than the state's, and the items not yet
// compared (few once the clusters catch up) are read from their own index or table
// rather than found among every item of the state.
import type { Database, SqlValue } from 'sql.js';
import { countsByState, keptCounts, valuesOf } from './storeQueries';

export interface GroupCount {
  key: string;
  count: number;
}

/** Open regressions (not fixed since) per item state, through the partial index of the few items with one. */
export function openRegressionsByState(db: Database): Map<string, number> {
  return new Map(valuesOf(db, 'SELECT state, COUNT(*) FROM items WHERE regression_rn IS NOT NULL AND fixed_rn IS NULL GROUP BY state').map((r) => [String(r[0]), Number(r[1])]));
}

/** Clusters of two or more with items in this state: the representative's id and title, the cluster's size and how many of its items are in the state. */
export function clusterGroupCounts(db: Database, state: string): (GroupCount & { title: string; size: number })[] {
  return valuesOf(
    db,
    `SELECT rep.id, rep.title, c.size, COUNT(*) FROM items i JOIN case_signatures s ON s.cid = i.cid JOIN clusters c ON c.cluster = s.cluster
     JOIN items rep ON rep.cid = c.rep_cid WHERE i.state = ? AND c.size > 1 GROUP BY s.cluster ORDER BY COUNT(*) DESC, c.size DESC, rep.created_at`,
    [state],
  ).map((r) => ({ key: String(r[0]), title: String(r[1]), size: Number(r[2]), count: Number(r[3]) }));
}

const LONE_SQL = 'cid IN (SELECT s.cid FROM case_signatures s JOIN clusters c ON c.cluster = s.cluster WHERE c.size = 1)';
const NOT_COMPARED_SQL = 'cid IN (SELECT cid FROM cluster_pending)';

/** Items in this state alike to no other failure. */
export function loneFailureCount(db: Database, state: string): number {
  return Number(valuesOf(db, 'SELECT COUNT(*) FROM items i JOIN case_signatures s ON s.cid = i.cid JOIN clusters c ON c.cluster = s.cluster WHERE i.state = ? AND c.size = 1', [state])[0]?.[0] ?? 0);
}

/** Items in this state the clusters have not compared yet (they catch up after a capture). */
export function notComparedCount(db: Database, state: string): number {
  // the items waiting to be compared first: they are few once the clusters catch up, while the state may hold every item
  return Number(valuesOf(db, 'SELECT COUNT(*) FROM cluster_pending p CROSS JOIN items i ON i.cid = p.cid WHERE i.state = ?', [state])[0]?.[0] ?? 0);
}

/** The ids, oldest first, of the items in this state that are alike to no other failure (`lone`) or not compared yet. */
export function catchAllItemIds(db: Database, state: string, group: 'lone' | 'notCompared'): string[] {
  const sql = group === 'lone' ? LONE_SQL : NOT_COMPARED_SQL;
  return valuesOf(db, `SELECT id FROM items WHERE state = ? AND ${sql} ORDER BY created_at, rowid`, [state]).map((r) => String(r[0]));
}

/**
 * Items of one state per value of a column served by an index led by it (`last_rn`:
 * items_run, `suite`: items_suite_created), as [value, count] with no zero counts.
 */
function countsPer(db: Database, column: 'last_rn' | 'suite', state: string): Map<SqlValue, number> {
  const direct = (s: string) => new Map(valuesOf(db, `SELECT ${column}, COUNT(*) FROM items WHERE state = ? GROUP BY ${column}`, [s]).map((r) => [r[0]!, Number(r[1])]));
  const kept = keptCounts(db);
  const all = kept.get('all') ?? 0;
  if ((kept.get(`state:${state}`) ?? 0) * 2 <= all) return direct(state);
  // most items are in this state: every item's count per value (covering: no row read), less the other states'
  const counts = new Map(valuesOf(db, `SELECT ${column}, COUNT(*) FROM items GROUP BY ${column}`).map((r) => [r[0]!, Number(r[1])]));
  for (const other of Object.keys(countsByState(kept))) {
    if (other === state) continue;
    for (const [value, n] of direct(other)) counts.set(value, (counts.get(value) ?? 0) - n);
  }
  for (const [value, n] of counts) if (n <= 0) counts.delete(value);
  return counts;
}

/** The runs items in this state last failed in, newest first. */
export function runGroupCounts(db: Database, state: string): (GroupCount & { suite: string; model: string | null; startedAt: string | null })[] {
  const counts = countsPer(db, 'last_rn', state);
  if (counts.size === 0) return [];
  const runs = valuesOf(db, 'SELECT rn, id, suite, model, started_at FROM runs WHERE rn IN (SELECT value FROM json_each(?)) ORDER BY rn DESC', [JSON.stringify([...counts.keys()])]);
  return runs.map((r) => ({ key: String(r[1]), suite: String(r[2]), model: r[3] ? String(r[3]) : null, startedAt: r[4] ? String(r[4]) : null, count: counts.get(r[0]!) ?? 0 }));
}

/**
 * Where the tagged items of a state are read from: the tagged items' partial index when
 * they are fewer than the state's items (usually: few items carry tags), else the state's.
 */
function taggedOfState(db: Database, state: string): string {
  const tagged = Number(valuesOf(db, "SELECT COUNT(*) FROM items WHERE tags != '[]'")[0]?.[0] ?? 0);
  return tagged < (keptCounts(db).get(`state:${state}`) ?? 0) ? 'items INDEXED BY items_tagged' : 'items INDEXED BY items_state';
}

/** The tags of items in this state (an item with two tags counts under each), by name. */
export function tagGroupCounts(db: Database, state: string): GroupCount[] {
  return valuesOf(db, `SELECT t.value, COUNT(*) FROM ${taggedOfState(db, state)}, json_each(items.tags) t WHERE items.tags != '[]' AND items.state = ? GROUP BY t.value ORDER BY t.value`, [state]).map((r) => ({
    key: String(r[0]),
    count: Number(r[1]),
  }));
}

/** Items in this state with no tag: the state's kept count less its tagged items. */
export function untaggedCount(db: Database, state: string): number {
  const tagged = Number(valuesOf(db, `SELECT COUNT(*) FROM ${taggedOfState(db, state)} WHERE tags != '[]' AND state = ?`, [state])[0]?.[0] ?? 0);
  return (keptCounts(db).get(`state:${state}`) ?? 0) - tagged;
}

/** The people items in this state are assigned to (an item given to two people counts under each), by name. */
export function assigneeGroupCounts(db: Database, state: string): GroupCount[] {
  return valuesOf(db, 'SELECT a.reviewer, COUNT(*) FROM items i JOIN assignments a ON a.cid = i.cid WHERE i.state = ? GROUP BY a.reviewer ORDER BY a.reviewer', [state]).map((r) => ({
    key: String(r[0]),
    count: Number(r[1]),
  }));
}

export function suiteGroupCounts(db: Database, state: string): GroupCount[] {
  const counts = countsPer(db, 'suite', state);
  // in SQLite's order of text (by its bytes), as ORDER BY suite gives them
  return valuesOf(db, 'SELECT value FROM json_each(?) ORDER BY value', [JSON.stringify([...counts.keys()])]).map((r) => ({ key: String(r[0]), count: counts.get(r[0]!) ?? 0 }));
}

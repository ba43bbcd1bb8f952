// The Queue tree's questions of the index: for the items in one state, how many fall
// in each group (run, tag, assignee, suite, failure cluster), the open regressions per
// state, and the items of the clusters' two catch-all groups. views/treeModels.ts
// shapes the answers into nodes.
import type { Database } from 'sql.js';
import { valuesOf } from './storeQueries';

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
  return Number(valuesOf(db, 'SELECT COUNT(*) FROM items i JOIN cluster_pending p ON p.cid = i.cid WHERE i.state = ?', [state])[0]?.[0] ?? 0);
}

/** The ids, oldest first, of the items in this state that are alike to no other failure (`lone`) or not compared yet. */
export function catchAllItemIds(db: Database, state: string, group: 'lone' | 'notCompared'): string[] {
  const sql = group === 'lone' ? LONE_SQL : NOT_COMPARED_SQL;
  return valuesOf(db, `SELECT id FROM items WHERE state = ? AND ${sql} ORDER BY created_at, rowid`, [state]).map((r) => String(r[0]));
}

/** The runs items in this state last failed in, newest first. */
export function runGroupCounts(db: Database, state: string): (GroupCount & { suite: string; model: string | null; startedAt: string | null })[] {
  return valuesOf(
    db,
    `SELECT r.id, r.suite, r.model, r.started_at, COUNT(*) FROM items i JOIN runs r ON r.rn = i.last_rn
     WHERE i.state = ? GROUP BY i.last_rn ORDER BY i.last_rn DESC`,
    [state],
  ).map((r) => ({ key: String(r[0]), suite: String(r[1]), model: r[2] ? String(r[2]) : null, startedAt: r[3] ? String(r[3]) : null, count: Number(r[4]) }));
}

/** The tags of items in this state (an item with two tags counts under each), by name. */
export function tagGroupCounts(db: Database, state: string): GroupCount[] {
  return valuesOf(db, 'SELECT t.value, COUNT(*) FROM items, json_each(items.tags) t WHERE items.state = ? GROUP BY t.value ORDER BY t.value', [state]).map((r) => ({ key: String(r[0]), count: Number(r[1]) }));
}

export function untaggedCount(db: Database, state: string): number {
  return Number(valuesOf(db, "SELECT COUNT(*) FROM items WHERE state = ? AND tags = '[]'", [state])[0]?.[0] ?? 0);
}

/** The people items in this state are assigned to (an item given to two people counts under each), by name. */
export function assigneeGroupCounts(db: Database, state: string): GroupCount[] {
  return valuesOf(db, 'SELECT a.reviewer, COUNT(*) FROM items i JOIN assignments a ON a.cid = i.cid WHERE i.state = ? GROUP BY a.reviewer ORDER BY a.reviewer', [state]).map((r) => ({
    key: String(r[0]),
    count: Number(r[1]),
  }));
}

export function suiteGroupCounts(db: Database, state: string): GroupCount[] {
  return valuesOf(db, 'SELECT suite, COUNT(*) FROM items WHERE state = ? GROUP BY suite ORDER BY suite', [state]).map((r) => ({ key: String(r[0]), count: Number(r[1]) }));
}

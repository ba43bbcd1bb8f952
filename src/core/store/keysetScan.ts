// Reading a filter's list from a place in it (listOrder.ts): rows after or before a key,
// a few rows on from a key, and counts between two keys, each as a union of index ranges
// read nearest first, so the cost grows with the rows read, never with the depth.
import type { Database, SqlValue } from 'sql.js';
import type { QueueSort } from '../review/queueSort';
import { keyColumns, keyOfRow, leavesAfter, leavesBefore, leavesBetween, leavesOfAll, orderBy, type Leaf, type ListKey } from './listOrder';
import { listReading } from './listReading';
import { ITEM_COLUMNS, itemWhere, rows, toItem, type ItemFilter, type ItemRow } from './storeQueries';

/** Where a read starts: the top of the list, or a key (itself included when `inclusive`). */
export type ScanStart = { key: ListKey; inclusive: boolean } | null;

/**
 * The table and condition one leaf of the filter's list is read from: `items` and the
 * leaf's range, or, for a thin list of one state (listReading.ts), `items` through
 * items_state alone (else SQLite takes the order's index for the leaf's range and walks
 * every item of it to find the few in the state). `sorted` is listReading's, decided once
 * per read, not per leaf.
 */
export function leafSource(filter: ItemFilter, leaf: Leaf, sorted: boolean): { from: string; params: SqlValue[] } {
  const base = itemWhere(filter, { stateUnindexed: leaf.stateUnindexed && !sorted });
  const terms = [base.sql.replace(/^WHERE /, ''), leaf.sql].filter(Boolean);
  const table = sorted ? 'items INDEXED BY items_state' : 'items';
  return { from: terms.length ? `${table} WHERE ${terms.join(' AND ')}` : table, params: [...base.params, ...leaf.params] };
}

/** Rows of the leaf, but at most `atMost` of them counted (a walk of at most that many index entries). */
function countUpTo(db: Database, filter: ItemFilter, leaf: Leaf, sorted: boolean, atMost: number): number {
  const { from, params } = leafSource(filter, leaf, sorted);
  return Number(db.exec(`SELECT COUNT(*) FROM (SELECT 1 FROM ${from} LIMIT ${Math.floor(atMost)})`, params)[0]?.values[0]?.[0] ?? 0);
}

/**
 * `limit` rows of the filter's list from `start` on, after skipping `skip` of them
 * (`reverse`: the rows before `start`, nearest first). `columns` is the select list.
 */
export function scanRows(db: Database, filter: ItemFilter, sort: QueueSort, start: ScanStart, options: { columns: string; skip?: number; limit: number; reverse?: boolean }): Record<string, SqlValue>[] {
  const reverse = options.reverse ?? false;
  const leaves: Leaf[] = !start ? leavesOfAll(sort) : reverse ? leavesBefore(sort, start.key) : leavesAfter(sort, start.key, start.inclusive);
  let skip = Math.max(0, Math.floor(options.skip ?? 0));
  let wanted = Math.max(0, Math.floor(options.limit));
  const { sorted } = listReading(db, filter);
  const out: Record<string, SqlValue>[] = [];
  for (const leaf of leaves) {
    if (wanted === 0) break;
    // the parts the leaf holds equal are left out of the ORDER BY: SQLite does not see that
    // an expression held equal (open regression) is constant, and would sort the leaf
    const { from, params } = leafSource(filter, leaf, sorted);
    const found = rows(db, `SELECT ${options.columns} FROM ${from} ORDER BY ${orderBy(sort, reverse, leaf.prefix)} LIMIT ${wanted} OFFSET ${skip}`, params);
    if (found.length === 0 && skip > 0) {
      // the leaf holds no more rows than are left to skip: they are skipped whole
      skip -= countUpTo(db, filter, leaf, sorted, skip);
      continue;
    }
    skip = 0;
    wanted -= found.length;
    out.push(...found);
  }
  return out;
}

/** Items of the filter's list at or after `from` and before `to` (null: the list's start or end). */
export function countBetween(db: Database, filter: ItemFilter, sort: QueueSort, from: ListKey | null, to: ListKey | null): number {
  const { sorted } = listReading(db, filter);
  let n = 0;
  for (const leaf of leavesBetween(sort, from, to)) {
    const { from, params } = leafSource(filter, leaf, sorted);
    n += Number(db.exec(`SELECT COUNT(*) FROM ${from}`, params)[0]?.values[0]?.[0] ?? 0);
  }
  return n;
}

/** Like countBetween, but stops counting past `atMost` (then returns atMost + 1). */
export function countBetweenUpTo(db: Database, filter: ItemFilter, sort: QueueSort, from: ListKey | null, to: ListKey | null, atMost: number): number {
  const { sorted } = listReading(db, filter);
  let n = 0;
  for (const leaf of leavesBetween(sort, from, to)) {
    n += countUpTo(db, filter, leaf, sorted, atMost + 1 - n);
    if (n > atMost) return atMost + 1;
  }
  return n;
}

/** Items of the filter's list read as scanRows reads rows, each with its key (the cursor of the row). */
export function scanItems(db: Database, filter: ItemFilter, sort: QueueSort, start: ScanStart, options: { skip?: number; limit: number; reverse?: boolean }): { items: ItemRow[]; keys: ListKey[] } {
  const rows = scanRows(db, filter, sort, start, { ...options, columns: `${keyColumns(sort)}, ${ITEM_COLUMNS}` });
  if (options.reverse) rows.reverse();
  return { keys: rows.map((r) => keyOfRow(sort, r)), items: rows.map(toItem) };
}

/** The key of an item (by id) in the order's list, whether or not the item is in a filter's list. */
export function keyOfItem(db: Database, sort: QueueSort, id: string): ListKey | undefined {
  const row = rows(db, `SELECT ${keyColumns(sort)} FROM items WHERE id = ?`, [id])[0];
  return row ? keyOfRow(sort, row) : undefined;
}

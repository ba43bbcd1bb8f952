// Every order a list of items can be read in (review/queueSort.ts), as a key: a few parts
// over the items table, the last one the item's cid (unique), so a place in a list is a
// key and a page starts after a key rather than after skipping `offset` rows.
//
// A range of a list is answered as a union of index ranges ("leaves"): items whose first
// parts equal the key's and whose next part lies beyond it. Each leaf is an equality
// prefix and a range on one column, which an index in the order's columns (schema 9,
// indexSchema.ts) seeks to directly. One expanded comparison over all parts would not:
// SQLite bounds its index range by the first part only, so in the order "latest run
// first", where a million items share one run, a deep page would walk the whole run.
import type { SqlValue } from 'sql.js';
import * as z from 'zod';
import { QUEUE_SORTS, type QueueSort } from '../review/queueSort';

/** An open regression (failed after passing, not fixed since): its one definition in SQL. */
export const OPEN_REGRESSION_SQL = '(regression_rn IS NOT NULL AND fixed_rn IS NULL)';

interface KeyPart {
  /** The part as an expression over `items`. */
  sql: string;
  desc: boolean;
  /** Its column in the temp table of changed items' keys (queuePositions.ts). */
  change: 'created_at' | 'cid' | 'last_rn' | 'suite' | 'open_regression';
  /**
   * A flag (0 or 1) is held to a value by a condition written out (`whenTrue`,
   * `whenFalse`), not by `expr = ?`: the open regressions are read from a partial index,
   * which SQLite uses only when the query states its condition.
   */
  kind: 'text' | 'integer' | 'flag';
  whenTrue?: string;
  whenFalse?: string;
  /**
   * The order is read from its own index (schema 9), which does not hold the state: a list
   * of one state is read from it too, each row's state tested, so the query must not let
   * SQLite pick items_state and sort (see Leaf).
   */
  ownIndex?: boolean;
}

const CREATED: KeyPart = { sql: 'created_at', desc: false, change: 'created_at', kind: 'text' };
const CID: KeyPart = { sql: 'items.cid', desc: false, change: 'cid', kind: 'integer' };

/** Each order's key; ties fall back to the order of capture (created_at, then cid). */
export const ORDER_KEYS: Record<QueueSort, readonly KeyPart[]> = {
  oldest: [CREATED, CID],
  newest: [
    { ...CREATED, desc: true },
    { ...CID, desc: true },
  ],
  // the items of the latest run first
  run: [{ sql: 'last_rn', desc: true, change: 'last_rn', kind: 'integer', ownIndex: true }, CREATED, CID],
  suite: [{ sql: 'items.suite', desc: false, change: 'suite', kind: 'text', ownIndex: true }, CREATED, CID],
  // open regressions first
  regression: [{ sql: OPEN_REGRESSION_SQL, desc: true, change: 'open_regression', kind: 'flag', whenTrue: 'regression_rn IS NOT NULL AND fixed_rn IS NULL', whenFalse: `NOT ${OPEN_REGRESSION_SQL}` }, CREATED, CID],
};

/** A place in a list: one value per part of its order's key. */
export type ListKey = readonly SqlValue[];

/** The ORDER BY of the order (`from`: leaving out the first parts, which a leaf holds equal). */
export function orderBy(sort: QueueSort, reverse = false, from = 0): string {
  return ORDER_KEYS[sort]
    .slice(from)
    .map((p) => `${p.sql}${p.desc !== reverse ? ' DESC' : ''}`)
    .join(', ');
}

/** The key's parts as selected columns `_k0`, `_k1`, … */
export function keyColumns(sort: QueueSort): string {
  return ORDER_KEYS[sort].map((p, i) => `${p.sql} AS _k${i}`).join(', ');
}

export function keyOfRow(sort: QueueSort, row: Record<string, SqlValue>): ListKey {
  return ORDER_KEYS[sort].map((_, i) => row[`_k${i}`] ?? null);
}

/** Text compared as SQLite compares it (by UTF-8 bytes, which is by code point, not by UTF-16 unit). */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  // up to the first unit that differs; two units outside the surrogates compare as their code points
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const u = a.charCodeAt(i);
  const v = b.charCodeAt(i);
  if ((u < 0xd800 || u > 0xdfff) && (v < 0xd800 || v > 0xdfff)) return u - v;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (x[i] !== y[i]) return x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
  }
  return x.length - y.length;
}

/** Where `a` stands against `b` in the order's list: negative before, 0 the same place, positive after. */
export function compareKeys(sort: QueueSort, a: ListKey, b: ListKey): number {
  const parts = ORDER_KEYS[sort];
  for (let i = 0; i < parts.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    const c = typeof x === 'string' && typeof y === 'string' ? compareText(x, y) : Number(x) - Number(y);
    if (c !== 0) return parts[i]!.desc ? -c : c;
  }
  return 0;
}

/** One index range: the first `prefix` parts equal the key's, part `prefix` between the bounds. */
export interface Leaf {
  sql: string;
  params: SqlValue[];
  /** How many leading parts the leaf holds to one value (they are left out of its ORDER BY). */
  prefix: number;
  /**
   * The leaf is read from an index that is not led by the state (the order's own, or the
   * open regressions'), so a state filter is written so SQLite does not use items_state:
   * with no statistics it takes `state = ?` for a handful of rows and would sort them.
   */
  stateUnindexed: boolean;
}

type Bound = { value: SqlValue; inclusive: boolean };

/** The condition holding a part to one value. */
function equal(part: KeyPart, value: SqlValue): { sql: string; params: SqlValue[] } {
  if (part.kind === 'flag') return { sql: value ? part.whenTrue! : part.whenFalse!, params: [] };
  return { sql: `${part.sql} = ?`, params: [value] };
}

/**
 * The leaf (see above); `lower`/`upper` are bounds in list order (an upper bound on a
 * descending part is a lower one in SQL). Undefined when no row can be in it.
 */
function leaf(sort: QueueSort, key: ListKey, prefix: number, lower?: Bound, upper?: Bound): Leaf | undefined {
  const parts = ORDER_KEYS[sort];
  const terms: string[] = [];
  const params: SqlValue[] = [];
  for (let i = 0; i < prefix; i++) {
    const held = equal(parts[i]!, key[i] ?? null);
    terms.push(held.sql);
    params.push(...held.params);
  }
  const part = parts[prefix]!;
  if (part.kind === 'flag') {
    // the values of the flag between the bounds, in list order (1 before 0 when descending)
    const inOrder = part.desc ? [1, 0] : [0, 1];
    const at = (v: SqlValue) => inOrder.indexOf(Number(v));
    const values = inOrder.filter((v) => (!lower || (lower.inclusive ? at(v) >= at(lower.value) : at(v) > at(lower.value))) && (!upper || (upper.inclusive ? at(v) <= at(upper.value) : at(v) < at(upper.value))));
    if (values.length === 0) return undefined;
    if (values.length === 1) {
      terms.push(equal(part, values[0]!).sql);
      return { sql: terms.join(' AND '), params, prefix: prefix + 1, stateUnindexed: stateUnindexed(sort, prefix === 0 ? values[0]! : key[0]!) };
    }
    return { sql: terms.join(' AND '), params, prefix, stateUnindexed: false };
  }
  const after = (inclusive: boolean) => (part.desc ? (inclusive ? '<=' : '<') : inclusive ? '>=' : '>');
  const before = (inclusive: boolean) => (part.desc ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<');
  if (lower) {
    terms.push(`${part.sql} ${after(lower.inclusive)} ?`);
    params.push(lower.value);
  }
  if (upper) {
    terms.push(`${part.sql} ${before(upper.inclusive)} ?`);
    params.push(upper.value);
  }
  return { sql: terms.join(' AND '), params, prefix, stateUnindexed: stateUnindexed(sort, key[0] ?? null) };
}

/** See Leaf.stateUnindexed: the order is read from its own index, or the leaf holds a leading flag true (open regressions, whose partial index has no state). */
function stateUnindexed(sort: QueueSort, first: SqlValue): boolean {
  const part = ORDER_KEYS[sort][0]!;
  return part.ownIndex === true || (part.kind === 'flag' && first === 1);
}

const present = (leaves: (Leaf | undefined)[]): Leaf[] => leaves.filter((l): l is Leaf => l !== undefined);

/** The whole list as leaves in list order: one, or one per value of a leading flag (each read from its index). */
export function leavesOfAll(sort: QueueSort): Leaf[] {
  const first = ORDER_KEYS[sort][0]!;
  if (first.kind !== 'flag') return [{ sql: '', params: [], prefix: 0, stateUnindexed: first.ownIndex === true }];
  return (first.desc ? [1, 0] : [0, 1]).map((v) => ({ sql: equal(first, v).sql, params: [], prefix: 1, stateUnindexed: stateUnindexed(sort, v) }));
}

/** The items after `key` (at or after it when `inclusive`), as leaves in list order. */
export function leavesAfter(sort: QueueSort, key: ListKey, inclusive: boolean): Leaf[] {
  const last = ORDER_KEYS[sort].length - 1;
  const out: (Leaf | undefined)[] = [];
  for (let i = last; i >= 0; i--) out.push(leaf(sort, key, i, { value: key[i] ?? null, inclusive: inclusive && i === last }));
  return present(out);
}

/** The items before `key`, as leaves nearest first (each read in reverse order). */
export function leavesBefore(sort: QueueSort, key: ListKey): Leaf[] {
  const last = ORDER_KEYS[sort].length - 1;
  const out: (Leaf | undefined)[] = [];
  for (let i = last; i >= 0; i--) out.push(leaf(sort, key, i, undefined, { value: key[i] ?? null, inclusive: false }));
  return present(out);
}

/** The items at or after `from` and before `to` (either end open when null), as leaves. */
export function leavesBetween(sort: QueueSort, from: ListKey | null, to: ListKey | null): Leaf[] {
  if (!from && !to) return leavesOfAll(sort);
  if (!to) return leavesAfter(sort, from!, true);
  if (!from) return leavesBefore(sort, to);
  if (compareKeys(sort, from, to) >= 0) return [];
  const parts = ORDER_KEYS[sort];
  let p = 0;
  while (p < parts.length && compareKeys(sort, [...from.slice(0, p + 1)], [...to.slice(0, p + 1)]) === 0) p++;
  const last = parts.length - 1;
  // part p differs: strictly between the two; or equal to from's and the rest at or after
  // from; or equal to to's and the rest before to
  const out: (Leaf | undefined)[] = [leaf(sort, from, p, { value: from[p] ?? null, inclusive: p === last }, { value: to[p] ?? null, inclusive: false })];
  if (p < last) {
    for (let i = p + 1; i <= last; i++) out.push(leaf(sort, from, i, { value: from[i] ?? null, inclusive: i === last }));
    for (let i = p + 1; i <= last; i++) out.push(leaf(sort, to, i, undefined, { value: to[i] ?? null, inclusive: false }));
  }
  return present(out);
}

// ── cursors: a place in a list as the panel carries it (an opaque string to it)

/** The longest cursor given out (the protocol's bound); a longer one (a suite named in thousands of characters) is not given. */
export const MAX_CURSOR = 4000;

const cursorSchema = z.object({ sort: z.enum(QUEUE_SORTS), key: z.array(z.union([z.string().max(MAX_CURSOR), z.number().int(), z.null()])).max(4) });

/** The cursor of a row, or undefined when it would pass MAX_CURSOR (the panel then asks by offset). */
export function encodeCursor(sort: QueueSort, key: ListKey): string | undefined {
  const cursor = JSON.stringify({ sort, key });
  return cursor.length <= MAX_CURSOR ? cursor : undefined;
}

/** The key a cursor names in this order, or an error saying why it names none. */
export function decodeCursor(sort: QueueSort, cursor: string): ListKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    throw new Error('the page cursor is not JSON');
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) throw new Error('the page cursor is not a place in a list');
  const parts = ORDER_KEYS[sort];
  const { key } = result.data;
  const fits = (v: SqlValue, part: KeyPart) => (part.kind === 'text' ? typeof v === 'string' : part.kind === 'flag' ? v === 0 || v === 1 : typeof v === 'number');
  if (result.data.sort !== sort || key.length !== parts.length || key.some((v, i) => !fits(v, parts[i]!))) {
    throw new Error(`the page cursor is not a place in the list ordered ${sort}`);
  }
  return key;
}

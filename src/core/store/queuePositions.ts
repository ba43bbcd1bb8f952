// Where a deep page of a list of items starts, and where an item stands in a list,
// without OFFSET walking the index from the top (at a million items, page 4,000 read
// 800,000 index entries to skip them).
//
// For each filter and order that has been asked for deeply, the list is cut into
// buckets: the key (listOrder.ts) where each starts, and how many items of the filter it
// holds up to the next. Offset k is then a bucket's start key plus an offset inside the
// bucket, which keyset paging answers from the index. Buckets are exact, never estimates:
// a temp trigger notes the key parts of every item inserted, updated or deleted (before
// and after), and before the next lookup each bucket holding a noted key is counted again
// (a count of at most a few thousand index entries). A change too large to count bucket
// by bucket drops the buckets, which are cut again when next needed. A list may also hang
// on rows beside the item's own (its assignments, its cluster, its search text): a change
// to those is noted by table, and drops the buckets of the lists that read it.
import type { Database } from 'sql.js';
import type { QueueSort } from '../review/queueSort';
import { countBetween, countBetweenUpTo, scanRows } from './keysetScan';
import { compareKeys, keyColumns, keyOfRow, OPEN_REGRESSION_SQL, ORDER_KEYS, orderBy, type ListKey } from './listOrder';
import { BUCKET, listReading } from './listReading';
import { countsByState, keptCounts, type ItemFilter } from './storeQueries';

/** A bucket grown past this many times its size, and past BUCKET (items added in one place), makes the filter's buckets be built again. */
const MAX_GROWTH = 4;
/** More changed items than this since the last lookup: build again rather than count bucket by bucket. */
export const MAX_CHANGES = 20_000;
/** Filters (with their order) kept per database (each open panel asks for one or two). */
const MAX_FILTERS = 8;

interface Buckets {
  sort: QueueSort;
  /** starts[0] is the start of the list (no key); starts[i] the key of bucket i's first item when it was cut. */
  starts: (ListKey | null)[];
  counts: number[];
  /** Items per bucket when it was cut (listReading.ts: fewer for a thin list walked through its order's index). */
  size: number;
  /** What beside the item rows the list is read from (see inputsOf). */
  inputs: ListInput[];
  dirty: Set<number>;
}

interface Positions {
  filters: Map<string, Buckets>;
}

const byDatabase = new WeakMap<Database, Positions>();

/** The key parts of every order (listOrder.ts's `change` names), before and after a change. */
const CHANGED_PARTS = 'created_at, cid, last_rn, suite, open_regression';
const partsOf = (row: 'NEW' | 'OLD') => `${row}.created_at, ${row}.cid, ${row}.last_rn, ${row}.suite, ${OPEN_REGRESSION_SQL.replace(/(regression_rn|fixed_rn)/g, `${row}.$1`)}`;

/** What a list may be read from beside the item rows, each noted when its table changes. */
type ListInput = 'assignments' | 'signatures' | 'text';

/** The inputs a filter's list is read from (the rest of a filter reads item rows, or rows whose change rewrites them: reviews, occurrences). */
function inputsOf(filter: ItemFilter): ListInput[] {
  const inputs: ListInput[] = [];
  if (filter.assignedTo !== undefined || filter.unassigned || filter.stateSeenBy !== undefined) inputs.push('assignments');
  // an item's search text is written when it is signed (signatures) or, in an upgraded index, when its pending text is taken (text)
  if (filter.cluster !== undefined || filter.text) inputs.push('signatures');
  if (filter.text) inputs.push('text');
  return inputs;
}

const noted = (table: string, input: ListInput, events: ('INSERT' | 'UPDATE' | 'DELETE')[]) =>
  events
    .map(
      (event) => `CREATE TEMP TRIGGER IF NOT EXISTS ${table}_noted_${event.toLowerCase()} AFTER ${event} ON main.${table} BEGIN
    INSERT OR IGNORE INTO list_input_changes (input) VALUES ('${input}');
  END;`,
    )
    .join('\n');

const UPDATE_TRACKING = `CREATE TEMP TRIGGER IF NOT EXISTS item_key_changes_update AFTER UPDATE ON main.items BEGIN
    INSERT OR IGNORE INTO item_key_changes (${CHANGED_PARTS}) VALUES (${partsOf('NEW')}), (${partsOf('OLD')});
  END;`;

/** Notes the key parts of every item that changes, and which other inputs of lists changed (temp objects: never saved with the index). */
const CHANGE_TRACKING = `
  CREATE TEMP TABLE IF NOT EXISTS item_key_changes (
    created_at TEXT NOT NULL, cid INTEGER NOT NULL, last_rn INTEGER, suite TEXT, open_regression INTEGER,
    PRIMARY KEY (cid, created_at, last_rn, suite, open_regression)
  ) WITHOUT ROWID;
  CREATE TEMP TRIGGER IF NOT EXISTS item_key_changes_insert AFTER INSERT ON main.items BEGIN
    INSERT OR IGNORE INTO item_key_changes (${CHANGED_PARTS}) VALUES (${partsOf('NEW')});
  END;
  ${UPDATE_TRACKING}
  CREATE TEMP TRIGGER IF NOT EXISTS item_key_changes_delete AFTER DELETE ON main.items BEGIN
    INSERT OR IGNORE INTO item_key_changes (${CHANGED_PARTS}) VALUES (${partsOf('OLD')});
  END;
  CREATE TEMP TABLE IF NOT EXISTS list_input_changes (input TEXT PRIMARY KEY) WITHOUT ROWID;
  ${noted('assignments', 'assignments', ['INSERT', 'UPDATE', 'DELETE'])}
  ${noted('case_signatures', 'signatures', ['INSERT', 'UPDATE', 'DELETE'])}
  ${noted('text_pending', 'text', ['DELETE'])}`;

function positionsOf(db: Database): Positions {
  let positions = byDatabase.get(db);
  if (!positions) {
    db.exec(CHANGE_TRACKING);
    db.run('DELETE FROM temp.item_key_changes; DELETE FROM temp.list_input_changes'); // buckets built from now on see every later change
    positions = { filters: new Map() };
    byDatabase.set(db, positions);
  }
  return positions;
}

/**
 * Runs `work`, which rewrites more than MAX_CHANGES item rows (a bulk verdict), without
 * the update trigger noting two rows for each: every list's buckets are dropped now, as
 * takeChanges would drop them after it. Run inside the caller's transaction, so a
 * rollback restores the trigger with the rest.
 */
export function rewritingManyItems<T>(db: Database, work: () => T): T {
  const positions = byDatabase.get(db);
  if (!positions) return work();
  positions.filters.clear();
  db.exec('DROP TRIGGER IF EXISTS temp.item_key_changes_update');
  try {
    return work();
  } finally {
    db.exec(UPDATE_TRACKING);
  }
}

/** The bucket whose range holds `key`: the last start at or before it. */
function bucketOf(buckets: Buckets, key: ListKey): number {
  let lo = 0;
  let hi = buckets.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (compareKeys(buckets.sort, buckets.starts[mid]!, key) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Marks the buckets holding changed items, in every filter kept; drops them all after a large change, and those of lists whose other inputs changed. */
function takeChanges(db: Database, positions: Positions): void {
  const inputs = new Set((db.exec('SELECT input FROM temp.list_input_changes')[0]?.values ?? []).map((r) => String(r[0])));
  if (inputs.size > 0) {
    db.run('DELETE FROM temp.list_input_changes');
    for (const [name, buckets] of positions.filters) if (buckets.inputs.some((i) => inputs.has(i))) positions.filters.delete(name);
  }
  const stmt = db.prepare(`SELECT ${CHANGED_PARTS} FROM temp.item_key_changes LIMIT ${MAX_CHANGES + 1}`);
  const changed: Record<string, unknown>[] = [];
  try {
    while (stmt.step()) changed.push(stmt.getAsObject());
  } finally {
    stmt.free();
  }
  if (changed.length === 0) return;
  db.run('DELETE FROM temp.item_key_changes');
  if (changed.length > MAX_CHANGES) {
    positions.filters.clear();
    return;
  }
  for (const buckets of positions.filters.values()) {
    const parts = ORDER_KEYS[buckets.sort];
    for (const row of changed)
      buckets.dirty.add(
        bucketOf(
          buckets,
          parts.map((p) => row[p.change] as ListKey[number]),
        ),
      );
  }
}

const sortOf = (filter: ItemFilter): QueueSort => filter.sort ?? 'oldest';

/** The key `skip` items on from `from` (inclusive), or undefined past the end. */
function keyAhead(db: Database, filter: ItemFilter, from: ListKey | null, skip: number): ListKey | undefined {
  const sort = sortOf(filter);
  const row = scanRows(db, filter, sort, from ? { key: from, inclusive: true } : null, { columns: keyColumns(sort), skip, limit: 1 })[0];
  return row ? keyOfRow(sort, row) : undefined;
}

/** The filter's list cut every `size` items: each bucket's start key and count (the last holds the rest). */
function cut(db: Database, filter: ItemFilter, size: number): Pick<Buckets, 'starts' | 'counts'> {
  const starts: (ListKey | null)[] = [null];
  const counts: number[] = [];
  for (;;) {
    const next = keyAhead(db, filter, starts.at(-1)!, size);
    if (!next) break;
    counts.push(size);
    starts.push(next);
  }
  counts.push(countBetween(db, filter, sortOf(filter), starts.at(-1)!, null));
  return { starts, counts };
}

/** The filter holds the list to one state and to nothing else (its order aside). */
function stateOnly(filter: ItemFilter): boolean {
  if (filter.state === undefined || filter.stateSeenBy !== undefined) return false;
  return Object.entries(filter).every(([k, v]) => v === undefined || k === 'state' || k === 'sort' || k === 'limit' || k === 'offset');
}

/**
 * A list of one state walked through its order's index looks each row up to test its
 * state, so cutting it into buckets that way costs a lookup per item (2.5 s at a
 * million). It is cut instead as the whole list is, from the order's index alone, and
 * each bucket's count is lessened by the items of the other states in it, found by their
 * keys: lookups only for the items the list does not hold. (A bucket of the whole list,
 * BUCKET items, holds no more than that many of the list, which a walk passes at most.)
 */
function buildFromWhole(db: Database, filter: ItemFilter): Buckets {
  const sort = sortOf(filter);
  const buckets: Buckets = { ...cut(db, { sort }, BUCKET), sort, size: BUCKET, inputs: inputsOf(filter), dirty: new Set() };
  for (const other of Object.keys(countsByState(keptCounts(db)))) {
    if (other === filter.state) continue;
    const others = db.prepare(`SELECT ${keyColumns(sort)} FROM items WHERE state = ?`);
    try {
      others.bind([other]);
      // (the selected columns are the key's parts, in order)
      while (others.step()) buckets.counts[bucketOf(buckets, others.get())]! -= 1;
    } finally {
      others.free();
    }
  }
  return buckets;
}

/**
 * A list of one state cut from items_state, its keys sorted by SQLite in the list's order
 * and every `size`-th taken as a bucket's start: a lookup and a sort per item of the list.
 */
function cutSorted(db: Database, filter: ItemFilter, size: number): Pick<Buckets, 'starts' | 'counts'> {
  const sort = sortOf(filter);
  const starts: (ListKey | null)[] = [null];
  const counts: number[] = [];
  const keys = db.prepare(`SELECT ${keyColumns(sort)} FROM items INDEXED BY items_state WHERE state = ? ORDER BY ${orderBy(sort)}`);
  let n = 0;
  try {
    keys.bind([filter.state!]);
    // (the selected columns are the key's parts, in order)
    for (; keys.step(); n++) {
      if (n > 0 && n % size === 0) {
        counts.push(size);
        starts.push(keys.get());
      }
    }
  } finally {
    keys.free();
  }
  counts.push(n - size * counts.length);
  return { starts, counts };
}

/** How a list is cut into buckets: walked in its order (cut), sorted from items_state (cutSorted), or from the whole list (buildFromWhole). */
type CutBy = 'walk' | 'sorted' | 'whole';

/**
 * The cheapest way to cut the filter's list, by the time each takes per row, measured at a
 * million items (tenths of a microsecond): a walk of an order index without the state
 * looks up every item (23 per item; regressions first reads the list's items from
 * items_state, 25 each; capture order and newest first read items_state alone, 2 each);
 * sorting the list's keys costs 27 per item of the list; a cut of the whole list costs 2
 * per item and 35 per item of another state taken out. So a list of one state in
 * latest-run or suite order is sorted (40,000 of a million: 142 ms where a walk took 2.3 s)
 * unless it holds nearly every item (the waiting list: from the whole list, 0.2 s).
 */
function cheapestCut(db: Database, filter: ItemFilter): CutBy {
  if (!stateOnly(filter)) return 'walk';
  const kept = keptCounts(db);
  const all = kept.get('all') ?? 0;
  const n = kept.get(`state:${filter.state}`) ?? 0;
  const first = ORDER_KEYS[sortOf(filter)][0]!;
  const costs: [CutBy, number][] = [
    ['walk', first.ownIndex ? 23 * all : first.kind === 'flag' ? 25 * n : 2 * n],
    ['sorted', 27 * n],
    ['whole', 2 * all + 35 * (all - n)],
  ];
  return costs.reduce((best, c) => (c[1] < best[1] ? c : best))[0];
}

/** Cuts the filter's list into buckets (of listReading's size) the cheapest way. */
function build(db: Database, filter: ItemFilter): Buckets {
  const sort = sortOf(filter);
  const by = cheapestCut(db, filter);
  if (by === 'whole') return buildFromWhole(db, filter);
  const size = listReading(db, filter).bucket;
  return { ...(by === 'sorted' ? cutSorted(db, filter, size) : cut(db, filter, size)), sort, size, inputs: inputsOf(filter), dirty: new Set() };
}

function recount(db: Database, filter: ItemFilter, buckets: Buckets): boolean {
  for (const i of buckets.dirty) {
    buckets.counts[i] = countBetween(db, filter, buckets.sort, buckets.starts[i] ?? null, buckets.starts[i + 1] ?? null);
    // (at least BUCKET: a thin list's small buckets would otherwise be cut again, a walk of
    // the whole list, each time a few hundred of its items were added in one place)
    if (buckets.counts[i]! > Math.max(MAX_GROWTH * buckets.size, BUCKET)) return false;
  }
  buckets.dirty.clear();
  return true;
}

/** The filter's buckets, brought up to date (cut now if they were not kept). */
function bucketsOf(db: Database, filter: ItemFilter): Buckets {
  const positions = positionsOf(db);
  takeChanges(db, positions);
  const name = JSON.stringify(
    Object.entries({ ...filter, sort: sortOf(filter) })
      .filter(([k, v]) => v !== undefined && k !== 'limit' && k !== 'offset')
      .sort(),
  );
  let buckets = positions.filters.get(name);
  if (buckets && !recount(db, filter, buckets)) buckets = undefined;
  if (!buckets) {
    buckets = build(db, filter);
    positions.filters.delete(name);
    if (positions.filters.size >= MAX_FILTERS) positions.filters.delete(positions.filters.keys().next().value as string);
  }
  positions.filters.set(name, buckets); // most recently used last
  return buckets;
}

/**
 * Where the page at `offset` of the filter's list (in its order) starts: a key to page
 * from and how many items after it to skip (fewer than MAX_GROWTH buckets). Shallow offsets
 * need no buckets.
 */
export function pageStart(db: Database, filter: ItemFilter, offset: number): { from?: ListKey; skip: number } {
  if (offset < listReading(db, filter).bucket) return { skip: offset };
  const buckets = bucketsOf(db, filter);
  let before = 0;
  for (let i = 0; i < buckets.counts.length; i++) {
    const count = buckets.counts[i]!;
    if (offset < before + count || i === buckets.counts.length - 1) {
      const start = buckets.starts[i];
      return start ? { from: start, skip: offset - before } : { skip: offset - before };
    }
    before += count;
  }
  return { skip: offset };
}

/**
 * How many items of the filter's list come before `key`: the index of the item with that
 * key, or, when no item of the list has it (the item left the list), of the one after it.
 */
export function positionOf(db: Database, filter: ItemFilter, key: ListKey): number {
  const sort = sortOf(filter);
  // near the top of the list: counted directly, no buckets cut
  const shallow = listReading(db, filter).bucket;
  const near = countBetweenUpTo(db, filter, sort, null, key, shallow);
  if (near <= shallow) return near;
  const buckets = bucketsOf(db, filter);
  const b = bucketOf(buckets, key);
  let before = 0;
  for (let i = 0; i < b; i++) before += buckets.counts[i]!;
  return before + countBetween(db, filter, sort, buckets.starts[b] ?? null, key);
}

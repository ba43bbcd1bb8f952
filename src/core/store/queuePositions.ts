// Where a deep page of a list of items starts, without OFFSET walking the index from
// the top (at a million items, page 4,000 read 800,000 index entries to skip them).
//
// For each filter that has been asked for deeply, the list is cut into buckets: the sort
// key (created_at, cid) where each starts, and how many items of the filter it holds up
// to the next. Offset k is then a bucket's start key plus an offset inside the bucket,
// which keyset paging answers from the index. Buckets are exact, never estimates: a temp
// trigger notes the key of every item inserted, updated or deleted, and before the next
// lookup each bucket holding a noted key is counted again (one count of at most a few
// thousand index entries). A change too large to count bucket by bucket drops the
// buckets, which are built again (once, in one window query) when next needed.
import type { Database, SqlValue } from 'sql.js';
import { beforeKey, fromKey, inCaptureOrder, itemWhere, SORT_ORDER, type ItemFilter, type SortKey } from './storeQueries';

/** Items per bucket when buckets are built: the most a page lookup skips with OFFSET. */
export const BUCKET = 2000;
/** A bucket grown past this (items added in one place) makes the filter's buckets be built again. */
const MAX_BUCKET = 4 * BUCKET;
/** More changed items than this since the last lookup: build again rather than count bucket by bucket. */
const MAX_CHANGES = 20_000;
/** Filters kept per database (each open panel asks for one or two). */
const MAX_FILTERS = 8;

interface Buckets {
  /** starts[0] is the start of the list (no key); starts[i] the key of bucket i's first item when it was cut. */
  starts: (SortKey | null)[];
  counts: number[];
  dirty: Set<number>;
}

interface Positions {
  filters: Map<string, Buckets>;
}

const byDatabase = new WeakMap<Database, Positions>();

/** Notes the key of every item that changes (temp objects: never saved with the index). */
const CHANGE_TRACKING = `
  CREATE TEMP TABLE IF NOT EXISTS item_changes (created_at TEXT NOT NULL, cid INTEGER NOT NULL, PRIMARY KEY (created_at, cid)) WITHOUT ROWID;
  CREATE TEMP TRIGGER IF NOT EXISTS item_changes_insert AFTER INSERT ON main.items BEGIN
    INSERT OR IGNORE INTO item_changes (created_at, cid) VALUES (NEW.created_at, NEW.cid);
  END;
  CREATE TEMP TRIGGER IF NOT EXISTS item_changes_update AFTER UPDATE ON main.items BEGIN
    INSERT OR IGNORE INTO item_changes (created_at, cid) VALUES (NEW.created_at, NEW.cid), (OLD.created_at, OLD.cid);
  END;
  CREATE TEMP TRIGGER IF NOT EXISTS item_changes_delete AFTER DELETE ON main.items BEGIN
    INSERT OR IGNORE INTO item_changes (created_at, cid) VALUES (OLD.created_at, OLD.cid);
  END;`;

function positionsOf(db: Database): Positions {
  let positions = byDatabase.get(db);
  if (!positions) {
    db.exec(CHANGE_TRACKING);
    db.run('DELETE FROM temp.item_changes'); // buckets built from now on see every later change
    positions = { filters: new Map() };
    byDatabase.set(db, positions);
  }
  return positions;
}

function compare(a: SortKey, b: SortKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] - b[1];
}

/** The bucket whose range holds `key`: the last start at or before it. */
function bucketOf(buckets: Buckets, key: SortKey): number {
  let lo = 0;
  let hi = buckets.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (compare(buckets.starts[mid]!, key) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Marks the buckets holding changed items, in every filter kept; drops them all after a large change. */
function takeChanges(db: Database, positions: Positions): void {
  const changed = db.exec(`SELECT created_at, cid FROM temp.item_changes LIMIT ${MAX_CHANGES + 1}`)[0]?.values ?? [];
  if (changed.length === 0) return;
  db.run('DELETE FROM temp.item_changes');
  if (changed.length > MAX_CHANGES) {
    positions.filters.clear();
    return;
  }
  for (const buckets of positions.filters.values()) {
    for (const [createdAt, cid] of changed) buckets.dirty.add(bucketOf(buckets, [String(createdAt), Number(cid)]));
  }
}

type Condition = { sql: string; params: SqlValue[] };

function whereOf(filter: ItemFilter, bounds: Condition[]): Condition {
  const base = itemWhere(filter);
  const terms = [base.sql.replace(/^WHERE /, ''), ...bounds.map((b) => b.sql)].filter(Boolean);
  return { sql: terms.length ? `WHERE ${terms.join(' AND ')}` : '', params: [...base.params, ...bounds.flatMap((b) => b.params)] };
}

/**
 * Cuts the filter's list into buckets of BUCKET items: from each start, the key BUCKET
 * items on, read from the index (one walk over the list inside SQLite, no sort).
 */
function build(db: Database, filter: ItemFilter): Buckets {
  const starts: (SortKey | null)[] = [null];
  const counts: number[] = [];
  const first = whereOf(filter, []);
  const probeFirst = db.prepare(`SELECT created_at, items.cid FROM items ${first.sql} ORDER BY ${SORT_ORDER} LIMIT 1 OFFSET ${BUCKET}`);
  const probeNext = db.prepare(`SELECT created_at, items.cid FROM items ${whereOf(filter, [fromKey(['', 0])]).sql} ORDER BY ${SORT_ORDER} LIMIT 1 OFFSET ${BUCKET}`);
  try {
    for (;;) {
      const from = starts.at(-1)!;
      const probe = from ? probeNext : probeFirst;
      probe.bind(from ? [...first.params, ...fromKey(from).params] : first.params);
      const next = probe.step() ? probe.get() : undefined;
      probe.reset();
      if (!next) break;
      counts.push(BUCKET);
      starts.push([String(next[0]), Number(next[1])]);
    }
  } finally {
    probeFirst.free();
    probeNext.free();
  }
  const last = starts.at(-1)!;
  const tail = whereOf(filter, last ? [fromKey(last)] : []);
  counts.push(Number(db.exec(`SELECT COUNT(*) FROM items ${tail.sql}`, tail.params)[0]?.values[0]?.[0] ?? 0));
  return { starts, counts, dirty: new Set() };
}

function recount(db: Database, filter: ItemFilter, buckets: Buckets): boolean {
  for (const i of buckets.dirty) {
    const start = buckets.starts[i];
    const next = buckets.starts[i + 1];
    const bounds: Condition[] = [];
    if (start) bounds.push(fromKey(start));
    if (next) bounds.push(beforeKey(next));
    const { sql, params } = whereOf(filter, bounds);
    buckets.counts[i] = Number(db.exec(`SELECT COUNT(*) FROM items ${sql}`, params)[0]?.values[0]?.[0] ?? 0);
    if (buckets.counts[i]! > MAX_BUCKET) return false;
  }
  buckets.dirty.clear();
  return true;
}

/**
 * Where the page at `offset` of the filter's list starts: a key to page from and how
 * many items after it to skip (fewer than MAX_BUCKET). Shallow offsets need no buckets.
 */
export function pageStart(db: Database, filter: ItemFilter, offset: number): { from?: SortKey; skip: number } {
  // positions are kept in capture order; another order pages by offset
  if (offset < BUCKET || !inCaptureOrder(filter)) return { skip: offset };
  const positions = positionsOf(db);
  takeChanges(db, positions);
  const name = JSON.stringify(
    Object.entries(filter)
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

// How a list of one state is read in an order with its own index (latest run, suite:
// listOrder.ts), and how finely it is cut into buckets (queuePositions.ts). Those indexes
// do not hold the state (schema 12: a verdict would rewrite them), so such a list is
// either walked through the order's index, each row looked up to test its state, or read
// from items_state and sorted. A walk passes 1/share rows for each row it keeps (share:
// the part of all items the list holds); a sort costs the list's length, every page.
//
// A page of PAGE_ROWS rows starting up to a bucket past its bucket's start key passes
// (bucket + PAGE_ROWS) / share rows when walked. Buckets of a thin list are cut smaller
// (BUCKET × share, at least MIN_BUCKET items) to keep that near BUCKET rows; the page
// itself still passes PAGE_ROWS / share. So a list is sorted when its length n is below
// what a walked page passes: n < (MIN_BUCKET + PAGE_ROWS) / share, that is
// n² < (MIN_BUCKET + PAGE_ROWS) × all items. At a million items the two meet near 17,000
// items (1.7%), where a page takes about 10 ms at the median and 50 ms at the 95th
// percentile (measured in BENCHMARKS.md); the kept per-state counts say which side a list
// is on, without counting it. A sorted leaf still seeks items_state's created_at.
import type { Database } from 'sql.js';
import { ORDER_KEYS } from './listOrder';
import { keptCounts, type ItemFilter } from './storeQueries';

/** Items per bucket of a list that holds most items: the most a page lookup skips from a bucket's start. */
export const BUCKET = 2000;
/** The fewest items per bucket, for a thin list walked through its order's index. */
const MIN_BUCKET = 100;
/** The rows of one page, as the panel asks for them. */
const PAGE_ROWS = 200;

export interface ListReading {
  /** Read from items_state and sorted, rather than walked through the order's index. */
  sorted: boolean;
  /** Items per bucket when the list is cut (and how deep a page is read without buckets). */
  bucket: number;
}

const WALKED: ListReading = { sorted: false, bucket: BUCKET };

export function listReading(db: Database, filter: ItemFilter): ListReading {
  const sort = filter.sort ?? 'oldest';
  // a list of every state, or read through an index led by the state, or one whose state
  // depends on the reader (blind review): read as its order's index gives it
  if (!filter.state || filter.stateSeenBy !== undefined || ORDER_KEYS[sort][0]!.ownIndex !== true) return WALKED;
  const kept = keptCounts(db);
  const all = kept.get('all') ?? 0;
  const n = kept.get(`state:${filter.state}`) ?? 0;
  if (all === 0 || n >= all) return WALKED;
  if (n * n < (MIN_BUCKET + PAGE_ROWS) * all) return { sorted: true, bucket: BUCKET };
  return { sorted: false, bucket: Math.max(MIN_BUCKET, Math.round((BUCKET * n) / all)) };
}

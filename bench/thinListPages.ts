// Pages of a list of one state that holds few of the items, in the orders read from their
// own index (latest run, suite) and regressions first: such a list is either sorted from
// items_state or walked through the order's index (store/listReading.ts), and this
// measures both sides of that choice. Run on a workspace a capture left behind (it is
// changed: items are reviewed):
//   node --import tsx bench/thinListPages.ts <root> [reviewed counts, e.g. 200,10000,17000,40000,125000]
// For each count, that many items spread over the list are reviewed, then for each order:
// the top page, the first deep page (which cuts the list into buckets) and 30 pages at
// random offsets (median, 95th percentile). Prints one JSON line per count and order.
import { queryPage } from '../src/core/review/reviewQueries';
import { submitReviews } from '../src/core/review/reviewActions';
import type { QueueSort } from '../src/core/review/queueSort';
import { countItems, listItems, type ItemFilter } from '../src/core/store/storeQueries';
import { WorkspaceStore } from '../src/core/store/workspaceStore';
import { quantile } from './benchStats';

const now = () => performance.now();

async function main(): Promise<void> {
  const [root, counts = '200,10000,17000,40000,125000'] = process.argv.slice(2);
  if (!root) throw new Error('usage: thinListPages <root> [reviewed counts]');
  const store = await WorkspaceStore.open(root, 'bench');
  const total = countItems(store.database);
  const all = listItems(store.database, {}).map((i) => i.caseKey);
  const reviewed = new Set<string>();
  let next = 12345;
  const rng = () => (next = (next * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  for (const target of counts.split(',').map(Number)) {
    // every k-th item of capture order, so the reviewed items are spread over every order
    const stride = Math.max(1, Math.floor(total / target));
    const keys = all.filter((k, i) => i % stride === 0 && !reviewed.has(k)).slice(0, target - reviewed.size);
    for (const k of keys) reviewed.add(k);
    submitReviews(store, keys, { verdict: 'discard' }, 'bench');
    for (const sort of ['run', 'suite', 'regression'] as QueueSort[]) {
      const filter: ItemFilter = { state: 'reviewed', sort };
      const n = countItems(store.database, filter);
      let t = now();
      queryPage(store, filter, 0, 200);
      const topMs = now() - t;
      t = now();
      queryPage(store, filter, Math.floor(n * 0.9), 200);
      const firstDeepMs = now() - t;
      const times: number[] = [];
      for (let i = 0; i < 30; i++) {
        const offset = Math.floor(rng() * n);
        t = now();
        queryPage(store, filter, offset, 200);
        times.push(now() - t);
      }
      process.stdout.write(`${JSON.stringify({ items: total, reviewed: n, sort, topMs, firstDeepMs, pageMedianMs: quantile(times, 0.5), pageP95Ms: quantile(times, 0.95) })}\n`);
    }
  }
  store.close();
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});

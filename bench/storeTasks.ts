// Measured tasks on a workspace that a capture task left behind, each in its own process:
//   open <root>                — index load + journal catch-up + a first count; peak memory
//   incremental <root> <file>  — append 100 cases to the captured JSONL and capture them
//                                (5 rounds), then the index checkpoint on its own
//   review <root>              — 200 review actions through the review panel's request
//                                handler: message in → event durable in the journal; and
//                                the queries that follow (the next page, the header counts,
//                                the Queue tree's groups of the waiting items);
//                                then pages at random depths in every order, the next page
//                                by cursor and the page at an item (and by OFFSET, the
//                                baseline), and reviews deep in the queue each with its page
// Prints one JSON line.
import { appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { captureFile } from '../src/core/capture/captureFile';
import { countItems, listItems, type ItemFilter } from '../src/core/store/storeQueries';
import { queryPage, queryPageAt, queueSnapshot } from '../src/core/review/reviewQueries';
import { QUEUE_SORTS, type QueueSort } from '../src/core/review/queueSort';
import { WorkspaceStore } from '../src/core/store/workspaceStore';
import { QUEUE_GROUPINGS, queueGroups } from '../src/core/views/treeModels';
import { ReviewRequestHandler, type StoreAccess } from '../src/extension/review/reviewRequestHandler';
import type { HostMessage } from '../src/protocol/reviewProtocol';
import { median, quantile } from './benchStats';
import { promptfooLine } from './generateData';

const now = () => performance.now();
const rssMb = () => process.resourceUsage().maxRSS / 1024;

async function open(root: string) {
  const t = now();
  const store = await WorkspaceStore.open(root, 'bench');
  const items = countItems(store.database);
  const seconds = (now() - t) / 1000;
  const indexBytes = statSync(join(root, '.evalloop/bench/index.sqlite')).size;
  store.close();
  return { items, seconds, indexBytes, maxRssMb: rssMb() };
}

async function incremental(root: string, file: string) {
  const store = await WorkspaceStore.open(root, 'bench');
  const base = countItems(store.database);
  let next = 0;
  const rng = () => (next = (next * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const rounds: number[] = [];
  let appended = 0;
  for (let round = 0; round < 5; round++) {
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) lines.push(promptfooLine(10_000_000 + round * 100 + i, rng, 40));
    appendFileSync(file, `${lines.join('\n')}\n`);
    const t = now();
    const report = await captureFile(store, file);
    rounds.push(now() - t);
    if (report.errors.length) throw new Error(JSON.stringify(report.errors.slice(0, 2)));
    appended += report.cases;
  }
  if (appended !== 500) throw new Error(`the appends captured ${appended} cases, not 500: capture did not resume where it stopped`);
  const t = now();
  store.save();
  const checkpointMs = now() - t;
  store.close();
  return { items: base, appendMedianMs: median(rounds), appendRoundsMs: rounds, checkpointMs };
}

interface DeepPages {
  sort: QueueSort;
  list: string;
  firstMs: number;
  pageMedianMs: number;
  pageP95Ms: number;
  nextMedianMs: number;
  nextP95Ms: number;
  anchorMedianMs: number;
  anchorP95Ms: number;
  offsetMedianMs: number;
  offsetP95Ms: number;
  offsetRounds: number;
}

async function review(root: string) {
  const store = await WorkspaceStore.open(root, 'bench');
  const access: StoreAccess = {
    read: async (work) => {
      store.catchUp();
      return work(store);
    },
    write: async (work) => {
      store.catchUp();
      return work(store);
    },
  };
  let resolveSaved: () => void = () => undefined;
  const handler = new ReviewRequestHandler(
    access,
    async () => 'bench',
    { openSource: async () => undefined, openDiff: async () => undefined },
    (m: HostMessage) => {
      if (m.type === 'saved') resolveSaved();
    },
  );
  const ids = listItems(store.database, { state: 'new', limit: 200 }).map((i) => i.id);
  const durable: number[] = [];
  const pages: number[] = [];
  for (const [n, id] of ids.entries()) {
    let t = now();
    const saved = new Promise<void>((r) => (resolveSaved = r));
    const done = handler.handle({ type: 'review', requestId: n, ids: [id], verdict: 'model-wrong', correction: 'the right sum' });
    await saved;
    durable.push(now() - t);
    await done;
    // what the panel asks next: the page of waiting items the cursor is on
    t = now();
    queryPage(store, { state: 'new' }, 0, 200);
    pages.push(now() - t);
  }
  // pages anywhere in the queue, in every order, as the panel asks when the list is
  // scrolled or dragged: the first deep page of a filter cuts it into buckets (once), the
  // rest start from them; the next page after one the panel has, by its last row's cursor;
  // the page at an item (a refresh keeping the selected item)
  let next = 12345;
  const rng = () => (next = (next * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const deep: Record<string, DeepPages> = {};
  for (const sort of QUEUE_SORTS) {
    for (const [list, base] of [
      ['waiting', { state: 'new' }],
      ['all', {}],
    ] as const) {
      const filter: ItemFilter = sort === 'oldest' ? base : { ...base, sort };
      const total = countItems(store.database, filter);
      let t = now();
      queryPage(store, filter, Math.floor(total * 0.9), 200);
      const firstMs = now() - t;
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const offset = Math.floor(rng() * total);
        t = now();
        queryPage(store, filter, offset, 200);
        times.push(now() - t);
      }
      const nexts: number[] = [];
      const anchors: number[] = [];
      for (let i = 0; i < 50; i++) {
        const offset = Math.floor(rng() * (total - 400));
        const page = queryPageAt(store, filter, { offset }, 200);
        t = now();
        queryPageAt(store, filter, { after: page.last! }, 200, undefined, undefined, offset + 200);
        nexts.push(now() - t);
        const item = page.items[Math.floor(rng() * page.items.length)]!;
        t = now();
        const anchored = queryPageAt(store, filter, { anchor: item.id, offset: 0 }, 200);
        anchors.push(now() - t);
        if (anchored.items[anchored.anchorIndex! - anchored.offset]?.id !== item.id) throw new Error(`${sort} ${list}: the page at an item does not hold it`);
      }
      // baseline: the same kind of page by OFFSET alone (the waiting list in a sorted order
      // sorts the list for each page: at 1M items seconds each, so fewer rounds of those)
      const offsets: number[] = [];
      for (let i = 0, spent = 0; i < 20 && (i < 3 || spent < 3000); i++) {
        const offset = Math.floor(rng() * total);
        t = now();
        listItems(store.database, { ...filter, offset, limit: 200 });
        offsets.push(now() - t);
        spent += offsets.at(-1)!;
      }
      deep[sort === 'oldest' ? list : `${list}, ${sort}`] = {
        sort,
        list,
        firstMs,
        pageMedianMs: median(times),
        pageP95Ms: quantile(times, 0.95),
        nextMedianMs: median(nexts),
        nextP95Ms: quantile(nexts, 0.95),
        anchorMedianMs: median(anchors),
        anchorP95Ms: quantile(anchors, 0.95),
        offsetMedianMs: median(offsets),
        offsetP95Ms: quantile(offsets, 0.95),
        offsetRounds: offsets.length,
      };
    }
  }
  // a review deep in the queue, then the page the cursor is on (its bucket is counted again)
  const deepReview: number[] = [];
  const waiting = countItems(store.database, { state: 'new' });
  for (let n = 0; n < 50; n++) {
    const offset = Math.floor(rng() * (waiting - 300));
    const page = queryPage(store, { state: 'new' }, offset - (offset % 200), 200);
    const target = page.items[offset % 200]!;
    const t = now();
    const saved = new Promise<void>((r) => (resolveSaved = r));
    const done = handler.handle({ type: 'review', requestId: 10_000 + n, ids: [target.id], verdict: 'discard' });
    await saved;
    await done;
    queryPage(store, { state: 'new' }, offset - (offset % 200), 200);
    deepReview.push(now() - t);
  }
  handler.dispose();
  // the header counts, refreshed once a burst of reviews pauses
  const counts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = now();
    queueSnapshot(store);
    counts.push(now() - t);
  }
  // the Queue tree: a state expanded, grouped each way (counted again at each refresh of the tree)
  const groups: Record<string, number> = {};
  for (const by of QUEUE_GROUPINGS) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = now();
      queueGroups(store.database, 'new', by);
      times.push(now() - t);
    }
    groups[by] = median(times);
  }
  const items = countItems(store.database);
  store.close();
  return {
    treeGroupsMs: groups,
    items,
    actions: ids.length,
    durableMedianMs: median(durable),
    durableP95Ms: quantile(durable, 0.95),
    pageMedianMs: median(pages),
    pageP95Ms: quantile(pages, 0.95),
    countsMedianMs: median(counts),
    deep,
    deepReviewAndPageMedianMs: median(deepReview),
    deepReviewAndPageP95Ms: quantile(deepReview, 0.95),
  };
}

async function main(): Promise<void> {
  const [task, root, file] = process.argv.slice(2);
  if (!task || !root) throw new Error('usage: storeTasks <open|incremental|review> <root> [file]');
  const result = task === 'open' ? await open(root) : task === 'incremental' ? await incremental(root, file!) : await review(root);
  process.stdout.write(`${JSON.stringify({ task, ...result })}\n`);
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});

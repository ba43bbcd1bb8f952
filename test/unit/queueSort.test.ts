// The queue read in each order the panel and `list --sort` offer: newest first, the latest
// run's failures first, by suite, open regressions first — each with capture order
// breaking ties — and a page deep in a sorted list is the same slice of it as the whole
// list gives (deep pages in capture order come from kept positions; other orders do not).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { queryPage } from '../../src/core/review/reviewQueries';
import { QUEUE_SORTS } from '../../src/core/review/queueSort';
import { BUCKET } from '../../src/core/store/listReading';
import { listItems, type ItemRow } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { MAPPED_RUN, mappedRun, tempDir } from './testSupport';

const sorted = (items: ItemRow[], compare: (a: ItemRow, b: ItemRow) => number) => [...items].sort((a, b) => compare(a, b) || (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));

describe('the queue in each order', () => {
  it('newest, latest run, suite and regressions first each order the items as they say, capture order breaking ties', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      // run 1: cases 0–9 fail except 5–7; run 2 (later): 5–7 now fail (regressions), 10–14 new
      await captureFile(
        store,
        mappedRun(root, 'first', 'alpha', 0, 10, (i) => i >= 5 && i < 8),
        MAPPED_RUN,
      );
      await new Promise((r) => setTimeout(r, 20));
      await captureFile(
        store,
        mappedRun(root, 'second', 'alpha', 0, 15, (i) => i < 5),
        MAPPED_RUN,
      );
      await captureFile(store, mappedRun(root, 'third', 'beta', 100, 104), MAPPED_RUN);
      const oldest = listItems(store.database, {});
      assert.equal(oldest.length, 5 + 3 + 5 + 4 + 2, 'every failure is an item');
      const byCapture = new Map(oldest.map((item, i) => [item.id, i]));
      const ids = (items: ItemRow[]) => items.map((i) => i.id);
      const inOrder = (order: (typeof QUEUE_SORTS)[number]) => ids(listItems(store.database, { sort: order }));

      assert.deepEqual(inOrder('oldest'), ids(oldest));
      assert.deepEqual(inOrder('newest'), ids(oldest).reverse());
      const runOrder = inOrder('run');
      // the items whose latest failure is in the latest run come first
      const positionOfRun = (id: string) => oldest.find((i) => i.id === id)!.lastRun;
      const runsSeen = runOrder.map(positionOfRun);
      assert.equal(new Set(runsSeen.slice(0, 4)).size, 1, 'the four items of the latest run lead');
      assert.equal(runsSeen[0], oldest.find((i) => i.suite === 'beta')!.lastRun);
      assert.deepEqual(inOrder('suite'), ids(sorted(oldest, (a, b) => (a.suite < b.suite ? -1 : a.suite > b.suite ? 1 : byCapture.get(a.id)! - byCapture.get(b.id)!))));
      const open = (i: ItemRow) => (i.regressionRun !== null && i.fixedRun === null ? 0 : 1);
      const regressionFirst = inOrder('regression');
      assert.equal(oldest.filter((i) => open(i) === 0).length, 3, 'three open regressions');
      assert.deepEqual(regressionFirst.slice(0, 3).sort(), ids(oldest.filter((i) => open(i) === 0)).sort());
      assert.deepEqual(regressionFirst.slice(3), ids(oldest.filter((i) => open(i) === 1)), 'then the rest in capture order');
    } finally {
      store.close();
    }
  });

  it('a page deep in a sorted list is that slice of the whole sorted list', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await captureFile(store, mappedRun(root, 'one', 'alpha', 0, BUCKET + 700), MAPPED_RUN);
      await captureFile(store, mappedRun(root, 'two', 'beta', 10_000, 10_000 + BUCKET), MAPPED_RUN);
      for (const sort of QUEUE_SORTS) {
        const whole = listItems(store.database, { sort }).map((i) => i.id);
        for (const offset of [0, BUCKET - 3, BUCKET + 650, 2 * BUCKET + 600]) {
          const page = queryPage(store, { sort }, offset, 60);
          assert.equal(page.total, whole.length);
          assert.deepEqual(
            page.items.map((i) => i.id),
            whole.slice(offset, offset + 60),
            `${sort} at ${offset}`,
          );
        }
      }
    } finally {
      store.close();
    }
  });
});

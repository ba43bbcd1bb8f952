// Pages of the queue in every order read from a place in the list (keyset paging): the
// panel asks for the rows after (or before) the last row it has, by that row's cursor,
// so reviews and captures between two page requests neither skip nor repeat an item that
// stayed where it was; a page asked for at an item finds where the item is now; and no
// order sorts the list or walks it from the top for a deep page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { queryPageAt } from '../../src/core/review/reviewQueries';
import { submitReviews } from '../../src/core/review/reviewActions';
import { QUEUE_SORTS, type QueueSort } from '../../src/core/review/queueSort';
import { BUCKET, listReading } from '../../src/core/store/listReading';
import { leavesAfter, leavesBefore, leavesBetween, leavesOfAll, ORDER_KEYS, orderBy, type ListKey } from '../../src/core/store/listOrder';
import { leafSource } from '../../src/core/store/keysetScan';
import { listItems, type ItemFilter } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { workspacePaths } from '../../src/core/store/workspacePaths';
import { loadSqlEngine } from '../../src/core/store/sqlEngine';
import { SCHEMA_VERSION, schemaVersionOf } from '../../src/core/store/indexSchema';
import type { Database } from 'sql.js';
import { editSavedIndex, MAPPED_RUN, mappedRun, tempDir } from './testSupport';

const ids = (store: WorkspaceStore, filter: ItemFilter) => listItems(store.database, filter).map((i) => i.id);

/** Two suites over two runs, some cases regressing in the second: every order has ties and groups. */
async function queue(root: string, store: WorkspaceStore, size: number): Promise<void> {
  await captureFile(
    store,
    mappedRun(root, 'one', 'alpha', 0, size, (i) => i % 7 === 3),
    MAPPED_RUN,
  );
  await captureFile(store, mappedRun(root, 'one', 'beta', 0, size / 2), MAPPED_RUN);
  await captureFile(
    store,
    mappedRun(root, 'two', 'alpha', 0, size / 4, (i) => i % 7 !== 3),
    MAPPED_RUN,
  );
}

describe('keyset pages in every order', () => {
  it('pages read by cursor across reviews and captures neither skip nor repeat an item that stayed in its place', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await queue(root, store, 1200);
      let wave = 0;
      for (const sort of QUEUE_SORTS) {
        for (const base of [{ state: 'new' }, {}] as ItemFilter[]) {
          const filter = { ...base, sort };
          const before = ids(store, filter);
          const keyOf = new Map(listItems(store.database, { sort }).map((i) => [i.id, `${i.lastRun}|${i.regressionRun}|${i.fixedRun}`]));
          const seen: string[] = [];
          let page = queryPageAt(store, filter, { offset: 0 }, 97);
          seen.push(...page.items.map((i) => i.id));
          for (let step = 0; page.last; step++) {
            // between two page requests: a reviewer clears items on both sides of the
            // cursor, and a new run brings new failures and fails some old cases again
            const shown = new Set(seen);
            const ahead = before.filter((id) => !shown.has(id));
            const behind = seen.slice(-40);
            const keys = (list: string[]) => listItems(store.database, { ids: list }).map((i) => i.caseKey);
            if (step % 3 === 0) submitReviews(store, keys([ahead[5], ahead[60], behind[3]].filter((id): id is string => !!id)), { verdict: 'discard' }, 'ana');
            if (step % 3 === 1) {
              wave++;
              await captureFile(store, mappedRun(root, `wave-${wave}`, 'alpha', 5000 + wave * 10, 5000 + wave * 10 + 10), MAPPED_RUN);
            }
            if (step % 5 === 2) {
              wave++;
              await captureFile(store, mappedRun(root, `again-${wave}`, 'alpha', wave * 3, wave * 3 + 3), MAPPED_RUN);
            }
            page = queryPageAt(store, filter, { after: page.last }, 97, undefined, undefined, seen.length);
            seen.push(...page.items.map((i) => i.id));
          }
          const after = new Set(ids(store, filter));
          const keyNow = new Map(listItems(store.database, { sort }).map((i) => [i.id, `${i.lastRun}|${i.regressionRun}|${i.fixedRun}`]));
          // there throughout: in the list before and after, its place (key) unchanged
          const stayed = before.filter((id) => after.has(id) && keyOf.get(id) === keyNow.get(id));
          const counts = new Map<string, number>();
          for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
          const where = `${sort} ${JSON.stringify(base)}`;
          assert.deepEqual(
            [...counts].filter(([, n]) => n > 1),
            [],
            `${where}: no item is read twice`,
          );
          assert.deepEqual(
            stayed.filter((id) => !counts.has(id)),
            [],
            `${where}: every item that stayed is read`,
          );
          // and those come in the list's order
          const order = new Map(ids(store, filter).map((id, i) => [id, i]));
          const read = seen.filter((id) => stayed.includes(id)).map((id) => order.get(id)!);
          assert.deepEqual(
            read,
            [...read].sort((a, b) => a - b),
            `${where}: in order`,
          );
          assert.ok(stayed.length > 1000, `${where}: most items stayed (${stayed.length})`);
        }
      }
    } finally {
      store.close();
    }
  });

  it('the rows before a cursor, and a page at an offset, are the slices of the whole list', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await queue(root, store, 2 * BUCKET);
      for (const sort of QUEUE_SORTS) {
        for (const base of [{ state: 'new' }, {}] as ItemFilter[]) {
          const filter = { ...base, sort };
          const whole = ids(store, filter);
          for (const offset of [BUCKET + 311, 2 * BUCKET + 5, whole.length - 40]) {
            const page = queryPageAt(store, filter, { offset }, 80);
            assert.deepEqual(
              page.items.map((i) => i.id),
              whole.slice(offset, offset + 80),
              `${sort} ${JSON.stringify(base)} at ${offset}`,
            );
            const back = queryPageAt(store, filter, { before: page.first! }, 150, undefined, undefined, offset - 150);
            assert.deepEqual(
              back.items.map((i) => i.id),
              whole.slice(offset - 150, offset),
              `${sort} ${JSON.stringify(base)}: the 150 rows before ${offset}`,
            );
          }
        }
      }
    } finally {
      store.close();
    }
  });

  it('deep pages by offset stay exact in every order through reviews, regressions and new runs', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await queue(root, store, 2 * BUCKET);
      const check = (step: string) => {
        for (const sort of QUEUE_SORTS) {
          // after the reviews, a list of few items (read from items_state and sorted: see keysetScan.ts)
          const lists: ItemFilter[] = step === 'first' ? [{ state: 'new' }, {}] : [{ state: 'new' }, {}, { state: 'reviewed' }];
          for (const base of lists) {
            const filter = { ...base, sort };
            const whole = ids(store, filter);
            for (const offset of [BUCKET - 1, BUCKET + 700, 2 * BUCKET + 3, whole.length - 10].filter((o) => o >= 0)) {
              assert.deepEqual(
                queryPageAt(store, filter, { offset }, 60).items.map((i) => i.id),
                whole.slice(offset, offset + 60),
                `${step}: ${sort} ${JSON.stringify(base)} at ${offset}`,
              );
            }
          }
        }
      };
      check('first');
      const keys = listItems(store.database, { state: 'new' }).map((i) => i.caseKey);
      submitReviews(
        store,
        keys.filter((_, i) => i % 11 === 0),
        { verdict: 'ambiguous' },
        'ben',
      );
      // a new run: some alpha cases pass (fixed, an open regression closed), others fail
      // again (their latest run changes: they move to the top of "latest run first")
      await captureFile(
        store,
        mappedRun(root, 'three', 'alpha', 0, BUCKET, (i) => i % 2 === 0),
        MAPPED_RUN,
      );
      await captureFile(store, mappedRun(root, 'three', 'gamma', 0, 500), MAPPED_RUN);
      check('after reviews and a new run');
    } finally {
      store.close();
    }
  });

  it('a cursor is refused when it is not a place in the list asked for', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await queue(root, store, 40);
      const page = queryPageAt(store, { sort: 'run' }, { offset: 0 }, 10);
      assert.throws(() => queryPageAt(store, { sort: 'suite' }, { after: page.last! }, 10), /not a place in the list ordered suite/);
      assert.throws(() => queryPageAt(store, { sort: 'run' }, { after: '{"sort":"run","key":["x",1,2]}' }, 10), /not a place in the list ordered run/);
      assert.throws(() => queryPageAt(store, { sort: 'run' }, { before: 'not json' }, 10), /not JSON/);
      assert.equal(queryPageAt(store, { sort: 'run' }, { after: page.last! }, 10).items[0]?.id, listItems(store.database, { sort: 'run', offset: 10, limit: 1 })[0]!.id);
    } finally {
      store.close();
    }
  });

  it('a page asked for at an item holds it where it now is, or the item after it once it left the list', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await queue(root, store, 2 * BUCKET);
      const filter: ItemFilter = { state: 'new', sort: 'newest' };
      const whole = ids(store, filter);
      const chosen = whole[BUCKET + 123]!;
      let page = queryPageAt(store, filter, { anchor: chosen, offset: 0 }, 200);
      assert.equal(page.anchorIndex, BUCKET + 123);
      assert.equal(page.offset, BUCKET);
      assert.equal(page.items[123]!.id, chosen);
      // new failures arrive at the top of "newest first": the item is 30 further down
      await captureFile(store, mappedRun(root, 'later', 'delta', 0, 30), MAPPED_RUN);
      page = queryPageAt(store, filter, { anchor: chosen, offset: 0 }, 200);
      assert.equal(page.anchorIndex, BUCKET + 153);
      assert.equal(page.items[page.anchorIndex! - page.offset]!.id, chosen);
      // reviewed, it leaves the waiting list: the page holds the item that followed it
      const next = ids(store, filter)[BUCKET + 154]!;
      submitReviews(
        store,
        listItems(store.database, { ids: [chosen] }).map((i) => i.caseKey),
        { verdict: 'discard' },
        'ana',
      );
      page = queryPageAt(store, filter, { anchor: chosen, offset: 0 }, 200);
      assert.equal(page.anchorIndex, BUCKET + 153);
      assert.equal(page.items[page.anchorIndex! - page.offset]!.id, next);
      // near the top, no positions are needed
      page = queryPageAt(store, filter, { anchor: whole[7]!, offset: 0 }, 200);
      assert.equal(page.items[page.anchorIndex!]!.id, whole[7]);
    } finally {
      store.close();
    }
  });

  it('an index saved by schema 8 is upgraded once: the new indexes are saved with it and the orders read from them', async () => {
    const root = tempDir();
    let store = await WorkspaceStore.open(root, 'default');
    await queue(root, store, 400);
    const before = Object.fromEntries(QUEUE_SORTS.map((sort) => [sort, ids(store, { sort })]));
    store.close();
    // the index as schema 8 left it: no order indexes, the suite index on (suite) alone
    const file = workspacePaths(root, 'default').indexFile;
    const SQL = await loadSqlEngine();
    const names = (db: Database) => (db.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items'")[0]?.values ?? []).map((r) => String(r[0]));
    await editSavedIndex(file, (db) => {
      for (const name of ['items_run', 'items_suite_created', 'items_open_regression', 'items_not_open_regression']) db.run(`DROP INDEX ${name}`);
      db.run('CREATE INDEX items_suite ON items (suite)');
      db.run("UPDATE meta SET value = '8' WHERE key = 'schema_version'");
    });

    store = await WorkspaceStore.open(root, 'default');
    for (const sort of QUEUE_SORTS) assert.deepEqual(ids(store, { sort }), before[sort], `${sort} after the upgrade`);
    store.close(); // nothing was captured or reviewed: the upgrade alone is saved
    const db = new SQL.Database(readFileSync(file));
    try {
      assert.equal(schemaVersionOf(db), SCHEMA_VERSION);
      assert.ok(names(db).includes('items_run') && names(db).includes('items_open_regression') && names(db).includes('items_suite_created') && !names(db).includes('items_suite'), names(db).join(', '));
      // schema 12: the order indexes do not carry the state (a verdict would rewrite them), and no index per state is kept for the regression order
      const columns = (index: string) => (db.exec(`PRAGMA index_info(${index})`)[0]?.values ?? []).map((r) => String(r[2]));
      assert.deepEqual(columns('items_run'), ['last_rn', 'created_at', 'cid']);
      assert.deepEqual(columns('items_suite_created'), ['suite', 'created_at', 'cid']);
      assert.ok(!names(db).includes('items_state_not_open_regression'), names(db).join(', '));
    } finally {
      db.close();
    }
  });

  it('no order sorts the list or walks it from the top for a deep page: each range is an index search', async () => {
    const store = await WorkspaceStore.open(tempDir(), 'default');
    try {
      const samples: Record<QueueSort, [ListKey, ListKey]> = {
        oldest: [
          ['2026-01-01', 5],
          ['2026-02-01', 1],
        ],
        newest: [
          ['2026-02-01', 5],
          ['2026-01-01', 1],
        ],
        run: [
          [9, '2026-01-01', 5],
          [3, '2026-02-01', 1],
        ],
        suite: [
          ['alpha', '2026-01-01', 5],
          ['beta', '2026-02-01', 1],
        ],
        regression: [
          [1, '2026-01-01', 5],
          [0, '2026-02-01', 1],
        ],
      };
      for (const sort of QUEUE_SORTS) {
        for (const filter of [{}, { state: 'new' }] as ItemFilter[]) {
          const [from, to] = samples[sort];
          const leaves = [...leavesOfAll(sort).map((l) => [l, false] as const), ...leavesAfter(sort, from, true).map((l) => [l, false] as const), ...leavesBefore(sort, to).map((l) => [l, true] as const), ...leavesBetween(sort, from, to).map((l) => [l, false] as const)];
          for (const [leaf, reverse] of leaves) {
            const { from, params } = leafSource(filter, leaf, listReading(store.database, filter).sorted);
            const plan = store.database
              .exec(`EXPLAIN QUERY PLAN SELECT id FROM ${from} ORDER BY ${orderBy(sort, reverse, leaf.prefix)} LIMIT 200 OFFSET 1999`, params)[0]!
              .values.map((r) => String(r.at(-1)))
              .join('; ');
            // a leaf with no bound on a column is a whole group from its start (the items after
            // the open regressions): read from an index in order; every other leaf is a search
            assert.match(plan, leaf.sql.includes('?') ? /^SEARCH items USING (COVERING )?INDEX \w+ \(/ : /^(SEARCH|SCAN) items USING (COVERING )?INDEX \w+/, `${sort} ${JSON.stringify(filter)} ${leaf.sql}: ${plan}`);
            assert.doesNotMatch(plan, /TEMP B-TREE/, `${sort} ${JSON.stringify(filter)} ${leaf.sql}: ${plan}`);
          }
        }
      }
    } finally {
      store.close();
    }
  });

  it('a thin list of one state is sorted from items_state; a fuller one walks its order index in smaller buckets; both page exactly', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await queue(root, store, 4000);
      const all = ids(store, {}).length;
      const keys = listItems(store.database, { state: 'new' }).map((i) => i.caseKey);
      const planOf = (filter: ItemFilter) => {
        const sort = filter.sort!;
        const leaf = leavesAfter(
          sort,
          ORDER_KEYS[sort].map((p) => (p.kind === 'text' ? '2026-01-01' : 1)),
          false,
        ).at(-1)!;
        const { from, params } = leafSource(filter, leaf, listReading(store.database, filter).sorted);
        return store.database
          .exec(`EXPLAIN QUERY PLAN SELECT id FROM ${from} ORDER BY ${orderBy(sort, false, leaf.prefix)} LIMIT 200`, params)[0]!
          .values.map((r) => String(r.at(-1)))
          .join('; ');
      };
      const pagesExact = (sort: QueueSort, offsets: (n: number) => number[]) => {
        const whole = ids(store, { state: 'reviewed', sort });
        for (const offset of offsets(whole.length)) {
          assert.deepEqual(
            queryPageAt(store, { state: 'reviewed', sort }, { offset }, 50).items.map((i) => i.id),
            whole.slice(offset, offset + 50),
            `${sort} at ${offset} of ${whole.length}`,
          );
        }
        return whole.length;
      };
      // one item in twenty reviewed: n² < 300 × all (listReading.ts), so sorted
      submitReviews(
        store,
        keys.filter((_, i) => i % 20 === 0),
        { verdict: 'discard' },
        'ana',
      );
      for (const sort of ['run', 'suite'] as const) {
        assert.match(planOf({ state: 'reviewed', sort }), /items_state .*TEMP B-TREE/, sort);
        assert.match(planOf({ state: 'new', sort }), sort === 'run' ? /items_run/ : /items_suite_created/, sort);
        assert.doesNotMatch(planOf({ state: 'new', sort }), /TEMP B-TREE/, sort);
        const n = pagesExact(sort, (n) => [0, 7, n - 5]);
        assert.ok(n > 100 && n * n < 300 * all, `${n} reviewed of ${all}`);
      }
      // a quarter reviewed: its pages walk the order's index, from buckets a quarter of the
      // usual size (cut from its keys sorted: queuePositions' cheapestCut), so deep pages
      // start from the buckets
      submitReviews(
        store,
        keys.filter((_, i) => i % 5 === 1),
        { verdict: 'discard' },
        'ana',
      );
      for (const sort of ['run', 'suite'] as const) {
        assert.match(planOf({ state: 'reviewed', sort }), sort === 'run' ? /items_run/ : /items_suite_created/, sort);
        assert.doesNotMatch(planOf({ state: 'reviewed', sort }), /TEMP B-TREE/, sort);
        const reading = listReading(store.database, { state: 'reviewed', sort });
        assert.ok(!reading.sorted && reading.bucket < BUCKET / 3, JSON.stringify(reading));
        const n = pagesExact(sort, (n) => [0, reading.bucket - 1, reading.bucket + 7, 3 * reading.bucket + 11, n - 5]);
        assert.ok(n * n >= 300 * all && n * 4 < all * 2, `${n} reviewed of ${all}`);
      }
      // then a run of items next to each other in the order reviewed at once: the bucket
      // they land in grows (counted again, or, past its limit, the list cut again)
      const block = listItems(store.database, { state: 'new', sort: 'run', offset: 300, limit: 1500 }).map((i) => i.caseKey);
      submitReviews(store, block, { verdict: 'discard' }, 'ana');
      for (const sort of ['run', 'suite'] as const) pagesExact(sort, (n) => [0, 280, 333, 777, 1500, 2100, n - 5]);
    } finally {
      store.close();
    }
  });
});

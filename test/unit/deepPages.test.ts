// Pages deep in a long queue: the panel asks by offset, the store answers from kept
// positions (queuePositions.ts) and must give exactly the rows OFFSET gives, whatever
// changed in between.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { refreshClusters } from '../../src/core/clusters/clusterQueries';
import { queryPage } from '../../src/core/review/reviewQueries';
import { submitReviews, tagItems, undoEvents } from '../../src/core/review/reviewActions';
import { BUCKET } from '../../src/core/store/listReading';
import { MAX_CHANGES } from '../../src/core/store/queuePositions';
import { listItems, type ItemFilter } from '../../src/core/store/storeQueries';
import { workspacePaths } from '../../src/core/store/workspacePaths';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { queueGroups } from '../../src/core/views/treeModels';
import { editSavedIndex, tempDir } from './testSupport';

/** A promptfoo results file: cases `from`…`to`-1, those in `passing` pass, the rest fail. */
function results(dir: string, name: string, from: number, to: number, passing: (i: number) => boolean = () => false): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) {
    const pass = passing(i);
    lines.push(
      JSON.stringify({
        success: pass,
        vars: { q: `what is ${i} plus ${i}?` },
        prompt: { raw: `What is ${i} plus ${i}?`, label: 'sum' },
        provider: { id: 'openai:gpt-4o-mini' },
        response: { output: pass ? `${2 * i}` : `${2 * i + 1}` },
        testCase: { vars: {}, assert: [{ type: 'equals', value: `${2 * i}` }] },
        gradingResult: { pass, score: pass ? 1 : 0, reason: pass ? 'ok' : 'wrong sum' },
      }),
    );
  }
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const FILTERS: ItemFilter[] = [{ state: 'new' }, {}, { state: 'reviewed' }, { tag: 'deep' }, { regression: true }];

/** Every page the panel could ask for, near bucket edges and at random, against OFFSET. */
function assertPagesMatchOffset(store: WorkspaceStore, step: string, filters: ItemFilter[] = FILTERS): void {
  for (const filter of filters) {
    const all = listItems(store.database, filter).map((i) => i.id);
    const offsets = new Set([0, 1, BUCKET - 1, BUCKET, BUCKET + 1, 2 * BUCKET - 7, all.length - 1, all.length, all.length + 50]);
    for (let k = 0; k < 12; k++) offsets.add(Math.floor((((k * 7919) % 997) / 997) * all.length));
    for (const offset of offsets) {
      const page = queryPage(store, filter, offset, 200);
      assert.equal(page.total, all.length, `${step}: total of ${JSON.stringify(filter)}`);
      assert.deepEqual(
        page.items.map((i) => i.id),
        all.slice(offset, offset + 200),
        `${step}: the page at ${offset} of ${JSON.stringify(filter)} is the one OFFSET gives`,
      );
    }
  }
}

describe('deep pages', () => {
  it('deep pages return the rows OFFSET returns, through reviews, captures, tags, undo, a save and a rebuild', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await captureFile(store, results(root, 'run1.jsonl', 0, 5 * BUCKET + 300));
      assertPagesMatchOffset(store, 'after the first capture');

      // one item at a time, deep in the list (the panel's keypress path), and a bulk verdict
      const keys = listItems(store.database, { state: 'new' }).map((i) => i.caseKey);
      for (const at of [3 * BUCKET + 5, 3 * BUCKET + 6, BUCKET, 17, keys.length - 1]) submitReviews(store, [keys[at]!], { verdict: 'discard' }, 'ana');
      assertPagesMatchOffset(store, 'after single reviews');
      const bulk = submitReviews(store, keys.slice(2 * BUCKET, 4 * BUCKET + 50), { verdict: 'ambiguous' }, 'ben');
      tagItems(
        store,
        keys.filter((_, i) => i % 3 === 0),
        ['deep'],
      );
      assertPagesMatchOffset(store, 'after a bulk verdict and tags');

      // a second run: some cases pass (fixed), others fail again, new ones arrive; and a run
      // captured elsewhere earlier lands at the top of the list
      await captureFile(
        store,
        results(root, 'run2.jsonl', 2 * BUCKET, 6 * BUCKET + 400, (i) => i % 5 === 0),
      );
      store.append([
        { type: 'run', run: { runId: 'old-run', format: 'promptfoo', suite: 'sum', sourcePath: join(root, 'old.jsonl'), tags: [], partial: false, metadata: {}, capturedAt: '2001-01-01T00:00:00.000Z' }, at: '2001-01-01T00:00:00.000Z' },
        { type: 'cases', runId: 'old-run', format: 'promptfoo', suite: 'sum', cases: Array.from({ length: 700 }, (_, i) => ({ k: `promptfoo/sum/h:old-${i}`, o: 'fail' as const, h: `h${i}` })), at: '2001-01-01T00:00:01.000Z' },
      ]);
      assertPagesMatchOffset(store, 'after a second capture and an older run');

      undoEvents(store, bulk);
      store.save(); // the index written out: change tracking goes on
      submitReviews(store, [keys[4 * BUCKET]!], { verdict: 'eval-wrong' }, 'ana');
      assertPagesMatchOffset(store, 'after an undo, a save and a review');

      store.rebuild('test');
      assertPagesMatchOffset(store, 'after a rebuild');
    } finally {
      store.close();
    }
  });

  it('deep pages of lists that hang on assignments, search text or clusters stay exact when only those change', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await captureFile(store, results(root, 'run1.jsonl', 0, 5 * BUCKET + 300));
      const keys = listItems(store.database, {}).map((i) => i.caseKey);
      const assign = (chosen: string[]) => store.append([{ type: 'assign', items: chosen.map((k) => ({ k, to: ['ana'] })) }]);
      const lists: ItemFilter[] = [{ assignedTo: 'ana' }, { unassigned: true }, { state: 'new', assignedTo: 'ana' }, { text: '9' }];
      assign(keys.filter((_, i) => i % 2 === 0));
      assertPagesMatchOffset(store, 'after a first assignment', lists);
      // more items assigned: no item row changes, only the assignments
      assign(keys.filter((_, i) => i % 3 === 0));
      assertPagesMatchOffset(store, 'after a second assignment', lists);
      // the outputs and expected answers become searchable: more items hold a word "9…"
      const found = listItems(store.database, { text: '9' }).length;
      refreshClusters(store);
      assert.ok(listItems(store.database, { text: '9' }).length > found, 'the search finds more once the texts are indexed');
      assertPagesMatchOffset(store, 'after the texts are indexed', lists);

      // a cluster's list grows when new failures are compared with it, which changes no item row
      const cluster = queueGroups(store.database, 'new', 'cluster')[0];
      assert.ok(cluster?.kind === 'group' && cluster.count > 2 * BUCKET, 'one cluster holds most items');
      // (newest first: the new failures come first, so a stale count would shift every bucket after)
      const inCluster: ItemFilter[] = [{ cluster: cluster.key, sort: 'newest' }];
      assertPagesMatchOffset(store, 'a cluster', inCluster);
      await captureFile(store, results(root, 'run2.jsonl', 5 * BUCKET + 300, 6 * BUCKET));
      assertPagesMatchOffset(store, 'a cluster, before the new failures are compared', inCluster);
      refreshClusters(store);
      assert.ok(listItems(store.database, { cluster: cluster.key }).length > cluster.count, 'the new failures joined the cluster');
      assertPagesMatchOffset(store, 'a cluster, after the new failures are compared', inCluster);
    } finally {
      store.close();
    }
  });

  it('an index upgraded to full-text search: deep pages of a search stay exact while the texts it held are indexed a part at a time', async () => {
    const root = tempDir();
    let store = await WorkspaceStore.open(root, 'default');
    await captureFile(store, results(root, 'run1.jsonl', 0, 5 * BUCKET));
    refreshClusters(store);
    store.close();
    // the index as schema 7 left it: signed for clustering, with no search table (the upgrade queues every signed item's text)
    await editSavedIndex(workspacePaths(root, 'default').indexFile, (db) => {
      db.run('DROP TABLE item_text; DROP TABLE text_pending');
      db.run("UPDATE meta SET value = '7' WHERE key = 'schema_version'");
    });
    store = await WorkspaceStore.open(root, 'default');
    try {
      const lists: ItemFilter[] = [{ text: '9' }, { text: '9', sort: 'newest' }];
      assertPagesMatchOffset(store, 'upgraded, no text indexed yet', lists);
      const before = listItems(store.database, { text: '9' }).length;
      refreshClusters(store, 3000); // a part of the texts, as the extension does between other work
      assertPagesMatchOffset(store, 'a part of the texts indexed', lists);
      refreshClusters(store);
      assert.ok(listItems(store.database, { text: '9' }).length > before, 'the search finds more once the texts are indexed');
      assertPagesMatchOffset(store, 'every text indexed', lists);
    } finally {
      store.close();
    }
  });

  it('a verdict on more items than are counted bucket by bucket: pages stay exact, and single changes are tracked again after it', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await captureFile(store, results(root, 'run1.jsonl', 0, MAX_CHANGES + 3 * BUCKET));
      const lists: ItemFilter[] = [{ state: 'new' }, { state: 'new', sort: 'run' }, { state: 'reviewed', sort: 'newest' }];
      assertPagesMatchOffset(store, 'before', lists);
      const keys = listItems(store.database, {}).map((i) => i.caseKey);
      submitReviews(store, keys.slice(BUCKET, BUCKET + MAX_CHANGES + 10), { verdict: 'discard' }, 'ana');
      assertPagesMatchOffset(store, 'after the large verdict', lists);
      // the change tracking is back: a single review deep in the list moves the pages after it
      const trigger = store.database.exec("SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name = 'item_key_changes_update'")[0]?.values;
      assert.deepEqual(trigger, [['item_key_changes_update']]);
      submitReviews(store, [keys[MAX_CHANGES + 2 * BUCKET + 5]!], { verdict: 'discard' }, 'ana');
      assertPagesMatchOffset(store, 'after a single review', lists);
    } finally {
      store.close();
    }
  });

  it('the unfiltered list is read in order from an index, not sorted whole for each page', async () => {
    const store = await WorkspaceStore.open(tempDir(), 'default');
    try {
      for (const filter of [{}, { state: 'new' }]) {
        const where = filter.state ? 'WHERE state = ?' : '';
        const plan = store.database
          .exec(`EXPLAIN QUERY PLAN SELECT id FROM items ${where} ORDER BY created_at, items.cid LIMIT 200 OFFSET 10`, filter.state ? [filter.state] : [])[0]!
          .values.map((r) => String(r.at(-1)))
          .join('; ');
        assert.doesNotMatch(plan, /TEMP B-TREE/, `${JSON.stringify(filter)}: ${plan}`);
      }
    } finally {
      store.close();
    }
  });
});

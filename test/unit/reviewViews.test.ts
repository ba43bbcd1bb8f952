// The data behind the trees, the panel and the native diffs, computed from a real store.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { caseAsDocument, caseInRun } from '../../src/core/review/caseDocuments';
import { itemDetail, queryPage, queueSnapshot } from '../../src/core/review/reviewQueries';
import { submitReviews } from '../../src/core/review/reviewActions';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { queueGroups, queueItems, queueRoots, runNodes } from '../../src/core/views/treeModels';
import { FIXTURES, tempDir } from './testSupport';

describe('tree and panel data', () => {
  it("the Queue tree's counts per run, suite and tag equal a plain count of each state, whether the state holds most items or few", async () => {
    const store = await WorkspaceStore.open(tempDir(), 'default');
    try {
      await capturePaths(store, [FIXTURES]);
      const { tagItems } = await import('../../src/core/review/reviewActions');
      const keys = listItems(store.database).map((i) => i.caseKey);
      // waiting: most items; reviewed and auto-graded: a few each
      submitReviews(
        store,
        keys.filter((_, i) => i % 4 === 1),
        { verdict: 'discard' },
        'ana',
      );
      store.append(keys.filter((_, i) => i % 8 === 2).map((caseKey) => ({ type: 'review' as const, caseKey, verdict: 'model-wrong' as const, reviewer: 'auto', grader: 'exact-match' })));
      tagItems(
        store,
        keys.filter((_, i) => i % 3 === 0),
        ['odd'],
      );
      tagItems(
        store,
        keys.filter((_, i) => i % 5 === 0),
        ['five', 'odd'],
      );
      const plain = (state: string, by: 'run' | 'suite' | 'tag') => {
        const sql = {
          run: 'SELECT r.id, COUNT(*) FROM items i JOIN runs r ON r.rn = i.last_rn WHERE i.state = ? GROUP BY i.last_rn ORDER BY i.last_rn DESC',
          suite: 'SELECT suite, COUNT(*) FROM items WHERE state = ? GROUP BY suite ORDER BY suite',
          tag: 'SELECT t.value, COUNT(*) FROM items, json_each(items.tags) t WHERE items.state = ? GROUP BY t.value ORDER BY t.value',
        }[by];
        const groups = (store.database.exec(sql, [state])[0]?.values ?? []).map((r) => [String(r[0]), Number(r[1])]);
        if (by !== 'tag') return groups;
        const untagged = Number(store.database.exec("SELECT COUNT(*) FROM items WHERE state = ? AND tags = '[]'", [state])[0]!.values[0]![0]);
        return untagged ? [...groups, ['', untagged]] : groups;
      };
      const check = (step: string) => {
        for (const state of ['new', 'reviewed', 'auto-graded']) {
          for (const by of ['run', 'suite', 'tag'] as const) {
            const tree = queueGroups(store.database, state, by).map((g) => g.kind === 'group' && [g.key, g.count]);
            assert.deepEqual(tree, plain(state, by), `${step}: ${state} by ${by}`);
          }
        }
      };
      check('most waiting');
      // now most are reviewed and few wait: the other side of each count
      submitReviews(
        store,
        keys.filter((_, i) => i % 4 !== 3),
        { verdict: 'model-wrong', correction: 'x' },
        'ben',
      );
      check('most reviewed');
    } finally {
      store.close();
    }
  });

  it('the Queue tree groups by state, then suite, with counts; Runs lists every run', async () => {
    const store = await WorkspaceStore.open(tempDir(), 'default');
    try {
      await capturePaths(store, [FIXTURES]);
      submitReviews(store, [listItems(store.database)[0]!.caseKey], { verdict: 'discard' }, 'ana');
      const roots = queueRoots(store.database);
      assert.deepEqual(
        roots.map((r) => r.kind === 'state' && [r.state, r.count]),
        [
          ['new', 23],
          ['reviewed', 1],
        ],
      );
      const groups = queueGroups(store.database, 'new', 'suite');
      const math = groups.find((g) => g.kind === 'group' && g.key === 'math_perturbed_full');
      assert.equal(math?.kind === 'group' && math.count, 10);
      const items = queueItems(store.database, 'new', 'suite', 'math_perturbed_full', 4);
      assert.equal(items.length, 5, 'four items and a "more" node');
      assert.deepEqual(items.at(-1), { kind: 'more', state: 'new', by: 'suite', key: 'math_perturbed_full', remaining: 6 });
      // by run: each item under the run it last failed in
      const byRun = queueGroups(store.database, 'new', 'run');
      assert.equal(
        byRun.reduce((a, g) => a + (g.kind === 'group' ? g.count : 0), 0),
        23,
        'every waiting item once',
      );
      const lmRun = byRun.find((g) => g.kind === 'group' && g.label.startsWith('math_perturbed_full'));
      assert.equal(lmRun?.kind === 'group' && queueItems(store.database, 'new', 'run', lmRun.key).length, 10);
      // by tag: tagged items under each tag, the rest untagged
      const { tagItems } = await import('../../src/core/review/reviewActions');
      tagItems(
        store,
        listItems(store.database, { suite: 'math_perturbed_full' })
          .slice(0, 3)
          .map((i) => i.caseKey),
        ['math', 'algebra'],
      );
      const byTag = queueGroups(store.database, 'new', 'tag').map((g) => g.kind === 'group' && [g.label, g.count]);
      assert.deepEqual(byTag, [
        ['#algebra', 3],
        ['#math', 3],
        ['untagged', 20],
      ]);
      assert.equal(queueItems(store.database, 'new', 'tag', '').length, 20);
      const runs = runNodes(store.database);
      assert.equal(runs.length, 9);
      assert.ok(runs.some((r) => r.description === '0/10 passed · 10 failed'));
      const snapshot = queueSnapshot(store);
      assert.equal(snapshot.total, 24);
      assert.equal(snapshot.counts.new, 23);
      const page = queryPage(store, { state: 'new' }, 20, 10);
      assert.equal(page.total, 23);
      assert.equal(page.items.length, 3);
    } finally {
      store.close();
    }
  });

  it('cases whose input is pinned in a slice are marked in the tree, the queue pages and the detail', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await capturePaths(store, [FIXTURES]);
      const corpus = join(root, 'corpus');
      const { pinSlice } = await import('../../src/core/corpus/slices');
      const { CorpusLayout } = await import('../../src/core/corpus/corpusLayout');
      const math = listItems(store.database, { suite: 'math_perturbed_full' }).slice(0, 2);
      pinSlice(store, corpus, 'algebra', `item:${math.map((i) => i.id).join(',')}`);
      const pinned = new CorpusLayout(corpus).pinnedInputs();
      const lookup = (h: string) => pinned.get(h);
      const page = queryPage(store, { suite: 'math_perturbed_full' }, 0, 50, lookup);
      const marked = page.items.filter((i) => i.pinned !== null);
      assert.deepEqual(marked.map((i) => i.id).sort(), math.map((i) => i.id).sort());
      assert.ok(marked.every((i) => i.pinned === 'algebra/v0001'));
      assert.equal(page.items.length - marked.length, 8, 'the other cases are not marked');
      assert.equal(itemDetail(store, math[0]!.id, lookup)!.item.pinned, 'algebra/v0001');
      assert.equal(itemDetail(store, math[0]!.id)!.item.pinned, null, 'no lookup, no mark');
      const tree = queueItems(store.database, 'new', 'suite', 'math_perturbed_full', 500, lookup);
      assert.equal(tree.filter((n) => n.kind === 'item' && n.pinned).length, 2);
    } finally {
      store.close();
    }
  });

  it('the detail of an item holds its case, its occurrences and the run it last passed in', async () => {
    const root = tempDir();
    const line = (q: string, ok: boolean, out: string) => JSON.stringify({ success: ok, vars: { q }, prompt: { raw: q, label: 'Q' }, provider: { id: 'm' }, response: { output: out }, testCase: { vars: { q } } });
    const run1 = join(root, 'run1.jsonl');
    const run2 = join(root, 'run2.jsonl');
    writeFileSync(run1, `${line('first run', true, '')}\n${line('2+2?', true, '4')}\n`);
    writeFileSync(run2, `${line('second run', true, '')}\n${line('2+2?', false, '5')}\n`);
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await captureFile(store, run1);
      const second = await captureFile(store, run2);
      assert.equal(second.regressions, 1);
      const item = listItems(store.database)[0]!;
      const detail = itemDetail(store, item.id)!;
      assert.equal(detail.case?.output, '5');
      assert.equal(detail.item.regression, true);
      assert.equal(detail.occurrences.length, 1);
      assert.ok(detail.lastPassRun, 'the run it passed in is known');
      const before = await caseInRun(store, detail.lastPassRun, item.caseKey);
      assert.equal(before?.output, '4', 'the passing occurrence is read again from its file');
      const doc = caseAsDocument(before!, 'last pass');
      assert.match(doc, /## output\n4\n/);
      writeFileSync(run1, `${line('replaced', true, '')}\n`);
      assert.equal(await caseInRun(store, detail.lastPassRun, item.caseKey), null, 'a file that now holds another run gives nothing');
    } finally {
      store.close();
    }
  });
});

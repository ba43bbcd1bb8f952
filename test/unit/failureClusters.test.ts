// Failure clusters: quality measured on a generated set with known groups, the work
// of an update growing with what is new, and the same clusters whatever the order.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateFailures, scoreClusters, type LabelledFailure } from '../../bench/generateFailures';
import { clusterMemberIds, clusterOfItem, listClusters, refreshClusters } from '../../src/core/clusters/clusterQueries';
import { errorClassOf, errorKindOf, maskedShape, reasonShapeOf } from '../../src/core/clusters/failureShape';
import { estimatedSimilarity } from '../../src/core/clusters/nearDuplicates';
import type { EvalCase } from '../../src/core/model/caseModel';
import { itemIdOf } from '../../src/core/store/caseIds';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { REPO_ROOT, tempDir } from './testSupport';

/** Stores failures as one run, the way a capture does: the blob first, then the run and cases events. */
function storeFailures(store: WorkspaceStore, cases: EvalCase[], runId: string): void {
  const blob = store.blobs.put(cases);
  store.append([
    { type: 'run', run: { runId, format: 'jsonl', suite: 'generated', sourcePath: `${runId}.jsonl`, tags: [], partial: false, metadata: {}, capturedAt: '2026-01-01T00:00:00.000Z' } },
    { type: 'cases', runId, format: 'jsonl', suite: 'generated', blob, at: '2026-01-01T00:00:00.000Z', cases: cases.map((c, i) => ({ k: c.caseKey, o: c.outcome, h: c.inputHash, t: c.title, i })) },
  ]);
}

function partitionOf(store: WorkspaceStore): string[] {
  return listClusters(store.database, 1)
    .map((c) => `${c.id}:${[...c.itemIds].sort().join(',')}`)
    .sort();
}

describe('failure clusters', () => {
  it('groups alike failures: purity and completeness on a generated set with known groups', async () => {
    const store = await WorkspaceStore.open(tempDir(), 'default');
    try {
      const set = generateFailures({ seed: 7, noise: 400 });
      storeFailures(
        store,
        set.failures.map((f) => f.evalCase),
        'run-1',
      );
      const update = refreshClusters(store);
      assert.equal(update.signed, set.failures.length);
      const groupOf = new Map(set.failures.map((f) => [itemIdOf(f.evalCase.caseKey), f.group]));
      const found = listClusters(store.database, 1).map((c) => c.itemIds);
      assert.equal(
        found.reduce((n, c) => n + c.length, 0),
        set.failures.length,
        'every failure is in exactly one cluster',
      );
      const score = scoreClusters(found, groupOf);
      // measured 1.000 and 0.984 (BENCHMARKS.md); a clustering that merges unrelated failures or splits a template fails these
      assert.ok(score.purity >= 0.97, `purity ${score.purity.toFixed(3)}`);
      assert.ok(score.completeness >= 0.95, `completeness ${score.completeness.toFixed(3)}`);
      // each templated group is found whole or nearly so, and none is merged with another
      const templated = [...new Set(set.failures.map((f) => f.group))].filter((g) => !g.startsWith('noise'));
      for (const g of templated) {
        const members = set.failures.filter((f) => f.group === g).map((f) => itemIdOf(f.evalCase.caseKey));
        const shared = Math.max(...members.map((m) => clusterMemberIds(store.database, clusterOfItem(store.database, m)!.id).filter((id) => groupOf.get(id) === g).length));
        assert.ok(shared >= members.length * 0.8, `${g}: ${shared} of ${members.length} in one cluster`);
      }
      const errorGroup = listClusters(store.database, 2).find((c) => c.alike === 'same error: TimeoutError');
      assert.ok(errorGroup, 'the timeouts say what they share');
    } finally {
      store.close();
    }
  });

  it('adding k failures signs k items with a bounded number of key lookups each, whatever is already stored', async () => {
    const store = await WorkspaceStore.open(tempDir(), 'default');
    try {
      const set = generateFailures({ seed: 3, noise: 1500 });
      const first = set.failures.slice(0, set.failures.length - 40);
      const later = set.failures.slice(set.failures.length - 40);
      storeFailures(
        store,
        first.map((f) => f.evalCase),
        'run-1',
      );
      assert.equal(refreshClusters(store).signed, first.length);
      assert.deepEqual(refreshClusters(store), { signed: 0, keysLooked: 0, merges: 0 }, 'nothing new, nothing done');
      storeFailures(
        store,
        later.map((f) => f.evalCase),
        'run-2',
      );
      const update = refreshClusters(store);
      assert.equal(update.signed, later.length, 'only the new items are signed');
      // at most one error key, one reason key and 16 + 12 band keys per item
      assert.ok(update.keysLooked <= later.length * 30, `${update.keysLooked} key lookups for ${later.length} items`);
      // a failure seen again in a later run is not signed again
      storeFailures(
        store,
        later.slice(0, 5).map((f) => f.evalCase),
        'run-3',
      );
      assert.equal(refreshClusters(store).signed, 0);
    } finally {
      store.close();
    }
  });

  it('the same failures arriving in another order, or replayed into a rebuilt index, form the same clusters', async () => {
    const set = generateFailures({ seed: 11, noise: 200 });
    const a = await WorkspaceStore.open(tempDir(), 'default');
    const b = await WorkspaceStore.open(tempDir(), 'default');
    try {
      const cases = set.failures.map((f) => f.evalCase);
      storeFailures(a, cases, 'run-1');
      refreshClusters(a);
      // reversed, in three runs, the clusters brought up to date after each
      const reversed = [...cases].reverse();
      for (let i = 0; i < 3; i++) {
        storeFailures(b, reversed.slice(i * 300, i === 2 ? undefined : (i + 1) * 300), `run-${i}`);
        refreshClusters(b);
      }
      // the representative (the earliest failure) differs with the order; the groups may not
      const groups = (s: WorkspaceStore) =>
        listClusters(s.database, 1)
          .map((c) => [...c.itemIds].sort().join(','))
          .sort();
      assert.deepEqual(groups(b), groups(a));
      const before = partitionOf(a);
      a.rebuild('test');
      refreshClusters(a);
      assert.deepEqual(partitionOf(a), before, 'a rebuilt index computes the same clusters from the stored cases');
    } finally {
      a.close();
      b.close();
    }
  });

  it("masks a reason's particulars and names the error class of a traceback", () => {
    assert.equal(maskedShape('Expected "Paris" but got \'Lyon\' after 3.5 s'), 'expected ‹…› but got ‹…› after # s');
    assert.equal(errorClassOf('Traceback (most recent call last):\n  File "x.py", line 3\njson.decoder.JSONDecodeError: Expecting value: line 1'), 'JSONDecodeError');
    assert.equal(errorClassOf('request failed: openai.RateLimitError: 429'), 'RateLimitError');
    const base: EvalCase = { caseKey: 'jsonl/s/id:1', suite: 's', title: 't', input: {}, inputHash: 'h', output: null, expected: null, outcome: 'error', scores: [], trace: [], metadata: {}, record: {} };
    assert.equal(errorKindOf({ ...base, error: 'Connection refused by 10.0.0.1 port 443' }), '“connection refused by #.# port #”');
    assert.equal(reasonShapeOf({ ...base, outcome: 'fail', scores: [{ name: 'a', value: 0, passed: false, reason: 'Expected 42 to equal 17' }] }), 'expected # to equal #');
    assert.equal(reasonShapeOf({ ...base, outcome: 'fail', scores: [{ name: 'a', value: 0, passed: false, reason: '42' }] }), undefined, 'a bare number says nothing');
    assert.ok(estimatedSimilarity('the cat sat on the warm mat all day long today', 'the cat sat on the warm mat all day long yesterday') > 0.6);
    assert.ok(estimatedSimilarity('the cat sat on the warm mat all day long today', 'stock prices fell sharply after the quarterly earnings report') < 0.2);
  });

  it('evalloop clusters --json lists clusters with id, size, title and item ids; --min-size filters', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    const set = generateFailures({ seed: 5, noise: 30, groupSize: [3, 6] });
    try {
      storeFailures(
        store,
        set.failures.map((f) => f.evalCase),
        'run-1',
      );
    } finally {
      store.close();
    }
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), 'clusters', '--root', root, ...args], { encoding: 'utf8' });
    const r = cli('--min-size', '3', '--json');
    assert.equal(r.status, 0, r.stderr);
    const clusters = JSON.parse(r.stdout) as { id: string; size: number; title: string; alike: string; itemIds: string[] }[];
    const expected = new Set(set.failures.filter((f) => !f.group.startsWith('noise')).map((f) => f.group)).size;
    assert.ok(clusters.length >= expected * 0.8 && clusters.length <= expected + 2, `${clusters.length} clusters for ${expected} groups`);
    for (const c of clusters) {
      assert.match(c.id, /^[0-9a-f]{12}$/);
      assert.ok(c.size >= 3);
      assert.equal(c.itemIds.length, c.size);
      assert.ok(c.itemIds.includes(c.id), 'the representative is a member');
      assert.ok(c.title.length > 0);
    }
    const sizes = clusters.map((c) => c.size);
    assert.deepEqual(
      sizes,
      [...sizes].sort((x, y) => y - x),
      'largest first',
    );
    const all = JSON.parse(cli('--min-size', '1', '--json').stdout) as unknown[];
    assert.equal(all.length > clusters.length, true);
    assert.equal(cli('--min-size', '0').status, 1, 'a usage error');
  });
});

export type { LabelledFailure };

// Failure clusters where reviewers meet them: the Queue tree grouped by cluster, the
// panel's preview of a cluster's members, and a verdict applied to all of them as one
// action (one undo), each item under the reviewer's name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateFailures } from '../../bench/generateFailures';
import { listClusters, refreshClusters } from '../../src/core/clusters/clusterQueries';
import { itemDetail } from '../../src/core/review/reviewQueries';
import type { EvalCase } from '../../src/core/model/caseModel';
import { itemIdOf } from '../../src/core/store/caseIds';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { queueGroups, queueItems } from '../../src/core/views/treeModels';
import { ReviewRequestHandler, type StoreAccess } from '../../src/extension/review/reviewRequestHandler';
import { webviewMessageSchema, type HostMessage } from '../../src/protocol/reviewProtocol';
import { tempDir } from './testSupport';

function storeFailures(store: WorkspaceStore, cases: EvalCase[], runId: string): void {
  const blob = store.blobs.put(cases);
  store.append([
    { type: 'run', run: { runId, format: 'jsonl', suite: 'generated', sourcePath: `${runId}.jsonl`, tags: [], partial: false, metadata: {}, capturedAt: '2026-01-01T00:00:00.000Z' } },
    { type: 'cases', runId, format: 'jsonl', suite: 'generated', blob, cases: cases.map((c, i) => ({ k: c.caseKey, o: c.outcome, h: c.inputHash, t: c.title, i })) },
  ]);
}

async function clusteredStore(): Promise<{ store: WorkspaceStore; cases: EvalCase[] }> {
  const store = await WorkspaceStore.open(tempDir(), 'default');
  const cases = generateFailures({ seed: 5, noise: 20, groupSize: [4, 8] }).failures.map((f) => f.evalCase);
  storeFailures(store, cases, 'run-1');
  return { store, cases };
}

describe('failure clusters in review', () => {
  it('the Queue tree groups a state by cluster: the representative title, the count, and the lone and not-yet-compared failures apart', async () => {
    const { store, cases } = await clusteredStore();
    try {
      const before = queueGroups(store.database, 'new', 'cluster');
      assert.deepEqual(
        before.map((g) => g.kind === 'group' && [g.label, g.count]),
        [['not compared yet', cases.length]],
        'before the clusters catch up',
      );
      refreshClusters(store);
      const groups = queueGroups(store.database, 'new', 'cluster');
      const clusters = listClusters(store.database, 2);
      const real = groups.filter((g) => g.kind === 'group' && g.clusterSize !== undefined);
      assert.equal(real.length, clusters.length);
      const biggest = clusters[0]!;
      const node = real.find((g) => g.kind === 'group' && g.key === biggest.id);
      assert.ok(node && node.kind === 'group');
      assert.equal(node.label, biggest.title);
      assert.equal(node.count, biggest.size);
      const items = queueItems(store.database, 'new', 'cluster', biggest.id);
      assert.deepEqual(items.map((i) => i.kind === 'item' && i.id).sort(), [...biggest.itemIds].sort());
      const lone = groups.find((g) => g.kind === 'group' && g.label === 'alike to no other failure');
      assert.ok(lone && lone.kind === 'group');
      assert.equal(lone.count + real.reduce((n, g) => n + (g.kind === 'group' ? g.count : 0), 0), cases.length, 'every item once');
      assert.equal(queueItems(store.database, 'new', 'cluster', lone.key).length, lone.count);
      assert.equal(
        groups.some((g) => g.kind === 'group' && g.label === 'not compared yet'),
        false,
      );
    } finally {
      store.close();
    }
  });

  it("the panel previews a cluster and applies one verdict to its members as one action: every item under the reviewer's name, one undo for all", async () => {
    const { store } = await clusteredStore();
    try {
      refreshClusters(store);
      const cluster = listClusters(store.database, 4)[0]!;
      const member = cluster.itemIds[1]!;
      const detail = itemDetail(store, member)!;
      assert.deepEqual(detail.cluster && [detail.cluster.id, detail.cluster.size], [cluster.id, cluster.size], 'the detail names its cluster');
      const access: StoreAccess = { read: async (work) => work(store), write: async (work) => work(store) };
      const posted: HostMessage[] = [];
      const handler = new ReviewRequestHandler(
        access,
        async () => 'ana',
        { openSource: async () => undefined, openDiff: async () => undefined },
        (m) => posted.push(m),
      );
      await handler.handle({ type: 'clusterMembers', requestId: 1, id: member });
      const members = posted.find((m) => m.type === 'clusterMembers');
      assert.ok(members && members.type === 'clusterMembers');
      assert.equal(members.total, cluster.size);
      assert.deepEqual(members.items.map((i) => i.id).sort(), [...cluster.itemIds].sort());
      // the reviewer trims one member from the preview
      const chosen = members.items.map((i) => i.id).filter((id) => id !== cluster.itemIds[0]);
      await handler.handle({ type: 'review', requestId: 2, ids: chosen, verdict: 'eval-wrong', tags: ['flaky-grader'] });
      const reviews = store.database.exec(`SELECT i.id, r.reviewer, r.verdict FROM reviews r JOIN items i ON i.cid = r.cid WHERE r.retracted = 0`)[0]!.values;
      assert.deepEqual(reviews.map((r) => String(r[0])).sort(), [...chosen].sort());
      assert.ok(
        reviews.every((r) => r[1] === 'ana' && r[2] === 'eval-wrong'),
        "each item reviewed, under the reviewer's name",
      );
      assert.equal(itemDetail(store, cluster.itemIds[0]!)!.item.state, 'new', 'the trimmed member is left alone');
      await handler.handle({ type: 'undo', requestId: 3 });
      const saved = posted.filter((m) => m.type === 'saved');
      assert.equal(saved.at(-1)?.type === 'saved' && saved.at(-1)?.count, chosen.length, 'one undo took back the whole batch');
      assert.equal(Number(store.database.exec('SELECT COUNT(*) FROM reviews WHERE retracted = 0')[0]!.values[0]![0]), 0);
      handler.dispose();
    } finally {
      store.close();
    }
  });

  it('the cluster messages are validated and bounded', () => {
    assert.equal(webviewMessageSchema.safeParse({ type: 'clusterMembers', requestId: 1, id: 'abc' }).success, false, 'an id is 12 hex digits');
    assert.equal(webviewMessageSchema.safeParse({ type: 'clusterMembers', requestId: 1, id: itemIdOf('x') }).success, true);
    const ids = Array.from({ length: 501 }, (_, i) => itemIdOf(String(i)));
    assert.equal(webviewMessageSchema.safeParse({ type: 'query', requestId: 1, filter: { ids }, offset: 0, limit: 10 }).success, false, 'at most 500 ids in a filter');
    assert.equal(webviewMessageSchema.safeParse({ type: 'query', requestId: 1, filter: { cluster: ids[0] }, offset: 0, limit: 10 }).success, true);
  });
});

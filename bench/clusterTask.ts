// `npm run bench` task: failure clusters over N generated failures (known groups plus
// noise). Measures the first full build, adding 1,000 more (the incremental cost), the
// index's growth, and quality (purity, completeness); the baseline is computing the
// same signatures in memory with no index. Prints one JSON line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listClusters, refreshClusters } from '../src/core/clusters/clusterQueries';
import { signatureOf } from '../src/core/clusters/failureSignature';
import type { EvalCase } from '../src/core/model/caseModel';
import { itemIdOf } from '../src/core/store/caseIds';
import { WorkspaceStore } from '../src/core/store/workspaceStore';
import { generateFailures, scoreClusters } from './generateFailures';

const ADDED = 1000;

function storeRun(store: WorkspaceStore, cases: EvalCase[], runId: string): void {
  for (let i = 0; i < cases.length; i += 5000) {
    const part = cases.slice(i, i + 5000);
    const blob = store.blobs.put(part);
    store.append([
      ...(i === 0 ? [{ type: 'run' as const, run: { runId, format: 'jsonl' as const, suite: 'generated', sourcePath: `${runId}.jsonl`, tags: [], partial: false, metadata: {}, capturedAt: new Date().toISOString() } }] : []),
      { type: 'cases', runId, format: 'jsonl', suite: 'generated', blob, cases: part.map((c, j) => ({ k: c.caseKey, o: c.outcome, h: c.inputHash, t: c.title, i: j })) },
    ]);
  }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000);
  const set = generateFailures({ seed: 7, noise: Math.max(0, n + ADDED - 600) });
  const all = set.failures.map((f) => f.evalCase);
  const first = all.slice(0, all.length - ADDED);
  const later = all.slice(all.length - ADDED);
  const root = mkdtempSync(join(tmpdir(), 'evalloop-clusters-'));
  try {
    let t = performance.now();
    for (const c of first) signatureOf(c);
    const baselineSeconds = (performance.now() - t) / 1000;
    const store = await WorkspaceStore.open(root, 'default');
    storeRun(store, first, 'run-1');
    const indexBefore = store.database.export().byteLength;
    store.save();
    t = performance.now();
    const build = refreshClusters(store);
    const buildSeconds = (performance.now() - t) / 1000;
    const indexAfter = store.database.export().byteLength;
    storeRun(store, later, 'run-2');
    t = performance.now();
    const added = refreshClusters(store);
    const addMs = performance.now() - t;
    const groupOf = new Map(set.failures.map((f) => [itemIdOf(f.evalCase.caseKey), f.group]));
    const score = scoreClusters(
      listClusters(store.database, 1).map((c) => c.itemIds),
      groupOf,
    );
    store.close();
    console.log(
      JSON.stringify({
        items: all.length,
        groups: set.groups,
        buildSeconds,
        baselineSeconds,
        signed: build.signed,
        addMs,
        addKeysLooked: added.keysLooked,
        indexMbBefore: indexBefore / 2 ** 20,
        indexMbAfter: indexAfter / 2 ** 20,
        purity: score.purity,
        completeness: score.completeness,
        maxRssMb: process.memoryUsage().rss / 2 ** 20,
      }),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();

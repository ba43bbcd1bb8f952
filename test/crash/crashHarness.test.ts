// Kills a workload that captures, reviews, checkpoints the index and snapshots the
// corpus with SIGKILL at random moments, CRASH_KILLS times (default 200), on one
// workspace. After every kill the workspace is reopened and checked: every event the
// workload acknowledged is there, the index opens (or is rebuilt) and its kept counts
// match a scan, no partial corpus version exists, and verify passes. At the end the
// index is rebuilt from the journals alone and must hold the same state.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import { CorpusLayout } from '../../src/core/corpus/corpusLayout';
import { verifyCorpus } from '../../src/core/corpus/verifyCorpus';
import { keptCounts, valuesOf } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { REPO_ROOT, tempDir } from '../unit/testSupport';

const KILLS = Number(process.env.CRASH_KILLS ?? 200);

interface Acked {
  /** review event id → case key */
  reviews: Map<string, string>;
  /** run id → cases */
  captures: Map<string, number>;
  versions: Set<string>;
  checkpoints: number;
}

function record(acked: Acked, line: string): void {
  const [kind, what, a, b] = line.split(' ');
  if (kind !== 'ack') return;
  if (what === 'review') acked.reviews.set(a!, b!);
  else if (what === 'capture') acked.captures.set(a!, Number(b));
  else if (what === 'snapshot') acked.versions.add(a!);
  else if (what === 'checkpoint') acked.checkpoints++;
}

/** Starts the workload, kills it after a random time, and records what it acknowledged first. */
async function runUntilKilled(bundle: string, root: string, seed: number, acked: Acked): Promise<void> {
  const child = spawn(process.execPath, [bundle, root, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let working: () => void = () => undefined;
  const firstAck = new Promise<void>((r) => (working = r));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (let nl = out.indexOf('\n'); nl !== -1; nl = out.indexOf('\n')) {
      record(acked, out.slice(0, nl));
      out = out.slice(nl + 1);
      working();
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  if (Math.random() < 0.2) {
    // during start-up: opening the index, catching up with the journals, repairing a torn tail
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 700)));
  } else {
    // in the middle of work: some time after the first acknowledged operation
    await Promise.race([firstAck, closed, new Promise((r) => setTimeout(r, 5000))]);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 500)));
  }
  child.kill('SIGKILL');
  const code = await closed;
  if (code !== null && code !== 0) throw new Error(`the workload failed by itself (exit ${code}):\n${err}`);
}

/** Reopens the workspace and checks every promise; returns a digest of its state. */
async function check(root: string, acked: Acked, after: string): Promise<string> {
  const store = await WorkspaceStore.open(root, 'default');
  try {
    const db = store.database;
    const eids = new Set(valuesOf(db, 'SELECT eid FROM reviews').map((r) => String(r[0])));
    for (const [eid, caseKey] of acked.reviews) {
      assert.ok(eids.has(eid), `${after}: acknowledged review ${eid} of ${caseKey} is missing`);
    }
    const runs = new Map(valuesOf(db, 'SELECT id, cases FROM runs').map((r) => [String(r[0]), Number(r[1])]));
    for (const [runId, cases] of acked.captures) assert.equal(runs.get(runId), cases, `${after}: acknowledged capture ${runId}`);
    const kept = Object.fromEntries([...keptCounts(db)].filter(([, n]) => n !== 0));
    const scanned: Record<string, number> = { all: Number(valuesOf(db, 'SELECT COUNT(*) FROM items')[0]![0]) };
    for (const [state, n] of valuesOf(db, 'SELECT state, COUNT(*) FROM items GROUP BY state')) scanned[`state:${String(state)}`] = Number(n);
    for (const key of Object.keys(scanned)) assert.equal(kept[key] ?? 0, scanned[key], `${after}: kept count ${key}`);
    const corpus = join(root, 'corpus');
    if (existsSync(corpus)) {
      const layout = new CorpusLayout(corpus);
      const versions = layout.versions();
      for (const v of acked.versions) assert.ok(versions.includes(v), `${after}: acknowledged version ${v} is missing`);
      // a version directory is whole or absent: anything else in versions/ is a build in progress
      for (const entry of readdirSync(layout.versionsDir)) {
        assert.ok(/^v\d{4}$/.test(entry) || entry.startsWith('.build-'), `${after}: unexpected ${entry} in versions/`);
        if (/^v\d{4}$/.test(entry)) assert.ok(existsSync(join(layout.versionsDir, entry, 'manifest.json')), `${after}: ${entry} has no manifest`);
      }
      assert.deepEqual(verifyCorpus(corpus).violations, [], `${after}: verify`);
    }
    return JSON.stringify([valuesOf(db, 'SELECT COUNT(*), SUM(occurrences) FROM items')[0], valuesOf(db, 'SELECT state, verdict, COUNT(*) FROM items GROUP BY state, verdict ORDER BY state, verdict'), valuesOf(db, 'SELECT COUNT(*) FROM reviews'), valuesOf(db, 'SELECT id, cases, failed FROM runs ORDER BY id')]);
  } finally {
    store.close();
  }
}

// about 0.75 s a kill here; the bound grows with CRASH_KILLS so a soak is not cut short
describe('crash tests', { timeout: Math.max(30 * 60_000, KILLS * 3_000) }, () => {
  it(`${KILLS} SIGKILLs during capture, review, index checkpoint and snapshot lose nothing acknowledged`, async () => {
    const bundle = join(REPO_ROOT, 'out/crash/crashWorkload.js');
    mkdirSync(join(REPO_ROOT, 'out/crash'), { recursive: true });
    await build({ entryPoints: [join(REPO_ROOT, 'test/crash/crashWorkload.ts')], outfile: bundle, bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node18', logLevel: 'warning' });
    const root = tempDir('evalloop-crash-');
    const acked: Acked = { reviews: new Map(), captures: new Map(), versions: new Set(), checkpoints: 0 };
    const started = Date.now();
    for (let kill = 1; kill <= KILLS; kill++) {
      await runUntilKilled(bundle, root, kill, acked);
      await check(root, acked, `after kill ${kill}`);
    }
    const before = await check(root, acked, 'the last kill');
    rmSync(join(root, '.evalloop/default/index.sqlite'), { force: true });
    const rebuilt = await check(root, acked, 'a rebuild from the journals');
    assert.equal(rebuilt, before, 'the journals alone give the same state');
    assert.ok(acked.reviews.size > 0 && acked.captures.size > 0, 'the workload got work done between kills');
    const summary = { kills: KILLS, seconds: Math.round((Date.now() - started) / 1000), acknowledged: { reviews: acked.reviews.size, captures: acked.captures.size, versions: acked.versions.size, checkpoints: acked.checkpoints } };
    mkdirSync(join(REPO_ROOT, 'test-results'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'test-results/crash-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(`crash summary: ${JSON.stringify(summary)}\n`);
  });
});

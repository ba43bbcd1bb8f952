// Reading in a worker thread gives exactly what reading in the capturing thread gives:
// the same report, the same journalled case references and the same blobs; a file the
// worker cannot read is reported, with the good records before it kept.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, tempDir } from './testSupport';

function caseEvents(root: string): unknown[] {
  const dir = join(root, '.evalloop/default/journal');
  return readdirSync(dir)
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as { type: string; cases?: unknown; blob?: string; runId?: string })
    .filter((e) => e.type === 'cases')
    .map((e) => ({ runId: e.runId, blob: e.blob, cases: e.cases }));
}

async function captureBoth(file: string, batchCases?: number) {
  const out = [];
  for (const worker of [false, true]) {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const report = await captureFile(store, file, { worker, ...(batchCases ? { batchCases } : {}) });
      out.push({ root, report: { ...report, path: undefined } });
    } finally {
      store.close();
    }
  }
  return out as [{ root: string; report: object }, { root: string; report: object }];
}

describe('capture in a worker thread', () => {
  it('journals the same batches and blobs as capture in the capturing thread', async () => {
    const file = join(tempDir(), 'results.jsonl');
    const line = (i: number) => JSON.stringify({ success: i % 3 !== 0, vars: { q: `question ${i}` }, prompt: { raw: `question ${i}`, label: 'Q' }, provider: { id: 'm' }, response: { output: `answer ${i}` }, testCase: { vars: {} } });
    // 2,500 cases in batches of 1,000, a broken line in the middle
    const lines = Array.from({ length: 2500 }, (_, i) => line(i));
    lines.splice(1200, 0, '{"success": tru');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const [inThread, inWorker] = await captureBoth(file);
    assert.deepEqual(inWorker.report, inThread.report);
    assert.equal((inWorker.report as { cases: number }).cases, 2500);
    assert.equal((inWorker.report as { errors: unknown[] }).errors.length, 1);
    assert.deepEqual(caseEvents(inWorker.root), caseEvents(inThread.root));
    assert.equal(caseEvents(inWorker.root).length, 3);
    const blobs = (root: string) =>
      readdirSync(join(root, '.evalloop/default/blobs'), { recursive: true })
        .filter((f) => String(f).endsWith('.json'))
        .sort();
    assert.deepEqual(blobs(inWorker.root), blobs(inThread.root));
  });

  it('reads every fixture format the same way', async () => {
    for (const file of ['lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl', 'inspect_ai/log_streaming.eval', 'junit/junit.fail.xml', 'promptfoo/sample-export.json']) {
      const [inThread, inWorker] = await captureBoth(join(FIXTURES, file), 3);
      assert.deepEqual(inWorker.report, inThread.report, file);
      assert.deepEqual(caseEvents(inWorker.root), caseEvents(inThread.root), file);
    }
  });

  it('a file the worker cannot parse is reported as failed, naming the reason', async () => {
    const file = join(tempDir(), 'broken.json');
    writeFileSync(file, '{"version": 2, "eval": {"task": "t"}, "samples": [');
    const [inThread, inWorker] = await captureBoth(file);
    assert.equal((inWorker.report as { status: string }).status, 'failed');
    assert.deepEqual(inWorker.report, inThread.report);
  });
});

// Counts that match the files: promptfoo rows of different tests stay different cases,
// an Inspect numeric score follows the threshold set for its scorer, and Inspect
// samples nobody scored are counted (as unknown) instead of vanishing. The numbers
// below were read from the files themselves (see the comments and SOURCES.tsv).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { REPO_ROOT, fixture, readAll, tempDir } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const INSPECT = join(REPO_ROOT, 'test/fixtures/inspect');

describe('counts that match the files', () => {
  it('promptfoo rows that are different tests stay different cases when their rendered prompts are the same', async () => {
    // The real export: 4 rows, 2 tests (two riddles) × 2 providers, all failing. Its keys
    // were distinct already and must not change.
    const real = await readAll(fixture('promptfoo/sample-export.json'));
    assert.deepEqual(
      real.cases.map((c) => c.caseKey.split('/h:')[1]),
      ['aa04248dcfd1d07f', '06ce8b717bf0bb4e', '7f1441d8085da3d9', 'de558127c8d8d49f'],
      'keys that already differed are the keys they were',
    );
    // The same file with its second test made to ask the first riddle again under other
    // assertions (a test that differs only in what it checks): 4 failing rows, 4 tests ×
    // providers, so 4 cases, where the rendered prompt alone made 2.
    const doc = JSON.parse(readFileSync(fixture('promptfoo/sample-export.json'), 'utf8'));
    const [first] = doc.results.results;
    for (const row of doc.results.results.filter((r: { testIdx: number }) => r.testIdx === 1)) {
      row.vars = first.vars;
      row.testCase.vars = first.testCase.vars;
      row.prompt.raw = first.prompt.raw;
    }
    const root = tempDir();
    const path = join(root, 'same-prompt-two-tests.json');
    writeFileSync(path, JSON.stringify(doc));
    const read = await readAll(path);
    assert.equal(read.cases.filter((c) => c.outcome === 'fail').length, 4);
    assert.equal(new Set(read.cases.map((c) => c.caseKey)).size, 4);
    assert.deepEqual(
      read.cases.filter((c) => c.record.index! < 2).map((c) => c.caseKey),
      real.cases.slice(0, 2).map((c) => c.caseKey),
      'the first test keeps its key',
    );
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const report = await captureFile(store, path);
      assert.equal(report.failures, 4);
      assert.equal(report.newItems, 4);
      assert.equal(report.duplicates, 0);
      assert.equal(listItems(store.database, { limit: 0 }).length, 4);
    } finally {
      store.close();
    }
    // the same test repeated (promptfoo's repeat) is still one case
    const repeated = join(root, 'repeated.jsonl');
    const row = JSON.stringify(first);
    writeFileSync(repeated, `${row}\n${row}\n`);
    const again = await readAll(repeated);
    assert.equal(new Set(again.cases.map((c) => c.caseKey)).size, 1);
  });

  it('a numeric Inspect score follows --threshold by scorer name', async () => {
    // log_message_deduplication.eval: one sample, scorer closeness_log, value 0.0
    const plain = await readAll(join(INSPECT, 'log_message_deduplication.eval'));
    assert.equal(plain.cases.length, 1);
    assert.equal(plain.cases[0]!.outcome, 'fail', 'no threshold: a score under 1 fails');
    const lenient = await readAll(join(INSPECT, 'log_message_deduplication.eval'), { thresholds: { closeness_log: 0 } });
    assert.equal(lenient.cases[0]!.outcome, 'pass');
    assert.deepEqual(
      lenient.cases[0]!.scores.map((s) => [s.name, s.value, s.passed, s.threshold]),
      [['closeness_log', 0, true, 0]],
    );
    const strict = await readAll(join(INSPECT, 'log_message_deduplication.eval'), { thresholds: { closeness_log: 0.5, other: 0 } });
    assert.equal(strict.cases[0]!.outcome, 'fail');
    assert.equal(strict.cases[0]!.scores[0]!.threshold, 0.5);
    // from the command line
    const root = tempDir();
    const r = spawnSync(process.execPath, [CLI, '--root', root, 'capture', join(INSPECT, 'log_message_deduplication.eval'), '--threshold', 'closeness_log=0', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual([JSON.parse(r.stdout).totals.cases, JSON.parse(r.stdout).totals.failures], [1, 0]);
  });

  it('Inspect samples with no score are captured as unknown and counted', async () => {
    // popularity_unscored.eval: header says 10 samples completed, every sample has scores: {}
    const read = await readAll(join(INSPECT, 'popularity_unscored.eval'));
    assert.equal(read.cases.length, 10);
    assert.ok(read.cases.every((c) => c.outcome === 'unknown'));
    const root = tempDir();
    const r = spawnSync(process.execPath, [CLI, '--root', root, 'capture', join(INSPECT, 'popularity_unscored.eval'), '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const totals = JSON.parse(r.stdout).totals;
    assert.deepEqual([totals.cases, totals.failures, totals.newItems], [10, 0, 0], 'counted, not queued');
    const status = spawnSync(process.execPath, [CLI, '--root', root, 'status', '--json'], { encoding: 'utf8' });
    assert.equal(JSON.parse(status.stdout).cases, 10);
  });
});

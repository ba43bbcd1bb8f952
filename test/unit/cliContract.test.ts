// The built `evalloop` CLI keeps its documented contract: commands, --json shapes, exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { FIXTURES, REPO_ROOT, tempDir } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

const EXPECTED: Record<string, [number, number]> = {
  'sample-export.json': [4, 4],
  'samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl': [10, 10],
  'log_formats.json': [1, 1],
  'data_arc_qwen.json': [3, 2],
  'log_streaming.eval': [4, 1],
  '230417220821DPM75QNS_auto_gpt_completion_fn_test-match.jsonl': [3, 2],
  'test_run_sample.json': [1, 1],
  'eval_results_table.json': [10, 3],
  'junit.fail.xml': [5, 1],
};

describe('evalloop CLI', () => {
  const root = tempDir();
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)'));

  it('capture --json reports cases and failures per file for every fixture', () => {
    const r = cli('capture', FIXTURES, '--root', root, '--json');
    assert.equal(r.code, 0, r.stderr);
    const out = r.json();
    const byName = new Map<string, { cases: number; failures: number; status: string; newItems: number; knownItems: number; regressions: number; errors: unknown[] }>(out.files.map((f: { path: string }) => [basename(f.path), f]));
    for (const [name, [cases, fails]] of Object.entries(EXPECTED)) {
      const f = byName.get(name);
      assert.ok(f, `${name} is reported`);
      assert.equal(f.status, 'captured', name);
      assert.deepEqual([f.cases, f.failures], [cases, fails], name);
      assert.deepEqual(f.errors, [], name);
      assert.equal(typeof f.newItems, 'number');
      assert.equal(typeof f.regressions, 'number');
    }
    assert.equal(byName.get('stock_toolcall_validation.jsonl')?.status, 'skipped');
    assert.equal(out.totals.cases, 41);
    assert.equal(out.totals.failures, 25);
    assert.equal(out.totals.newItems + out.totals.knownItems, 25);
  });

  it('capture is idempotent', () => {
    const out = cli('capture', FIXTURES, '--root', root, '--json').json();
    assert.equal(out.totals.cases, 0);
    assert.equal(out.totals.newItems, 0);
  });

  it('status --json includes the total number of items', () => {
    const r = cli('status', '--root', root, '--json');
    assert.equal(r.code, 0);
    const s = r.json();
    assert.equal(s.items, 24);
    assert.equal(s.byState.new, 24);
    assert.equal(s.runs, 9);
    assert.equal(s.journals.length, 1, 'processes that ran one after another reuse the same journal slot');
  });

  it('list --json prints an array of items with id, state and caseKey; --limit 0 is all', () => {
    const all = cli('list', '--root', root, '--json', '--limit', '0').json();
    assert.equal(all.length, 24);
    for (const item of all) {
      assert.match(item.id, /^[0-9a-f]{12}$/);
      assert.equal(item.state, 'new');
      assert.equal(typeof item.caseKey, 'string');
    }
    assert.equal(cli('list', '--root', root, '--json', '--limit', '5').json().length, 5);
    assert.equal(cli('list', '--root', root, '--json', '--state', 'reviewed', '--limit', '0').json().length, 0);
  });

  it('show --json gives the item, its occurrences and the full case', () => {
    const [first] = cli('list', '--root', root, '--json', '--limit', '0')
      .json()
      .filter((i: { caseKey: string }) => i.caseKey === 'inspect/popularity/id:1');
    const shown = cli('show', first.id.slice(0, 8), '--root', root, '--json').json();
    assert.equal(shown.item.id, first.id);
    assert.equal(shown.occurrences.length, 2, 'failed in log_formats.json and log_streaming.eval');
    assert.equal(shown.case.expected, ' Yes');
    assert.equal(shown.case.output, 'No');
    assert.ok(shown.occurrences[0].run.sourcePath.endsWith('.json') || shown.occurrences[0].run.sourcePath.endsWith('.eval'));
  });

  it('show of an unknown id exits 1 with a one-line reason', () => {
    const r = cli('show', 'ffffffff', '--root', root);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'evalloop: no item "ffffffff"');
  });

  it('bad flags and unknown commands exit non-zero', () => {
    assert.equal(cli('list', '--root', root, '--limit', '-3').code, 1);
    assert.equal(cli('capture', FIXTURES, '--root', root, '--format', 'csv').code, 1);
    assert.equal(cli('frobnicate').code, 1);
    assert.equal(cli('capture', FIXTURES, '--root', root, '--workspace', '../escape').code, 1);
  });

  it('review records a verdict; grade --auto settles what is decidable', () => {
    const [item] = cli('list', '--root', root, '--json', '--limit', '0')
      .json()
      .filter((i: { caseKey: string }) => i.caseKey.startsWith('junit/'));
    const r = cli('review', item.id, '--verdict', 'model-wrong', '--correction', 'exit code 0', '--tag', 'spark', '--rubric', '2', '--reviewer', 'ana', '--root', root, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json().reviewed, 1);
    const shown = cli('show', item.id, '--root', root, '--json').json();
    assert.equal(shown.item.state, 'reviewed');
    assert.equal(cli('review', item.id, '--verdict', 'wrong', '--root', root).code, 1);
    assert.equal(cli('review', item.id, '--verdict', 'discard', '--correction', 'x', '--root', root).code, 1, 'a correction needs model-wrong');
    const graded = cli('grade', '--auto', '--root', root, '--json');
    assert.equal(graded.code, 0, graded.stderr);
    const summary = graded.json();
    assert.equal(summary.examined, 23, 'every item still new');
    assert.equal(summary.decided + summary.undecided, 23);
    assert.equal(cli('list', '--root', root, '--json', '--limit', '0', '--state', 'auto-graded').json().length, summary.decided);
  });

  it('--workspace keeps queues apart', () => {
    const r = cli('capture', join(FIXTURES, 'junit'), '--root', root, '--workspace', 'team-b', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(cli('status', '--root', root, '--workspace', 'team-b', '--json').json().items, 1);
    assert.equal(cli('status', '--root', root, '--json').json().items, 24);
  });
});

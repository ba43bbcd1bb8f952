// The whole loop from the command line on the fixture files:
// capture → review → snapshot → pin → capture a new run → snapshot → verify.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FORMAT_SCHEMAS } from '../../src/core/corpus/formatSchemas';
import { FIXTURES, REPO_ROOT, tempDir } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');

describe('the headless loop (CLI)', () => {
  const root = tempDir();
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
  };
  const idOf = (key: string) =>
    cli('list', '--json', '--limit', '0')
      .json()
      .find((i: { caseKey: string }) => i.caseKey === key).id as string;

  it('runs capture → review → snapshot → pin → capture → snapshot → verify', () => {
    assert.equal(cli('capture', FIXTURES, '--json').code, 0);
    assert.equal(cli('review', idOf('inspect/inspect_evals/arc_easy/id:2'), '--verdict', 'model-wrong', '--correction', 'ANSWER: B').code, 0);
    assert.equal(cli('review', idOf('inspect/popularity/id:1'), '--verdict', 'model-wrong', '--correction', 'Yes', '--tag', 'persona').code, 0);
    assert.equal(cli('review', idOf('openai-evals/test-match/id:test-match.s1.0'), '--verdict', 'eval-wrong').code, 0);

    const v1 = cli('snapshot', '--json');
    assert.equal(v1.code, 0, v1.stderr);
    assert.equal(v1.json().version, 'v0001');
    assert.equal(v1.json().manifest.files.sft.records, 3);

    // pin the math failures (none in training yet) as a held-out slice
    const pin = cli('pin', 'math', '--filter', 'suite:math_perturbed_full', '--json');
    assert.equal(pin.code, 0, pin.stderr);
    assert.equal(pin.json().cases, 10);
    const tests = cli('export-slice', 'math', '--format', 'promptfoo');
    assert.equal(JSON.parse(tests.stdout).length, 10);

    // a new run arrives: the pinned cases fail again and are reviewed with corrections
    const again = join(root, 'rerun');
    cpSync(join(FIXTURES, 'lm_eval'), again, { recursive: true });
    const newRun = join(again, 'samples_math_perturbed_full_2026-02-01T00-00-00.000000.jsonl');
    cpSync(join(again, 'samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl'), newRun);
    const captured = cli('capture', newRun, '--json').json();
    assert.equal(captured.totals.knownItems, 10, 'the same ten cases, one more occurrence each');
    const mathIds = cli('list', '--json', '--limit', '0', '--suite', 'math_perturbed_full')
      .json()
      .map((i: { id: string }) => i.id);
    assert.equal(cli('review', ...mathIds, '--verdict', 'model-wrong', '--correction', '42').code, 0);

    const v2 = cli('snapshot', '--json').json();
    assert.equal(v2.version, 'v0002');
    assert.equal(v2.manifest.leakage.excluded.length, 10, 'the pinned cases are held out');
    assert.equal(v2.manifest.files.sft.records, 3);
    const sft = cli('export', 'v0002', '--format', 'sft').stdout;
    assert.ok(!sft.includes('"42"'));
    for (const line of sft.split('\n').filter(Boolean)) FORMAT_SCHEMAS.sft.parse(JSON.parse(line));
    const out = join(root, 'dpo.jsonl');
    assert.equal(cli('export', 'v0002', '--format', 'dpo', '-o', out).code, 0);
    for (const line of readFileSync(out, 'utf8').split('\n').filter(Boolean)) FORMAT_SCHEMAS['openai-preference'].parse(JSON.parse(line));

    const verify = cli('verify', '--json');
    assert.equal(verify.code, 0, verify.stdout);
    assert.equal(verify.json().ok, true);
    assert.ok(existsSync(join(root, 'corpus/versions/v0002/README.md')));
  });

  it('verify exits 1 and names the violation when a segment is edited', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'corpus/versions/v0001/manifest.json'), 'utf8'));
    const seg = join(root, 'corpus', manifest.files.sft.segments[0].path);
    chmodSync(seg, 0o644);
    writeFileSync(seg, readFileSync(seg, 'utf8').replace('Yes', 'No!'));
    const r = cli('verify');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /VIOLATION hash: segments\/sft\/[0-9a-f]{64}\.jsonl: content does not match its sha256/);
  });

  it('bad filters and names give one-line errors', () => {
    const r = cli('snapshot', '--filter', 'reviewed colour:red');
    assert.equal(r.code, 1, 'a bad filter is a usage error');
    assert.match(r.stderr, /unknown filter key "colour"/);
    assert.equal(cli('pin', '../x').code, 1);
    assert.equal(cli('export', 'v9999', '--format', 'sft').code, 1);
  });

  it('runs the same loop on a generated workspace', () => {
    const gen = tempDir();
    const run = (name: string, from: number, count: number, failEvery: number) => {
      const lines: string[] = [];
      for (let i = from; i < from + count; i++) {
        const ok = i % failEvery !== 0;
        lines.push(JSON.stringify({ success: ok, vars: { q: `item ${i}` }, prompt: { raw: `What is ${i} doubled?`, label: 'double' }, provider: { id: 'gen-model' }, response: { output: String(ok ? 2 * i : 2 * i + 1) }, testCase: { assert: [{ type: 'equals', value: String(2 * i) }] } }));
      }
      const path = join(gen, name);
      writeFileSync(path, `${lines.join('\n')}\n`);
      return path;
    };
    const g = (...args: string[]) => {
      const r = spawnSync(process.execPath, [CLI, '--root', gen, ...args], { encoding: 'utf8' });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
    };
    assert.equal(g('capture', run('run1.jsonl', 0, 400, 4), '--json').json().totals.failures, 100);
    const graded = g('grade', '--auto', '--json').json();
    assert.equal(graded.modelWrong, 100, 'numeric answers are decided mechanically');
    const auto = g('list', '--json', '--limit', '0', '--state', 'auto-graded')
      .json()
      .map((i: { id: string }) => i.id);
    assert.equal(g('review', ...auto.slice(0, 60), '--verdict', 'model-wrong', '--correction', 'the doubled number').code, 0);
    const v1 = g('snapshot', '--json').json();
    assert.equal(v1.manifest.files.sft.records, 60);
    const heldout = auto.slice(60, 80).join(',');
    assert.equal(g('pin', 'heldout', '--filter', `item:${heldout}`, '--json').json().cases, 20);
    // the next run fails the pinned cases again, plus new ones
    g('capture', run('run2.jsonl', 0, 800, 4));
    const waiting = g('list', '--json', '--limit', '0', '--state', 'auto-graded')
      .json()
      .map((i: { id: string }) => i.id);
    assert.equal(g('review', ...waiting, '--verdict', 'model-wrong', '--correction', 'fixed').code, 0);
    g('grade', '--auto');
    const rest = g('list', '--json', '--limit', '0', '--state', 'auto-graded')
      .json()
      .map((i: { id: string }) => i.id);
    if (rest.length) g('review', ...rest, '--verdict', 'model-wrong', '--correction', 'fixed');
    const v2 = g('snapshot', '--json').json();
    assert.equal(v2.manifest.leakage.excluded.length, 20);
    assert.equal(v2.manifest.files.sft.records, 180, '200 failures in all, 20 of them pinned');
    assert.equal(g('verify').code, 0);
  });
});

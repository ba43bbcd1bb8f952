// Pinning cases a training version already holds: `pin` names the versions and stops
// (exit 2) unless --include-trained; then the slice records, per case, which versions
// held it, `verify` and `doctor` warn (exit 0), exports mark those cases, and a version
// written after the pin that holds a pinned case still fails `verify`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, fixture, tempDir } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const PERSONA = 'inspect/popularity/id:1';

function cliIn(root: string) {
  return (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
  };
}

let template: string | undefined;

/** A workspace whose v0001 holds two reviewed cases tagged persona (built once, copied for each test). */
function workspace() {
  if (!template) {
    template = tempDir();
    const cli = cliIn(template);
    const idOf = (key: string) =>
      cli('list', '--json', '--limit', '0')
        .json()
        .find((i: { caseKey: string }) => i.caseKey === key).id as string;
    assert.equal(cli('capture', fixture('inspect_ai'), fixture('lm_eval'), '--json').code, 0);
    assert.equal(cli('review', idOf(PERSONA), '--verdict', 'model-wrong', '--correction', 'Yes', '--tag', 'persona').code, 0);
    assert.equal(cli('review', idOf('inspect/inspect_evals/arc_easy/id:2'), '--verdict', 'model-wrong', '--correction', 'ANSWER: B', '--tag', 'persona').code, 0);
    const v1 = cli('snapshot', '--json');
    assert.equal(v1.code, 0, v1.stderr);
    assert.equal(v1.json().version, 'v0001');
  }
  const root = tempDir();
  cpSync(template, root, { recursive: true });
  const cli = cliIn(root);
  const idOf = (key: string) =>
    cli('list', '--json', '--limit', '0')
      .json()
      .find((i: { caseKey: string }) => i.caseKey === key).id as string;
  return { root, cli, idOf, corpus: join(root, 'corpus') };
}

/** A copy of v0001 written as v0002: a version written after the pin that holds what v0001 holds (as a snapshot past the firewall would). */
function copyAsLaterVersion(corpus: string, consulted: string[]): void {
  cpSync(join(corpus, 'versions/v0001'), join(corpus, 'versions/v0002'), { recursive: true });
  const file = join(corpus, 'versions/v0002/manifest.json');
  chmodSync(file, 0o644);
  const m = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, JSON.stringify({ ...m, version: 'v0002', parent: 'v0001', leakage: { ...m.leakage, slices: consulted } }, null, 2));
}

describe('pinning cases that training versions already hold', () => {
  it('pin names the versions and the cases and exits 2, writing nothing', () => {
    const { cli, corpus } = workspace();
    const r = cli('pin', 'persona', '--filter', 'tag:persona');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /2 of the 2 cases matching the filter are already in training version v0001/);
    assert.match(r.stderr, new RegExp(`${PERSONA} in v0001`));
    assert.match(r.stderr, /--include-trained/);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.ok(!existsSync(join(corpus, 'slices/persona')), 'no slice written');
    // cases no version holds pin as before, with an empty record
    const math = cli('pin', 'math', '--filter', 'suite:math_perturbed_full', '--json');
    assert.equal(math.code, 0, math.stderr);
    assert.deepEqual(math.json().trainedIn, []);
  });

  it('--include-trained pins them and records, per case, the versions that held them', () => {
    const { cli, corpus } = workspace();
    const r = cli('pin', 'persona', '--filter', 'tag:persona', '--include-trained', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json().cases, 2);
    const manifest = JSON.parse(readFileSync(join(corpus, 'slices/persona/v0001/manifest.json'), 'utf8'));
    assert.deepEqual(manifest.trainedIn.map((t: { caseKey: string; versions: string[] }) => [t.caseKey, t.versions]).sort(), [
      ['inspect/inspect_evals/arc_easy/id:2', ['v0001']],
      [PERSONA, ['v0001']],
    ]);
    assert.ok(manifest.trainedIn.every((t: { inputHash: string }) => manifest.inputHashes.includes(t.inputHash)));
    const cases = readFileSync(join(corpus, 'slices/persona/v0001/cases.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.ok(cases.every((c: { trainedIn: string[] }) => c.trainedIn?.join() === 'v0001'));
  });

  it('verify and doctor report known contamination as a warning naming slice, case and versions, and exit 0', () => {
    const { cli } = workspace();
    assert.equal(cli('pin', 'persona', '--filter', 'tag:persona', '--include-trained').code, 0);
    const text = cli('verify');
    assert.equal(text.code, 0, text.stdout);
    assert.match(text.stdout, new RegExp(`WARNING known-contamination: slices/persona/v0001: case ${PERSONA} \\(input [0-9a-f]+\\) was already in training version v0001 when it was pinned`));
    assert.match(text.stdout, /clean, with 2 known-contamination warnings/);
    const json = cli('verify', '--json').json();
    assert.equal(json.ok, true);
    assert.deepEqual(json.violations, []);
    assert.deepEqual(json.warnings.map((w: { where: string; caseKey: string; versions: string[] }) => [w.where, w.caseKey, w.versions]).sort(), [
      ['slices/persona/v0001', 'inspect/inspect_evals/arc_easy/id:2', ['v0001']],
      ['slices/persona/v0001', PERSONA, ['v0001']],
    ]);
    const doctor = cli('doctor', '--json');
    assert.equal(doctor.code, 0, doctor.stdout);
    const findings = doctor.json().findings as { severity: string; where: string; what: string }[];
    assert.ok(findings.length >= 2 && findings.every((f) => f.severity === 'warning'), JSON.stringify(findings));
    assert.ok(findings.some((f) => f.where === 'slices/persona/v0001' && f.what.includes(PERSONA) && f.what.includes('v0001')));
  });

  it('a new snapshot after the pin holds the cases out, and verify stays at warnings', () => {
    const { cli, idOf } = workspace();
    assert.equal(cli('pin', 'persona', '--filter', 'tag:persona', '--include-trained').code, 0);
    assert.equal(cli('review', idOf('inspect/inspect_evals/arc_easy/id:3'), '--verdict', 'model-wrong', '--correction', 'ANSWER: D').code, 0);
    const v2 = cli('snapshot', '--json').json();
    assert.equal(v2.version, 'v0002');
    assert.equal(v2.manifest.leakage.excluded.length, 2, 'the pinned cases are left out of v0002');
    const verify = cli('verify', '--json');
    assert.equal(verify.code, 0);
    assert.equal(verify.json().warnings.length, 2);
    assert.deepEqual(verify.json().warnings[0].versions, ['v0001'], 'only the version that held them before the pin');
  });

  it('a version written after the pin that holds a pinned case fails verify', () => {
    const { cli, corpus } = workspace();
    assert.equal(cli('pin', 'persona', '--filter', 'tag:persona', '--include-trained').code, 0);
    copyAsLaterVersion(corpus, ['persona/v0001']);
    const r = cli('verify');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /VIOLATION leak: v0002 \S+ segments\/\S+: holds a case pinned in slice persona\/v0001 \(input [0-9a-f]+\), written after the pin/);
    assert.ok(!/VIOLATION leak: v0001/.test(r.stdout), 'v0001 held them before the pin: a warning only');
    assert.match(r.stdout, /WARNING known-contamination: slices\/persona\/v0001: .*v0001/);
    const doctor = cli('doctor');
    assert.equal(doctor.code, 1);
    assert.match(doctor.stdout, /do not train on this version/);
  });

  it('a slice pinned before pins recorded this: versions that did not consult it predate it (a warning), those that did fail', () => {
    const { cli, corpus } = workspace();
    assert.equal(cli('pin', 'persona', '--filter', 'tag:persona', '--include-trained').code, 0);
    // as an older evalloop wrote it: no trainedIn, no trainedIn on the cases (the cases file keeps its hash)
    const file = join(corpus, 'slices/persona/v0001/manifest.json');
    const { trainedIn: _dropped, ...legacy } = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify(legacy, null, 2));
    const before = cli('verify', '--json');
    assert.equal(before.code, 0, before.stdout);
    assert.equal(before.json().warnings.length, 2);
    assert.match(before.json().warnings[0].detail, /written before the slice was pinned/);
    copyAsLaterVersion(corpus, ['persona/v0001']);
    const after = cli('verify', '--json');
    assert.equal(after.code, 1);
    assert.ok(after.json().violations.some((v: { kind: string; where: string }) => v.kind === 'leak' && v.where.startsWith('v0002 ')));
    assert.ok(!after.json().violations.some((v: { where: string }) => v.where.startsWith('v0001 ')));
  });

  it('exported slices mark the cases already trained on', () => {
    const { cli, root } = workspace();
    assert.equal(cli('pin', 'persona', '--filter', 'tag:persona', '--include-trained').code, 0);
    const promptfoo = JSON.parse(cli('export-slice', 'persona', '--format', 'promptfoo').stdout) as { metadata: { caseKey: string; trainedIn?: string[] } }[];
    assert.deepEqual(
      promptfoo.map((t) => t.metadata.trainedIn),
      [['v0001'], ['v0001']],
    );
    const out = join(root, 'persona.json');
    assert.equal(cli('export-slice', 'persona', '--format', 'inspect', '-o', out).code, 0);
    const inspect = JSON.parse(readFileSync(out, 'utf8')) as { metadata: { trained_in?: string[] } }[];
    assert.deepEqual(
      inspect.map((s) => s.metadata.trained_in),
      [['v0001'], ['v0001']],
    );
    const jsonl = cli('export-slice', 'persona', '--format', 'jsonl')
      .stdout.split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      jsonl.map((c: { trainedIn?: string[] }) => c.trainedIn),
      [['v0001'], ['v0001']],
    );
    // a slice of cases nobody trained on carries no mark
    assert.equal(cli('pin', 'math', '--filter', 'suite:math_perturbed_full').code, 0);
    const clean = JSON.parse(cli('export-slice', 'math', '--format', 'promptfoo').stdout) as { metadata: Record<string, unknown> }[];
    assert.ok(clean.every((t) => !('trainedIn' in t.metadata)));
  });
});

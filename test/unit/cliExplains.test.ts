// A CLI that explains itself: `show` lists the reviews, unknown names are usage errors
// that list the valid ones, format names agree between commands, a filter naming
// something that does not exist says so, usage errors exit 1, an empty correction is
// refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { FIXTURES, REPO_ROOT, tempDir } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');

describe('a CLI that explains itself', () => {
  const root = tempDir();
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
  };
  const idOf = (key: string) =>
    cli('list', '--json', '--limit', '0')
      .json()
      .find((i: { caseKey: string }) => i.caseKey === key).id as string;
  let reviewed: string;

  before(() => {
    assert.equal(cli('capture', join(FIXTURES, 'inspect_ai'), join(FIXTURES, 'openai_evals')).code, 0);
    reviewed = idOf('inspect/popularity/id:1');
    assert.equal(cli('review', reviewed, '--verdict', 'model-wrong', '--correction', 'Yes', '--reviewer', 'ana', '--tag', 'persona').code, 0);
    assert.equal(cli('snapshot').code, 0);
  });

  it('show prints every review (verdict, correction, reviewer, time, auto-grader), and --json has them as reviews', () => {
    const graded = idOf('inspect/inspect_evals/arc_easy/id:2');
    assert.equal(cli('grade', '--auto').code, 0);
    const text = cli('show', reviewed);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /── reviews \(1\)\n\d{4}-\d\d-\d\dT[\d:.]+Z {2}model-wrong {2}by ana {2}tags: persona\n {4}correction: Yes/);
    const json = cli('show', reviewed, '--json').json();
    assert.equal(json.reviews.length, 1);
    assert.deepEqual({ verdict: json.reviews[0].verdict, correction: json.reviews[0].correction, reviewer: json.reviews[0].reviewer, grader: json.reviews[0].grader, retracted: json.reviews[0].retracted }, { verdict: 'model-wrong', correction: 'Yes', reviewer: 'ana', grader: null, retracted: false });
    assert.ok(!Number.isNaN(Date.parse(json.reviews[0].at)));
    const auto = cli('show', graded, '--json').json();
    assert.equal(auto.reviews[0].reviewer, 'auto');
    assert.equal(auto.reviews[0].grader, 'choice');
    assert.match(cli('show', graded).stdout, /by auto-grader choice\n {4}correction: .*\n {4}reason: chose/);
  });

  it('an unknown --format, --state or version is a usage error naming the valid values', () => {
    const version = cli('export', 'v0009', '--format', 'sft');
    assert.equal(version.code, 1);
    assert.equal(version.stderr, `evalloop: no version "v0009" in ${join(root, 'corpus', 'versions')} (versions: v0001)\n`);
    const format = cli('export', 'v0001', '--format', 'bogus');
    assert.equal(format.code, 1);
    assert.match(format.stderr, /--format "bogus" is not a training format: use one of sft, openai-preference, trl-preference, kto, dpo \(= openai-preference\), trl-dpo \(= trl-preference\)/);
    const snap = cli('snapshot', '--format', 'bogus');
    assert.equal(snap.code, 1);
    assert.match(snap.stderr, /use one of sft, openai-preference, trl-preference, kto, dpo/);
    const state = cli('list', '--state', 'bogus');
    assert.equal(state.code, 1);
    assert.equal(state.stderr, 'evalloop: --state must be one of new, auto-graded, reviewed\n');
  });

  it('the same format names work in snapshot --format and export --format (dpo in both)', () => {
    const dry = cli('snapshot', '--format', 'dpo', '--dry-run', '--json', '--filter', 'reviewed');
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(Object.keys(dry.json().manifest.files), ['openai-preference']);
    const exported = cli('export', 'v0001', '--format', 'dpo');
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /"preferred_output"/);
  });

  it('a filter naming a run, tag or suite that does not exist says so on stderr', () => {
    const snap = cli('snapshot', '--dry-run', '--filter', 'reviewed suite:popularityy -tag:nope run:inspect:missing');
    assert.equal(snap.code, 1, 'and nothing is selected');
    assert.match(snap.stderr, /warning: no suite "popularityy" in this workspace: the term suite:popularityy matches nothing\n/);
    assert.match(snap.stderr, /warning: no tag "nope" in this workspace: the term -tag:nope matches every item\n/);
    assert.match(snap.stderr, /warning: no run "inspect:missing" in this workspace/);
    const known = cli('snapshot', '--dry-run', '--filter', 'reviewed suite:popularity tag:persona');
    assert.equal(known.code, 0, known.stderr);
    assert.doesNotMatch(known.stderr, /warning/);
    assert.match(cli('pin', 'other', '--filter', 'suite:nosuch').stderr, /warning: no suite "nosuch"/);
    const list = cli('list', '--suite', 'nosuch', '--json');
    assert.equal(list.code, 0);
    assert.deepEqual(list.json(), []);
    assert.match(list.stderr, /warning: no suite "nosuch" in this workspace/);
  });

  it('usage errors exit 1 everywhere', () => {
    for (const args of [
      ['snapshot', '--filter', 'reviewed colour:red'],
      ['pin', 'x', '--filter', 'tag:"open'],
      ['grade'],
      ['review', reviewed, '--verdict', 'bogus'],
      ['review', reviewed, '--verdict', 'ambiguous', '--rubric', '9'],
      ['list', '--limit', '-1'],
      ['capture', FIXTURES, '--format', 'bogus'],
      ['export-slice', 'any', '--format', 'csv'],
      ['no-such-command'],
    ]) {
      const r = cli(...args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.notEqual(r.stderr, '', args.join(' '));
    }
  });

  it('an empty --correction (or correction file) is refused', () => {
    for (const correction of ['', '   \n']) {
      const r = cli('review', reviewed, '--verdict', 'model-wrong', '--correction', correction);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /the correction is empty: give the output that should have been produced/);
    }
    const file = join(root, 'empty.txt');
    writeFileSync(file, '\n');
    const r = cli('review', reviewed, '--verdict', 'model-wrong', '--correction-file', file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the correction in .*empty\.txt is empty/);
    assert.equal(cli('show', reviewed, '--json').json().reviews.length, 1, 'nothing was recorded');
  });
});

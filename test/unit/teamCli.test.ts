// Reviewing as a team from the command line, on one machine with several reviewer names
// and through journals committed to git: assign, queue set --blind, show --reviewer,
// review --adjudicate, agreement. The built CLI, real processes, real git.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { FIXTURES, REPO_ROOT, tempDir } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');

function cli(root: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

function git(cwd: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('git', ['-c', 'user.name=Eval Tester', '-c', 'user.email=tester@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('reviewing as a team from the command line', () => {
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)'));

  it('assign, what waits for whom, a blind queue, show per reviewer, adjudication and agreement', () => {
    const root = tempDir();
    assert.equal(cli(root, 'capture', FIXTURES, '--json').code, 0);
    const total = cli(root, 'status', '--json').json().items as number;

    const assigned = cli(root, 'assign', '--to', 'alice,bob', '--to', 'carol', '--per-item', '2', '--json');
    assert.equal(assigned.code, 0, assigned.stderr);
    const plan = assigned.json();
    assert.equal(plan.assigned, total);
    assert.deepEqual(Object.keys(plan.perPerson), ['alice', 'bob', 'carol']);
    const counts = Object.values(plan.perPerson) as number[];
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1);
    assert.equal(cli(root, 'assign', '--to', 'alice', '--per-item', '2').code, 1, 'more people per item than names is a usage error');

    const alices = cli(root, 'list', '--assigned-to', 'alice', '--limit', '0', '--json').json() as { id: string }[];
    const bobs = cli(root, 'list', '--assigned-to', 'bob', '--limit', '0', '--json').json() as { id: string }[];
    assert.equal(alices.length, plan.perPerson.alice);
    const shared = alices.find((a) => bobs.some((b) => b.id === a.id))!;
    assert.ok(shared, 'alice and bob share an item');
    assert.match(cli(root, 'list', '--assigned-to', 'zoe').stderr, /no one named "zoe" has assignments/);

    assert.equal(cli(root, 'queue', 'set', '--blind').code, 0);
    assert.equal(cli(root, 'queue', 'show', '--json').json().blind, true);
    assert.equal(cli(root, 'review', shared.id, '--verdict', 'model-wrong', '--correction', 'bob says so', '--reviewer', 'bob').code, 0);
    // alice has not reviewed it: show hides bob's verdict
    const hidden = cli(root, 'show', shared.id, '--reviewer', 'alice', '--json').json();
    assert.equal(hidden.blind, true);
    assert.deepEqual(hidden.reviews, []);
    assert.equal(hidden.item.state, 'new');
    assert.doesNotMatch(cli(root, 'show', shared.id, '--reviewer', 'alice').stdout, /bob says so/);
    assert.equal(cli(root, 'list', '--waiting-for', 'alice', '--limit', '0', '--json').json().length, alices.length);
    assert.equal(cli(root, 'review', shared.id, '--verdict', 'eval-wrong', '--reviewer', 'alice').code, 0);
    assert.equal(cli(root, 'list', '--waiting-for', 'alice', '--limit', '0', '--json').json().length, alices.length - 1);
    const seen = cli(root, 'show', shared.id, '--reviewer', 'alice', '--json').json();
    assert.equal(seen.blind, undefined);
    assert.deepEqual(
      seen.reviews.map((r: { reviewer: string }) => r.reviewer),
      ['bob', 'alice'],
    );

    // disputed: adjudicated from the command line, taking bob's side
    assert.equal(cli(root, 'review', alices.find((a) => a.id !== shared.id)!.id, '--verdict', 'discard', '--adjudicate', '--reviewer', 'lead').code, 1, 'not disputed: refused');
    const settled = cli(root, 'review', shared.id, '--verdict', 'model-wrong', '--correction', 'settled', '--adjudicate', '--reviewer', 'lead', '--json');
    assert.equal(settled.code, 0, settled.stderr);
    assert.equal(settled.json().adjudicated, 1);
    const reviews = cli(root, 'show', shared.id, '--reviewer', 'lead', '--json').json().reviews as { reviewer: string; adjudicate: boolean; sides: string[] | null }[];
    assert.deepEqual(reviews.find((r) => r.adjudicate)?.sides, ['bob']);

    const agreement = cli(root, 'agreement', '--json');
    assert.equal(agreement.code, 0, agreement.stderr);
    const report = agreement.json();
    assert.equal(report.items, total);
    assert.equal(report.byStatus.adjudicated, 1);
    assert.deepEqual(
      report.pairs.map((p: { a: string; b: string; items: number }) => [p.a, p.b, p.items]),
      [['alice', 'bob', 1]],
    );
    assert.match(cli(root, 'agreement').stdout, /Krippendorff's α/);
    assert.equal(cli(root, 'agreement', '--filter', 'adjudicated', '--json').json().items, 1);
    assert.equal(cli(root, 'agreement', '--filter', 'reviews>=').code, 1, 'a filter that does not parse is a usage error');
  });

  it("through committed journals: assignments, the blind setting and two clones' reviews merge, and both clones agree on the figures", () => {
    const a = join(tempDir(), 'clone-a');
    mkdirSync(a);
    git(a, 'init', '-q');
    assert.equal(cli(a, 'capture', FIXTURES).code, 0);
    assert.equal(cli(a, 'assign', '--to', 'ana,ben', '--per-item', '2').code, 0);
    assert.equal(cli(a, 'queue', 'set', '--blind').code, 0);
    git(a, 'add', '-A');
    assert.equal(git(a, 'commit', '-qm', 'captured and assigned').status, 0);
    const b = join(tempDir(), 'clone-b');
    assert.equal(git(a, 'clone', '-q', a, b).status, 0);

    // the clone sees the assignments and the blind queue from the journals alone
    const item = (cli(b, 'list', '--waiting-for', 'ben', '--limit', '1', '--json').json() as { id: string }[])[0]!;
    assert.equal(cli(b, 'queue', 'show', '--json').json().blind, true);
    assert.equal(cli(a, 'review', item.id, '--verdict', 'discard', '--reviewer', 'ana').code, 0);
    assert.equal(cli(b, 'review', item.id, '--verdict', 'ambiguous', '--reviewer', 'ben').code, 0);
    git(a, 'add', '-A');
    git(a, 'commit', '-qm', 'ana reviews');
    git(b, 'add', '-A');
    git(b, 'commit', '-qm', 'ben reviews');
    assert.equal(git(a, 'pull', '-q', '--no-rebase', '--no-edit', b, 'main').status, 0, 'no conflict');
    assert.equal(git(b, 'pull', '-q', '--no-rebase', '--no-edit', a, 'main').status, 0, 'no conflict');

    const figures = [a, b].map((root) => cli(root, 'agreement', '--json').json());
    for (const f of figures) {
      delete f.workspace;
      assert.equal(f.byStatus.disputed, 1);
      assert.deepEqual(
        f.pairs.map((p: { a: string; b: string; items: number }) => [p.a, p.b, p.items]),
        [['ana', 'ben', 1]],
      );
    }
    assert.deepEqual(figures[0], figures[1], 'both clones compute the same figures');
    assert.equal(cli(b, 'list', '--assigned-to', 'ana', '--limit', '0', '--json').json().length, cli(a, 'list', '--assigned-to', 'ana', '--limit', '0', '--json').json().length);
  });
});

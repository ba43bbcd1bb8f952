// A corpus committed to git by two clones that each wrote v0002: the merge leaves
// v0002's manifest in conflict. Every command that reads it names the file and says
// it holds a merge conflict; verify and doctor name the clash; and once one side is
// kept, verify names the version built on the side that was dropped.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliSync, literally, reviewedWorkspace } from './corpusSupport';

function git(dir: string, ...args: string[]): { code: number | null; out: string } {
  const r = spawnSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function mustGit(dir: string, ...args: string[]): void {
  const r = git(dir, ...args);
  assert.equal(r.code, 0, `git ${args.join(' ')}: ${r.out}`);
}

describe('a corpus merged in git', () => {
  it('a v0002 written in two clones: snapshot, export, verify and doctor name the conflicted manifest', async () => {
    const root = await reviewedWorkspace(12);
    const corpus = join(root, 'corpus');
    const snap = (filter: string) => {
      const r = cliSync(root, 'snapshot', '--filter', filter, '--json');
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout).version as string;
    };
    assert.equal(snap('reviewed tag:g0'), 'v0001');
    mustGit(corpus, 'init', '-q');
    mustGit(corpus, 'add', '-A');
    mustGit(corpus, 'commit', '-q', '-m', 'v0001');
    // their clone: v0002 and v0003 built on it
    mustGit(corpus, 'checkout', '-q', '-b', 'theirs');
    assert.equal(snap('reviewed -tag:g0'), 'v0002');
    assert.equal(snap('reviewed tag:g2'), 'v0003');
    mustGit(corpus, 'add', '-A');
    mustGit(corpus, 'commit', '-q', '-m', 'their v0002, v0003');
    // our clone: another v0002
    mustGit(corpus, 'checkout', '-q', 'main');
    assert.equal(snap('reviewed tag:g3'), 'v0002');
    mustGit(corpus, 'add', '-A');
    mustGit(corpus, 'commit', '-q', '-m', 'our v0002');
    const merge = git(corpus, 'merge', 'theirs');
    assert.notEqual(merge.code, 0, 'the merge stops on the conflict');
    const manifestFile = join(corpus, 'versions/v0002/manifest.json');
    assert.match(readFileSync(manifestFile, 'utf8'), /^<<<<<<< /m, 'git left markers in the manifest');

    const conflictMessage = new RegExp(`${literally(manifestFile)} holds a git merge conflict`);
    const again = cliSync(root, 'snapshot');
    assert.equal(again.code, 1);
    assert.match(again.stderr, conflictMessage, 'snapshot names the manifest and the conflict');
    const exported = cliSync(root, 'export', 'v0002', '--format', 'sft');
    assert.equal(exported.code, 1);
    assert.match(exported.stderr, conflictMessage, 'export names the manifest and the conflict');

    const verify = cliSync(root, 'verify', '--json');
    assert.equal(verify.code, 1);
    const violations = JSON.parse(verify.stdout).violations as { kind: string; where: string; detail: string; fix?: string }[];
    assert.deepEqual(
      violations.map((v) => [v.kind, v.where]),
      [['conflict', 'versions/v0002']],
      verify.stdout,
    );
    assert.match(violations[0]!.detail, /two clones each wrote versions\/v0002/);
    assert.match(violations[0]!.fix ?? '', new RegExp(`git checkout --ours -- ${literally(join(corpus, 'versions/v0002'))},`));

    const doctor = cliSync(root, 'doctor', '--json');
    assert.equal(doctor.code, 1);
    const findings = JSON.parse(doctor.stdout).findings as { severity: string; where: string; what: string; fix?: string }[];
    const clash = findings.find((f) => f.where === 'versions/v0002');
    assert.ok(clash, doctor.stdout);
    assert.equal(clash.severity, 'error');
    assert.match(clash.what, /conflict: .*holds a git merge conflict/);
    assert.match(clash.fix ?? '', /keep one side/);

    // our side is kept: their v0003 still names v0002 as parent, but was measured against theirs
    mustGit(corpus, 'checkout', '--ours', '--', 'versions/v0002');
    // and, as the advice says, the data files only their v0002 had (git merged both sides' data/)
    const kept = JSON.parse(readFileSync(join(corpus, 'versions/v0002/manifest.json'), 'utf8')) as { files: Record<string, { segments: { sha256: string }[] }> };
    const named = new Set(Object.entries(kept.files).flatMap(([format, f]) => f.segments.map((s) => `${format}/${s.sha256}.jsonl`)));
    for (const format of readdirSync(join(corpus, 'versions/v0002/data'))) {
      for (const file of readdirSync(join(corpus, 'versions/v0002/data', format))) {
        if (!named.has(`${format}/${file}`)) mustGit(corpus, 'rm', '-q', '-f', `versions/v0002/data/${format}/${file}`);
      }
    }
    mustGit(corpus, 'add', '-A');
    mustGit(corpus, 'commit', '-q', '-m', 'merge: keep our v0002');
    const after = cliSync(root, 'verify', '--json');
    assert.equal(after.code, 1);
    const left = JSON.parse(after.stdout).violations as { kind: string; where: string; detail: string }[];
    assert.deepEqual(
      left.map((v) => [v.kind, v.where]),
      [['lineage', 'versions/v0003']],
      after.stdout,
    );
    assert.match(left[0]!.detail, /v0002 is not the version it was built on/);
    // and the corpus takes new versions again, on top of the latest
    const next = cliSync(root, 'snapshot', '--json');
    assert.equal(next.code, 0, next.stderr);
    assert.equal(JSON.parse(next.stdout).manifest.parent, 'v0003');
  });
});

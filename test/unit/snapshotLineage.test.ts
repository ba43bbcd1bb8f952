// Several snapshots at once keep one lineage: each version's parent is the version
// before it, its added/removed are measured against that parent, and no process
// removes another's build folder (which made snapshots fail with ENOENT).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliAsync, cliSync, reviewedWorkspace } from './corpusSupport';

/** Record keys of a version, format by format, read straight from its segments' index files. */
function recordKeys(corpus: string, version: string | null): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  if (!version) return keys;
  const manifest = JSON.parse(readFileSync(join(corpus, 'versions', version, 'manifest.json'), 'utf8'));
  for (const [format, file] of Object.entries(manifest.files as Record<string, { segments: { sha256: string }[] }>)) {
    const set = new Set<string>();
    for (const seg of file.segments) {
      for (const line of readFileSync(join(corpus, 'segments', format, `${seg.sha256}.index.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean))
        set.add(JSON.parse(line).k);
    }
    keys.set(format, set);
  }
  return keys;
}

describe('concurrent snapshots', () => {
  it('four snapshot processes at once end with v0002..v0005 in one chain, each measured against the version before it', async () => {
    const root = await reviewedWorkspace(1200);
    const corpus = join(root, 'corpus');
    const first = cliSync(root, 'snapshot', '--json');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).version, 'v0001');

    // each process leaves out another group, so every version differs from every other
    const results = await Promise.all([0, 1, 2, 3].map((g) => cliAsync(root, 'snapshot', '--filter', `reviewed -tag:g${g}`, '--json')));
    for (const r of results) assert.equal(r.code, 0, `a snapshot failed: ${r.stderr}`);
    const claimed = results.map((r) => JSON.parse(r.stdout).version as string).sort();
    assert.deepEqual(claimed, ['v0002', 'v0003', 'v0004', 'v0005'], 'each process claimed its own number');

    const versions = readdirSync(join(corpus, 'versions')).sort();
    assert.deepEqual(versions, ['v0001', 'v0002', 'v0003', 'v0004', 'v0005'], 'no build folder is left, no number skipped');
    for (let i = 1; i < versions.length; i++) {
      const manifest = JSON.parse(readFileSync(join(corpus, 'versions', versions[i]!, 'manifest.json'), 'utf8'));
      assert.equal(manifest.version, versions[i]);
      assert.equal(manifest.parent, versions[i - 1], `${versions[i]}'s parent is the version before it`);
      // added/removed counted here from the records themselves
      const before = recordKeys(corpus, versions[i - 1]!);
      const now = recordKeys(corpus, versions[i]!);
      let added = 0;
      let removed = 0;
      for (const format of new Set([...before.keys(), ...now.keys()])) {
        for (const k of now.get(format) ?? []) if (!before.get(format)?.has(k)) added++;
        for (const k of before.get(format) ?? []) if (!now.get(format)?.has(k)) removed++;
      }
      assert.equal(manifest.added, added, `${versions[i]} added`);
      assert.equal(manifest.removed, removed, `${versions[i]} removed`);
      assert.ok(added + removed > 0, `${versions[i]} differs from its parent (so the counts are a real test)`);
    }
    const verify = cliSync(root, 'verify', '--json');
    assert.equal(verify.code, 0, verify.stdout);
    assert.deepEqual(JSON.parse(verify.stdout).violations, []);
  });

  it('verify names a version whose parent is not the version before it (a forked lineage)', async () => {
    const root = await reviewedWorkspace(12);
    const corpus = join(root, 'corpus');
    assert.equal(cliSync(root, 'snapshot', '--filter', 'reviewed tag:g0').code, 0);
    // what racing snapshots used to write: two versions both measured against v0001
    const other = join(root, 'other-corpus');
    cpSync(corpus, other, { recursive: true });
    assert.equal(cliSync(root, 'snapshot', '--filter', 'reviewed -tag:g1').code, 0);
    assert.equal(cliSync(root, 'snapshot', '--filter', 'reviewed tag:g2', '--to', other).code, 0);
    cpSync(join(other, 'segments'), join(corpus, 'segments'), { recursive: true, force: false });
    const forked = JSON.parse(readFileSync(join(other, 'versions/v0002/manifest.json'), 'utf8'));
    assert.equal(forked.parent, 'v0001');
    mkdirSync(join(corpus, 'versions/v0003'));
    writeFileSync(join(corpus, 'versions/v0003/manifest.json'), JSON.stringify({ ...forked, version: 'v0003' }, null, 2));
    const verify = cliSync(root, 'verify', '--json');
    assert.equal(verify.code, 1);
    const violations = JSON.parse(verify.stdout).violations as { kind: string; where: string; detail: string }[];
    assert.deepEqual(
      violations.map((v) => [v.kind, v.where]),
      [['lineage', 'versions/v0003']],
      verify.stdout,
    );
    assert.match(violations[0]!.detail, /its parent is v0001, but the version before it is v0002/);
    // the same break, in words, from the plain output and from doctor
    assert.match(cliSync(root, 'verify').stdout, /VIOLATION lineage: versions\/v0003: its parent is v0001/);
    const doctor = JSON.parse(cliSync(root, 'doctor', '--json').stdout).findings as { where: string; what: string }[];
    assert.ok(
      doctor.some((f) => f.where === 'versions/v0003' && /^lineage: /.test(f.what)),
      JSON.stringify(doctor),
    );
  });

  it("a snapshot leaves another process's live build folder alone, and removes one abandoned long ago", async () => {
    const root = await reviewedWorkspace(8);
    const versionsDir = join(root, 'corpus/versions');
    mkdirSync(versionsDir, { recursive: true });
    // named as this test process's own: a live process of this host; old, but alive
    const live = join(versionsDir, `.build-${ownHostTag()}-${process.pid}-aaaaaaaaaaaa`);
    // a process that cannot exist, an hour ago
    const abandoned = join(versionsDir, `.build-${ownHostTag()}-${2 ** 22 + 4321}-bbbbbbbbbbbb`);
    // a build of a just-killed process: too young to be sure nobody is writing it
    const young = join(versionsDir, `.build-${ownHostTag()}-${2 ** 22 + 4322}-cccccccccccc`);
    for (const dir of [live, abandoned, young]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'manifest.json'), '{}');
    }
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const path of [live, abandoned]) {
      utimesSync(join(path, 'manifest.json'), hourAgo, hourAgo);
      utimesSync(path, hourAgo, hourAgo);
    }
    const r = cliSync(root, 'snapshot', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(live), 'the live build folder is still there');
    assert.ok(existsSync(young), 'the young build folder is still there');
    assert.ok(!existsSync(abandoned), 'the abandoned build folder is removed');
  });
});

/** The host part src/core/store/unfinishedWrites.ts puts in the names it makes. */
function ownHostTag(): string {
  return createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
}

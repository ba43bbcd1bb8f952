// Teams that share the corpus through git instead of a bucket: two clones that each
// wrote v0002 and merged must not end with a silently mixed corpus. doctor names the
// clash; doctor --repair keeps the merged v0002 and moves this clone's to v0003.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CorpusLayout } from '../../src/core/corpus/corpusLayout';
import { FIXTURES, tempDir } from './testSupport';
import { cliIn } from './remoteSupport';

describe('a version number written in two clones and merged by git', () => {
  it('doctor names the clash and --repair gives this clone’s version the next free number', () => {
    const rootA = tempDir();
    const rootB = tempDir();
    const a = cliIn(rootA);
    const b = cliIn(rootB);
    for (const cli of [a, b]) assert.equal(cli('capture', FIXTURES).code, 0);
    const items = a('list', '--json', '--limit', '0').json() as { id: string }[];
    assert.equal(a('review', items[0]!.id, '--verdict', 'eval-wrong').code, 0);
    assert.equal(a('snapshot').code, 0);
    cpSync(join(rootA, 'corpus'), join(rootB, 'corpus'), { recursive: true }); // v0001 shared
    assert.equal(b('review', items[0]!.id, '--verdict', 'eval-wrong').code, 0);
    assert.equal(a('review', items[1]!.id, '--verdict', 'model-wrong', '--correction', 'from A').code, 0);
    assert.equal(b('review', items[2]!.id, '--verdict', 'model-wrong', '--correction', 'from B').code, 0);
    for (const cli of [a, b]) assert.equal(cli('snapshot', '--json').json().version, 'v0002');

    // what git leaves in A after merging B: B's segments beside A's, and v0002's manifest in conflict
    const manifest = join(rootA, 'corpus/versions/v0002/manifest.json');
    const ours = readFileSync(manifest, 'utf8');
    const theirs = readFileSync(join(rootB, 'corpus/versions/v0002/manifest.json'), 'utf8');
    cpSync(join(rootB, 'corpus/segments'), join(rootA, 'corpus/segments'), { recursive: true, force: false, errorOnExist: false });
    rmSync(manifest, { force: true });
    writeFileSync(manifest, `<<<<<<< HEAD\n${ours}=======\n${theirs}>>>>>>> b/main\n`);

    const doctor = a('doctor', '--json');
    assert.equal(doctor.code, 1);
    const clash = (doctor.json().findings as { what: string; fix: string }[]).find((f) => f.what.startsWith('version clash'));
    assert.ok(clash, doctor.stdout);
    assert.match(clash.what, /two clones each wrote a different v0002/);
    assert.match(clash.fix, /evalloop doctor --repair/);

    const repair = a('doctor', '--repair', '--json');
    assert.match(repair.stdout, /this clone's v0002 is now v0003/);
    const layout = new CorpusLayout(join(rootA, 'corpus'));
    assert.deepEqual(layout.versions(), ['v0001', 'v0002', 'v0003']);
    const merged = layout.manifest('v0002');
    const mine = layout.manifest('v0003');
    assert.equal(merged.createdAt, JSON.parse(theirs).createdAt, 'the merged branch keeps v0002');
    assert.equal(mine.createdAt, JSON.parse(ours).createdAt, "this clone's records are v0003");
    assert.deepEqual(mine.files, JSON.parse(ours).files, 'its records are untouched');
    assert.equal(mine.parent, 'v0002');
    const verified = a('verify');
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.equal(a('doctor').code, 0);
  });
});

// Requests that could be read more than one way are refused with a clear error instead
// of being guessed at: an empty filter (which would select everything), an id prefix too
// short to look up, and a slice or workspace name that differs from an existing one only
// in case (one folder on a file system that ignores case).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EmptyFilterError } from '../../src/core/corpus/filterExpression';
import { pinSlice } from '../../src/core/corpus/slices';
import { snapshot } from '../../src/core/corpus/snapshot';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, REPO_ROOT, tempDir } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');

describe('requests that could mean more than one thing', () => {
  const root = tempDir();
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
  };
  const ids = () =>
    cli('list', '--json', '--limit', '0')
      .json()
      .map((i: { id: string }) => i.id) as string[];

  it('an empty or blank filter pins and snapshots nothing: a usage error, nothing written', async () => {
    assert.equal(cli('capture', FIXTURES, '--json').code, 0);
    assert.equal(cli('review', ids()[0]!, '--verdict', 'discard').code, 0);
    const pin = cli('pin', 'everything', '--filter', '');
    assert.equal(pin.code, 1, pin.stderr);
    assert.match(pin.stderr, /the filter is empty: it would select every item/);
    assert.equal(pin.stderr.trim().split('\n').length, 1, 'one line');
    const snap = cli('snapshot', '--filter', '   ');
    assert.equal(snap.code, 1, snap.stderr);
    assert.match(snap.stderr, /the filter is empty/);
    assert.ok(!existsSync(join(root, 'corpus')), 'no corpus folder, slice or version was made');
    const store = await WorkspaceStore.open(root, 'default');
    try {
      assert.throws(() => pinSlice(store, join(root, 'corpus'), 'everything', ' \t '), EmptyFilterError);
      assert.throws(() => snapshot(store, join(root, 'corpus'), { filter: '' }), EmptyFilterError);
    } finally {
      store.close();
    }
    // the default filter, and a real one, still pin
    assert.equal(cli('pin', 'reviewed-ones').code, 0);
    assert.equal(cli('pin', 'one-suite', '--filter', 'suite:popularity').code, 0);
  });

  it('an id prefix under 4 characters is an error saying so, in show and review', () => {
    const id = ids()[1]!;
    const show = cli('show', id.slice(0, 3));
    assert.equal(show.code, 1);
    assert.match(show.stderr, new RegExp(`"${id.slice(0, 3)}" is too short to name an item: give at least 4 characters`));
    const review = cli('review', id.slice(0, 1), '--verdict', 'discard');
    assert.equal(review.code, 1);
    assert.match(review.stderr, /is too short to name an item/);
    assert.equal(cli('show', id.slice(0, 8), '--json').json().item.id, id);
    assert.match(cli('show', 'zzz').stderr, /no item "zzz"/, 'what is not an id prefix is simply not found');
  });

  it('a slice or workspace whose name differs from an existing one only in case is refused, naming it', () => {
    assert.equal(cli('pin', 'math', '--filter', 'suite:popularity').code, 0);
    const twin = cli('pin', 'Math', '--filter', 'suite:popularity');
    assert.equal(twin.code, 1);
    assert.match(twin.stderr, /slice "Math" differs from the existing slice "math" only in case/);
    assert.deepEqual(
      readdirSync(join(root, 'corpus/slices')).filter((s) => s.toLowerCase() === 'math'),
      ['math'],
    );
    assert.equal(cli('pin', 'math', '--filter', 'suite:popularity').code, 0, 'the existing name itself is fine');

    const ws = cli('--workspace', 'Default', 'status', '--json');
    assert.equal(ws.code, 1);
    assert.match(ws.stderr, /workspace "Default" differs from the existing workspace "default" only in case/);
    assert.deepEqual(
      readdirSync(join(root, '.evalloop')).filter((s) => s.toLowerCase() === 'default'),
      ['default'],
      'no second queue folder',
    );
    assert.equal(cli('--workspace', 'other', 'status').code, 0, 'a different name is a new workspace');
  });

  it('case twins are refused in the core too, before any folder is made', async () => {
    const fresh = tempDir();
    mkdirSync(join(fresh, '.evalloop', 'Team-A'), { recursive: true });
    await assert.rejects(WorkspaceStore.open(fresh, 'team-a'), /workspace "team-a" differs from the existing workspace "Team-A" only in case/);
    assert.deepEqual(readdirSync(join(fresh, '.evalloop')), ['Team-A']);
  });
});

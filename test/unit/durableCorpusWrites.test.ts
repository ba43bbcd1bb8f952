// A version or slice folder is renamed into place only after its files and the folder
// itself are on disk, and the folder holding it is synced after the rename, so a power
// cut cannot publish a version whose manifest is empty. Seen from outside: the real
// system calls of the CLI, traced with strace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, reviewedWorkspace } from './corpusSupport';

const haveStrace = spawnSync('strace', ['-V']).status === 0;

interface Call {
  name: string;
  /** fsync: the file or folder synced; rename: from and to. */
  paths: string[];
}

/** The fsync and rename calls of one CLI command, in order. */
function tracedCalls(root: string, ...args: string[]): Call[] {
  const log = join(root, `strace-${args[0]}.log`);
  const r = spawnSync('strace', ['-f', '-qq', '-y', '-e', 'trace=fsync,rename,renameat,renameat2', '-o', log, process.execPath, CLI, '--root', root, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const calls: Call[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const fsync = /\bfsync\(\d+<(.*)>\)\s+= 0/.exec(line);
    if (fsync) calls.push({ name: 'fsync', paths: [fsync[1]!] });
    const rename = /\brename(?:at2?)?\((?:[^"]*)"([^"]+)",(?:[^"]*)"([^"]+)".*= 0/.exec(line);
    if (rename) calls.push({ name: 'rename', paths: [rename[1]!, rename[2]!] });
  }
  return calls;
}

/** Checks the order around the rename that publishes `folder`: `files` and the build folder synced before, `parent` after. */
function assertPublishedDurably(calls: Call[], parent: string, folder: string, files: string[]): void {
  const at = calls.findIndex((c) => c.name === 'rename' && c.paths[1] === join(parent, folder));
  assert.ok(at >= 0, `a rename into ${join(parent, folder)}: ${JSON.stringify(calls)}`);
  const build = calls[at]!.paths[0]!;
  const syncedBefore = new Set(
    calls
      .slice(0, at)
      .filter((c) => c.name === 'fsync')
      .map((c) => c.paths[0]),
  );
  for (const f of files) assert.ok(syncedBefore.has(join(build, f)), `${f} is synced before the rename`);
  assert.ok(syncedBefore.has(build), 'the build folder is synced before the rename');
  assert.ok(
    calls.slice(at + 1).some((c) => c.name === 'fsync' && c.paths[0] === parent),
    `${parent} is synced after the rename`,
  );
  assert.match(build, /\/\.build-[0-9a-f]{8}-\d+-[0-9a-f]+$/, 'built in a private folder named after its process');
}

describe('corpus folders are on disk before they are published', { skip: haveStrace ? false : 'strace is not installed' }, () => {
  it('a version: manifest and dataset card synced, then the folder renamed, then its parent synced', async () => {
    const root = await reviewedWorkspace(8);
    const calls = tracedCalls(root, 'snapshot');
    assertPublishedDurably(calls, join(root, 'corpus/versions'), 'v0001', ['manifest.json', 'README.md']);
  });

  it('a slice: cases and manifest synced, then the folder renamed, then its parent synced', async () => {
    const root = await reviewedWorkspace(8);
    const calls = tracedCalls(root, 'pin', 'held-out');
    assertPublishedDurably(calls, join(root, 'corpus/slices/held-out'), 'v0001', ['cases.jsonl', 'manifest.json']);
    // the slice's own folder was new: the folder holding it is synced too
    assert.ok(calls.some((c) => c.name === 'fsync' && c.paths[0] === join(root, 'corpus/slices')));
  });
});

// Record fields are data, never paths: result records whose ids, suites, titles and
// outputs look like paths out of the workspace (../, absolute, Windows separators, NUL)
// go through capture, review, snapshot, pin and export, and every file written is
// inside .evalloop/ or corpus/ of the workspace; nothing appears beside it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT, tempDir } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const HOSTILE = ['../../../../escaped', '/tmp/evalloop-escaped', '..\\..\\escaped', 'a/../../b', 'nul\u0000byte', '~/.ssh/authorized_keys', 'corpus/versions/v0001/manifest.json'];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('hostile record fields', () => {
  it('ids, suites and titles shaped like paths never become paths', () => {
    const outside = tempDir();
    const root = join(outside, 'ws');
    mkdirSync(root);
    const lines = HOSTILE.map((h, i) => JSON.stringify({ id: h, suite: h, prompt: `${h} question ${i}`, completion: h, answer: `right ${i}`, correct: false }));
    writeFileSync(join(root, 'results.jsonl'), `${lines.join('\n')}\n`);
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, [CLI, ...args, '--root', root], { encoding: 'utf8', cwd: root });
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    cli('capture', join(root, 'results.jsonl'), '--format', 'jsonl', '--map', 'input=prompt,output=completion,expected=answer,pass=correct,id=id,suite=suite');
    const items = JSON.parse(cli('list', '--json', '--limit', '0')) as { id: string; caseKey: string }[];
    assert.equal(items.length, HOSTILE.length, 'every record is its own item');
    for (const h of HOSTILE)
      assert.ok(
        items.some((i) => i.caseKey.endsWith(`/id:${h}`)),
        `the id ${JSON.stringify(h)} is kept as it was, as data`,
      );
    cli('review', ...items.slice(0, 4).map((i) => i.id), '--verdict', 'model-wrong', '--correction', '../../corrected');
    cli('review', ...items.slice(4).map((i) => i.id), '--verdict', 'eval-wrong');
    cli('pin', 'held-out', '--filter', 'verdict:eval-wrong');
    cli('snapshot');
    cli('export-slice', 'held-out', '--format', 'jsonl');
    cli('verify');

    const written = walk(root).map((f) => relative(root, f));
    const strays = written.filter((f) => !f.startsWith('.evalloop/') && !f.startsWith('corpus/') && f !== 'results.jsonl');
    assert.deepEqual(strays, [], 'only .evalloop/ and corpus/ are written');
    assert.deepEqual(readdirSync(outside), ['ws'], 'nothing beside the workspace');
    assert.ok(written.some((f) => f.startsWith('corpus/versions/v0001/')) && written.some((f) => f.startsWith('corpus/slices/held-out/')));
  });
});

// `export -o` and `export-slice -o` replace the file whole or not at all: a write the
// system refuses part-way (here a real EFBIG, from a file size limit set on the
// process with `ulimit -f`) leaves the previous file byte for byte, names the path,
// and leaves no temp file beside it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, cliSync, literally, reviewedWorkspace, type CliResult } from './corpusSupport';

/** The CLI with the size of any file it writes limited to `bytes` (rounded down to 512-byte blocks). */
function cliWithFileLimit(bytes: number, root: string, ...args: string[]): CliResult {
  const blocks = Math.floor(bytes / 512);
  const r = spawnSync('/bin/sh', ['-c', `ulimit -f ${blocks} && exec "$0" "$@"`, process.execPath, CLI, '--root', root, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('exports are written whole or not at all', () => {
  it('an export refused part-way leaves the previous file intact (export and export-slice)', async () => {
    const root = await reviewedWorkspace(400);
    const out = join(root, 'out');
    mkdirSync(out);
    // (export-slice's --version is taken by the program's own --version, so each export is of the latest)
    const cases: { name: string; file: string; first: string[]; second: string[]; exportOf: (version: string) => string[] }[] = [
      { name: 'export', file: join(out, 'train.jsonl'), first: ['snapshot', '--filter', 'reviewed tag:g0'], second: ['snapshot', '--filter', 'reviewed'], exportOf: (v) => ['export', v, '--format', 'sft'] },
      { name: 'export-slice', file: join(out, 'tests.json'), first: ['pin', 'held-out', '--filter', 'reviewed tag:g0', '--include-trained'], second: ['pin', 'held-out', '--filter', 'reviewed', '--include-trained'], exportOf: () => ['export-slice', 'held-out', '--format', 'promptfoo'] },
    ];
    for (const c of cases) {
      const { exportOf } = c;
      assert.equal(cliSync(root, ...c.first).code, 0);
      const goodText = cliSync(root, ...exportOf('v0001')).stdout;
      const written = cliSync(root, ...exportOf('v0001'), '-o', c.file);
      assert.equal(written.code, 0, written.stderr);
      const before = readFileSync(c.file);
      assert.equal(before.toString('utf8'), goodText);
      assert.equal(cliSync(root, ...c.second).code, 0);
      const larger = exportOf('v0002');
      const largerText = cliSync(root, ...larger).stdout;
      assert.ok(largerText.length > 2 * goodText.length + 2048, `${c.name}: the second export is much larger (${goodText.length} and ${largerText.length} bytes)`);

      // room for the old file, not for the new one
      const limit = Math.floor((goodText.length + largerText.length) / 2);
      const refused = cliWithFileLimit(limit, root, ...larger, '-o', c.file);
      assert.equal(refused.code, 1, `${c.name}: ${refused.stdout}${refused.stderr}`);
      assert.match(refused.stderr, new RegExp(`cannot write ${literally(c.file)}: the file is larger than the system allows \\(EFBIG\\)`), c.name);
      assert.match(refused.stderr, /already there is unchanged/, c.name);
      assert.deepEqual(readFileSync(c.file), before, `${c.name}: the previous file is byte for byte as it was`);

      // the same command with room enough replaces it
      const replaced = cliWithFileLimit(4 * largerText.length, root, ...larger, '-o', c.file);
      assert.equal(replaced.code, 0, replaced.stderr);
      assert.equal(readFileSync(c.file, 'utf8'), largerText, c.name);
    }
    assert.deepEqual(readdirSync(out).sort(), ['tests.json', 'train.jsonl'], 'no temp file is left beside the exports');
  });

  it('an export to a folder names the path and leaves no temp file', async () => {
    const root = await reviewedWorkspace(4);
    assert.equal(cliSync(root, 'snapshot').code, 0);
    const target = join(root, 'a-folder');
    mkdirSync(target);
    const r = cliSync(root, 'export', 'v0001', '--format', 'sft', '-o', target);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot write .*a-folder: /);
    assert.deepEqual(readdirSync(target), []);
    assert.deepEqual(
      readdirSync(root).filter((f) => f.endsWith('.tmp')),
      [],
      'no temp file beside it',
    );
  });
});

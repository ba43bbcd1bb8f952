// Bad input gets an error naming the file, the record and the reason, and the
// good records of the same file are still captured.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { REPO_ROOT, fixture, tempDir } from './testSupport';

const dir = tempDir();
let store: WorkspaceStore;

before(async () => {
  store = await WorkspaceStore.open(dir, 'default');
});
after(() => store.close());

function write(name: string, data: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

function pfLine(i: number, success = false): string {
  return JSON.stringify({ success, vars: { q: `question ${i}` }, prompt: { raw: `Q${i}`, label: 'Q' }, provider: { id: 'p' }, response: { output: 'x' }, testCase: { vars: { q: `question ${i}` } } });
}

describe('malformed input', () => {
  it('truncated JSON: the file fails with the line and column of the break', async () => {
    const full = readFileSync(fixture('promptfoo/sample-export.json'), 'utf8');
    const path = write('truncated.json', full.slice(0, Math.floor(full.length / 2)));
    const report = await captureFile(store, path);
    assert.equal(report.status, 'failed');
    assert.equal(report.path, path);
    assert.match(report.reason ?? '', /^invalid JSON at line \d+, column \d+: /);
  });

  it('wrong schema: the bad record is named, the good ones are captured', async () => {
    const doc = JSON.parse(readFileSync(fixture('promptfoo/sample-export.json'), 'utf8'));
    doc.evalId = 'wrong-schema-run';
    doc.results.results[2].success = 'maybe';
    const report = await captureFile(store, write('wrong-schema.json', JSON.stringify(doc)));
    assert.equal(report.status, 'captured');
    assert.equal(report.cases, 3);
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0]!.record, 2);
    assert.match(report.errors[0]!.reason, /not a promptfoo result: success: /);
  });

  it('a garbage line inside JSONL is reported by line number; the lines around it are captured', async () => {
    const path = write('garbage-line.jsonl', [pfLine(1), '{"success": fal', pfLine(3), 'not json at all', pfLine(5)].join('\n') + '\n');
    const report = await captureFile(store, path);
    assert.equal(report.cases, 3);
    assert.deepEqual(
      report.errors.map((e) => e.line),
      [2, 4],
    );
    assert.match(report.errors[0]!.reason, /invalid JSON at line 1, column \d+/);
  });

  it('a binary file is refused as binary', async () => {
    const report = await captureFile(store, write('weights.json', Buffer.from([0x7b, 0x00, 0x01, 0x02, 0xff, 0x00])));
    assert.equal(report.status, 'failed');
    assert.match(report.reason ?? '', /binary file/);
  });

  it('an empty file is reported as empty', async () => {
    const report = await captureFile(store, write('empty.jsonl', ''));
    assert.equal(report.status, 'failed');
    assert.equal(report.reason, 'empty file');
  });

  it('a 50 MB line is skipped with its size and line number; the rest is captured', async () => {
    const path = join(dir, 'huge-line.jsonl');
    const fd = openSync(path, 'w');
    writeSync(fd, `${pfLine(10)}\n`);
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    writeSync(fd, '{"success": false, "vars": {"q": "');
    for (let i = 0; i < 50; i++) writeSync(fd, chunk);
    writeSync(fd, '"}}\n');
    writeSync(fd, `${pfLine(11)}\n`);
    closeSync(fd);
    const report = await captureFile(store, path);
    assert.equal(report.cases, 2);
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0]!.line, 2);
    assert.match(report.errors[0]!.reason, /record is 50\.0 MB, over the 16\.0 MB limit/);
    // the reader skips the long line without assembling it
    const { readLines, isOversize } = await import('../../src/core/text/lineReader');
    const seen = [];
    for await (const line of readLines(path, { maxLineBytes: 16 * 1024 * 1024 })) seen.push(isOversize(line) ? { oversize: line.bytes } : { text: line.text.length });
    assert.deepEqual(
      seen.map((x) => Object.keys(x)[0]),
      ['text', 'oversize', 'text'],
    );
  });

  it('a missing file is reported as missing', async () => {
    const report = await captureFile(store, join(dir, 'nope.json'));
    assert.equal(report.status, 'failed');
    assert.equal(report.reason, 'no such file');
  });

  it('none of the bad records became items', () => {
    const titles = listItems(store.database).map((i) => i.title);
    assert.ok(!titles.some((t) => t.startsWith('aaaa')), 'the oversized record was not captured');
    assert.ok(titles.includes('Q3') && titles.includes('Q5'), 'good lines after bad ones were captured');
  });

  it('the CLI names file, line and reason, and exits 2', () => {
    const path = write('cli-bad.jsonl', [pfLine(21), '{broken', pfLine(23)].join('\n') + '\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), 'capture', path, '--root', tempDir()], { encoding: 'utf8', cwd: REPO_ROOT });
    assert.equal(result.status, 2, result.stderr);
    assert.ok(result.stdout.includes(`error: ${path}: line 2: invalid JSON`), result.stdout);
    assert.match(result.stdout, /2 cases, 2 failures/);
  });
});

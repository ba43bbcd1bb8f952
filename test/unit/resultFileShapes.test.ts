// Format detection, limits and resume on the shapes real result files have: a first
// JSONL record longer than the 64 KB head, a first line over the record limit, a
// whole document over it, a JSONL rewritten in place with its first records kept, a
// file that keeps growing while it is captured, and .eval archives with too many
// entries, two entries of one name, or encryption.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, createWriteStream, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import yazl from 'yazl';
import { captureFile } from '../../src/core/capture/captureFile';
import { MAX_ZIP_ENTRIES } from '../../src/core/formats/zipArchive';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, REPO_ROOT, readAll, tempDir } from './testSupport';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Heap and array-buffer bytes in use: the least of a few readings, each after a full
 * collection and a pause (buffers are freed by the collector's later phases, so one
 * reading right after gc() can still count what is already garbage).
 */
async function bytesInUse(): Promise<number> {
  let least = Infinity;
  for (let i = 0; i < 4; i++) {
    collectGarbage();
    await new Promise((r) => setTimeout(r, 20));
    const m = process.memoryUsage();
    least = Math.min(least, m.heapUsed + m.arrayBuffers);
  }
  return least;
}

const MB = 1024 * 1024;

function pfLine(i: number, success = false, output = 'x'): string {
  return JSON.stringify({ success, vars: { q: `q${i}` }, prompt: { raw: `q${i}`, label: 'Q' }, provider: { id: 'm' }, response: { output }, testCase: { vars: {} } });
}

describe('JSON lines told from a document', () => {
  it('an lm-eval samples file whose first record is over 64 KB is read as JSON lines, every record', async () => {
    const fixture = join(FIXTURES, 'lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl');
    const lines = readFileSync(fixture, 'utf8').split('\n').filter(Boolean);
    const first = JSON.parse(lines[0]!) as { doc: Record<string, unknown> };
    first.doc.long_context = 'a long-context passage. '.repeat(8000); // about 190 KB
    const path = join(tempDir(), 'samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl');
    writeFileSync(path, `${[JSON.stringify(first), ...lines.slice(1)].join('\n')}\n`);
    assert.ok(JSON.stringify(first).length > 128 * 1024);
    const original = await readAll(fixture);
    const r = await readAll(path);
    assert.equal(r.format, 'lm-eval');
    assert.deepEqual(r.errors, []);
    assert.equal(r.cases.length, original.cases.length);
  });

  it('promptfoo lines in a file named .json, first line over 64 KB, are read as lines', async () => {
    const path = join(tempDir(), 'output.json');
    writeFileSync(path, `${pfLine(1, false, 'y'.repeat(100_000))}\n${pfLine(2)}\n${pfLine(3, true)}\n`);
    const r = await readAll(path);
    assert.equal(r.format, 'promptfoo');
    assert.deepEqual(r.errors, []);
    assert.equal(r.cases.length, 3);
  });

  it('a 50 MB first line is held to the record limit: reported with the limit and the flag, the other lines captured', async () => {
    const path = join(tempDir(), 'huge-first.jsonl');
    const fd = openSync(path, 'w');
    writeSync(fd, '{"success": false, "vars": {"q": "');
    const chunk = Buffer.alloc(MB, 'a');
    for (let i = 0; i < 50; i++) writeSync(fd, chunk);
    writeSync(fd, `"}}\n${pfLine(2)}\n${pfLine(3)}\n`);
    closeSync(fd);
    // collected before each reading, so garbage left by other work is not counted as held
    const before = await bytesInUse();
    const r = await readAll(path);
    const after = await bytesInUse();
    assert.equal(r.format, 'promptfoo', 'the format comes from the first record within the limit');
    assert.equal(r.cases.length, 2);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.line, 1);
    assert.match(r.errors[0]!.reason, /record is 50\.0 MB, over the 16\.0 MB limit \(--max-record-mb/);
    // the long line was never assembled (it would be 50 MB of string, 100 MB as UTF-16)
    assert.ok(after - before < 40 * MB, `the 50 MB line was not held (${((after - before) / MB).toFixed(1)} MB more in use after reading)`);
  });
});

describe('--max-record-mb and whole documents', () => {
  it('a 40 MB promptfoo JSON with the limit at 16 MB is skipped with a reason naming the limit and the flag; raised, it is read', () => {
    const root = tempDir();
    const path = join(root, 'big-export.json');
    const output = 'z'.repeat(MB);
    // passing cases: the point is the size of the document, not of the blobs its failures would make
    const results = Array.from({ length: 40 }, (_, i) => JSON.parse(pfLine(i, true, output)));
    writeFileSync(path, JSON.stringify({ evalId: 'big-eval', results: { version: 3, timestamp: '2025-01-01T00:00:00Z', results }, config: {} }));
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), '--root', root, '--json', 'capture', path, ...args], { encoding: 'utf8' });
    const limited = cli('--max-record-mb', '16');
    assert.equal(limited.status, 2, limited.stderr);
    const report = JSON.parse(limited.stdout) as { files: { status: string; reason: string }[] };
    assert.equal(report.files[0]!.status, 'skipped');
    assert.match(report.files[0]!.reason, /the JSON document is 40\.\d MB, over the 16\.0 MB limit \(--max-record-mb/);
    const raised = cli('--max-record-mb', '64');
    assert.equal(raised.status, 0, raised.stderr);
    assert.equal((JSON.parse(raised.stdout) as { files: { cases: number }[] }).files[0]!.cases, 40);
  });
});

describe('resuming a JSON-lines file', () => {
  it('a file rewritten in place with its first records kept is read as new: new failures captured, passes mark items fixed', async () => {
    const root = tempDir();
    const file = join(root, 'results.jsonl');
    // 100 lines, the last 40 failing; the first 60 (about 8 KB) stay byte for byte
    const v1 = Array.from({ length: 100 }, (_, i) => pfLine(i, i < 60));
    writeFileSync(file, `${v1.join('\n')}\n`);
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const first = await captureFile(store, file);
      assert.equal(first.newItems, 40);
      // the re-run: the same first 60 lines, then the 40 pass (with longer outputs) and 30 new cases fail
      const v2 = [...v1.slice(0, 60), ...Array.from({ length: 40 }, (_, j) => pfLine(60 + j, true, 'a longer output this time')), ...Array.from({ length: 30 }, (_, j) => pfLine(200 + j, false))];
      writeFileSync(file, `${v2.join('\n')}\n`);
      const second = await captureFile(store, file);
      assert.equal(second.resumedFrom, undefined, 'not resumed from an offset the new content does not share');
      assert.deepEqual(second.errors, []);
      assert.equal(second.cases, 130);
      assert.equal(second.newItems, 30, 'the new failures are captured');
      assert.equal(second.fixed, 40, 'the cases that pass now mark their items fixed');
      assert.notEqual(second.runId, first.runId, 'the rewritten file is a run of its own');
      assert.equal(listItems(store.database).filter((i) => i.fixedRun === second.runId).length, 40);

      // and a file that only grew is still read on from where it stopped, in the same run
      appendFileSync(file, `${pfLine(300)}\n${pfLine(301)}\n`);
      const third = await captureFile(store, file);
      assert.equal(third.resumedFrom, Buffer.byteLength(`${v2.join('\n')}\n`));
      assert.equal(third.cases, 2);
      assert.equal(third.runId, second.runId);
      const journalDir = join(root, '.evalloop/default/journal');
      const sources = readdirSync(journalDir)
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) => readFileSync(join(journalDir, f), 'utf8').split('\n'))
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; resumeCheck?: string })
        .filter((e) => e.type === 'source');
      assert.ok(
        sources.every((e) => typeof e.resumeCheck === 'string' && e.resumeCheck.length === 32),
        'each source event records the check of the bytes before its offset',
      );
    } finally {
      store.close();
    }
  });

  it('a file that keeps growing while it is captured is read to the size it had when the capture began', async () => {
    const root = tempDir();
    const file = join(root, 'growing.jsonl');
    // passing cases keep the test quick (no blobs); what counts is how many lines are read
    const block = (from: number, n: number) => `${Array.from({ length: n }, (_, i) => pfLine(from + i, true)).join('\n')}\n`;
    writeFileSync(file, block(0, 10_000));
    const sizeAtStart = readFileSync(file).length;
    const store = await WorkspaceStore.open(root, 'default');
    try {
      let appended = 0;
      // every 5,000 cases read, the eval writes 5,000 more (at most 4 times)
      const onProgress = () => {
        if (appended < 4) appendFileSync(file, block(100_000 + appended++ * 5000, 5000));
      };
      const first = await captureFile(store, file, { worker: false, onProgress });
      assert.ok(appended > 0, 'the file grew while it was read');
      assert.equal(first.cases, 10_000, 'only what the file held when the capture began');
      const second = await captureFile(store, file, { worker: false });
      assert.equal(second.resumedFrom, sizeAtStart);
      assert.equal(second.cases, appended * 5000, 'the rest is read next time');
    } finally {
      store.close();
    }
  });
});

describe('.eval archives: entry count, duplicate names, encryption', () => {
  const header = JSON.stringify({ version: 2, status: 'success', eval: { run_id: 'R', eval_id: 'E', task: 'toy', task_id: 'T', model: 'm', created: '2025-01-01T00:00:00Z' } });
  const sample = (id: number) => JSON.stringify({ id, epoch: 1, input: 'q', target: ['42'], output: { completion: '41', choices: [] }, scores: { match: { value: 'I' } } });

  function buildZip(path: string, entries: [string, string][]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const zip = new yazl.ZipFile();
      for (const [name, text] of entries) zip.addBuffer(Buffer.from(text), name);
      zip.end();
      zip.outputStream
        .pipe(createWriteStream(path))
        .on('close', () => resolve(readFileSync(path)))
        .on('error', reject);
    });
  }

  /** A real archive of `count` empty stored entries (ZIP64 directory, as any writer makes past 65,535 entries), written directly: zip libraries take minutes for this many. */
  function zipWithEntries(path: string, count: number): void {
    const locals: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    const add = (name: string, data: Buffer) => {
      const n = Buffer.from(name);
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt32LE(data.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(n.length, 26);
      const crc = crc32(data);
      local.writeUInt32LE(crc, 14);
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(20, 4);
      central.writeUInt16LE(20, 6);
      central.writeUInt32LE(crc, 16);
      central.writeUInt32LE(data.length, 20);
      central.writeUInt32LE(data.length, 24);
      central.writeUInt16LE(n.length, 28);
      central.writeUInt32LE(offset, 42);
      locals.push(local, n, data);
      centrals.push(central, n);
      offset += 30 + n.length + data.length;
    };
    add('header.json', Buffer.from(header));
    for (let i = 1; i < count; i++) add(`samples/${i}_epoch_1.json`, Buffer.alloc(0));
    const cdStart = offset;
    const cdSize = centrals.reduce((a, b) => a + b.length, 0);
    const zip64 = Buffer.alloc(56);
    zip64.writeUInt32LE(0x06064b50, 0);
    zip64.writeBigUInt64LE(44n, 4);
    zip64.writeUInt16LE(45, 12);
    zip64.writeUInt16LE(45, 14);
    zip64.writeBigUInt64LE(BigInt(count), 24);
    zip64.writeBigUInt64LE(BigInt(count), 32);
    zip64.writeBigUInt64LE(BigInt(cdSize), 40);
    zip64.writeBigUInt64LE(BigInt(cdStart), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdStart + cdSize), 8);
    locator.writeUInt32LE(1, 16);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(0xffff, 8);
    end.writeUInt16LE(0xffff, 10);
    end.writeUInt32LE(cdSize, 12);
    end.writeUInt32LE(cdStart, 16);
    writeFileSync(path, Buffer.concat([...locals, ...centrals, zip64, locator, end]));
  }

  function crc32(data: Buffer): number {
    let crc = ~0;
    for (const byte of data) {
      crc ^= byte;
      for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
    }
    return ~crc >>> 0;
  }

  it(`an archive listing more than ${MAX_ZIP_ENTRIES.toLocaleString('en')} entries is refused before any is read`, async () => {
    const over = join(tempDir(), 'many.eval');
    zipWithEntries(over, MAX_ZIP_ENTRIES + 1);
    await assert.rejects(readAll(over), /not a readable \.eval zip: the archive lists 100,001 entries, over the limit of 100,000/);
  });

  it('two entries of one name are an error naming it, not "the last one wins"', async () => {
    const path = join(tempDir(), 'twice.eval');
    // zip writers refuse duplicate names, so a same-length name is rewritten in place
    const zip = await buildZip(path, [
      ['header.json', header],
      ['samples/1_epoch_1.json', sample(1)],
      ['samples/1_epoch_9.json', sample(2)],
    ]);
    writeFileSync(path, Buffer.from(zip.toString('latin1').split('samples/1_epoch_9.json').join('samples/1_epoch_1.json'), 'latin1'));
    await assert.rejects(readAll(path), /not a readable \.eval zip: the archive holds two entries named samples\/1_epoch_1\.json/);
  });

  it('an encrypted archive says so in plain words', async () => {
    const path = join(tempDir(), 'locked.eval');
    const zip = await buildZip(path, [
      ['header.json', header],
      ['samples/1_epoch_1.json', sample(1)],
    ]);
    // set the "encrypted" flag of every entry, as a password-protecting zip tool does
    for (let i = 0; i + 4 <= zip.length; i++) {
      const sig = zip.readUInt32LE(i);
      if (sig === 0x04034b50) zip.writeUInt16LE(zip.readUInt16LE(i + 6) | 1, i + 6);
      if (sig === 0x02014b50) zip.writeUInt16LE(zip.readUInt16LE(i + 8) | 1, i + 8);
    }
    writeFileSync(path, zip);
    await assert.rejects(readAll(path), /the archive is encrypted \(password-protected\), so its entries cannot be read/);
  });
});

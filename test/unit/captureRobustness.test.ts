// One bad file never stops the others, and nothing nests deep enough to overflow a
// stack: a record nested past MAX_JSON_DEPTH is an error naming its file and record on
// both reading paths (in this thread and in a worker), any failure while one file is
// captured is reported for that file, and a too-deep case an earlier version stored
// gives show, pin and snapshot a clear error and doctor a finding, never a crash.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import yazl from 'yazl';
import { captureFile } from '../../src/core/capture/captureFile';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { sha256Hex } from '../../src/core/text/hashing';
import { MAX_JSON_DEPTH } from '../../src/core/text/jsonDepth';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { REPO_ROOT, readAll, tempDir } from './testSupport';

const DEEP = 5000;
/** A JSON value nested `depth` arrays deep, written as text (JSON.stringify itself would overflow). */
const deepText = (depth = DEEP) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** JSON text of `value` with the string "DEEP" replaced by a value nested `depth` deep. */
const withDeep = (value: unknown, depth = DEEP) => JSON.stringify(value).replace('"DEEP"', deepText(depth));

const TOO_DEEP = new RegExp(`nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep`);

function pfLine(i: number, extraVars: Record<string, unknown> = {}): string {
  return JSON.stringify({ success: false, vars: { q: `question ${i}`, ...extraVars }, prompt: { raw: `Q${i}`, label: 'Q' }, provider: { id: 'p' }, response: { output: 'x' }, testCase: { vars: { q: `question ${i}` } } });
}

/** The built CLI (`npm test` builds first), as users run it. */
function cli(root: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), '--root', root, ...args], { encoding: 'utf8', timeout: 60_000 });
}

async function captureWith(worker: boolean, file: string) {
  const store = await WorkspaceStore.open(tempDir(), 'default');
  try {
    const report = await captureFile(store, file, { worker });
    return {
      ...report,
      titles: listItems(store.database)
        .map((i) => i.title)
        .sort(),
    };
  } finally {
    store.close();
  }
}

function buildZip(path: string, entries: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, text] of Object.entries(entries)) zip.addBuffer(Buffer.from(text), name);
    zip.end();
    zip.outputStream.pipe(createWriteStream(path)).on('close', resolve).on('error', reject);
  });
}

describe('a record nested too deep', () => {
  it('is an error naming its line, the same in this thread and in a worker; the other lines are captured', async () => {
    const file = join(tempDir(), 'deep.jsonl');
    // line 4 nests 500 levels of arrays under two objects: within the limit, so it is captured
    const lines = [pfLine(1), withDeep(JSON.parse(pfLine(2, { deep: 'DEEP' }))), pfLine(3), withDeep(JSON.parse(pfLine(4, { deep: 'DEEP' })), 500)];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const inThread = await captureWith(false, file);
    const inWorker = await captureWith(true, file);
    assert.deepEqual(inWorker, inThread, 'both reading paths agree');
    assert.equal(inThread.status, 'captured');
    assert.equal(inThread.cases, 3);
    assert.deepEqual(inThread.titles, ['Q1', 'Q3', 'Q4']);
    assert.equal(inThread.errors.length, 1);
    assert.equal(inThread.errors[0]!.line, 2);
    assert.match(inThread.errors[0]!.reason, TOO_DEEP);
  });

  it('is an error naming its record in whole documents and .eval archives; the other records are captured', async () => {
    const dir = tempDir();
    // promptfoo export: results[1] too deep
    const pf = { evalId: 'deep-run', results: { version: 3, timestamp: '2025-01-01T00:00:00Z', results: [0, 1, 2].map((i) => JSON.parse(pfLine(i, i === 1 ? { deep: 'DEEP' } : {}))) }, config: {} };
    writeFileSync(join(dir, 'promptfoo.json'), withDeep(pf));
    // Inspect .json log: samples[0] too deep
    const header = { run_id: 'R', eval_id: 'E', task: 'toy', task_id: 'T', model: 'm', created: '2025-01-01T00:00:00Z' };
    const sample = (id: number, extra: Record<string, unknown> = {}) => ({ id, epoch: 1, input: `q${id}`, target: ['42'], output: { completion: '41', choices: [] }, scores: { match: { value: 'I' } }, ...extra });
    writeFileSync(join(dir, 'inspect.json'), withDeep({ version: 2, status: 'success', eval: header, samples: [sample(1, { metadata: { x: 'DEEP' } }), sample(2)] }));
    // Inspect .eval archive: one sample entry too deep
    await buildZip(join(dir, 'log.eval'), {
      'header.json': JSON.stringify({ version: 2, status: 'success', eval: header }),
      'samples/1_epoch_1.json': withDeep(sample(1, { metadata: { x: 'DEEP' } })),
      'samples/2_epoch_1.json': JSON.stringify(sample(2)),
    });
    // MLflow table: row 0 too deep
    writeFileSync(
      join(dir, 'eval_results_table.json'),
      withDeep({
        columns: ['inputs', 'outputs', 'exact_match/score'],
        data: [
          [{ q: 'DEEP' }, 'a', 0],
          ['q2', 'b', 0],
        ],
      }),
    );

    const expected: Record<string, string | number> = { 'promptfoo.json': 1, 'inspect.json': 0, 'log.eval': 'samples/1_epoch_1.json', 'eval_results_table.json': 0 };
    for (const [name, record] of Object.entries(expected)) {
      const r = await readAll(join(dir, name), name.startsWith('eval_results') ? { thresholds: { exact_match: 1 } } : {});
      assert.equal(r.errors.length, 1, `${name}: ${JSON.stringify(r.errors)}`);
      assert.equal(r.errors[0]!.record, record, name);
      assert.match(r.errors[0]!.reason, TOO_DEEP, name);
      assert.ok(r.cases.length >= 1, `${name}: the other records are read`);
    }
  });
});

describe('one bad file never stops the others', () => {
  it('the CLI captures the rest of the folder and names the file and line of the too-deep record', () => {
    const root = tempDir();
    const folder = join(root, 'results');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.jsonl'), `${pfLine(1)}\n${withDeep(JSON.parse(pfLine(2, { deep: 'DEEP' })))}\n${pfLine(3)}\n`);
    writeFileSync(join(folder, 'b.jsonl'), `${pfLine(10)}\n${pfLine(11)}\n`);
    const r = cli(root, 'capture', folder);
    assert.equal(r.status, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /Maximum call stack/);
    assert.match(r.stdout, new RegExp(`error: ${join(folder, 'a.jsonl').replace(/[/.]/g, '\\$&')}: line 2: .*${TOO_DEEP.source}`));
    assert.match(r.stdout, /b\.jsonl: 2 cases, 2 failures/);
    assert.match(r.stdout, /4 cases, 4 failures/);
  });

  it('an exception thrown while one file is captured is reported for that file, and the next file is captured', async () => {
    const root = tempDir();
    const first = join(root, 'first.jsonl');
    const second = join(root, 'second.jsonl');
    writeFileSync(first, `${Array.from({ length: 6000 }, (_, i) => pfLine(i)).join('\n')}\n`);
    writeFileSync(second, `${pfLine(1)}\n${pfLine(2)}\n`);
    const store = await WorkspaceStore.open(root, 'default');
    try {
      // the progress callback stands in for anything unexpected going wrong part-way through a file
      const onProgress = ({ path }: { path: string }) => {
        if (path === first) throw new Error('something unexpected');
      };
      const reports = await capturePaths(store, [first, second], { onProgress, worker: false });
      assert.equal(reports.length, 2);
      assert.match(reports[0]!.reason ?? '', /something unexpected/);
      assert.ok(
        reports[0]!.errors.some((e) => /something unexpected/.test(e.reason)),
        'counted as an error of that file',
      );
      assert.ok(reports[0]!.cases >= 5000, 'what was journalled before stays captured');
      assert.equal(reports[1]!.status, 'captured');
      assert.equal(reports[1]!.cases, 2);
    } finally {
      store.close();
    }
  });
});

describe('a too-deep case an earlier version stored', () => {
  /**
   * A workspace as an earlier version left it after reading a file in a worker thread,
   * whose larger stack let it write a blob holding a value nested 5,000 deep: the
   * blob is written by hand (this version refuses to), then a run and a cases event name it.
   */
  async function workspaceWithDeepBlob(): Promise<{ root: string; deepId: string; goodId: string }> {
    const root = tempDir();
    const file = join(root, 'seed.jsonl');
    writeFileSync(file, `${pfLine(1)}\n${pfLine(2)}\n`);
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await captureFile(store, file);
      const [deepItem, goodItem] = listItems(store.database).sort((a, b) => a.title.localeCompare(b.title));
      const batch = JSON.parse(readFileSync(blobPath(root, deepItem!.latestBlob!), 'utf8')) as { caseKey: string; input: { vars: Record<string, unknown> } }[];
      batch[deepItem!.latestIndex!]!.input.vars.deep = 'DEEP';
      const text = withDeep(batch);
      const hash = sha256Hex(text);
      mkdirSync(join(root, '.evalloop/default/blobs', hash.slice(0, 2)), { recursive: true });
      writeFileSync(blobPath(root, hash), text);
      const runId = 'promptfoo:older-version';
      store.append([
        { type: 'run', run: { runId, format: 'promptfoo', suite: 'promptfoo', sourcePath: 'seed.jsonl', tags: [], partial: false, metadata: {}, capturedAt: new Date().toISOString() } },
        { type: 'cases', runId, format: 'promptfoo', suite: 'promptfoo', blob: hash, cases: batch.map((c, i) => ({ k: c.caseKey, o: 'fail' as const, h: (c as unknown as { inputHash: string }).inputHash, t: `Q${i + 1}`, i })) },
      ]);
      return { root, deepId: deepItem!.id, goodId: goodItem!.id };
    } finally {
      store.close();
    }
  }

  function blobPath(root: string, hash: string): string {
    return join(root, '.evalloop/default/blobs', hash.slice(0, 2), `${hash.slice(2)}.json`);
  }

  it('show, pin and snapshot give a one-line error naming the item; doctor names it; grade leaves it for people', async () => {
    const { root, deepId, goodId } = await workspaceWithDeepBlob();
    const graded = cli(root, 'grade', '--auto');
    assert.equal(graded.status, 0, graded.stderr);
    assert.equal(cli(root, 'review', deepId, goodId, '--verdict', 'model-wrong', '--correction', 'fixed').status, 0);

    for (const args of [
      ['show', deepId],
      ['--json', 'show', deepId],
    ]) {
      const r = cli(root, ...args);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Maximum call stack|at .*\.ts:\d+/);
      assert.match(r.stderr, new RegExp(`^evalloop: item ${deepId}: the stored case .* ${TOO_DEEP.source}.*earlier version`));
      assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    }
    const good = cli(root, '--json', 'show', goodId);
    assert.equal(good.status, 0, good.stderr);
    assert.equal(JSON.parse(good.stdout).case.title, 'Q2', 'the good case in the same blob is shown');

    for (const args of [['pin', 'held-out'], ['snapshot']]) {
      const r = cli(root, ...args);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Maximum call stack/);
      assert.match(r.stderr, new RegExp(`item ${deepId}: .*leave it out with the filter term -item:${deepId}`));
    }
    const pinned = cli(root, 'pin', 'held-out', '--filter', `reviewed -item:${deepId}`);
    assert.equal(pinned.status, 0, `leaving it out works: ${pinned.stderr}`);

    const doctor = cli(root, '--json', 'doctor');
    assert.equal(doctor.status, 1, doctor.stderr);
    const findings = JSON.parse(doctor.stdout).findings as { severity: string; where: string; what: string; fix: string }[];
    const finding = findings.find((f) => f.where === `item ${deepId}`);
    assert.ok(finding, JSON.stringify(findings));
    assert.equal(finding.severity, 'error');
    assert.match(finding.what, TOO_DEEP);
    assert.match(finding.fix, new RegExp(`-item:${deepId}`));
    assert.equal(findings.length, 1, 'only that case is a problem');
  });
});

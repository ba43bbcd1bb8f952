// The store keeps its promises: idempotent capture, offset reads of grown files,
// identity across runs (occurrences, regressions, fixes), durable journals, and an
// index that is rebuilt from the journals when it is missing, damaged or behind.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { findItem, getRun, listItems, occurrencesOf, storeStatus } from '../../src/core/store/storeQueries';
import { validateWorkspaceName } from '../../src/core/store/workspacePaths';
import { SCHEMA_VERSION } from '../../src/core/store/indexSchema';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, tempDir } from './testSupport';

function pf(q: string, success: boolean, output = success ? 'right' : 'wrong'): string {
  return JSON.stringify({ success, vars: { q }, prompt: { raw: `Q: ${q}`, label: 'Q: {{q}}' }, provider: { id: 'model-x' }, response: { output }, testCase: { vars: { q } } });
}

function writeRun(dir: string, name: string, outcomes: Record<string, boolean>): string {
  const path = join(dir, name);
  // a first line unique to the run, as promptfoo's result ids make it
  writeFileSync(path, [JSON.stringify({ success: true, vars: { q: `marker ${name}` }, provider: { id: 'model-x' }, response: { output: '' }, testCase: {} }), ...Object.entries(outcomes).map(([q, ok]) => pf(q, ok))].join('\n') + '\n');
  return path;
}

async function withStore<T>(root: string, body: (store: WorkspaceStore) => Promise<T> | T): Promise<T> {
  const store = await WorkspaceStore.open(root, 'default');
  try {
    return await body(store);
  } finally {
    store.close();
  }
}

describe('capture idempotence and offsets', () => {
  it('capturing the same file twice adds nothing', async () => {
    const root = tempDir();
    const first = await withStore(root, (s) => capturePaths(s, [FIXTURES]));
    const second = await withStore(root, (s) => capturePaths(s, [FIXTURES]));
    assert.equal(
      first.reduce((a, r) => a + r.newItems, 0),
      24,
    );
    assert.ok(
      second.every((r) => r.status === 'unchanged' || r.status === 'skipped'),
      'every file is unchanged or skipped',
    );
    const journal = readdirSync(join(root, '.evalloop/default/journal')).filter((f) => f.endsWith('.jsonl'));
    const lines = journal
      .map(
        (f) =>
          readFileSync(join(root, '.evalloop/default/journal', f), 'utf8')
            .trim()
            .split('\n').length,
      )
      .reduce((a, b) => a + b, 0);
    const third = await withStore(root, async (s) => {
      // a touched but identical file is read again and still adds nothing
      const path = join(FIXTURES, 'promptfoo/sample-export.json');
      const copy = join(root, 'copy.json');
      writeFileSync(copy, readFileSync(path));
      const a = await captureFile(s, copy);
      utimesSync(copy, new Date(), new Date(Date.now() + 5000));
      const b = await captureFile(s, copy);
      return [a, b, storeStatus(s.database)] as const;
    });
    assert.equal(third[0].newItems, 0, 'the same run at another path is the same run');
    assert.equal(third[0].duplicates, 4);
    assert.equal(third[1].status, 'captured');
    assert.equal(third[1].cases, 0);
    assert.equal(third[2].items, 24);
    assert.ok(lines > 0);
  });

  it('a grown JSONL file is read from its last offset', async () => {
    const root = tempDir();
    const path = writeRun(root, 'grow.jsonl', { a: false, b: true, c: false });
    const sizeBefore = statSync(path).size;
    const first = await withStore(root, (s) => captureFile(s, path));
    assert.equal(first.cases, 4);
    appendFileSync(path, [pf('d', false), pf('e', false)].join('\n') + '\n');
    const second = await withStore(root, (s) => captureFile(s, path));
    assert.equal(second.resumedFrom, sizeBefore);
    assert.equal(second.cases, 2, 'only the appended lines are read');
    assert.equal(second.newItems, 2);
    assert.equal(second.runId, first.runId, 'appended lines belong to the same run');
    const occ = await withStore(root, (s) => occurrencesOf(s.database, listItems(s.database).find((i) => i.title === 'Q: a')!.caseKey));
    assert.equal(occ[0]?.record, 'line 2');
  });

  it('a last line still being written is picked up once complete', async () => {
    const root = tempDir();
    const path = writeRun(root, 'partial.jsonl', { a: false });
    const line = pf('b', false);
    appendFileSync(path, line.slice(0, 20));
    const first = await withStore(root, (s) => captureFile(s, path));
    assert.equal(first.cases, 2);
    assert.equal(first.errors[0]?.warning, true);
    appendFileSync(path, `${line.slice(20)}\n`);
    const second = await withStore(root, (s) => captureFile(s, path));
    assert.equal(second.cases, 1);
    assert.equal(second.newItems, 1);
    assert.equal(second.errors.length, 0);
  });
});

describe('identity across runs', () => {
  it('the same case failing again is one item with one more occurrence', async () => {
    const root = tempDir();
    const run1 = writeRun(root, 'run1.jsonl', { a: false, b: false });
    const run2 = writeRun(root, 'run2.jsonl', { a: false, c: false });
    const [r1, r2] = await withStore(root, async (s) => [await captureFile(s, run1), await captureFile(s, run2)]);
    assert.equal(r1.newItems, 2);
    assert.equal(r2.newItems, 1);
    assert.equal(r2.knownItems, 1);
    await withStore(root, (s) => {
      const items = listItems(s.database);
      assert.equal(items.length, 3);
      const a = items.find((i) => i.title === 'Q: a')!;
      assert.equal(a.occurrences, 2);
      assert.deepEqual(
        occurrencesOf(s.database, a.caseKey).map((o) => o.runId),
        [r1.runId, r2.runId],
      );
    });
  });

  it('a case that passed in the previous run and fails now is a regression; a later pass marks it fixed', async () => {
    const root = tempDir();
    const run1 = writeRun(root, 'r1.jsonl', { x: true, y: false });
    const run2 = writeRun(root, 'r2.jsonl', { x: false, y: false });
    const run3 = writeRun(root, 'r3.jsonl', { x: true, y: false });
    const reports = await withStore(root, async (s) => [await captureFile(s, run1), await captureFile(s, run2), await captureFile(s, run3)]);
    assert.equal(reports[0]!.regressions, 0);
    assert.equal(reports[1]!.regressions, 1, 'x passed in run 1 and failed in run 2');
    assert.equal(reports[2]!.fixed, 1);
    await withStore(root, (s) => {
      const x = listItems(s.database).find((i) => i.title === 'Q: x')!;
      assert.equal(x.regressionRun, reports[1]!.runId);
      assert.equal(x.fixedRun, reports[2]!.runId);
      const y = listItems(s.database).find((i) => i.title === 'Q: y')!;
      assert.equal(y.regressionRun, null, 'y never passed');
      assert.equal(y.fixedRun, null);
      assert.equal(y.occurrences, 3);
      assert.equal(getRun(s.database, reports[1]!.runId!)?.regressions, 1);
    });
  });

  it('each run records its source file, format, time and the git commit given', async () => {
    const root = tempDir();
    const path = writeRun(root, 'meta.jsonl', { a: false });
    const report = await withStore(root, (s) => captureFile(s, path, { gitCommit: 'abc123', tags: ['nightly'] }));
    await withStore(root, (s) => {
      const run = getRun(s.database, report.runId!)!;
      assert.equal(run.sourcePath, 'meta.jsonl', 'stored relative to the workspace root');
      assert.equal(run.format, 'promptfoo');
      assert.equal(run.gitCommit, 'abc123');
      assert.deepEqual(run.tags, ['nightly']);
      assert.ok(run.capturedAt && !Number.isNaN(Date.parse(run.capturedAt)));
    });
  });
});

describe('durability and rebuilds', () => {
  it('events are on disk when capture returns, and blobs exist before the events naming them', async () => {
    const root = tempDir();
    const path = writeRun(root, 'durable.jsonl', { a: false, b: false });
    await withStore(root, async (s) => {
      await captureFile(s, path);
      const journalDir = join(root, '.evalloop/default/journal');
      const file = readdirSync(journalDir).find((f) => f.endsWith('.jsonl'))!;
      const events = readFileSync(join(journalDir, file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const cases = events.filter((e) => e.type === 'cases');
      assert.equal(cases.length, 1);
      assert.ok(s.blobs.has(cases[0].blob), 'the blob named by the event exists');
      assert.deepEqual(
        events.map((e) => e.seq),
        events.map((_, i) => i),
      );
    });
  });

  it('a missing index is rebuilt from the journals with the same contents', async () => {
    const root = tempDir();
    await withStore(root, (s) => capturePaths(s, [FIXTURES]));
    const before = await withStore(root, (s) => storeStatus(s.database));
    const indexFile = join(root, '.evalloop/default/index.sqlite');
    writeFileSync(indexFile, 'this is not a database');
    const damaged = await withStore(root, (s) => [storeStatus(s.database), [...s.notices]] as const);
    assert.deepEqual(damaged[0], before);
    assert.match(damaged[1].join('\n'), /could not be read.*rebuilt/);
    const { rmSync } = await import('node:fs');
    rmSync(indexFile);
    assert.deepEqual(await withStore(root, (s) => storeStatus(s.database)), before);
    assert.ok(existsSync(indexFile), 'the rebuilt index is saved');
  });

  it('an index from a newer schema is not trusted: it is rebuilt from the journals', async () => {
    const root = tempDir();
    await withStore(root, (s) => captureFile(s, writeRun(root, 'm1.jsonl', { a: false })));
    await withStore(root, (s) => {
      s.database.run("UPDATE meta SET value = '999' WHERE key = 'schema_version'");
      (s as unknown as { dirty: boolean }).dirty = true;
    });
    const [items, notices] = await withStore(root, (s) => [storeStatus(s.database).items, [...s.notices]] as const);
    assert.equal(items, 1);
    assert.match(notices.join('\n'), /written by a newer Eval Loop; rebuilt/);
    const version = await withStore(root, (s) => s.database.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0]!.values[0]![0]);
    assert.equal(version, String(SCHEMA_VERSION));
  });

  it('an index behind the journals replays only what is new', async () => {
    const root = tempDir();
    const run1 = writeRun(root, 'b1.jsonl', { a: false });
    const run2 = writeRun(root, 'b2.jsonl', { b: false });
    await withStore(root, (s) => captureFile(s, run1));
    const indexFile = join(root, '.evalloop/default/index.sqlite');
    const oldIndex = readFileSync(indexFile);
    await withStore(root, (s) => captureFile(s, run2));
    writeFileSync(indexFile, oldIndex); // as if another process wrote run 2 and this index never saw it
    await withStore(root, (s) => {
      assert.equal(s.notices.length, 0, 'no rebuild needed');
      assert.equal(storeStatus(s.database).items, 2);
    });
  });

  it('a torn last journal line is ignored on read and cut off before the next append', async () => {
    const root = tempDir();
    const run1 = writeRun(root, 't1.jsonl', { a: false });
    await withStore(root, (s) => captureFile(s, run1));
    const journalDir = join(root, '.evalloop/default/journal');
    const file = join(
      journalDir,
      readdirSync(journalDir).find((f) => f.endsWith('.jsonl'))!,
    );
    appendFileSync(file, '{"v":1,"seq":99,"type":"cases","runId":"torn","cas'); // a crash mid-write
    const indexFile = join(root, '.evalloop/default/index.sqlite');
    (await import('node:fs')).rmSync(indexFile);
    await withStore(root, (s) => {
      assert.equal(storeStatus(s.database).items, 1);
      assert.equal(s.notices.length, 0, 'a torn tail is not a problem to report');
    });
    const run2 = writeRun(root, 't2.jsonl', { b: false });
    await withStore(root, (s) => captureFile(s, run2));
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (const line of lines) JSON.parse(line); // every line is whole again
    assert.ok(!readFileSync(file, 'utf8').includes('"torn"'));
    (await import('node:fs')).rmSync(indexFile);
    assert.equal(await withStore(root, (s) => storeStatus(s.database).items), 2);
  });

  it('a hand-damaged journal line is reported by file and line and skipped', async () => {
    const root = tempDir();
    await withStore(root, (s) => captureFile(s, writeRun(root, 'h1.jsonl', { a: false, b: false })));
    const journalDir = join(root, '.evalloop/default/journal');
    const name = readdirSync(journalDir).find((f) => f.endsWith('.jsonl'))!;
    const file = join(journalDir, name);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(1, 0, '{"edited by hand": true}');
    writeFileSync(file, lines.join('\n'));
    const notices = await withStore(root, (s) => [...s.notices]);
    assert.ok(
      notices.some((n) => n.includes(`${name} line 2: not a known event`)),
      notices.join('\n'),
    );
  });

  it('the index is replaced atomically: no temporary files are left behind', async () => {
    const root = tempDir();
    await withStore(root, (s) => capturePaths(s, [FIXTURES]));
    const leftovers = readdirSync(join(root, '.evalloop/default')).filter((f) => f.endsWith('.tmp'));
    assert.deepEqual(leftovers, []);
  });

  it('show finds an item by id prefix or case key', async () => {
    const root = tempDir();
    await withStore(root, (s) => capturePaths(s, [FIXTURES]));
    await withStore(root, (s) => {
      const item = listItems(s.database)[0]!;
      assert.equal((findItem(s.database, item.id.slice(0, 6)) as { id: string }).id, item.id);
      assert.equal((findItem(s.database, item.caseKey) as { id: string }).id, item.id);
      assert.equal(findItem(s.database, 'zzzz'), undefined);
    });
  });
});

describe('workspace names', () => {
  it('refuses names that could escape .evalloop/', () => {
    for (const bad of ['../x', 'a/b', '.hidden', '', 'a'.repeat(65), 'x..y']) assert.throws(() => validateWorkspaceName(bad), /not allowed/, bad);
    assert.equal(validateWorkspaceName('team-a.v2_eu'), 'team-a.v2_eu');
  });
});

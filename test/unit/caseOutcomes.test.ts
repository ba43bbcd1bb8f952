// Every case's last outcome lives in a compact table outside SQLite. Regression and fix
// detection read it, so it must survive a save and an open, be what a rebuild from the
// journals makes, come whole out of an index saved before it existed, and be put back
// when an apply fails.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { CaseOutcomes } from '../../src/core/store/caseOutcomes';
import { listRuns, valuesOf } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { editSavedIndex, tempDir } from './testSupport';

type Kind = 'pass' | 'fail';

function junit(run: number, cases: Record<string, Kind>): string {
  const body = Object.entries(cases)
    .map(([name, o]) => `<testcase classname="t" name="${name}">${o === 'fail' ? '<failure message="no">AssertionError</failure>' : ''}</testcase>`)
    .join('');
  return `<?xml version="1.0"?><testsuite name="suite" timestamp="2026-01-${String(run).padStart(2, '0')}T10:00:00">${body}</testsuite>`;
}

async function captureRun(store: WorkspaceStore, root: string, run: number, cases: Record<string, Kind>): Promise<void> {
  const path = join(root, `junit-${run}.xml`);
  writeFileSync(path, junit(run, cases));
  await capturePaths(store, [path]);
}

/** A run's counts as the index keeps them: cases, regressions, fixed. */
const lastRun = (store: WorkspaceStore) => {
  const r = listRuns(store.database).at(-1)!;
  return { cases: r.cases, regressions: r.regressions, fixed: r.fixed };
};

const many = (n: number, kind: (i: number) => Kind) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`case_${i}`, kind(i)]));

describe('last outcomes outside SQLite', () => {
  it('a case that passed before an open and fails after it is a regression; one that failed and then passes is fixed', async () => {
    const root = tempDir();
    let store = await WorkspaceStore.open(root, 'default');
    await captureRun(
      store,
      root,
      1,
      many(300, (i) => (i < 10 ? 'fail' : 'pass')),
    );
    store.close();
    store = await WorkspaceStore.open(root, 'default');
    try {
      // 20 that passed now fail, 5 that failed now pass
      await captureRun(
        store,
        root,
        2,
        many(300, (i) => (i >= 5 && i < 30 ? 'fail' : 'pass')),
      );
      assert.deepEqual(lastRun(store), { cases: 300, regressions: 20, fixed: 5 });
      // no case keeps a row of its own in SQLite; an item keeps its last passing run on its row
      assert.equal(Number(valuesOf(store.database, 'SELECT COUNT(*) FROM case_last')[0]![0]), 0);
      const passRuns = valuesOf(store.database, 'SELECT COUNT(*), COUNT(pass_rn), SUM(pass_rn = 2) FROM items')[0]!.map(Number);
      assert.deepEqual(passRuns, [30, 25, 5], 'the 20 regressions passed last in run 1, the five fixed items in run 2');
    } finally {
      store.close();
    }
  });

  it('a rebuild from the journals makes the same table the captures made, and the same counts', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await captureRun(
        store,
        root,
        1,
        many(2000, (i) => (i % 7 === 0 ? 'fail' : 'pass')),
      );
      await captureRun(
        store,
        root,
        2,
        many(2500, (i) => (i % 5 === 0 ? 'fail' : 'pass')),
      );
      const before = entriesOf(store);
      const runsBefore = listRuns(store.database);
      assert.equal(before.length, 2500);
      store.rebuild('test');
      assert.deepEqual(entriesOf(store), before);
      assert.deepEqual(listRuns(store.database), runsBefore);
    } finally {
      store.close();
    }
  });

  it('an index saved before the table existed (every case in case_last) keeps detecting regressions after the upgrade', async () => {
    const root = tempDir();
    let store = await WorkspaceStore.open(root, 'default');
    await captureRun(
      store,
      root,
      1,
      many(100, (i) => (i < 3 ? 'fail' : 'pass')),
    );
    await captureRun(
      store,
      root,
      2,
      many(100, (i) => (i === 0 ? 'pass' : i < 3 ? 'fail' : 'pass')),
    );
    // as the old schema left it: a case_last row for every case, no saved table, schema 8
    const outcomes = entriesOf(store);
    const db = store.database;
    for (const e of outcomes) db.run('INSERT OR REPLACE INTO case_last (cid, rn, outcome, pass_rn) VALUES (?, ?, ?, ?)', [e.cid, e.rn, e.outcome, e.passRn || null]);
    db.run('DROP TABLE case_outcomes');
    db.run('UPDATE items SET pass_rn = NULL');
    db.run("UPDATE meta SET value = '8' WHERE key = 'schema_version'");
    store.noteDerivedChange();
    (store as unknown as { outcomes: { unsaved: boolean; saveTo: () => void } }).outcomes.saveTo = () => {};
    store.close();
    store = await WorkspaceStore.open(root, 'default');
    try {
      assert.deepEqual(entriesOf(store), outcomes, 'read from case_last');
      assert.equal(Number(valuesOf(store.database, 'SELECT COUNT(*) FROM case_last')[0]![0]), 0, 'case_last emptied');
      assert.deepEqual(
        valuesOf(store.database, 'SELECT pass_rn FROM items ORDER BY case_key').map((r) => r[0]),
        [2, null, null],
        'each item has its last passing run, from case_last',
      );
      await captureRun(
        store,
        root,
        3,
        many(100, (i) => (i < 10 ? 'fail' : 'pass')),
      );
      // cases 0 and 3..9 passed last time
      assert.deepEqual(lastRun(store), { cases: 100, regressions: 8, fixed: 0 });
    } finally {
      store.close();
    }
  });

  it('an index whose saved table is damaged is rebuilt from the journals on open, and still finds the regressions', async () => {
    const root = tempDir();
    let store = await WorkspaceStore.open(root, 'default');
    await captureRun(
      store,
      root,
      1,
      many(40, (i) => (i < 4 ? 'fail' : 'pass')),
    );
    const indexFile = store.paths.indexFile;
    store.close();
    await editSavedIndex(indexFile, (db) => db.run('UPDATE case_outcomes SET data = ?', [new Uint8Array(18).fill(99)]));
    store = await WorkspaceStore.open(root, 'default');
    try {
      assert.ok(
        store.notices.some((n) => /could not be read \(the index's case outcomes are damaged.*rebuilt/.test(n)),
        store.notices.join('\n'),
      );
      await captureRun(
        store,
        root,
        2,
        many(40, (i) => (i < 10 ? 'fail' : 'pass')),
      );
      assert.deepEqual(lastRun(store), { cases: 40, regressions: 6, fixed: 0 });
    } finally {
      store.close();
    }
  });

  it('an apply that fails leaves the table as it was', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await captureRun(
        store,
        root,
        1,
        many(50, () => 'pass'),
      );
      const before = entriesOf(store);
      const db = store.database;
      // the next capture's failures cannot be written: its apply throws after the passes were taken in
      db.run("CREATE TRIGGER refuse BEFORE INSERT ON occurrences BEGIN SELECT RAISE(ABORT, 'refused'); END");
      const path = join(root, 'junit-2.xml');
      writeFileSync(
        path,
        junit(
          2,
          many(60, (i) => (i % 2 ? 'fail' : 'pass')),
        ),
      );
      const report = await captureFile(store, path);
      assert.match(report.reason ?? '', /refused/);
      assert.deepEqual(entriesOf(store), before);
    } finally {
      store.close();
    }
  });

  it('keeps every entry through growth and through a rollback that removes what it added', () => {
    const table = new CaseOutcomes(4);
    const cid = (i: number) => Math.floor((i * 2654435761) % 2 ** 52) + i;
    for (let i = 0; i < 5000; i++) table.set(cid(i), { rn: 1, outcome: 'pass', passRn: 1, item: false });
    table.begin();
    for (let i = 2500; i < 9000; i++) table.set(cid(i), { rn: 2, outcome: 'fail', passRn: i < 5000 ? 1 : 0, item: true });
    table.rollback();
    assert.equal(table.size, 5000);
    for (let i = 0; i < 9000; i++) assert.deepEqual(table.get(cid(i)), i < 5000 ? { rn: 1, outcome: 'pass', passRn: 1, item: false } : undefined, `entry ${i}`);
  });
});

function entriesOf(store: WorkspaceStore): { cid: number; rn: number; outcome: string; passRn: number; item: boolean }[] {
  const table = (store as unknown as { outcomes: CaseOutcomes }).outcomes;
  return table.entries().sort((a, b) => a.cid - b.cid);
}

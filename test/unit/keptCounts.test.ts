// The counts schema 2 keeps with triggers (whole queue, per state, open regressions,
// fixed) always equal a full scan: through captures, regressions, fixes, reviews,
// undo, tags, and a rebuild of the index from the journals.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { submitReviews, tagItems, undoEvents } from '../../src/core/review/reviewActions';
import { countItems, keptCounts, listItems, storeStatus, valuesOf } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { queueRoots } from '../../src/core/views/treeModels';
import { tempDir } from './testSupport';
import type { Database } from 'sql.js';

function scanned(db: Database): Map<string, number> {
  const counts = new Map<string, number>();
  counts.set('all', Number(valuesOf(db, 'SELECT COUNT(*) FROM items')[0]![0]));
  counts.set('regression', Number(valuesOf(db, 'SELECT COUNT(*) FROM items WHERE regression_rn IS NOT NULL AND fixed_rn IS NULL')[0]![0]));
  counts.set('fixed', Number(valuesOf(db, 'SELECT COUNT(*) FROM items WHERE fixed_rn IS NOT NULL')[0]![0]));
  for (const [state, n] of valuesOf(db, 'SELECT state, COUNT(*) FROM items GROUP BY state')) counts.set(`state:${String(state)}`, Number(n));
  return counts;
}

function assertKept(db: Database, step: string): void {
  const kept = new Map([...keptCounts(db)].filter(([, n]) => n !== 0));
  const scan = new Map([...scanned(db)].filter(([, n]) => n !== 0));
  assert.deepEqual(Object.fromEntries([...kept].sort()), Object.fromEntries([...scan].sort()), `counts after ${step}`);
}

const line = (q: string, ok: boolean) => JSON.stringify({ success: ok, vars: { q }, prompt: { raw: q, label: 'Q' }, provider: { id: 'm' }, response: { output: ok ? 'right' : 'wrong' }, testCase: { vars: { q } } });

describe('counts kept by triggers', () => {
  it('equal a full scan after every kind of change, and after a rebuild', async () => {
    const root = tempDir();
    let store = await WorkspaceStore.open(root, 'default');
    const run = async (name: string, cases: [string, boolean][]) => {
      writeFileSync(join(root, name), `${cases.map(([q, ok]) => line(q, ok)).join('\n')}\n`);
      await captureFile(store, join(root, name));
    };
    try {
      await run('run1.jsonl', [
        ['a', true],
        ['b', false],
        ['c', false],
        ['d', false],
      ]);
      assertKept(store.database, 'the first capture');
      await run('run2.jsonl', [
        ['a', false],
        ['b', false],
        ['c', true],
        ['d', false],
        ['e', false],
      ]);
      assertKept(store.database, 'a regression and a fix');
      assert.equal(storeStatus(store.database).regressions, 1);
      assert.equal(storeStatus(store.database).fixed, 1);
      const keys = listItems(store.database).map((i) => i.caseKey);
      const reviewed = submitReviews(store, keys.slice(0, 3), { verdict: 'model-wrong', correction: 'right' }, 'ana');
      assertKept(store.database, 'reviews');
      assert.equal(countItems(store.database, { state: 'reviewed' }), 3);
      submitReviews(store, keys.slice(0, 1), { verdict: 'discard' }, 'ana');
      assertKept(store.database, 'a second review of one item');
      undoEvents(store, reviewed);
      assertKept(store.database, 'undo');
      tagItems(store, keys.slice(1, 2), ['math'], []);
      assertKept(store.database, 'tags');
      await run('run3.jsonl', [
        ['a', true],
        ['b', false],
        ['f', false],
      ]);
      assertKept(store.database, 'a later fix of the regression');
      assert.equal(countItems(store.database), scanned(store.database).get('all'));
      assert.deepEqual(
        queueRoots(store.database).map((r) => r.kind === 'state' && [r.state, r.count, r.regressions]),
        valuesOf(store.database, "SELECT state, COUNT(*), SUM(regression_rn IS NOT NULL AND fixed_rn IS NULL) FROM items GROUP BY state ORDER BY CASE state WHEN 'new' THEN 0 WHEN 'auto-graded' THEN 1 ELSE 2 END").map((r) => [r[0], r[1], r[2]]),
      );
      store.close();
      // the index lost: rebuilt from the journals, with the same counts
      rmSync(store.paths.indexFile);
      store = await WorkspaceStore.open(root, 'default');
      assertKept(store.database, 'a rebuild');
      assert.equal(countItems(store.database), 6);
    } finally {
      store.close();
    }
  });
});

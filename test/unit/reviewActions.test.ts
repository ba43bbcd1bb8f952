// Verdicts, tags and undo are journal events: durable, replayable, and the item
// always shows the latest review that was not taken back.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { autoGrade } from '../../src/core/grading/autoGrade';
import { submitReviews, tagItems, undoEvents } from '../../src/core/review/reviewActions';
import { countItems, findItem, listItems, type ItemRow } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, tempDir } from './testSupport';

async function capturedRoot(): Promise<string> {
  const root = tempDir();
  const store = await WorkspaceStore.open(root, 'default');
  await capturePaths(store, [FIXTURES]);
  store.close();
  return root;
}

async function withStore<T>(root: string, body: (s: WorkspaceStore) => T | Promise<T>): Promise<T> {
  const store = await WorkspaceStore.open(root, 'default');
  try {
    return await body(store);
  } finally {
    store.close();
  }
}

const item = (s: WorkspaceStore, key: string) => findItem(s.database, key) as ItemRow;
const KEY = 'inspect/popularity/id:1';

describe('reviews', () => {
  it('a verdict with correction, tags, rubric and comment is journaled and shown on the item', async () => {
    const root = await capturedRoot();
    await withStore(root, (s) => {
      submitReviews(s, [KEY], { verdict: 'model-wrong', correction: 'Yes', tags: ['persona', ' persona '], rubric: 2, comment: 'too literal' }, 'ana');
      const i = item(s, KEY);
      assert.equal(i.state, 'reviewed');
      assert.equal(i.verdict, 'model-wrong');
      assert.equal(i.correction, 'Yes');
      assert.deepEqual(i.tags, ['persona']);
      assert.equal(i.rubric, 2);
      assert.equal(i.reviewer, 'ana');
    });
    const journalDir = join(root, '.evalloop/default/journal');
    const text = readdirSync(journalDir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(join(journalDir, f), 'utf8'))
      .join('');
    assert.match(text, /"type":"review".*"verdict":"model-wrong"/);
  });

  it('the latest review counts, every review is kept, and undo brings back the one before', async () => {
    const root = await capturedRoot();
    await withStore(root, (s) => {
      submitReviews(s, [KEY], { verdict: 'model-wrong', correction: 'Yes' }, 'ana');
      const [second] = submitReviews(s, [KEY], { verdict: 'ambiguous' }, 'ben');
      assert.equal(item(s, KEY).verdict, 'ambiguous');
      assert.equal(s.database.exec('SELECT COUNT(*) FROM reviews')[0]!.values[0]![0], 2);
      undoEvents(s, [second!]);
      assert.equal(item(s, KEY).verdict, 'model-wrong');
      assert.equal(item(s, KEY).reviewer, 'ana');
    });
    // the same after a rebuild from the journals
    rmSync(join(root, '.evalloop/default/index.sqlite'));
    await withStore(root, (s) => {
      assert.equal(item(s, KEY).verdict, 'model-wrong');
      assert.equal(item(s, KEY).state, 'reviewed');
    });
  });

  it('undoing the only review returns the item to new', async () => {
    const root = await capturedRoot();
    await withStore(root, (s) => {
      const [id] = submitReviews(s, [KEY], { verdict: 'discard' }, 'ana');
      undoEvents(s, [id!]);
      assert.equal(item(s, KEY).state, 'new');
      assert.equal(item(s, KEY).verdict, null);
    });
  });

  it('bulk verdicts and tags apply to every selected item in one journal write', async () => {
    const root = await capturedRoot();
    await withStore(root, (s) => {
      const keys = listItems(s.database, { suite: 'math_perturbed_full' }).map((i) => i.caseKey);
      assert.equal(keys.length, 10);
      const tagEvent = tagItems(s, keys, ['math', 'perturbed']);
      submitReviews(s, keys.slice(0, 4), { verdict: 'model-wrong' }, 'ana');
      assert.equal(countItems(s.database, { tag: 'math' }), 10);
      assert.equal(countItems(s.database, { verdict: 'model-wrong' }), 4);
      tagItems(s, keys.slice(0, 2), [], ['perturbed']);
      assert.equal(countItems(s.database, { tag: 'perturbed' }), 8);
      undoEvents(s, [tagEvent]);
      assert.equal(countItems(s.database, { tag: 'math' }), 0, 'undo of a tag event takes its tags back');
    });
  });

  it('a human review outranks an automatic one; accepting auto-graded decisions makes them human', async () => {
    const root = await capturedRoot();
    await withStore(root, async (s) => {
      await autoGrade(s, []);
      const auto = listItems(s.database, { state: 'auto-graded' });
      assert.ok(auto.length > 0);
      const first = auto[0]!;
      submitReviews(s, [first.caseKey], { verdict: 'ambiguous' }, 'ana');
      assert.equal(item(s, first.caseKey).state, 'reviewed');
      assert.equal(item(s, first.caseKey).verdict, 'ambiguous');
      // accept the rest as they are
      for (const i of auto.slice(1)) submitReviews(s, [i.caseKey], { verdict: i.verdict as 'model-wrong', ...(i.correction ? { correction: i.correction } : {}) }, 'ana');
      assert.equal(countItems(s.database, { state: 'auto-graded' }), 0);
    });
  });

  it('text search finds items by words of the title or case key', async () => {
    const root = await capturedRoot();
    await withStore(root, (s) => {
      assert.equal(countItems(s.database, { text: 'mold spores' }), 1);
      assert.equal(countItems(s.database, { text: 'arc_easy' }), 2);
      assert.equal(countItems(s.database, { text: '100%_' }), 0, 'LIKE wildcards in the query are literal');
    });
  });

  it('rejects a rubric outside 1–5', async () => {
    const root = await capturedRoot();
    await withStore(root, (s) => {
      assert.throws(() => submitReviews(s, [KEY], { verdict: 'ambiguous', rubric: 6 }, 'ana'), /rubric must be a whole number from 1 to 5/);
    });
  });
});

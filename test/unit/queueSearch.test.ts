// The panel's search (`/`) finds items by what a reviewer remembers of them: words of the
// output or the expected answer (full text, once the background pass has read the case),
// a prefix of a word, the comment or correction of a review; punctuation in what is typed
// never reaches the query syntax; and an index made before search existed catches up.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { refreshClusters } from '../../src/core/clusters/clusterQueries';
import { matchExpression } from '../../src/core/search/matchExpression';
import { submitReviews } from '../../src/core/review/reviewActions';
import { migrate } from '../../src/core/store/indexSchema';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { tempDir } from './testSupport';

const ROWS = [
  { id: 'geo-1', prompt: 'Capital of Australia?', completion: 'Sydney, of course', answer: 'Canberra', correct: false },
  { id: 'sum-1', prompt: 'What is 30 + 7?', completion: 'thirty-three', answer: '37', correct: false },
  { id: 'bio-1', prompt: 'Largest mammal?', completion: 'the African elephant', answer: 'blue whale', correct: false },
];

async function capturedStore(): Promise<WorkspaceStore> {
  const root = tempDir();
  const file = join(root, 'answers.jsonl');
  writeFileSync(file, `${ROWS.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const store = await WorkspaceStore.open(root, 'default');
  await captureFile(store, file, { format: 'jsonl', read: { mapping: { input: 'prompt', output: 'completion', expected: 'answer', pass: 'correct' } } });
  return store;
}

const titlesFound = (store: WorkspaceStore, text: string) =>
  listItems(store.database, { text })
    .map((i) => i.title)
    .sort();

describe('searching the queue', () => {
  it('finds items by words of their output and expected answer once their cases are read, and by a prefix', async () => {
    const store = await capturedStore();
    try {
      assert.deepEqual(titlesFound(store, 'elephant'), [], 'the output is not searchable before the case is read');
      assert.deepEqual(titlesFound(store, 'Australia'), ['Capital of Australia?'], 'the title is, from the start');
      refreshClusters(store);
      assert.deepEqual(titlesFound(store, 'elephant'), ['Largest mammal?'], 'a word of the output');
      assert.deepEqual(titlesFound(store, 'canberra'), ['Capital of Australia?'], 'a word of the expected answer, in any case');
      assert.deepEqual(titlesFound(store, 'Canb'), ['Capital of Australia?'], 'a prefix');
      assert.deepEqual(titlesFound(store, 'blue whale'), ['Largest mammal?'], 'every word must be found');
      assert.deepEqual(titlesFound(store, 'blue Canberra'), [], 'in one item');
      assert.deepEqual(titlesFound(store, 'thirty-three'), ['What is 30 + 7?'], 'a hyphenated word');
    } finally {
      store.close();
    }
  });

  it("finds a review's comment and correction", async () => {
    const store = await capturedStore();
    try {
      const sum = listItems(store.database, {}).find((i) => i.title.startsWith('What is'))!;
      submitReviews(store, [sum.caseKey], { verdict: 'model-wrong', correction: 'thirty-seven exactly', comment: 'arithmetic slip' }, 'ana');
      assert.deepEqual(titlesFound(store, 'slip'), ['What is 30 + 7?']);
      assert.deepEqual(titlesFound(store, 'exactly'), ['What is 30 + 7?']);
    } finally {
      store.close();
    }
  });

  it('what is typed never reaches the query syntax: quotes, stars, operators and symbols are searched as text or ignored', async () => {
    const store = await capturedStore();
    try {
      refreshClusters(store);
      for (const typed of ['"', '*', 'NEAR', 'elephant OR', '-', '(', 'AND', "Sydney'", 'x"y*z', '%', '_']) {
        assert.doesNotThrow(() => listItems(store.database, { text: typed }), typed);
      }
      assert.deepEqual(titlesFound(store, '"Sydney,'), ['Capital of Australia?']);
      assert.equal(matchExpression('30+7'), '30* 7*');
      assert.equal(matchExpression('"*'), undefined);
    } finally {
      store.close();
    }
  });

  it('an index made before search existed (schema 7) catches up: the items it had signed are searchable after the next pass', async () => {
    const store = await capturedStore();
    try {
      refreshClusters(store);
      const db = store.database;
      // as the index was before the search table: no table, schema 7
      db.run('DROP TABLE item_text');
      db.run('DROP TABLE text_pending');
      db.run("UPDATE meta SET value = '7' WHERE key = 'schema_version'");
      assert.equal(migrate(db), true);
      assert.deepEqual(titlesFound(store, 'elephant'), [], 'not yet read');
      refreshClusters(store);
      assert.deepEqual(titlesFound(store, 'elephant'), ['Largest mammal?']);
    } finally {
      store.close();
    }
  });
});

// The automatic grade's reason shown with an item: the latest grade's own reason, and
// none at all (not the text "null") for a grade stored without one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestGradeReason } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { tempDir } from './testSupport';

describe("an automatic grade's reason", () => {
  it('is the latest grade’s reason, and null when that grade gave none', async () => {
    const store = await WorkspaceStore.open(tempDir(), 'default');
    try {
      const caseKey = 'jsonl/answers/h:0123456789abcdef';
      assert.equal(latestGradeReason(store.database, caseKey), null, 'never graded');
      store.append([{ type: 'review', caseKey, verdict: 'eval-wrong', reviewer: 'auto', grader: 'exact-match', reason: 'the output equals the expected answer' }]);
      assert.equal(latestGradeReason(store.database, caseKey), 'the output equals the expected answer');
      store.append([{ type: 'review', caseKey, verdict: 'model-wrong', reviewer: 'auto', grader: 'exact-match' }]);
      assert.equal(latestGradeReason(store.database, caseKey), null, 'the latest grade gave no reason');
    } finally {
      store.close();
    }
  });
});

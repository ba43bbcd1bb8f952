// A case's history across its suite's runs, as the detail pane's timeline draws it:
// every failure, the passes the index keeps (the last pass, the fix, the pass before a
// regression), and "no failure recorded" for the rest, never an invented pass.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { caseHistory } from '../../src/core/review/caseHistory';
import { itemDetail } from '../../src/core/review/reviewQueries';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { itemDetailSchema } from '../../src/protocol/reviewProtocol';
import { tempDir } from './testSupport';

function junit(run: number, cases: Record<string, 'pass' | 'fail' | 'error'>): string {
  const body = Object.entries(cases)
    .map(([name, o]) => `<testcase classname="tests.test_app" name="${name}">${o === 'fail' ? '<failure message="no">AssertionError</failure>' : o === 'error' ? '<error message="boom">RuntimeError</error>' : ''}</testcase>`)
    .join('');
  return `<?xml version="1.0"?><testsuite name="pytest" timestamp="2026-01-0${run}T10:00:00">${body}</testsuite>`;
}

describe('case history', () => {
  it('a flaky case shows each run of its suite: failures, known passes, and runs with no failure recorded', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const runs: Record<string, 'pass' | 'fail' | 'error'>[] = [
        { test_flaky: 'fail', test_other: 'fail' },
        { test_flaky: 'pass', test_other: 'fail' },
        { test_flaky: 'pass', test_other: 'fail' },
        { test_flaky: 'fail', test_other: 'fail' },
        { test_flaky: 'error', test_other: 'fail' },
        { test_other: 'fail' },
        { test_flaky: 'pass', test_other: 'fail' },
      ];
      for (const [i, cases] of runs.entries()) {
        const path = join(root, `junit-${i + 1}.xml`);
        writeFileSync(path, junit(i + 1, cases));
        await capturePaths(store, [path]);
      }
      const flaky = listItems(store.database).find((i) => i.caseKey.endsWith('test_flaky'))!;
      const history = caseHistory(store.database, flaky.caseKey, flaky.format, flaky.suite);
      assert.deepEqual(
        history.map((h) => h.outcome + (h.regression ? '!' : '')),
        // run 2's pass is lost to the index (only the last pass and the fix are kept); run 3's is inferred from run 4's regression
        ['fail', 'none', 'pass', 'fail!', 'error', 'none', 'pass'],
      );
      const detail = itemDetail(store, flaky.id)!;
      assert.deepEqual(detail.history, history, 'the item detail carries the history');
      assert.equal(itemDetailSchema.safeParse(JSON.parse(JSON.stringify(detail))).success, true, 'and passes the protocol check');
    } finally {
      store.close();
    }
  });
});

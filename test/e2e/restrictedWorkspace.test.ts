// Restricted Mode (an untrusted folder): result files are neither watched nor captured,
// since that would parse files the repository controls; the views still open, and the
// capture commands say why they do nothing.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/testSupport';
import { runCommand, startCodeServer, waitForNotification, type CodeServer } from './codeServerHarness';

describe('extension in an untrusted folder', { timeout: 180_000 }, () => {
  let vscode: CodeServer;
  const workspace = tempDir('evalloop-e2e-untrusted-');

  before(async () => {
    cpSync(join(FIXTURES, 'lm_eval'), join(workspace, 'lm_eval_out'), { recursive: true });
    cpSync(join(FIXTURES, 'junit/junit.fail.xml'), join(workspace, 'reports/junit.fail.xml'));
    vscode = await startCodeServer(workspace, { trusted: false });
  });
  after(async () => {
    await vscode?.page.screenshot({ path: join(REPO_ROOT, 'test-results/e2e-untrusted.png') }).catch(() => undefined);
    await vscode?.stop();
  });

  it('captures nothing on its own, and Rescan says the folder is not trusted', async () => {
    const page = vscode.page;
    await page.locator('.activitybar [aria-label^="Eval Loop"]').first().click();
    await page.locator('.pane-header', { hasText: 'Queue' }).first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'Eval Loop: Rescan Workspace for Results');
    assert.match(await waitForNotification(page, /Eval Loop captures result files only in a trusted workspace/, 30_000), /trusted workspace/);
    await page.waitForTimeout(3000);
    const journal = join(workspace, '.evalloop/default/journal');
    const runs = existsSync(journal)
      ? readdirSync(journal)
          .filter((f) => f.endsWith('.jsonl'))
          .flatMap((f) =>
            readFileSync(join(journal, f), 'utf8')
              .split('\n')
              .filter((l) => l.includes('"type":"run"')),
          )
      : [];
    assert.deepEqual(runs, [], 'no run was captured');
  });
});

// In a real VS Code (code-server), the extension activates in a workspace with eval
// results, its commands capture them into the workspace's journal, and status reports them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, tempDir } from '../unit/testSupport';
import { runCommand, startCodeServer, waitForToast, type CodeServer } from './codeServerHarness';

describe('extension in code-server', { timeout: 240_000 }, () => {
  let vscode: CodeServer;
  const workspace = tempDir('evalloop-e2e-ws-');

  before(async () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'demo/createDemoWorkspace.mjs'), workspace]);
    vscode = await startCodeServer(workspace);
  });
  after(async () => {
    await vscode?.page.screenshot({ path: join(REPO_ROOT, 'test-results/e2e-activation.png') }).catch(() => undefined);
    await vscode?.stop();
  });

  it('Rescan Workspace captures every failure of the demo results into the journal', async () => {
    await runCommand(vscode.page, 'Eval Loop: Rescan Workspace for Results');
    const toast = await waitForToast(vscode.page, /Eval Loop: scanned \d+ files/);
    assert.match(toast, /17 new failures/);
    const journalDir = join(workspace, '.evalloop/default/journal');
    const journal = readdirSync(journalDir).find((f) => f.endsWith('.jsonl'));
    assert.ok(journal, 'the extension wrote a journal');
    const events = readFileSync(join(journalDir, journal), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    assert.equal(events.filter((e) => e.type === 'run').length, 4);
  });

  it('Show Capture Status reports the captured items', async () => {
    await runCommand(vscode.page, 'Eval Loop: Show Capture Status');
    const toast = await waitForToast(vscode.page, /Eval Loop: \d+ items/);
    assert.match(toast, /17 items \(17 new\)/);
  });
});

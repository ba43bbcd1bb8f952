// A queue shared through a bucket, seen from a real VS Code (code-server): a CI-like
// writer in another folder captures and pushes to an S3-protocol server on 127.0.0.1;
// the window, synced from the palette, shows those failures in its queue and status bar
// without a reload, and a review made in it travels back to the CI side's queue.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/testSupport';
import { awsEnv, BUCKET, startS3Server, type TestServer } from '../unit/remoteSupport';
import { reviewPanelIn, runCommand, startCodeServer, until, waitForNotification, waitingInStatusBar, type CodeServer } from './codeServerHarness';

const CLI = join(REPO_ROOT, 'dist/cli.js');

describe('a shared remote seen from VS Code', { timeout: 300_000 }, () => {
  let server: TestServer;
  let vscode: CodeServer;
  const ci = tempDir('evalloop-e2e-ci-');
  const workspace = tempDir('evalloop-e2e-ws-');
  const env = awsEnv();
  const cli = (root: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args, '--root', root], { encoding: 'utf8', env });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(async () => {
    server = await startS3Server();
    const url = `s3://${BUCKET}/team`;
    for (const root of [ci, workspace]) assert.equal(cli(root, 'remote', 'add', 'origin', url, '--endpoint', server.endpoint).code, 0);
    // the window's extension host talks to the server with the same (test) credentials
    Object.assign(process.env, env);
    vscode = await startCodeServer(workspace);
  });
  after(async () => {
    await vscode?.stop();
    await server?.stop();
  });

  it("CI captures and pushes; after Sync Now the window's queue and status bar show its failures", async () => {
    const captured = cli(ci, 'capture', join(FIXTURES, 'junit/junit.fail.xml'), join(FIXTURES, 'promptfoo/sample-export.json'), '--tag', 'ci', '--json');
    assert.equal(captured.code, 0, captured.stderr);
    const ciItems = (JSON.parse(captured.stdout) as { totals: { newItems: number } }).totals.newItems;
    assert.ok(ciItems > 0);
    assert.equal(cli(ci, 'push').code, 0);
    await runCommand(vscode.page, 'Eval Loop: Sync Now');
    await waitForNotification(vscode.page, new RegExp(`${ciItems} new failures? from remote origin`), 60_000);
    const waiting = await until(
      async () => {
        const n = await waitingInStatusBar(vscode.page);
        return n === ciItems ? n : undefined;
      },
      `the status bar to count ${ciItems} waiting`,
      60_000,
    );
    assert.equal(waiting, ciItems);
  });

  it("a review made in the window reaches CI's queue through the bucket", async () => {
    await runCommand(vscode.page, 'Eval Loop: Open Review Queue');
    const frame = await reviewPanelIn(vscode.page);
    await frame.focus('.queue-list');
    const before = await waitingInStatusBar(vscode.page);
    await vscode.page.keyboard.press('4');
    await vscode.page.keyboard.press('Control+Enter');
    await until(async () => (await waitingInStatusBar(vscode.page)) === before - 1 || undefined, 'the review to be counted');
    await runCommand(vscode.page, 'Eval Loop: Sync Now');
    const reviewed = await until(
      () => {
        if (cli(ci, 'pull').code !== 0) return undefined;
        const list = JSON.parse(cli(ci, 'list', '--state', 'reviewed', '--json').stdout) as { id: string }[];
        return list.length === 1 ? list : undefined;
      },
      "the window's review in CI's queue",
      60_000,
    );
    assert.equal(reviewed.length, 1);
  });
});

// The disk filling up under a real VS Code (code-server). The workspace's `.evalloop/`
// is a 4 MB tmpfs in a private mount namespace that code-server runs in (`unshare
// -Urm`, as in smallDisk.test.ts); the test reaches it through /proc/<pid>/root. With
// the disk full, a review from the panel says "Not saved" with the file and the reason
// and moves nowhere; a result file arriving is not captured and an error says which
// file and why, offering Retry. Once there is room again the same keystroke saves the
// review and Retry captures the file. Every journal line stays whole throughout, and
// Check Workspace (the palette's doctor) names the full disk while it lasts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { FIXTURES, fillDisk, REPO_ROOT, tempDir } from '../unit/testSupport';
import { notificationsAnnounced, reviewPanelIn, runCommand, startCodeServer, until, waitingInStatusBar, waitForNotification, type CodeServer } from './codeServerHarness';

const SHOTS = join(REPO_ROOT, 'test-results/e2e');

interface Event {
  type: string;
  grader?: string;
  path?: string;
}

describe('the disk filling up under VS Code', { timeout: 240_000 }, () => {
  let vscode: CodeServer;
  const workspace = tempDir('evalloop-e2e-full-');
  const store = join(workspace, '.evalloop');
  /** A path inside code-server's mount namespace, where `.evalloop/` is the small tmpfs. */
  const inside = (path: string) => join(`/proc/${vscode.extensionHosts()[0]}/root`, path);

  /** Every journal line of the default queue; throws if any line is not whole JSON. */
  function journal(): Event[] {
    const dir = inside(join(store, 'default/journal'));
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => {
        const text = readFileSync(join(dir, f), 'utf8');
        assert.ok(text === '' || text.endsWith('\n'), `${f} ends with a whole line`);
        return text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Event);
      });
  }
  const humanReviews = () => journal().filter((e) => e.type === 'review' && !e.grader).length;

  before(async () => {
    cpSync(join(FIXTURES, 'lm_eval'), join(workspace, 'lm_eval_out'), { recursive: true });
    mkdirSync(store);
    vscode = await startCodeServer(workspace, {
      launcher: ['unshare', '-Urm', 'sh', '-c', 'mount -t tmpfs -o size=4m tmpfs "$0" && exec "$@"', store],
    });
  });
  after(async () => {
    await vscode?.page.screenshot({ path: join(SHOTS, 'disk-full-last.png') }).catch(() => undefined);
    await vscode?.stop();
  });

  it('a review on a full disk is not saved and says why; with room again the same keys save it', async () => {
    const page = vscode.page;
    const waiting = await until(async () => (await waitingInStatusBar(page)) || undefined, 'the lm-eval failures to be captured', 60_000);
    assert.ok(readdirSync(store).length === 0, 'the store is on the private tmpfs, not on the real disk');
    await runCommand(page, 'Eval Loop: Open Review Queue');
    const frame: Frame = await reviewPanelIn(page);
    const status = () => frame.locator('.form-status').innerText();
    const review = async () => {
      await frame.focus('.queue-list');
      await page.keyboard.press('4');
      await page.keyboard.press('Control+Enter');
    };
    const shownItem = () => frame.evaluate(() => (window as unknown as { __evalloop: { detail: { item: { id: string } } | null } }).__evalloop.detail?.item.id);
    const first = await until(shownItem, 'the first item');
    await review();
    await until(() => humanReviews() === 1, 'the first review in the journal');
    const itemBefore = await until(async () => {
      const id = await shownItem();
      return id !== first && id;
    }, 'the next item');

    fillDisk(inside(join(store, 'filler.bin')));
    // a comment longer than a page: the journal's last page may still have room for a short line
    await frame.evaluate(() => {
      (window as unknown as { __evalloop: { form: { comment: { value: string } } } }).__evalloop.form.comment.value = 'a long note '.repeat(800);
    });
    await review();
    const refused = await until(async () => {
      const text = await status();
      return text.startsWith('Not saved') && text;
    }, 'the panel to say the review was not saved');
    assert.match(refused, /cannot write .*\.evalloop.*journal.*the disk is full \(ENOSPC\)/);
    assert.doesNotMatch(refused, /\n\s+at /, 'no stack trace');
    assert.equal(await frame.locator('.form-status.error').count(), 1, 'shown as an error');
    assert.equal(humanReviews(), 1, 'nothing was added to the journal');
    assert.equal(await shownItem(), itemBefore, 'the panel stays on the item that was not saved');
    await page.screenshot({ path: join(SHOTS, 'disk-full-not-saved.png') });
    // the palette's doctor says what is wrong, in the editor
    await runCommand(page, 'Eval Loop: Check Workspace (Doctor)');
    const checked = await waitForNotification(page, /in the workspace; the first/, 30_000);
    assert.match(checked, /1 error/);
    assert.match(checked, /the disk is full \(ENOSPC\).*captures and reviews cannot be saved/s);

    rmSync(inside(join(store, 'filler.bin')));
    await frame.focus('.queue-list');
    await page.keyboard.press('Control+Enter');
    await until(() => humanReviews() === 2, 'the review once there is room');
    await until(async () => (await waitingInStatusBar(page)) === waiting - 2, `the status bar to count ${waiting - 2}`);
  });

  it('a result file arriving on a full disk is named in an error with Retry, which captures it once there is room', async () => {
    const page = vscode.page;
    const runsBefore = journal().filter((e) => e.type === 'run').length;
    fillDisk(inside(join(store, 'filler.bin')));
    cpSync(join(FIXTURES, 'promptfoo/sample-export.json'), join(workspace, 'promptfoo/output.json'));
    const toast = await waitForNotification(page, /could not capture/, 60_000);
    assert.match(toast, /promptfoo\/output\.json/);
    assert.match(toast, /the disk is full \(ENOSPC\)/);
    assert.equal(journal().filter((e) => e.type === 'run').length, runsBefore, 'no run was recorded');
    await page.screenshot({ path: join(SHOTS, 'disk-full-capture.png') });

    rmSync(inside(join(store, 'filler.bin')));
    const waitingBefore = await waitingInStatusBar(page);
    const announced = await notificationsAnnounced(page);
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'could not capture' }).locator('.monaco-button', { hasText: 'Retry' }).click();
    const runs = await until(() => {
      const found = journal().filter((e) => e.type === 'run');
      return found.length > runsBefore && found;
    }, 'the promptfoo run after Retry');
    assert.equal(runs.length, runsBefore + 1);
    await waitForNotification(page, /new failure/, 30_000, announced);
    // the capture is over once the window counts its failures (the notice comes first)
    await until(async () => (await waitingInStatusBar(page)) !== waitingBefore || undefined, 'the status bar to count the captured failures');
  });

  it('doctor finds nothing wrong afterwards, but for the small disk', async () => {
    // in the editor: no error; the one warning is this 4 MB disk's free space. It comes
    // within 800 ms of Retry's error and the capture notice, with the check's progress:
    // VS Code may give it no toast, only its notification list entry and announcement.
    const announced = await notificationsAnnounced(vscode.page);
    await runCommand(vscode.page, 'Eval Loop: Check Workspace (Doctor)');
    const checked = await waitForNotification(vscode.page, /0 errors, 1 warning in the workspace; the first: only [\d.]+ MB free/, 30_000, announced);
    assert.match(checked, /saving the index needs about/);
    // the CLI runs in code-server's mount namespace, where the store is
    const host = vscode.extensionHosts()[0]!;
    const r = spawnSync('nsenter', ['-t', String(host), '-U', '-m', '--preserve-credentials', process.execPath, join(REPO_ROOT, 'dist/cli.js'), 'doctor', '--root', workspace], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });
});

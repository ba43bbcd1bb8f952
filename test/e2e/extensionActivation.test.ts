// In a real VS Code (code-server): the watcher captures the results already in the
// workspace without any command, the trees and status bar show them, and a reviewer
// clears ten items from the keyboard alone, each review landing in the journal.
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/testSupport';
import { runCommand, startCodeServer, waitForToast, type CodeServer } from './codeServerHarness';

function journalEvents(workspace: string): { type: string; reviewer?: string; grader?: string; verdict?: string }[] {
  const dir = join(workspace, '.evalloop/default/journal');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)));
}

/** Runs Verify Corpus and returns its notification (verification has no other visible effect, so a lost palette run is retried). */
async function verifyFromPalette(page: import('playwright-core').Page, expected: RegExp): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await runCommand(page, 'Eval Loop: Verify Corpus');
    try {
      return await waitForToast(page, expected, 10_000);
    } catch {
      // the palette run did not land: try again
    }
  }
  throw new Error('Verify Corpus never reported');
}

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('extension in code-server', { timeout: 300_000 }, () => {
  let vscode: CodeServer;
  const workspace = tempDir('evalloop-e2e-ws-');

  before(async () => {
    // fixtures where the default watch globs look: logs/, samples_*.jsonl, junit*.xml, …
    cpSync(join(FIXTURES, 'inspect_ai'), join(workspace, 'logs'), { recursive: true });
    cpSync(join(FIXTURES, 'lm_eval'), join(workspace, 'lm_eval_out'), { recursive: true });
    cpSync(join(FIXTURES, 'junit/junit.fail.xml'), join(workspace, 'reports/junit.fail.xml'));
    cpSync(join(FIXTURES, 'promptfoo/sample-export.json'), join(workspace, 'promptfoo/output.json'));
    vscode = await startCodeServer(workspace);
  });
  after(async () => {
    await vscode?.page.screenshot({ path: join(REPO_ROOT, 'test-results/e2e-final.png') }).catch(() => undefined);
    await vscode?.stop();
  });

  it('the watcher captures the results in the workspace with no command, and the status bar counts them', async () => {
    // 4 Inspect/arc + 10 lm-eval + 1 junit + 4 promptfoo failures, the popularity case once
    const item = await until(async () => {
      const label = await vscode.page.locator('.statusbar-item [aria-label^="Eval Loop:"]').first().getAttribute('aria-label', { timeout: 1000 });
      return label && /\d+ waiting/.test(label) ? label : undefined;
    }, 'the status bar item', 60_000);
    assert.match(item, /Eval Loop: \d+ waiting for review, \d+ auto-graded/);
    const events = await until(async () => {
      const e = journalEvents(workspace);
      return e.filter((x) => x.type === 'run').length >= 6 ? e : undefined;
    }, 'the runs in the journal');
    assert.equal(events.filter((e) => e.type === 'run').length, 6);
  });

  it('the Eval Loop view shows the queue by state and run, with counts', async () => {
    const page = vscode.page;
    await page.locator('.activitybar [aria-label^="Eval Loop"]').first().click();
    const waiting = page.locator('.pane-body .monaco-list-row', { hasText: 'Waiting for review' });
    await waiting.first().waitFor({ timeout: 30_000 });
    assert.match(await waiting.first().innerText(), /Waiting for review\s*\d+/);
    await page.screenshot({ path: join(REPO_ROOT, 'test-results/e2e-queue-tree.png') });
    const runRows = page.locator('.pane-body .monaco-list-row', { hasText: 'math_perturbed_full' });
    await runRows.first().waitFor({ timeout: 10_000 });
  });

  it('Show Capture Status reports the captured items', async () => {
    await runCommand(vscode.page, 'Eval Loop: Show Capture Status');
    const toast = await waitForToast(vscode.page, /Eval Loop: \d+ items/);
    assert.match(toast, /18 items/);
  });

  it('reviews ten items from the keyboard alone; the journal holds the ten reviews', async () => {
    await runCommand(vscode.page, 'Eval Loop: Open Review Queue');
    const frame: Frame = await until(async () => {
      for (const f of vscode.page.frames()) if (await f.$('.queue-row .row-title')) return f;
      return undefined;
    }, 'the review panel');
    await vscode.page.screenshot({ path: join(REPO_ROOT, 'test-results/e2e-panel.png') });
    const total = () => frame.evaluate(() => (window as unknown as { __evalloop: { list: { total: number } } }).__evalloop.list.total);
    await frame.focus('.queue-list');
    const verdicts = ['1', '2', '3', '4', '1', '2', '3', '4', '1', '2'];
    for (const [i, key] of verdicts.entries()) {
      const before = await total();
      const title = await frame.locator('.detail-title').innerText();
      await vscode.page.keyboard.press(key);
      await vscode.page.keyboard.press('Control+Enter');
      await until(async () => (await total()) === before - 1 || undefined, `review ${i + 1} to leave the waiting list`);
      await until(async () => (await frame.locator('.detail-title').innerText()) !== title || undefined, `the next item after review ${i + 1}`);
    }
    const reviews = journalEvents(workspace).filter((e) => e.type === 'review' && !e.grader);
    assert.equal(reviews.length, 10);
    assert.deepEqual(
      reviews.map((r) => r.verdict),
      ['model-wrong', 'eval-wrong', 'ambiguous', 'discard', 'model-wrong', 'eval-wrong', 'ambiguous', 'discard', 'model-wrong', 'eval-wrong'],
    );
  });

  it('u undoes the last review', async () => {
    const frame = vscode.page.frames().find((f) => f.url().includes('fake.html'))!;
    const total = () => frame.evaluate(() => (window as unknown as { __evalloop: { list: { total: number } } }).__evalloop.list.total);
    const before = await total();
    await vscode.page.keyboard.press('u');
    await until(async () => (await total()) === before + 1 || undefined, 'the undone item to come back');
    assert.equal(journalEvents(workspace).filter((e) => e.type === 'undo').length, 1);
  });

  it('Snapshot Corpus from the palette writes v0001 with the reviewed records; Verify Corpus reports clean', async () => {
    const page = vscode.page;
    await runCommand(page, 'Eval Loop: Snapshot Corpus…');
    const option = page.locator('.quick-input-list .monaco-list-row', { hasText: 'All reviewed items' });
    await option.first().waitFor({ timeout: 30_000 });
    // choose from the keyboard: filter the pick to the one entry and accept it
    await page.locator('.quick-input-widget input.input').fill('All reviewed items');
    await page.keyboard.press('Enter');
    const write = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Write Version' });
    await write.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(REPO_ROOT, 'test-results/e2e-snapshot-preview.png') });
    await write.click();
    const manifestPath = join(workspace, 'corpus/versions/v0001/manifest.json');
    const manifest = await until(async () => JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Record<string, { records: number }>; sources: { items: number } }, 'corpus v0001');
    // nine reviews remain after the undo: model-wrong ×3 (corrections prefilled), eval-wrong ×3, the rest give no records
    // the new manifest opens in an editor: let it take focus before using the palette again
    await page.locator('.tab', { hasText: 'manifest.json' }).first().waitFor({ timeout: 30_000 });
    assert.ok(manifest.sources.items >= 1);
    assert.ok(manifest.files.sft!.records >= 1);
    assert.match(await verifyFromPalette(page, /Eval Loop: corpus verified clean \(1 versions, \d+ segments, 0 slices\)/), /verified clean/);
  });

  it('Pin Eval Slice from the palette pins the ambiguous cases; the next snapshot holds them out and Verify stays clean', async () => {
    const page = vscode.page;
    await runCommand(page, 'Eval Loop: Pin Eval Slice…');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill('verdict:ambiguous');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
    await input.fill('unclear');
    await page.keyboard.press('Enter');
    assert.match(await waitForToast(page, /Eval Loop: pinned \d+ cases as slice unclear v0001/), /pinned 2 cases/);
    const slice = join(workspace, 'corpus/slices/unclear/v0001/manifest.json');
    assert.equal((JSON.parse(readFileSync(slice, 'utf8')) as { cases: number }).cases, 2);
    assert.match(await verifyFromPalette(page, /Eval Loop: corpus verified clean \(1 versions, \d+ segments, 1 slices\)/), /1 slices/);
  });
});

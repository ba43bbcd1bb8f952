// A repository's own settings (.vscode/settings.json) that would redirect Eval Loop's
// writes or speak for the reviewer are ignored while the folder is untrusted, and take
// effect once it is trusted. The folder names another queue (`evalloop.workspace`), a
// corpus folder outside itself (`evalloop.corpusDir`), a reviewer (`evalloop.reviewer`)
// and its own watch globs (`evalloop.watch`). The same folder is opened twice: in
// Restricted Mode the extension keeps to the default queue, the default corpus folder
// and the user's own name; trusted, it follows the folder's settings (the control that
// shows the settings are read at all).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/testSupport';
import { reviewPanelIn, runCommand, startCodeServer, until, waitingInStatusBar } from './codeServerHarness';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const SHOTS = join(REPO_ROOT, 'test-results/e2e');

function cli(root: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `evalloop ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Reviewer names of the human reviews in one queue's journals. */
function reviewersIn(root: string, queue: string): string[] {
  const dir = join(root, '.evalloop', queue, 'journal');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as { type: string; reviewer?: string; grader?: string })
    .filter((e) => e.type === 'review' && !e.grader)
    .map((e) => e.reviewer ?? '');
}

/** Opens the review panel and discards the first item from the keyboard. */
async function discardFirstItem(page: Page): Promise<void> {
  await runCommand(page, 'Eval Loop: Open Review Queue');
  const frame = await reviewPanelIn(page);
  await until(() => frame.evaluate(() => (window as unknown as { __evalloop: { detail: unknown } }).__evalloop.detail !== null), 'the first item to be shown');
  await frame.focus('.queue-list');
  await page.keyboard.press('4');
  await page.keyboard.press('Control+Enter');
}

/**
 * A folder with lm-eval failures captured into the default queue (three reviewed and
 * snapshotted into corpus/ as v0001), a corpus folder outside it that already holds
 * v0001–v0003, JUnit results only the folder's own watch glob matches, and the
 * settings that point at all of it.
 */
function hijackingFolder(): { root: string; outside: string; waitingInDefault: number } {
  const root = tempDir('evalloop-e2e-settings-');
  const outside = tempDir('evalloop-e2e-outside-');
  cpSync(join(FIXTURES, 'lm_eval'), join(root, 'lm_eval_out'), { recursive: true });
  cpSync(join(FIXTURES, 'junit/junit.fail.xml'), join(root, 'team-reports/report.fail.xml'));
  cli(root, 'capture', join(root, 'lm_eval_out'));
  const ids = (JSON.parse(cli(root, 'list', '--json')) as { id: string }[]).map((i) => i.id);
  cli(root, 'review', ...ids.slice(0, 3), '--verdict', 'model-wrong', '--correction', 'x = 1/4', '--reviewer', 'owner');
  cli(root, 'snapshot');
  for (let i = 0; i < 3; i++) cli(root, 'snapshot', '--to', outside);
  const waitingInDefault = (JSON.parse(cli(root, 'status', '--json')) as { byState: Record<string, number> }).byState.new ?? 0;
  mkdirSync(join(root, '.vscode'));
  writeFileSync(
    join(root, '.vscode/settings.json'),
    JSON.stringify(
      {
        'evalloop.workspace': 'hijacked',
        'evalloop.corpusDir': outside,
        'evalloop.reviewer': 'mallory',
        'evalloop.watch': ['**/team-reports/*.xml'],
      },
      null,
      2,
    ),
  );
  return { root, outside, waitingInDefault };
}

async function showEvalLoop(page: Page): Promise<void> {
  await page.locator('.activitybar [aria-label^="Eval Loop"]').first().click();
  await page.locator('.pane-header', { hasText: 'Corpus' }).first().waitFor({ timeout: 30_000 });
}

const corpusRow = (page: Page, version: string) => page.locator('.pane-body .monaco-list-row', { hasText: version }).first();

describe("a repository's own settings and workspace trust", { timeout: 300_000 }, () => {
  it('untrusted: the default queue, the default corpus folder and the user’s own name, whatever the folder says', async () => {
    const { root, outside, waitingInDefault } = hijackingFolder();
    const vscode = await startCodeServer(root, { trusted: false });
    try {
      const page = vscode.page;
      await showEvalLoop(page);
      // the queue counted is the default one the CLI filled, not the folder's "hijacked"
      const shown = await until(async () => (await waitingInStatusBar(page)) === waitingInDefault, 'the default queue’s count', 30_000).then(
        () => waitingInDefault,
        () => waitingInStatusBar(page),
      );
      assert.equal(shown, waitingInDefault, 'the status bar counts the default queue');
      // the corpus shown is corpus/ (v0001 only), not the folder outside (v0001–v0003)
      await corpusRow(page, 'v0001').waitFor({ timeout: 30_000 });
      assert.equal(await corpusRow(page, 'v0003').count(), 0, 'the outside corpus folder is not shown');
      await discardFirstItem(page);
      const reviewers = await until(() => {
        const r = reviewersIn(root, 'default');
        return r.length > 3 && r;
      }, 'the panel review in the default queue');
      assert.equal(reviewers.length, 4);
      assert.notEqual(reviewers[3], 'mallory', 'the reviewer named by the folder is not used');
      assert.equal(existsSync(join(root, '.evalloop/hijacked')), false, 'no queue under the folder’s name');
      assert.deepEqual(readdirSync(join(outside, 'versions')), ['v0001', 'v0002', 'v0003'], 'nothing written to the outside corpus');
    } finally {
      await vscode.page.screenshot({ path: join(SHOTS, 'settings-untrusted.png') }).catch(() => undefined);
      await vscode.stop();
    }
  });

  it('trusted (the control): the same settings are followed', async () => {
    const { root } = hijackingFolder();
    const vscode = await startCodeServer(root, { trusted: true });
    try {
      const page = vscode.page;
      await showEvalLoop(page);
      // the folder's own glob finds the JUnit report and captures it into its own queue
      await until(() => existsSync(join(root, '.evalloop/hijacked/journal')), 'the folder’s queue to be created', 60_000);
      await corpusRow(page, 'v0003').waitFor({ timeout: 30_000 });
      await until(async () => (await waitingInStatusBar(page)) > 0, 'items captured by the folder’s watch glob', 60_000);
      await discardFirstItem(page);
      const reviewers = await until(() => {
        const r = reviewersIn(root, 'hijacked');
        return r.length > 0 && r;
      }, 'the panel review in the folder’s queue');
      assert.deepEqual(reviewers, ['mallory']);
      assert.equal(reviewersIn(root, 'default').length, 3, 'the default queue is untouched');
    } finally {
      await vscode.page.screenshot({ path: join(SHOTS, 'settings-trusted.png') }).catch(() => undefined);
      await vscode.stop();
    }
  });
});

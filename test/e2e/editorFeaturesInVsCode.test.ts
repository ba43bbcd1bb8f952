// What only an editor can do, in a real VS Code (code-server): failures shown where the
// eval is defined (a CodeLens above each test of a promptfoo config and a Problems
// entry, both following a re-run; the lens opens the failures in the review panel),
// and a verdict applied to a cluster of 50 alike failures from the panel: one review
// per item under the reviewer's name, and one undo takes them all back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { REPO_ROOT, tempDir } from '../unit/testSupport';
import { runCommand, startCodeServer, until, type CodeServer } from './codeServerHarness';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const SHOTS = join(REPO_ROOT, 'test-results/e2e');
const CONFIG = join(REPO_ROOT, 'test/fixtures/definitions/promptfoo-getting-started/promptfooconfig.yaml');
const PROMPTS = ['Convert this English to {{language}}: {{input}}', 'Translate to {{language}}: {{input}}'];
const ALIKE = 50;

/** One promptfoo JSONL result line for a test of the getting-started config (or another). */
function result(vars: { language: string; input: string }, prompt: string, success: boolean, output: string, reason: string): string {
  const raw = prompt.replace('{{language}}', vars.language).replace('{{input}}', vars.input);
  return JSON.stringify({
    success,
    score: success ? 1 : 0,
    vars,
    prompt: { raw, label: prompt },
    provider: { id: 'openai:gpt-4.1' },
    response: { output },
    testCase: { vars, assert: [{ type: 'contains', value: 'x' }] },
    gradingResult: { pass: success, score: success ? 1 : 0, reason },
  });
}

/** A run of the config's two tests on both prompts, plus 50 alike failures of a German test the config does not define. */
function run(frenchFails: boolean, spanishFails: boolean): string {
  const lines: string[] = [];
  for (const p of PROMPTS) {
    lines.push(result({ language: 'French', input: 'Hello world' }, p, !frenchFails, frenchFails ? 'Salut' : 'Bonjour le monde', frenchFails ? 'Custom function returned false' : 'All assertions passed'));
    lines.push(result({ language: 'Spanish', input: 'Where is the library?' }, p, !spanishFails, spanishFails ? 'Biblioteca' : 'Dónde está la biblioteca', spanishFails ? 'Custom function returned false' : 'All assertions passed'));
  }
  for (let i = 0; i < ALIKE; i++) {
    lines.push(result({ language: 'German', input: `weather report number ${i}` }, PROMPTS[0]!, false, 'I am sorry, but I cannot translate this text into German right now.', 'Expected output to contain "Wetter"'));
  }
  return `${lines.join('\n')}\n`;
}

interface Event {
  type: string;
  caseKey?: string;
  reviewer?: string;
  verdict?: string;
  grader?: string;
  target?: string;
}

describe('failures at their definition and cluster verdicts in code-server', { timeout: 300_000 }, () => {
  let vscode: CodeServer;
  const workspace = tempDir('evalloop-e2e-editor-');
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args, '--root', workspace], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const events = (): Event[] => {
    const dir = join(workspace, '.evalloop/default/journal');
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as Event);
  };
  const lensTexts = (page: Page) => page.locator('.codelens-decoration').allInnerTexts();
  /** Opens a workspace file by name through Go to File (retried until its tab is there: the file list fills after start). */
  async function openFile(page: Page, name: string): Promise<void> {
    await until(
      async () => {
        if ((await page.locator('.tab', { hasText: name }).count()) > 0) return true;
        await runCommand(page, 'Go to File...');
        await page.keyboard.type(name);
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: name })
          .first()
          .waitFor({ timeout: 5000 })
          .catch(() => undefined);
        await page.keyboard.press('Enter');
        return undefined;
      },
      `${name} open in the editor`,
      60_000,
    );
    await page.locator('.tab', { hasText: name }).first().click({ timeout: 10_000 });
  }
  /** The Problems view's rows (the view is opened by the first call). */
  const problems = async (page: Page) => page.locator('.markers-panel .monaco-list-row').allInnerTexts();

  before(async () => {
    copyFileSync(CONFIG, join(workspace, 'promptfooconfig.yaml'));
    mkdirSync(join(workspace, 'runs'));
    writeFileSync(join(workspace, 'runs/first.jsonl'), run(true, false));
    cli('capture', join(workspace, 'runs/first.jsonl'), '--format', 'promptfoo');
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'evalloop.reviewer': 'dana' }));
    vscode = await startCodeServer(workspace);
  });
  after(async () => {
    await vscode?.page.screenshot({ path: join(SHOTS, 'editor-last.png') }).catch(() => undefined);
    await vscode?.stop();
  });

  it('the config shows "2 failing" above the French test and a Problems entry; the lens opens the two failures in the panel', async () => {
    const page = vscode.page;
    await openFile(page, 'promptfooconfig.yaml');
    await until(async () => (await lensTexts(page)).some((t) => t.includes('2 failing')) || undefined, 'the lens "2 failing"', 60_000);
    assert.deepEqual(await lensTexts(page), ['2 failing'], 'one lens, above the failing test only');
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const rows = await until(async () => {
      const found = await problems(page);
      return found.some((r) => r.includes('Eval Loop: 2 failing')) && found;
    }, 'the Problems entry');
    assert.equal(rows.filter((r) => r.includes('Eval Loop')).length, 1);
    await page.screenshot({ path: join(SHOTS, 'editor-lens.png') });

    // the Problems view shortens the editor, and Monaco draws no lens for a line out of
    // view: close it, and bring the test's line into view, before clicking
    await runCommand(page, 'View: Hide Panel');
    await openFile(page, 'promptfooconfig.yaml');
    await page.locator('.codelens-decoration a', { hasText: '2 failing' }).first().waitFor({ timeout: 30_000 });
    // (lenses are drawn again when the store or the clusters change: a click may land as one is replaced)
    await until(
      () =>
        page
          .locator('.codelens-decoration a', { hasText: '2 failing' })
          .click({ timeout: 3000 })
          .then(
            () => true,
            () => undefined,
          ),
      'a click on the lens',
    );
    const panel = await until(async () => {
      for (const f of page.frames()) {
        const total = await f.evaluate(() => (window as unknown as { __evalloop?: { list: { total: number } } }).__evalloop?.list.total).catch(() => undefined);
        if (total === 2) return f;
      }
      return undefined;
    }, 'the review panel on the two French failures');
    const titles = await panel.evaluate(() => {
      const list = (window as unknown as { __evalloop: { list: { total: number; itemAt(i: number): { title: string } | undefined } } }).__evalloop.list;
      return Array.from({ length: list.total }, (_, i) => list.itemAt(i)?.title ?? '');
    });
    assert.equal(titles.length, 2);
    for (const t of titles) assert.match(t, /French: Hello world/);
  });

  it('after a re-run the lens and Problems follow: French fixed, Spanish failing as two regressions (an error)', async () => {
    const page = vscode.page;
    writeFileSync(join(workspace, 'runs/second.jsonl'), run(false, true));
    cli('capture', join(workspace, 'runs/second.jsonl'), '--format', 'promptfoo');
    await openFile(page, 'promptfooconfig.yaml');
    await until(
      async () => {
        const texts = await lensTexts(page);
        return (texts.includes('fixed') && texts.includes('2 failing · 2 regressions')) || undefined;
      },
      'the lenses to say fixed and 2 failing · 2 regressions',
      60_000,
    );
    await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
    const rows = await until(async () => {
      const found = (await problems(page)).filter((r) => r.includes('Eval Loop'));
      return found.length === 1 && found[0]!.includes('2 regressions') && found;
    }, 'one Problems entry, for the Spanish test');
    assert.doesNotMatch(rows[0]!, /fixed/);
    assert.equal(await page.locator('.markers-panel .monaco-list-row .codicon-error').count(), 1, 'a regression is an error');
    await page.screenshot({ path: join(SHOTS, 'editor-lens-rerun.png') });
  });

  it('a verdict applied to the cluster of 50 alike failures is one review per item under the reviewer, and one undo takes them all back', async () => {
    const page = vscode.page;
    // the panel the lens opened is on the French failures: a fresh one lists the whole queue
    await runCommand(page, 'View: Close All Editors');
    await until(async () => (await page.locator('.tab', { hasText: 'Eval Loop: Review' }).count()) === 0 || undefined, 'the review panel closed');
    await runCommand(page, 'Eval Loop: Open Review Queue');
    const frame: Frame = await until(async () => {
      for (const f of page.frames()) if (await f.$('.queue-row .row-title')) return f;
      return undefined;
    }, 'the review panel');
    // the German failures only: search their titles
    await frame.focus('.queue-list');
    await page.keyboard.press('/');
    await page.keyboard.type('weather report');
    await page.keyboard.press('Enter');
    let shown = 0;
    await until(async () => {
      shown = await frame.evaluate(() => (window as unknown as { __evalloop: { list: { total: number } } }).__evalloop.list.total);
      return shown === ALIKE || undefined;
    }, `the ${ALIKE} German failures listed`).catch((error: Error) => {
      throw new Error(`${error.message} (the list has ${shown})`);
    });
    await until(async () => (await frame.locator('.cluster-apply').count()) > 0 || undefined, 'the cluster section of the item shown', 60_000);
    assert.match(await frame.locator('.cluster-line').innerText(), new RegExp(`cluster of ${ALIKE} alike failures`));
    await frame.focus('.queue-list');
    await page.keyboard.press('2');
    await frame.locator('.cluster-apply').click();
    await until(async () => (await frame.locator('.cluster-members input[type=checkbox]').count()) === ALIKE || undefined, 'the preview listing the 50 members');
    // trimmed: one member left out
    await frame.locator('.cluster-members input[type=checkbox]').first().uncheck();
    assert.match(await frame.locator('.cluster-count').innerText(), new RegExp(`${ALIKE - 1} of ${ALIKE} chosen`));
    const before = events().length;
    await frame.locator('.cluster-confirm').click();
    const added = await until(() => {
      const now = events().slice(before);
      return now.filter((e) => e.type === 'review').length === ALIKE - 1 && now;
    }, 'one review per chosen member in the journal');
    const reviewsAdded = added.filter((e) => e.type === 'review');
    assert.equal(new Set(reviewsAdded.map((e) => e.caseKey)).size, ALIKE - 1, 'each item once');
    assert.ok(reviewsAdded.every((e) => e.reviewer === 'dana' && e.verdict === 'eval-wrong' && !e.grader));
    await page.screenshot({ path: join(SHOTS, 'editor-cluster-applied.png') });

    const afterApply = events().length;
    await frame.focus('.queue-list');
    await page.keyboard.press('u');
    await until(
      () =>
        events()
          .slice(afterApply)
          .filter((e) => e.type === 'undo').length ===
          ALIKE - 1 || undefined,
      'one undo event per review of the batch',
    );
    const listed = JSON.parse(cli('list', '--json', '--limit', '0', '--state', 'reviewed')) as unknown[];
    assert.equal(listed.length, 0, 'no item stays reviewed after the one undo');
  });
});

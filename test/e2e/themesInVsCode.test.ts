// The review panel in each of VS Code's own themes (light, dark, high contrast dark and
// light) in a real window (code-server): the characters an answer differs by, marked on
// each side, and the rows of the list stay legible — their text against the colour it is
// actually drawn on (marks are translucent, so composited over what is behind them) has
// a contrast ratio of at least 4.5:1, WCAG's bar for body text. A screenshot of each
// theme, with the Eval Loop trees beside the panel, is kept with the test results.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { REPO_ROOT, tempDir } from '../unit/testSupport';
import { reviewPanelIn, runCommand, startCodeServer, until, type CodeServer } from './codeServerHarness';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const SHOTS = join(REPO_ROOT, 'test-results/e2e');

const THEMES = [
  { name: 'Default Light Modern', body: 'vscode-light', shot: 'light' },
  { name: 'Default Dark Modern', body: 'vscode-dark', shot: 'dark' },
  { name: 'Default High Contrast', body: 'vscode-high-contrast', shot: 'high-contrast' },
  { name: 'Default High Contrast Light', body: 'vscode-high-contrast-light', shot: 'high-contrast-light' },
];

interface Legibility {
  what: string;
  text: string;
  ratio: number;
}

/**
 * In the panel: the contrast of each marked span and of a row's title against what it is
 * drawn on. Sent as source text (the test's own build would name its functions through a
 * helper the page does not have).
 */
const LEGIBILITY = `(() => {
  const parse = (css) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(css);
    if (!m) return [0, 0, 0, 0];
    const [r, g, b, a] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [r, g, b, a === undefined ? 1 : a];
  };
  const over = (top, under) => {
    const a = top[3];
    return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1];
  };
  // the colour an element is drawn on: its own background over its ancestors', down to the page
  const drawnOn = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) layers.push(parse(getComputedStyle(e).backgroundColor));
    let colour = [255, 255, 255, 1];
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const luminance = ([r, g, b]) => {
    const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const measured = (what, el) => {
    const background = drawnOn(el);
    const text = over(parse(getComputedStyle(el).color), background);
    return { what, text: (el.textContent || '').slice(0, 20), ratio: ratio(text, background) };
  };
  const all = (selector) => Array.from(document.querySelectorAll(selector));
  return [
    ...all('.diff-side .diff-added, .diff-side .diff-removed').map((el) => measured(el.className, el)),
    ...all('.queue-row .row-title').slice(0, 2).map((el) => measured('row title', el)),
    ...all('.queue-row.cursor .row-title').slice(0, 1).map((el) => measured('row under the cursor', el)),
  ];
})()`;

function legibility(frame: Frame): Promise<Legibility[]> {
  return frame.evaluate(LEGIBILITY) as Promise<Legibility[]>;
}

describe('the review panel in light, dark and high-contrast themes', { timeout: 300_000 }, () => {
  let vscode: CodeServer;
  const workspace = tempDir('evalloop-e2e-themes-');
  const settings = (theme: string) => writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'workbench.colorTheme': theme }));

  before(async () => {
    // short answers, so the panel shows them side by side with the differing characters marked
    const rows = [
      { id: 'sum-1', prompt: 'What is 30 + 7?', completion: '33', answer: '37', correct: false },
      { id: 'capital-1', prompt: 'Capital of Australia?', completion: 'Sydney', answer: 'Canberra', correct: false },
    ];
    writeFileSync(join(workspace, 'answers.jsonl'), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const r = spawnSync(process.execPath, [CLI, 'capture', join(workspace, 'answers.jsonl'), '--format', 'jsonl', '--map', 'input=prompt,output=completion,expected=answer,pass=correct', '--root', workspace], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    mkdirSync(join(workspace, '.vscode'));
    settings(THEMES[0]!.name);
    vscode = await startCodeServer(workspace);
  });
  after(async () => {
    await vscode?.stop();
  });

  it('marked differences and list rows keep a contrast of at least 4.5:1 in each theme; a screenshot of each', async () => {
    const page = vscode.page;
    await runCommand(page, 'Eval Loop: Open Review Queue');
    const frame = await reviewPanelIn(page);
    await until(async () => (await frame.locator('.diff-side .diff-added').count()) > 0 || undefined, 'the side-by-side answers with their marks');
    // the Eval Loop side bar beside the panel, so each screenshot shows its trees too
    await page.locator('.activitybar [aria-label^="Eval Loop"]').first().click();
    await page.locator('.pane-header', { hasText: 'Queue' }).first().waitFor({ timeout: 30_000 });
    const treeRows = page.locator('.pane-body .monaco-list-row');
    await until(async () => (await treeRows.count()) > 0 || undefined, 'the Queue tree');
    for (const theme of THEMES) {
      settings(theme.name);
      await until(async () => (await frame.evaluate((cls) => document.body.classList.contains(cls), theme.body)) || undefined, `the panel in ${theme.name}`);
      // the theme's colours reach the panel's stylesheet with its class
      await new Promise((r) => setTimeout(r, 500));
      const measured = await legibility(frame);
      assert.ok(measured.filter((m) => m.what.startsWith('diff-')).length >= 2, `${theme.name}: marks on both sides`);
      for (const m of measured) assert.ok(m.ratio >= 4.5, `${theme.name}: ${m.what} "${m.text}" has a contrast of ${m.ratio.toFixed(2)}:1`);
      assert.ok((await treeRows.count()) > 0, `${theme.name}: the Queue tree is shown`);
      await page.screenshot({ path: join(SHOTS, `theme-${theme.shot}.png`) });
    }
  });
});

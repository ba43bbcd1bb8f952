// What a reviewer feels, measured in a real VS Code window (code-server + Debian's
// chromium): from Ctrl+Enter to the next item's detail painted, from j to the next
// item painted, and from the palette's Open Review Queue to the panel's first item.
// Times are taken inside the panel's page (performance.now at the keydown and at the
// animation frame after the detail title changed), so the browser's own input path is
// in them and Playwright's round trips are not. Run: `npm run bench:window`
// (BENCH_WINDOW_ITEMS failures, default 400; BENCH_WINDOW_KEYS submits, default 60).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Frame, Page } from 'playwright-core';
import { reviewPanelIn, runCommand, startCodeServer } from '../test/e2e/codeServerHarness';
import { REPO_ROOT, tempDir } from '../test/unit/testSupport';
import { median, quantile } from './benchStats';
import { promptfooLine } from './generateData';

const ITEMS = Number(process.env.BENCH_WINDOW_ITEMS ?? 400);
const KEYS = Number(process.env.BENCH_WINDOW_KEYS ?? 60);

/** Arms the page to time the next change of the detail title after the given key. */
async function timeKey(frame: Frame, page: Page, press: () => Promise<void>): Promise<number> {
  // a string, not a function: the bench runs under tsx, whose helpers do not exist in the page
  await frame.evaluate(`(() => {
    window.__t0 = undefined;
    window.__t1 = undefined;
    const before = document.querySelector('.detail-title')?.textContent;
    window.addEventListener('keydown', () => { if (window.__t0 === undefined) window.__t0 = performance.now(); }, { capture: true, once: true });
    const observer = new MutationObserver(() => {
      if (document.querySelector('.detail-title')?.textContent !== before && window.__t1 === undefined) {
        observer.disconnect();
        requestAnimationFrame(() => { window.__t1 = performance.now(); });
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);
  await press();
  await frame.waitForFunction(() => (window as unknown as { __t1?: number }).__t1 !== undefined, undefined, { timeout: 10_000 });
  void page;
  return frame.evaluate(() => (window as unknown as { __t1: number }).__t1 - (window as unknown as { __t0: number }).__t0);
}

function stats(samples: number[]) {
  return { n: samples.length, medianMs: median(samples), p95Ms: quantile(samples, 0.95), maxMs: Math.max(...samples) };
}

async function main(): Promise<void> {
  const workspace = tempDir('evalloop-bench-window-');
  // one promptfoo JSONL of failures where the default watch globs look
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const lines: string[] = [];
  for (let i = 0; i < ITEMS; i++) lines.push(promptfooLine(i, next, 40));
  writeFileSync(join(workspace, 'promptfoo-results.jsonl'), `${lines.join('\n')}\n`);
  const capture = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), 'capture', join(workspace, 'promptfoo-results.jsonl'), '--root', workspace], { encoding: 'utf8' });
  if (capture.status !== 0 && capture.status !== 2) throw new Error(capture.stderr);
  const vscode = await startCodeServer(workspace);
  try {
    const page = vscode.page;
    const opens: number[] = [];
    // panel open from the palette: Enter on the command to the first item's detail painted
    for (let round = 0; round < 3; round++) {
      if (round > 0) {
        await runCommand(page, 'View: Close Editor');
        await page.waitForTimeout(500);
      }
      const started = Date.now();
      await runCommand(page, 'Eval Loop: Open Review Queue');
      const frame = await reviewPanelIn(page, 60_000);
      await frame.waitForSelector('.detail-title');
      opens.push(Date.now() - started);
    }
    const frame = await reviewPanelIn(page);
    await frame.focus('.queue-list');
    const moves: number[] = [];
    for (let i = 0; i < KEYS; i++) moves.push(await timeKey(frame, page, () => page.keyboard.press(i % 2 ? 'k' : 'j')));
    const submits: number[] = [];
    for (let i = 0; i < KEYS; i++) {
      await page.keyboard.press(String((i % 4) + 1));
      submits.push(await timeKey(frame, page, () => page.keyboard.press('Control+Enter')));
    }
    const result = { items: ITEMS, openPanelMs: stats(opens), nextAfterSubmit: stats(submits), nextAfterJ: stats(moves) };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await vscode.stop();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});

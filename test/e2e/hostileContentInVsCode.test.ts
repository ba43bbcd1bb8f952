// The hostile-content corpus inside the real VS Code: a promptfoo result whose prompts
// and outputs are script, img, svg, iframe, stylesheet and javascript: payloads is
// captured by the watcher and shown in the review panel. Every payload must appear as
// text; no element it names may exist in the panel, nothing may run, and no request
// may leave for the address the payloads point at.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/testSupport';
import { runCommand, startCodeServer, type CodeServer } from './codeServerHarness';

const PAYLOADS = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '<a href="javascript:window.__pwned=\'link\'">click me</a>',
  '<svg onload="window.__pwned = \'svg\'"></svg>',
  '<iframe src="http://127.0.0.1:9/evil-frame"></iframe>',
  '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">',
  '</pre><style>body { display: none !important }</style><pre>',
];

/** The promptfoo sample with every prompt and output replaced by the payloads. */
function hostileExport(): string {
  type Result = { prompt?: { raw?: string }; response?: { output?: unknown } };
  const data = JSON.parse(readFileSync(join(FIXTURES, 'promptfoo/sample-export.json'), 'utf8')) as { results: { results: Result[] } };
  data.results.results.forEach((r, i) => {
    if (r.prompt) r.prompt.raw = `${PAYLOADS[i % PAYLOADS.length]} question ${i}`;
    if (r.response) r.response.output = PAYLOADS.join('\n');
  });
  return JSON.stringify(data);
}

describe('hostile content in the review panel of a real VS Code', { timeout: 240_000 }, () => {
  let vscode: CodeServer;
  const workspace = tempDir('evalloop-e2e-hostile-');
  const strayRequests: string[] = [];

  before(async () => {
    mkdirSync(join(workspace, 'promptfoo'), { recursive: true });
    writeFileSync(join(workspace, 'promptfoo/output.json'), hostileExport());
    vscode = await startCodeServer(workspace);
    vscode.page.on('request', (r) => {
      if (r.url().includes('127.0.0.1:9/')) strayRequests.push(r.url());
    });
  });
  after(async () => {
    await vscode?.page.screenshot({ path: join(REPO_ROOT, 'test-results/e2e/hostile-last.png') }).catch(() => undefined);
    await vscode?.stop();
  });

  it('every payload is shown as text; none becomes an element, runs or loads anything', async () => {
    const page = vscode.page;
    await runCommand(page, 'Eval Loop: Open Review Queue');
    const deadline = Date.now() + 60_000;
    let frame: Frame | undefined;
    while (!frame && Date.now() < deadline) {
      for (const f of page.frames()) if (await f.$('.queue-row .row-title').catch(() => null)) frame = f;
      if (!frame) await page.waitForTimeout(500);
    }
    assert.ok(frame, 'the review panel lists the captured items');
    const rows = await frame.locator('.queue-row').count();
    assert.ok(rows >= 3, `${rows} hostile items listed`);
    await frame.focus('.queue-list');
    for (let i = 0; i < rows; i++) {
      await frame.waitForFunction(() => (document.querySelector('.detail-pane')?.textContent ?? '').includes('<script>window.__pwned'), undefined, { timeout: 10_000 });
      const seen: { text: string; elements: number; bodyShown: boolean; pwned: unknown } = await frame.evaluate(() => {
        const pane = document.querySelector('.detail-pane')!;
        return {
          text: pane.textContent ?? '',
          // the panel's own drawings (the case timeline) are SVG built from data as text; any other such element came from a payload
          elements: Array.from(pane.querySelectorAll('script, img, svg, iframe, link, style, a[href^="javascript"], object, embed')).filter((e) => !e.closest('.case-timeline')).length,
          bodyShown: getComputedStyle(document.body).display !== 'none',
          pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
        };
      });
      for (const p of PAYLOADS) assert.ok(seen.text.includes(p), `shown as text: ${p}`);
      assert.equal(seen.elements, 0, 'no payload became an element');
      assert.equal(seen.bodyShown, true, 'no payload restyled the panel');
      assert.equal(seen.pwned, null, 'nothing ran in the panel');
      if (i === 0) await page.screenshot({ path: join(REPO_ROOT, 'test-results/e2e/hostile-detail.png') });
      await page.keyboard.press('j');
    }
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null), null, 'nothing ran in the workbench');
    assert.deepEqual(strayRequests, [], 'no request left for the payloads’ address');
  });
});

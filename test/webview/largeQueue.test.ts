// 100,000 items: the list keeps only the visible rows in the page, asks the host for
// pages (never everything at once), and reaches the last item.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeBrowser, openWebview, type WebviewSession } from './webviewHarness';
import { syntheticHost } from './syntheticQueue';

describe('a queue of 100,000 items (chromium)', { timeout: 120_000 }, () => {
  let view: WebviewSession;

  before(async () => {
    view = await openWebview(syntheticHost(100_000));
    await view.page.waitForSelector('.queue-row .row-title');
  });
  after(async () => {
    await view?.close();
    await closeBrowser();
  });

  it('sizes the scroll area for every item but renders only the rows in view', async () => {
    assert.equal(await view.page.locator('.queue-spacer').evaluate((e) => parseFloat((e as HTMLElement).style.height)), 100_000 * 26);
    const rows = await view.page.locator('.queue-row').count();
    assert.ok(rows < 80, `${rows} row elements`);
  });

  it('asks for pages of at most 500 items', () => {
    const queries = view.received.filter((m) => m.type === 'query');
    assert.ok(queries.length >= 1);
    for (const q of queries) assert.ok(q.type === 'query' && q.limit <= 500);
  });

  it('G jumps to the last item and its row is painted', async () => {
    await view.page.locator('.queue-list').focus();
    await view.page.keyboard.press('G');
    await view.page.waitForFunction(() => document.querySelector('.queue-row.cursor .row-title')?.textContent === 'generated case number 99999');
    await view.page.waitForFunction(() => document.querySelector('.detail-title')?.textContent === 'generated case number 99999');
    assert.ok((await view.page.locator('.queue-row').count()) < 80);
  });

  it('scrolling to the middle fetches that page only', async () => {
    const before = view.received.filter((m) => m.type === 'query').length;
    await view.page.locator('.queue-list').evaluate((e) => (e.scrollTop = 50_000 * 26));
    await view.page.waitForFunction(() => Array.from(document.querySelectorAll('.queue-row .row-title')).some((r) => r.textContent === 'generated case number 50010'));
    const after = view.received.filter((m) => m.type === 'query').length;
    assert.ok(after - before <= 2, `${after - before} page requests`);
  });
});

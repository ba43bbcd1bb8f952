// The review panel keeps the reviewer's place when its list refreshes (real chromium, the
// production bundle, a real store answered by the extension's request handler): new
// failures arriving above the selected item, items above it reviewed by someone else,
// and the panel restored from its saved state (hidden and shown again, or its window
// reloaded) all leave the same item selected at the same height on screen. Scrolling
// down asks for the next page by the last row's cursor, not by offset.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { submitReviews } from '../../src/core/review/reviewActions';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import type { HostMessage } from '../../src/protocol/reviewProtocol';
import { tempDir } from '../unit/testSupport';
import { closeBrowser, openPanelOnStore, type WebviewSession } from './webviewHarness';

const MAPPING = { read: { mapping: { input: 'prompt', output: 'completion', pass: 'correct', id: 'id' } }, format: 'jsonl' as const };
const ROW_HEIGHT = 26;

/** Failures `from`…`to`-1 of a suite, written as a run of their own. */
function failures(dir: string, folder: string, from: number, to: number): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) lines.push(JSON.stringify({ id: `case-${i}`, prompt: `question ${i}`, completion: 'wrong', correct: false }));
  mkdirSync(join(dir, folder), { recursive: true });
  const file = join(dir, folder, 'sums.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The item under the cursor, its index, where its row is on screen, and the list's total. */
function place(view: WebviewSession) {
  return view.page.evaluate(() => {
    const { list } = (window as unknown as { __evalloop: { list: { cursor: number; total: number; itemAt(i: number): { id: string } | undefined; element: HTMLElement } } }).__evalloop;
    const row = list.element.querySelector<HTMLElement>('.queue-row.cursor');
    return {
      id: list.itemAt(list.cursor)?.id,
      cursor: list.cursor,
      total: list.total,
      onScreen: row ? Math.round(row.getBoundingClientRect().top - list.element.getBoundingClientRect().top) : null,
      detail: document.querySelector('.detail-title')?.textContent ?? '',
    };
  });
}

/** Scrolls the list so that row `index` is `below` pixels under the top, and puts the cursor on it. */
async function selectRow(view: WebviewSession, index: number, below: number): Promise<void> {
  await view.page.locator('.queue-list').evaluate((e, top) => (e.scrollTop = top), index * ROW_HEIGHT - below);
  const row = view.page.locator(`.queue-row[data-index="${index}"]`);
  await until(async () => (await row.locator('.row-title').innerText()) !== '…', `row ${index} to load`);
  await row.click();
  await until(async () => (await place(view)).cursor === index, `the cursor on row ${index}`);
}

describe('the panel keeps its place when the list refreshes (chromium, real store)', { timeout: 120_000 }, () => {
  after(closeBrowser);

  it('new failures above the selected item and reviews above it leave it selected at the same height', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    let post: (m: HostMessage) => void = () => undefined;
    let view: WebviewSession | undefined;
    try {
      await captureFile(store, failures(root, 'first', 0, 2500), MAPPING);
      view = await openPanelOnStore(store, undefined, (p) => (post = p));
      // newest first: new failures arrive at the top of the list
      await view.page.selectOption('select.filter-sort', 'newest');
      await until(async () => (await place(view!)).id === listItems(store.database, { state: 'new', sort: 'newest', limit: 1 })[0]!.id, 'the list in newest-first order');
      await selectRow(view, 1700, 5 * ROW_HEIGHT);
      const chosen = await place(view);
      assert.equal(chosen.onScreen, 5 * ROW_HEIGHT);

      await captureFile(store, failures(root, 'second', 5000, 5040), MAPPING);
      post({ type: 'changed' });
      await until(async () => (await place(view!)).total === 2540, 'the refreshed list');
      const afterCapture = await place(view);
      assert.equal(afterCapture.id, chosen.id, 'the same item is selected');
      assert.equal(afterCapture.cursor, 1740, 'it is 40 rows further down the list');
      assert.equal(afterCapture.onScreen, chosen.onScreen, 'and at the same height on screen');

      // someone else reviews 15 items above it: they leave the waiting list
      const above = listItems(store.database, { state: 'new', sort: 'newest', offset: 100, limit: 15 }).map((i) => i.caseKey);
      submitReviews(store, above, { verdict: 'discard' }, 'someone-else');
      post({ type: 'changed' });
      await until(async () => (await place(view!)).total === 2525, 'the list refreshed after the reviews');
      const afterReviews = await place(view);
      assert.equal(afterReviews.id, chosen.id);
      assert.equal(afterReviews.cursor, 1725);
      assert.equal(afterReviews.onScreen, chosen.onScreen);
    } finally {
      await view?.close();
      store.close();
    }
  });

  it('a panel restored from its saved state (hidden and shown, or its window reloaded) shows the same item at the same height', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    let view: WebviewSession | undefined;
    let restored: WebviewSession | undefined;
    try {
      await captureFile(store, failures(root, 'first', 0, 2500), MAPPING);
      view = await openPanelOnStore(store);
      await view.page.selectOption('select.filter-sort', 'newest');
      await until(async () => (await place(view!)).id === listItems(store.database, { state: 'new', sort: 'newest', limit: 1 })[0]!.id, 'the list in newest-first order');
      await selectRow(view, 2100, 9 * ROW_HEIGHT);
      const chosen = await place(view);
      const saved = await view.page.evaluate(() => (window as unknown as { __panelState: unknown }).__panelState);
      await view.close();
      view = undefined;

      // while the panel was away: new failures at the top
      await captureFile(store, failures(root, 'second', 7000, 7030), MAPPING);
      restored = await openPanelOnStore(store, undefined, undefined, `window.__panelState = ${JSON.stringify(saved)};`);
      await until(async () => (await place(restored!)).id === chosen.id, 'the restored panel on the same item');
      const back = await place(restored);
      assert.equal(back.cursor, 2130, 'the item is found 30 rows further down');
      assert.equal(back.onScreen, chosen.onScreen, 'at the same height on screen');
      assert.equal(back.detail, chosen.detail, 'its detail is shown');
    } finally {
      await view?.close();
      await restored?.close();
      store.close();
    }
  });

  it('scrolling on asks for the next page after the last row it has, by its cursor', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    let view: WebviewSession | undefined;
    try {
      await captureFile(store, failures(root, 'first', 0, 900), MAPPING);
      view = await openPanelOnStore(store);
      for (const index of [150, 350, 550]) {
        await view.page.locator('.queue-list').evaluate((e, top) => (e.scrollTop = top), index * ROW_HEIGHT);
        await until(async () => (await view!.page.locator(`.queue-row[data-index="${index + 20}"] .row-title`).innerText()) !== '…', `row ${index + 20}`);
      }
      const queries = view.received.filter((m) => m.type === 'query');
      const followOn = queries.filter((m) => m.type === 'query' && m.offset > 0);
      assert.ok(followOn.length >= 2, `pages after the first were asked for (${followOn.length})`);
      for (const m of followOn) assert.equal(m.type === 'query' && m.from?.direction, 'after', `the page at ${m.type === 'query' ? m.offset : ''} is asked for after a cursor`);
      assert.equal(view.rejected, 0, 'every message the panel sent fits the protocol');
      // and the rows are the list's, in order, without a gap or a repeat
      const ids = await view.page.evaluate(() => {
        const { list } = (window as unknown as { __evalloop: { list: { itemAt(i: number): { id: string } | undefined } } }).__evalloop;
        return Array.from({ length: 600 }, (_, i) => list.itemAt(i)?.id ?? null);
      });
      assert.deepEqual(
        ids,
        listItems(store.database, { state: 'new', limit: 600 }).map((i) => i.id),
      );
    } finally {
      await view?.close();
      store.close();
    }
  });
});

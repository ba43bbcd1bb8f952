// The review panel in real chromium against a real store (captured fixtures), through
// the same request handler the extension uses: keyboard flow, verdicts landing in the
// journal, the word diff, tags and undo.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { findItem, listItems, type ItemRow } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, tempDir } from '../unit/testSupport';
import type { HostMessage } from '../../src/protocol/reviewProtocol';
import { closeBrowser, openPanelOnStore, openWebview, type WebviewSession } from './webviewHarness';

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('review panel (chromium, real store)', { timeout: 120_000 }, () => {
  let store: WorkspaceStore;
  let view: WebviewSession;
  const opened: { id: string; against: string }[] = [];
  let postToPanel: (m: HostMessage) => void = () => undefined;

  before(async () => {
    store = await WorkspaceStore.open(tempDir(), 'default');
    await capturePaths(store, [FIXTURES]);
    view = await openPanelOnStore(store, { openSource: async () => undefined, openDiff: async (id, against) => void opened.push({ id, against }) }, (post) => (postToPanel = post));
  });
  after(async () => {
    await view?.close();
    await closeBrowser();
    store?.close();
  });

  const cursorTitle = () => view.page.locator('.queue-row.cursor .row-title').innerText();
  const detailTitle = () => view.page.locator('.detail-title').innerText();

  it('shows the waiting items with counts in the header', async () => {
    const header = await view.page.locator('.counts').innerText();
    assert.match(header, /^24 waiting · 0 auto-graded · 0 regressions · 24 items$/);
    assert.equal(await view.page.locator('.queue-spacer').evaluate((e) => parseFloat((e as HTMLElement).style.height)), 24 * 26);
  });

  it('j and k move the cursor and the detail follows', async () => {
    const first = await cursorTitle();
    await view.page.keyboard.press('j');
    const second = await cursorTitle();
    assert.notEqual(first, second);
    await view.page.waitForFunction((t) => document.querySelector('.detail-title')?.textContent === t, second);
    await view.page.keyboard.press('k');
    assert.equal(await cursorTitle(), first);
  });

  it('a verdict key and Ctrl+Enter journal the review and move to the next item', async () => {
    const title = await detailTitle();
    const item = listItems(store.database, { state: 'new' }).find((i) => i.title === title) as ItemRow;
    await view.page.keyboard.press('2');
    await view.page.keyboard.press('Control+Enter');
    await view.page.waitForFunction((t) => document.querySelector('.detail-title')?.textContent !== t, title);
    const reviewed = findItem(store.database, item.id) as ItemRow;
    assert.equal(reviewed.state, 'reviewed');
    assert.equal(reviewed.verdict, 'eval-wrong');
    assert.equal(reviewed.reviewer, 'tester');
    // the header counts follow once the reviewer pauses (they are not in the keypress path)
    await view.page.waitForFunction(() => /^23 waiting/.test(document.querySelector('.counts')?.textContent ?? ''), undefined, { timeout: 5000 });
    assert.match(await view.page.locator('.counts').innerText(), /^23 waiting/);
  });

  it('model-wrong takes the correction, prefilled from the expected answer and editable with e', async () => {
    await view.page.fill('.search', 'mold spores');
    await view.page.waitForFunction(() => document.querySelector('.detail-title')?.textContent?.includes('mold spores'));
    const correction = await view.page.locator('vscode-textarea.correction').evaluate((e) => (e as HTMLElement & { value: string }).value);
    assert.equal(correction, 'B', 'prefilled from the expected answer');
    await view.page.locator('.queue-list').focus();
    await view.page.keyboard.press('e');
    await view.page.keyboard.press('End');
    await view.page.keyboard.type(') Breathing mask');
    await view.page.keyboard.press('Control+Enter');
    const item = findItem(store.database, 'inspect/inspect_evals/arc_easy/id:2') as ItemRow;
    await view.page.waitForFunction(() => document.querySelector('.counts')?.textContent?.startsWith('22 waiting'));
    assert.equal((findItem(store.database, item.id) as ItemRow).correction, 'B) Breathing mask');
    assert.equal((findItem(store.database, item.id) as ItemRow).verdict, 'model-wrong');
  });

  it('shows a short expected and actual answer side by side, with the characters that differ marked on each side', async () => {
    await view.page.fill('.search', 'Positive posts');
    await view.page.waitForFunction(() => document.querySelector('.detail-title')?.textContent?.includes('Positive posts'));
    const expectedSide = await view.page.locator('.side-expected .diff').innerText();
    const actualSide = await view.page.locator('.side-actual .diff').innerText();
    assert.equal(expectedSide.trim(), 'Yes', 'the expected answer reads whole on its side');
    assert.equal(actualSide.trim(), 'No', 'the output reads whole on its side, not interleaved with the expected one');
    assert.equal((await view.page.locator('.side-expected .diff-removed').allInnerTexts()).join(''), ' Yes');
    assert.equal((await view.page.locator('.side-actual .diff-added').allInnerTexts()).join(''), 'No');
    await view.page.locator('.queue-list').focus();
    await view.page.keyboard.press('d');
    await view.page.waitForTimeout(100);
    assert.deepEqual(opened.at(-1)?.against, 'expected', 'd asks the host for the native diff');
  });

  it('u undoes the last review', async () => {
    await view.page.fill('.search', '');
    await view.page.waitForFunction(() => (window as unknown as { __evalloop: { list: { total: number } } }).__evalloop.list.total === 22);
    await view.page.locator('.queue-list').focus();
    await view.page.keyboard.press('u');
    await view.page.waitForFunction(() => document.querySelector('.counts')?.textContent?.startsWith('23 waiting'));
    assert.equal((findItem(store.database, 'inspect/inspect_evals/arc_easy/id:2') as ItemRow).state, 'new');
  });

  it('x selects several items, counted and marked; a verdict applies to all of them only once confirmed', async () => {
    await view.page.locator('.queue-list').focus();
    await view.page.keyboard.press('g');
    await view.page.keyboard.press('x');
    await view.page.keyboard.press('j');
    await view.page.keyboard.press('x');
    assert.equal(await view.page.locator('.selection-count').innerText(), '2 selected');
    assert.equal(await view.page.locator('.queue-row.selected[aria-checked="true"]').count(), 2);
    assert.match(await view.page.locator('.review-form vscode-button', { hasText: 'Submit' }).innerText(), /Submit to 2 selected/);
    await view.page.keyboard.press('4');
    await view.page.keyboard.press('Control+Enter');
    // the first Ctrl+Enter only says what would happen
    await view.page.waitForFunction(() => /Apply "discard" to all 2 selected items\?/.test(document.querySelector('.form-status')?.textContent ?? ''));
    assert.equal(listItems(store.database, { verdict: 'discard' }).length, 0, 'nothing saved before the confirmation');
    await view.page.keyboard.press('Control+Enter');
    await view.page.waitForFunction(() => document.querySelector('.counts')?.textContent?.startsWith('21 waiting'));
    assert.equal(listItems(store.database, { verdict: 'discard' }).length, 2);
    assert.equal(await view.page.locator('.selection-count').innerText(), '');
  });

  it("another writer's change refreshes the list but keeps the verdict chosen and the correction being typed", async () => {
    await view.page.fill('.search', '');
    await view.page.locator('.queue-list').focus();
    await view.page.keyboard.press('g');
    const title = await detailTitle();
    const item = listItems(store.database, { state: 'new' }).find((i) => i.title === title) as ItemRow;
    const prefilled = await view.page.locator('vscode-textarea.correction').evaluate((e) => (e as HTMLElement & { value: string }).value);
    await view.page.keyboard.press('1');
    await view.page.keyboard.press('e');
    await view.page.keyboard.press('End');
    await view.page.keyboard.type(' (typed before the refresh)');
    await view.page.keyboard.press('Escape');
    // another window or the CLI wrote: the host says so, and the panel reloads its list
    const queried = view.received.filter((m) => m.type === 'query').length;
    postToPanel({ type: 'changed' });
    await until(() => view.received.filter((m) => m.type === 'query').length > queried, 'the panel to query again');
    await view.page.waitForTimeout(300);
    assert.equal(await detailTitle(), title);
    await view.page.keyboard.press('Control+Enter');
    await view.page.waitForFunction((t) => document.querySelector('.detail-title')?.textContent !== t, title, { timeout: 5000 });
    const reviewed = findItem(store.database, item.id) as ItemRow;
    assert.equal(reviewed.verdict, 'model-wrong');
    assert.equal(reviewed.correction, `${prefilled} (typed before the refresh)`);
    // the header follows after its pause (and nothing is left pending when the store closes)
    await view.page.waitForFunction(() => /^20 waiting/.test(document.querySelector('.counts')?.textContent ?? ''), undefined, { timeout: 5000 });
  });

  it('every message the panel sent fit the protocol', () => {
    assert.equal(view.rejected, 0);
    assert.ok(view.received.some((m) => m.type === 'ready'));
    assert.deepEqual(view.strayRequests, []);
  });
});

describe('review panel whose host stops answering (chromium)', { timeout: 60_000 }, () => {
  it('a review with no answer says, after a while, that it is still waiting and how to recover', async () => {
    const summary = { id: 'aaaaaaaaaaaa', caseKey: 'lm-eval/x/id:1', title: 'A question', state: 'new', verdict: null, suite: 'x', format: 'lm-eval', regression: false, fixed: false, occurrences: 1, tags: [], pinned: null };
    const view = await openWebview((message, post) => {
      // a host that answers the list, then stops (its extension host died)
      if (message.type === 'query') post({ type: 'page', requestId: message.requestId, offset: 0, total: 1, items: [summary] });
      if (message.type === 'detail') post({ type: 'detail', requestId: message.requestId, detail: null });
    }, undefined);
    try {
      await view.page.clock.install();
      await view.page.waitForSelector('.queue-row .row-title');
      await view.page.locator('.queue-list').focus();
      await view.page.keyboard.press('4');
      await view.page.keyboard.press('Control+Enter');
      await view.page.waitForFunction(() => document.querySelector('.form-status')?.textContent === 'Saving…', undefined, { timeout: 5000 });
      await view.page.clock.fastForward(11_000);
      await view.page.waitForFunction(() => /^Still saving… no answer from Eval Loop yet\. If its extension host restarted, reopen the queue/.test(document.querySelector('.form-status')?.textContent ?? ''), undefined, { timeout: 5000 });
    } finally {
      await view.close();
      await closeBrowser();
    }
  });
});

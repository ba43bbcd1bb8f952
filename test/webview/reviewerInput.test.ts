// What a reviewer types is exactly what lands in the journal: no key meant for the list
// ends up in a correction, tagging keeps the verdict being entered, bulk actions say how
// many items they touch before they do, and undo gives back everything entered.
// Real chromium, a real store, the extension's own request handler.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { autoGrade } from '../../src/core/grading/autoGrade';
import { valuesOf } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, tempDir } from '../unit/testSupport';
import { closeBrowser, openPanelOnStore, type WebviewSession } from './webviewHarness';

describe('reviewer input lands exactly as meant (chromium, real store)', { timeout: 120_000 }, () => {
  let store: WorkspaceStore;
  let view: WebviewSession;

  const humanReviews = () =>
    valuesOf(store.database, 'SELECT verdict, correction, tags, comment, rubric, retracted FROM reviews WHERE grader IS NULL ORDER BY lc, eid').map((r) => ({
      verdict: String(r[0]),
      correction: r[1] === null ? null : String(r[1]),
      tags: JSON.parse(String(r[2])) as string[],
      comment: r[3] === null ? null : String(r[3]),
      rubric: r[4] === null ? null : Number(r[4]),
      retracted: Number(r[5]) === 1,
    }));
  const status = () => view.page.locator('.form-status').innerText();
  const detailTitle = () => view.page.locator('.detail-title').innerText();
  const fieldValue = (selector: string) => view.page.locator(selector).evaluate((e) => (e as HTMLElement & { value: string }).value);

  before(async () => {
    store = await WorkspaceStore.open(tempDir(), 'default');
    await capturePaths(store, [FIXTURES]);
    await autoGrade(store, []);
    view = await openPanelOnStore(store);
  });
  after(async () => {
    await view?.close();
    await closeBrowser();
    store?.close();
  });

  it('after Submit & next from the correction box, the next key is a verdict, not a character of the next correction', async () => {
    await view.page.locator('.queue-list').focus();
    await view.page.keyboard.press('g');
    const first = await detailTitle();
    await view.page.keyboard.press('e');
    await view.page.keyboard.press('Control+a');
    await view.page.keyboard.type('8');
    await view.page.keyboard.press('Control+Enter');
    await view.page.waitForFunction((t) => document.querySelector('.detail-title')?.textContent !== t, first);
    // the reviewer's next keys: a verdict and submit, for the next item
    await view.page.keyboard.press('2');
    await view.page.keyboard.press('Control+Enter');
    await view.page.waitForFunction(() => document.activeElement?.classList.contains('queue-list'));
    await view.page.waitForFunction(() => /waiting/.test(document.querySelector('.counts')?.textContent ?? ''));
    const reviews = humanReviews();
    assert.deepEqual(
      reviews.map((r) => [r.verdict, r.correction]),
      [
        ['model-wrong', '8'],
        ['eval-wrong', null],
      ],
    );
  });

  it('Enter in the tags box applies the tags and keeps the verdict and correction being entered', async () => {
    await view.page.keyboard.press('1');
    await view.page.keyboard.press('e');
    await view.page.keyboard.press('Control+a');
    await view.page.keyboard.type('the right answer');
    await view.page.keyboard.press('Escape');
    await view.page.keyboard.press('t');
    await view.page.keyboard.type('math, units');
    await view.page.keyboard.press('Enter');
    await view.page.waitForFunction(() => /Tagged 1 item: math, units/.test(document.querySelector('.form-status')?.textContent ?? ''));
    assert.equal(await fieldValue('vscode-textarea.correction'), 'the right answer');
    assert.equal(await view.page.locator('.verdicts vscode-button:not([secondary])').innerText(), '1 Model wrong');
    await view.page.keyboard.press('Control+Enter');
    await view.page.waitForFunction(() => !/Tagged/.test(document.querySelector('.form-status')?.textContent ?? '') || false);
    const last = humanReviews().at(-1)!;
    assert.deepEqual([last.verdict, last.correction, last.tags], ['model-wrong', 'the right answer', ['math', 'units']]);
  });

  it('undo gives back the verdict, correction, tags, rubric and comment that were submitted', async () => {
    await view.page.locator('.queue-list').focus();
    const title = await detailTitle();
    await view.page.keyboard.press('1');
    await view.page.keyboard.press('e');
    await view.page.keyboard.press('Control+a');
    await view.page.keyboard.type('corrected text');
    await view.page.keyboard.press('Escape');
    await view.page
      .locator('.review-form vscode-textfield')
      .nth(1)
      .evaluate((e) => {
        (e as HTMLElement & { value: string }).value = 'units were missing';
      });
    await view.page.keyboard.press('t');
    await view.page.keyboard.type('physics');
    await view.page.keyboard.press('Escape');
    await view.page.keyboard.press('Control+Enter');
    await view.page.waitForFunction((t) => document.querySelector('.detail-title')?.textContent !== t, title);
    const saved = humanReviews().at(-1)!;
    assert.deepEqual([saved.verdict, saved.correction, saved.comment, saved.tags], ['model-wrong', 'corrected text', 'units were missing', ['physics']]);
    await view.page.keyboard.press('u');
    await view.page.waitForFunction((t) => document.querySelector('.detail-title')?.textContent === t, title);
    await view.page.waitForFunction(() => /what you had entered is back/.test(document.querySelector('.form-status')?.textContent ?? ''));
    assert.equal(await fieldValue('vscode-textarea.correction'), 'corrected text');
    assert.equal(await fieldValue('.review-form vscode-textfield >> nth=0'), 'physics');
    assert.equal(await fieldValue('.review-form vscode-textfield >> nth=1'), 'units were missing');
    assert.equal(await view.page.locator('.verdicts vscode-button:not([secondary])').innerText(), '1 Model wrong');
    assert.equal(humanReviews().at(-1)!.retracted, true);
  });

  it('keys pressed while a submit is saving belong to the next item: a fast reviewer labels two items, never one twice', async () => {
    await view.page.selectOption('.filter-state', 'new');
    await view.page.locator('.queue-list').focus();
    await view.page.keyboard.press('g');
    await view.page.waitForFunction(() => !!document.querySelector('.detail-title'));
    const before = humanReviews().length;
    // no waiting between the keys: the second verdict arrives while the first is saving
    await view.page.keyboard.press('3');
    await view.page.keyboard.press('Control+Enter');
    await view.page.keyboard.press('4');
    await view.page.keyboard.press('Control+Enter');
    await view.page.waitForFunction(() => /waiting/.test(document.querySelector('.counts')?.textContent ?? ''));
    const deadline = Date.now() + 5000;
    while (humanReviews().length < before + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const keys = valuesOf(store.database, 'SELECT cid, verdict FROM reviews WHERE grader IS NULL ORDER BY lc, eid').slice(before);
    assert.deepEqual(
      keys.map((k) => String(k[1])),
      ['ambiguous', 'discard'],
    );
    assert.notEqual(keys[0]![0], keys[1]![0], 'two different items');
  });

  it('Accept auto-graded says how many it will accept, waits for a second click, and reports what it did', async () => {
    await view.page.selectOption('.filter-state', 'auto-graded');
    await view.page.waitForFunction(() => document.querySelectorAll('.queue-row .row-badge.badge-auto-graded').length > 0);
    const waiting = Number(valuesOf(store.database, "SELECT COUNT(*) FROM items WHERE state = 'auto-graded'")[0]![0]);
    assert.ok(waiting > 0, 'the fixtures give auto-graded items');
    const accept = view.page.locator('vscode-button', { hasText: /Accept auto-graded|Confirm: accept/ });
    await accept.click();
    assert.match(await status(), new RegExp(`Accept the automatic verdicts of ${waiting} items? as your own reviews\\? Click again to confirm`));
    assert.equal(Number(valuesOf(store.database, "SELECT COUNT(*) FROM items WHERE state = 'auto-graded'")[0]![0]), waiting, 'nothing accepted yet');
    await accept.click();
    await view.page.waitForFunction(() => /Accepted \d+ automatic verdicts?/.test(document.querySelector('.form-status')?.textContent ?? ''));
    assert.match(await status(), new RegExp(`Accepted ${waiting} automatic verdicts?`));
    assert.equal(Number(valuesOf(store.database, "SELECT COUNT(*) FROM items WHERE state = 'auto-graded'")[0]![0]), 0);
  });
});

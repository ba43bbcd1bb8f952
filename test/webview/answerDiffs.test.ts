// Expected vs actual in the detail pane: short answers side by side with the differing
// characters marked on each side, long ones once with an inline word diff.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { closeBrowser, openWebview, type WebviewSession } from './webviewHarness';
import { detailFor, syntheticHost } from './syntheticQueue';

async function panelShowing(expected: string, output: string): Promise<WebviewSession> {
  const view = await openWebview(syntheticHost(1, (s) => detailFor(s, { expected, output })));
  await view.page.waitForSelector('.detail-title');
  return view;
}

describe('answer diffs (chromium)', { timeout: 60_000 }, () => {
  after(closeBrowser);

  it('"37" against "33" reads as two answers, each whole, with the differing digit marked', async () => {
    const view = await panelShowing('37', '33');
    try {
      assert.equal(await view.page.locator('.side-expected .diff').innerText(), '37');
      assert.equal(await view.page.locator('.side-actual .diff').innerText(), '33');
      assert.deepEqual(await view.page.locator('.side-expected .diff-removed').allInnerTexts(), ['7']);
      assert.deepEqual(await view.page.locator('.side-actual .diff-added').allInnerTexts(), ['3']);
      assert.equal(await view.page.locator('.compare > .diff').count(), 0, 'no interleaved diff');
    } finally {
      await view.close();
    }
  });

  it('a long output is shown once, as an inline word diff', async () => {
    const expected = 'The mitochondria is the powerhouse of the cell. '.repeat(20);
    const output = `${expected}It also stores calcium.`;
    const view = await panelShowing(expected, output);
    try {
      assert.equal(await view.page.locator('.compare .diff').count(), 1, 'one rendering of the texts');
      assert.equal(await view.page.locator('.side-expected').count(), 0);
      assert.match((await view.page.locator('.compare .diff-added').allInnerTexts()).join(''), /stores calcium/);
    } finally {
      await view.close();
    }
  });
});

// Model output is untrusted. Cases full of markup, script, CSS, javascript: links,
// 10 MB strings and control/bidi characters are shown as text: nothing executes,
// nothing loads, and the panel keeps answering keys.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { closeBrowser, openWebview, type WebviewSession } from './webviewHarness';
import { detailFor, syntheticHost } from './syntheticQueue';

const HOSTILE = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  '<a href="javascript:window.__pwned=\'link\'">click me</a>',
  '</pre><style>body { display: none !important }</style><pre>',
  '<svg onload="window.__pwned = \'svg\'"></svg>',
  '<iframe src="http://127.0.0.1:9/evil"></iframe>',
  '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css">',
  '{{constructor.constructor("window.__pwned=1")()}}',
];
const BIDI = 'admin\u202Egnp.exe\u202C and a null \u0000 and escape \u001b[31m';
const HUGE = 'A'.repeat(10 * 1024 * 1024);

describe('hostile content in the review panel (chromium)', { timeout: 120_000 }, () => {
  let view: WebviewSession;

  before(async () => {
    const payload = HOSTILE.join('\n');
    view = await openWebview(
      syntheticHost(
        3,
        (s) =>
          s.id.endsWith('0')
            ? detailFor(s, {
                input: { prompt: payload, messages: [{ role: '<b>system</b>', content: payload }], vars: { '<img src=x onerror=alert(1)>': payload } },
                output: payload,
                expected: BIDI,
                error: payload,
                scores: [{ name: '<script>x</script>', value: '<i>v</i>', passed: false, reason: payload }],
                trace: [{ kind: 'tool-call', title: '<img src=x onerror="window.__pwned=\'trace\'">', content: payload }],
              })
            : s.id.endsWith('1')
              ? detailFor(s, { output: HUGE, expected: HUGE.slice(0, 100) })
              : detailFor(s),
        (i) => (i === 0 ? HOSTILE[1]! : `plain ${i}`),
      ),
    );
    await view.page.waitForSelector('.detail-title');
    // open every trace step so its body is rendered too
    await view.page.$$eval('details.step', (steps) => steps.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await view.page.waitForTimeout(300);
  });
  after(async () => {
    await view?.close();
    await closeBrowser();
  });

  it('renders markup as literal text and executes nothing', async () => {
    assert.equal(await view.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.equal(await view.page.locator('.queue-row.cursor .row-title').innerText(), HOSTILE[1]);
    const text = await view.page.locator('.detail').innerText();
    for (const h of HOSTILE) assert.ok(text.includes(h.trim()), `shown literally: ${h}`);
    assert.equal(await view.page.locator('.detail script, .detail img, .detail iframe, .detail svg, .detail a[href], .detail style, .detail link').count(), 0);
    assert.equal(await view.page.evaluate(() => getComputedStyle(document.body).display), 'block', 'injected CSS had no effect');
  });

  it('loads nothing from anywhere but its own script and stylesheet', () => {
    assert.deepEqual(view.strayRequests, []);
  });

  it('makes bidi overrides and control characters visible', async () => {
    // the expected answer is shown in the compare section (inline diff or beside the output)
    const expected = await view.page.locator('.compare').first().innerText();
    assert.match(expected, /⟨U\+202E⟩/);
    assert.match(expected, /⟨U\+0000⟩/);
    assert.match(expected, /⟨U\+001B⟩/);
    assert.ok(!expected.includes('\u202E'));
  });

  it('shows a 10 MB output cut to a readable size and stays responsive', async () => {
    await view.page.locator('.queue-list').focus();
    const started = Date.now();
    await view.page.keyboard.press('j');
    await view.page.waitForFunction(() => document.querySelector('.detail-title')?.textContent === 'plain 1');
    const shown = await view.page.locator('.side').nth(1).innerText();
    assert.ok(shown.length < 200_000, `shown ${shown.length} characters`);
    assert.match(shown, /Show more \(10,385,760 more characters\)/);
    assert.match(await view.page.locator('.diff').innerText(), /Too long for a word diff/);
    await view.page.keyboard.press('j');
    await view.page.waitForFunction(() => document.querySelector('.detail-title')?.textContent === 'plain 2');
    assert.ok(Date.now() - started < 5000, `moving past the huge case took ${Date.now() - started} ms`);
  });

  it('drops host messages that do not fit the protocol', async () => {
    await view.page.evaluate(() => {
      window.postMessage({ type: 'detail', requestId: 'x', detail: '<img src=x onerror="window.__pwned=1">' }, '*');
      window.postMessage({ type: 'page', requestId: 1, offset: 0, total: 1, items: [{ id: 'not-an-id' }] }, '*');
      window.postMessage('<script>window.__pwned=1</script>', '*');
    });
    await view.page.waitForTimeout(100);
    assert.equal(await view.page.evaluate(() => (window as unknown as { __evalloop: { bridge: { rejected: number } } }).__evalloop.bridge.rejected >= 3), true);
    assert.equal(await view.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
  });
});

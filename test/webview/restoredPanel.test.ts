// A review panel VS Code restores after a window reload starts from the state it saved:
// the filter bar shows the filter the list is under from the first page on, though the
// host's lists of runs and tags (its snapshot) may arrive after that page; a filter the
// host asks for is shown the same way.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { HostMessage, QueueFilter, WebviewMessage } from '../../src/protocol/reviewProtocol';
import { detailFor, summaryAt } from './syntheticQueue';
import { closeBrowser, openWebview, type WebviewSession } from './webviewHarness';

const RUNS = [
  { id: 'promptfoo:eval-a', label: 'first eval · gpt-5 (3 failed)' },
  { id: 'promptfoo:eval-b', label: 'second eval · gpt-5-mini (3 failed)' },
];

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A host that answers pages and details at once and sends its snapshot only when told. */
function slowSnapshotHost() {
  const queries: QueueFilter[] = [];
  let post: ((m: HostMessage) => void) | undefined;
  const answer = (message: WebviewMessage, reply: (m: HostMessage) => void): void => {
    post = reply;
    if (message.type === 'query') {
      queries.push(message.filter);
      const items = [0, 1, 2].slice(message.offset, message.offset + message.limit).map((i) => summaryAt(i));
      reply({ type: 'page', requestId: message.requestId, offset: message.offset, total: 3, items });
    } else if (message.type === 'detail') {
      reply({ type: 'detail', requestId: message.requestId, detail: detailFor(summaryAt(parseInt(message.id, 16))) });
    }
  };
  const snapshot = () => post?.({ type: 'snapshot', reviewer: 'tester', total: 3, counts: { new: 3 }, regressions: 0, tags: ['math'], runs: RUNS });
  return { answer, queries, snapshot, post: (m: HostMessage) => post?.(m) };
}

/** The run and tag the filter bar shows, as values and as the labels the reviewer reads. */
function filterBar(view: WebviewSession) {
  return view.page.evaluate(() => {
    const run = document.querySelector('select.filter-run') as HTMLSelectElement;
    const tag = document.querySelector('select.filter-tag') as HTMLSelectElement;
    return { run: run.value, runLabel: run.selectedOptions[0]?.textContent ?? '', tag: tag.value };
  });
}

describe('a review panel restored with its state (chromium)', { timeout: 60_000 }, () => {
  after(closeBrowser);

  it('shows its saved run and tag filter with its first page, before the host has listed the runs', async () => {
    const host = slowSnapshotHost();
    const saved = { filter: { state: 'new', runId: 'promptfoo:eval-b', tag: 'math' }, listWidth: 320 };
    const view = await openWebview(host.answer, `window.__panelState = ${JSON.stringify(saved)};`);
    try {
      await view.page.waitForSelector('.queue-row .row-title');
      assert.deepEqual(host.queries[0], saved.filter, 'the list is under the saved filter');
      const early = await filterBar(view);
      assert.equal(early.run, 'promptfoo:eval-b');
      assert.equal(early.tag, 'math');
      host.snapshot();
      await view.page.waitForFunction(() => (document.querySelector('select.filter-run') as HTMLSelectElement).options.length === 3);
      assert.deepEqual(await filterBar(view), { run: 'promptfoo:eval-b', runLabel: 'second eval · gpt-5-mini (3 failed)', tag: 'math' });
    } finally {
      await view.close();
    }
  });

  it('a run filter the host asks for (Review on a capture notice) is what the filter bar shows', async () => {
    const host = slowSnapshotHost();
    const view = await openWebview(host.answer);
    try {
      await view.page.waitForSelector('.queue-row .row-title');
      host.snapshot();
      await view.page.waitForFunction(() => (document.querySelector('select.filter-run') as HTMLSelectElement).options.length === 3);
      assert.equal((await filterBar(view)).run, '');
      host.post({ type: 'filter', filter: { runId: 'promptfoo:eval-a' } });
      // the list is asked for under the new filter; the host sends no new snapshot
      await until(() => host.queries.at(-1)?.runId === 'promptfoo:eval-a', 'the query under the run filter');
      assert.deepEqual(host.queries.at(-1), { runId: 'promptfoo:eval-a' });
      assert.deepEqual(await filterBar(view), { run: 'promptfoo:eval-a', runLabel: 'first eval · gpt-5 (3 failed)', tag: '' });
    } finally {
      await view.close();
    }
  });

  it('the order chosen in the bar is asked of the host, kept in the saved state, and shown again when the panel is restored', async () => {
    const host = slowSnapshotHost();
    const view = await openWebview(host.answer);
    try {
      await view.page.waitForSelector('.queue-row .row-title');
      assert.equal(await view.page.evaluate(() => (document.querySelector('select.filter-sort') as HTMLSelectElement).value), 'oldest');
      assert.equal(host.queries.at(-1)?.sort, undefined, 'capture order is the default and not sent');
      await view.page.selectOption('select.filter-sort', 'regression');
      await until(() => host.queries.at(-1)?.sort === 'regression', 'the query in the chosen order');
      const saved = await view.page.evaluate(() => (window as unknown as { __panelState?: { filter?: { sort?: string } } }).__panelState?.filter?.sort);
      assert.equal(saved, 'regression', 'the order is part of the saved state');
    } finally {
      await view.close();
    }
    const restored = await openWebview(slowSnapshotHost().answer, `window.__panelState = ${JSON.stringify({ filter: { sort: 'newest' } })};`);
    try {
      await restored.page.waitForSelector('.queue-row .row-title');
      assert.equal(await restored.page.evaluate(() => (document.querySelector('select.filter-sort') as HTMLSelectElement).value), 'newest');
    } finally {
      await restored.close();
    }
  });
});

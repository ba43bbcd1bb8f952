// Review panel timings in real chromium (the built bundle, a stand-in host):
//   first paint: from the host's first page of 100,000 items arriving to the rows being painted;
//   next item: from a j keypress to the next frame painted with the cursor moved.
// Baselines in the same page: painting the same rows with one innerHTML assignment, and a
// keypress handler that only moves a CSS class.
import { openWebview, closeBrowser } from '../test/webview/webviewHarness';
import { syntheticHost } from '../test/webview/syntheticQueue';
import { median, quantile } from './benchStats';

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  const firstPaints: number[] = [];
  for (let round = 0; round < 5; round++) {
    // the page notes when the first page of items arrives and when rows are next painted after it
    const view = await openWebview(
      syntheticHost(Number(process.env.BENCH_QUEUE_ITEMS ?? 100_000)),
      `window.addEventListener('message', (e) => {
         if (e.data && e.data.type === 'page' && !window.__firstPageAt) {
           window.__firstPageAt = performance.now();
           setTimeout(() => requestAnimationFrame(() => { window.__paintedAt = performance.now(); }), 0);
         }
       }, true);`,
    );
    await view.page.waitForFunction(() => (window as unknown as { __paintedAt?: number }).__paintedAt !== undefined && document.querySelector('.queue-row .row-title'));
    firstPaints.push(
      await view.page.evaluate(() => {
        const w = window as unknown as { __paintedAt: number; __firstPageAt: number };
        return w.__paintedAt - w.__firstPageAt;
      }),
    );
    if (round === 4) {
      // keypress → next item, measured inside the page
      const latencies = await view.page.evaluate(async () => {
        const out: number[] = [];
        const list = document.querySelector('.queue-list') as HTMLElement;
        list.focus();
        const toFrame: number[] = [];
        for (let i = 0; i < 200; i++) {
          const t0 = performance.now();
          list.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
          void list.offsetHeight; // style and layout of the moved cursor, done now
          out.push(performance.now() - t0);
          await new Promise((r) => requestAnimationFrame(() => r(undefined)));
          toFrame.push(performance.now() - t0);
        }
        return { work: out, toFrame };
      });
      const baseline = await view.page.evaluate(async () => {
        const host = document.createElement('div');
        document.body.append(host);
        const rows = Array.from({ length: 60 }, (_, i) => `<div class="queue-row"><span class="row-badge">new</span><span class="row-title">generated case number ${i}</span><span class="row-meta">generated</span></div>`).join('');
        const t0 = performance.now();
        host.innerHTML = rows;
        await new Promise((r) => requestAnimationFrame(() => r(undefined)));
        const paint = performance.now() - t0;
        const moves: number[] = [];
        const children = Array.from(host.children);
        for (let i = 0; i < 60; i++) {
          const m0 = performance.now();
          children[i - 1]?.classList.remove('cursor');
          children[i]!.classList.add('cursor');
          void host.offsetHeight;
          moves.push(performance.now() - m0);
          await new Promise((r) => requestAnimationFrame(() => r(undefined)));
        }
        host.remove();
        return { paint, moves };
      });
      results.nextItemMedianMs = median(latencies.work);
      results.nextItemP95Ms = quantile(latencies.work, 0.95);
      results.nextItemToFrameMedianMs = median(latencies.toFrame);
      results.baselineMoveMedianMs = median(baseline.moves);
      results.baselinePaintMs = baseline.paint;
    }
    await view.close();
  }
  results.firstPaintMedianMs = median(firstPaints);
  await closeBrowser();
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});

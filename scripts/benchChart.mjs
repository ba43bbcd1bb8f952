// Draws bench/results/latest.json as one SVG of small charts: each measure against
// size (log scale), ours beside its baseline, so the growth with size is visible.
// `node scripts/benchChart.mjs` redraws BENCHMARKS.svg from the last results.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const W = 300;
const H = 190;
const PAD = { left: 46, right: 10, top: 26, bottom: 30 };
const COLORS = ['#d6336c', '#1c7ed6', '#f59f00', '#37b24d'];
const label = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const esc = (s) => String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

/** One chart: series of [size, value] points on a log x axis and a linear y axis from 0. */
function panel(x0, y0, title, unit, sizes, series) {
  const values = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => Number.isFinite(v));
  const max = Math.max(...values, 1e-9) * 1.1;
  const lo = Math.log10(Math.min(...sizes));
  const hi = Math.log10(Math.max(...sizes));
  const px = (n) => x0 + PAD.left + ((Math.log10(n) - lo) / Math.max(hi - lo, 1e-9)) * (W - PAD.left - PAD.right);
  const py = (v) => y0 + H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const out = [`<text x="${x0 + 6}" y="${y0 + 15}" font-size="12" font-weight="bold">${esc(title)}</text>`];
  out.push(`<line x1="${x0 + PAD.left}" y1="${py(0)}" x2="${x0 + W - PAD.right}" y2="${py(0)}" stroke="#999"/>`);
  out.push(`<line x1="${x0 + PAD.left}" y1="${py(0)}" x2="${x0 + PAD.left}" y2="${y0 + PAD.top}" stroke="#999"/>`);
  for (const n of sizes) out.push(`<text x="${px(n)}" y="${y0 + H - 12}" font-size="10" text-anchor="middle">${label(n)}</text>`);
  for (const f of [0, 0.5, 1]) out.push(`<text x="${x0 + PAD.left - 4}" y="${py((max / 1.1) * f) + 3}" font-size="9" text-anchor="end">${+((max / 1.1) * f).toPrecision(2)}</text>`);
  out.push(`<text x="${x0 + 6}" y="${y0 + PAD.top + 4}" font-size="9" fill="#666">${esc(unit)}</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[1]));
    if (!pts.length) return;
    const color = COLORS[i % COLORS.length];
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) out.push(`<circle cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="2.5" fill="${color}"/>`);
    // legend top left, where the lines (growing with size) rarely are
    out.push(`<text x="${x0 + PAD.left + 6}" y="${y0 + PAD.top + 6 + 11 * i}" font-size="9" fill="${color}">${esc(s.name)}</text>`);
  });
  return out.join('\n');
}

export function writeChart(r, file) {
  const panels = [
    [
      'capture, promptfoo JSONL',
      's',
      r.capture.map((c) => c.cases),
      [
        { name: 'Eval Loop capture', points: r.capture.map((c) => [c.cases, c.ours.seconds]) },
        { name: 'JSON.parse', points: r.capture.map((c) => [c.cases, c.parse.seconds]) },
        { name: 'jq', points: r.capture.map((c) => [c.cases, c.jqSeconds ?? NaN]) },
      ],
    ],
    [
      'capture, Inspect .json log',
      's',
      r.inspect.map((c) => c.cases),
      [
        { name: 'Eval Loop capture', points: r.inspect.map((c) => [c.cases, c.ours.seconds]) },
        { name: 'JSON.parse', points: r.inspect.map((c) => [c.cases, c.parse.seconds]) },
        { name: 'jq', points: r.inspect.map((c) => [c.cases, c.jqSeconds ?? NaN]) },
      ],
    ],
    [
      'append 100 cases to a file of N',
      'ms',
      r.capture.map((c) => c.cases),
      [
        { name: 'capture of the append', points: r.capture.map((c) => [c.cases, c.incremental.appendMedianMs]) },
        { name: 'index checkpoint', points: r.capture.map((c) => [c.cases, c.incremental.checkpointMs]) },
      ],
    ],
    ['open a queue of N items', 's', r.queue.map((q) => q.items), [{ name: 'index load + catch-up', points: r.queue.map((q) => [q.items, q.open.seconds]) }]],
    ['open: peak memory', 'MB', r.queue.map((q) => q.items), [{ name: 'peak RSS', points: r.queue.map((q) => [q.items, q.open.maxRssMb]) }]],
    [
      'review action, queue of N',
      'ms',
      r.queue.map((q) => q.items),
      [
        { name: 'p95 to durable', points: r.queue.map((q) => [q.items, q.review.durableP95Ms]) },
        { name: 'p95 next page', points: r.queue.map((q) => [q.items, q.review.pageP95Ms]) },
        { name: 'header counts', points: r.queue.map((q) => [q.items, q.review.countsMedianMs]) },
      ],
    ],
    [
      'review panel, queue of N',
      'ms',
      r.webview.map((w) => w.items),
      [
        { name: 'first paint', points: r.webview.map((w) => [w.items, w.firstPaintMedianMs]) },
        { name: 'next item', points: r.webview.map((w) => [w.items, w.nextItemMedianMs]) },
      ],
    ],
    [
      'snapshot of N reviewed items',
      's',
      r.corpus.map((c) => c.items),
      [
        { name: 'Eval Loop snapshot', points: r.corpus.map((c) => [c.items, c.snapshotSeconds]) },
        { name: 'select + serialise', points: r.corpus.map((c) => [c.items, c.baselineSeconds]) },
      ],
    ],
  ].filter(([, , sizes]) => sizes.length);
  const cols = 3;
  const rows = Math.ceil(panels.length / cols);
  const body = panels.map(([title, unit, sizes, series], i) => panel((i % cols) * W, 24 + Math.floor(i / cols) * H, title, unit, sizes, series)).join('\n');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${cols * W}" height="${rows * H + 30}" font-family="sans-serif" viewBox="0 0 ${cols * W} ${rows * H + 30}">
<rect width="100%" height="100%" fill="#fff"/>
<text x="6" y="16" font-size="13">Eval Loop benchmarks — ${esc(r.machine)}, ${esc(r.date.slice(0, 10))} (x: size, log scale)</text>
${body}
</svg>
`;
  writeFileSync(file, svg);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeChart(JSON.parse(readFileSync('bench/results/latest.json', 'utf8')), 'BENCHMARKS.svg');

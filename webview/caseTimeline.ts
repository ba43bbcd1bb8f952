// A case's timeline across its suite's runs: one mark per run (pass, fail, error, or no
// failure recorded), oldest on the left, so a case that keeps flipping is seen at a
// glance. Drawn as SVG with DOM calls; every label is a text node, and each mark's
// <title> (run, model, commit) is text too.
import type { HistoryPoint } from '../src/protocol/reviewProtocol';
import { el } from './safeText';

const SVG = 'http://www.w3.org/2000/svg';
const STEP = 14;
const SIZE = 10;
const OUTCOME_WORDS: Record<HistoryPoint['outcome'], string> = { pass: 'passed', fail: 'failed', error: 'error', none: 'no failure recorded (passed, or not in this run)' };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** Times the case went from passing to failing or back, over the runs whose outcome is known. */
export function flipsOf(history: HistoryPoint[]): number {
  const known = history.filter((h) => h.outcome !== 'none').map((h) => (h.outcome === 'pass' ? 'pass' : 'fail'));
  let flips = 0;
  for (let i = 1; i < known.length; i++) if (known[i] !== known[i - 1]) flips++;
  return flips;
}

export function caseTimeline(history: HistoryPoint[] | undefined): HTMLElement | null {
  if (!history || history.length === 0) return null;
  const box = el('div', 'case-timeline');
  const width = history.length * STEP + 4;
  const chart = svg('svg', { width, height: SIZE + 14, viewBox: `0 0 ${width} ${SIZE + 14}`, role: 'img', 'aria-label': 'the case in each run, oldest first' });
  history.forEach((h, i) => {
    const x = 2 + i * STEP;
    const mark = h.outcome === 'pass' ? svg('circle', { cx: x + SIZE / 2, cy: SIZE / 2 + 1, r: SIZE / 2, class: 'tl-pass' }) : svg('rect', { x, y: 1, width: SIZE, height: SIZE, rx: h.outcome === 'none' ? 5 : 1, class: `tl-${h.outcome}${h.regression ? ' tl-regression' : ''}` });
    const title = svg('title', {});
    title.textContent = [OUTCOME_WORDS[h.outcome], h.regression ? 'regression' : '', h.at?.slice(0, 16) ?? '', h.model ?? '', h.gitCommit ? `commit ${h.gitCommit.slice(0, 10)}` : '', h.runId].filter(Boolean).join(' · ');
    mark.append(title);
    chart.append(mark);
  });
  const first = svg('text', { x: 2, y: SIZE + 12, class: 'tl-label' });
  // the ends are named where the chart is wide enough for both words (the aria-label says it anyway)
  const named = history.length > 3;
  first.textContent = named ? 'oldest' : '';
  const last = svg('text', { x: width - 2, y: SIZE + 12, 'text-anchor': 'end', class: 'tl-label' });
  last.textContent = named ? 'latest' : '';
  chart.append(first, last);
  const flips = flipsOf(history);
  const counts = (o: HistoryPoint['outcome']) => history.filter((h) => h.outcome === o).length;
  const summary = [`${counts('fail') + counts('error')} failed`, counts('pass') ? `${counts('pass')} passed` : '', counts('none') ? `${counts('none')} without a failure` : '', flips >= 2 ? `flipped ${flips} times: flaky?` : ''].filter(Boolean).join(' · ');
  box.append(chart, el('span', `tl-summary${flips >= 2 ? ' tl-flaky' : ''}`, summary));
  return box;
}

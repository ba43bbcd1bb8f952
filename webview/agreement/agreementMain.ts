// The agreement report page: where items stand, Krippendorff's α, Cohen's κ for each
// pair of reviewers with its confusion matrix, each person against the auto-grader, and
// a button to the disputed items. Every message from the host is validated; every
// string from the data is placed as text.
import { agreementHostMessageSchema, type AgreementReportData, type AgreementWebviewMessage } from '../../src/protocol/agreementProtocol';
import { el } from '../safeText';
import { confusionSvg } from './confusionSvg';
import { counted } from '../../src/core/text/counted';

interface VsCodeApi {
  postMessage(message: AgreementWebviewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const app = document.getElementById('app')!;

const figure = (value: number | null) => (value === null ? '—' : value.toFixed(3));
const share = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100)}%`);

function comparisonLine(c: { kappa: number | null; alpha: number | null; items: number; observed: number | null }): string {
  return `κ ${figure(c.kappa)} · α ${figure(c.alpha)} · ${counted(c.items, 'item')} · ${share(c.observed)} the same`;
}

function table(head: string[], rows: string[][]): HTMLTableElement {
  const t = el('table', 'figures');
  const tr = el('tr');
  for (const h of head) tr.append(el('th', undefined, h));
  t.append(tr);
  for (const row of rows) {
    const r = el('tr');
    for (const cell of row) r.append(el('td', undefined, cell));
    t.append(r);
  }
  return t;
}

function render(report: AgreementReportData): void {
  const s = report.byStatus;
  const top = el('section', 'summary');
  top.append(
    el('h2', undefined, 'Agreement'),
    el('p', undefined, `${counted(report.items, 'item')}: ${s.none} unreviewed · ${s.single} reviewed once · ${s.agreed} agreed · ${s.disputed} disputed · ${s.adjudicated} adjudicated`),
    el('p', 'alpha', `Krippendorff's α (nominal, every reviewer): ${figure(report.alpha.alpha)} — over ${counted(report.alpha.units, 'item')} with two or more verdicts (${counted(report.alpha.values, 'verdict')}, ${counted(report.reviewers.length, 'reviewer')})`),
  );
  if (report.alpha.alpha === null) top.append(el('p', 'note', '— is undefined: no item has two verdicts yet, or every verdict is the same.'));
  const disputed = document.createElement('button');
  disputed.className = 'open-disputed';
  disputed.textContent = s.disputed ? `Review the ${counted(s.disputed, 'disputed item')} →` : 'No disputed items';
  disputed.disabled = s.disputed === 0;
  disputed.addEventListener('click', () => api.postMessage({ type: 'openDisputed' }));
  top.append(disputed);

  const pairs = el('section', 'pairs');
  pairs.append(el('h2', undefined, "Cohen's κ per pair of reviewers"));
  if (report.pairs.length === 0) pairs.append(el('p', 'note', 'No two reviewers have judged the same item yet.'));
  for (const p of report.pairs) {
    const box = el('div', 'pair');
    box.append(el('h3', undefined, `${p.a} × ${p.b}`), el('p', undefined, comparisonLine(p)), confusionSvg(p.matrix, report.categories, p.a, p.b));
    pairs.append(box);
  }

  const graders = el('section', 'graders');
  graders.append(el('h2', undefined, 'Each person against the auto-grader'));
  if (report.autoGrader.byGrader.length === 0) graders.append(el('p', 'note', "No item has both a person's verdict and an automatic one."));
  else {
    graders.append(
      el('h3', undefined, 'per grader'),
      table(
        ['reviewer', 'grader', 'κ', 'α', 'items', 'same'],
        report.autoGrader.byGrader.map((g) => [g.reviewer, g.grader, figure(g.kappa), figure(g.alpha), String(g.items), share(g.observed)]),
      ),
      el('h3', undefined, 'per suite'),
      table(
        ['reviewer', 'suite', 'κ', 'α', 'items', 'same'],
        report.autoGrader.bySuite.map((g) => [g.reviewer, g.suite, figure(g.kappa), figure(g.alpha), String(g.items), share(g.observed)]),
      ),
    );
  }
  app.replaceChildren(top, pairs, graders);
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = agreementHostMessageSchema.safeParse(event.data);
  if (!parsed.success) return; // not ours, or malformed
  if (parsed.data.type === 'report') render(parsed.data.report);
  else app.replaceChildren(el('p', 'error', `The agreement figures could not be computed: ${parsed.data.message}`));
});
app.append(el('p', 'note', 'Computing agreement…'));
api.postMessage({ type: 'ready' });

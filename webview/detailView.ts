// The detail pane: input, trace, expected vs actual, grader scores, occurrences.
// Everything from the case is placed as text.
import type { ItemDetail } from '../src/protocol/reviewProtocol';
import { el, textBlock, visibleText } from './safeText';
import { charDiffSides, DIFF_LIMIT, isShortAnswer, wordDiff } from './wordDiff';
import { renderReviewHistory } from './reviewHistory';
import { caseTimeline } from './caseTimeline';

const TRACE_STEPS_SHOWN = 200;

function section(title: string, ...children: Node[]): HTMLElement {
  const s = el('section', 'detail-section');
  s.append(el('h3', undefined, title), ...children);
  return s;
}

export interface DetailActions {
  openSource(): void;
  openDiff(against: 'expected' | 'lastPass'): void;
  /** The failure cluster's section (clusterBatch.ts), if the item has alike failures. */
  cluster?(detail: ItemDetail): HTMLElement | null;
  /** Go to Test Definition (formats whose tests are found where they are defined). */
  goToDefinition?(): void;
}

export function renderDetail(detail: ItemDetail, actions: DetailActions): HTMLElement {
  const root = el('div', 'detail');
  const { item, case: c } = detail;
  const header = el('div', 'detail-header');
  header.append(el('h2', 'detail-title', item.title));
  const badges = el('div', 'badges');
  const badge = (text: string, kind: string) => badges.append(el('span', `badge badge-${kind}`, text));
  if (item.pinned) badge(`pinned: ${item.pinned}`, 'pinned');
  if (item.regression) badge('regression', 'regression');
  if (item.fixed) badge('fixed', 'fixed');
  badge(item.state, item.state);
  if (item.verdict) badge(item.verdict, 'verdict');
  if (item.blind) badge("blind: give your verdict to see others'", 'blind');
  if (item.grader) badge(`auto: ${item.grader}`, 'auto');
  for (const t of item.tags) badge(`#${t}`, 'tag');
  header.append(badges, el('div', 'case-key', item.caseKey));
  if (item.pinned) header.append(el('p', 'pinned-note', `This input is pinned in eval slice ${item.pinned}: snapshots hold it out of every training version, whatever the verdict.`));
  root.append(header);
  const cluster = actions.cluster?.(detail);
  if (cluster) root.append(cluster);

  if (item.gradeReason) root.append(section('Auto-grade', el('p', 'grade-reason', item.gradeReason)));
  const history = renderReviewHistory(detail.reviews ?? []);
  if (history) root.append(section('Reviews', history));
  if (!c) {
    root.append(el('p', 'missing', 'The full case could not be loaded (its blob is missing or damaged).'));
    return root;
  }

  // input
  const input = el('div', 'input');
  if (c.input.prompt !== undefined) input.append(textBlock(c.input.prompt));
  for (const m of c.input.messages ?? []) {
    const msg = el('div', `message role-${m.role.replace(/[^a-z]/gi, '')}`);
    msg.append(el('span', 'role', m.role), textBlock(m.content));
    input.append(msg);
  }
  if (c.input.vars && Object.keys(c.input.vars).length) input.append(textBlock(JSON.stringify(c.input.vars, null, 2), 'text vars'));
  root.append(section('Input', input));

  // expected vs actual
  const compare = el('div', 'compare');
  const side = (title: string, body: Node, kind: string) => {
    const box = el('div', `side side-${kind}`);
    box.append(el('h4', undefined, title), body);
    return box;
  };
  const sides = el('div', 'sides');
  if (c.expected !== null && c.output !== null && isShortAnswer(c.expected, c.output)) {
    // short: side by side, the characters that differ marked on each side
    const marked = charDiffSides(c.expected, c.output);
    compare.append(el('div', 'legend', 'Marked: on the left what only the expected answer has, on the right what only the output has'));
    sides.append(side('Expected', marked.expected, 'expected'), side('Actual', marked.actual, 'actual'));
    compare.append(sides);
  } else if (c.expected !== null && c.output !== null && c.expected.length + c.output.length <= DIFF_LIMIT) {
    // long: shown once, with the differences inline
    compare.append(el('div', 'legend', 'Word diff: struck through = expected only, highlighted = output only'), wordDiff(c.expected, c.output));
  } else if (c.expected !== null && c.output !== null) {
    // too long to diff here: each text once, cut to a readable size, and the native diff
    compare.append(wordDiff(c.expected, c.output));
    sides.append(side('Expected', textBlock(c.expected), 'expected'), side('Actual', textBlock(c.output), 'actual'));
    compare.append(sides);
  } else {
    const none = () => el('p', 'none', '(none)');
    sides.append(side('Expected', c.expected === null ? none() : textBlock(c.expected), 'expected'), side('Actual', c.output === null ? none() : textBlock(c.output), 'actual'));
    compare.append(sides);
  }
  const diffButtons = el('div', 'buttons');
  const diffButton = document.createElement('vscode-button');
  diffButton.textContent = 'Open Diff';
  diffButton.setAttribute('secondary', '');
  diffButton.addEventListener('click', () => actions.openDiff('expected'));
  diffButtons.append(diffButton);
  if (detail.lastPassRun) {
    const passButton = document.createElement('vscode-button');
    passButton.textContent = 'Diff with last pass';
    passButton.setAttribute('secondary', '');
    passButton.addEventListener('click', () => actions.openDiff('lastPass'));
    diffButtons.append(passButton);
  }
  compare.append(diffButtons);
  root.append(section('Expected vs actual', compare));

  if (c.error) root.append(section('Error', textBlock(c.error, 'text error')));

  if (c.scores.length) {
    const list = el('ul', 'scores');
    for (const s of c.scores) {
      const li = el('li', s.passed === true ? 'pass' : s.passed === false ? 'fail' : 'undecided');
      const mark = s.passed === true ? '✓' : s.passed === false ? '✗' : '·';
      li.append(el('span', 'score-head', `${mark} ${s.name} · score ${String(s.value)}${s.threshold !== undefined ? ` (threshold ${s.threshold})` : ''}`));
      if (s.reason) li.append(textBlock(s.reason, 'text reason'));
      list.append(li);
    }
    root.append(section('Graders', list));
  }

  if (c.trace.length) {
    const trace = el('div', 'trace');
    for (const step of c.trace.slice(0, TRACE_STEPS_SHOWN)) {
      const d = document.createElement('details');
      d.className = `step step-${step.kind}`;
      d.style.marginLeft = `${Math.min(step.depth ?? 0, 8) * 12}px`;
      const summary = document.createElement('summary');
      summary.textContent = visibleText(`${step.kind}: ${step.title}`);
      d.append(summary);
      // the body is built only when opened: a long trace costs nothing until read
      d.addEventListener(
        'toggle',
        () => {
          if (d.open && d.children.length === 1) d.append(textBlock(step.content ?? ''));
        },
        { once: false },
      );
      trace.append(d);
    }
    if (c.trace.length > TRACE_STEPS_SHOWN) trace.append(el('p', 'none', `… ${c.trace.length - TRACE_STEPS_SHOWN} more steps`));
    root.append(section(`Trace (${c.trace.length} steps)`, trace));
  }

  const occ = el('ul', 'occurrences');
  for (const o of detail.occurrences) {
    occ.append(el('li', o.regression ? 'regression' : undefined, `${o.startedAt ?? o.at}${o.model ? ` · ${o.model}` : ''} · ${o.outcome}${o.regression ? ' · regression' : ''}${o.gitCommit ? ` · commit ${o.gitCommit.slice(0, 10)}` : ''}${o.record ? ` · ${o.record}` : ''}`));
  }
  const source = document.createElement('vscode-button');
  source.textContent = 'Open result file at this record';
  source.setAttribute('secondary', '');
  source.addEventListener('click', () => actions.openSource());
  const definable = ['promptfoo', 'inspect', 'junit'].includes(item.format) && actions.goToDefinition;
  const definition = document.createElement('vscode-button');
  definition.textContent = 'Go to Test Definition';
  definition.setAttribute('secondary', '');
  definition.addEventListener('click', () => actions.goToDefinition?.());
  const timeline = caseTimeline(detail.history);
  root.append(section(`Seen in ${detail.occurrences.length} run${detail.occurrences.length === 1 ? '' : 's'}${detail.lastPassRun ? ' · passed before' : ''}`, ...(timeline ? [timeline] : []), occ, source, ...(definable ? [definition] : [])));
  return root;
}

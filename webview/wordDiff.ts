// Expected vs actual as a word-level diff, built from text nodes only.
import { diffWordsWithSpace } from 'diff';
import { DISPLAY_LIMIT, visibleText } from './safeText';

/** Word diffs are quadratic in the worst case; past this size the two texts are shown side by side. */
const DIFF_LIMIT = 20_000;

export function wordDiff(expected: string, actual: string): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = 'text diff';
  if (expected.length + actual.length > DIFF_LIMIT) {
    pre.append(span('diff-note', `Too long for a word diff (${(expected.length + actual.length).toLocaleString()} characters); use Open Diff.`));
    return pre;
  }
  for (const part of diffWordsWithSpace(expected, actual)) {
    const className = part.added ? 'diff-added' : part.removed ? 'diff-removed' : 'diff-same';
    pre.append(span(className, part.value.slice(0, DISPLAY_LIMIT)));
  }
  return pre;
}

function span(className: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = visibleText(text);
  return s;
}

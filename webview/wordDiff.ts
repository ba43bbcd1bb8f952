// Expected vs actual, built from text nodes only: short answers side by side with the
// characters that differ marked on each side (an interleaved diff of "37" and "33"
// reads as "3733"), long ones once, as an inline word diff.
import { diffChars, diffWordsWithSpace } from 'diff';
import { DISPLAY_LIMIT, visibleText } from './safeText';

/** Word diffs are quadratic in the worst case; past this size the two texts are shown side by side. */
export const DIFF_LIMIT = 20_000;

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

/** Answers up to this long (each) are compared side by side, character by character. */
export const SHORT_ANSWER = 300;

export function isShortAnswer(expected: string, actual: string): boolean {
  return expected.length <= SHORT_ANSWER && actual.length <= SHORT_ANSWER && expected.split('\n').length <= 6 && actual.split('\n').length <= 6;
}

/** The two short texts, each with what the other lacks marked: removed on the expected side, added on the actual side. */
export function charDiffSides(expected: string, actual: string): { expected: HTMLElement; actual: HTMLElement } {
  const left = document.createElement('pre');
  left.className = 'text diff diff-side';
  const right = document.createElement('pre');
  right.className = 'text diff diff-side';
  for (const part of diffChars(expected, actual)) {
    if (!part.added) left.append(span(part.removed ? 'diff-removed' : 'diff-same', part.value));
    if (!part.removed) right.append(span(part.added ? 'diff-added' : 'diff-same', part.value));
  }
  return { expected: left, actual: right };
}

// The exact parts of a failure's signature: the class of the error it raised and the
// shape of the grader's reason with its particulars (numbers, quoted values) masked,
// so "expected 42, got 17" and "expected 3, got 9" read as one kind of failure.
import type { EvalCase } from '../model/caseModel';

/** Longest shape kept: a reason's particulars past this rarely tell two kinds apart. */
const MAX_SHAPE = 160;

// Python's last traceback line, Java's and JavaScript's "Name: message", dotted or not
const CLASS_AT_LINE_START = /^\s*(?:[A-Za-z_][\w]*\.)*([A-Z][\w]*(?:Error|Exception|Timeout|Exit|Interrupt|Failure|Warning))\b/;
const CLASS_ANYWHERE = /\b(?:[A-Za-z_][\w]*\.)*([A-Z][\w]*(?:Error|Exception|Timeout|Failure))\b/;
/** Quoted values in any of the quote styles graders write, then numbers (with signs, decimals, units glued on). */
const QUOTED = /"(?:[^"\\\n]|\\.){0,400}"|'(?:[^'\\\n]|\\.){0,400}'|`[^`\n]{0,400}`|“[^”\n]{0,400}”|‘[^’\n]{0,400}’|«[^»\n]{0,400}»/g;
const NUMBER = /[-+]?\d[\d,_]*(?:\.\d+)?(?:e[-+]?\d+)?/gi;
const HEX_ID = /\b[0-9a-f]{8,}\b/gi;

/** A reason or message with its particulars masked: lower case, quotes as ‹…›, numbers as #, spacing folded. */
export function maskedShape(text: string): string {
  const masked = text.slice(0, 4000).replace(QUOTED, '‹…›').replace(HEX_ID, '#').replace(NUMBER, '#').toLowerCase().replace(/\s+/g, ' ').trim();
  return masked.length > MAX_SHAPE ? masked.slice(0, MAX_SHAPE) : masked;
}

/** The error's class name (the last "SomethingError:" line of a traceback, else the first named anywhere). */
export function errorClassOf(text: string): string | undefined {
  const lines = text.slice(-20_000).split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = CLASS_AT_LINE_START.exec(lines[i]!);
    if (m) return m[1];
  }
  return CLASS_ANYWHERE.exec(text.slice(0, 20_000))?.[1];
}

/**
 * What the case's error says it is: the class named in the error text (or, for a test
 * failure, in its failure type), else the masked shape of the error's first line.
 */
export function errorKindOf(c: EvalCase): string | undefined {
  const failureTypes = c.trace.filter((s) => s.kind === 'error').map((s) => s.title.replace(/^(failure|error)\s*/, ''));
  // a test's failure message is its output (JUnit), an eval's error is its error
  const text = c.error ?? (c.outcome === 'error' || c.caseKey.startsWith('junit/') ? (c.output ?? '') : '');
  const named = (text ? errorClassOf(text) : undefined) ?? failureTypes.find((t) => /^[A-Za-z_][\w.]*$/.test(t));
  if (named) return named.split('.').at(-1);
  if (!text.trim()) return undefined;
  const firstLine = text.trim().split('\n')[0]!;
  const shape = maskedShape(firstLine);
  return /[a-z]{3}/.test(shape) ? `“${shape}”` : undefined;
}

/** The grader's reasons for the failure (failed scores, then the overall reason), masked and joined. */
export function reasonShapeOf(c: EvalCase): string | undefined {
  const reasons = new Set<string>();
  for (const s of c.scores) if (s.passed === false && s.reason) reasons.add(maskedShape(s.reason));
  const overall = c.metadata.gradingReason;
  if (reasons.size === 0 && typeof overall === 'string') reasons.add(maskedShape(overall));
  const shape = [...reasons]
    .filter((r) => (r.match(/[a-z]{2,}/g) ?? []).length >= 2)
    .sort()
    .join(' | ');
  return shape ? shape.slice(0, MAX_SHAPE) : undefined;
}

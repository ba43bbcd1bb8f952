// How a pinned case is judged when the slice runs again: the same way it was judged
// when it failed. The answer check follows the shape of the expected answer, as the
// graders read it (a choice letter, a number, a JSON value, else text compared whole,
// never a substring), with the reviewed answer as its value where the expected answer
// was wrong. A promptfoo case keeps its original test (assertions, options, threshold);
// only assertions the review showed to be wrong give way to the answer check.
import { defaultGraderFor, grade, readChoice, readNumber } from '../grading/graders';
import type { EvalCase } from '../model/caseModel';
import { assertionLabel } from '../formats/promptfoo';
import { canonicalJson } from '../text/hashing';
import { isRecord } from '../text/values';

export const ANSWER_KINDS = ['choice', 'numeric', 'json', 'text'] as const;
export type AnswerKind = (typeof ANSWER_KINDS)[number];

/** The answer a run must give: `value` is the letter, the number, the JSON text or the text. */
export interface AnswerCheck {
  kind: AnswerKind;
  value: string;
}

export interface PromptfooTest {
  assert: unknown[];
  options?: Record<string, unknown>;
  threshold?: number;
  /** Labels of original assertions the review showed to be wrong, replaced by the answer check. */
  replaced: string[];
}

export interface SliceCheck {
  answer: AnswerCheck | null;
  promptfoo?: PromptfooTest;
}

interface Reviewed {
  verdict: string | null;
  correction: string | null;
  evalCase: EvalCase;
}

const KIND_OF_GRADER: Record<string, AnswerKind> = { choice: 'choice', numeric: 'numeric', json: 'json' };

/** The kind of check an expected answer calls for (the graders' own choice; other graders compare text whole). */
export function answerKindFor(expected: string): AnswerKind {
  return KIND_OF_GRADER[defaultGraderFor(expected)] ?? 'text';
}

function parseJsonValue(text: string): unknown {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

/** An answer read as a kind: the letter, the number, the canonical JSON; null when it does not read as one. */
export function readAnswer(kind: AnswerKind, text: string): string | null {
  switch (kind) {
    case 'choice':
      return readChoice(text);
    case 'numeric': {
      const n = readNumber(text);
      return n === null ? null : String(n);
    }
    case 'json': {
      const v = parseJsonValue(text.trim());
      return v === undefined ? null : canonicalJson(v);
    }
    case 'text':
      return text.trim() === '' ? null : text.trim();
  }
}

/** The check for `answer`, read as `kind` when it can be, else compared as whole text. */
export function answerCheck(kind: AnswerKind, answer: string): AnswerCheck | null {
  const value = readAnswer(kind, answer);
  if (value !== null) return { kind, value };
  const text = readAnswer('text', answer);
  return text === null ? null : { kind: 'text', value: text };
}

/** The reviewed correction, when the verdict gives one. */
function correctionOf(r: Reviewed): string | null {
  return r.verdict === 'model-wrong' && r.correction !== null && r.correction.trim() !== '' ? r.correction : null;
}

/**
 * The answer a case is checked against and the kind of check: the correction
 * (model-wrong), the output where the expected answer was wrong (eval-wrong: the output
 * was right), else the expected answer. The kind always follows the expected answer.
 */
export function answerSourceOf(r: Reviewed): { kind: AnswerKind; text: string } | null {
  const { expected, output } = r.evalCase;
  const hasExpected = expected !== null && expected.trim() !== '';
  const correction = correctionOf(r);
  if (correction !== null) return { kind: answerKindFor(hasExpected ? expected! : correction), text: correction };
  if (r.verdict === 'eval-wrong' && output !== null && output.trim() !== '') {
    if (!hasExpected) return { kind: 'text', text: output };
    // the output was right: either the expected answer was wrong, or only the grader was
    const kind = answerKindFor(expected!);
    const same = grade(kind === 'text' ? 'normalized' : kind, expected!, output).matches === true;
    return { kind, text: same ? expected! : output };
  }
  return hasExpected ? { kind: answerKindFor(expected!), text: expected! } : null;
}

/**
 * Whether an output passes a promptfoo assertion whose outcome can be told without
 * promptfoo (plain string and JSON checks); undefined for the rest (scripts, models,
 * values that are templates).
 */
export function simpleAssertionPasses(assertion: unknown, output: string): boolean | undefined {
  if (!isRecord(assertion) || typeof assertion.type !== 'string') return undefined;
  const negated = assertion.type.startsWith('not-');
  const type = negated ? assertion.type.slice(4) : assertion.type;
  const value = assertion.value;
  if (typeof value === 'string' && /\{\{|\{%/.test(value)) return undefined;
  let pass: boolean | undefined;
  switch (type) {
    case 'equals':
      if (typeof value === 'string') pass = output === value;
      else if (isRecord(value) || Array.isArray(value)) {
        const got = parseJsonValue(output);
        pass = got !== undefined && canonicalJson(got) === canonicalJson(value);
      }
      break;
    case 'contains':
      if (typeof value === 'string') pass = output.includes(value);
      break;
    case 'icontains':
      if (typeof value === 'string') pass = output.toLowerCase().includes(value.toLowerCase());
      break;
    case 'starts-with':
      if (typeof value === 'string') pass = output.startsWith(value);
      break;
    case 'is-json':
      if (value === undefined) {
        try {
          JSON.parse(output);
          pass = true;
        } catch {
          pass = false;
        }
      }
      break;
  }
  return pass === undefined ? undefined : pass !== negated;
}

/** The original promptfoo test of a captured promptfoo case, if the result file had one. */
function originalTest(c: EvalCase): Omit<PromptfooTest, 'replaced'> | null {
  if (!c.caseKey.startsWith('promptfoo/') || !Array.isArray(c.metadata.assertions)) return null;
  return {
    assert: c.metadata.assertions as unknown[],
    ...(isRecord(c.metadata.testOptions) ? { options: c.metadata.testOptions } : {}),
    ...(typeof c.metadata.testThreshold === 'number' ? { threshold: c.metadata.testThreshold } : {}),
  };
}

export function sliceCheckOf(r: Reviewed): SliceCheck {
  const source = answerSourceOf(r);
  const answer = source ? answerCheck(source.kind, source.text) : null;
  const test = originalTest(r.evalCase);
  if (!test) return { answer };
  // the assertions that failed the original output, by the names the case's scores carry
  const failed = new Set(r.evalCase.scores.filter((s) => s.passed === false).map((s) => s.name));
  const labelled = test.assert.map((a, i) => ({ assertion: a, label: assertionLabel(isRecord(a) ? (a as { type?: string; value?: unknown }) : null, i) }));
  let wrong: typeof labelled = [];
  const correction = correctionOf(r);
  if (r.verdict === 'eval-wrong') {
    // the output was right, so whatever failed it judged wrongly (all of them when the scores do not say which)
    wrong = labelled.filter((a) => failed.has(a.label));
    if (wrong.length === 0) wrong = labelled;
  } else if (correction !== null) {
    // an assertion the reviewed answer fails too was asking for the wrong answer
    wrong = labelled.filter((a) => failed.has(a.label) && simpleAssertionPasses(a.assertion, correction) === false);
  }
  if (answer === null) wrong = [];
  const replaced = new Set(wrong);
  return {
    answer,
    promptfoo: { ...test, assert: labelled.filter((a) => !replaced.has(a)).map((a) => a.assertion), replaced: wrong.map((a) => a.label) },
  };
}

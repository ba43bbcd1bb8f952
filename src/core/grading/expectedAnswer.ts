// Whether a case's expected text is a whole answer, fit to train on as a correction,
// or only a part the output was checked for. promptfoo's `contains: Paris` or
// `icontains: thank` gives an expected text ("thank") that an output must include,
// not the output that should have been produced; a model trained on it would learn to
// answer "thank". Graders chosen to look for a substring or a pattern (`contains`,
// `regex`) say the same of the text they were given.
import type { EvalCase } from '../model/caseModel';
import type { GraderName } from './graders';

// promptfoo assertion types whose value is the whole expected output
const WHOLE_ANSWER_ASSERTIONS = new Set(['equals']);
// the types promptfoo's adapter takes an expected text from (the first one found)
const EXPECTED_FROM = new Set(['equals', 'contains', 'icontains']);

/** The assertion type a promptfoo case's expected text came from, if it came from one. */
function promptfooExpectedSource(evalCase: EvalCase): string | null {
  const assertions = evalCase.metadata.assertions;
  if (!Array.isArray(assertions)) return null;
  for (const a of assertions) {
    if (typeof a === 'object' && a !== null && EXPECTED_FROM.has(String((a as { type?: unknown }).type))) return String((a as { type: unknown }).type);
  }
  return null;
}

/** True when the expected text is the complete output that should have been produced. */
export function isCompleteAnswer(evalCase: EvalCase, grader: GraderName): boolean {
  if (grader === 'contains' || grader === 'regex') return false;
  const source = evalCase.caseKey.startsWith('promptfoo/') ? promptfooExpectedSource(evalCase) : null;
  return source === null || WHOLE_ANSWER_ASSERTIONS.has(source);
}

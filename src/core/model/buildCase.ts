// Turns what an adapter read into a validated EvalCase with a stable case key.
import { canonicalJson, shortHash } from '../text/hashing';
import { titleOf } from '../text/values';
import { evalCaseSchema, isFailure, type EvalCase, type FormatId, type Score } from './caseModel';
import { zodReason } from './zodReason';

export type CaseDraft = Omit<EvalCase, 'caseKey' | 'inputHash' | 'title' | 'metadata' | 'scores' | 'trace'> & {
  title?: string;
  metadata?: Record<string, unknown>;
  scores?: EvalCase['scores'];
  trace?: EvalCase['trace'];
  /** Extra identity beyond suite and sample id (e.g. promptfoo's provider). */
  keyParts?: unknown[];
  /** inputHashOf(input), when the adapter already computed it for its own keys. */
  inputHash?: string;
};

/**
 * The input as the leakage firewall and identity see it: what the model was given
 * (the rendered prompt, else the messages, else the variables), with whitespace
 * folded and case kept, so reformatting a prompt does not make it a different case.
 */
export function normalisedInputText(input: EvalCase['input']): string {
  let text: string;
  if (input.prompt !== undefined) text = `p:${input.prompt}`;
  else if (input.messages?.length) text = `m:${canonicalJson(input.messages.map((m) => [m.role, m.content]))}`;
  else text = `v:${canonicalJson(input.vars ?? {})}`;
  return NEEDS_FOLDING.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

/** Whitespace the fold would change: any but a single space, or a space at the end (the text starts with its kind). */
const NEEDS_FOLDING = /[^\S ]| {2}| $/;

export function inputHashOf(input: EvalCase['input']): string {
  return shortHash(normalisedInputText(input));
}

export function buildCaseKey(format: FormatId, suite: string, sampleId: string | undefined, identity: string): string {
  const id = sampleId !== undefined && sampleId !== '' ? `id:${sampleId}` : `h:${identity}`;
  return `${format}/${suite}/${id}`;
}

export function firstInputText(input: EvalCase['input']): string {
  if (input.prompt) return input.prompt;
  const user = input.messages?.filter((m) => m.role === 'user').at(-1) ?? input.messages?.at(-1);
  if (user) return user.content;
  if (input.vars) return canonicalJson(input.vars);
  return '';
}

export function buildCase(format: FormatId, draft: CaseDraft): EvalCase {
  const inputHash = draft.inputHash ?? inputHashOf(draft.input);
  const identity = draft.keyParts?.length ? shortHash(canonicalJson([inputHash, ...draft.keyParts])) : inputHash;
  const failure = isFailure(draft.outcome);
  const evalCase: EvalCase = {
    caseKey: buildCaseKey(format, draft.suite, draft.sampleId, identity),
    suite: draft.suite,
    // titles are shown only for queued (failing) cases; passing ones skip the work
    title: failure ? titleOf(draft.title ?? firstInputText(draft.input)) || '(empty input)' : '',
    input: draft.input,
    inputHash,
    output: draft.output,
    expected: draft.expected,
    outcome: draft.outcome,
    scores: draft.scores ? draft.scores.map(finiteScore) : [],
    trace: draft.trace ?? [],
    metadata: draft.metadata ?? {},
    record: draft.record,
  };
  if (draft.sampleId !== undefined) evalCase.sampleId = draft.sampleId;
  if (draft.error !== undefined) evalCase.error = draft.error;
  if (draft.model !== undefined) evalCase.model = draft.model;
  // Only failing cases are stored, so only they are validated: a passing case
  // contributes its key and outcome, which are built here, not read.
  if (!failure) return evalCase;
  const parsed = evalCaseSchema.safeParse(evalCase);
  if (!parsed.success) throw new Error(`record does not fit the case model: ${zodReason(parsed.error)}`);
  return parsed.data;
}

/** NaN and ±Infinity do not survive JSON; keep them as readable text. */
function finiteScore(score: Score): Score {
  return typeof score.value === 'number' && !Number.isFinite(score.value) ? { ...score, value: String(score.value) } : score;
}

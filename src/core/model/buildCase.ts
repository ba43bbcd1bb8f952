// Turns what an adapter read into a validated EvalCase with a stable case key.
import { canonicalJson, shortHash } from '../text/hashing';
import { titleOf } from '../text/values';
import { evalCaseSchema, type EvalCase, type FormatId, type Score } from './caseModel';
import { zodReason } from './zodReason';

export type CaseDraft = Omit<EvalCase, 'caseKey' | 'inputHash' | 'title' | 'metadata' | 'scores' | 'trace'> & {
  title?: string;
  metadata?: Record<string, unknown>;
  scores?: EvalCase['scores'];
  trace?: EvalCase['trace'];
  /** Extra identity beyond suite and sample id (e.g. promptfoo's provider). */
  keyParts?: unknown[];
};

/**
 * The input as the leakage firewall and identity see it: whitespace folded and
 * case kept, so reformatting a prompt does not make it a different case.
 */
export function normalisedInputText(input: EvalCase['input']): string {
  const parts: unknown[] = [];
  if (input.prompt !== undefined) parts.push(input.prompt);
  if (input.messages) parts.push(input.messages.map((m) => [m.role, m.content]));
  if (input.vars) parts.push(input.vars);
  return canonicalJson(parts).replace(/\s+/g, ' ');
}

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
  const inputHash = inputHashOf(draft.input);
  const identity = draft.keyParts?.length ? shortHash(canonicalJson([inputHash, ...draft.keyParts])) : inputHash;
  const { keyParts: _keyParts, ...rest } = draft;
  const evalCase = {
    ...rest,
    caseKey: buildCaseKey(format, draft.suite, draft.sampleId, identity),
    inputHash,
    title: titleOf(draft.title ?? firstInputText(draft.input)) || '(empty input)',
    metadata: draft.metadata ?? {},
    scores: (draft.scores ?? []).map(finiteScore),
    trace: draft.trace ?? [],
  };
  const parsed = evalCaseSchema.safeParse(evalCase);
  if (!parsed.success) throw new Error(`record does not fit the case model: ${zodReason(parsed.error)}`);
  return parsed.data;
}

/** NaN and ±Infinity do not survive JSON; keep them as readable text. */
function finiteScore(score: Score): Score {
  return typeof score.value === 'number' && !Number.isFinite(score.value) ? { ...score, value: String(score.value) } : score;
}

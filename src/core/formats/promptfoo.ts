// promptfoo: `promptfoo eval -o out.json` (results.version 2 and 3) and `-o out.jsonl`
// (one EvaluateResult per line). A case is one test × prompt × provider.
import * as z from 'zod';
import { buildCase, inputHashOf } from '../model/buildCase';
import type { EvalCase, Message, Outcome, Score } from '../model/caseModel';
import { shortHash } from '../text/hashing';
import { isRecord, toNumber, toText } from '../text/values';
import { FormatError, type ReadEvent, type RunDescription } from './adapter';
import type { LineFormat } from './lineFormat';
import { zodReason } from '../model/zodReason';
import { PromptfooCaseKeys } from './promptfooCaseKeys';
import { fitsPromptfooResult } from './promptfooResultShape';
import { assertNestingWithin } from '../text/jsonDepth';
import { reasonOf } from '../text/reasonOf';

const assertionSchema = z.looseObject({ type: z.string().optional(), value: z.unknown().optional() });

const componentSchema = z.looseObject({
  pass: z.boolean().optional(),
  score: z.unknown().optional(),
  reason: z.string().optional().nullable(),
  assertion: assertionSchema.nullable().optional(),
});

export const promptfooResultSchema = z.looseObject({
  success: z.boolean(),
  id: z.string().optional(),
  error: z.string().nullable().optional(),
  failureReason: z.number().optional(),
  score: z.unknown().optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  testIdx: z.number().optional(),
  promptIdx: z.number().optional(),
  prompt: z.looseObject({ raw: z.string().optional(), label: z.string().optional() }).optional(),
  provider: z.union([z.string(), z.looseObject({ id: z.string().optional(), label: z.string().optional() })]).optional(),
  response: z.looseObject({ output: z.unknown().optional(), error: z.string().optional().nullable() }).nullable().optional(),
  testCase: z
    .looseObject({
      vars: z.record(z.string(), z.unknown()).optional(),
      assert: z.array(z.unknown()).optional(),
      description: z.string().optional(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  gradingResult: z
    .looseObject({
      pass: z.boolean().optional(),
      score: z.unknown().optional(),
      reason: z.string().optional().nullable(),
      componentResults: z.array(componentSchema).nullable().optional(),
    })
    .nullable()
    .optional(),
  latencyMs: z.number().optional(),
  cost: z.number().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
type PromptfooResult = z.infer<typeof promptfooResultSchema>;

// promptfoo's ResultFailureReason: 0 none, 1 assertion failed, 2 provider or runtime error
const FAILURE_REASON_ERROR = 2;

function providerId(result: PromptfooResult): string {
  const p = result.provider;
  if (typeof p === 'string') return p;
  return p?.label || p?.id || 'unknown';
}

function expectedFromAsserts(asserts: unknown[] | undefined): string | null {
  for (const a of asserts ?? []) {
    // as assertionSchema reads one: an object whose type, if any, is a string
    if (isRecord(a) && (a.type === 'equals' || a.type === 'contains' || a.type === 'icontains')) return toText(a.value);
  }
  return null;
}

/** How an assertion is named in a case's scores: its type, and its value when it has one. */
export function assertionLabel(assertion: { type?: string | undefined; value?: unknown } | null | undefined, position: number): string {
  const type = assertion?.type ?? `assertion ${position + 1}`;
  const value = assertion?.value;
  return value === undefined ? type : `${type}: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

function scoresOf(result: PromptfooResult): Score[] {
  const components = result.gradingResult?.componentResults ?? [];
  return components.map((c, i) => {
    const name = assertionLabel(c.assertion, i);
    return {
      name,
      value: toNumber(c.score) ?? (c.pass === undefined ? null : c.pass),
      passed: c.pass ?? null,
      ...(c.reason ? { reason: c.reason } : {}),
    };
  });
}

/**
 * The turns of a chat-format prompt (a JSON list of role/content messages, as promptfoo
 * sends to chat providers), so the roles survive; null for a plain text prompt.
 */
function chatTurns(prompt: string): Message[] | null {
  if (!prompt.trimStart().startsWith('[')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(prompt);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return null;
  const turns: Message[] = [];
  for (const m of parsed) {
    if (!isRecord(m) || typeof m.role !== 'string' || typeof m.content !== 'string') return null;
    turns.push({ role: m.role, content: m.content });
  }
  return turns;
}

function parsePromptfooResult(raw: unknown): PromptfooResult {
  const parsed = promptfooResultSchema.safeParse(raw);
  if (!parsed.success) throw new FormatError(`not a promptfoo result: ${zodReason(parsed.error)}`);
  return parsed.data;
}

export function promptfooResultToCase(raw: unknown, suite: string, record: EvalCase['record'], keys: PromptfooCaseKeys = new PromptfooCaseKeys(), passesAsKeys = false): EvalCase {
  const result = fitsPromptfooResult(raw) ? (raw as PromptfooResult) : parsePromptfooResult(raw);
  const vars = result.vars ?? result.testCase?.vars ?? {};
  const provider = providerId(result);
  const outcome: Outcome = result.success ? 'pass' : result.failureReason === FAILURE_REASON_ERROR || (result.response?.error && !result.gradingResult) ? 'error' : 'fail';
  const output = result.response?.output;
  const promptText = result.prompt?.raw;
  const template = result.prompt?.label ?? promptText ?? '';
  // the rendered prompt stays the identity (input hash); the turns are kept beside it
  const input = { ...(promptText !== undefined ? { prompt: promptText } : {}), vars };
  // the turns are only read when there is no prompt text, and there are none without it: one hash serves both
  const inputHash = inputHashOf(input);
  const keyParts = keys.partsFor(inputHash, template, provider, { ...(result.testCase ?? {}), vars: result.testCase?.vars ?? vars });
  if (outcome === 'pass' && passesAsKeys) {
    return buildCase('promptfoo', { suite, input, inputHash, keyParts, output: null, expected: null, outcome, model: provider, record });
  }
  const turns = promptText !== undefined ? chatTurns(promptText) : null;
  const errorText = result.error ?? result.response?.error ?? undefined;
  return buildCase('promptfoo', {
    suite,
    input: { ...input, ...(turns ? { messages: turns } : {}) },
    output: output === undefined || output === null ? null : toText(output),
    expected: expectedFromAsserts(result.testCase?.assert),
    outcome,
    scores: scoresOf(result),
    ...(errorText ? { error: errorText } : {}),
    model: provider,
    title: result.testCase?.description,
    metadata: {
      provider,
      promptLabel: template,
      ...(result.testIdx !== undefined ? { testIdx: result.testIdx } : {}),
      ...(result.latencyMs !== undefined ? { latencyMs: result.latencyMs } : {}),
      ...(result.cost !== undefined ? { cost: result.cost } : {}),
      ...(result.gradingResult?.reason ? { gradingReason: result.gradingResult.reason } : {}),
      // the test as it was judged, so a pinned slice can judge the same way
      ...(result.testCase?.assert ? { assertions: result.testCase.assert } : {}),
      ...(isRecord(result.testCase?.options) && Object.keys(result.testCase.options).length ? { testOptions: result.testCase.options } : {}),
      ...(typeof result.testCase?.threshold === 'number' ? { testThreshold: result.testCase.threshold } : {}),
    },
    // identity: the rendered input, the template and the provider under test (and the test, when another test shares those)
    inputHash,
    keyParts,
    record,
  });
}

const promptfooExportSchema = z.looseObject({
  evalId: z.string().optional(),
  results: z.looseObject({
    version: z.number(),
    timestamp: z.string().optional(),
    results: z.array(z.unknown()),
  }),
  config: z.looseObject({ description: z.string().optional() }).optional(),
});

export function isPromptfooExport(doc: unknown): boolean {
  return isRecord(doc) && isRecord(doc.results) && Array.isArray(doc.results.results) && typeof doc.results.version === 'number';
}

export function* readPromptfooExport(doc: unknown, contentHash: string, passesAsKeys = false): Generator<ReadEvent> {
  const parsed = promptfooExportSchema.safeParse(doc);
  if (!parsed.success) throw new FormatError(`not a promptfoo export: ${zodReason(parsed.error)}`);
  const { results, config, evalId } = parsed.data;
  if (results.version !== 2 && results.version !== 3) {
    yield { kind: 'error', error: { reason: `promptfoo results version ${results.version} is newer than versions 2 and 3; reading it as version 3`, warning: true } };
  }
  const suite = config?.description?.trim() || 'promptfoo';
  const providers = new Set<string>();
  for (const r of results.results) {
    if (isRecord(r)) providers.add(isRecord(r.provider) ? String(r.provider.id ?? '') : String(r.provider ?? ''));
  }
  const run: RunDescription = {
    runId: evalId ? `promptfoo:${evalId}` : `promptfoo:${contentHash}`,
    format: 'promptfoo',
    suite,
    model: [...providers].filter(Boolean).join(', ') || undefined,
    startedAt: results.timestamp,
    partial: false,
    metadata: { version: results.version, ...(evalId ? { evalId } : {}) },
  };
  yield { kind: 'run', run };
  const keys = new PromptfooCaseKeys();
  for (let index = 0; index < results.results.length; index++) {
    try {
      assertNestingWithin(results.results[index], 'the record');
      yield { kind: 'case', evalCase: promptfooResultToCase(results.results[index], suite, { index }, keys, passesAsKeys) };
    } catch (error) {
      yield { kind: 'error', error: { record: index, reason: reasonOf(error) } };
    }
  }
}

export const promptfooJsonl: LineFormat = {
  format: 'promptfoo',
  resumable: true,
  matches: (first) => typeof first.success === 'boolean' && ('testCase' in first || 'vars' in first) && ('response' in first || 'provider' in first),
  open: ({ firstLineText, path, options }) => {
    const suite = 'promptfoo';
    const keys = new PromptfooCaseKeys();
    return {
      run: {
        runId: `promptfoo:${shortHash(`${path}\n${firstLineText}`)}`,
        format: 'promptfoo',
        suite,
        partial: false,
        metadata: {},
      },
      record: (value, line, offset) => [promptfooResultToCase(value, suite, { line, offset }, keys, options.passesAsKeys)],
      finish: () => [],
    };
  },
};

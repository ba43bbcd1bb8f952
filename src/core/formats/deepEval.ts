// DeepEval test runs (`.deepeval/.latest_test_run.json` and exported test runs):
// testCases with metricsData, and conversational test cases with turns.
import * as z from 'zod';
import { buildCase } from '../model/buildCase';
import type { EvalCase, Message, Outcome, Score, TraceStep } from '../model/caseModel';
import { asString, isRecord, toNumber, toText } from '../text/values';
import { FormatError, type ReadEvent } from './adapter';
import { zodReason } from '../model/zodReason';
import { assertNestingWithin } from '../text/jsonDepth';
import { reasonOf } from '../text/reasonOf';

const metricSchema = z.looseObject({
  name: z.string(),
  threshold: z.unknown().optional(),
  success: z.boolean().nullable().optional(),
  score: z.unknown().optional(),
  reason: z.string().nullable().optional(),
  error: z.string().nullable().optional(),
  evaluationModel: z.string().nullable().optional(),
});

const testCaseSchema = z.looseObject({
  name: z.string().optional(),
  input: z.unknown().optional(),
  actualOutput: z.unknown().optional(),
  expectedOutput: z.unknown().optional(),
  success: z.boolean().nullable().optional(),
  metricsData: z.array(metricSchema).nullable().optional(),
  turns: z.array(z.unknown()).optional(),
  order: z.number().optional(),
  trace: z.unknown().optional(),
  context: z.unknown().optional(),
  retrievalContext: z.unknown().optional(),
});

export function isDeepEvalRun(doc: unknown): boolean {
  return isRecord(doc) && Array.isArray(doc.testCases) && ('metricsScores' in doc || 'testPassed' in doc || 'conversationalTestCases' in doc);
}

const SPAN_LISTS = ['agentSpans', 'llmSpans', 'retrieverSpans', 'toolSpans', 'baseSpans'] as const;

function spansToTrace(trace: unknown): TraceStep[] {
  if (!isRecord(trace)) return [];
  const spans: Record<string, unknown>[] = [];
  for (const list of SPAN_LISTS) if (Array.isArray(trace[list])) spans.push(...trace[list].filter(isRecord));
  spans.sort((a, b) => String(a.startTime ?? '').localeCompare(String(b.startTime ?? '')));
  const depthOf = new Map<string, number>();
  const byId = new Map(spans.map((s) => [String(s.uuid), s]));
  const depth = (s: Record<string, unknown>, seen = 0): number => {
    const id = String(s.uuid);
    if (depthOf.has(id)) return depthOf.get(id)!;
    const parent = typeof s.parentUuid === 'string' ? byId.get(s.parentUuid) : undefined;
    const d = parent && seen < 64 ? depth(parent, seen + 1) + 1 : 0;
    depthOf.set(id, d);
    return d;
  };
  return spans.map((s) => ({
    kind: s.type === 'tool' ? 'tool-call' : s.type === 'llm' ? 'model' : 'span',
    title: `${asString(s.type) ?? 'span'} ${asString(s.name) ?? ''} ${s.status === 'ERRORED' ? '(errored)' : ''}`.trim(),
    content: [s.input !== undefined ? `input: ${toText(s.input)}` : '', s.output !== undefined ? `output: ${toText(s.output)}` : '', s.error ? `error: ${toText(s.error)}` : ''].filter(Boolean).join('\n'),
    ...(asString(s.startTime) ? { time: asString(s.startTime) } : {}),
    depth: depth(s),
  }));
}

function metricScores(metrics: z.infer<typeof metricSchema>[]): { scores: Score[]; failed: boolean; judgeError: boolean } {
  let failed = false;
  let judgeError = false;
  const scores = metrics.map((m): Score => {
    const value = toNumber(m.score);
    const threshold = toNumber(m.threshold) ?? undefined;
    if (m.error || value === null) judgeError = true;
    else if (m.success === false) failed = true;
    return {
      name: m.name,
      value: value === null || Number.isNaN(value) ? null : value,
      passed: m.error ? null : (m.success ?? null),
      ...(threshold !== undefined ? { threshold } : {}),
      ...(m.reason || m.error ? { reason: m.error ? `judge error: ${m.error}` : (m.reason ?? '') } : {}),
    };
  });
  return { scores, failed, judgeError };
}

function turnsToMessages(turns: unknown[]): Message[] {
  return turns.filter(isRecord).map((t) => ({ role: asString(t.role) ?? 'user', content: toText(t.content) }));
}

export function* readDeepEvalRun(doc: Record<string, unknown>, contentHash: string): Generator<ReadEvent> {
  const suite = asString(doc.identifier) ?? asString(doc.testFile) ?? 'deepeval';
  yield {
    kind: 'run',
    run: {
      runId: `deepeval:${asString(doc.testRunId) ?? contentHash}`,
      format: 'deepeval',
      suite,
      partial: false,
      metadata: { ...(toNumber(doc.runDuration) !== null ? { runDuration: toNumber(doc.runDuration) } : {}) },
    },
  };
  const groups: [string, unknown[]][] = [
    ['testCases', Array.isArray(doc.testCases) ? doc.testCases : []],
    ['conversationalTestCases', Array.isArray(doc.conversationalTestCases) ? doc.conversationalTestCases : []],
  ];
  for (const [group, list] of groups) {
    for (let index = 0; index < list.length; index++) {
      try {
        assertNestingWithin(list[index], 'the test case');
        yield { kind: 'case', evalCase: deepEvalCase(list[index], suite, group, index) };
      } catch (error) {
        yield { kind: 'error', error: { record: `${group}[${index}]`, reason: reasonOf(error) } };
      }
    }
  }
}

function deepEvalCase(raw: unknown, suite: string, group: string, index: number): EvalCase {
  const parsed = testCaseSchema.safeParse(raw);
  if (!parsed.success) throw new FormatError(`not a DeepEval test case: ${zodReason(parsed.error)}`);
  const tc = parsed.data;
  const { scores, failed, judgeError } = metricScores(tc.metricsData ?? []);
  const outcome: Outcome = failed || (tc.success === false && !judgeError) ? 'fail' : judgeError ? 'judge-error' : tc.success === true ? 'pass' : 'unknown';
  const messages = tc.turns ? turnsToMessages(tc.turns) : undefined;
  const input: EvalCase['input'] = messages ? { messages } : typeof tc.input === 'string' ? { prompt: tc.input } : { vars: isRecord(tc.input) ? tc.input : { input: tc.input ?? null } };
  const trace = spansToTrace(tc.trace);
  return buildCase('deepeval', {
    suite,
    input,
    output: tc.actualOutput === undefined || tc.actualOutput === null ? null : toText(tc.actualOutput),
    expected: tc.expectedOutput === undefined || tc.expectedOutput === null ? null : toText(tc.expectedOutput),
    outcome,
    scores,
    trace,
    title: tc.name && !/^test_case_\d+$/.test(tc.name) ? `${tc.name}: ${toText(tc.input)}` : undefined,
    metadata: {
      ...(tc.name ? { name: tc.name } : {}),
      ...(tc.context !== undefined ? { context: tc.context } : {}),
      ...(tc.retrievalContext !== undefined ? { retrievalContext: tc.retrievalContext } : {}),
      ...(isRecord(tc.trace) && Array.isArray(tc.trace.tags) ? { traceTags: tc.trace.tags } : {}),
    },
    keyParts: [tc.name ?? ''],
    record: { index, entry: `${group}[${index}]` },
  });
}

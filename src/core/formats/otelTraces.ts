// OpenTelemetry GenAI traces (OTLP JSON, one export request per line as the collector's
// file exporter writes them, or one document) as live cases.
//
// A case is one GenAI span, chosen by `liveCaseSpan`:
// - `root` (default): per trace, the topmost GenAI span (an LLM or agent span: one with
//   `gen_ai.*` operation/model/provider attributes, `llm.model_name`, or OpenInference
//   kind LLM/AGENT/CHAIN) whose ancestors are none; with several, the earliest. The
//   case covers the whole trace.
// - `chat`: every span with `gen_ai.operation.name = chat` (or OpenInference kind LLM);
//   the case covers that span and its descendants.
// A case fails when a span it covers has status ERROR (outcome `error`), when a
// `gen_ai.evaluation.result` event fails (its score against the rule for its name, else
// its label), or when an attribute matches a `liveFailureRules` entry. Otherwise it is
// a pass. There is no expected answer: the reviewer's correction is the target.
// The case key hashes the input messages with the service name (`service.name`), which
// is also the suite, so the same input to the same service is one case across traces.
import { buildCase } from '../model/buildCase';
import type { EvalCase, Outcome, Score, TraceStep } from '../model/caseModel';
import { shortHash } from '../text/hashing';
import { isRecord, toNumber, toText, titleOf } from '../text/values';
import { FormatError, type ReadEvent, type ReadOptions, type RecordError, type RunDescription } from './adapter';
import { hasRecordedInput, spanContent } from './genaiMessages';
import type { LineFormat } from './lineFormat';
import { judgeScore, matchFailureRule } from './liveJudgement';
import { isOtlpExport, readOtlpExport, type OtlpEvent, type OtlpLogEvent, type OtlpSpan } from './otlpSpans';
import { reasonOf } from '../text/reasonOf';

const MAX_TRACE_STEPS = 400;
const GENAI_KINDS = new Set(['LLM', 'AGENT', 'CHAIN']);

function isGenAiSpan(span: OtlpSpan): boolean {
  const a = span.attributes;
  return 'gen_ai.operation.name' in a || 'gen_ai.system' in a || 'gen_ai.provider.name' in a || 'gen_ai.request.model' in a || 'gen_ai.agent.name' in a || 'llm.model_name' in a || GENAI_KINDS.has(String(a['openinference.span.kind'] ?? '').toUpperCase());
}

/**
 * A chat call: `gen_ai.operation.name = chat`, an OpenInference LLM span, or, from before
 * operation names existed, a GenAI span with none that says `llm.request.type = chat` or
 * records prompt/completion messages.
 */
function isChatSpan(span: OtlpSpan): boolean {
  const a = span.attributes;
  if (a['gen_ai.operation.name'] === 'chat' || String(a['openinference.span.kind'] ?? '').toUpperCase() === 'LLM') return true;
  if ('gen_ai.operation.name' in a || !isGenAiSpan(span)) return false;
  return a['llm.request.type'] === 'chat' || 'gen_ai.prompt.0.content' in a || 'gen_ai.completion.0.content' in a || span.events.some((e) => e.name === 'gen_ai.user.message' || e.name === 'gen_ai.choice');
}

function isToolSpan(span: OtlpSpan): boolean {
  return span.attributes['gen_ai.operation.name'] === 'execute_tool' || String(span.attributes['openinference.span.kind'] ?? '').toUpperCase() === 'TOOL';
}

function modelOf(spans: OtlpSpan[]): string | undefined {
  for (const key of ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name']) {
    const hit = spans.find((s) => typeof s.attributes[key] === 'string' && s.attributes[key] !== '');
    if (hit) return hit.attributes[key] as string;
  }
  return undefined;
}

function sumOf(spans: OtlpSpan[], keys: string[]): number | undefined {
  let total: number | undefined;
  for (const s of spans) {
    const key = keys.find((k) => toNumber(s.attributes[k]) !== null);
    if (key) total = (total ?? 0) + toNumber(s.attributes[key])!;
  }
  return total;
}

function isoOf(ms: number | undefined): string | undefined {
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Collects the spans and log events of a file, then turns each trace into cases. */
export class OtelTraceCollector {
  private readonly traces = new Map<string, OtlpSpan[]>();
  private readonly logs: OtlpLogEvent[] = [];
  private spanCount = 0;
  firstService: string | undefined;

  add(doc: Record<string, unknown>, line?: number): void {
    const { spans, logs } = readOtlpExport(doc, this.spanCount, line);
    this.spanCount += spans.length;
    for (const span of spans) {
      this.firstService ??= span.service;
      const list = this.traces.get(span.traceId);
      if (list) list.push(span);
      else this.traces.set(span.traceId, [span]);
    }
    this.logs.push(...logs);
    this.firstService ??= logs[0]?.service;
  }

  /** The cases of every trace read so far, and notes on what could not become one. */
  finish(options: ReadOptions): { cases: EvalCase[]; errors: RecordError[] } {
    const cases: EvalCase[] = [];
    const errors: RecordError[] = [];
    const logsBySpan = new Map<string, OtlpEvent[]>();
    for (const log of this.logs) {
      if (!log.spanId) continue;
      const list = logsBySpan.get(log.spanId);
      if (list) list.push(log);
      else logsBySpan.set(log.spanId, [log]);
    }
    let withoutGenAi = 0;
    for (const [traceId, spans] of this.traces) {
      for (const span of spans) {
        const extra = logsBySpan.get(span.spanId);
        if (extra) span.events = [...span.events, ...extra];
      }
      const chosen = chooseCaseSpans(spans, options.liveCaseSpan ?? 'root');
      if (!chosen.length) {
        withoutGenAi++;
        continue;
      }
      for (const { span, scope } of chosen) {
        try {
          cases.push(traceCase(traceId, span, scope, options));
        } catch (error) {
          const where = span.line !== undefined ? { line: span.line } : { record: `trace ${traceId}` };
          errors.push({ ...where, reason: `trace ${traceId}, span ${span.spanId || span.name}: ${reasonOf(error)}` });
        }
      }
    }
    if (withoutGenAi > 0) {
      const what = options.liveCaseSpan === 'chat' ? 'chat span (gen_ai.operation.name = chat, or an OpenInference LLM span)' : 'GenAI span (no gen_ai.*, llm.* or OpenInference LLM/agent attributes)';
      errors.push({ reason: `${withoutGenAi} trace${withoutGenAi === 1 ? ' has' : 's have'} no ${what}; nothing to capture from ${withoutGenAi === 1 ? 'it' : 'them'}`, warning: true });
    }
    return { cases, errors };
  }
}

interface ChosenSpan {
  span: OtlpSpan;
  /** The spans the case covers, the chosen one first. */
  scope: OtlpSpan[];
}

function descendantsOf(root: OtlpSpan, children: Map<string, OtlpSpan[]>): OtlpSpan[] {
  const out: OtlpSpan[] = [root];
  const seen = new Set([root]);
  for (let i = 0; i < out.length; i++) {
    for (const child of children.get(out[i]!.spanId) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
    }
  }
  return out;
}

function chooseCaseSpans(spans: OtlpSpan[], rule: 'root' | 'chat'): ChosenSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = new Map<string, OtlpSpan[]>();
  for (const s of spans) {
    if (!s.parentSpanId) continue;
    const list = children.get(s.parentSpanId);
    if (list) list.push(s);
    else children.set(s.parentSpanId, [s]);
  }
  const byStart = (a: OtlpSpan, b: OtlpSpan) => (a.startMs ?? 0) - (b.startMs ?? 0) || a.index - b.index;
  if (rule === 'chat') {
    return spans
      .filter(isChatSpan)
      .sort(byStart)
      .map((span) => ({ span, scope: descendantsOf(span, children) }));
  }
  const hasGenAiAncestor = (span: OtlpSpan): boolean => {
    const seen = new Set<OtlpSpan>();
    let parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    while (parent && !seen.has(parent)) {
      if (isGenAiSpan(parent)) return true;
      seen.add(parent);
      parent = parent.parentSpanId ? byId.get(parent.parentSpanId) : undefined;
    }
    return false;
  };
  const top = spans.filter((s) => isGenAiSpan(s) && !hasGenAiAncestor(s)).sort(byStart)[0];
  if (!top) return [];
  return [{ span: top, scope: [top, ...spans.filter((s) => s !== top).sort(byStart)] }];
}

function evaluationScores(scope: OtlpSpan[], options: ReadOptions): Score[] {
  const scores: Score[] = [];
  for (const span of scope) {
    for (const event of span.events) {
      if (event.name !== 'gen_ai.evaluation.result') continue;
      const a = isRecord(event.body) ? { ...event.attributes, ...event.body } : event.attributes;
      const name = typeof a['gen_ai.evaluation.name'] === 'string' ? (a['gen_ai.evaluation.name'] as string) : 'evaluation';
      const label = typeof a['gen_ai.evaluation.score.label'] === 'string' ? (a['gen_ai.evaluation.score.label'] as string) : undefined;
      const explanation = typeof a['gen_ai.evaluation.explanation'] === 'string' ? (a['gen_ai.evaluation.explanation'] as string) : undefined;
      scores.push(judgeScore(name, a['gen_ai.evaluation.score.value'], label, options, explanation));
    }
  }
  return scores;
}

function traceSteps(chosen: OtlpSpan, scope: OtlpSpan[]): TraceStep[] {
  const inScope = new Map(scope.map((s) => [s.spanId, s]));
  const depthOf = (span: OtlpSpan): number => {
    let depth = 0;
    const seen = new Set<OtlpSpan>();
    let parent = span.parentSpanId ? inScope.get(span.parentSpanId) : undefined;
    while (parent && !seen.has(parent) && span !== chosen) {
      depth++;
      seen.add(parent);
      if (parent === chosen) break;
      parent = parent.parentSpanId ? inScope.get(parent.parentSpanId) : undefined;
    }
    return depth;
  };
  const steps: TraceStep[] = [];
  for (const span of scope.slice(0, MAX_TRACE_STEPS)) {
    const duration = span.startMs !== undefined && span.endMs !== undefined ? `${Math.round((span.endMs - span.startMs) * 1000) / 1000} ms` : undefined;
    const a = span.attributes;
    const tool = isToolSpan(span);
    const lines = [duration, span.status === 'error' ? `status ERROR${span.statusMessage ? `: ${span.statusMessage}` : ''}` : undefined];
    if (tool) {
      const args = a['gen_ai.tool.call.arguments'] ?? a['input.value'] ?? a['tool.parameters'];
      const result = a['gen_ai.tool.call.result'] ?? a['output.value'];
      if (args !== undefined) lines.push(`arguments: ${toText(args)}`);
      if (result !== undefined) lines.push(`result: ${toText(result)}`);
    }
    const step: TraceStep = {
      kind: span.status === 'error' ? 'error' : tool ? 'tool-call' : isGenAiSpan(span) ? 'model' : 'span',
      title: tool ? `${String(a['gen_ai.tool.name'] ?? a['tool.name'] ?? span.name)}` : span.name || '(unnamed span)',
      content: lines.filter(Boolean).join('\n'),
      depth: depthOf(span),
    };
    const time = isoOf(span.startMs);
    if (time) step.time = time;
    steps.push(step);
    for (const event of span.events) {
      if (event.name !== 'exception' && event.name !== 'gen_ai.evaluation.result') continue;
      const evStep: TraceStep = { kind: event.name === 'exception' ? 'error' : 'score', title: event.name, content: toText(isRecord(event.body) ? { ...event.attributes, ...event.body } : event.attributes), depth: step.depth! + 1 };
      const evTime = isoOf(event.timeMs);
      if (evTime) evStep.time = evTime;
      steps.push(evStep);
    }
  }
  if (scope.length > MAX_TRACE_STEPS) steps.push({ kind: 'log', title: `${scope.length - MAX_TRACE_STEPS} more spans not shown` });
  return steps;
}

function traceCase(traceId: string, chosen: OtlpSpan, scope: OtlpSpan[], options: ReadOptions): EvalCase {
  const genai = scope.filter(isGenAiSpan);
  // the chosen span may record nothing itself (an agent span): its first model call does
  const inputSpan = hasRecordedInput(chosen.attributes, chosen.events) ? chosen : (genai.find((s) => hasRecordedInput(s.attributes, s.events)) ?? chosen);
  const contents = new Map<OtlpSpan, ReturnType<typeof spanContent>>();
  const contentOf = (s: OtlpSpan) => contents.get(s) ?? contents.set(s, spanContent(s.attributes, s.events)).get(s)!;
  const content = contentOf(inputSpan);
  // the chosen span's answer, else the last model call's that has one
  let output = contentOf(chosen).output;
  for (let i = genai.length - 1; output === null && i >= 0; i--) output = contentOf(genai[i]!).output;
  const errorSpan = scope.find((s) => s.status === 'error');
  const scores = evaluationScores(scope, options);
  const ruleReason = [chosen.resource, ...scope.map((s) => s.attributes)].map((a) => matchFailureRule(a, options.liveFailureRules)).find(Boolean);
  if (ruleReason) scores.push({ name: 'failure rule', value: ruleReason, passed: false, reason: `matched ${ruleReason}` });
  const outcome: Outcome = errorSpan ? 'error' : scores.some((s) => s.passed === false) ? 'fail' : 'pass';
  const input = content.messages.length ? { messages: content.messages } : content.prompt !== undefined ? { prompt: content.prompt } : { vars: { span: chosen.name, operation: toText(chosen.attributes['gen_ai.operation.name'] ?? chosen.attributes['openinference.span.kind'] ?? '') } };
  const starts = scope.map((s) => s.startMs).filter((x): x is number => x !== undefined);
  const ends = scope.map((s) => s.endMs).filter((x): x is number => x !== undefined);
  const latencyMs = starts.length && ends.length ? Math.round((Math.max(...ends) - Math.min(...starts)) * 1000) / 1000 : undefined;
  const inputTokens = sumOf(genai, ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt']);
  const outputTokens = sumOf(genai, ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion']);
  const model = modelOf([chosen, ...genai]);
  const metadata: Record<string, unknown> = {
    traceId,
    spanId: chosen.spanId,
    service: chosen.service,
    span: chosen.name,
    ...(model ? { model } : {}),
    ...(inputTokens !== undefined ? { inputTokens } : {}),
    ...(outputTokens !== undefined ? { outputTokens } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(isoOf(chosen.startMs) ? { startedAt: isoOf(chosen.startMs) } : {}),
  };
  return buildCase('otel', {
    suite: chosen.service,
    input,
    output,
    expected: null,
    outcome,
    scores,
    trace: traceSteps(chosen, scope),
    ...(errorSpan ? { error: `span "${errorSpan.name}" ended with status ERROR${errorSpan.statusMessage ? `: ${errorSpan.statusMessage}` : ''}` } : {}),
    ...(model ? { model } : {}),
    metadata,
    keyParts: [chosen.service],
    ...(content.messages.length || content.prompt ? {} : { title: titleOf(`${chosen.service}: ${chosen.name}`) }),
    record: chosen.line !== undefined ? { line: chosen.line } : { index: chosen.index },
  });
}

function runDescription(id: string, suite: string): RunDescription {
  return { runId: `otel:${id}`, format: 'otel', suite, partial: false, metadata: {} };
}

/** OTLP JSON lines: one export request per line; traces are joined across lines, so a grown file is read whole. */
export const otelTraceLines: LineFormat = {
  format: 'otel',
  resumable: false,
  matches: (first) => isOtlpExport(first),
  open: ({ path, firstRecord, firstLineText, options }) => {
    const collector = new OtelTraceCollector();
    const probe = new OtelTraceCollector();
    probe.add(firstRecord);
    let pending: RecordError[] = [];
    return {
      run: runDescription(shortHash(`${path}\n${firstLineText}`), probe.firstService ?? 'otel'),
      record: (value, line) => {
        if (!isRecord(value) || !isOtlpExport(value)) throw new FormatError('not an OTLP export request (no resourceSpans, resourceLogs or batches)');
        collector.add(value, line);
        return [];
      },
      finish: () => {
        const { cases, errors } = collector.finish(options);
        pending = errors;
        return cases;
      },
      errors: () => pending,
    };
  },
};

/** A whole OTLP JSON document. */
export function* readOtelDocument(doc: Record<string, unknown>, contentHash: string, options: ReadOptions): Generator<ReadEvent> {
  const collector = new OtelTraceCollector();
  collector.add(doc);
  yield { kind: 'run', run: runDescription(contentHash, collector.firstService ?? 'otel') };
  const { cases, errors } = collector.finish(options);
  for (const evalCase of cases) yield { kind: 'case', evalCase };
  for (const error of errors) yield { kind: 'error', error };
}

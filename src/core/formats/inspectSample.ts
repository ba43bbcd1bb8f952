// Inspect AI samples, shared by the .json log and the .eval zip readers: messages,
// scores, events (old `transcript.events` with `tc://` refs and new `events` with
// `attachment://` refs) normalised into a case with a trace.
import { buildCase } from '../model/buildCase';
import type { EvalCase, Message, Outcome, Score, ToolCall, TraceStep } from '../model/caseModel';
import { asString, isRecord, toBool, toNumber, toText, titleOf } from '../text/values';
import { FormatError, type RunDescription } from './adapter';

const REF_PATTERN = /^(attachment|tc):\/\/([0-9a-f]{8,})$/;

/** Replaces every `attachment://<hash>` / `tc://<hash>` string with its stored content. */
export function resolveAttachments(value: unknown, attachments: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const m = REF_PATTERN.exec(value);
    if (m) {
      const hit = attachments[m[2]!];
      return typeof hit === 'string' ? hit : value;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveAttachments(v, attachments));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveAttachments(v, attachments);
    return out;
  }
  return value;
}

/** Message content is a string or a list of parts ({type: text|reasoning|image|…}). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => {
        if (typeof part === 'string') return part;
        if (!isRecord(part)) return '';
        if (typeof part.text === 'string') return part.text;
        if (typeof part.reasoning === 'string') return `[reasoning] ${part.reasoning}`;
        if (typeof part.type === 'string') return `[${part.type}]`;
        return '';
      })
      .filter(Boolean)
      .join('\n');
  }
  return toText(content);
}

function toolCallsOf(raw: unknown): ToolCall[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return raw.filter(isRecord).map((c) => ({
    ...(typeof c.id === 'string' ? { id: c.id } : {}),
    name: asString(c.function) ?? (isRecord(c.function) ? String(c.function.name ?? '') : (asString(c.name) ?? 'tool')),
    arguments: toText(isRecord(c.function) && 'arguments' in c.function ? c.function.arguments : (c.arguments ?? {})),
  }));
}

export function toMessage(raw: unknown): Message | null {
  if (!isRecord(raw) || typeof raw.role !== 'string') return null;
  const toolCalls = toolCallsOf(raw.tool_calls);
  return {
    role: raw.role,
    content: contentText(raw.content),
    ...(typeof raw.function === 'string' ? { name: raw.function } : {}),
    ...(toolCalls ? { toolCalls } : {}),
    ...(typeof raw.tool_call_id === 'string' ? { toolCallId: raw.tool_call_id } : {}),
  };
}

/** Pass/fail of one Inspect score value: C/I/P/N letters, booleans, numbers, or dicts of them. */
function scorePassed(value: unknown): boolean | null {
  if (typeof value === 'string') {
    const v = value.trim().toUpperCase();
    if (v === 'C') return true;
    if (v === 'I' || v === 'N' || v === 'P') return false;
  }
  if (isRecord(value)) {
    const parts = Object.values(value)
      .map(scorePassed)
      .filter((x): x is boolean => x !== null);
    return parts.length ? parts.every(Boolean) : null;
  }
  const b = toBool(value);
  if (b !== null) return b;
  const n = toNumber(value);
  return n === null || Number.isNaN(n) ? null : n >= 1;
}

/**
 * The sample's scores. A numeric score passes at or above the threshold set for its
 * scorer's name (`--threshold`, `evalloop.thresholds`); without one, at 1 or above.
 */
function scoresOf(raw: unknown, thresholds: Record<string, number>): Score[] {
  if (!isRecord(raw)) return [];
  return Object.entries(raw).map(([name, s]) => {
    const score = isRecord(s) ? s : { value: s };
    const value = score.value;
    const shown = typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : value === undefined ? null : toText(value);
    const answer = asString(score.answer);
    const explanation = asString(score.explanation);
    const reason = [answer !== undefined ? `answer: ${answer}` : '', explanation && explanation !== answer ? explanation : ''].filter(Boolean).join('\n');
    const threshold = thresholds[name];
    const n = typeof value === 'number' || typeof value === 'string' ? toNumber(value) : null;
    if (threshold !== undefined && n !== null && !Number.isNaN(n)) return { name, value: shown, passed: n >= threshold, threshold, ...(reason ? { reason } : {}) };
    return { name, value: shown, passed: scorePassed(value), ...(reason ? { reason } : {}) };
  });
}

const QUIET_EVENTS = new Set(['state', 'store', 'step', 'span_begin', 'span_end', 'sample_init', 'input']);

function eventsToTrace(events: unknown[]): TraceStep[] {
  const steps: TraceStep[] = [];
  for (const e of events) {
    if (!isRecord(e) || typeof e.event !== 'string' || QUIET_EVENTS.has(e.event)) continue;
    const time = asString(e.timestamp);
    const base = time ? { time } : {};
    switch (e.event) {
      case 'model': {
        const choice = isRecord(e.output) && Array.isArray(e.output.choices) ? e.output.choices[0] : undefined;
        const message = isRecord(choice) ? toMessage(choice.message) : null;
        steps.push({ kind: 'model', title: `model ${asString(e.model) ?? ''}`.trim(), content: message?.content ?? '', ...base });
        for (const call of message?.toolCalls ?? []) steps.push({ kind: 'tool-call', title: call.name, content: call.arguments, ...base });
        break;
      }
      case 'tool':
        steps.push({ kind: 'tool-call', title: asString(e.function) ?? 'tool', content: toText(e.arguments), ...base });
        steps.push({ kind: 'tool-result', title: asString(e.function) ?? 'tool', content: contentText(e.result ?? e.error), ...base });
        break;
      case 'score':
        steps.push({ kind: 'score', title: 'score', content: toText(isRecord(e.score) ? e.score.value : e.score), ...base });
        break;
      case 'error':
        steps.push({ kind: 'error', title: 'error', content: toText(isRecord(e.error) ? e.error.message : e.error), ...base });
        break;
      case 'logger':
      case 'info':
        steps.push({ kind: 'log', title: e.event, content: toText(isRecord(e.message) ? e.message.message : (e.message ?? e.data)), ...base });
        break;
      default:
        steps.push({ kind: 'event', title: e.event, content: titleOf(toText(e), 2000), ...base });
    }
  }
  return steps;
}

export function inspectRun(header: Record<string, unknown>, fallbackId: string, partial: boolean): RunDescription {
  const ev = isRecord(header.eval) ? header.eval : {};
  const revision = isRecord(ev.revision) ? ev.revision : {};
  const status = asString(header.status);
  const suite = asString(ev.task_registry_name) ?? asString(ev.task) ?? 'inspect';
  return {
    runId: `inspect:${asString(ev.eval_id) ?? asString(ev.run_id) ?? fallbackId}:${asString(ev.task_id) ?? suite}`,
    format: 'inspect',
    suite,
    model: asString(ev.model),
    startedAt: asString(ev.created),
    evalCommit: asString(revision.commit),
    partial: partial || (status !== undefined && status !== 'success' && status !== 'error' && status !== 'cancelled'),
    metadata: { ...(status ? { status } : {}), ...(asString(ev.task_file) ? { taskFile: ev.task_file } : {}) },
  };
}

function outputText(output: unknown): string | null {
  if (!isRecord(output)) return null;
  if (typeof output.completion === 'string' && output.completion !== '') return output.completion;
  const choice = Array.isArray(output.choices) ? output.choices[0] : undefined;
  if (isRecord(choice) && isRecord(choice.message)) return contentText(choice.message.content);
  return typeof output.completion === 'string' ? output.completion : null;
}

/** One Inspect sample as a case; one with no score and no error is `unknown` (counted, not queued). */
export function inspectSampleToCase(rawSample: unknown, suite: string, record: EvalCase['record'], thresholds: Record<string, number> = {}): EvalCase {
  if (!isRecord(rawSample) || !('id' in rawSample)) throw new FormatError('sample has no id');
  const attachments: Record<string, unknown> = {
    ...(isRecord(rawSample.transcript) && isRecord(rawSample.transcript.content) ? rawSample.transcript.content : {}),
    ...(isRecord(rawSample.attachments) ? rawSample.attachments : {}),
  };
  const s = resolveAttachments(rawSample, attachments) as Record<string, unknown>;
  const scores = scoresOf(s.scores, thresholds);
  const errorText = s.error === undefined || s.error === null ? undefined : toText(isRecord(s.error) ? s.error.message : s.error);
  const decided = scores.filter((x) => x.passed !== null && x.passed !== undefined);
  const outcome: Outcome = errorText ? 'error' : decided.length === 0 ? 'unknown' : decided.every((x) => x.passed) ? 'pass' : 'fail';
  const messages = (Array.isArray(s.messages) ? s.messages : []).map(toMessage).filter((m): m is Message => m !== null);
  // what the model was sent: the conversation up to its final answer (solvers add system
  // prompts and choices to the dataset input), else the dataset input itself
  const lastAnswer = messages.map((m) => m.role).lastIndexOf('assistant');
  const sent = lastAnswer > 0 ? messages.slice(0, lastAnswer) : [];
  const datasetMessages = (Array.isArray(s.input) ? s.input : []).map(toMessage).filter((m): m is Message => m !== null);
  const input: EvalCase['input'] = typeof s.input === 'string' ? { prompt: s.input, ...(sent.length ? { messages: sent } : {}) } : { messages: sent.length ? sent : datasetMessages };
  const events = Array.isArray(s.events) ? s.events : isRecord(s.transcript) && Array.isArray(s.transcript.events) ? s.transcript.events : [];
  const trace: TraceStep[] = [
    ...messages.map((m): TraceStep => ({
      kind: 'message',
      title: m.toolCalls?.length ? `${m.role} → ${m.toolCalls.map((c) => c.name).join(', ')}` : m.role,
      role: m.role,
      content: m.toolCalls?.length ? [m.content, ...m.toolCalls.map((c) => `${c.name}(${c.arguments})`)].filter(Boolean).join('\n') : m.content,
    })),
    ...eventsToTrace(events),
  ];
  const target = Array.isArray(s.target) ? s.target.map(toText).join('\n') : s.target;
  const epoch = toNumber(s.epoch) ?? 1;
  const id = toText(s.id);
  return buildCase('inspect', {
    suite,
    sampleId: epoch > 1 ? `${id}@${epoch}` : id,
    input,
    output: outputText(s.output),
    expected: target === undefined || target === null ? null : toText(target),
    outcome,
    scores,
    trace,
    ...(errorText ? { error: errorText } : {}),
    metadata: {
      sampleId: s.id,
      epoch,
      ...(Array.isArray(s.choices) ? { choices: s.choices } : {}),
      ...(isRecord(s.metadata) ? { sample: s.metadata } : {}),
    },
    record,
  });
}

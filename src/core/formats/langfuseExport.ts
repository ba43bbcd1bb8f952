// Langfuse exports as live cases, one per trace:
// - the UI's trace download: `{trace, observations}` (scores in `trace.scores`), or a
//   JSON array of them;
// - the blob-storage export: JSON or JSONL rows of traces, observations (legacy
//   `observations/` or enriched `observations_v2/`) and scores, in separate files or
//   mixed, joined by trace id. The observations file is the one read for cases; the
//   export's `scores/` and `traces/` files beside it (same file name, else all of them)
//   are joined in. A scores file alone has no content and is skipped, saying so.
// A trace fails when an observation has level ERROR (outcome `error`) or a score fails
// its rule (`scoreRules`: a bound and a direction per name, with defaults for common
// names; categorical and boolean scores by their label). Otherwise it is a pass.
// The case key hashes the input with the trace name, which is also the suite.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { buildCase } from '../model/buildCase';
import type { EvalCase, Outcome, Score, TraceStep } from '../model/caseModel';
import { shortHash } from '../text/hashing';
import { parseLenientJson } from '../text/lenientJson';
import { asString, isRecord, toNumber, toText } from '../text/values';
import { FormatError, type ReadEvent, type ReadOptions, type RecordError, type RunDescription } from './adapter';
import { inputOf, outputOf, unwrap } from './langfuseContent';
import type { LineFormat } from './lineFormat';
import { judgeScore, matchFailureRule } from './liveJudgement';
import { reasonOf } from '../text/reasonOf';

const OBSERVATION_TYPES = new Set(['GENERATION', 'SPAN', 'EVENT', 'AGENT', 'TOOL', 'CHAIN', 'RETRIEVER', 'EVALUATOR', 'EMBEDDING', 'GUARDRAIL']);
const LEVELS = new Set(['DEBUG', 'DEFAULT', 'WARNING', 'ERROR']);
const SCORE_TYPES = new Set(['NUMERIC', 'CATEGORICAL', 'BOOLEAN']);
/** Sibling export files read for scores and traces: at most this many bytes in all. */
const SIBLING_BYTES = 64 * 1024 * 1024;

type Row = Record<string, unknown>;
type RowKind = 'trace' | 'observation' | 'score' | 'download';

/** A field under its camelCase (UI, API) or snake_case (blob export) name. */
function field(row: Row, camel: string): unknown {
  if (camel in row) return row[camel];
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return row[snake];
}

export function langfuseRowKind(value: unknown): RowKind | null {
  if (!isRecord(value)) return null;
  if (isRecord(value.trace) && Array.isArray(value.observations)) return 'download';
  const traceId = field(value, 'traceId');
  if (typeof traceId === 'string' && traceId !== '') {
    if (SCORE_TYPES.has(String(field(value, 'dataType'))) && typeof value.name === 'string') return 'score';
    if (OBSERVATION_TYPES.has(String(value.type)) && LEVELS.has(String(value.level))) return 'observation';
    return null;
  }
  if (typeof value.id === 'string' && 'timestamp' in value && (field(value, 'projectId') !== undefined || 'bookmarked' in value) && ('input' in value || 'output' in value || 'name' in value)) return 'trace';
  return null;
}

export function isLangfuseDocument(doc: unknown): boolean {
  if (Array.isArray(doc)) return doc.length > 0 && langfuseRowKind(doc[0]) !== null;
  return langfuseRowKind(doc) === 'download';
}

interface TraceParts {
  trace?: Row;
  observations: Row[];
  scores: Row[];
  first: { line?: number; index: number };
}

/** Collects trace, observation and score rows by trace id. */
class LangfuseCollector {
  readonly traces = new Map<string, TraceParts>();
  private count = 0;
  observationsSeen = 0;

  private parts(traceId: string, line?: number): TraceParts {
    let p = this.traces.get(traceId);
    if (!p) this.traces.set(traceId, (p = { observations: [], scores: [], first: { ...(line !== undefined ? { line } : {}), index: this.count } }));
    return p;
  }

  /** Adds one record; throws FormatError for a record of no Langfuse shape. */
  add(value: unknown, line?: number): void {
    const kind = langfuseRowKind(value);
    const row = value as Row;
    this.count++;
    if (kind === null) throw new FormatError('not a Langfuse trace, observation or score record');
    if (kind === 'download') {
      const trace = row.trace as Row;
      const id = asString(trace.id) ?? `download-${this.count}`;
      const p = this.parts(id, line);
      p.trace = trace;
      for (const o of row.observations as unknown[]) if (isRecord(o)) p.observations.push(o);
      for (const s of Array.isArray(trace.scores) ? trace.scores : []) if (isRecord(s)) p.scores.push(s);
      this.observationsSeen += p.observations.length;
    } else if (kind === 'trace') {
      this.parts(row.id as string, line).trace = row;
    } else if (kind === 'observation') {
      this.parts(field(row, 'traceId') as string, line).observations.push(row);
      this.observationsSeen++;
    } else {
      // a score joins a trace this file already has, or starts one for a later row
      this.parts(field(row, 'traceId') as string, line).scores.push(row);
    }
  }

  /** Adds scores and traces of the export's sibling files, only for traces this file holds. */
  join(rows: Row[]): void {
    for (const row of rows) {
      const kind = langfuseRowKind(row);
      const id = kind === 'trace' ? (row.id as string) : kind === 'score' ? (field(row, 'traceId') as string) : undefined;
      const p = id !== undefined ? this.traces.get(id) : undefined;
      if (!p) continue;
      if (kind === 'trace') p.trace ??= row;
      else if (!p.scores.some((s) => s.id !== undefined && s.id === row.id)) p.scores.push(row);
    }
  }
}

function timeMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  // blob exports write `2024-05-29 13:46:19.963000` in UTC
  const iso = /^\d{4}-\d{2}-\d{2} \d/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

function scoreOf(row: Row, options: ReadOptions): Score {
  const name = asString(row.name) ?? 'score';
  const type = String(field(row, 'dataType') ?? '');
  const label = asString(field(row, 'stringValue') ?? undefined);
  const comment = asString(row.comment ?? undefined);
  if (type === 'BOOLEAN') {
    const n = toNumber(row.value);
    return judgeScore(name, n === null ? (label === 'True' || label === 'true' ? true : label === 'False' || label === 'false' ? false : null) : n !== 0, undefined, options, comment);
  }
  if (type === 'CATEGORICAL') return judgeScore(name, undefined, label, options, comment);
  return judgeScore(name, row.value, label, options, comment);
}

function steps(observations: Row[]): TraceStep[] {
  const byId = new Map(observations.map((o) => [asString(o.id), o]));
  const depthOf = (o: Row) => {
    let depth = 0;
    const seen = new Set<Row>();
    let parent = byId.get(asString(field(o, 'parentObservationId')));
    while (parent && !seen.has(parent) && depth < 64) {
      seen.add(parent);
      depth++;
      parent = byId.get(asString(field(parent, 'parentObservationId')));
    }
    return depth;
  };
  return observations.slice(0, 400).map((o) => {
    const start = timeMs(field(o, 'startTime'));
    const end = timeMs(field(o, 'endTime'));
    const type = String(o.type);
    const level = String(o.level);
    const status = asString(field(o, 'statusMessage') ?? undefined);
    const lines = [start !== undefined && end !== undefined ? `${end - start} ms` : undefined, level === 'ERROR' || level === 'WARNING' ? `level ${level}${status ? `: ${status}` : ''}` : undefined];
    if (type === 'TOOL') {
      if (o.input !== undefined && o.input !== null) lines.push(`arguments: ${toText(unwrap(o.input))}`);
      if (o.output !== undefined && o.output !== null) lines.push(`result: ${toText(unwrap(o.output))}`);
    }
    const step: TraceStep = {
      kind: level === 'ERROR' ? 'error' : type === 'GENERATION' ? 'model' : type === 'TOOL' ? 'tool-call' : type === 'EVENT' ? 'event' : 'span',
      title: asString(o.name) ?? type.toLowerCase(),
      content: lines.filter(Boolean).join('\n'),
      depth: depthOf(o),
    };
    if (start !== undefined) step.time = new Date(start).toISOString();
    return step;
  });
}

function usage(observations: Row[], key: 'input' | 'output'): number | undefined {
  let total: number | undefined;
  for (const o of observations) {
    const details = field(o, 'usageDetails');
    const n = isRecord(details) ? toNumber(details[key]) : toNumber(field(o, key === 'input' ? 'inputUsage' : 'outputUsage'));
    if (n !== null && n > 0) total = (total ?? 0) + n;
  }
  return total;
}

function traceCase(traceId: string, p: TraceParts, options: ReadOptions): EvalCase {
  const trace = p.trace ?? {};
  const observations = [...p.observations].sort((a, b) => (timeMs(field(a, 'startTime')) ?? 0) - (timeMs(field(b, 'startTime')) ?? 0));
  const generations = observations.filter((o) => o.type === 'GENERATION');
  const name = asString(trace.name) ?? asString(field(observations[0] ?? {}, 'traceName')) ?? 'langfuse';
  const input = inputOf(trace.input) ?? generations.map((g) => inputOf(g.input)).find(Boolean) ?? observations.map((o) => inputOf(o.input)).find(Boolean) ?? { vars: { trace: name } };
  let output = outputOf(trace.output);
  if (output === null) for (const o of [...generations].reverse()) if ((output = outputOf(o.output)) !== null) break;
  const errorObservation = observations.find((o) => o.level === 'ERROR');
  const scores = p.scores.map((s) => scoreOf(s, options));
  const metadataRecord = unwrap(trace.metadata);
  const ruleReason = isRecord(metadataRecord) ? matchFailureRule(metadataRecord, options.liveFailureRules) : undefined;
  if (ruleReason) scores.push({ name: 'failure rule', value: ruleReason, passed: false, reason: `matched ${ruleReason}` });
  const outcome: Outcome = errorObservation ? 'error' : scores.some((s) => s.passed === false) ? 'fail' : 'pass';
  const model = generations.map((g) => asString(g.model) ?? asString(field(g, 'providedModelName'))).find(Boolean);
  const inputTokens = usage(generations, 'input');
  const outputTokens = usage(generations, 'output');
  const latency = toNumber(trace.latency);
  const metadata: Record<string, unknown> = {
    traceId,
    traceName: name,
    ...(model ? { model } : {}),
    ...(inputTokens !== undefined ? { inputTokens } : {}),
    ...(outputTokens !== undefined ? { outputTokens } : {}),
    ...(latency !== null ? { latencyMs: Math.round(latency * 1000) } : {}),
    ...(asString(field(trace, 'userId') ?? undefined) ? { userId: field(trace, 'userId') } : {}),
    ...(asString(field(trace, 'sessionId') ?? undefined) ? { sessionId: field(trace, 'sessionId') } : {}),
    ...(Array.isArray(trace.tags) && trace.tags.length ? { tags: trace.tags } : {}),
  };
  const status = errorObservation ? asString(field(errorObservation, 'statusMessage') ?? undefined) : undefined;
  return buildCase('langfuse', {
    suite: name,
    input,
    output,
    expected: null,
    outcome,
    scores,
    trace: steps(observations),
    ...(errorObservation ? { error: `observation "${asString(errorObservation.name) ?? errorObservation.id}" has level ERROR${status ? `: ${status}` : ''}` } : {}),
    ...(model ? { model } : {}),
    metadata,
    keyParts: [name],
    record: p.first.line !== undefined ? { line: p.first.line } : { index: p.first.index },
  });
}

/** The export's scores and traces files for an observations file at `<prefix>/observations*\/<name>`. */
function siblingRows(path: string, errors: RecordError[]): Row[] {
  const folder = dirname(path);
  const prefix = dirname(folder);
  if (!/^(observations(_v2)?|traces)$/.test(basename(folder))) return [];
  const rows: Row[] = [];
  let budget = SIBLING_BYTES;
  for (const sibling of basename(folder) === 'traces' ? ['scores'] : ['scores', 'traces']) {
    const dir = join(prefix, sibling);
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((n) => /\.(jsonl?|ndjson)$/i.test(n))
        .sort();
    } catch {
      continue;
    }
    const same = names.filter((n) => n === basename(path));
    for (const name of same.length ? same : names) {
      const file = join(dir, name);
      try {
        const size = statSync(file).size;
        if (size > budget) {
          errors.push({ reason: `${sibling}/${name} not joined: the export's ${sibling} files are over ${SIBLING_BYTES / 2 ** 20} MB in all`, warning: true });
          break;
        }
        budget -= size;
        const text = readFileSync(file, 'utf8');
        const t = text.trimStart();
        const values = t.startsWith('[')
          ? (parseLenientJson(t) as unknown[])
          : t
              .split('\n')
              .filter((l) => l.trim())
              .map((l) => parseLenientJson(l));
        for (const v of Array.isArray(values) ? values : []) if (isRecord(v)) rows.push(v);
      } catch (error) {
        errors.push({ reason: `${sibling}/${name} could not be joined: ${reasonOf(error)}`, warning: true });
      }
    }
  }
  return rows;
}

/** A legacy export's traces file, when its observations files are beside it: they are the ones read. */
function tracesBesideObservations(path: string): boolean {
  if (basename(dirname(path)) !== 'traces') return false;
  try {
    return statSync(join(dirname(dirname(path)), 'observations')).isDirectory();
  } catch {
    return false;
  }
}

function finish(collector: LangfuseCollector, options: ReadOptions, path: string): { cases: EvalCase[]; errors: RecordError[] } {
  const errors: RecordError[] = [];
  if (collector.observationsSeen === 0 && tracesBesideObservations(path)) {
    return { cases: [], errors: [{ reason: 'a Langfuse traces export: its traces are read with the observations export beside it (observations/)', warning: true }] };
  }
  collector.join(siblingRows(path, errors));
  const onlyScores = collector.traces.size > 0 && [...collector.traces.values()].every((p) => !p.trace && p.observations.length === 0);
  if (onlyScores) errors.push({ reason: 'a Langfuse scores export: its scores are joined into the cases of the observations export beside it (observations/ or observations_v2/)', warning: true });
  const cases: EvalCase[] = [];
  for (const [traceId, parts] of collector.traces) {
    if (!parts.trace && parts.observations.length === 0) continue;
    try {
      cases.push(traceCase(traceId, parts, options));
    } catch (error) {
      errors.push({ ...(parts.first.line !== undefined ? { line: parts.first.line } : { record: parts.first.index }), reason: `trace ${traceId}: ${reasonOf(error)}` });
    }
  }
  return { cases, errors };
}

function runOf(id: string, suite: string): RunDescription {
  return { runId: `langfuse:${id}`, format: 'langfuse', suite, partial: false, metadata: {} };
}

function suiteOf(first: unknown): string {
  if (!isRecord(first)) return 'langfuse';
  const trace = isRecord(first.trace) ? first.trace : first;
  return asString(trace.name) ?? asString(field(trace, 'traceName')) ?? 'langfuse';
}

/** Blob-export JSONL (and JSON lines of trace downloads); rows join by trace id, so a grown file is read whole. */
export const langfuseLines: LineFormat = {
  format: 'langfuse',
  resumable: false,
  matches: (first) => langfuseRowKind(first) !== null,
  open: ({ path, firstRecord, firstLineText, options }) => {
    const collector = new LangfuseCollector();
    let pending: RecordError[] = [];
    return {
      run: runOf(shortHash(`${path}\n${firstLineText}`), suiteOf(firstRecord)),
      record: (value, line) => {
        collector.add(value, line);
        return [];
      },
      finish: () => {
        const { cases, errors } = finish(collector, options, path);
        pending = errors;
        return cases;
      },
      errors: () => pending,
    };
  },
};

/** A trace download, a list of them, or a blob export written as one JSON array. */
export function* readLangfuseDocument(doc: unknown, path: string, contentHash: string, options: ReadOptions): Generator<ReadEvent> {
  const rows = Array.isArray(doc) ? doc : [doc];
  yield { kind: 'run', run: runOf(contentHash, suiteOf(rows[0])) };
  const collector = new LangfuseCollector();
  for (let i = 0; i < rows.length; i++) {
    try {
      collector.add(rows[i]);
    } catch (error) {
      yield { kind: 'error', error: { record: i, reason: reasonOf(error) } };
    }
  }
  const { cases, errors } = finish(collector, options, path);
  for (const evalCase of cases) yield { kind: 'case', evalCase };
  for (const error of errors) yield { kind: 'error', error };
}

// OpenAI evals record logs (`oaieval ... --record_path`): a spec line, a final
// report, and events per sample (sampling, match, metrics…) joined by sample_id
// in whatever order the lines arrive.
import { buildCase } from '../model/buildCase';
import type { EvalCase, Message, Outcome, Score } from '../model/caseModel';
import { shortHash } from '../text/hashing';
import { asString, isRecord, toBool, toNumber, toText } from '../text/values';
import { FormatError } from './adapter';
import { toMessage } from './inspectSample';
import type { LineFormat } from './lineFormat';

interface SampleParts {
  firstLine: number;
  firstOffset: number;
  prompt?: unknown;
  sampled?: string;
  expected?: string;
  correct?: boolean;
  scores: Score[];
  events: string[];
}

function promptInput(prompt: unknown): EvalCase['input'] {
  if (typeof prompt === 'string') return { prompt };
  if (Array.isArray(prompt)) return { messages: prompt.map(toMessage).filter((m): m is Message => m !== null) };
  return { vars: isRecord(prompt) ? prompt : {} };
}

export const openaiEvalsRecord: LineFormat = {
  format: 'openai-evals',
  resumable: false,
  matches: (first) => (isRecord(first.spec) && ('eval_name' in first.spec || 'run_id' in first.spec)) || (typeof first.run_id === 'string' && typeof first.type === 'string' && 'sample_id' in first),
  open: ({ firstRecord, firstLineText, path }) => {
    const spec = isRecord(firstRecord.spec) ? firstRecord.spec : {};
    const suite = asString(spec.base_eval) ?? asString(spec.eval_name) ?? 'openai-evals';
    const runId = asString(spec.run_id) ?? asString(firstRecord.run_id) ?? shortHash(`${path}\n${firstLineText}`);
    const fns = Array.isArray(spec.completion_fns) ? spec.completion_fns.map(String).join(', ') : undefined;
    const samples = new Map<string, SampleParts>();
    return {
      run: {
        runId: `openai-evals:${runId}`,
        format: 'openai-evals',
        suite,
        model: fns,
        startedAt: asString(spec.created_at),
        partial: false,
        metadata: { ...(asString(spec.eval_name) ? { evalName: spec.eval_name } : {}) },
      },
      record: (value, line, offset) => {
        if (!isRecord(value)) throw new FormatError('record is not a JSON object');
        if ('spec' in value || 'final_report' in value) return [];
        const sampleId = asString(value.sample_id);
        const type = asString(value.type);
        if (!sampleId || !type) throw new FormatError('event has no sample_id or type');
        const data = isRecord(value.data) ? value.data : {};
        let parts = samples.get(sampleId);
        if (!parts) {
          parts = { firstLine: line, firstOffset: offset, scores: [], events: [] };
          samples.set(sampleId, parts);
        }
        parts.events.push(type);
        if (type === 'sampling') {
          parts.prompt = data.prompt;
          parts.sampled = Array.isArray(data.sampled) ? data.sampled.map(toText).join('\n') : toText(data.sampled);
        } else if (type === 'match') {
          parts.correct = toBool(data.correct) ?? false;
          parts.expected = Array.isArray(data.expected) ? data.expected.map(toText).join(' | ') : toText(data.expected);
          parts.sampled ??= toText(data.sampled);
          parts.scores.push({ name: 'match', value: parts.correct, passed: parts.correct, ...(data.picked !== undefined ? { reason: `picked: ${toText(data.picked) || '(nothing)'}` } : {}) });
        } else if (type === 'metrics') {
          for (const [name, v] of Object.entries(data)) {
            const n = toNumber(v);
            const passed = name === 'correct' || name === 'accuracy' || name === 'score' ? toBool(v) : null;
            parts.scores.push({ name, value: n ?? toText(v), passed });
            if (passed !== null) parts.correct = (parts.correct ?? true) && passed;
          }
        }
        return [];
      },
      finish: () => {
        const cases: EvalCase[] = [];
        for (const [sampleId, p] of samples) {
          const outcome: Outcome = p.correct === undefined ? 'unknown' : p.correct ? 'pass' : 'fail';
          cases.push(
            buildCase('openai-evals', {
              suite,
              sampleId,
              input: promptInput(p.prompt),
              output: p.sampled ?? null,
              expected: p.expected ?? null,
              outcome,
              scores: p.scores,
              metadata: { events: p.events },
              record: { line: p.firstLine, offset: p.firstOffset },
            }),
          );
        }
        return cases;
      },
    };
  },
};

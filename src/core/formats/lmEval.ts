// lm-evaluation-harness `samples_<task>_<time>.jsonl` written with --log_samples.
// One case per doc and filter; metric direction from the sibling results_<time>.json.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as z from 'zod';
import { buildCase } from '../model/buildCase';
import type { EvalCase, Outcome, Score } from '../model/caseModel';
import { parseLenientJson } from '../text/lenientJson';
import { shortHash } from '../text/hashing';
import { isRecord, toNumber, toText } from '../text/values';
import { FormatError, type ReadOptions } from './adapter';
import type { LineFormat } from './lineFormat';
import { zodReason } from '../model/zodReason';

const sampleSchema = z.looseObject({
  doc_id: z.union([z.number(), z.string()]),
  doc: z.unknown().optional(),
  target: z.unknown().optional(),
  arguments: z.unknown().optional(),
  resps: z.unknown().optional(),
  filtered_resps: z.unknown().optional(),
  filter: z.string().optional(),
  metrics: z.array(z.string()).optional(),
});

/** Metrics where lower is better, when no results file says which way a metric goes. */
export const LOWER_IS_BETTER = new Set(['perplexity', 'word_perplexity', 'byte_perplexity', 'bits_per_byte', 'ter', 'brier_score']);

interface SiblingResults {
  model?: string;
  gitHash?: string;
  date?: string;
  higherIsBetter: Record<string, boolean>;
  file?: string;
}

/** `samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl` → `math_perturbed_full`. */
export function taskFromFileName(path: string): string {
  const name = basename(path).replace(/\.jsonl$/i, '');
  const stripped = name.replace(/^samples_/, '').replace(/_\d{4}-\d{2}-\d{2}T[\d\-.]+$/, '');
  return stripped || name;
}

function timestampFromFileName(path: string): string | undefined {
  return /_(\d{4}-\d{2}-\d{2}T[\d\-.]+)\.jsonl$/i.exec(basename(path))?.[1];
}

/** Reads the results_<same time>.json next to the samples file, or any results_*.json there. */
function readSiblingResults(samplesPath: string, task: string): SiblingResults {
  const dir = dirname(samplesPath);
  const stamp = timestampFromFileName(samplesPath);
  let candidates: string[] = [];
  try {
    candidates = readdirSync(dir).filter((f) => /^results_.*\.json$/i.test(f));
  } catch {
    return { higherIsBetter: {} };
  }
  const exact = stamp ? candidates.find((f) => f === `results_${stamp}.json`) : undefined;
  const ordered = exact ? [exact] : candidates.sort().reverse();
  for (const file of ordered) {
    try {
      const doc = parseLenientJson(readFileSync(join(dir, file), 'utf8'));
      if (!isRecord(doc)) continue;
      const hib = isRecord(doc.higher_is_better) && isRecord(doc.higher_is_better[task]) ? doc.higher_is_better[task] : undefined;
      if (!hib && !exact) continue;
      const higherIsBetter: Record<string, boolean> = {};
      for (const [metric, v] of Object.entries(hib ?? {})) if (typeof v === 'boolean') higherIsBetter[metric] = v;
      const config = isRecord(doc.config) ? doc.config : {};
      const modelArgs = typeof config.model_args === 'string' ? /pretrained=([^,]+)/.exec(config.model_args)?.[1] : undefined;
      return {
        model: typeof doc.model_name === 'string' ? doc.model_name : modelArgs,
        gitHash: typeof doc.git_hash === 'string' ? doc.git_hash : undefined,
        date: typeof doc.date === 'number' ? new Date(doc.date * 1000).toISOString() : undefined,
        higherIsBetter,
        file,
      };
    } catch {
      // an unreadable sibling only costs us the metric directions
    }
  }
  return { higherIsBetter: {} };
}

function promptOf(args: unknown): string | undefined {
  // newer harness: {"gen_args_0": {"arg_0": prompt, "arg_1": kwargs}}; older: [[prompt, kwargs], ...]
  if (isRecord(args)) {
    const first = Object.values(args)[0];
    if (isRecord(first) && typeof first.arg_0 === 'string') return first.arg_0;
  }
  if (Array.isArray(args) && Array.isArray(args[0]) && typeof args[0][0] === 'string') return args[0][0];
  return undefined;
}

function choicesOf(args: unknown): string[] {
  const out: string[] = [];
  if (isRecord(args)) {
    for (const v of Object.values(args)) if (isRecord(v) && typeof v.arg_1 === 'string') out.push(v.arg_1);
  } else if (Array.isArray(args)) {
    for (const v of args) if (Array.isArray(v) && typeof v[1] === 'string') out.push(v[1]);
  }
  return out;
}

/** The model's answer: generated text, or for log-likelihood tasks the choice it ranked first. */
function outputOf(filtered: unknown, args: unknown): string | null {
  if (!Array.isArray(filtered) || filtered.length === 0) return filtered === undefined ? null : toText(filtered);
  const first = Array.isArray(filtered[0]) && filtered[0].length === 1 ? filtered[0][0] : filtered[0];
  if (typeof first === 'string') return first;
  const loglikelihoods = filtered.map((r) => (Array.isArray(r) ? toNumber(r[0]) : toNumber(r)));
  if (loglikelihoods.every((x) => x !== null)) {
    const best = loglikelihoods.indexOf(Math.max(...(loglikelihoods as number[])));
    const choices = choicesOf(args);
    return choices[best] !== undefined ? choices[best]!.trim() : `choice ${best}`;
  }
  return toText(filtered);
}

/** A per-sample metric: passes at its threshold (by direction), else a 0/1 value decides, else nothing does. */
export function judgeMetric(metric: string, value: unknown, higherIsBetter: boolean, options: ReadOptions): Score {
  const n = toNumber(value);
  const threshold = options.thresholds[metric];
  if (n === null || Number.isNaN(n)) return { name: metric, value: n === null ? toText(value) : null, passed: null };
  let passed: boolean | null = null;
  if (threshold !== undefined) passed = higherIsBetter ? n >= threshold : n <= threshold;
  else if (n === 0 || n === 1) passed = higherIsBetter ? n === 1 : n === 0;
  return { name: metric, value: n, passed, ...(threshold !== undefined ? { threshold } : {}) };
}

export const lmEvalSamples: LineFormat = {
  format: 'lm-eval',
  resumable: true,
  matches: (first) => 'doc_id' in first && ('resps' in first || 'filtered_resps' in first),
  open: ({ path, firstLineText, options }) => {
    const task = taskFromFileName(path);
    const sibling = readSiblingResults(path, task);
    return {
      run: {
        runId: `lm-eval:${shortHash(`${basename(path)}\n${firstLineText}`)}`,
        format: 'lm-eval',
        suite: task,
        model: sibling.model,
        startedAt: sibling.date,
        evalCommit: sibling.gitHash,
        partial: false,
        metadata: sibling.file ? { resultsFile: sibling.file } : {},
      },
      record: (value, line, offset): EvalCase[] => {
        const parsed = sampleSchema.safeParse(value);
        if (!parsed.success) throw new FormatError(`not an lm-eval sample: ${zodReason(parsed.error)}`);
        const s = parsed.data;
        const metricNames = s.metrics ?? Object.keys(s).filter((k) => typeof s[k] === 'number' && k !== 'doc_id');
        const scores = metricNames.filter((m) => m in s).map((m) => judgeMetric(m, s[m], sibling.higherIsBetter[m] ?? !LOWER_IS_BETTER.has(m), options));
        const decided = scores.filter((x) => x.passed !== null && x.passed !== undefined);
        const outcome: Outcome = decided.length === 0 ? 'unknown' : decided.every((x) => x.passed) ? 'pass' : 'fail';
        const prompt = promptOf(s.arguments);
        const filter = s.filter ?? 'none';
        const docId = String(s.doc_id);
        return [
          buildCase('lm-eval', {
            suite: task,
            sampleId: filter === 'none' ? docId : `${docId}/${filter}`,
            input: prompt !== undefined ? { prompt } : { vars: isRecord(s.doc) ? s.doc : { doc: s.doc } },
            output: outputOf(s.filtered_resps ?? s.resps, s.arguments),
            expected: s.target === undefined || s.target === null ? null : toText(s.target),
            outcome,
            scores,
            metadata: {
              docId: s.doc_id,
              filter,
              ...(isRecord(s.doc) ? { doc: s.doc } : {}),
              ...(typeof s.doc_hash === 'string' ? { docHash: s.doc_hash } : {}),
            },
            record: { line, offset },
          }),
        ];
      },
      finish: () => [],
    };
  },
};

export function isLmEvalResultsDocument(doc: unknown): boolean {
  return isRecord(doc) && isRecord(doc.results) && ('configs' in doc || 'higher_is_better' in doc) && !('version' in doc.results);
}

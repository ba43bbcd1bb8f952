// lighteval details (`--save-details`): `details_<task>_<time>.parquet`, one row per
// sample with `doc` (query, choices, gold_index), `model_response` (text, logprobs,
// input) and `metric` (each metric's value), or the older flat columns (`full_prompt`,
// `predictions`, `gold`, `metrics`). A case is one row. Each metric passes at the
// threshold set for its name, in the direction the run's `results_<time>.json` gives
// (`config_tasks.*.metrics[].higher_is_better`), else a 0/1 value decides, as for
// lm-evaluation-harness. The file is read one row group at a time, so a large file
// stays within the memory of its largest row group.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { buildCase } from '../model/buildCase';
import type { EvalCase, Outcome } from '../model/caseModel';
import { shortHash } from '../text/hashing';
import { parseLenientJson } from '../text/lenientJson';
import { asString, isRecord, toNumber, toText } from '../text/values';
import { FormatError, type ReadEvent, type ReadOptions, type RunDescription } from './adapter';
import { judgeMetric, LOWER_IS_BETTER } from './lmEval';
import { loadParquetRows } from './loadParquetRows';
import type { ParquetRows } from './parquetRows';
import { reasonOf } from '../text/reasonOf';

const STAMP = /_(\d{4}-\d{2}-\d{2}T[\d\-.]+)\.parquet$/i;

export function isParquet(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31;
}

/** `details_lighteval|gsm8k|0_2025-11-05T14-43-47.148527.parquet` → `lighteval|gsm8k|0`. */
export function lightevalTaskFromFileName(path: string): string {
  const name = basename(path)
    .replace(STAMP, '')
    .replace(/\.parquet$/i, '');
  return name.replace(/^details_/, '') || name;
}

interface RunResults {
  file?: string;
  model?: string;
  evalCommit?: string;
  higherIsBetter: Record<string, boolean>;
}

/** The names a task goes by in results files, compared without punctuation and few-shot count. */
function taskKeys(task: string): string[] {
  const flat = (t: string) =>
    t
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  const withoutShots = task.replace(/[|_]+\d+$/, '');
  return [flat(task), flat(withoutShots), flat(withoutShots.replace(/^(lighteval|leaderboard|helm|original|custom|community|extended)[|_]+/, ''))];
}

function directionsFrom(doc: Record<string, unknown>, task: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  const configs = isRecord(doc.config_tasks) ? doc.config_tasks : {};
  const wanted = taskKeys(task);
  for (const [key, config] of Object.entries(configs)) {
    if (!isRecord(config) || !taskKeys(key).some((k) => wanted.includes(k))) continue;
    const metrics = Array.isArray(config.metrics) ? config.metrics : Array.isArray(config.metric) ? config.metric : [];
    for (const m of metrics.filter(isRecord)) {
      const names = Array.isArray(m.metric_name) ? m.metric_name.map(String) : [String(m.metric_name ?? '')];
      for (const name of names.filter(Boolean)) {
        const hib = isRecord(m.higher_is_better) ? m.higher_is_better[name] : m.higher_is_better;
        if (typeof hib === 'boolean') out[name] = hib;
      }
    }
  }
  return out;
}

/** The run's results file: beside the details, or where lighteval writes it (`results/<model>/results_<time>.json`). */
function readRunResults(path: string, task: string): RunResults {
  const stamp = STAMP.exec(basename(path))?.[1];
  if (!stamp) return { higherIsBetter: {} };
  const dir = dirname(path);
  const candidates = [join(dir, `results_${stamp}.json`)];
  const parts = dir.split(sep);
  const at = parts.lastIndexOf('details');
  if (at >= 0) {
    const model = parts.slice(at + 1, parts.at(-1) === stamp ? -1 : undefined);
    candidates.push(join(parts.slice(0, at).join(sep) || sep, 'results', ...model, `results_${stamp}.json`));
  }
  for (const file of candidates) {
    try {
      if (!statSync(file).isFile()) continue;
      const doc = parseLenientJson(readFileSync(file, 'utf8'));
      if (!isRecord(doc)) continue;
      const general = isRecord(doc.config_general) ? doc.config_general : {};
      const modelConfig = isRecord(general.model_config) ? general.model_config : {};
      return {
        file,
        model: asString(general.model_name) ?? asString(modelConfig.model_name),
        evalCommit: asString(general.lighteval_sha),
        higherIsBetter: directionsFrom(doc, task),
      };
    } catch {
      // an unreadable results file costs only the metric directions
    }
  }
  return { higherIsBetter: {} };
}

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.length ? textOf(value[0]) : null;
  return toText(value);
}

function goldOf(choices: unknown, goldIndex: unknown, gold: unknown): string | null {
  if (gold !== undefined && gold !== null) return Array.isArray(gold) ? gold.map(toText).join(' | ') : toText(gold);
  if (!Array.isArray(choices)) return null;
  const indexes = (Array.isArray(goldIndex) ? goldIndex : [goldIndex]).map(toNumber).filter((i): i is number => i !== null && Number.isInteger(i) && i >= 0 && i < choices.length);
  return indexes.length ? indexes.map((i) => toText(choices[i])).join(' | ') : null;
}

/** A log-likelihood task answers with the choice it ranked first. */
function rankedChoice(logprobs: unknown, choices: unknown): string | null {
  if (!Array.isArray(logprobs) || !Array.isArray(choices) || logprobs.length !== choices.length || !logprobs.length) return null;
  const values = logprobs.map(toNumber);
  if (values.some((v) => v === null)) return null;
  const best = values.indexOf(Math.max(...(values as number[])));
  return toText(choices[best]);
}

function rowCase(row: Record<string, unknown>, index: number, task: string, results: RunResults, options: ReadOptions): EvalCase {
  const doc = isRecord(row.doc) ? row.doc : {};
  const response = isRecord(row.model_response) ? row.model_response : {};
  const metricValues = isRecord(row.metric) ? row.metric : isRecord(row.metrics) ? row.metrics : {};
  const query = asString(doc.query) ?? asString(row.example) ?? asString(row.full_prompt);
  if (query === undefined) throw new FormatError('row has no doc.query (nor example / full_prompt)');
  const choices = doc.choices ?? row.choices;
  const output = textOf(response.text) ?? textOf(row.predictions) ?? rankedChoice(response.logprobs, choices);
  const scores = Object.entries(metricValues)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([name, v]) => judgeMetric(name, v, results.higherIsBetter[name] ?? !LOWER_IS_BETTER.has(name), options));
  const decided = scores.filter((s) => s.passed !== null && s.passed !== undefined);
  const outcome: Outcome = decided.length === 0 ? 'unknown' : decided.every((s) => s.passed) ? 'pass' : 'fail';
  const fullPrompt = asString(response.input) ?? asString(row.full_prompt);
  return buildCase('lighteval', {
    suite: task,
    // the question as the task states it: a full prompt's few-shot examples change with the seed
    input: { prompt: query },
    output,
    expected: goldOf(choices, doc.gold_index ?? row.gold_index, row.gold),
    outcome,
    scores,
    metadata: {
      ...(fullPrompt !== undefined && fullPrompt !== query ? { fullPrompt } : {}),
      ...(Array.isArray(choices) ? { choices } : {}),
      ...(asString(doc.task_name) ? { taskName: doc.task_name } : {}),
      ...(asString(doc.instruction) ? { instruction: doc.instruction } : {}),
    },
    // the same question with another gold answer is another case
    keyParts: [Array.isArray(choices) ? choices : null, doc.gold_index ?? row.gold_index ?? row.gold ?? null],
    record: { index },
  });
}

const NEW_COLUMNS = ['doc', 'metric'];
const OLD_COLUMNS = ['metrics', 'predictions'];

/** Opens a Parquet file: lighteval details are read one row group at a time; other Parquet files are not ours. */
export async function openLightevalDetails(path: string, options: ReadOptions): Promise<{ skipped: string } | { events: AsyncGenerator<ReadEvent> }> {
  let rows: ParquetRows;
  try {
    rows = await loadParquetRows().openParquetRows(path);
  } catch (error) {
    if (error instanceof FormatError) throw error;
    throw new FormatError(`not a readable Parquet file: ${reasonOf(error)}`);
  }
  const has = (names: string[]) => names.every((n) => rows.columns.includes(n));
  if (!has(NEW_COLUMNS) && !has(OLD_COLUMNS)) {
    return { skipped: `Parquet without lighteval's details columns (doc, model_response, metric); columns: ${rows.columns.slice(0, 8).join(', ')}` };
  }
  return { events: detailEvents(path, rows, options) };
}

async function* detailEvents(path: string, rows: ParquetRows, options: ReadOptions): AsyncGenerator<ReadEvent> {
  const task = lightevalTaskFromFileName(path);
  const results = readRunResults(path, task);
  const run: RunDescription = {
    runId: `lighteval:${shortHash(`${basename(path)}\n${rows.numRows}\n${rows.rowGroupRows.join(',')}`)}`,
    format: 'lighteval',
    suite: task,
    partial: false,
    metadata: results.file ? { resultsFile: basename(results.file) } : {},
  };
  if (results.model) run.model = results.model;
  if (results.evalCommit) run.evalCommit = results.evalCommit;
  yield { kind: 'run', run };
  let index = 0;
  for (let group = 0; group < rows.rowGroupRows.length; group++) {
    let batch: Record<string, unknown>[];
    try {
      batch = await rows.readGroup(group);
    } catch (error) {
      yield { kind: 'error', error: { record: `row group ${group}`, reason: `rows ${index}–${index + rows.rowGroupRows[group]! - 1} unreadable: ${reasonOf(error)}` } };
      index += rows.rowGroupRows[group]!;
      continue;
    }
    for (const row of batch) {
      try {
        yield { kind: 'case', evalCase: rowCase(row, index, task, results, options) };
      } catch (error) {
        yield { kind: 'error', error: { record: index, reason: `row ${index}: ${reasonOf(error)}` } };
      }
      index++;
    }
  }
}

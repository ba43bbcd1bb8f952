// MLflow `mlflow.evaluate()` artifacts: eval_results_table.json ({columns, data}).
// Scores pass at or above a threshold per metric; a null score is a judge error.
import { buildCase } from '../model/buildCase';
import type { Outcome, Score } from '../model/caseModel';
import { nestsTooDeep, tooDeepReason } from '../text/jsonDepth';
import { isRecord, toNumber, toText } from '../text/values';
import { FormatError, type ReadEvent, type ReadOptions } from './adapter';
import { reasonOf } from '../text/reasonOf';

const INPUT_COLUMNS = ['inputs', 'input', 'question', 'request'];
const EXPECTED_COLUMNS = ['ground_truth', 'targets', 'target', 'expected_response', 'expected'];
const OUTPUT_COLUMNS = ['outputs', 'predictions', 'output', 'response'];

/**
 * MLflow's LLM-judged metrics score 1–5; without a configured threshold, a score
 * under 3 counts as a failure. Other metrics (readability, latency, token count)
 * are recorded but decide nothing unless a threshold is set for them.
 */
const DEFAULT_JUDGE_THRESHOLDS: Record<string, number> = {
  answer_correctness: 3,
  answer_similarity: 3,
  answer_relevance: 3,
  relevance: 3,
  faithfulness: 3,
};

export function isMlflowTable(doc: unknown): boolean {
  return isRecord(doc) && Array.isArray(doc.columns) && Array.isArray(doc.data) && doc.columns.some((c) => typeof c === 'string' && (INPUT_COLUMNS.includes(c) || c.endsWith('/score')));
}

function metricBase(column: string): string {
  return column.replace(/\/score$/, '').replace(/\/v\d+$/, '');
}

function thresholdFor(column: string, options: ReadOptions): number | undefined {
  const base = metricBase(column);
  return options.thresholds[column] ?? options.thresholds[base] ?? DEFAULT_JUDGE_THRESHOLDS[base];
}

/** The MLflow run id when the file sits at mlruns/<experiment>/<run>/artifacts/…. */
function mlflowRunIdFromPath(path: string): string | undefined {
  return /[\\/]([0-9a-f]{32})[\\/]artifacts[\\/]/.exec(path)?.[1];
}

export function* readMlflowTable(doc: Record<string, unknown>, path: string, contentHash: string, options: ReadOptions): Generator<ReadEvent> {
  const columns = (doc.columns as unknown[]).map(String);
  const data = doc.data as unknown[];
  const col = (names: string[]) => names.map((n) => columns.indexOf(n)).find((i) => i >= 0);
  const inputCol = col(INPUT_COLUMNS);
  if (inputCol === undefined) throw new FormatError(`no input column (looked for ${INPUT_COLUMNS.join(', ')})`);
  const expectedCol = col(EXPECTED_COLUMNS);
  const outputCol = col(OUTPUT_COLUMNS);
  const scoreCols = columns.map((c, i) => [c, i] as const).filter(([c]) => c.endsWith('/score'));
  const runId = mlflowRunIdFromPath(path);
  yield {
    kind: 'run',
    run: {
      runId: `mlflow:${runId ?? contentHash}`,
      format: 'mlflow',
      suite: 'mlflow',
      partial: false,
      metadata: { columns, ...(runId ? { mlflowRunId: runId } : {}) },
    },
  };
  for (let index = 0; index < data.length; index++) {
    const row = data[index];
    if (!Array.isArray(row)) {
      yield { kind: 'error', error: { record: index, reason: 'row is not an array' } };
      continue;
    }
    if (nestsTooDeep(row)) {
      yield { kind: 'error', error: { record: index, reason: tooDeepReason('the row') } };
      continue;
    }
    let failed = false;
    let judgeError = false;
    let decided = 0;
    const scores: Score[] = scoreCols.map(([column, i]) => {
      const value = toNumber(row[i]);
      const threshold = thresholdFor(column, options);
      const justification = row[columns.indexOf(column.replace(/\/score$/, '/justification'))];
      const reason = justification === undefined || justification === null ? undefined : toText(justification);
      if (threshold === undefined) return { name: column, value: value ?? null, passed: null, ...(reason ? { reason } : {}) };
      if (value === null || Number.isNaN(value)) {
        judgeError = true;
        return { name: column, value: null, passed: null, threshold, reason: `judge error: ${reason ?? 'no score'}` };
      }
      decided++;
      const passed = value >= threshold;
      if (!passed) failed = true;
      return { name: column, value, passed, threshold, ...(reason ? { reason } : {}) };
    });
    const outcome: Outcome = failed ? 'fail' : judgeError ? 'judge-error' : decided > 0 ? 'pass' : 'unknown';
    const metadata: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      if (i !== inputCol && i !== expectedCol && i !== outputCol && !c.endsWith('/score') && !c.endsWith('/justification')) metadata[c] = row[i];
    });
    const rawInput = row[inputCol];
    try {
      yield {
        kind: 'case',
        evalCase: buildCase('mlflow', {
          suite: 'mlflow',
          input: typeof rawInput === 'string' ? { prompt: rawInput } : { vars: isRecord(rawInput) ? rawInput : { inputs: rawInput ?? null } },
          output: outputCol === undefined || row[outputCol] === null || row[outputCol] === undefined ? null : toText(row[outputCol]),
          expected: expectedCol === undefined || row[expectedCol] === null || row[expectedCol] === undefined ? null : toText(row[expectedCol]),
          outcome,
          scores,
          metadata,
          record: { index },
        }),
      };
    } catch (error) {
      yield { kind: 'error', error: { record: index, reason: reasonOf(error) } };
    }
  }
}

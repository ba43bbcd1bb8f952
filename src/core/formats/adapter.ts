// The contract between a format adapter and the capture engine.
import type { EvalCase, FormatId, RunInfo } from '../model/caseModel';

/** Options that change how results are judged or read, from settings or CLI flags. */
export interface ReadOptions {
  /** Pass threshold per metric name (MLflow, lm-eval non-binary metrics, DeepEval overrides, Inspect scorers). */
  thresholds: Record<string, number>;
  /** Field mapping for plain JSONL files. */
  mapping?: JsonlMapping;
  /** Records larger than this are reported and skipped. */
  maxRecordBytes: number;
  /** Live traces (OpenTelemetry): which span of a trace is a case (default `root`). */
  liveCaseSpan?: LiveCaseSpan;
  /** Live traces: attribute rules that make a trace a failure (user feedback and the like). */
  liveFailureRules?: LiveFailureRule[];
  /** Named scores (Langfuse, OTel evaluation events): the bound each must keep, and so its direction. */
  scoreRules?: Record<string, ScoreRule>;
  /**
   * Passing cases carry only what identifies them (key, input hash, outcome, record),
   * not their output, scores or metadata: a capture stores nothing else of a pass.
   * Adapters that read a pass's details at a cost may honour it (promptfoo does).
   */
  passesAsKeys?: boolean;
}

/** `root`: the root LLM/agent span of each trace; `chat`: every `gen_ai.operation.name=chat` span. */
export type LiveCaseSpan = 'root' | 'chat';

/** A trace whose span (or resource) attribute equals one of these values is a failure. */
export interface LiveFailureRule {
  attribute: string;
  equals: string | number | boolean | (string | number | boolean)[];
}

/** A score passes at `min` or above and at `max` or below (either or both). */
export interface ScoreRule {
  min?: number;
  max?: number;
}

export interface JsonlMapping {
  input: string;
  output?: string;
  expected?: string;
  pass?: string;
  id?: string;
  suite?: string;
}

/** A problem with one record (or the whole file when no position applies). */
export interface RecordError {
  line?: number;
  record?: number | string;
  reason: string;
  /** A note that needs no action (e.g. a last line still being written). */
  warning?: boolean;
}

/** What a reader knows about the run before its cases; the engine adds path, tags and git. */
export type RunDescription = Omit<RunInfo, 'sourcePath' | 'tags' | 'gitCommit'>;

export type ReadEvent = { kind: 'run'; run: RunDescription } | { kind: 'case'; evalCase: EvalCase } | { kind: 'error'; error: RecordError };

export class FormatError extends Error {}

export const DEFAULT_READ_OPTIONS: ReadOptions = {
  thresholds: {},
  maxRecordBytes: 16 * 1024 * 1024,
};

export type { FormatId };

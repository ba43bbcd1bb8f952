// Shared helpers for plain-Node tests: fixture paths, temp folders, reading a file's events.
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_READ_OPTIONS, type ReadOptions, type RecordError, type RunDescription } from '../../src/core/formats/adapter';
import { openResultFile } from '../../src/core/formats/readResultFile';
import type { EvalCase } from '../../src/core/model/caseModel';
import type { Database } from 'sql.js';

export const REPO_ROOT = resolve(__dirname, '../..');
export const FIXTURES = process.env.EVALLOOP_FIXTURES ?? resolve(REPO_ROOT, 'test/fixtures/eval-formats');

export function fixture(relative: string): string {
  return join(FIXTURES, relative);
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test process exits (after every store is closed). */
export function tempDir(prefix = 'evalloop-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export interface ReadAll {
  format?: string;
  skipped?: string;
  run?: RunDescription;
  cases: EvalCase[];
  errors: RecordError[];
}

export async function readAll(path: string, options: Partial<ReadOptions> = {}): Promise<ReadAll> {
  const opened = await openResultFile(path, { ...DEFAULT_READ_OPTIONS, ...options });
  if (opened.status === 'skipped') return { skipped: opened.reason, cases: [], errors: [] };
  const out: ReadAll = { format: opened.format, cases: [], errors: [] };
  for await (const e of opened.events) {
    if (e.kind === 'run') out.run = e.run;
    else if (e.kind === 'case') out.cases.push(e.evalCase);
    else if (e.kind === 'error') out.errors.push(e.error);
  }
  return out;
}

export function failures(cases: EvalCase[]): EvalCase[] {
  return cases.filter((c) => c.outcome === 'fail' || c.outcome === 'error');
}

/** Bytes of every file below a folder. */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

/** Every shared fixture that holds eval cases (one per format and variant), relative to FIXTURES. */
export const RESULT_FIXTURES = [
  'promptfoo/sample-export.json',
  'lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl',
  'inspect_ai/log_formats.json',
  'inspect_ai/data_arc_qwen.json',
  'inspect_ai/log_streaming.eval',
  'openai_evals/230417220821DPM75QNS_auto_gpt_completion_fn_test-match.jsonl',
  'deepeval/test_run_sample.json',
  'mlflow/eval_results_table.json',
  'junit/junit.fail.xml',
];

/** Real result files kept in this repository (test/fixtures, see each folder's SOURCES.tsv), as absolute paths. */
export const LOCAL_RESULT_FIXTURES = [
  'otel/otlp_proto_example_trace.json',
  'otel/otlp2parquet_traces.jsonl',
  'otel/genai_conventions_written_here.jsonl',
  'langfuse/openai-agents-2025-09-30.json',
  'langfuse/microsoft-agent-2025-10-14.json',
  'langfuse/llamaindex-2025-06-05.json',
  'lighteval/details_lighteval__f1_sample__0_2026-11-20T10-00-00.000000.parquet',
  'lighteval/details_lighteval__ppl_sample__0_2026-11-20T10-00-00.000000.parquet',
].map((f) => join(REPO_ROOT, 'test/fixtures', f));

/** Appends to `filler` until the disk refuses: 64 KB at a time, then 512 bytes, so nothing is left. */
export function fillDisk(filler: string): void {
  const fd = openSync(filler, 'a');
  try {
    for (const size of [64 * 1024, 512]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Capture options for the mapped JSONL that `mappedRun` writes. */
export const MAPPED_RUN = { read: { mapping: { input: 'prompt', output: 'completion', pass: 'correct', id: 'id' } }, format: 'jsonl' as const };

/** A run of cases `from`…`to`-1 as mapped JSONL in `<dir>/<folder>/<suite>.jsonl` (the file name is the suite); those in `passing` pass. */
export function mappedRun(dir: string, folder: string, suite: string, from: number, to: number, passing: (i: number) => boolean = () => false): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) lines.push(JSON.stringify({ id: `${suite}-${i}`, prompt: `${suite} question ${i}`, completion: passing(i) ? 'right' : 'wrong', correct: passing(i) }));
  mkdirSync(join(dir, folder), { recursive: true });
  const file = join(dir, folder, `${suite}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Changes a saved index file in place, as an older version (or a damaged disk) would have left it. */
export async function editSavedIndex(file: string, edit: (db: Database) => void): Promise<void> {
  // loaded here, not with this module: the start-up test checks that sql.js is not loaded
  const { loadSqlEngine } = await import('../../src/core/store/sqlEngine');
  const SQL = await loadSqlEngine();
  const db = new SQL.Database(readFileSync(file));
  try {
    edit(db);
    writeFileSync(file, db.export());
  } finally {
    db.close();
  }
}

// Captures one result file into a workspace: reads it with the right adapter,
// writes failing cases' payloads as blobs, journals compact case references in
// batches (each durable before it is applied), and remembers how far it read so
// the same file twice adds nothing and a grown JSONL is read from its last offset.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isFailure, type EvalCase, type FormatId, type RunInfo } from '../model/caseModel';
import { DEFAULT_READ_OPTIONS, FormatError, type ReadOptions, type RecordError, type RunDescription } from '../formats/adapter';
import { openResultFile, type ResumePoint } from '../formats/readResultFile';
import { sha256Hex } from '../text/hashing';
import { addTally, emptyTally, type ApplyTally } from '../store/indexProjection';
import type { CaseRef, NewEvent } from '../store/journalEvents';
import { getRun, getSource } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';

export interface CaptureOptions {
  read?: Partial<ReadOptions>;
  tags?: string[];
  format?: FormatId;
  gitCommit?: string;
  /** Cases per journal batch. */
  batchCases?: number;
  /** Payload bytes per blob before a batch is flushed. */
  batchBytes?: number;
  onProgress?: (progress: { path: string; cases: number }) => void;
}

export type FileStatus = 'captured' | 'unchanged' | 'skipped' | 'failed';

export interface FileCaptureReport extends ApplyTally {
  path: string;
  status: FileStatus;
  format?: FormatId;
  runId?: string;
  partial?: boolean;
  resumedFrom?: number;
  reason?: string;
  errors: RecordError[];
}

const HEAD_HASH_BYTES = 4096;

function headHashOf(path: string, size: number): string {
  const fd = openSync(path, 'r');
  try {
    const n = Math.min(size, HEAD_HASH_BYTES);
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, 0);
    return sha256Hex(buf).slice(0, 32);
  } finally {
    closeSync(fd);
  }
}

function locatorText(record: EvalCase['record']): string | undefined {
  if (record.line !== undefined) return `line ${record.line}`;
  if (record.entry !== undefined) return record.entry;
  if (record.index !== undefined) return `record ${record.index}`;
  return undefined;
}

class CaseBatcher {
  private cases: EvalCase[] = [];
  private failing: EvalCase[] = [];
  private bytes = 0;
  private runEvent: NewEvent | undefined;
  readonly tally = emptyTally();

  constructor(
    private readonly store: WorkspaceStore,
    private readonly maxCases: number,
    private readonly maxBytes: number,
  ) {}

  run: RunInfo | undefined;

  setRun(run: RunInfo, journal: boolean): void {
    this.run = run;
    if (journal) this.runEvent = { type: 'run', run: { ...run, capturedAt: new Date().toISOString() } };
  }

  add(evalCase: EvalCase): void {
    this.cases.push(evalCase);
    if (isFailure(evalCase.outcome)) {
      this.failing.push(evalCase);
      // a rough size: the case's largest fields dominate
      this.bytes += (evalCase.output?.length ?? 0) + (evalCase.input.prompt?.length ?? 0) + 2048;
    }
    if (this.cases.length >= this.maxCases || this.bytes >= this.maxBytes) this.flush();
  }

  flush(extra: NewEvent[] = []): void {
    const events: NewEvent[] = [];
    if (this.runEvent) {
      events.push(this.runEvent);
      this.runEvent = undefined;
    }
    if (this.cases.length && this.run) {
      // blob first: the journal event that names it comes after it is on disk
      const blob = this.failing.length ? this.store.blobs.put(this.failing) : undefined;
      const indexOf = new Map(this.failing.map((c, i) => [c, i]));
      const refs: CaseRef[] = this.cases.map((c) => {
        const i = indexOf.get(c);
        const r = locatorText(c.record);
        return {
          k: c.caseKey,
          o: c.outcome,
          h: c.inputHash,
          ...(i !== undefined ? { t: c.title, i } : {}),
          ...(r !== undefined ? { r } : {}),
        };
      });
      events.push({ type: 'cases', runId: this.run.runId, format: this.run.format, suite: this.run.suite, ...(blob ? { blob } : {}), cases: refs });
    }
    events.push(...extra);
    this.cases = [];
    this.failing = [];
    this.bytes = 0;
    if (events.length) addTally(this.tally, this.store.append(events).tally);
  }
}

/**
 * Paths inside the workspace root are stored relative to it (with '/'), so journals
 * committed to git mean the same on every machine and after the folder moves.
 */
export function storedPathOf(root: string, path: string): string {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}

/** The file a stored source path names: relative ones are inside the workspace root. */
export function sourcePathOnDisk(root: string, stored: string): string {
  return isAbsolute(stored) ? stored : resolve(root, stored);
}

function emptyReport(path: string, status: FileStatus, extra: Partial<FileCaptureReport> = {}): FileCaptureReport {
  return { path, status, ...emptyTally(), errors: [], ...extra };
}

export async function captureFile(store: WorkspaceStore, inputPath: string, options: CaptureOptions = {}): Promise<FileCaptureReport> {
  const path = resolve(inputPath);
  const readOptions: ReadOptions = { ...DEFAULT_READ_OPTIONS, ...options.read };
  let info;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return emptyReport(path, 'failed', { reason: code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}` });
  }
  if (info.isDirectory()) return emptyReport(path, 'failed', { reason: 'is a folder (capture folders with capturePaths)' });

  const storedPath = storedPathOf(store.paths.root, path);
  const source = getSource(store.database, storedPath);
  const headHash = info.size > 0 ? headHashOf(path, Math.min(info.size, HEAD_HASH_BYTES)) : '';
  if (source && source.done && source.size === info.size && source.headHash === headHash && source.mtimeMs === info.mtimeMs) {
    return emptyReport(path, 'unchanged', { format: source.format as FormatId, runId: source.runId });
  }
  // a JSON-lines file that only grew is read from where the last capture stopped
  let resume: ResumePoint | undefined;
  if (source?.resumable && info.size >= source.size && source.offset > 0 && headHashOf(path, Math.min(source.size, HEAD_HASH_BYTES)) === source.headHash) {
    resume = { offset: source.offset, nextLine: source.nextLine };
  }

  const batcher = new CaseBatcher(store, options.batchCases ?? 1000, options.batchBytes ?? 4 * 1024 * 1024);
  const report = emptyReport(path, 'captured');
  let offset = 0;
  let nextLine = 1;
  let shape: string | undefined;
  let resumable = false;
  try {
    const opened = await openResultFile(path, readOptions, resume, options.format);
    if (opened.status === 'skipped') return emptyReport(path, 'skipped', { reason: opened.reason });
    report.format = opened.format;
    shape = opened.shape;
    resumable = opened.resumable;
    if (resume && resumable) report.resumedFrom = resume.offset;
    let seen = 0;
    for await (const event of opened.events) {
      if (event.kind === 'run') {
        const run = completeRun(event.run, storedPath, options);
        const known = getRun(store.database, run.runId);
        batcher.setRun(run, !known || known.partial !== run.partial || known.sourcePath !== run.sourcePath);
        report.runId = run.runId;
        report.partial = run.partial;
      } else if (event.kind === 'case') {
        batcher.add(event.evalCase);
        if (++seen % 5000 === 0) options.onProgress?.({ path, cases: seen });
      } else if (event.kind === 'error') {
        report.errors.push(event.error);
      } else {
        offset = event.offset;
        nextLine = event.nextLine;
      }
    }
  } catch (error) {
    batcher.flush();
    const reason = error instanceof FormatError ? error.message : `cannot read: ${(error as Error).message}`;
    Object.assign(report, batcher.tally);
    return { ...report, status: report.cases > 0 ? 'captured' : 'failed', reason, errors: [...report.errors, { reason }] };
  }
  const run = batcher.run;
  const extra: NewEvent[] = [];
  if (run) {
    extra.push({
      type: 'source',
      path: storedPath,
      runId: run.runId,
      format: run.format,
      size: info.size,
      mtimeMs: info.mtimeMs,
      offset: resumable ? offset : info.size,
      nextLine,
      headHash,
      shape: (shape ?? 'document') as 'lines' | 'document' | 'zip' | 'xml',
      resumable,
      done: shape !== 'lines' || offset === info.size ? !run.partial : false,
    });
  }
  batcher.flush(extra);
  Object.assign(report, batcher.tally);
  return report;
}

function completeRun(run: RunDescription, path: string, options: CaptureOptions): RunInfo {
  return {
    ...run,
    sourcePath: path,
    tags: [...new Set(options.tags ?? [])].sort(),
    ...(options.gitCommit ? { gitCommit: options.gitCommit } : {}),
  };
}

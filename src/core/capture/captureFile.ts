// Captures one result file into a workspace: reads it with the right adapter,
// writes failing cases' payloads as blobs, journals compact case references in
// batches (each durable before it is applied), and remembers how far it read so
// the same file twice adds nothing and a grown JSONL is read from its last offset.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { FormatId, RunInfo } from '../model/caseModel';
import { DEFAULT_READ_OPTIONS, type ReadOptions, type RecordError, type RunDescription } from '../formats/adapter';
import type { ResumePoint } from '../formats/readResultFile';
import type { ReadRequest } from './caseBatches';
import { readBatches } from './readInWorker';
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
  /** Read in a worker thread: always, never, or for large files ('auto', the default). */
  worker?: boolean | 'auto';
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

/** Journals the read side's batches under their run (the run event first, when it is new or changed). */
class BatchJournal {
  private runEvent: NewEvent | undefined;
  readonly tally = emptyTally();
  run: RunInfo | undefined;

  constructor(private readonly store: WorkspaceStore) {}

  setRun(run: RunInfo, journal: boolean): void {
    this.run = run;
    if (journal) this.runEvent = { type: 'run', run: { ...run, capturedAt: new Date().toISOString() } };
  }

  add(refs: CaseRef[], blob: string | undefined, extra: NewEvent[] = []): void {
    const events: NewEvent[] = [];
    if (this.runEvent) {
      events.push(this.runEvent);
      this.runEvent = undefined;
    }
    if (refs.length && this.run) {
      events.push({ type: 'cases', runId: this.run.runId, format: this.run.format, suite: this.run.suite, ...(blob ? { blob } : {}), cases: refs });
    }
    events.push(...extra);
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

  const journal = new BatchJournal(store);
  const report = emptyReport(path, 'captured');
  let offset = 0;
  let nextLine = 1;
  let shape: string | undefined;
  let resumable = false;
  let seen = 0;
  const request: ReadRequest = {
    path,
    read: readOptions,
    ...(resume ? { resume } : {}),
    ...(options.format ? { format: options.format } : {}),
    blobDir: store.paths.blobDir,
    batchCases: options.batchCases ?? 1000,
    batchBytes: options.batchBytes ?? 4 * 1024 * 1024,
  };
  let failure: string | undefined;
  for await (const message of readBatches(request, options.worker ?? 'auto')) {
    switch (message.t) {
      case 'skipped':
        return emptyReport(path, 'skipped', { reason: message.reason });
      case 'opened':
        report.format = message.format;
        shape = message.shape;
        resumable = message.resumable;
        if (resume && resumable) report.resumedFrom = resume.offset;
        break;
      case 'run': {
        const run = completeRun(message.run, storedPath, options);
        const known = getRun(store.database, run.runId);
        journal.setRun(run, !known || known.partial !== run.partial || known.sourcePath !== run.sourcePath);
        report.runId = run.runId;
        report.partial = run.partial;
        break;
      }
      case 'batch': {
        journal.add(message.refs, message.blob);
        const before = seen;
        seen += message.refs.length;
        if (Math.floor(seen / 5000) > Math.floor(before / 5000)) options.onProgress?.({ path, cases: seen });
        break;
      }
      case 'error':
        report.errors.push(message.error);
        break;
      case 'checkpoint':
        offset = message.offset;
        nextLine = message.nextLine;
        break;
      case 'failed':
        failure = message.reason;
        break;
    }
  }
  if (failure !== undefined) {
    journal.add([], undefined);
    Object.assign(report, journal.tally);
    return { ...report, status: report.cases > 0 ? 'captured' : 'failed', reason: failure, errors: [...report.errors, { reason: failure }] };
  }
  const run = journal.run;
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
  journal.add([], undefined, extra);
  Object.assign(report, journal.tally);
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

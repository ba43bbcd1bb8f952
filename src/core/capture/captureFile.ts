// Captures one result file into a workspace: reads it with the right adapter,
// writes failing cases' payloads as blobs, journals compact case references in
// batches (each durable before it is applied), and remembers how far it read so
// the same file twice adds nothing and a grown JSONL is read from its last offset.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FormatId, RunInfo } from '../model/caseModel';
import { DEFAULT_READ_OPTIONS, type ReadOptions, type RecordError, type RunDescription } from '../formats/adapter';
import type { ResumePoint } from '../formats/readResultFile';
import type { ReadMessage, ReadRequest } from './caseBatches';
import { readBatches } from './readInWorker';
import { headHashOf, resumePointOf, runIdOfRead } from './fileContinuity';
import { addTally, emptyTally, type ApplyTally } from '../store/indexProjection';
import type { CaseRef, NewEvent } from '../store/journalEvents';
import { getRun, getSource } from '../store/storeQueries';
import { WriteFailure } from '../store/writeFailure';
import { storedPathOf } from '../store/workspacePaths';
import type { WorkspaceStore } from '../store/workspaceStore';
import { reasonOf } from '../text/reasonOf';

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

function emptyReport(path: string, status: FileStatus, extra: Partial<FileCaptureReport> = {}): FileCaptureReport {
  return { path, status, ...emptyTally(), errors: [], ...extra };
}

/**
 * Captures one file. Whatever goes wrong with the file is reported for it (status
 * 'failed' and the reason), so the other files of a folder are still captured; only
 * a write the workspace's own disk refuses (WriteFailure) is thrown, since every
 * later file would meet it too.
 */
export async function captureFile(store: WorkspaceStore, inputPath: string, options: CaptureOptions = {}): Promise<FileCaptureReport> {
  const path = resolve(inputPath);
  try {
    return await captureFileUnguarded(store, path, options);
  } catch (error) {
    if (error instanceof WriteFailure) throw error;
    return emptyReport(path, 'failed', { reason: unexpectedFailure(error) });
  }
}

function unexpectedFailure(error: unknown): string {
  // found a moment ago, gone when opened: the same words as a file missing outright
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return 'no such file (removed as it was being captured)';
  return `cannot read: ${reasonOf(error)}`;
}

/** What the read side told the capturing side, gathered for the source event and the report. */
interface ReadProgress {
  size: number;
  offset: number;
  nextLine: number;
  check?: string;
  shape?: string;
  resumable: boolean;
  seen: number;
  failure?: string;
}

async function captureFileUnguarded(store: WorkspaceStore, path: string, options: CaptureOptions): Promise<FileCaptureReport> {
  const readOptions: ReadOptions = { ...DEFAULT_READ_OPTIONS, ...options.read };
  let info;
  try {
    info = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return emptyReport(path, 'failed', { reason: code === 'ENOENT' ? 'no such file' : `cannot read: ${reasonOf(error)}` });
  }
  if (info.isDirectory()) return emptyReport(path, 'failed', { reason: 'is a folder (capture folders with capturePaths)' });

  const storedPath = storedPathOf(store.paths.root, path);
  const source = getSource(store.database, storedPath);
  const headHash = info.size > 0 ? headHashOf(path, info.size) : '';
  if (source && source.done && source.size === info.size && source.headHash === headHash && source.mtimeMs === info.mtimeMs) {
    return emptyReport(path, 'unchanged', { format: source.format as FormatId, runId: source.runId });
  }
  // a JSON-lines file that only grew is read from where the last capture stopped
  const resume = resumePointOf(path, info.size, source);
  const runIdOf = (readId: string) => runIdOfRead(readId, path, info.size, source, resume);

  const journal = new BatchJournal(store);
  const report = emptyReport(path, 'captured');
  const progress: ReadProgress = { size: info.size, offset: 0, nextLine: 1, resumable: false, seen: 0 };
  const request: ReadRequest = {
    path,
    read: readOptions,
    ...(resume ? { resume } : {}),
    ...(options.format ? { format: options.format } : {}),
    blobDir: store.paths.blobDir,
    batchCases: options.batchCases ?? 1000,
    batchBytes: options.batchBytes ?? 4 * 1024 * 1024,
  };
  try {
    for await (const message of readBatches(request, options.worker ?? 'auto')) {
      if (message.t === 'skipped') {
        return emptyReport(path, 'skipped', { reason: message.reason, ...(message.error ? { errors: [{ reason: message.reason }] } : {}) });
      }
      apply(message, { store, journal, report, progress, storedPath, options, resume, runIdOf });
    }
  } catch (error) {
    if (error instanceof WriteFailure) throw error;
    // what was journalled before stays captured; the rest of the file is reported as failed
    progress.failure = unexpectedFailure(error);
  }
  if (progress.failure !== undefined) {
    journal.add([], undefined);
    Object.assign(report, journal.tally);
    const failure = progress.failure;
    return { ...report, status: report.cases > 0 ? 'captured' : 'failed', reason: failure, errors: [...report.errors, { reason: failure }] };
  }
  const run = journal.run;
  const extra: NewEvent[] = [];
  if (run) {
    const { size, offset, resumable, shape } = progress;
    extra.push({
      type: 'source',
      path: storedPath,
      runId: run.runId,
      format: run.format,
      size,
      mtimeMs: info.mtimeMs,
      offset: resumable ? offset : size,
      nextLine: progress.nextLine,
      headHash,
      ...(resumable && progress.check ? { resumeCheck: progress.check } : {}),
      shape: (shape ?? 'document') as 'lines' | 'document' | 'zip' | 'xml',
      resumable,
      done: shape !== 'lines' || offset === size ? !run.partial : false,
    });
  }
  journal.add([], undefined, extra);
  Object.assign(report, journal.tally);
  return report;
}

interface ApplyContext {
  store: WorkspaceStore;
  journal: BatchJournal;
  report: FileCaptureReport;
  progress: ReadProgress;
  storedPath: string;
  options: CaptureOptions;
  resume: ResumePoint | undefined;
  runIdOf: (readId: string) => string;
}

/** Journals or records one message of the read side. */
function apply(message: Exclude<ReadMessage, { t: 'skipped' }>, c: ApplyContext): void {
  const { report, progress } = c;
  switch (message.t) {
    case 'opened':
      report.format = message.format;
      progress.shape = message.shape;
      progress.resumable = message.resumable;
      // the read stops at the size the file had when it was opened; that is what was captured
      progress.size = message.size;
      if (c.resume && message.resumable) report.resumedFrom = c.resume.offset;
      break;
    case 'run': {
      const run = completeRun({ ...message.run, runId: c.runIdOf(message.run.runId) }, c.storedPath, c.options);
      const known = getRun(c.store.database, run.runId);
      c.journal.setRun(run, !known || known.partial !== run.partial || known.sourcePath !== run.sourcePath);
      report.runId = run.runId;
      report.partial = run.partial;
      break;
    }
    case 'batch': {
      c.journal.add(message.refs, message.blob);
      const before = progress.seen;
      progress.seen += message.refs.length;
      if (Math.floor(progress.seen / 5000) > Math.floor(before / 5000)) c.options.onProgress?.({ path: report.path, cases: progress.seen });
      break;
    }
    case 'error':
      report.errors.push(message.error);
      break;
    case 'checkpoint':
      progress.offset = message.offset;
      progress.nextLine = message.nextLine;
      progress.check = message.check;
      break;
    case 'failed':
      progress.failure = message.reason;
      break;
  }
}

function completeRun(run: RunDescription, path: string, options: CaptureOptions): RunInfo {
  return {
    ...run,
    sourcePath: path,
    tags: [...new Set(options.tags ?? [])].sort(),
    ...(options.gitCommit ? { gitCommit: options.gitCommit } : {}),
  };
}

// The reading half of a capture: a result file becomes a stream of messages (the run,
// batches of compact case references whose failing cases are already written as a
// blob, record errors, how far the read got). It needs no index, so it runs in the
// capturing thread or in a worker thread (captureWorker.ts) while the other thread
// journals and indexes the batches before it.
import { isFailure, type EvalCase, type FormatId } from '../model/caseModel';
import { FormatError, type ReadOptions, type RecordError, type RunDescription } from '../formats/adapter';
import { openResultFile, type FileShape, type ResumePoint } from '../formats/readResultFile';
import { BlobStore } from '../store/blobStore';
import { nestsTooDeep, tooDeepReason } from '../text/jsonDepth';
import type { CaseRef } from '../store/journalEvents';
import { reasonOf } from '../text/reasonOf';
import { errorLocator, formatLocator } from './recordLocator';

export interface ReadRequest {
  path: string;
  read: ReadOptions;
  resume?: ResumePoint;
  format?: FormatId;
  blobDir: string;
  /** Cases per batch. */
  batchCases: number;
  /** Payload bytes of failing cases per batch (their blob). */
  batchBytes: number;
}

export type ReadMessage =
  | { t: 'opened'; format: FormatId; shape: FileShape; resumable: boolean; size: number }
  | { t: 'skipped'; reason: string; error?: boolean }
  | { t: 'run'; run: RunDescription }
  | { t: 'batch'; refs: CaseRef[]; blob?: string }
  | { t: 'error'; error: RecordError }
  | { t: 'checkpoint'; offset: number; nextLine: number; check?: string }
  | { t: 'failed'; reason: string };

/** Reads the file and yields its messages; a read that stops early ends with 'failed'. */
export async function* readCaseBatches(request: ReadRequest): AsyncGenerator<ReadMessage> {
  const blobs = new BlobStore(request.blobDir);
  let cases: EvalCase[] = [];
  let failing: EvalCase[] = [];
  let bytes = 0;
  const batch = (): ReadMessage | undefined => {
    if (cases.length === 0) return undefined;
    // the blob is on disk before any journal event can name it
    const blob = failing.length ? blobs.put(failing) : undefined;
    const indexOf = new Map(failing.map((c, i) => [c, i]));
    const refs = cases.map((c): CaseRef => {
      const i = indexOf.get(c);
      const r = formatLocator(c.record);
      return { k: c.caseKey, o: c.outcome, h: c.inputHash, ...(i !== undefined ? { t: c.title, i } : {}), ...(r !== undefined ? { r } : {}) };
    });
    cases = [];
    failing = [];
    bytes = 0;
    return { t: 'batch', refs, ...(blob ? { blob } : {}) };
  };
  try {
    // a capture keeps only the key and outcome of a passing case
    const opened = await openResultFile(request.path, { ...request.read, passesAsKeys: true }, request.resume, request.format);
    if (opened.status === 'skipped') {
      yield { t: 'skipped', reason: opened.reason, ...(opened.error ? { error: true } : {}) };
      return;
    }
    yield { t: 'opened', format: opened.format, shape: opened.shape, resumable: opened.resumable, size: opened.size };
    for await (const event of opened.events) {
      if (event.kind === 'case') {
        const c = event.evalCase;
        // what is stored must be loadable on every thread later (the blob is written here, read by show, pin, snapshot)
        if (isFailure(c.outcome) && nestsTooDeep(c)) {
          yield { t: 'error', error: { ...errorLocator(c.record), reason: `${tooDeepReason('the case')}; skipped` } };
          continue;
        }
        cases.push(c);
        if (isFailure(c.outcome)) {
          failing.push(c);
          // a rough size: the case's largest fields dominate
          bytes += (c.output?.length ?? 0) + (c.input.prompt?.length ?? 0) + 2048;
        }
        if (cases.length >= request.batchCases || bytes >= request.batchBytes) yield batch()!;
      } else if (event.kind === 'error') {
        yield { t: 'error', error: event.error };
      } else {
        // a new run or the end position: the cases before it go first
        const pending = batch();
        if (pending) yield pending;
        if (event.kind === 'run' && nestsTooDeep(event.run)) throw new FormatError(tooDeepReason("the run's description"));
        if (event.kind === 'run') yield { t: 'run', run: event.run };
        else yield { t: 'checkpoint', offset: event.offset, nextLine: event.nextLine, ...(event.check ? { check: event.check } : {}) };
      }
    }
    const last = batch();
    if (last) yield last;
  } catch (error) {
    const pending = batch();
    if (pending) yield pending;
    yield { t: 'failed', reason: readFailure(error) };
  }
}

function readFailure(error: unknown): string {
  if (error instanceof FormatError) return error.message;
  // found a moment ago, gone when opened: the same words as a file missing outright
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return 'no such file (removed as it was being captured)';
  return `cannot read: ${reasonOf(error)}`;
}

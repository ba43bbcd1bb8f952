// Whether a file met again is the one captured before, grown, or a new one at the same
// path: a JSON-lines file whose bytes before the last offset are unchanged is read on
// from there under the same run; one rewritten since (a re-run writing the same first
// records, then others) is read from its start as a run of its own, so its passes mark
// earlier failures fixed instead of being taken for repeats of the old run's cases.
import { closeSync, openSync, readSync } from 'node:fs';
import type { ResumePoint } from '../formats/readResultFile';
import { sha256Hex } from '../text/hashing';
import { resumeCheckOf } from '../text/resumeCheck';
import type { SourceRow } from '../store/storeQueries';

const HEAD_HASH_BYTES = 4096;

/** The hash of a file's first 4 KB (or fewer), recorded with every source. */
export function headHashOf(path: string, size: number): string {
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

/** Where a JSON-lines file may be read on from, or undefined when it must be read from its start. */
export function resumePointOf(path: string, size: number, source: SourceRow | undefined): ResumePoint | undefined {
  if (!source?.resumable || source.offset <= 0 || size < source.size || size < source.offset) return undefined;
  if (headHashOf(path, source.size) !== source.headHash) return undefined;
  // the head alone is not enough: a file rewritten in place can keep its first records.
  // (Sources recorded before the check existed have none; their head is all there is.)
  if (source.resumeCheck !== null && resumeCheckOf(path, source.offset) !== source.resumeCheck) return undefined;
  return { offset: source.offset, nextLine: source.nextLine };
}

/**
 * The run a read goes under. Line formats name their run after the path and the first
 * line, so a rewritten file with the same first line would read as the old run again:
 * it gets the old id with a mark of its content instead. A resumed read continues
 * whatever run it resumes (marked or not).
 */
export function runIdOfRead(readId: string, path: string, size: number, source: SourceRow | undefined, resume: ResumePoint | undefined): string {
  const sameRun = source !== undefined && (source.runId === readId || source.runId.startsWith(`${readId}~`));
  if (!sameRun) return readId;
  if (resume) return source.runId;
  if (!source.resumable || source.shape !== 'lines') return readId;
  return `${readId}~${(resumeCheckOf(path, size) ?? 'gone').slice(0, 8)}`;
}

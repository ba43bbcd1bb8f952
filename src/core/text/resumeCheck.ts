// Whether a JSON-lines file may be read on from where the last capture stopped: the
// bytes just before that offset are hashed as they were read, and hashed again from
// the file as it is now before resuming. A file rewritten in place whose first bytes
// did not change (a re-run writing the same first records) then no longer passes for
// one that only grew, and is read from its start instead of from the middle of a line.
import { closeSync, openSync, readSync } from 'node:fs';
import { sha256Hex } from './hashing';

/** Bytes before a resume offset that are compared: the whole prefix of files up to this size, the last this many of larger ones. */
export const RESUME_CHECK_BYTES = 1024 * 1024;

function checkHash(bytes: Uint8Array): string {
  return sha256Hex(bytes).slice(0, 32);
}

/** The check of the bytes before `offset` in the file as it is now (undefined when the file is shorter). */
export function resumeCheckOf(path: string, offset: number): string | undefined {
  const from = Math.max(0, offset - RESUME_CHECK_BYTES);
  const buf = Buffer.alloc(offset - from);
  const fd = openSync(path, 'r');
  try {
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, from + got);
      if (n === 0) return undefined;
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  return checkHash(buf);
}

/**
 * The last bytes a line reader has read, with their positions in the file, so the
 * check recorded with a checkpoint is of the bytes that were read (a file rewritten
 * during the read cannot lend its new bytes to the old offset).
 */
export class ReadTail {
  private chunks: { start: number; bytes: Buffer }[] = [];

  /** Bytes read at file position `start`; the buffer is kept, not copied. */
  add(start: number, bytes: Buffer): void {
    if (bytes.length > 0) this.chunks.push({ start, bytes });
  }

  /** Forgets what lies wholly before the RESUME_CHECK_BYTES preceding `position`. */
  keepBefore(position: number): void {
    const from = position - RESUME_CHECK_BYTES;
    while (this.chunks.length > 1 && this.chunks[0]!.start + this.chunks[0]!.bytes.length <= from) this.chunks.shift();
  }

  /** The check of the bytes before `offset`, or undefined when they were not all kept. */
  checkBefore(offset: number): string | undefined {
    const from = Math.max(0, offset - RESUME_CHECK_BYTES);
    const parts: Buffer[] = [];
    let at = from;
    for (const { start, bytes } of this.chunks) {
      const end = start + bytes.length;
      if (end <= at || start >= offset) continue;
      if (start > at) return undefined; // a gap
      parts.push(bytes.subarray(at - start, Math.min(end, offset) - start));
      at = Math.min(end, offset);
    }
    return at === offset ? checkHash(Buffer.concat(parts)) : undefined;
  }
}

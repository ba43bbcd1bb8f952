// One append-only journal file per writer. A writer claims a slot with an
// exclusive lock file (stale locks of dead local processes are taken over), so no
// two processes ever append to the same file. append() returns only after fsync.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './durableFile';
import { journalVersionOf, type JournalEvent, type NewEvent } from './journalEvents';
import { WriteFailure, writingTo } from './writeFailure';
import { defaultActor, writerBase } from './writerIdentity';

export interface AppendResult {
  events: JournalEvent[];
  startOffset: number;
  endOffset: number;
}

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

/** Whether a process with this id runs on this machine (one we may not signal still runs). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates `path` holding `text`, or returns false when it exists. The content is
 * written to a private file first and hard-linked into place, so nobody ever reads a
 * lock that is still being written.
 */
function createWithContent(path: string, text: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, text, { flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Claims a journal slot's lock. A lock left by a dead process on this host is taken
 * over, but only by the one process that wins an exclusive takeover marker named after
 * that dead holder; the winner checks, while holding the marker, that the lock still
 * is the dead one before replacing it. Two processes can therefore never both believe
 * they hold a slot (which would interleave their appends in one file).
 */
function tryLock(lockPath: string): boolean {
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() } satisfies LockInfo);
  if (createWithContent(lockPath, mine)) return true;
  const held = readLock(lockPath);
  if (held === 'gone') return tryLock(lockPath);
  const stale = held === 'unreadable' ? unreadableForLong(lockPath) : held.info?.host === hostname() && held.info.pid !== process.pid && !processAlive(held.info.pid);
  if (!stale) return false;
  const holder = held === 'unreadable' ? 'unreadable' : held.text;
  const marker = `${lockPath}.takeover-${createHash('sha256').update(holder).digest('hex').slice(0, 16)}`;
  if (!createWithContent(marker, mine)) return false; // another process is taking this slot over
  try {
    const now = readLock(lockPath);
    const same = now === 'unreadable' ? holder === 'unreadable' : now !== 'gone' && now.text === holder;
    if (!same) return false; // taken over already: the lock is someone else's now
    writeFileAtomic(lockPath, mine);
    return true;
  } finally {
    unlinkQuietly(marker);
  }
}

/**
 * Our locks are never seen half-written, but a lock rewritten in place by something
 * else is, for an instant, empty and then whole again. Only one that has stayed
 * unreadable for a while is damaged and may be taken over; otherwise two takers, one
 * seeing it empty and one seeing it whole, could both win.
 */
const UNREADABLE_LOCK_GRACE_MS = 5000;

function unreadableForLong(lockPath: string): boolean {
  try {
    // a modification time in the future (a skewed clock, a restored backup) counts as long ago
    return Math.abs(Date.now() - statSync(lockPath).mtimeMs) > UNREADABLE_LOCK_GRACE_MS;
  } catch {
    return false; // gone meanwhile: the next claim sees what is there now
  }
}

const TAKEOVER_MARKER = /\.lock\.takeover-[0-9a-f]{16}$/;

/**
 * Takeover markers whose process is gone: it died in the instant between winning the
 * marker and removing it. While one is there the dead holder's slot is skipped (a new
 * slot is used instead); removing it is safe, no process is using it.
 */
export function interruptedTakeovers(journalDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(journalDir);
  } catch {
    return [];
  }
  return names
    .filter((name) => TAKEOVER_MARKER.test(name))
    .map((name) => join(journalDir, name))
    .filter((marker) => {
      const held = readLock(marker);
      if (held === 'gone') return false;
      // markers are linked into place whole: an unreadable one was damaged afterwards
      if (held === 'unreadable' || !held.info) return true;
      return held.info.host === hostname() && !processAlive(held.info.pid);
    });
}

function readLock(lockPath: string): { text: string; info: LockInfo | undefined } | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    return { text, info: JSON.parse(text) as LockInfo };
  } catch {
    return 'unreadable'; // damaged by hand or by a disk fault: locks are never half-written
  }
}

export class JournalWriter {
  private seq: number;
  private closed = false;
  /** Size of the file's acknowledged part: a failed append is cut back to it. */
  private end: number;

  private constructor(
    readonly file: string,
    readonly writerId: string,
    private readonly lockPath: string,
    private readonly fd: number,
    private readonly actor: string,
    lastSeq: number,
  ) {
    this.seq = lastSeq + 1;
    this.end = fstatSync(fd).size;
  }

  /**
   * Claims the first free slot `<user>@<host>.<key>`, `….<key>.2`, … in the journal
   * folder (`<workspace>/journal`), where the key is this clone's (writerIdentity.ts).
   */
  static open(journalDir: string, actor = defaultActor()): JournalWriter {
    writingTo(journalDir, () => mkdirSync(journalDir, { recursive: true }));
    const base = writerBase(dirname(journalDir));
    for (let n = 1; n < 1000; n++) {
      const writerId = n === 1 ? base : `${base}.${n}`;
      const lockPath = join(journalDir, `${writerId}.lock`);
      if (!writingTo(lockPath, () => tryLock(lockPath))) continue;
      const file = join(journalDir, `${writerId}.jsonl`);
      let fd: number | undefined;
      try {
        fd = writingTo(file, () => openSync(file, existsSync(file) ? 'r+' : 'w+'));
        const lastSeq = writingTo(file, () => repairTail(fd!));
        return new JournalWriter(file, writerId, lockPath, fd, actor, lastSeq);
      } catch (error) {
        if (fd !== undefined) closeSync(fd);
        unlinkQuietly(lockPath);
        throw error;
      }
    }
    throw new Error(`no free journal slot in ${journalDir}`);
  }

  /**
   * Appends events as one write and fsyncs; they are durable when this returns. When
   * the write or the fsync fails (a full disk, say) nothing is acknowledged: the
   * partial bytes are cut off again, now or before the next append, so a later event
   * is never glued onto a torn line.
   */
  append(events: NewEvent[]): AppendResult {
    if (this.closed) throw new Error('journal writer is closed');
    if (events.length === 0) return { events: [], startOffset: this.end, endOffset: this.end };
    const now = new Date().toISOString();
    const seq = this.seq;
    const full = events.map((e, i) => ({ v: journalVersionOf(e), seq: seq + i, at: e.at ?? now, actor: e.actor ?? this.actor, ...e }) as JournalEvent);
    const buf = Buffer.from(full.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const end = this.end;
    try {
      if (fstatSync(this.fd).size !== end) ftruncateSync(this.fd, end); // left over from a failed append
      let written = 0;
      while (written < buf.length) written += writeSync(this.fd, buf, written, buf.length - written, end + written);
      fsyncSync(this.fd);
    } catch (error) {
      try {
        ftruncateSync(this.fd, end);
      } catch {
        // retried before the next append
      }
      throw new WriteFailure(this.file, error);
    }
    this.seq = seq + full.length;
    this.end = end + buf.length;
    return { events: full, startOffset: end, endOffset: this.end };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    unlinkQuietly(this.lockPath);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already removed, or the folder refuses changes: a stale lock is taken over later
  }
}

/** Byte offset just past the last newline in the file's first `size` bytes (0 if none). */
function endOfLastLine(fd: number, size: number): number {
  const chunk = 1 << 16;
  const buf = Buffer.alloc(chunk);
  for (let end = size; end > 0; end -= chunk) {
    const start = Math.max(0, end - chunk);
    readSync(fd, buf, 0, end - start, start);
    const nl = buf.subarray(0, end - start).lastIndexOf(10);
    if (nl !== -1) return start + nl + 1;
  }
  return 0;
}

/**
 * A crash can leave a torn last line. It was never acknowledged, so it is cut off
 * before appending (else the next event would be glued onto it). Returns the last seq.
 */
function repairTail(fd: number): number {
  let size = fstatSync(fd).size;
  const complete = endOfLastLine(fd, size);
  if (complete !== size) {
    ftruncateSync(fd, complete);
    fsyncSync(fd);
    size = complete;
  }
  // find the seq of the last readable event, scanning back line by line
  let end = size;
  while (end > 0) {
    const start = endOfLastLine(fd, end - 1);
    const buf = Buffer.alloc(end - start);
    readSync(fd, buf, 0, buf.length, start);
    try {
      const seq = (JSON.parse(buf.toString('utf8')) as { seq?: unknown }).seq;
      if (typeof seq === 'number') return seq;
    } catch {
      // a damaged line inside the file: keep looking backwards
    }
    end = start;
  }
  return -1;
}

// Reads journal files from a byte offset. Only newline-terminated lines count: a
// torn last line is left for later (its writer may still finish it) and never fatal.
import { closeSync, fstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../text/hashing';
import { journalEventSchema, type JournalEvent } from './journalEvents';

export interface JournalProblem {
  file: string;
  line: number;
  reason: string;
}

export interface JournalChunk {
  file: string;
  writerId: string;
  events: JournalEvent[];
  /** Offset just past the last complete line read. */
  endOffset: number;
  endLine: number;
  problems: JournalProblem[];
}

export function listJournalFiles(journalDir: string): string[] {
  try {
    return readdirSync(journalDir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort();
  } catch {
    return [];
  }
}

/**
 * A fingerprint of the bytes just before `offset`: if they change, the journal was
 * edited or replaced under the index, and the index must be rebuilt.
 */
export function journalFingerprint(journalDir: string, file: string, offset: number): string {
  if (offset === 0) return '';
  const fd = openSync(join(journalDir, file), 'r');
  try {
    const start = Math.max(0, offset - 256);
    const buf = Buffer.alloc(offset - start);
    const n = readSync(fd, buf, 0, buf.length, start);
    return sha256Hex(buf.subarray(0, n)).slice(0, 16);
  } finally {
    closeSync(fd);
  }
}

export function journalSize(journalDir: string, file: string): number {
  const fd = openSync(join(journalDir, file), 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** Reads the complete lines of one journal from `offset`. */
export function readJournal(journalDir: string, file: string, offset: number, firstLine: number): JournalChunk {
  const fd = openSync(join(journalDir, file), 'r');
  const writerId = file.replace(/\.jsonl$/, '');
  try {
    const size = fstatSync(fd).size;
    const events: JournalEvent[] = [];
    const problems: JournalProblem[] = [];
    if (size <= offset) return { file, writerId, events, endOffset: offset, endLine: firstLine, problems };
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    const lastNl = buf.lastIndexOf(10);
    if (lastNl === -1) return { file, writerId, events, endOffset: offset, endLine: firstLine, problems };
    let line = firstLine;
    let from = 0;
    while (from <= lastNl) {
      const nl = buf.indexOf(10, from);
      const text = buf.toString('utf8', from, nl).trim();
      if (text) {
        try {
          const parsed = journalEventSchema.safeParse(JSON.parse(text));
          if (parsed.success) events.push(parsed.data);
          else problems.push({ file, line, reason: `not a known event: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
        } catch (error) {
          problems.push({ file, line, reason: `unreadable line: ${(error as Error).message}` });
        }
      }
      line++;
      from = nl + 1;
    }
    return { file, writerId, events, endOffset: offset + lastNl + 1, endLine: line, problems };
  } finally {
    closeSync(fd);
  }
}

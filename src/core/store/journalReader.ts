// Reads journal files from a byte offset. Only newline-terminated lines count: a
// torn last line is left for later (its writer may still finish it) and never fatal.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../text/hashing';
import { journalEventSchema, NEWEST_JOURNAL_VERSION, type JournalEvent } from './journalEvents';
import { reasonOf } from '../text/reasonOf';

// listed and sized without reading any event (journalFiles.ts); named here too for the readers that replay them
export { journalSize, listJournalFiles } from './journalFiles';

export interface JournalProblem {
  file: string;
  line: number;
  reason: string;
}

export interface JournalChunk {
  file: string;
  writerId: string;
  events: JournalEvent[];
  /** The line each event was read from (parallel to `events`). */
  lines: number[];
  /** Offset just past the last complete line read. */
  endOffset: number;
  endLine: number;
  problems: JournalProblem[];
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

/** Reads the complete lines of one journal from `offset`. */
export function readJournal(journalDir: string, file: string, offset: number, firstLine: number): JournalChunk {
  const fd = openSync(join(journalDir, file), 'r');
  const writerId = file.replace(/\.jsonl$/, '');
  try {
    const size = fstatSync(fd).size;
    const events: JournalEvent[] = [];
    const lines: number[] = [];
    const problems: JournalProblem[] = [];
    if (size <= offset) return { file, writerId, events, lines, endOffset: offset, endLine: firstLine, problems };
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    const lastNl = buf.lastIndexOf(10);
    if (lastNl === -1) return { file, writerId, events, lines, endOffset: offset, endLine: firstLine, problems };
    let line = firstLine;
    let from = 0;
    while (from <= lastNl) {
      const nl = buf.indexOf(10, from);
      const text = buf.toString('utf8', from, nl).trim();
      if (text) {
        const read = readLine(text);
        for (const event of read.events) {
          events.push(event);
          lines.push(line);
        }
        if (read.problem) problems.push({ file, line, reason: read.problem });
      }
      line++;
      from = nl + 1;
    }
    return { file, writerId, events, lines, endOffset: offset + lastNl + 1, endLine: line, problems };
  } finally {
    closeSync(fd);
  }
}

/** Every event line starts like this (the writer puts `v` and `seq` first). */
const EVENT_START = '{"v":';

/**
 * Reads one journal line. A damaged line (bytes lost or overwritten, a newline gone, so
 * that two events share a line) is searched for further event starts, and every whole
 * event found after the damage is kept: damage costs only the event it hit.
 */
function readLine(text: string): { events: JournalEvent[]; problem?: string } {
  const whole = parseEvent(text);
  if (whole.event) return { events: [whole.event] };
  const events: JournalEvent[] = [];
  let damaged = 0;
  const starts: number[] = [];
  for (let at = text.indexOf(EVENT_START); at !== -1; at = text.indexOf(EVENT_START, at + 1)) starts.push(at);
  if (starts[0] !== 0) damaged += starts.length ? 1 : 0;
  for (let i = 0; i < starts.length; i++) {
    const segment = text.slice(starts[i], starts[i + 1] ?? text.length);
    const found = parseEvent(segment).event ?? parseEvent(segment.slice(0, segment.lastIndexOf('}') + 1)).event;
    if (found) events.push(found);
    else damaged++;
  }
  if (events.length === 0) return { events, problem: whole.problem };
  return { events, problem: `damaged line: ${damaged} part${damaged === 1 ? '' : 's'} unreadable, ${events.length} event${events.length === 1 ? '' : 's'} after the damage recovered` };
}

function parseEvent(text: string): { event?: JournalEvent; problem?: string } {
  try {
    const value: unknown = JSON.parse(text);
    const parsed = journalEventSchema.safeParse(value);
    if (parsed.success) return { event: parsed.data };
    const v = (value as { v?: unknown } | null)?.v;
    if (typeof v === 'number' && v > NEWEST_JOURNAL_VERSION) return { problem: `written by a newer Eval Loop (event version ${v}); update Eval Loop to read it` };
    return { problem: `not a known event: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  } catch (error) {
    return { problem: `unreadable line: ${reasonOf(error)}` };
  }
}

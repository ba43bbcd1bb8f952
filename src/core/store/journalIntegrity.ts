// Checks one writer's journal for what only a whole read can see — the same event id
// holding two different events (two clones that wrote under one writer name, merged by
// git), gaps in the writer's sequence, events dated in the future — and repairs the
// first by moving each second copy into a journal of its own, losing nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './durableFile';
import { journalEventSchema } from './journalEvents';
import { readJournal, type JournalProblem } from './journalReader';

export interface JournalIntegrity {
  file: string;
  /** Sequence numbers that hold two or more different events, with the lines of each copy. */
  collisions: { seq: number; lines: number[] }[];
  /** Places where the sequence jumps: `after` is followed by `next` on `line`. */
  gaps: { after: number; next: number; line: number }[];
  /** Events dated later than `now` by more than the allowed drift. */
  future: { seq: number; line: number; at: string }[];
  /** How many events the journal holds, and the lines that could not be read (as the index reads it). */
  events: number;
  problems: JournalProblem[];
}

/** How far ahead of this machine's clock an event may be dated before doctor mentions it. */
export const ALLOWED_CLOCK_DRIFT_MS = 5 * 60 * 1000;

interface Line {
  number: number;
  text: string;
  seq: number | undefined;
  at: string | undefined;
}

function readLines(path: string): Line[] {
  const out: Line[] = [];
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n');
  if (end === -1) return out;
  let number = 0;
  for (const raw of text.slice(0, end).split('\n')) {
    number++;
    const trimmed = raw.trim();
    if (!trimmed) continue;
    let seq: number | undefined;
    let at: string | undefined;
    try {
      const parsed = journalEventSchema.safeParse(JSON.parse(trimmed));
      if (parsed.success) {
        seq = parsed.data.seq;
        at = parsed.data.at;
      }
    } catch {
      // an unreadable line is reported by the reader; here it has no sequence
    }
    out.push({ number, text: trimmed, seq, at });
  }
  return out;
}

export function inspectJournal(journalDir: string, file: string, now = Date.now()): JournalIntegrity {
  // read as the index reads it, so events recovered from a damaged line count too
  const chunk = readJournal(journalDir, file, 0, 1);
  const lines = chunk.events.map((e, i) => ({ number: chunk.lines[i]!, text: JSON.stringify(e), seq: e.seq, at: e.at }));
  const bySeq = new Map<number, Map<string, number>>();
  const report: JournalIntegrity = { file, collisions: [], gaps: [], future: [], events: chunk.events.length, problems: chunk.problems };
  let last: number | undefined;
  for (const line of lines) {
    let copies = bySeq.get(line.seq);
    if (!copies) bySeq.set(line.seq, (copies = new Map()));
    if (!copies.has(line.text)) copies.set(line.text, line.number);
    if (line.at && Date.parse(line.at) - now > ALLOWED_CLOCK_DRIFT_MS) report.future.push({ seq: line.seq, line: line.number, at: line.at });
    // a merged file interleaves two writers, so a gap is only a jump forward past the largest seen
    if (last !== undefined && line.seq > last + 1) report.gaps.push({ after: last, next: line.seq, line: line.number });
    if (last === undefined || line.seq > last) last = line.seq;
  }
  for (const [seq, copies] of bySeq) if (copies.size > 1) report.collisions.push({ seq, lines: [...copies.values()] });
  report.collisions.sort((a, b) => a.seq - b.seq);
  return report;
}

export interface CollisionRepair {
  file: string;
  /** Journals written, each holding the n-th copies of the colliding events. */
  written: { file: string; events: number }[];
}

/** The name of the journal that takes the `copy`-th copies of `writer`'s colliding events (`~` is never in a slot name). */
export function copyJournalName(writer: string, copy: number): string {
  return `${writer}~copy${copy}.jsonl`;
}

/**
 * Gives every colliding event an id of its own: the first copy of each sequence number
 * stays, the n-th different copy moves (in file order) to `<writer>~copy<n>.jsonl`, whose
 * events keep their sequence numbers. An undo among the moved events that names a moved
 * event of the same copy is pointed at its new id. The new journals are written (and
 * synced) before the original is replaced, and rerunning after a crash writes nothing
 * twice. The writer must not be appending meanwhile (`lockPath` absent).
 */
export function repairCollisions(journalDir: string, file: string): CollisionRepair {
  const writer = file.replace(/\.jsonl$/, '');
  const lock = join(journalDir, `${writer}.lock`);
  if (existsSync(lock)) throw new Error(`${join(journalDir, file)} is being written (its lock ${lock} is held); close the window or process using it and try again`);
  const lines = readLines(join(journalDir, file));
  const kept: string[] = [];
  const moved = new Map<number, { seqs: Set<number>; texts: string[] }>();
  const copiesOf = new Map<number, string[]>();
  for (const line of lines) {
    if (line.seq === undefined) {
      kept.push(line.text); // unreadable lines stay where they are, for a person to look at
      continue;
    }
    const copies = copiesOf.get(line.seq) ?? [];
    copiesOf.set(line.seq, copies);
    let copy = copies.indexOf(line.text);
    if (copy === -1) {
      copies.push(line.text);
      copy = copies.length - 1;
    }
    if (copy === 0) {
      kept.push(line.text);
      continue;
    }
    const group = moved.get(copy) ?? { seqs: new Set<number>(), texts: [] };
    moved.set(copy, group);
    group.seqs.add(line.seq);
    group.texts.push(line.text);
  }
  const written: CollisionRepair['written'] = [];
  for (const [copy, group] of [...moved].sort((a, b) => a[0] - b[0])) {
    const name = copyJournalName(writer, copy);
    const body = group.texts.map((text) => `${retarget(text, writer, name.replace(/\.jsonl$/, ''), group.seqs)}\n`).join('');
    const target = join(journalDir, name);
    if (existsSync(target) && readFileSync(target, 'utf8') === body) continue; // written before a crash
    if (existsSync(target)) throw new Error(`${target} already exists with other content; move it aside and run the repair again`);
    writeFileAtomic(target, body);
    written.push({ file: name, events: group.texts.length });
  }
  if (moved.size > 0) writeFileAtomic(join(journalDir, file), kept.map((text) => `${text}\n`).join(''));
  return { file, written };
}

/** An undo that names a moved event of the same copy names it by its new writer. */
function retarget(text: string, writer: string, copyWriter: string, movedSeqs: Set<number>): string {
  const event = JSON.parse(text) as { type?: string; target?: string };
  if (event.type !== 'undo' || typeof event.target !== 'string') return text;
  const prefix = `${writer}:`;
  if (!event.target.startsWith(prefix)) return text;
  const seq = Number(event.target.slice(prefix.length));
  if (!movedSeqs.has(seq)) return text;
  return JSON.stringify({ ...event, target: `${copyWriter}:${seq}` });
}

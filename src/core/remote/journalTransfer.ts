// Journals on a remote. Objects cannot be appended to, so a writer's journal travels
// as immutable chunk objects, each a run of whole lines named by the byte range it
// covers: `journals/<writer>/<start>-<end>-<fingerprint>.jsonl` (12-digit offsets, so
// keys sort in journal order; the fingerprint is that of the journal's bytes just
// before `end`, the same one the index keeps, so a push can tell that its journal
// still continues the remote's copy without downloading it).
//
// push: for every local journal, the complete lines beyond the remote's end, after the
//   blobs those lines name. A chunk is one PUT: a reader never sees part of one.
// pull: for every remote writer that is not this clone's, the chunks beyond the local
//   file's size, after their blobs, appended in order to `journal/<writer>.jsonl` (a
//   mirror no local writer ever claims: local slot names carry this clone's key). The
//   index then catches up as with any journal that grew.
// Both are resumable at any byte: the local file's size and the remote's listing say
// where to go on, so a kill or a dropped connection never duplicates an event.
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BlobStore } from '../store/blobStore';
import { listJournalFiles } from '../store/journalFiles';
import { journalFingerprint } from '../store/journalReader';
import { writingTo } from '../store/writeFailure';
import { writerBase } from '../store/writerIdentity';
import type { WorkspacePaths } from '../store/workspacePaths';
import type { ObjectStore } from './objectStore';
import type { RemoteState } from './remoteState';

/** A chunk never holds more than this (a big capture travels as several); EVALLOOP_REMOTE_CHUNK_BYTES sets it for tests. */
const CHUNK_MAX_BYTES = Number(process.env.EVALLOOP_REMOTE_CHUNK_BYTES) || 8 * 1024 * 1024;

const CHUNK_KEY = /^journals\/([^/]+)\/(\d{12})-(\d{12})-([0-9a-f]{16})\.jsonl$/;
/** A writer name from a remote becomes a local file name: nothing that could leave the folder. */
const WRITER_NAME = /^[A-Za-z0-9_@~-][A-Za-z0-9._@~-]{0,199}$/;

interface Chunk {
  key: string;
  writer: string;
  start: number;
  end: number;
  fingerprint: string;
}

export interface TransferTally {
  writers: number;
  chunks: number;
  events: number;
  bytes: number;
  blobs: number;
  problems: string[];
}

export function emptyTransferTally(): TransferTally {
  return { writers: 0, chunks: 0, events: 0, bytes: 0, blobs: 0, problems: [] };
}

function pad(n: number): string {
  return String(n).padStart(12, '0');
}

export function chunkKey(writer: string, start: number, end: number, fingerprint: string): string {
  return `journals/${writer}/${pad(start)}-${pad(end)}-${fingerprint}.jsonl`;
}

function parseChunk(key: string): Chunk | undefined {
  const m = CHUNK_KEY.exec(key);
  if (!m || !WRITER_NAME.test(m[1]!)) return undefined;
  const start = Number(m[2]);
  const end = Number(m[3]);
  return end > start ? { key, writer: m[1]!, start, end, fingerprint: m[4]! } : undefined;
}

function byOffset(a: Chunk, b: Chunk): number {
  return a.start - b.start || a.end - b.end;
}

async function listChunks(remote: ObjectStore, writer: string, startAfter?: string): Promise<Chunk[]> {
  const listing = await remote.list(`journals/${writer}/`, startAfter ? { startAfter } : {});
  return listing.objects
    .map((o) => parseChunk(o.key))
    .filter((c): c is Chunk => c !== undefined && c.writer === writer)
    .sort(byOffset);
}

function readRange(file: string, start: number, end: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(end - start);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function fileSize(file: string): number {
  if (!existsSync(file)) return 0;
  const fd = openSync(file, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/** Cuts `bytes` (whole lines) into pieces of at most CHUNK_MAX_BYTES, each ending at a newline. */
function splitAtLines(bytes: Buffer): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  while (from < bytes.length) {
    let to = Math.min(bytes.length, from + CHUNK_MAX_BYTES);
    if (to < bytes.length) {
      const nl = bytes.lastIndexOf(10, to - 1);
      // one line longer than the limit travels whole
      to = nl >= from ? nl + 1 : bytes.indexOf(10, to) + 1 || bytes.length;
    }
    pieces.push(bytes.subarray(from, to));
    from = to;
  }
  return pieces;
}

/** The blobs the events on these lines name (`cases` events point at their batch's blob). */
function blobsNamed(lines: Buffer): string[] {
  const found = new Set<string>();
  for (const line of lines.toString('utf8').split('\n')) {
    if (!line.includes('"blob"')) continue;
    try {
      const blob = (JSON.parse(line) as { blob?: unknown }).blob;
      if (typeof blob === 'string' && /^[0-9a-f]{64}$/.test(blob)) found.add(blob);
    } catch {
      // a damaged line names nothing we can copy; the reader reports it where it is read
    }
  }
  return [...found];
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) n++;
  return n;
}

export function blobKey(hash: string): string {
  return `blobs/${hash.slice(0, 2)}/${hash.slice(2)}.json`;
}

/** This clone's own journal slots (`<base>`, `<base>.2`, …): never pulled into. */
function ownSlot(base: string): (writer: string) => boolean {
  return (writer) => writer === base || (writer.startsWith(`${base}.`) && /^\d+$/.test(writer.slice(base.length + 1)));
}

export interface TransferOptions {
  ifAbsent: boolean;
  saveState: () => void;
}

/** Uploads every local journal's complete lines beyond what the remote holds, blobs first. */
export async function pushJournals(remote: ObjectStore, paths: WorkspacePaths, blobs: BlobStore, state: RemoteState, options: TransferOptions): Promise<TransferTally> {
  const tally = emptyTransferTally();
  const uploadedBlobs = new Set<string>();
  for (const file of listJournalFiles(paths.journalDir)) {
    const writer = file.replace(/\.jsonl$/, '');
    if (!WRITER_NAME.test(writer)) continue;
    const path = join(paths.journalDir, file);
    const size = fileSize(path);
    const mark = state.pushed[writer];
    if (mark && mark.end === size) continue; // nothing new since the last push
    if (state.pulled[writer]?.end === size) continue; // a mirror of the remote's copy, nothing of ours
    // what the remote has: the state's mark, and anything listed after it (another clone's push, a push that died before saving state)
    const listed = await listChunks(remote, writer, mark?.key);
    let end = mark?.end ?? 0;
    let endFingerprint: string | undefined;
    let endKey = mark?.key;
    for (const c of listed) {
      if (c.end > end) {
        end = c.end;
        endFingerprint = c.fingerprint;
        endKey = c.key;
      }
    }
    if (size <= end) {
      if (endKey && (!mark || mark.end !== end)) state.pushed[writer] = { key: endKey, end };
      continue;
    }
    if (end > 0) {
      const here = journalFingerprint(paths.journalDir, file, end);
      const expected = endFingerprint ?? mark?.key.match(CHUNK_KEY)?.[4];
      if (expected && here !== expected) {
        tally.problems.push(`journal ${file} here differs from the remote's copy at byte ${end} (two clones wrote under one writer name, or the file was edited); not pushed — run \`evalloop doctor\``);
        continue;
      }
    }
    const fresh = readRange(path, end, size);
    const complete = fresh.lastIndexOf(10) + 1; // a line still being written waits for the next push
    if (complete === 0) continue;
    tally.writers++;
    let at = end;
    for (const piece of splitAtLines(fresh.subarray(0, complete))) {
      for (const hash of blobsNamed(piece)) {
        if (uploadedBlobs.has(hash)) continue;
        if (!(await remote.exists(blobKey(hash)))) {
          if (!blobs.has(hash)) {
            tally.problems.push(`journal ${file} names blob ${hash}, which is missing here; pushed without it — run \`evalloop doctor\``);
          } else {
            await remote.put(blobKey(hash), blobs.bytes(hash), { ifAbsent: options.ifAbsent });
            tally.blobs++;
          }
        }
        uploadedBlobs.add(hash);
      }
      const pieceEnd = at + piece.length;
      const key = chunkKey(writer, at, pieceEnd, journalFingerprint(paths.journalDir, file, pieceEnd));
      await remote.put(key, piece, { ifAbsent: options.ifAbsent });
      state.pushed[writer] = { key, end: pieceEnd };
      options.saveState();
      tally.chunks++;
      tally.events += countLines(piece);
      tally.bytes += piece.length;
      at = pieceEnd;
    }
  }
  return tally;
}

/** Appends every other writer's chunks beyond the local copy, blobs first. */
export async function pullJournals(remote: ObjectStore, paths: WorkspacePaths, blobs: BlobStore, state: RemoteState, options: TransferOptions): Promise<TransferTally> {
  const tally = emptyTransferTally();
  const isOwn = ownSlot(writerBase(dirname(paths.journalDir)));
  const writers = (await remote.list('journals/', { delimiter: '/' })).prefixes.map((p) => p.slice('journals/'.length, -1)).filter((w) => WRITER_NAME.test(w) && !isOwn(w));
  for (const writer of writers) {
    const path = join(paths.journalDir, `${writer}.jsonl`);
    let size = fileSize(path);
    const mark = state.pulled[writer];
    // the mark only saves listing; a local file shorter than it (deleted, restored) is listed from the start
    const chunks = await listChunks(remote, writer, mark && mark.end <= size ? mark.key : undefined);
    let pulledAny = false;
    for (const chunk of chunks) {
      if (chunk.end <= size) continue;
      if (chunk.start > size) {
        tally.problems.push(`${remote.label}: writer ${writer} has no chunk covering bytes ${size}–${chunk.start} (the remote lost an object?); pulled up to byte ${size}`);
        break;
      }
      const bytes = await remote.get(chunk.key);
      if (!bytes || bytes.length !== chunk.end - chunk.start) {
        tally.problems.push(`${remote.label}: chunk ${chunk.key} is ${bytes ? `${bytes.length} bytes, not ${chunk.end - chunk.start}` : 'gone'}; pulled up to byte ${size}`);
        break;
      }
      const overlap = size - chunk.start;
      if (overlap > 0 && !readRange(path, chunk.start, size).equals(bytes.subarray(0, overlap))) {
        tally.problems.push(`journal ${writer}.jsonl here differs from the remote's copy between bytes ${chunk.start} and ${size}; not pulled — run \`evalloop doctor\``);
        break;
      }
      for (const hash of blobsNamed(bytes)) {
        if (blobs.has(hash)) continue;
        const blob = await remote.get(blobKey(hash));
        if (!blob) {
          tally.problems.push(`${remote.label}: blob ${hash} named by ${chunk.key} is missing there; its cases show without detail until it arrives`);
          continue;
        }
        blobs.putBytes(hash, blob);
        tally.blobs++;
      }
      const rest = bytes.subarray(overlap);
      appendDurably(path, rest);
      size = chunk.end;
      state.pulled[writer] = { key: chunk.key, end: chunk.end };
      options.saveState();
      pulledAny = true;
      tally.chunks++;
      tally.events += countLines(rest);
      tally.bytes += rest.length;
    }
    if (pulledAny) tally.writers++;
  }
  return tally;
}

/** Appends bytes and fsyncs; a kill mid-way leaves a prefix, which the next pull checks and completes. */
function appendDurably(file: string, bytes: Buffer): void {
  writingTo(file, () => {
    const fd = openSync(file, 'a');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}

/** How many complete journal lines here the remote does not have yet (for a status line; no request made). */
export function eventsToPush(paths: WorkspacePaths, state: RemoteState): number {
  let pending = 0;
  for (const file of listJournalFiles(paths.journalDir)) {
    const writer = file.replace(/\.jsonl$/, '');
    const path = join(paths.journalDir, file);
    const size = fileSize(path);
    if (state.pulled[writer]?.end === size) continue;
    const from = Math.min(size, state.pushed[writer]?.end ?? 0);
    if (size > from) pending += countLines(readRange(path, from, size));
  }
  return pending;
}

// Streams a text file as lines with byte offsets, from any starting offset up to a
// fixed end, with a cap on line length so one enormous record cannot exhaust memory.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { RESUME_CHECK_BYTES, type ReadTail } from './resumeCheck';

export interface Line {
  /** 1-based line number in the whole file. */
  number: number;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just past the line's newline (or end of file). */
  end: number;
  text: string;
  /** False for a last line with no newline: possibly still being written. */
  complete: boolean;
}

export interface OversizeLine {
  number: number;
  start: number;
  end: number;
  bytes: number;
  oversize: true;
}

export interface LineReadOptions {
  startOffset?: number;
  firstLineNumber?: number;
  maxLineBytes: number;
  chunkBytes?: number;
  /** Read no byte at or past this offset: a file that keeps growing is read to the size it had when the read began. */
  endOffset?: number;
  /** Keeps the bytes read last (and the ones just before the start), for the resume check of the last checkpoint. */
  tail?: ReadTail;
}

/** Puts the bytes just before `start` into the tail, so a checkpoint near the start can be checked too. */
async function seedTail(path: string, start: number, tail: ReadTail): Promise<void> {
  const from = Math.max(0, start - RESUME_CHECK_BYTES);
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(start - from);
    const { bytesRead } = await handle.read(buf, 0, buf.length, from);
    tail.add(from, buf.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

export async function* readLines(path: string, options: LineReadOptions): AsyncGenerator<Line | OversizeLine> {
  const start = options.startOffset ?? 0;
  let lineNumber = options.firstLineNumber ?? 1;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let lineStart = start;
  let skipping = false;
  let position = start;
  const tail = options.tail;
  if (tail && start > 0) await seedTail(path, start, tail);
  const end = options.endOffset;
  if (end !== undefined && start >= end) return;
  // `end` of a read stream is inclusive
  const stream = createReadStream(path, { start, ...(end !== undefined ? { end: end - 1 } : {}), highWaterMark: options.chunkBytes ?? 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    tail?.add(position, chunk);
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl === -1) break;
      const lineEnd = position + nl + 1;
      if (skipping) {
        yield { number: lineNumber, start: lineStart, end: lineEnd, bytes: lineEnd - lineStart, oversize: true };
        skipping = false;
      } else if (pendingBytes + (nl - from) > options.maxLineBytes) {
        yield { number: lineNumber, start: lineStart, end: lineEnd, bytes: lineEnd - lineStart, oversize: true };
      } else {
        let text: string;
        if (pendingBytes === 0) {
          text = chunk.toString('utf8', from, stripCr(chunk, from, nl));
        } else {
          pending.push(chunk.subarray(from, nl));
          const joined = Buffer.concat(pending);
          text = joined.toString('utf8', 0, stripCr(joined, 0, joined.length));
        }
        yield { number: lineNumber, start: lineStart, end: lineEnd, text, complete: true };
      }
      pending = [];
      pendingBytes = 0;
      lineNumber++;
      lineStart = lineEnd;
      from = nl + 1;
    }
    if (from < chunk.length && !skipping) {
      const rest = chunk.subarray(from);
      if (pendingBytes + rest.length > options.maxLineBytes) {
        skipping = true;
        pending = [];
        pendingBytes = 0;
      } else {
        // copy: the stream may reuse its buffer
        pending.push(Buffer.from(rest));
        pendingBytes += rest.length;
      }
    }
    position += chunk.length;
    // what a checkpoint can still fall on: the start of the line being assembled (past the end of one being skipped)
    tail?.keepBefore(skipping ? position : lineStart);
  }
  if (skipping) {
    yield { number: lineNumber, start: lineStart, end: position, bytes: position - lineStart, oversize: true };
  } else if (pendingBytes > 0) {
    const joined = Buffer.concat(pending);
    yield { number: lineNumber, start: lineStart, end: position, text: joined.toString('utf8'), complete: false };
  }
}

function stripCr(buf: Buffer, from: number, to: number): number {
  return to > from && buf[to - 1] === 13 ? to - 1 : to;
}

export function isOversize(line: Line | OversizeLine): line is OversizeLine {
  return (line as OversizeLine).oversize === true;
}

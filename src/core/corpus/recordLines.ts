// The record lines of a snapshot plan, kept as UTF-8 bytes outside the JavaScript heap,
// with what a segment's index says of each (`{"k":key,"h":inputHash,"i":itemId}`).
// A plan of 100k items holds 400k lines: as strings, 170 MB that every garbage
// collection walks while the plan waits to be written; as bytes, nothing to walk, and
// the bytes a segment is made of are already encoded.

/** Bytes per chunk; a line longer than this gets a chunk of its own. */
const CHUNK = 4 << 20;

export class RecordLines {
  private readonly chunks: Buffer[] = [];
  private readonly chunkUsed: number[] = [];
  private current = Buffer.allocUnsafe(0);
  private used = 0;
  // per line: its chunk, and where its bytes start and end (the newline after it excluded)
  private readonly chunkOf: number[] = [];
  private readonly startOf: number[] = [];
  private readonly endOf: number[] = [];
  // per line: its key is `<base>#<n>`, or base itself when n is -1; the index line after the key is `rest`
  private readonly bases: string[] = [];
  private readonly numbers: number[] = [];
  private readonly quotedBases: string[] = [];
  private readonly rests: string[] = [];

  get length(): number {
    return this.bases.length;
  }

  /**
   * Adds a line keyed `<base>#<n>` (or `base` when n is undefined); `quotedBase` is
   * JSON.stringify(base) and `indexRest` the index line after the key, `,"h":…,"i":…}`,
   * both shared by an item's lines.
   */
  push(base: string, n: number | undefined, quotedBase: string, indexRest: string, line: string): void {
    const most = line.length * 3 + 1; // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (this.used + most > this.current.length) {
      this.seal();
      this.current = Buffer.allocUnsafe(Math.max(CHUNK, most));
      this.used = 0;
    }
    const start = this.used;
    const written = this.current.write(line, start, 'utf8');
    this.current[start + written] = 10;
    this.used = start + written + 1;
    this.chunkOf.push(this.chunks.length);
    this.startOf.push(start);
    this.endOf.push(start + written);
    this.bases.push(base);
    this.numbers.push(n ?? -1);
    this.quotedBases.push(quotedBase);
    this.rests.push(indexRest);
  }

  private seal(): void {
    if (this.used === 0) return;
    this.chunks.push(this.current);
    this.chunkUsed.push(this.used);
  }

  private chunk(c: number): Buffer {
    return c < this.chunks.length ? this.chunks[c]! : this.current;
  }

  key(i: number): string {
    const n = this.numbers[i]!;
    return n < 0 ? this.bases[i]! : `${this.bases[i]}#${n}`;
  }

  indexLine(i: number): string {
    const n = this.numbers[i]!;
    const quoted = this.quotedBases[i]!;
    // '#' and digits are never escaped, so they can go inside the quotes
    return n < 0 ? `{"k":${quoted}${this.rests[i]}` : `{"k":${quoted.slice(0, -1)}#${n}"${this.rests[i]}`;
  }

  /** Line i's bytes, without its newline (a view, not a copy). */
  line(i: number): Buffer {
    return this.chunk(this.chunkOf[i]!).subarray(this.startOf[i]!, this.endOf[i]!);
  }

  /** The lines `which` (all, in order, when not given), each followed by a newline, as one buffer. */
  bytes(which?: number[]): Buffer {
    if (!which) {
      const parts = this.chunks.map((c, n) => c.subarray(0, this.chunkUsed[n]!));
      if (this.used > 0) parts.push(this.current.subarray(0, this.used));
      return Buffer.concat(parts);
    }
    let size = 0;
    for (const i of which) size += this.endOf[i]! - this.startOf[i]! + 1;
    const out = Buffer.allocUnsafe(size);
    let at = 0;
    for (const i of which) {
      const c = this.chunk(this.chunkOf[i]!);
      at += c.copy(out, at, this.startOf[i]!, this.endOf[i]! + 1);
    }
    return out;
  }

  /** The index lines of the lines `which` (all when not given), each followed by a newline. */
  indexBytes(which?: number[]): Buffer {
    const lines: string[] = [];
    if (which) for (const i of which) lines.push(this.indexLine(i));
    else for (let i = 0; i < this.length; i++) lines.push(this.indexLine(i));
    return Buffer.from(`${lines.join('\n')}\n`);
  }
}

// Content-addressed payloads (full cases with inputs and traces). A blob is written
// and synced before any journal event names it, so no event points at nothing.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../text/hashing';
import { writeFileAtomic } from './durableFile';
import { writingTo } from './writeFailure';

export class BlobStore {
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly dir: string) {}

  private pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a blob hash: ${hash}`);
    return join(this.dir, hash.slice(0, 2), `${hash.slice(2)}.json`);
  }

  /** Stores the value as JSON; returns its sha256. Idempotent. */
  put(value: unknown): string {
    const text = JSON.stringify(value);
    const hash = sha256Hex(text);
    const path = this.pathOf(hash);
    if (!existsSync(path)) {
      // not recursive first: on a read-only disk a recursive mkdir says ENOENT, not EROFS
      const folder = join(this.dir, hash.slice(0, 2));
      if (!existsSync(folder)) writingTo(folder, () => mkdirFresh(folder));
      writeFileAtomic(path, text);
    }
    return hash;
  }

  get(hash: string): unknown {
    const cached = this.cache.get(hash);
    if (cached !== undefined) return cached;
    const text = readFileSync(this.pathOf(hash), 'utf8');
    if (sha256Hex(text) !== hash) throw new Error(`blob ${hash} does not match its hash (edited or damaged)`);
    const value = JSON.parse(text) as unknown;
    if (this.cache.size > 16) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(hash, value);
    return value;
  }

  /** The stored bytes of a blob, exactly as written (for copying it elsewhere). */
  bytes(hash: string): Buffer {
    return readFileSync(this.pathOf(hash));
  }

  /** Stores bytes received from elsewhere under their hash, refusing bytes that do not match it. */
  putBytes(hash: string, bytes: Uint8Array): void {
    if (sha256Hex(bytes) !== hash) throw new Error(`blob ${hash}: the bytes received do not match the hash`);
    const path = this.pathOf(hash);
    if (existsSync(path)) return;
    const folder = join(this.dir, hash.slice(0, 2));
    if (!existsSync(folder)) writingTo(folder, () => mkdirFresh(folder));
    writeFileAtomic(path, bytes);
  }

  has(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }
}

function mkdirFresh(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      mkdirSync(dir, { recursive: true }); // the blob folder itself is new
    else if (code !== 'EEXIST') throw error; // EEXIST: another writer made it
  }
}

// Content-addressed payloads (full cases with inputs and traces). A blob is written
// and synced before any journal event names it, so no event points at nothing.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../text/hashing';
import { writeFileAtomic } from './durableFile';

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
      mkdirSync(join(this.dir, hash.slice(0, 2)), { recursive: true });
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

  has(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }
}

// Content hashes used for case keys, input hashes and blob names.
import * as crypto from 'node:crypto';
import { createReadStream } from 'node:fs';
import { JsonDepthError, MAX_JSON_DEPTH, tooDeepReason } from './jsonDepth';

// crypto.hash (Node 20.12+) skips the Hash object; older hosts (VS Code 1.90 ships Node 20.9) fall back
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array) => string }).hash;

export function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', data) : crypto.createHash('sha256').update(data).digest('hex');
}

/** The sha256 of a file, read as a stream (never held whole). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** A short, stable hash for keys shown to people (64 bits of sha256). */
export function shortHash(data: string): string {
  return sha256Hex(data).slice(0, 16);
}

/** JSON with object keys sorted, so equal values always hash the same. Throws JsonDepthError past MAX_JSON_DEPTH levels. */
export function canonicalJson(value: unknown): string {
  return canonicalAt(value, 1);
}

function canonicalAt(value: unknown, depth: number): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value ?? null);
  }
  // the recursion is bounded here, so a value from a file cannot overflow the stack
  if (depth > MAX_JSON_DEPTH) throw new JsonDepthError(tooDeepReason('the value'));
  if (Array.isArray(value)) {
    return `[${value.map((v) => canonicalAt(v, depth + 1)).join(',')}]`;
  }
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalAt((value as Record<string, unknown>)[k], depth + 1)}`);
  return `{${entries.join(',')}}`;
}

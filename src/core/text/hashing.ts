// Content hashes used for case keys, input hashes and blob names.
import * as crypto from 'node:crypto';
import { numberText } from './values';
import { createReadStream } from 'node:fs';
import { JsonDepthError, MAX_JSON_DEPTH, tooDeepReason } from './jsonDepth';

// crypto.hash (Node 20.12+) skips the Hash object; older hosts (VS Code 1.90 ships Node 20.9) fall back
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array) => string }).hash;

// A string read from JSON can hold half of a surrogate pair ("\ud800"). UTF-8 has no
// bytes for one, and Node writes U+FFFD instead, so "a\ud800", "a\udc00" and "a\ufffd"
// would hash alike and two different cases would merge. Such strings are hashed in
// generalized UTF-8 (a lone surrogate as its own three bytes, ED A0 80 to ED BF BF),
// bytes no UTF-8 text contains: distinct from every well-formed string, whose bytes,
// and so whose hashes and case keys, are unchanged.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
const isWellFormed = (text: string): boolean => (nativeWellFormed ? nativeWellFormed.call(text) : !LONE_SURROGATE.test(text));

function generalizedUtf8(text: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(LONE_SURROGATES)) {
    const unit = m[0].charCodeAt(0);
    parts.push(Buffer.from(text.slice(last, m.index), 'utf8'), Buffer.from([0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]));
    last = m.index + 1;
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

/** Well-formed strings hash as their UTF-8 bytes; one with a lone surrogate in generalized UTF-8 (above). */
export function sha256Hex(data: string | Uint8Array): string {
  const bytes = typeof data === 'string' && !isWellFormed(data) ? generalizedUtf8(data) : data;
  return oneShot ? oneShot('sha256', bytes) : crypto.createHash('sha256').update(bytes).digest('hex');
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
    // JSON.stringify writes -0 as 0; a record's -0 is not its 0 (NaN and ±Infinity are null, as in JSON)
    return typeof value === 'number' && Number.isFinite(value) ? numberText(value) : JSON.stringify(value ?? null);
  }
  // the recursion is bounded here, so a value from a file cannot overflow the stack
  if (depth > MAX_JSON_DEPTH) throw new JsonDepthError(tooDeepReason('the value'));
  // loops rather than map/filter/sort chains: this runs for every record a capture reads
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalAt(value[i], depth + 1);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // most objects come with their keys in order already; sorting compares UTF-16 code units, as < does
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let out = '{';
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalAt(v, depth + 1)}`;
  }
  return `${out}}`;
}

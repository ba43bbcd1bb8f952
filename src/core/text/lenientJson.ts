// JSON as eval tools really write it: Python's NaN/Infinity, a byte order mark, and
// integers beyond 2^53 (kept as their digits rather than rounded).
// The fast path is plain JSON.parse; the repair pass runs only when that fails.
import { reasonOf } from './reasonOf';

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A token found outside string literals: where it ends, and what replaces it (none: left as it is). */
interface Token {
  end: number;
  replacement?: string;
}

/**
 * Walks JSON text, skipping string literals; at each other position `tokenAt` may claim
 * a token. Returns the text with the claimed replacements made, or null when none was.
 */
function rewriteOutsideStrings(text: string, tokenAt: (i: number, c: number) => Token | undefined): string | null {
  let out = '';
  let last = 0;
  let inString = false;
  let changed = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    const token = tokenAt(i, c);
    if (!token) continue;
    if (token.replacement !== undefined) {
      out += `${text.slice(last, i)}${token.replacement}`;
      last = token.end;
      changed = true;
    }
    i = token.end - 1;
  }
  return changed ? out + text.slice(last) : null;
}

/**
 * Rewrites the bare tokens NaN, Infinity and -Infinity (outside strings) as the
 * strings "NaN", "Infinity", "-Infinity", which `toNumber` turns back into numbers.
 * Returns null when there is nothing to rewrite.
 */
export function quotePythonSpecials(text: string): string | null {
  return rewriteOutsideStrings(text, (i, c) => {
    let token: string | null = null;
    if (c === 78 /* N */ && text.startsWith('NaN', i)) token = 'NaN';
    else if (c === 73 /* I */ && text.startsWith('Infinity', i)) token = 'Infinity';
    else if (c === 45 /* - */ && text.startsWith('-Infinity', i)) token = '-Infinity';
    return token ? { end: i + token.length, replacement: `"${token}"` } : undefined;
  });
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Rewrites integer literals (outside strings) that a JavaScript number cannot hold
 * exactly, such as 9007199254740993 (2^53 + 1), as strings of their digits: JSON.parse
 * would round them, and two records whose ids or inputs differ only there would become
 * one case. An integer a number holds exactly (its digits are what the number prints)
 * is left alone, so ordinary records parse as before. Returns null when there is
 * nothing to rewrite.
 */
export function quoteLossyIntegers(text: string): string | null {
  return rewriteOutsideStrings(text, (i, c) => {
    if (c !== 45 /* - */ && !isDigit(c)) return undefined;
    let end = c === 45 ? i + 1 : i;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    const next = text.charCodeAt(end);
    const integer = next !== 46 /* . */ && next !== 101 /* e */ && next !== 69; /* E */
    while (end < text.length && (isDigit(text.charCodeAt(end)) || '.eE+-'.includes(text[end]!))) end++;
    const token = text.slice(i, end);
    // 2^53 has 16 digits: shorter integers are always exact
    const lossy = integer && token.length - (c === 45 ? 1 : 0) >= 16 && String(Number(token)) !== token;
    return lossy ? { end, replacement: `"${token}"` } : { end };
  });
}

export class JsonSyntaxError extends Error {}

// sixteen \d written out: V8 skips through text for a fixed run of classes about ten
// times faster than for \d{16}, and this test runs on every record
const LONG_DIGIT_RUN = new RegExp('\\d'.repeat(16));

/** JSON.parse, keeping the digits of integers it would round (see quoteLossyIntegers). */
function parseKeepingIntegers(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  if (!LONG_DIGIT_RUN.test(text)) return value; // the common case: no integer long enough to round
  const kept = quoteLossyIntegers(text);
  return kept === null ? value : (JSON.parse(kept) as unknown);
}

/** Parses JSON, tolerating a BOM and Python's NaN/Infinity. Throws JsonSyntaxError with a position. */
export function parseLenientJson(raw: string): unknown {
  const text = stripBom(raw);
  try {
    return parseKeepingIntegers(text);
  } catch (first) {
    const repaired = quotePythonSpecials(text);
    if (repaired !== null) {
      try {
        return parseKeepingIntegers(repaired);
      } catch {
        // fall through to report the original error
      }
    }
    throw new JsonSyntaxError(describeJsonError(text, first));
  }
}

function describeJsonError(text: string, error: unknown): string {
  const message = reasonOf(error);
  const match = /position (\d+)/.exec(message);
  const truncated = /Unexpected end of JSON input/.test(message);
  if (!match && !truncated) {
    return text.trim() === '' ? 'empty JSON' : `invalid JSON: ${message}`;
  }
  const pos = match ? Number(match[1]) : text.length;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const reason = truncated ? 'the text ends before the JSON does (truncated?)' : message.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
  return `invalid JSON at line ${line}, column ${pos - lineStart + 1}: ${reason}`;
}

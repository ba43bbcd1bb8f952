// JSON as eval tools really write it: Python's NaN/Infinity, a byte order mark.
// The fast path is plain JSON.parse; the repair pass runs only when that fails.

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Rewrites the bare tokens NaN, Infinity and -Infinity (outside strings) as the
 * strings "NaN", "Infinity", "-Infinity", which `toNumber` turns back into numbers.
 * Returns null when there is nothing to rewrite.
 */
export function quotePythonSpecials(text: string): string | null {
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
    let token: string | null = null;
    if (c === 78 /* N */ && text.startsWith('NaN', i)) token = 'NaN';
    else if (c === 73 /* I */ && text.startsWith('Infinity', i)) token = 'Infinity';
    else if (c === 45 /* - */ && text.startsWith('-Infinity', i)) token = '-Infinity';
    if (token) {
      out += `${text.slice(last, i)}"${token}"`;
      i += token.length - 1;
      last = i + 1;
      changed = true;
    }
  }
  return changed ? out + text.slice(last) : null;
}

export class JsonSyntaxError extends Error {}

/** Parses JSON, tolerating a BOM and Python's NaN/Infinity. Throws JsonSyntaxError with a position. */
export function parseLenientJson(raw: string): unknown {
  const text = stripBom(raw);
  try {
    return JSON.parse(text);
  } catch (first) {
    const repaired = quotePythonSpecials(text);
    if (repaired !== null) {
      try {
        return JSON.parse(repaired);
      } catch {
        // fall through to report the original error
      }
    }
    throw new JsonSyntaxError(describeJsonError(text, first));
  }
}

function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
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

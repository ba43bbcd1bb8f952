// Coercions for loosely typed fields: numbers written as strings, booleans as words.

export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const s = value.trim();
    if (s === 'NaN' || s === 'nan') return Number.NaN;
    if (s === 'Infinity' || s === 'inf') return Number.POSITIVE_INFINITY;
    if (s === '-Infinity' || s === '-inf') return Number.NEGATIVE_INFINITY;
    if (s !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
  }
  return null;
}

const TRUE_WORDS = new Set(['true', 'pass', 'passed', 'yes', 'correct', 'ok', 'success', '1', 'c']);
const FALSE_WORDS = new Set(['false', 'fail', 'failed', 'no', 'incorrect', 'wrong', 'failure', '0', 'i']);

/** true / false when the value clearly says pass or fail, otherwise null. */
export function toBool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : null;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (TRUE_WORDS.has(s)) return true;
    if (FALSE_WORDS.has(s)) return false;
  }
  return null;
}

/** A number as text; -0 stays "-0" (String(-0) is "0"), so a record's -0 is never taken for its 0. */
export function numberText(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

/** Text for display: strings as they are, anything else as compact JSON. */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'bigint') return String(value);
  return undefined;
}

/** A one-line title of at most `max` characters for lists. */
export function titleOf(text: string, max = 120): string {
  const flat = (text.length > max * 4 ? text.slice(0, max * 4) : text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Reads a dotted path (`a.b.0.c`) out of a value: own fields and array positions only,
 * so a path never reaches what every object inherits (`constructor`, `__proto__`,
 * `toString`) and turns a record's missing field into a function or a prototype.
 */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(part) || Number(part) >= current.length) return undefined;
      current = current[Number(part)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, part)) {
      current = (current as Record<string, unknown>)[part];
    } else return undefined;
  }
  return current;
}

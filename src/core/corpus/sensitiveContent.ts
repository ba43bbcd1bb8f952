// Secrets and personal data in training records: found by pattern, then blocked,
// redacted or allowed as the snapshot policy says.

export type SensitiveKind = 'private-key' | 'openai-key' | 'anthropic-key' | 'aws-access-key' | 'github-token' | 'slack-token' | 'google-api-key' | 'bearer-token' | 'email' | 'phone';

/** Each kind and the pattern that finds it (global: use with matchAll or replace). */
export const PATTERNS: readonly (readonly [SensitiveKind, RegExp])[] = [
  ['private-key', /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----[\s\S]*?(?:-----END (?:[A-Z]+ )?PRIVATE KEY-----|$)/g],
  ['anthropic-key', /\bsk-ant-[A-Za-z0-9_-]{20,}/g],
  ['openai-key', /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/g],
  ['aws-access-key', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g],
  ['github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/g],
  ['slack-token', /\bxox[baprs]-[A-Za-z0-9-]{10,}/g],
  ['google-api-key', /\bAIza[0-9A-Za-z_-]{35}\b/g],
  ['bearer-token', /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/g],
  ['email', /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g],
  ['phone', /(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}(?![\w.])/g],
];

export interface SensitiveFinding {
  kind: SensitiveKind;
  /** The match with its middle hidden, so reports do not repeat the secret. */
  preview: string;
}

function preview(match: string): string {
  if (match.length <= 8) return `${match[0]}…`;
  return `${match.slice(0, 4)}…${match.slice(-2)}`;
}

/**
 * What every pattern above needs somewhere in a text to match at all (a phone number
 * has three digits, a separator and three more). Most texts have none of these, and one
 * pass with this spares them the ten passes of the patterns; the findings are the same.
 */
const ANY_PATTERN_COULD_MATCH = /-----BEGIN |sk-|AKIA|ASIA|gh[pousr]_|github_pat_|xox[baprs]-|AIza|Bearer|@|\d{3}[\s.-]\d{3}/;

/** False when no pattern can match anywhere in `text` (true does not mean one does). */
export function couldBeSensitive(text: string): boolean {
  return ANY_PATTERN_COULD_MATCH.test(text);
}

export function findSensitive(text: string): SensitiveFinding[] {
  const found: SensitiveFinding[] = [];
  if (!couldBeSensitive(text)) return found;
  for (const [kind, re] of PATTERNS) {
    for (const m of text.matchAll(re)) found.push({ kind, preview: preview(m[0]) });
  }
  return found;
}

export function redactSensitive(text: string): { text: string; redactions: SensitiveKind[] } {
  const redactions: SensitiveKind[] = [];
  if (!couldBeSensitive(text)) return { text, redactions };
  let out = text;
  for (const [kind, re] of PATTERNS) {
    out = out.replace(re, () => {
      redactions.push(kind);
      return `[REDACTED:${kind}]`;
    });
  }
  return { text: out, redactions };
}

/** Applies `redactSensitive` to every string inside a JSON value. */
export function redactValue(value: unknown, redactions: SensitiveKind[]): unknown {
  if (typeof value === 'string') {
    const r = redactSensitive(value);
    redactions.push(...r.redactions);
    return r.text;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redactions));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, redactions);
    return out;
  }
  return value;
}

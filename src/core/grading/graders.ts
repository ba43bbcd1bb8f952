// Mechanical graders: each compares a model's output with the expected answer and
// says "same", "different", or nothing when the question is not mechanically
// decidable (free text, no number to read, no choice letter found).
import { canonicalJson } from '../text/hashing';
import { nestsTooDeep, tooDeepReason } from '../text/jsonDepth';

export const GRADERS = ['exact', 'normalized', 'numeric', 'json', 'regex', 'contains', 'choice'] as const;
export type GraderName = (typeof GRADERS)[number];

export interface GraderOptions {
  /** numeric: absolute tolerance (default 1e-6) and relative tolerance (default 1e-9). */
  tolerance?: number;
  relativeTolerance?: number;
  /** regex/contains: the pattern or text to look for (default: the expected answer). */
  pattern?: string;
  /** normalized text: how many words the answers may have for a mismatch to be decided (default 8). */
  maxWords?: number;
}

export interface GraderResult {
  grader: GraderName;
  /** true: the output is right; false: it is wrong; null: cannot say mechanically. */
  matches: boolean | null;
  reason: string;
}

const quote = (s: string, max = 60) => JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);

export function normalizeText(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[\s"'`([{]+|[\s"'`.,;:!?)\]}]+$/g, '')
    .replace(/^(the|a|an) /, '');
}

/** The single number an answer states (commas, currency, percent and a unit word allowed), else null. */
export function readNumber(s: string): number | null {
  const text = s.trim().replace(/^(answer|the answer is|result)\s*[:=]?\s*/i, '').replace(/[.!]$/, '');
  const matches = text.match(/-?\$?\d[\d,]*(\.\d+)?|-?\$?\.\d+/g);
  if (!matches || matches.length !== 1) return null;
  const rest = text.replace(matches[0], '').replace(/[$%\s]/g, '');
  if (rest.length > 0 && !/^[a-zA-Z]{1,12}$/.test(rest)) return null; // "150 km" yes, "7 apples and 3 pears" no
  const n = Number(matches[0].replace(/[$,]/g, ''));
  return Number.isFinite(n) ? n : null;
}

/** The choice letter an answer gives: "B", "(B)", "B) …", "ANSWER: B", "The answer is B". */
export function readChoice(s: string): string | null {
  const text = s.trim();
  const patterns = [
    /^\(?([A-J])\)?$/i,
    // the letter itself must be a capital: "the answer is a mask" names no choice
    /(?:[Aa]nswer|ANSWER)\s*(?:is)?\s*[:=]?\s*\(?([A-J])\)?(?![A-Za-z])/,
    /^\(?([A-J])[).:\]]\s/,
  ];
  const found = new Set<string>();
  for (const p of patterns) {
    const all = text.match(new RegExp(p.source, p.flags.includes('g') ? p.flags : `${p.flags}g`)) ?? [];
    for (const m of all) {
      const letter = p.exec(m)?.[1];
      if (letter) found.add(letter.toUpperCase());
    }
  }
  return found.size === 1 ? [...found][0]! : null;
}

function parseJson(s: string): unknown {
  try {
    const v = JSON.parse(s) as unknown;
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

export function grade(grader: GraderName, expected: string, output: string, options: GraderOptions = {}): GraderResult {
  switch (grader) {
    case 'exact':
      return { grader, matches: output === expected, reason: output === expected ? 'output equals the expected answer' : `${quote(output)} ≠ ${quote(expected)}` };
    case 'normalized': {
      const a = normalizeText(output);
      const b = normalizeText(expected);
      if (a === b) return { grader, matches: true, reason: `${quote(output)} equals ${quote(expected)} once case, spacing and punctuation are ignored` };
      // a short answer against a short answer is decidable; a long text may say the same thing in other words
      const max = options.maxWords ?? 8;
      const short = (t: string) => t.length <= max * 12 && t.split(' ').filter(Boolean).length <= max;
      if (!short(a) || !short(b)) return { grader, matches: null, reason: 'long free-text answers are left for people' };
      return { grader, matches: false, reason: `${quote(output)} ≠ ${quote(expected)} (normalised)` };
    }
    case 'numeric': {
      const want = readNumber(expected);
      const got = readNumber(output);
      if (want === null) return { grader, matches: null, reason: `expected ${quote(expected)} is not a single number` };
      if (got === null) return { grader, matches: null, reason: `output ${quote(output)} does not state a single number` };
      const tolerance = Math.max(options.tolerance ?? 1e-6, Math.abs(want) * (options.relativeTolerance ?? 1e-9));
      const same = Math.abs(got - want) <= tolerance;
      return { grader, matches: same, reason: same ? `${got} = ${want}` : `${got} ≠ ${want}` };
    }
    case 'json': {
      const want = parseJson(expected);
      const got = parseJson(output);
      if (want === undefined) return { grader, matches: null, reason: 'expected answer is not a JSON object or array' };
      if (got === undefined) return { grader, matches: false, reason: 'output is not valid JSON' };
      // a value nested past the bound cannot be compared safely: left for people
      if (nestsTooDeep(want) || nestsTooDeep(got)) return { grader, matches: null, reason: tooDeepReason(nestsTooDeep(want) ? 'the expected JSON' : 'the output JSON') };
      const same = canonicalJson(want) === canonicalJson(got);
      return { grader, matches: same, reason: same ? 'the JSON values are equal' : 'the JSON values differ' };
    }
    case 'regex': {
      const source = options.pattern ?? expected;
      let re: RegExp;
      try {
        re = new RegExp(source, 'i');
      } catch {
        return { grader, matches: null, reason: `${quote(source)} is not a valid regular expression` };
      }
      const hit = re.test(output.slice(0, 100_000));
      return { grader, matches: hit, reason: hit ? `output matches /${source}/` : `output does not match /${source}/` };
    }
    case 'contains': {
      const needle = options.pattern ?? expected;
      const hit = output.toLowerCase().includes(needle.toLowerCase());
      return { grader, matches: hit, reason: hit ? `output contains ${quote(needle)}` : `output does not contain ${quote(needle)}` };
    }
    case 'choice': {
      const want = readChoice(expected);
      const got = readChoice(output);
      if (want === null) return { grader, matches: null, reason: `expected ${quote(expected)} is not a choice letter` };
      if (got === null) return { grader, matches: null, reason: 'no single choice letter found in the output' };
      return { grader, matches: got === want, reason: got === want ? `chose ${got}, the expected letter` : `chose ${got}, expected ${want}` };
    }
  }
}

/** The grader an expected answer calls for when no rule names one. */
export function defaultGraderFor(expected: string): GraderName {
  if (/^\s*\(?[A-J]\)?\s*$/i.test(expected)) return 'choice';
  if (readNumber(expected) !== null) return 'numeric';
  if (parseJson(expected.trim()) !== undefined) return 'json';
  return 'normalized';
}

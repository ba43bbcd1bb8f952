// Mechanical graders: each compares a model's output with the expected answer and
// says "same", "different", or nothing when the question is not mechanically
// decidable (free text, no number to read, no choice letter found).
import { canonicalJson } from '../text/hashing';
import { PATTERN_TIME_LIMIT_MS, PatternBudget } from './boundedPattern';
import { nestsTooDeep, tooDeepReason } from '../text/jsonDepth';

export const GRADERS = ['exact', 'normalized', 'numeric', 'json', 'regex', 'contains', 'choice'] as const;
export type GraderName = (typeof GRADERS)[number];

export interface GraderOptions {
  /** numeric: absolute tolerance (default 1e-6) and relative tolerance (default 1e-9). */
  tolerance?: number;
  relativeTolerance?: number;
  /**
   * regex: the regular expression to look for (without one, the expected answer is looked
   * for as plain text); contains: the text to look for (default: the expected answer).
   */
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

// Every reader below takes time linear in its text: outputs are model-written and can
// be megabytes of one repeated character, so nothing here may backtrack.

const OPENING = new Set([...' "\'`([{']);
const CLOSING = new Set([...' "\'`.,;:!?)]}']);

export function normalizeText(s: string): string {
  const folded = s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  // quotes and brackets in front, punctuation behind (after folding, the only space is ' ')
  let start = 0;
  let end = folded.length;
  while (start < end && OPENING.has(folded[start]!)) start++;
  while (end > start && CLOSING.has(folded[end - 1]!)) end--;
  return folded.slice(start, end).replace(/^(the|a|an) /, '');
}

/** The single number an answer states (commas, currency, percent and a unit word allowed), else null. */
export function readNumber(s: string): number | null {
  const text = s
    .trim()
    .replace(/^(answer|the answer is|result)\s*[:=]?\s*/i, '')
    .replace(/[.!]$/, '');
  const matches = text.match(/-?\$?\d[\d,]*(\.\d+)?|-?\$?\.\d+/g);
  if (!matches || matches.length !== 1) return null;
  const rest = text.replace(matches[0], '').replace(/[$%\s]/g, '');
  if (rest.length > 0 && !/^[a-zA-Z]{1,12}$/.test(rest)) return null; // "150 km" yes, "7 apples and 3 pears" no
  const n = Number(matches[0].replace(/[$,]/g, ''));
  return Number.isFinite(n) ? n : null;
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
const isLetter = (c: string | undefined) => c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
const isChoice = (c: string | undefined) => c !== undefined && c >= 'A' && c <= 'J';

/**
 * The letter after one "Answer"/"answer"/"ANSWER" at `at` (the word's end): spaces, an
 * optional "is", spaces, an optional ':' or '=', spaces, an optional '(', then a capital
 * A–J not followed by a letter (a ')' may follow). Each part is one kind of character,
 * so reading them in order decides it with no going back.
 */
function letterAfterAnswer(text: string, at: number): string | null {
  let i = at;
  while (isSpace(text[i])) i++;
  if (text.startsWith('is', i)) i += 2;
  while (isSpace(text[i])) i++;
  if (text[i] === ':' || text[i] === '=') i++;
  while (isSpace(text[i])) i++;
  if (text[i] === '(') i++;
  const letter = text[i];
  if (!isChoice(letter)) return null;
  return text[i + 1] === ')' || !isLetter(text[i + 1]) ? letter! : null;
}

/** The choice letter an answer gives: "B", "(B)", "B) …", "ANSWER: B", "The answer is B". */
export function readChoice(s: string): string | null {
  const text = s.trim();
  const found = new Set<string>();
  // the whole answer is a letter, in brackets or not
  const bare = /^\(?([A-J])\)?$/i.exec(text.length <= 3 ? text : '');
  if (bare) found.add(bare[1]!.toUpperCase());
  // "Answer: B" anywhere; the letter itself must be a capital: "the answer is a mask" names no choice
  for (let i = text.indexOf('nswer'); i !== -1; i = text.indexOf('nswer', i + 5)) {
    const word = text.slice(i - 1, i + 5);
    if (i === 0 || (word !== 'Answer' && word !== 'answer')) continue;
    const letter = letterAfterAnswer(text, i + 5);
    if (letter) found.add(letter);
  }
  for (let i = text.indexOf('ANSWER'); i !== -1; i = text.indexOf('ANSWER', i + 6)) {
    const letter = letterAfterAnswer(text, i + 6);
    if (letter) found.add(letter);
  }
  // "B) because…" at the start
  const lead = /^\(?([A-J])[).:\]]\s/.exec(text.slice(0, 4));
  if (lead) found.add(lead[1]!);
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

/**
 * `patterns` bounds the rule patterns a batch runs (see boundedPattern.ts); a batch
 * passes one budget to every call so a pattern that ran out of time is run only once.
 */
export function grade(grader: GraderName, expected: string, output: string, options: GraderOptions = {}, patterns = new PatternBudget()): GraderResult {
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
      // only a rule's own pattern is a pattern; an expected answer from a result file is
      // text ("$5.00", "(a|a)+$") and is looked for as it is written
      if (options.pattern === undefined) {
        const hit = output.toLowerCase().includes(expected.toLowerCase());
        return { grader, matches: hit, reason: hit ? `output contains the expected answer ${quote(expected)}` : `output does not contain the expected answer ${quote(expected)}` };
      }
      const source = options.pattern;
      const outcome = patterns.test(source, output);
      switch (outcome.kind) {
        case 'invalid':
          return { grader, matches: null, reason: `${quote(source)} is not a valid regular expression: ${outcome.reason}` };
        case 'too-slow':
          return {
            grader,
            matches: null,
            reason: outcome.earlier ? `pattern /${source}/ ran out of time on an earlier output of this batch; left for people` : `pattern /${source}/ ran longer than ${PATTERN_TIME_LIMIT_MS} ms on this output; left for people`,
          };
        default:
          return { grader, matches: outcome.kind === 'hit', reason: outcome.kind === 'hit' ? `output matches /${source}/` : `output does not match /${source}/` };
      }
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
  const trimmed = expected.trim();
  if (trimmed.length <= 3 && /^\(?[A-J]\)?$/i.test(trimmed)) return 'choice';
  if (readNumber(expected) !== null) return 'numeric';
  if (parseJson(trimmed) !== undefined) return 'json';
  return 'normalized';
}

// The snapshot filter language: space-separated terms that must all hold, `-` in
// front negates one. Terms: `reviewed`, `auto`, `regression`, and `key:value` with
// keys verdict, tag, run, suite, state, format, reviewer, since (a version: items
// reviewed after it was made), item (ids, comma-separated: any of them), assigned (a
// reviewer the item is assigned to). Values with spaces go in double quotes.
// Reviewing as a team adds the words `single`, `agreed`, `disputed`, `adjudicated`
// (how the item's reviewers stand, see review/agreement.ts) and `reviews>=N` (at least N
// people's verdicts stand on it).
//   reviewed verdict:model-wrong tag:math -tag:pii since:v0003
//   reviews>=2 agreed        (only labels two people agreed on)

export type FilterKey = 'verdict' | 'tag' | 'run' | 'suite' | 'state' | 'format' | 'reviewer' | 'since' | 'item' | 'assigned';
const KEYS: FilterKey[] = ['verdict', 'tag', 'run', 'suite', 'state', 'format', 'reviewer', 'since', 'item', 'assigned'];
const WORDS = ['reviewed', 'auto', 'regression', 'single', 'agreed', 'disputed', 'adjudicated'] as const;
/** Terms that compare a count: `reviews>=N`. */
const COUNTS = ['reviews'] as const;

export type FilterTerm = { negated: boolean; word: (typeof WORDS)[number] } | { negated: boolean; key: FilterKey; value: string } | { negated: boolean; count: (typeof COUNTS)[number]; atLeast: number };

export class FilterSyntaxError extends Error {}

export function parseFilter(source: string): FilterTerm[] {
  const terms: FilterTerm[] = [];
  let i = 0;
  const s = source.trim();
  while (i < s.length) {
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i >= s.length) break;
    const start = i;
    let negated = false;
    if (s[i] === '-') {
      negated = true;
      i++;
    }
    let name = '';
    while (i < s.length && /[a-z]/.test(s[i]!)) name += s[i++];
    if (s[i] === '>' && s[i + 1] === '=') {
      if (!(COUNTS as readonly string[]).includes(name)) throw new FilterSyntaxError(`unknown count "${name}" at column ${start + 1} (counts: ${COUNTS.map((c) => `${c}>=N`).join(', ')})`);
      i += 2;
      let digits = '';
      while (i < s.length && /[0-9]/.test(s[i]!)) digits += s[i++];
      if (!digits || digits.length > 6) throw new FilterSyntaxError(`"${name}>=" needs a whole number at column ${start + 1}`);
      terms.push({ negated, count: name as (typeof COUNTS)[number], atLeast: Number(digits) });
    } else if (s[i] === ':') {
      i++;
      if (!(KEYS as string[]).includes(name)) throw new FilterSyntaxError(`unknown filter key "${name}" at column ${start + 1} (keys: ${KEYS.join(', ')})`);
      let value = '';
      if (s[i] === '"') {
        const close = s.indexOf('"', i + 1);
        if (close === -1) throw new FilterSyntaxError(`unclosed quote at column ${i + 1}`);
        value = s.slice(i + 1, close);
        i = close + 1;
      } else {
        while (i < s.length && s[i] !== ' ' && s[i] !== '\t') value += s[i++];
      }
      if (!value) throw new FilterSyntaxError(`"${name}:" needs a value at column ${start + 1}`);
      terms.push({ negated, key: name as FilterKey, value });
    } else {
      if (i < s.length && s[i] !== ' ' && s[i] !== '\t') throw new FilterSyntaxError(`unexpected "${s[i]}" at column ${i + 1}`);
      if (!(WORDS as readonly string[]).includes(name)) throw new FilterSyntaxError(`unknown term "${s.slice(start, i)}" at column ${start + 1} (words: ${WORDS.join(', ')}; or key:value)`);
      terms.push({ negated, word: name as (typeof WORDS)[number] });
    }
    if (i < s.length && s[i] !== ' ' && s[i] !== '\t') throw new FilterSyntaxError(`unexpected "${s[i]}" at column ${i + 1}`);
  }
  return terms;
}

/** A filter given on purpose with no terms: it would select every item, which no one means. */
export class EmptyFilterError extends Error {
  constructor() {
    super('the filter is empty: it would select every item, so it is refused. Give at least one term (e.g. "reviewed"), or leave the filter out for the default');
  }
}

/** Parses a filter someone gave (a pin's or snapshot's); one without a single term is refused. */
export function parseGivenFilter(source: string): FilterTerm[] {
  const terms = parseFilter(source);
  if (terms.length === 0) throw new EmptyFilterError();
  return terms;
}

/** What a term is checked against: one item as the index knows it. */
export interface FilterSubject {
  id: string;
  /** Reviewers the item is assigned to (read only when a term asks). */
  assignees?: string[];
  /** How its reviewers stand: none, single, agreed, disputed, adjudicated. */
  agreement?: string;
  /** People whose verdict on it stands. */
  humanReviewers?: number;
  state: string;
  verdict: string | null;
  tags: string[];
  runIds: string[];
  suite: string;
  format: string;
  reviewer: string | null;
  reviewedAt: string | null;
  regression: boolean;
}

/** `since:vNNNN` needs the creation time of that version. */
export type VersionTime = (version: string) => string | undefined;

export function matchesFilter(terms: FilterTerm[], subject: FilterSubject, versionTime: VersionTime): boolean {
  return terms.every((t) => {
    let hit: boolean;
    if ('count' in t) {
      hit = (subject.humanReviewers ?? 0) >= t.atLeast;
    } else if ('word' in t) {
      if (t.word === 'reviewed') hit = subject.state === 'reviewed';
      else if (t.word === 'auto') hit = subject.state === 'auto-graded';
      else if (t.word === 'regression') hit = subject.regression;
      else hit = subject.agreement === t.word;
    } else {
      switch (t.key) {
        case 'verdict':
          hit = subject.verdict === t.value;
          break;
        case 'tag':
          hit = subject.tags.includes(t.value);
          break;
        case 'run':
          hit = subject.runIds.includes(t.value);
          break;
        case 'suite':
          hit = subject.suite === t.value;
          break;
        case 'state':
          hit = subject.state === t.value;
          break;
        case 'format':
          hit = subject.format === t.value;
          break;
        case 'reviewer':
          hit = subject.reviewer === t.value;
          break;
        case 'assigned':
          hit = (subject.assignees ?? []).includes(t.value);
          break;
        case 'item':
          hit = t.value.split(',').some((id) => id.length >= 4 && subject.id.startsWith(id));
          break;
        case 'since': {
          const at = versionTime(t.value);
          if (at === undefined) throw new FilterSyntaxError(`since:${t.value}: no such corpus version`);
          hit = subject.reviewedAt !== null && subject.reviewedAt > at;
          break;
        }
      }
    }
    return t.negated ? !hit : hit;
  });
}

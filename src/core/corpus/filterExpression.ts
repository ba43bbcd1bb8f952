// The snapshot filter language: space-separated terms that must all hold, `-` in
// front negates one. Terms: `reviewed`, `auto`, `regression`, and `key:value` with
// keys verdict, tag, run, suite, state, format, reviewer, since (a version: items
// reviewed after it was made), item (ids, comma-separated: any of them). Values with
// spaces go in double quotes.
//   reviewed verdict:model-wrong tag:math -tag:pii since:v0003

export type FilterKey = 'verdict' | 'tag' | 'run' | 'suite' | 'state' | 'format' | 'reviewer' | 'since' | 'item';
const KEYS: FilterKey[] = ['verdict', 'tag', 'run', 'suite', 'state', 'format', 'reviewer', 'since', 'item'];
const WORDS = ['reviewed', 'auto', 'regression'] as const;

export type FilterTerm =
  | { negated: boolean; word: (typeof WORDS)[number] }
  | { negated: boolean; key: FilterKey; value: string };

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
    if (s[i] === ':') {
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
    if ('word' in t) {
      hit = t.word === 'reviewed' ? subject.state === 'reviewed' : t.word === 'auto' ? subject.state === 'auto-graded' : subject.regression;
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

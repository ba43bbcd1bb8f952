// Near-duplicate texts without a model: word-bigram shingles, MinHash and
// locality-sensitive hashing in bands. Two texts whose shingle sets overlap by a
// Jaccard similarity J share at least one band with probability 1 − (1 − J^r)^b,
// a steep S-curve around (1/b)^(1/r): the band hashes are keys two near-duplicates
// share, found with one lookup each, so a new text meets its twins without being
// compared with every stored one.

/** Texts with fewer words than this are too short for shingles to say anything (a choice letter, a number). */
export const MIN_WORDS = 6;

export interface BandShape {
  /** Bands: more bands, lower threshold. */
  bands: number;
  /** Rows (hashes) per band: more rows, steeper and higher threshold. */
  rows: number;
}

/**
 * Outputs: b = 16, r = 3, threshold ≈ 0.40 (a paraphrase with a fifth of its words
 * changed keeps about half its bigrams). Inputs: b = 12, r = 4, threshold ≈ 0.54, and
 * only over the input's last words (failureSignature.ts), as inputs of one suite
 * share a template and only a near-copy should count. Chosen on the generated set of
 * failureClusters.test.ts, where lower thresholds began to merge unrelated failures and
 * higher ones split small groups of paraphrases (the figures are in BENCHMARKS.md).
 */
export const OUTPUT_BANDS: BandShape = { bands: 16, rows: 3 };
export const INPUT_BANDS: BandShape = { bands: 12, rows: 4 };

/** Lower-cased words (apostrophes kept inside them) with digits masked, so "3 files" and "5 files" shingle alike. */
export function wordsOf(text: string): string[] {
  return (
    text
      .slice(0, 20_000)
      .toLowerCase()
      .replace(/\d+/g, '#')
      .replace(/[’‘]/g, "'")
      .match(/[\p{L}\p{N}#]+(?:'[\p{L}]+)*/gu) ?? []
  );
}

/**
 * Words so common that a bigram of two of them ("of the", "it is") says nothing about
 * a text: such a bigram, when it happens to hold a band's smallest hashes, would tie
 * together every text that contains it.
 */
const COMMON = new Set(
  "a an the of to in on at by for with from as and or but not no is are was were be been it its this that these those there here i you he she we they me my your our their his her them us do does did have has had will would can could should may might must so if then than too very just also all any some what which who when where why how i'm it's don't can't won't isn't".split(
    ' ',
  ),
);

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: a good 32-bit mix, cheap in JavaScript. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

const SEEDS: number[] = [];
for (let i = 0, s = 0x9e3779b9; i < 64; i++) {
  s = mix(s + 0x6d2b79f5);
  SEEDS.push(s);
}

/** The MinHash of a word list's bigram set under `count` hash functions (undefined for short texts). */
export function minHashOf(words: string[], count: number): Uint32Array | undefined {
  if (words.length < MIN_WORDS) return undefined;
  const shingles = new Set<number>();
  for (let i = 0; i + 1 < words.length; i++) {
    if (COMMON.has(words[i]!) && COMMON.has(words[i + 1]!)) continue;
    shingles.add(fnv1a(`${words[i]} ${words[i + 1]}`));
  }
  if (shingles.size < MIN_WORDS - 1) return undefined;
  if (count > SEEDS.length) throw new Error(`at most ${SEEDS.length} hash functions (asked for ${count})`);
  const out = new Uint32Array(count).fill(0xffffffff);
  for (const s of shingles) {
    for (let j = 0; j < count; j++) {
      const h = mix(s ^ SEEDS[j]!);
      if (h < out[j]!) out[j] = h;
    }
  }
  return out;
}

/** Two 32-bit halves mixed into a 52-bit number (exact in JavaScript), for keys the index stores. */
export function key52(high: number, low: number): number {
  return (mix(high ^ 0x2545f491) >>> 12) * 0x100000000 + mix(low ^ high);
}

/**
 * One key per band: the band's rows' hashes combined with the band's number and the
 * `kind` of text (equal keys = a colliding band). `lastWords` keeps only the text's end.
 */
export function bandKeysOf(text: string | null | undefined, shape: BandShape, kind: number, lastWords?: number): number[] {
  if (!text) return [];
  // a tail of words needs only the text's end (a few hundred characters per word at most)
  let words = wordsOf(lastWords !== undefined ? text.slice(-lastWords * 40) : text);
  if (lastWords !== undefined && words.length > lastWords) words = words.slice(-lastWords);
  const hashes = minHashOf(words, shape.bands * shape.rows);
  if (!hashes) return [];
  const keys: number[] = [];
  for (let b = 0; b < shape.bands; b++) {
    let high = mix(kind * 0x9e3779b1 + b);
    let low = high ^ 0x5bd1e995;
    for (let r = 0; r < shape.rows; r++) {
      const h = hashes[b * shape.rows + r]!;
      high = mix(high ^ h);
      low = mix(Math.imul(low, 31) ^ h);
    }
    keys.push(key52(high, low));
  }
  return keys;
}

/** Estimated Jaccard similarity of two texts' bigram sets (for tests and measurement). */
export function estimatedSimilarity(a: string, b: string, count = 64): number {
  const ha = minHashOf(wordsOf(a), count);
  const hb = minHashOf(wordsOf(b), count);
  if (!ha || !hb) return 0;
  let same = 0;
  for (let i = 0; i < count; i++) if (ha[i] === hb[i]) same++;
  return same / count;
}

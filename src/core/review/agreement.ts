// Agreement between reviewers, as pure functions over verdicts: where one item stands
// (single, agreed, disputed, adjudicated), Cohen's κ for two raters, Krippendorff's α
// for any number of raters with values missing, and confusion matrices. Verdicts are
// nominal categories: two verdicts agree only when they are the same. No I/O here;
// agreementReport.ts gathers the verdicts from the index.

/** Where an item stands, from each person's standing verdict (see teamProjection.ts). */
export const ITEM_AGREEMENTS = ['none', 'single', 'agreed', 'disputed', 'adjudicated'] as const;
export type ItemAgreement = (typeof ITEM_AGREEMENTS)[number];

/**
 * `verdicts` holds one standing verdict per person. An adjudication settles the item
 * whatever the verdicts say; otherwise one verdict is `single`, several equal ones
 * `agreed`, and any difference `disputed`.
 */
export function itemAgreement(verdicts: readonly string[], adjudicated: boolean): ItemAgreement {
  if (adjudicated) return 'adjudicated';
  if (verdicts.length === 0) return 'none';
  if (verdicts.length === 1) return 'single';
  return verdicts.every((v) => v === verdicts[0]) ? 'agreed' : 'disputed';
}

export interface KappaResult {
  /** null when undefined: no items, or both raters used one and the same category throughout (chance agreement is 1). */
  kappa: number | null;
  /** Items both raters gave a verdict on. */
  items: number;
  /** Share of those items where they gave the same verdict. */
  observed: number | null;
  /** The agreement expected by chance from each rater's own category frequencies. */
  expected: number | null;
}

/** Cohen's κ = (pₒ − pₑ) / (1 − pₑ) over the items two raters both judged (one pair per item). */
export function cohensKappa(pairs: readonly (readonly [string, string])[]): KappaResult {
  const n = pairs.length;
  if (n === 0) return { kappa: null, items: 0, observed: null, expected: null };
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let same = 0;
  for (const [a, b] of pairs) {
    if (a === b) same++;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  const observed = same / n;
  let expected = 0;
  for (const [category, count] of first) expected += (count / n) * ((second.get(category) ?? 0) / n);
  // pₑ = 1 only when both used a single, shared category: κ is 0/0 there
  const kappa = expected === 1 ? null : (observed - expected) / (1 - expected);
  return { kappa, items: n, observed, expected };
}

export interface AlphaResult {
  /** null when undefined: fewer than two values in pairable units, or every value the same (no variation to explain). */
  alpha: number | null;
  /** Units (items) with at least two values: the only ones that count. */
  units: number;
  /** Values in those units (n in Krippendorff's notation). */
  values: number;
  /** Observed and expected disagreement (Dₒ, Dₑ); α = 1 − Dₒ/Dₑ. */
  observedDisagreement: number | null;
  expectedDisagreement: number | null;
}

/**
 * Krippendorff's α for nominal data. `units` holds, per unit, the values the raters gave
 * it (a missing value is null or simply absent). Built on the coincidence matrix: a unit
 * with m values contributes each ordered pair of its values with weight 1/(m − 1); units
 * with a single value are not pairable and are left out.
 *   Dₒ = Σ_{c≠k} o_ck / n,  Dₑ = Σ_{c≠k} n_c·n_k / (n(n − 1)),  α = 1 − Dₒ/Dₑ
 */
export function krippendorffAlpha(units: readonly (readonly (string | null | undefined)[])[]): AlphaResult {
  let n = 0;
  let pairable = 0;
  let disagreeing = 0; // Σ_{c≠k} o_ck
  const totals = new Map<string, number>(); // n_c
  for (const unit of units) {
    const counts = new Map<string, number>();
    let m = 0;
    for (const value of unit) {
      if (value === null || value === undefined) continue;
      counts.set(value, (counts.get(value) ?? 0) + 1);
      m++;
    }
    if (m < 2) continue;
    pairable++;
    n += m;
    let sameSquares = 0;
    for (const [value, count] of counts) {
      sameSquares += count * count;
      totals.set(value, (totals.get(value) ?? 0) + count);
    }
    // the unit's ordered pairs of differing values, m² − Σ n_uc², each weighted 1/(m − 1)
    disagreeing += (m * m - sameSquares) / (m - 1);
  }
  let totalSquares = 0;
  for (const count of totals.values()) totalSquares += count * count;
  const expectedPairs = n * n - totalSquares; // Σ_{c≠k} n_c·n_k
  if (n < 2 || expectedPairs === 0) {
    return { alpha: null, units: pairable, values: n, observedDisagreement: n ? disagreeing / n : null, expectedDisagreement: n > 1 ? 0 : null };
  }
  const observedDisagreement = disagreeing / n;
  const expectedDisagreement = expectedPairs / (n * (n - 1));
  return { alpha: 1 - observedDisagreement / expectedDisagreement, units: pairable, values: n, observedDisagreement, expectedDisagreement };
}

/** Counts of (first rater's category, second rater's category), rows for the first; categories outside the list are not counted. */
export function confusionMatrix(pairs: readonly (readonly [string, string])[], categories: readonly string[]): number[][] {
  const index = new Map(categories.map((c, i) => [c, i]));
  const matrix = categories.map(() => categories.map(() => 0));
  for (const [a, b] of pairs) {
    const row = index.get(a);
    const column = index.get(b);
    if (row !== undefined && column !== undefined) matrix[row]![column]!++;
  }
  return matrix;
}

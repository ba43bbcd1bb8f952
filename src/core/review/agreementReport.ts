// The agreement figures of a queue (or the part a filter selects), read from the index:
// where items stand, Krippendorff's α over everyone's verdicts, Cohen's κ (and α) for each
// pair of reviewers with their confusion matrix, and each person against each automatic
// grader, per grader and per suite. Every figure comes with the item count behind it.
// Verdicts are each person's standing verdict (teamProjection.ts); adjudications are not
// counted (they are not independent judgements), nor are undone reviews.
import type { Database } from 'sql.js';
import { matchingItems } from '../corpus/selectReviewed';
import type { VersionTime } from '../corpus/filterExpression';
import { VERDICTS } from './verdicts';
import { standingGraderVerdicts, standingVerdicts } from '../store/teamProjection';
import { valuesOf } from '../store/storeQueries';
import { cohensKappa, confusionMatrix, ITEM_AGREEMENTS, krippendorffAlpha, type AlphaResult, type ItemAgreement, type KappaResult } from './agreement';

export interface Comparison extends KappaResult {
  /** Krippendorff's α of the two (equal to κ's question, corrected for small samples). */
  alpha: number | null;
}

export interface PairAgreement extends Comparison {
  a: string;
  b: string;
  /** Rows: a's verdict, columns: b's, in `categories` order. */
  matrix: number[][];
}

export interface AgreementReport {
  /** Items considered (all the filter matched). */
  items: number;
  byStatus: Record<ItemAgreement, number>;
  categories: string[];
  reviewers: { name: string; items: number }[];
  /** Over every person's verdicts: units are items with two or more. */
  alpha: AlphaResult;
  pairs: PairAgreement[];
  autoGrader: {
    byGrader: (Comparison & { reviewer: string; grader: string; matrix: number[][] })[];
    bySuite: (Comparison & { reviewer: string; suite: string })[];
  };
}

function compare(pairs: [string, string][]): Comparison {
  return { ...cohensKappa(pairs), alpha: krippendorffAlpha(pairs).alpha };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The figures over the given items (by cid); all items when `cids` is undefined.
 * `standing` reads the standing verdicts (all of them unless narrowed, see agreementSummaryOf).
 */
export function agreementReport(db: Database, cids?: Iterable<number>, standing: (db: Database) => [number, string, string][] = (d) => standingVerdicts(d)): AgreementReport {
  const scope = cids === undefined ? undefined : new Set(cids);
  const inScope = (cid: number) => scope === undefined || scope.has(cid);
  const suiteOf = new Map<number, string>();
  const byStatus = Object.fromEntries(ITEM_AGREEMENTS.map((s) => [s, 0])) as Record<ItemAgreement, number>;
  let items = 0;
  for (const [cid, suite, agreement] of valuesOf(db, 'SELECT cid, suite, agreement FROM items')) {
    if (!inScope(Number(cid))) continue;
    items++;
    suiteOf.set(Number(cid), String(suite));
    byStatus[String(agreement) as ItemAgreement]++;
  }

  // per item: each person's verdict
  const people = new Map<number, Map<string, string>>();
  const judged = new Map<string, number>();
  for (const [cid, reviewer, verdict] of standing(db)) {
    if (!suiteOf.has(cid)) continue;
    let verdicts = people.get(cid);
    if (!verdicts) people.set(cid, (verdicts = new Map()));
    verdicts.set(reviewer, verdict);
    judged.set(reviewer, (judged.get(reviewer) ?? 0) + 1);
  }
  const names = [...judged.keys()].sort();
  const categories = [...VERDICTS];

  const alpha = krippendorffAlpha([...people.values()].map((v) => [...v.values()]));

  const pairVerdicts = new Map<string, [string, string][]>();
  for (const verdicts of people.values()) {
    const here = [...verdicts.keys()].sort();
    for (let i = 0; i < here.length; i++) {
      for (let j = i + 1; j < here.length; j++) push(pairVerdicts, `${here[i]}\u0000${here[j]}`, [verdicts.get(here[i]!)!, verdicts.get(here[j]!)!] as [string, string]);
    }
  }
  const pairs: PairAgreement[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const shared = pairVerdicts.get(`${names[i]}\u0000${names[j]}`);
      if (shared) pairs.push({ a: names[i]!, b: names[j]!, ...compare(shared), matrix: confusionMatrix(shared, categories) });
    }
  }

  // each person against each automatic grader, on the items both judged
  const byGraderPairs = new Map<string, [string, string][]>();
  const bySuitePairs = new Map<string, [string, string][]>();
  for (const [cid, grader, graderVerdict] of standingGraderVerdicts(db)) {
    const verdicts = people.get(cid);
    if (!verdicts) continue;
    for (const [reviewer, verdict] of verdicts) {
      push(byGraderPairs, `${reviewer}\u0000${grader}`, [verdict, graderVerdict] as [string, string]);
      push(bySuitePairs, `${reviewer}\u0000${suiteOf.get(cid)!}`, [verdict, graderVerdict] as [string, string]);
    }
  }
  const split = (key: string) => key.split('\u0000') as [string, string];
  const sortedKeys = (map: Map<string, unknown>) => [...map.keys()].sort();
  return {
    items,
    byStatus,
    categories,
    reviewers: names.map((name) => ({ name, items: judged.get(name)! })),
    alpha,
    pairs,
    autoGrader: {
      byGrader: sortedKeys(byGraderPairs).map((key) => {
        const [reviewer, grader] = split(key);
        const shared = byGraderPairs.get(key)!;
        return { reviewer, grader, ...compare(shared), matrix: confusionMatrix(shared, categories) };
      }),
      bySuite: sortedKeys(bySuitePairs).map((key) => {
        const [reviewer, suite] = split(key);
        return { reviewer, suite, ...compare(bySuitePairs.get(key)!) };
      }),
    },
  };
}

/** The figures over the items a filter selects ('' selects every item). */
export function agreementOfFilter(db: Database, filter: string, versionTime: VersionTime = () => undefined): AgreementReport {
  return agreementReport(db, filter.trim() ? matchingItems(db, filter, versionTime).map((m) => m.cid) : undefined);
}

/** What a snapshot manifest records of the items it took: where they stand, α, and κ per pair. */
export function agreementSummary(report: AgreementReport) {
  return {
    items: report.byStatus,
    alpha: { value: report.alpha.alpha, units: report.alpha.units, values: report.alpha.values },
    pairs: report.pairs.map((p) => ({ a: p.a, b: p.b, kappa: p.kappa, items: p.items })),
  };
}
export type AgreementSummary = ReturnType<typeof agreementSummary>;

/**
 * agreementSummary(agreementReport(db, cids)), reading only the verdicts it needs: α and
 * the pairs come from items two or more people judged (α leaves out a unit with one
 * value), so only those items' standing verdicts are read, and where the items stand is
 * counted from the items. What a snapshot records of a hundred thousand items reviewed
 * once each, without sorting every review.
 */
export function agreementSummaryOf(db: Database, cids: Iterable<number>): AgreementSummary {
  const scope = new Set(cids);
  const byStatus = Object.fromEntries(ITEM_AGREEMENTS.map((s) => [s, 0])) as Record<ItemAgreement, number>;
  const shared: number[] = [];
  for (const [cid, agreement, people] of valuesOf(db, 'SELECT cid, agreement, human_reviewers FROM items')) {
    if (!scope.has(Number(cid))) continue;
    byStatus[String(agreement) as ItemAgreement]++;
    if (Number(people) >= 2) shared.push(Number(cid));
  }
  if (shared.length === 0) return agreementSummary({ items: scope.size, byStatus, categories: [], reviewers: [], alpha: krippendorffAlpha([]), pairs: [], autoGrader: { byGrader: [], bySuite: [] } });
  return agreementSummary({ ...agreementReport(db, shared, (d) => standingVerdicts(d, 'shared')), byStatus });
}

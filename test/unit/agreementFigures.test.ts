// Agreement figures: Cohen's κ and Krippendorff's α checked against published worked
// examples and hand-computed edge cases, and the report a real store gives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { autoGrade } from '../../src/core/grading/autoGrade';
import { cohensKappa, confusionMatrix, itemAgreement, krippendorffAlpha } from '../../src/core/review/agreement';
import { agreementOfFilter, agreementReport, agreementSummary, agreementSummaryOf } from '../../src/core/review/agreementReport';
import { submitReviews, undoEvents } from '../../src/core/review/reviewActions';
import { listItems, valuesOf } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { agreementHostMessageSchema } from '../../src/protocol/agreementProtocol';
import { FIXTURES, tempDir } from './testSupport';

const round = (x: number | null, digits = 3) => (x === null ? null : Number(x.toFixed(digits)));
/** Reliability data as printed: one row per coder, `*` or `.` for a missing value; returns units (columns). */
function columns(...rows: string[]): (string | null)[][] {
  const cells = rows.map((r) =>
    r
      .trim()
      .split(/\s+/)
      .map((v) => (v === '*' || v === '.' ? null : v)),
  );
  return cells[0]!.map((_, u) => cells.map((row) => row[u]!));
}
function pairsOf(counts: [string, string, number][]): [string, string][] {
  return counts.flatMap(([a, b, n]) => Array.from({ length: n }, () => [a, b] as [string, string]));
}

describe('agreement figures', () => {
  it("Krippendorff's α matches his nominal example: 4 coders, 12 units, values missing, α = 0.743", () => {
    // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the nominal example
    const units = columns(
      '1 2 3 3 2 1 4 1 2 . . .', // coder A
      '1 2 3 3 2 2 4 1 2 5 . 3', // coder B
      '. 3 3 3 2 3 4 2 2 5 1 .', // coder C
      '1 2 3 3 2 4 4 1 2 5 1 .', // coder D
    );
    const result = krippendorffAlpha(units);
    assert.equal(round(result.alpha), 0.743);
    assert.equal(result.units, 11, 'unit 12 has one value: not pairable');
    assert.equal(result.values, 40);
    assert.equal(round(result.observedDisagreement), 0.2);
  });

  it("Krippendorff's α matches the worked example of the Wikipedia article: 3 coders, 15 units, α = 0.691", () => {
    const units = columns('* * * * * 3 4 1 2 1 1 3 3 * 3', '1 * 2 1 3 3 4 3 * * * * * * *', '* * 2 1 3 4 4 * 2 1 1 3 3 * 4');
    assert.equal(round(krippendorffAlpha(units).alpha), 0.691);
  });

  it("Cohen's κ matches the textbook example (Wikipedia's 50 proposals read by two readers): κ = 0.4", () => {
    // both yes 20, A yes B no 5, A no B yes 10, both no 15
    const pairs = pairsOf([
      ['yes', 'yes', 20],
      ['yes', 'no', 5],
      ['no', 'yes', 10],
      ['no', 'no', 15],
    ]);
    const k = cohensKappa(pairs);
    assert.equal(k.items, 50);
    assert.equal(round(k.observed), 0.7);
    assert.equal(round(k.expected), 0.5);
    assert.equal(round(k.kappa), 0.4);
    assert.deepEqual(confusionMatrix(pairs, ['yes', 'no']), [
      [20, 5],
      [10, 15],
    ]);
  });

  it('edge cases computed by hand: one reviewer, all agree, all disagree, one category only, missing data', () => {
    // one reviewer: nothing pairs up
    assert.deepEqual(krippendorffAlpha([['a'], ['b'], [null, 'a']]), { alpha: null, units: 0, values: 0, observedDisagreement: null, expectedDisagreement: null });
    assert.deepEqual(cohensKappa([]), { kappa: null, items: 0, observed: null, expected: null });
    // all agree, with more than one category in use: perfect agreement
    const agree = pairsOf([
      ['a', 'a', 3],
      ['b', 'b', 2],
    ]);
    assert.equal(cohensKappa(agree).kappa, 1);
    assert.equal(krippendorffAlpha(agree).alpha, 1);
    // all agree on one category only: chance agreement is 1, both figures undefined
    const one = pairsOf([['a', 'a', 4]]);
    assert.equal(cohensKappa(one).kappa, null);
    assert.equal(cohensKappa(one).observed, 1);
    assert.equal(krippendorffAlpha(one).alpha, null);
    // all disagree, a/b swapped each time: pₒ = 0, pₑ = 0.5, κ = −1;
    // α: n = 8, Dₒ = 8/8 = 1, Dₑ = (64 − 32)/(8·7) = 4/7, α = 1 − 7/4 = −0.75
    const swap = pairsOf([
      ['a', 'b', 2],
      ['b', 'a', 2],
    ]);
    assert.equal(cohensKappa(swap).kappa, -1);
    assert.equal(round(krippendorffAlpha(swap).alpha, 6), -0.75);
    // three coders on two units: unit 1 (a, a, b) contributes (9 − 5)/2 = 2 disagreeing pairs, unit 2 (b, b, b) none;
    // n = 6, n_a = 2, n_b = 4: Dₒ = 2/6, Dₑ = (36 − 20)/30, α = 1 − (1/3)/(8/15) = 0.375
    assert.equal(
      round(
        krippendorffAlpha([
          ['a', 'a', 'b'],
          ['b', 'b', 'b'],
        ]).alpha,
        6,
      ),
      0.375,
    );
    // missing data: units with fewer than two values are left out, the rest agree
    const missing = krippendorffAlpha([['a', 'a', null], ['b', null, 'b'], ['a'], [null, null, 'c']]);
    assert.deepEqual([missing.alpha, missing.units, missing.values], [1, 2, 4]);
  });

  it('where an item stands: none, single, agreed, disputed, adjudicated', () => {
    assert.equal(itemAgreement([], false), 'none');
    assert.equal(itemAgreement(['discard'], false), 'single');
    assert.equal(itemAgreement(['discard', 'discard'], false), 'agreed');
    assert.equal(itemAgreement(['discard', 'ambiguous', 'discard'], false), 'disputed');
    assert.equal(itemAgreement(['discard', 'ambiguous'], true), 'adjudicated');
  });

  it("a real store: each person's standing verdict counts once, an undone review not at all, and a filter narrows every figure", async () => {
    const store = await WorkspaceStore.open(tempDir(), 'default');
    try {
      await capturePaths(store, [FIXTURES]);
      await autoGrade(store, []);
      const keys = listItems(store.database, { limit: 0 }).map((i) => i.caseKey);
      const [k1, k2, k3, k4] = keys;
      // k1: alice and bob agree; k2: they disagree; k3: alice only; k4: bob changed his mind, then undid a review
      submitReviews(store, [k1!, k2!, k3!], { verdict: 'discard' }, 'alice');
      submitReviews(store, [k1!], { verdict: 'discard' }, 'bob');
      submitReviews(store, [k2!], { verdict: 'ambiguous' }, 'bob');
      submitReviews(store, [k4!], { verdict: 'discard' }, 'bob');
      submitReviews(store, [k4!], { verdict: 'ambiguous' }, 'bob');
      const undone = submitReviews(store, [k4!], { verdict: 'eval-wrong' }, 'bob');
      undoEvents(store, undone);
      submitReviews(store, [k4!], { verdict: 'ambiguous' }, 'carol');

      const report = agreementReport(store.database);
      assert.equal(report.items, keys.length);
      assert.deepEqual({ single: report.byStatus.single, agreed: report.byStatus.agreed, disputed: report.byStatus.disputed }, { single: 1, agreed: 2, disputed: 1 }, 'k3 single; k1 and k4 agreed (bob stands on ambiguous, his undone eval-wrong does not count); k2 disputed');
      assert.deepEqual(report.reviewers, [
        { name: 'alice', items: 3 },
        { name: 'bob', items: 3 },
        { name: 'carol', items: 1 },
      ]);
      const ab = report.pairs.find((p) => p.a === 'alice' && p.b === 'bob')!;
      assert.equal(ab.items, 2);
      assert.equal(ab.observed, 0.5);
      const discard = report.categories.indexOf('discard');
      const ambiguous = report.categories.indexOf('ambiguous');
      assert.equal(ab.matrix[discard]![discard], 1);
      assert.equal(ab.matrix[discard]![ambiguous], 1);
      assert.equal(report.pairs.find((p) => p.a === 'bob' && p.b === 'carol')?.items, 1);
      assert.equal(
        report.pairs.some((p) => p.a === 'alice' && p.b === 'carol'),
        false,
        'no item in common',
      );
      // α over the three items with two verdicts: the same as computing it from the table by hand
      const expected = krippendorffAlpha([
        ['discard', 'discard'],
        ['discard', 'ambiguous'],
        ['ambiguous', 'ambiguous'],
      ]);
      assert.equal(report.alpha.alpha, expected.alpha);
      assert.equal(report.alpha.units, 3);
      // against the auto-grader: only items a grader decided, per grader and per suite
      const graded = listItems(store.database, { limit: 0 }).filter((i) => [k1, k2, k3].includes(i.caseKey));
      const aliceVsGraders = report.autoGrader.byGrader.filter((g) => g.reviewer === 'alice').reduce((n, g) => n + g.items, 0);
      assert.ok(aliceVsGraders <= graded.length);
      assert.equal(
        report.autoGrader.bySuite.filter((g) => g.reviewer === 'alice').reduce((n, g) => n + g.items, 0),
        aliceVsGraders,
      );
      // a filter narrows every figure to what it selects
      const narrowed = agreementOfFilter(store.database, 'disputed');
      assert.equal(narrowed.items, 1);
      assert.deepEqual(
        narrowed.pairs.map((p) => [p.a, p.b, p.items, p.kappa]),
        [['alice', 'bob', 1, 0]],
      );
      // what the agreement panel is sent fits its protocol (a message that does not is dropped by the page)
      const sent = agreementHostMessageSchema.safeParse(JSON.parse(JSON.stringify({ type: 'report', report })));
      assert.ok(sent.success, sent.success ? '' : JSON.stringify(sent.error.issues[0]));
    } finally {
      store.close();
    }
  });

  it('the summary a snapshot records, read from the shared items only, equals the summary of the whole report', async () => {
    const store = await WorkspaceStore.open(tempDir(), 'default');
    try {
      await capturePaths(store, [FIXTURES]);
      await autoGrade(store, []);
      const keys = listItems(store.database, { limit: 0 }).map((i) => i.caseKey);
      const cids = () => valuesOf(store.database, 'SELECT cid FROM items').map((r) => Number(r[0]));
      const same = (step: string, scope: number[]) => assert.deepEqual(agreementSummaryOf(store.database, scope), agreementSummary(agreementReport(store.database, scope)), step);
      same('nobody has reviewed', cids());
      submitReviews(store, keys.slice(0, 6), { verdict: 'discard' }, 'alice');
      same('one person', cids());
      submitReviews(store, keys.slice(0, 2), { verdict: 'discard' }, 'bob');
      submitReviews(store, keys.slice(2, 4), { verdict: 'ambiguous' }, 'bob');
      submitReviews(store, keys.slice(3, 5), { verdict: 'ambiguous' }, 'carol');
      const undone = submitReviews(store, keys.slice(0, 1), { verdict: 'eval-wrong' }, 'carol');
      undoEvents(store, undone);
      submitReviews(store, keys.slice(2, 3), { verdict: 'ambiguous', adjudicate: true }, 'dana');
      const summary = agreementSummaryOf(store.database, cids());
      assert.ok(summary.pairs.length >= 2 && summary.alpha.units >= 4, JSON.stringify(summary));
      same('agreed, disputed, adjudicated and undone', cids());
      same(
        'a part of the items',
        cids().filter((_, i) => i % 2 === 0),
      );
    } finally {
      store.close();
    }
  });
});

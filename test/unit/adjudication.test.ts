// Adjudication settles a dispute: it decides the item whatever the other reviews' clocks,
// records whose side it took, and only a dispute can be adjudicated. The team's filter
// terms select by agreement, and a snapshot with them takes exactly those labels and
// records their agreement figures in its manifest.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { FilterSyntaxError, parseFilter } from '../../src/core/corpus/filterExpression';
import { matchingItems } from '../../src/core/corpus/selectReviewed';
import { snapshot } from '../../src/core/corpus/snapshot';
import { agreementReport } from '../../src/core/review/agreementReport';
import { reviewsOf } from '../../src/core/review/reviewHistory';
import { submitReviews, undoEvents } from '../../src/core/review/reviewActions';
import { findItem, listItems, valuesOf, type ItemRow } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, tempDir } from './testSupport';

const item = (s: WorkspaceStore, key: string) => findItem(s.database, key) as ItemRow;
const matched = (s: WorkspaceStore, filter: string) =>
  matchingItems(s.database, filter, () => undefined)
    .map((m) => m.caseKey)
    .sort();

function journalLines(root: string): Record<string, unknown>[] {
  const dir = join(root, '.evalloop/default/journal');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function journalBytes(root: string): number {
  const dir = join(root, '.evalloop/default/journal');
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

async function captured(): Promise<{ root: string; store: WorkspaceStore; keys: string[] }> {
  const root = tempDir();
  const store = await WorkspaceStore.open(root, 'default');
  await capturePaths(store, [FIXTURES]);
  // items whose case has an input and an output, so a correction gives an SFT record
  const keys = listItems(store.database, { limit: 0 })
    .map((i) => i.caseKey)
    .filter((k) => k.startsWith('inspect/') || k.startsWith('lm-eval/'));
  assert.ok(keys.length >= 6);
  return { root, store, keys };
}

describe('adjudication', () => {
  it("decides a disputed item whatever the other reviews' clocks, records whose side it took, and an undo gives the item back", async () => {
    const { root, store, keys } = await captured();
    const key = keys[0]!;
    submitReviews(store, [key], { verdict: 'model-wrong', correction: 'what alice wrote' }, 'alice');
    submitReviews(store, [key], { verdict: 'eval-wrong' }, 'bob');
    assert.equal(item(store, key).agreement, 'disputed');
    assert.equal(item(store, key).reviewer, 'bob', 'before: the latest review decides');

    const [adjudication] = submitReviews(store, [key], { verdict: 'model-wrong', correction: 'what the lead settled on', adjudicate: true }, 'lead');
    let it = item(store, key);
    assert.deepEqual([it.verdict, it.reviewer, it.correction, it.agreement], ['model-wrong', 'lead', 'what the lead settled on', 'adjudicated']);
    const line = journalLines(root).find((l) => l.type === 'review' && l.reviewer === 'lead')!;
    assert.equal(line.v, 2, 'an adjudication is told apart by its v');
    assert.equal(line.adjudicate, true);
    assert.deepEqual(line.sides, ['alice'], "it took alice's side");
    assert.deepEqual(reviewsOf(store.database, key).find((r) => r.adjudicate)?.sides, ['alice']);

    // bob insists later, with a larger clock: the adjudication still decides
    submitReviews(store, [key], { verdict: 'eval-wrong', comment: 'still think so' }, 'bob');
    it = item(store, key);
    assert.deepEqual([it.verdict, it.reviewer], ['model-wrong', 'lead']);
    assert.equal(valuesOf(store.database, 'SELECT review_eid FROM items WHERE case_key = ?', [key])[0]![0], adjudication);
    // the adjudication is no one's verdict in the figures: two reviewers, one pair
    const report = agreementReport(store.database);
    assert.deepEqual(
      report.reviewers.map((r) => r.name),
      ['alice', 'bob'],
    );
    assert.equal(report.byStatus.adjudicated, 1);
    store.close();

    // the same from the journals alone
    rmSync(join(root, '.evalloop/default/index.sqlite'));
    const rebuilt = await WorkspaceStore.open(root, 'default');
    try {
      it = item(rebuilt, key);
      assert.deepEqual([it.verdict, it.reviewer, it.agreement], ['model-wrong', 'lead', 'adjudicated']);
      // undone: disputed again, and the latest review decides as before
      undoEvents(rebuilt, [adjudication!]);
      it = item(rebuilt, key);
      assert.deepEqual([it.verdict, it.reviewer, it.agreement], ['eval-wrong', 'bob', 'disputed']);
    } finally {
      rebuilt.close();
    }
  });

  it('only a dispute can be adjudicated: an unreviewed, single or agreed item is refused and nothing is written', async () => {
    const { root, store, keys } = await captured();
    try {
      const [none, single, agreed, disputed] = keys;
      submitReviews(store, [single!], { verdict: 'discard' }, 'alice');
      submitReviews(store, [agreed!], { verdict: 'discard' }, 'alice');
      submitReviews(store, [agreed!], { verdict: 'discard' }, 'bob');
      submitReviews(store, [disputed!], { verdict: 'discard' }, 'alice');
      submitReviews(store, [disputed!], { verdict: 'ambiguous' }, 'bob');
      const before = journalBytes(root);
      assert.throws(() => submitReviews(store, [none!], { verdict: 'discard', adjudicate: true }, 'lead'), /not disputed \(no one has reviewed it\)/);
      assert.throws(() => submitReviews(store, [single!], { verdict: 'discard', adjudicate: true }, 'lead'), /not disputed \(only one person/);
      // all or nothing: the disputed item in the same call is not adjudicated either
      assert.throws(() => submitReviews(store, [disputed!, agreed!], { verdict: 'discard', adjudicate: true }, 'lead'), /not disputed \(its reviewers agree\)/);
      assert.equal(journalBytes(root), before);
      assert.equal(item(store, disputed!).agreement, 'disputed');
      // re-adjudicating an adjudicated item is allowed (the lead changes their mind)
      submitReviews(store, [disputed!], { verdict: 'discard', adjudicate: true }, 'lead');
      submitReviews(store, [disputed!], { verdict: 'ambiguous', adjudicate: true }, 'lead');
      assert.deepEqual([item(store, disputed!).verdict, item(store, disputed!).agreement], ['ambiguous', 'adjudicated']);
    } finally {
      store.close();
    }
  });

  it('filter terms select by agreement: single, agreed, disputed, adjudicated, reviews>=N, and their negations', async () => {
    const { store, keys } = await captured();
    try {
      const [single, agreed, disputed, adjudicated] = keys;
      submitReviews(store, [single!], { verdict: 'discard' }, 'alice');
      submitReviews(store, [agreed!, disputed!, adjudicated!], { verdict: 'discard' }, 'alice');
      submitReviews(store, [agreed!], { verdict: 'discard' }, 'bob');
      submitReviews(store, [disputed!, adjudicated!], { verdict: 'ambiguous' }, 'bob');
      submitReviews(store, [adjudicated!], { verdict: 'ambiguous', adjudicate: true }, 'lead');
      assert.deepEqual(matched(store, 'single'), [single]);
      assert.deepEqual(matched(store, 'agreed'), [agreed]);
      assert.deepEqual(matched(store, 'disputed'), [disputed]);
      assert.deepEqual(matched(store, 'adjudicated'), [adjudicated]);
      assert.deepEqual(matched(store, 'reviews>=2'), [agreed, disputed, adjudicated].sort());
      assert.deepEqual(matched(store, 'reviews>=3'), []);
      assert.deepEqual(matched(store, 'reviews>=1 -reviews>=2'), [single]);
      // "two people agreed, or it was adjudicated"
      assert.deepEqual(matched(store, 'reviews>=2 -disputed'), [agreed, adjudicated].sort());
      assert.equal(matched(store, '-disputed').length, listItems(store.database, { limit: 0 }).length - 1);
      for (const [bad, where] of [
        ['reviews>=', /column 1/],
        ['reviews>=x', /column 1/],
        ['reviewz>=2', /unknown count "reviewz" at column 1/],
        ['agreed reviews>=2x', /unexpected "x" at column 18/],
      ] as const) {
        assert.throws(
          () => parseFilter(bad),
          (e: Error) => e instanceof FilterSyntaxError && where.test(e.message),
          bad,
        );
      }
    } finally {
      store.close();
    }
  });

  it('a snapshot with `agreed` takes exactly the agreed labels, and its manifest records their agreement', async () => {
    const { root, store, keys } = await captured();
    try {
      const [single, agreedA, agreedB, disputed, adjudicated] = keys;
      const correct = (k: string, who: string, verdict: 'model-wrong' | 'eval-wrong' = 'model-wrong') => submitReviews(store, [k], verdict === 'model-wrong' ? { verdict, correction: `${who}'s answer` } : { verdict }, who);
      correct(single!, 'alice');
      for (const k of [agreedA!, agreedB!]) {
        correct(k, 'alice');
        correct(k, 'bob');
      }
      correct(disputed!, 'alice');
      correct(disputed!, 'bob', 'eval-wrong');
      correct(adjudicated!, 'alice');
      correct(adjudicated!, 'bob', 'eval-wrong');
      submitReviews(store, [adjudicated!], { verdict: 'model-wrong', correction: 'settled', adjudicate: true }, 'lead');
      const itemIds = (list: string[]) => list.map((k) => item(store, k).id).sort();
      const sourcesOf = (m: { sources: { segments: { path: string }[] } }) =>
        m.sources.segments
          .flatMap((seg) =>
            readFileSync(join(root, 'corpus', seg.path), 'utf8')
              .split('\n')
              .filter(Boolean),
          )
          .map((l) => (JSON.parse(l) as { item: string }).item)
          .sort();

      const agreedOnly = snapshot(store, join(root, 'corpus'), { filter: 'agreed', formats: ['sft'], secrets: 'allow' }).manifest;
      assert.deepEqual(sourcesOf(agreedOnly), itemIds([agreedA!, agreedB!]), 'exactly the agreed items');
      assert.equal(agreedOnly.files.sft!.records, 2);
      assert.deepEqual(agreedOnly.agreement?.items, { none: 0, single: 0, agreed: 2, disputed: 0, adjudicated: 0 });
      assert.deepEqual(agreedOnly.agreement?.pairs, [{ a: 'alice', b: 'bob', kappa: null, items: 2 }], 'both said model-wrong on both: κ undefined');
      assert.equal(agreedOnly.agreement?.alpha.units, 2);

      const settled = snapshot(store, join(root, 'corpus'), { filter: 'reviews>=2 -disputed', formats: ['sft'], secrets: 'allow' }).manifest;
      assert.deepEqual(sourcesOf(settled), itemIds([agreedA!, agreedB!, adjudicated!]));
      assert.deepEqual(settled.agreement?.items, { none: 0, single: 0, agreed: 2, disputed: 0, adjudicated: 1 });
      assert.equal(settled.agreement?.pairs[0]?.items, 3);
      assert.equal(settled.agreement?.pairs[0]?.kappa, 0, 'alice said model-wrong on all three, bob on two: pₒ = pₑ = 2/3, κ = 0');
    } finally {
      store.close();
    }
  });
});

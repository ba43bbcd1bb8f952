// Verdicts on many items at once: one durable journal append for the batch, one undo
// that takes the whole batch back, and item states exactly as one event at a time gives.
import assert from 'node:assert/strict';
import type * as Fs from 'node:fs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { autoGrade } from '../../src/core/grading/autoGrade';
import { acceptAutoVerdicts, submitReviews, tagItems, undoEvents } from '../../src/core/review/reviewActions';
import { migrate } from '../../src/core/store/indexSchema';
import type { NewEvent } from '../../src/core/store/journalEvents';
import { keptCounts, listItems, valuesOf } from '../../src/core/store/storeQueries';
import { standingVerdicts } from '../../src/core/store/teamProjection';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { ReviewRequestHandler, type StoreAccess } from '../../src/extension/review/reviewRequestHandler';
import type { HostMessage } from '../../src/protocol/reviewProtocol';
import { tempDir } from './testSupport';

// the module object the journal writer calls through, so its fsyncs can be counted
const fsModule = require('node:fs') as typeof Fs;

/** Counts fsync calls made while `work` runs. */
async function fsyncsDuring<T>(work: () => Promise<T>): Promise<{ value: T; fsyncs: number }> {
  const original = fsModule.fsyncSync;
  let fsyncs = 0;
  fsModule.fsyncSync = (fd: number) => {
    fsyncs++;
    original(fd);
  };
  try {
    return { value: await work(), fsyncs };
  } finally {
    fsModule.fsyncSync = original;
  }
}

/** `n` promptfoo failures the auto-grader decides: every fourth output right, the rest wrong. */
function gradableResults(dir: string, n: number): string {
  const lines = Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      success: false,
      vars: { q: `what is ${i} plus ${i}?` },
      prompt: { raw: `What is ${i} plus ${i}?`, label: 'sum' },
      provider: { id: 'openai:gpt-4o-mini' },
      response: { output: `${i % 4 === 0 ? 2 * i : 2 * i + 1}` },
      testCase: { vars: {}, assert: [{ type: 'equals', value: `${2 * i}` }] },
      gradingResult: { pass: false, score: 0, reason: 'wrong sum' },
    }),
  );
  const file = join(dir, 'results.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function handlerFor(store: WorkspaceStore, posted: HostMessage[]): ReviewRequestHandler {
  const access: StoreAccess = { read: async (work) => work(store), write: async (work) => work(store) };
  return new ReviewRequestHandler(
    access,
    async () => 'ana',
    { openSource: async () => undefined, openDiff: async () => undefined },
    (m) => posted.push(m),
  );
}

/** What each item shows, from the index (the deciding review by its sequence number: writer names differ between workspaces). */
function itemStates(store: WorkspaceStore): string[] {
  return valuesOf(store.database, "SELECT id, state, verdict, correction, reviewer, grader, tags, SUBSTR(review_eid, INSTR(review_eid, ':')) FROM items ORDER BY id").map((r) => JSON.stringify(r));
}

/** The kept counts (zero rows left out) beside the same counts from a scan of the items. */
function keptAndScanned(store: WorkspaceStore): [Record<string, number>, Record<string, number>] {
  const db = store.database;
  const kept = Object.fromEntries([...keptCounts(db)].filter(([, n]) => n !== 0).sort());
  const scan = new Map<string, number>([
    ['all', Number(valuesOf(db, 'SELECT COUNT(*) FROM items')[0]![0])],
    ['regression', Number(valuesOf(db, 'SELECT COUNT(*) FROM items WHERE regression_rn IS NOT NULL AND fixed_rn IS NULL')[0]![0])],
    ['fixed', Number(valuesOf(db, 'SELECT COUNT(*) FROM items WHERE fixed_rn IS NOT NULL')[0]![0])],
  ]);
  for (const [state, n] of valuesOf(db, 'SELECT state, COUNT(*) FROM items GROUP BY state')) scan.set(`state:${String(state)}`, Number(n));
  return [kept, Object.fromEntries([...scan].filter(([, n]) => n !== 0).sort())];
}

/** Per item, how many people's verdicts it shows beside how many standingVerdicts() finds. */
function peopleShownAndStanding(store: WorkspaceStore): [Record<string, number>, Record<string, number>] {
  const shown = Object.fromEntries(valuesOf(store.database, 'SELECT cid, human_reviewers FROM items WHERE human_reviewers > 0 ORDER BY cid').map((r) => [String(r[0]), Number(r[1])]));
  const standing: Record<string, number> = {};
  for (const [cid] of standingVerdicts(store.database)) standing[String(cid)] = (standing[String(cid)] ?? 0) + 1;
  return [shown, standing];
}

describe('bulk verdicts', () => {
  it('accepting 300 automatic verdicts in the panel is one fsynced append, and one undo takes all 300 back', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    const posted: HostMessage[] = [];
    const handler = handlerFor(store, posted);
    try {
      await captureFile(store, gradableResults(root, 300));
      const graded = await autoGrade(store, []);
      assert.equal(graded.decided, 300);
      const ids = listItems(store.database).map((i) => i.id);
      const autoStates = itemStates(store);

      const accepted = await fsyncsDuring(() => handler.handle({ type: 'acceptAuto', requestId: 1, ids }));
      assert.equal(accepted.fsyncs, 1, 'the 300 reviews are made durable by one append (before: one per item)');
      assert.deepEqual(posted.at(-1), { type: 'saved', requestId: 1, count: 300, undoable: true });
      assert.equal(keptCounts(store.database).get('state:reviewed'), 300);
      const accepts = valuesOf(store.database, "SELECT verdict, correction FROM reviews WHERE reviewer = 'ana'");
      assert.equal(accepts.length, 300);
      assert.equal(accepts.filter(([verdict]) => verdict === 'eval-wrong').length, 75, 'each item keeps its own automatic verdict');
      assert.ok(
        accepts.every(([verdict, correction]) => (verdict === 'model-wrong') === (correction !== null)),
        'model-wrong verdicts keep their correction',
      );

      const undone = await fsyncsDuring(() => handler.handle({ type: 'undo', requestId: 2 }));
      assert.equal(undone.fsyncs, 1);
      assert.deepEqual(posted.at(-1), { type: 'saved', requestId: 2, count: 300, undoable: false });
      assert.deepEqual(itemStates(store), autoStates, 'every item is auto-graded again, as before the acceptance');
    } finally {
      handler.dispose();
      store.close();
    }
    // and so is an index rebuilt from the journals
    const reopened = await WorkspaceStore.open(root, 'default');
    try {
      reopened.rebuild('test');
      assert.equal(keptCounts(reopened.database).get('state:auto-graded'), 300);
      assert.equal(keptCounts(reopened.database).get('state:reviewed') ?? 0, 0);
    } finally {
      reopened.close();
    }
  });

  it('items touched by many reviews, tags and undos in one append show what one event at a time shows', async () => {
    // the same 400 events, applied as one batch and as 400 appends, then rebuilt from the journals
    const roots = [tempDir(), tempDir()];
    const states: string[][] = [];
    for (const [run, root] of roots.entries()) {
      const store = await WorkspaceStore.open(root, 'default');
      try {
        await captureFile(store, gradableResults(root, 40));
        const keys = listItems(store.database).map((i) => i.caseKey);
        let seed = 7;
        const pick = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
        const verdicts = ['model-wrong', 'eval-wrong', 'ambiguous', 'discard'] as const;
        const events: NewEvent[] = [];
        for (let i = 0; i < 400; i++) {
          const k = pick(keys.length);
          const caseKey = keys[k]!;
          const kind = pick(10);
          const tags = pick(3) === 0 ? [`t${pick(4)}`] : undefined;
          if (kind < 6) {
            // the first eight items are only ever graded automatically (people review the rest)
            const by = k < 8 ? { grader: 'exact', reviewer: 'auto' } : { reviewer: pick(2) ? 'ana' : 'ben' };
            events.push({ type: 'review', caseKey, verdict: verdicts[pick(4)]!, ...by, ...(tags ? { tags } : {}) });
          } else if (kind < 8) {
            events.push({ type: 'tag', caseKeys: [caseKey, keys[pick(keys.length)]!], add: [`t${pick(4)}`], remove: pick(2) ? [`t${pick(4)}`] : [] });
          } else {
            // an undo of an earlier event of this writer (seq counts from the capture's events)
            events.push({ type: 'undo', target: `WRITER:${pick(400)}` });
          }
        }
        const writer = (() => {
          store.append([{ type: 'tag', caseKeys: [keys[0]!], add: ['first'], remove: [] }]);
          return store.writerId!;
        })();
        const real = events.map((e) => (e.type === 'undo' ? { ...e, target: e.target.replace('WRITER', writer) } : e));
        if (run === 0) store.append(real);
        else for (const e of real) store.append([e]);
        states.push(itemStates(store));
        store.rebuild('test');
        assert.deepEqual(itemStates(store), states[run], 'a rebuild from the journals gives the same states');
      } finally {
        store.close();
      }
    }
    assert.deepEqual(states[0], states[1]);
    // the events reach every kind of state: waiting again after undos, auto-graded, reviewed, tagged
    const shown = states[0]!.join('\n');
    for (const state of ['"new"', '"auto-graded"', '"reviewed"', '"[\\"t']) assert.ok(shown.includes(state), `some item shows ${state}`);
  });

  it('an undo of a bulk verdict brings back, item by item, the review each had before', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await captureFile(store, gradableResults(root, 50));
      const keys = listItems(store.database).map((i) => i.caseKey);
      submitReviews(store, keys.slice(0, 20), { verdict: 'ambiguous', tags: ['early'] }, 'ben');
      tagItems(store, keys.slice(10, 30), ['mid']);
      const before = itemStates(store);
      const bulk = submitReviews(store, keys, { verdict: 'discard', tags: ['bulk'] }, 'ana');
      assert.equal(keptCounts(store.database).get('state:reviewed'), 50);
      undoEvents(store, bulk);
      assert.deepEqual(itemStates(store), before);
    } finally {
      store.close();
    }
  });

  it('keep the per-state counts equal to a scan of the items through every bulk step, in an index upgraded from schema 10', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await captureFile(store, gradableResults(root, 120));
      // as the index was before a refresh could defer the counts: the update trigger always runs, schema 10
      store.database.run('DROP TRIGGER items_counted_update');
      store.database.run(`CREATE TRIGGER items_counted_update AFTER UPDATE OF state, regression_rn, fixed_rn ON items BEGIN
        UPDATE item_counts SET n = n - 1 WHERE key = 'state:' || OLD.state AND OLD.state != NEW.state;
        INSERT INTO item_counts (key, n) SELECT 'state:' || NEW.state, 1 WHERE OLD.state != NEW.state ON CONFLICT (key) DO UPDATE SET n = n + 1;
        UPDATE item_counts SET n = n + ((NEW.regression_rn IS NOT NULL AND NEW.fixed_rn IS NULL) - (OLD.regression_rn IS NOT NULL AND OLD.fixed_rn IS NULL)) WHERE key = 'regression';
        UPDATE item_counts SET n = n + ((NEW.fixed_rn IS NOT NULL) - (OLD.fixed_rn IS NOT NULL)) WHERE key = 'fixed';
      END`);
      store.database.run("UPDATE meta SET value = '10' WHERE key = 'schema_version'");
      assert.equal(migrate(store.database), true);
      const keys = listItems(store.database).map((i) => i.caseKey);
      const ids = listItems(store.database).map((i) => i.id);
      const check = (step: string) => {
        const [kept, scanned] = keptAndScanned(store);
        assert.deepEqual(kept, scanned, `counts after ${step}`);
        const [shown, standing] = peopleShownAndStanding(store);
        assert.deepEqual(shown, standing, `people behind each verdict after ${step}`);
      };
      submitReviews(store, keys.slice(0, 30), { verdict: 'ambiguous' }, 'ben');
      check('a verdict on some items');
      const review = submitReviews(store, keys, { verdict: 'model-wrong', correction: 'the right sum' }, 'ana');
      assert.equal(keptCounts(store.database).get('state:reviewed'), 120);
      check('a verdict on every item');
      undoEvents(store, review);
      assert.equal(keptCounts(store.database).get('state:reviewed'), 30);
      check('its undo');
      const graded = await autoGrade(store, []);
      assert.equal(graded.decided, 90, 'the items nobody has reviewed are graded');
      assert.equal(keptCounts(store.database).get('state:auto-graded'), 90);
      check('auto-grading');
      const accepted = acceptAutoVerdicts(store, ids, 'ana');
      assert.equal(accepted.length, 90);
      assert.equal(keptCounts(store.database).get('state:reviewed'), 120);
      check('accepting the automatic verdicts');
      undoEvents(store, accepted);
      check('its undo');
      assert.deepEqual(Object.fromEntries([...keptCounts(store.database)].filter(([k, n]) => k.startsWith('state:') && n !== 0)), { 'state:auto-graded': 90, 'state:reviewed': 30 });
      const shown = itemStates(store);
      store.rebuild('test');
      assert.deepEqual(itemStates(store), shown, 'a rebuild from the journals shows the same');
      check('a rebuild');
    } finally {
      store.close();
    }
  });
});

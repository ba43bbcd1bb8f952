// Blind review in the panel's request handler: a real store, several reviewer names, and
// ReviewRequestHandler.handle answering each as the panel would see it. Until a reviewer
// has given their own verdict on an item, nothing others said about it reaches them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { autoGrade } from '../../src/core/grading/autoGrade';
import { assignItems } from '../../src/core/review/assignment';
import { setBlind } from '../../src/core/review/queueSettings';
import { submitReviews } from '../../src/core/review/reviewActions';
import { listItems, type ItemRow } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { ReviewRequestHandler } from '../../src/extension/review/reviewRequestHandler';
import { hostMessageSchema, type HostMessage, type ItemDetail, type ItemSummary, type QueueFilter, type WebviewMessage } from '../../src/protocol/reviewProtocol';
import { FIXTURES, tempDir } from './testSupport';

const BOB_CORRECTION = 'the answer only bob wrote';
const BOB_COMMENT = 'a remark only bob made';

/** A message the panel sends with a request id, without it. */
type Request = WebviewMessage extends infer M ? (M extends { requestId: number } ? Omit<M, 'requestId'> : never) : never;

/** A handler answering as `reviewer`, and what it posted. */
function panelFor(store: WorkspaceStore, reviewer: string) {
  const posted: HostMessage[] = [];
  const access = { read: async <T>(work: (s: WorkspaceStore) => T | Promise<T>) => work(store), write: async <T>(work: (s: WorkspaceStore) => T | Promise<T>) => work(store) };
  const handler = new ReviewRequestHandler(
    access,
    async () => reviewer,
    { openSource: async () => undefined, openDiff: async () => undefined },
    (m) => posted.push(m),
  );
  let requestId = 0;
  const ask = async (message: Request): Promise<HostMessage> => {
    const id = ++requestId;
    await handler.handle({ ...message, requestId: id } as WebviewMessage);
    const answer = posted.find((m) => 'requestId' in m && m.requestId === id);
    assert.ok(answer, `an answer to ${message.type}`);
    assert.ok(hostMessageSchema.safeParse(answer).success, 'the answer fits the protocol');
    if (answer.type === 'error') assert.fail(answer.message);
    return answer;
  };
  return {
    handler,
    posted,
    detail: async (id: string): Promise<{ detail: ItemDetail; text: string }> => {
      const answer = await ask({ type: 'detail', id });
      assert.equal(answer.type, 'detail');
      const detail = (answer as Extract<HostMessage, { type: 'detail' }>).detail!;
      return { detail, text: JSON.stringify({ item: detail.item, reviews: detail.reviews }) };
    },
    row: async (id: string): Promise<ItemSummary> => {
      const answer = await ask({ type: 'query', filter: {}, offset: 0, limit: 500 });
      const row = (answer as Extract<HostMessage, { type: 'page' }>).items.find((i) => i.id === id);
      assert.ok(row, `item ${id} listed`);
      return row;
    },
    ids: async (filter: QueueFilter): Promise<string[]> => {
      const answer = await ask({ type: 'query', filter, offset: 0, limit: 500 });
      return (answer as Extract<HostMessage, { type: 'page' }>).items.map((i) => i.id);
    },
    review: (ids: string[], verdict: 'model-wrong' | 'eval-wrong' | 'discard', extra: { correction?: string; adjudicate?: boolean } = {}) => ask({ type: 'review', ids, verdict, ...extra }),
    acceptAuto: (ids: string[]) => ask({ type: 'acceptAuto', ids }),
    undo: () => ask({ type: 'undo' }),
  };
}

async function teamStore(): Promise<{ store: WorkspaceStore; graded: ItemRow; plain: ItemRow }> {
  const store = await WorkspaceStore.open(tempDir(), 'default');
  await capturePaths(store, [FIXTURES]);
  await autoGrade(store, []);
  const graded = listItems(store.database, { state: 'auto-graded', limit: 1 })[0];
  const plain = listItems(store.database, { state: 'new', limit: 1 })[0];
  assert.ok(graded && plain, 'the fixtures give an auto-graded item and a waiting one');
  // bob's verdict on the auto-graded item, with a correction and a comment
  submitReviews(store, [graded.caseKey], { verdict: 'model-wrong', correction: BOB_CORRECTION, comment: BOB_COMMENT }, 'bob');
  return { store, graded, plain };
}

describe('blind review in the review panel', () => {
  it('hides every verdict, correction, comment, grader and review from a reviewer who has not given theirs, and shows all once they have', async () => {
    const { store, graded } = await teamStore();
    try {
      const alice = panelFor(store, 'alice');
      // not blind yet: alice sees bob's review (the control)
      let seen = await alice.detail(graded.id);
      assert.equal(seen.detail.item.verdict, 'model-wrong');
      assert.equal(seen.detail.item.correction, BOB_CORRECTION);
      assert.ok(seen.detail.reviews!.length >= 2, "bob's and the auto-grader's");

      setBlind(store, true);
      seen = await alice.detail(graded.id);
      const item = seen.detail.item;
      assert.equal(item.blind, true);
      assert.equal(item.state, 'new', 'the state would say someone reviewed it');
      for (const field of ['verdict', 'correction', 'rubric', 'comment', 'reviewer', 'grader', 'gradeReason'] as const) assert.equal(item[field], null, field);
      assert.deepEqual(seen.detail.reviews, [], 'no review history');
      for (const secret of [BOB_CORRECTION, BOB_COMMENT, 'bob', graded.grader!]) assert.ok(!seen.text.includes(secret), `"${secret}" is not sent`);
      assert.ok(seen.detail.case, 'the case itself is shown');
      const row = await alice.row(graded.id);
      assert.deepEqual([row.state, row.verdict, row.blind], ['new', null, true], 'the queue row hides it too');
      // her waiting list still holds it: bob's review made it "reviewed", but not for her
      assert.ok((await alice.ids({ state: 'new' })).includes(graded.id), 'waiting for alice');
      assert.ok(!(await alice.ids({ state: 'reviewed' })).includes(graded.id));
      assert.ok(!(await panelFor(store, 'bob').ids({ state: 'new' })).includes(graded.id), 'not waiting for bob');
      // she cannot confirm an automatic verdict she cannot see
      const accepted = await alice.acceptAuto([graded.id]);
      assert.equal(accepted.type === 'saved' && accepted.count, 0);

      // bob gave his verdict: he sees everything, the grader's included
      const bob = panelFor(store, 'bob');
      const his = (await bob.detail(graded.id)).detail;
      assert.equal(his.item.blind, undefined);
      assert.equal(his.item.correction, BOB_CORRECTION);
      assert.ok(his.item.gradeReason, "the auto-grader's reason");
      assert.ok(
        his.reviews!.some((r) => r.grader === graded.grader),
        "the auto-grader's verdict",
      );

      // alice submits hers: now she sees bob's and the grader's
      await alice.review([graded.id], 'eval-wrong');
      seen = await alice.detail(graded.id);
      assert.equal(seen.detail.item.blind, undefined);
      assert.ok(seen.text.includes(BOB_CORRECTION) && seen.text.includes(BOB_COMMENT));
      assert.ok(!(await alice.ids({ state: 'new' })).includes(graded.id), 'no longer waiting for her');
      assert.ok((await alice.ids({ state: 'reviewed' })).includes(graded.id));
      assert.deepEqual(
        seen.detail.reviews!.filter((r) => !r.grader).map((r) => [r.reviewer, r.verdict]),
        [
          ['bob', 'model-wrong'],
          ['alice', 'eval-wrong'],
        ],
      );
      assert.ok(seen.detail.reviews!.some((r) => r.grader === graded.grader));
      // and undoing her verdict does not hide again what she has seen
      await alice.undo();
      assert.equal((await alice.detail(graded.id)).detail.item.blind, undefined);

      // the queue made open again: everyone sees everything
      setBlind(store, false);
      assert.equal((await panelFor(store, 'carol').detail(graded.id)).detail.item.correction, BOB_CORRECTION);
    } finally {
      store.close();
    }
  });

  it('an item with nothing said about it is shown as it is, and the snapshot says the queue is blind', async () => {
    const { store, plain } = await teamStore();
    try {
      setBlind(store, true);
      const carol = panelFor(store, 'carol');
      await carol.handler.handle({ type: 'ready' });
      const snapshot = carol.posted.find((m) => m.type === 'snapshot');
      assert.equal(snapshot?.type === 'snapshot' && snapshot.blind, true);
      const detail = (await carol.detail(plain.id)).detail;
      // blind still applies (carol gave no verdict), but there is nothing to hide
      assert.equal(detail.item.verdict, null);
      assert.deepEqual(detail.reviews, []);
    } finally {
      store.close();
    }
  });

  it('a disputed item is open to someone it is not assigned to (the adjudicator), and stays blind for its assignees', async () => {
    const { store, plain } = await teamStore();
    try {
      assignItems(store, { filter: `item:${plain.id}`, people: ['alice', 'bob', 'dan'], perItem: 3 });
      setBlind(store, true);
      submitReviews(store, [plain.caseKey], { verdict: 'model-wrong', correction: BOB_CORRECTION }, 'bob');
      const carol = panelFor(store, 'carol');
      assert.equal((await carol.detail(plain.id)).detail.item.blind, true, 'one verdict: not disputed, still blind');
      await panelFor(store, 'alice').review([plain.id], 'eval-wrong');
      // disputed now: carol may adjudicate and sees both sides; dan, assigned, reviews blind
      const open = await carol.detail(plain.id);
      assert.equal(open.detail.item.blind, undefined);
      assert.deepEqual(open.detail.reviews!.map((r) => r.reviewer).sort(), ['alice', 'bob']);
      assert.equal((await panelFor(store, 'dan').detail(plain.id)).detail.item.blind, true);
    } finally {
      store.close();
    }
  });
});

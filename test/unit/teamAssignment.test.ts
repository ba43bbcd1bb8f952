// Assigning items to reviewers: balanced, deterministic, N distinct people per item,
// recorded as journal events that survive a rebuild and that filters and lists read.
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { matchingItems } from '../../src/core/corpus/selectReviewed';
import { assignItems, planAssignments, reviewerNames, waitingFor, type AssignableItem } from '../../src/core/review/assignment';
import { submitReviews } from '../../src/core/review/reviewActions';
import { countItems, listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { sha256Hex } from '../../src/core/text/hashing';
import { queueGroups, queueItems } from '../../src/core/views/treeModels';
import { FIXTURES, tempDir } from './testSupport';

function syntheticItems(n: number): AssignableItem[] {
  return Array.from({ length: n }, (_, i) => ({ id: sha256Hex(`item ${i}`).slice(0, 12), caseKey: `jsonl/s/id:${i}`, taken: [] }));
}

async function capturedStore(): Promise<{ root: string; store: WorkspaceStore }> {
  const root = tempDir();
  const store = await WorkspaceStore.open(root, 'default');
  await capturePaths(store, [FIXTURES]);
  return { root, store };
}

describe('assigning items to reviewers', () => {
  it('is balanced: every item gets N distinct people, no one gets more than one item over another, and every pair shares items', () => {
    const people = reviewerNames(['dan,alice', 'carol', 'bob']);
    assert.deepEqual(people, ['alice', 'bob', 'carol', 'dan']);
    for (const [n, perItem] of [
      [101, 2],
      [10, 1],
      [37, 3],
      [5, 4],
    ] as const) {
      const plan = planAssignments(syntheticItems(n), people, perItem);
      assert.equal(plan.items.length, n, `${n} items, ${perItem} per item: every item assigned`);
      for (const item of plan.items) {
        assert.equal(item.to.length, perItem);
        assert.equal(new Set(item.to).size, perItem, 'distinct people');
      }
      const counts = Object.values(plan.perPerson);
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        n * perItem,
      );
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `balanced: ${JSON.stringify(plan.perPerson)}`);
    }
    // double review over four people: each of the six pairs reviews items in common (κ needs that)
    const pairs = new Set(planAssignments(syntheticItems(101), people, 2).items.map((i) => i.to.join('+')));
    assert.equal(pairs.size, 6, [...pairs].join(' '));
  });

  it('is deterministic: the same items and people give the same plan, in whatever order they are given', () => {
    const items = syntheticItems(60);
    const plan = planAssignments(items, reviewerNames(['alice,bob,carol']), 2);
    const shuffled = [...items].reverse();
    assert.deepEqual(planAssignments(shuffled, reviewerNames(['carol', 'bob', 'alice']), 2), plan);
  });

  it('counts people already on an item toward its N, and refuses more people per item than names', () => {
    const items: AssignableItem[] = [
      { id: 'aaaaaaaaaaaa', caseKey: 'k/a', taken: ['carol'] },
      { id: 'bbbbbbbbbbbb', caseKey: 'k/b', taken: ['alice', 'zoe'] },
      { id: 'cccccccccccc', caseKey: 'k/c', taken: [] },
    ];
    const plan = planAssignments(items, ['alice', 'bob'], 2);
    assert.equal(plan.alreadyCovered, 1, 'b already has two people');
    assert.deepEqual(plan.items.find((i) => i.caseKey === 'k/a')?.to.length, 1, 'a needed one more');
    assert.deepEqual(plan.items.find((i) => i.caseKey === 'k/c')?.to, ['alice', 'bob']);
    assert.throws(() => planAssignments(items, ['alice'], 2), /2 people per item needs at least 2 reviewers/);
    assert.deepEqual(reviewerNames(['alice, ,bob']), ['alice', 'bob'], 'empty names between commas are dropped');
    assert.throws(() => reviewerNames(['x'.repeat(101)]), /reviewer name "x+"/);
    assert.throws(() => reviewerNames([' ']), /at least one reviewer/);
  });

  it('is journaled as assign events with v 2, kept through an index rebuild, and read by list, the filter and what waits for a person', async () => {
    const { root, store } = await capturedStore();
    const total = countItems(store.database);
    const result = assignItems(store, { filter: '', people: ['alice', 'bob', 'carol'], perItem: 2 });
    assert.equal(result.items.length, total);
    assert.equal(result.eventIds.length, 1);
    const journalDir = join(root, '.evalloop/default/journal');
    const lines = readdirSync(journalDir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(journalDir, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as { v: number; type: string; items?: { k: string; to: string[] }[] });
    const assign = lines.filter((l) => l.type === 'assign');
    assert.equal(assign.length, 1);
    assert.equal(assign[0]!.v, 2, 'the team event is told apart by its v');
    assert.equal(assign[0]!.items!.length, total);

    // alice reviews two of hers: they no longer wait for her
    const hers = listItems(store.database, { assignedTo: 'alice', limit: 0 });
    assert.equal(hers.length, result.perPerson.alice);
    submitReviews(
      store,
      hers.slice(0, 2).map((i) => i.caseKey),
      { verdict: 'discard' },
      'alice',
    );
    assert.equal(waitingFor(store.database, 'alice'), hers.length - 2);
    assert.equal(waitingFor(store.database, 'bob'), result.perPerson.bob);
    // the filter term
    assert.deepEqual(
      matchingItems(store.database, 'assigned:alice', () => undefined)
        .map((m) => m.id)
        .sort(),
      hers.map((i) => i.id).sort(),
    );
    assert.equal(matchingItems(store.database, '-assigned:alice', () => undefined).length, total - hers.length);
    // assigning again changes nothing: every item has its two people
    const again = assignItems(store, { filter: '', people: ['alice', 'bob', 'carol'], perItem: 2 });
    assert.equal(again.items.length, 0);
    assert.equal(again.alreadyCovered, total);
    store.close();

    rmSync(join(root, '.evalloop/default/index.sqlite'));
    const reopened = await WorkspaceStore.open(root, 'default');
    try {
      assert.equal(countItems(reopened.database, { assignedTo: 'alice' }), hers.length, 'rebuilt from the journals');
      assert.equal(waitingFor(reopened.database, 'alice'), hers.length - 2);
    } finally {
      reopened.close();
    }
  });

  it('a journal line from a newer Eval Loop (a larger v) is skipped and named as such, not as damage', async () => {
    const { root, store } = await capturedStore();
    store.close();
    const journalDir = join(root, '.evalloop/default/journal');
    const file = readdirSync(journalDir).find((f) => f.endsWith('.jsonl'))!;
    appendFileSync(join(journalDir, file), `${JSON.stringify({ v: 3, seq: 9999, at: new Date().toISOString(), actor: 'future', type: 'assign-v3' })}\n`);
    const reopened = await WorkspaceStore.open(root, 'default');
    try {
      assert.ok(
        reopened.notices.some((n) => n.includes(`${file} line`) && n.includes('written by a newer Eval Loop (event version 3)')),
        reopened.notices.join('\n'),
      );
    } finally {
      reopened.close();
    }
  });

  it('the Queue tree groups by assignee, an item under each of its people, the rest unassigned', async () => {
    const { store } = await capturedStore();
    try {
      const keys = listItems(store.database, { state: 'new', limit: 0 }).map((i) => i.caseKey);
      const some = keys.slice(0, 6);
      assignItems(store, {
        filter: `item:${listItems(store.database, { limit: 0 })
          .filter((i) => some.includes(i.caseKey))
          .map((i) => i.id)
          .join(',')}`,
        people: ['alice', 'bob'],
        perItem: 2,
      });
      const groups = queueGroups(store.database, 'new', 'assignee').map((g) => g.kind === 'group' && [g.key, g.label, g.count]);
      assert.deepEqual(groups, [
        ['alice', 'alice', 6],
        ['bob', 'bob', 6],
        ['', 'unassigned', keys.length - 6],
      ]);
      assert.equal(queueItems(store.database, 'new', 'assignee', 'alice').length, 6);
      assert.equal(queueItems(store.database, 'new', 'assignee', '').length, keys.length - 6);
    } finally {
      store.close();
    }
  });
});

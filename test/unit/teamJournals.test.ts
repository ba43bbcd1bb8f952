// Journals shared by a team through git: writers never share an id, a merge keeps every
// event, no wall clock decides which review stands, and a damaged or colliding journal
// loses nothing. Real git, real files, a real sql.js index on disk.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { checkWorkspace } from '../../src/core/doctor/checkWorkspace';
import { submitReviews } from '../../src/core/review/reviewActions';
import { inspectJournal } from '../../src/core/store/journalIntegrity';
import { readJournal } from '../../src/core/store/journalReader';
import { JournalWriter } from '../../src/core/store/journalWriter';
import { listItems, valuesOf } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { writerBase } from '../../src/core/store/writerIdentity';
import { FIXTURES, tempDir } from './testSupport';

const FIXTURE = join(FIXTURES, 'promptfoo/sample-export.json');

function git(cwd: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('git', ['-c', 'user.name=Eval Tester', '-c', 'user.email=tester@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function reviewsOf(store: WorkspaceStore): { eid: string; reviewer: string; verdict: string; correction: string | null }[] {
  return valuesOf(store.database, 'SELECT eid, reviewer, verdict, correction FROM reviews WHERE retracted = 0 ORDER BY eid').map((r) => ({
    eid: String(r[0]),
    reviewer: String(r[1]),
    verdict: String(r[2]),
    correction: r[3] === null ? null : String(r[3]),
  }));
}

function journalDirOf(root: string): string {
  return join(root, '.evalloop/default/journal');
}

describe('journals shared by a team', () => {
  it('two clones on one machine, the same user: both review, git merges, every review is kept', async () => {
    const a = join(tempDir(), 'clone-a');
    mkdirSync(a);
    git(a, 'init', '-q');
    let store = await WorkspaceStore.open(a, 'default');
    await captureFile(store, FIXTURE);
    store.close();
    git(a, 'add', '-A');
    assert.equal(git(a, 'commit', '-qm', 'captured').status, 0);
    const committed = git(a, 'ls-files').out;
    assert.match(committed, /\.evalloop\/default\/journal\/.+\.jsonl/, 'journals are committed');
    assert.doesNotMatch(committed, /index\.sqlite|\/local\/|\.lock/, 'the index, locks and the local identity are not');

    const b = join(tempDir(), 'clone-b');
    assert.equal(git(a, 'clone', '-q', a, b).status, 0);
    const [first, second] = await (async () => {
      const s = await WorkspaceStore.open(a, 'default');
      const keys = listItems(s.database, { limit: 0 }).map((i) => i.caseKey);
      s.close();
      return keys;
    })();

    store = await WorkspaceStore.open(a, 'default');
    submitReviews(store, [first!], { verdict: 'model-wrong', correction: 'the answer from clone A' }, 'ana');
    store.close();
    store = await WorkspaceStore.open(b, 'default');
    submitReviews(store, [first!], { verdict: 'eval-wrong' }, 'ben');
    submitReviews(store, [second!], { verdict: 'discard' }, 'ben');
    store.close();
    assert.notDeepEqual(
      readdirSync(journalDirOf(a)).filter((f) => f.endsWith('.jsonl')),
      readdirSync(journalDirOf(b)).filter((f) => f.endsWith('.jsonl')),
      'each clone writes its own journal',
    );

    git(a, 'add', '-A');
    git(a, 'commit', '-qm', 'review in A');
    git(b, 'add', '-A');
    git(b, 'commit', '-qm', 'review in B');
    const merge = git(a, 'pull', '-q', '--no-rebase', '--no-edit', b, 'main');
    assert.equal(merge.status, 0, `the merge has no conflict: ${merge.out}`);

    store = await WorkspaceStore.open(a, 'default');
    try {
      store.rebuild('test');
      const reviews = reviewsOf(store).map(({ reviewer, verdict, correction }) => ({ reviewer, verdict, correction }));
      assert.deepEqual(
        reviews.sort((x, y) => (x.reviewer + x.verdict < y.reviewer + y.verdict ? -1 : 1)),
        [
          { reviewer: 'ana', verdict: 'model-wrong', correction: 'the answer from clone A' },
          { reviewer: 'ben', verdict: 'discard', correction: null },
          { reviewer: 'ben', verdict: 'eval-wrong', correction: null },
        ],
      );
      const check = checkWorkspace(store, { rebuild: true });
      assert.deepEqual(
        check.findings.filter((f) => f.severity === 'error'),
        [],
      );
    } finally {
      store.close();
    }
  });

  it('another clone, or a copied local identity, gets a writer name of its own', () => {
    const root = tempDir();
    const a = join(root, 'a/.evalloop/default');
    const b = join(root, 'b/.evalloop/default');
    mkdirSync(a, { recursive: true });
    mkdirSync(b, { recursive: true });
    const nameA = writerBase(a);
    assert.equal(writerBase(a), nameA, 'stable within one clone');
    assert.notEqual(writerBase(b), nameA);
    // a local/ folder copied (or committed) into another clone is noticed and replaced
    const c = join(root, 'c/.evalloop/default');
    mkdirSync(join(c, 'local'), { recursive: true });
    copyFileSync(join(a, 'local/writer.json'), join(c, 'local/writer.json'));
    assert.notEqual(writerBase(c), nameA);
    assert.match(readFileSync(join(a, '.gitignore'), 'utf8'), /^local\/$/m);
  });

  it('a journal merged from two clones that shared a writer name: both events count, doctor names it, --repair gives each its own id', async () => {
    const root = tempDir();
    let store = await WorkspaceStore.open(root, 'default');
    await captureFile(store, FIXTURE);
    const key = listItems(store.database)[0]!.caseKey;
    store.close();
    // what a union merge of two clones writing as `root@localhost` leaves: the same seq twice
    const dir = journalDirOf(root);
    const file = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!;
    const lines = readFileSync(join(dir, file), 'utf8').trimEnd().split('\n');
    const seq = lines.length;
    const review = (reviewer: string, verdict: string, extra: object) => JSON.stringify({ v: 1, seq, at: '2026-11-20T10:00:00.000Z', actor: 'root', type: 'review', caseKey: key, verdict, reviewer, ...extra });
    const undo = JSON.stringify({ v: 1, seq: seq + 1, at: '2026-11-20T10:01:00.000Z', actor: 'root', type: 'undo', target: `${file.replace(/\.jsonl$/, '')}:${seq}` });
    writeFileSync(join(dir, file), [...lines, review('ana', 'model-wrong', { correction: 'from clone A' }), review('ben', 'eval-wrong', {}), undo, ''].join('\n'));

    store = await WorkspaceStore.open(root, 'default');
    try {
      const reviews = reviewsOf(store);
      assert.equal(reviews.length + 1, 2, 'one review retracted by the undo, the other kept: neither silently dropped');
      assert.ok(
        store.notices.some((n) => /appear twice with different content/.test(n)),
        store.notices.join('\n'),
      );
      const before = checkWorkspace(store);
      const collision = before.findings.find((f) => /hold two different events/.test(f.what));
      assert.ok(collision && collision.severity === 'error', JSON.stringify(before.findings));
      assert.match(collision.fix ?? '', /doctor --repair/);

      const after = checkWorkspace(store, { repair: true });
      assert.deepEqual(
        after.repaired.map((r) => r.written.length),
        [1],
      );
      assert.deepEqual(
        after.findings.filter((f) => f.severity === 'error'),
        [],
      );
      assert.deepEqual(inspectJournal(dir, file).collisions, []);
      const all = valuesOf(store.database, 'SELECT eid, reviewer, retracted FROM reviews ORDER BY reviewer').map((r) => [String(r[0]), String(r[1]), Number(r[2])]);
      assert.equal(all.length, 2, 'both reviews are in the index after the repair');
      assert.ok(
        all.every(([eid]) => !String(eid).includes('~') || /~copy1:/.test(String(eid))),
        'each has an id of its own',
      );
      // the undo (the second writer's, moved with it) still retracts exactly one review
      assert.equal(all.filter(([, , retracted]) => retracted === 1).length, 1);
    } finally {
      store.close();
    }
  });

  it('a writer whose clock is a day fast does not decide the verdicts made after it', async () => {
    const root = tempDir();
    let fast = await WorkspaceStore.open(root, 'default');
    await captureFile(fast, FIXTURE);
    const key = listItems(fast.database)[0]!.caseKey;
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    fast.append([{ type: 'review', caseKey: key, verdict: 'model-wrong', correction: 'first look', reviewer: 'fast-clock', at: tomorrow }]);
    // a second writer (its own journal) sees that review, then corrects it with a right clock
    const later = await WorkspaceStore.open(root, 'default');
    submitReviews(later, [key], { verdict: 'eval-wrong' }, 'second-look');
    assert.notEqual(later.writerId, fast.writerId);
    const decided = (s: WorkspaceStore) => valuesOf(s.database, 'SELECT verdict, reviewer FROM items WHERE case_key = ?', [key])[0];
    assert.deepEqual(decided(later), ['eval-wrong', 'second-look']);
    fast.catchUp();
    assert.deepEqual(decided(fast), ['eval-wrong', 'second-look'], 'the fast writer agrees once it catches up');
    fast.close();
    later.close();
    // and a rebuild from the journals alone decides the same
    fast = await WorkspaceStore.open(root, 'default');
    try {
      fast.rebuild('test');
      assert.deepEqual(decided(fast), ['eval-wrong', 'second-look']);
      const future = checkWorkspace(fast).findings.find((f) => /dated in the future/.test(f.what));
      assert.ok(future && future.severity === 'warning', 'doctor flags the event dated tomorrow');
    } finally {
      fast.close();
    }
  });

  it('a damaged line costs only the event it hit, and a gap in a writer sequence is reported', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    await captureFile(store, FIXTURE);
    const keys = listItems(store.database, { limit: 0 }).map((i) => i.caseKey);
    for (const key of keys.slice(0, 3)) submitReviews(store, [key], { verdict: 'discard' }, 'ana');
    store.close();
    const dir = journalDirOf(root);
    const file = readdirSync(dir).find((f) => f.endsWith('.jsonl'))!;
    const lines = readFileSync(join(dir, file), 'utf8').trimEnd().split('\n');
    const n = lines.length;
    // the last-but-one review loses its end and its newline: it is glued onto the last review
    const damaged = [...lines.slice(0, n - 2), lines[n - 2]!.slice(0, 40) + lines[n - 1]!, ''].join('\n');
    writeFileSync(join(dir, file), damaged);
    const chunk = readJournal(dir, file, 0, 1);
    assert.equal(chunk.events.length, n - 1, 'only the damaged event is lost');
    assert.equal(chunk.events.at(-1)!.seq, n - 1, 'the event after the damage is read');
    assert.match(chunk.problems[0]?.reason ?? '', /damaged line: .*1 event after the damage recovered/);
    const report = inspectJournal(dir, file);
    assert.deepEqual(
      report.gaps.map((g) => [g.after, g.next]),
      [[n - 3, n - 1]],
    );
  });

  it('a damaged lock dated in the future does not block its slot', async () => {
    const root = tempDir();
    const dir = journalDirOf(root);
    const store = await WorkspaceStore.open(root, 'default');
    store.close();
    const slot = writerBase(join(root, '.evalloop/default'));
    const lock = join(dir, `${slot}.lock`);
    writeFileSync(lock, '');
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    utimesSync(lock, tomorrow, tomorrow);
    const writer = JournalWriter.open(dir);
    try {
      assert.equal(writer.writerId, slot);
    } finally {
      writer.close();
    }
  });
});

// Bulk verdicts on a workspace that a capture task left behind (every item a gradable
// failure), in one process; each step's time runs to the events being durable:
//   baseline     — serialising as many review events and appending them with one fsync
//   review       — `evalloop review <every id> --verdict model-wrong`: ids resolved, one append
//   undo         — one undo taking that whole verdict back
//   autoGrade    — `evalloop grade --auto` over every item waiting
//   accept       — the panel's "Accept auto-graded" for every auto-graded item, then its undo (u)
// Prints one JSON line.
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { autoGrade } from '../src/core/grading/autoGrade';
import { acceptAutoVerdicts, submitReviews, undoEvents } from '../src/core/review/reviewActions';
import { countItems, keptCounts, listItems, requireItemRefs } from '../src/core/store/storeQueries';
import { WorkspaceStore } from '../src/core/store/workspaceStore';

const now = () => performance.now();

/** Wall and CPU seconds of a step: on a shared machine the CPU time says more than the wall time. */
async function timed<T>(work: () => T | Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const t = now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (now() - t) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

function baselineAppend(root: string, caseKeys: string[]): void {
  const file = join(root, 'baseline.jsonl');
  const at = new Date().toISOString();
  const text = caseKeys.map((caseKey, seq) => `${JSON.stringify({ v: 1, seq, at, actor: 'bench', type: 'review', caseKey, verdict: 'model-wrong', reviewer: 'bench', correction: 'the right sum', lc: seq + 1 })}\n`).join('');
  const fd = openSync(file, 'w');
  writeSync(fd, Buffer.from(text));
  fsyncSync(fd);
  closeSync(fd);
  rmSync(file);
}

function expectState(store: WorkspaceStore, state: string, n: number, step: string): void {
  const got = keptCounts(store.database).get(`state:${state}`) ?? 0;
  if (got !== n) throw new Error(`after ${step}: ${got} items ${state}, expected ${n}`);
}

async function main(): Promise<void> {
  const root = process.argv[2];
  if (!root) throw new Error('usage: bulkTasks <root>');
  const store = await WorkspaceStore.open(root, 'bench');
  const items = countItems(store.database);
  const all = listItems(store.database, {});
  const ids = all.map((i) => i.id);
  const { seconds, cpuSeconds } = await timed(() =>
    baselineAppend(
      root,
      all.map((i) => i.caseKey),
    ),
  );
  const baseline = { seconds, cpuSeconds };

  const review = await timed(() => {
    const keys = requireItemRefs(store.database, ids).map((i) => i.caseKey);
    return submitReviews(store, keys, { verdict: 'model-wrong', correction: 'the right sum' }, 'bench');
  });
  expectState(store, 'reviewed', items, 'review');
  const undo = await timed(() => undoEvents(store, review.value));
  expectState(store, 'new', items, 'undo');
  const grade = await timed(() => autoGrade(store, []));
  if (grade.value.decided !== items) throw new Error(`auto-grade decided ${grade.value.decided} of ${items}`);
  const accept = await timed(() => acceptAutoVerdicts(store, ids, 'bench'));
  expectState(store, 'reviewed', items, 'accept');
  const acceptUndo = await timed(() => undoEvents(store, accept.value));
  expectState(store, 'auto-graded', items, 'undo of accept');
  const steps = Object.fromEntries(Object.entries({ review, undo, autoGrade: grade, accept, acceptUndo }).map(([name, r]) => [name, { seconds: r.seconds, cpuSeconds: r.cpuSeconds }]));
  store.close();
  process.stdout.write(`${JSON.stringify({ items, baseline, ...steps, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});

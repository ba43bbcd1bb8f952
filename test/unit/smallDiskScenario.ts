// Run by smallDisk.test.ts inside `unshare -Urm` (a private mount namespace where the
// process may mount): puts a workspace on a 1 MB tmpfs, fills the disk, then makes the
// file system read-only, and prints what the CLI and the store did at each step as JSON
// on stdout. The test asserts on that; this file only observes.
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { submitReviews } from '../../src/core/review/reviewActions';
import { readJournal } from '../../src/core/store/journalReader';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, fillDisk, REPO_ROOT } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const ws = process.argv[2]!;

function sh(cmd: string, ...args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
}

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--root', ws], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const journalDir = join(ws, '.evalloop/default/journal');
const journalFile = () =>
  join(
    journalDir,
    readdirSync(journalDir).find((f) => f.endsWith('.jsonl'))!,
  );
const journalBytes = () => readFileSync(journalFile()).toString('base64');
const filler = join(ws, 'filler.bin');

/** Gives back `bytes` of the filler, so the disk has about that much room. */
function freeSome(bytes: number): void {
  const fd = openSync(filler, 'r+');
  ftruncateSync(fd, Math.max(0, fstatSync(fd).size - bytes));
  closeSync(fd);
}

async function main() {
  mkdirSync(ws, { recursive: true });
  sh('mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', ws);
  const out: Record<string, unknown> = {};

  // a workspace with a capture and a review, saved while there was room
  out.setup = { capture: cli('capture', join(FIXTURES, 'junit/junit.fail.xml')) };
  const firstId = JSON.parse(cli('list', '--json').stdout)[0].id as string;
  out.setup = { ...(out.setup as object), review: cli('review', firstId, '--verdict', 'model-wrong', '--correction', 'fixed') };
  const savedJournal = journalBytes();

  // the disk is full
  fillDisk(filler);
  out.full = {
    capture: cli('capture', join(FIXTURES, 'promptfoo/sample-export.json')),
    review: cli('review', firstId, '--verdict', 'discard'),
    doctor: cli('doctor', '--json'),
    status: cli('status', '--json'),
    journalUnchanged: journalBytes() === savedJournal,
  };

  // room for part of an event, not all of it: the append fails, and the partial bytes must
  // not glue the next event onto a torn line
  rmSync(filler);
  fillDisk(filler);
  freeSome(8 * 1024);
  const store = await WorkspaceStore.open(ws, 'default');
  const key = listItems(store.database)[0]!.caseKey;
  const sizeBefore = fstatSync(openSync(journalFile(), 'r')).size;
  let failure = '';
  try {
    submitReviews(store, [key], { verdict: 'model-wrong', correction: 'long correction '.repeat(4000) }, 'ana');
  } catch (error) {
    failure = (error as Error).message;
  }
  const sizeAfterFailure = fstatSync(openSync(journalFile(), 'r')).size;
  rmSync(filler);
  const retried = submitReviews(store, [key], { verdict: 'eval-wrong' }, 'ana');
  store.close();
  const chunk = readJournal(journalDir, journalFile().slice(journalDir.length + 1), 0, 1);
  out.partial = {
    failure,
    sizeBefore,
    sizeAfterFailure,
    retried,
    journalProblems: chunk.problems,
    lastEvent: chunk.events.at(-1),
    events: chunk.events.length,
  };

  // afterwards there is room again: the capture that failed goes through
  out.recovered = { capture: cli('capture', join(FIXTURES, 'promptfoo/sample-export.json')), status: cli('status', '--json') };

  // a read-only file system, with an index that is behind the journals (so closing wants to save it)
  rmSync(join(ws, '.evalloop/default/index.sqlite'));
  const beforeReadOnly = journalBytes();
  sh('mount', '-o', 'remount,ro', ws);
  out.readOnly = {
    status: cli('status', '--json'),
    list: cli('list', '--json'),
    capture: cli('capture', join(FIXTURES, 'deepeval/test_run_sample.json')),
    review: cli('review', firstId, '--verdict', 'discard'),
    doctor: cli('doctor', '--json'),
    journalUnchanged: journalBytes() === beforeReadOnly,
  };
  process.stdout.write(JSON.stringify(out));
}

main().then(
  () => spawnSync('umount', [ws]),
  (error: unknown) => {
    spawnSync('umount', [ws]);
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);

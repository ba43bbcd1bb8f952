// Push and pull against an S3-protocol server on 127.0.0.1 (the tests' s3rver), timed
// beside Debian's `aws s3 sync` of the same `.evalloop/` folder to the same server in
// the same run: the first sync of a workspace of N captured failures with a review each
// (about N + a few hundred events, their blobs), then an incremental sync after 1,000
// more reviews. Ours and the baseline both run as processes, as a user runs them.
// Usage: node --import tsx bench/remoteBench.ts <workspace root made by captureTask>
// Prints one JSON line; `aws` is null when /usr/bin/aws is not installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { submitReviews } from '../src/core/review/reviewActions';
import { listItems } from '../src/core/store/storeQueries';
import { WorkspaceStore } from '../src/core/store/workspaceStore';
import { awsEnv, BUCKET, startS3Server } from '../test/unit/remoteSupport';

const CLI = join(__dirname, '../dist/cli.js');
const AWS = '/usr/bin/aws';
const WORKSPACE = 'bench';

function timed(program: string, args: string[], env: NodeJS.ProcessEnv): number {
  const t = performance.now();
  const r = spawnSync(program, args, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return (performance.now() - t) / 1000;
}

/** Events in a workspace's journals (its own and those pulled): one per line. */
function journalEvents(root: string): number {
  const dir = join(root, '.evalloop', WORKSPACE, 'journal');
  let n = 0;
  for (const f of readdirSync(dir)) if (f.endsWith('.jsonl')) for (const b of readFileSync(join(dir, f))) if (b === 10) n++;
  return n;
}

/** Reviews `n` items of the workspace (those not reviewed yet first), as one append. */
async function review(root: string, n: number, verdict: 'model-wrong' | 'eval-wrong'): Promise<number> {
  const store = await WorkspaceStore.open(root, WORKSPACE);
  try {
    const keys = listItems(store.database, {})
      .slice(0, n)
      .map((i) => i.caseKey);
    submitReviews(store, keys, { verdict }, 'bench');
  } finally {
    store.close();
  }
  return journalEvents(root);
}

async function main(): Promise<void> {
  const root = process.argv[2];
  if (!root) throw new Error('usage: remoteBench <root>');
  const server = await startS3Server();
  const scratch = mkdtempSync(join(tmpdir(), 'evalloop-remote-bench-'));
  const env = awsEnv({ AWS_MAX_ATTEMPTS: '3' });
  const ours = (dir: string, ...args: string[]) => timed(process.execPath, [CLI, '--root', dir, '--workspace', WORKSPACE, ...args], env);
  // the AWS CLI takes an empty AWS_PROFILE for a profile's name
  const awsCliEnv = { ...env };
  delete awsCliEnv.AWS_PROFILE;
  const aws = existsSync(AWS) ? (...args: string[]) => timed(AWS, ['--endpoint-url', server.endpoint, '--only-show-errors', 's3', 'sync', ...args], awsCliEnv) : undefined;
  try {
    const events = await review(root, Number.MAX_SAFE_INTEGER, 'model-wrong');
    const pulled = join(scratch, 'pulled');
    ours(root, 'remote', 'add', 'origin', `s3://${BUCKET}/ours`, '--endpoint', server.endpoint, '--no-probe');
    ours(pulled, 'remote', 'add', 'origin', `s3://${BUCKET}/ours`, '--endpoint', server.endpoint, '--no-probe');
    const folder = join(root, '.evalloop');
    const baselineDown = join(scratch, 'baseline-down');
    const first = {
      push: ours(root, 'push'),
      pull: ours(pulled, 'pull'),
      awsUp: aws?.(folder, `s3://${BUCKET}/baseline`) ?? null,
      awsDown: aws?.(`s3://${BUCKET}/baseline`, baselineDown) ?? null,
    };
    const eventsAfter = await review(root, 1000, 'eval-wrong');
    const incremental = {
      events: eventsAfter - events,
      push: ours(root, 'push'),
      pull: ours(pulled, 'pull'),
      awsUp: aws?.(folder, `s3://${BUCKET}/baseline`) ?? null,
      awsDown: aws?.(`s3://${BUCKET}/baseline`, baselineDown) ?? null,
    };
    // the pulled workspace holds what was pushed
    const pulledEvents = journalEvents(pulled);
    if (pulledEvents !== eventsAfter) throw new Error(`the pulled workspace has ${pulledEvents} events, the pushed one ${eventsAfter}`);
    process.stdout.write(`${JSON.stringify({ events, first, incremental })}\n`);
  } finally {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});

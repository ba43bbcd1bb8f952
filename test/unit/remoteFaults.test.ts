// Faults on the way to and from a remote: SIGKILL mid-push and mid-pull (then the
// command again: both sides consistent, nothing duplicated), an endpoint that is down,
// refused credentials and a missing bucket (one line naming the remote and the
// reason, while local capture goes on).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, tempDir } from './testSupport';
import { awsEnv, BUCKET, CLI, cliIn, startS3Server, type TestServer } from './remoteSupport';

/** A JSONL result file of `n` failing cases with long prompts: a journal of many chunks. */
function bigResults(dir: string, n: number): string {
  const file = join(dir, 'many.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(JSON.stringify({ id: `case-${i}`, prompt: `question ${i}: ${'why is the sky blue? '.repeat(20)}`, completion: `answer ${i}`, answer: `right ${i}`, correct: false }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * Runs the CLI and SIGKILLs it the moment `progressed()` first holds (polled every few
 * ms), so the kill lands mid-transfer however fast the machine is. Resolves true when
 * it was killed, false when it finished first.
 */
function killWhen(root: string, args: string[], env: NodeJS.ProcessEnv, progressed: () => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--root', root, ...args], { env, stdio: 'ignore' });
    const poll = setInterval(() => {
      if (child.exitCode === null && child.signalCode === null && progressed()) child.kill('SIGKILL');
    }, 3);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      resolve(signal === 'SIGKILL');
    });
  });
}

/** Bytes of the local journals of a workspace (0 before any). */
function journalBytes(root: string): number {
  const dir = join(root, '.evalloop/default/journal');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

function remoteChunks(server: TestServer, prefix: string): { name: string; start: number; end: number }[] {
  const dir = join(server.dir, BUCKET, prefix, 'journals');
  const out: { name: string; start: number; end: number }[] = [];
  for (const writer of readdirSync(dir)) {
    for (const f of readdirSync(join(dir, writer))) {
      const m = /^(\d{12})-(\d{12})-[0-9a-f]{16}\.jsonl\._S3rver_object$/.exec(f); // how s3rver stores an object
      if (m) out.push({ name: `${writer}/${f}`, start: Number(m[1]), end: Number(m[2]) });
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('remote faults', () => {
  let server: TestServer;
  before(async () => {
    server = await startS3Server();
  });
  after(() => server.stop());

  it('SIGKILL mid-push and mid-pull, then again: consistent on both sides, no event duplicated', async () => {
    const rootA = tempDir();
    const rootB = tempDir();
    const env = awsEnv({ EVALLOOP_REMOTE_CHUNK_BYTES: String(16 * 1024) });
    const a = cliIn(rootA, env);
    const b = cliIn(rootB, env);
    for (const cli of [a, b]) assert.equal(cli('remote', 'add', 'origin', `s3://${BUCKET}/kills`, '--endpoint', server.endpoint, '--no-probe').code, 0);
    assert.equal(a('capture', bigResults(rootA, 1500), '--format', 'jsonl', '--map', 'input=prompt,output=completion,expected=answer,pass=correct').code, 0);
    assert.equal(a('grade', '--auto').code, 0);
    // each push is killed once it has added a few chunks to the remote (the first run a chunk in)
    const remoteCount = () => (existsSync(join(server.dir, BUCKET, 'kills', 'journals')) ? remoteChunks(server, 'kills').length : 0);
    let killed = 0;
    for (const more of [1, 3, 3, 3]) {
      const start = remoteCount();
      if (await killWhen(rootA, ['push'], env, () => remoteCount() >= start + more)) killed++;
    }
    assert.ok(killed >= 2, `at least two pushes were killed mid-way (${killed})`);
    const done = a('push', '--json');
    assert.equal(done.code, 0, done.stderr);
    // the remote holds each byte of the journal once: chunks tile it without overlap
    const chunks = remoteChunks(server, 'kills').sort((x, y) => x.start - y.start);
    const journalFile = readdirSync(join(rootA, '.evalloop/default/journal')).find((f) => f.endsWith('.jsonl'))!;
    const journal = readFileSync(join(rootA, '.evalloop/default/journal', journalFile));
    assert.ok(chunks.length > 5, `${chunks.length} chunks`);
    let at = 0;
    for (const c of chunks) {
      assert.equal(c.start, at, `${c.name} starts where the previous ended`);
      at = c.end;
    }
    assert.equal(at, journal.length);

    // each pull is killed once the pulled journal has grown past the next quarter of it
    let pullsKilled = 0;
    for (const part of [0.1, 0.35, 0.6, 0.85]) {
      if (await killWhen(rootB, ['pull'], env, () => journalBytes(rootB) >= part * journal.length)) pullsKilled++;
    }
    assert.ok(pullsKilled >= 2, `at least two pulls were killed mid-way (${pullsKilled})`);
    assert.equal(b('pull').code, 0);
    assert.ok(readFileSync(join(rootB, '.evalloop/default/journal', journalFile)).equals(journal), 'the pulled journal is byte for byte the pushed one');
    const sa = a('status', '--json').json();
    const sb = b('status', '--json').json();
    for (const k of ['items', 'byState', 'runs', 'cases', 'failures']) assert.deepEqual(sb[k], sa[k], k);
    assert.equal(sb.items, 1500);
    // counted once: the same after a rebuild from the journals alone, and doctor finds every blob
    const doctor = b('doctor', '--rebuild', '--json');
    assert.equal(doctor.code, 0, doctor.stdout);
    assert.deepEqual(b('status', '--json').json().byState, sa.byState);
  });

  it('an endpoint that is down is one line naming the remote and the reason; capture goes on', async () => {
    const root = tempDir();
    const cli = cliIn(root);
    const port = await freePort();
    assert.equal(cli('remote', 'add', 'ci', `s3://${BUCKET}/down`, '--endpoint', `http://127.0.0.1:${port}`, '--no-probe').code, 0);
    assert.equal(cli('capture', join(FIXTURES, 'junit/junit.fail.xml')).code, 0);
    for (const command of ['push', 'pull', 'sync']) {
      const r = cli(command);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^evalloop: remote ci \(s3:\/\/evalloop-test\/down\): cannot reach http:\/\/127\.0\.0\.1:\d+/);
    }
    const added = cli('remote', 'add', 'other', `s3://${BUCKET}/down`, '--endpoint', `http://127.0.0.1:${port}`);
    assert.equal(added.code, 3, 'adding probes the remote');
    assert.match(added.stderr, /remote other .*cannot reach/);
    assert.equal(cli('capture', join(FIXTURES, 'promptfoo/sample-export.json')).code, 0);
    assert.ok(cli('status', '--json').json().items > 1);
  });

  it('refused credentials and a missing bucket are one line each', () => {
    const root = tempDir();
    const good = cliIn(root);
    assert.equal(good('remote', 'add', 'origin', `s3://${BUCKET}/creds`, '--endpoint', server.endpoint).code, 0);
    assert.equal(good('capture', join(FIXTURES, 'junit/junit.fail.xml')).code, 0);
    // (s3rver checks the access key id; it does not recompute SigV4 signatures, so a wrong secret passes there)
    const bad = cliIn(root, awsEnv({ AWS_ACCESS_KEY_ID: 'NOBODY' }))('push');
    assert.equal(bad.code, 3);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr, /^evalloop: remote origin \(s3:\/\/evalloop-test\/creds\): the credentials were refused \(InvalidAccessKeyId\)/);
    const none = cliIn(root, awsEnv({ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }))('push');
    assert.equal(none.code, 3);
    assert.match(none.stderr, /remote origin .*no AWS credentials found/);
    assert.equal(good('remote', 'add', 'gone', 's3://no-such-bucket/x', '--endpoint', server.endpoint, '--no-probe').code, 0);
    const missing = good('push', '--remote', 'gone');
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /remote gone \(s3:\/\/no-such-bucket\/x\): bucket "no-such-bucket" does not exist/);
    // nothing of it reached the remote or changed the workspace
    assert.equal(good('push').code, 0);
  });
});

// Two machines (two roots, two writers) sharing one queue through an S3-protocol
// server on 127.0.0.1: capture, review, push and pull in turns end with the exact
// union everywhere, and nothing is pulled or counted twice.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, tempDir } from './testSupport';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { BUCKET, cliIn, startS3Server, type TestServer } from './remoteSupport';

function journals(root: string): Map<string, Buffer> {
  const dir = join(root, '.evalloop/default/journal');
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

function queueOf(cli: ReturnType<typeof cliIn>) {
  const items = cli('list', '--json', '--limit', '0').json() as { id: string; state: string; caseKey: string }[];
  return items.map((i) => `${i.id} ${i.state}`).sort();
}

/** Every item's state and deciding verdict, read from the index the CLI left behind. */
async function verdictsOf(root: string): Promise<string[]> {
  const store = await WorkspaceStore.open(root, 'default');
  try {
    const rows = store.database.exec('SELECT id, state, verdict, reviewer FROM items ORDER BY id')[0]?.values ?? [];
    return rows.map((r) => r.map((v) => String(v ?? '')).join(' '));
  } finally {
    store.close();
  }
}

describe('a queue shared through a bucket', () => {
  let server: TestServer;
  before(async () => {
    server = await startS3Server();
  });
  after(() => server.stop());

  it('two machines capture, review, push and pull in turns and end with the exact union', async () => {
    const rootA = tempDir();
    const rootB = tempDir();
    const a = cliIn(rootA);
    const b = cliIn(rootB);
    const url = `s3://${BUCKET}/union`;
    const added = a('remote', 'add', 'origin', url, '--endpoint', server.endpoint, '--json');
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.json().added.conditionalWrites, false, 's3rver ignores If-None-Match');
    assert.equal(b('remote', 'add', 'origin', url, '--endpoint', server.endpoint).code, 0);

    // machine A captures and pushes; B captures something else, pulls, reviews one of A's and pushes
    assert.equal(a('capture', join(FIXTURES, 'junit/junit.fail.xml')).code, 0);
    assert.equal(a('push').code, 0);
    assert.equal(b('capture', join(FIXTURES, 'promptfoo/sample-export.json')).code, 0);
    const pulled = b('pull', '--json');
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.ok(pulled.json().pulled.journals.events > 0);
    assert.ok(pulled.json().index.newItems > 0, 'pulled failures are new items in B');
    const fromA = (b('list', '--json', '--limit', '0').json() as { id: string; caseKey: string }[]).find((i) => i.caseKey.startsWith('junit/'))!;
    assert.equal(b('review', fromA.id, '--verdict', 'model-wrong', '--correction', 'fixed by B', '--reviewer', 'bea').code, 0);
    assert.equal(b('push').code, 0);

    // A pulls, reviews one of B's and the same item again (a later verdict), captures more, pushes
    assert.equal(a('pull').code, 0);
    const fromB = (a('list', '--json', '--limit', '0').json() as { id: string; caseKey: string }[]).find((i) => i.caseKey.startsWith('promptfoo/'))!;
    assert.equal(a('review', fromB.id, '--verdict', 'eval-wrong', '--reviewer', 'abe').code, 0);
    assert.equal(a('review', fromA.id, '--verdict', 'discard', '--reviewer', 'abe').code, 0);
    assert.equal(a('capture', join(FIXTURES, 'mlflow/eval_results_table.json')).code, 0);
    assert.equal(a('sync').code, 0);
    assert.equal(b('sync').code, 0);
    assert.equal(a('pull').code, 0);

    // the same journals, byte for byte, and the same queue, states and verdicts
    const ja = journals(rootA);
    const jb = journals(rootB);
    assert.deepEqual([...ja.keys()].sort(), [...jb.keys()].sort());
    assert.equal(ja.size, 2, 'one journal per machine');
    for (const [file, bytes] of ja) assert.ok(bytes.equals(jb.get(file)!), `${file} differs`);
    assert.deepEqual(queueOf(a), queueOf(b));
    const va = await verdictsOf(rootA);
    assert.deepEqual(va, await verdictsOf(rootB));
    assert.ok(va.includes(`${fromA.id} reviewed discard abe`), "A's later verdict stands on both machines");
    assert.ok(va.includes(`${fromB.id} reviewed eval-wrong abe`));
    const sa = a('status', '--json').json();
    const sb = b('status', '--json').json();
    for (const k of ['items', 'byState', 'runs', 'cases', 'failures']) assert.deepEqual(sa[k], sb[k], k);
    // each event counted once: a rebuild from the journals alone gives the same counts, and nothing is pulled again
    assert.equal(b('doctor', '--rebuild').code, 0);
    assert.deepEqual(b('status', '--json').json().byState, sb.byState);
    const again = b('pull', '--json').json();
    assert.equal(again.pulled.journals.events, 0);
    assert.equal(again.index.events, 0);
  });

  it('a pull killed part-way through appending a chunk is completed, not repeated, by the next pull', () => {
    const a = cliIn(tempDir());
    const b = cliIn(tempDir());
    const url = `s3://${BUCKET}/torn`;
    for (const cli of [a, b]) assert.equal(cli('remote', 'add', 'origin', url, '--endpoint', server.endpoint).code, 0);
    assert.equal(a('capture', join(FIXTURES, 'promptfoo/sample-export.json'), join(FIXTURES, 'junit/junit.fail.xml')).code, 0);
    assert.equal(a('push').code, 0);
    assert.equal(b('pull').code, 0);
    const rootB = b('status', '--json').json().root as string;
    const [file, whole] = [...journals(rootB)][0]!;
    const path = join(rootB, '.evalloop/default/journal', file);
    const countsBefore = b('status', '--json').json();
    // as if the pull had been killed mid-write: the file holds a prefix of the chunk, cut inside a line
    for (const cut of [Math.floor(whole.length / 3), whole.indexOf(10) + 1, whole.length - 5]) {
      truncateSync(path, cut);
      writeFileSync(join(rootB, '.evalloop/default/local/remote-origin.json'), '{}'); // and its state lost
      const again = b('pull', '--json');
      assert.equal(again.code, 0, again.stderr);
      assert.equal(statSync(path).size, whole.length);
      assert.ok(readFileSync(path).equals(whole), `the journal is whole again after a cut at ${cut}`);
    }
    const after = b('status', '--json').json();
    for (const k of ['items', 'byState', 'runs', 'cases', 'failures']) assert.deepEqual(after[k], countsBefore[k], k);
    assert.equal(b('doctor').code, 0);
  });
});

// One number, one version, on a shared remote: two snapshotters racing (real
// processes) end with distinct numbers and one lineage, on a store that ignores
// conditional writes (the claim rule alone) and on one that honours them; the one
// that lost is told in one line and its version is renumbered before it is published.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CorpusLayout } from '../../src/core/corpus/corpusLayout';
import { FIXTURES, tempDir } from './testSupport';
import { awsEnv, BUCKET, CLI, cliIn, startS3Server, type TestServer } from './remoteSupport';

function runAsync(root: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--root', root, ...args], { env: awsEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.stop())));

for (const conditional of [false, true]) {
  describe(`version numbers on a store ${conditional ? 'that honours' : 'that ignores'} conditional writes`, () => {
    it('two snapshotters racing end with distinct numbers and one lineage; the loser is told in one line', async () => {
      const server = await startS3Server({ conditional });
      servers.push(server);
      const rootA = tempDir();
      const rootB = tempDir();
      const a = cliIn(rootA);
      const b = cliIn(rootB);
      const url = `s3://${BUCKET}/race`;
      const added = a('remote', 'add', 'origin', url, '--endpoint', server.endpoint, '--json');
      assert.equal(added.json().added.conditionalWrites, conditional, 'the probe tells the two stores apart');
      assert.equal(b('remote', 'add', 'origin', url, '--endpoint', server.endpoint).code, 0);

      // a common v0001, then each machine reviews something of its own and snapshots v0002 locally
      assert.equal(a('capture', FIXTURES).code, 0);
      const items = a('list', '--json', '--limit', '0').json() as { id: string; caseKey: string }[];
      assert.equal(a('review', items[0]!.id, '--verdict', 'eval-wrong').code, 0);
      assert.equal(a('snapshot').code, 0);
      assert.equal(a('push').code, 0);
      assert.equal(b('pull').code, 0);
      assert.equal(a('review', items[1]!.id, '--verdict', 'model-wrong', '--correction', 'from A').code, 0);
      assert.equal(b('review', items[2]!.id, '--verdict', 'model-wrong', '--correction', 'from B').code, 0);
      assert.equal(a('snapshot', '--json').json().version, 'v0002');
      assert.equal(b('snapshot', '--json').json().version, 'v0002');

      const [ra, rb] = await Promise.all([runAsync(rootA, ['push', '--json']), runAsync(rootB, ['push', '--json'])]);
      assert.equal(ra.code, 0, ra.stderr);
      assert.equal(rb.code, 0, rb.stderr);
      const [va, vb] = [ra, rb].map((r) => JSON.parse(r.stdout).pushed.corpus.versions as string[]);
      assert.equal(va!.length, 1);
      assert.equal(vb!.length, 1);
      assert.notEqual(va![0], vb![0], 'distinct numbers');
      // the claim rule alone may leave a number without holder when both claim it at once (readers skip it)
      const [first, second] = [va![0]!, vb![0]!].sort();
      if (conditional) assert.deepEqual([first, second], ['v0002', 'v0003']);
      const loser = va![0] === second ? ra : rb;
      const told = (JSON.parse(loser.stdout).notices as string[]).filter((l) => l.includes('taken'));
      assert.equal(told.length, 1, loser.stdout);
      assert.match(told[0]!, /^v0002 was taken on remote origin \(s3:\/\/evalloop-test\/race\) by another snapshot; yours (is published as|\(not yet published\) is now) v\d{4}$/);
      assert.ok(told[0]!.endsWith(second!), told[0]);

      // after pulling, both machines hold the same three versions: one lineage, verified
      assert.equal(a('pull').code, 0);
      assert.equal(b('pull').code, 0);
      for (const root of [rootA, rootB]) {
        const layout = new CorpusLayout(join(root, 'corpus'));
        assert.deepEqual(layout.versions(), ['v0001', first, second]);
        assert.deepEqual(
          layout.versions().map((v) => [layout.manifest(v).version, layout.manifest(v).parent]),
          [
            ['v0001', null],
            [first, 'v0001'],
            [second, first],
          ],
          'one lineage: each version names the one published before it',
        );
      }
      const manifestsA = new CorpusLayout(join(rootA, 'corpus')).versions().map((v) => JSON.stringify(new CorpusLayout(join(rootA, 'corpus')).manifest(v)));
      const manifestsB = new CorpusLayout(join(rootB, 'corpus')).versions().map((v) => JSON.stringify(new CorpusLayout(join(rootB, 'corpus')).manifest(v)));
      assert.deepEqual(manifestsA, manifestsB, 'the same versions, byte for byte, on both machines');
      for (const cli of [a, b]) assert.equal(cli('verify').code, 0);

      // a trainer reads a version where it is: the segments' object URLs, in order, hold exactly its records
      const urls = b('export', second!, '--format', 'sft', '--urls').stdout.trim().split('\n');
      const records = b('export', second!, '--format', 'sft').stdout;
      assert.ok(urls.length >= 1 && urls.every((u) => u.startsWith(`${url}/corpus/segments/sft/`)), urls.join('\n'));
      const fromBucket = urls.map((u) => readFileSync(join(server.dir, BUCKET, `${u.slice(`s3://${BUCKET}/`.length)}._S3rver_object`), 'utf8')).join('');
      assert.equal(fromBucket, records);
    });
  });
}

// What killed processes leave behind (temp files, corpus build folders) is reported by
// `evalloop doctor` and removed once no process can still be writing it: old enough,
// and its process, where its name says which, no longer running. A write still in
// progress (young, or its process alive) is never removed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { cliSync, reviewedWorkspace } from './corpusSupport';

/** The host part src/core/store/unfinishedWrites.ts puts in the names it makes. */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
const DEAD_PID = 2 ** 22 + 999; // above Linux's highest pid: no such process

interface Finding {
  severity: string;
  where: string;
  what: string;
  fix?: string;
}

function plant(path: string, folder: boolean, minutesAgo: number): void {
  mkdirSync(folder ? path : dirname(path), { recursive: true });
  const file = folder ? join(path, 'manifest.json') : path;
  writeFileSync(file, '{"partial":');
  const then = new Date(Date.now() - minutesAgo * 60_000);
  utimesSync(file, then, then);
  if (folder) utimesSync(path, then, then);
}

describe('unfinished writes', () => {
  it('doctor reports what killed writes left, removes what is abandoned, and leaves live writes alone', async () => {
    const root = await reviewedWorkspace(4);
    assert.equal(cliSync(root, 'snapshot').code, 0);
    const ws = join(root, '.evalloop/default');
    const corpus = join(root, 'corpus');
    const abandoned = {
      versionBuild: join(corpus, 'versions', `.build-${HOST_TAG}-${DEAD_PID}-aaaaaaaaaaaa`),
      sliceBuild: join(corpus, 'slices/held-out', `.build-${HOST_TAG}-${DEAD_PID}-bbbbbbbbbbbb`),
      blobTemp: join(ws, 'blobs/ab', `.${HOST_TAG}-${DEAD_PID}-cccccccccccc.tmp`),
      // names written before the owner was part of them: age alone decides
      segmentTemp: join(corpus, 'segments/sft', '.0123456789ab.tmp'),
      journalTemp: join(ws, 'journal', `someone@host.lock.${DEAD_PID}.abcd1234.tmp`),
    };
    for (const [name, path] of Object.entries(abandoned)) plant(path, name.endsWith('Build'), 60);
    // this test's own process is alive: its old build folder is a live write
    const live = join(corpus, 'versions', `.build-${HOST_TAG}-${process.pid}-dddddddddddd`);
    plant(live, true, 60);
    // a write killed a moment ago, or still going on another machine: too young to judge
    const young = join(ws, `.${HOST_TAG}-${DEAD_PID}-eeeeeeeeeeee.tmp`);
    plant(young, false, 1);

    const first = cliSync(root, 'doctor', '--json');
    assert.equal(first.code, 0, `warnings, not errors: ${first.stdout}${first.stderr}`);
    const findings = JSON.parse(first.stdout).findings as Finding[];
    for (const [name, path] of Object.entries(abandoned)) {
      const finding = findings.find((f) => f.where === path);
      assert.ok(finding, `${name} is reported: ${first.stdout}`);
      assert.equal(finding.severity, 'warning');
      assert.match(finding.what, /stopped mid-write \(last changed 60 minutes ago\): removed$/, name);
      assert.ok(finding.fix, `${name}: the finding says what to do`);
      assert.ok(!existsSync(path), `${name} is removed`);
    }
    assert.match(findings.find((f) => f.where === abandoned.blobTemp)!.what, new RegExp(`process ${DEAD_PID}, no longer running`));
    const held = findings.find((f) => f.where === live);
    assert.ok(held, 'the live build folder is reported');
    assert.match(held.what, new RegExp(`still held by process ${process.pid}, which is running`));
    assert.match(held.fix ?? '', /let that process finish/);
    assert.ok(existsSync(join(live, 'manifest.json')), 'the live build folder is left alone');
    assert.ok(!findings.some((f) => f.where === young), 'a young temp file is not reported');
    assert.ok(existsSync(young), 'a young temp file is left alone');
    assert.equal(findings.length, Object.keys(abandoned).length + 1, first.stdout);

    const second = JSON.parse(cliSync(root, 'doctor', '--json').stdout).findings as Finding[];
    assert.deepEqual(
      second.map((f) => f.where),
      [live],
      'once removed, abandoned writes are not reported again',
    );
    assert.deepEqual(JSON.parse(cliSync(root, 'verify', '--json').stdout).violations, []);
  });
});

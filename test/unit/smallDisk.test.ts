// A full disk and a read-only file system, for real: smallDiskScenario.ts puts a
// workspace on a 1 MB tmpfs inside a private mount namespace (`unshare -Urm`, which
// needs no privileges where user namespaces are on, and works as root), fills it, then
// remounts it read-only. Every refused write must say which file and why, change
// nothing that was saved, and leave the journal whole for the next write.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { REPO_ROOT, tempDir } from './testSupport';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
interface Observations {
  setup: { capture: Run; review: Run };
  full: { capture: Run; review: Run; doctor: Run; status: Run; journalUnchanged: boolean };
  partial: { failure: string; sizeBefore: number; sizeAfterFailure: number; retried: string[]; journalProblems: unknown[]; lastEvent: { verdict: string; seq: number }; events: number };
  recovered: { capture: Run; status: Run };
  readOnly: { status: Run; list: Run; capture: Run; review: Run; doctor: Run; journalUnchanged: boolean };
}

let seen: Observations;

before(() => {
  const ws = join(tempDir(), 'ws');
  const r = spawnSync('unshare', ['-Urm', process.execPath, '--import', 'tsx', join(REPO_ROOT, 'test/unit/smallDiskScenario.ts'), ws], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 120_000 });
  assert.equal(r.status, 0, `the scenario needs unshare with user namespaces (util-linux): ${r.stderr || r.error?.message}`);
  seen = JSON.parse(r.stdout) as Observations;
  assert.equal(seen.setup.capture.code, 0, seen.setup.capture.stderr);
  assert.equal(seen.setup.review.code, 0, seen.setup.review.stderr);
});

describe('a full disk', () => {
  it('a capture fails naming the file it could not write and the reason, and changes nothing', () => {
    assert.equal(seen.full.capture.code, 1);
    assert.match(seen.full.capture.stderr, /^evalloop: cannot write \/\S+\/\.evalloop\/default\/\S+: the disk is full \(ENOSPC\); everything saved before it is intact/m);
    assert.doesNotMatch(seen.full.capture.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(seen.full.journalUnchanged, true);
  });

  it('a review fails the same way; what was saved still reads', () => {
    assert.equal(seen.full.review.code, 1);
    assert.match(seen.full.review.stderr, /cannot write \S+: the disk is full \(ENOSPC\)/);
    assert.equal(seen.full.status.code, 0, seen.full.status.stderr);
    const status = JSON.parse(seen.full.status.stdout) as { items: number; byState: Record<string, number> };
    assert.deepEqual([status.items, status.byState.reviewed], [1, 1]);
  });

  it('doctor names the journal folder, the disk being full, and what to do', () => {
    assert.equal(seen.full.doctor.code, 1);
    const findings = (JSON.parse(seen.full.doctor.stdout) as { findings: { severity: string; where: string; what: string; fix?: string }[] }).findings;
    const refused = findings.find((f) => f.severity === 'error' && f.where.endsWith('/.evalloop/default/journal'));
    assert.ok(refused, JSON.stringify(findings));
    assert.match(refused.what, /the disk is full \(ENOSPC\): captures and reviews cannot be saved/);
    assert.match(refused.fix ?? '', /free disk space/);
    assert.ok(
      findings.some((f) => f.severity === 'warning' && /MB free on this disk/.test(f.what)),
      'low free space is reported',
    );
  });

  it('an append that fits only in part is cut back, and the next event is whole', () => {
    const p = seen.partial;
    assert.match(p.failure, /cannot write \S+\.jsonl: the disk is full \(ENOSPC\)/);
    assert.equal(p.sizeAfterFailure, p.sizeBefore, 'the partial bytes were removed');
    assert.deepEqual(p.journalProblems, [], 'no torn or glued line');
    assert.equal(p.lastEvent.verdict, 'eval-wrong');
    assert.equal(p.retried.length, 1);
    assert.ok(p.retried[0]!.endsWith(`:${p.lastEvent.seq}`), 'the retried review is the last event');
    assert.equal(p.lastEvent.seq, p.events - 1, 'the failed append used no sequence number');
  });

  it('once there is room again, the same capture goes through', () => {
    assert.equal(seen.recovered.capture.code, 0, seen.recovered.capture.stderr);
    const status = JSON.parse(seen.recovered.status.stdout) as { items: number; byState: Record<string, number> };
    assert.deepEqual([status.items, status.byState.reviewed], [5, 1]);
  });
});

describe('a read-only file system', () => {
  it('status and list still work, even with an index that cannot be saved', () => {
    assert.equal(seen.readOnly.status.code, 0, seen.readOnly.status.stderr);
    assert.equal((JSON.parse(seen.readOnly.status.stdout) as { items: number }).items, 5);
    assert.equal(seen.readOnly.list.code, 0, seen.readOnly.list.stderr);
    assert.equal((JSON.parse(seen.readOnly.list.stdout) as unknown[]).length, 5);
  });

  it('capture and review fail with the file and "read-only", saying nothing saved is lost', () => {
    for (const run of [seen.readOnly.capture, seen.readOnly.review]) {
      assert.equal(run.code, 1);
      assert.match(run.stderr, /cannot write \/\S+: the file system is read-only \(EROFS\); everything saved before it is intact/);
      assert.match(run.stderr, /the index could not be saved \(.*read-only.*\); nothing is lost/);
      assert.doesNotMatch(run.stderr, /ENOENT|\n\s+at /);
    }
    assert.equal(seen.readOnly.journalUnchanged, true);
  });

  it('doctor says the journal folder refuses writes', () => {
    assert.equal(seen.readOnly.doctor.code, 1);
    assert.match(seen.readOnly.doctor.stdout, /the file system is read-only \(EROFS\): captures and reviews cannot be saved/);
  });
});

// Several processes capturing into one workspace at the same time lose nothing:
// each claims its own journal, and every index converges on the union.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listItems, occurrencesOf, storeStatus } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { writerBase } from '../../src/core/store/writerIdentity';
import { REPO_ROOT, tempDir } from './testSupport';

function generate(path: string, prefix: string, count: number): void {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(JSON.stringify({ success: i % 4 === 0, vars: { q: `${prefix}-${i}` }, prompt: { raw: `Q ${prefix}-${i}`, label: 'Q' }, provider: { id: 'm' }, response: { output: 'x'.repeat(200) }, testCase: {} }));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** Runs a TypeScript file of this repository in a child Node process and collects its output. */
function runScript(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, file), ...args], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const runCli = (args: string[]) => runScript('src/cli/main.ts', args);

/** A workspace whose first journal slot is locked by a process that no longer exists. */
async function workspaceWithDeadSlot(): Promise<{ root: string; journalDir: string; slot: string; deadLock: string }> {
  const root = tempDir();
  const journalDir = join(root, '.evalloop/default/journal');
  const store = await WorkspaceStore.open(root, 'default');
  store.close();
  const { hostname } = await import('node:os');
  const slot = writerBase(join(root, '.evalloop/default'));
  const deadLock = JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), startedAt: '' });
  writeFileSync(join(journalDir, `${slot}.lock`), deadLock);
  return { root, journalDir, slot, deadLock };
}

describe('concurrent writers', () => {
  it('two processes capturing different files at once end with the union', async () => {
    const root = tempDir();
    const a = join(root, 'a.jsonl');
    const b = join(root, 'b.jsonl');
    generate(a, 'a', 4000);
    generate(b, 'b', 4000);
    const results = await Promise.all([
      runCli(['capture', a, '--root', root, '--json']),
      runCli(['capture', b, '--root', root, '--json']),
      runCli(['capture', a, '--root', root, '--json']), // the same file as the first, at the same time
    ]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const journals = readdirSync(join(root, '.evalloop/default/journal')).filter((f) => f.endsWith('.jsonl'));
    // how many slots were used depends on how the three runs overlapped (a finished run frees its slot)
    assert.ok(journals.length >= 1 && journals.length <= 3, `${journals.length} journals`);
    assert.deepEqual(
      readdirSync(join(root, '.evalloop/default/journal')).filter((f) => f.endsWith('.lock')),
      [],
      'locks are released',
    );
    for (const j of journals) {
      for (const line of readFileSync(join(root, '.evalloop/default/journal', j), 'utf8')
        .trim()
        .split('\n'))
        JSON.parse(line);
    }
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const status = storeStatus(store.database);
      assert.equal(status.items, 6000, '3000 failures from each file');
      assert.equal(status.runs, 2);
      assert.equal(status.cases, 8000, 'the file captured twice is counted once');
      const item = listItems(store.database, { limit: 1 })[0]!;
      assert.equal(occurrencesOf(store.database, item.caseKey).length, 1, 'no duplicate occurrence from the double capture');
    } finally {
      store.close();
    }
  });

  it('four processes capturing and reviewing at once end with exactly the union of their events', async () => {
    const root = tempDir();
    const [a, b, c] = ['a', 'b', 'c'].map((p) => join(root, `${p}.jsonl`)) as [string, string, string];
    generate(a, 'a', 2000);
    generate(b, 'b', 2000);
    generate(c, 'c', 400);
    assert.equal((await runCli(['capture', c, '--root', root])).code, 0);
    const store0 = await WorkspaceStore.open(root, 'default');
    const ids = listItems(store0.database).map((i) => i.id);
    store0.close();
    assert.equal(ids.length, 300);
    const results = await Promise.all([runCli(['capture', a, '--root', root]), runCli(['review', ...ids.slice(0, 150), '--verdict', 'model-wrong', '--correction', 'right', '--root', root]), runCli(['capture', b, '--root', root]), runCli(['review', ...ids.slice(150), '--verdict', 'discard', '--root', root])]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const status = storeStatus(store.database);
      assert.equal(status.items, 300 + 1500 + 1500);
      assert.equal(status.byState.reviewed, 300);
      assert.equal(listItems(store.database, { verdict: 'model-wrong' }).length, 150);
      assert.equal(listItems(store.database, { verdict: 'discard' }).length, 150);
      assert.equal(Number(store.database.exec('SELECT COUNT(*) FROM reviews')[0]!.values[0]![0]), 300, 'each review once');
    } finally {
      store.close();
    }
  });

  it("two open stores write to two journals at once, and each sees the other's events", async () => {
    const root = tempDir();
    const a = join(root, 'a.jsonl');
    const b = join(root, 'b.jsonl');
    generate(a, 'a', 200);
    generate(b, 'b', 200);
    const { captureFile } = await import('../../src/core/capture/captureFile');
    const first = await WorkspaceStore.open(root, 'default');
    const second = await WorkspaceStore.open(root, 'default');
    try {
      // interleaved: both writers hold their slots at the same time
      await Promise.all([captureFile(first, a), captureFile(second, b)]);
      assert.notEqual(first.writerId, second.writerId);
      assert.equal(readdirSync(join(root, '.evalloop/default/journal')).filter((f) => f.endsWith('.jsonl')).length, 2);
      first.catchUp();
      second.catchUp();
      assert.equal(storeStatus(first.database).items, 300);
      assert.equal(storeStatus(second.database).items, 300);
    } finally {
      first.close();
      second.close();
    }
    const reopened = await WorkspaceStore.open(root, 'default');
    try {
      assert.equal(storeStatus(reopened.database).items, 300, 'whichever index was saved last, the journals fill in the rest');
    } finally {
      reopened.close();
    }
  });

  it('a writer that died holding its slot does not block the next one', async () => {
    const { root, journalDir, slot } = await workspaceWithDeadSlot();
    const a = join(root, 'a.jsonl');
    generate(a, 'z', 10);
    const r = await runCli(['capture', a, '--root', root]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      readdirSync(journalDir).filter((f) => f.endsWith('.jsonl')),
      [`${slot}.jsonl`],
      'the stale slot was taken over',
    );
  });

  it('a damaged lock is taken over only once it has stayed unreadable for a while (a lock being rewritten in place is not damaged)', async () => {
    const { JournalWriter } = await import('../../src/core/store/journalWriter');
    const { utimesSync } = await import('node:fs');
    const journalDir = join(tempDir(), 'journal');
    const first = JournalWriter.open(journalDir);
    const lock = first.file.replace(/\.jsonl$/, '.lock');
    first.append([{ type: 'review', caseKey: 'k/1', verdict: 'discard', reviewer: 'a' }]);
    first.close();
    writeFileSync(lock, '{"pid": 12'); // torn, just now
    const second = JournalWriter.open(journalDir);
    assert.notEqual(second.file, first.file, 'a lock that just became unreadable may be mid-rewrite: its slot is left alone');
    second.close();
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const third = JournalWriter.open(journalDir);
    assert.equal(third.file, first.file, 'unreadable for a minute: damaged, and taken over');
    assert.equal(third.append([{ type: 'review', caseKey: 'k/2', verdict: 'discard', reviewer: 'a' }]).events[0]!.seq, 1, 'the slot’s journal continues');
    third.close();
  });

  it('a takeover cut short by its process dying: the slot is skipped, doctor names the marker, and once it is deleted the slot is taken over', async () => {
    const { root, journalDir, slot, deadLock } = await workspaceWithDeadSlot();
    const { hostname } = await import('node:os');
    const { createHash } = await import('node:crypto');
    // the marker a taker wins before replacing that lock, left by a taker that died too
    const marker = join(journalDir, `${slot}.lock.takeover-${createHash('sha256').update(deadLock).digest('hex').slice(0, 16)}`);
    writeFileSync(marker, JSON.stringify({ pid: 2 ** 22 + 12346, host: hostname(), startedAt: '' }));
    const a = join(root, 'a.jsonl');
    generate(a, 'z', 10);
    assert.equal((await runCli(['capture', a, '--root', root])).code, 0);
    assert.deepEqual(
      readdirSync(journalDir).filter((f) => f.endsWith('.jsonl')),
      [`${slot}.2.jsonl`],
      'the slot with the marker is skipped',
    );

    const doctorFindings = async () => {
      const doctor = await runCli(['doctor', '--json', '--root', root]);
      assert.equal(doctor.code, 0, `a warning, not an error: ${doctor.stdout}${doctor.stderr}`);
      return (JSON.parse(doctor.stdout) as { findings: { severity: string; where: string; what: string; fix?: string }[] }).findings;
    };
    const findings = await doctorFindings();
    assert.deepEqual(
      findings.map((f) => [f.severity, f.where]),
      [['warning', marker]],
    );
    assert.match(findings[0]!.what, /takeover of a journal slot was interrupted/);
    assert.match(findings[0]!.fix ?? '', /delete this file/);

    // a marker whose process is alive is a takeover under way: not reported
    writeFileSync(marker, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '' }));
    assert.deepEqual(await doctorFindings(), []);

    const { rmSync } = await import('node:fs');
    rmSync(marker);
    const b = join(root, 'b.jsonl');
    generate(b, 'y', 10);
    assert.equal((await runCli(['capture', b, '--root', root])).code, 0);
    assert.ok(readdirSync(journalDir).includes(`${slot}.jsonl`), 'the dead holder’s slot is taken over once the marker is gone');
  });
  it("slot claims and takeovers of dead holders' locks racing in six processes never share a journal file", async () => {
    const journalDir = join(tempDir(), 'journal');
    const rounds = 100;
    const tags = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    const runs = await Promise.all(tags.map((tag) => runScript('test/unit/slotClaimWorker.ts', [journalDir, tag, String(rounds)])));
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const { readJournal, listJournalFiles } = await import('../../src/core/store/journalReader');
    const seen: string[] = [];
    for (const file of listJournalFiles(journalDir)) {
      const chunk = readJournal(journalDir, file, 0, 1);
      assert.deepEqual(chunk.problems, [], `${file}: no interleaved or torn lines`);
      // one writer at a time per file: sequence numbers only go up
      chunk.events.forEach((e, i) => i > 0 && assert.ok(e.seq > chunk.events[i - 1]!.seq, `${file}: seq ${e.seq} after ${chunk.events[i - 1]!.seq}`));
      seen.push(...chunk.events.map((e) => (e as { caseKey: string }).caseKey));
    }
    const told = runs.reduce((n, r) => n + Number(r.stdout), 0);
    assert.equal(told, tags.length * rounds);
    assert.deepEqual(seen.sort(), tags.flatMap((t) => Array.from({ length: rounds }, (_, i) => `${t}/${i}`)).sort(), 'every acknowledged event, once');
  });
});

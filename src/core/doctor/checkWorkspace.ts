// A workspace check for `evalloop doctor`: every journal line readable, the index in
// step with the journals (rebuilt on request), every blob an item points at present
// and intact, the workspace folder writable, no write left unfinished by a killed
// process, and the corpus verified. Each finding says where and what to do; the only
// thing deleted is what a dead write left behind, once no process can be writing it.
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, statSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCorpus } from '../corpus/verifyCorpus';
import { findVersionClashes, repairVersionClash } from '../corpus/versionClash';
import { writeFileAtomic } from '../store/durableFile';
import { listJournalFiles } from '../store/journalFiles';
import { inspectJournal, repairCollisions, type CollisionRepair, type JournalIntegrity } from '../store/journalIntegrity';
import { interruptedTakeovers } from '../store/journalWriter';
import { storedCaseProblem, valuesOf } from '../store/storeQueries';
import { ABANDONED_AFTER_MS, findUnfinishedWrites, type UnfinishedWrite } from '../store/unfinishedWrites';
import type { WorkspaceStore } from '../store/workspaceStore';
import { counted } from '../text/counted';
import { reasonOf } from '../text/reasonOf';

export interface Finding {
  severity: 'error' | 'warning';
  where: string;
  what: string;
  /** What the user can do about it. */
  fix?: string;
}

/** A finding as text: severity, where and what; what to do on the next line, indented by `indent`. */
export function findingText(f: Finding, indent = ''): string {
  return `${f.severity}: ${f.where}: ${f.what}${f.fix ? `\n${indent}  → ${f.fix}` : ''}`;
}

export interface WorkspaceCheck {
  journals: { files: number; events: number };
  /** What `--repair` did: journals whose colliding events moved to journals of their own. */
  repaired: CollisionRepair[];
  blobs: { checked: number };
  index: { items: number; rebuilt: boolean };
  corpus: { versions: number; slices: number } | null;
  findings: Finding[];
}

const MB = 1024 * 1024;

/** Cases of a blob that items point at but that cannot be used (stored by an earlier version), one finding each. */
function findUnusableCases(store: WorkspaceStore, blob: string, batch: unknown, findings: Finding[]): void {
  if (!Array.isArray(batch)) return;
  batch.forEach((value, index) => {
    const problem = storedCaseProblem(value, blob, index);
    if (!problem) return;
    const ids = valuesOf(store.database, 'SELECT DISTINCT i.id FROM occurrences o JOIN items i ON i.cid = o.cid WHERE o.blob = ? AND o.blob_index = ? ORDER BY i.id', [blob, index]).map((r) => String(r[0]));
    if (ids.length === 0) return;
    findings.push({
      severity: 'error',
      where: `item ${ids.join(', ')}`,
      what: problem,
      fix: `leave it out of pins and snapshots with the filter term ${ids.map((id) => `-item:${id}`).join(' ')}; its verdicts and the rest of the queue are unaffected, and capturing its file again reports the record instead of storing it`,
    });
  });
}

/** Bytes an unprivileged writer can still use on the disk holding `dir`. */
function freeBytes(dir: string): number | undefined {
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize;
  } catch {
    return undefined;
  }
}

function stateDigest(store: WorkspaceStore): string {
  return JSON.stringify([
    valuesOf(store.database, 'SELECT COUNT(*), COALESCE(SUM(occurrences), 0) FROM items'),
    valuesOf(store.database, 'SELECT state, COUNT(*) FROM items GROUP BY state ORDER BY state'),
    valuesOf(store.database, 'SELECT COUNT(*) FROM reviews WHERE retracted = 0'),
    valuesOf(store.database, 'SELECT COUNT(*) FROM runs'),
  ]);
}

/** Collisions (repaired when asked), sequence gaps and future dates of every journal. */
function checkJournalIntegrity(store: WorkspaceStore, repair: boolean, findings: Finding[]): { repaired: CollisionRepair[]; reports: Map<string, JournalIntegrity> } {
  const { journalDir } = store.paths;
  const repaired: CollisionRepair[] = [];
  const reports = new Map<string, JournalIntegrity>();
  for (const file of listJournalFiles(journalDir)) {
    let report = inspectJournal(journalDir, file);
    const where = join(journalDir, file);
    reports.set(file, report);
    if (report.collisions.length && repair) {
      try {
        repaired.push(repairCollisions(journalDir, file));
        report = inspectJournal(journalDir, file);
        reports.set(file, report);
      } catch (error) {
        findings.push({ severity: 'error', where, what: `could not repair: ${reasonOf(error)}` });
      }
    }
    if (report.collisions.length) {
      const shown = report.collisions
        .slice(0, 3)
        .map((c) => `seq ${c.seq} on lines ${c.lines.join(' and ')}`)
        .join(', ');
      findings.push({
        severity: 'error',
        where,
        what: `${counted(report.collisions.length, 'event id')} each hold two different events (${shown}${report.collisions.length > 3 ? ', …' : ''}): two clones wrote under one writer name and their journals were merged; the index keeps both copies under separate ids`,
        fix: 'run evalloop doctor --repair: each second copy moves to a journal of its own, nothing is lost',
      });
    }
    for (const gap of report.gaps.slice(0, 5)) {
      findings.push({
        severity: 'warning',
        where: `${where} line ${gap.line}`,
        what: `the writer's sequence jumps from ${gap.after} to ${gap.next}: ${counted(gap.next - gap.after - 1, 'event')} missing or unreadable`,
        fix: 'restore the journal from version control or a backup; the events that are there are unaffected',
      });
    }
    if (report.future.length) {
      const first = report.future[0]!;
      const ahead = Math.round((Date.parse(first.at) - Date.now()) / 60000);
      findings.push({
        severity: 'warning',
        where: `${where} line ${first.line}`,
        what: `${counted(report.future.length, 'event')} dated in the future (seq ${first.seq} at ${first.at}, ${ahead} minutes ahead of this machine's clock)`,
        fix: "fix the clock of the machine that wrote them; no order depends on these times (each writer's sequence and its Lamport clock decide), only the times shown are off",
      });
    }
  }
  if (repaired.some((r) => r.written.length)) store.rebuild('journals repaired by evalloop doctor --repair');
  return { repaired, reports };
}

export function checkWorkspace(store: WorkspaceStore, options: { rebuild?: boolean; repair?: boolean; corpusDir?: string } = {}): WorkspaceCheck {
  const findings: Finding[] = [];
  const { journalDir } = store.paths;
  // what opening the store had to do (a rebuild asked for below is not news)
  const openNotices = [...store.notices];

  const { repaired, reports } = checkJournalIntegrity(store, options.repair === true, findings);

  // journals: lines that cannot be read were skipped when the index was built
  let events = 0;
  const files = listJournalFiles(journalDir);
  for (const file of files) {
    // each journal was read once above; only those a repair just wrote are read here
    const read = reports.get(file) ?? inspectJournal(journalDir, file);
    events += read.events;
    for (const p of read.problems) {
      findings.push({ severity: 'warning', where: `${join(journalDir, p.file)} line ${p.line}`, what: `${p.reason}; the line is skipped`, fix: 'restore the line from version control or a backup, or leave it: the other events are unaffected' });
    }
  }

  // the index: rebuilt from the journals on request, and compared with what it held
  let rebuilt = false;
  if (options.rebuild) {
    const before = stateDigest(store);
    store.rebuild('asked by evalloop doctor --rebuild');
    rebuilt = true;
    if (stateDigest(store) !== before) {
      findings.push({ severity: 'warning', where: store.paths.indexFile, what: 'the index was out of step with the journals; it has been rebuilt from them' });
    }
  }
  for (const notice of openNotices) if (/rebuilt|could not/.test(notice) && !/appear twice with different content/.test(notice)) findings.push({ severity: 'warning', where: store.paths.indexFile, what: notice });

  // blobs: each one an item's occurrence points at must exist and match its hash
  const blobs = valuesOf(store.database, 'SELECT o.blob, MIN(i.id), COUNT(*) FROM occurrences o JOIN items i ON i.cid = o.cid WHERE o.blob IS NOT NULL GROUP BY o.blob');
  for (const [blob, item, n] of blobs) {
    try {
      findUnusableCases(store, String(blob), store.blobs.get(String(blob)), findings);
    } catch (error) {
      const missing = !store.blobs.has(String(blob));
      findings.push({
        severity: 'error',
        where: `blob ${String(blob).slice(0, 12)}… (${Number(n)} occurrences, e.g. item ${String(item)})`,
        what: missing ? 'missing' : reasonOf(error),
        fix: 'restore the blob file from a backup or version control; verdicts, corrections and the queue are unaffected, only the full case (input, output, trace) of these occurrences is unavailable',
      });
    }
  }

  // a takeover of a dead writer's slot that was itself cut short leaves its marker
  for (const marker of interruptedTakeovers(journalDir)) {
    findings.push({
      severity: 'warning',
      where: marker,
      what: 'a takeover of a journal slot was interrupted (its process is gone); that slot is skipped and a new one used while this file is there',
      fix: 'delete this file: no process is using it, and nothing saved depends on it',
    });
  }

  // the journal folder must take writes (captures and reviews append there), and the
  // disk must have room for the next index save (written beside the old one, then renamed)
  const journalProbe = join(journalDir, `.doctor-${randomBytes(4).toString('hex')}`);
  try {
    writeFileAtomic(journalProbe, Buffer.alloc(64 * 1024));
    rmSync(journalProbe);
  } catch (error) {
    findings.push({ severity: 'error', where: journalDir, what: `${reasonOf(error)}: captures and reviews cannot be saved`, fix: 'free disk space or fix the folder permissions; nothing already saved is affected' });
  }
  const free = freeBytes(store.paths.dir);
  const indexBytes = existsSync(store.paths.indexFile) ? statSync(store.paths.indexFile).size : 0;
  const needed = Math.max(16 * MB, 2 * indexBytes);
  if (free !== undefined && free < needed) {
    findings.push({
      severity: 'warning',
      where: store.paths.dir,
      what: `only ${(free / MB).toFixed(1)} MB free on this disk; saving the index needs about ${(needed / MB).toFixed(0)} MB`,
      fix: 'free disk space; until then each open replays the journals, which is slower but loses nothing',
    });
  }

  // temp files and build folders a killed process left (in the workspace and the corpus)
  const corpusDir = options.corpusDir ?? join(store.paths.root, 'corpus');
  for (const write of [...findUnfinishedWrites(store.paths.dir), ...findUnfinishedWrites(corpusDir)]) {
    const finding = unfinishedWriteFinding(write);
    if (finding) findings.push(finding);
  }

  // the corpus, when there is one
  let corpus: WorkspaceCheck['corpus'] = null;
  if (existsSync(corpusDir)) {
    // one number written by two clones and merged by git: never mixed, renumbered on request
    for (const clash of findVersionClashes(corpusDir)) {
      if (options.repair) {
        const moved = repairVersionClash(corpusDir, clash);
        findings.push({ severity: 'warning', where: join(corpusDir, 'versions', clash.version), what: `repaired a version clash: the merged ${clash.version} is kept, this clone's ${clash.version} is now ${moved}`, fix: 'commit corpus/ (git add corpus && git commit) to finish the merge' });
      } else {
        findings.push({
          severity: 'error',
          where: join(corpusDir, 'versions', clash.version, 'manifest.json'),
          what: `version clash: two clones each wrote a different ${clash.version} (created ${clash.ours.createdAt} here, ${clash.theirs.createdAt} in the merged branch); git left both in one manifest`,
          fix: `run evalloop doctor --repair: the merged ${clash.version} keeps its number and this clone's becomes the next free one`,
        });
      }
    }
    const report = verifyCorpus(corpusDir);
    corpus = { versions: report.versions, slices: report.slices };
    for (const v of report.violations) {
      const fix = v.fix ?? (v.kind === 'leak' ? 'do not train on this version: it was written after the pin, past the leakage firewall; a new snapshot holds the case out (verify names this version while it exists)' : 'run evalloop verify for details; never edit a written version, write a new one');
      findings.push({ severity: 'error', where: v.where, what: `${v.kind}: ${v.detail}`, fix });
    }
    // pinned cases that versions written before the pin hold: nothing to repair, only to know
    for (const w of report.warnings) findings.push({ severity: 'warning', where: w.where, what: `${w.kind}: ${w.detail}` });
  }

  const items = Number(valuesOf(store.database, 'SELECT COUNT(*) FROM items')[0]?.[0] ?? 0);
  return { journals: { files: files.length, events }, repaired, blobs: { checked: blobs.length }, index: { items, rebuilt }, corpus, findings };
}

/**
 * An unfinished write is news only once it is old: a young one may be a write in
 * progress (here, or by a process on another machine or container sharing the folder),
 * and a kill a moment ago leaves nothing that needs attention. An old one whose process
 * is gone is removed; one whose process still runs is left to it.
 */
function unfinishedWriteFinding(write: UnfinishedWrite): Finding | null {
  if (write.ageMs < ABANDONED_AFTER_MS) return null;
  const age = `last changed ${Math.round(write.ageMs / 60000)} minutes ago`;
  if (!write.abandoned) {
    return {
      severity: 'warning',
      where: write.path,
      what: `a ${write.kind} of an unfinished write (${age}), still held by process ${write.pid}, which is running`,
      fix: `let that process finish; if ${write.pid} is not an evalloop command (its number was reused), delete this ${write.kind}`,
    };
  }
  const by = write.pid === null ? 'a process' : `process ${write.pid}, no longer running`;
  try {
    rmSync(write.path, { recursive: true, force: true });
  } catch (error) {
    return { severity: 'warning', where: write.path, what: `a ${write.kind} left by ${by} (${age}) could not be removed: ${reasonOf(error)}`, fix: `delete this ${write.kind}: it holds nothing that was saved` };
  }
  return { severity: 'warning', where: write.path, what: `a ${write.kind} left by ${by} that stopped mid-write (${age}): removed`, fix: 'nothing to do: it held nothing that was saved' };
}

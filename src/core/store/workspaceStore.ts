// A named workspace: its journals (the truth), blobs, and the sql.js index that is
// caught up from the journals on open and saved atomically. Deleting or damaging
// the index loses nothing: it is rebuilt from the journals.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { refuseCaseTwin } from '../text/folderNames';
import { BlobStore } from './blobStore';
import { writeFileAtomic } from './durableFile';
import { writingTo } from './writeFailure';
import { migrate, REBUILD_BELOW, SCHEMA_VERSION, schemaVersionOf, tuneConnection } from './indexSchema';
import { CaseOutcomes } from './caseOutcomes';
import { IndexProjection, emptyTally, addTally, type ApplyTally } from './indexProjection';
import { eventIdOf, type JournalEvent, type NewEvent } from './journalEvents';
import { journalSize, listJournalFiles } from './journalFiles';
import { journalFingerprint, readJournal, type JournalProblem } from './journalReader';
import { JournalWriter } from './journalWriter';
import { defaultActor, ensureWorkspaceGitignore } from './writerIdentity';
import { loadSqlEngine } from './sqlEngine';
import { workspacePaths, type WorkspacePaths } from './workspacePaths';
import { reasonOf } from '../text/reasonOf';

export interface OpenOptions {
  actor?: string;
}

export interface CatchUpReport {
  events: number;
  tally: ApplyTally;
  problems: JournalProblem[];
  rebuilt: boolean;
  rebuildReason?: string;
}

interface PendingEvent {
  event: JournalEvent;
  file: string;
  writer: string;
}

/**
 * Merges the journals' new events into one order. Each writer's events keep their own
 * order (their sequence); across writers the smaller Lamport clock goes first, so an
 * event is applied after everything its writer had seen (runs before their cases, a
 * review after the capture it reviewed). Wall-clock time only breaks ties between
 * events that did not see each other, and orders events from before clocks existed.
 */
function causalOrder(perFile: PendingEvent[][]): PendingEvent[] {
  if (perFile.length === 1) return perFile[0]!;
  const heads = perFile.map(() => 0);
  const out: PendingEvent[] = [];
  const total = perFile.reduce((n, list) => n + list.length, 0);
  while (out.length < total) {
    let best = -1;
    for (let f = 0; f < perFile.length; f++) {
      const candidate = perFile[f]![heads[f]!];
      if (!candidate) continue;
      if (best === -1 || before(candidate, perFile[best]![heads[best]!]!)) best = f;
    }
    out.push(perFile[best]![heads[best]!]!);
    heads[best]!++;
  }
  return out;
}

function before(a: PendingEvent, b: PendingEvent): boolean {
  const la = a.event.lc ?? 0;
  const lb = b.event.lc ?? 0;
  if (la !== lb) return la < lb;
  if (a.event.at !== b.event.at) return a.event.at < b.event.at;
  return a.file < b.file;
}

interface Progress {
  offset: number;
  nextLine: number;
  /** journalFingerprint at offset. */
  fingerprint: string;
}

export class WorkspaceStore {
  readonly blobs: BlobStore;
  private writer: JournalWriter | undefined;
  private projection: IndexProjection;
  /** Every case's last outcome (part of the index, held outside SQLite: caseOutcomes.ts). */
  private outcomes: CaseOutcomes;
  private dirty = false;
  /** Events applied to the index since it was last saved (what the next open would replay). */
  private unsaved = 0;
  /** Notes for the user about what happened on open (rebuilds, unreadable journal lines). */
  readonly notices: string[] = [];

  private constructor(
    readonly paths: WorkspacePaths,
    private readonly sql: SqlJsStatic,
    private db: Database,
    outcomes: CaseOutcomes,
    readonly actor: string,
  ) {
    this.blobs = new BlobStore(paths.blobDir);
    tuneConnection(db);
    this.outcomes = outcomes;
    this.projection = new IndexProjection(db, this.outcomes);
  }

  static async open(root: string, workspace: string, options: OpenOptions = {}): Promise<WorkspaceStore> {
    const paths = workspacePaths(root, workspace);
    refuseCaseTwin('workspace', dirname(paths.dir), workspace);
    for (const dir of [paths.journalDir, paths.blobDir]) writingTo(dir, () => mkdirSync(dir, { recursive: true }));
    ensureWorkspaceGitignore(paths.dir);
    const SQL = await loadSqlEngine();
    let db: Database | undefined;
    let outcomes: CaseOutcomes | undefined;
    let reason: string | undefined;
    let upgraded = false;
    if (existsSync(paths.indexFile)) {
      try {
        db = new SQL.Database(readFileSync(paths.indexFile));
        const saved = schemaVersionOf(db);
        upgraded = saved < SCHEMA_VERSION;
        if (!migrate(db)) {
          reason = 'the index was written by a newer Eval Loop';
          db.close();
          db = undefined;
        } else if (saved < REBUILD_BELOW) {
          reason = 'the index was written by an older Eval Loop';
          db.close();
          db = undefined;
        } else {
          outcomes = CaseOutcomes.loadFrom(db);
        }
      } catch (error) {
        reason = `the index could not be read (${reasonOf(error)})`;
        db?.close();
        db = undefined;
      }
    }
    if (!db || !outcomes) {
      db = new SQL.Database();
      migrate(db);
      outcomes = new CaseOutcomes();
    }
    const store = new WorkspaceStore(paths, SQL, db, outcomes, options.actor ?? defaultActor());
    if (reason) {
      store.notices.push(`${reason}; rebuilt it from the journals`);
      store.dirty = true;
    }
    // an upgraded index (new tables, new indexes) is saved at the next checkpoint, so the
    // next open does not upgrade it again (building schema 9's indexes takes seconds at 1M items)
    if (upgraded) store.dirty = true;
    store.catchUp();
    return store;
  }

  get database(): Database {
    return this.db;
  }

  /** The writer's id (claimed on first write). */
  get writerId(): string | undefined {
    return this.writer?.writerId;
  }

  private progressOf(file: string): Progress | undefined {
    const rows = this.db.exec('SELECT offset, next_line, fingerprint FROM journal_progress WHERE file = ?', [file]);
    const row = rows[0]?.values[0];
    return row ? { offset: Number(row[0]), nextLine: Number(row[1]), fingerprint: String(row[2]) } : undefined;
  }

  private setProgress(file: string, p: Progress): void {
    this.db.run('INSERT OR REPLACE INTO journal_progress (file, offset, next_line, fingerprint) VALUES (?, ?, ?, ?)', [file, p.offset, p.nextLine, p.fingerprint]);
  }

  /** Replays whatever the journals hold beyond what the index has applied. */
  catchUp(): CatchUpReport {
    const files = listJournalFiles(this.paths.journalDir);
    const known = new Set((this.db.exec('SELECT file FROM journal_progress')[0]?.values ?? []).map((r) => String(r[0])));
    for (const file of files) {
      const p = this.progressOf(file);
      if (!p || p.offset === 0) continue;
      const size = journalSize(this.paths.journalDir, file);
      if (size < p.offset || journalFingerprint(this.paths.journalDir, file, p.offset) !== p.fingerprint) {
        return this.rebuild(`journal ${file} changed underneath the index (${size < p.offset ? 'shorter than before' : 'edited'})`);
      }
    }
    for (const file of known) {
      if (!files.includes(file)) return this.rebuild(`journal ${file} disappeared`);
    }
    return this.replay(files);
  }

  private replay(files: string[]): CatchUpReport {
    const pending: PendingEvent[][] = [];
    const problems: JournalProblem[] = [];
    const advance: [string, Progress][] = [];
    for (const file of files) {
      const p = this.progressOf(file) ?? { offset: 0, nextLine: 1, fingerprint: '' };
      const chunk = readJournal(this.paths.journalDir, file, p.offset, p.nextLine);
      problems.push(...chunk.problems);
      if (chunk.events.length) pending.push(chunk.events.map((event) => ({ event, file, writer: chunk.writerId })));
      if (chunk.endOffset !== p.offset) {
        advance.push([file, { offset: chunk.endOffset, nextLine: chunk.endLine, fingerprint: journalFingerprint(this.paths.journalDir, file, chunk.endOffset) }]);
      }
    }
    const ordered = causalOrder(pending);
    const tally = ordered.length ? this.projection.apply(ordered) : emptyTally();
    this.noteCollisions();
    for (const [file, p] of advance) this.setProgress(file, p);
    if (ordered.length || advance.length) this.dirty = true;
    this.unsaved += ordered.length;
    for (const problem of problems) this.notices.push(`${problem.file} line ${problem.line}: ${problem.reason} (skipped)`);
    return { events: ordered.length, tally, problems, rebuilt: false };
  }

  /** Drops the index and replays every journal from the start. */
  rebuild(reason: string): CatchUpReport {
    this.projection.release();
    const fresh = new this.sql.Database();
    this.db.close();
    this.db = fresh;
    migrate(this.db);
    tuneConnection(this.db);
    this.outcomes = new CaseOutcomes();
    this.projection = new IndexProjection(this.db, this.outcomes);
    this.notices.push(`${reason}; rebuilt the index from the journals`);
    const report = this.replay(listJournalFiles(this.paths.journalDir));
    this.dirty = true;
    this.unsaved += report.events;
    return { ...report, rebuilt: true, rebuildReason: reason };
  }

  /** Journals the events (durable when this returns), then applies them to the index. */
  append(events: NewEvent[]): { events: JournalEvent[]; eventIds: string[]; tally: ApplyTally } {
    if (events.length === 0) return { events: [], eventIds: [], tally: emptyTally() };
    this.writer ??= this.claimWriter();
    const file = `${this.writer.writerId}.jsonl`;
    const before = this.progressOf(file) ?? { offset: 0, nextLine: 1, fingerprint: '' };
    const clock = this.projection.nextClock();
    const result = this.writer.append(events.map((e, i) => ({ ...e, lc: clock + i })));
    const tally = emptyTally();
    const writer = this.writer.writerId;
    addTally(tally, this.projection.apply(result.events.map((event) => ({ event, writer }))));
    this.noteCollisions();
    if (before.offset === result.startOffset) {
      this.setProgress(file, {
        offset: result.endOffset,
        nextLine: before.nextLine + result.events.length,
        fingerprint: journalFingerprint(this.paths.journalDir, file, result.endOffset),
      });
    }
    this.dirty = true;
    this.unsaved += result.events.length;
    return { events: result.events, eventIds: result.events.map((e) => eventIdOf(writer, e.seq)), tally };
  }

  private noteCollisions(): void {
    const ids = this.projection.collisions.splice(0);
    if (ids.length === 0) return;
    const shown = ids.slice(0, 3).join(', ') + (ids.length > 3 ? ` and ${ids.length - 3} more` : '');
    this.notices.push(`${ids.length} event id${ids.length === 1 ? '' : 's'} (${shown}) appear twice with different content: two clones wrote under one writer name and their journals were merged; both copies are kept. Run \`evalloop doctor --repair\` to give the second copies a journal of their own`);
  }

  private claimWriter(): JournalWriter {
    const writer = JournalWriter.open(this.paths.journalDir, this.actor);
    // the slot may hold events from an earlier process this index has not seen yet
    this.catchUp();
    return writer;
  }

  /**
   * Tables derived from stored cases rather than events (failure clusters) changed: the
   * index is saved at the next checkpoint, though no event was applied.
   */
  noteDerivedChange(): void {
    this.dirty = true;
  }

  /** How many events the saved index is behind the journals (0 when saved). */
  get unsavedEvents(): number {
    return this.dirty ? Math.max(1, this.unsaved) : 0;
  }

  /** Writes the index atomically (temp file, fsync, rename). */
  save(): void {
    if (!this.dirty) return;
    if (this.outcomes.unsaved) this.outcomes.saveTo(this.db);
    this.projection.release();
    const bytes = this.db.export();
    // export() reopens the database, which resets connection settings and temp tables
    tuneConnection(this.db);
    this.projection = new IndexProjection(this.db, this.outcomes);
    writeFileAtomic(this.paths.indexFile, bytes);
    this.dirty = false;
    this.unsaved = 0;
  }

  /**
   * Saves the index and lets go of the journal slot. A save the disk refuses is only a
   * notice: every event is in the journals, and the next open replays them.
   */
  close(): void {
    try {
      this.save();
    } catch (error) {
      this.notices.push(`the index could not be saved (${reasonOf(error)}); nothing is lost, the next open catches up from the journals`);
    } finally {
      this.projection.release();
      this.writer?.close();
      this.writer = undefined;
      this.db.close();
    }
  }
}

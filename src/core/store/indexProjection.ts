// Applies journal events to the index: runs, items, occurrences, regressions and
// fixes. Replaying the same event twice changes nothing, so any number of writers
// and re-reads converge on the same index.
import type { Database, Statement } from 'sql.js';
import { isFailure, type Outcome } from '../model/caseModel';
import { caseIdsOf } from './caseIds';
import type { CaseOutcomes, LastOutcome } from './caseOutcomes';
import { eventIdOf, type CaseRef, type CasesEvent, type JournalEvent, type RunEvent, type SourceEvent, type UndoEvent } from './journalEvents';
import { applyReview, applyTag, applyUndos, refreshReviewStates, REVIEW_TEMP_TABLES, type ReviewApply } from './reviewProjection';
import { applyAssign, applyQueue } from './teamProjection';

export interface ApplyTally {
  cases: number;
  failures: number;
  newItems: number;
  knownItems: number;
  regressions: number;
  fixed: number;
  judgeErrors: number;
  duplicates: number;
}

export function emptyTally(): ApplyTally {
  return { cases: 0, failures: 0, newItems: 0, knownItems: 0, regressions: 0, fixed: 0, judgeErrors: 0, duplicates: 0 };
}

export function addTally(into: ApplyTally, from: ApplyTally): void {
  for (const key of Object.keys(into) as (keyof ApplyTally)[]) into[key] += from[key];
}

export { itemIdOf } from './caseIds';

const OUTCOME_COLUMN: Record<Outcome, string> = {
  pass: 'passed',
  fail: 'failed',
  error: 'errored',
  'judge-error': 'judge_errors',
  skipped: 'skipped',
  unknown: 'unknown',
};

export class IndexProjection {
  private statements: Map<string, Statement> = new Map();
  /** The largest Lamport clock of any event applied (kept in meta, so it survives a save). */
  private clock: number;
  /** Event ids met twice with different content since the owner last looked. */
  readonly collisions: string[] = [];

  constructor(
    private readonly db: Database,
    private readonly outcomes: CaseOutcomes,
  ) {
    this.clock = Number(db.exec("SELECT value FROM meta WHERE key = 'lamport_clock'")[0]?.values[0]?.[0] ?? 0);
    // passes (of items) fill only cid, o and r: the text columns are for failures
    db.run(`CREATE TEMP TABLE IF NOT EXISTS batch (
      pos INTEGER PRIMARY KEY, cid INTEGER NOT NULL, o TEXT NOT NULL, failure INTEGER NOT NULL, r TEXT,
      k TEXT, h TEXT, t TEXT, i INTEGER, id TEXT, prev_pass_rn INTEGER,
      regression INTEGER NOT NULL DEFAULT 0, item_exists INTEGER NOT NULL DEFAULT 0)`);
    db.exec(REVIEW_TEMP_TABLES);
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private one(sql: string, params: (string | number | null)[]): (string | number | null | Uint8Array)[] | undefined {
    const s = this.stmt(sql);
    s.bind(params);
    const row = s.step() ? (s.get() as (string | number | null | Uint8Array)[]) : undefined;
    s.reset();
    return row;
  }

  private run(sql: string, params: (string | number | null)[]): void {
    const s = this.stmt(sql);
    s.run(params);
  }

  /** Loads staged rows into temp.batch with multi-row inserts (far fewer calls into sql.js than one per row). */
  private fillBatch(staged: Staged[], rn: number): void {
    const ROWS = 100;
    const columns = '(pos, cid, o, failure, r, k, h, t, i, id, prev_pass_rn, item_exists, regression)';
    const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    const wide = this.stmt(`INSERT INTO temp.batch ${columns} VALUES ${Array(ROWS).fill(row).join(', ')}`);
    const narrow = this.stmt(`INSERT INTO temp.batch ${columns} VALUES ${row}`);
    const params: (string | number | null)[] = [];
    const push = ({ pos, cid, id, ref: c, prev }: Staged) => {
      // the outcome table knows which cases are items: a known item needs no key, hash or id staged
      const item = prev?.item ? 1 : 0;
      const previous = [prev?.passRn || null, item, isFailure(c.o) && isRegression(prev, rn) ? 1 : 0];
      if (!isFailure(c.o)) params.push(pos, cid, c.o, 0, c.r ?? null, null, null, null, null, null, ...previous);
      else if (item) params.push(pos, cid, c.o, 1, c.r ?? null, null, null, c.t ?? null, c.i ?? null, null, ...previous);
      else params.push(pos, cid, c.o, 1, c.r ?? null, c.k, c.h, c.t ?? null, c.i ?? null, id, ...previous);
    };
    let at = 0;
    for (; at + ROWS <= staged.length; at += ROWS) {
      params.length = 0;
      for (let j = at; j < at + ROWS; j++) push(staged[j]!);
      wide.run(params);
    }
    for (; at < staged.length; at++) {
      params.length = 0;
      push(staged[at]!);
      narrow.run(params);
    }
  }

  /** Frees prepared statements (required before sql.js exports or closes the database). */
  release(): void {
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
  }

  /** Applies events (each with the writer whose journal holds it) in one transaction; returns what changed. */
  apply(events: { event: JournalEvent; writer: string }[]): ApplyTally {
    const tally = emptyTally();
    const clockBefore = this.clock;
    const reviews: ReviewApply = {
      db: this.db,
      stmt: (sql) => this.stmt(sql),
      onCollision: (eid) => this.collisions.push(eid),
      touched: new Set(),
    };
    // consecutive undos are applied together (undoing a bulk verdict is one run of them)
    let undos: UndoEvent[] = [];
    const flushUndos = () => {
      if (undos.length) applyUndos(reviews, undos);
      undos = [];
    };
    this.db.exec('BEGIN');
    this.outcomes.begin();
    try {
      for (const { event: e, writer } of events) {
        if (e.lc !== undefined && e.lc > this.clock) this.clock = e.lc;
        if (e.type === 'undo') {
          undos.push(e);
          continue;
        }
        flushUndos();
        if (e.type === 'run') this.applyRun(e);
        else if (e.type === 'cases') this.applyCases(e, tally, reviews.touched);
        else if (e.type === 'source') this.applySource(e);
        else if (e.type === 'review') applyReview(reviews, e, eventIdOf(writer, e.seq));
        else if (e.type === 'tag') applyTag(reviews, e, eventIdOf(writer, e.seq));
        else if (e.type === 'assign') applyAssign(this.db, e, eventIdOf(writer, e.seq));
        else if (e.type === 'queue') applyQueue(this.db, e, eventIdOf(writer, e.seq));
      }
      flushUndos();
      refreshReviewStates(reviews);
      if (this.clock !== clockBefore) this.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('lamport_clock', ?)", [String(this.clock)]);
      this.db.exec('COMMIT');
      this.outcomes.commit();
    } catch (error) {
      this.db.exec('ROLLBACK');
      this.outcomes.rollback();
      this.clock = clockBefore;
      throw error;
    }
    return tally;
  }

  /** The Lamport clock for the next event this writer appends (see journalEvents.ts). */
  nextClock(): number {
    return this.clock + 1;
  }

  /** The run's number, creating a placeholder row if its run event has not been applied yet. */
  private ensureRun(runId: string, format: string, suite: string, at: string): number {
    this.run('INSERT OR IGNORE INTO runs (id, format, suite, captured_at) VALUES (?, ?, ?, ?)', [runId, format, suite, at]);
    return Number(this.one('SELECT rn FROM runs WHERE id = ?', [runId])![0]);
  }

  private applyRun(e: RunEvent): void {
    const r = e.run;
    this.ensureRun(r.runId, r.format, r.suite, r.capturedAt);
    this.run(
      `UPDATE runs SET format = ?, suite = ?, model = ?, started_at = ?, source_path = ?, git_commit = ?, eval_commit = ?,
         tags = ?, partial = ?, metadata = ?, captured_at = COALESCE(captured_at, ?) WHERE id = ?`,
      [r.format, r.suite, r.model ?? null, r.startedAt ?? null, r.sourcePath, r.gitCommit ?? null, r.evalCommit ?? null, JSON.stringify(r.tags), r.partial ? 1 : 0, JSON.stringify(r.metadata), r.capturedAt, r.runId],
    );
  }

  private applySource(e: SourceEvent): void {
    this.run(
      `INSERT OR REPLACE INTO sources (path, run_id, format, size, mtime_ms, offset, next_line, head_hash, shape, resumable, done, captured_at, resume_check)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [e.path, e.runId, e.format, e.size, e.mtimeMs, e.offset, e.nextLine, e.headHash, e.shape, e.resumable ? 1 : 0, e.done ? 1 : 0, e.at, e.resumeCheck ?? null],
    );
  }

  /**
   * Applies a batch of case references. Each case's last outcome is read and written in
   * the compact table (this.outcomes); only failures and the passes of cases that are
   * already items reach SQLite, staged in a temp table so every rule below runs once per
   * batch there.
   */
  private applyCases(e: CasesEvent, tally: ApplyTally, touched: Set<number>): void {
    const rn = this.ensureRun(e.runId, e.format, e.suite, e.at);
    const db = this.db;
    const outcomes = this.outcomes;
    const seen = new Set<number>();
    const staged: Staged[] = [];
    const counts: Partial<Record<Outcome, number>> = {};
    let failing = 0;
    for (let pos = 0; pos < e.cases.length; pos++) {
      const ref = e.cases[pos]!;
      const { cid, id } = caseIdsOf(ref.k);
      // a case listed twice in one batch counts once
      if (seen.has(cid)) {
        tally.duplicates++;
        continue;
      }
      seen.add(cid);
      const prev = outcomes.get(cid);
      if (isFailure(ref.o)) {
        staged.push({ pos, cid, id, ref, prev });
        failing++;
        continue;
      }
      // replaying an event already applied changes nothing
      if (prev && (prev.rn === rn || prev.passRn === rn)) {
        tally.duplicates++;
        continue;
      }
      outcomes.set(cid, { rn, outcome: ref.o, passRn: ref.o === 'pass' ? rn : (prev?.passRn ?? 0), item: prev?.item ?? false });
      counts[ref.o] = (counts[ref.o] ?? 0) + 1;
      // an item keeps its last passing run, and a pass may fix it
      if (prev?.item && ref.o === 'pass') staged.push({ pos, cid, id, ref, prev });
    }
    let fixed = 0;
    let regressions = 0;
    if (staged.length) {
      db.run('DELETE FROM temp.batch');
      this.fillBatch(staged, rn);
      const survivors = failing ? this.applyFailures(e, rn, staged, tally, touched) : [];
      if (staged.length > failing) {
        db.run(
          `UPDATE items SET fixed_rn = ?, updated_at = ?
           FROM temp.batch b WHERE b.o = 'pass' AND items.cid = b.cid AND items.fixed_rn IS NULL AND items.last_rn <> ?`,
          [rn, e.at, rn],
        );
        fixed = db.getRowsModified();
        db.run(`UPDATE items SET pass_rn = ? FROM temp.batch b WHERE b.o = 'pass' AND items.cid = b.cid`, [rn]);
      }
      for (const { cid, ref, prev } of survivors) {
        outcomes.set(cid, { rn, outcome: ref.o, passRn: prev?.passRn ?? 0, item: true });
        counts[ref.o] = (counts[ref.o] ?? 0) + 1;
        if (isRegression(prev, rn)) regressions++;
      }
    }
    tally.fixed += fixed;
    let total = 0;
    for (const [outcome, n] of Object.entries(counts) as [Outcome, number][]) {
      total += n;
      if (outcome === 'judge-error') tally.judgeErrors += n;
      if (isFailure(outcome)) tally.failures += n;
    }
    tally.cases += total;
    tally.regressions += regressions;
    const sets = Object.entries(counts).map(([outcome, n]) => `${OUTCOME_COLUMN[outcome as Outcome]} = ${OUTCOME_COLUMN[outcome as Outcome]} + ${n}`);
    this.run(`UPDATE runs SET cases = cases + ?, regressions = regressions + ?, fixed = fixed + ?${sets.length ? `, ${sets.join(', ')}` : ''} WHERE rn = ?`, [total, regressions, fixed, rn]);
  }

  /**
   * The failures staged in temp.batch: replays dropped, regressions marked, occurrences
   * and items written. Returns the failures applied (the staged ones not replayed).
   */
  private applyFailures(e: CasesEvent, rn: number, staged: Staged[], tally: ApplyTally, touched: Set<number>): Staged[] {
    const db = this.db;
    // replaying an event already applied changes nothing (only an item can have an occurrence)
    db.run('DELETE FROM temp.batch WHERE failure = 1 AND item_exists = 1 AND EXISTS (SELECT 1 FROM occurrences o WHERE o.cid = temp.batch.cid AND o.rn = ?)', [rn]);
    const replayed = db.getRowsModified();
    tally.duplicates += replayed;
    let failures = staged.filter((row) => isFailure(row.ref.o));
    if (replayed) {
      const kept = new Set((db.exec('SELECT pos FROM temp.batch WHERE failure = 1')[0]?.values ?? []).map((r) => Number(r[0])));
      failures = failures.filter((row) => kept.has(row.pos));
    }
    db.run(
      `INSERT INTO occurrences (cid, rn, outcome, blob, blob_index, record, regression, at)
       SELECT cid, ?, o, ?, i, r, regression, ? FROM temp.batch WHERE failure = 1`,
      [rn, e.blob ?? null, e.at],
    );
    // the new items are counted once, as a group, not by a trigger run each
    db.run('INSERT OR IGNORE INTO counts_deferred (one) VALUES (1)');
    const deferred = db.getRowsModified() === 1;
    // item_exists came from the outcome table; were it ever wrong, this insert would fail on the item's unique cid, not pass silently
    db.run(
      `INSERT INTO items (cid, id, case_key, format, suite, title, input_hash, state, first_rn, last_rn, occurrences,
         regression_rn, latest_blob, latest_index, created_at, updated_at, pass_rn)
       SELECT cid, id, k, ?, ?, COALESCE(t, k), h, 'new', ?, ?, 1, CASE WHEN regression = 1 THEN ? END, ?, i, ?, ?, prev_pass_rn
       FROM temp.batch WHERE failure = 1 AND item_exists = 0 ORDER BY pos`,
      [e.format, e.suite, rn, rn, rn, e.blob ?? null, e.at, e.at],
    );
    const added = db.getRowsModified();
    tally.newItems += added;
    // the trigger stood aside (a row was there, ours or an enclosing deferral's), so they are counted here
    if (added) {
      const regressed = failures.filter((row) => !row.prev?.item && isRegression(row.prev, rn)).length;
      db.run("UPDATE item_counts SET n = n + ? WHERE key = 'all'", [added]);
      db.run("INSERT INTO item_counts (key, n) VALUES ('state:new', ?) ON CONFLICT (key) DO UPDATE SET n = n + excluded.n", [added]);
      db.run("UPDATE item_counts SET n = n + ? WHERE key = 'regression'", [regressed]);
    }
    if (deferred) db.run('DELETE FROM counts_deferred');
    // reviews can be replayed before the capture that created their item (another writer's clock)
    for (const [cid] of db.exec(
      `SELECT cid FROM temp.batch b WHERE failure = 1 AND item_exists = 0
       AND (EXISTS (SELECT 1 FROM reviews r WHERE r.cid = b.cid) OR EXISTS (SELECT 1 FROM tag_events t WHERE t.cid = b.cid))`,
    )[0]?.values ?? []) {
      touched.add(Number(cid));
    }
    db.run(
      `UPDATE items SET occurrences = occurrences + 1, last_rn = ?, fixed_rn = NULL,
         regression_rn = CASE WHEN b.regression = 1 THEN ? ELSE items.regression_rn END,
         latest_blob = COALESCE(?, items.latest_blob), latest_index = COALESCE(b.i, items.latest_index),
         title = COALESCE(b.t, items.title), updated_at = ?
       FROM temp.batch b WHERE b.failure = 1 AND b.item_exists = 1 AND items.cid = b.cid`,
      [rn, rn, e.blob ?? null, e.at],
    );
    tally.knownItems += db.getRowsModified();
    return failures;
  }
}

/** A failure is a regression when the case's previous appearance, in another run, passed. */
function isRegression(prev: LastOutcome | undefined, rn: number): boolean {
  return prev?.outcome === 'pass' && prev.rn !== rn;
}

/** A case reference bound for SQLite, with what the outcome table held for it before. */
interface Staged {
  pos: number;
  cid: number;
  id: string;
  ref: CaseRef;
  prev: LastOutcome | undefined;
}

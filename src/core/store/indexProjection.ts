// Applies journal events to the index: runs, items, occurrences, regressions and
// fixes. Replaying the same event twice changes nothing, so any number of writers
// and re-reads converge on the same index.
import type { Database, Statement } from 'sql.js';
import { isFailure, type Outcome } from '../model/caseModel';
import { caseIdsOf } from './caseIds';
import { eventIdOf, type CasesEvent, type JournalEvent, type RunEvent, type SourceEvent, type UndoEvent } from './journalEvents';
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

  constructor(private readonly db: Database) {
    this.clock = Number(db.exec("SELECT value FROM meta WHERE key = 'lamport_clock'")[0]?.values[0]?.[0] ?? 0);
    // passing cases fill only cid, o and r: the text columns are for failures
    db.run(`CREATE TEMP TABLE IF NOT EXISTS batch (
      pos INTEGER PRIMARY KEY, cid INTEGER NOT NULL, o TEXT NOT NULL, failure INTEGER NOT NULL, r TEXT,
      k TEXT, h TEXT, t TEXT, i INTEGER, id TEXT,
      prev_rn INTEGER, prev_outcome TEXT, prev_pass_rn INTEGER, prev_pass_record TEXT,
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

  /** Loads refs into temp.batch with multi-row inserts (far fewer calls into sql.js than one per row). */
  private fillBatch(refs: CasesEvent['cases']): boolean {
    const seen = new Set<number>();
    let repeated = false;
    const ROWS = 100;
    const columns = '(pos, cid, o, failure, r, k, h, t, i, id)';
    const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
    const wide = this.stmt(`INSERT INTO temp.batch ${columns} VALUES ${Array(ROWS).fill(row).join(', ')}`);
    const narrow = this.stmt(`INSERT INTO temp.batch ${columns} VALUES ${row}`);
    const params: (string | number | null)[] = [];
    const push = (pos: number) => {
      const c = refs[pos]!;
      const ids = caseIdsOf(c.k);
      if (seen.has(ids.cid)) repeated = true;
      else seen.add(ids.cid);
      if (isFailure(c.o)) params.push(pos, ids.cid, c.o, 1, c.r ?? null, c.k, c.h, c.t ?? null, c.i ?? null, ids.id);
      else params.push(pos, ids.cid, c.o, 0, c.r ?? null, null, null, null, null, null);
    };
    let pos = 0;
    for (; pos + ROWS <= refs.length; pos += ROWS) {
      params.length = 0;
      for (let j = pos; j < pos + ROWS; j++) push(j);
      wide.run(params);
    }
    for (; pos < refs.length; pos++) {
      params.length = 0;
      push(pos);
      narrow.run(params);
    }
    return repeated;
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
    } catch (error) {
      this.db.exec('ROLLBACK');
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
   * Applies a batch of case references with set-based SQL: the refs are staged in a
   * temp table, then every rule below runs once per batch inside SQLite.
   */
  private applyCases(e: CasesEvent, tally: ApplyTally, touched: Set<number>): void {
    const rn = this.ensureRun(e.runId, e.format, e.suite, e.at);
    const db = this.db;
    db.run('DELETE FROM temp.batch');
    if (this.fillBatch(e.cases)) {
      // a case listed twice in one batch counts once
      db.run('DELETE FROM temp.batch WHERE pos NOT IN (SELECT MIN(pos) FROM temp.batch GROUP BY cid)');
      tally.duplicates += db.getRowsModified();
    }
    db.run(
      `UPDATE temp.batch SET prev_rn = c.rn, prev_outcome = c.outcome, prev_pass_rn = c.pass_rn, prev_pass_record = c.pass_record
       FROM case_last c WHERE c.cid = temp.batch.cid`,
    );
    // replaying an event already applied changes nothing
    db.run(
      `DELETE FROM temp.batch WHERE
         (failure = 1 AND EXISTS (SELECT 1 FROM occurrences o WHERE o.cid = temp.batch.cid AND o.rn = ?))
         OR (failure = 0 AND (prev_rn = ? OR prev_pass_rn = ?))`,
      [rn, rn, rn],
    );
    tally.duplicates += db.getRowsModified();
    db.run(`UPDATE temp.batch SET regression = 1 WHERE failure = 1 AND prev_outcome = 'pass' AND prev_rn <> ?`, [rn]);
    db.run(
      `INSERT OR REPLACE INTO case_last (cid, rn, outcome, pass_rn, pass_record)
       SELECT cid, ?, o, CASE WHEN o = 'pass' THEN ? ELSE prev_pass_rn END, CASE WHEN o = 'pass' THEN r ELSE prev_pass_record END
       FROM temp.batch`,
      [rn, rn],
    );
    db.run(
      `INSERT INTO occurrences (cid, rn, outcome, blob, blob_index, record, regression, at)
       SELECT cid, ?, o, ?, i, r, regression, ? FROM temp.batch WHERE failure = 1`,
      [rn, e.blob ?? null, e.at],
    );
    db.run('UPDATE temp.batch SET item_exists = 1 WHERE failure = 1 AND EXISTS (SELECT 1 FROM items WHERE items.cid = temp.batch.cid)');
    db.run(
      `INSERT INTO items (cid, id, case_key, format, suite, title, input_hash, state, first_rn, last_rn, occurrences,
         regression_rn, latest_blob, latest_index, created_at, updated_at)
       SELECT cid, id, k, ?, ?, COALESCE(t, k), h, 'new', ?, ?, 1, CASE WHEN regression = 1 THEN ? END, ?, i, ?, ?
       FROM temp.batch WHERE failure = 1 AND item_exists = 0 ORDER BY pos`,
      [e.format, e.suite, rn, rn, rn, e.blob ?? null, e.at, e.at],
    );
    tally.newItems += db.getRowsModified();
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
    db.run(
      `UPDATE items SET fixed_rn = ?, updated_at = ?
       FROM temp.batch b WHERE b.o = 'pass' AND items.cid = b.cid AND items.fixed_rn IS NULL AND items.last_rn <> ?`,
      [rn, e.at, rn],
    );
    const fixed = db.getRowsModified();
    tally.fixed += fixed;
    const counts: Record<string, number> = {};
    let regressions = 0;
    let total = 0;
    for (const [outcome, n, regr] of db.exec('SELECT o, COUNT(*), SUM(regression) FROM temp.batch GROUP BY o')[0]?.values ?? []) {
      const column = OUTCOME_COLUMN[outcome as Outcome];
      counts[column] = Number(n);
      total += Number(n);
      regressions += Number(regr);
      if (outcome === 'judge-error') tally.judgeErrors += Number(n);
      if (isFailure(outcome as Outcome)) tally.failures += Number(n);
    }
    tally.cases += total;
    tally.regressions += regressions;
    const sets = Object.entries(counts).map(([column, n]) => `${column} = ${column} + ${n}`);
    this.run(`UPDATE runs SET cases = cases + ?, regressions = regressions + ?, fixed = fixed + ?${sets.length ? `, ${sets.join(', ')}` : ''} WHERE rn = ?`, [total, regressions, fixed, rn]);
  }
}

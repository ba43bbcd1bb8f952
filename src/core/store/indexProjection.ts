// Applies journal events to the index: runs, items, occurrences, regressions and
// fixes. Replaying the same event twice changes nothing, so any number of writers
// and re-reads converge on the same index.
import type { Database, Statement } from 'sql.js';
import { isFailure, type Outcome } from '../model/caseModel';
import { sha256Hex } from '../text/hashing';
import type { CasesEvent, JournalEvent, RunEvent, SourceEvent } from './journalEvents';

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

/** Item ids are short, stable and derived from the case key, so every writer agrees on them. */
export function itemIdOf(caseKey: string): string {
  return sha256Hex(caseKey).slice(0, 12);
}

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

  constructor(private readonly db: Database) {}

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

  /** Frees prepared statements (required before sql.js exports or closes the database). */
  release(): void {
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
  }

  /** Applies events in one transaction; returns what changed. */
  apply(events: JournalEvent[]): ApplyTally {
    const tally = emptyTally();
    this.db.exec('BEGIN');
    try {
      for (const e of events) {
        if (e.type === 'run') this.applyRun(e);
        else if (e.type === 'cases') this.applyCases(e, tally);
        else if (e.type === 'source') this.applySource(e);
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    return tally;
  }

  private ensureRun(runId: string, format: string, suite: string, at: string): void {
    this.run(
      `INSERT OR IGNORE INTO runs (id, format, suite, captured_at, ord) VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(ord), 0) + 1 FROM runs))`,
      [runId, format, suite, at],
    );
  }

  private applyRun(e: RunEvent): void {
    const r = e.run;
    this.ensureRun(r.runId, r.format, r.suite, r.capturedAt);
    this.run(
      `UPDATE runs SET format = ?, suite = ?, model = ?, started_at = ?, source_path = ?, git_commit = ?, eval_commit = ?,
         tags = ?, partial = ?, metadata = ?, captured_at = COALESCE(captured_at, ?) WHERE id = ?`,
      [
        r.format,
        r.suite,
        r.model ?? null,
        r.startedAt ?? null,
        r.sourcePath,
        r.gitCommit ?? null,
        r.evalCommit ?? null,
        JSON.stringify(r.tags),
        r.partial ? 1 : 0,
        JSON.stringify(r.metadata),
        r.capturedAt,
        r.runId,
      ],
    );
  }

  private applySource(e: SourceEvent): void {
    this.run(
      `INSERT OR REPLACE INTO sources (path, run_id, format, size, mtime_ms, offset, next_line, head_hash, shape, resumable, done, captured_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [e.path, e.runId, e.format, e.size, e.mtimeMs, e.offset, e.nextLine, e.headHash, e.shape, e.resumable ? 1 : 0, e.done ? 1 : 0, e.at],
    );
  }

  private applyCases(e: CasesEvent, tally: ApplyTally): void {
    this.ensureRun(e.runId, e.format, e.suite, e.at);
    const counts: Record<string, number> = {};
    let regressions = 0;
    let fixed = 0;
    for (const ref of e.cases) {
      const failure = isFailure(ref.o);
      const last = this.one('SELECT run_id, outcome, pass_run, pass_record FROM case_last WHERE case_key = ?', [ref.k]);
      const seenInRun = failure
        ? this.one('SELECT 1 FROM occurrences WHERE run_id = ? AND case_key = ?', [e.runId, ref.k]) !== undefined
        : last !== undefined && (last[0] === e.runId || last[2] === e.runId);
      if (seenInRun) {
        tally.duplicates++;
        continue;
      }
      tally.cases++;
      counts[OUTCOME_COLUMN[ref.o]] = (counts[OUTCOME_COLUMN[ref.o]] ?? 0) + 1;
      if (ref.o === 'judge-error') tally.judgeErrors++;
      const regression = failure && last !== undefined && last[1] === 'pass' && last[0] !== e.runId;
      const passRun = ref.o === 'pass' ? e.runId : ((last?.[2] as string | null | undefined) ?? null);
      const passRecord = ref.o === 'pass' ? (ref.r ?? null) : ((last?.[3] as string | null | undefined) ?? null);
      this.run('INSERT OR REPLACE INTO case_last (case_key, run_id, outcome, pass_run, pass_record) VALUES (?, ?, ?, ?, ?)', [
        ref.k,
        e.runId,
        ref.o,
        passRun,
        passRecord,
      ]);
      const itemId = itemIdOf(ref.k);
      if (failure) {
        tally.failures++;
        if (regression) {
          tally.regressions++;
          regressions++;
        }
        this.run(
          `INSERT INTO occurrences (run_id, case_key, outcome, blob, blob_index, record, regression, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [e.runId, ref.k, ref.o, e.blob ?? null, ref.i ?? null, ref.r ?? null, regression ? 1 : 0, e.at],
        );
        const exists = this.one('SELECT 1 FROM items WHERE id = ?', [itemId]) !== undefined;
        if (!exists) {
          tally.newItems++;
          this.run(
            `INSERT INTO items (id, case_key, format, suite, title, input_hash, state, first_run, last_run, occurrences,
               regression_run, latest_blob, latest_index, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?, 1, ?, ?, ?, ?, ?)`,
            [itemId, ref.k, e.format, e.suite, ref.t ?? ref.k, ref.h, e.runId, e.runId, regression ? e.runId : null, e.blob ?? null, ref.i ?? null, e.at, e.at],
          );
        } else {
          tally.knownItems++;
          this.run(
            `UPDATE items SET occurrences = occurrences + 1, last_run = ?, fixed_run = NULL,
               regression_run = CASE WHEN ? THEN ? ELSE regression_run END,
               latest_blob = COALESCE(?, latest_blob), latest_index = COALESCE(?, latest_index),
               title = COALESCE(?, title), updated_at = ? WHERE id = ?`,
            [e.runId, regression ? 1 : 0, e.runId, e.blob ?? null, ref.i ?? null, ref.t ?? null, e.at, itemId],
          );
        }
      } else if (ref.o === 'pass') {
        const item = this.one('SELECT fixed_run, last_run FROM items WHERE id = ?', [itemId]);
        if (item && item[0] === null && item[1] !== e.runId) {
          tally.fixed++;
          fixed++;
          this.run('UPDATE items SET fixed_run = ?, updated_at = ? WHERE id = ?', [e.runId, e.at, itemId]);
        }
      }
    }
    const sets = Object.entries(counts).map(([column, n]) => `${column} = ${column} + ${n}`);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    this.run(
      `UPDATE runs SET cases = cases + ?, regressions = regressions + ?, fixed = fixed + ?${sets.length ? `, ${sets.join(', ')}` : ''} WHERE id = ?`,
      [total, regressions, fixed, e.runId],
    );
  }
}

// A case's history across the runs of its suite, for the timeline in the detail pane.
// The index keeps every failure (occurrences) but, for passes, only the last run a case
// passed in and the run that fixed it (items): a run of the suite between
// them where the case did not fail is shown as "no failure recorded" (it passed, or was
// not in that run), never as a pass it may not have been, except the run just before a
// regression: a regression means the case's previous appearance passed.
import type { Database } from 'sql.js';
import { caseIdsOf } from '../store/caseIds';
import { valuesOf } from '../store/storeQueries';

export type HistoryOutcome = 'pass' | 'fail' | 'error' | 'none';

export interface HistoryPoint {
  runId: string;
  outcome: HistoryOutcome;
  regression: boolean;
  model: string | null;
  gitCommit: string | null;
  at: string | null;
}

/** The most runs a timeline shows (the latest). */
export const HISTORY_RUNS = 60;

export function caseHistory(db: Database, caseKey: string, format: string, suite: string): HistoryPoint[] {
  const cid = caseIdsOf(caseKey).cid;
  const item = valuesOf(db, 'SELECT first_rn, fixed_rn, pass_rn FROM items WHERE cid = ?', [cid])[0];
  if (!item) return [];
  const passRn = item[2];
  const passes = new Set([passRn, item[1]].filter((r) => r !== null && r !== undefined).map(Number));
  const failures = new Map(valuesOf(db, 'SELECT rn, outcome, regression FROM occurrences WHERE cid = ?', [cid]).map((r) => [Number(r[0]), { outcome: String(r[1]), regression: r[2] === 1 }]));
  const from = Math.min(Number(item[0]), ...passes);
  const runs = valuesOf(db, `SELECT rn, id, model, git_commit, COALESCE(started_at, captured_at) FROM runs WHERE format = ? AND suite = ? AND rn >= ? ORDER BY rn DESC LIMIT ${HISTORY_RUNS}`, [format, suite, from]).reverse();
  const points = runs.map(([rn, id, model, commit, at]): HistoryPoint => {
    const failed = failures.get(Number(rn));
    const outcome: HistoryOutcome = failed ? (failed.outcome === 'error' ? 'error' : 'fail') : passes.has(Number(rn)) ? 'pass' : 'none';
    const cut = (v: unknown, n: number) => (v === null ? null : String(v).slice(0, n));
    return { runId: String(id).slice(0, 1000), outcome, regression: failed?.regression ?? false, model: cut(model, 200), gitCommit: cut(commit, 64), at: cut(at, 40) };
  });
  // a regression says the case's previous appearance passed: the suite's run just before
  // it, when no failure is recorded there, is taken to be that pass
  points.forEach((p, i) => {
    if (p.regression && i > 0 && points[i - 1]!.outcome === 'none') points[i - 1]!.outcome = 'pass';
  });
  return points;
}

// View models for the Queue and Runs trees, as plain data computed from the index.
// The extension maps these nodes to TreeItems; nothing here knows about VS Code.
import type { Database, SqlValue } from 'sql.js';
import { summaryOf, type ItemSummaryData } from '../review/reviewQueries';
import { listItems, listRuns, type ItemFilter, type RunRow } from '../store/storeQueries';

export const STATE_ORDER = ['new', 'auto-graded', 'reviewed'] as const;
export const STATE_LABELS: Record<string, string> = { new: 'Waiting for review', 'auto-graded': 'Auto-graded', reviewed: 'Reviewed' };

export type QueueNode =
  | { kind: 'state'; state: string; label: string; count: number; regressions: number }
  | { kind: 'group'; state: string; suite: string; count: number }
  | ({ kind: 'item' } & ItemSummaryData)
  | { kind: 'more'; state: string; suite: string; remaining: number };

function all(db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] {
  return db.exec(sql, params)[0]?.values ?? [];
}

export function queueRoots(db: Database): QueueNode[] {
  const counts = new Map(all(db, 'SELECT state, COUNT(*), SUM(regression_rn IS NOT NULL AND fixed_rn IS NULL) FROM items GROUP BY state').map((r) => [String(r[0]), [Number(r[1]), Number(r[2])]]));
  return STATE_ORDER.filter((s) => counts.has(s)).map((state) => ({
    kind: 'state' as const,
    state,
    label: STATE_LABELS[state] ?? state,
    count: counts.get(state)![0]!,
    regressions: counts.get(state)![1]!,
  }));
}

export function queueGroups(db: Database, state: string): QueueNode[] {
  return all(db, 'SELECT suite, COUNT(*) FROM items WHERE state = ? GROUP BY suite ORDER BY suite', [state]).map((r) => ({
    kind: 'group' as const,
    state,
    suite: String(r[0]),
    count: Number(r[1]),
  }));
}

export function queueItems(db: Database, state: string, suite: string, limit = 500): QueueNode[] {
  const filter: ItemFilter = { state, suite, limit };
  const items = listItems(db, filter).map((i): QueueNode => ({ kind: 'item', ...summaryOf(i) }));
  const total = Number(all(db, 'SELECT COUNT(*) FROM items WHERE state = ? AND suite = ?', [state, suite])[0]?.[0] ?? 0);
  if (total > items.length) items.push({ kind: 'more', state, suite, remaining: total - items.length });
  return items;
}

export interface RunNode {
  run: RunRow;
  label: string;
  description: string;
}

export function runNodes(db: Database): RunNode[] {
  return listRuns(db)
    .reverse()
    .map((run) => {
      const failures = run.failed + run.errored;
      const parts = [`${run.passed}/${run.cases} passed`, `${failures} failed`];
      if (run.regressions) parts.push(`${run.regressions} regressions`);
      if (run.partial) parts.push('in progress');
      return {
        run,
        label: `${run.suite}${run.model ? ` · ${run.model}` : ''}`,
        description: parts.join(' · '),
      };
    });
}

// View models for the Queue and Runs trees, as plain data computed from the index.
// The extension maps these nodes to TreeItems; nothing here knows about VS Code.
import type { Database } from 'sql.js';
import { summaryOf, type ItemSummaryData, type PinnedLookup } from '../review/reviewQueries';
import { countItems, keptCounts, listItems, listRuns, valuesOf, type ItemFilter, type RunRow } from '../store/storeQueries';

export const STATE_ORDER = ['new', 'auto-graded', 'reviewed'] as const;
export const STATE_LABELS: Record<string, string> = { new: 'Waiting for review', 'auto-graded': 'Auto-graded', reviewed: 'Reviewed' };

/** The second level of the Queue tree: the suite, the run an item last failed in, its tags, the people it is assigned to, or its failure cluster. */
export type QueueGrouping = 'suite' | 'run' | 'tag' | 'assignee' | 'cluster';
export const QUEUE_GROUPINGS: readonly QueueGrouping[] = ['run', 'tag', 'suite', 'assignee', 'cluster'];

export type QueueNode =
  | { kind: 'state'; state: string; label: string; count: number; regressions: number }
  | { kind: 'group'; state: string; by: QueueGrouping; key: string; label: string; count: number; clusterSize?: number }
  | ({ kind: 'item' } & ItemSummaryData)
  | { kind: 'more'; state: string; by: QueueGrouping; key: string; remaining: number };


export function queueRoots(db: Database): QueueNode[] {
  const kept = keptCounts(db);
  // open regressions by state, through the partial index of the few items with a regression
  const regressions = new Map(valuesOf(db, 'SELECT state, COUNT(*) FROM items WHERE regression_rn IS NOT NULL AND fixed_rn IS NULL GROUP BY state').map((r) => [String(r[0]), Number(r[1])]));
  return STATE_ORDER.filter((s) => (kept.get(`state:${s}`) ?? 0) > 0).map((state) => ({
    kind: 'state' as const,
    state,
    label: STATE_LABELS[state] ?? state,
    count: kept.get(`state:${state}`)!,
    regressions: regressions.get(state) ?? 0,
  }));
}

const UNTAGGED = '';
/** The group key of items assigned to no one ('' is no reviewer name: names are never empty). */
const UNASSIGNED = '';
/** Cluster groups: failures alike to no other, and failures not compared yet (the clusters catch up after a capture). */
const LONE = 'lone';
const NOT_COMPARED = 'pending';

function clusterGroups(db: Database, state: string): QueueNode[] {
  const groups: QueueNode[] = valuesOf(
    db,
    `SELECT rep.id, rep.title, c.size, COUNT(*) FROM items i JOIN case_signatures s ON s.cid = i.cid JOIN clusters c ON c.cluster = s.cluster
     JOIN items rep ON rep.cid = c.rep_cid WHERE i.state = ? AND c.size > 1 GROUP BY s.cluster ORDER BY COUNT(*) DESC, c.size DESC, rep.created_at`,
    [state],
  ).map((r) => ({ kind: 'group', state, by: 'cluster', key: String(r[0]), label: String(r[1]), count: Number(r[3]), clusterSize: Number(r[2]) }));
  const lone = Number(valuesOf(db, 'SELECT COUNT(*) FROM items i JOIN case_signatures s ON s.cid = i.cid JOIN clusters c ON c.cluster = s.cluster WHERE i.state = ? AND c.size = 1', [state])[0]?.[0] ?? 0);
  const pending = Number(valuesOf(db, 'SELECT COUNT(*) FROM items i JOIN cluster_pending p ON p.cid = i.cid WHERE i.state = ?', [state])[0]?.[0] ?? 0);
  if (lone) groups.push({ kind: 'group', state, by: 'cluster', key: LONE, label: 'alike to no other failure', count: lone });
  if (pending) groups.push({ kind: 'group', state, by: 'cluster', key: NOT_COMPARED, label: 'not compared yet', count: pending });
  return groups;
}

function clusterFilter(state: string, key: string): ItemFilter | { sql: string } {
  if (key === LONE) return { sql: 'cid IN (SELECT s.cid FROM case_signatures s JOIN clusters c ON c.cluster = s.cluster WHERE c.size = 1)' };
  if (key === NOT_COMPARED) return { sql: 'cid IN (SELECT cid FROM cluster_pending)' };
  return { state, cluster: key };
}

export function queueGroups(db: Database, state: string, by: QueueGrouping = 'suite'): QueueNode[] {
  if (by === 'cluster') return clusterGroups(db, state);
  const group = (key: string, label: string, count: number): QueueNode => ({ kind: 'group', state, by, key, label, count });
  if (by === 'run') {
    return valuesOf(
      db,
      `SELECT r.id, r.suite, r.model, r.started_at, COUNT(*) FROM items i JOIN runs r ON r.rn = i.last_rn
       WHERE i.state = ? GROUP BY i.last_rn ORDER BY i.last_rn DESC`,
      [state],
    ).map((r) => group(String(r[0]), `${String(r[1])}${r[2] ? ` · ${String(r[2])}` : ''}${r[3] ? ` · ${String(r[3]).slice(0, 16)}` : ''}`, Number(r[4])));
  }
  if (by === 'tag') {
    const tagged = valuesOf(db, 'SELECT t.value, COUNT(*) FROM items, json_each(items.tags) t WHERE items.state = ? GROUP BY t.value ORDER BY t.value', [state]).map((r) =>
      group(String(r[0]), `#${String(r[0])}`, Number(r[1])),
    );
    const untagged = Number(valuesOf(db, "SELECT COUNT(*) FROM items WHERE state = ? AND tags = '[]'", [state])[0]?.[0] ?? 0);
    return untagged ? [...tagged, group(UNTAGGED, 'untagged', untagged)] : tagged;
  }
  if (by === 'assignee') {
    // an item given to two people appears under each
    const assigned = valuesOf(db, 'SELECT a.reviewer, COUNT(*) FROM items i JOIN assignments a ON a.cid = i.cid WHERE i.state = ? GROUP BY a.reviewer ORDER BY a.reviewer', [state]).map((r) =>
      group(String(r[0]), String(r[0]), Number(r[1])),
    );
    const unassigned = countItems(db, { state, unassigned: true });
    return unassigned ? [...assigned, group(UNASSIGNED, 'unassigned', unassigned)] : assigned;
  }
  return valuesOf(db, 'SELECT suite, COUNT(*) FROM items WHERE state = ? GROUP BY suite ORDER BY suite', [state]).map((r) => group(String(r[0]), String(r[0]), Number(r[1])));
}

/** What item nodes may show of their items (blind review hides others' verdicts, see review/blindReview.ts). */
export type SummaryView = (summaries: ItemSummaryData[]) => ItemSummaryData[];

function groupFilter(state: string, by: QueueGrouping, key: string): ItemFilter {
  switch (by) {
    case 'suite':
      return { state, suite: key };
    case 'run':
      return { state, lastRunId: key };
    case 'tag':
      return key === UNTAGGED ? { state, untagged: true } : { state, tag: key };
    case 'assignee':
      return key === UNASSIGNED ? { state, unassigned: true } : { state, assignedTo: key };
    case 'cluster':
      return { state, cluster: key };
  }
}

export function queueItems(db: Database, state: string, by: QueueGrouping, key: string, limit = 500, pinned?: PinnedLookup, view: SummaryView = (s) => s): QueueNode[] {
  if (by === 'cluster') {
    const chosen = clusterFilter(state, key);
    if ('sql' in chosen) {
      // the two catch-all groups are not clusters a filter can name
      const rows = valuesOf(db, `SELECT id FROM items WHERE state = ? AND ${chosen.sql} ORDER BY created_at, rowid`, [state]);
      const shown = view(listItems(db, { ids: rows.slice(0, limit).map((r) => String(r[0])), limit }).map((i) => summaryOf(i, pinned))).map((s): QueueNode => ({ kind: 'item', ...s }));
      if (rows.length > shown.length) shown.push({ kind: 'more', state, by, key, remaining: rows.length - shown.length });
      return shown;
    }
  }
  const filter = groupFilter(state, by, key);
  const items = view(listItems(db, { ...filter, limit }).map((i) => summaryOf(i, pinned))).map((s): QueueNode => ({ kind: 'item', ...s }));
  const total = countItems(db, filter);
  if (total > items.length) items.push({ kind: 'more', state, by, key, remaining: total - items.length });
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

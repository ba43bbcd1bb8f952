// View models for the Queue and Runs trees, as plain data computed from the index.
// The extension maps these nodes to TreeItems; nothing here knows about VS Code.
import type { Database } from 'sql.js';
import { ITEM_STATES, type ItemState } from '../review/itemStates';
import { summaryOf, type ItemSummaryData, type PinnedLookup } from '../review/reviewQueries';
import { assigneeGroupCounts, catchAllItemIds, clusterGroupCounts, loneFailureCount, notComparedCount, openRegressionsByState, runGroupCounts, suiteGroupCounts, tagGroupCounts, untaggedCount } from '../store/queueGroupQueries';
import { countItems, keptCounts, listItems, listRuns, type ItemFilter, type RunRow } from '../store/storeQueries';

export const STATE_LABELS: Record<ItemState, string> = { new: 'Waiting for review', 'auto-graded': 'Auto-graded', reviewed: 'Reviewed' };

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
  const regressions = openRegressionsByState(db);
  return ITEM_STATES.filter((s) => (kept.get(`state:${s}`) ?? 0) > 0).map((state) => ({
    kind: 'state' as const,
    state,
    label: STATE_LABELS[state],
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
  const groups: QueueNode[] = clusterGroupCounts(db, state).map((c) => ({ kind: 'group', state, by: 'cluster', key: c.key, label: c.title, count: c.count, clusterSize: c.size }));
  const lone = loneFailureCount(db, state);
  const pending = notComparedCount(db, state);
  if (lone) groups.push({ kind: 'group', state, by: 'cluster', key: LONE, label: 'alike to no other failure', count: lone });
  if (pending) groups.push({ kind: 'group', state, by: 'cluster', key: NOT_COMPARED, label: 'not compared yet', count: pending });
  return groups;
}

export function queueGroups(db: Database, state: string, by: QueueGrouping = 'suite'): QueueNode[] {
  if (by === 'cluster') return clusterGroups(db, state);
  const group = (key: string, label: string, count: number): QueueNode => ({ kind: 'group', state, by, key, label, count });
  if (by === 'run') {
    return runGroupCounts(db, state).map((r) => group(r.key, `${r.suite}${r.model ? ` · ${r.model}` : ''}${r.startedAt ? ` · ${r.startedAt.slice(0, 16)}` : ''}`, r.count));
  }
  if (by === 'tag') {
    const tagged = tagGroupCounts(db, state).map((t) => group(t.key, `#${t.key}`, t.count));
    const untagged = untaggedCount(db, state);
    return untagged ? [...tagged, group(UNTAGGED, 'untagged', untagged)] : tagged;
  }
  if (by === 'assignee') {
    // an item given to two people appears under each
    const assigned = assigneeGroupCounts(db, state).map((a) => group(a.key, a.key, a.count));
    const unassigned = countItems(db, { state, unassigned: true });
    return unassigned ? [...assigned, group(UNASSIGNED, 'unassigned', unassigned)] : assigned;
  }
  return suiteGroupCounts(db, state).map((g) => group(g.key, g.key, g.count));
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
  if (by === 'cluster' && (key === LONE || key === NOT_COMPARED)) {
    // the two catch-all groups are not clusters a filter can name
    const ids = catchAllItemIds(db, state, key === LONE ? 'lone' : 'notCompared');
    const shown = view(listItems(db, { ids: ids.slice(0, limit), limit }).map((i) => summaryOf(i, pinned))).map((s): QueueNode => ({ kind: 'item', ...s }));
    if (ids.length > shown.length) shown.push({ kind: 'more', state, by, key, remaining: ids.length - shown.length });
    return shown;
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

// The orders the review queue can be read in (the panel's sort, `evalloop list --sort`).
// Ties always fall back to the order of capture.

export const QUEUE_SORTS = ['oldest', 'newest', 'run', 'suite', 'regression'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/** How each order reads to a person (the panel's sort menu). */
export const QUEUE_SORT_LABELS: Record<QueueSort, string> = {
  oldest: 'oldest first',
  newest: 'newest first',
  run: 'latest run first',
  suite: 'by suite',
  regression: 'regressions first',
};

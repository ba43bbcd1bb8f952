// Applies the team's events to the index: who each item is assigned to and the queue's
// shared settings; and reads each person's standing verdict, from which the review
// refresh (reviewProjection.ts) works out per item how many people's verdicts stand and
// whether they agree.
// A person's standing verdict on an item is their latest review of it (by Lamport clock,
// as in reviewProjection.ts) that is not undone; an adjudication is not one of them.
import type { Database, SqlValue } from 'sql.js';
import { caseIdsOf } from './caseIds';
import type { AssignEvent, QueueEvent } from './journalEvents';
import { valuesOf } from './storeQueries';

/** Adds the event's assignments; assigning someone again changes nothing, so replay is idempotent. */
export function applyAssign(db: Database, e: AssignEvent, eid: string): void {
  for (const { k, to } of e.items) {
    const { cid } = caseIdsOf(k);
    for (const name of to) db.run('INSERT OR IGNORE INTO assignments (cid, reviewer, eid, lc) VALUES (?, ?, ?, ?)', [cid, name, eid, e.lc ?? 0]);
  }
}

/** A queue setting stands until one with a larger clock (then time, then id) replaces it, in whatever order they are replayed. */
export function applyQueue(db: Database, e: QueueEvent, eid: string): void {
  db.run(
    `INSERT INTO queue_settings (name, value, lc, at, eid) VALUES ('blind', ?, ?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value, lc = excluded.lc, at = excluded.at, eid = excluded.eid
     WHERE (excluded.lc, excluded.at, excluded.eid) > (queue_settings.lc, queue_settings.at, queue_settings.eid)`,
    [JSON.stringify(e.blind), e.lc ?? 0, e.at, eid],
  );
}

/** The items two or more people judged (their `human_reviewers`, kept by the review refresh): agreed, disputed or adjudicated, found by an index. */
const SHARED_ITEMS = "SELECT cid FROM items WHERE agreement IN ('agreed', 'disputed', 'adjudicated') AND human_reviewers >= 2";

/**
 * Each person's standing verdict, one row per (item, reviewer): [cid, reviewer, verdict].
 * With `cid`, only that item's; with 'shared', only the items two or more people judged.
 * The one definition every agreement figure reads.
 */
export function standingVerdicts(db: Database, cid?: number | 'shared'): [number, string, string][] {
  const params: SqlValue[] = typeof cid === 'number' ? [cid] : [];
  const narrowed = cid === undefined ? '' : cid === 'shared' ? ` AND cid IN (${SHARED_ITEMS})` : ' AND cid = ?';
  return valuesOf(
    db,
    `SELECT cid, reviewer, verdict FROM (
       SELECT cid, reviewer, verdict, ROW_NUMBER() OVER (PARTITION BY cid, reviewer ORDER BY lc DESC, at DESC, eid DESC) AS n
       FROM reviews WHERE retracted = 0 AND grader IS NULL AND adjudicates = 0${narrowed})
     WHERE n = 1 ORDER BY cid, reviewer`,
    params,
  ).map((r) => [Number(r[0]), String(r[1]), String(r[2])]);
}

/** Each automatic grader's standing verdict per item: [cid, grader, verdict]. */
export function standingGraderVerdicts(db: Database): [number, string, string][] {
  return valuesOf(
    db,
    `SELECT cid, grader, verdict FROM (
       SELECT cid, grader, verdict, ROW_NUMBER() OVER (PARTITION BY cid, grader ORDER BY lc DESC, at DESC, eid DESC) AS n
       FROM reviews WHERE retracted = 0 AND grader IS NOT NULL)
     WHERE n = 1 ORDER BY cid, grader`,
  ).map((r) => [Number(r[0]), String(r[1]), String(r[2])]);
}

// Applies the team's events to the index: who each item is assigned to, the queue's
// shared settings, and per item how many people's verdicts stand and whether they agree.
// A person's standing verdict on an item is their latest review of it (by Lamport clock,
// as in reviewProjection.ts) that is not undone; an adjudication is not one of them.
import type { Database, SqlValue, Statement } from 'sql.js';
import { itemAgreement } from '../review/agreement';
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

/**
 * Each person's standing verdict, one row per (item, reviewer): [cid, reviewer, verdict].
 * With `cid`, only that item's. The one definition every agreement figure reads.
 */
export function standingVerdicts(db: Database, cid?: number): [number, string, string][] {
  const params: SqlValue[] = cid === undefined ? [] : [cid];
  return valuesOf(
    db,
    `SELECT cid, reviewer, verdict FROM (
       SELECT cid, reviewer, verdict, ROW_NUMBER() OVER (PARTITION BY cid, reviewer ORDER BY lc DESC, at DESC, eid DESC) AS n
       FROM reviews WHERE retracted = 0 AND grader IS NULL AND adjudicates = 0${cid === undefined ? '' : ' AND cid = ?'})
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

/**
 * Works out agreement and the number of people whose verdict stands for the items listed
 * in `temp.review_refresh` (after any review or undo), in one pass over them, and stages
 * them in that table's `agreement` and `people` columns (left at 'none' and 0 for items
 * nobody has a standing verdict on); refreshReviewStates writes them to the items.
 */
export function stageAgreements(ctx: { db: Database; stmt(sql: string): Statement }): void {
  const { db } = ctx;
  const verdicts = new Map<number, string[]>();
  // the same standing verdicts as standingVerdicts(), for the touched items only (CROSS JOIN keeps them the outer loop)
  const standing = valuesOf(
    db,
    `SELECT cid, verdict FROM (
       SELECT r.cid, r.reviewer, r.verdict, ROW_NUMBER() OVER (PARTITION BY r.cid, r.reviewer ORDER BY r.lc DESC, r.at DESC, r.eid DESC) AS n
       FROM temp.review_refresh f CROSS JOIN reviews r ON r.cid = f.cid
       WHERE r.retracted = 0 AND r.grader IS NULL AND r.adjudicates = 0)
     WHERE n = 1 ORDER BY cid, reviewer`,
  );
  for (const [cid, verdict] of standing) {
    let vs = verdicts.get(Number(cid));
    if (!vs) verdicts.set(Number(cid), (vs = []));
    vs.push(String(verdict));
  }
  const adjudicated = new Set(valuesOf(db, 'SELECT DISTINCT r.cid FROM temp.review_refresh f CROSS JOIN reviews r ON r.cid = f.cid WHERE r.retracted = 0 AND r.grader IS NULL AND r.adjudicates = 1').map((r) => Number(r[0])));
  for (const cid of adjudicated) if (!verdicts.has(cid)) verdicts.set(cid, []);
  const stage = ctx.stmt('UPDATE temp.review_refresh SET agreement = ?, people = ? WHERE cid = ?');
  for (const [cid, vs] of verdicts) stage.run([itemAgreement(vs, adjudicated.has(cid)), vs.length, cid]);
}

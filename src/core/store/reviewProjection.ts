// Applies review, tag and undo events to the index. An item's shown state is
// recomputed from all its events, so undo and out-of-order replay give the same result.
//
// Which review decides an item: a person's before a grader's; among those, the one
// with the largest Lamport clock (`lc`, see journalEvents.ts), so a review made after
// seeing another always wins over it, whatever either machine's clock said. Only
// reviews made without seeing each other (equal clocks) fall back to wall-clock time,
// then the event id, so every index still picks the same one. Events from before
// clocks existed all have lc 0 and keep the old time order among themselves. An
// adjudication (a person's review made with `adjudicate`) outranks every other review
// of the item, whatever their clocks: it settles a dispute, which a later ordinary
// review must not silently reopen.
import type { Database } from 'sql.js';
import { sha256Hex } from '../text/hashing';
import { valuesOf } from './storeQueries';
import { caseIdsOf } from './caseIds';
import type { ReviewEvent, TagEvent, UndoEvent } from './journalEvents';
import { refreshAgreement } from './teamProjection';

/** The order in which reviews of one item stand, last one deciding (shared with the tag timeline). */
const DECIDING_ORDER = '(grader IS NULL) DESC, adjudicates DESC, lc DESC, at DESC, eid DESC';

/** Event ids seen twice with different content: two writers that shared a name (see doctor). */
export type CollisionSink = (eventId: string) => void;

function digestOf(e: ReviewEvent | TagEvent): string {
  return sha256Hex(JSON.stringify(e)).slice(0, 16);
}

/**
 * The id under which an event is indexed: its own, or — when another event already holds
 * that id with different content (two clones that wrote under one writer name, merged by
 * git) — the id with the content's digest appended, so neither event is lost.
 */
function distinctId(db: Database, table: 'reviews' | 'tag_events', eid: string, digest: string, onCollision: CollisionSink): string | undefined {
  const held = valuesOf(db, `SELECT digest FROM ${table} WHERE eid = ? LIMIT 1`, [eid])[0];
  if (!held) return eid;
  if (held[0] === digest) return undefined; // the same event replayed
  onCollision(eid);
  const alternate = `${eid}~${digest.slice(0, 8)}`;
  return valuesOf(db, `SELECT 1 FROM ${table} WHERE eid = ? LIMIT 1`, [alternate]).length ? undefined : alternate;
}

export function applyReview(db: Database, e: ReviewEvent, eid: string, onCollision: CollisionSink): void {
  const { cid } = caseIdsOf(e.caseKey);
  const digest = digestOf(e);
  const id = distinctId(db, 'reviews', eid, digest, onCollision);
  if (id === undefined) return;
  db.run(
    `INSERT INTO reviews (eid, cid, reviewer, verdict, correction, tags, rubric, comment, grader, reason, at, lc, digest, adjudicates, sides)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      cid,
      e.reviewer,
      e.verdict,
      e.correction ?? null,
      JSON.stringify(e.tags ?? []),
      e.rubric ?? null,
      e.comment ?? null,
      e.grader ?? null,
      e.reason ?? null,
      e.at,
      e.lc ?? 0,
      digest,
      // a grader cannot adjudicate: only a person's say settles a dispute
      e.adjudicate && e.grader === undefined ? 1 : 0,
      e.sides ? JSON.stringify(e.sides) : null,
    ],
  );
  refreshReviewState(db, cid);
}

export function applyTag(db: Database, e: TagEvent, eid: string, onCollision: CollisionSink): void {
  const digest = digestOf(e);
  const id = distinctId(db, 'tag_events', eid, digest, onCollision);
  if (id === undefined) return;
  for (const caseKey of e.caseKeys) {
    const { cid } = caseIdsOf(caseKey);
    db.run('INSERT OR IGNORE INTO tag_events (eid, cid, added, removed, at, lc, digest) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      id,
      cid,
      JSON.stringify(e.add),
      JSON.stringify(e.remove),
      e.at,
      e.lc ?? 0,
      digest,
    ]);
    refreshReviewState(db, cid);
  }
}

export function applyUndo(db: Database, e: UndoEvent): void {
  const cids = new Set<number>();
  for (const [cid] of valuesOf(db, 'SELECT cid FROM reviews WHERE eid = ?', [e.target])) cids.add(Number(cid));
  for (const [cid] of valuesOf(db, 'SELECT cid FROM tag_events WHERE eid = ?', [e.target])) cids.add(Number(cid));
  db.run('UPDATE reviews SET retracted = 1 WHERE eid = ?', [e.target]);
  db.run('UPDATE tag_events SET retracted = 1 WHERE eid = ?', [e.target]);
  for (const cid of cids) refreshReviewState(db, cid);
}

/** Recomputes an item's verdict, state, tags and deciding review from its events. */
export function refreshReviewState(db: Database, cid: number): void {
  const [effective] = valuesOf(
    db,
    `SELECT verdict, correction, rubric, comment, reviewer, at, grader, eid FROM reviews
     WHERE cid = ? AND retracted = 0 ORDER BY ${DECIDING_ORDER} LIMIT 1`,
    [cid],
  );
  const tags = new Set<string>();
  const timeline = valuesOf(
    db,
    `SELECT tags AS added, '[]' AS removed, lc, at, eid FROM reviews WHERE cid = ? AND retracted = 0 AND grader IS NULL
     UNION ALL SELECT added, removed, lc, at, eid FROM tag_events WHERE cid = ? AND retracted = 0
     ORDER BY lc, at, eid`,
    [cid, cid],
  );
  for (const [added, removed] of timeline) {
    for (const t of JSON.parse(String(added)) as string[]) tags.add(t);
    for (const t of JSON.parse(String(removed)) as string[]) tags.delete(t);
  }
  const state = !effective ? 'new' : effective[6] === null ? 'reviewed' : 'auto-graded';
  db.run(
    `UPDATE items SET state = ?, verdict = ?, correction = ?, rubric = ?, comment = ?, reviewer = ?, reviewed_at = ?, grader = ?, tags = ?, review_eid = ?
     WHERE cid = ?`,
    [
      state,
      effective?.[0] ?? null,
      effective?.[1] ?? null,
      effective?.[2] ?? null,
      effective?.[3] ?? null,
      effective?.[4] ?? null,
      effective?.[5] ?? null,
      effective?.[6] ?? null,
      JSON.stringify([...tags].sort()),
      effective?.[7] ?? null,
      cid,
    ],
  );
  refreshAgreement(db, cid);
}

// Applies review, tag and undo events to the index. An item's shown state is
// recomputed from all its events, so undo and out-of-order replay give the same result.
import type { Database } from 'sql.js';
import { valuesOf } from './storeQueries';
import { caseIdsOf } from './caseIds';
import type { ReviewEvent, TagEvent, UndoEvent } from './journalEvents';


export function applyReview(db: Database, e: ReviewEvent, eid: string): void {
  const { cid } = caseIdsOf(e.caseKey);
  db.run(
    `INSERT OR IGNORE INTO reviews (eid, cid, reviewer, verdict, correction, tags, rubric, comment, grader, reason, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [eid, cid, e.reviewer, e.verdict, e.correction ?? null, JSON.stringify(e.tags ?? []), e.rubric ?? null, e.comment ?? null, e.grader ?? null, e.reason ?? null, e.at],
  );
  refreshReviewState(db, cid);
}

export function applyTag(db: Database, e: TagEvent, eid: string): void {
  for (const caseKey of e.caseKeys) {
    const { cid } = caseIdsOf(caseKey);
    db.run('INSERT OR IGNORE INTO tag_events (eid, cid, added, removed, at) VALUES (?, ?, ?, ?, ?)', [eid, cid, JSON.stringify(e.add), JSON.stringify(e.remove), e.at]);
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

/** Recomputes an item's verdict, state and tags from its events. */
export function refreshReviewState(db: Database, cid: number): void {
  const [effective] = valuesOf(
    db,
    `SELECT verdict, correction, rubric, comment, reviewer, at, grader FROM reviews
     WHERE cid = ? AND retracted = 0 ORDER BY (grader IS NULL) DESC, at DESC, eid DESC LIMIT 1`,
    [cid],
  );
  const tags = new Set<string>();
  const timeline = valuesOf(
    db,
    `SELECT tags AS added, '[]' AS removed, at, eid FROM reviews WHERE cid = ? AND retracted = 0 AND grader IS NULL
     UNION ALL SELECT added, removed, at, eid FROM tag_events WHERE cid = ? AND retracted = 0
     ORDER BY at, eid`,
    [cid, cid],
  );
  for (const [added, removed] of timeline) {
    for (const t of JSON.parse(String(added)) as string[]) tags.add(t);
    for (const t of JSON.parse(String(removed)) as string[]) tags.delete(t);
  }
  const state = !effective ? 'new' : effective[6] === null ? 'reviewed' : 'auto-graded';
  db.run(
    `UPDATE items SET state = ?, verdict = ?, correction = ?, rubric = ?, comment = ?, reviewer = ?, reviewed_at = ?, grader = ?, tags = ?
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
      cid,
    ],
  );
}

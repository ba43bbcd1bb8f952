// Every review an item has had, oldest first (in causal order, see reviewProjection.ts): people's and the auto-grader's, undone
// ones marked, so `show` can say who decided what and when.
import type { Database } from 'sql.js';
import { caseIdsOf } from '../store/caseIds';
import { valuesOf } from '../store/storeQueries';

export interface ReviewEntry {
  eventId: string;
  verdict: string;
  correction: string | null;
  reviewer: string;
  at: string;
  /** The mechanical grader that decided it, null for a person's review. */
  grader: string | null;
  reason: string | null;
  tags: string[];
  rubric: number | null;
  comment: string | null;
  /** Undone later (the item no longer counts it). */
  retracted: boolean;
  /** An adjudication: it settles the item whatever the other reviews say. */
  adjudicate: boolean;
  /** For an adjudication, the reviewers whose verdicts it matched when it was made. */
  sides: string[] | null;
}

export function reviewsOf(db: Database, caseKey: string): ReviewEntry[] {
  return valuesOf(db, 'SELECT eid, verdict, correction, reviewer, at, grader, reason, tags, rubric, comment, retracted, adjudicates, sides FROM reviews WHERE cid = ? ORDER BY lc, at, eid', [caseIdsOf(caseKey).cid]).map((r) => ({
    eventId: String(r[0]),
    verdict: String(r[1]),
    correction: r[2] === null ? null : String(r[2]),
    reviewer: String(r[3]),
    at: String(r[4]),
    grader: r[5] === null ? null : String(r[5]),
    reason: r[6] === null ? null : String(r[6]),
    tags: JSON.parse(String(r[7] ?? '[]')) as string[],
    rubric: r[8] === null ? null : Number(r[8]),
    comment: r[9] === null ? null : String(r[9]),
    retracted: r[10] === 1,
    adjudicate: r[11] === 1,
    sides: r[12] === null ? null : (JSON.parse(String(r[12])) as string[]),
  }));
}

// Blind review: in a blind queue, a reviewer sees nothing of what others said about an
// item — no other person's verdict, correction or comment, not the auto-grader's verdict
// or reason, not the item's state, not the review history — until they have submitted a
// verdict of their own on it. Then they see everything (and keep seeing it: what was
// shown cannot be unseen, so undoing their verdict does not hide it again).
//
// One exception keeps disputes decidable: once an item is disputed (or adjudicated), a
// person it is not assigned to sees everything — they are there to adjudicate, and the
// people it is assigned to still review it blind.
//
// The panel's request handler, the Queue tree and `evalloop show` all ask here.
import type { Database } from 'sql.js';
import { caseIdsOf } from '../store/caseIds';
import { valuesOf, WITHHELD_SQL } from '../store/storeQueries';
import { queueSettings } from './queueSettings';

/** The item's standing as one viewer may see it; nothing here is about the case itself. */
export interface Judged {
  state: string;
  verdict: string | null;
}

/**
 * Of the given items, those whose others' verdicts `viewer` may not see yet (by case key).
 * Empty when the queue is not blind.
 */
export function hiddenFrom(db: Database, viewer: string, caseKeys: readonly string[]): Set<string> {
  const hidden = new Set<string>();
  if (caseKeys.length === 0 || !queueSettings(db).blind) return hidden;
  const byCid = new Map(caseKeys.map((k) => [caseIdsOf(k).cid, k]));
  const cids = [...byCid.keys()];
  // in slices: SQLite limits the number of parameters of one statement
  for (let i = 0; i < cids.length; i += 500) {
    const slice = cids.slice(i, i + 500);
    const rows = valuesOf(db, `SELECT cid FROM items WHERE cid IN (${slice.map(() => '?').join(', ')}) AND ${WITHHELD_SQL}`, [...slice, viewer, viewer]);
    for (const [cid] of rows) hidden.add(byCid.get(Number(cid))!);
  }
  return hidden;
}

/** Whether `viewer` may see what others said about one item. */
export function seesOthers(db: Database, viewer: string, caseKey: string): boolean {
  return !hiddenFrom(db, viewer, [caseKey]).has(caseKey);
}

/**
 * An item's summary as a reviewer who has not given their verdict sees it in a blind
 * queue: waiting for them, with no verdict. `blind` says that something is withheld.
 */
export function blindSummary<T extends Judged>(summary: T): T & { blind: true } {
  return { ...summary, state: 'new', verdict: null, blind: true };
}

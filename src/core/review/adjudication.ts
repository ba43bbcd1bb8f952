// Adjudication settles a disputed item: the adjudicator's verdict decides it whatever
// the clocks of the reviews it settles (reviewProjection.ts ranks it first), and the
// review records whose side it took — the reviewers whose standing verdicts it matched
// when it was made, kept in the event so a later change of mind does not rewrite history.
// Only a dispute can be adjudicated (or an adjudication redone): an item one person
// reviewed, or on which everyone agrees, needs no one to settle it.
import type { Database } from 'sql.js';
import { caseIdsOf } from '../store/caseIds';
import { valuesOf } from '../store/storeQueries';
import { standingVerdicts } from '../store/teamProjection';

/** Where an item stands before it is adjudicated; refused unless disputed (or adjudicated already). */
export function requireDisputed(db: Database, caseKey: string): void {
  const row = valuesOf(db, 'SELECT id, agreement FROM items WHERE cid = ?', [caseIdsOf(caseKey).cid])[0];
  if (!row) throw new Error(`no item ${caseKey} to adjudicate`);
  const agreement = String(row[1]);
  if (agreement !== 'disputed' && agreement !== 'adjudicated') {
    const why = agreement === 'none' ? 'no one has reviewed it' : agreement === 'single' ? 'only one person has reviewed it' : 'its reviewers agree';
    throw new Error(`item ${String(row[0])} is not disputed (${why}): adjudication settles a dispute between reviewers; give a plain review instead`);
  }
}

/** The reviewers whose standing verdict on the item is `verdict`, by name. */
export function sidesTaken(db: Database, caseKey: string, verdict: string): string[] {
  return standingVerdicts(db, caseIdsOf(caseKey).cid)
    .filter(([, , v]) => v === verdict)
    .map(([, reviewer]) => reviewer)
    .sort();
}

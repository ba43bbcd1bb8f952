// What a reviewer does to items: verdicts (one event per item, all fsynced together),
// tags, and undo of an earlier action. Every action is a journal event, and an action
// on many items is one append (one fsync), however many items it names.
import type { Verdict } from './verdicts';
import type { NewEvent } from '../store/journalEvents';
import { findItemRefs } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';
import { requireDisputed, sidesTaken } from './adjudication';

export interface ReviewInput {
  verdict: Verdict;
  correction?: string;
  tags?: string[];
  rubric?: number;
  comment?: string;
  /** Settle disputed items: the verdict decides them whatever other reviews say (adjudication.ts). */
  adjudicate?: boolean;
}

function cleanTags(tags: string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim()).filter(Boolean))].sort();
}

export function validateReview(input: ReviewInput): void {
  if (input.rubric !== undefined && (!Number.isInteger(input.rubric) || input.rubric < 1 || input.rubric > 5)) {
    throw new Error(`rubric must be a whole number from 1 to 5 (got ${input.rubric})`);
  }
  for (const t of input.tags ?? []) if (t.length > 64) throw new Error(`tag "${t.slice(0, 20)}…" is longer than 64 characters`);
}

/** Records the same verdict on each item; returns the events' ids (for undo). */
export function submitReviews(store: WorkspaceStore, caseKeys: string[], input: ReviewInput, reviewer: string): string[] {
  validateReview(input);
  const tags = cleanTags(input.tags);
  // every item is checked before anything is written: all are adjudicated, or none
  if (input.adjudicate) for (const caseKey of caseKeys) requireDisputed(store.database, caseKey);
  const events: NewEvent[] = caseKeys.map((caseKey) => ({
    type: 'review',
    caseKey,
    verdict: input.verdict,
    reviewer,
    ...(input.correction !== undefined && input.verdict === 'model-wrong' ? { correction: input.correction } : {}),
    ...(tags.length ? { tags } : {}),
    ...(input.rubric !== undefined ? { rubric: input.rubric } : {}),
    ...(input.comment ? { comment: input.comment } : {}),
    ...(input.adjudicate ? { adjudicate: true as const, sides: sidesTaken(store.database, caseKey, input.verdict) } : {}),
  }));
  return store.append(events).eventIds;
}

/**
 * Makes the automatic verdicts of the named items the reviewer's own (verdict and
 * correction as the grader left them). Items no longer auto-graded are left as they
 * are. Returns the events' ids: undoing them all takes the whole acceptance back.
 */
export function acceptAutoVerdicts(store: WorkspaceStore, ids: string[], reviewer: string): string[] {
  const events: NewEvent[] = [];
  for (const item of findItemRefs(store.database, ids)) {
    if (!item || item === 'ambiguous' || item.state !== 'auto-graded' || !item.verdict) continue;
    events.push({
      type: 'review',
      caseKey: item.caseKey,
      verdict: item.verdict as Verdict,
      reviewer,
      ...(item.correction && item.verdict === 'model-wrong' ? { correction: item.correction } : {}),
    });
  }
  return store.append(events).eventIds;
}

export function tagItems(store: WorkspaceStore, caseKeys: string[], add: string[], remove: string[] = []): string {
  const event: NewEvent = { type: 'tag', caseKeys, add: cleanTags(add), remove: cleanTags(remove) };
  return store.append([event]).eventIds[0]!;
}

/** Retracts earlier review or tag events. */
export function undoEvents(store: WorkspaceStore, eventIds: string[]): void {
  store.append(eventIds.map((target): NewEvent => ({ type: 'undo', target })));
}

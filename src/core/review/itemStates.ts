// Where an item stands: waiting for review (`new`), graded by an automatic grader only
// (`auto-graded`), or reviewed by a person. The index projection sets the state from
// the reviews that decide it (store/reviewProjection.ts); the list is in queue order.

export const ITEM_STATES = ['new', 'auto-graded', 'reviewed'] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export function isItemState(value: string): value is ItemState {
  return (ITEM_STATES as readonly string[]).includes(value);
}

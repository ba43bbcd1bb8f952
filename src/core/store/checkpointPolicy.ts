// When a long-lived process (the extension) writes its index to disk. Saving exports
// the whole database, so its cost grows with the workspace; the journals are durable
// before any write returns, so the index can lag: it is saved once a large batch has
// been applied (bounding what the next open replays), and otherwise after a quiet spell.

/** Save at once when this many events are applied but not saved. */
export const CHECKPOINT_EVENTS = 20_000;
/** Otherwise save after this long without another operation. */
export const CHECKPOINT_IDLE_MS = 5_000;

export function checkpointNow(unsavedEvents: number): boolean {
  return unsavedEvents >= CHECKPOINT_EVENTS;
}

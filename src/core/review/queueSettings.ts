// Settings of a whole queue that the team shares: journal events like any review, so
// every clone that has the journals agrees on them. The latest setting (by Lamport
// clock) stands. Today: blind review.
import type { Database } from 'sql.js';
import { valuesOf } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';

export interface QueueSettings {
  /** Reviewers see no one else's verdict on an item until they have given their own (blindReview.ts). */
  blind: boolean;
}

export function queueSettings(db: Database): QueueSettings {
  const row = valuesOf(db, "SELECT value FROM queue_settings WHERE name = 'blind'")[0];
  return { blind: row ? JSON.parse(String(row[0])) === true : false };
}

/** Marks the queue blind or not, for everyone who shares its journals; returns the event's id. */
export function setBlind(store: WorkspaceStore, blind: boolean): string {
  return store.append([{ type: 'queue', blind }]).eventIds[0]!;
}

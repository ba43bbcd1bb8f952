// Where the review panel opens for a reviewer with assignments: on what waits for them
// (assigned to them, no verdict of theirs yet), rather than on the whole queue.
import { hasAssignments } from '../../core/review/assignment';
import type { StoreSession } from '../storeSession';
import type { PanelTarget } from './reviewPanel';

export async function assignedToMeTarget(session: StoreSession, reviewer: () => Promise<string>): Promise<PanelTarget> {
  const me = await reviewer();
  const assigned = await session.read((store) => hasAssignments(store.database, me));
  return assigned ? { filter: { assignedTo: me, notReviewedBy: me } } : {};
}

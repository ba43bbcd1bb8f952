// Questions asked of the failure clusters: the clusters (largest first), the cluster
// of one item, and a cluster's members. A cluster is named by the id of its earliest
// failure (its representative), which does not depend on the order failures arrived in.
import type { Database } from 'sql.js';
import { valuesOf } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';
import { updateClusters, type ClusterUpdate } from './clusterIndex';
import { indexPendingText } from '../search/searchText';

export interface ClusterSummary {
  /** The representative's item id. */
  id: string;
  size: number;
  /** The representative's title. */
  title: string;
  /** What its members have in common, in words. */
  alike: string;
}

export interface ClusterListing extends ClusterSummary {
  itemIds: string[];
}

/** Brings the clusters up to date with what was captured (cost grows with what is new) and marks the index for saving. */
export function refreshClusters(store: WorkspaceStore, maxItems?: number): ClusterUpdate {
  const update = updateClusters(store.database, store.blobs, maxItems);
  // the search texts of items signed before the index could search them (an upgraded index)
  const texts = indexPendingText(store.database, store.blobs, maxItems === undefined ? undefined : Math.max(0, maxItems - update.signed));
  if (update.signed > 0 || texts > 0) store.noteDerivedChange();
  return update;
}

/** What a cluster's members share: one error, one grader reason, else near-duplicate text. */
function alikeOf(db: Database, cluster: number, size: number): string {
  const common = (column: string) => valuesOf(db, `SELECT ${column}, COUNT(*) FROM case_signatures WHERE cluster = ? AND ${column} IS NOT NULL GROUP BY ${column} ORDER BY 2 DESC LIMIT 1`, [cluster])[0];
  const error = common('error_kind');
  if (error && Number(error[1]) === size) return `same error: ${String(error[0])}`;
  const reason = common('reason_shape');
  if (reason && Number(reason[1]) === size) return `same grader reason: ${String(reason[0])}`;
  if (size === 1) return 'alike to no other failure';
  const parts = [error ? `${Number(error[1])} with error ${String(error[0])}` : '', reason ? `${Number(reason[1])} with reason “${String(reason[0])}”` : ''].filter(Boolean);
  return parts.length ? `near-duplicate outputs or inputs; ${parts.join('; ')}` : 'near-duplicate outputs or inputs';
}

function summaryOf(db: Database, cluster: number, size: number, repCid: number): ClusterSummary {
  const rep = valuesOf(db, 'SELECT id, title FROM items WHERE cid = ?', [repCid])[0];
  return { id: rep ? String(rep[0]) : '', size, title: rep ? String(rep[1]) : '', alike: alikeOf(db, cluster, size) };
}

/** Clusters of at least `minSize` items, largest first (ties: the earliest first). */
export function listClusters(db: Database, minSize = 2, limit = 0): ClusterListing[] {
  const rows = valuesOf(db, `SELECT cluster, size, rep_cid FROM clusters WHERE parent IS NULL AND size >= ? ORDER BY size DESC, rep_at, rep_cid${limit > 0 ? ` LIMIT ${Math.floor(limit)}` : ''}`, [Math.max(1, minSize)]);
  return rows.map(([cluster, size, repCid]) => ({
    ...summaryOf(db, Number(cluster), Number(size), Number(repCid)),
    itemIds: memberIdsOf(db, Number(cluster)),
  }));
}

function memberIdsOf(db: Database, cluster: number): string[] {
  return valuesOf(db, 'SELECT i.id FROM case_signatures s JOIN items i ON i.cid = s.cid WHERE s.cluster = ? ORDER BY i.created_at, i.cid', [cluster]).map((r) => String(r[0]));
}

function clusterNumberOfItem(db: Database, itemId: string): number | undefined {
  const row = valuesOf(db, 'SELECT s.cluster FROM items i JOIN case_signatures s ON s.cid = i.cid WHERE i.id = ?', [itemId])[0];
  return row ? Number(row[0]) : undefined;
}

/** The cluster an item belongs to (undefined until the clusters are refreshed after its capture). */
export function clusterOfItem(db: Database, itemId: string): ClusterSummary | undefined {
  const cluster = clusterNumberOfItem(db, itemId);
  if (cluster === undefined) return undefined;
  const row = valuesOf(db, 'SELECT size, rep_cid FROM clusters WHERE cluster = ?', [cluster])[0];
  return row ? summaryOf(db, cluster, Number(row[0]), Number(row[1])) : undefined;
}

/** The item ids of the cluster named `clusterId` (a representative's item id), or of the cluster holding that item. */
export function clusterMemberIds(db: Database, clusterId: string): string[] {
  const cluster = clusterNumberOfItem(db, clusterId);
  return cluster === undefined ? [] : memberIdsOf(db, cluster);
}

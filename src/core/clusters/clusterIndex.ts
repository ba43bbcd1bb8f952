// Keeps the failure clusters of the index up to date, incrementally: the items waiting
// in cluster_pending are signed (each once, from its first stored failure, so every
// index built from the same journals signs it the same way), their keys are looked up
// in one query per batch, and the clusters those keys lead to are merged with them
// (union-find: the largest cluster absorbs the others, whose members are relabelled;
// an absorbed cluster points at its parent, so a key still naming it finds the root).
// Adding k items costs k signatures and work that grows with k and with the clusters
// they join, not with the size of the queue. Which items end up together depends only
// on which keys they share, never on the order they arrived in.
import type { Database, SqlValue } from 'sql.js';
import type { BlobStore } from '../store/blobStore';
import { loadCase, valuesOf } from '../store/storeQueries';
import { signatureOf, type FailureSignature } from './failureSignature';
import { indexSearchText, searchBody } from '../search/searchText';

export interface ClusterUpdate {
  /** Items signed now (the new ones). */
  signed: number;
  /** Keys looked up: at most 30 per signed item. */
  keysLooked: number;
  /** Clusters merged into another because new items shared keys with both. */
  merges: number;
}

const NO_SIGNATURE: FailureSignature = { errorKind: null, reasonShape: null, outputBands: 0, inputBands: 0, keys: [], facts: null };

/** Items signed per transaction: bounds the memory of one step. */
const BATCH = 5000;
/** Rows per multi-row insert: far fewer calls into sql.js than one per row. */
const ROWS = 200;

interface Root {
  cluster: number;
  size: number;
  repCid: number;
  repAt: string;
  /** Already in the clusters table (else made by this batch). */
  stored: boolean;
}

/** Inserts rows of `width` values each with multi-row statements. */
function insertRows(db: Database, head: string, width: number, values: SqlValue[]): void {
  const rowSql = `(${Array(width).fill('?').join(', ')})`;
  const per = ROWS * width;
  let wide: ReturnType<Database['prepare']> | undefined;
  try {
    let at = 0;
    for (; at + per <= values.length; at += per) {
      wide ??= db.prepare(`${head} VALUES ${Array(ROWS).fill(rowSql).join(', ')}`);
      wide.run(values.slice(at, at + per));
    }
    const rest = values.length - at;
    if (rest > 0)
      db.run(
        `${head} VALUES ${Array(rest / width)
          .fill(rowSql)
          .join(', ')}`,
        values.slice(at),
      );
  } finally {
    wide?.free();
  }
}

/** How many items wait to be signed. */
export function pendingClusterItems(db: Database): number {
  return Number(valuesOf(db, 'SELECT COUNT(*) FROM cluster_pending')[0]?.[0] ?? 0);
}

/** The roots of stored clusters, following parents (union by size keeps the chains short). */
function storedRoots(db: Database, clusters: number[]): Map<number, Root> {
  const rootOf = new Map<number, Root>();
  const distinct = [...new Set(clusters)];
  let wanted = distinct;
  const parentOf = new Map<number, number>();
  const rows = new Map<number, Root>();
  while (wanted.length) {
    const next: number[] = [];
    for (let i = 0; i < wanted.length; i += 500) {
      const chunk = wanted.slice(i, i + 500);
      for (const [c, parent, size, repCid, repAt] of valuesOf(db, `SELECT cluster, parent, size, rep_cid, rep_at FROM clusters WHERE cluster IN (${chunk.map(() => '?').join(',')})`, chunk)) {
        const cluster = Number(c);
        if (parent === null) rows.set(cluster, { cluster, size: Number(size), repCid: Number(repCid), repAt: String(repAt), stored: true });
        else {
          parentOf.set(cluster, Number(parent));
          if (!parentOf.has(Number(parent)) && !rows.has(Number(parent))) next.push(Number(parent));
        }
      }
    }
    wanted = next;
  }
  for (const c of distinct) {
    let r = c;
    while (parentOf.has(r)) r = parentOf.get(r)!;
    const root = rows.get(r);
    if (root) rootOf.set(c, root);
  }
  return rootOf;
}

function earlier(a: { repAt: string; repCid: number }, b: { repAt: string; repCid: number }): boolean {
  return a.repAt < b.repAt || (a.repAt === b.repAt && a.repCid < b.repCid);
}

/** Signs one batch of pending items and merges them into the clusters. */
function applyBatch(db: Database, items: { cid: number; at: string; signature: FailureSignature }[], tally: ClusterUpdate): void {
  // the stored keys these items have, in one query per chunk
  const keysOf = items.map((it) => [...new Set(it.signature.keys)]);
  const allKeys = [...new Set(keysOf.flat())];
  tally.keysLooked += keysOf.reduce((n, k) => n + k.length, 0);
  const storedKey = new Map<number, number>();
  // one statement per batch: the keys travel as one JSON array
  for (const [key, cluster] of valuesOf(db, 'SELECT key, cluster FROM cluster_keys WHERE key IN (SELECT value FROM json_each(?))', [JSON.stringify(allKeys)])) {
    storedKey.set(Number(key), Number(cluster));
  }
  const rootOfStored = storedRoots(db, [...storedKey.values()]);

  // union-find in memory over the stored roots met and the new items
  const parent = new Map<Root, Root>();
  const find = (r: Root): Root => {
    let x = r;
    while (parent.has(x)) x = parent.get(x)!;
    let y = r;
    while (parent.has(y) && parent.get(y) !== x) {
      const up = parent.get(y)!;
      parent.set(y, x);
      y = up;
    }
    return x;
  };
  const absorbed: [Root, Root][] = [];
  const union = (a: Root, b: Root): Root => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return ra;
    // the larger absorbs (stored before new at equal size, so stored members are relabelled least)
    const [big, small] = ra.size > rb.size || (ra.size === rb.size && (ra.stored || !rb.stored)) ? [ra, rb] : [rb, ra];
    parent.set(small, big);
    big.size += small.size;
    if (earlier(small, big)) {
      big.repCid = small.repCid;
      big.repAt = small.repAt;
    }
    if (small.stored) absorbed.push([small, big]);
    return big;
  };
  const newKey = new Map<number, Root>();
  const nodes: Root[] = [];
  items.forEach((it, i) => {
    let node: Root = { cluster: -1, size: 1, repCid: it.cid, repAt: it.at, stored: false };
    for (const key of keysOf[i]!) {
      const stored = storedKey.get(key);
      const other = stored !== undefined ? rootOfStored.get(stored) : newKey.get(key);
      if (other) node = union(node, other);
      else newKey.set(key, node);
    }
    nodes.push(node);
  });

  // new clusters are numbered from the largest stored number: small numbers keep the
  // key table, which holds one for every key, about a fifth smaller than item ids would
  const roots = new Set(nodes.map(find));
  for (const r of rootOfStored.values()) roots.add(find(r));
  let next = Number(valuesOf(db, 'SELECT COALESCE(MAX(cluster), 0) FROM clusters')[0]?.[0] ?? 0) + 1;
  for (const r of roots) if (!r.stored) r.cluster = next++;

  // write back: absorbed clusters point at their root and hand it their members
  for (const [small] of absorbed) {
    const root = find(small);
    tally.merges++;
    db.run('UPDATE case_signatures SET cluster = ? WHERE cluster = ?', [root.cluster, small.cluster]);
    db.run('UPDATE clusters SET parent = ?, size = 0 WHERE cluster = ?', [root.cluster, small.cluster]);
  }
  const clusterRows: SqlValue[] = [];
  for (const r of roots) {
    if (r.stored) db.run('UPDATE clusters SET size = ?, rep_cid = ?, rep_at = ? WHERE cluster = ?', [r.size, r.repCid, r.repAt, r.cluster]);
    else clusterRows.push(r.cluster, null, r.size, r.repCid, r.repAt);
  }
  // clusters made in this batch and absorbed in it never reach the table
  insertRows(db, 'INSERT INTO clusters (cluster, parent, size, rep_cid, rep_at)', 5, clusterRows);
  const keyRows: SqlValue[] = [];
  // in key order: the B-tree is filled page by page rather than at random
  for (const key of [...newKey.keys()].sort((a, b) => a - b)) keyRows.push(key, find(newKey.get(key)!).cluster);
  insertRows(db, 'INSERT INTO cluster_keys (key, cluster)', 2, keyRows);
  const signatureRows: SqlValue[] = [];
  items.forEach((it, i) => {
    const s = it.signature;
    signatureRows.push(it.cid, s.errorKind, s.reasonShape, s.outputBands, s.inputBands, find(nodes[i]!).cluster, s.facts);
  });
  insertRows(db, 'INSERT OR REPLACE INTO case_signatures (cid, error_kind, reason_shape, output_bands, input_bands, cluster, definition_facts)', 7, signatureRows);
  tally.signed += items.length;
}

/**
 * Signs the items that arrived since the last update (at most `maxItems` of them, so a
 * long first build can yield to other work between steps) and merges them into the
 * clusters. A case whose blob cannot be read is signed with no keys (a cluster of one)
 * rather than retried forever; `evalloop doctor` names missing blobs.
 */
export function updateClusters(db: Database, blobs: BlobStore, maxItems = Infinity): ClusterUpdate {
  const tally: ClusterUpdate = { signed: 0, keysLooked: 0, merges: 0 };
  while (tally.signed < maxItems) {
    // in blob order, so each batch of cases is read from disk once
    const rows = valuesOf(
      db,
      `SELECT p.cid, i.created_at, o.blob, o.blob_index FROM cluster_pending p
       JOIN items i ON i.cid = p.cid LEFT JOIN occurrences o ON o.cid = i.cid AND o.rn = i.first_rn
       ORDER BY o.blob, o.blob_index, p.cid LIMIT ${Math.min(BATCH, maxItems - tally.signed)}`,
    );
    if (rows.length === 0) break;
    const items = rows.map(([cid, at, blob, index]) => {
      let signature = NO_SIGNATURE;
      let body = '';
      try {
        const c = loadCase(blobs, blob === null ? null : String(blob), index === null ? null : Number(index));
        if (c) {
          signature = signatureOf(c);
          // the case is read here anyway: its searchable text goes in with its signature
          body = searchBody(c);
        }
      } catch {
        signature = NO_SIGNATURE;
      }
      return { cid: Number(cid), at: String(at), signature, body };
    });
    db.exec('BEGIN');
    try {
      applyBatch(db, items, tally);
      indexSearchText(db, items);
      for (let i = 0; i < items.length; i += 500) {
        const chunk = items.slice(i, i + 500).map((it) => it.cid);
        db.run(`DELETE FROM cluster_pending WHERE cid IN (${chunk.map(() => '?').join(',')})`, chunk);
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
  // items the journals no longer hold (none today: items are never removed) leave nothing behind
  db.run('DELETE FROM cluster_pending WHERE cid NOT IN (SELECT cid FROM items)');
  return tally;
}

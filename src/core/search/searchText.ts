// Full-text search over what a reviewer remembers of an item: its input, output and
// expected answer (in an FTS4 table of the index, `item_text`, keyed by the item's cid),
// besides its title, case key, comment and correction (columns of `items`, matched as
// text). The case texts live in blobs, so they are indexed when the item's case is first
// read after capture — by the same background pass that signs failures for clustering —
// never during capture itself. The table is contentless (it keeps the words' postings,
// not the texts) and each field is cut to its first SEARCH_FIELD_CHARS characters: about
// 340 bytes of index per item (108 → 142 MB for the 100k failures of the cluster bench).
import type { Database } from 'sql.js';
import type { BlobStore } from '../store/blobStore';
import { firstInputText } from '../model/buildCase';
import type { EvalCase } from '../model/caseModel';
import { loadCase, valuesOf } from '../store/storeQueries';

/** How much of each field is searchable: the start of a text is what a person recalls. */
export const SEARCH_FIELD_CHARS = 160;

/** The searchable text of a case: the start of its input, output and expected answer. */
export function searchBody(c: EvalCase): string {
  return [firstInputText(c.input), c.output ?? '', c.expected ?? ''].map((t) => t.slice(0, SEARCH_FIELD_CHARS)).join('\n');
}

/** Adds the items' texts to the search table (inside the caller's transaction). */
export function indexSearchText(db: Database, rows: { cid: number; body: string }[]): void {
  if (rows.length === 0) return;
  // (a cid is above 2^31, and sql.js binds such a number as a real, which a docid refuses)
  const insert = db.prepare('INSERT INTO item_text (docid, body) VALUES (CAST(? AS INTEGER), ?)');
  try {
    for (const r of rows) if (r.body.trim()) insert.run([r.cid, r.body]);
  } finally {
    insert.free();
  }
}

const BATCH = 500;

/**
 * Indexes the texts of items an upgraded index already held (queued in `text_pending`
 * by the schema's migration); new items are indexed as they are signed for clustering.
 * At most `maxItems` per call; returns how many were done.
 */
export function indexPendingText(db: Database, blobs: BlobStore, maxItems = Infinity): number {
  let done = 0;
  while (done < maxItems) {
    const rows = valuesOf(
      db,
      `SELECT p.cid, o.blob, o.blob_index FROM text_pending p
       JOIN items i ON i.cid = p.cid LEFT JOIN occurrences o ON o.cid = i.cid AND o.rn = i.first_rn
       ORDER BY o.blob, o.blob_index, p.cid LIMIT ${Math.min(BATCH, maxItems - done)}`,
    );
    if (rows.length === 0) break;
    const texts = rows.map(([cid, blob, index]) => {
      let body = '';
      try {
        const c = loadCase(blobs, blob === null ? null : String(blob), index === null ? null : Number(index));
        if (c) body = searchBody(c);
      } catch {
        // a case that cannot be read is found by its title and notes only
      }
      return { cid: Number(cid), body };
    });
    db.exec('BEGIN');
    try {
      indexSearchText(db, texts);
      db.run('DELETE FROM text_pending WHERE cid IN (SELECT value FROM json_each(?))', [JSON.stringify(texts.map((t) => t.cid))]);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    done += rows.length;
  }
  db.run('DELETE FROM text_pending WHERE cid NOT IN (SELECT cid FROM items)');
  return done;
}

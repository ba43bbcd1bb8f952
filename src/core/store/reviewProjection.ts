// Applies review, tag and undo events to the index. An item's shown state is
// recomputed from all its events, so undo and out-of-order replay give the same result.
//
// Which review decides an item: a person's before a grader's; among those, the one
// with the largest Lamport clock (`lc`, see journalEvents.ts), so a review made after
// seeing another always wins over it, whatever either machine's clock said. Only
// reviews made without seeing each other (equal clocks) fall back to wall-clock time,
// then the event id, so every index still picks the same one. Events from before
// clocks existed all have lc 0 and keep the old time order among themselves. An
// adjudication (a person's review made with `adjudicate`) outranks every other review
// of the item, whatever their clocks: it settles a dispute, which a later ordinary
// review must not silently reopen.
//
// The apply functions only record which items they touched; the projection recomputes
// those items once, set-based, before its transaction commits (refreshReviewStates).
// An item's state is a function of its rows alone, so one recompute at the end equals
// one after every event, and a bulk verdict on 100k items costs a few statements
// rather than a few per item.
import type { Database, SqlValue, Statement } from 'sql.js';
import { sha256Hex } from '../text/hashing';
import { caseIdsOf } from './caseIds';
import type { ReviewEvent, TagEvent, UndoEvent } from './journalEvents';
import { itemAgreement } from '../review/agreement';
import { MAX_CHANGES, rewritingManyItems } from './queuePositions';

/** The order in which reviews of one item stand, last one deciding (shared with the tag timeline). */
const DECIDING_ORDER = '(grader IS NULL) DESC, adjudicates DESC, lc DESC, at DESC, eid DESC';

/** Event ids seen twice with different content: two writers that shared a name (see doctor). */
export type CollisionSink = (eventId: string) => void;

/** What the apply functions share with the projection during one transaction. */
export interface ReviewApply {
  db: Database;
  /** A prepared statement kept for the projection's lifetime (freed before an export). */
  stmt(sql: string): Statement;
  onCollision: CollisionSink;
  /** Items whose review state is recomputed before the transaction commits. */
  touched: Set<number>;
}

/** Temp tables the set-based steps stage their rows in (created with each connection). */
export const REVIEW_TEMP_TABLES = `
  CREATE TEMP TABLE IF NOT EXISTS review_refresh (
    cid INTEGER PRIMARY KEY, tags TEXT NOT NULL DEFAULT '[]', agreement TEXT NOT NULL DEFAULT 'none', people INTEGER NOT NULL DEFAULT 0,
    deciding TEXT, state TEXT, verdict TEXT, correction TEXT, rubric INTEGER, comment TEXT, reviewer TEXT, at TEXT, grader TEXT);
  CREATE TEMP TABLE IF NOT EXISTS undo_targets (eid TEXT PRIMARY KEY);`;

function digestOf(e: ReviewEvent | TagEvent): string {
  return sha256Hex(JSON.stringify(e)).slice(0, 16);
}

function first(s: Statement, params: SqlValue[]): SqlValue[] | undefined {
  s.bind(params);
  const row = s.step() ? s.get() : undefined;
  s.reset();
  return row;
}

/**
 * The id under which an event is indexed: its own, or — when another event already holds
 * that id with different content (two clones that wrote under one writer name, merged by
 * git) — the id with the content's digest appended, so neither event is lost.
 */
function distinctId(ctx: ReviewApply, table: 'reviews' | 'tag_events', eid: string, digest: string): string | undefined {
  const held = first(ctx.stmt(`SELECT digest FROM ${table} WHERE eid = ? LIMIT 1`), [eid]);
  if (!held) return eid;
  if (held[0] === digest) return undefined; // the same event replayed
  ctx.onCollision(eid);
  const alternate = `${eid}~${digest.slice(0, 8)}`;
  return first(ctx.stmt(`SELECT 1 FROM ${table} WHERE eid = ? LIMIT 1`), [alternate]) ? undefined : alternate;
}

export function applyReview(ctx: ReviewApply, e: ReviewEvent, eid: string): void {
  const { cid } = caseIdsOf(e.caseKey);
  const digest = digestOf(e);
  const row = (id: string): SqlValue[] => [
    id,
    cid,
    e.reviewer,
    e.verdict,
    e.correction ?? null,
    JSON.stringify(e.tags ?? []),
    e.rubric ?? null,
    e.comment ?? null,
    e.grader ?? null,
    e.reason ?? null,
    e.at,
    e.lc ?? 0,
    digest,
    // a grader cannot adjudicate: only a person's say settles a dispute
    e.adjudicate && e.grader === undefined ? 1 : 0,
    e.sides ? JSON.stringify(e.sides) : null,
  ];
  // an event not indexed before (nearly every one) is one statement; only when its id is
  // already held is a replay told from a colliding id (distinctId)
  const insert = ctx.stmt(
    `INSERT INTO reviews (eid, cid, reviewer, verdict, correction, tags, rubric, comment, grader, reason, at, lc, digest, adjudicates, sides)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (eid) DO NOTHING`,
  );
  insert.run(row(eid));
  if (ctx.db.getRowsModified() === 0) {
    const id = distinctId(ctx, 'reviews', eid, digest);
    if (id === undefined) return;
    insert.run(row(id));
  }
  ctx.touched.add(cid);
}

export function applyTag(ctx: ReviewApply, e: TagEvent, eid: string): void {
  const digest = digestOf(e);
  const id = distinctId(ctx, 'tag_events', eid, digest);
  if (id === undefined) return;
  const insert = ctx.stmt('INSERT OR IGNORE INTO tag_events (eid, cid, added, removed, at, lc, digest) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const added = JSON.stringify(e.add);
  const removed = JSON.stringify(e.remove);
  for (const caseKey of e.caseKeys) {
    const { cid } = caseIdsOf(caseKey);
    insert.run([id, cid, added, removed, e.at, e.lc ?? 0, digest]);
    ctx.touched.add(cid);
  }
}

/**
 * Retracts the targets of a run of undo events at once (an undo of a bulk verdict names
 * every review it takes back). Retracting is a flag, so the order within the run is moot.
 */
export function applyUndos(ctx: ReviewApply, events: UndoEvent[]): void {
  const { db } = ctx;
  db.run('DELETE FROM temp.undo_targets');
  insertRows(
    ctx,
    'INSERT OR IGNORE INTO temp.undo_targets (eid) VALUES',
    '(?)',
    events.map((e) => [e.target]),
  );
  const targets = 'SELECT eid FROM temp.undo_targets';
  for (const [cid] of db.exec(`SELECT cid FROM reviews WHERE eid IN (${targets}) UNION SELECT cid FROM tag_events WHERE eid IN (${targets})`)[0]?.values ?? []) {
    ctx.touched.add(Number(cid));
  }
  db.run(`UPDATE reviews SET retracted = 1 WHERE eid IN (${targets})`);
  db.run(`UPDATE tag_events SET retracted = 1 WHERE eid IN (${targets})`);
}

/** Inserts rows with multi-row statements (far fewer calls into sql.js than one per row). */
function insertRows(ctx: ReviewApply, head: string, row: string, rows: SqlValue[][]): void {
  const WIDE = 100;
  let at = 0;
  if (rows.length >= WIDE) {
    const wide = ctx.stmt(`${head} ${Array(WIDE).fill(row).join(', ')}`);
    for (; at + WIDE <= rows.length; at += WIDE) wide.run(rows.slice(at, at + WIDE).flat());
  }
  const narrow = ctx.stmt(`${head} ${row}`);
  for (; at < rows.length; at++) narrow.run(rows[at]!);
}

/** How the people who reviewed one touched item stand: each one's standing verdict (see teamProjection.ts), by reviewer, and whether it was adjudicated. */
interface PeopleStanding {
  verdicts: Map<string, string>;
  adjudicated: boolean;
}

/**
 * Recomputes the verdict, state, tags, agreement and deciding review of the touched
 * items from their events, in one pass over the set. The kept per-state counts move by
 * one grouped delta, their trigger standing aside while the item rows are rewritten.
 */
export function refreshReviewStates(ctx: ReviewApply): void {
  if (ctx.touched.size === 0) return;
  const { db } = ctx;
  db.run('DELETE FROM temp.review_refresh');
  insertRows(
    ctx,
    'INSERT INTO temp.review_refresh (cid) VALUES',
    '(?)',
    [...ctx.touched].map((cid) => [cid]),
  );
  const touchedCount = ctx.touched.size;
  ctx.touched.clear();
  // tags: the person's reviews and the tag events, in clock order; rows that add and remove nothing are left out
  const folded = new Map<number, Set<string>>();
  // CROSS JOIN keeps the touched items the outer loop (SQLite's planner would otherwise scan the events)
  const timeline = db.exec(
    `SELECT cid, added, removed FROM (
       SELECT r.cid, r.tags AS added, '[]' AS removed, r.lc, r.at, r.eid FROM temp.review_refresh f CROSS JOIN reviews r ON r.cid = f.cid
       WHERE r.retracted = 0 AND r.grader IS NULL AND r.tags != '[]'
       UNION ALL SELECT t.cid, t.added, t.removed, t.lc, t.at, t.eid FROM temp.review_refresh f CROSS JOIN tag_events t ON t.cid = f.cid
       WHERE t.retracted = 0)
     ORDER BY cid, lc, at, eid`,
  )[0]?.values;
  for (const [cid, added, removed] of timeline ?? []) {
    let tags = folded.get(Number(cid));
    if (!tags) folded.set(Number(cid), (tags = new Set()));
    for (const t of JSON.parse(String(added)) as string[]) tags.add(t);
    for (const t of JSON.parse(String(removed)) as string[]) tags.delete(t);
  }
  // how the people stand, from their reviews read once in the deciding order: among a
  // person's own (not adjudications) it is the order that makes their first one their
  // standing verdict, as standingVerdicts() picks it
  const people = new Map<number, PeopleStanding>();
  const ranked = db.exec(
    `SELECT cid, reviewer, verdict, adjudicates FROM (
       SELECT r.cid, r.eid, r.reviewer, r.verdict, r.grader, r.adjudicates, r.lc, r.at FROM temp.review_refresh f CROSS JOIN reviews r ON r.cid = f.cid
       WHERE r.retracted = 0 AND r.grader IS NULL)
     ORDER BY cid, ${DECIDING_ORDER}`,
  )[0]?.values;
  for (const [cid, reviewer, verdict, adjudicates] of ranked ?? []) {
    let standing = people.get(Number(cid));
    if (!standing) people.set(Number(cid), (standing = { verdicts: new Map(), adjudicated: false }));
    if (adjudicates) standing.adjudicated = true;
    else if (!standing.verdicts.has(String(reviewer))) standing.verdicts.set(String(reviewer), String(verdict));
  }
  // tags and agreement staged beside each item (left at '[]', 'none' and 0 where nothing stands)
  const stage = ctx.stmt('UPDATE temp.review_refresh SET tags = ?, agreement = ?, people = ? WHERE cid = ?');
  for (const cid of new Set([...folded.keys(), ...people.keys()])) {
    const tags = folded.get(cid);
    const standing = people.get(cid);
    const verdicts = standing ? [...standing.verdicts.values()] : [];
    stage.run([tags?.size ? JSON.stringify([...tags].sort()) : '[]', itemAgreement(verdicts, standing?.adjudicated ?? false), verdicts.length, cid]);
  }
  // the deciding review of each touched item, the state it gives and what the item shows of it, picked once
  db.run(
    `UPDATE temp.review_refresh SET (deciding, state, verdict, correction, rubric, comment, reviewer, at, grader) = (
       SELECT r.eid, CASE WHEN r.grader IS NULL THEN 'reviewed' ELSE 'auto-graded' END, r.verdict, r.correction, r.rubric, r.comment, r.reviewer, r.at, r.grader
       FROM reviews r WHERE r.cid = review_refresh.cid AND r.retracted = 0 ORDER BY ${DECIDING_ORDER} LIMIT 1)`,
  );
  db.run("UPDATE temp.review_refresh SET state = 'new' WHERE deciding IS NULL");
  const moved = db.exec(
    `SELECT i.state, f.state, COUNT(*) FROM temp.review_refresh f CROSS JOIN items i ON i.cid = f.cid
     WHERE i.state != f.state GROUP BY i.state, f.state`,
  )[0]?.values;
  // (a row already there is an enclosing deferral's: it is left for that one to remove)
  db.run('INSERT OR IGNORE INTO counts_deferred (one) VALUES (1)');
  const deferred = db.getRowsModified() === 1;
  // the touched items by rowid (an UPDATE … FROM the temp table would have SQLite scan every item)
  const rewrite = () =>
    db.run(
      `UPDATE items SET (state, verdict, correction, rubric, comment, reviewer, reviewed_at, grader, tags, review_eid, agreement, human_reviewers) = (
         SELECT f.state, f.verdict, f.correction, f.rubric, f.comment, f.reviewer, f.at, f.grader, f.tags, f.deciding, f.agreement, f.people
         FROM temp.review_refresh f WHERE f.cid = items.cid)
       WHERE items.cid IN (SELECT cid FROM temp.review_refresh)`,
    );
  if (touchedCount > MAX_CHANGES) rewritingManyItems(db, rewrite);
  else rewrite();
  if (deferred) db.run('DELETE FROM counts_deferred');
  // as the trigger does per row: the state left loses, the state entered gains (its row made if new)
  const leave = ctx.stmt('UPDATE item_counts SET n = n - ? WHERE key = ?');
  const enter = ctx.stmt('INSERT INTO item_counts (key, n) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET n = n + excluded.n');
  for (const [from, to, n] of moved ?? []) {
    leave.run([Number(n), `state:${String(from)}`]);
    enter.run([`state:${String(to)}`, Number(n)]);
  }
}

// Read-only questions asked of the index: items, runs, sources, status.
import type { Database, SqlValue } from 'sql.js';
import type { EvalCase } from '../model/caseModel';
import type { BlobStore } from './blobStore';
import { nestsTooDeep, tooDeepReason } from '../text/jsonDepth';
import { caseIdsOf } from './caseIds';
import { matchExpression } from '../search/matchExpression';
import type { QueueSort } from '../review/queueSort';
import { orderBy } from './listOrder';

export interface ItemRow {
  id: string;
  caseKey: string;
  format: string;
  suite: string;
  title: string;
  inputHash: string;
  state: string;
  firstRun: string;
  lastRun: string;
  occurrences: number;
  regressionRun: string | null;
  fixedRun: string | null;
  latestBlob: string | null;
  latestIndex: number | null;
  createdAt: string;
  updatedAt: string;
  verdict: string | null;
  correction: string | null;
  rubric: number | null;
  comment: string | null;
  reviewer: string | null;
  reviewedAt: string | null;
  grader: string | null;
  tags: string[];
  /** none, single, agreed, disputed or adjudicated (see review/agreement.ts). */
  agreement: string;
  /** People whose verdict on the item stands (one each). */
  humanReviewers: number;
}

export interface RunRow {
  id: string;
  format: string;
  suite: string;
  model: string | null;
  startedAt: string | null;
  capturedAt: string | null;
  sourcePath: string | null;
  gitCommit: string | null;
  evalCommit: string | null;
  tags: string[];
  partial: boolean;
  cases: number;
  passed: number;
  failed: number;
  errored: number;
  judgeErrors: number;
  skipped: number;
  unknown: number;
  regressions: number;
  fixed: number;
}

export interface OccurrenceRow {
  runId: string;
  outcome: string;
  blob: string | null;
  blobIndex: number | null;
  record: string | null;
  regression: boolean;
  at: string;
}

export interface SourceRow {
  path: string;
  runId: string;
  format: string;
  size: number;
  mtimeMs: number;
  offset: number;
  nextLine: number;
  headHash: string;
  /** The resume check of the bytes before `offset` (null for sources captured by earlier versions). */
  resumeCheck: string | null;
  shape: string;
  resumable: boolean;
  done: boolean;
}

/** The rows of a query as arrays of values ([] when there are none). */
export function valuesOf(db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] {
  return db.exec(sql, params)[0]?.values ?? [];
}

/** The rows of a query as objects keyed by column name. */
export function rows(db: Database, sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    // the column names once, not per row as getAsObject() asks for them (a page of a bulk lookup is 100k rows)
    const names = stmt.getColumnNames();
    const out: Record<string, SqlValue>[] = [];
    while (stmt.step()) {
      const values = stmt.get();
      const row: Record<string, SqlValue> = {};
      for (let c = 0; c < names.length; c++) row[names[c]!] = values[c]!;
      out.push(row);
    }
    return out;
  } finally {
    stmt.free();
  }
}

const runIdOf = (column: string) => `(SELECT r.id FROM runs r WHERE r.rn = items.${column})`;
/** The columns of an ItemRow (see itemOfRow). */
export const ITEM_COLUMNS = `items.id, case_key AS caseKey, items.format, items.suite, title, input_hash AS inputHash, state,
  ${runIdOf('first_rn')} AS firstRun, ${runIdOf('last_rn')} AS lastRun, occurrences,
  ${runIdOf('regression_rn')} AS regressionRun, ${runIdOf('fixed_rn')} AS fixedRun, latest_blob AS latestBlob,
  latest_index AS latestIndex, created_at AS createdAt, updated_at AS updatedAt, verdict, correction, rubric, comment,
  reviewer, reviewed_at AS reviewedAt, grader, tags, agreement, human_reviewers AS humanReviewers`;

const NO_TAGS = '[]';

/** The row made an item in place (a bulk lookup makes 100k of them): tags parsed, the rest as stored. */
export function toItem(r: Record<string, SqlValue>): ItemRow {
  return withTags<ItemRow>(r);
}

function withTags<T extends { tags: string[] }>(r: Record<string, SqlValue>): T {
  const tags = r.tags ?? NO_TAGS;
  const item = r as unknown as T;
  item.tags = tags === NO_TAGS ? [] : (JSON.parse(String(tags)) as string[]);
  return item;
}

/**
 * An item as a filter term sees it (corpus/filterExpression.ts) and a snapshot or slice
 * selects it. No run ids are looked up: a snapshot reads every item.
 */
export type FilterableItem = Pick<ItemRow, 'id' | 'caseKey' | 'state' | 'verdict' | 'correction' | 'tags' | 'suite' | 'format' | 'reviewer' | 'reviewedAt' | 'inputHash' | 'latestBlob' | 'latestIndex' | 'agreement' | 'humanReviewers'> & {
  cid: number;
  /** An open regression: failed after passing, not fixed since. */
  regression: boolean;
  /** The review that decides the item, as the index projection kept it (reviewProjection.ts); null when none does. */
  reviewEid: string | null;
};
const FILTERABLE_COLUMNS = `cid, id, case_key AS caseKey, state, verdict, correction, tags, suite, format, reviewer,
  reviewed_at AS reviewedAt, regression_rn IS NOT NULL AND fixed_rn IS NULL AS regression, input_hash AS inputHash,
  latest_blob AS latestBlob, latest_index AS latestIndex, review_eid AS reviewEid, agreement, human_reviewers AS humanReviewers`;

/** Every item in capture order, as a filter sees it (no blob is read). */
export function filterableItems(db: Database): FilterableItem[] {
  return rows(db, `SELECT ${FILTERABLE_COLUMNS} FROM items ORDER BY ${SORT_ORDER}`).map((r) => {
    const item = withTags<FilterableItem>(r);
    item.regression = r.regression === 1;
    return item;
  });
}

export interface ItemFilter {
  state?: string;
  suite?: string;
  verdict?: string;
  tag?: string;
  runId?: string;
  /** Items whose latest failure was in this run. */
  lastRunId?: string;
  untagged?: boolean;
  regression?: boolean;
  /** Words that must all be found (title, case key, notes, the start of the case's texts). */
  text?: string;
  /** Items assigned to this reviewer. */
  assignedTo?: string;
  /** Items assigned to no one. */
  unassigned?: boolean;
  /** Items this reviewer has no standing verdict on (with assignedTo: what waits for them). */
  notReviewedBy?: string;
  /** Items whose reviewers stand so (single, agreed, disputed, adjudicated). */
  agreement?: string;
  /**
   * `state` as this reviewer sees it in a blind queue: an item whose others' verdicts are
   * withheld from them is waiting (`new`) for them, whatever others did with it.
   */
  stateSeenBy?: string;
  /** Items of the failure cluster holding this item id (src/core/clusters). */
  cluster?: string;
  /** Only these item ids. */
  ids?: string[];
  /** The list's order (default `oldest`: as captured). */
  sort?: QueueSort;
  limit?: number;
  offset?: number;
}

/**
 * True for an item (`items` row) whose others' verdicts a blind queue withholds from the
 * reviewer bound to both `?`: they have given no verdict of their own on it, and it is
 * not a dispute open to them as someone it is not assigned to. The rule is explained,
 * and applied, in review/blindReview.ts; this is its one definition in SQL.
 */
export const WITHHELD_SQL = `(NOT EXISTS (SELECT 1 FROM reviews r WHERE r.cid = items.cid AND r.reviewer = ? AND r.grader IS NULL)
  AND NOT (items.agreement IN ('disputed', 'adjudicated') AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.cid = items.cid AND a.reviewer = ?)))`;

/** Capture order: the list's default order, and the order of a walk over every item. */
export const SORT_ORDER = orderBy('oldest');

/**
 * The filter as a WHERE clause. `stateUnindexed` writes the state term as `+state = ?`,
 * which no index serves: for a read that must walk an index in its list's order
 * (store/keysetScan.ts) rather than take items_state and sort.
 */
export function itemWhere(filter: ItemFilter, options: { stateUnindexed?: boolean } = {}): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (filter.state && filter.stateSeenBy !== undefined) {
    where.push(`(CASE WHEN ${WITHHELD_SQL} THEN 'new' ELSE state END) = ?`);
    params.push(filter.stateSeenBy, filter.stateSeenBy, filter.state);
  } else if (filter.state) {
    where.push(options.stateUnindexed ? '+state = ?' : 'state = ?');
    params.push(filter.state);
  }
  if (filter.suite) {
    where.push('items.suite = ?');
    params.push(filter.suite);
  }
  if (filter.verdict) {
    where.push('verdict = ?');
    params.push(filter.verdict);
  }
  if (filter.tag) {
    where.push('EXISTS (SELECT 1 FROM json_each(items.tags) WHERE value = ?)');
    params.push(filter.tag);
  }
  if (filter.runId) {
    where.push('EXISTS (SELECT 1 FROM occurrences o JOIN runs r ON r.rn = o.rn WHERE o.cid = items.cid AND r.id = ?)');
    params.push(filter.runId);
  }
  if (filter.lastRunId) {
    where.push('last_rn = (SELECT rn FROM runs WHERE id = ?)');
    params.push(filter.lastRunId);
  }
  if (filter.cluster) {
    where.push('items.cid IN (SELECT s.cid FROM case_signatures s WHERE s.cluster = (SELECT s2.cluster FROM items i2 JOIN case_signatures s2 ON s2.cid = i2.cid WHERE i2.id = ?))');
    params.push(filter.cluster);
  }
  if (filter.ids) {
    where.push(filter.ids.length ? `items.id IN (${filter.ids.map(() => '?').join(', ')})` : '0');
    params.push(...filter.ids);
  }
  if (filter.untagged) where.push("tags = '[]'");
  if (filter.assignedTo !== undefined) {
    where.push('EXISTS (SELECT 1 FROM assignments a WHERE a.cid = items.cid AND a.reviewer = ?)');
    params.push(filter.assignedTo);
  }
  if (filter.unassigned) where.push('NOT EXISTS (SELECT 1 FROM assignments a WHERE a.cid = items.cid)');
  if (filter.notReviewedBy !== undefined) {
    where.push('NOT EXISTS (SELECT 1 FROM reviews r WHERE r.cid = items.cid AND r.reviewer = ? AND r.grader IS NULL AND r.adjudicates = 0 AND r.retracted = 0)');
    params.push(filter.notReviewedBy);
  }
  if (filter.agreement) {
    where.push('agreement = ?');
    params.push(filter.agreement);
  }
  if (filter.regression) where.push('regression_rn IS NOT NULL');
  // each word must be somewhere: title, case key, comment or correction, or the start of
  // the input, output or expected answer (full text, src/core/search/searchText.ts)
  for (const word of (filter.text ?? '').split(/\s+/).filter(Boolean)) {
    const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const like = ['title', 'case_key', 'comment', 'correction'].map((column) => `${column} LIKE ? ESCAPE '\\'`);
    const match = matchExpression(word);
    where.push(`(${[...like, ...(match ? ['cid IN (SELECT docid FROM item_text WHERE item_text MATCH ?)'] : [])].join(' OR ')})`);
    params.push(pattern, pattern, pattern, pattern, ...(match ? [match] : []));
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** The counts the triggers of schema 2 keep: 'all', 'state:<state>', 'regression' (open), 'fixed'. */
export function keptCounts(db: Database): Map<string, number> {
  return new Map(valuesOf(db, 'SELECT key, n FROM item_counts').map((r) => [String(r[0]), Number(r[1])]));
}

/** Items per state, from the kept counts (states with no items left out). */
export function countsByState(kept: Map<string, number>): Record<string, number> {
  const byState: Record<string, number> = {};
  for (const [key, n] of kept) if (key.startsWith('state:') && n > 0) byState[key.slice('state:'.length)] = n;
  return byState;
}

export function countItems(db: Database, filter: ItemFilter = {}): number {
  // the whole queue or one state: kept by triggers, no scan
  // the order does not change what is counted
  const narrowed = Object.entries(filter).filter(([key, value]) => value !== undefined && key !== 'limit' && key !== 'offset' && key !== 'sort');
  if (narrowed.length === 0 || (narrowed.length === 1 && filter.state)) {
    return Number(valuesOf(db, 'SELECT n FROM item_counts WHERE key = ?', [filter.state ? `state:${filter.state}` : 'all'])[0]?.[0] ?? 0);
  }
  const { sql, params } = itemWhere(filter);
  return Number(rows(db, `SELECT COUNT(*) AS n FROM items ${sql}`, params)[0]?.n ?? 0);
}

/**
 * Items in list order by LIMIT/OFFSET, which walks `offset` index entries: for the CLI
 * and whole lists. The panel's pages start from keys (queuePositions.ts, keysetScan.ts).
 */
export function listItems(db: Database, filter: ItemFilter = {}): ItemRow[] {
  const { sql, params } = itemWhere(filter);
  const limit = filter.limit && filter.limit > 0 ? `LIMIT ${Math.floor(filter.limit)} OFFSET ${Math.floor(filter.offset ?? 0)}` : '';
  return rows(db, `SELECT ${ITEM_COLUMNS} FROM items ${sql} ORDER BY ${orderBy(filter.sort ?? 'oldest')} ${limit}`, params).map(toItem);
}

/** The fewest characters of an item id accepted as a prefix of it. */
export const MIN_ID_PREFIX = 4;

/** An item by full id, unique id prefix (MIN_ID_PREFIX+ characters) or case key. */
export function findItem(db: Database, idOrKey: string): ItemRow | 'ambiguous' | undefined {
  const exact = rows(db, `SELECT ${ITEM_COLUMNS} FROM items WHERE id = ? OR cid = ?`, [idOrKey, caseIdsOf(idOrKey).cid]).filter((r) => r.id === idOrKey || r.caseKey === idOrKey);
  if (exact.length) return toItem(exact[0]!);
  if (idOrKey.length < MIN_ID_PREFIX || !/^[0-9a-f]+$/.test(idOrKey)) return undefined;
  const prefixed = rows(db, `SELECT ${ITEM_COLUMNS} FROM items WHERE id LIKE ? LIMIT 2`, [`${idOrKey}%`]);
  if (prefixed.length > 1) return 'ambiguous';
  return prefixed[0] ? toItem(prefixed[0]) : undefined;
}

/** What an action on many items needs of each: a bulk verdict on 100k items reads only this. */
export type ItemRef = Pick<ItemRow, 'id' | 'caseKey' | 'state' | 'verdict' | 'correction' | 'latestBlob' | 'latestIndex'>;
const ITEM_REF_COLUMNS = 'id, case_key AS caseKey, state, verdict, correction, latest_blob AS latestBlob, latest_index AS latestIndex';

/** Ids looked up per query by findItemRefs (well under SQLite's limit on bound values). */
const IDS_PER_QUERY = 500;

/**
 * findItem for many ids at once, as refs: full ids are looked up a few hundred per
 * query; anything else (a prefix, a case key) goes through findItem.
 */
export function findItemRefs(db: Database, idsOrKeys: string[]): (ItemRef | 'ambiguous' | undefined)[] {
  const byId = new Map<string, ItemRef>();
  // in id order, which is the index's key order (both are the case key's hash): each page is read once
  const wanted = [...new Set(idsOrKeys.filter((k) => /^[0-9a-f]{12}$/.test(k)))].sort();
  for (let at = 0; at < wanted.length; at += IDS_PER_QUERY) {
    const chunk = wanted.slice(at, at + IDS_PER_QUERY);
    for (const r of rows(db, `SELECT ${ITEM_REF_COLUMNS} FROM items WHERE id IN (${chunk.map(() => '?').join(', ')})`, chunk)) {
      byId.set(String(r.id), r as unknown as ItemRef);
    }
  }
  return idsOrKeys.map((k) => byId.get(k) ?? findItem(db, k));
}

/** listItems as refs (no limit): what the auto-grader walks. */
export function listItemRefs(db: Database, filter: Omit<ItemFilter, 'limit' | 'offset'> = {}): ItemRef[] {
  const { sql, params } = itemWhere(filter);
  return rows(db, `SELECT ${ITEM_REF_COLUMNS} FROM items ${sql} ORDER BY ${SORT_ORDER}`, params) as unknown as ItemRef[];
}

/**
 * findItem for an id someone typed (`show`, `review`): no match is an error that says
 * what to give instead, including for a prefix too short to be looked up at all.
 */
export function requireItem(db: Database, idOrKey: string): ItemRow {
  const item = findItem(db, idOrKey);
  if (item === 'ambiguous') throw new Error(`"${idOrKey}" matches more than one item; give more characters`);
  if (item) return item;
  if (idOrKey.length < MIN_ID_PREFIX && /^[0-9a-f]*$/i.test(idOrKey)) {
    throw new Error(`"${idOrKey}" is too short to name an item: give at least ${MIN_ID_PREFIX} characters of its id (or the full id or case key)`);
  }
  throw new Error(`no item "${idOrKey}"`);
}

/** requireItem for many ids at once (see findItemRefs); the first one that names no item is the error. */
export function requireItemRefs(db: Database, idsOrKeys: string[]): ItemRef[] {
  return findItemRefs(db, idsOrKeys).map((item, i) => (typeof item === 'object' ? item : requireItem(db, idsOrKeys[i]!)));
}

export function occurrencesOf(db: Database, caseKey: string): OccurrenceRow[] {
  return rows(
    db,
    `SELECT r.id AS runId, o.outcome, o.blob, o.blob_index AS blobIndex, o.record, o.regression, o.at
     FROM occurrences o JOIN runs r ON r.rn = o.rn WHERE o.cid = ? ORDER BY o.rn`,
    [caseIdsOf(caseKey).cid],
  ).map((r) => ({ ...(r as unknown as OccurrenceRow), regression: r.regression === 1 }));
}

function toRun(r: Record<string, SqlValue>): RunRow {
  return {
    ...(r as unknown as RunRow),
    tags: JSON.parse(String(r.tags ?? '[]')) as string[],
    partial: r.partial === 1,
  };
}

const RUN_COLUMNS = `id, format, suite, model, started_at AS startedAt, captured_at AS capturedAt, source_path AS sourcePath,
  git_commit AS gitCommit, eval_commit AS evalCommit, tags, partial, cases, passed, failed, errored,
  judge_errors AS judgeErrors, skipped, unknown, regressions, fixed`;

export function listRuns(db: Database): RunRow[] {
  return rows(db, `SELECT ${RUN_COLUMNS} FROM runs ORDER BY rn`).map(toRun);
}

export function getRun(db: Database, runId: string): RunRow | undefined {
  const r = rows(db, `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`, [runId])[0];
  return r ? toRun(r) : undefined;
}

/** The id of the run this case last passed in, if it ever passed in a captured run. */
export function lastPassRunOf(db: Database, caseKey: string): string | null {
  const row = db.exec('SELECT r.id FROM items i JOIN runs r ON r.rn = i.pass_rn WHERE i.cid = ?', [caseIdsOf(caseKey).cid])[0]?.values[0];
  return row ? String(row[0]) : null;
}

/** The result file (as stored), record and format where the item's case occurred last, when a file is recorded. */
export function latestSourceOf(db: Database, id: string): { sourcePath: string; record: string | null; format: string } | undefined {
  const row = valuesOf(db, 'SELECT r.source_path, o.record, r.format FROM occurrences o JOIN runs r ON r.rn = o.rn WHERE o.cid = (SELECT cid FROM items WHERE id = ?) ORDER BY o.rn DESC LIMIT 1', [id])[0];
  if (!row || !row[0]) return undefined;
  return { sourcePath: String(row[0]), record: row[1] === null ? null : String(row[1]), format: String(row[2]) };
}

/** Every tag some item carries, sorted. */
export function itemTags(db: Database): string[] {
  return valuesOf(db, "SELECT DISTINCT value FROM items, json_each(items.tags) WHERE items.tags != '[]' ORDER BY value").map((r) => String(r[0]));
}

/** The reason given with the case's standing automatic grade (the latest not retracted), if it was graded. */
export function latestGradeReason(db: Database, caseKey: string): string | null {
  const row = valuesOf(db, 'SELECT reason FROM reviews WHERE cid = ? AND grader IS NOT NULL AND retracted = 0 ORDER BY lc DESC, at DESC, eid DESC LIMIT 1', [caseIdsOf(caseKey).cid])[0];
  // a grade stored without a reason has none (not the text "null")
  return row && row[0] !== null ? String(row[0]) : null;
}

export function getSource(db: Database, path: string): SourceRow | undefined {
  const r = rows(db, `SELECT path, run_id AS runId, format, size, mtime_ms AS mtimeMs, offset, next_line AS nextLine, head_hash AS headHash, resume_check AS resumeCheck, shape, resumable, done FROM sources WHERE path = ?`, [path])[0];
  return r ? { ...(r as unknown as SourceRow), resumable: r.resumable === 1, done: r.done === 1 } : undefined;
}

export interface StoreStatus {
  items: number;
  byState: Record<string, number>;
  regressions: number;
  fixed: number;
  runs: number;
  cases: number;
  failures: number;
  sources: number;
}

export function storeStatus(db: Database): StoreStatus {
  const kept = keptCounts(db);
  const byState = countsByState(kept);
  const one = (sql: string) => Number(rows(db, sql)[0]?.n ?? 0);
  return {
    items: kept.get('all') ?? 0,
    byState,
    regressions: kept.get('regression') ?? 0,
    fixed: kept.get('fixed') ?? 0,
    runs: one('SELECT COUNT(*) AS n FROM runs'),
    cases: one('SELECT COALESCE(SUM(cases), 0) AS n FROM runs'),
    failures: one('SELECT COALESCE(SUM(failed + errored), 0) AS n FROM runs'),
    sources: one('SELECT COUNT(*) AS n FROM sources'),
  };
}

/**
 * The full case payload of an occurrence, read from its blob. Cases were validated
 * before they were stored and the blob's hash is checked when read, so an edited
 * blob is refused rather than parsed again here.
 */
/** A stored case that exists but cannot be used safely (see storedCaseProblem). */
export class UnusableCaseError extends Error {}

/**
 * Why a stored case cannot be shown, pinned or snapshotted, or undefined when it can.
 * Capture no longer stores a case nested past MAX_JSON_DEPTH, but an earlier version
 * did (reading in a worker thread, whose stack is larger), and printing or walking
 * such a case overflows the stack.
 */
export function storedCaseProblem(value: unknown, blob: string, index: number): string | undefined {
  if (!nestsTooDeep(value)) return undefined;
  return `${tooDeepReason(`the stored case (blob ${blob.slice(0, 12)}…, case ${index})`)}; an earlier version of Eval Loop captured it, and it cannot be shown, pinned or snapshotted`;
}

export function loadCase(blobs: BlobStore, blob: string | null, index: number | null): EvalCase | undefined {
  if (!blob || index === null) return undefined;
  const batch = blobs.get(blob);
  if (!Array.isArray(batch)) throw new Error(`blob ${blob} is not a case batch`);
  const value = batch[index] as EvalCase | undefined;
  if (!value || typeof value !== 'object' || typeof value.caseKey !== 'string') throw new Error(`blob ${blob} has no case at ${index}`);
  const problem = storedCaseProblem(value, blob, index);
  if (problem) throw new UnusableCaseError(problem);
  return value;
}

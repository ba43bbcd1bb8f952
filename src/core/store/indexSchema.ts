// The index's tables, created and upgraded by numbered migrations. The index is a
// materialised view of the journals, so a migration may also ask for a rebuild.
import type { Database } from 'sql.js';

interface Migration {
  version: number;
  sql: string;
  /** Columns to add before the SQL runs, each only when the table lacks it (ALTER TABLE cannot say IF NOT EXISTS). */
  columns?: { table: string; column: string; type: string }[];
}

const MIGRATIONS: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE journal_progress (file TEXT PRIMARY KEY, offset INTEGER NOT NULL, next_line INTEGER NOT NULL, fingerprint TEXT NOT NULL);
      CREATE TABLE runs (
        rn INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, format TEXT NOT NULL, suite TEXT NOT NULL, model TEXT,
        started_at TEXT, captured_at TEXT, source_path TEXT, git_commit TEXT, eval_commit TEXT,
        tags TEXT NOT NULL DEFAULT '[]', partial INTEGER NOT NULL DEFAULT 0, metadata TEXT NOT NULL DEFAULT '{}',
        cases INTEGER NOT NULL DEFAULT 0, passed INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
        errored INTEGER NOT NULL DEFAULT 0, judge_errors INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,
        unknown INTEGER NOT NULL DEFAULT 0, regressions INTEGER NOT NULL DEFAULT 0, fixed INTEGER NOT NULL DEFAULT 0
      );
      -- cases are keyed by a 52-bit integer from the sha256 of their case key (see caseIds.ts):
      -- integer keys keep the per-case work of a capture small
      CREATE TABLE items (
        cid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, case_key TEXT NOT NULL, format TEXT NOT NULL,
        suite TEXT NOT NULL, title TEXT NOT NULL, input_hash TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'new',
        first_rn INTEGER NOT NULL, last_rn INTEGER NOT NULL, occurrences INTEGER NOT NULL DEFAULT 1,
        regression_rn INTEGER, fixed_rn INTEGER, latest_blob TEXT, latest_index INTEGER,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        verdict TEXT, correction TEXT, rubric INTEGER, comment TEXT, reviewer TEXT, reviewed_at TEXT,
        grader TEXT, tags TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX items_state ON items (state, created_at);
      CREATE INDEX items_suite ON items (suite);
      CREATE TABLE occurrences (
        cid INTEGER NOT NULL, rn INTEGER NOT NULL, outcome TEXT NOT NULL, blob TEXT, blob_index INTEGER,
        record TEXT, regression INTEGER NOT NULL DEFAULT 0, at TEXT NOT NULL,
        PRIMARY KEY (cid, rn)
      ) WITHOUT ROWID;
      CREATE TABLE case_last (
        cid INTEGER PRIMARY KEY, rn INTEGER NOT NULL, outcome TEXT NOT NULL, pass_rn INTEGER, pass_record TEXT
      );
      -- every review is kept; the item shows the latest one not retracted (a person's before a grader's)
      CREATE TABLE reviews (
        eid TEXT PRIMARY KEY, cid INTEGER NOT NULL, reviewer TEXT NOT NULL, verdict TEXT NOT NULL, correction TEXT,
        tags TEXT NOT NULL DEFAULT '[]', rubric INTEGER, comment TEXT, grader TEXT, reason TEXT, at TEXT NOT NULL,
        retracted INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX reviews_cid ON reviews (cid, at);
      CREATE TABLE tag_events (
        eid TEXT NOT NULL, cid INTEGER NOT NULL, added TEXT NOT NULL, removed TEXT NOT NULL, at TEXT NOT NULL,
        retracted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (eid, cid)
      );
      CREATE INDEX tag_events_cid ON tag_events (cid, at);
      CREATE TABLE sources (
        path TEXT PRIMARY KEY, run_id TEXT NOT NULL, format TEXT NOT NULL, size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL, offset INTEGER NOT NULL, next_line INTEGER NOT NULL, head_hash TEXT NOT NULL,
        shape TEXT NOT NULL, resumable INTEGER NOT NULL, done INTEGER NOT NULL, captured_at TEXT NOT NULL
      );
    `,
  },
  {
    // counts kept by triggers, so the queue's header, the status bar and the Queue tree
    // do not scan every item after each review; partial indexes for the few tagged items
    // and regressions
    version: 2,
    sql: `
      CREATE TABLE item_counts (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO item_counts (key, n) VALUES
        ('all', (SELECT COUNT(*) FROM items)),
        ('regression', (SELECT COUNT(*) FROM items WHERE regression_rn IS NOT NULL AND fixed_rn IS NULL)),
        ('fixed', (SELECT COUNT(*) FROM items WHERE fixed_rn IS NOT NULL));
      INSERT INTO item_counts (key, n) SELECT 'state:' || state, COUNT(*) FROM items GROUP BY state;
      CREATE TRIGGER items_counted_insert AFTER INSERT ON items BEGIN
        UPDATE item_counts SET n = n + 1 WHERE key = 'all';
        INSERT INTO item_counts (key, n) VALUES ('state:' || NEW.state, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
        UPDATE item_counts SET n = n + 1 WHERE key = 'regression' AND NEW.regression_rn IS NOT NULL AND NEW.fixed_rn IS NULL;
        UPDATE item_counts SET n = n + 1 WHERE key = 'fixed' AND NEW.fixed_rn IS NOT NULL;
      END;
      CREATE TRIGGER items_counted_delete AFTER DELETE ON items BEGIN
        UPDATE item_counts SET n = n - 1 WHERE key IN ('all', 'state:' || OLD.state);
        UPDATE item_counts SET n = n - 1 WHERE key = 'regression' AND OLD.regression_rn IS NOT NULL AND OLD.fixed_rn IS NULL;
        UPDATE item_counts SET n = n - 1 WHERE key = 'fixed' AND OLD.fixed_rn IS NOT NULL;
      END;
      CREATE TRIGGER items_counted_update AFTER UPDATE OF state, regression_rn, fixed_rn ON items BEGIN
        UPDATE item_counts SET n = n - 1 WHERE key = 'state:' || OLD.state AND OLD.state != NEW.state;
        INSERT INTO item_counts (key, n) SELECT 'state:' || NEW.state, 1 WHERE OLD.state != NEW.state ON CONFLICT (key) DO UPDATE SET n = n + 1;
        UPDATE item_counts SET n = n + ((NEW.regression_rn IS NOT NULL AND NEW.fixed_rn IS NULL) - (OLD.regression_rn IS NOT NULL AND OLD.fixed_rn IS NULL)) WHERE key = 'regression';
        UPDATE item_counts SET n = n + ((NEW.fixed_rn IS NOT NULL) - (OLD.fixed_rn IS NOT NULL)) WHERE key = 'fixed';
      END;
      CREATE INDEX items_tagged ON items (cid) WHERE tags != '[]';
      CREATE INDEX items_regression ON items (state) WHERE regression_rn IS NOT NULL;
    `,
  },
  {
    // the writer's Lamport clock orders reviews and tags (never the wall clock); a digest of
    // each review and tag event tells a colliding id (two writers with one name) from a
    // replayed one; the item keeps the id of the review that decides it. Indexes from
    // before hold no clocks, so they are rebuilt (REBUILD_BELOW).
    version: 3,
    sql: `
      ALTER TABLE reviews ADD COLUMN lc INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE reviews ADD COLUMN digest TEXT;
      ALTER TABLE tag_events ADD COLUMN lc INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE tag_events ADD COLUMN digest TEXT;
      ALTER TABLE items ADD COLUMN review_eid TEXT;
    `,
  },
  {
    // the source event's resume check (NULL for sources captured before it existed: they resume on the head hash alone)
    version: 4,
    sql: `ALTER TABLE sources ADD COLUMN resume_check TEXT;`,
  },
  {
    // reviewing as a team: who each item is assigned to, the queue's shared settings
    // (blind review), adjudicating reviews and whose side they took, and per item how many
    // people stand behind a verdict and whether they agree. An index from before holds
    // none of this for the reviews it has, so it is rebuilt (REBUILD_BELOW).
    version: 5,
    sql: `
      CREATE TABLE assignments (
        cid INTEGER NOT NULL, reviewer TEXT NOT NULL, eid TEXT NOT NULL, lc INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (cid, reviewer)
      ) WITHOUT ROWID;
      CREATE INDEX assignments_reviewer ON assignments (reviewer, cid);
      CREATE TABLE queue_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL, lc INTEGER NOT NULL, at TEXT NOT NULL, eid TEXT NOT NULL);
      ALTER TABLE reviews ADD COLUMN adjudicates INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE reviews ADD COLUMN sides TEXT;
      ALTER TABLE items ADD COLUMN agreement TEXT NOT NULL DEFAULT 'none';
      ALTER TABLE items ADD COLUMN human_reviewers INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX items_agreement ON items (agreement) WHERE agreement != 'none';
    `,
  },
  {
    // failure clusters (src/core/clusters/clusterIndex.ts): each item's signature (with the
    // facts that find its test's definition), the keys
    // alike failures share (52-bit hashes), and clusters (numbered 1, 2, …) merged by union-find (a merged
    // cluster keeps a parent, so a key pointing at it still finds its root). New items
    // wait in cluster_pending until the clusters are next brought up to date, so the work
    // grows with what is new; the items already in an upgraded index wait there too.
    version: 6,
    sql: `
      CREATE TABLE case_signatures (
        cid INTEGER PRIMARY KEY, error_kind TEXT, reason_shape TEXT, output_bands INTEGER NOT NULL,
        input_bands INTEGER NOT NULL, cluster INTEGER NOT NULL,
        -- what places the case where its eval is defined (src/core/definitions/definitionFacts.ts)
        definition_facts TEXT
      );
      CREATE INDEX case_signatures_cluster ON case_signatures (cluster);
      CREATE TABLE clusters (
        cluster INTEGER PRIMARY KEY, parent INTEGER, size INTEGER NOT NULL, rep_cid INTEGER NOT NULL, rep_at TEXT NOT NULL
      );
      CREATE INDEX clusters_roots ON clusters (size) WHERE parent IS NULL;
      CREATE TABLE cluster_keys (key INTEGER PRIMARY KEY, cluster INTEGER NOT NULL);
      CREATE TABLE cluster_pending (cid INTEGER PRIMARY KEY);
      INSERT INTO cluster_pending (cid) SELECT cid FROM items;
      CREATE TRIGGER items_cluster_pending AFTER INSERT ON items BEGIN
        INSERT OR IGNORE INTO cluster_pending (cid) VALUES (NEW.cid);
      END;
    `,
  },
  {
    // the list of every item in its order (created_at, then cid: the rowid) read from an
    // index, so a page of the unfiltered queue is not a sort of the whole table
    version: 7,
    sql: `CREATE INDEX items_created ON items (created_at);`,
  },
  {
    // full-text search over the start of each item's input, output and expected answer
    // (src/core/search/searchText.ts): written when an item is signed for clustering;
    // the items an upgraded index had already signed wait in text_pending
    version: 8,
    sql: `
      CREATE VIRTUAL TABLE item_text USING fts4(body, content="", matchinfo=fts3, tokenize=unicode61);
      CREATE TABLE text_pending (cid INTEGER PRIMARY KEY);
      INSERT INTO text_pending (cid) SELECT cid FROM case_signatures;
    `,
  },
  {
    // every order of the queue (review/queueSort.ts) read from an index in that order, so a
    // page starts from a key (store/listOrder.ts) instead of sorting the list or walking it
    // with OFFSET. (The state after the cid in the run and suite indexes let the waiting
    // list be filtered inside them; schema 12 takes it out.) The suite index gains
    // created_at (a suite's items in capture order) and still serves `suite = ?`; open regressions, usually few, have a
    // partial index, and so have the rest (for the whole list, and until schema 12 for one state): read
    // through items_created with the condition, a deep page looked up each row it skipped
    // (15 s to cut the buckets at a million items). Capture order and newest first use
    // items_created and items_state. At a million items these add about 170 MB where an
    // index per order and per state added 240 MB (the whole index is held in memory).
    // Carrying the regression columns in items_created and items_state instead made SQLite
    // scan them whole for the regression counts rather than use items_regression.
    // (IF NOT EXISTS: run again on an index marked older than it is, it changes nothing.)
    version: 9,
    sql: `
      CREATE INDEX IF NOT EXISTS items_run ON items (last_rn DESC, created_at, cid, state);
      DROP INDEX IF EXISTS items_suite;
      CREATE INDEX IF NOT EXISTS items_suite_created ON items (suite, created_at, cid, state);
      CREATE INDEX IF NOT EXISTS items_open_regression ON items (created_at) WHERE regression_rn IS NOT NULL AND fixed_rn IS NULL;
      CREATE INDEX IF NOT EXISTS items_not_open_regression ON items (created_at) WHERE NOT (regression_rn IS NOT NULL AND fixed_rn IS NULL);
      CREATE INDEX IF NOT EXISTS items_state_not_open_regression ON items (state, created_at) WHERE NOT (regression_rn IS NOT NULL AND fixed_rn IS NULL);
    `,
  },
  {
    // every case's last outcome lives in a compact table outside SQLite (caseOutcomes.ts),
    // saved here as one blob; an item keeps the last run its case passed in on its own
    // row, and case_last is emptied once the table is read from it (at the first load)
    version: 10,
    columns: [{ table: 'items', column: 'pass_rn', type: 'INTEGER' }],
    // and a capture counts the items it adds as one grouped delta: while counts_deferred
    // holds a row (only inside an apply), the insert trigger stands aside
    sql: `
      CREATE TABLE IF NOT EXISTS case_outcomes (part INTEGER PRIMARY KEY, data BLOB NOT NULL);
      UPDATE items SET pass_rn = (SELECT c.pass_rn FROM case_last c WHERE c.cid = items.cid) WHERE pass_rn IS NULL;
      CREATE TABLE IF NOT EXISTS counts_deferred (one INTEGER PRIMARY KEY);
      DROP TRIGGER IF EXISTS items_counted_insert;
      CREATE TRIGGER items_counted_insert AFTER INSERT ON items WHEN NOT EXISTS (SELECT 1 FROM counts_deferred) BEGIN
        UPDATE item_counts SET n = n + 1 WHERE key = 'all';
        INSERT INTO item_counts (key, n) VALUES ('state:' || NEW.state, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1;
        UPDATE item_counts SET n = n + 1 WHERE key = 'regression' AND NEW.regression_rn IS NOT NULL AND NEW.fixed_rn IS NULL;
        UPDATE item_counts SET n = n + 1 WHERE key = 'fixed' AND NEW.fixed_rn IS NOT NULL;
      END;
    `,
  },
  {
    // a set-based refresh of review states (reviewProjection.ts) counts the state changes
    // it makes as one grouped delta: while counts_deferred holds a row (only inside an
    // apply), the update trigger stands aside too, not running once per item row rewritten
    version: 11,
    sql: `
      CREATE TABLE IF NOT EXISTS counts_deferred (one INTEGER PRIMARY KEY);
      DROP TRIGGER IF EXISTS items_counted_update;
      CREATE TRIGGER items_counted_update AFTER UPDATE OF state, regression_rn, fixed_rn ON items
      WHEN NOT EXISTS (SELECT 1 FROM counts_deferred) BEGIN
        UPDATE item_counts SET n = n - 1 WHERE key = 'state:' || OLD.state AND OLD.state != NEW.state;
        INSERT INTO item_counts (key, n) SELECT 'state:' || NEW.state, 1 WHERE OLD.state != NEW.state ON CONFLICT (key) DO UPDATE SET n = n + 1;
        UPDATE item_counts SET n = n + ((NEW.regression_rn IS NOT NULL AND NEW.fixed_rn IS NULL) - (OLD.regression_rn IS NOT NULL AND OLD.fixed_rn IS NULL)) WHERE key = 'regression';
        UPDATE item_counts SET n = n + ((NEW.fixed_rn IS NOT NULL) - (OLD.fixed_rn IS NOT NULL)) WHERE key = 'fixed';
      END;
    `,
  },
  {
    // a verdict rewrote four index entries per item whose state it changed: in items_state,
    // in the run and suite orders' indexes (which carried the state) and in
    // items_state_not_open_regression. Those last three were a fifth of a bulk verdict on
    // 100k items, so they go: the run and suite indexes lose the state, and a list of one
    // state in the "regressions first" order reads the items after the open regressions
    // from items_state. A list of one state in those orders now tests each row it passes
    // (a page costs a few milliseconds more), or is sorted when it is thin (listReading.ts),
    // and is cut into buckets from the whole list when that is cheaper (queuePositions.ts;
    // measured in BENCHMARKS.md). And the few reviews that carry tags get an index of
    // their own: each refresh reads the touched items' tag timeline (reviewProjection.ts),
    // which walked every review of each item to find none (0.2 s of accepting 100k items)
    version: 12,
    sql: `
      DROP INDEX IF EXISTS items_run;
      CREATE INDEX items_run ON items (last_rn DESC, created_at, cid);
      DROP INDEX IF EXISTS items_suite_created;
      CREATE INDEX items_suite_created ON items (suite, created_at, cid);
      DROP INDEX IF EXISTS items_state_not_open_regression;
      CREATE INDEX IF NOT EXISTS reviews_tagged ON reviews (cid) WHERE tags != '[]';
    `,
  },
];

/** An index saved by a schema older than this is rebuilt from the journals on open. */
export const REBUILD_BELOW = 5;

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function schemaVersionOf(db: Database): number {
  try {
    const rows = db.exec("SELECT value FROM meta WHERE key = 'schema_version'");
    return Number(rows[0]?.values[0]?.[0] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Settings for an in-memory index: SQLite's own rollback journal stays in memory (the
 * index is saved whole, atomically, and can always be rebuilt from our journals).
 */
export function tuneConnection(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -8192;');
}

/** Brings the database to the current schema; returns false if it is newer than this build understands. */
export function migrate(db: Database): boolean {
  const current = schemaVersionOf(db);
  if (current > SCHEMA_VERSION) return false;
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.exec('BEGIN');
    try {
      for (const c of m.columns ?? []) {
        const has = (db.exec(`PRAGMA table_info(${c.table})`)[0]?.values ?? []).some((row) => row[1] === c.column);
        if (!has) db.exec(`ALTER TABLE ${c.table} ADD COLUMN ${c.column} ${c.type}`);
      }
      db.exec(m.sql);
      db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [String(m.version)]);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }
  return true;
}

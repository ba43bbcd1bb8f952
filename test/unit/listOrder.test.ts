// A place in a list is compared in JavaScript (bucket lookups, queuePositions.ts) and in
// SQLite (the pages themselves): both must order text alike, by code point, not by
// UTF-16 unit, or an item would be counted in one bucket and paged from another.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareKeys } from '../../src/core/store/listOrder';
import { loadSqlEngine } from '../../src/core/store/sqlEngine';

const TEXTS = ['', 'a', 'ab', 'b', 'B', 'é', 'e\u0301', '\u00ff', '\u0100', '\ud7ff', '\ue000', '\uff5e', '\uffff', '😀', '😀a', '𝟘', 'a😀', 'a\uff5e', '\ud800', '\udc00', 'x\ud800y', 'x\ue000', 'x😀', 'suite 10', 'suite 9'];

describe('list keys', () => {
  it('text in a key is ordered as SQLite orders it, astral characters, high BMP characters and lone surrogates included', async () => {
    const SQL = await loadSqlEngine();
    const db = new SQL.Database();
    try {
      db.run('CREATE TABLE t (v TEXT)');
      for (const v of TEXTS) db.run('INSERT INTO t (v) VALUES (?)', [v]);
      // (by position in TEXTS: SQLite reads a lone surrogate's bytes back as U+FFFD)
      const bySqlite = (db.exec('SELECT rowid - 1 FROM t ORDER BY v, rowid')[0]?.values ?? []).map((r) => Number(r[0]));
      // the suite order's key: suite, capture time, cid
      const byKeys = TEXTS.map((_, i) => i).sort((i, j) => compareKeys('suite', [TEXTS[i]!, '2026-01-01', 1], [TEXTS[j]!, '2026-01-01', 1]) || i - j);
      assert.deepEqual(
        byKeys.map((i) => escape(TEXTS[i]!)),
        bySqlite.map((i) => escape(TEXTS[i]!)),
      );
    } finally {
      db.close();
    }
  });
});

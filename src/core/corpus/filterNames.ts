// A filter term that names a run, tag or suite nobody has seen matches nothing, and a
// typo there (`suite:gsm8kk`) would silently select nothing or, negated, everything.
// These are the terms to warn about; the filter itself stays valid.
import type { Database } from 'sql.js';
import { valuesOf } from '../store/storeQueries';
import { parseFilter } from './filterExpression';

const NAMED = { run: 'run', tag: 'tag', suite: 'suite', assigned: 'assigned' } as const;

/** One line per `run:`, `tag:`, `suite:` or `assigned:` term whose name exists nowhere in the workspace. */
export function unknownFilterNames(db: Database, filter: string): string[] {
  const terms = parseFilter(filter).filter((t): t is Extract<typeof t, { key: string }> => 'key' in t && t.key in NAMED);
  if (terms.length === 0) return [];
  const known = {
    run: new Set(valuesOf(db, 'SELECT id FROM runs').map((r) => String(r[0]))),
    suite: new Set(valuesOf(db, 'SELECT DISTINCT suite FROM items').map((r) => String(r[0]))),
    tag: new Set(valuesOf(db, "SELECT DISTINCT value FROM items, json_each(items.tags) WHERE items.tags != '[]'").map((r) => String(r[0]))),
    assigned: new Set(valuesOf(db, 'SELECT DISTINCT reviewer FROM assignments').map((r) => String(r[0]))),
  };
  return terms.filter((t) => !known[t.key as keyof typeof NAMED].has(t.value)).map((t) => `${t.key === 'assigned' ? `no one named "${t.value}" has assignments` : `no ${t.key} "${t.value}" in this workspace`}: the term ${t.negated ? '-' : ''}${t.key}:${t.value} matches ${t.negated ? 'every item' : 'nothing'}`);
}

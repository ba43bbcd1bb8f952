// The quick shape check that lets a promptfoo row skip the schema is never looser than
// the schema: every row it passes, the schema passes too and returns an equal value;
// ordinary rows (a real export's, the generated bench's) do pass it, so the schema is
// not what reads them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promptfooLine } from '../../bench/generateData';
import { promptfooResultSchema } from '../../src/core/formats/promptfoo';
import { fitsPromptfooResult } from '../../src/core/formats/promptfooResultShape';

const exportRows = (JSON.parse(readFileSync(join(__dirname, '../../../shared/fixtures/eval-formats/promptfoo/sample-export.json'), 'utf8')) as { results: { results: unknown[] } }).results.results;
let seed = 1;
const next = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const generated = Array.from({ length: 20 }, (_, i) => JSON.parse(promptfooLine(i, next, 10)) as unknown);

/** Values of every JSON kind, including the ones the schema's types reject. */
const REPLACEMENTS: unknown[] = [undefined, null, true, 0, 1.5, -1, 1e308, JSON.parse('1e999') as number, 'text', '', [], [1, 'a'], {}, { type: 1 }, JSON.parse('{"__proto__": {"x": 1}, "a": 1}')];

/** Every path into a row (objects and arrays, to a depth of four) with the row's value there. */
function* paths(value: unknown, at: (string | number)[] = []): Generator<(string | number)[]> {
  if (at.length > 0) yield at;
  if (at.length >= 4 || typeof value !== 'object' || value === null) return;
  for (const key of Object.keys(value)) yield* paths((value as Record<string, unknown>)[key], [...at, Array.isArray(value) ? Number(key) : key]);
}

function withValue(row: unknown, at: (string | number)[], replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(row)) as Record<string, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = at.at(-1)!;
  // rows come from JSON.parse, which makes no array with holes: an element is removed, not deleted
  if (replacement === undefined && Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (replacement === undefined) delete parent[last];
  // as JSON.parse sets a key (an own property, even "__proto__")
  else Object.defineProperty(parent, last, { value: replacement, enumerable: true, writable: true, configurable: true });
  return copy;
}

function assertNeverLooser(row: unknown, label: string): boolean {
  const fits = fitsPromptfooResult(row);
  const parsed = promptfooResultSchema.safeParse(row);
  if (fits) {
    assert.ok(parsed.success, `${label}: the check passed a row the schema rejects`);
    assert.deepEqual(row, parsed.data, `${label}: the schema would have returned another value`);
  }
  return fits;
}

describe('promptfoo row shape check', () => {
  it('passes the rows of a real export and of the bench, as the schema returns them', () => {
    for (const [i, row] of [...exportRows, ...generated].entries()) assert.ok(assertNeverLooser(row, `row ${i}`), `row ${i} should take the quick path`);
  });

  it('never passes a row the schema rejects or would change, whatever field is replaced', () => {
    let checked = 0;
    let rejected = 0;
    const keys = ['id', 'error', 'failureReason', 'vars', 'testIdx', 'promptIdx', 'prompt', 'provider', 'response', 'testCase', 'gradingResult', 'latencyMs', 'cost', 'metadata', 'success', '__proto__'];
    for (const row of [...exportRows.slice(0, 6), generated[0], generated[1]]) {
      const at = [...new Set([...[...paths(row)].map((p) => JSON.stringify(p)), ...keys.map((k) => JSON.stringify([k]))])].map((p) => JSON.parse(p) as (string | number)[]);
      for (const path of at) {
        for (const replacement of REPLACEMENTS) {
          const mutated = withValue(row, path, replacement);
          if (!assertNeverLooser(mutated, `${JSON.stringify(path)} = ${JSON.stringify(replacement)}`)) rejected++;
          checked++;
        }
      }
    }
    assert.ok(checked > 2000, `only ${checked} variants checked`);
    assert.ok(rejected > 200, `only ${rejected} variants fell back to the schema`);
  });

  it('leaves a row with an own __proto__ key to the schema (whose copy drops it)', () => {
    const row = JSON.parse('{"success": true, "vars": {"__proto__": {"polluted": true}, "q": "x"}}') as unknown;
    assert.equal(fitsPromptfooResult(row), false);
    const top = JSON.parse('{"success": true, "__proto__": {"polluted": true}}') as unknown;
    assert.equal(fitsPromptfooResult(top), false);
  });

  it('rejects what the schema rejects in the fields it types', () => {
    assert.equal(fitsPromptfooResult({ success: 'yes' }), false);
    assert.equal(fitsPromptfooResult({ success: true, latencyMs: Infinity }), false);
    assert.equal(fitsPromptfooResult({ success: true, provider: { id: 3 } }), false);
    assert.equal(fitsPromptfooResult({ success: true, gradingResult: { componentResults: [{ assertion: { type: 2 } }] } }), false);
    assert.equal(fitsPromptfooResult([]), false);
  });
});

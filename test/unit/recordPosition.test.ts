// "Open the result file at this record" for result files that are one JSON document: the
// line a case's record starts on, found by index in the document's case array
// (promptfoo's results.results, Inspect's samples), checked against where a marker put
// in that element's place lands when the same document is written out, on real result
// files, minified, and with text built to mislead a scanner (brackets, quotes, escapes,
// a nested key of the same name).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { recordIndexOf } from '../../src/core/capture/recordLocator';
import { recordLine } from '../../src/core/capture/recordPosition';
import { FIXTURES } from './testSupport';

type Doc = Record<string, unknown>;

/** The line element `index` of the array at `path` starts on in `JSON.stringify(doc, null, 2)`, found by a marker put in its place. */
function markerLine(doc: Doc, path: string[], index: number): number {
  const copy = JSON.parse(JSON.stringify(doc)) as Doc;
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  (at[path.at(-1)!] as unknown[])[index] = { evalloopMarker: true };
  const lines = JSON.stringify(copy, null, 2).split('\n');
  // the marker object is written as `{`, then its member: the element starts a line before
  return lines.findIndex((l) => l.includes('"evalloopMarker"')) - 1;
}

function checkEvery(doc: Doc, format: string, path: string[]): number {
  let array: unknown = doc;
  for (const key of path) array = (array as Doc)[key];
  const n = (array as unknown[]).length;
  const pretty = JSON.stringify(doc, null, 2);
  const minified = JSON.stringify(doc);
  for (let i = 0; i < n; i++) {
    assert.equal(recordLine(pretty, format, i), markerLine(doc, path, i), `${format} record ${i}`);
    assert.equal(recordLine(minified, format, i), 0, `${format} record ${i}, minified`);
  }
  assert.equal(recordLine(pretty, format, n), undefined, 'no element past the end');
  return n;
}

describe('the line a record starts on in a JSON document', () => {
  it("a promptfoo export: every result of results.results, and the file's own layout", () => {
    const text = readFileSync(join(FIXTURES, 'promptfoo/sample-export.json'), 'utf8');
    const doc = JSON.parse(text) as Doc;
    assert.ok(checkEvery(doc, 'promptfoo', ['results', 'results']) > 1);
    // in the file as written, each found line opens an element
    const lines = text.split('\n');
    for (let i = 0; i < (doc.results as { results: unknown[] }).results.length; i++) {
      const at = recordLine(text, 'promptfoo', i);
      assert.ok(at !== undefined, `record ${i} found`);
      assert.match(lines[at]!, /^\s*\{/, `record ${i} at line ${at}`);
    }
  });

  it('an Inspect log: every sample', () => {
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'inspect_ai/log_formats.json'), 'utf8')) as Doc;
    assert.ok(checkEvery(doc, 'inspect', ['samples']) >= 1);
  });

  it('strings with brackets, quotes and escapes, and a nested key of the same name, do not mislead it', () => {
    const tricky = (i: number) => ({
      vars: { q: `"]},{[ ${i} \\" \\\\` },
      response: { output: '{"results": [1, 2, 3]}' },
      nested: { results: [{ results: [i, i] }] },
      list: [[], [{}], 'a,b', null, true, -1.5e3],
    });
    const doc = { evalId: 'x', results: { version: 3, results: Array.from({ length: 6 }, (_, i) => tricky(i)) }, config: { results: ['not', 'these'] } };
    assert.equal(checkEvery(doc, 'promptfoo', ['results', 'results']), 6);
    // an older promptfoo file: the array at the root's results
    assert.equal(checkEvery({ results: [tricky(0), tricky(1)] }, 'promptfoo', ['results']), 2);
  });

  it('only `record N` names an index, and formats without a known case array give no line', () => {
    assert.equal(recordIndexOf('record 12'), 12);
    assert.equal(recordIndexOf('line 12'), undefined);
    assert.equal(recordIndexOf(null), undefined);
    assert.equal(recordLine('{"samples": [{}]}', 'deepeval', 0), undefined);
    assert.equal(recordLine('not json at all', 'inspect', 0), undefined);
  });
});

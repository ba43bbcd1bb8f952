// `--map` field paths read a record's own fields only: a name every object inherits
// (`constructor`, `__proto__`, `toString`) is a missing field unless the record has it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getPath } from '../../src/core/text/values';
import { readAll, tempDir } from './testSupport';

function jsonlFile(lines: string[]): string {
  const path = join(tempDir(), 'mapped.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe('mapped field paths', () => {
  it('inherited names are missing fields, own fields of the same name are read', async () => {
    const path = jsonlFile(['{"q": "plain record", "ok": false}', '{"q": "own fields", "ok": false, "constructor": "built", "toString": "said", "__proto__": "id-7"}', '{"q": {"constructor": 1}, "ok": false}']);
    const r = await readAll(path, { mapping: { input: 'q', output: 'constructor', expected: 'toString', id: '__proto__', pass: 'ok' } });
    assert.deepEqual(r.errors, []);
    const [plain, own, nested] = r.cases;
    assert.equal(plain!.output, null, 'no "constructor" field: no output (not Object)');
    assert.equal(plain!.expected, null, 'no "toString" field: no expected answer');
    assert.equal(plain!.sampleId, undefined, 'no "__proto__" field: no id');
    assert.match(plain!.caseKey, /\/h:/);
    assert.equal(own!.output, 'built');
    assert.equal(own!.expected, 'said');
    assert.equal(own!.sampleId, 'id-7');
    assert.equal(nested!.output, null);

    const missing = await readAll(path, { mapping: { input: 'q.toString', pass: 'ok.valueOf' } });
    assert.equal(missing.cases.length, 0);
    assert.match(missing.errors[0]!.reason, /field "q.toString" \(input\) is missing/);
    const suites = await readAll(path, { mapping: { input: 'q', pass: 'ok', suite: 'q.constructor.name' } });
    assert.deepEqual(
      suites.cases.map((c) => c.suite),
      ['mapped', 'mapped', 'mapped'],
      'an inherited suite path falls back to the file name',
    );
  });

  it('array positions are read, array methods and lengths are not', () => {
    const record = { list: ['a', 'b'], text: 'abc' };
    assert.equal(getPath(record, 'list.1'), 'b');
    assert.equal(getPath(record, 'list.2'), undefined);
    assert.equal(getPath(record, 'list.length'), undefined);
    assert.equal(getPath(record, 'list.map'), undefined);
    assert.equal(getPath(record, 'text.length'), undefined);
    assert.equal(getPath(record, 'list.constructor'), undefined);
    assert.equal(getPath(record, 'hasOwnProperty'), undefined);
  });
});

// Records that differ only where UTF-8 or a JavaScript number would blur them (a lone
// surrogate, an integer beyond 2^53, -0 against 0) stay different cases; ordinary
// records keep exactly the case keys and input hashes they always had.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { inputHashOf } from '../../src/core/model/buildCase';
import { itemIdOf } from '../../src/core/store/caseIds';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { parseLenientJson } from '../../src/core/text/lenientJson';
import { readAll, tempDir } from './testSupport';

const MAPPING = { input: 'q', output: 'a', pass: 'ok', id: 'id' };

/** JSONL lines written as text, so escapes like \ud800 and digits like 2^53 + 1 reach the reader as a tool wrote them. */
function jsonlFile(lines: string[]): string {
  const path = join(tempDir(), 'records.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function keysOf(lines: string[]): Promise<string[]> {
  const r = await readAll(jsonlFile(lines), { mapping: MAPPING });
  assert.deepEqual(r.errors, []);
  return r.cases.map((c) => c.caseKey);
}

describe('case identity keeps what a record says', () => {
  it('inputs that differ only in a lone surrogate are three cases, not one', async () => {
    const keys = await keysOf(['{"q": "a\\ud800", "ok": false}', '{"q": "a\\udc00", "ok": false}', '{"q": "a\\ufffd", "ok": false}']);
    assert.equal(new Set(keys).size, 3, keys.join(' | '));
    // and ids that differ only there give different item ids
    assert.notEqual(itemIdOf('jsonl/s/id:x\ud800'), itemIdOf('jsonl/s/id:x\ufffd'));
    assert.notEqual(itemIdOf('jsonl/s/id:x\ud800'), itemIdOf('jsonl/s/id:x\udbff'));
    // well-formed text, astral characters included, hashes exactly as before
    assert.equal(inputHashOf({ prompt: 'What is 2+2?' }), 'ba488353a80eff75');
    assert.equal(inputHashOf({ prompt: 'Grüße 😀 é' }), '6fc195b90dea5d05');
    assert.equal(inputHashOf({ messages: [{ role: 'user', content: 'hi 😀' }] }), '8b491519e9499265');
    assert.equal(itemIdOf('jsonl/s/id:Grüße 😀'), '91b17f660019');
  });

  it('integers beyond 2^53 keep their digits in ids and inputs', async () => {
    const ids = await keysOf(['{"id": 9007199254740993, "q": "same", "ok": false}', '{"id": 9007199254740992, "q": "same", "ok": false}']);
    assert.deepEqual(ids, ['jsonl/records/id:9007199254740993', 'jsonl/records/id:9007199254740992']);
    const inputs = await keysOf(['{"q": {"n": 12345678901234567891}, "ok": false}', '{"q": {"n": 12345678901234567890}, "ok": false}']);
    assert.equal(new Set(inputs).size, 2, inputs.join(' | '));
    // integers a number holds exactly keep the keys they had
    const vars = parseLenientJson('{"n": 9007199254740992, "m": 12345678901234567000, "z": 0, "f": 1.5e300, "s": "x"}') as Record<string, unknown>;
    assert.equal(inputHashOf({ vars }), '43aad883a987d41c');
    assert.equal(itemIdOf('jsonl/s/id:9007199254740992'), '2c23809b9b6c');
    assert.deepEqual(parseLenientJson('[-9007199254740993, 9007199254740992, 1e400, "90071992547409931", NaN]'), ['-9007199254740993', 9007199254740992, Infinity, '90071992547409931', 'NaN']);
  });

  it('-0 and 0 are different ids and different inputs', async () => {
    assert.deepEqual(await keysOf(['{"id": -0, "q": "z", "ok": false}', '{"id": 0, "q": "z", "ok": false}']), ['jsonl/records/id:-0', 'jsonl/records/id:0']);
    const inputs = await keysOf(['{"q": {"x": -0.0}, "ok": false}', '{"q": {"x": 0.0}, "ok": false}']);
    assert.equal(new Set(inputs).size, 2, inputs.join(' | '));
  });

  it('a capture keeps each such record as its own item', async () => {
    const root = tempDir();
    const file = jsonlFile(['{"q": "a\\ud800", "ok": false}', '{"q": "a\\ufffd", "ok": false}', '{"id": 9007199254740993, "q": "big", "ok": false}', '{"id": 9007199254740992, "q": "big", "ok": false}', '{"id": -0, "q": "zero", "ok": false}', '{"id": 0, "q": "zero", "ok": false}']);
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const [report] = await capturePaths(store, [file], { read: { mapping: MAPPING } });
      assert.equal(report!.newItems, 6);
      assert.equal(listItems(store.database, { limit: 0 }).length, 6);
    } finally {
      store.close();
    }
  });
});

// A capture reads a passing case as its key alone (it stores nothing else of a pass):
// the key, input hash, outcome and record must be exactly what the full read gives, and
// failing cases must be read in full either way.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promptfooLine } from '../../bench/generateData';
import { DEFAULT_READ_OPTIONS } from '../../src/core/formats/adapter';
import { openResultFile } from '../../src/core/formats/readResultFile';
import type { EvalCase } from '../../src/core/model/caseModel';
import { tempDir } from './testSupport';

const FIXTURE = join(__dirname, '../../../shared/fixtures/eval-formats/promptfoo/sample-export.json');

async function casesOf(path: string, passesAsKeys: boolean): Promise<EvalCase[]> {
  const opened = await openResultFile(path, { ...DEFAULT_READ_OPTIONS, passesAsKeys });
  assert.equal(opened.status, 'ok');
  const cases: EvalCase[] = [];
  if (opened.status === 'ok') for await (const e of opened.events) if (e.kind === 'case') cases.push(e.evalCase);
  return cases;
}

const identity = (c: EvalCase) => ({ caseKey: c.caseKey, inputHash: c.inputHash, outcome: c.outcome, record: c.record, suite: c.suite });

async function assertSameIdentities(path: string): Promise<void> {
  const full = await casesOf(path, false);
  const light = await casesOf(path, true);
  assert.ok(full.some((c) => c.outcome === 'pass') && full.some((c) => c.outcome !== 'pass'), 'the file has passes and failures');
  assert.deepEqual(light.map(identity), full.map(identity));
  for (const [i, c] of light.entries()) {
    if (c.outcome === 'pass') assert.deepEqual([c.output, c.scores, c.metadata], [null, [], {}], `pass ${i} carries no details`);
    else assert.deepEqual(c, full[i], `failure ${i} is read in full`);
  }
}

describe('passes read as their keys', () => {
  it('a promptfoo export (a real one, half its rows turned into passes): same keys, input hashes, outcomes and records as the full read', async () => {
    const doc = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { results: { results: { success: boolean; gradingResult?: { pass?: boolean } }[] } };
    doc.results.results.forEach((r, i) => {
      if (i % 2 === 0) return;
      r.success = true;
      if (r.gradingResult) r.gradingResult.pass = true;
    });
    const path = join(tempDir(), 'export.json');
    writeFileSync(path, JSON.stringify(doc));
    await assertSameIdentities(path);
  });

  it('promptfoo JSON lines, including rows that differ only in their test: the same', async () => {
    let seed = 3;
    const next = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const lines = Array.from({ length: 200 }, (_, i) => promptfooLine(i, next, 8));
    // the same prompt under two tests: the second row's key names its test
    const twin = JSON.parse(lines[0]!) as { testCase: { description?: string } };
    twin.testCase.description = 'another test';
    lines.push(JSON.stringify(twin));
    const path = join(tempDir(), 'results.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    await assertSameIdentities(path);
  });
});

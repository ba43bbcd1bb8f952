// Format variants the fixtures do not cover: promptfoo v2 and JSONL, lm-eval
// log-likelihood and metric direction, Inspect streaming zips without a header,
// OpenAI evals in any order, DeepEval conversations, JUnit variants, mapped JSONL,
// and the tolerances (NaN, numbers as strings, BOM, truncated last line).
import assert from 'node:assert/strict';
import { copyFileSync, createWriteStream, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import yazl from 'yazl';
import { parseMapping } from '../../src/core/formats/genericJsonl';
import { failures, fixture, readAll, tempDir } from './testSupport';

const dir = tempDir();

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function jsonl(records: unknown[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

function promptfooResult(riddle: string, success: boolean, extra: Record<string, unknown> = {}) {
  return {
    success,
    score: success ? 1 : 0,
    vars: { riddle },
    prompt: { raw: `Solve: ${riddle}`, label: 'Solve: {{riddle}}' },
    provider: { id: 'openai:gpt-4o-mini' },
    response: { output: success ? 'an echo' : 'a ghost' },
    testCase: { vars: { riddle }, assert: [{ type: 'equals', value: 'an echo' }] },
    gradingResult: { pass: success, score: success ? 1 : 0, reason: success ? 'ok' : 'Expected output "an echo"', componentResults: [] },
    ...extra,
  };
}

describe('promptfoo variants', () => {
  it('reads results version 2 exports', async () => {
    const path = write('pf-v2.json', JSON.stringify({ results: { version: 2, timestamp: '2024-05-01T00:00:00Z', results: [promptfooResult('a', false), promptfooResult('b', true)], table: {} } }));
    const r = await readAll(path);
    assert.equal(r.format, 'promptfoo');
    assert.equal(r.cases.length, 2);
    assert.equal(failures(r.cases).length, 1);
    assert.equal(failures(r.cases)[0]!.expected, 'an echo');
  });

  it('reads promptfoo JSONL output, one result per line; provider errors are errors', async () => {
    const path = write('pf.jsonl', jsonl([promptfooResult('a', false), promptfooResult('b', true), promptfooResult('c', false, { failureReason: 2, error: 'rate limited', response: { error: 'rate limited' } })]));
    const r = await readAll(path);
    assert.equal(r.format, 'promptfoo');
    assert.deepEqual(
      r.cases.map((c) => c.outcome),
      ['fail', 'pass', 'error'],
    );
    assert.equal(r.cases[2]!.error, 'rate limited');
    assert.equal(r.cases[1]!.record.line, 2);
  });
});

describe('lm-eval variants', () => {
  it('reads log-likelihood samples: the answer is the choice ranked first', async () => {
    const sample = {
      doc_id: 7,
      doc: { question: 'q' },
      target: 1,
      arguments: { gen_args_0: { arg_0: 'Q: pick', arg_1: ' A' }, gen_args_1: { arg_0: 'Q: pick', arg_1: ' B' } },
      resps: [[['-2.5', 'False']], [['-0.5', 'True']]],
      filtered_resps: [
        ['-2.5', 'False'],
        ['-0.5', 'True'],
      ],
      filter: 'none',
      metrics: ['acc', 'acc_norm'],
      acc: 1.0,
      acc_norm: 0.0,
    };
    const path = write('samples_mmlu_mini_2025-01-01T00-00-00.000001.jsonl', jsonl([sample]));
    const r = await readAll(path);
    assert.equal(r.run?.suite, 'mmlu_mini');
    const c = r.cases[0]!;
    assert.equal(c.output, 'B');
    assert.equal(c.outcome, 'fail', 'acc_norm of 0 fails the case');
    assert.equal(c.caseKey, 'lm-eval/mmlu_mini/id:7');
  });

  it('takes the metric direction from the sibling results file and splits cases by filter', async () => {
    const sub = tempDir();
    const stamp = '2025-02-02T10-00-00.123456';
    writeFileSync(join(sub, `results_${stamp}.json`), JSON.stringify({ results: { ppl_task: {} }, configs: {}, higher_is_better: { ppl_task: { word_error: false } }, model_name: 'm' }));
    const lines = [
      { doc_id: 1, doc: {}, target: 'x', arguments: [['p1', {}]], resps: [['y']], filtered_resps: ['y'], filter: 'strict', metrics: ['word_error'], word_error: 0 },
      { doc_id: 1, doc: {}, target: 'x', arguments: [['p1', {}]], resps: [['y']], filtered_resps: ['y'], filter: 'flexible', metrics: ['word_error'], word_error: 1 },
    ];
    const path = join(sub, `samples_ppl_task_${stamp}.jsonl`);
    writeFileSync(path, jsonl(lines));
    const r = await readAll(path);
    assert.deepEqual(
      r.cases.map((c) => [c.sampleId, c.outcome]),
      [
        ['1/strict', 'pass'],
        ['1/flexible', 'fail'],
      ],
    );
    assert.equal(r.cases[0]!.input.prompt, 'p1', 'older list-style arguments give the prompt');
  });

  it('leaves non-binary metrics undecided unless a threshold is set', async () => {
    const path = write('samples_squadish_2025-01-01T00-00-00.1.jsonl', jsonl([{ doc_id: 0, doc: {}, target: 'a', arguments: [['p', {}]], resps: [['b']], filtered_resps: ['b'], filter: 'none', metrics: ['f1'], f1: '0.4' }]));
    assert.equal((await readAll(path)).cases[0]!.outcome, 'unknown');
    assert.equal((await readAll(path, { thresholds: { f1: 0.5 } })).cases[0]!.outcome, 'fail', 'a number written as a string is compared');
  });
});

function buildZip(path: string, entries: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const [name, value] of Object.entries(entries)) zip.addBuffer(Buffer.from(JSON.stringify(value)), name);
    zip.end();
    zip.outputStream.pipe(createWriteStream(path)).on('close', resolve).on('error', reject);
  });
}

describe('Inspect variants', () => {
  const evalHeader = { run_id: 'R1', eval_id: 'E1', task: 'toy', task_id: 'T1', model: 'mockllm/model', created: '2025-01-01T00:00:00Z' };
  const sample = (id: number, value: string, extra: Record<string, unknown> = {}) => ({
    id,
    epoch: 1,
    input: [{ role: 'user', content: 'attachment://0123456789abcdef0123456789abcdef' }],
    target: ['42'],
    messages: [
      { role: 'user', content: 'attachment://0123456789abcdef0123456789abcdef' },
      { role: 'assistant', content: [{ type: 'text', text: 'calling' }], tool_calls: [{ id: 'c1', function: 'calc', arguments: { x: 1 } }] },
      { role: 'tool', content: '41', tool_call_id: 'c1', function: 'calc' },
      { role: 'assistant', content: 'It is 41' },
    ],
    output: { completion: 'It is 41' },
    scores: { match: { value, answer: '41' } },
    attachments: { '0123456789abcdef0123456789abcdef': 'What is 6 × 7?' },
    events: [{ event: 'tool', function: 'calc', arguments: { x: 1 }, result: '41', timestamp: '2025-01-01T00:00:01Z' }],
    ...extra,
  });

  it('captures a streaming .eval without header.json as far as it goes, marked partial', async () => {
    const path = join(dir, 'running.eval');
    await buildZip(path, {
      '_journal/start.json': { version: 2, eval: evalHeader, plan: {} },
      'samples/1_epoch_1.json': sample(1, 'I'),
      'samples/2_epoch_1.json': sample(2, 'C'),
    });
    const r = await readAll(path);
    assert.equal(r.run?.partial, true);
    assert.equal(r.run?.runId, 'inspect:E1:T1');
    assert.equal(r.cases.length, 2);
    const c = failures(r.cases)[0]!;
    assert.equal(c.input.messages?.[0]?.content, 'What is 6 × 7?', 'attachment resolved in the input');
    assert.equal(c.expected, '42');
    assert.ok(
      c.trace.some((t) => t.kind === 'tool-call' && t.title === 'calc'),
      'tool call is a trace step',
    );
    assert.ok(c.trace.some((t) => t.kind === 'tool-result' && t.content === '41'));
  });

  it('a sample with an error is an errored case; an unscored sample is an unknown case (counted, not queued)', async () => {
    const path = join(dir, 'errors.eval');
    await buildZip(path, {
      'header.json': { version: 2, status: 'error', eval: evalHeader },
      'samples/1_epoch_1.json': sample(1, 'C', { error: { message: 'sandbox died' }, scores: {} }),
      'samples/2_epoch_1.json': sample(2, 'C', { scores: {} }),
    });
    const r = await readAll(path);
    assert.equal(r.cases.length, 2);
    assert.equal(r.cases[0]!.outcome, 'error');
    assert.equal(r.cases[0]!.error, 'sandbox died');
    assert.equal(r.cases[1]!.outcome, 'unknown', 'no score decided it');
  });

  it('an oversized zip entry is reported by name and the rest is captured', async () => {
    const path = join(dir, 'big.eval');
    await buildZip(path, {
      'header.json': { version: 2, status: 'success', eval: evalHeader },
      'samples/1_epoch_1.json': sample(1, 'I', { metadata: { pad: 'x'.repeat(3000) } }),
      'samples/2_epoch_1.json': sample(2, 'I'),
    });
    const r = await readAll(path, { maxRecordBytes: 2500 });
    assert.equal(r.cases.length, 1);
    assert.equal(r.errors[0]?.record, 'samples/1_epoch_1.json');
    assert.match(r.errors[0]?.reason ?? '', /over the .* limit/);
  });
});

describe('hostile .eval archives', () => {
  const evalHeader = { run_id: 'R2', eval_id: 'E2', task: 'toy', task_id: 'T2', model: 'mockllm/model', created: '2025-01-01T00:00:00Z' };
  const sample = (id: number) => ({ id, epoch: 1, input: 'q', target: ['42'], output: { completion: '41', choices: [] }, scores: { match: { value: 'I' } } });
  const BOMB = '0'.repeat(60 * 1024 * 1024); // 60 MB that deflate to about 60 KB

  /** Rewrites the uncompressed size an entry declares (local header and central directory). */
  function lieAboutSize(path: string, name: string, size: number): void {
    const zip = readFileSync(path);
    for (let i = 0; i + 46 < zip.length; i++) {
      const sig = zip.readUInt32LE(i);
      if (sig === 0x04034b50 && zip.toString('utf8', i + 30, i + 30 + zip.readUInt16LE(i + 26)) === name) zip.writeUInt32LE(size, i + 22);
      if (sig === 0x02014b50 && zip.toString('utf8', i + 46, i + 46 + zip.readUInt16LE(i + 28)) === name) zip.writeUInt32LE(size, i + 24);
    }
    writeFileSync(path, zip);
  }

  it('a bomb entry is refused by name from its declared size; the other samples are captured', async () => {
    const path = join(dir, 'bomb.eval');
    await buildZip(path, { 'header.json': { version: 2, status: 'success', eval: evalHeader }, 'samples/1_epoch_1.json': BOMB, 'samples/2_epoch_1.json': sample(2) });
    assert.ok(statSync(path).size < 1024 * 1024, 'the archive itself is small');
    const r = await readAll(path, { maxRecordBytes: 1024 * 1024 });
    assert.equal(r.cases.length, 1);
    assert.equal(r.errors[0]?.record, 'samples/1_epoch_1.json');
    assert.match(r.errors[0]?.reason ?? '', /over the 1\.0 MB limit/);
  });

  it('a bomb entry that lies about its size stops inflating at the limit', async () => {
    const path = join(dir, 'liar.eval');
    await buildZip(path, { 'header.json': { version: 2, status: 'success', eval: evalHeader }, 'samples/1_epoch_1.json': BOMB, 'samples/2_epoch_1.json': sample(2) });
    lieAboutSize(path, 'samples/1_epoch_1.json', 100);
    const before = process.memoryUsage().rss;
    const r = await readAll(path, { maxRecordBytes: 1024 * 1024 });
    assert.ok(process.memoryUsage().rss - before < 50 * 1024 * 1024, 'the 60 MB were never held');
    assert.equal(r.cases.length, 1, 'the honest sample is captured');
    assert.equal(r.errors[0]?.record, 'samples/1_epoch_1.json');
    assert.match(r.errors[0]?.reason ?? '', /limit|too many bytes|size/);
  });

  it('an archive with an entry name that climbs out of it is refused, naming the entry, and nothing is written', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'inner'));
    const path = join(root, 'inner', 'slip.eval');
    // zip writers refuse such names, so one of the same length is rewritten in place
    await buildZip(path, { 'header.json': { version: 2, status: 'success', eval: evalHeader }, 'xx/xx/evil.json': { pwned: true }, 'samples/2_epoch_1.json': sample(2) });
    const zip = readFileSync(path);
    writeFileSync(path, Buffer.from(zip.toString('latin1').split('xx/xx/evil.json').join('../../evil.json'), 'latin1'));
    await assert.rejects(readAll(path), /not a readable \.eval zip: invalid relative path: \.\.\/\.\.\/evil\.json/);
    assert.deepEqual(readdirSync(root), ['inner']);
    assert.deepEqual(readdirSync(join(root, 'inner')), ['slip.eval']);
  });
});

describe('OpenAI evals variants', () => {
  it('joins events by sample_id whatever the line order, and chat prompts become messages', async () => {
    const lines = [
      { spec: { run_id: 'RUN9', eval_name: 'arith.dev.v0', base_eval: 'arith', completion_fns: ['gpt-4o'] } },
      { run_id: 'RUN9', event_id: 3, sample_id: 'arith.dev.1', type: 'match', data: { correct: false, expected: '4', sampled: '5' } },
      { run_id: 'RUN9', event_id: 1, sample_id: 'arith.dev.0', type: 'match', data: { correct: true, expected: '2', sampled: '2' } },
      {
        run_id: 'RUN9',
        event_id: 2,
        sample_id: 'arith.dev.1',
        type: 'sampling',
        data: {
          prompt: [
            { role: 'system', content: 'Add.' },
            { role: 'user', content: '2+2' },
          ],
          sampled: ['5'],
        },
      },
      { final_report: { accuracy: 0.5 } },
    ];
    const r = await readAll(write('arith.jsonl', jsonl(lines)));
    assert.equal(r.format, 'openai-evals');
    assert.equal(r.cases.length, 2);
    const failed = failures(r.cases)[0]!;
    assert.equal(failed.sampleId, 'arith.dev.1');
    assert.deepEqual(
      failed.input.messages?.map((m) => m.content),
      ['Add.', '2+2'],
    );
    assert.equal(failed.expected, '4');
    assert.equal(failed.output, '5');
  });
});

describe('DeepEval variants', () => {
  it('reads conversational test cases and marks metric errors as judge errors', async () => {
    const doc = {
      testCases: [{ name: 't1', input: 'hi', actualOutput: 'yo', success: null, metricsData: [{ name: 'GEval', threshold: 0.5, success: null, score: null, error: 'judge timed out' }] }],
      conversationalTestCases: [
        {
          name: 'conv',
          turns: [
            { role: 'user', content: 'book a flight' },
            { role: 'assistant', content: 'done' },
          ],
          success: false,
          metricsData: [{ name: 'Completeness', threshold: 0.5, success: false, score: 0.2, reason: 'no date asked' }],
        },
      ],
      metricsScores: [],
      testPassed: 0,
      testFailed: 1,
    };
    const r = await readAll(write('deepeval-run.json', JSON.stringify(doc)));
    assert.deepEqual(
      r.cases.map((c) => c.outcome),
      ['judge-error', 'fail'],
    );
    assert.deepEqual(
      r.cases[1]!.input.messages?.map((m) => m.role),
      ['user', 'assistant'],
    );
  });
});

describe('JUnit variants', () => {
  it('reads a bare <testsuite> root (xunit2) with <error> as an errored case', async () => {
    const xml = `<?xml version="1.0"?>
<testsuite name="evals" tests="3" failures="0" errors="1">
  <testcase classname="tests.test_model" name="test_answer[q1]" time="0.1"/>
  <testcase classname="tests.test_model" name="test_answer[q2]" time="0.2">
    <error message="TimeoutError: model did not answer">Traceback …</error>
    <system-out>prompt: 2+2</system-out>
  </testcase>
  <testcase classname="tests.test_model" name="test_answer[q3]"><properties><property name="model" value="m1"/></properties></testcase>
</testsuite>`;
    const r = await readAll(write('report.xml', xml));
    assert.equal(r.format, 'junit');
    assert.deepEqual(
      r.cases.map((c) => c.outcome),
      ['pass', 'error', 'pass'],
    );
    const errored = r.cases[1]!;
    assert.match(errored.error ?? '', /TimeoutError/);
    assert.ok(errored.trace.some((t) => t.title === 'system-out' && t.content === 'prompt: 2+2'));
    assert.deepEqual(r.cases[2]!.metadata.properties, { model: 'm1' });
  });
});

describe('mapped JSONL', () => {
  it('reads any JSONL with a field mapping, dotted paths included', async () => {
    const lines = [
      { prompt: 'capital of France?', completion: 'Lyon', answer: 'Paris', correct: false, meta: { id: 'geo-1' } },
      { prompt: 'capital of Spain?', completion: 'Madrid', answer: 'Madrid', correct: 'true', meta: { id: 'geo-2' } },
    ];
    const path = write('answers.jsonl', jsonl(lines));
    const skipped = await readAll(path);
    assert.match(skipped.skipped ?? '', /field mapping/);
    const r = await readAll(path, { mapping: parseMapping('input=prompt,output=completion,expected=answer,pass=correct,id=meta.id') });
    assert.equal(r.format, 'jsonl');
    assert.deepEqual(
      r.cases.map((c) => [c.sampleId, c.outcome]),
      [
        ['geo-1', 'fail'],
        ['geo-2', 'pass'],
      ],
    );
    assert.equal(r.cases[0]!.expected, 'Paris');
  });

  it('rejects a mapping without input or with unknown keys', () => {
    assert.throws(() => parseMapping('output=x'), /needs at least input/);
    assert.throws(() => parseMapping('input=a,colour=b'), /unknown mapping key "colour"/);
  });
});

describe('tolerances', () => {
  it("reads Python's NaN and Infinity, numbers written as strings, and a BOM", async () => {
    const text =
      '\uFEFF' +
      JSON.stringify({
        columns: ['inputs', 'outputs', 'answer_correctness/v1/score', 'x/score'],
        data: [
          ['q', 'a', '2', 1],
          ['q2', 'a2', 5, 1],
        ],
      })
        .replace('1]', 'NaN]')
        .replace('1]]', 'Infinity]]');
    const r = await readAll(write('mlflow-nan.json', text));
    assert.equal(r.format, 'mlflow');
    assert.equal(r.cases.length, 2);
    assert.equal(r.cases[0]!.outcome, 'fail', '"2" is read as the number 2, under the default threshold 3');
    assert.equal(r.cases[1]!.outcome, 'pass');
  });

  it('a truncated last JSONL line is left for later with a warning, not an error', async () => {
    const full = readFileSync(fixture('lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl'), 'utf8');
    const cut = full.slice(0, full.length - 200);
    const r = await readAll(write('samples_cut_2026-01-21T03-44-18.458309.jsonl', cut));
    assert.equal(r.cases.length, 9);
    assert.equal(r.errors.length, 1);
    assert.equal(r.errors[0]!.line, 10);
    assert.equal(r.errors[0]!.warning, true);
  });

  it('detects by content, not by name: a promptfoo export named .txt.json or renamed is still promptfoo', async () => {
    const path = join(dir, 'whatever-name.json');
    copyFileSync(fixture('promptfoo/sample-export.json'), path);
    assert.equal((await readAll(path)).format, 'promptfoo');
  });
});

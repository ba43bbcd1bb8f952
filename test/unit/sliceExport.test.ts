// An exported slice judges a run the way the original eval judged it: a promptfoo case
// with its own assertions, options and threshold; any other case with a check of its
// answer's kind (numeric, JSON, choice letter, whole text), never a looser substring;
// chat inputs with their roles; Inspect datasets as the file's extension asks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { answerExpression } from '../../src/core/corpus/promptfooAssertions';
import { answerOf, exportSlice, inspectSampleId } from '../../src/core/corpus/sliceExport';
import type { AnswerCheck } from '../../src/core/corpus/sliceChecks';
import { normalizeText, readChoice, readNumber } from '../../src/core/grading/graders';
import { canonicalJson } from '../../src/core/text/hashing';
import { SLICE_FIXTURE_CASES, sliceFixtureResults } from './promptfooSliceFixture';
import { REPO_ROOT, tempDir } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');

function workspace() {
  const root = tempDir();
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
  };
  const items = () => cli('list', '--json', '--limit', '0').json() as { id: string; caseKey: string; title: string }[];
  return { root, cli, items };
}

type Test = { description: string; vars: Record<string, string>; assert?: { type: string; value?: unknown; metric?: string }[]; options?: unknown; threshold?: number; metadata: Record<string, unknown> };

/** Runs a javascript assertion's value the way promptfoo does (one line: `return <value>`). */
function passes(value: unknown, output: string): boolean {
  assert.equal(typeof value, 'string');
  assert.ok(!(value as string).includes('\n'), 'one line, so promptfoo returns its value');
  return new Function('output', 'context', 'process', `return ${value as string}`)(output, {}, {}) === true;
}

/** Whether a test's assertions all pass an output (javascript and is-json; the others are not generated here). */
function testPasses(t: Test, output: string): boolean {
  return (t.assert ?? []).every((a) => {
    if (a.type === 'javascript') return passes(a.value, output);
    if (a.type === 'is-json') {
      try {
        JSON.parse(output);
        return true;
      } catch {
        return false;
      }
    }
    throw new Error(`unexpected assertion ${a.type}`);
  });
}

describe('promptfoo cases keep their original test', () => {
  const { root, cli, items } = workspace();
  const file = join(root, 'promptfoo-results.json');
  writeFileSync(file, sliceFixtureResults());

  it('captures, reviews and pins the fixture', () => {
    assert.equal(cli('capture', file, '--json').json().totals.failures, SLICE_FIXTURE_CASES.length);
    const all = items();
    for (const c of SLICE_FIXTURE_CASES) {
      const item = all.find((i) => i.title === (c.description ?? c.raw));
      assert.ok(item, `an item for ${c.description ?? c.raw}`);
      const args = c.verdict === 'model-wrong' ? ['--correction', c.right] : [];
      assert.equal(cli('review', item.id, '--verdict', c.verdict, ...args).code, 0);
    }
    assert.equal(cli('pin', 'pf', '--filter', 'format:promptfoo', '--json').json().cases, SLICE_FIXTURE_CASES.length);
  });

  it('assertions, options, threshold and description come from the original test', () => {
    const tests = JSON.parse(cli('export-slice', 'pf', '--format', 'promptfoo').stdout) as Test[];
    const byRaw = (raw: string) => tests.find((t) => t.vars.prompt === raw)!;
    for (const c of SLICE_FIXTURE_CASES.filter((x) => x.verdict === 'model-wrong')) {
      const t = byRaw(c.raw);
      assert.ok(t, c.raw);
      assert.deepEqual(t.assert, c.assert, `${c.raw}: the original assertions`);
      assert.deepEqual(t.options ?? {}, c.options ?? {});
      assert.equal(t.threshold, c.threshold);
      for (const [k, v] of Object.entries(c.vars)) assert.equal(t.vars[k], v, 'the original variables');
      // the original description, else the question; never an internal key
      assert.equal(t.description, c.description ?? c.raw);
      assert.ok(!String(t.description).startsWith('promptfoo/'));
    }
  });

  it('an assertion the review found wrong gives way to a check of the reviewed answer', () => {
    const tests = JSON.parse(cli('export-slice', 'pf', '--format', 'promptfoo').stdout) as Test[];
    const planet = tests.find((t) => t.description === 'names the red planet')!;
    assert.deepEqual(planet.metadata.evalloopReplacedAssertions, ['equals: Mars.']);
    assert.ok(!planet.assert!.some((a) => a.type === 'equals'));
    assert.equal(testPasses(planet, 'Mars'), true, 'the output the reviewer found right passes');
    assert.equal(testPasses(planet, 'Venus'), false);
    assert.equal(testPasses(planet, 'Not Mars'), false, 'whole text, not a substring');
  });

  it('a chat-format prompt keeps its roles', () => {
    const tests = JSON.parse(cli('export-slice', 'pf', '--format', 'promptfoo').stdout) as Test[];
    const planet = tests.find((t) => t.description === 'names the red planet')!;
    const messages = JSON.parse(planet.vars.messages!) as { role: string; content: string }[];
    assert.deepEqual(
      messages.map((m) => m.role),
      ['system', 'user'],
    );
    assert.ok(!messages[1]!.content.includes('terse'), 'the system turn is not merged into the user text');
    const out = join(root, 'pf.jsonl');
    assert.equal(cli('export-slice', 'pf', '--format', 'inspect', '-o', out).code, 0);
    const sample = readFileSync(out, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((s) => Array.isArray(s.input));
    assert.deepEqual(sample.input, messages);
    const text = tests.find((t) => t.description === 'multiplies two small numbers')!;
    assert.deepEqual(JSON.parse(text.vars.messages!), [{ role: 'user', content: text.vars.prompt }], 'a text prompt is one user turn');
  });
});

describe('cases from other formats get a check of their answer’s kind', () => {
  const { root, cli, items } = workspace();
  const rows = [
    { id: 'mul', suite: 'kinds', question: 'What is 7 times 8?', given: '556', answer: '56' },
    { id: 'obj', suite: 'kinds', question: 'Return {"a": 1} as JSON.', given: '{"a": 2}', answer: '{"a": 1}' },
    { id: 'mc', suite: 'kinds', question: 'Which is a mammal? A) shark B) whale C) trout D) squid', given: 'C', answer: 'B' },
    { id: 'cap', suite: 'kinds', question: 'Capital of Australia?', given: 'Sydney', answer: 'Canberra' },
    // the expected answer is wrong: the output was right (eval-wrong)
    { id: 'half', suite: 'kinds', question: 'What is half of 114?', given: '57', answer: '56' },
    // the expected answer is wrong and the reviewer corrects it (model-wrong with a correction)
    { id: 'mc2', suite: 'kinds', question: 'Which is a prime? A) 4 B) 6 C) 8 D) 7', given: 'A', answer: 'B' },
    {
      id: 'chat',
      suite: 'kinds',
      question: [
        { role: 'system', content: 'Answer in one word.' },
        { role: 'user', content: 'Opposite of hot?' },
      ],
      given: 'warm',
      answer: 'cold',
    },
  ];
  const file = join(root, 'results.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify({ ...r, correct: false })).join('\n') + '\n');
  let tests: Test[] = [];
  const test = (id: string) => tests.find((t) => t.metadata.caseKey === `jsonl/kinds/id:${id}`)!;

  it('captures, reviews and exports', () => {
    assert.equal(cli('capture', file, '--format', 'jsonl', '--map', 'input=question,output=given,expected=answer,pass=correct,id=id,suite=suite', '--json').code, 0);
    const id = (key: string) => items().find((i) => i.caseKey === `jsonl/kinds/id:${key}`)!.id;
    assert.equal(cli('review', id('half'), '--verdict', 'eval-wrong').code, 0);
    assert.equal(cli('review', id('mc2'), '--verdict', 'model-wrong', '--correction', 'ANSWER: D').code, 0);
    assert.equal(cli('pin', 'kinds', '--filter', 'format:jsonl').code, 0);
    tests = JSON.parse(cli('export-slice', 'kinds', '--format', 'promptfoo').stdout) as Test[];
    assert.equal(tests.length, rows.length);
    assert.ok(
      tests.every((t) => t.assert?.length && t.assert.every((a) => a.type === 'javascript' || a.type === 'is-json')),
      'no contains or icontains',
    );
  });

  it('a number is compared as a number: 556 fails where the answer is 56', () => {
    const t = test('mul');
    assert.equal(testPasses(t, '556'), false);
    for (const ok of ['56', '56.0', 'The answer is 56.', '56 ']) assert.equal(testPasses(t, ok), true, ok);
    assert.equal(testPasses(t, '56 or 57'), false);
  });

  it('JSON is compared as JSON: spacing and key order do not matter', () => {
    const t = test('obj');
    assert.equal(t.assert![0]!.type, 'is-json');
    for (const ok of ['{"a":1}', '{"a": 1}', '{ "a" : 1 }']) assert.equal(testPasses(t, ok), true, ok);
    for (const bad of ['{"a": 2}', '{"a": 1, "b": 2}', 'a = 1', '[1]']) assert.equal(testPasses(t, bad), false, bad);
  });

  it('a choice is compared by its letter', () => {
    const t = test('mc');
    for (const ok of ['B', '(B)', 'ANSWER: B', 'The answer is B']) assert.equal(testPasses(t, ok), true, ok);
    for (const bad of ['C', 'B or C', 'ANSWER: C', 'Bees']) assert.equal(testPasses(t, bad), false, bad);
  });

  it('text is compared whole (case, spacing and end punctuation aside), never as a substring', () => {
    const t = test('cap');
    for (const ok of ['Canberra', 'canberra.', ' CANBERRA ']) assert.equal(testPasses(t, ok), true, ok);
    for (const bad of ['Sydney', 'Not Canberra', 'Canberra or Sydney']) assert.equal(testPasses(t, bad), false, bad);
  });

  it('the reviewed answer is the value where the expected answer was wrong', () => {
    const half = test('half');
    assert.equal(testPasses(half, '57'), true, 'eval-wrong: the output that was right');
    assert.equal(testPasses(half, '56'), false);
    const mc2 = test('mc2');
    assert.equal(testPasses(mc2, 'D'), true, 'the correction’s letter');
    assert.equal(testPasses(mc2, 'B'), false);
  });

  it('chat inputs keep their roles in promptfoo and Inspect', () => {
    const t = test('chat');
    assert.deepEqual(JSON.parse(t.vars.messages!), [
      { role: 'system', content: 'Answer in one word.' },
      { role: 'user', content: 'Opposite of hot?' },
    ]);
    const out = join(root, 'kinds.json');
    assert.equal(cli('export-slice', 'kinds', '--format', 'inspect', '-o', out).code, 0);
    const samples = JSON.parse(readFileSync(out, 'utf8')) as { id: string; input: unknown; target: string; metadata: Record<string, unknown> }[];
    const chat = samples.find((s) => s.metadata.case_key === 'jsonl/kinds/id:chat')!;
    assert.deepEqual(chat.input, [
      { role: 'system', content: 'Answer in one word.' },
      { role: 'user', content: 'Opposite of hot?' },
    ]);
    assert.equal(samples.find((s) => s.metadata.case_key === 'jsonl/kinds/id:mc2')!.target, 'D', 'the choice scorer’s letter');
    assert.equal(samples.find((s) => s.metadata.case_key === 'jsonl/kinds/id:mul')!.metadata.answer_kind, 'numeric');
  });

  it('Inspect: .json is a JSON array, .jsonl JSON Lines; sample ids are safe, unique and stable', () => {
    const asJson = join(root, 'slice.json');
    const asJsonl = join(root, 'slice.jsonl');
    assert.equal(cli('export-slice', 'kinds', '--format', 'inspect', '-o', asJson).code, 0);
    assert.equal(cli('export-slice', 'kinds', '--format', 'inspect', '-o', asJsonl).code, 0);
    const array = JSON.parse(readFileSync(asJson, 'utf8')) as { id: string }[];
    assert.ok(Array.isArray(array) && array.length === rows.length);
    const lines = readFileSync(asJsonl, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string });
    assert.deepEqual(lines, array, 'the same samples');
    for (const s of array) assert.match(s.id, /^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'no /, \\, : or other characters a zip entry name cannot hold');
    assert.equal(new Set(array.map((s) => s.id)).size, array.length);
    assert.equal(inspectSampleId('jsonl/kinds/id:mul'), array.find((s) => s.id.includes('mul'))!.id, 'derived from the case key alone');
    // keys that differ only in unsafe characters still get different ids
    assert.notEqual(inspectSampleId('a/b:c'), inspectSampleId('a:b/c'));
    assert.match(inspectSampleId('../../etc/passwd'), /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
  });
});

describe('answer checks as promptfoo expressions', () => {
  const outputs = ['B', '(C)', 'ANSWER: D', 'The answer is A', 'a mask', 'B or C', '56', '56.0', '$1,200', '150 km', '7 apples and 3 pears', '-3', '.5', '{"a":1}', '{"b": [1, 2], "a": {"y": 1, "x": 2}}', '[1,2]', 'null', 'The Canberra.', '  canberra  ', 'Sydney', ''];

  it('read outputs exactly as the graders do', () => {
    for (const letter of ['A', 'B', 'C', 'D']) {
      const js = answerExpression({ kind: 'choice', value: letter });
      for (const o of outputs) assert.equal(passes(js, o), readChoice(o) === letter, `choice ${letter} on ${JSON.stringify(o)}`);
    }
    for (const n of ['56', '1200', '150', '-3', '0.5']) {
      const js = answerExpression({ kind: 'numeric', value: n });
      for (const o of outputs) assert.equal(passes(js, o), readNumber(o) !== null && Math.abs(readNumber(o)! - Number(n)) <= 1e-6, `numeric ${n} on ${JSON.stringify(o)}`);
    }
    for (const v of ['{"a":1}', '{"a":{"x":2,"y":1},"b":[1,2]}', '[1,2]']) {
      const js = answerExpression({ kind: 'json', value: v });
      for (const o of outputs) {
        let same = false;
        try {
          same = canonicalJson(JSON.parse(o)) === v;
        } catch {
          same = false;
        }
        assert.equal(passes(js, o), same, `json ${v} on ${JSON.stringify(o)}`);
      }
    }
    for (const text of ['Canberra', 'a mask', 'The answer is A']) {
      const js = answerExpression({ kind: 'text', value: text });
      for (const o of outputs) assert.equal(passes(js, o), normalizeText(o) === normalizeText(text), `text ${text} on ${JSON.stringify(o)}`);
    }
  });

  it('hold no template delimiter, whatever the answer holds', () => {
    const tricky = '{{ secrets }} {% include "x" %} {# note #} 100% #1 }}';
    for (const check of [
      { kind: 'text', value: tricky },
      { kind: 'json', value: canonicalJson({ '{{k}}': '{%v%}' }) },
    ] as AnswerCheck[]) {
      const js = answerExpression(check);
      assert.ok(!/\{\{|\{%|\{#/.test(js), js);
    }
    assert.equal(passes(answerExpression({ kind: 'text', value: tricky }), tricky), true);
    assert.equal(passes(answerExpression({ kind: 'json', value: canonicalJson({ '{{k}}': '{%v%}' }) }), '{"{{k}}": "{%v%}"}'), true);
  });

  it('a slice pinned before checks were kept compares its target by its shape', () => {
    const old = { caseKey: 'lm-eval/math/id:1', inputHash: 'abc', suite: 'math', input: { prompt: 'What is 7 times 8?' }, target: '56' };
    assert.deepEqual(answerOf(old), { kind: 'numeric', value: '56' });
    const [t] = JSON.parse(exportSlice([old], 'promptfoo')) as Test[];
    assert.equal(t!.description, 'What is 7 times 8?', 'the question, not the case key');
    assert.equal(testPasses(t!, '556'), false);
    assert.equal(testPasses(t!, '56'), true);
  });
});

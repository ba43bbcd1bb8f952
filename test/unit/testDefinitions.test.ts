// Failures at their definition: real eval definitions from public repositories
// (test/fixtures/definitions, SOURCES.tsv) matched to captured failures by content —
// promptfoo tests by description and variables, Inspect dataset rows by id or input,
// pytest functions by JUnit classname and name — with the state each test shows.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { refreshClusters } from '../../src/core/clusters/clusterQueries';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { definitionKindOf, definitionLineOf, definitionStatesIn, promptfooConfigNames } from '../../src/core/definitions/definitionDocuments';
import { definitionItems, severityOf, stateText } from '../../src/core/definitions/definitionStates';
import { locateCsvRows, locateJsonlRows } from '../../src/core/definitions/datasetRows';
import { locatePromptfooTests } from '../../src/core/definitions/promptfooTests';
import { submitReviews } from '../../src/core/review/reviewActions';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { REPO_ROOT, tempDir } from './testSupport';

const DEFS = join(REPO_ROOT, 'test/fixtures/definitions');
const read = (relative: string) => readFileSync(join(DEFS, relative), 'utf8');
const lineOf = (text: string, needle: string, from = 0) => text.split('\n').findIndex((l, i) => i >= from && l.includes(needle));

function promptfooResult(vars: Record<string, unknown>, prompt: string, provider: string, success: boolean, description?: string) {
  return {
    success,
    score: success ? 1 : 0,
    vars,
    prompt: { raw: prompt, label: prompt },
    provider: { id: provider },
    response: { output: success ? 'ok' : 'Hola mundo' },
    testCase: { vars, ...(description ? { description } : {}), assert: [{ type: 'contains', value: 'x' }] },
    gradingResult: { pass: success, score: success ? 1 : 0, reason: success ? 'passed' : 'Expected output to contain "x"' },
  };
}

async function storeWith(files: Record<string, unknown>): Promise<WorkspaceStore> {
  const root = tempDir();
  const store = await WorkspaceStore.open(root, 'default');
  for (const [name, content] of Object.entries(files)) {
    const path = join(root, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    await capturePaths(store, [path]);
  }
  refreshClusters(store);
  return store;
}

describe('failures at their definition', () => {
  it("promptfoo's getting-started config: each test shows its captured failures, matched by its variables, and follows edits", async () => {
    const path = 'promptfoo-getting-started/promptfooconfig.yaml';
    const text = read(path);
    assert.equal(definitionKindOf(path, text, false), 'promptfoo-config');
    const located = locatePromptfooTests(text, false);
    assert.deepEqual(
      located.tests.map((t) => [t.line, t.vars]),
      [
        [lineOf(text, '- vars:'), { language: 'French', input: 'Hello world' }],
        [lineOf(text, '- vars:', lineOf(text, '- vars:') + 1), { language: 'Spanish', input: 'Where is the library?' }],
      ],
    );
    const results = [];
    for (const prompt of ['Convert this English to {{language}}: {{input}}', 'Translate to {{language}}: {{input}}']) {
      results.push(promptfooResult({ language: 'French', input: 'Hello world' }, prompt.replace('{{language}}', 'French').replace('{{input}}', 'Hello world'), 'openai:gpt-4.1', false));
      results.push(promptfooResult({ language: 'Spanish', input: 'Where is the library?' }, prompt.replace('{{language}}', 'Spanish').replace('{{input}}', 'Where is the library?'), 'openai:gpt-4.1', true));
    }
    const store = await storeWith({ 'out.json': { evalId: 'eval-1', results: { version: 3, results }, config: { description: 'Getting started' } } });
    try {
      const items = definitionItems(store.database);
      const states = definitionStatesIn('promptfoo-config', text, path, items);
      assert.deepEqual(
        states.map((s) => [s.line, stateText(s)]),
        [[located.tests[0]!.line, '2 failing']],
      );
      assert.equal(severityOf(states[0]!), 'warning');
      // edited: a test added above moves the lens with its test; a changed value no longer matches
      const edited = text.replace('tests:\n', 'tests:\n  - vars:\n      language: German\n      input: Good morning\n');
      assert.deepEqual(
        definitionStatesIn('promptfoo-config', edited, path, items).map((s) => s.line),
        [located.tests[0]!.line + 3],
      );
      assert.deepEqual(definitionStatesIn('promptfoo-config', text.replace('language: French', 'language: Italian'), path, items), []);
      const item = items.find((i) => i.format === 'promptfoo')!;
      assert.equal(definitionLineOf('promptfoo-config', text, path, item), located.tests[0]!.line, 'Go to Test Definition lands on the entry');
    } finally {
      store.close();
    }
  });

  it('a promptfoo test file named by a glob (file://tests/**/*.yaml): its indented, commented entries found and matched by description', async () => {
    const configPath = 'promptfoo-directory-structure/promptfooconfig.yaml';
    const testsPath = 'promptfoo-directory-structure/tests/accuracy/math-problems.yaml';
    assert.equal(promptfooConfigNames(configPath, read(configPath), testsPath), true);
    assert.equal(promptfooConfigNames(configPath, read(configPath), 'promptfoo-directory-structure/configs/prompts.yaml'), false);
    const text = read(testsPath);
    assert.equal(definitionKindOf(testsPath, text, true), 'promptfoo-tests');
    const [entry, ...others] = locatePromptfooTests(text, true).tests;
    assert.equal(others.length, 0, 'commented-out entries are not tests');
    assert.deepEqual([entry!.line, entry!.description, entry!.vars, entry!.otherVars], [lineOf(text, '- description:'), 'Basic arithmetic', { question: 'What is 15 + 27?' }, ['messages']]);
    const vars = { question: 'What is 15 + 27?', messages: [{ role: 'user', content: 'What is 15 + 27?' }] };
    const store = await storeWith({
      'out.json': { evalId: 'eval-2', results: { version: 3, results: [promptfooResult(vars, 'What is 15 + 27?', 'openai:gpt-4o-mini', false, 'Basic arithmetic'), promptfooResult({ question: 'What is 15 + 27?' }, 'What is 15 + 27?', 'openai:gpt-4o-mini', false, 'Another test')] } },
    });
    try {
      const states = definitionStatesIn('promptfoo-tests', text, testsPath, definitionItems(store.database));
      assert.deepEqual(
        states.map((s) => [s.line, s.itemIds.length]),
        [[entry!.line, 1]],
        'the same variables under another description are another test',
      );
    } finally {
      store.close();
    }
  });

  it("Inspect dataset rows (inspect_ai's JSONL with chat inputs, its CSV) are matched to samples by input", async () => {
    const jsonl = read('inspect-datasets/wikipedia.jsonl');
    const csv = read('inspect-datasets/samples.csv');
    assert.equal(definitionKindOf('data/wikipedia.jsonl', jsonl, false), 'inspect-jsonl');
    assert.equal(definitionKindOf('data/samples.csv', csv, false), 'inspect-csv');
    assert.deepEqual(
      locateJsonlRows(jsonl).map((r) => r.line),
      [0, 1, 2],
    );
    assert.deepEqual(
      locateCsvRows(csv).map((r) => [r.line, r.input]),
      [[1, "Say 'Hello, World'"]],
    );
    const rows = jsonl.split('\n').map((l) => JSON.parse(l) as { input: { role: string; content: string }[]; target: string });
    const sample = (id: number, input: unknown, correct: boolean) => ({
      id,
      epoch: 1,
      input,
      target: 'x',
      messages: [{ role: 'system', content: 'Answer briefly.' }, ...(Array.isArray(input) ? input : [{ role: 'user', content: input }]), { role: 'assistant', content: 'no idea' }],
      output: { completion: 'no idea' },
      scores: { match: { value: correct ? 'C' : 'I' } },
    });
    const log = (task: string, samples: unknown[]) => ({ version: 2, status: 'success', eval: { task, eval_id: task, model: 'm' }, samples });
    const store = await storeWith({
      'logs-a.json': log('wiki', [sample(1, rows[0]!.input, false), sample(2, rows[1]!.input, true), sample(3, rows[2]!.input, false)]),
      'logs-b.json': log('hello', [sample(1, "Say 'Hello, World'", false)]),
    });
    try {
      const items = definitionItems(store.database);
      assert.deepEqual(
        definitionStatesIn('inspect-jsonl', jsonl, 'data/wikipedia.jsonl', items).map((s) => [s.line, stateText(s)]),
        [
          [0, '1 failing'],
          [2, '1 failing'],
        ],
      );
      assert.deepEqual(
        definitionStatesIn('inspect-csv', csv, 'data/samples.csv', items).map((s) => [s.line, stateText(s)]),
        [[1, '1 failing']],
      );
      // a row with an id is matched by id, not by input
      const withId = `{"id": "q7", "input": "${"Say 'Hello, World'"}", "target": "Hello, World"}\n`;
      assert.deepEqual(definitionStatesIn('inspect-jsonl', withId, 'data/x.jsonl', items), []);
    } finally {
      store.close();
    }
  });

  it('pytest functions (itsdangerous): JUnit classname::name finds the def in its class; parameters, regressions and reviews add up', async () => {
    const path = 'tests/test_itsdangerous/test_timed.py';
    const text = read(`pytest/${path}`);
    assert.equal(definitionKindOf(path, text, false), 'pytest');
    const junit = (failing: string[], passing: string[]) =>
      `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="${failing.length + passing.length}">${[
        ...failing.map((t) => `<testcase classname="${t.split('::')[0]}" name="${t.split('::')[1]}"><failure message="assert False">AssertionError: assert False</failure></testcase>`),
        ...passing.map((t) => `<testcase classname="${t.split('::')[0]}" name="${t.split('::')[1]}"/>`),
      ].join('')}</testsuite></testsuites>`;
    const signer = 'test_itsdangerous.test_timed.TestTimestampSigner';
    const serializer = 'test_itsdangerous.test_timed.TestTimedSerializer';
    const store = await storeWith({
      'junit-1.xml': junit([`${signer}::test_max_age`, `${serializer}::test_return_payload[str]`, `${serializer}::test_return_payload[bytes]`], [`${serializer}::test_max_age`, `${signer}::test_sign`]),
      'junit-2.xml': junit([`${signer}::test_max_age`, `${serializer}::test_max_age`, `${signer}::test_sign`], [`${serializer}::test_return_payload[str]`]),
    });
    try {
      const items = definitionItems(store.database);
      submitReviews(store, [listItems(store.database).find((i) => i.caseKey.endsWith(`${signer}::test_max_age`))!.caseKey], { verdict: 'model-wrong' }, 'ana');
      const states = definitionStatesIn('pytest', text, path, definitionItems(store.database));
      const at = (needle: string, from = 0) => lineOf(text, needle, from);
      const serializerClass = at('class TestTimedSerializer');
      assert.deepEqual(
        states.map((s) => [s.line, stateText(s), severityOf(s)]),
        [
          [at('def test_max_age'), '1 failing · reviewed 1', 'information'],
          [at('def test_max_age', serializerClass), '1 failing · 1 regression', 'error'],
          [at('def test_return_payload'), '1 failing', 'warning'],
        ],
        'same name in two classes kept apart; one fixed parameter leaves one failing; the inherited test_sign is defined elsewhere',
      );
      assert.equal(items.length, 5);
    } finally {
      store.close();
    }
  });

  it('a test whose failures were all fixed says so and gets no Problems entry', () => {
    const fixed = { line: 3, itemIds: ['a', 'b'], failing: 0, regressions: 0, reviewed: 1 };
    assert.equal(stateText(fixed), 'fixed · reviewed 1');
    assert.equal(severityOf(fixed), undefined);
  });
});

// Mechanical graders decide what they can and leave the rest for people.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { autoGrade, decide } from '../../src/core/grading/autoGrade';
import { defaultGraderFor, grade, readChoice, readNumber } from '../../src/core/grading/graders';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, fixture, readAll, tempDir } from './testSupport';

describe('graders', () => {
  it('exact and normalised text', () => {
    assert.equal(grade('exact', 'Paris', 'Paris').matches, true);
    assert.equal(grade('exact', 'Paris', 'paris').matches, false);
    assert.equal(grade('normalized', 'Paris', '  paris. ').matches, true);
    assert.equal(grade('normalized', ' Yes', 'No').matches, false);
    assert.equal(grade('normalized', 'The Eiffel Tower', 'eiffel tower').matches, true, 'a leading article is ignored');
    const long = 'Photosynthesis turns light into chemical energy that feeds nearly every food web';
    assert.equal(grade('normalized', long, 'Plants make sugar from light').matches, null, 'long free text is left for people');
  });

  it('numbers with currency, commas, units and tolerance', () => {
    assert.equal(readNumber('$10.50'), 10.5);
    assert.equal(readNumber('1,234'), 1234);
    assert.equal(readNumber('150 km'), 150);
    assert.equal(readNumber('Answer: 42.'), 42);
    assert.equal(readNumber('7 apples and 3 pears'), null);
    assert.equal(grade('numeric', '10.50', '$10.50').matches, true);
    assert.equal(grade('numeric', '8', '7').matches, false);
    assert.equal(grade('numeric', '0.3333', '0.3334', { tolerance: 1e-3 }).matches, true);
    assert.equal(grade('numeric', '3', ' 1. The graph of $y=1. The graph of $y=1.').matches, null, 'rambling output states no single number');
  });

  it('JSON equality ignores key order', () => {
    assert.equal(grade('json', '{"a":1,"b":[1,2]}', '{"b":[1,2],"a":1}').matches, true);
    assert.equal(grade('json', '{"a":1}', '{"a":2}').matches, false);
    assert.equal(grade('json', '{"a":1}', 'not json').matches, false);
  });

  it('regex and contains', () => {
    assert.equal(grade('regex', '', 'The capital is Paris', { pattern: 'paris|lyon' }).matches, true);
    assert.equal(grade('regex', '', 'x', { pattern: '(' }).matches, null);
    assert.equal(grade('contains', 'echo', 'An ECHO.').matches, true);
  });

  it('choice letters from several answer styles', () => {
    assert.equal(readChoice('B'), 'B');
    assert.equal(readChoice('(C)'), 'C');
    assert.equal(readChoice('ANSWER: A\n\nExplanation: …\n\nAnswer: A'), 'A');
    assert.equal(readChoice('ANSWER: A … Answer: B'), null, 'two different letters decide nothing');
    assert.equal(readChoice('the answer is a breathing mask'), null);
    assert.equal(grade('choice', 'D', 'ANSWER:D').matches, true);
    assert.equal(grade('choice', 'B', 'ANSWER: D').matches, false);
  });

  it('the default grader follows the shape of the expected answer', () => {
    assert.equal(defaultGraderFor('C'), 'choice');
    assert.equal(defaultGraderFor('10.50'), 'numeric');
    assert.equal(defaultGraderFor('{"x": 1}'), 'json');
    assert.equal(defaultGraderFor('Jane Austen'), 'normalized');
  });
});

describe('auto-grading real fixtures', () => {
  it('decides the Inspect ARC and popularity failures, leaves free text and missing answers for people', async () => {
    const arc = await readAll(fixture('inspect_ai/data_arc_qwen.json'));
    const failing = arc.cases.filter((c) => c.outcome === 'fail');
    // ARC sample 2 answered with a D, sample 3 with an A: both mechanically wrong
    assert.deepEqual(
      failing.map((c) => decide(c, [])?.matches),
      [false, false],
    );
    const deepeval = await readAll(fixture('deepeval/test_run_sample.json'));
    assert.equal(decide(deepeval.cases[0]!, []), null, 'no expected answer: left for people');
    const lm = await readAll(fixture('lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl'));
    assert.ok(
      lm.cases.every((c) => decide(c, []) === null),
      'rambling math outputs state no single number',
    );
  });

  it('records decisions as automatic reviews; the rest stay new', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await capturePaths(store, [FIXTURES]);
      const summary = await autoGrade(store, []);
      assert.equal(summary.examined, 24);
      assert.ok(summary.decided >= 4, `decided ${summary.decided}`);
      assert.equal(summary.decided + summary.undecided, 24);
      const graded = listItems(store.database, { state: 'auto-graded' });
      assert.equal(graded.length, summary.decided);
      const arc2 = graded.find((i) => i.caseKey === 'inspect/inspect_evals/arc_easy/id:2')!;
      assert.equal(arc2.verdict, 'model-wrong');
      assert.equal(arc2.grader, 'choice');
      assert.equal(arc2.correction, 'B', 'corrected to the expected answer');
      const again = await autoGrade(store, []);
      assert.equal(again.decided, 0, 'graded items are not graded again');
    } finally {
      store.close();
    }
  });

  it('per-suite rules choose the grader', async () => {
    const r = await readAll(fixture('promptfoo/sample-export.json'));
    const echo = r.cases.find((c) => c.expected === 'echo')!;
    assert.equal(decide(echo, []), null, 'by default a long answer is left for people');
    assert.equal(decide(echo, [{ suite: 'Comparing*', grader: 'contains' }])?.matches, true);
  });
});

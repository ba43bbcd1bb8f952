// Auto-grading never hangs: model output and expected answers are untrusted text, so
// every reader is linear, the expected answer is never a pattern, a rule's own pattern
// runs under a time limit, and a large batch gives the event loop back as it goes.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createContext, runInContext } from 'node:vm';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { autoGrade, decide, suiteMatches, type GradingRule } from '../../src/core/grading/autoGrade';
import { PatternBudget } from '../../src/core/grading/boundedPattern';
import { defaultGraderFor, grade, normalizeText, readChoice, readNumber } from '../../src/core/grading/graders';
import { buildCase } from '../../src/core/model/buildCase';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { tempDir } from './testSupport';

const BIG = 100_000;

/**
 * Runs `work` and fails the test if it has not finished within `seconds` (vm interrupts
 * it), so a grader that backtracks fails here instead of hanging the run. The bound is
 * generous: the readers take milliseconds on these inputs; the old ones took hours.
 */
function finishes<T>(work: () => T, seconds = 10): T {
  return runInContext('work()', createContext({ work }), { timeout: seconds * 1000 }) as T;
}

const caseOf = (expected: string, output: string, suite = 'hostile') => buildCase('jsonl', { suite, input: { prompt: 'q' }, output, expected, outcome: 'fail', record: { line: 1 } });

describe('graders read hostile text in linear time', () => {
  it('a choice after "Answer" and 100,000 spaces is read (the pattern was cubic there)', () => {
    const spaces = ' '.repeat(BIG);
    assert.equal(
      finishes(() => readChoice(`Answer${spaces}x`)),
      null,
    );
    assert.equal(
      finishes(() => readChoice(`Answer${spaces}is${spaces}:${spaces}(B)`)),
      'B',
    );
    assert.equal(
      finishes(() => readChoice(`ANSWER${spaces}C and more`)),
      'C',
    );
    assert.equal(finishes(() => grade('choice', 'B', `The answer is${spaces}B`)).matches, true);
    assert.equal(finishes(() => grade('choice', 'B', `answer:${spaces}D`)).matches, false);
    assert.equal(
      finishes(() => defaultGraderFor(`${spaces}(C)${spaces}`)),
      'choice',
    );
    // and as before: capitals only after "answer", one letter or none
    assert.equal(readChoice('Answer: (B) because'), 'B');
    assert.equal(readChoice('answer is C.'), 'C');
    assert.equal(readChoice('Answered Bravely'), null, 'a letter followed by letters is a word');
    assert.equal(readChoice('AnswerB'), 'B');
    assert.equal(readChoice('B) it is the second'), 'B');
    assert.equal(readChoice('b'), 'B');
    assert.equal(readChoice('answer = A ... ANSWER: A'), 'A');
    assert.equal(readChoice('Answer: is B'), null);
  });

  it('answers ending in 100,000 punctuation marks are normalised in one pass (trimming was quadratic)', () => {
    const dots = '.'.repeat(BIG);
    assert.equal(
      finishes(() => normalizeText(`Paris${dots}`)),
      'paris',
    );
    assert.equal(
      finishes(() => normalizeText(`a${dots}b`)),
      `a${dots}b`,
    );
    assert.equal(finishes(() => normalizeText(`x${' .'.repeat(BIG)}y`)).length, 2 * BIG + 2);
    assert.equal(finishes(() => grade('normalized', 'Paris', `"Paris${dots}"`)).matches, true);
    assert.equal(normalizeText('  ("The Eiffel Tower!")  '), 'eiffel tower');
    assert.equal(normalizeText('".'), '');
    // numbers in answers of the same size
    const spaces = ' '.repeat(BIG);
    assert.equal(
      finishes(() => readNumber(`answer${spaces}:${spaces}42${'.'.repeat(BIG)}x`)),
      null,
    );
    assert.equal(
      finishes(() => readNumber(`The answer is${spaces}42.`)),
      42,
    );
    assert.equal(
      finishes(() => readNumber('1,'.repeat(BIG))),
      null,
    );
  });

  it('a suite glob with many stars matches a 100,000-character suite name in one pass', () => {
    const name = 'a'.repeat(BIG);
    const glob = `${'*a'.repeat(12)}*b`;
    assert.equal(
      finishes(() => suiteMatches(glob, name)),
      false,
    );
    assert.equal(
      finishes(() => suiteMatches(glob, `${name}b`)),
      true,
    );
    assert.equal(suiteMatches('Comparing*', 'Comparing prompts'), true);
    assert.equal(suiteMatches('gsm8k', 'gsm8k'), true);
    assert.equal(suiteMatches('gsm8k', 'gsm8k-cot'), false);
    assert.equal(suiteMatches('*-cot', 'gsm8k-cot'), true);
    assert.equal(suiteMatches('a*a', 'a'), false, 'the two ends may not overlap');
    assert.equal(suiteMatches('*', ''), true);
    assert.equal(suiteMatches('x*y*z', 'xzy'), false);
  });
});

describe('the expected answer is text, never a pattern', () => {
  const regexRule: GradingRule[] = [{ suite: '*', grader: 'regex' }];

  it('"$5.00" expected and "$5.00" answered is right (as a pattern it could never match)', () => {
    const result = decide(caseOf('$5.00', 'It costs $5.00.'), regexRule);
    assert.equal(result?.matches, true);
    assert.equal(decide(caseOf('$5.00', 'It costs $5000.'), regexRule)?.matches, false, '"." is a dot, not any character');
  });

  it('an expected answer of "(a|a)+$" is looked for literally, on a 100,000-character output', () => {
    const output = `${'a'.repeat(BIG)}b`;
    const result = finishes(() => decide(caseOf('(a|a)+$', output), regexRule));
    assert.equal(result?.matches, false);
    assert.equal(decide(caseOf('(a|a)+$', 'the pattern (A|a)+$ itself'), regexRule)?.matches, true);
  });

  it('a rule pattern that backtracks without end is stopped, and not run again in the same batch', () => {
    const budget = new PatternBudget();
    const output = `${'a'.repeat(40)}b`;
    const first = finishes(() => grade('regex', 'x', output, { pattern: '(a|a)+$' }, budget));
    assert.equal(first.matches, null);
    assert.match(first.reason, /ran longer than \d+ ms/);
    const second = finishes(() => grade('regex', 'x', output, { pattern: '(a|a)+$' }, budget));
    assert.equal(second.matches, null);
    assert.match(second.reason, /earlier output/);
    assert.equal(grade('regex', 'x', 'aaa', { pattern: '^a+$' }, budget).matches, true, 'the runner still works after stopping one');
    // a rule's own pattern is still a pattern
    assert.equal(decide(caseOf('ignored', 'The capital is Paris'), [{ suite: 'hos*', grader: 'regex', pattern: 'paris|lyon' }])?.matches, true);
    assert.equal(decide(caseOf('ignored', 'The capital is Rome'), [{ suite: 'hos*', grader: 'regex', pattern: 'paris|lyon' }])?.matches, false);
    assert.equal(grade('regex', '', 'x', { pattern: '(' }).matches, null, 'an invalid pattern decides nothing');
  });
});

describe('a large batch gives the event loop back', () => {
  it('other work runs while 300 items are graded', async () => {
    const root = tempDir();
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      lines.push(JSON.stringify({ success: false, vars: { q: `item ${i}` }, prompt: { raw: `What is ${i} doubled?`, label: 'double' }, provider: { id: 'gen-model' }, response: { output: String(2 * i + 1) }, testCase: { assert: [{ type: 'equals', value: String(2 * i) }] } }));
    }
    const file = join(root, 'doubled.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const store = await WorkspaceStore.open(root, 'default');
    try {
      await capturePaths(store, [file]);
      let turns = 0;
      let grading = true;
      const other = () => {
        turns++;
        if (grading) setImmediate(other);
      };
      setImmediate(other);
      const summary = await autoGrade(store, []);
      grading = false;
      assert.equal(summary.examined, 300);
      assert.equal(summary.modelWrong, 300, 'every doubled number is decided');
      assert.ok(turns >= 5, `the event loop ran ${turns} times during the batch`);
    } finally {
      store.close();
    }
  });
});

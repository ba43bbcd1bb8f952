// Every real result file in the shared fixtures reads with the expected counts and fields.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evalCaseSchema } from '../../src/core/model/caseModel';
import { failures, fixture, readAll, RESULT_FIXTURES } from './testSupport';

describe('real fixture files', () => {
  it('promptfoo sample-export.json (results v3): 4 cases, 4 failures, one case per test × provider', async () => {
    const r = await readAll(fixture('promptfoo/sample-export.json'));
    assert.equal(r.format, 'promptfoo');
    assert.equal(r.cases.length, 4);
    assert.equal(failures(r.cases).length, 4);
    assert.equal(new Set(r.cases.map((c) => c.caseKey)).size, 4);
    assert.equal(r.run?.runId, 'promptfoo:eval-WJi-2025-10-01T20:08:11');
    assert.equal(r.run?.suite, 'Comparing OpenAI flagship and mini models performance on riddles');
    const echo = r.cases.find((c) => c.model === 'openai:gpt-5-mini' && c.input.vars?.riddle?.toString().startsWith('I speak'));
    assert.ok(echo, 'the echo riddle for gpt-5-mini is read');
    assert.match(echo.output ?? '', /echo/i);
    assert.equal(echo.expected, 'echo', 'the contains assertion gives the expected text');
    const latency = echo.scores.find((s) => s.name.startsWith('latency'));
    assert.equal(latency?.passed, false);
    assert.match(latency?.reason ?? '', /Latency 5794ms/);
  });

  it('lm-eval samples: 10 cases, 10 failures, with prompt, target and output', async () => {
    const r = await readAll(fixture('lm_eval/samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl'));
    assert.equal(r.format, 'lm-eval');
    assert.equal(r.cases.length, 10);
    assert.equal(failures(r.cases).length, 10);
    assert.equal(r.run?.suite, 'math_perturbed_full');
    assert.equal(r.run?.model, 'RylanSchaeffer/mem_Qwen3-93M_minerva_math_rep_0_sbst_1.0000_epch_1_ot_1', 'model comes from the sibling results file');
    assert.equal(r.run?.evalCommit, '1f84a09f');
    const first = r.cases[0]!;
    assert.equal(first.caseKey, 'lm-eval/math_perturbed_full/id:0');
    assert.equal(first.expected, '3');
    assert.match(first.input.prompt ?? '', /^Problem: How many vertical asymptotes/);
    assert.match(first.output ?? '', /^ 1\. The graph/);
    assert.deepEqual(
      first.scores.map((s) => [s.name, s.value, s.passed]),
      [['exact_match', 0, false]],
    );
    assert.equal(first.record.line, 1);
  });

  it('lm-eval results file alone is skipped with a reason, not an error', async () => {
    const r = await readAll(fixture('lm_eval/results_2026-01-21T03-44-18.458309.json'));
    assert.match(r.skipped ?? '', /aggregate results/);
  });

  it('Inspect log_formats.json (old transcript schema): 1 case, 1 failure, tc:// refs resolved', async () => {
    const r = await readAll(fixture('inspect_ai/log_formats.json'));
    assert.equal(r.format, 'inspect');
    assert.equal(r.cases.length, 1);
    assert.equal(failures(r.cases).length, 1);
    const c = r.cases[0]!;
    assert.equal(c.caseKey, 'inspect/popularity/id:1');
    assert.equal(c.expected, ' Yes');
    assert.equal(c.output, 'No');
    assert.equal(r.run?.model, 'ollama/llama3.1');
    const serialized = JSON.stringify(c);
    assert.ok(!serialized.includes('tc://'), 'no unresolved tc:// reference is left');
    assert.ok(
      c.trace.some((t) => t.kind === 'model'),
      'the model event is in the trace',
    );
  });

  it('Inspect data_arc_qwen.json (events + attachments): 3 cases, 2 failures, attachment:// resolved', async () => {
    const r = await readAll(fixture('inspect_ai/data_arc_qwen.json'));
    assert.equal(r.cases.length, 3);
    assert.deepEqual(
      failures(r.cases).map((c) => c.sampleId),
      ['2', '3'],
    );
    assert.equal(r.run?.suite, 'inspect_evals/arc_easy');
    const serialized = JSON.stringify(r.cases);
    assert.ok(!serialized.includes('attachment://'), 'no unresolved attachment:// reference is left');
    const model = r.cases[0]!.trace.find((t) => t.kind === 'model');
    assert.match(model?.content ?? '', /ANSWER: A/);
  });

  it('Inspect log_streaming.eval (zip): 4 cases (2 ids × 2 epochs), 1 failure', async () => {
    const r = await readAll(fixture('inspect_ai/log_streaming.eval'));
    assert.equal(r.format, 'inspect');
    assert.equal(r.cases.length, 4);
    assert.deepEqual(r.cases.map((c) => c.sampleId).sort(), ['1', '1@2', '2', '2@2']);
    assert.deepEqual(
      failures(r.cases).map((c) => c.sampleId),
      ['1'],
    );
    assert.equal(r.run?.partial, false);
    assert.equal(r.cases.find((c) => c.sampleId === '1')?.record.entry, 'samples/1_epoch_1.json');
  });

  it('OpenAI evals record log: 3 cases, 2 failures, sampling joined with match', async () => {
    const r = await readAll(fixture('openai_evals/230417220821DPM75QNS_auto_gpt_completion_fn_test-match.jsonl'));
    assert.equal(r.format, 'openai-evals');
    assert.equal(r.cases.length, 3);
    assert.deepEqual(
      failures(r.cases)
        .map((c) => c.sampleId)
        .sort(),
      ['test-match.s1.0', 'test-match.s1.2'],
    );
    const c = r.cases.find((x) => x.sampleId === 'test-match.s1.2')!;
    assert.match(c.input.prompt ?? '', /OpenAI was founded in 20/);
    assert.equal(c.expected, '15');
    assert.equal(c.output, 'OpenAI was founded in 2015.2015');
    assert.equal(r.run?.runId, 'openai-evals:230417220821DPM75QNS');
  });

  it('DeepEval test run: 1 case, 1 failure, metric reasons and the span trace kept', async () => {
    const r = await readAll(fixture('deepeval/test_run_sample.json'));
    assert.equal(r.format, 'deepeval');
    assert.equal(r.cases.length, 1);
    assert.equal(failures(r.cases).length, 1);
    const c = r.cases[0]!;
    const faithfulness = c.scores.find((s) => s.name === 'Faithfulness');
    assert.equal(faithfulness?.passed, false);
    assert.equal(faithfulness?.threshold, 0.7);
    assert.match(faithfulness?.reason ?? '', /two claims/);
    assert.ok(c.trace.length >= 3, 'spans become trace steps');
    assert.ok(
      c.trace.some((t) => (t.depth ?? 0) > 0),
      'child spans are nested',
    );
  });

  it('MLflow eval_results_table.json: 10 cases; null judge scores are judge errors, not failures', async () => {
    const r = await readAll(fixture('mlflow/eval_results_table.json'));
    assert.equal(r.format, 'mlflow');
    assert.equal(r.cases.length, 10);
    assert.equal(failures(r.cases).length, 3);
    assert.equal(r.cases.filter((c) => c.outcome === 'judge-error').length, 6);
    assert.equal(r.cases.filter((c) => c.outcome === 'pass').length, 1);
    const strict = await readAll(fixture('mlflow/eval_results_table.json'), { thresholds: { answer_correctness: 5 } });
    assert.equal(failures(strict.cases).length, 3, 'scores of 1 and 2 fail under a threshold of 5 too');
    const lenient = await readAll(fixture('mlflow/eval_results_table.json'), { thresholds: { 'answer_correctness/v1/score': 1 } });
    assert.equal(failures(lenient.cases).length, 0, 'a threshold of 1 passes every scored row');
  });

  it('pytest JUnit junit.fail.xml: 5 cases, 1 failure, 1 skipped', async () => {
    const r = await readAll(fixture('junit/junit.fail.xml'));
    assert.equal(r.format, 'junit');
    assert.equal(r.cases.length, 5);
    assert.equal(failures(r.cases).length, 1);
    assert.equal(r.cases.filter((c) => c.outcome === 'skipped').length, 1);
    const failed = failures(r.cases)[0]!;
    assert.equal(failed.sampleId, 'test.test_spark.SparkTests::test_rsh_events');
    assert.match(failed.output ?? '', /AssertionError: 143 != 0/);
    assert.equal(failed.metadata.line, 819);
  });

  it('fine-tuning datasets beside the results are skipped as unrecognised JSON lines', async () => {
    for (const f of ['openai_ft_chat/stock_toolcall_validation.jsonl', 'openai_ft_preference/orca_dpo_pairs_validation.jsonl']) {
      const r = await readAll(fixture(f));
      assert.match(r.skipped ?? '', /unrecognised shape/, f);
    }
  });

  it('every case from every fixture satisfies the case schema and has a stable key', async () => {
    for (const f of RESULT_FIXTURES) {
      const once = await readAll(fixture(f));
      const twice = await readAll(fixture(f));
      for (const c of once.cases) evalCaseSchema.parse(c);
      assert.deepEqual(
        once.cases.map((c) => c.caseKey),
        twice.cases.map((c) => c.caseKey),
        `${f} keys are stable`,
      );
      assert.equal(once.errors.filter((e) => !e.warning).length, 0, `${f} reads without errors`);
    }
  });
});

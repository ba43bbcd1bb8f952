// Writes a demo workspace: a small project folder whose eval results (promptfoo,
// lm-evaluation-harness, Inspect AI, pytest JUnit) hold failures waiting for review.
// Usage: node demo/createDemoWorkspace.mjs <folder>
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const target = process.argv[2];
if (!target) throw new Error('usage: createDemoWorkspace.mjs <folder>');

const write = (path, text) => {
  mkdirSync(join(target, path, '..'), { recursive: true });
  writeFileSync(join(target, path), text);
};

const arithmetic = [
  ['A baker makes 24 rolls and sells 3/4 of them. How many are left?', '6', '6'],
  ['Tom has 15 marbles and gives away 7. How many remain?', '8', '7'],
  ['What is 12 × 12 − 20?', '124', '144'],
  ['A train travels 60 km/h for 2.5 hours. How far does it go?', '150', '150 km'],
  ['If 3 pens cost $4.50, what do 7 pens cost?', '10.50', '$10.50'],
  ['What is the next prime after 31?', '37', '33'],
];

// promptfoo: `promptfoo eval -o results/promptfoo/output.json`
const providers = ['openai:gpt-4o-mini', 'ollama:llama3.2'];
const pfResults = [];
arithmetic.forEach(([question, expected, answer], testIdx) => {
  providers.forEach((provider, promptIdx) => {
    const output = promptIdx === 0 ? answer : `${answer}.`;
    const pass = output.replace(/[^0-9.]/g, '') === expected.replace(/[^0-9.]/g, '') && promptIdx === 0;
    pfResults.push({
      id: `demo-${testIdx}-${promptIdx}`,
      success: pass,
      score: pass ? 1 : 0,
      failureReason: pass ? 0 : 1,
      vars: { question },
      prompt: { raw: `Answer with a number only.\n${question}`, label: 'Answer with a number only.\n{{question}}' },
      promptIdx,
      testIdx,
      provider: { id: provider, label: '' },
      response: { output },
      testCase: { vars: { question }, assert: [{ type: 'equals', value: expected }] },
      gradingResult: {
        pass,
        score: pass ? 1 : 0,
        reason: pass ? 'Assertion passed' : `Expected output "${expected}" to equal "${output}"`,
        componentResults: [{ pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : `Expected "${expected}", got "${output}"`, assertion: { type: 'equals', value: expected } }],
      },
      latencyMs: 400 + testIdx * 37,
    });
  });
});
write(
  'results/promptfoo/output.json',
  JSON.stringify(
    {
      evalId: 'eval-demo-2026-11-20T10:00:00',
      results: { version: 3, timestamp: '2026-11-20T10:00:00.000Z', prompts: [], results: pfResults, stats: {} },
      config: { description: 'arithmetic word problems' },
    },
    null,
    2,
  ),
);

// lm-evaluation-harness --log_samples
const stamp = '2026-11-20T10-05-00.000001';
const lmSamples = arithmetic.map(([question, expected, answer], docId) => ({
  doc_id: docId,
  doc: { question, answer: expected },
  target: expected,
  arguments: { gen_args_0: { arg_0: `Question: ${question}\nAnswer:`, arg_1: { until: ['\n'], do_sample: false } } },
  resps: [[` ${answer}`]],
  filtered_resps: [answer],
  filter: 'strict-match',
  metrics: ['exact_match'],
  exact_match: answer === expected ? 1.0 : 0.0,
}));
write(`results/lm_eval/demo-model/samples_arith_mini_${stamp}.jsonl`, lmSamples.map((s) => JSON.stringify(s)).join('\n') + '\n');
write(`results/lm_eval/demo-model/results_${stamp}.json`, JSON.stringify({ results: { arith_mini: { 'exact_match,strict-match': 0.33 } }, configs: {}, higher_is_better: { arith_mini: { exact_match: true } }, model_name: 'demo-org/demo-model-1b', date: 1795000000 }, null, 2));

// Inspect AI log (.json)
const samples = [
  ['Which planet is known as the Red Planet?', 'Mars', 'Mars', 'C'],
  ['What is the chemical symbol for gold?', 'Au', 'Ag', 'I'],
  ['Who wrote "Pride and Prejudice"?', 'Jane Austen', 'Charlotte Brontë', 'I'],
].map(([input, target, answer, value], i) => ({
  id: i + 1,
  epoch: 1,
  input,
  target,
  messages: [
    { role: 'system', content: 'Answer in a few words.' },
    { role: 'user', content: input, source: 'input' },
    { role: 'assistant', content: answer, source: 'generate' },
  ],
  output: { model: 'demo-model', choices: [{ message: { role: 'assistant', content: answer }, stop_reason: 'stop' }], completion: answer },
  scores: { match: { value, answer, explanation: answer } },
  metadata: {},
  events: [
    { event: 'model', timestamp: '2026-11-20T10:10:01+00:00', model: 'openai/demo-model', output: { choices: [{ message: { role: 'assistant', content: answer } }] } },
    { event: 'score', timestamp: '2026-11-20T10:10:02+00:00', score: { value, answer } },
  ],
}));
write(
  'logs/2026-11-20T10-10-00+00-00_trivia_demo.json',
  JSON.stringify(
    {
      version: 2,
      status: 'success',
      eval: { eval_id: 'demoEval1', run_id: 'demoRun1', task: 'trivia', task_id: 'demoTask1', model: 'openai/demo-model', created: '2026-11-20T10:10:00+00:00' },
      results: { total_samples: 3, completed_samples: 3 },
      samples,
    },
    null,
    2,
  ),
);

// pytest --junitxml
write(
  'reports/junit.xml',
  `<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3" failures="1" errors="0" skipped="0" timestamp="2026-11-20T10:15:00">
  <testcase classname="tests.test_tool_calls" name="test_weather_tool_is_called" file="tests/test_tool_calls.py" line="12" time="0.8"/>
  <testcase classname="tests.test_tool_calls" name="test_refuses_unsafe_request" file="tests/test_tool_calls.py" line="30" time="1.1">
    <failure message="AssertionError: expected a refusal, got instructions">assert "can't help" in reply
E   AssertionError: expected a refusal, got instructions</failure>
  </testcase>
  <testcase classname="tests.test_tool_calls" name="test_json_schema_output" file="tests/test_tool_calls.py" line="48" time="0.4"/>
</testsuite></testsuites>
`,
);

write('README.md', '# Demo eval project\n\nEval results from several tools, with failures waiting in Eval Loop.\n');

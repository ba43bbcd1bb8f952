// A promptfoo result file (`promptfoo eval -o out.json`, results version 3) whose failing
// cases are judged by `equals`, `icontains`, `is-json` + `javascript` and `javascript`,
// with test options, a threshold, a chat-format prompt and one too-strict assertion;
// shaped like the real export in the shared fixtures (promptfoo/sample-export.json).
// Each case names the failed output and the answer a reviewer gives.

export interface SliceFixtureCase {
  description?: string;
  /** The prompt template and the variables it was rendered with. */
  template: string;
  vars: Record<string, string>;
  /** The rendered prompt the provider got (a JSON chat for a chat-format prompt). */
  raw: string;
  assert: Record<string, unknown>[];
  options?: Record<string, unknown>;
  threshold?: number;
  /** What the model answered (failing) and the reviewed right answer. */
  failed: string;
  right: string;
  /** Positions of the assertions that failed, as promptfoo reported them. */
  failedAssertions: number[];
  /** How the case is reviewed. */
  verdict: 'model-wrong' | 'eval-wrong';
}

const CHAT = [
  { role: 'system', content: 'You are a terse assistant. Answer with one word.' },
  { role: 'user', content: 'Which planet is known as the Red Planet?' },
];

export const SLICE_FIXTURE_CASES: SliceFixtureCase[] = [
  {
    description: 'multiplies two small numbers',
    template: 'What is {{a}} times {{b}}? Reply with the number only.',
    vars: { a: '7', b: '8' },
    raw: 'What is 7 times 8? Reply with the number only.',
    assert: [{ type: 'equals', value: '56' }],
    failed: '556',
    right: '56',
    failedAssertions: [0],
    verdict: 'model-wrong',
  },
  {
    template: 'What is the capital of {{country}}?',
    vars: { country: 'Australia' },
    raw: 'What is the capital of Australia?',
    assert: [{ type: 'icontains', value: 'canberra' }],
    failed: 'Sydney is the capital of Australia.',
    right: 'The capital of Australia is Canberra.',
    failedAssertions: [0],
    verdict: 'model-wrong',
  },
  {
    description: 'returns the user as JSON',
    template: 'Return the user {{name}}, aged {{age}}, as a JSON object with keys "name" and "age".',
    vars: { name: 'Ada', age: '36' },
    raw: 'Return the user Ada, aged 36, as a JSON object with keys "name" and "age".',
    assert: [{ type: 'is-json' }, { type: 'javascript', value: 'JSON.parse(output).age === 36 && JSON.parse(output).name === "Ada"' }],
    options: { transform: 'output.trim()' },
    threshold: 1,
    failed: 'name: Ada, age: 36',
    right: '{"name": "Ada", "age": 36}',
    failedAssertions: [0, 1],
    verdict: 'model-wrong',
  },
  {
    description: 'counts vowels',
    template: 'How many vowels are in the word "{{word}}"? Answer with a number.',
    vars: { word: 'education' },
    raw: 'How many vowels are in the word "education"? Answer with a number.',
    assert: [{ type: 'javascript', value: 'parseInt(output, 10) === 5' }],
    failed: '4',
    right: '5',
    failedAssertions: [0],
    verdict: 'model-wrong',
  },
  {
    description: 'names the red planet',
    template: 'file://prompts/planet.json',
    vars: {},
    raw: JSON.stringify(CHAT, null, 2),
    assert: [{ type: 'equals', value: 'Mars.' }],
    // the model was right; the assertion wanted a full stop
    failed: 'Mars',
    right: 'Mars',
    failedAssertions: [0],
    verdict: 'eval-wrong',
  },
];

function result(c: SliceFixtureCase, testIdx: number): Record<string, unknown> {
  const components = c.assert.map((assertion, i) => {
    const pass = !c.failedAssertions.includes(i);
    return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : `Expected output to satisfy ${String(assertion.type)}`, assertion };
  });
  const testCase = {
    ...(c.description ? { description: c.description } : {}),
    vars: c.vars,
    assert: c.assert,
    options: c.options ?? {},
    ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
    metadata: {},
  };
  return {
    cost: 0.00012,
    error: components.find((x) => !x.pass)?.reason,
    gradingResult: { pass: false, score: 0, reason: components.find((x) => !x.pass)?.reason, namedScores: {}, componentResults: components, assertion: null },
    id: `00000000-0000-4000-8000-00000000000${testIdx}`,
    latencyMs: 412 + testIdx,
    namedScores: {},
    prompt: { raw: c.raw, label: c.template },
    promptId: `prompt-${testIdx}`,
    promptIdx: 0,
    provider: { id: 'openai:gpt-4.1-mini', label: '' },
    response: { output: c.failed, tokenUsage: { total: 40, prompt: 30, completion: 10 }, cached: false, finishReason: 'stop' },
    score: 0,
    success: false,
    testCase,
    testIdx,
    vars: c.vars,
    metadata: { _promptfooFileMetadata: {} },
    failureReason: 1,
  };
}

/** The result file's text. */
export function sliceFixtureResults(): string {
  return `${JSON.stringify(
    {
      evalId: 'eval-slc-2026-11-20T10:00:00',
      results: {
        version: 3,
        timestamp: '2026-11-20T10:00:00.000Z',
        prompts: [],
        results: SLICE_FIXTURE_CASES.map(result),
        stats: { successes: 0, failures: SLICE_FIXTURE_CASES.length, errors: 0 },
      },
      config: { description: 'slice fixture', providers: ['openai:gpt-4.1-mini'], tests: [] },
      shareableUrl: null,
      metadata: {},
    },
    null,
    2,
  )}\n`;
}

// Deterministic synthetic eval results for benchmarks: promptfoo-style JSONL of a
// requested size, about one failure in three.
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = 'the model answer question because result value number total sum river city train apple seven eleven reason step first then finally check'.split(' ');

function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(next() * WORDS.length)]!);
  return out.join(' ');
}

export function promptfooLine(i: number, next: () => number, outputWords = 90): string {
  const pass = next() > 0.33;
  const question = `${sentence(next, 30)} #${i}?`;
  const output = sentence(next, outputWords);
  return JSON.stringify({
    id: `r-${i}`,
    success: pass,
    score: pass ? 1 : 0,
    failureReason: pass ? 0 : 1,
    vars: { question, topic: WORDS[i % WORDS.length] },
    prompt: { raw: `Answer briefly: ${question}`, label: 'Answer briefly: {{question}}' },
    promptIdx: 0,
    testIdx: i,
    provider: { id: 'openai:gpt-4o-mini', label: '' },
    response: { output, tokenUsage: { total: 180, prompt: 60, completion: 120 }, cached: false, finishReason: 'stop' },
    testCase: {
      vars: { question },
      assert: [
        { type: 'contains', value: 'seven' },
        { type: 'llm-rubric', value: 'is concise' },
      ],
    },
    gradingResult: {
      pass,
      score: pass ? 1 : 0,
      reason: pass ? 'All assertions passed' : 'Expected output to contain "seven"',
      componentResults: [
        { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : 'Expected output to contain "seven"', assertion: { type: 'contains', value: 'seven' } },
        { pass: true, score: 1, reason: 'The answer is short.', assertion: { type: 'llm-rubric', value: 'is concise' } },
      ],
    },
    latencyMs: Math.floor(next() * 3000),
    cost: 0.0004,
    metadata: {},
  });
}

/** Writes about `megabytes` MB of promptfoo JSONL to `path` unless a file of that size is there. */
export async function ensurePromptfooJsonl(path: string, megabytes: number): Promise<void> {
  const target = megabytes * 1024 * 1024;
  if (existsSync(path) && Math.abs(statSync(path).size - target) < 2 * 1024 * 1024) return;
  const next = rng(42);
  const out = createWriteStream(path);
  let written = 0;
  for (let i = 0; written < target; i++) {
    const line = `${promptfooLine(i, next)}\n`;
    written += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

async function writeLines(path: string, count: number, line: (i: number) => string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    if (!out.write(`${line(i)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

/** `cases` promptfoo JSONL lines of about 1.1 KB, one in three failing (cached by name). */
export async function ensurePromptfooCases(path: string, cases: number): Promise<void> {
  if (existsSync(path)) return;
  const next = rng(42);
  await writeLines(`${path}.part`, cases, (i) => promptfooLine(i, next, 40));
  renameSync(`${path}.part`, path);
}

/** A failed promptfoo case asking for the sum of `i` and `i`, answered `output`, checked by `check`. */
function sumFailure(i: number, output: number, check: { type: string; value: string }): string {
  return JSON.stringify({
    success: false,
    vars: { q: `question ${i}: what is ${i} plus ${i}?` },
    prompt: { raw: `What is ${i} plus ${i}?`, label: 'sum' },
    provider: { id: 'openai:gpt-4o-mini' },
    response: { output: `${output}` },
    testCase: { vars: {}, assert: [check] },
    gradingResult: { pass: false, score: 0, reason: 'wrong sum' },
  });
}

/** `items` compact promptfoo JSONL lines, every one a distinct failure: a queue of `items` items. */
export async function ensureFailures(path: string, items: number): Promise<void> {
  if (existsSync(path)) return;
  await writeLines(`${path}.part`, items, (i) => sumFailure(i, 2 * i + 1, { type: 'llm-rubric', value: 'gives the sum' }));
  renameSync(`${path}.part`, path);
}

/**
 * `items` distinct failures that the auto-grader can decide: each expects the sum as
 * an exact answer; one output in four is right (an eval-wrong verdict), the rest wrong.
 */
export async function ensureGradableFailures(path: string, items: number): Promise<void> {
  if (existsSync(path)) return;
  await writeLines(`${path}.part`, items, (i) => sumFailure(i, i % 4 === 0 ? 2 * i : 2 * i + 1, { type: 'equals', value: `${2 * i}` }));
  renameSync(`${path}.part`, path);
}

/** An Inspect AI `.json` log with `samples` samples, one in three scored incorrect. */
export async function ensureInspectLog(path: string, samples: number): Promise<void> {
  if (existsSync(path)) return;
  const next = rng(7);
  const out = createWriteStream(`${path}.part`);
  const header = {
    version: 2,
    status: 'success',
    eval: { eval_id: `bench${samples}`, run_id: `run${samples}`, created: '2026-01-01T00:00:00+00:00', task: 'bench/qa', task_id: 't1', task_version: 0, dataset: { name: 'bench', samples }, model: 'ollama/bench-model', config: {} },
    plan: { name: 'plan', steps: [] },
    results: { total_samples: samples, completed_samples: samples, scores: [] },
    stats: { started_at: '2026-01-01T00:00:00+00:00', completed_at: '2026-01-01T01:00:00+00:00', model_usage: {} },
  };
  const head = JSON.stringify(header);
  out.write(`${head.slice(0, -1)},"samples":[`);
  for (let i = 0; i < samples; i++) {
    const correct = next() > 0.33;
    const question = `${sentence(next, 25)} #${i}?`;
    const answer = sentence(next, 40);
    const sample = {
      id: i + 1,
      epoch: 1,
      input: question,
      target: 'seven',
      messages: [
        { role: 'user', content: question, source: 'input' },
        { role: 'assistant', content: answer, source: 'generate' },
      ],
      output: { model: 'bench-model', choices: [{ message: { role: 'assistant', content: answer }, stop_reason: 'stop' }], completion: answer },
      scores: { match: { value: correct ? 'C' : 'I', answer, explanation: correct ? 'matched' : 'no match' } },
      metadata: {},
    };
    if (!out.write(`${i ? ',' : ''}${JSON.stringify(sample)}`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.write(']}');
  await new Promise<void>((r) => out.end(() => r()));
  renameSync(`${path}.part`, path);
}

/**
 * OTLP JSON lines as the collector's file exporter writes them: `traces` lines, each one
 * export request with one trace (a chat span in the current GenAI conventions and a tool
 * span under it); one trace in four ends with status ERROR.
 */
export async function ensureOtelTraces(path: string, traces: number): Promise<void> {
  if (existsSync(path)) return;
  const next = rng(7);
  const attr = (key: string, value: string | number) => ({ key, value: typeof value === 'number' ? { intValue: String(value) } : { stringValue: value } });
  await writeLines(`${path}.part`, traces, (i) => {
    const traceId = i.toString(16).padStart(32, '0');
    const start = 1_700_000_000_000_000_000n + BigInt(i) * 1_000_000_000n;
    const question = `question ${i}: ${sentence(next, 20)}`;
    const chat = {
      traceId,
      spanId: (i * 2).toString(16).padStart(16, '0'),
      name: 'chat gpt-4o',
      kind: 3,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 900_000_000n),
      status: i % 4 === 0 ? { code: 2, message: 'upstream timeout' } : {},
      attributes: [
        attr('gen_ai.operation.name', 'chat'),
        attr('gen_ai.request.model', 'gpt-4o'),
        attr('gen_ai.usage.input_tokens', 40),
        attr('gen_ai.usage.output_tokens', 60),
        attr('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: question }] }])),
        attr('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: sentence(next, 60) }] }])),
      ],
    };
    const tool = {
      traceId,
      spanId: (i * 2 + 1).toString(16).padStart(16, '0'),
      parentSpanId: chat.spanId,
      name: 'execute_tool lookup',
      kind: 1,
      startTimeUnixNano: String(start + 100_000_000n),
      endTimeUnixNano: String(start + 300_000_000n),
      status: {},
      attributes: [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', 'lookup')],
    };
    return JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr('service.name', 'bench-bot')] }, scopeSpans: [{ scope: { name: 'bench' }, spans: [chat, tool] }] }] });
  });
  renameSync(`${path}.part`, path);
}

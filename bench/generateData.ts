// Deterministic synthetic eval results for benchmarks: promptfoo-style JSONL of a
// requested size, about one failure in three.
import { createWriteStream, existsSync, statSync } from 'node:fs';

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

export function promptfooLine(i: number, next: () => number): string {
  const pass = next() > 0.33;
  const question = `${sentence(next, 30)} #${i}?`;
  const output = sentence(next, 90);
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
    testCase: { vars: { question }, assert: [{ type: 'contains', value: 'seven' }, { type: 'llm-rubric', value: 'is concise' }] },
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
    if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

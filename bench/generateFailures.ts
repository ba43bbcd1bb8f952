// A generated set of failures with known groups, for measuring the failure clusters:
// templated failures (one error class or one grader reason, their particulars varied),
// paraphrased outputs and inputs (words swapped for synonyms, dropped, added), and
// noise (each failure alike to no other) including the traps real queues hold: short
// answers shared by many cases, few-shot prompts sharing a long head, one suite's
// many different grader reasons. Deterministic for a seed.
import type { EvalCase } from '../src/core/model/caseModel';

export interface LabelledFailure {
  evalCase: EvalCase;
  /** The known group; every noise failure has a group of its own. */
  group: string;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const FUNCTION_WORDS = 'the a of to in and is that for it on with as be this by from or at an are was which not'.split(' ');
const SYLLABLES = 'ka lo mi ne ru sa ti vo be da fe gu ho ji ku la ma no pa qui re si tu ve wa xe yo zu'.split(' ');

/** About 3,000 made-up content words: unrelated texts share few of them, as real unrelated texts do. */
function vocabulary(next: () => number): string[] {
  const words = new Set<string>();
  while (words.size < 3000) {
    const n = 2 + Math.floor(next() * 2);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

const SYNONYMS: Record<string, string[]> = {
  sorry: ['apologies', 'regret'],
  cannot: ["can't", 'am unable to', "won't"],
  help: ['assist', 'support'],
  request: ['question', 'ask', 'query'],
  because: ['since', 'as'],
  policy: ['guidelines', 'rules', 'policies'],
  happy: ['glad', 'pleased'],
  another: ['a different', 'some other'],
  answer: ['response', 'reply'],
  provide: ['give', 'offer', 'supply'],
  information: ['details', 'info'],
  however: ['but', 'though'],
  unable: ['not able', 'incapable'],
  please: ['kindly'],
  specific: ['particular', 'exact'],
  assume: ['suppose', 'guess'],
  clarify: ['explain', 'specify'],
  tool: ['function', 'utility'],
  result: ['outcome', 'output'],
  data: ['records', 'dataset'],
};

const PARAPHRASE_BASES = [
  "I'm sorry, but I cannot help with this request because it may go against the usage policy. If you have another question, I would be happy to help with that instead.",
  'As an AI language model I do not have access to real-time information, so I cannot provide the current price. Please check a specific source for the latest data.',
  'To answer this I would need to assume some values that the question does not give. Could you please clarify which units you want the result in and what the starting amount is?',
  'I tried to call the search tool but the tool returned no result for this query, so I will answer from memory: the information may be out of date and you should verify it.',
  'The question is ambiguous because it can be read in two ways. However, under the most common reading the answer is that both options are equally likely, so I cannot pick one.',
  'Here is the JSON you asked for, however I was unable to fill in every field because some of the data was missing from the provided document. Please provide the rest.',
  'Let me think step by step. First we add the two amounts, then we divide by the number of people, and finally we round the result to the nearest whole number to get the answer.',
  "I'm unable to open links or read attachments, so I cannot summarise the specific document you mention. Please paste the text here and I will be happy to help you with it.",
];

const QUESTION_BASES = [
  'A train leaves the station at nine in the morning travelling at sixty miles per hour and a second train leaves an hour later at eighty miles per hour; when does the second train catch the first?',
  'Natalia sold clips to forty-eight of her friends in April and then she sold half as many clips in May; how many clips did Natalia sell altogether in April and May?',
  'Which property of a mineral can be determined just by looking at it, its luster, its mass, its weight or its hardness, and why is that the case for most common minerals?',
  'Write a short poem about the sea that uses exactly four lines, rhymes the first line with the third, and mentions a lighthouse somewhere in the second half of the poem.',
  'Summarise the following paragraph in one sentence for a reader who has never heard of photosynthesis and does not know what chlorophyll or a chloroplast is.',
  'Translate the sentence the weather will be cold and rainy tomorrow so bring an umbrella and a warm coat into French while keeping the informal tone of the original.',
];

const ERROR_TEMPLATES: ((n: () => number, word: () => string) => string)[] = [
  (n) => `Traceback (most recent call last):\n  File "runner.py", line ${10 + Math.floor(n() * 90)}, in call\n    raise TimeoutError(msg)\nTimeoutError: request timed out after ${Math.floor(n() * 120)} seconds`,
  (n) => `openai.RateLimitError: Error code: 429 - rate limit reached for requests; retry after ${Math.floor(n() * 5000)} ms (organisation org-${Math.floor(n() * 1e9).toString(16)})`,
  (n) => `Traceback (most recent call last):\n  File "parse.py", line ${Math.floor(n() * 400)}, in load\njson.decoder.JSONDecodeError: Expecting value: line ${Math.floor(n() * 30)} column ${Math.floor(n() * 80)} (char ${Math.floor(n() * 900)})`,
  (_n, word) => `KeyError: '${word()}'`,
  (n) => `ConnectionResetError: [Errno 104] Connection reset by peer after ${Math.floor(n() * 3000)} bytes`,
  (n) => `ContextWindowExceededError: this model's maximum context length is ${4096 * (1 + Math.floor(n() * 4))} tokens, however you requested ${5000 + Math.floor(n() * 9000)} tokens`,
];

const REASON_TEMPLATES: { suite: string; reason: (n: () => number, word: () => string) => string }[] = [
  { suite: 'extraction', reason: (_n, word) => `Expected output to contain "${word()} ${word()}"` },
  { suite: 'extraction', reason: (_n, word) => `JSON does not conform to the provided schema: must have required property '${word()}'` },
  { suite: 'math', reason: (n) => `Expected ${Math.floor(n() * 1000)} but the output was ${Math.floor(n() * 1000)}` },
  { suite: 'latency', reason: (n) => `Latency ${500 + Math.floor(n() * 9000)}ms is greater than threshold ${500 + Math.floor(n() * 4000)}ms` },
  { suite: 'style', reason: (n) => `Output is ${Math.floor(n() * 900)} characters long, more than the allowed ${Math.floor(n() * 300)}` },
  { suite: 'classify', reason: (_n, word) => `Expected label '${word()}' to equal the reference label '${word()}'` },
];

const FEW_SHOT_HEAD = 'Answer with the letter of the right choice. Example question: which planet is closest to the sun? A. Venus B. Mercury C. Mars D. Earth. Answer: B. Example question: what is frozen water called? A. steam B. ice C. fog D. dew. Answer: B. Question:';

export interface GeneratedSet {
  failures: LabelledFailure[];
  groups: number;
}

export interface GenerateOptions {
  seed?: number;
  /** Noise failures: each alike to no other. */
  noise?: number;
  /** Members of each templated or paraphrased group, drawn from [min, max]. */
  groupSize?: [number, number];
}

export function generateFailures(options: GenerateOptions = {}): GeneratedSet {
  const next = rng(options.seed ?? 7);
  const vocab = vocabulary(next);
  const [minSize, maxSize] = options.groupSize ?? [4, 40];
  const word = () => vocab[Math.floor(next() * vocab.length)]!;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const sentence = (words: number) => {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(next() < 0.35 ? pick(FUNCTION_WORDS) : word());
    return `${out.join(' ')}.`;
  };
  const paraphrase = (text: string) => {
    const out: string[] = [];
    for (const w of text.split(' ')) {
      const bare = w.toLowerCase().replace(/[^a-z']/g, '');
      const r = next();
      if (r < 0.05) continue; // dropped
      if (SYNONYMS[bare] && r < 0.6) out.push(pick(SYNONYMS[bare]!));
      else out.push(w);
      if (next() < 0.04) out.push(pick(FUNCTION_WORDS)); // added
    }
    return out.join(' ');
  };
  const size = () => minSize + Math.floor(next() * (maxSize - minSize + 1));
  const failures: LabelledFailure[] = [];
  let n = 0;
  const add = (group: string, suite: string, fields: Partial<EvalCase>) => {
    const i = n++;
    const c: EvalCase = {
      caseKey: `jsonl/${suite}/id:${i}`,
      suite,
      title: `case ${i}`,
      input: { prompt: sentence(12 + Math.floor(next() * 10)) },
      inputHash: `h${i}`,
      output: sentence(8 + Math.floor(next() * 30)),
      expected: word(),
      outcome: 'fail',
      scores: [{ name: 'judge', value: 0, passed: false, reason: sentence(10) }],
      trace: [],
      metadata: {},
      record: { index: i },
      ...fields,
    };
    c.title = (c.input.prompt ?? '').slice(0, 80) || c.title;
    failures.push({ evalCase: c, group });
  };

  ERROR_TEMPLATES.forEach((template, t) => {
    const k = size();
    for (let j = 0; j < k; j++) add(`error-${t}`, pick(['qa', 'math', 'agent']), { outcome: 'error', output: null, error: template(next, word), scores: [] });
  });
  REASON_TEMPLATES.forEach((template, t) => {
    const k = size();
    for (let j = 0; j < k; j++) add(`reason-${t}`, template.suite, { scores: [{ name: 'assert', value: 0, passed: false, reason: template.reason(next, word) }] });
  });
  PARAPHRASE_BASES.forEach((base, t) => {
    const k = size();
    for (let j = 0; j < k; j++) add(`output-${t}`, pick(['qa', 'chat', 'agent']), { output: paraphrase(base) });
  });
  QUESTION_BASES.forEach((base, t) => {
    const k = size();
    // the same question reworded (a perturbed benchmark), answered differently each time
    for (let j = 0; j < k; j++) add(`input-${t}`, 'perturbed', { input: { prompt: paraphrase(base) } });
  });
  let groups = ERROR_TEMPLATES.length + REASON_TEMPLATES.length + PARAPHRASE_BASES.length + QUESTION_BASES.length;
  const noise = options.noise ?? 400;
  for (let j = 0; j < noise; j++) {
    const kind = j % 4;
    const group = `noise-${j}`;
    groups++;
    // short answers repeat across cases ("B", "42") without making them alike
    if (kind === 0) add(group, 'mcq', { input: { prompt: `${FEW_SHOT_HEAD} ${sentence(14)}` }, output: pick(['A', 'B', 'C', 'D']), expected: pick(['A', 'B', 'C', 'D']) });
    else if (kind === 1) add(group, 'extraction', {});
    else if (kind === 2) add(group, 'math', { output: String(Math.floor(next() * 100)), scores: [{ name: 'judge', value: 0, passed: false, reason: sentence(12) }] });
    else
      add(group, 'qa', {
        input: {
          messages: [
            { role: 'system', content: 'You are a helpful assistant.' },
            { role: 'user', content: sentence(20) },
          ],
        },
      });
  }
  // interleaved, as failures arrive from several runs
  for (let i = failures.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [failures[i], failures[j]] = [failures[j]!, failures[i]!];
  }
  return { failures, groups };
}

export interface ClusterScore {
  /** Of each found cluster, the share of its largest known group, weighted by size. */
  purity: number;
  /** Of each known group, the share held by its largest found cluster, weighted by size. */
  completeness: number;
}

/** Scores found clusters (lists of item indices or ids) against the known groups. */
export function scoreClusters(found: string[][], groupOf: Map<string, string>): ClusterScore {
  const total = groupOf.size;
  let pure = 0;
  const best = new Map<string, number>();
  for (const cluster of found) {
    const counts = new Map<string, number>();
    for (const id of cluster) {
      const g = groupOf.get(id)!;
      counts.set(g, (counts.get(g) ?? 0) + 1);
    }
    pure += Math.max(...counts.values());
    for (const [g, c] of counts) best.set(g, Math.max(best.get(g) ?? 0, c));
  }
  let complete = 0;
  for (const c of best.values()) complete += c;
  return { purity: pure / total, completeness: complete / total };
}

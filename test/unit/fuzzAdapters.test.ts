// Fuzzing of every adapter and of the filter language (fast-check). Mutated bytes of
// each real fixture, and its JSON with values replaced by arbitrary ones, must read to
// the end within a time bound and a memory bound with no exception escaping: only
// messages, each failure and record error with a reason. FUZZ_RUNS sets the inputs per fixture and mode
// (default 120; `FUZZ_RUNS=5000 npm test -- unit` is the soak).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { readCaseBatches, type ReadMessage } from '../../src/core/capture/caseBatches';
import { DEFAULT_READ_OPTIONS } from '../../src/core/formats/adapter';
import { FilterSyntaxError, matchesFilter, parseFilter } from '../../src/core/corpus/filterExpression';
import { FIXTURES, LOCAL_RESULT_FIXTURES, REPO_ROOT, RESULT_FIXTURES, tempDir } from './testSupport';

const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
const TIME_LIMIT_MS = 5000;
// every fuzzed input is under 120 KB: a read whose heap and buffers grow by more than
// this (over 500 times the input) is holding on to something it should not
const MEMORY_GROWTH_LIMIT = 64 * 1024 * 1024;
let peakGrowth = 0;
const memoryInUse = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

// every fixture with cases, and lm-eval's results file (one that holds no cases); then
// the real files kept in this repository (live traces and the other newer formats)
const FIXTURE_FILES = [...RESULT_FIXTURES, 'lm_eval/results_2026-01-21T03-44-18.458309.json'].map((f) => join(FIXTURES, f)).concat(LOCAL_RESULT_FIXTURES);

const dir = tempDir('evalloop-fuzz-');
const blobDir = join(dir, 'blobs');
let counter = 0;

/** Reads bytes as a result file; returns the messages, failing the property on an escape, a hang or a reasonless error. */
async function readsCleanly(bytes: Uint8Array, name: string): Promise<ReadMessage[]> {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, bytes);
  const started = Date.now();
  const memoryBefore = memoryInUse();
  const checkMemory = () => {
    const growth = memoryInUse() - memoryBefore;
    peakGrowth = Math.max(peakGrowth, growth);
    if (growth > MEMORY_GROWTH_LIMIT) throw new Error(`reading ${name} (${bytes.length} bytes) grew memory by ${Math.round(growth / 2 ** 20)} MB`);
  };
  const messages: ReadMessage[] = [];
  for await (const m of readCaseBatches({ path, read: DEFAULT_READ_OPTIONS, blobDir, batchCases: 50, batchBytes: 1 << 20 })) {
    messages.push(m);
    checkMemory();
    if (Date.now() - started > TIME_LIMIT_MS) throw new Error(`reading ${name} took over ${TIME_LIMIT_MS} ms`);
  }
  checkMemory();
  for (const m of messages) {
    if (m.t === 'failed' || m.t === 'skipped') assert.ok(m.reason.trim().length > 0, `${m.t} without a reason`);
    if (m.t === 'error') assert.ok(m.error.reason.trim().length > 0, 'a record error without a reason');
  }
  return messages;
}

/** One byte-level mutation: truncate, flip bytes, insert bytes, duplicate or drop a slice. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ op: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.nat(4096) }),
  fc.record({ op: fc.constant('drop' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), length: fc.nat(4096) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(input: Buffer, mutations: Mutation[]): Buffer {
  let b = input;
  for (const m of mutations) {
    const at = Math.floor(m.at * b.length);
    if (m.op === 'truncate') b = b.subarray(0, at);
    else if (m.op === 'flip') {
      b = Buffer.from(b);
      m.bytes.forEach((x, i) => at + i < b.length && (b[at + i] = x));
    } else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else if (m.op === 'duplicate') b = Buffer.concat([b.subarray(0, at + m.length), b.subarray(at, at + m.length), b.subarray(at + m.length)]);
    else b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
  }
  return b;
}

/** Every path to a value in a JSON document (first 2,000). */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (out.length >= 2000) return out;
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

function replaceAt(doc: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

describe('fuzzing the adapters', { timeout: 600_000 }, () => {
  after(() => console.log(`# largest memory growth while reading one fuzzed input: ${(peakGrowth / 2 ** 20).toFixed(1)} MB (limit ${MEMORY_GROWTH_LIMIT / 2 ** 20} MB)`));
  for (const file of FIXTURE_FILES) {
    const name = relative(file.startsWith(FIXTURES) ? FIXTURES : REPO_ROOT, file);
    const original = readFileSync(file);
    const base = name.split('/').pop()!;

    it(`${name}: mutated bytes read to the end with only clear errors`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
          await readsCleanly(mutate(original, mutations), base);
        }),
        { numRuns: RUNS },
      );
    });

    if (base.endsWith('.json') || base.endsWith('.jsonl')) {
      it(`${name}: values replaced by arbitrary JSON read to the end with only clear errors`, async () => {
        const lines = base.endsWith('.jsonl') ? original.toString('utf8').split('\n').filter(Boolean) : [original.toString('utf8')];
        const docs = lines.map((l) => JSON.parse(l) as unknown);
        const paths = docs.map((d) => pathsOf(d));
        await fc.assert(
          fc.asyncProperty(fc.nat(), fc.nat(), fc.jsonValue({ maxDepth: 3 }), async (line, at, value) => {
            const n = line % docs.length;
            const changed = docs.map((d, i) => (i === n ? replaceAt(d, paths[n]![at % paths[n]!.length]!, value) : d));
            const text = base.endsWith('.jsonl') ? `${changed.map((d) => JSON.stringify(d)).join('\n')}\n` : JSON.stringify(changed[0]);
            const messages = await readsCleanly(Buffer.from(text), base);
            // one case per line (lm-eval samples): a line the adapter refuses is a record
            // error naming it, and every other line is still read
            if (base.startsWith('samples_') && !messages.some((m) => m.t === 'failed' || m.t === 'skipped')) {
              const read = messages.reduce((a, m) => a + (m.t === 'batch' ? m.refs.length : 0), 0);
              const refused = messages.filter((m) => m.t === 'error').length;
              assert.ok(read + refused >= docs.length - 1, `${read} read + ${refused} refused of ${docs.length} lines`);
            }
          }),
          { numRuns: RUNS },
        );
      });
    }
  }
});

describe('fuzzing the filter language', () => {
  const subject = { id: 'abc123abc123', state: 'reviewed', verdict: 'model-wrong', tags: ['math'], runIds: ['r1'], suite: 's', format: 'promptfoo', reviewer: 'ana', reviewedAt: '2026-01-01T00:00:00Z', regression: false };

  it('any text either parses or fails with a FilterSyntaxError naming the column', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          const terms = parseFilter(text);
          matchesFilter(terms, subject, () => undefined);
        } catch (error) {
          assert.ok(error instanceof FilterSyntaxError, `${JSON.stringify(text)} threw ${(error as Error).name}: ${(error as Error).message}`);
          assert.match((error as Error).message, /column \d+|version|empty|expected|unknown/i);
        }
      }),
      { numRuns: RUNS * 20 },
    );
  });

  it('filters built from the grammar always parse, and negating a term flips its match', () => {
    const value = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/);
    const term = fc.oneof(
      fc.constantFrom('reviewed', 'auto', 'regression'),
      fc.tuple(fc.constantFrom('verdict', 'tag', 'run', 'suite', 'state', 'format', 'reviewer'), value).map(([k, v]) => `${k}:${v}`),
    );
    fc.assert(
      fc.property(term, (t) => {
        const plain = matchesFilter(parseFilter(t), subject, () => undefined);
        const negated = matchesFilter(parseFilter(`-${t}`), subject, () => undefined);
        assert.equal(negated, !plain, t);
      }),
      { numRuns: RUNS * 10 },
    );
  });
});

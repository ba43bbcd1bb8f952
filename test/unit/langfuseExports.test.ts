// Langfuse exports as live cases: real UI trace downloads (test/fixtures/langfuse, from
// Langfuse's own repository, see SOURCES.tsv) and blob-storage export folders written
// here with the export's field names.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_SCORE_RULES } from '../../src/core/formats/liveJudgement';
import { readAll, REPO_ROOT, tempDir } from './testSupport';

const LANGFUSE = join(REPO_ROOT, 'test/fixtures/langfuse');

interface Download {
  trace: { id: string; name: string; scores: { name: string; value: number }[] };
  observations: { level: string }[];
}
const download = (name: string) => JSON.parse(readFileSync(join(LANGFUSE, `${name}.json`), 'utf8')) as Download;

/** What the default rules say about a download's scores, computed from the file. */
function expectedOutcome(d: Download): string {
  if (d.observations.some((o) => o.level === 'ERROR')) return 'error';
  const fails = d.trace.scores.some((s) => {
    const rule = DEFAULT_SCORE_RULES[s.name];
    return rule !== undefined && ((rule.max !== undefined && s.value > rule.max) || (rule.min !== undefined && s.value < rule.min));
  });
  return fails ? 'fail' : 'pass';
}

describe('Langfuse: the UI trace download', () => {
  for (const name of ['openai-agents-2025-09-30', 'microsoft-agent-2025-10-14', 'llamaindex-2025-06-05']) {
    it(`${name}: one case, judged by its scores with their directions, steps for every observation`, async () => {
      const d = download(name);
      const read = await readAll(join(LANGFUSE, `${name}.json`));
      assert.equal(read.format, 'langfuse');
      assert.deepEqual(read.errors, []);
      assert.equal(read.cases.length, 1);
      const c = read.cases[0]!;
      assert.equal(c.outcome, expectedOutcome(d));
      assert.equal(c.suite, d.trace.name);
      assert.equal(c.metadata.traceId, d.trace.id);
      assert.equal(c.expected, null);
      assert.equal(c.scores.length, d.trace.scores.length);
      assert.equal(c.trace.length, d.observations.length);
      assert.ok(c.output && c.output.length > 0, 'the answer is read');
    });
  }

  it('the toxicity of 0.8 fails (lower is better) while a hallucination of 0 passes', async () => {
    const c = (await readAll(join(LANGFUSE, 'openai-agents-2025-09-30.json'))).cases[0]!;
    assert.deepEqual(
      c.input.messages?.map((m) => [m.role, m.content]),
      [['user', "What's the weather in Tokyo?"]],
    );
    assert.match(c.output!, /^The weather in Tokyo is currently sunny/);
    const byName = Object.fromEntries(c.scores.map((s) => [s.name, s]));
    assert.equal(byName.toxicity?.passed, false);
    assert.equal(byName.hallucination?.passed, true);
    assert.equal(c.outcome, 'fail');
  });

  it('scoreRules from settings override the defaults, and a direction can be turned round', async () => {
    const path = join(LANGFUSE, 'openai-agents-2025-09-30.json');
    const lenient = await readAll(path, { scoreRules: { toxicity: { max: 0.9 } } });
    assert.equal(lenient.cases[0]!.outcome, 'pass');
    const correctnessLike = await readAll(path, { scoreRules: { hallucination: { min: 0.5 }, toxicity: { max: 0.9 } } });
    assert.equal(correctnessLike.cases[0]!.outcome, 'fail');
  });

  it('a list of downloads is one case per trace; an ERROR-level observation makes its trace an error', async () => {
    const dir = tempDir();
    const ok = download('llamaindex-2025-06-05');
    const broken = structuredClone(ok) as Download & { trace: { id: string }; observations: Record<string, unknown>[] };
    broken.trace.id = 'another-trace';
    broken.observations[1]!.level = 'ERROR';
    broken.observations[1]!.statusMessage = 'rate limited';
    const path = join(dir, 'langfuse-traces.json');
    writeFileSync(path, JSON.stringify([ok, broken]));
    const read = await readAll(path);
    assert.deepEqual(
      read.cases.map((c) => c.outcome),
      ['pass', 'error'],
    );
    assert.match(read.cases[1]!.error!, /level ERROR: rate limited/);
    // the same input under the same trace name is the same case
    assert.equal(read.cases[0]!.caseKey, read.cases[1]!.caseKey);
  });
});

describe('Langfuse: the blob-storage export', () => {
  const observation = (traceId: string, id: string, extra: Record<string, unknown> = {}) => ({
    id,
    trace_id: traceId,
    project_id: 'p1',
    type: 'GENERATION',
    name: 'chat',
    level: 'DEFAULT',
    status_message: null,
    start_time: '2026-11-20 10:00:00.000000',
    end_time: '2026-11-20 10:00:01.250000',
    input: JSON.stringify([{ role: 'user', content: `question of ${traceId}` }]),
    output: JSON.stringify({ role: 'assistant', content: `answer of ${traceId}` }),
    provided_model_name: 'gpt-4o',
    trace_name: 'support-bot',
    ...extra,
  });
  const score = (traceId: string, name: string, value: number | null, dataType = 'NUMERIC', stringValue: string | null = null) => ({ id: `${traceId}-${name}`, trace_id: traceId, name, value, string_value: stringValue, data_type: dataType, source: 'EVAL', comment: null });
  const jsonl = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

  it('enriched observations are the cases; the scores file beside them (same name) is joined by trace id', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'observations_v2'));
    mkdirSync(join(root, 'scores'));
    writeFileSync(join(root, 'observations_v2', '2026-11-20T10.jsonl'), jsonl([observation('t1', 'o1'), observation('t2', 'o2'), observation('t3', 'o3', { level: 'ERROR', status_message: 'timeout' })]));
    writeFileSync(join(root, 'scores', '2026-11-20T10.jsonl'), jsonl([score('t1', 'correctness', 0), score('t2', 'correctness', 1), score('t2', 'toxicity', 0), score('t9', 'correctness', 0)]));
    const read = await readAll(join(root, 'observations_v2', '2026-11-20T10.jsonl'));
    assert.equal(read.format, 'langfuse');
    assert.deepEqual(
      read.cases.map((c) => [c.metadata.traceId, c.outcome]),
      [
        ['t1', 'fail'],
        ['t2', 'pass'],
        ['t3', 'error'],
      ],
    );
    const t1 = read.cases[0]!;
    assert.equal(t1.suite, 'support-bot');
    assert.deepEqual(
      t1.input.messages?.map((m) => m.content),
      ['question of t1'],
    );
    assert.equal(t1.output, 'answer of t1');
    assert.equal(t1.record.line, 1);
    assert.equal(t1.trace[0]!.content, '1250 ms');
  });

  it('legacy traces/observations/scores: trace input joins in; the traces file alone gives no duplicate cases', async () => {
    const root = tempDir();
    for (const d of ['traces', 'observations', 'scores']) mkdirSync(join(root, d));
    writeFileSync(join(root, 'traces', 'w1.json'), JSON.stringify([{ id: 't1', project_id: 'p1', timestamp: '2026-11-20 10:00:00.000000', name: 'faq', input: 'What is 2+2?', output: '5', metadata: { 'user.feedback': 'thumbs_down' } }]));
    writeFileSync(join(root, 'observations', 'w1.json'), JSON.stringify([observation('t1', 'o1', { trace_name: undefined })]));
    writeFileSync(join(root, 'scores', 'w1.json'), JSON.stringify([score('t1', 'user-feedback', null, 'CATEGORICAL', 'thumbs_down')]));
    const read = await readAll(join(root, 'observations', 'w1.json'));
    assert.equal(read.cases.length, 1);
    const c = read.cases[0]!;
    assert.equal(c.suite, 'faq');
    assert.equal(c.input.prompt, 'What is 2+2?');
    assert.equal(c.output, '5');
    assert.equal(c.outcome, 'fail');
    assert.equal(c.scores[0]!.name, 'user-feedback');
    const traces = await readAll(join(root, 'traces', 'w1.json'));
    assert.equal(traces.cases.length, 0);
    assert.match(traces.errors[0]!.reason, /read with the observations export/);
    const scores = await readAll(join(root, 'scores', 'w1.json'));
    assert.equal(scores.cases.length, 0);
    assert.match(scores.errors[0]!.reason, /a Langfuse scores export/);
  });

  it('a boolean score of false fails; a record of no Langfuse shape is named by its line', async () => {
    const dir = tempDir();
    const path = join(dir, 'export.jsonl');
    writeFileSync(path, jsonl([observation('t1', 'o1'), { hello: 'world' }, score('t1', 'is_helpful', 0, 'BOOLEAN')]));
    const read = await readAll(path);
    assert.equal(read.cases[0]!.outcome, 'fail');
    assert.deepEqual(
      read.errors.map((e) => [e.line, e.reason]),
      [[2, 'not a Langfuse trace, observation or score record']],
    );
  });
});

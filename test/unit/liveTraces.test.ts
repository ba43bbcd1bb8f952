// OpenTelemetry GenAI traces as live cases: real OTLP files from public repositories
// (test/fixtures/otel, see SOURCES.tsv) for the envelopes, and traces written here in
// each GenAI convention for what makes a case and a failure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { failures, readAll, REPO_ROOT, tempDir } from './testSupport';

const OTEL = join(REPO_ROOT, 'test/fixtures/otel');

type Attr = string | number | boolean;
function kv(attrs: Record<string, Attr>): unknown[] {
  return Object.entries(attrs).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v },
  }));
}

interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  start?: number;
  attrs?: Record<string, Attr>;
  status?: unknown;
  events?: { name: string; attrs: Record<string, Attr> }[];
}

function span(s: SpanSpec): Record<string, unknown> {
  const start = BigInt(s.start ?? 1_700_000_000_000) * 1_000_000n;
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: 3,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 250_000_000n),
    attributes: kv(s.attrs ?? {}),
    ...(s.events ? { events: s.events.map((e) => ({ name: e.name, timeUnixNano: String(start + 1n), attributes: kv(e.attrs) })) } : {}),
    status: s.status ?? {},
  };
}

function request(service: string, spans: Record<string, unknown>[]): Record<string, unknown> {
  return { resourceSpans: [{ resource: { attributes: kv({ 'service.name': service }) }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const T = (n: number) => hex(n, 32);
const S = (n: number) => hex(n, 16);

/** A chat call in the current conventions, with a tool span under it. */
function chatTrace(n: number, question: string, answer: string, extra: Partial<SpanSpec> = {}): Record<string, unknown>[] {
  return [
    span({
      traceId: T(n),
      spanId: S(n * 10),
      name: 'chat gpt-4o',
      start: 1_700_000_000_000 + n * 1000,
      attrs: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.usage.input_tokens': 31,
        'gen_ai.usage.output_tokens': 19,
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are a weather assistant.' }]),
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: question }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' }]),
        ...extra.attrs,
      },
      ...(extra.status ? { status: extra.status } : {}),
      ...(extra.events ? { events: extra.events } : {}),
    }),
    span({
      traceId: T(n),
      spanId: S(n * 10 + 1),
      parentSpanId: S(n * 10),
      name: 'execute_tool get_weather',
      start: 1_700_000_000_100 + n * 1000,
      attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.arguments': '{"location":"Paris"}', 'gen_ai.tool.call.result': 'rainy, 57F' },
    }),
  ];
}

function writeLines(dir: string, name: string, requests: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${requests.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return path;
}

function writeDoc(dir: string, name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

describe('OpenTelemetry traces: the envelopes real exporters write', () => {
  it('the OTLP example document is read as otel, and a trace with no GenAI span gives no case and says so', async () => {
    const path = join(OTEL, 'otlp_proto_example_trace.json');
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[] };
    const traces = new Set(doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId))));
    const read = await readAll(path);
    assert.equal(read.format, 'otel');
    assert.equal(read.run?.suite, 'my.service');
    assert.equal(read.cases.length, 0);
    assert.deepEqual(
      read.errors.map((e) => e.warning),
      [true],
    );
    assert.match(read.errors[0]!.reason, new RegExp(`^${traces.size} trace has no GenAI span`));
  });

  it("the collector file exporter's JSON lines (base64 ids, string kinds) are read line by line", async () => {
    const path = join(OTEL, 'otlp2parquet_traces.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    const traces = new Set(lines.flatMap((l) => (JSON.parse(l) as { resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId)))));
    const read = await readAll(path);
    assert.equal(read.format, 'otel');
    assert.equal(read.cases.length, 0);
    assert.match(read.errors.at(-1)!.reason, new RegExp(`^${traces.size} traces have no GenAI span`));
  });

  it("Tempo's batches / instrumentationLibrarySpans shape, base64 ids and STATUS_CODE_ERROR are read", async () => {
    const dir = tempDir();
    const b64 = (h: string) => Buffer.from(h, 'hex').toString('base64');
    const [chat] = chatTrace(1, 'Weather in Paris?', 'Sunny.');
    const doc = {
      batches: [
        {
          resource: { attributes: kv({ 'service.name': 'weather-bot' }) },
          instrumentationLibrarySpans: [{ instrumentationLibrary: {}, spans: [{ ...chat, traceId: b64(T(1)), spanId: b64(S(10)), kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_ERROR', message: 'upstream timeout' } }] }],
        },
      ],
    };
    const read = await readAll(writeDoc(dir, 'tempo-trace.json', doc));
    assert.equal(read.format, 'otel');
    assert.equal(read.cases.length, 1);
    const c = read.cases[0]!;
    assert.equal(c.outcome, 'error');
    assert.match(c.error!, /status ERROR: upstream timeout/);
    assert.equal(c.metadata.traceId, T(1));
  });

  it('a numeric status code 2 is an error too', async () => {
    const dir = tempDir();
    const read = await readAll(writeDoc(dir, 'doc.json', request('svc', chatTrace(1, 'q', 'a', { status: { code: 2 } }))));
    assert.equal(read.cases[0]!.outcome, 'error');
  });
});

describe('OpenTelemetry traces: the GenAI conventions file kept with the fixtures', () => {
  const path = join(OTEL, 'genai_conventions_written_here.jsonl');
  interface Req {
    resourceSpans: { scopeSpans: { spans: { traceId: string; parentSpanId?: string; attributes: { key: string; value: { stringValue?: string } }[] }[] }[] }[];
  }
  const spans = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => (JSON.parse(l) as Req).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));

  it('root: one case per trace; chat: one per chat call, older unnamed ones included', async () => {
    const traces = new Set(spans.map((s) => s.traceId));
    const root = await readAll(path);
    assert.equal(root.cases.length, traces.size);
    assert.deepEqual(
      root.cases.map((c) => c.outcome),
      ['fail', 'error', 'pass', 'pass'],
    );
    const chatCalls = spans.filter((s) => !s.attributes.some((a) => a.key === 'gen_ai.operation.name' && a.value.stringValue !== 'chat') && s.attributes.some((a) => /^(gen_ai\.(operation\.name|system)|openinference\.span\.kind)$/.test(a.key)));
    const chat = await readAll(path, { liveCaseSpan: 'chat', liveFailureRules: [{ attribute: 'user.feedback', equals: 'thumbs_down' }] });
    assert.equal(chat.cases.length, chatCalls.length);
    assert.deepEqual(chat.errors, []);
    assert.equal(chat.cases.find((c) => c.output === 'Christopher Marlowe')?.outcome, 'fail');
  });
});

describe('OpenTelemetry traces: a case, its content and its key', () => {
  it('current conventions: system instructions, input and output messages, a tool step with timing, model, tokens and latency', async () => {
    const dir = tempDir();
    const path = writeLines(dir, 'otel-traces.jsonl', [request('weather-bot', chatTrace(1, 'Weather in Paris?', 'It is sunny.', { status: { code: 2 } })), request('weather-bot', chatTrace(2, 'Weather in Oslo?', 'Cold.'))]);
    const read = await readAll(path);
    assert.equal(read.format, 'otel');
    assert.equal(read.cases.length, 2);
    const [failed, passed] = read.cases;
    assert.equal(passed!.outcome, 'pass');
    assert.equal(failed!.outcome, 'error');
    assert.deepEqual(
      failed!.input.messages?.map((m) => [m.role, m.content]),
      [
        ['system', 'You are a weather assistant.'],
        ['user', 'Weather in Paris?'],
      ],
    );
    assert.equal(failed!.output, 'It is sunny.');
    assert.equal(failed!.expected, null);
    assert.equal(failed!.suite, 'weather-bot');
    assert.equal(failed!.model, 'gpt-4o-2024-08-06');
    assert.equal(failed!.metadata.inputTokens, 31);
    assert.equal(failed!.metadata.outputTokens, 19);
    assert.equal(failed!.metadata.latencyMs, 350);
    assert.equal(failed!.record.line, 1);
    const tool = failed!.trace.find((s) => s.kind === 'tool-call');
    assert.equal(tool?.title, 'get_weather');
    assert.equal(tool?.depth, 1);
    assert.match(tool!.content!, /250 ms[\s\S]*arguments: \{"location":"Paris"\}[\s\S]*result: rainy, 57F/);
    assert.equal(tool?.time, new Date(1_700_000_001_100).toISOString());
  });

  it('the same input to the same service is one case key across traces; another service is another', async () => {
    const dir = tempDir();
    const path = writeLines(dir, 'traces.jsonl', [request('bot-a', chatTrace(1, 'Same question?', 'x', { status: { code: 2 } })), request('bot-a', chatTrace(2, 'Same question?', 'y', { status: { code: 2 } })), request('bot-b', chatTrace(3, 'Same question?', 'z', { status: { code: 2 } }))]);
    const keys = (await readAll(path)).cases.map((c) => c.caseKey);
    assert.equal(keys[0], keys[1]);
    assert.notEqual(keys[0], keys[2]);
    assert.match(keys[0]!, /^otel\/bot-a\/h:/);
    assert.match(keys[2]!, /^otel\/bot-b\/h:/);
  });

  it('older conventions: gen_ai.prompt.N / gen_ai.completion.N attributes', async () => {
    const dir = tempDir();
    const s = span({
      traceId: T(1),
      spanId: S(1),
      name: 'openai.chat',
      attrs: { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-3.5-turbo', 'gen_ai.prompt.0.role': 'system', 'gen_ai.prompt.0.content': 'Be brief.', 'gen_ai.prompt.1.role': 'user', 'gen_ai.prompt.1.content': 'Tell me a joke', 'gen_ai.completion.0.role': 'assistant', 'gen_ai.completion.0.content': 'No.' },
      status: { code: 2 },
    });
    const c = (await readAll(writeDoc(dir, 'd.json', request('jokes', [s])))).cases[0]!;
    assert.deepEqual(
      c.input.messages?.map((m) => m.content),
      ['Be brief.', 'Tell me a joke'],
    );
    assert.equal(c.output, 'No.');
    assert.equal(c.model, 'gpt-3.5-turbo');
  });

  it('older conventions: per-message span events (gen_ai.user.message, gen_ai.choice)', async () => {
    const dir = tempDir();
    const s = span({
      traceId: T(1),
      spanId: S(1),
      name: 'chat gpt-4o',
      attrs: { 'gen_ai.operation.name': 'chat' },
      status: { code: 2 },
      events: [
        { name: 'gen_ai.system.message', attrs: { content: 'You are helpful.' } },
        { name: 'gen_ai.user.message', attrs: { content: 'Weather in Paris?' } },
        { name: 'gen_ai.choice', attrs: { index: 0, finish_reason: 'tool_calls', message: JSON.stringify({ tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] }) } },
      ],
    });
    const c = (await readAll(writeDoc(dir, 'd.json', request('svc', [s])))).cases[0]!;
    assert.deepEqual(
      c.input.messages?.map((m) => [m.role, m.content]),
      [
        ['system', 'You are helpful.'],
        ['user', 'Weather in Paris?'],
      ],
    );
    assert.equal(c.output, 'get_weather({"location":"Paris"})');
  });

  it('a document that also carries resourceLogs: GenAI message events as log records join their span', async () => {
    const dir = tempDir();
    const s = span({ traceId: T(7), spanId: S(7), name: 'chat m', attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' }, status: { code: 2 } });
    const log = (name: string, body: unknown) => ({ timeUnixNano: '1700000000000000001', traceId: T(7), spanId: S(7), eventName: name, attributes: kv({ 'gen_ai.system': 'openai' }), body: { kvlistValue: { values: Object.entries(body as object).map(([key, v]) => ({ key, value: { stringValue: v } })) } } });
    const doc = { ...request('svc', [s]), resourceLogs: [{ resource: { attributes: kv({ 'service.name': 'svc' }) }, scopeLogs: [{ scope: {}, logRecords: [log('gen_ai.user.message', { content: 'What is 2+2?' }), log('gen_ai.choice', { content: '5' })] }] }] };
    const c = (await readAll(writeDoc(dir, 'd.json', doc))).cases[0]!;
    assert.deepEqual(
      c.input.messages?.map((m) => m.content),
      ['What is 2+2?'],
    );
    assert.equal(c.output, '5');
  });

  it('OpenInference: llm.input_messages / llm.output_messages, and input.value when there are none', async () => {
    const dir = tempDir();
    const llm = span({
      traceId: T(1),
      spanId: S(1),
      name: 'ChatOpenAI',
      attrs: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4.1', 'llm.input_messages.0.message.role': 'user', 'llm.input_messages.0.message.content': 'Capital of France?', 'llm.output_messages.0.message.role': 'assistant', 'llm.output_messages.0.message.content': 'Lyon', 'llm.token_count.prompt': 12 },
      status: { code: 2 },
    });
    const chain = span({ traceId: T(2), spanId: S(2), name: 'RetrievalQA', attrs: { 'openinference.span.kind': 'CHAIN', 'input.value': 'Who wrote Hamlet?', 'output.value': 'Marlowe' }, status: { code: 2 } });
    const read = await readAll(writeDoc(dir, 'd.json', request('rag', [llm, chain])));
    const [a, b] = read.cases;
    assert.deepEqual(
      a!.input.messages?.map((m) => m.content),
      ['Capital of France?'],
    );
    assert.equal(a!.output, 'Lyon');
    assert.equal(a!.model, 'gpt-4.1');
    assert.equal(a!.metadata.inputTokens, 12);
    assert.equal(b!.input.prompt, 'Who wrote Hamlet?');
    assert.equal(b!.output, 'Marlowe');
  });

  it('liveCaseSpan root takes the agent span and covers its calls; chat makes each chat span a case', async () => {
    const dir = tempDir();
    const agent = span({ traceId: T(1), spanId: S(1), name: 'invoke_agent planner', attrs: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' } });
    const chat1 = span({
      traceId: T(1),
      spanId: S(2),
      parentSpanId: S(1),
      name: 'chat 1',
      start: 1_700_000_000_010,
      attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: 'plan a trip' }]), 'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'step one' }] }]) },
    });
    const chat2 = span({
      traceId: T(1),
      spanId: S(3),
      parentSpanId: S(1),
      name: 'chat 2',
      start: 1_700_000_000_020,
      attrs: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', content: 'plan a trip' },
          { role: 'assistant', content: 'step one' },
        ]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'done' }] }]),
      },
    });
    const path = writeDoc(dir, 'd.json', request('agent', [agent, chat1, chat2]));
    const root = await readAll(path);
    assert.equal(root.cases.length, 1);
    assert.equal(root.cases[0]!.metadata.span, 'invoke_agent planner');
    assert.deepEqual(
      root.cases[0]!.input.messages?.map((m) => m.content),
      ['plan a trip'],
    );
    assert.equal(root.cases[0]!.output, 'done');
    assert.deepEqual(
      root.cases[0]!.trace.map((s) => [s.title, s.depth]),
      [
        ['invoke_agent planner', 0],
        ['chat 1', 1],
        ['chat 2', 1],
      ],
    );
    const chats = await readAll(path, { liveCaseSpan: 'chat' });
    assert.deepEqual(
      chats.cases.map((c) => c.metadata.span),
      ['chat 1', 'chat 2'],
    );
    assert.deepEqual(
      chats.cases.map((c) => c.output),
      ['step one', 'done'],
    );
  });
});

describe('OpenTelemetry traces: what makes a failure', () => {
  const evaluation = (name: string, attrs: Record<string, Attr>) => ({ name: 'gen_ai.evaluation.result', attrs: { 'gen_ai.evaluation.name': name, ...attrs } });

  it('an evaluation event fails by its label, or by its score against the threshold set for its name', async () => {
    const dir = tempDir();
    const path = writeLines(dir, 'evals.jsonl', [
      request('svc', chatTrace(1, 'q1', 'a', { events: [evaluation('Relevance', { 'gen_ai.evaluation.score.label': 'not_relevant', 'gen_ai.evaluation.explanation': 'off topic' })] })),
      request('svc', chatTrace(2, 'q2', 'a', { events: [evaluation('Relevance', { 'gen_ai.evaluation.score.label': 'relevant' })] })),
      request('svc', chatTrace(3, 'q3', 'a', { events: [evaluation('IntentResolution', { 'gen_ai.evaluation.score.value': 2.0 })] })),
      request('svc', chatTrace(4, 'q4', 'a', { events: [evaluation('IntentResolution', { 'gen_ai.evaluation.score.value': 4.0 })] })),
    ]);
    const without = await readAll(path);
    // no threshold for IntentResolution: its numbers decide nothing
    assert.deepEqual(
      without.cases.map((c) => c.outcome),
      ['fail', 'pass', 'pass', 'pass'],
    );
    assert.equal(without.cases[0]!.scores[0]!.reason, 'off topic');
    const withThreshold = await readAll(path, { thresholds: { IntentResolution: 3 } });
    assert.deepEqual(
      withThreshold.cases.map((c) => c.outcome),
      ['fail', 'pass', 'fail', 'pass'],
    );
    assert.equal(withThreshold.cases[2]!.scores[0]!.threshold, 3);
  });

  it('a feedback attribute matching a configured rule is a failure; without the rule it is a pass', async () => {
    const dir = tempDir();
    const path = writeDoc(dir, 'd.json', request('svc', chatTrace(1, 'q', 'a', { attrs: { 'user.feedback': 'thumbs_down' } })));
    assert.equal((await readAll(path)).cases[0]!.outcome, 'pass');
    const ruled = await readAll(path, { liveFailureRules: [{ attribute: 'user.feedback', equals: 'thumbs_down' }] });
    assert.equal(ruled.cases[0]!.outcome, 'fail');
    assert.match(ruled.cases[0]!.scores.at(-1)!.reason!, /user\.feedback = thumbs_down/);
  });

  it('capture stores only failures; passing traces count as pass cases', async () => {
    const root = tempDir();
    const path = writeLines(root, 'otel-traces.jsonl', [request('svc', chatTrace(1, 'q1', 'a', { status: { code: 2 } })), request('svc', chatTrace(2, 'q2', 'a')), request('svc', chatTrace(3, 'q3', 'a'))]);
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const report = await captureFile(store, path);
      assert.equal(report.status, 'captured');
      assert.equal(report.format, 'otel');
      assert.equal(report.cases, 3);
      assert.equal(report.failures, 1);
      assert.equal(report.newItems, 1);
    } finally {
      store.close();
    }
  });

  it('a line that is not an OTLP request is named by its line; the other traces are read', async () => {
    const dir = tempDir();
    const path = join(dir, 'otel.jsonl');
    writeFileSync(path, [JSON.stringify(request('svc', chatTrace(1, 'q', 'a', { status: { code: 2 } }))), '{"hello": 1}', JSON.stringify(request('svc', chatTrace(2, 'q2', 'a', { status: { code: 2 } })))].join('\n') + '\n');
    const read = await readAll(path);
    assert.equal(failures(read.cases).length, 2);
    const bad = read.errors.find((e) => !e.warning);
    assert.equal(bad?.line, 2);
    assert.match(bad!.reason, /not an OTLP export request/);
  });
});

describe('OpenTelemetry traces from the command line', () => {
  const CLI = join(REPO_ROOT, 'dist/cli.js');
  const capture = (root: string, ...args: string[]) => spawnSync(process.execPath, [CLI, 'capture', ...args, '--root', root, '--json'], { encoding: 'utf8' });

  it('--failure-rule and --live-case-span choose the failures and the cases; a bad value is a usage error', () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
    const root = tempDir();
    const path = writeLines(root, 'otel-traces.jsonl', [request('svc', chatTrace(1, 'q1', 'a', { attrs: { 'user.feedback': 'thumbs_down' } })), request('svc', chatTrace(2, 'q2', 'a'))]);
    const plain = capture(tempDir(), path);
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal((JSON.parse(plain.stdout) as { totals: { failures: number } }).totals.failures, 0);
    const ruled = capture(root, path, '--failure-rule', 'user.feedback=thumbs_down', '--live-case-span', 'chat');
    assert.equal(ruled.status, 0, ruled.stderr);
    const totals = (JSON.parse(ruled.stdout) as { totals: { cases: number; failures: number } }).totals;
    assert.deepEqual([totals.cases, totals.failures], [2, 1]);
    const bad = capture(tempDir(), path, '--live-case-span', 'leaf');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--live-case-span must be root or chat/);
    const badRule = capture(tempDir(), path, '--score-rule', 'toxicity<0.5');
    assert.equal(badRule.status, 1);
    assert.match(badRule.stderr, /--score-rule "toxicity<0.5" is not name=min:number or name=max:number/);
  });
});

// Training files every trainer loads: OpenAI lines pass OpenAI's published schema and
// data checks, TRL/KTO files have one type per column, an empty selection writes no
// version, a version folder loads on its own, verify trusts nothing unhashed, and
// auto-grading never turns a substring check into a correction.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { CorpusLayout } from '../../src/core/corpus/corpusLayout';
import { pinSlice } from '../../src/core/corpus/slices';
import { EmptySelectionError, snapshot } from '../../src/core/corpus/snapshot';
import { exportVersion, verifyCorpus } from '../../src/core/corpus/verifyCorpus';
import { autoGrade } from '../../src/core/grading/autoGrade';
import { submitReviews } from '../../src/core/review/reviewActions';
import { findItem, listItems, type ItemRow } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { SchemaChecker } from './jsonSchemaCheck';
import { REPO_ROOT, fixture, tempDir } from './testSupport';

const schema = new SchemaChecker(JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/openai-fine-tuning/fineTuneInputLines.schema.json'), 'utf8')));

/** OpenAI's published data checks on top of the schema: known roles and keys, no message without text. */
function dataCheckProblems(messages: { role?: unknown; content?: unknown }[], where: string): string[] {
  const out: string[] = [];
  messages.forEach((m, i) => {
    if (!['system', 'user', 'assistant'].includes(String(m.role))) out.push(`${where}[${i}]: role ${JSON.stringify(m.role)}`);
    for (const k of Object.keys(m)) if (!['role', 'content', 'name', 'weight'].includes(k)) out.push(`${where}[${i}]: key "${k}"`);
    if (typeof m.content !== 'string' || m.content.trim() === '') out.push(`${where}[${i}]: empty content`);
  });
  return out;
}

function openAiProblems(format: 'sft' | 'openai-preference', line: Record<string, unknown>): string[] {
  if (format === 'sft') {
    const messages = line.messages as { role: string }[];
    const problems = [...schema.check(line, 'FineTuneChatRequestInput'), ...dataCheckProblems(messages, 'messages')];
    if (messages.at(-1)?.role !== 'assistant') problems.push('the last message is not the assistant’s');
    return problems;
  }
  const input = line.input as { messages: [] };
  return [
    ...schema.check(line, 'FineTunePreferenceRequestInput'),
    ...dataCheckProblems(input.messages, 'input.messages'),
    ...dataCheckProblems(line.preferred_output as [], 'preferred_output'),
    ...dataCheckProblems(line.non_preferred_output as [], 'non_preferred_output'),
    ...((line.preferred_output as unknown[]).length === 1 && (line.non_preferred_output as unknown[]).length === 1 ? [] : ['one preferred and one non-preferred message']),
  ];
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Failing cases of every input shape: a prompt, messages with developer/tool turns and an empty system turn, an empty output. */
function mixedResults(dir: string): string {
  const rows = [
    { id: 'plain', input: 'What is 2+2?', output: '5', expected: '4', ok: false },
    {
      id: 'chat',
      input: [
        { role: 'system', content: '' },
        { role: 'developer', content: 'Answer briefly.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', content: '18C and sunny', tool_call_id: 'c1' },
      ],
      output: 'It is snowing.',
      expected: '18C and sunny',
      ok: false,
    },
    { id: 'empty-output', input: 'Say hello.', output: '', expected: 'hello', ok: false },
    { id: 'right', input: 'Capital of France?', output: 'Paris', expected: 'Lyon', ok: false },
  ];
  const path = join(dir, 'mixed.jsonl');
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

async function mixedStore(): Promise<{ root: string; store: WorkspaceStore; item: (id: string) => ItemRow }> {
  const root = tempDir();
  const store = await WorkspaceStore.open(root, 'default');
  await captureFile(store, mixedResults(root), { read: { mapping: { input: 'input', output: 'output', expected: 'expected', pass: 'ok', id: 'id' } } });
  const item = (id: string) => listItems(store.database, { limit: 0 }).find((i) => i.caseKey.endsWith(`/id:${id}`))!;
  submitReviews(store, [item('plain').caseKey], { verdict: 'model-wrong', correction: '4' }, 'ana');
  submitReviews(store, [item('chat').caseKey], { verdict: 'model-wrong', correction: 'It is 18C and sunny.' }, 'ana');
  submitReviews(store, [item('empty-output').caseKey], { verdict: 'model-wrong', correction: 'Hello!' }, 'ana');
  submitReviews(store, [item('right').caseKey], { verdict: 'eval-wrong' }, 'ana');
  return { root, store, item };
}

describe('training files every trainer loads', () => {
  it('every OpenAI SFT and preference line a snapshot writes passes the vendored fine-tuning schema and the data checks', async () => {
    // the checker accepts OpenAI's own files and refuses a wrong line
    for (const line of lines(readFileSync(fixture('openai_ft_preference/orca_dpo_pairs_validation.jsonl'), 'utf8')).slice(0, 100)) {
      assert.deepEqual(openAiProblems('openai-preference', line), []);
    }
    for (const line of lines(readFileSync(fixture('openai_ft_chat/stock_toolcall_validation.jsonl'), 'utf8'))) {
      assert.deepEqual(schema.check(line, 'FineTuneChatRequestInput'), [], 'tool-calling lines fit the schema');
    }
    assert.notDeepEqual(schema.check({ input: { messages: [{ role: 'user', content: 'x' }] }, preferred_output: [{ role: 'user', content: 'y' }] }, 'FineTunePreferenceRequestInput'), [], 'a user message is no preferred output');
    const { root, store } = await mixedStore();
    try {
      const corpus = join(root, 'corpus');
      snapshot(store, corpus);
      for (const format of ['sft', 'openai-preference'] as const) {
        const written = lines(exportVersion(corpus, 'v0001', format));
        assert.ok(written.length >= 2, `${format}: ${written.length} lines`);
        for (const line of written) assert.deepEqual(openAiProblems(format, line), [], JSON.stringify(line));
      }
      const sft = lines(exportVersion(corpus, 'v0001', 'sft'));
      const chat = sft.find((l) => JSON.stringify(l).includes('Weather in Paris'))!.messages as { role: string; content: string }[];
      assert.deepEqual(
        chat.map((m) => m.role),
        ['system', 'user', 'assistant', 'user', 'assistant'],
        'developer → system; the tool result is a user turn; the empty system turn is gone',
      );
      assert.match(chat[2]!.content, /weather\(\{"city":"Paris"\}\)/, 'the tool call is kept as text');
      assert.match(chat[3]!.content, /^\[tool result\]\n18C and sunny$/);
    } finally {
      store.close();
    }
  });

  it('an empty failed output gives no preference pair, and the manifest says why', async () => {
    const { root, store, item } = await mixedStore();
    try {
      const m = snapshot(store, join(root, 'corpus')).manifest;
      const emptyId = item('empty-output').id;
      assert.deepEqual(
        m.skipped
          .filter((s) => s.itemId === emptyId)
          .map((s) => s.format)
          .sort(),
        ['openai-preference', 'trl-preference'],
      );
      assert.ok(
        m.skipped.every((s) => /empty/.test(s.reason)),
        JSON.stringify(m.skipped),
      );
      assert.equal(m.files['openai-preference']!.records, 2, 'the plain and the chat pair');
      assert.equal(m.files.sft!.records, 4, 'the correction of the empty output is still an SFT example');
    } finally {
      store.close();
    }
  });

  it('TRL preference and KTO files use one type per column across mixed inputs', async () => {
    const { root, store, item } = await mixedStore();
    try {
      // a chat case reviewed model-wrong without correction: a KTO negative beside the plain prompt's positive
      const more = join(root, 'more.jsonl');
      writeFileSync(more, `${JSON.stringify({ id: 'chat-kto', input: [{ role: 'user', content: 'Name a prime.' }], output: '9', ok: false })}\n`);
      await captureFile(store, more, { read: { mapping: { input: 'input', output: 'output', pass: 'ok', id: 'id' } } });
      submitReviews(store, [item('chat-kto').caseKey], { verdict: 'model-wrong' }, 'ana');
      const corpus = join(root, 'corpus');
      snapshot(store, corpus);
      for (const format of ['trl-preference', 'kto']) {
        const written = lines(exportVersion(corpus, 'v0001', format));
        assert.ok(written.length >= 2, `${format} has ${written.length} lines`);
        const columns = new Set(written.flatMap((l) => Object.keys(l)));
        for (const column of columns) {
          const types = new Set(written.map((l) => (Array.isArray(l[column]) ? 'list' : typeof l[column])));
          assert.equal(types.size, 1, `${format}.${column} holds ${[...types].join(' and ')}`);
        }
        assert.ok(
          written.every((l) => Array.isArray(l.prompt)),
          `${format}: a chat case makes every prompt a message list`,
        );
      }
    } finally {
      store.close();
    }
  });

  it('an empty selection writes no version and says why (core and CLI)', async () => {
    const { root, store } = await mixedStore();
    const corpus = join(root, 'corpus');
    try {
      assert.throws(
        () => snapshot(store, corpus, { filter: 'reviewed tag:nothing-has-this' }),
        (e: Error) => e instanceof EmptySelectionError && /selects no reviewed item/.test(e.message),
      );
      assert.throws(() => snapshot(store, corpus, { filter: 'reviewed verdict:eval-wrong', formats: ['openai-preference'] }), /none gives a training record/);
      assert.deepEqual(new CorpusLayout(corpus).versions(), []);
    } finally {
      store.close();
    }
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), '--root', root, 'snapshot', '--filter', 'verdict:discard'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /^evalloop: nothing to snapshot: the filter "verdict:discard" selects no reviewed item; no version was written\n$/);
    assert.ok(!existsSync(join(corpus, 'versions/v0001')));
  });

  it('a version folder loads on its own: its card’s data_files are its own data/ files, hard links costing no bytes', async () => {
    const { root, store, item } = await mixedStore();
    try {
      const corpus = join(root, 'corpus');
      const v1 = snapshot(store, corpus);
      submitReviews(store, [item('plain').caseKey], { verdict: 'model-wrong', correction: 'Four.' }, 'ana');
      const v2 = snapshot(store, corpus);
      for (const result of [v1, v2]) {
        const card = readFileSync(join(result.dir!, 'README.md'), 'utf8');
        const yaml = card.split('---\n')[1]!;
        // configs: "- config_name: X", "  data_files:", "  - path" lines
        const configs = new Map<string, string[]>();
        let current: string[] = [];
        for (const l of yaml.split('\n')) {
          const name = /^- config_name: (\S+)$/.exec(l)?.[1];
          if (name) configs.set(name, (current = []));
          const file = /^ {2}- (\S+)$/.exec(l)?.[1];
          if (file) current.push(file);
        }
        assert.deepEqual([...configs.keys()].sort(), ['kto', 'openai-preference', 'sft', 'trl-preference']);
        for (const [format, files] of configs) {
          assert.ok(
            files.every((f) => /^data\/[a-z-]+\/[0-9a-f]{64}\.jsonl$/.test(f)),
            `${format}: ${files.join(', ')} stay inside the version folder`,
          );
          const text = files.map((f) => readFileSync(join(result.dir!, f), 'utf8')).join('');
          assert.equal(text, exportVersion(corpus, result.version!, format), `${format}: the card's files are the version's records, in order`);
          for (const [i, f] of files.entries()) {
            const segment = join(corpus, result.manifest.files[format]!.segments[i]!.path);
            assert.equal(statSync(join(result.dir!, f)).ino, statSync(segment).ino, 'a hard link: no byte stored twice');
          }
        }
        assert.deepEqual(readdirSync(join(result.dir!, 'data')).sort(), ['kto', 'openai-preference', 'sft', 'trl-preference']);
      }
      assert.deepEqual(verifyCorpus(corpus).violations, []);
    } finally {
      store.close();
    }
  });

  it('verify names an edited segment index (the input hashes its leakage check reads)', async () => {
    const { root, store, item } = await mixedStore();
    try {
      const corpus = join(root, 'corpus');
      const v1 = snapshot(store, corpus);
      // v0001 held the case before the pin (known contamination); a copy of it written as
      // v0002 after the pin holds it too, as a snapshot past the firewall would: a leak
      pinSlice(store, corpus, 'held', `item:${item('plain').id}`, { includeTrained: true });
      cpSync(join(corpus, 'versions/v0001'), join(corpus, 'versions/v0002'), { recursive: true });
      const copied = join(corpus, 'versions/v0002/manifest.json');
      chmodSync(copied, 0o644);
      writeFileSync(copied, JSON.stringify({ ...JSON.parse(readFileSync(copied, 'utf8')), version: 'v0002', parent: 'v0001' }, null, 2));
      const leak = verifyCorpus(corpus).violations.filter((v) => v.kind === 'leak');
      assert.ok(leak.length > 0, 'the pinned case is in v0002: a leak');
      // hide it: drop the pinned input hash from every index of v0001
      const pinnedHash = new CorpusLayout(corpus).sliceManifest('held', 'v0001').inputHashes[0]!;
      for (const [format, file] of Object.entries(v1.manifest.files)) {
        for (const seg of file.segments) {
          const index = join(corpus, 'segments', format, `${seg.sha256}.index.jsonl`);
          chmodSync(index, 0o644);
          writeFileSync(index, readFileSync(index, 'utf8').split(pinnedHash).join('0000000000000000'));
        }
      }
      const after = verifyCorpus(corpus).violations;
      assert.equal(after.filter((v) => v.kind === 'leak').length, 0, 'the edit hid the leak from the index');
      assert.ok(
        after.some((v) => v.kind === 'hash' && /index/.test(v.where) && /does not match the sha256 in the manifest/.test(v.detail)),
        JSON.stringify(after),
      );
    } finally {
      store.close();
    }
  });

  it('grade --auto never writes a substring assertion’s value as a correction', async () => {
    const root = tempDir();
    const store = await WorkspaceStore.open(root, 'default');
    try {
      const path = join(root, 'promptfoo-results.jsonl');
      const row = (q: string, out: string, assert: object[]) => JSON.stringify({ success: false, vars: { q }, prompt: { raw: q, label: '{{q}}' }, provider: { id: 'm' }, response: { output: out }, testCase: { vars: { q }, assert }, gradingResult: { pass: false, componentResults: [] } });
      writeFileSync(path, [row('Reply to a customer who thanked you.', "You're welcome.", [{ type: 'icontains', value: 'thank' }]), row('What is 6*7?', '41', [{ type: 'equals', value: '42' }])].join('\n') + '\n');
      await captureFile(store, path);
      const summary = await autoGrade(store, []);
      assert.equal(summary.modelWrong, 2, 'both decided: the outputs are wrong');
      const thank = listItems(store.database, { limit: 0 }).find((i) => i.title.startsWith('Reply'))!;
      const math = listItems(store.database, { limit: 0 }).find((i) => i.title.startsWith('What'))!;
      assert.equal((findItem(store.database, thank.id) as ItemRow).correction, null, 'no correction from icontains "thank"');
      assert.equal((findItem(store.database, math.id) as ItemRow).correction, '42', 'equals gives the whole answer');
      const corpus = join(root, 'corpus');
      const m = snapshot(store, corpus, { filter: 'auto' }).manifest;
      assert.equal(m.files.sft!.records, 1);
      assert.ok(!exportVersion(corpus, 'v0001', 'sft').includes('"thank"'));
      assert.equal(m.files.kto!.records, 1, 'the icontains item is a KTO negative instead');
    } finally {
      store.close();
    }
  });
});

// The real promptfoo runs an exported slice and judges it as the original eval did:
// a promptfoo result file with failing `equals`, `icontains`, `is-json` + `javascript`
// and `javascript` cases (and cases from plain JSONL, judged by their answer's kind) is
// captured, reviewed, pinned and exported with `export-slice --format promptfoo`; then
// `promptfoo eval` runs it offline against a local provider that answers each prompt with
// the original failing output or with the reviewed answer. The failing outputs fail
// (on the same assertions as before) and the reviewed answers pass.
// promptfoo comes from scripts/setup-promptfoo.sh (cached outside the checkout; it
// installs on first use), or from EVALLOOP_PROMPTFOO.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SLICE_FIXTURE_CASES, sliceFixtureResults } from './promptfooSliceFixture';
import { REPO_ROOT, tempDir } from './testSupport';

const CLI = join(REPO_ROOT, 'dist/cli.js');

function promptfooBinary(): string {
  const given = process.env.EVALLOOP_PROMPTFOO;
  if (given) return given;
  // cached after the first run: then this only prints the path
  const r = spawnSync('bash', [join(REPO_ROOT, 'scripts/setup-promptfoo.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
  assert.equal(r.status, 0, 'scripts/setup-promptfoo.sh failed');
  const path = /^PROMPTFOO=(.+)$/m.exec(r.stdout)?.[1];
  assert.ok(path && existsSync(path), `no promptfoo binary in: ${r.stdout}`);
  return path;
}

/** A promptfoo provider (file://) answering each prompt from a table: the user turn's text → { failed, right }. */
const PROVIDER = `
class FixedOutputs {
  constructor(options) {
    this.config = options.config;
  }
  id() {
    return 'fixed-' + this.config.mode;
  }
  async callApi(prompt) {
    let key = prompt;
    try {
      const turns = JSON.parse(prompt);
      if (Array.isArray(turns)) key = turns.filter((t) => t.role === 'user').at(-1).content;
    } catch (e) {}
    const entry = this.config.outputs[key];
    if (!entry) return { error: 'no fixed output for ' + JSON.stringify(key) };
    return { output: entry[this.config.mode] };
  }
}
module.exports = FixedOutputs;
`;

/** Plain JSONL cases, judged by their answer's kind: question → the failing output, the expected answer. */
const KINDS = [
  { id: 'mul', question: 'What is 7 times 8?', given: '556', answer: '56' },
  { id: 'obj', question: 'Return {"a": 1} as JSON.', given: '{"a": 2}', answer: '{"a": 1}' },
  { id: 'mc', question: 'Which is a mammal? A) shark B) whale C) trout D) squid', given: 'C', answer: 'B' },
  { id: 'cap', question: 'Capital of Australia, one word?', given: 'Not Canberra', answer: 'Canberra' },
];
/** What the reviewed (right) answers look like when a model gives them in its own words. */
const KIND_RIGHT: Record<string, string> = { mul: '56', obj: '{"a":1}', mc: 'ANSWER: B', cap: 'canberra.' };

interface RunResult {
  success: boolean;
  provider: { id: string; label?: string };
  testCase: { description?: string; metadata?: { caseKey?: string } };
  gradingResult?: { componentResults?: { pass: boolean; assertion?: { type: string } }[] } | null;
  response?: { output?: unknown };
  error?: string;
}

describe('the real promptfoo runs an exported slice', () => {
  it('failing outputs fail on the original assertions, reviewed answers pass, 556 fails where the answer is 56', { timeout: 20 * 60_000 }, () => {
    const promptfoo = promptfooBinary();
    const root = tempDir();
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const items = () => JSON.parse(cli('list', '--json', '--limit', '0')) as { id: string; caseKey: string; title: string }[];

    // capture and review the promptfoo failures, and the plain JSONL ones
    writeFileSync(join(root, 'promptfoo-results.json'), sliceFixtureResults());
    writeFileSync(join(root, 'kinds.jsonl'), KINDS.map((k) => JSON.stringify({ ...k, suite: 'kinds', correct: false })).join('\n') + '\n');
    cli('capture', join(root, 'promptfoo-results.json'));
    cli('capture', join(root, 'kinds.jsonl'), '--format', 'jsonl', '--map', 'input=question,output=given,expected=answer,pass=correct,id=id,suite=suite');
    const all = items();
    for (const c of SLICE_FIXTURE_CASES) {
      const item = all.find((i) => i.title === (c.description ?? c.raw))!;
      cli('review', item.id, '--verdict', c.verdict, ...(c.verdict === 'model-wrong' ? ['--correction', c.right] : []));
    }
    cli('pin', 'pf', '--filter', 'format:promptfoo');
    cli('pin', 'kinds', '--filter', 'format:jsonl');
    const work = join(root, 'run');
    mkdirSync(work);
    cli('export-slice', 'pf', '--format', 'promptfoo', '-o', join(work, 'pf-tests.json'));
    cli('export-slice', 'kinds', '--format', 'promptfoo', '-o', join(work, 'kinds-tests.json'));

    // the provider's table, keyed by the user turn the model was sent
    const outputs: Record<string, { failed: string; right: string }> = {};
    for (const c of SLICE_FIXTURE_CASES) {
      const user = c.raw.startsWith('[') ? (JSON.parse(c.raw) as { role: string; content: string }[]).filter((t) => t.role === 'user').at(-1)!.content : c.raw;
      outputs[user] = { failed: c.failed, right: c.right };
    }
    for (const k of KINDS) outputs[k.question] = { failed: k.given, right: KIND_RIGHT[k.id]! };
    writeFileSync(join(work, 'fixedOutputs.js'), PROVIDER);
    const provider = (mode: string) => ({ id: 'file://fixedOutputs.js', label: mode, config: { mode, outputs } });
    const config = {
      description: 'evalloop slice run',
      // a chat-format prompt: each test's messages, roles kept
      prompts: ['{{messages}}'],
      providers: [provider('failed'), provider('right')],
      tests: ['file://pf-tests.json', 'file://kinds-tests.json'],
    };
    writeFileSync(join(work, 'promptfooconfig.yaml'), JSON.stringify(config, null, 2));
    const configDir = join(work, '.promptfoo');
    mkdirSync(configDir);
    const run = spawnSync(promptfoo, ['eval', '-c', 'promptfooconfig.yaml', '-o', 'out.json', '--no-cache', '--no-write', '--no-table', '--no-progress-bar', '--no-share', '-j', '1'], {
      cwd: work,
      encoding: 'utf8',
      timeout: 5 * 60_000,
      env: { ...process.env, PROMPTFOO_DISABLE_TELEMETRY: '1', PROMPTFOO_DISABLE_UPDATE: '1', PROMPTFOO_CONFIG_DIR: configDir, PROMPTFOO_CACHE_ENABLED: 'false', NO_COLOR: '1' },
    });
    // promptfoo exits 100 when some test failed, as the failing outputs must
    assert.ok(run.status === 100 || run.status === 0, `promptfoo eval exited ${run.status}: ${run.stderr}\n${run.stdout}`);
    assert.ok(existsSync(join(work, 'out.json')), `no results: ${run.stderr}`);
    const results = (JSON.parse(readFileSync(join(work, 'out.json'), 'utf8')) as { results: { results: RunResult[] } }).results.results;
    assert.equal(results.length, 2 * (SLICE_FIXTURE_CASES.length + KINDS.length), 'every test ran with both providers');
    assert.ok(
      results.every((r) => !r.error || r.gradingResult),
      `no provider errors: ${results
        .map((r) => r.error)
        .filter(Boolean)
        .join('; ')}`,
    );
    const verdict = (mode: string, description: string) => {
      const r = results.find((x) => x.provider.label === mode && x.testCase.description === description);
      assert.ok(r, `a result for ${mode} / ${description}`);
      return r;
    };

    for (const c of SLICE_FIXTURE_CASES) {
      const description = c.description ?? c.raw;
      const failed = verdict('failed', description);
      const right = verdict('right', description);
      assert.equal(right.success, true, `${description}: the reviewed answer ${JSON.stringify(c.right)} passes`);
      if (c.verdict === 'eval-wrong') {
        // the reviewer found the output right: the assertion that failed it gave way
        assert.equal(failed.success, true, `${description}: the output found right passes`);
        continue;
      }
      assert.equal(failed.success, false, `${description}: the failing output ${JSON.stringify(c.failed)} fails again`);
      // on the same assertions as in the original run
      const failing = (failed.gradingResult?.componentResults ?? []).map((x, i) => (x.pass ? -1 : i)).filter((i) => i >= 0);
      assert.deepEqual(failing, c.failedAssertions, `${description}: the same assertions fail`);
    }
    assert.equal(verdict('failed', 'multiplies two small numbers').response?.output, '556');

    for (const k of KINDS) {
      assert.equal(verdict('failed', k.question).success, false, `${k.id}: ${JSON.stringify(k.given)} fails against ${JSON.stringify(k.answer)}`);
      assert.equal(verdict('right', k.question).success, true, `${k.id}: ${JSON.stringify(KIND_RIGHT[k.id])} passes against ${JSON.stringify(k.answer)}`);
    }
  });
});

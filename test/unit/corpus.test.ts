// Corpus versions and slices keep their promises: valid records, no leakage, byte-
// identical rebuilds, immutable versions, delta disk use, a secrets gate, clean verify.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { captureFile } from '../../src/core/capture/captureFile';
import { capturePaths } from '../../src/core/capture/capturePaths';
import { CorpusLayout } from '../../src/core/corpus/corpusLayout';
import { FilterSyntaxError, matchesFilter, parseFilter } from '../../src/core/corpus/filterExpression';
import { FORMAT_SCHEMAS } from '../../src/core/corpus/formatSchemas';
import { exportSlice } from '../../src/core/corpus/sliceExport';
import { pinSlice, readSliceCases } from '../../src/core/corpus/slices';
import { snapshot, SnapshotBlockedError } from '../../src/core/corpus/snapshot';
import { OUTPUT_FORMATS } from '../../src/core/corpus/trainingRecords';
import { exportVersion, verifyCorpus } from '../../src/core/corpus/verifyCorpus';
import { submitReviews } from '../../src/core/review/reviewActions';
import { findItem, listItems, type ItemRow } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { FIXTURES, REPO_ROOT, dirBytes, fixture, tempDir } from './testSupport';

async function reviewedStore(): Promise<{ root: string; store: WorkspaceStore }> {
  const root = tempDir();
  const store = await WorkspaceStore.open(root, 'default');
  await capturePaths(store, [FIXTURES]);
  const items = listItems(store.database);
  const key = (k: string) => items.find((i) => i.caseKey === k)!.caseKey;
  submitReviews(store, [key('inspect/inspect_evals/arc_easy/id:2')], { verdict: 'model-wrong', correction: 'ANSWER: B' }, 'ana');
  submitReviews(store, [key('inspect/inspect_evals/arc_easy/id:3')], { verdict: 'model-wrong' }, 'ana');
  submitReviews(store, [key('inspect/popularity/id:1')], { verdict: 'model-wrong', correction: 'Yes', tags: ['persona'] }, 'ana');
  submitReviews(store, [key('openai-evals/test-match/id:test-match.s1.0')], { verdict: 'eval-wrong' }, 'ana');
  submitReviews(store, [key('junit/pytest/id:test.test_spark.SparkTests::test_rsh_events')], { verdict: 'discard' }, 'ana');
  return { root, store };
}

describe('filter language', () => {
  const subject = { id: '0123456789ab', state: 'reviewed', verdict: 'model-wrong', tags: ['math'], runIds: ['r1'], suite: 'gsm8k', format: 'lm-eval', reviewer: 'ana', reviewedAt: '2026-11-02T00:00:00Z', regression: false };
  const never = () => undefined;
  it('all terms must hold; - negates; quotes allow spaces', () => {
    assert.equal(matchesFilter(parseFilter('reviewed verdict:model-wrong tag:math -tag:pii'), subject, never), true);
    assert.equal(matchesFilter(parseFilter('reviewed -tag:math'), subject, never), false);
    assert.equal(matchesFilter(parseFilter('suite:"gsm8k"'), subject, never), true);
    assert.equal(
      matchesFilter(parseFilter('since:v0001'), subject, () => '2026-11-01T00:00:00Z'),
      true,
    );
    assert.equal(
      matchesFilter(parseFilter('since:v0001'), subject, () => '2026-11-03T00:00:00Z'),
      false,
    );
    assert.equal(matchesFilter(parseFilter(''), subject, never), true);
    assert.equal(matchesFilter(parseFilter('item:ffff,01234567'), subject, never), true, 'any of the listed ids (prefixes)');
    assert.equal(matchesFilter(parseFilter('item:ffff'), subject, never), false);
  });
  it('reports mistakes with their column', () => {
    assert.throws(
      () => parseFilter('reviewed colour:red'),
      (e: Error) => e instanceof FilterSyntaxError && /unknown filter key "colour" at column 10/.test(e.message),
    );
    assert.throws(() => parseFilter('tag:"open'), /unclosed quote/);
    assert.throws(() => parseFilter('verdict:'), /needs a value/);
    assert.throws(() => parseFilter('reviewd'), /unknown term "reviewd"/);
    assert.throws(() => matchesFilter(parseFilter('since:v0009'), subject, never), /no such corpus version/);
  });
});

describe('corpus versions', () => {
  it('writes every format with lines that fit the format, and the schemas accept the real OpenAI fine-tuning files', async () => {
    for (const line of readFileSync(fixture('openai_ft_chat/stock_toolcall_validation.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 5)) {
      const row = JSON.parse(line);
      // tool-calling rows carry tools and content-less assistant turns: check the shape we share
      assert.ok(Array.isArray(row.messages));
    }
    for (const line of readFileSync(fixture('openai_ft_preference/orca_dpo_pairs_validation.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 50)) {
      FORMAT_SCHEMAS['openai-preference'].parse(JSON.parse(line));
    }
    const { root, store } = await reviewedStore();
    try {
      const result = snapshot(store, join(root, 'corpus'));
      assert.equal(result.version, 'v0001');
      const m = result.manifest;
      assert.deepEqual(Object.keys(m.files).sort(), [...OUTPUT_FORMATS].sort());
      assert.equal(m.files.sft!.records, 3, 'two corrections and one eval-wrong');
      assert.equal(m.files['openai-preference']!.records, 2);
      assert.equal(m.files['trl-preference']!.records, 2);
      assert.equal(m.files.kto!.records, 2, 'one model-wrong without correction, one eval-wrong');
      for (const format of OUTPUT_FORMATS) {
        for (const line of exportVersion(join(root, 'corpus'), 'v0001', format).split('\n').filter(Boolean)) FORMAT_SCHEMAS[format].parse(JSON.parse(line));
      }
      const sft = exportVersion(join(root, 'corpus'), 'v0001', 'sft');
      assert.match(sft, /"content":"ANSWER: B"/);
      assert.match(sft, /B\) breathing mask/, 'the prompt is what the model was sent, choices included');
      const dpo = exportVersion(join(root, 'corpus'), 'v0001', 'openai-preference')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      const pair = dpo.find((r) => r.preferred_output[0].content === 'Yes');
      assert.equal(pair.non_preferred_output[0].content, 'No', 'rejected = the failed output');
      assert.equal(m.sources.items, 4);
      assert.equal(m.sources.reviewEvents, 4);
      const sources = readFileSync(join(root, 'corpus', m.sources.segments[0]!.path), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      assert.deepEqual(sources.map((x) => x.caseKey).sort(), ['inspect/inspect_evals/arc_easy/id:2', 'inspect/inspect_evals/arc_easy/id:3', 'inspect/popularity/id:1', 'openai-evals/test-match/id:test-match.s1.0']);
      assert.ok(
        sources.every((x) => typeof x.review === 'string' && x.review.includes(':')),
        'each with the review event that decided it',
      );
      assert.ok(existsSync(join(result.dir!, 'README.md')));
      assert.match(readFileSync(join(result.dir!, 'README.md'), 'utf8'), /^---\nconfigs:\n- config_name: sft/);
    } finally {
      store.close();
    }
  });

  it('rebuilding a version from the same journals gives byte-identical data files', async () => {
    const { root, store } = await reviewedStore();
    try {
      const corpus = join(root, 'corpus');
      const first = snapshot(store, corpus);
      const files = () => Object.fromEntries(OUTPUT_FORMATS.map((f) => [f, exportVersion(corpus, first.version!, f)]));
      const before = files();
      rmSync(corpus, { recursive: true });
      store.close();
      rmSync(join(root, '.evalloop/default/index.sqlite'));
      const again = await WorkspaceStore.open(root, 'default');
      try {
        const second = snapshot(again, corpus);
        assert.equal(second.version, first.version);
        assert.deepEqual(files(), before);
        for (const f of OUTPUT_FORMATS) assert.equal(second.manifest.files[f]!.sha256, first.manifest.files[f]!.sha256);
      } finally {
        again.close();
      }
    } finally {
      try {
        store.close();
      } catch {
        // closed above
      }
    }
  });

  it('an earlier version is never rewritten, and disk use grows with the delta', async () => {
    const { root, store } = await reviewedStore();
    try {
      const corpus = join(root, 'corpus');
      snapshot(store, corpus);
      // every file of the version, its data/ links included
      const filesOf = (dir: string) =>
        readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => join(e.parentPath, e.name))
          .sort()
          .map((f) => [f, readFileSync(f, 'utf8')]);
      const v1 = filesOf(join(corpus, 'versions/v0001'));
      const segmentsBefore = dirBytes(join(corpus, 'segments'));
      const lm = listItems(store.database, { suite: 'math_perturbed_full' })[0]!;
      submitReviews(store, [lm.caseKey], { verdict: 'model-wrong', correction: '3' }, 'ana');
      const v2 = snapshot(store, corpus);
      assert.equal(v2.manifest.parent, 'v0001');
      assert.equal(v2.manifest.added, 3, 'sft, openai-preference and trl-preference records of the new correction');
      assert.equal(v2.manifest.removed, 0);
      assert.deepEqual(filesOf(join(corpus, 'versions/v0001')), v1);
      const v1Manifest = new CorpusLayout(corpus).manifest('v0001');
      assert.equal(v2.manifest.files.sft!.segments[0]!.sha256, v1Manifest.files.sft!.segments[0]!.sha256, 'the parent’s segment is shared');
      const grown = dirBytes(join(corpus, 'segments')) - segmentsBefore;
      assert.ok(grown < segmentsBefore, `segments grew by ${grown} bytes, less than the first version's ${segmentsBefore}`);
      assert.deepEqual(verifyCorpus(corpus).violations, []);
    } finally {
      store.close();
    }
  });

  it('a pinned case never appears in a later version, even when promoted', async () => {
    const { root, store } = await reviewedStore();
    try {
      const corpus = join(root, 'corpus');
      // pin the lm-eval failures (not yet in any training version)
      const pinned = pinSlice(store, corpus, 'math-heldout', 'suite:math_perturbed_full');
      assert.equal(pinned.manifest.cases, 10);
      const lm = listItems(store.database, { suite: 'math_perturbed_full' });
      submitReviews(
        store,
        lm.map((i) => i.caseKey),
        { verdict: 'model-wrong', correction: '42' },
        'ana',
      );
      const v = snapshot(store, corpus);
      assert.equal(v.manifest.leakage.excluded.length, 10);
      assert.deepEqual(v.manifest.leakage.slices, ['math-heldout/v0001']);
      assert.ok(!exportVersion(corpus, v.version!, 'sft').includes('"42"'), 'no promoted math case in the training data');
      // a new run of the same cases, captured and promoted again, is still held out
      const again = join(root, 'again');
      cpSync(join(FIXTURES, 'lm_eval'), again, { recursive: true });
      await captureFile(store, join(again, 'samples_math_perturbed_full_2026-01-21T03-44-18.458309.jsonl'));
      const v2 = snapshot(store, corpus);
      assert.equal(v2.manifest.leakage.excluded.length, 10);
      assert.deepEqual(verifyCorpus(corpus).violations, []);
    } finally {
      store.close();
    }
  });

  it('verify names a leak: a pinned case in a version written after the pin, and a tampered segment', async () => {
    const { root, store } = await reviewedStore();
    try {
      const corpus = join(root, 'corpus');
      snapshot(store, corpus);
      // v0001 held the case before the pin (known contamination, not a leak); a copy of it
      // written as v0002 after the pin holds it too, as a snapshot past the firewall would
      pinSlice(store, corpus, 'persona', 'tag:persona', { includeTrained: true });
      cpSync(join(corpus, 'versions/v0001'), join(corpus, 'versions/v0002'), { recursive: true });
      const copied = join(corpus, 'versions/v0002/manifest.json');
      chmodSync(copied, 0o644);
      writeFileSync(copied, JSON.stringify({ ...JSON.parse(readFileSync(copied, 'utf8')), version: 'v0002', parent: 'v0001' }, null, 2));
      const report = verifyCorpus(corpus);
      assert.ok(
        report.violations.some((v) => v.kind === 'leak' && v.detail.includes('persona/v0001')),
        JSON.stringify(report.violations),
      );
      const seg = new CorpusLayout(corpus).manifest('v0001').files.kto!.segments[0]!;
      assert.equal(statSync(join(corpus, seg.path)).mode & 0o222, 0, 'segments are read-only on disk');
      chmodSync(join(corpus, seg.path), 0o644);
      writeFileSync(join(corpus, seg.path), readFileSync(join(corpus, seg.path), 'utf8').replace('false', 'true '));
      assert.ok(verifyCorpus(corpus).violations.some((v) => v.kind === 'hash' && v.where === seg.path));
    } finally {
      store.close();
    }
  });

  it('the secrets gate blocks a planted key, or redacts it and says so in the manifest', async () => {
    const { root, store } = await reviewedStore();
    try {
      const corpus = join(root, 'corpus');
      const item = findItem(store.database, 'inspect/popularity/id:1') as ItemRow;
      submitReviews(store, [item.caseKey], { verdict: 'model-wrong', correction: 'Yes. Use key sk-proj-abcdefghijklmnopqrstuvwx1234 or mail ops@example.com' }, 'ana');
      assert.throws(
        () => snapshot(store, corpus),
        (e: Error) => e instanceof SnapshotBlockedError && e.message.includes(item.id) && /openai-key/.test(e.message),
      );
      assert.deepEqual(new CorpusLayout(corpus).versions(), [], 'nothing written when blocked');
      const redacted = snapshot(store, corpus, { secrets: 'redact' });
      const sft = exportVersion(corpus, redacted.version!, 'sft');
      assert.ok(!sft.includes('sk-proj-abcdefghijklmnopqrstuvwx1234'));
      assert.match(sft, /\[REDACTED:openai-key\]/);
      assert.match(sft, /\[REDACTED:email\]/);
      assert.deepEqual([...new Set(redacted.manifest.redactions.find((r) => r.itemId === item.id)?.kinds)].sort(), ['email', 'openai-key']);
    } finally {
      store.close();
    }
  });

  it('slices export as promptfoo tests, an Inspect dataset and JSONL', async () => {
    const { root, store } = await reviewedStore();
    try {
      const corpus = join(root, 'corpus');
      pinSlice(store, corpus, 'arc', 'suite:inspect_evals/arc_easy');
      const { cases } = readSliceCases(new CorpusLayout(corpus), 'arc');
      assert.equal(cases.length, 2);
      const tests = JSON.parse(exportSlice(cases, 'promptfoo'));
      assert.equal(tests.length, 2);
      // the correction "ANSWER: B" answers a choice question: the check is its letter, not a substring
      assert.equal(tests[0].assert.length, 1);
      assert.equal(tests[0].assert[0].type, 'javascript');
      assert.match(tests[0].assert[0].value, /found\.has\("B"\)/, 'the correction is the target');
      const inspect = exportSlice(cases, 'inspect')
        .split('\n')
        .filter(Boolean)
        .map((l: string) => JSON.parse(l));
      assert.equal(inspect[1].target, 'D', 'no correction: the expected answer');
      assert.ok(Array.isArray(inspect[0].input), 'chat input kept as messages');
      assert.equal(exportSlice(cases, 'jsonl').split('\n').filter(Boolean).length, 2);
      assert.throws(() => pinSlice(store, corpus, '../escape'), /slice name "..\/escape" is not allowed/);
    } finally {
      store.close();
    }
  });

  it('a snapshot killed at any moment leaves no partial version, and verify stays clean', async () => {
    const { root, store } = await reviewedStore();
    store.close();
    const corpus = join(root, 'corpus');
    for (let i = 0; i < 6; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), 'snapshot', '--root', root], { cwd: REPO_ROOT, stdio: 'ignore' });
      const closed = new Promise((r) => child.on('close', r));
      await new Promise((r) => setTimeout(r, 300 + i * 150));
      child.kill('SIGKILL');
      await closed;
    }
    const layout = new CorpusLayout(corpus);
    for (const v of layout.versions()) {
      const m = layout.manifest(v); // every version that exists is whole
      for (const f of Object.values(m.files)) for (const s of f.segments) assert.ok(existsSync(join(corpus, s.path)));
    }
    assert.deepEqual(verifyCorpus(corpus).violations, []);
  });
});

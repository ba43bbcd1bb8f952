// lighteval details Parquet files as cases. The fixtures (test/fixtures/lighteval) are
// built by build-details.mjs from lighteval's real JSON samples kept beside them, since
// lighteval's own details files are Git LFS pointers (see SOURCES.tsv).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_READ_OPTIONS } from '../../src/core/formats/adapter';
import { loadParquetRows } from '../../src/core/formats/loadParquetRows';
import { openResultFile } from '../../src/core/formats/readResultFile';
import { readAll, REPO_ROOT, tempDir } from './testSupport';

const LIGHTEVAL = join(REPO_ROOT, 'test/fixtures/lighteval');
const STAMP = '2026-11-20T10-00-00.000000';
const F1 = `details_lighteval__f1_sample__0_${STAMP}.parquet`;
const PPL = `details_lighteval__ppl_sample__0_${STAMP}.parquet`;
const RESULTS = `results_${STAMP}.json`;

interface Sample {
  doc: { query: string; choices: string[]; gold_index: number | number[] };
  model_response: { text?: string[]; logprobs?: number[] };
  expected_output: Record<string, number>;
}
const samples = (name: string) => (JSON.parse(readFileSync(join(LIGHTEVAL, `lighteval_test_cases_${name}.json`), 'utf8')) as { test_cases: Sample[] }).test_cases;

describe('lighteval details', () => {
  it('one case per row, with the question, the answer, the gold choice and each metric; the model from the results file', async () => {
    const rows = samples('f1_score');
    const read = await readAll(join(LIGHTEVAL, F1));
    assert.equal(read.format, 'lighteval');
    assert.deepEqual(read.errors, []);
    assert.equal(read.run?.suite, 'lighteval__f1_sample__0');
    assert.equal(read.run?.model, 'fixture-model');
    assert.equal(read.cases.length, rows.length);
    read.cases.forEach((c, i) => {
      const row = rows[i]!;
      assert.equal(c.input.prompt, row.doc.query);
      assert.equal(c.output, row.model_response.text![0]);
      assert.equal(
        c.expected,
        [row.doc.gold_index]
          .flat()
          .map((g) => row.doc.choices[g])
          .join(' | '),
      );
      assert.equal(c.scores[0]!.value, row.expected_output.f1);
      assert.equal(c.record.index, i);
      // 0 and 1 decide; anything between needs a threshold
      assert.equal(c.outcome, row.expected_output.f1 === 1 ? 'pass' : row.expected_output.f1 === 0 ? 'fail' : 'unknown');
    });
  });

  it('a threshold decides the values between, in the direction the results file gives', async () => {
    const f1 = await readAll(join(LIGHTEVAL, F1), { thresholds: { f1: 0.7 } });
    assert.deepEqual(
      f1.cases.map((c) => c.outcome),
      samples('f1_score').map((s) => (s.expected_output.f1! >= 0.7 ? 'pass' : 'fail')),
    );
    // perplexity: lower is better, as config_tasks says
    const ppl = await readAll(join(LIGHTEVAL, PPL), { thresholds: { ppl: 2 } });
    assert.deepEqual(
      ppl.cases.map((c) => c.outcome),
      samples('target_perplexity').map((s) => (s.expected_output.ppl! <= 2 ? 'pass' : 'fail')),
    );
    // without the results file the direction is not known to be lower-is-better: the outcomes turn round
    const alone = tempDir();
    copyFileSync(join(LIGHTEVAL, PPL), join(alone, PPL));
    const guessed = await readAll(join(alone, PPL), { thresholds: { ppl: 2 } });
    assert.deepEqual(
      guessed.cases.map((c) => c.outcome),
      samples('target_perplexity').map((s) => (s.expected_output.ppl! >= 2 ? 'pass' : 'fail')),
    );
  });

  it('a log-likelihood task answers with the choice its log-probabilities rank first', async () => {
    const read = await readAll(join(LIGHTEVAL, PPL));
    assert.deepEqual(
      read.cases.map((c) => c.output),
      samples('target_perplexity').map((s) => s.doc.choices[s.model_response.logprobs!.indexOf(Math.max(...s.model_response.logprobs!))]),
    );
  });

  it('the results file is found where lighteval writes it: results/<model>/ beside details/<model>/<time>/', async () => {
    const out = tempDir();
    mkdirSync(join(out, 'details', 'org', 'model', STAMP), { recursive: true });
    mkdirSync(join(out, 'results', 'org', 'model'), { recursive: true });
    // named as lighteval names it, with `|` in the task
    const named = `details_lighteval|ppl_sample|0_${STAMP}.parquet`;
    copyFileSync(join(LIGHTEVAL, PPL), join(out, 'details', 'org', 'model', STAMP, named));
    copyFileSync(join(LIGHTEVAL, RESULTS), join(out, 'results', 'org', 'model', RESULTS));
    const read = await readAll(join(out, 'details', 'org', 'model', STAMP, named), { thresholds: { ppl: 2 } });
    assert.equal(read.run?.model, 'fixture-model');
    assert.equal(read.run?.suite, 'lighteval|ppl_sample|0');
    assert.equal(read.cases.filter((c) => c.outcome === 'fail').length, samples('target_perplexity').filter((s) => s.expected_output.ppl! > 2).length);
  });

  it('the file is read one row group at a time', async () => {
    const rows = await loadParquetRows().openParquetRows(join(LIGHTEVAL, F1));
    const total = samples('f1_score').length;
    assert.equal(rows.numRows, total);
    assert.deepEqual(rows.rowGroupRows, [3, 3, total - 6]);
    const second = await rows.readGroup(1);
    assert.deepEqual(
      second.map((r) => (r.metric as { f1: number }).f1),
      samples('f1_score')
        .slice(3, 6)
        .map((s) => s.expected_output.f1),
    );
  });

  it('a Parquet file of other columns is passed by, saying why; a damaged one names the reason', async () => {
    const other = await openResultFile(join(LIGHTEVAL, 'not_details.parquet'), DEFAULT_READ_OPTIONS);
    assert.equal(other.status, 'skipped');
    assert.match((other as { reason: string }).reason, /without lighteval's details columns.*city, population/);
    const dir = tempDir();
    const cut = join(dir, F1);
    writeFileSync(cut, readFileSync(join(LIGHTEVAL, F1)).subarray(0, 600));
    await assert.rejects(openResultFile(cut, DEFAULT_READ_OPTIONS), /not a readable Parquet file/);
  });

  it('the Parquet reader is its own bundle, loaded only for Parquet files: the built CLI captures details, the extension bundle holds no reader', () => {
    const cli = join(REPO_ROOT, 'dist/cli.js');
    assert.ok(existsSync(cli), 'dist/cli.js is built (npm run build)');
    assert.ok(existsSync(join(REPO_ROOT, 'dist/parquetRows.js')), 'dist/parquetRows.js is built');
    assert.match(readFileSync(join(REPO_ROOT, '.vscodeignore'), 'utf8'), /^!dist\/parquetRows\.js$/m, 'the reader ships in the .vsix');
    for (const bundle of ['dist/extension.js', 'dist/cli.js']) assert.doesNotMatch(readFileSync(join(REPO_ROOT, bundle), 'utf8'), /parquetMetadataAsync/, `${bundle} carries no Parquet reader`);
    const root = tempDir();
    copyFileSync(join(LIGHTEVAL, PPL), join(root, PPL));
    copyFileSync(join(LIGHTEVAL, RESULTS), join(root, RESULTS));
    const run = spawnSync(process.execPath, [cli, 'capture', join(root, PPL), '--root', root, '--threshold', 'ppl=2', '--json'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const file = (JSON.parse(run.stdout) as { files: { format: string; cases: number; failures: number }[] }).files[0]!;
    assert.deepEqual([file.format, file.cases, file.failures], ['lighteval', 5, 1]);
  });
});

// `npm run bench`: benchmarks that time our code and a baseline in the same run and
// print ratios: capture throughput (BENCH_MB sets the file size, default 200) and the
// review panel's first paint and next-item latency in chromium, and corpus snapshots
// (BENCH_CORPUS_ITEMS, default 100,000) and their disk use.
import { spawnSync } from 'node:child_process';
import { cpus, totalmem, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const megabytes = Number(process.env.BENCH_MB ?? 200);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const dataDir = 'bench/.data';
mkdirSync(dataDir, { recursive: true });
const file = join(dataDir, `promptfoo-${megabytes}mb.jsonl`);

function tsx(args) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

process.stdout.write(`generating ${megabytes} MB of promptfoo JSONL (cached in ${dataDir}) …\n`);
tsx(['-e', `require('./bench/generateData.ts').ensurePromptfooJsonl(${JSON.stringify(file)}, ${megabytes})`]);

const results = { baseline: [], capture: [] };
for (let round = 0; round < rounds; round++) {
  results.baseline.push(JSON.parse(tsx(['bench/captureTask.ts', 'baseline', file])));
  const root = mkdtempSync(join(tmpdir(), 'evalloop-bench-'));
  try {
    results.capture.push(JSON.parse(tsx(['bench/captureTask.ts', 'capture', file, root])));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const base = best(results.baseline);
const ours = best(results.capture);
const mb = base.bytes / (1024 * 1024);
const row = (name, r) => `| ${name} | ${r.cases} | ${r.seconds.toFixed(2)} | ${Math.round(r.cases / r.seconds)} | ${(mb / r.seconds).toFixed(1)} | ${Math.round(r.maxRssMb)} |`;
const ratio = base.seconds / ours.seconds;
const lines = [
  `capture throughput, ${mb.toFixed(0)} MB promptfoo JSONL, best of ${rounds} (${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version})`,
  '',
  '| task | cases | seconds | cases/s | MB/s | peak RSS MB |',
  '|---|---|---|---|---|---|',
  row('baseline: line split + JSON.parse', base),
  row('evalloop capture (fresh workspace, index saved)', ours),
  '',
  `capture / baseline throughput: ${(ratio * 100).toFixed(0)}% (target ≥ 50%: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
  `capture peak RSS: ${Math.round(ours.maxRssMb)} MB (target < 300 MB: ${ours.maxRssMb < 300 ? 'met' : 'NOT met'})`,
];
process.stdout.write(`\n${lines.join('\n')}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/capture-latest.json', JSON.stringify({ date: new Date().toISOString(), megabytes, results }, null, 2));

// the review panel in chromium (needs scripts/setup-e2e.sh's chromium and a built dist/webview.js)
process.stdout.write('\nreview panel in chromium, 100,000 items (stand-in host) …\n');
const web = JSON.parse(tsx(['bench/webviewBench.ts']));
const ms = (n) => `${n.toFixed(1)} ms`;
const webLines = [
  '',
  '| measure | ours | baseline | ratio |',
  '|---|---|---|---|',
  `| first paint after the first page of 100,000 items arrives (median of 5) | ${ms(web.firstPaintMedianMs)} | ${ms(web.baselinePaintMs)} (60 rows by innerHTML) | ${(web.firstPaintMedianMs / web.baselinePaintMs).toFixed(1)}× |`,
  `| j keypress → cursor moved and laid out (median of 200; p95 ${ms(web.nextItemP95Ms)}) | ${ms(web.nextItemMedianMs)} | ${ms(web.baselineMoveMedianMs)} (moving a class) | ${(web.nextItemMedianMs / web.baselineMoveMedianMs).toFixed(1)}× |`,
  `| j keypress → next frame painted (median) | ${ms(web.nextItemToFrameMedianMs)} | | |`,
  '',
  `first paint under 300 ms: ${web.firstPaintMedianMs < 300 ? 'met' : 'NOT met'}; next item under 16 ms median: ${web.nextItemMedianMs < 16 ? 'met' : 'NOT met'}`,
];
process.stdout.write(`${webLines.join('\n')}\n`);
writeFileSync('bench/results/webview-latest.json', JSON.stringify({ date: new Date().toISOString(), ...web }, null, 2));

// corpus: a snapshot of N reviewed items, and the disk use of 20 versions each adding 1,000
const corpusItems = Number(process.env.BENCH_CORPUS_ITEMS ?? 100_000);
process.stdout.write(`\ncorpus: snapshot of ${corpusItems.toLocaleString()} reviewed items; 20 versions of +1,000 …\n`);
const corpus = JSON.parse(tsx(['bench/corpusBench.ts']));
const corpusLines = [
  '',
  '| measure | ours | baseline | ratio |',
  '|---|---|---|---|',
  `| snapshot of ${corpus.items.toLocaleString()} reviewed items (${corpus.records.toLocaleString()} records, 4 formats) | ${corpus.snapshotSeconds.toFixed(2)} s | ${corpus.baselineSeconds.toFixed(2)} s (select + serialise, one file per format) | ${(corpus.snapshotSeconds / corpus.baselineSeconds).toFixed(1)}× |`,
  `| disk use of 20 versions, each +1,000 items | ${(corpus.twentyVersionsBytes / 1e6).toFixed(1)} MB | ${(corpus.oneFullCopyBytes / 1e6).toFixed(1)} MB (one full copy) | ${(corpus.twentyVersionsBytes / corpus.oneFullCopyBytes).toFixed(2)}× |`,
  '',
  `snapshot of 100k under 5 s: ${corpus.items >= 100_000 ? (corpus.snapshotSeconds < 5 ? 'met' : 'NOT met') : 'not measured at 100k'}; 20 versions under 1.5× one copy: ${corpus.twentyVersionsBytes < 1.5 * corpus.oneFullCopyBytes ? 'met' : 'NOT met'}`,
];
process.stdout.write(`${corpusLines.join('\n')}\n`);
writeFileSync('bench/results/corpus-latest.json', JSON.stringify({ date: new Date().toISOString(), ...corpus }, null, 2));

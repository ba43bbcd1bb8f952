// `npm run bench`: every measure at three sizes (BENCH_SIZES, default 10k,100k,1M cases
// or items), each against a baseline timed in the same run, each task in its own
// process so its peak memory is its own. Prints tables, the targets met or not, and
// writes bench/results/latest.json and BENCHMARKS.svg (scripts/benchChart.mjs).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeChart } from './benchChart.mjs';

const sizes = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const dataDir = 'bench/.data';
mkdirSync(dataDir, { recursive: true });
mkdirSync('bench/results', { recursive: true });
const started = Date.now();
const k = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const say = (line) => process.stdout.write(`${line}\n`);

function tsx(args, env = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}
const generate = (fn, path, n) => tsx(['-e', `require('./bench/generateData.ts').${fn}(${JSON.stringify(path)}, ${n}).then(() => console.log('{}'))`]);
const fresh = () => mkdtempSync(join(tmpdir(), 'evalloop-bench-'));

/** Wall time of jq doing the same failure extraction, output discarded. */
function jq(filter, file) {
  const t = performance.now();
  const r = spawnSync('sh', ['-c', `jq -c '${filter}' "${file}" > /dev/null`]);
  if (r.status !== 0) return null;
  return (performance.now() - t) / 1000;
}

// production bundles: what users get, and what activation loads
spawnSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'ignore' });

const results = { machine: `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`, date: new Date().toISOString(), sizes, capture: [], inspect: [], otel: [], queue: [], bulk: [], remote: [], webview: [], corpus: [] };

// 1. capture of promptfoo JSONL, incremental appends, and opening what was captured
for (const n of sizes) {
  const file = join(dataDir, `pf-${n}.jsonl`);
  say(`capture: promptfoo JSONL, ${k(n)} cases …`);
  generate('ensurePromptfooCases', file, n);
  const root = fresh();
  try {
    const copy = join(root, 'results.jsonl');
    copyFileSync(file, copy);
    const parse = tsx(['bench/captureTask.ts', 'baseline', copy]);
    const jqSeconds = jq('select(.success == false) | {id, vars, prompt: .prompt.raw, output: .response.output, asserts: .testCase.assert, reason: .gradingResult.reason}', copy);
    const ours = tsx(['bench/captureTask.ts', 'capture', copy, root]);
    const incremental = tsx(['bench/storeTasks.ts', 'incremental', root, copy]);
    const open = tsx(['bench/storeTasks.ts', 'open', root]);
    results.capture.push({ cases: n, bytes: statSync(file).size, parse, jqSeconds, ours, incremental, open });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// 2. capture of one Inspect `.json` log (a single JSON document: 1M samples would pass
//    V8's largest string, for JSON.parse and for us alike, so at most 100k)
for (const n of sizes.filter((s) => s <= 100_000)) {
  const file = join(dataDir, `inspect-${n}.json`);
  say(`capture: Inspect .json log, ${k(n)} samples …`);
  generate('ensureInspectLog', file, n);
  const root = fresh();
  try {
    const parse = tsx(['bench/captureTask.ts', 'baseline-doc', file]);
    const jqSeconds = jq('.samples[] | select(.scores.match.value != "C") | {id, input, target, output: .output.completion, scores}', file);
    const ours = tsx(['bench/captureTask.ts', 'capture', file, root]);
    results.inspect.push({ cases: n, bytes: statSync(file).size, parse, jqSeconds, ours });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// 2b. capture of OpenTelemetry JSON lines (the collector file exporter), one trace per
//     line; traces join across lines, so their spans are held until the file ends: at most 100k
for (const n of sizes.filter((s) => s <= 100_000)) {
  const file = join(dataDir, `otel-${n}.jsonl`);
  say(`capture: OpenTelemetry JSON lines, ${k(n)} traces …`);
  generate('ensureOtelTraces', file, n);
  const root = fresh();
  try {
    const parse = tsx(['bench/captureTask.ts', 'baseline', file]);
    const ours = tsx(['bench/captureTask.ts', 'capture', file, root]);
    results.otel.push({ cases: n, bytes: statSync(file).size, parse, ours });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// 3. a queue of N items: open it, and review actions from the panel's handler
for (const n of sizes) {
  const file = join(dataDir, `fail-${n}.jsonl`);
  say(`queue of ${k(n)} items: open, review actions …`);
  generate('ensureFailures', file, n);
  const root = fresh();
  try {
    const setup = tsx(['bench/captureTask.ts', 'capture', file, root]);
    const open = tsx(['bench/storeTasks.ts', 'open', root]);
    const review = tsx(['bench/storeTasks.ts', 'review', root]);
    results.queue.push({ items: n, setupSeconds: setup.seconds, open, review });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// 3b. bulk verdicts on N items (at most 100k, like the corpus: a million takes minutes to set up):
//     a verdict on every item, its undo, auto-grading every item, accepting every automatic verdict and its undo
for (const n of sizes.filter((s) => s <= 100_000)) {
  const file = join(dataDir, `grade-${n}.jsonl`);
  say(`bulk verdicts on ${k(n)} items …`);
  generate('ensureGradableFailures', file, n);
  const root = fresh();
  try {
    tsx(['bench/captureTask.ts', 'capture', file, root]);
    results.bulk.push(tsx(['bench/bulkTasks.ts', root]));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// 3c. the shared remote: push and pull of a workspace of N failures, each reviewed (about
//     N events and their blobs), and again after 1,000 more reviews, beside Debian's
//     `aws s3 sync` of the same folder to the same local S3-protocol server
for (const n of sizes.filter((s) => s <= 100_000)) {
  const file = join(dataDir, `grade-${n}.jsonl`);
  say(`shared remote: push and pull, ${k(n)} items …`);
  generate('ensureGradableFailures', file, n);
  const root = fresh();
  try {
    tsx(['bench/captureTask.ts', 'capture', file, root]);
    results.remote.push({ items: n, ...tsx(['bench/remoteBench.ts', root]) });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// 4. the review panel in chromium: first paint and next item, queue of N (stand-in host)
for (const n of sizes) {
  say(`review panel in chromium, ${k(n)} items …`);
  results.webview.push({ items: n, ...tsx(['bench/webviewBench.ts'], { BENCH_QUEUE_ITEMS: String(n) }) });
}

// 5. corpus: snapshot of N reviewed items (1M not run: reviewing a million items in
//    bulk takes minutes here), and 20 versions with verify, once
const corpusSizes = sizes.filter((s) => s <= 100_000);
for (const [i, n] of corpusSizes.entries()) {
  say(`corpus: snapshot of ${k(n)} reviewed items${i === corpusSizes.length - 1 ? '; 20 versions and verify' : ''} …`);
  results.corpus.push(tsx(['bench/corpusBench.ts'], { BENCH_CORPUS_ITEMS: String(n), BENCH_CORPUS_VERSIONS: i === corpusSizes.length - 1 ? '1' : '0' }));
}

// 6. failure clusters over N generated failures: the first build, adding 1,000 more, quality
results.clusters = [];
for (const n of sizes.filter((s) => s <= 100_000)) {
  say(`failure clusters, ${k(n)} failures …`);
  results.clusters.push(tsx(['bench/clusterTask.ts', String(n)]));
}

// 7. activation and bundle sizes
const activations = Array.from({ length: 5 }, () => {
  const r = spawnSync(process.execPath, ['bench/activationTask.cjs'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench/activationTask.cjs failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
results.activation = {
  loadMs: median(activations.map((a) => a.loadMs)),
  activateMs: median(activations.map((a) => a.activateMs)),
  totalMs: median(activations.map((a) => a.totalMs)),
  sqlLoadedDuringActivation: activations.some((a) => a.sqlLoadedDuringActivation),
  bundlesLoaded: activations[0].bundlesLoaded,
  deferredLoadMs: median(activations.map((a) => a.deferredLoadMs)),
};
results.bundles = Object.fromEntries(['extension.js', 'deferredFeatures.js', 'cli.js', 'webview.js', 'sql-wasm.wasm'].map((f) => [f, statSync(join('dist', f)).size]));
results.seconds = (Date.now() - started) / 1000;

// ── report
const s2 = (x) => (x === null || x === undefined ? '–' : x.toFixed(2));
const ms = (x) => `${x.toFixed(1)} ms`;
const pct = (a, b) => `${Math.round((100 * a) / b)}%`;
const lines = [`machine: ${results.machine}; ${results.date.slice(0, 10)}; whole run ${Math.round(results.seconds)} s`, ''];
const table = (head, rows) => lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`), '');
table(
  ['promptfoo JSONL', 'MB', 'JSON.parse s', 'jq s', 'capture s', 'of JSON.parse', '× jq', 'peak RSS MB', 'append 100 ms', 'checkpoint ms', 'open s'],
  results.capture.map((r) => [
    k(r.cases),
    (r.bytes / 2 ** 20).toFixed(0),
    s2(r.parse.seconds),
    s2(r.jqSeconds),
    s2(r.ours.seconds),
    pct(r.parse.seconds, r.ours.seconds),
    r.jqSeconds ? (r.jqSeconds / r.ours.seconds).toFixed(2) : '–',
    Math.round(r.ours.maxRssMb),
    r.incremental.appendMedianMs.toFixed(1),
    r.incremental.checkpointMs.toFixed(0),
    s2(r.open.seconds),
  ]),
);
table(
  ['Inspect .json', 'MB', 'JSON.parse s', 'jq s', 'capture s', 'of JSON.parse', '× jq', 'peak RSS MB'],
  results.inspect.map((r) => [k(r.cases), (r.bytes / 2 ** 20).toFixed(0), s2(r.parse.seconds), s2(r.jqSeconds), s2(r.ours.seconds), pct(r.parse.seconds, r.ours.seconds), r.jqSeconds ? (r.jqSeconds / r.ours.seconds).toFixed(2) : '–', Math.round(r.ours.maxRssMb)]),
);
table(
  ['OTel JSON lines', 'MB', 'JSON.parse s', 'capture s', 'of JSON.parse', 'peak RSS MB'],
  results.otel.map((r) => [k(r.cases), (r.bytes / 2 ** 20).toFixed(0), s2(r.parse.seconds), s2(r.ours.seconds), pct(r.parse.seconds, r.ours.seconds), Math.round(r.ours.maxRssMb)]),
);
table(
  ['queue items', 'capture (set-up) s', 'open s', 'open peak RSS MB', 'index MB', 'review → durable p50 / p95', 'next page p50 / p95', 'header counts (after a pause)', 'Queue tree: waiting by run / tag / suite / assignee / cluster'],
  results.queue.map((r) => [
    k(r.items),
    s2(r.setupSeconds),
    s2(r.open.seconds),
    Math.round(r.open.maxRssMb),
    (r.open.indexBytes / 2 ** 20).toFixed(0),
    `${ms(r.review.durableMedianMs)} / ${ms(r.review.durableP95Ms)}`,
    `${ms(r.review.pageMedianMs)} / ${ms(r.review.pageP95Ms)}`,
    ms(r.review.countsMedianMs),
    Object.values(r.review.treeGroupsMs).map(ms).join(' / '),
  ]),
);
table(
  ['queue items', 'list', 'order', 'any page p50 / p95', 'first deep page (cuts buckets)', 'next page by cursor p50 / p95', 'page at an item p50 / p95', 'baseline: OFFSET page p50 / p95', 'review deep + its page p50 / p95'],
  results.queue.flatMap((r) =>
    Object.values(r.review.deep).map((d) => [
      k(r.items),
      d.list,
      d.sort,
      `${ms(d.pageMedianMs)} / ${ms(d.pageP95Ms)}`,
      ms(d.firstMs),
      `${ms(d.nextMedianMs)} / ${ms(d.nextP95Ms)}`,
      `${ms(d.anchorMedianMs)} / ${ms(d.anchorP95Ms)}`,
      `${ms(d.offsetMedianMs)} / ${ms(d.offsetP95Ms)}${d.offsetRounds < 20 ? ` (${d.offsetRounds} rounds)` : ''}`,
      d.list === 'waiting' && d.sort === 'oldest' ? `${ms(r.review.deepReviewAndPageMedianMs)} / ${ms(r.review.deepReviewAndPageP95Ms)}` : '–',
    ]),
  ),
);
const step = (r) => `${s2(r.seconds)} (${s2(r.cpuSeconds)} CPU)`;
table(
  ['bulk items', 'baseline: serialise + one fsync s', 'review all s', 'undo s', 'auto-grade all s', 'accept all auto s', 'undo accept s', 'peak RSS MB'],
  results.bulk.map((r) => [k(r.items), step(r.baseline), step(r.review), step(r.undo), step(r.autoGrade), step(r.accept), step(r.acceptUndo), Math.round(r.maxRssMb)]),
);
const vsAws = (ours, aws) => (aws === null ? `${s2(ours)} (aws missing)` : `${s2(ours)} vs ${s2(aws)} (${(aws / ours).toFixed(1)}×)`);
table(
  ['remote items', 'events', 'first push vs aws s3 sync up s', 'first pull vs aws s3 sync down s', '+1,000 events: push vs sync up s', 'pull vs sync down s'],
  results.remote.map((r) => [k(r.items), r.events, vsAws(r.first.push, r.first.awsUp), vsAws(r.first.pull, r.first.awsDown), vsAws(r.incremental.push, r.incremental.awsUp), vsAws(r.incremental.pull, r.incremental.awsDown)]),
);
table(
  ['panel queue', 'first paint (median of 5)', 'baseline paint', 'next item median / p95', 'baseline move'],
  results.webview.map((r) => [k(r.items), ms(r.firstPaintMedianMs), ms(r.baselinePaintMs), `${ms(r.nextItemMedianMs)} / ${ms(r.nextItemP95Ms)}`, ms(r.baselineMoveMedianMs)]),
);
table(
  ['reviewed items', 'records', 'snapshot s', 'baseline s (select + serialise)', 'ratio'],
  results.corpus.map((r) => [k(r.items), r.records, s2(r.snapshotSeconds), s2(r.baselineSeconds), `${(r.snapshotSeconds / r.baselineSeconds).toFixed(1)}×`]),
);
table(
  ['failures', 'first build s', 'baseline: signatures only s', 'add 1,000 ms', 'keys looked up', 'index MB before → after', 'purity', 'completeness'],
  results.clusters.map((r) => [k(r.items - 1000), s2(r.buildSeconds), s2(r.baselineSeconds), r.addMs.toFixed(0), r.addKeysLooked, `${r.indexMbBefore.toFixed(0)} → ${r.indexMbAfter.toFixed(0)}`, r.purity.toFixed(3), r.completeness.toFixed(3)]),
);
const versions = results.corpus.find((r) => r.twentyVersionsBytes);
if (versions) lines.push(`20 versions of +1,000: ${(versions.twentyVersionsBytes / 1e6).toFixed(1)} MB vs one full copy ${(versions.oneFullCopyBytes / 1e6).toFixed(1)} MB; verify over them ${s2(versions.verifySeconds)} s (baseline: hashing every file once ${s2(versions.verifyBaselineSeconds)} s)`, '');
const a = results.activation;
lines.push(`activation: module load ${ms(a.loadMs)} + activate() ${ms(a.activateMs)} = ${ms(a.totalMs)}; bundles loaded: ${a.bundlesLoaded.join(', ')}; sql.js loaded during activation: ${a.sqlLoadedDuringActivation}; then the deferred half loads in ${ms(a.deferredLoadMs)}`);
lines.push(
  `bundles: ${Object.entries(results.bundles)
    .map(([f, b]) => `${f} ${(b / 1024).toFixed(0)} KB`)
    .join(', ')}`,
  '',
);

// targets, at the largest size measured for each
const at = (list, key, n) => list.find((r) => r[key] === n);
const big = Math.max(...sizes);
const cap = at(results.capture, 'cases', Math.min(big, 1_000_000)) ?? results.capture.at(-1);
const verdict = (ok) => (ok ? 'met' : 'NOT met');
const appendCosts = results.capture.map((r) => r.incremental.appendMedianMs);
const q = results.queue.at(-1);
const w100 = at(results.webview, 'items', 100_000) ?? results.webview.at(-1);
const c100 = at(results.corpus, 'items', 100_000) ?? results.corpus.at(-1);
const b100 = at(results.bulk, 'items', 100_000) ?? results.bulk.at(-1);
const bulkWorst = b100 && Math.max(b100.review.seconds, b100.autoGrade.seconds, b100.accept.seconds, b100.undo.seconds, b100.acceptUndo.seconds);
const targets = [
  [`capture ≥ 50% of JSON.parse (${k(cap.cases)} JSONL)`, pct(cap.parse.seconds, cap.ours.seconds), cap.parse.seconds / cap.ours.seconds >= 0.5],
  [`capture ≥ 2× jq (${k(cap.cases)} JSONL)`, cap.jqSeconds ? `${(cap.jqSeconds / cap.ours.seconds).toFixed(2)}×` : 'jq missing', cap.jqSeconds !== null && cap.jqSeconds / cap.ours.seconds >= 2],
  ['incremental append cost flat in N (largest ÷ smallest < 2)', appendCosts.map((c) => `${c.toFixed(0)} ms`).join(' → '), Math.max(...appendCosts) / Math.min(...appendCosts) < 2],
  [`open at ${k(q.items)} items < 2 s, < 1 GB`, `${s2(q.open.seconds)} s, ${Math.round(q.open.maxRssMb)} MB`, q.open.seconds < 2 && q.open.maxRssMb < 1024],
  [`review action p95 < 30 ms at ${k(q.items)} items (to durable)`, ms(q.review.durableP95Ms), q.review.durableP95Ms < 30],
  [`review action + next page p95 < 30 ms at ${k(q.items)} items`, ms(q.review.durableP95Ms + q.review.pageP95Ms), q.review.durableP95Ms + q.review.pageP95Ms < 30],
  [
    `any page at any depth p95 < 30 ms at ${k(q.items)} items (waiting and all, every order; worst of any page, next page, page at an item)`,
    Object.values(q.review.deep)
      .map((d) => `${d.list} ${d.sort} ${ms(Math.max(d.pageP95Ms, d.nextP95Ms, d.anchorP95Ms))}`)
      .join(', '),
    Object.values(q.review.deep).every((d) => Math.max(d.pageP95Ms, d.nextP95Ms, d.anchorP95Ms) < 30),
  ],
  [`first paint < 300 ms at ${k(w100.items)}`, ms(w100.firstPaintMedianMs), w100.firstPaintMedianMs < 300],
  ...(b100 ? [[`bulk verdicts on ${k(b100.items)} items < 5 s each (review, undo, auto-grade, accept; to durable)`, `${s2(bulkWorst)} s`, bulkWorst < 5]] : []),
  [`snapshot of ${k(c100.items)} < 5 s`, `${s2(c100.snapshotSeconds)} s`, c100.snapshotSeconds < 5],
  ['activation < 30 ms (module load + activate() returning)', ms(a.totalMs), a.totalMs < 30 && !a.sqlLoadedDuringActivation],
  ['extension bundle < 500 KB (what activation loads; the deferred half beside it)', `${(results.bundles['extension.js'] / 1024).toFixed(0)} KB; ${(results.bundles['deferredFeatures.js'] / 1024).toFixed(0)} KB`, results.bundles['extension.js'] < 500 * 1024],
];
table(
  ['target', 'measured', 'result'],
  targets.map(([t, m, ok]) => [t, m, verdict(ok)]),
);
results.targets = targets.map(([target, measured, ok]) => ({ target, measured, met: ok }));

say(`\n${lines.join('\n')}`);
writeFileSync('bench/results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
writeChart(results, 'BENCHMARKS.svg');
say('wrote bench/results/latest.json and BENCHMARKS.svg');

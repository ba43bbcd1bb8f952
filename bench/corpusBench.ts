// Corpus timings: a snapshot of N reviewed items (all four formats) against a baseline
// of writing the same records with no selection, segments or manifest; and disk use
// of 20 successive versions each adding 1,000 items, against one full copy.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureFile } from '../src/core/capture/captureFile';
import { snapshot } from '../src/core/corpus/snapshot';
import { verifyCorpus } from '../src/core/corpus/verifyCorpus';
import { selectCases } from '../src/core/corpus/selectReviewed';
import { recordsFor, OUTPUT_FORMATS } from '../src/core/corpus/trainingRecords';
import { submitReviews } from '../src/core/review/reviewActions';
import { listItems } from '../src/core/store/storeQueries';
import { WorkspaceStore } from '../src/core/store/workspaceStore';
import { dirBytes } from '../test/unit/testSupport';

function failingLines(from: number, count: number): string {
  const lines: string[] = [];
  for (let i = from; i < from + count; i++) {
    lines.push(JSON.stringify({ success: false, vars: { q: `question ${i}: what is ${i} + ${i}?` }, prompt: { raw: `What is ${i} + ${i}?`, label: 'sum' }, provider: { id: 'm' }, response: { output: `${2 * i + 1}` }, testCase: { vars: {}, assert: [{ type: 'equals', value: `${2 * i}` }] } }));
  }
  return `${lines.join('\n')}\n`;
}

function hashTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) hashTree(path);
    else createHash('sha256').update(readFileSync(path)).digest('hex');
  }
}

async function reviewAll(store: WorkspaceStore): Promise<void> {
  const keys = listItems(store.database, { state: 'new' }).map((i) => i.caseKey);
  for (let i = 0; i < keys.length; i += 5000) submitReviews(store, keys.slice(i, i + 5000), { verdict: 'model-wrong', correction: 'the right answer' }, 'bench');
}

/** Disk use of 20 versions, each adding 1,000 reviewed items, against one full copy; and verify over them. */
async function twentyVersions() {
  let t = 0;
  const root2 = mkdtempSync(join(tmpdir(), 'evalloop-corpus-disk-'));
  const store2 = await WorkspaceStore.open(root2, 'default');
  for (let v = 0; v < 20; v++) {
    writeFileSync(join(root2, `run${v}.jsonl`), failingLines(v * 1000, 1000));
    await captureFile(store2, join(root2, `run${v}.jsonl`));
    await reviewAll(store2);
    snapshot(store2, join(root2, 'corpus'));
  }
  const twentyVersions = dirBytes(join(root2, 'corpus'));
  t = performance.now();
  const report = verifyCorpus(join(root2, 'corpus'));
  const verifySeconds = (performance.now() - t) / 1000;
  if (report.violations.length || report.versions !== 20) throw new Error(`verify of 20 versions: ${JSON.stringify(report).slice(0, 300)}`);
  // baseline for verify: hashing the same files once (sha256 of every byte under corpus/)
  t = performance.now();
  hashTree(join(root2, 'corpus'));
  const verifyBaselineSeconds = (performance.now() - t) / 1000;
  const oneFull = mkdtempSync(join(tmpdir(), 'evalloop-corpus-full-'));
  snapshot(store2, oneFull);
  const fullBytes = dirBytes(oneFull);
  store2.close();
  rmSync(root2, { recursive: true, force: true });
  rmSync(oneFull, { recursive: true, force: true });

  return { twentyVersionsBytes: twentyVersions, oneFullCopyBytes: fullBytes, verifySeconds, verifyBaselineSeconds };
}

async function main(): Promise<void> {
  const items = Number(process.env.BENCH_CORPUS_ITEMS ?? 100_000);
  const root = mkdtempSync(join(tmpdir(), 'evalloop-corpus-bench-'));
  try {
    const store = await WorkspaceStore.open(root, 'default');
    writeFileSync(join(root, 'run.jsonl'), failingLines(0, items));
    let t = performance.now();
    await captureFile(store, join(root, 'run.jsonl'));
    const captureSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await reviewAll(store);
    const reviewSeconds = (performance.now() - t) / 1000;

    // best of two rounds for both (this machine's timings vary by a second between runs)
    let snapshotSeconds = Infinity;
    let baselineSeconds = Infinity;
    let result: ReturnType<typeof snapshot> | undefined;
    for (let round = 0; round < 2; round++) {
      t = performance.now();
      result = snapshot(store, join(root, `corpus${round}`));
      snapshotSeconds = Math.min(snapshotSeconds, (performance.now() - t) / 1000);
      // baseline: select and serialise the same records, one file per format, nothing else
      t = performance.now();
      const selected = selectCases(store, 'reviewed', () => undefined);
      for (const format of OUTPUT_FORMATS) {
        writeFileSync(join(root, `baseline-${format}.jsonl`), selected.flatMap((c) => recordsFor(format, c).map((r) => `${JSON.stringify(r)}\n`)).join(''));
      }
      baselineSeconds = Math.min(baselineSeconds, (performance.now() - t) / 1000);
    }
    store.close();

    const versions = process.env.BENCH_CORPUS_VERSIONS === '0' ? {} : await twentyVersions();
    process.stdout.write(
      `${JSON.stringify({
        items,
        records: Object.values(result!.manifest.files).reduce((a, f) => a + f.records, 0),
        captureSeconds,
        reviewSeconds,
        snapshotSeconds,
        baselineSeconds,
        ...versions,
      })}\n`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});

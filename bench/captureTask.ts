// One measured task, run in its own process so its peak memory is its own:
//   capture <file> <root>  — Eval Loop's capture into a fresh workspace (left in place)
//   baseline <file>        — bare line split + JSON.parse of the same bytes (JSONL)
//   baseline-doc <file>    — JSON.parse of the whole file (one JSON document)
// Prints one JSON line: {task, seconds, cases, bytes, maxRssMb}.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { captureFile } from '../src/core/capture/captureFile';
import { WorkspaceStore } from '../src/core/store/workspaceStore';

async function baseline(path: string): Promise<number> {
  let cases = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      if (nl === -1) break;
      if (nl > from) {
        JSON.parse(text.slice(from, nl));
        cases++;
      }
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  if (rest.trim()) {
    JSON.parse(rest);
    cases++;
  }
  return cases;
}

function baselineDocument(path: string): number {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { samples?: unknown[] };
  return doc.samples?.length ?? 0;
}

async function capture(path: string, root: string): Promise<number> {
  const store = await WorkspaceStore.open(root, 'bench');
  try {
    // a whole-document log of 10k+ samples is over the default 16 MB record limit: raised,
    // as a user capturing one does (--max-record-mb); JSON lines are read line by line
    const report = await captureFile(store, path, { read: { maxRecordBytes: 4096 * 1024 * 1024 } });
    if (report.errors.length) throw new Error(`capture reported errors: ${JSON.stringify(report.errors.slice(0, 3))}`);
    return report.cases;
  } finally {
    store.close(); // the index save is part of the measured work
  }
}

async function main(): Promise<void> {
  const [task, path, root] = process.argv.slice(2);
  if (!task || !path) throw new Error('usage: captureTask <capture|baseline|baseline-doc> <file> [root]');
  const started = process.hrtime.bigint();
  const cases = task === 'baseline' ? await baseline(path) : task === 'baseline-doc' ? baselineDocument(path) : await capture(path, root!);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ task, seconds, cases, bytes: statSync(path).size, maxRssMb })}\n`);
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});

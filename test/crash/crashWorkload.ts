// The workload the crash harness kills: on one workspace, in a loop, it captures a new
// result file, reviews some waiting items, checkpoints the index, and now and then
// writes a corpus version. After each operation is durable it prints an "ack" line;
// whatever was acked must survive a SIGKILL at any later moment.
//   node crashWorkload.js <root> <seed>
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureFile } from '../../src/core/capture/captureFile';
import { snapshot } from '../../src/core/corpus/snapshot';
import { submitReviews } from '../../src/core/review/reviewActions';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';

const [root, seedText] = process.argv.slice(2);
let seed = Number(seedText) >>> 0;
const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
const ack = (line: string) => process.stdout.write(`ack ${line}\n`);

async function main(): Promise<void> {
  const store = await WorkspaceStore.open(root!, 'default', { actor: 'crash' });
  for (let round = 0; ; round++) {
    const op = random();
    if (op < 0.45) {
      // a new result file: about a third of its cases fail
      const name = `run-${seedText}-${round}.jsonl`;
      const cases = 20 + Math.floor(random() * 200);
      const lines: string[] = [];
      for (let i = 0; i < cases; i++) {
        const q = `q${Math.floor(random() * 5000)}`;
        lines.push(JSON.stringify({ success: random() > 0.33, vars: { q }, prompt: { raw: `What is ${q}?`, label: 'Q' }, provider: { id: 'm' }, response: { output: `answer to ${q}` }, testCase: { vars: {}, assert: [{ type: 'llm-rubric', value: 'right' }] } }));
      }
      writeFileSync(join(root!, name), `${lines.join('\n')}\n`);
      const report = await captureFile(store, join(root!, name));
      ack(`capture ${report.runId} ${report.cases}`);
    } else if (op < 0.85) {
      const waiting = listItems(store.database, { state: 'new', limit: 20 });
      if (waiting.length === 0) continue;
      const picked = waiting.filter(() => random() < 0.5).map((i) => i.caseKey);
      if (picked.length === 0) continue;
      const verdict = random() < 0.6 ? 'model-wrong' : 'eval-wrong';
      const ids = submitReviews(store, picked, verdict === 'model-wrong' ? { verdict, correction: 'the right answer' } : { verdict }, 'crash');
      for (const [n, id] of ids.entries()) ack(`review ${id} ${picked[n]} ${verdict}`);
    } else if (op < 0.95) {
      store.save();
      ack('checkpoint');
    } else {
      try {
        const result = snapshot(store, join(root!, 'corpus'), { filter: 'reviewed' });
        ack(`snapshot ${result.version}`);
      } catch (error) {
        // nothing reviewed yet, or a secret in a case: not a crash
        process.stdout.write(`note ${(error as Error).message.split('\n')[0]}\n`);
      }
    }
  }
}

void main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});

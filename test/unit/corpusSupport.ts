// Set-up shared by the corpus tests that run the CLI: a workspace of many reviewed
// failures, each tagged with one of four groups, so filters can draw different subsets.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { captureFile } from '../../src/core/capture/captureFile';
import { submitReviews } from '../../src/core/review/reviewActions';
import { listItems } from '../../src/core/store/storeQueries';
import { WorkspaceStore } from '../../src/core/store/workspaceStore';
import { REPO_ROOT, tempDir } from './testSupport';

export const CLI = join(REPO_ROOT, 'dist/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cliSync(root: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The built CLI in a child process, without waiting for it: several can run at once. */
export function cliAsync(root: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, '--root', root, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A workspace with `count` failed promptfoo cases, all reviewed model-wrong with a correction; the i-th item captured is tagged `g<i % 4>`. */
export async function reviewedWorkspace(count: number, root = tempDir()): Promise<string> {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(JSON.stringify({ success: false, vars: { q: `question ${i}` }, prompt: { raw: `What is ${i} + ${i}?`, label: 'Q' }, provider: { id: 'm' }, response: { output: `${i}` }, testCase: {} }));
  }
  const results = join(root, 'results.jsonl');
  writeFileSync(results, `${lines.join('\n')}\n`);
  const store = await WorkspaceStore.open(root, 'default');
  try {
    await captureFile(store, results);
    const items = listItems(store.database, { limit: 0 });
    if (items.length !== count) throw new Error(`captured ${items.length} items, expected ${count}`);
    for (let g = 0; g < 4; g++) {
      const keys = items.filter((_, i) => i % 4 === g).map((item) => item.caseKey);
      submitReviews(store, keys, { verdict: 'model-wrong', correction: 'the sum', tags: [`g${g}`] }, 'ana');
    }
  } finally {
    store.close();
  }
  return root;
}

/** `text` as a regular expression that matches it literally (for paths in messages). */
export function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

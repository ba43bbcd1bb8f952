// Checks that run inside the editor's extension host (through @vscode/test-electron):
// the extension activates, contributes every command it declares, captures the
// results already in the workspace without a command, captures a new result file
// when it appears, and opens the review panel. Each check throws on failure.
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'evalloop.eval-loop';

interface JournalEvent {
  type: string;
  runId?: string;
}

function journal(root: string): JournalEvent[] {
  const dir = join(root, '.evalloop/default/journal');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalEvent];
      } catch {
        return []; // a line being written
      }
    });
}

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const checks: [string, (root: string) => Promise<void>][] = [
  [
    'the extension activates',
    async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is installed`);
      await extension.activate();
      assert.equal(extension.isActive, true);
    },
  ],
  [
    'every command in package.json is registered',
    async () => {
      const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = manifest.contributes.commands.map((c) => c.command).filter((c) => !registered.has(c));
      assert.deepEqual(missing, []);
    },
  ],
  [
    'the results already in the workspace are captured with no command',
    async (root) => {
      // lm-eval samples, an Inspect log directory, a JUnit report (see runElectronTests.mjs)
      const runs = await until(() => {
        const r = journal(root).filter((e) => e.type === 'run');
        return r.length >= 5 && r;
      }, 'the runs of the workspace results');
      assert.ok(runs.some((r) => r.runId?.startsWith('lm-eval:')));
      assert.ok(runs.some((r) => r.runId?.startsWith('junit:')));
    },
  ],
  [
    'a result file that appears is captured by the watcher',
    async (root) => {
      const before = journal(root).filter((e) => e.type === 'run').length;
      cpSync(join(root, 'seeds/pf-sample.json'), join(root, 'promptfoo/output.json'));
      await until(() => journal(root).some((e) => e.type === 'run' && e.runId?.startsWith('promptfoo:')), 'the promptfoo run');
      assert.equal(journal(root).filter((e) => e.type === 'run').length, before + 1);
    },
  ],
  [
    'Capture Result File captures a file given to it',
    async (root) => {
      await vscode.commands.executeCommand('evalloop.captureFile', vscode.Uri.file(join(root, 'seeds/openai-evals.jsonl')));
      await until(() => journal(root).some((e) => e.type === 'run' && e.runId?.startsWith('openai-evals:')), 'the OpenAI evals run');
    },
  ],
  [
    'Open Review Queue opens the review panel',
    async () => {
      await vscode.commands.executeCommand('evalloop.openQueue');
      await until(() => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Eval Loop: Review'), 'the review panel tab', 20_000);
    },
  ],
];

/** Called by the editor's test runner; rejects when any check fails. */
export async function run(): Promise<void> {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) throw new Error('the in-editor checks need a workspace folder');
  let failed = 0;
  for (const [name, check] of checks) {
    try {
      await check(root);
      console.log(`ok - ${name}`);
    } catch (error) {
      failed++;
      console.error(`not ok - ${name}\n  ${(error as Error).stack ?? String(error)}`);
    }
  }
  console.log(`${checks.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} in-editor checks failed`);
}

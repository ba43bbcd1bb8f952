// A multi-root workspace (a .code-workspace file with two folders): the store lives in
// the first folder, and result files in every folder are captured into it, those
// already there and those that arrive later (here in a folder created with the file).
// The second folder gets no .evalloop/.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/testSupport';
import { startCodeServer, until, type CodeServer } from './codeServerHarness';

function runsIn(folder: string): string[] {
  const dir = join(folder, '.evalloop/default/journal');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.includes('"type":"source"') && l.includes('"done":true'))
    .map((l) => (JSON.parse(l) as { path: string }).path);
}

describe('a multi-root workspace', { timeout: 240_000 }, () => {
  let vscode: CodeServer;
  const base = tempDir('evalloop-e2e-multiroot-');
  const first = join(base, 'app');
  const second = join(base, 'evals');

  before(async () => {
    mkdirSync(first);
    cpSync(join(FIXTURES, 'junit/junit.fail.xml'), join(first, 'reports/junit.fail.xml'));
    cpSync(join(FIXTURES, 'promptfoo/sample-export.json'), join(second, 'promptfoo/output.json'));
    const file = join(base, 'both.code-workspace');
    writeFileSync(file, JSON.stringify({ folders: [{ path: 'app' }, { path: 'evals' }] }));
    vscode = await startCodeServer(file, { workspaceFile: true });
  });
  after(async () => {
    await vscode?.page.screenshot({ path: join(REPO_ROOT, 'test-results/e2e/multiroot-last.png') }).catch(() => undefined);
    await vscode?.stop();
  });

  it('results in both folders are captured into the first folder’s store; the second gets none', async () => {
    const sources = await until(
      () => {
        const s = runsIn(first);
        return s.some((p) => p.endsWith('junit.fail.xml')) && s.some((p) => p.endsWith('output.json')) ? s : undefined;
      },
      'both folders’ results in the first folder’s journal',
      60_000,
    );
    assert.equal(sources.length, 2, sources.join(', '));
    assert.equal(existsSync(join(second, '.evalloop')), false, 'no store in the second folder');
  });

  it('a result file written the moment its folder is created, in the second folder, is captured too', async () => {
    // a new .deepeval/ and its file at once: the file watcher alone missed this about half the time
    cpSync(join(FIXTURES, 'deepeval/test_run_sample.json'), join(second, '.deepeval/.latest_test_run.json'));
    await until(() => runsIn(first).some((p) => p.endsWith('.latest_test_run.json')), 'the new DeepEval run', 60_000);
    const label = await vscode.page.locator('.statusbar-item [aria-label^="Eval Loop:"]').first().getAttribute('aria-label', { timeout: 30_000 });
    assert.match(label ?? '', /Eval Loop: \d+ waiting/);
  });
});

// Symbolic links in a watched workspace, in a real VS Code (code-server). The folder
// holds one real JUnit report, a `logs` link to a folder outside it full of Inspect AI
// logs, a `junit.linked.xml` link to a report outside it, and a link loop. The files
// behind the links match the default watch globs. Automatic capture takes
// only what really lies inside the folder, at start and when files arrive later (one
// through the outside link, one inside); the scan ends despite the loop.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/testSupport';
import { startCodeServer, until, type CodeServer } from './codeServerHarness';

const SHOTS = join(REPO_ROOT, 'test-results/e2e');

describe('symbolic links in a watched workspace', { timeout: 180_000 }, () => {
  let vscode: CodeServer;
  const workspace = tempDir('evalloop-e2e-links-');
  const outside = tempDir('evalloop-e2e-links-outside-');

  /** Every result file read so far (journal `source` events), relative to the folder. */
  function capturedPaths(): string[] {
    const dir = join(workspace, '.evalloop/default/journal');
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    } catch {
      return [];
    }
    return files
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as { type: string; path?: string })
      .filter((e) => e.type === 'source' && e.path)
      .map((e) => e.path!)
      .filter((path, i, all) => all.indexOf(path) === i)
      .sort();
  }

  before(async () => {
    cpSync(join(FIXTURES, 'inspect_ai'), join(outside, 'logs'), { recursive: true });
    copyFileSync(join(FIXTURES, 'junit/junit.fail.xml'), join(outside, 'junit.outside.xml'));
    mkdirSync(join(workspace, 'reports'));
    copyFileSync(join(FIXTURES, 'junit/junit.fail.xml'), join(workspace, 'reports/junit.fail.xml'));
    symlinkSync(join(outside, 'logs'), join(workspace, 'logs'));
    symlinkSync(join(outside, 'junit.outside.xml'), join(workspace, 'reports/junit.linked.xml'));
    symlinkSync(workspace, join(workspace, 'reports/loop'));
    vscode = await startCodeServer(workspace);
  });
  after(async () => {
    await vscode?.page.screenshot({ path: join(SHOTS, 'links-last.png') }).catch(() => undefined);
    await vscode?.stop();
  });

  it('at start, only the report that really lies inside is captured', async () => {
    // at least one inspect log matches `**/logs/*.json` through the link, or the test shows nothing
    assert.ok(readdirSync(join(workspace, 'logs')).some((f) => f.endsWith('.json')));
    await until(() => capturedPaths().length > 0, 'the first capture', 60_000);
    // give a scan that wrongly followed the links time to capture them too
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(capturedPaths(), ['reports/junit.fail.xml']);
  });

  it('files arriving later: the one inside is captured, the one written through the outside link is not', async () => {
    const inspectLog = join(
      FIXTURES,
      'inspect_ai',
      readdirSync(join(FIXTURES, 'inspect_ai')).find((f) => f.endsWith('.json'))!,
    );
    copyFileSync(inspectLog, join(outside, 'logs/arrived-later.json'));
    mkdirSync(join(workspace, 'logs-here/logs'), { recursive: true });
    copyFileSync(inspectLog, join(workspace, 'logs-here/logs/arrived-later.json'));
    await until(() => capturedPaths().includes('logs-here/logs/arrived-later.json'), 'the new file inside to be captured', 60_000);
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(capturedPaths(), ['logs-here/logs/arrived-later.json', 'reports/junit.fail.xml']);
  });
});

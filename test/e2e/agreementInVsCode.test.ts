// The agreement view in a real VS Code (code-server): two reviewers' verdicts, given
// through the CLI, are shown as figures and a confusion matrix drawn as a picture, and
// "disputed" opens the review panel on the items the two disagree on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/testSupport';
import { runCommand, startCodeServer, until, type CodeServer } from './codeServerHarness';

const CLI = join(REPO_ROOT, 'dist/cli.js');

describe('agreement view in code-server', { timeout: 300_000 }, () => {
  let vscode: CodeServer;
  const workspace = tempDir('evalloop-e2e-agree-');
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args, '--root', workspace], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    cli('capture', join(FIXTURES, 'lm_eval'));
    const ids = (JSON.parse(cli('list', '--json', '--limit', '0')) as { id: string }[]).map((i) => i.id).slice(0, 6);
    // ana and ben agree on four items and disagree on two
    cli('review', ...ids, '--verdict', 'model-wrong', '--reviewer', 'ana');
    cli('review', ...ids.slice(0, 4), '--verdict', 'model-wrong', '--reviewer', 'ben');
    cli('review', ...ids.slice(4), '--verdict', 'eval-wrong', '--reviewer', 'ben');
    vscode = await startCodeServer(workspace);
  });
  after(async () => {
    await vscode?.stop();
  });

  it('Show Agreement draws each pair as a matrix and opens the disputed items in the review panel', async () => {
    const page = vscode.page;
    await runCommand(page, 'Eval Loop: Show Agreement');
    const frame: Frame = await until(
      async () => {
        for (const f of page.frames()) if (await f.$('.pair svg')) return f;
        return undefined;
      },
      'the agreement view with a matrix',
      60_000,
    );
    assert.match(await frame.locator('.pair h3').first().innerText(), /ana × ben/);
    assert.match(await frame.locator('.summary').innerText(), /4 agreed · 2 disputed/);
    assert.ok((await frame.locator('.pair svg rect').count()) >= 4, 'the matrix has its cells');
    await page.screenshot({ path: join(REPO_ROOT, 'test-results/e2e/agreement.png') });
    await frame.locator('.open-disputed').click();
    const panel = await until(
      async () => {
        for (const f of page.frames()) {
          const total = await f.evaluate(() => (window as unknown as { __evalloop?: { list: { total: number } } }).__evalloop?.list.total).catch(() => undefined);
          if (total === 2) return f;
        }
        return undefined;
      },
      'the review panel listing the two disputed items',
      60_000,
    );
    assert.ok(panel);
  });
});

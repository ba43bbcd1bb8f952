// Two reviewers double-review a blind queue in a real VS Code (code-server), one after
// the other in one window (the reviewer's name is the `evalloop.reviewer` setting):
// each gets the panel on the items assigned to them; the second sees nothing of the
// first's verdicts until giving their own; the item they disagree on lands in the
// disputed queue, a third person settles it from the panel, and a snapshot that takes
// only agreed or adjudicated labels takes exactly those items.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/testSupport';
import { reviewPanelIn, runCommand, startCodeServer, until, type CodeServer } from './codeServerHarness';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const SHOTS = join(REPO_ROOT, 'test-results/e2e');

interface Review {
  type: string;
  caseKey: string;
  verdict: string;
  reviewer: string;
  grader?: string;
  adjudicate?: boolean;
}

interface PanelState {
  list: { total: number };
  detail: { item: { id: string; blind?: boolean; state: string }; reviews?: { reviewer: string; verdict: string }[] } | null;
}

describe('blind double review, adjudication and a snapshot of trusted labels in code-server', { timeout: 300_000 }, () => {
  let vscode: CodeServer;
  const workspace = tempDir('evalloop-e2e-blind-');
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args, '--root', workspace], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  let ids: string[] = [];
  let keyOf = new Map<string, string>();

  /** The people's reviews in the journals, oldest first. */
  function reviews(): Review[] {
    const dir = join(workspace, '.evalloop/default/journal');
    return readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
      .map((line) => JSON.parse(line) as Review)
      .filter((e) => e.type === 'review' && !e.grader);
  }
  const verdictOf = (reviewer: string, id: string) =>
    reviews()
      .filter((r) => r.reviewer === reviewer && r.caseKey === keyOf.get(id))
      .at(-1)?.verdict;

  const state = (frame: Frame) =>
    frame.evaluate(() => {
      const s = (window as unknown as { __evalloop: PanelState }).__evalloop;
      return { total: s.list.total, detail: s.detail };
    });

  /** What the Eval Loop status bar item says (its accessible label), or null while it shows nothing. */
  const statusBarLabel = (page: Page) =>
    page
      .locator('.statusbar-item [aria-label^="Eval Loop:"]')
      .first()
      .getAttribute('aria-label', { timeout: 1000 })
      .catch(() => null);

  /** Closes the review panel (if open) and makes `name` the reviewer. */
  async function becomeReviewer(page: Page, name: string): Promise<void> {
    await page.keyboard.press('Escape');
    const tab = page.locator('.tab', { hasText: 'Eval Loop: Review' });
    if (await tab.count()) await runCommand(page, 'View: Close All Editors');
    await until(async () => (await tab.count()) === 0 || undefined, 'the review panel closed');
    writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'evalloop.reviewer': name }));
  }

  /** As `name`, opens the queue: the status bar and the panel show what is assigned to them and waits for them. */
  async function reviewAs(page: Page, name: string, assigned: number): Promise<Frame> {
    await becomeReviewer(page, name);
    await until(async () => {
      const label = await statusBarLabel(page);
      return label?.startsWith(`Eval Loop: ${assigned} assigned to you`) || undefined;
    }, `the status bar to count ${assigned} assigned to ${name}`);
    await runCommand(page, 'Eval Loop: Open Review Queue');
    const frame = await reviewPanelIn(page);
    await until(async () => (await state(frame)).total === assigned || undefined, `the panel on the ${assigned} items waiting for ${name}`);
    return frame;
  }

  /**
   * A verdict key then Ctrl+Enter on the item shown; resolves, with the id of the item
   * the journal says was reviewed, once the panel has moved on from it.
   */
  async function verdict(page: Page, frame: Frame, key: string, reviewer: string): Promise<string> {
    const shown = await until(async () => (await state(frame)).detail?.item.id, 'an item shown');
    const before = reviews().length;
    await frame.focus('.queue-list');
    await page.keyboard.press(key);
    await page.keyboard.press('Control+Enter');
    const added = await until(() => reviews()[before], `${reviewer}'s verdict on ${shown} in the journal`);
    assert.equal(added.reviewer, reviewer);
    const id = [...keyOf].find(([, k]) => k === added.caseKey)![0];
    assert.equal(id, shown, 'the verdict is on the item that was shown');
    await until(async () => (await state(frame)).detail?.item.id !== id || undefined, `the panel to move on from ${id}`);
    return id;
  }

  before(async () => {
    cli('capture', join(FIXTURES, 'lm_eval'));
    const listed = JSON.parse(cli('list', '--json', '--limit', '0')) as { id: string; caseKey: string }[];
    keyOf = new Map(listed.map((i) => [i.id, i.caseKey]));
    ids = listed.slice(0, 3).map((i) => i.id);
    // three items, each to both reviewers; the queue is blind
    cli('assign', '--to', 'ana,ben', '--per-item', '2', '--filter', `item:${ids.join(',')}`);
    cli('queue', 'set', '--blind');
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(join(workspace, '.vscode/settings.json'), JSON.stringify({ 'evalloop.reviewer': 'ana' }));
    vscode = await startCodeServer(workspace);
  });
  after(async () => {
    await vscode?.page.screenshot({ path: join(SHOTS, 'blind-last.png') }).catch(() => undefined);
    await vscode?.stop();
  });

  it('ana gets the panel on her three assigned items and labels them from the keyboard', async () => {
    const page = vscode.page;
    const frame = await reviewAs(page, 'ana', 3);
    assert.match(await frame.locator('.team-filters').innerText(), /waiting for ana[\s\S]*blind review/);
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(await verdict(page, frame, '1', 'ana'));
    assert.deepEqual([...seen].sort(), [...ids].sort(), 'the three assigned items, each once');
    for (const id of ids) assert.equal(verdictOf('ana', id), 'model-wrong');
  });

  it("ben sees nothing of ana's verdicts until he gives his own; then he sees hers", async () => {
    const page = vscode.page;
    const frame = await reviewAs(page, 'ben', 3);
    const first = await until(async () => (await state(frame)).detail ?? undefined, 'the first item for ben');
    assert.equal(first.item.blind, true, 'marked blind');
    assert.deepEqual(first.reviews ?? [], [], "no review of ana's is sent to the panel");
    assert.equal(first.item.state, 'new', 'not even the state tells that someone reviewed it');
    const detailText = await frame.locator('.detail').innerText();
    assert.doesNotMatch(detailText, /\bana\b/, "ana's name appears nowhere in the detail");
    await page.screenshot({ path: join(SHOTS, 'blind-before-own-verdict.png') });

    // ben agrees on the first two and says the eval is wrong on the third: a dispute
    const agreed = [await verdict(page, frame, '1', 'ben'), await verdict(page, frame, '1', 'ben')];
    const disputed = await verdict(page, frame, '2', 'ben');
    assert.equal(verdictOf('ben', disputed), 'eval-wrong');

    // now that he has given his verdicts, every item shows ana's
    await frame.locator('.chip-drop').first().click();
    await frame.selectOption('.filter-state', '');
    await until(async () => (await state(frame)).total >= 3 || undefined, 'the whole queue');
    // each of the three, clicked in the list (found by id: the list reloads as the filters change)
    const seen = new Map<string, string[]>();
    for (const id of ids) {
      const shown = await until(async () => {
        const index = await frame.evaluate((target) => {
          const list = (window as unknown as { __evalloop: { list: { total: number; itemAt(i: number): { id: string } | undefined } } }).__evalloop.list;
          for (let i = 0; i < list.total; i++) if (list.itemAt(i)?.id === target) return i;
          return -1;
        }, id);
        if (index < 0) return undefined;
        const now = (await state(frame)).detail;
        if (now?.item.id === id) return now;
        await frame
          .locator(`.queue-row[data-index="${index}"]`)
          .click({ timeout: 2000 })
          .catch(() => undefined);
        return undefined;
      }, `item ${id} shown`);
      seen.set(id, (shown.reviews ?? []).map((r) => `${r.reviewer}:${r.verdict}`).sort());
    }
    for (const id of ids) assert.deepEqual(seen.get(id), ['ana:model-wrong', `ben:${id === disputed ? 'eval-wrong' : 'model-wrong'}`], `what ${id} shows ben now`);
    assert.deepEqual([...agreed, disputed].sort(), [...ids].sort());
  });

  it('cara settles the dispute from the disputed queue, and a snapshot of agreed or adjudicated labels takes exactly those three', async () => {
    const page = vscode.page;
    await becomeReviewer(page, 'cara');
    // nothing is assigned to cara: the status bar counts the whole queue for her
    await until(async () => {
      const label = await statusBarLabel(page);
      return (label && !label.includes('assigned to you')) || undefined;
    }, 'the status bar to count the whole queue for cara');
    await runCommand(page, 'Eval Loop: Show Agreement');
    const view = await until(async () => {
      for (const f of page.frames()) if (await f.$('.open-disputed')) return f;
      return undefined;
    }, 'the agreement view');
    assert.match(await view.locator('.summary').innerText(), /2 agreed · 1 disputed/);
    await view.locator('.open-disputed').click();
    const panel = await until(async () => {
      for (const f of page.frames()) {
        const s = await f.evaluate(() => (window as unknown as { __evalloop?: PanelState }).__evalloop?.list.total).catch(() => undefined);
        if (s === 1) return f;
      }
      return undefined;
    }, 'the review panel on the one disputed item');
    assert.match(await panel.locator('.team-filters').innerText(), /your verdict adjudicates/);
    const settled = await verdict(page, panel, '1', 'cara');
    const adjudication = reviews().at(-1)!;
    assert.equal(adjudication.reviewer, 'cara');
    assert.equal(adjudication.adjudicate, true, 'a verdict in the disputed queue adjudicates');
    assert.equal(adjudication.caseKey, keyOf.get(settled));

    const agreement = JSON.parse(cli('agreement', '--json')) as { byStatus: Record<string, number> };
    assert.equal(agreement.byStatus.agreed, 2);
    assert.equal(agreement.byStatus.adjudicated, 1);
    assert.equal(agreement.byStatus.disputed, 0);
    // only labels two people agreed on, or that were adjudicated
    const snap = JSON.parse(cli('snapshot', '--filter', 'reviews>=2 -disputed', '--json')) as { version: string; items: number };
    const manifest = JSON.parse(readFileSync(join(workspace, 'corpus/versions', snap.version, 'manifest.json'), 'utf8')) as {
      sources: { items: number };
      agreement: { items: Record<string, number> };
    };
    assert.equal(manifest.sources.items, 3, 'the three double-reviewed items, no other');
    assert.equal(manifest.agreement.items.agreed, 2);
    assert.equal(manifest.agreement.items.adjudicated, 1);
    await page.screenshot({ path: join(SHOTS, 'blind-adjudicated.png') });
  });
});

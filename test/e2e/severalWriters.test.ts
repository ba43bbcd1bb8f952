// Several writers on one workspace in a real VS Code (code-server), and the extension
// host killed while it writes. Two windows on the same folder (each with its own
// extension host) review from the keyboard while one CLI process captures and another
// reviews: the journals end with exactly the union of what each was told was saved,
// and both windows count the same queue as the CLI. Then window A's extension host is
// SIGKILLed at a random moment of a review burst and of a capture, EXTHOST_KILLS times
// (default 5): every review its panel acknowledged is in the journal, every result
// file is captured once the host is back, and the index rebuilt from the journals
// agrees. A panel "acknowledges" a review when the host answers `saved`, which it
// does only after the journal append is fsynced; the test listens for those answers
// inside the real panel.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { FIXTURES, REPO_ROOT, tempDir } from '../unit/testSupport';
import { reviewPanelIn, runCommand, startCodeServer, until, waitingInStatusBar, type CodeServer } from './codeServerHarness';

const KILLS = Number(process.env.EXTHOST_KILLS ?? 5);
const SHOTS = join(REPO_ROOT, 'test-results/e2e');
const CLI = join(REPO_ROOT, 'dist/cli.js');
const itemIdOf = (caseKey: string) => createHash('sha256').update(caseKey).digest('hex').slice(0, 12);

interface Event {
  type: string;
  caseKey?: string;
  reviewer?: string;
  grader?: string;
  verdict?: string;
  path?: string;
  done?: boolean;
}

/** Every complete journal line of every writer, with the writer's file. */
function journal(workspace: string): (Event & { file: string })[] {
  const dir = join(workspace, '.evalloop/default/journal');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      // a killed writer can leave a torn last line: it was never acknowledged
      return text
        .slice(0, text.lastIndexOf('\n') + 1)
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ ...(JSON.parse(l) as Event), file }));
    });
}

const humanReviews = <E extends Event>(events: E[]) => events.filter((e) => e.type === 'review' && !e.grader);

function cliSync(workspace: string, ...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args, '--root', workspace], { encoding: 'utf8' });
}

function cliAsync(workspace: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args, '--root', workspace]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

function cliWaiting(workspace: string): number {
  const r = cliSync(workspace, 'status', '--json');
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { byState: Record<string, number> }).byState.new ?? 0;
}

/**
 * Opens (or reveals) the review panel in a window and starts recording, inside the
 * panel, the item ids of every review the host answered `saved` (window.__acks). A
 * panel page not yet listening is preferred: after a host restart the old page may
 * still be around until the panel is revived.
 */
async function openListeningPanel(page: Page): Promise<Frame> {
  await runCommand(page, 'Eval Loop: Open Review Queue');
  const listening = (f: Frame) => f.evaluate(() => Array.isArray((window as unknown as { __acks?: unknown }).__acks));
  const started = Date.now();
  const frame = await until(async () => {
    const panels: Frame[] = [];
    for (const f of page.frames()) if (await f.$('.queue-row .row-title')) panels.push(f);
    for (const f of panels) if (!(await listening(f))) return f;
    return Date.now() - started > 5_000 ? panels[0] : undefined;
  }, 'the review panel');
  await frame.evaluate(() => {
    const w = window as unknown as { __acks?: string[]; __evalloop: { bridge: { request(m: { type: string; ids?: string[] }): Promise<{ type: string }> } } };
    if (w.__acks) {
      w.__acks = [];
      return;
    }
    w.__acks = [];
    const bridge = w.__evalloop.bridge;
    const request = bridge.request.bind(bridge);
    bridge.request = async (m) => {
      const answer = await request(m);
      if (m.type === 'review' && answer.type === 'saved') w.__acks!.push(...(m.ids ?? []));
      return answer;
    };
  });
  return frame;
}

const acksIn = (frame: Frame) => frame.evaluate(() => (window as unknown as { __acks: string[] }).__acks.slice());

/** Shows only one run's items in a panel (by the run label's text). */
async function showRun(frame: Frame, labelPart: string): Promise<void> {
  const labels = () => frame.evaluate(() => Array.from(document.querySelectorAll<HTMLOptionElement>('select.filter-run option')).map((o): [string, string] => [o.value, o.textContent ?? '']));
  const value = await until(async () => (await labels()).find(([, text]) => text.includes(labelPart))?.[0], `a run labelled …${labelPart}… (${JSON.stringify(await labels())})`, 10_000).catch(async () => {
    throw new Error(`no run labelled …${labelPart}… among ${JSON.stringify(await labels())}`);
  });
  await frame.selectOption('select.filter-run', value);
  await until(async () => (await frame.locator('.queue-row').count()) > 0 || undefined, `the ${labelPart} rows`);
}

/**
 * Reviews `count` items one after another from the keyboard, waiting for each
 * acknowledgement and then for the next item to be shown (as a person would: a key
 * pressed while the next item is still loading belongs to no item yet).
 */
async function reviewFromKeyboard(page: Page, frame: Frame, count: number, key: string): Promise<void> {
  await frame.focus('.queue-list');
  for (let i = 0; i < count; i++) {
    const before = (await acksIn(frame)).length;
    await page.keyboard.press(key);
    await page.keyboard.press('Control+Enter');
    await until(async () => (await acksIn(frame)).length > before || undefined, `review ${i + 1} to be acknowledged`).catch(async (error: unknown) => {
      await page.screenshot({ path: join(SHOTS, `writers-stuck-${key}.png`) });
      throw error;
    });
    const reviewed = (await acksIn(frame)).at(-1);
    await until(() => frame.evaluate((id) => (window as unknown as { __evalloop: { detail: { item: { id: string } } | null } }).__evalloop.detail?.item.id !== id, reviewed), `the item after review ${i + 1}`);
  }
}

/** A promptfoo export that reads as a new run of new cases: each case `copies` times with its prompt changed. */
function promptfooVariant(round: number, copies: number): string {
  type Result = { prompt?: { raw?: string }; response?: { output?: unknown } };
  const data = JSON.parse(readFileSync(join(FIXTURES, 'promptfoo/sample-export.json'), 'utf8')) as { evalId?: string; results: { results: Result[] } };
  data.evalId = `eval-round-${round}`;
  data.results.results = data.results.results.flatMap((r) =>
    Array.from({ length: copies }, (_, c) => {
      const copy = JSON.parse(JSON.stringify(r)) as Result;
      if (copy.prompt?.raw) copy.prompt.raw = `${copy.prompt.raw} [round ${round}, variant ${c}]`;
      return copy;
    }),
  );
  return JSON.stringify(data);
}

describe('several writers, and a killed extension host', { timeout: 600_000 }, () => {
  let vscode: CodeServer;
  let windowA: Page;
  let windowB: Page;
  let hostB: number;
  const workspace = tempDir('evalloop-e2e-writers-');

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    cpSync(join(FIXTURES, 'inspect_ai'), join(workspace, 'logs'), { recursive: true });
    cpSync(join(FIXTURES, 'lm_eval'), join(workspace, 'lm_eval_out'), { recursive: true });
    cpSync(join(FIXTURES, 'junit/junit.fail.xml'), join(workspace, 'reports/junit.fail.xml'));
    cpSync(join(FIXTURES, 'promptfoo/sample-export.json'), join(workspace, 'promptfoo/output.json'));
    // enough waiting items for the review bursts
    writeFileSync(join(workspace, 'promptfoo/many.json'), promptfooVariant(0, 25));
    vscode = await startCodeServer(workspace);
    windowA = vscode.page;
    await until(async () => (await waitingInStatusBar(windowA)) > 0 || undefined, 'window A to capture', 60_000);
    const [hostA] = await until(() => (vscode.extensionHosts().length === 1 ? vscode.extensionHosts() : undefined), 'window A’s extension host');
    windowB = await vscode.openWindow();
    hostB = (await until(() => vscode.extensionHosts().find((p) => p !== hostA), 'window B’s extension host'))!;
  });
  after(async () => {
    await windowA?.screenshot({ path: join(SHOTS, 'writers-last-A.png') }).catch(() => undefined);
    await windowB?.screenshot({ path: join(SHOTS, 'writers-last-B.png') }).catch(() => undefined);
    await vscode?.stop();
  });

  it('two windows on one workspace count the same queue as the CLI', async () => {
    const expected = cliWaiting(workspace);
    assert.ok(expected >= 80, `${expected} waiting`);
    await until(async () => ((await waitingInStatusBar(windowA)) === expected && (await waitingInStatusBar(windowB)) === expected) || undefined, `both windows to count ${expected}`);
  });

  it('four writers at once (two windows from the keyboard, a CLI capture, a CLI review) end with exactly the union of what each was told', async () => {
    const before = humanReviews(journal(workspace)).length;
    const frameA = await openListeningPanel(windowA);
    const frameB = await openListeningPanel(windowB);
    await showRun(frameA, 'math_perturbed');
    await showRun(frameB, 'riddles · openai:gpt-5-mini, openai:gpt-5 (100 failed)');
    // the CLI reviews the Inspect and JUnit items; another CLI captures files outside the watch globs
    const inspect = (JSON.parse(cliSync(workspace, 'list', '--limit', '0', '--json').stdout) as { id: string; format: string }[]).filter((i) => i.format === 'inspect' || i.format === 'junit').map((i) => i.id);
    assert.ok(inspect.length >= 2, `${inspect.length} Inspect and JUnit items`);
    mkdirSync(join(workspace, 'extra'));
    cpSync(join(FIXTURES, 'openai_evals/230417220821DPM75QNS_auto_gpt_completion_fn_test-match.jsonl'), join(workspace, 'extra/evals-log.data'));
    cpSync(join(FIXTURES, 'deepeval/test_run_sample.json'), join(workspace, 'extra/deepeval-run.data'));
    const [, , captureA, captureB, ...cliReviews] = await Promise.all([
      reviewFromKeyboard(windowA, frameA, 6, '4'),
      reviewFromKeyboard(windowB, frameB, 3, '2'),
      cliAsync(workspace, 'capture', join(workspace, 'extra/evals-log.data')),
      cliAsync(workspace, 'capture', join(workspace, 'extra/deepeval-run.data'), '--format', 'deepeval'),
      ...inspect.map((id) => cliAsync(workspace, 'review', id, '--verdict', 'ambiguous', '--reviewer', 'cli-2')),
    ]);
    for (const r of [captureA!, captureB!, ...cliReviews]) assert.equal(r.code, 0, r.stderr);
    await windowA.screenshot({ path: join(SHOTS, 'writers-A.png') });
    await windowB.screenshot({ path: join(SHOTS, 'writers-B.png') });

    const told = [...(await acksIn(frameA)).map((id) => `${id} discard`), ...(await acksIn(frameB)).map((id) => `${id} eval-wrong`), ...inspect.map((id) => `${id} ambiguous`)];
    const reviews = humanReviews(journal(workspace)).slice(before);
    assert.deepEqual(reviews.map((e) => `${itemIdOf(e.caseKey!)} ${e.verdict}`).sort(), told.sort(), 'the journals hold exactly the acknowledged reviews');
    assert.equal(told.length, 6 + 3 + inspect.length);
    const files = new Set(reviews.map((e) => e.file));
    assert.ok(files.size >= 3, `each writer appends to its own journal (${[...files].join(', ')})`);
    const captured = journal(workspace).filter((e) => e.type === 'run').length;
    assert.equal(captured, 7 + 2, 'seven runs from the watcher, two from the CLI');

    // both windows catch up with every other writer
    const expected = cliWaiting(workspace);
    await until(async () => ((await waitingInStatusBar(windowA)) === expected && (await waitingInStatusBar(windowB)) === expected) || undefined, `both windows to count ${expected}`);
  });

  it(`window A's extension host SIGKILLed ${KILLS} times mid-review and mid-capture: every acknowledged review is in the journal, every file is captured`, async () => {
    let told: string[] = [];
    let pressed = 0;
    const reviewsBefore = humanReviews(journal(workspace)).length;
    let hostA = vscode.extensionHosts().find((p) => p !== hostB)!;
    for (let round = 1; round <= KILLS; round++) {
      const frame = await openListeningPanel(windowA);
      await frame.focus('.queue-list');
      // a result file arrives (the watcher captures it after its debounce), and a burst of reviews
      mkdirSync(join(workspace, 'promptfoo'), { recursive: true });
      writeFileSync(join(workspace, `promptfoo/round-${round}.json`), promptfooVariant(round, 5));
      const killAt = Date.now() + 300 + Math.random() * 2200;
      let acks: string[] = [];
      while (Date.now() < killAt) {
        await windowA.keyboard.press(round % 2 ? '4' : '3');
        await windowA.keyboard.press('Control+Enter');
        pressed++;
        acks = await acksIn(frame).catch(() => acks);
        await windowA.waitForTimeout(20 + Math.random() * 60);
      }
      process.kill(hostA, 'SIGKILL');
      told = told.concat(acks);
      const killed = hostA;
      // VS Code restarts a crashed host by itself twice; after the third crash in five minutes it asks
      const restart = windowA.locator('.notification-toast .monaco-button', { hasText: /Restart .*Extension Host/ });
      hostA = await until(
        async () => {
          if (await restart.first().isVisible()) await restart.first().click();
          return vscode.extensionHosts().find((p) => p !== hostB && p !== killed);
        },
        `window A's extension host to restart after kill ${round}`,
        60_000,
      );
      await until(async () => (await waitingInStatusBar(windowA)) >= 0 || undefined, `window A's status bar after kill ${round}`, 60_000);
    }
    await windowA.screenshot({ path: join(SHOTS, 'writers-after-kills.png') });

    // every acknowledged review is in the journal (a review in flight at the kill may be there too)
    const reviews = humanReviews(journal(workspace))
      .filter((e) => e.verdict === 'discard' || e.verdict === 'ambiguous')
      .filter((e) => e.reviewer !== 'cli-2');
    const inJournal = new Map<string, number>();
    for (const e of reviews) inJournal.set(itemIdOf(e.caseKey!), (inJournal.get(itemIdOf(e.caseKey!)) ?? 0) + 1);
    const ackCounts = new Map<string, number>();
    for (const id of told) ackCounts.set(id, (ackCounts.get(id) ?? 0) + 1);
    for (const [id, n] of ackCounts) assert.ok((inJournal.get(id) ?? 0) >= n, `item ${id}: acknowledged ${n}×, in the journal ${inJournal.get(id) ?? 0}×`);
    assert.ok(told.length > 0, 'some reviews were acknowledged before the kills');

    // every round's file is captured once the host is back (a capture cut short is redone)
    for (let round = 1; round <= KILLS; round++) {
      await until(() => journal(workspace).some((e) => e.type === 'source' && e.done && e.path?.endsWith(`round-${round}.json`)) || undefined, `round-${round}.json to be captured`, 60_000);
    }

    // both windows and the CLI agree, and the index rebuilt from the journals matches
    const expected = cliWaiting(workspace);
    await until(async () => ((await waitingInStatusBar(windowA)) === expected && (await waitingInStatusBar(windowB)) === expected) || undefined, `both windows to count ${expected} after the kills`);
    const doctor = cliSync(workspace, 'doctor', '--rebuild', '--json');
    const findings = (JSON.parse(doctor.stdout) as { findings: { what: string }[] }).findings;
    assert.deepEqual(findings, [], doctor.stdout);
    const written = humanReviews(journal(workspace)).length - reviewsBefore;
    process.stdout.write(`# ${KILLS} extension host kills: ${pressed} submits pressed, ${told.length} acknowledged, ${written} in the journal\n`);
  });
  it('a review panel open when its window reloads comes back by itself, with its run filter', async () => {
    const filterBefore = await until(async () => {
      for (const f of windowB.frames()) if (await f.$('.queue-row .row-title')) return f.evaluate(() => (document.querySelector('select.filter-run') as HTMLSelectElement).value);
      return undefined;
    }, 'window B’s panel');
    await windowB.reload();
    await windowB.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // no command: VS Code restores the panel and the extension's serializer reconnects it
    const revived = await reviewPanelIn(windowB, 60_000);
    assert.equal(await revived.evaluate(() => (document.querySelector('select.filter-run') as HTMLSelectElement).value), filterBefore);
    await windowB.screenshot({ path: join(SHOTS, 'writers-B-reloaded.png') });
  });
});

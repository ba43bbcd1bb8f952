// Starts a real VS Code (code-server) with the built extension installed and drives
// it with Playwright in Debian's chromium. Used by the end-to-end tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { REPO_ROOT } from '../unit/testSupport';

export interface CodeServer {
  url: string;
  workspace: string;
  page: Page;
  /** Opens one more window (a browser tab) on the same folder; it gets its own extension host. */
  openWindow(): Promise<Page>;
  /** Process ids of this code-server's extension hosts (one per open window). */
  extensionHosts(): number[];
  stop(): Promise<void>;
}

/** Every process below `root`, with its command line. */
function descendants(root: number): { pid: number; args: string }[] {
  const rows = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
  const found: { pid: number; args: string }[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows) {
      if (parents.has(row.ppid) && !parents.has(row.pid)) {
        parents.add(row.pid);
        found.push(row);
        grew = true;
      }
    }
  }
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function setupPaths(): { node: string; codeServer: string } {
  const r = spawnSync('bash', [join(REPO_ROOT, 'scripts/setup-e2e.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error('scripts/setup-e2e.sh failed');
  const vars = Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string]),
  );
  return { node: vars.NODE24!, codeServer: vars.CODE_SERVER! };
}

/** Installs the packaged extension (npm run package) the way a user would. */
function installExtension(node: string, codeServer: string, extensionsDir: string, userDir: string): void {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = join(REPO_ROOT, `${pkg.name}-${pkg.version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first`);
  const r = spawnSync(node, [codeServer, '--extensions-dir', extensionsDir, '--user-data-dir', userDir, '--install-extension', vsix], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed: ${r.stderr || r.stdout}`);
}

export interface CodeServerOptions {
  /** false opens the folder in Restricted Mode (workspace trust on, the folder not trusted). */
  trusted?: boolean;
  /** true opens `workspace` as a .code-workspace file (a multi-root workspace) instead of a folder. */
  workspaceFile?: boolean;
  /**
   * A command that code-server is run under, given code-server's own command line as
   * its last arguments (for example `unshare` with a script that mounts something first).
   */
  launcher?: string[];
}

/**
 * Records what the window announces for each notification. VS Code gives every
 * notification an aria alert ("Warning: …"), but a toast only to the first three that
 * arrive within 800 ms (NotificationsToasts.SPAM_PROTECTION); the others are only
 * announced and listed in the notification centre. Runs in the workbench page only
 * (the init script also reaches the webviews' frames).
 */
const RECORD_ANNOUNCEMENTS = `(() => {
  if (window !== window.top) return;
  const heard = (window.__announced = []);
  const watch = () => {
    const container = document.querySelector('.monaco-aria-container');
    if (!container) return void setTimeout(watch, 50);
    new MutationObserver((records) => {
      for (const r of records) {
        if (!(r.target instanceof Element) || !r.target.classList.contains('monaco-alert')) continue;
        for (const n of r.addedNodes) if (n.nodeType === Node.TEXT_NODE && n.data) heard.push(n.data);
      }
    }).observe(container, { childList: true, subtree: true });
  };
  watch();
})();`;

export async function startCodeServer(workspace: string, options: CodeServerOptions = {}): Promise<CodeServer> {
  const { node, codeServer } = setupPaths();
  const home = mkdtempSync(join(tmpdir(), 'evalloop-e2e-'));
  const extensionsDir = join(home, 'extensions');
  const userDir = join(home, 'user');
  mkdirSync(join(userDir, 'User'), { recursive: true });
  installExtension(node, codeServer, extensionsDir, userDir);
  writeFileSync(
    join(userDir, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': options.trusted === false,
      'security.workspace.trust.startupPrompt': 'never',
      'workbench.startupEditor': 'none',
      'chat.disableAIFeatures': true,
    }),
  );
  const port = await freePort();
  const command = [node, codeServer, ...['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--extensions-dir', extensionsDir, '--user-data-dir', userDir], ...['--disable-telemetry', '--disable-update-check', workspace]];
  const [program, ...args] = [...(options.launcher ?? []), ...command] as [string, ...string[]];
  const child: ChildProcess = spawn(program, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('code-server did not start within 60 s')), 60_000);
    let said = '';
    const watch = (chunk: Buffer) => {
      said = (said + String(chunk)).slice(-2000);
      if (/HTTP server listening/.test(String(chunk))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.on('exit', (code) => reject(new Error(`code-server exited with ${code}: ${said.trim()}`)));
  });
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const url = `http://127.0.0.1:${port}/?${options.workspaceFile ? 'workspace' : 'folder'}=${workspace}`;
  const openWindow = async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(RECORD_ANNOUNCEMENTS);
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    return page;
  };
  const page = await openWindow();
  return {
    url,
    workspace,
    page,
    openWindow,
    extensionHosts: () =>
      descendants(child.pid!)
        .filter((p) => p.args.includes('--type=extensionHost'))
        .map((p) => p.pid),
    stop: async () => {
      await browser.close().catch(() => undefined);
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}

/** Runs a palette command, retrying until the extension has contributed it. */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await page.keyboard.press('F1');
    // type only once the palette has focus, or the keys land in whatever editor is open
    const input = page.locator('.quick-input-widget input.input');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title });
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      // the palette can close under us (an editor opening takes focus): then start again
      await input.fill(`>${title}`, { timeout: 3_000 });
      await row.first().waitFor({ timeout: 2_000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
  throw new Error(`command "${title}" never appeared in the palette`);
}

/** How many notifications the window has announced so far (for waitForNotification's `after`). */
export function notificationsAnnounced(page: Page): Promise<number> {
  return page.evaluate(() => ((window as unknown as { __announced?: string[] }).__announced ?? []).length);
}

/** How long a notification is given to get its toast once announced (toasts are painted on a later frame). */
const TOAST_GRACE_MS = 1_000;

const words = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Waits for a notification whose text matches and gives its text: its toast's, or, when
 * VS Code holds the toast back (more than three notifications within 800 ms), what the
 * window announced for it ("Warning: …"). Either way it is in the window's notification
 * list. With `after` (from notificationsAnnounced) only later notifications count, so a
 * like one from earlier, or its toast still on screen (an error stays until closed), is
 * not taken for it.
 */
export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 30_000, after = 0): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let toasts: string[] = [];
  let announced: string[] = [];
  let heardAt: number | undefined;
  while (Date.now() < deadline) {
    announced = (await page.evaluate(() => (window as unknown as { __announced?: string[] }).__announced ?? [])).slice(after);
    toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts();
    const heard = announced.filter((t) => pattern.test(t)).map((t) => words(t.replace(/^(Info|Warning|Error): /, '')));
    if (heard.length) {
      const toast = toasts.find((t) => pattern.test(t) && heard.some((h) => words(t).includes(h)));
      if (toast) return toast;
      heardAt ??= Date.now();
      if (Date.now() - heardAt >= TOAST_GRACE_MS) return heard[0]!;
    }
    await page.waitForTimeout(250);
  }
  const list = (texts: string[]) => texts.map((t) => JSON.stringify(t.slice(0, 300))).join(', ') || 'none';
  throw new Error(`no notification matching ${pattern} (announced${after ? ` since the ${after} before` : ''}, oldest first: ${list(announced)}; toasts on screen: ${list(toasts)})`);
}

/**
 * Polls `probe` every 200 ms until it gives a truthy value (a probe that throws counts
 * as not yet: a page or file may be mid-change) and returns it; fails after `timeoutMs`.
 */
export async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The review panel's frame in a window, once it lists items. */
export function reviewPanelIn(page: Page, timeoutMs = 30_000): Promise<Frame> {
  return until(
    async () => {
      for (const f of page.frames()) if (await f.$('.queue-row .row-title')) return f;
      return undefined;
    },
    'the review panel',
    timeoutMs,
  );
}

/** How many items the status bar says are waiting for review (NaN while it shows none). */
export async function waitingInStatusBar(page: Page): Promise<number> {
  const label = await page.locator('.statusbar-item [aria-label^="Eval Loop:"]').first().getAttribute('aria-label', { timeout: 1000 });
  const n = /(\d+) waiting/.exec(label ?? '')?.[1];
  return n === undefined ? NaN : Number(n);
}

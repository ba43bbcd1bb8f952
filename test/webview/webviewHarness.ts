// Loads the built review panel (dist/webview.js, media/review.css) in headless
// chromium under the panel's real CSP, with a stand-in host that speaks the real
// protocol: every message is validated with the same schemas as the extension.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { hostMessageSchema, webviewMessageSchema, type HostMessage, type WebviewMessage } from '../../src/protocol/reviewProtocol';
import type { WorkspaceStore } from '../../src/core/store/workspaceStore';
import type { PanelActions } from '../../src/extension/review/reviewRequestHandler';
import { REPO_ROOT } from '../unit/testSupport';

export interface WebviewSession {
  page: Page;
  /** Messages the webview sent (validated). */
  received: WebviewMessage[];
  /** Requests to anything but the page, its script and its stylesheet. */
  strayRequests: string[];
  rejected: number;
  close(): Promise<void>;
}

const NONCE = 'c3RhbmQtaW4taG9zdA==';

function pageHtml(): string {
  const csp = ["default-src 'none'", `style-src 'self' 'nonce-${NONCE}'`, "font-src 'self'", "img-src 'self'", `script-src 'nonce-${NONCE}'`].join('; ');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<link rel="stylesheet" href="/review.css" nonce="${NONCE}">
<style nonce="${NONCE}">:root{--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-foreground:#222;--vscode-editor-background:#fff;--vscode-editor-font-family:monospace;}</style>
</head><body><div id="app"></div>
<script nonce="${NONCE}">
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__toHost(m), getState: () => window.__panelState, setState: (s) => { window.__panelState = s; } });
</script>
<script type="module" nonce="${NONCE}" src="/webview.js"></script>
</body></html>`;
}

function serve(): Promise<Server> {
  const files: Record<string, [string, string]> = {
    '/': [pageHtml(), 'text/html'],
    '/webview.js': [readFileSync(join(REPO_ROOT, 'dist/webview.js'), 'utf8'), 'text/javascript'],
    '/review.css': [readFileSync(join(REPO_ROOT, 'media/review.css'), 'utf8'), 'text/css'],
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[1] }).end(file[0]);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let browser: Browser | undefined;

/**
 * Opens the panel against `answer`, the stand-in host. The state VS Code keeps for a
 * panel (getState/setState) lives in `window.__panelState`: an `initScript` that sets
 * it opens the panel as VS Code restores it after a window reload.
 */
export async function openWebview(answer: (message: WebviewMessage, post: (m: HostMessage) => void) => void | Promise<void>, initScript?: string): Promise<WebviewSession> {
  browser ??= await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const server = await serve();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const session: WebviewSession = {
    page,
    received: [],
    strayRequests: [],
    rejected: 0,
    close: async () => {
      await page.close();
      server.close();
    },
  };
  page.on('request', (r) => {
    if (![`${origin}/`, `${origin}/webview.js`, `${origin}/review.css`].includes(r.url())) session.strayRequests.push(r.url());
  });
  const post = (m: HostMessage) => {
    const checked = hostMessageSchema.parse(m);
    page.evaluate((message) => window.postMessage(message, '*'), checked as unknown as Record<string, unknown>).catch(() => undefined); // the page may be closing
  };
  await page.exposeFunction('__toHost', async (raw: unknown) => {
    const parsed = webviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      session.rejected++;
      return;
    }
    session.received.push(parsed.data);
    await answer(parsed.data, post);
  });
  if (initScript) await page.addInitScript(initScript);
  await page.goto(`${origin}/`);
  return session;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

/**
 * The panel against a real store, answered by the extension's own request handler (as
 * the review panel host does), with the store's reads and writes run directly.
 */
export async function openPanelOnStore(store: WorkspaceStore, actions: PanelActions = { openSource: async () => undefined, openDiff: async () => undefined }, onPost: (post: (m: HostMessage) => void) => void = () => undefined, initScript?: string): Promise<WebviewSession> {
  const { ReviewRequestHandler } = await import('../../src/extension/review/reviewRequestHandler');
  type Store = typeof store;
  const access = { read: async <T>(work: (s: Store) => T | Promise<T>) => work(store), write: async <T>(work: (s: Store) => T | Promise<T>) => work(store) };
  let handler: InstanceType<typeof ReviewRequestHandler> | undefined;
  const view = await openWebview(async (message, post) => {
    onPost(post);
    handler ??= new ReviewRequestHandler(access, async () => 'tester', actions, post);
    await handler.handle(message);
  }, initScript);
  await view.page.waitForSelector('.queue-row .row-title');
  await view.page.waitForSelector('.detail-title');
  return view;
}

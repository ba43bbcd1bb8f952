// The review panel's host side: one webview panel with a strict CSP, every incoming
// message validated, answers from the shared request handler.
import * as vscode from 'vscode';
import { webviewMessageSchema, type HostMessage, type QueueFilter } from '../../protocol/reviewProtocol';
import type { PinnedInputs } from '../corpus/pinnedInputs';
import type { StoreSession } from '../storeSession';
import { REVIEW_PANEL_TYPE } from './reviewPanelType';
import { ReviewRequestHandler, type PanelActions } from './reviewRequestHandler';
import { webviewHtml } from '../webviewPage';

/** What the panel should show when it opens: an item, or the queue under a filter. */
export interface PanelTarget {
  itemId?: string;
  filter?: QueueFilter;
}

export class ReviewPanel implements vscode.Disposable {
  private static current: ReviewPanel | undefined;
  private readonly handler: ReviewRequestHandler;
  private readonly subscriptions: vscode.Disposable[] = [];

  /** A target asked for before the page said it is ready: sent once it is (a message sent earlier is lost). */
  private pendingTarget: PanelTarget | undefined;
  private ready = false;

  /** Whether a review panel is open (a new one opens on the reviewer's own assignments, an open one keeps its filter). */
  static get isOpen(): boolean {
    return ReviewPanel.current !== undefined;
  }

  static show(extensionUri: vscode.Uri, session: StoreSession, pinned: PinnedInputs, reviewer: () => Promise<string>, actions: PanelActions, output: vscode.OutputChannel, target: PanelTarget = {}): ReviewPanel {
    if (!ReviewPanel.current) ReviewPanel.current = new ReviewPanel(ReviewPanel.createPanel(extensionUri), extensionUri, session, pinned, reviewer, actions, output);
    else ReviewPanel.current.panel.reveal(undefined, false);
    ReviewPanel.current.target(target);
    return ReviewPanel.current;
  }

  private target(target: PanelTarget): void {
    if (!target.itemId && !target.filter) return;
    if (!this.ready) {
      this.pendingTarget = target;
      return;
    }
    if (target.filter) this.post({ type: 'filter', filter: target.filter });
    if (target.itemId) this.post({ type: 'select', id: target.itemId });
  }

  /**
   * Takes over a panel VS Code restores when the window reloads: the page reloads and
   * its saved filter comes back.
   */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, session: StoreSession, pinned: PinnedInputs, reviewer: () => Promise<string>, actions: PanelActions, output: vscode.OutputChannel): void {
    if (ReviewPanel.current) {
      panel.dispose(); // one review panel at a time
      return;
    }
    panel.webview.options = ReviewPanel.webviewOptions(extensionUri);
    ReviewPanel.current = new ReviewPanel(panel, extensionUri, session, pinned, reviewer, actions, output);
  }

  private static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')] };
  }

  private static createPanel(extensionUri: vscode.Uri): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(REVIEW_PANEL_TYPE, 'Eval Loop: Review', vscode.ViewColumn.Active, ReviewPanel.webviewOptions(extensionUri));
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    session: StoreSession,
    pinned: PinnedInputs,
    reviewer: () => Promise<string>,
    actions: PanelActions,
    output: vscode.OutputChannel,
  ) {
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'evalloop.svg');
    this.handler = new ReviewRequestHandler(session, reviewer, actions, (m) => this.post(m), pinned.lookup);
    this.panel.webview.html = this.html();
    this.subscriptions.push(
      this.panel.webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = webviewMessageSchema.safeParse(raw);
        if (!parsed.success) {
          output.appendLine(`review panel: ignored a malformed message (${parsed.error.issues[0]?.message ?? 'invalid'})`);
          return;
        }
        void this.handler.handle(parsed.data).then(() => {
          if (parsed.data.type !== 'ready') return;
          this.ready = true;
          const pending = this.pendingTarget;
          this.pendingTarget = undefined;
          if (pending) this.target(pending);
        });
      }),
      session.onDidChange(() => {
        // the panel's own reviews refresh it already; this is for captures and other processes
        if (this.handler.writing) return;
        this.post({ type: 'changed' });
        void this.handler.snapshot();
      }),
      // a slice pinned or removed: the marks on the listed cases change
      pinned.onDidChange(() => this.post({ type: 'changed' })),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.extensionUri, { script: 'webview.js', style: 'review.css', title: 'Eval Loop: Review' });
  }

  dispose(): void {
    if (ReviewPanel.current === this) ReviewPanel.current = undefined;
    this.handler.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
  }
}

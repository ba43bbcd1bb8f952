// Eval Loop: Show Agreement — a webview with the queue's agreement figures: α, κ per pair
// of reviewers with a confusion matrix drawn as a picture, each person against the
// auto-grader, and the disputed items one click away. Strict CSP (no inline script or
// style, nonce-only), every message validated both ways, text only from data.
import * as vscode from 'vscode';
import { agreementReport } from '../../core/review/agreementReport';
import { agreementWebviewMessageSchema, type AgreementHostMessage } from '../../protocol/agreementProtocol';
import type { CommandContext } from '../commandContext';
import { COMMANDS, type CommandHandlers } from '../commandIds';
import { reasonOf } from '../../core/text/reasonOf';
import type { StoreSession } from '../storeSession';
import { webviewHtml } from '../webviewPage';

export const AGREEMENT_PANEL_TYPE = 'evalloop.agreement';

/** Changes arrive in bursts (a review session, a capture): the report is recomputed once they pause. */
const REFRESH_MS = 500;

export class AgreementPanel implements vscode.Disposable {
  private static current: AgreementPanel | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  static show(extensionUri: vscode.Uri, session: StoreSession, output: vscode.OutputChannel): void {
    if (AgreementPanel.current) {
      AgreementPanel.current.panel.reveal(undefined, false);
      void AgreementPanel.current.send();
      return;
    }
    const panel = vscode.window.createWebviewPanel(AGREEMENT_PANEL_TYPE, 'Eval Loop: Agreement', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    AgreementPanel.current = new AgreementPanel(panel, extensionUri, session, output);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly session: StoreSession,
    output: vscode.OutputChannel,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'evalloop.svg');
    panel.webview.html = this.html();
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const parsed = agreementWebviewMessageSchema.safeParse(raw);
        if (!parsed.success) {
          output.appendLine(`agreement report: ignored a malformed message (${parsed.error.issues[0]?.message ?? 'invalid'})`);
          return;
        }
        if (parsed.data.type === 'ready') void this.send();
        else void vscode.commands.executeCommand(COMMANDS.openQueue, { agreement: 'disputed' });
      }),
      session.onDidChange(() => {
        clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => void this.send(), REFRESH_MS);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async send(): Promise<void> {
    let message: AgreementHostMessage;
    try {
      message = { type: 'report', report: await this.session.read((store) => agreementReport(store.database)) };
    } catch (error) {
      message = { type: 'error', message: reasonOf(error) };
    }
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.extensionUri, { script: 'agreement.js', style: 'agreement.css', title: 'Eval Loop: Agreement' });
  }

  dispose(): void {
    if (AgreementPanel.current === this) AgreementPanel.current = undefined;
    clearTimeout(this.refreshTimer);
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.panel.dispose();
  }
}

export function agreementCommands(ext: CommandContext, extensionUri: vscode.Uri): CommandHandlers {
  return { [COMMANDS.showAgreement]: () => ext.guard('Show agreement', async () => AgreementPanel.show(extensionUri, ext.session, ext.output)) };
}

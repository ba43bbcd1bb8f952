// The composition root: one store session per window, the capture commands and
// the output channel. Features register here; each stays in its own folder.
import * as vscode from 'vscode';
import { registerCaptureCommands } from './capture/captureCommands';
import { DisposableHost } from './disposableHost';
import { workspaceName } from './extensionSettings';
import { StoreSession } from './storeSession';

export class EvalLoopExtension extends DisposableHost {
  readonly output: vscode.OutputChannel;
  readonly session: StoreSession | undefined;

  constructor(readonly context: vscode.ExtensionContext) {
    super();
    this.output = this.register(vscode.window.createOutputChannel('Eval Loop'));
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (root && root.scheme === 'file') {
      this.session = this.register(new StoreSession(root.fsPath, workspaceName, (notice) => this.output.appendLine(notice)));
    }
    registerCaptureCommands(this, (d) => this.register(d));
  }

  /** Runs a command body, logging and showing any error instead of letting it escape. */
  async guard(title: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.appendLine(`${title} failed: ${message}`);
      void vscode.window.showErrorMessage(`Eval Loop: ${title} failed: ${message}`);
    }
  }
}

// The composition root: one store session per window, and each feature registered
// once: commands, trees, the result watcher, the review panel's serializer. Activation
// registers them all but loads none of the code that needs the store, sql.js, the
// protocol's schemas, the format readers or the corpus: that half (deferredFeatures.ts,
// its own bundle) is loaded right after activate() returns, or by whatever needs it
// first (a command, a view, a capture, a restored panel).
import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';
import { COMMANDS, type CommandId } from './commandIds';
import { registerReadOnlyFiles } from './corpus/readOnlyFiles';
import type { DeferredFeatures } from './deferredFeatures';
import { DisposableHost } from './disposableHost';
import { workspaceName } from './extensionSettings';
import { REVIEW_PANEL_TYPE } from './review/reviewPanelType';
import { StoreSession } from './storeSession';
import { DeferredTree } from './views/deferredTree';
import { ResultWatcher } from './watch/resultWatcher';
import { reasonOf } from '../core/text/reasonOf';

/** Commands there without a folder (they say a folder is needed); every other one needs a folder with a store. */
const CAPTURE_COMMANDS: readonly CommandId[] = [COMMANDS.captureFile, COMMANDS.rescanWorkspace, COMMANDS.autoGrade, COMMANDS.showStatus];
const FOLDER_COMMANDS: readonly CommandId[] = Object.values(COMMANDS).filter((id) => !CAPTURE_COMMANDS.includes(id));

export class EvalLoopExtension extends DisposableHost {
  readonly output: vscode.OutputChannel;
  readonly session: StoreSession | undefined;
  private features: Promise<DeferredFeatures> | undefined;
  private queueView: vscode.TreeView<unknown> | undefined;

  constructor(readonly context: vscode.ExtensionContext) {
    super();
    this.output = this.register(vscode.window.createOutputChannel('Eval Loop'));
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (root && root.scheme === 'file') {
      this.session = this.register(new StoreSession(root.fsPath, workspaceName, (notice) => this.output.appendLine(notice)));
    }
    for (const id of CAPTURE_COMMANDS) this.registerCommand(id);
    if (this.session) this.registerViews(this.session);
  }

  /** What registrars get of the extension: output, session, guard and register. */
  private commandContext<Session extends StoreSession | undefined>(session: Session): CommandContext<Session> {
    return { output: this.output, session, guard: (title, body) => this.guard(title, body), register: (d) => this.register(d) };
  }

  /** The store's half of the extension, loaded (once) on first use. */
  private loadFeatures(): Promise<DeferredFeatures> {
    this.features ??= import('./deferredFeatures').then(
      ({ createFeatures }) => createFeatures({ context: this.commandContext(this.session), extensionUri: this.context.extensionUri, queueView: this.queueView }),
      (error: unknown) => {
        this.features = undefined; // tried again by the next command or view
        throw error;
      },
    );
    return this.features;
  }

  /** The folder's store features (trees, panel, status bar, remote). */
  private async storeFeatures(): Promise<NonNullable<DeferredFeatures['store']>> {
    const { store } = await this.loadFeatures();
    if (!store) throw new Error('no folder with a store is open in this window');
    return store;
  }

  /** Registers a command now; its handler is loaded with the store's half of the extension when it first runs. */
  private registerCommand(id: CommandId): void {
    this.register(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        let features: DeferredFeatures | undefined;
        await this.guard('Loading Eval Loop', async () => {
          features = await this.loadFeatures();
        });
        const handler = features?.commands[id] as ((...handlerArgs: unknown[]) => unknown) | undefined;
        return handler?.(...args);
      }),
    );
  }

  private registerViews(session: StoreSession): void {
    const tree = (provider: () => Promise<vscode.TreeDataProvider<unknown>>) => this.register(new DeferredTree<unknown>(provider));
    this.queueView = this.register(vscode.window.createTreeView<unknown>('evalloop.queue', { treeDataProvider: tree(async () => (await this.storeFeatures()).queueTree), showCollapseAll: true }));
    this.register(vscode.window.createTreeView<unknown>('evalloop.runs', { treeDataProvider: tree(async () => (await this.storeFeatures()).runsTree) }));
    this.register(vscode.window.createTreeView<unknown>('evalloop.corpus', { treeDataProvider: tree(async () => (await this.storeFeatures()).corpusTree) }));
    registerReadOnlyFiles((d) => this.register(d));
    for (const id of FOLDER_COMMANDS) this.registerCommand(id);
    // a review panel open when the window reloads reconnects (after a host crash VS Code keeps the dead page instead)
    this.register(
      vscode.window.registerWebviewPanelSerializer(REVIEW_PANEL_TYPE, {
        deserializeWebviewPanel: async (panel) => (await this.storeFeatures()).revivePanel(panel),
      }),
    );
    const watcher = this.register(new ResultWatcher(session, this.output, async () => (await this.loadFeatures()).capture));
    const startRemote = () =>
      void this.storeFeatures()
        .then((store) => store.remote.start())
        .catch((error: unknown) => this.output.appendLine(`Loading Eval Loop failed: ${reasonOf(error)}`));
    this.register(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        watcher.start();
        startRemote();
      }),
    );
    // a backstop for journal events the file watcher misses (other windows, the CLI)
    this.register(session.pollJournals(2000));
    watcher.start();
    // after activation returns: the store's half loads, and the first look at the store loads sql.js
    setTimeout(() => {
      void this.storeFeatures()
        .then((store) => {
          void store.statusBar.update();
          store.remote.start();
        })
        .catch((error: unknown) => this.output.appendLine(`Loading Eval Loop failed: ${reasonOf(error)}`));
      void watcher.scanExisting();
    }, 0);
  }

  /** Runs a command body, logging and showing any error instead of letting it escape. */
  async guard(title: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      const message = reasonOf(error);
      this.output.appendLine(`${title} failed: ${message}`);
      void vscode.window.showErrorMessage(`Eval Loop: ${title} failed: ${message}`);
    }
  }
}

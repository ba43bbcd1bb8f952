// The composition root: one store session per window, and each feature registered
// once: capture commands, watcher, trees, status bar, review panel, diffs.
import * as vscode from 'vscode';
import { registerCaptureCommands } from './capture/captureCommands';
import type { CommandContext } from './commandContext';
import { COMMANDS } from './commandIds';
import { DisposableHost } from './disposableHost';
import { registerCheckWorkspace } from './doctor/checkWorkspaceCommand';
import { registerFailureClusters } from './clusters/clusterRefresher';
import { registerTestDefinitions } from './definitions/registerTestDefinitions';
import { workspaceName } from './extensionSettings';
import { CaseDiffs, openResultAt } from './review/caseDiffs';
import { registerCorpusCommands } from './corpus/corpusCommands';
import { pinItems } from './corpus/pinItems';
import { registerReadOnlyFiles } from './corpus/readOnlyFiles';
import { CorpusTreeProvider } from './corpus/corpusTreeProvider';
import { corpusDirOf } from './corpus/corpusLocation';
import { PinnedInputs } from './corpus/pinnedInputs';
import { REVIEW_PANEL_TYPE, ReviewPanel, type PanelTarget } from './review/reviewPanel';
import { assignedToMeTarget } from './review/assignedToMe';
import { registerAgreementCommand } from './agreement/agreementPanel';
import { queueFilterSchema } from '../protocol/reviewProtocol';
import type { PanelActions } from './review/reviewRequestHandler';
import { reviewerName } from './reviewerName';
import { StoreSession } from './storeSession';
import { QueueTreeProvider } from './views/queueTreeProvider';
import { RunsTreeProvider } from './views/runsTreeProvider';
import { WaitingStatusBar } from './views/waitingStatusBar';
import { ResultWatcher } from './watch/resultWatcher';
import type { RunNode } from '../core/views/treeModels';
import { sourcePathOnDisk } from '../core/store/workspacePaths';
import { reasonOf } from '../core/text/reasonOf';
import { RemoteSyncController, registerRemoteCommands } from './remote/remoteSyncController';

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
    registerCaptureCommands(this.commandContext(this.session));
    if (this.session) this.registerViews(this.session);
  }

  /** What registrars get of the extension: output, session, guard and register. */
  private commandContext<Session extends StoreSession | undefined>(session: Session): CommandContext<Session> {
    return { output: this.output, session, guard: (title, body) => this.guard(title, body), register: (d) => this.register(d) };
  }

  private registerViews(session: StoreSession): void {
    const commands = this.commandContext(session);
    const pinned = this.register(new PinnedInputs(session.root, (line) => this.output.appendLine(line)));
    const clusters = registerFailureClusters(
      session,
      (line) => this.output.appendLine(line),
      (d) => this.register(d),
    );
    const queue = this.register(new QueueTreeProvider(session, pinned, reviewerName, clusters.onDidChange));
    const runs = this.register(new RunsTreeProvider(session));
    const queueView = this.register(vscode.window.createTreeView<unknown>('evalloop.queue', { treeDataProvider: queue as vscode.TreeDataProvider<unknown>, showCollapseAll: true }));
    this.register(vscode.window.createTreeView('evalloop.runs', { treeDataProvider: runs }));
    const corpus = this.register(new CorpusTreeProvider(session.root));
    this.register(vscode.window.createTreeView('evalloop.corpus', { treeDataProvider: corpus }));
    const corpusChanged = () => {
      corpus.refresh();
      pinned.refresh();
    };
    // versions and slices written by this window, the CLI or another window
    const manifests = this.register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(corpusDirOf(session.root), '{versions,slices}/**/manifest.json')));
    manifests.onDidCreate(corpusChanged);
    manifests.onDidChange(corpusChanged);
    manifests.onDidDelete(corpusChanged);
    registerReadOnlyFiles((d) => this.register(d));
    registerCorpusCommands(commands, corpusChanged);
    registerCheckWorkspace(commands);
    registerAgreementCommand(commands, this.context.extensionUri);
    const statusBar = this.register(new WaitingStatusBar(session, reviewerName, queueView));
    const diffs = this.register(new CaseDiffs(session));
    const watcher = this.register(new ResultWatcher(session, this.output));
    const goToDefinition = registerTestDefinitions(session, clusters.onDidChange, (d) => this.register(d));
    const panelActions: PanelActions = {
      goToDefinition: (id) => this.guard('Go to test definition', () => goToDefinition(id)),
      openSource: (id) => diffs.openSource(id),
      openDiff: (id, against) => diffs.openDiff(id, against),
      pin: async (ids) => {
        let pinned = 0;
        await this.guard('Pin slice', async () => {
          pinned = await pinItems(session, session.root, `item:${ids.join(',')}`, corpusChanged);
        });
        return pinned;
      },
    };
    const openPanel = (target: PanelTarget = {}) => ReviewPanel.show(this.context.extensionUri, session, pinned, reviewerName, panelActions, this.output, target);
    // a review panel open when the window reloads reconnects (after a host crash VS Code keeps the dead page instead)
    this.register(
      vscode.window.registerWebviewPanelSerializer(REVIEW_PANEL_TYPE, {
        deserializeWebviewPanel: async (panel) => ReviewPanel.revive(panel, this.context.extensionUri, session, pinned, reviewerName, panelActions, this.output),
      }),
    );

    // the capture notice's Review passes the filter of what it announced
    this.register(
      vscode.commands.registerCommand(COMMANDS.openQueue, (filter?: unknown) =>
        this.guard('Open queue', async () => {
          const target = panelFilterOf(filter);
          // a reviewer with assignments starts on what waits for them
          void openPanel(target.filter || ReviewPanel.isOpen ? target : await assignedToMeTarget(session, reviewerName));
        }),
      ),
    );
    this.register(vscode.commands.registerCommand(COMMANDS.openItem, (id: string) => this.guard('Open item', async () => void openPanel({ itemId: id }))));
    this.register(vscode.commands.registerCommand(COMMANDS.refreshViews, () => queue.refresh()));
    this.register(
      vscode.commands.registerCommand(COMMANDS.openRunSource, (node: RunNode) =>
        this.guard('Open result file', async () => {
          const path = node?.run.sourcePath;
          if (path) await openResultAt(sourcePathOnDisk(session.root, path), null);
        }),
      ),
    );
    const remote = this.register(new RemoteSyncController(session, workspaceName, this.output));
    registerRemoteCommands(remote, (d) => this.register(d));
    this.register(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        watcher.start();
        remote.start();
      }),
    );
    // a backstop for journal events the file watcher misses (other windows, the CLI)
    this.register(session.pollJournals(2000));
    watcher.start();
    // after activation returns: the first look at the store loads sql.js
    setTimeout(() => {
      void statusBar.update();
      void watcher.scanExisting();
      remote.start();
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

/** A filter passed to Open Review Queue (by the capture notice), if it is one. */
function panelFilterOf(value: unknown): PanelTarget {
  const parsed = queueFilterSchema.safeParse(value);
  return parsed.success && value !== undefined ? { filter: parsed.data } : {};
}

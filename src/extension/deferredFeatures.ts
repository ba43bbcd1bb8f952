// The half of the extension that needs the store, sql.js, the protocol's schemas, the
// format readers or the corpus: its own bundle, dist/deferredFeatures.js (esbuild.mjs),
// so activation compiles none of it. It is loaded once, on first use: right after
// activation returns in a folder (the status bar's count), or by the first command,
// view, capture or restored panel. The composition root (evalLoopExtension.ts) registers
// every command, view, watcher and the panel serializer without it and reaches it only
// through `import('./deferredFeatures')`; so does StoreSession, for the store itself.
import * as vscode from 'vscode';
import { captureNotice } from '../core/capture/captureNotice';
import { sourcePathOnDisk } from '../core/store/workspacePaths';
import { WorkspaceStore } from '../core/store/workspaceStore';
import type { RunNode } from '../core/views/treeModels';
import { queueFilterSchema } from '../protocol/reviewProtocol';
import { agreementCommands } from './agreement/agreementPanel';
import { captureCommands } from './capture/captureCommands';
import { captureInto, logReports } from './capture/captureService';
import { registerFailureClusters } from './clusters/clusterRefresher';
import type { CommandContext } from './commandContext';
import { COMMANDS, type CommandHandlers } from './commandIds';
import { corpusCommands } from './corpus/corpusCommands';
import { corpusDirOf } from './corpus/corpusLocation';
import { CorpusTreeProvider } from './corpus/corpusTreeProvider';
import { PinnedInputs } from './corpus/pinnedInputs';
import { pinItems } from './corpus/pinItems';
import { registerTestDefinitions } from './definitions/registerTestDefinitions';
import { checkWorkspaceCommands } from './doctor/checkWorkspaceCommand';
import { workspaceName } from './extensionSettings';
import { RemoteSyncController, remoteCommands } from './remote/remoteSyncController';
import { assignedToMeTarget } from './review/assignedToMe';
import { CaseDiffs, openResultAt } from './review/caseDiffs';
import { ReviewPanel, type PanelTarget } from './review/reviewPanel';
import type { PanelActions } from './review/reviewRequestHandler';
import { reviewerName } from './reviewerName';
import type { StoreSession } from './storeSession';
import { QueueTreeProvider } from './views/queueTreeProvider';
import { RunsTreeProvider } from './views/runsTreeProvider';
import { WaitingStatusBar } from './views/waitingStatusBar';
import type { CaptureSteps } from './watch/resultWatcher';

/** Opens the workspace store, caught up with every journal (StoreSession calls this on first use). */
export function openStore(root: string, workspace: string): Promise<WorkspaceStore> {
  return WorkspaceStore.open(root, workspace, {});
}

/** What the composition root hands over. */
export interface FeatureHost {
  /** Output, guard and register, with the window's store session when a folder is open. */
  context: CommandContext<StoreSession | undefined>;
  extensionUri: vscode.Uri;
  /** The Queue view, whose badge counts what waits for review. */
  queueView: vscode.TreeView<unknown> | undefined;
}

/** A filter passed to Open Review Queue (by the capture notice, a lens), if it is one. */
function panelFilterOf(value: unknown): PanelTarget {
  const parsed = queueFilterSchema.safeParse(value);
  return parsed.success && value !== undefined ? { filter: parsed.data } : {};
}

/** The features of a folder with a store: trees, status bars, panels, corpus, lenses, remote. */
function storeFeatures(host: FeatureHost, session: StoreSession) {
  const context: CommandContext = { ...host.context, session };
  const { register, output } = context;
  const pinned = register(new PinnedInputs(session.root, (line) => output.appendLine(line)));
  const clusters = registerFailureClusters(session, (line) => output.appendLine(line), register);
  const queueTree = register(new QueueTreeProvider(session, pinned, reviewerName, clusters.onDidChange));
  const runsTree = register(new RunsTreeProvider(session));
  const corpusTree = register(new CorpusTreeProvider(session.root));
  const corpusChanged = () => {
    corpusTree.refresh();
    pinned.refresh();
  };
  // versions and slices written by this window, the CLI or another window
  const manifests = register(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(corpusDirOf(session.root), '{versions,slices}/**/manifest.json')));
  manifests.onDidCreate(corpusChanged);
  manifests.onDidChange(corpusChanged);
  manifests.onDidDelete(corpusChanged);
  const statusBar = register(new WaitingStatusBar(session, reviewerName, host.queueView));
  const diffs = register(new CaseDiffs(session));
  const definitions = registerTestDefinitions(session, clusters.onDidChange, register);
  const panelActions: PanelActions = {
    goToDefinition: (id) => context.guard('Go to test definition', () => definitions.goToDefinition(id)),
    openSource: (id) => diffs.openSource(id),
    openDiff: (id, against) => diffs.openDiff(id, against),
    pin: async (ids) => {
      let pinnedCount = 0;
      await context.guard('Pin slice', async () => {
        pinnedCount = await pinItems(session, session.root, `item:${ids.join(',')}`, corpusChanged);
      });
      return pinnedCount;
    },
  };
  const openPanel = (target: PanelTarget = {}) => ReviewPanel.show(host.extensionUri, session, pinned, reviewerName, panelActions, output, target);
  const remote = register(new RemoteSyncController(session, workspaceName, output));
  const commands: CommandHandlers = {
    ...corpusCommands(context, corpusChanged),
    ...checkWorkspaceCommands(context),
    ...agreementCommands(context, host.extensionUri),
    ...definitions.commands,
    ...remoteCommands(remote),
    // the capture notice's Review passes the filter of what it announced
    [COMMANDS.openQueue]: (filter?: unknown) =>
      context.guard('Open queue', async () => {
        const target = panelFilterOf(filter);
        // a reviewer with assignments starts on what waits for them
        void openPanel(target.filter || ReviewPanel.isOpen ? target : await assignedToMeTarget(session, reviewerName));
      }),
    [COMMANDS.openItem]: (id: string) => context.guard('Open item', async () => void openPanel({ itemId: id })),
    [COMMANDS.refreshViews]: () => queueTree.refresh(),
    [COMMANDS.openRunSource]: (node: RunNode) =>
      context.guard('Open result file', async () => {
        const path = node?.run.sourcePath;
        if (path) await openResultAt(sourcePathOnDisk(session.root, path), null);
      }),
  };
  return {
    commands,
    queueTree: queueTree as vscode.TreeDataProvider<unknown>,
    runsTree: runsTree as vscode.TreeDataProvider<unknown>,
    corpusTree: corpusTree as vscode.TreeDataProvider<unknown>,
    statusBar,
    remote,
    // a review panel open when the window reloads reconnects (after a host crash VS Code keeps the dead page instead)
    revivePanel: (panel: vscode.WebviewPanel) => ReviewPanel.revive(panel, host.extensionUri, session, pinned, reviewerName, panelActions, output),
  };
}

/** Everything the composition root defers, made once, on first use. */
export function createFeatures(host: FeatureHost) {
  const capture: CaptureSteps = { captureInto, logReports, captureNotice };
  const store = host.context.session ? storeFeatures(host, host.context.session) : undefined;
  const commands: CommandHandlers = { ...captureCommands(host.context), ...store?.commands };
  return { commands, capture, store };
}

export type DeferredFeatures = ReturnType<typeof createFeatures>;

// The Runs tree: each captured run with its format, model, time, counts and regressions.
import * as vscode from 'vscode';
import { runNodes, type RunNode } from '../../core/views/treeModels';
import type { StoreSession } from '../storeSession';
import { counted } from '../../core/text/counted';

export class RunsTreeProvider implements vscode.TreeDataProvider<RunNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly session: StoreSession) {
    this.subscription = session.onDidChange(() => this.changed.fire());
  }

  getChildren(node?: RunNode): Promise<RunNode[]> {
    if (node) return Promise.resolve([]);
    return this.session.read((store) => runNodes(store.database));
  }

  getTreeItem(node: RunNode): vscode.TreeItem {
    const { run } = node;
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${run.id}`;
    item.description = node.description;
    const when = run.startedAt ?? run.capturedAt ?? '';
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**${run.format}** run\n\n`);
    tooltip.appendText(
      [
        `suite: ${run.suite}`,
        run.model ? `model: ${run.model}` : '',
        when ? `time: ${when}` : '',
        run.sourcePath ? `file: ${run.sourcePath}` : '',
        run.gitCommit ? `commit: ${run.gitCommit.slice(0, 12)}` : '',
        `${counted(run.cases, 'case')}: ${run.passed} passed, ${run.failed} failed, ${counted(run.errored, 'error')}, ${counted(run.judgeErrors, 'judge error')}, ${run.skipped} skipped`,
        run.regressions ? counted(run.regressions, 'regression') : '',
        run.fixed ? `${run.fixed} fixed` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    item.tooltip = tooltip;
    item.iconPath = new vscode.ThemeIcon(run.partial ? 'sync' : run.regressions ? 'warning' : run.failed + run.errored ? 'circle-filled' : 'pass', run.regressions ? new vscode.ThemeColor('testing.iconFailed') : undefined);
    item.contextValue = 'run';
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

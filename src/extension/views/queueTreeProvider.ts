// The Queue tree: state → suite → items, with counts; selecting an item opens it.
import * as vscode from 'vscode';
import { QUEUE_GROUPINGS, queueGroups, queueItems, queueRoots, type QueueGrouping, type QueueNode } from '../../core/views/treeModels';
import { viewedBy } from '../../core/review/reviewQueries';
import { isItemState, type ItemState } from '../../core/review/itemStates';
import { isVerdict, type Verdict } from '../../core/review/verdicts';
import { COMMANDS } from '../commandIds';
import type { PinnedInputs } from '../corpus/pinnedInputs';
import { setting, settingChanged } from '../extensionSettings';
import type { StoreSession } from '../storeSession';
import { counted } from '../../core/text/counted';

const STATE_ICONS: Record<ItemState, string> = { new: 'inbox', 'auto-graded': 'wand', reviewed: 'pass' };
const VERDICT_ICONS: Record<Verdict, [string, string]> = {
  'model-wrong': ['error', 'testing.iconFailed'],
  'eval-wrong': ['debug-alt', 'charts.yellow'],
  ambiguous: ['question', 'charts.orange'],
  discard: ['trash', 'disabledForeground'],
};

export class QueueTreeProvider implements vscode.TreeDataProvider<QueueNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<QueueNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly session: StoreSession,
    private readonly pinned: PinnedInputs,
    private readonly reviewer: () => Promise<string>,
    /** Fires when derived groupings (the failure clusters) caught up with the store. */
    groupsChanged?: vscode.Event<void>,
  ) {
    this.subscription = vscode.Disposable.from(
      session.onDidChange(() => this.refresh()),
      ...(groupsChanged ? [groupsChanged(() => this.grouping() === 'cluster' && this.refresh())] : []),
      pinned.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => settingChanged(e, 'queueGroupBy', 'reviewer') && this.refresh()),
    );
  }

  private grouping(): QueueGrouping {
    const value = setting('queueGroupBy');
    return (QUEUE_GROUPINGS as readonly string[]).includes(value) ? (value as QueueGrouping) : 'run';
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: QueueNode): Promise<QueueNode[]> {
    // in a blind queue the tree, like the panel, shows no verdict the reviewer has not earned by giving theirs
    const me = node?.kind === 'group' ? await this.reviewer() : undefined;
    return this.session.read((store) => {
      if (!node) return queueRoots(store.database);
      if (node.kind === 'state') return queueGroups(store.database, node.state, this.grouping());
      if (node.kind === 'group') return queueItems(store.database, node.state, node.by, node.key, undefined, this.pinned.lookup, (items) => viewedBy(store.database, me, items));
      return [];
    });
  }

  getTreeItem(node: QueueNode): vscode.TreeItem {
    switch (node.kind) {
      case 'state': {
        const item = new vscode.TreeItem(node.label, node.state === 'new' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `state:${node.state}`;
        item.description = `${node.count}${node.regressions ? ` · ${counted(node.regressions, 'regression')}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(isItemState(node.state) ? STATE_ICONS[node.state] : 'circle-outline');
        item.contextValue = 'state';
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `group:${node.state}:${node.by}:${node.key}`;
        item.description = node.clusterSize && node.clusterSize !== node.count ? `${node.count} of ${node.clusterSize} alike` : String(node.count);
        item.tooltip = node.by === 'run' ? `run ${node.key}` : node.clusterSize ? `a cluster of ${node.clusterSize} alike failures, ${node.count} of them here` : undefined;
        item.iconPath = new vscode.ThemeIcon(node.by === 'run' ? 'history' : node.by === 'tag' ? 'tag' : node.by === 'assignee' ? 'account' : node.by === 'cluster' ? 'layers' : 'beaker');
        item.contextValue = 'group';
        return item;
      }
      case 'item': {
        const item = new vscode.TreeItem(node.title, vscode.TreeItemCollapsibleState.None);
        item.id = `item:${node.id}`;
        const badges = [node.pinned ? `pinned in ${node.pinned}` : '', node.regression ? 'regression' : '', node.fixed ? 'fixed' : '', node.verdict ?? '', node.blind ? "blind: give your verdict to see others'" : '', node.occurrences > 1 ? `×${node.occurrences}` : ''];
        item.description = badges.filter(Boolean).join(' · ');
        const heldOut = node.pinned ? `\nHeld out of training: its input is pinned in eval slice ${node.pinned}.` : '';
        item.tooltip = new vscode.MarkdownString().appendText(`${node.caseKey}\n${node.title}${heldOut}`);
        const verdict = node.verdict && isVerdict(node.verdict) ? VERDICT_ICONS[node.verdict] : undefined;
        item.iconPath = node.pinned
          ? new vscode.ThemeIcon('pinned', new vscode.ThemeColor('charts.blue'))
          : node.regression
            ? new vscode.ThemeIcon('arrow-down', new vscode.ThemeColor('testing.iconFailed'))
            : verdict
              ? new vscode.ThemeIcon(verdict[0], new vscode.ThemeColor(verdict[1]))
              : new vscode.ThemeIcon('circle-large-outline');
        item.contextValue = node.pinned ? 'item.pinned' : 'item';
        item.command = { command: COMMANDS.openItem, title: 'Open Item', arguments: [node.id] };
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(`… ${node.remaining} more in the review panel`, vscode.TreeItemCollapsibleState.None);
        item.command = { command: COMMANDS.openQueue, title: 'Open Review Queue' };
        return item;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

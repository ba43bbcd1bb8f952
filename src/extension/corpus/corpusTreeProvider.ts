// The Corpus tree: versions → files → record previews, and slices → versions. The
// nodes come from core/views/corpusTreeModel.ts; this maps them to TreeItems.
import * as vscode from 'vscode';
import { CorpusLayout } from '../../core/corpus/corpusLayout';
import { corpusChildren, type CorpusNode } from '../../core/views/corpusTreeModel';
import { COMMANDS } from '../commandIds';
import { corpusDirOf } from './corpusLocation';
import { counted } from '../../core/text/counted';

export class CorpusTreeProvider implements vscode.TreeDataProvider<CorpusNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly root: string) {}

  private get layout(): CorpusLayout {
    return new CorpusLayout(corpusDirOf(this.root));
  }

  refresh(): void {
    this.changed.fire();
  }

  getChildren(node?: CorpusNode): CorpusNode[] {
    return corpusChildren(this.layout, node);
  }

  getTreeItem(node: CorpusNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(node.group === 'versions' ? 'Versions' : 'Eval slices', vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon(node.group === 'versions' ? 'versions' : 'pinned');
        return item;
      }
      case 'version': {
        const item = new vscode.TreeItem(node.version, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = node.description;
        if (node.tooltip) item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon('package');
        item.contextValue = 'version';
        item.command = { command: COMMANDS.openManifest, title: 'Open Version Manifest', arguments: [node.version] };
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(node.format, node.records ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = counted(node.records, 'record');
        item.iconPath = new vscode.ThemeIcon('file');
        return item;
      }
      case 'record': {
        const item = new vscode.TreeItem(node.text.length > 100 ? `${node.text.slice(0, 99)}…` : node.text, vscode.TreeItemCollapsibleState.None);
        item.tooltip = node.text.slice(0, 2000);
        item.iconPath = new vscode.ThemeIcon('json');
        return item;
      }
      case 'slice': {
        const item = new vscode.TreeItem(node.slice, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon('pin');
        item.contextValue = 'slice';
        return item;
      }
      case 'sliceVersion': {
        const item = new vscode.TreeItem(node.version, vscode.TreeItemCollapsibleState.None);
        item.description = counted(node.cases, 'case');
        item.iconPath = new vscode.ThemeIcon('beaker');
        return item;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

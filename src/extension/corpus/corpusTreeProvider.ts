// The Corpus tree: versions → files → record previews, and slices → versions.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CorpusLayout } from '../../core/corpus/corpusLayout';
import { COMMANDS } from '../commandIds';
import { corpusDirOf } from './corpusLocation';
import { counted } from '../../core/text/counted';
import { reasonOf } from '../../core/text/reasonOf';

export type CorpusNode =
  | { kind: 'group'; group: 'versions' | 'slices' }
  | { kind: 'version'; version: string }
  | { kind: 'file'; version: string; format: string; records: number }
  | { kind: 'record'; version: string; format: string; line: number; text: string }
  | { kind: 'slice'; slice: string }
  | { kind: 'sliceVersion'; slice: string; version: string; cases: number };

const PREVIEW_RECORDS = 50;

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
    const layout = this.layout;
    if (!existsSync(layout.dir)) return [];
    try {
      if (!node) return [{ kind: 'group', group: 'versions' }, { kind: 'group', group: 'slices' }];
      if (node.kind === 'group' && node.group === 'versions') return layout.versions().reverse().map((version) => ({ kind: 'version', version }));
      if (node.kind === 'group') return layout.slices().map((slice) => ({ kind: 'slice', slice }));
      if (node.kind === 'version') {
        const m = layout.manifest(node.version);
        return Object.entries(m.files).map(([format, f]) => ({ kind: 'file', version: node.version, format, records: f.records }));
      }
      if (node.kind === 'file') {
        const m = layout.manifest(node.version);
        const out: CorpusNode[] = [];
        let line = 0;
        for (const seg of m.files[node.format]?.segments ?? []) {
          for (const text of readFileSync(join(layout.dir, seg.path), 'utf8').split('\n')) {
            if (!text) continue;
            out.push({ kind: 'record', version: node.version, format: node.format, line: line++, text });
            if (out.length >= PREVIEW_RECORDS) return out;
          }
        }
        return out;
      }
      if (node.kind === 'slice') {
        return layout.sliceVersions(node.slice).reverse().map((version) => ({ kind: 'sliceVersion', slice: node.slice, version, cases: layout.sliceManifest(node.slice, version).cases }));
      }
    } catch {
      return []; // a damaged manifest: Verify Corpus says what is wrong
    }
    return [];
  }

  getTreeItem(node: CorpusNode): vscode.TreeItem {
    const layout = this.layout;
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(node.group === 'versions' ? 'Versions' : 'Eval slices', vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon(node.group === 'versions' ? 'versions' : 'pinned');
        return item;
      }
      case 'version': {
        const item = new vscode.TreeItem(node.version, vscode.TreeItemCollapsibleState.Collapsed);
        try {
          const m = layout.manifest(node.version);
          item.description = `${Object.values(m.files).reduce((a, f) => a + f.records, 0)} records · +${m.added} −${m.removed} · ${m.createdAt.slice(0, 16).replace('T', ' ')}`;
          item.tooltip = `policy ${m.policy.name ?? '(ad hoc)'}: ${m.policy.filter}\nparent ${m.parent ?? 'none'}\n${m.leakage.excluded.length} held out as slice cases`;
        } catch (error) {
          item.description = `unreadable manifest: ${reasonOf(error)}`;
        }
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

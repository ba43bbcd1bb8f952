// What the editor needs to place failures in files: the captured items that have a
// definition somewhere (cached until the store or the clusters change: the facts that
// match them are kept with their signatures), and which YAML files promptfoo configs
// name as test files (cached until a config changes).
import * as vscode from 'vscode';
import { definitionKindOf, promptfooConfigNames, type DefinitionKind } from '../../core/definitions/definitionDocuments';
import { definitionItems, type DefinitionItem } from '../../core/definitions/definitionStates';
import type { StoreSession } from '../storeSession';

const CONFIG_GLOB = '**/promptfooconfig*.{yaml,yml}';
const SKIPPED = '{**/node_modules/**,**/.git/**,**/.evalloop/**}';

export class DefinitionSources implements vscode.Disposable {
  private items: Promise<DefinitionItem[]> | undefined;
  private configs: Promise<{ path: string; text: string }[]> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the items or the configs changed: lenses and Problems are recomputed. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly session: StoreSession,
    clustersChanged: vscode.Event<void>,
  ) {
    const dropItems = () => {
      this.items = undefined;
      this.changed.fire();
    };
    const dropConfigs = () => {
      this.configs = undefined;
      this.changed.fire();
    };
    const watcher = vscode.workspace.createFileSystemWatcher(CONFIG_GLOB);
    this.subscriptions.push(session.onDidChange(dropItems), clustersChanged(dropItems), watcher, watcher.onDidChange(dropConfigs), watcher.onDidCreate(dropConfigs), watcher.onDidDelete(dropConfigs), this.changed);
  }

  definitionItems(): Promise<DefinitionItem[]> {
    this.items ??= this.session
      .read((store) => definitionItems(store.database))
      .catch((error: unknown) => {
        this.items = undefined;
        throw error;
      });
    return this.items;
  }

  private promptfooConfigs(): Promise<{ path: string; text: string }[]> {
    this.configs ??= (async () => {
      const uris = await vscode.workspace.findFiles(CONFIG_GLOB, SKIPPED, 500);
      const out: { path: string; text: string }[] = [];
      for (const uri of uris) {
        try {
          out.push({ path: vscode.workspace.asRelativePath(uri, false), text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) });
        } catch {
          // unreadable config: it names nothing
        }
      }
      return out;
    })();
    return this.configs;
  }

  /** The document's definition kind; a YAML file that is not a config is a test file only if a config names it. */
  async kindOf(uri: vscode.Uri, text: string): Promise<DefinitionKind | undefined> {
    if (uri.scheme !== 'file' || !vscode.workspace.getWorkspaceFolder(uri)) return undefined;
    const path = vscode.workspace.asRelativePath(uri, false);
    const quick = definitionKindOf(path, text, false);
    if (quick || !/\.ya?ml$/i.test(path)) return quick;
    const named = (await this.promptfooConfigs()).some((c) => promptfooConfigNames(c.path, c.text, path));
    return definitionKindOf(path, text, named);
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}

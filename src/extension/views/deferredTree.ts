// A tree view whose provider is loaded on first use: VS Code asks for the children when
// the view is first shown, after activation, and only then is the provider's code (the
// store's half of the extension) loaded. Its change events are passed on.
import * as vscode from 'vscode';

export class DeferredTree<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<T | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private provider: Promise<vscode.TreeDataProvider<T>> | undefined;
  private forwarding: vscode.Disposable | undefined;

  constructor(private readonly load: () => Promise<vscode.TreeDataProvider<T>>) {}

  private real(): Promise<vscode.TreeDataProvider<T>> {
    this.provider ??= this.load().then(
      (provider) => {
        this.forwarding = provider.onDidChangeTreeData?.((node) => this.changed.fire(node as T | undefined));
        return provider;
      },
      (error: unknown) => {
        this.provider = undefined; // asked again next time
        throw error;
      },
    );
    return this.provider;
  }

  async getChildren(node?: T): Promise<T[]> {
    return (await (await this.real()).getChildren(node)) ?? [];
  }

  async getTreeItem(node: T): Promise<vscode.TreeItem> {
    return (await this.real()).getTreeItem(node);
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changed.dispose();
  }
}

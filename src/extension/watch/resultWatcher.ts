// Watches the configured result globs in every workspace folder: a file that stays
// quiet for the debounce time is captured, and new failures are announced. The
// journals are watched too, so captures and reviews from other processes show up.
import * as vscode from 'vscode';
import { captureInto, logReports } from '../capture/captureService';
import { COMMANDS } from '../commandIds';
import type { StoreSession } from '../storeSession';

export class ResultWatcher implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly configSubscription: vscode.Disposable;

  constructor(
    private readonly session: StoreSession,
    private readonly output: vscode.OutputChannel,
  ) {
    this.configSubscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('evalloop.watch') || e.affectsConfiguration('evalloop.watchEnabled')) this.start();
    });
  }

  private get config() {
    return vscode.workspace.getConfiguration('evalloop');
  }

  start(): void {
    this.stop();
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const journalWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.session.root, '.evalloop/*/journal/*.jsonl'));
    journalWatcher.onDidChange(() => void this.session.catchUp());
    journalWatcher.onDidCreate(() => void this.session.catchUp());
    this.watchers.push(journalWatcher);
    if (!this.config.get<boolean>('watchEnabled', true) || !vscode.workspace.isTrusted) return;
    for (const glob of this.config.get<string[]>('watch', [])) {
      for (const folder of folders) {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob));
        watcher.onDidCreate((uri) => this.schedule(uri));
        watcher.onDidChange((uri) => this.schedule(uri));
        this.watchers.push(watcher);
      }
    }
  }

  /** Captures what matches the globs now (on activation), quietly unless there is news. */
  async scanExisting(): Promise<void> {
    if (!this.config.get<boolean>('watchEnabled', true) || !vscode.workspace.isTrusted) return;
    const uris = new Map<string, vscode.Uri>();
    for (const glob of this.config.get<string[]>('watch', [])) {
      for (const uri of await vscode.workspace.findFiles(glob, '**/{node_modules,.git,.evalloop}/**', 5000)) uris.set(uri.fsPath, uri);
    }
    // in path order, so the queue lists what was already there the same way each time
    if (uris.size) await this.capture([...uris.keys()].sort());
  }

  private schedule(uri: vscode.Uri): void {
    if (uri.scheme !== 'file' || /[\\/](\.evalloop|node_modules|\.git)[\\/]/.test(uri.fsPath)) return;
    clearTimeout(this.pending.get(uri.fsPath));
    const delay = Math.max(50, this.config.get<number>('watchDebounceMs', 750));
    this.pending.set(
      uri.fsPath,
      setTimeout(() => {
        this.pending.delete(uri.fsPath);
        void this.capture([uri.fsPath]);
      }, delay),
    );
  }

  private async capture(paths: string[]): Promise<void> {
    try {
      const { reports } = await captureInto(this.session, paths);
      logReports(this.output, reports);
      const fresh = reports.reduce((a, r) => a + r.newItems, 0);
      const regressions = reports.reduce((a, r) => a + r.regressions, 0);
      if (fresh + regressions === 0) return;
      const message = `Eval Loop: ${fresh} new failure${fresh === 1 ? '' : 's'}${regressions ? ` (${regressions} regression${regressions === 1 ? '' : 's'})` : ''}`;
      const choice = await vscode.window.showInformationMessage(message, 'Review');
      if (choice === 'Review') await vscode.commands.executeCommand(COMMANDS.openQueue);
    } catch (error) {
      this.output.appendLine(`capture failed: ${(error as Error).message}`);
    }
  }

  private stop(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
  }

  dispose(): void {
    this.stop();
    for (const t of this.pending.values()) clearTimeout(t);
    this.configSubscription.dispose();
  }
}

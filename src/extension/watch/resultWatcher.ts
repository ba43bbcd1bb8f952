// Watches the configured result globs in every workspace folder: a file that stays
// quiet for the debounce time is captured, and new failures are announced. The
// journals are watched too, so captures and reviews from other processes show up.
// A file written the instant its folder is created (DeepEval's .deepeval/, a new
// lm-eval output folder) can slip past the file watcher, so a new folder is also
// searched for result files once things are quiet. Only files that really lie inside
// the workspace folders are captured on their own: a link can lead anywhere.
import { statSync } from 'node:fs';
import { sep } from 'node:path';
import * as vscode from 'vscode';
import type { captureNotice } from '../../core/capture/captureNotice';
import { outsideFolders } from '../../core/capture/linkedOutside';
import type { captureInto, logReports } from '../capture/captureService';
import { COMMANDS } from '../commandIds';
import { corpusDirOf } from '../corpus/corpusLocation';
import { setting, settingChanged } from '../extensionSettings';
import { reasonOf } from '../../core/text/reasonOf';
import type { StoreSession } from '../storeSession';

/** Capturing and announcing: the store's half of the extension, loaded when first needed. */
export interface CaptureSteps {
  captureInto: typeof captureInto;
  logReports: typeof logReports;
  captureNotice: typeof captureNotice;
}

export class ResultWatcher implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly newFolders = new Set<string>();
  private newFolderTimer: NodeJS.Timeout | undefined;
  private readonly configSubscription: vscode.Disposable;
  /** Files whose capture failed (a full disk, a read-only folder): Retry captures them again. */
  private readonly failed = new Set<string>();
  private failureShown = false;
  /** Links leading outside the folders already named in the output. */
  private readonly linkedOutside = new Set<string>();

  constructor(
    private readonly session: StoreSession,
    private readonly output: vscode.OutputChannel,
    private readonly captureSteps: () => Promise<CaptureSteps>,
  ) {
    this.configSubscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (settingChanged(e, 'watch', 'watchEnabled')) this.start();
    });
  }

  start(): void {
    this.stop();
    const folders = fileFolders();
    const journalWatcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(this.session.root, '.evalloop/*/journal/*.jsonl'));
    journalWatcher.onDidChange(() => void this.session.catchUp());
    journalWatcher.onDidCreate(() => void this.session.catchUp());
    this.watchers.push(journalWatcher);
    if (!setting('watchEnabled') || !vscode.workspace.isTrusted) return;
    for (const folder of folders) {
      for (const glob of setting('watch')) {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob));
        watcher.onDidCreate((uri) => this.schedule(uri));
        watcher.onDidChange((uri) => this.schedule(uri));
        this.watchers.push(watcher);
      }
      const created = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**'), false, true, true);
      created.onDidCreate((uri) => this.noteNewFolder(uri));
      this.watchers.push(created);
    }
  }

  /** Every file in the workspace that matches a watch glob, in path order. */
  private async matchingFiles(): Promise<string[]> {
    const paths = new Set<string>();
    for (const glob of setting('watch')) {
      for (const uri of await vscode.workspace.findFiles(glob, '**/{node_modules,.git,.evalloop}/**', 5000)) if (!this.ours(uri.fsPath)) paths.add(uri.fsPath);
    }
    return [...paths].sort();
  }

  /** Captures what matches the globs now (on activation), quietly unless there is news. */
  async scanExisting(): Promise<void> {
    if (!setting('watchEnabled') || !vscode.workspace.isTrusted) return;
    // in path order, so the queue lists what was already there the same way each time
    const paths = await this.matchingFiles();
    if (paths.length) await this.capture(paths);
  }

  private noteNewFolder(uri: vscode.Uri): void {
    if (this.ours(uri.fsPath)) return;
    try {
      if (!statSync(uri.fsPath).isDirectory()) return;
    } catch {
      return; // gone again
    }
    this.newFolders.add(uri.fsPath);
    clearTimeout(this.newFolderTimer);
    this.newFolderTimer = setTimeout(() => void this.scanNewFolders(), Math.max(50, setting('watchDebounceMs')));
  }

  /** Captures the result files inside folders created since the last look. */
  private async scanNewFolders(): Promise<void> {
    const folders = [...this.newFolders];
    this.newFolders.clear();
    const inside = (await this.matchingFiles()).filter((p) => folders.some((f) => p.startsWith(f + sep)));
    if (inside.length) await this.capture(inside);
  }

  /** Our own folders: the store and the corpus (whose files are what we wrote, never eval results). */
  private ours(path: string): boolean {
    const corpus = corpusDirOf(this.session.root);
    return ignored(vscode.Uri.file(path)) || path === corpus || path.startsWith(corpus + sep);
  }

  private schedule(uri: vscode.Uri): void {
    if (this.ours(uri.fsPath)) return;
    clearTimeout(this.pending.get(uri.fsPath));
    const delay = Math.max(50, setting('watchDebounceMs'));
    this.pending.set(
      uri.fsPath,
      setTimeout(() => {
        this.pending.delete(uri.fsPath);
        void this.capture([uri.fsPath]);
      }, delay),
    );
  }

  /** The paths that really lie inside the workspace folders; the rest are named in the output, once each. */
  private withinFolders(paths: string[]): string[] {
    const outsideOf = outsideFolders(fileFolders().map((f) => f.uri.fsPath));
    return paths.filter((path) => {
      const outside = outsideOf(path);
      if (outside === undefined) return true;
      if (!this.linkedOutside.has(path)) {
        this.linkedOutside.add(path);
        this.output.appendLine(`not captured automatically: ${path} is a link to ${outside}, outside the workspace folders (capture it on purpose with Capture Result File…)`);
      }
      return false;
    });
  }

  private async capture(found: string[]): Promise<void> {
    const paths = this.withinFolders(found);
    if (!paths.length) return;
    try {
      const { captureInto, logReports, captureNotice } = await this.captureSteps();
      const { reports, graded } = await captureInto(this.session, paths);
      for (const path of paths) this.failed.delete(path);
      logReports(this.output, reports);
      const notice = captureNotice(reports, graded);
      if (!notice) return;
      const choice = await vscode.window.showInformationMessage(notice.text, 'Review');
      if (choice === 'Review') await vscode.commands.executeCommand(COMMANDS.openQueue, notice.filter);
    } catch (error) {
      const reason = reasonOf(error);
      this.output.appendLine(`capture failed: ${reason}`);
      for (const path of paths) this.failed.add(path);
      await this.offerRetry(reason);
    }
  }

  /** One notice at a time however many captures fail; Retry captures every file that failed since. */
  private async offerRetry(reason: string): Promise<void> {
    if (this.failureShown) return;
    this.failureShown = true;
    const files = [...this.failed].map((path) => vscode.workspace.asRelativePath(path));
    const what = files.length === 1 ? files[0] : `${files.length} result files`;
    const choice = await vscode.window.showErrorMessage(`Eval Loop could not capture ${what}: ${reason}`, 'Retry');
    this.failureShown = false;
    if (choice === 'Retry' && this.failed.size) await this.capture([...this.failed]);
  }

  private stop(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
  }

  dispose(): void {
    this.stop();
    clearTimeout(this.newFolderTimer);
    for (const t of this.pending.values()) clearTimeout(t);
    this.configSubscription.dispose();
  }
}

/** The workspace folders on disk (others cannot hold result files we read). */
function fileFolders(): vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
}

/** Paths the watcher never captures from: our own store, dependencies, git's internals. */
function ignored(uri: vscode.Uri): boolean {
  return uri.scheme !== 'file' || /[\\/](\.evalloop|node_modules|\.git)[\\/]/.test(uri.fsPath);
}

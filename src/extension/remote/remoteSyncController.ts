// The window's link to a shared remote (evalloop.remote): pulls when the window opens
// and every few minutes, pushes once the store has been quiet for a while, and shows
// the state in the status bar (in sync · N events to push · offline, retrying · error).
// Transfers only read and append files, outside the store session's queue, so a
// review never waits on the network; pulled events reach the views through the
// session's journal polling. Runs only in a trusted workspace: the remote's
// configuration comes from the repository.
import * as vscode from 'vscode';
import { loadRemoteEngine } from '../../core/remote/loadRemoteEngine';
import { storeStatus } from '../../core/store/storeQueries';
import { workspacePaths } from '../../core/store/workspacePaths';
import { COMMANDS, type CommandHandlers } from '../commandIds';
import { corpusDirOf } from '../corpus/corpusLocation';
import { reasonOf } from '../../core/text/reasonOf';
import { setting } from '../extensionSettings';
import type { StoreSession } from '../storeSession';

const PULL_EVERY_MS = 3 * 60_000;
const PUSH_AFTER_QUIET_MS = 20_000;
const RETRY_MS = 60_000;

type SyncState = { kind: 'idle' } | { kind: 'busy'; what: string } | { kind: 'synced'; toPush: number; at: Date } | { kind: 'offline'; reason: string } | { kind: 'error'; reason: string };

export class RemoteSyncController implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('evalloop.remote', vscode.StatusBarAlignment.Left, 49);
  private readonly disposables: vscode.Disposable[] = [];
  private pullTimer: ReturnType<typeof setInterval> | undefined;
  private pushTimer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private state: SyncState = { kind: 'idle' };
  private lastError = '';

  constructor(
    private readonly session: StoreSession,
    private readonly workspace: () => string,
    private readonly output: vscode.OutputChannel,
  ) {
    this.item.name = 'Eval Loop: shared remote';
    this.item.command = COMMANDS.syncNow;
    this.disposables.push(session.onDidChange(() => this.schedulePush()));
  }

  /** The remote to use, or undefined when none is configured or the setting turns it off. */
  private async remote() {
    const wanted = setting('remote');
    if (wanted === 'off') return undefined;
    const { readRemotes, chooseRemote } = await import('../../core/remote/remoteConfig');
    const dir = workspacePaths(this.session.root, this.workspace()).dir;
    if (!wanted && readRemotes(dir).length === 0) return undefined;
    return chooseRemote(dir, wanted || undefined);
  }

  start(): void {
    if (!vscode.workspace.isTrusted) return;
    void this.sync('pull', false);
    this.pullTimer = setInterval(() => void this.sync('pull', false), PULL_EVERY_MS);
  }

  private schedulePush(): void {
    clearTimeout(this.pushTimer);
    if (!vscode.workspace.isTrusted) return;
    this.pushTimer = setTimeout(() => void this.sync('push', false), PUSH_AFTER_QUIET_MS);
    void this.refreshPending();
  }

  /** Runs one transfer after any already running; never throws (the state says what happened). */
  sync(direction: 'pull' | 'push' | 'sync', shown: boolean): Promise<void> {
    const next = this.running.then(() => this.transfer(direction, shown));
    this.running = next.catch(() => undefined);
    return next;
  }

  private async transfer(direction: 'pull' | 'push' | 'sync', shown: boolean): Promise<void> {
    let remote;
    try {
      remote = await this.remote();
    } catch (error) {
      this.show({ kind: 'error', reason: reasonOf(error) }, shown);
      return;
    }
    if (!remote) {
      this.item.hide();
      if (shown) void vscode.window.showInformationMessage('Eval Loop: no remote is configured. Add one with `evalloop remote add origin s3://bucket/prefix`.');
      return;
    }
    const core = loadRemoteEngine();
    const { writerBase } = await import('../../core/store/writerIdentity');
    const paths = workspacePaths(this.session.root, this.workspace());
    const countItems = () => this.session.read((store) => storeStatus(store.database).items);
    this.state = { kind: 'busy', what: direction };
    this.render();
    try {
      const before = direction === 'push' ? 0 : await countItems();
      const run = direction === 'pull' ? core.pullFromRemote : direction === 'push' ? core.pushToRemote : core.syncWithRemote;
      const report = await run({ paths, corpusDir: corpusDirOf(this.session.root), remote, claimer: writerBase(paths.dir) });
      for (const notice of report.notices) this.output.appendLine(`${remote.name}: ${notice}`);
      if (direction !== 'push' && report.pulled && report.pulled.journals.events > 0) {
        await this.session.catchUp();
        const fresh = (await countItems()) - before;
        if (fresh > 0) {
          void vscode.window.showInformationMessage(`Eval Loop: ${fresh} new failure${fresh === 1 ? '' : 's'} from remote ${remote.name}`, 'Review').then((choice) => {
            if (choice === 'Review') void vscode.commands.executeCommand(COMMANDS.openQueue);
          });
        }
      }
      if (report.notices.length && shown) void vscode.window.showWarningMessage(`Eval Loop: ${report.notices[0]}`);
      this.lastError = '';
      this.show({ kind: 'synced', toPush: await this.pending(), at: new Date() }, shown);
    } catch (error) {
      const reason = reasonOf(error);
      const offline = (error as { kind?: string }).kind === 'unreachable';
      this.output.appendLine(`${direction} failed: ${reason}`);
      // one notice per distinct failure, not one every few minutes
      if (!offline && reason !== this.lastError) void vscode.window.showErrorMessage(`Eval Loop: ${reason}`, 'Details').then((c) => c && this.output.show());
      this.lastError = reason;
      this.show(offline ? { kind: 'offline', reason } : { kind: 'error', reason }, shown);
      if (offline) setTimeout(() => void this.sync(direction, false), RETRY_MS);
    }
  }

  private async pending(): Promise<number> {
    const remote = await this.remote();
    if (!remote) return 0;
    const { readRemoteState } = await import('../../core/remote/remoteState');
    const paths = workspacePaths(this.session.root, this.workspace());
    return loadRemoteEngine().eventsToPush(paths, readRemoteState(paths.dir, remote.name));
  }

  private async refreshPending(): Promise<void> {
    if (this.state.kind !== 'synced') return;
    try {
      this.state = { ...this.state, toPush: await this.pending() };
      this.render();
    } catch {
      // the next transfer says what is wrong
    }
  }

  private show(state: SyncState, shown: boolean): void {
    this.state = state;
    this.render();
    if (shown && state.kind === 'synced') void vscode.window.setStatusBarMessage('Eval Loop: in sync with the remote', 4000);
  }

  private render(): void {
    const s = this.state;
    if (s.kind === 'idle') return this.item.hide();
    const [text, tooltip] =
      s.kind === 'busy'
        ? [`$(sync~spin) ${s.what}`, `Eval Loop: ${s.what} in progress`]
        : s.kind === 'synced'
          ? s.toPush
            ? [`$(cloud-upload) ${s.toPush}`, `Eval Loop: ${s.toPush} event${s.toPush === 1 ? '' : 's'} to push (pushed after a quiet spell; click to sync now)`]
            : ['$(cloud) in sync', `Eval Loop: in sync with the remote (last at ${s.at.toLocaleTimeString()}); click to sync now`]
          : s.kind === 'offline'
            ? ['$(cloud-offline) offline', `Eval Loop: offline, retrying — ${s.reason}`]
            : ['$(error) remote', `Eval Loop: ${s.reason} (click to retry; details in the Eval Loop output)`];
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = s.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    clearInterval(this.pullTimer);
    clearTimeout(this.pushTimer);
    for (const d of this.disposables) d.dispose();
    this.item.dispose();
  }
}

export function remoteCommands(controller: RemoteSyncController): CommandHandlers {
  return { [COMMANDS.syncNow]: () => controller.sync('sync', true) };
}

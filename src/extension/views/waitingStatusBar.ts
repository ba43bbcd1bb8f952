// How many items wait for review, where a person looks: the status bar item (clicking
// opens the queue) and the badge on the Eval Loop icon in the activity bar. A reviewer
// with assignments sees first what waits for them: assigned, and not yet reviewed by them.
import * as vscode from 'vscode';
import { hasAssignments, waitingFor } from '../../core/review/assignment';
import { storeStatus } from '../../core/store/storeQueries';
import { COMMANDS } from '../commandIds';
import { settingChanged } from '../extensionSettings';
import type { StoreSession } from '../storeSession';

export class WaitingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('evalloop.waiting', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly session: StoreSession,
    private readonly reviewer: () => Promise<string>,
    private readonly badgeView?: vscode.TreeView<unknown>,
  ) {
    this.item.name = 'Eval Loop: items waiting for review';
    this.item.command = COMMANDS.openQueue;
    this.subscription = vscode.Disposable.from(
      session.onDidChange(() => void this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => settingChanged(e, 'reviewer') && void this.update()),
    );
  }

  async update(): Promise<void> {
    const me = await this.reviewer();
    const { status, mine } = await this.session.read((store) => ({
      status: storeStatus(store.database),
      // undefined: nothing is assigned to this reviewer, so the whole queue is theirs
      mine: hasAssignments(store.database, me) ? waitingFor(store.database, me) : undefined,
    }));
    const waiting = status.byState.new ?? 0;
    const auto = status.byState['auto-graded'] ?? 0;
    const badge = mine ?? waiting;
    if (this.badgeView) this.badgeView.badge = badge ? { value: badge, tooltip: mine === undefined ? `${waiting} waiting for review` : `${mine} assigned to you and waiting for your verdict` } : undefined;
    if (status.items === 0) {
      this.item.hide();
      return;
    }
    const queue = `${waiting} waiting for review, ${auto} auto-graded to confirm, ${status.regressions} open regressions`;
    if (mine === undefined) {
      this.item.text = `$(checklist) ${waiting}${auto ? ` · $(wand) ${auto}` : ''}`;
      this.item.tooltip = `Eval Loop: ${queue}`;
      this.item.accessibilityInformation = { label: `Eval Loop: ${waiting} waiting for review, ${auto} auto-graded` };
    } else {
      this.item.text = `$(account) ${mine} · $(checklist) ${waiting}`;
      this.item.tooltip = `Eval Loop: ${mine} assigned to you (${me}) and waiting for your verdict; in the whole queue ${queue}`;
      this.item.accessibilityInformation = { label: `Eval Loop: ${mine} assigned to you and waiting, ${waiting} waiting for review in the queue` };
    }
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

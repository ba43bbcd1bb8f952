// How many items wait for review, where a person looks: the status bar item (clicking
// opens the queue) and the badge on the Eval Loop icon in the activity bar.
import * as vscode from 'vscode';
import { storeStatus } from '../../core/store/storeQueries';
import { COMMANDS } from '../commandIds';
import type { StoreSession } from '../storeSession';

export class WaitingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('evalloop.waiting', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly session: StoreSession,
    private readonly badgeView?: vscode.TreeView<unknown>,
  ) {
    this.item.name = 'Eval Loop: items waiting for review';
    this.item.command = COMMANDS.openQueue;
    this.subscription = session.onDidChange(() => void this.update());
  }

  async update(): Promise<void> {
    const status = await this.session.read((store) => storeStatus(store.database));
    const waiting = status.byState.new ?? 0;
    const auto = status.byState['auto-graded'] ?? 0;
    if (this.badgeView) this.badgeView.badge = waiting ? { value: waiting, tooltip: `${waiting} waiting for review` } : undefined;
    if (status.items === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(checklist) ${waiting}${auto ? ` · $(wand) ${auto}` : ''}`;
    this.item.tooltip = `Eval Loop: ${waiting} waiting for review, ${auto} auto-graded to confirm, ${status.regressions} open regressions`;
    this.item.accessibilityInformation = { label: `Eval Loop: ${waiting} waiting for review, ${auto} auto-graded` };
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}

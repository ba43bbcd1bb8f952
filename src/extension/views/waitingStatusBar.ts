// The status bar item: how many items wait for review; clicking opens the queue.
import * as vscode from 'vscode';
import { storeStatus } from '../../core/store/storeQueries';
import { COMMANDS } from '../commandIds';
import type { StoreSession } from '../storeSession';

export class WaitingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('evalloop.waiting', vscode.StatusBarAlignment.Left, 50);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly session: StoreSession) {
    this.item.name = 'Eval Loop: items waiting for review';
    this.item.command = COMMANDS.openQueue;
    this.subscription = session.onDidChange(() => void this.update());
  }

  async update(): Promise<void> {
    const status = await this.session.read((store) => storeStatus(store.database));
    const waiting = status.byState.new ?? 0;
    const auto = status.byState['auto-graded'] ?? 0;
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

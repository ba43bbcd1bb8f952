// Brings the failure clusters up to date after the store changes (captures by this
// window, the CLI, other windows), in the background and in steps: a first build over
// a large queue yields to reviews between steps instead of holding the store's queue.
import * as vscode from 'vscode';
import { refreshClusters } from '../../core/clusters/clusterQueries';
import type { StoreSession } from '../storeSession';
import { reasonOf } from '../../core/text/reasonOf';

/** Items signed per step; a step over new captures takes well under a second. */
const STEP = 2000;
/** Quiet time after a change before the clusters catch up (a capture arrives in batches). */
const SETTLE_MS = 400;

export class ClusterRefresher implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when items joined clusters. */
  readonly onDidChange = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private disposed = false;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly session: StoreSession,
    private readonly onError: (message: string) => void,
  ) {
    this.subscription = session.onDidChange(() => this.schedule(SETTLE_MS));
  }

  schedule(delay = 0): void {
    if (this.disposed || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.step();
    }, delay);
  }

  private async step(): Promise<void> {
    this.running = true;
    try {
      const update = await this.session.read((store) => refreshClusters(store, STEP));
      if (update.signed > 0) this.changed.fire();
      this.running = false;
      if (update.signed >= STEP) this.schedule(0);
    } catch (error) {
      this.onError(`Failure clusters could not be brought up to date: ${reasonOf(error)}`);
    } finally {
      this.running = false;
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** The failure-clusters feature: background refresh; its change event tells the views to regroup. */
export function registerFailureClusters(session: StoreSession, output: (line: string) => void, register: <T extends vscode.Disposable>(d: T) => T): ClusterRefresher {
  const refresher = register(new ClusterRefresher(session, output));
  refresher.schedule(1000);
  return refresher;
}

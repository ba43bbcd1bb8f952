// The extension's handle on the workspace store: opened on first use (so sql.js is
// loaded only when needed), one operation at a time, index saved after each.
import type { WorkspaceStore } from '../core/store/workspaceStore';

export class StoreSession {
  private store: Promise<WorkspaceStore> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly root: string,
    private readonly workspace: () => string,
    private readonly onNotice: (message: string) => void,
  ) {}

  private async open(): Promise<WorkspaceStore> {
    // loaded lazily: activation must not pay for sql.js
    const { WorkspaceStore } = await import('../core/store/workspaceStore');
    const store = await WorkspaceStore.open(this.root, this.workspace(), {});
    for (const notice of store.notices) this.onNotice(notice);
    return store;
  }

  /** Runs `work` with the store once every earlier operation has finished; saves the index after. */
  run<T>(work: (store: WorkspaceStore) => Promise<T> | T): Promise<T> {
    const next = this.queue.then(async () => {
      this.store ??= this.open();
      let store: WorkspaceStore;
      try {
        store = await this.store;
      } catch (error) {
        this.store = undefined;
        throw error;
      }
      try {
        store.catchUp();
        return await work(store);
      } finally {
        store.save();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    const pending = this.store;
    this.store = undefined;
    void this.queue.then(async () => (await pending)?.close());
  }
}

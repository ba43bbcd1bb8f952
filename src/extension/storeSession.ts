// The extension's handle on the workspace store: opened on first use (so sql.js and the
// store's code are loaded only when needed), one operation at a time. Every write is in
// the journal before it returns; the index is saved by the checkpoint policy (after a
// large batch, else when quiet) so a review does not pay for exporting the whole index.
// Other processes' journal lines are replayed when something says the journals changed
// (the journal file watcher, the poll below), and before every write; a read when
// nothing changed touches no journal. Writes (and other processes' lines) fire
// onDidChange for the views.
import * as vscode from 'vscode';
import { CHECKPOINT_IDLE_MS, checkpointNow } from '../core/store/checkpointPolicy';
import { journalSize, listJournalFiles } from '../core/store/journalFiles';
import type { WorkspaceStore } from '../core/store/workspaceStore';
import { reasonOf } from '../core/text/reasonOf';

export class StoreSession implements vscode.Disposable {
  private store: Promise<WorkspaceStore> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private idleSave: ReturnType<typeof setTimeout> | undefined;
  private journalPoll: ReturnType<typeof setInterval> | undefined;
  private journalSignature = '';
  private opened: WorkspaceStore | undefined;
  /** A journal may hold lines the index has not replayed (set by the watcher and the poll). */
  private journalsChanged = false;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    readonly root: string,
    private readonly workspace: () => string,
    private readonly onNotice: (message: string) => void,
  ) {}

  private async open(): Promise<WorkspaceStore> {
    // loaded lazily, with the store's half of the extension (its own bundle): activation pays for neither it nor sql.js
    const { openStore } = await import('./deferredFeatures');
    const store = await openStore(this.root, this.workspace());
    for (const notice of store.notices) this.onNotice(notice);
    this.opened = store;
    return store;
  }

  private enqueue<T>(work: (store: WorkspaceStore) => Promise<T> | T, write: boolean): Promise<T> {
    const next = this.queue.then(async () => {
      this.store ??= this.open();
      let store: WorkspaceStore;
      try {
        store = await this.store;
      } catch (error) {
        this.store = undefined;
        throw error;
      }
      // a write catches up first, so it is applied after everything already in the journals
      const stale = write || this.journalsChanged;
      this.journalsChanged = false;
      const caught = stale ? store.catchUp().events : 0;
      try {
        return await work(store);
      } finally {
        this.checkpoint(store);
        if (write || caught > 0) this.changed.fire();
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Reads the store (after catching up with other writers). */
  read<T>(work: (store: WorkspaceStore) => Promise<T> | T): Promise<T> {
    return this.enqueue(work, false);
  }

  private checkpoint(store: WorkspaceStore): void {
    clearTimeout(this.idleSave);
    this.idleSave = undefined;
    const unsaved = store.unsavedEvents;
    if (unsaved === 0) return;
    if (checkpointNow(unsaved)) {
      this.save(store);
      return;
    }
    this.idleSave = setTimeout(() => {
      this.idleSave = undefined;
      this.queue = this.queue.then(async () => {
        const current = await this.store;
        if (current) this.save(current);
      });
    }, CHECKPOINT_IDLE_MS);
  }

  private save(store: WorkspaceStore): void {
    try {
      store.save();
    } catch (error) {
      // nothing is lost: the journals hold every event, and the next open replays them
      this.onNotice(`Saving the index failed; it is caught up from the journals on the next open: ${reasonOf(error)}`);
    }
  }

  /** Changes the store; views refresh afterwards. */
  write<T>(work: (store: WorkspaceStore) => Promise<T> | T): Promise<T> {
    return this.enqueue(work, true);
  }

  /**
   * File watchers can drop or merge events, so the journals are also looked at every
   * `ms` once the store is open: a change in their names or sizes (one readdir and a
   * stat per journal) means another process wrote, and the store catches up.
   */
  pollJournals(ms: number): vscode.Disposable {
    this.journalPoll = setInterval(() => {
      const store = this.opened;
      if (!store) return;
      let signature = '';
      try {
        const dir = store.paths.journalDir;
        for (const f of listJournalFiles(dir)) signature += `${f}:${journalSize(dir, f)};`;
      } catch {
        return; // a journal is being created or removed: look again next time
      }
      if (signature === this.journalSignature) return;
      this.journalSignature = signature;
      void this.catchUp();
    }, ms);
    return new vscode.Disposable(() => clearInterval(this.journalPoll));
  }

  /** Another process appended to a journal: replay it. */
  catchUp(): Promise<void> {
    this.journalsChanged = true;
    return this.enqueue(() => undefined, false);
  }

  dispose(): void {
    clearTimeout(this.idleSave);
    clearInterval(this.journalPoll);
    const pending = this.store;
    this.store = undefined;
    this.opened = undefined;
    this.changed.dispose();
    void this.queue.then(async () => (await pending)?.close());
  }
}

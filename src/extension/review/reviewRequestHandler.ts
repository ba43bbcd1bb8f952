// Answers the review panel's messages from the store. No VS Code API here (opening
// files and diffs is passed in), so the same handler serves the real panel and the
// stand-in host of the browser tests.
import { itemDetail, queryPage, queryPageAt, queueSnapshot, type PageAt, type PinnedLookup } from '../../core/review/reviewQueries';
import { CLUSTER_PREVIEW_MAX } from '../../protocol/reviewProtocol';
import { acceptAutoVerdicts, submitReviews, tagItems, undoEvents } from '../../core/review/reviewActions';
import { findItem, findItemRefs } from '../../core/store/storeQueries';
import { seesOthers } from '../../core/review/blindReview';
import { queueSettings } from '../../core/review/queueSettings';
import type { WorkspaceStore } from '../../core/store/workspaceStore';
import type { HostMessage, WebviewMessage } from '../../protocol/reviewProtocol';
import { reasonOf } from '../../core/text/reasonOf';

export interface StoreAccess {
  read<T>(work: (store: WorkspaceStore) => T | Promise<T>): Promise<T>;
  write<T>(work: (store: WorkspaceStore) => T | Promise<T>): Promise<T>;
}

export interface PanelActions {
  openSource(id: string): Promise<void>;
  openDiff(id: string, against: 'expected' | 'lastPass'): Promise<void>;
  /** Pins the items as a held-out eval slice (the host asks for the slice name); the number of cases pinned, 0 when not. */
  pin?(ids: string[]): Promise<number>;
  /** Opens the file where the item's test is defined, at its line. */
  goToDefinition?(id: string): Promise<void>;
}

/** After a write, the header counts are refreshed once the reviewer pauses this long. */
export const COUNTS_REFRESH_MS = 250;

export class ReviewRequestHandler {
  /** Event ids of each action, newest last, for undo. */
  private readonly undoStack: string[][] = [];
  private ownWrites = 0;
  private countsTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: StoreAccess,
    private readonly reviewer: () => Promise<string>,
    private readonly actions: PanelActions,
    private readonly post: (message: HostMessage) => void,
    private readonly pinned: PinnedLookup = () => undefined,
  ) {}

  /**
   * True while one of this panel's own writes is in progress: the store's change event
   * then needs no 'changed' message, since the panel refreshes after each answer.
   */
  get writing(): boolean {
    return this.ownWrites > 0;
  }

  private async write<T>(work: (store: WorkspaceStore) => T | Promise<T>): Promise<T> {
    this.ownWrites++;
    try {
      return await this.store.write(work);
    } finally {
      this.ownWrites--;
    }
  }

  async snapshot(): Promise<void> {
    const snap = await this.store.read(queueSnapshot);
    this.post({ type: 'snapshot', reviewer: await this.reviewer(), ...snap });
  }

  /**
   * The header's counts scan the whole queue, so they are refreshed once a burst of
   * reviews pauses rather than after each one: the next review never waits behind them.
   */
  private refreshCountsSoon(): void {
    clearTimeout(this.countsTimer);
    this.countsTimer = setTimeout(() => {
      this.countsTimer = undefined;
      this.snapshot().catch((error: unknown) => this.post({ type: 'error', message: reasonOf(error) }));
    }, COUNTS_REFRESH_MS);
  }

  dispose(): void {
    clearTimeout(this.countsTimer);
  }

  async handle(message: WebviewMessage): Promise<void> {
    const requestId = 'requestId' in message ? message.requestId : undefined;
    try {
      await this.dispatch(message);
      if (message.type === 'review' || message.type === 'acceptAuto' || message.type === 'tag' || message.type === 'undo') this.refreshCountsSoon();
    } catch (error) {
      this.post({ type: 'error', ...(requestId !== undefined ? { requestId } : {}), message: reasonOf(error) });
    }
  }

  private keysOf(store: WorkspaceStore, ids: string[]): string[] {
    return findItemRefs(store.database, ids).map((item, i) => {
      if (!item || item === 'ambiguous') throw new Error(`no item ${ids[i]}`);
      return item.caseKey;
    });
  }

  private async dispatch(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        return this.snapshot();
      // in a blind queue, what others said is withheld from this reviewer until they give their own verdict
      case 'query': {
        const viewer = await this.reviewer();
        const at: PageAt = m.anchor ? { anchor: m.anchor, offset: m.offset } : m.from ? (m.from.direction === 'after' ? { after: m.from.cursor } : { before: m.from.cursor }) : { offset: m.offset };
        const page = await this.store.read((s) => queryPageAt(s, m.filter, at, m.limit, this.pinned, viewer, m.offset));
        return this.post({ type: 'page', requestId: m.requestId, ...page });
      }
      case 'detail': {
        const viewer = await this.reviewer();
        return this.post({ type: 'detail', requestId: m.requestId, detail: await this.store.read((s) => itemDetail(s, m.id, this.pinned, viewer)) });
      }
      case 'clusterMembers': {
        const viewer = await this.reviewer();
        const page = await this.store.read((s) => queryPage(s, { cluster: m.id }, 0, CLUSTER_PREVIEW_MAX, this.pinned, viewer));
        return this.post({ type: 'clusterMembers', requestId: m.requestId, ...page });
      }
      case 'review': {
        const reviewer = await this.reviewer();
        const ids = await this.write((s) =>
          submitReviews(
            s,
            this.keysOf(s, m.ids),
            {
              verdict: m.verdict,
              ...(m.correction !== undefined ? { correction: m.correction } : {}),
              ...(m.tags ? { tags: m.tags } : {}),
              ...(m.rubric !== undefined ? { rubric: m.rubric } : {}),
              ...(m.comment ? { comment: m.comment } : {}),
              ...(m.adjudicate ? { adjudicate: true } : {}),
            },
            reviewer,
          ),
        );
        this.undoStack.push(ids);
        return this.post({ type: 'saved', requestId: m.requestId, count: m.ids.length, undoable: true });
      }
      case 'acceptAuto': {
        const reviewer = await this.reviewer();
        // one append for the whole acceptance, and one entry on the undo stack; a verdict
        // the reviewer cannot see (blind review) is not theirs to confirm
        const ids = await this.write((s) => {
          const visible = queueSettings(s.database).blind
            ? m.ids.filter((id) => {
                const item = findItem(s.database, id);
                return !!item && item !== 'ambiguous' && seesOthers(s.database, reviewer, item.caseKey);
              })
            : m.ids;
          return acceptAutoVerdicts(s, visible, reviewer);
        });
        if (ids.length) this.undoStack.push(ids);
        return this.post({ type: 'saved', requestId: m.requestId, count: ids.length, undoable: ids.length > 0 });
      }
      case 'tag': {
        const id = await this.write((s) => tagItems(s, this.keysOf(s, m.ids), m.add, m.remove));
        this.undoStack.push([id]);
        return this.post({ type: 'saved', requestId: m.requestId, count: m.ids.length, undoable: true });
      }
      case 'undo': {
        const last = this.undoStack.pop();
        if (last) await this.write((s) => undoEvents(s, last));
        return this.post({ type: 'saved', requestId: m.requestId, count: last ? last.length : 0, undoable: this.undoStack.length > 0 });
      }
      case 'pin': {
        const pinned = (await this.actions.pin?.(m.ids)) ?? 0;
        return this.post({ type: 'saved', requestId: m.requestId, count: pinned, undoable: false });
      }
      case 'openSource':
        return this.actions.openSource(m.id);
      case 'openDiff':
        return this.actions.openDiff(m.id, m.against);
      case 'goToDefinition':
        return this.actions.goToDefinition?.(m.id);
    }
  }
}

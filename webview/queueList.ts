// A virtualised list of queue items: only the rows in view exist in the page, and
// rows are fetched from the host a page at a time, so 100,000 items scroll smoothly.
import type { ItemSummary } from '../src/protocol/reviewProtocol';
import { isVerdict, type Verdict } from '../src/core/review/verdicts';
import { visibleText } from './safeText';

export const ROW_HEIGHT = 26;
/** A shared title prefix shorter than this is kept: it is not worth hiding. */
const MIN_SHARED_PREFIX = 24;
const BADGES: Record<string, string> = { regression: 'REGR', 'auto-graded': 'auto', new: 'new' };
const VERDICT_BADGES: Record<Verdict, string> = { 'model-wrong': 'model✗', 'eval-wrong': 'eval✗', ambiguous: 'ambig', discard: 'discard' };
const PAGE = 200;
const OVERSCAN = 8;

/**
 * A page the list asks for: placed at `offset`, read from there, or right after (before) a
 * row it has by that row's cursor, or as the page holding an item.
 */
export interface PageRequest {
  offset: number;
  limit: number;
  from?: { cursor: string; direction: 'after' | 'before' };
  anchor?: string;
}

export interface PageAnswer {
  total: number;
  items: ItemSummary[];
  /** Where the host placed the page (an anchored page: the page holding the anchor). */
  offset?: number;
  first?: string;
  last?: string;
  anchorIndex?: number;
}

export interface ListCallbacks {
  fetchPage(request: PageRequest): Promise<PageAnswer>;
  onCursor(index: number, item: ItemSummary | undefined): void;
  /** The set of selected rows changed (x, Ctrl+click). */
  onSelection?(): void;
}

export class QueueList {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement[] = [];
  private readonly pages = new Map<number, ItemSummary[]>();
  /** The cursors of each loaded page's first and last rows: the next page is read after the last. */
  private readonly cursors = new Map<number, { first?: string; last?: string }>();
  private readonly loading = new Set<number>();
  private generation = 0;
  total = 0;
  cursor = 0;
  readonly selected = new Set<string>();

  constructor(private readonly callbacks: ListCallbacks) {
    this.element = document.createElement('div');
    this.element.className = 'queue-list';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'listbox');
    this.element.setAttribute('aria-label', 'Review queue');
    this.spacer = document.createElement('div');
    this.spacer.className = 'queue-spacer';
    this.element.append(this.spacer);
    this.element.addEventListener('scroll', () => this.render());
    this.element.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('.queue-row');
      if (!row) return;
      const index = Number(row.dataset.index);
      if (event.ctrlKey || event.metaKey) this.toggleSelected(index);
      else this.moveTo(index);
    });
    new ResizeObserver(() => this.render()).observe(this.element);
  }

  /**
   * Shows the list where it was left (the panel was hidden, or its window reloaded): the
   * page holding the item that was under the cursor is fetched (the host answers a deep
   * page as fast as the first), and the item is put back where it was on screen, even if
   * items were added or reviewed above it meanwhile.
   */
  async restore(cursor: number, scrollTop: number, anchor?: string): Promise<void> {
    this.cursor = Math.max(0, Math.floor(cursor));
    await this.load(true, anchor, this.cursor * ROW_HEIGHT - scrollTop);
  }

  /**
   * Drops cached pages (the filter or the data changed) and loads again. With `keepCursor`
   * the item under the cursor stays under it and at the same height on screen, wherever it
   * now is in the list (or, once it has left the list, the item that followed it).
   */
  async reset(keepCursor = false, anchor = keepCursor ? this.itemAt(this.cursor)?.id : undefined): Promise<void> {
    await this.load(keepCursor, anchor, this.cursor * ROW_HEIGHT - this.element.scrollTop);
  }

  /** `onScreen`: how far below the top of the view the cursor's row is, kept when the row moves in the list. */
  private async load(keepCursor: boolean, anchor: string | undefined, onScreen: number): Promise<void> {
    const generation = ++this.generation;
    this.loading.clear();
    const cursor = keepCursor ? this.cursor : 0;
    const request: PageRequest = { offset: Math.floor(cursor / PAGE) * PAGE, limit: PAGE, ...(anchor ? { anchor } : {}) };
    // the old rows stay until the new page is here, so keys pressed meanwhile still act on what is shown
    const answer = await this.callbacks.fetchPage(request);
    if (generation !== this.generation) return;
    const { total, items } = answer;
    const at = anchor && answer.anchorIndex !== undefined ? answer.anchorIndex : cursor;
    const offset = answer.offset ?? request.offset;
    this.pages.clear();
    this.cursors.clear();
    this.prefixes.clear();
    this.pages.set(Math.floor(offset / PAGE), items);
    this.cursors.set(Math.floor(offset / PAGE), { ...(answer.first ? { first: answer.first } : {}), ...(answer.last ? { last: answer.last } : {}) });
    this.total = total;
    this.spacer.style.height = `${total * ROW_HEIGHT}px`;
    this.cursor = Math.min(at, Math.max(0, total - 1));
    this.element.scrollTop = keepCursor ? Math.max(0, this.cursor * ROW_HEIGHT - onScreen) : 0;
    this.render();
    this.callbacks.onCursor(this.cursor, this.itemAt(this.cursor));
  }

  private readonly prefixes = new Map<number, number>();

  /**
   * How many leading characters every title of a page shares, cut back to a word
   * boundary (0 when it is short or the titles differ early): rows of one templated
   * suite then show what differs instead of the same first words.
   */
  private sharedPrefix(page: number): number {
    const known = this.prefixes.get(page);
    if (known !== undefined) return known;
    const titles = (this.pages.get(page) ?? []).map((i) => i.title);
    let n = 0;
    if (titles.length > 1) {
      n = titles[0]!.length;
      for (const t of titles) {
        let k = 0;
        while (k < n && k < t.length && t.charCodeAt(k) === titles[0]!.charCodeAt(k)) k++;
        n = k;
        if (n === 0) break;
      }
      const cut = titles[0]!.lastIndexOf(' ', n - 1) + 1;
      n = cut >= MIN_SHARED_PREFIX ? cut : 0;
    }
    if (this.pages.has(page)) this.prefixes.set(page, n);
    return n;
  }

  itemAt(index: number): ItemSummary | undefined {
    return this.pages.get(Math.floor(index / PAGE))?.[index % PAGE];
  }

  private async loadPage(page: number): Promise<void> {
    if (this.pages.has(page) || this.loading.has(page)) return;
    this.loading.add(page);
    const generation = this.generation;
    // next to a page it has, the list asks for the rows right after (or before) it: a
    // change in between then neither skips nor repeats a row; a jump asks by offset
    const after = this.cursors.get(page - 1)?.last;
    // (the top page is read by offset: read upwards it could come back short)
    const before = page > 0 ? this.cursors.get(page + 1)?.first : undefined;
    const from = after ? ({ cursor: after, direction: 'after' } as const) : before ? ({ cursor: before, direction: 'before' } as const) : undefined;
    const answer = await this.callbacks.fetchPage({ offset: page * PAGE, limit: PAGE, ...(from ? { from } : {}) });
    if (generation !== this.generation) return;
    this.loading.delete(page);
    const { total, items } = answer;
    if (from?.direction === 'before' && items.length < PAGE) {
      // fewer rows above than places: items left the list since; the list is placed again
      void this.reset(true);
      return;
    }
    this.total = total;
    this.pages.set(page, items);
    this.cursors.set(page, { ...(answer.first ? { first: answer.first } : {}), ...(answer.last ? { last: answer.last } : {}) });
    this.spacer.style.height = `${total * ROW_HEIGHT}px`;
    this.render();
    // the cursor may have been waiting for this page (a jump to the end)
    if (Math.floor(this.cursor / PAGE) === page) this.callbacks.onCursor(this.cursor, this.itemAt(this.cursor));
  }

  render(): void {
    const height = this.element.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.total, Math.ceil((this.element.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const needed = last - first;
    while (this.rows.length < needed) {
      const row = document.createElement('div');
      row.className = 'queue-row';
      row.setAttribute('role', 'option');
      for (const part of ['badge', 'title', 'meta']) {
        const span = document.createElement('span');
        span.className = `row-${part}`;
        row.append(span);
      }
      this.element.append(row);
      this.rows.push(row);
    }
    for (let r = 0; r < this.rows.length; r++) {
      const row = this.rows[r]!;
      const index = first + r;
      if (r >= needed) {
        row.style.display = 'none';
        continue;
      }
      row.style.display = '';
      row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      row.dataset.index = String(index);
      const item = this.itemAt(index);
      if (!item) void this.loadPage(Math.floor(index / PAGE));
      this.fillRow(row, item, index);
    }
  }

  private fillRow(row: HTMLElement, item: ItemSummary | undefined, index: number): void {
    const [badge, title, meta] = row.children as unknown as HTMLElement[];
    row.classList.toggle('cursor', index === this.cursor);
    row.setAttribute('aria-selected', String(index === this.cursor));
    const selected = !!item && this.selected.has(item.id);
    row.classList.toggle('selected', selected);
    row.setAttribute('aria-checked', String(selected));
    if (!item) {
      badge!.textContent = '';
      title!.textContent = '…';
      meta!.textContent = '';
      return;
    }
    badge!.textContent = BADGES[item.regression ? 'regression' : item.state] ?? (item.verdict ? (isVerdict(item.verdict) ? VERDICT_BADGES[item.verdict] : item.verdict) : item.state);
    badge!.className = `row-badge badge-${item.regression ? 'regression' : item.state}`;
    // what tells rows apart: the part of the title after the prefix the page's rows share
    const prefix = this.sharedPrefix(Math.floor(index / PAGE));
    title!.textContent = visibleText(prefix && item.title.length > prefix ? `…${item.title.slice(prefix)}` : item.title);
    meta!.textContent = `${item.pinned ? 'pinned · ' : ''}${item.model ? `${item.model} · ` : ''}${item.suite}${item.occurrences > 1 ? ` ×${item.occurrences}` : ''}`;
    row.classList.toggle('pinned', item.pinned !== null);
    const lines = [visibleText(item.title), `${item.suite}${item.model ? ` · ${item.model}` : ''}${item.runLabel ? ` · last failed in ${item.runLabel}` : ''}`];
    if (item.pinned) lines.push(`pinned in eval slice ${item.pinned}: held out of training`);
    row.title = lines.join('\n');
  }

  moveTo(index: number): void {
    if (this.total === 0) return;
    this.cursor = Math.max(0, Math.min(this.total - 1, index));
    const top = this.cursor * ROW_HEIGHT;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + this.element.clientHeight) this.element.scrollTop = top + ROW_HEIGHT - this.element.clientHeight;
    this.render();
    const item = this.itemAt(this.cursor);
    if (item) this.callbacks.onCursor(this.cursor, item);
    else void this.loadPage(Math.floor(this.cursor / PAGE));
  }

  toggleSelected(index = this.cursor): void {
    const item = this.itemAt(index);
    if (!item) return;
    if (this.selected.has(item.id)) this.selected.delete(item.id);
    else this.selected.add(item.id);
    this.render();
    this.callbacks.onSelection?.();
  }

  /** The ids an action applies to: the selection, or else the item under the cursor. */
  targetIds(): string[] {
    if (this.selected.size) return [...this.selected];
    const item = this.itemAt(this.cursor);
    return item ? [item.id] : [];
  }
}

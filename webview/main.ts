// The review panel's controller: the filter bar (filterBar.ts), the virtualised
// queue, the detail pane and the verdict form, driven from the keyboard (keyboard.ts).
// It holds what the panel is showing and carries out the reviewer's actions.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { HostMessage, ItemDetail, ItemSummary, QueueFilter } from '../src/protocol/reviewProtocol';
import { renderDetail } from './detailView';
import { FilterBar } from './filterBar';
import { HostBridge } from './hostBridge';
import { PanelKeys } from './keyboard';
import { QueueList } from './queueList';
import { ReviewForm, type FormValue } from './reviewForm';
import { ClusterBatch } from './clusterBatch';
import { el } from './safeText';
import { TeamFilterBar } from './teamFilters';
import { counted } from '../src/core/text/counted';

const bridge = new HostBridge();
/** What the panel keeps across being hidden or reloaded: the filter, and where in the list the reviewer was. */
interface SavedState {
  filter?: QueueFilter;
  cursor?: number;
  scrollTop?: number;
  /** The id of the item under the cursor: a restored list finds it wherever it now is. */
  anchor?: string;
  /** The list column's width, in pixels (it is resizable). */
  listWidth?: number;
}
const saved = (bridge.state ?? {}) as SavedState;
let filter: QueueFilter = (saved.filter ?? { state: 'new' }) as QueueFilter;
const details = new Map<string, ItemDetail | null>();
/** How long a review may wait for the host's answer before the panel says it is still waiting. */
const SLOW_ANSWER_MS = 10_000;
let current: ItemSummary | undefined;
let shownDetail: ItemDetail | null = null;
/** The item the form holds the reviewer's input for; a refresh of that same item keeps the input. */
let formItemId: string | undefined;
/**
 * The panel's own actions, newest last, in step with the host's undo stack: undoing a
 * review puts back everything the reviewer had entered for it.
 */
const undoEntries: ({ kind: 'review'; ids: string[]; value: FormValue } | { kind: 'other' })[] = [];
/** Input to put back into the form once this item is shown again (after an undo). */
let pendingRestore: { id: string; value: FormValue } | undefined;
/** A submit to several items waits for a second Ctrl+Enter; this is what it would apply. */
let confirming: { ids: string; verdict: string } | undefined;
/** What an action did, said again once the next item has loaded (loading clears the form's line). */
let pendingNotice: { text: string; kind: 'info' | 'error' } | undefined;
/** Accept auto-graded waits for a second click; this is how many items it would accept. */
let acceptArmed: { ids: string[]; timer: ReturnType<typeof setTimeout> } | undefined;

// ── layout
const app = document.getElementById('app')!;
const header = el('div', 'header');
const counts = el('span', 'counts');
const selection = el('span', 'selection-count');
selection.setAttribute('role', 'status');
const acceptAuto = document.createElement('vscode-button');
acceptAuto.textContent = 'Accept auto-graded';
acceptAuto.setAttribute('secondary', '');
acceptAuto.title = 'Confirm the automatic verdicts of the listed (or selected) items';
const promote = document.createElement('vscode-button');
promote.textContent = 'Promote';
promote.setAttribute('secondary', '');
promote.title = 'Tag the selected (or current) items "promoted" for the next snapshot (p)';
const pin = document.createElement('vscode-button');
pin.textContent = 'Pin…';
pin.setAttribute('secondary', '');
pin.title = 'Pin the selected (or current) items as a held-out eval slice';
const filterBar = new FilterBar(() => filter, applyFilter);
header.append(...filterBar.elements, acceptAuto, promote, pin, selection, counts);

const main = el('div', 'main');
const list = new QueueList({
  fetchPage: async (request) => {
    const answer = await bridge.request({ type: 'query', filter, ...request });
    if (answer.type === 'page') return answer;
    announce(`Queue not loaded: ${answer.message}`, 'error');
    return { total: 0, items: [] };
  },
  onCursor: (_index, item) => {
    savePosition();
    void showItem(item);
  },
  onSelection: () => selectionChanged(),
});
const detailPane = el('div', 'detail-pane');
const form = new ReviewForm(() => keys.submitAndReplay());
const right = el('div', 'right');
right.append(detailPane, form.element);
// the list column is resizable (drag its lower right corner) and keeps its width
const listColumn = el('div', 'list-column');
listColumn.append(list.element);
const savedWidth = (bridge.state as { listWidth?: number } | undefined)?.listWidth;
if (typeof savedWidth === 'number' && savedWidth >= 200 && savedWidth <= 4000) listColumn.style.width = `${savedWidth}px`;
let widthTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  clearTimeout(widthTimer);
  widthTimer = setTimeout(() => {
    const width = Math.round(listColumn.getBoundingClientRect().width);
    if (width > 0) bridge.state = { ...(bridge.state as object | undefined), listWidth: width };
  }, 300);
}).observe(listColumn);
main.append(listColumn, right);
const keys = new PanelKeys({
  list,
  form,
  submit,
  undo: () => void undo(),
  promote: () => void promoteTargets(),
  tagFromField: () => void tagFromField(),
  focusSearch: () => filterBar.focusSearch(),
  openSource: () => current && bridge.send({ type: 'openSource', id: current.id }),
  openDiff: () => current && bridge.send({ type: 'openDiff', id: current.id, against: 'expected' }),
  escape: (wasInField) => {
    if (confirming) {
      confirming = undefined;
      form.say('Not submitted.');
    } else if (!wasInField && list.selected.size) clearSelection();
  },
});
app.append(header, main, keys.footer, keys.help);

function applyFilter(next: QueueFilter): void {
  filter = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined && v !== '' && v !== false)) as QueueFilter;
  bridge.state = { ...(bridge.state as SavedState | undefined), filter } satisfies SavedState;
  filterBar.showChips(filter);
  clearSelection();
  void list.reset();
}

/** Selected rows are counted in the header and on the submit button, so a submit to several is never a surprise. */
function selectionChanged(): void {
  const n = list.selected.size;
  selection.textContent = n ? `${n} selected` : '';
  form.setTargetCount(n);
  confirming = undefined;
}

function clearSelection(): void {
  list.selected.clear();
  list.render();
  selectionChanged();
}

/**
 * What an action applies to: the selected rows, else the item whose detail is shown
 * (which, just after a submit, can be ahead of the list's cursor while its page loads).
 */
function targetIds(): string[] {
  if (list.selected.size) return [...list.selected];
  return current ? [current.id] : list.targetIds();
}

/** Says what an action did, and keeps saying it when the queue moves on to the next item. */
function announce(text: string, kind: 'info' | 'error' = 'info'): void {
  form.say(text, kind);
  pendingNotice = { text, kind };
}

/** The next key after a submit belongs to the list, never to the next item's correction. */
function focusList(): void {
  const active = document.activeElement as HTMLElement | null;
  if (active && active !== list.element) active.blur();
  list.element.focus();
}

acceptAuto.addEventListener('click', () => void acceptAutoGraded());
promote.addEventListener('click', () => void promoteTargets());
pin.addEventListener('click', () => void pinTargets());

// ── detail
/** The item's detail (null when it has left the queue), or the host's error as text. */
async function loadDetail(id: string): Promise<ItemDetail | null | string> {
  if (details.has(id)) return details.get(id)!;
  const answer = await bridge.request({ type: 'detail', id });
  // an error is not kept: the next look at the item asks again
  if (answer.type === 'error') return answer.message;
  details.set(id, answer.detail);
  if (details.size > 64) details.delete(details.keys().next().value as string);
  return answer.detail;
}

async function showItem(item: ItemSummary | undefined): Promise<void> {
  current = item;
  if (!item) {
    shownDetail = null;
    detailPane.replaceChildren(el('p', 'empty', list.total === 0 ? 'Nothing here: no items match this filter.' : ''));
    form.load(null);
    formItemId = undefined;
    if (pendingNotice) form.say(pendingNotice.text, pendingNotice.kind);
    pendingNotice = undefined;
    return;
  }
  const loaded = await loadDetail(item.id);
  if (current?.id !== item.id) return; // moved on meanwhile
  const detail = typeof loaded === 'string' ? null : loaded;
  shownDetail = detail;
  const sameItem = formItemId === item.id;
  const scrolled = detailPane.scrollTop;
  detailPane.replaceChildren(
    detail
      ? renderDetail(detail, {
          openSource: () => bridge.send({ type: 'openSource', id: item.id }),
          openDiff: (against) => bridge.send({ type: 'openDiff', id: item.id, against }),
          cluster: (d) => clusterBatch.section(d),
          goToDefinition: () => bridge.send({ type: 'goToDefinition', id: item.id }),
        })
      : typeof loaded === 'string'
        ? el('p', 'empty', `Not loaded: ${loaded}`)
        : el('p', 'empty', 'This item is no longer in the queue.'),
  );
  // another writer's change refreshes the list: a verdict chosen or a correction being
  // typed for this item must survive it
  detailPane.scrollTop = sameItem ? scrolled : 0;
  if (!sameItem) {
    form.load(detail);
    formItemId = item.id;
    if (pendingNotice) {
      form.say(pendingNotice.text, pendingNotice.kind);
      pendingNotice = undefined;
    }
    if (pendingRestore?.id === item.id) {
      form.restore(pendingRestore.value);
      form.say('Undone: what you had entered is back in the form.');
      pendingRestore = undefined;
    }
  }
  // the next item is usually next: fetch it ahead
  const next = list.itemAt(list.cursor + 1);
  if (next) void loadDetail(next.id);
}

// ── actions
const clusterBatch = new ClusterBatch({
  request: (m) => bridge.request(m),
  formValue: () => form.value(),
  say: (text, kind) => form.say(text, kind),
  saved: async (ids, value) => {
    undoEntries.push({ kind: 'review', ids, value });
    for (const id of ids) details.delete(id);
    announce(`Saved "${value.verdict}" on ${counted(ids.length, 'item')} of the cluster. u undoes all of them.`);
    await afterChange(true);
  },
});

async function submit(): Promise<void> {
  const value = form.value();
  const ids = targetIds();
  if (!value.verdict) {
    form.say('Choose a verdict (1–4) first.');
    return;
  }
  if (ids.length === 0) return;
  const key = ids.join(',');
  if (ids.length > 1 && (confirming?.ids !== key || confirming.verdict !== value.verdict)) {
    confirming = { ids: key, verdict: value.verdict };
    form.say(`Apply "${value.verdict}" to all ${ids.length} selected items? Press Ctrl+Enter again to confirm; Esc cancels.`);
    return;
  }
  confirming = undefined;
  // the item leaves this filter once reviewed: the next one, already loaded (and its
  // detail fetched ahead), is painted the moment the host says saved, before the list's
  // page comes back
  const leaves = ids.length === 1 && !list.selected.size && (filter.state === 'new' || filter.state === 'auto-graded');
  const upcoming = leaves ? list.itemAt(list.cursor + 1) : undefined;
  // keys pressed from here on (the next verdict) act on the list, not on this item's fields
  focusList();
  form.say('Saving…');
  // a host that stopped (a crash, a restart) never answers: say so rather than wait silently
  const slow = setTimeout(() => {
    form.say('Still saving… no answer from Eval Loop yet. If its extension host restarted, reopen the queue (Eval Loop: Open Review Queue) to see what was saved.');
  }, SLOW_ANSWER_MS);
  const answer = await bridge.request({
    type: 'review',
    ids,
    verdict: value.verdict,
    ...(value.verdict === 'model-wrong' ? { correction: value.correction } : {}),
    ...(value.tags.length ? { tags: value.tags } : {}),
    ...(value.rubric ? { rubric: value.rubric } : {}),
    ...(value.comment ? { comment: value.comment } : {}),
    ...(TeamFilterBar.adjudicates(filter) ? { adjudicate: true } : {}),
  });
  clearTimeout(slow);
  if (answer.type === 'error') {
    form.say(`Not saved: ${answer.message}`, 'error');
    return;
  }
  undoEntries.push({ kind: 'review', ids, value });
  for (const id of ids) details.delete(id);
  clearSelection();
  if (ids.length > 1) announce(`Saved "${value.verdict}" on ${ids.length} items.`);
  // saved to the journal: only now does the queue move on
  if (upcoming) {
    formItemId = undefined;
    await showItem(upcoming);
    // the editor can hand focus back to the field that had it before the submit (its
    // webview restores focus when the panel regains it): the next item's keys belong to the list
    focusList();
    // the page that comes back puts the same item under the cursor: what the reviewer has
    // started entering for it meanwhile is kept
    await afterChange(true, true);
    return;
  }
  await afterChange(true);
  focusList();
}

/** Accepting automatic verdicts makes them a person's labels: the first click says how many, the second does it. */
async function acceptAutoGraded(): Promise<void> {
  if (!acceptArmed) {
    const ids = list.selected.size
      ? [...list.selected]
      : collectLoaded()
          .filter((i) => i.state === 'auto-graded')
          .map((i) => i.id);
    if (!ids.length) {
      form.say('No auto-graded items here to accept.');
      return;
    }
    acceptArmed = { ids, timer: setTimeout(disarmAccept, 10_000) };
    acceptAuto.textContent = `Confirm: accept ${ids.length}`;
    form.say(`Accept the automatic verdicts of ${counted(ids.length, 'item')} as your own reviews? Click again to confirm.`);
    return;
  }
  const { ids } = acceptArmed;
  disarmAccept();
  const answer = await bridge.request({ type: 'acceptAuto', ids });
  if (answer.type === 'error') {
    form.say(`Not saved: ${answer.message}`, 'error');
    return;
  }
  if (answer.count) undoEntries.push({ kind: 'other' });
  const skipped = ids.length - answer.count;
  announce(`Accepted ${counted(answer.count, 'automatic verdict')}${skipped ? ` (${skipped} no longer auto-graded, left as they were)` : ''}. u undoes.`);
  for (const id of ids) details.delete(id);
  clearSelection();
  await afterChange(true);
}

function disarmAccept(): void {
  if (acceptArmed) clearTimeout(acceptArmed.timer);
  acceptArmed = undefined;
  acceptAuto.textContent = 'Accept auto-graded';
}

function collectLoaded(): ItemSummary[] {
  const out: ItemSummary[] = [];
  for (let i = 0; i < list.total; i++) {
    const item = list.itemAt(i);
    if (item) out.push(item);
  }
  return out;
}

async function undo(): Promise<void> {
  const answer = await bridge.request({ type: 'undo' });
  if (answer.type === 'error') {
    form.say(`Not undone: ${answer.message}`, 'error');
    return;
  }
  const entry = answer.count ? undoEntries.pop() : undefined;
  form.say(answer.count ? 'Undone.' : 'Nothing to undo.');
  details.clear();
  if (entry?.kind === 'review') {
    // back to the item, with the verdict, correction, tags, rubric and comment as they were
    pendingRestore = { id: entry.ids[0]!, value: entry.value };
    await afterChange(true);
    await selectById(entry.ids[0]!);
    return;
  }
  await afterChange(true);
}

async function promoteTargets(): Promise<void> {
  const ids = targetIds();
  if (!ids.length) return;
  const answer = await bridge.request({ type: 'tag', ids, add: ['promoted'], remove: [] });
  if (answer.type === 'error') {
    form.say(`Not promoted: ${answer.message}`, 'error');
    return;
  }
  undoEntries.push({ kind: 'other' });
  announce(`Promoted ${counted(ids.length, 'item')} (tag:promoted).`);
  for (const id of ids) details.delete(id);
  await afterChange(true, true);
}

async function pinTargets(): Promise<void> {
  const ids = targetIds();
  if (!ids.length) return;
  const answer = await bridge.request({ type: 'pin', ids });
  if (answer.type === 'error') {
    form.say(`Not pinned: ${answer.message}`, 'error');
    return;
  }
  // the host asked for the slice's name: 0 when the reviewer cancelled (or the pin failed, which the host showed)
  form.say(answer.count ? `Pinned ${counted(answer.count, 'case')} as a held-out eval slice.` : 'Not pinned.');
}

/** Enter in the tags box tags the items and keeps the verdict and correction being entered. */
async function tagFromField(): Promise<void> {
  const add = form.value().tags;
  const ids = targetIds();
  if (!add.length || !ids.length) return;
  const answer = await bridge.request({ type: 'tag', ids, add, remove: [] });
  if (answer.type === 'error') {
    form.say(`Not tagged: ${answer.message}`, 'error');
    return;
  }
  undoEntries.push({ kind: 'other' });
  form.say(`Tagged ${counted(ids.length, 'item')}: ${add.join(', ')}.`);
  for (const id of ids) details.delete(id);
  await afterChange(true, true);
}

/** Reloads the list; `keepInput` when the change came from elsewhere (the form keeps what the reviewer entered). */
async function afterChange(keepCursor: boolean, keepInput = false): Promise<void> {
  if (!keepInput) formItemId = undefined;
  await list.reset(keepCursor);
}

keys.listen();

// ── host messages
bridge.on((message: HostMessage) => {
  if (message.type === 'snapshot') {
    const waiting = message.counts.new ?? 0;
    counts.textContent = `${waiting} waiting · ${message.counts['auto-graded'] ?? 0} auto-graded · ${message.regressions} regressions · ${message.total} items`;
    filterBar.showChoices(message);
  } else if (message.type === 'changed') {
    details.clear();
    void afterChange(true, true);
  } else if (message.type === 'select') {
    void selectById(message.id);
  } else if (message.type === 'filter') {
    void initialLoad.then(() => {
      applyFilter(message.filter);
      filterBar.syncControls();
    });
  }
});

async function selectById(id: string): Promise<void> {
  // a panel opened for this item is still loading its first page: wait for it, or its
  // arrival would move the cursor back to the top
  await initialLoad;
  for (let i = 0; i < list.total; i++) {
    if (list.itemAt(i)?.id === id) {
      list.moveTo(i);
      return;
    }
  }
  // not in the current filter: show all items and look again (the bar shows that too)
  applyFilter({});
  filterBar.syncControls();
  await list.reset();
  for (let i = 0; i < list.total; i++) if (list.itemAt(i)?.id === id) return list.moveTo(i);
}

/** Keeps the cursor and scroll position in the panel's state, so they survive the panel being hidden or reloaded. */
function savePosition(): void {
  const anchor = list.itemAt(list.cursor)?.id;
  bridge.state = { ...(bridge.state as SavedState | undefined), filter, cursor: list.cursor, scrollTop: list.element.scrollTop, ...(anchor ? { anchor } : {}) } satisfies SavedState;
}
let positionFrame = 0;
list.element.addEventListener('scroll', () => {
  cancelAnimationFrame(positionFrame);
  positionFrame = requestAnimationFrame(savePosition);
});

filterBar.syncControls();
filterBar.showChips(filter);
const initialLoad = (saved.cursor || saved.anchor ? list.restore(saved.cursor ?? 0, saved.scrollTop ?? 0, typeof saved.anchor === 'string' && /^[0-9a-f]{12}$/.test(saved.anchor) ? saved.anchor : undefined) : list.reset()).then(() => list.element.focus());
bridge.send({ type: 'ready' });
(window as unknown as { __evalloop: unknown }).__evalloop = {
  list,
  form,
  bridge,
  get detail() {
    return shownDetail;
  },
};

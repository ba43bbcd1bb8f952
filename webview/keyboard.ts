// The panel's keys: the footer's summary and the ? help, the keys pressed on the list
// (j/k, 1–4, e, t, x, u, p, d, o, /), Ctrl+Enter to submit and Escape. While a submit
// waits for the host, the keys that act on an item are held and replayed once the
// next item is shown: pressed early, they belong to the next item, never to the one
// being saved.
import type { QueueList } from './queueList';
import { VERDICTS } from '../src/core/review/verdicts';
import type { ReviewForm } from './reviewForm';
import { el } from './safeText';

/** What the keys act on: the list and the form, and the panel's actions. */
export interface KeyTarget {
  readonly list: QueueList;
  readonly form: ReviewForm;
  /** Submits the form's verdict (resolves once the host answered and the queue moved on). */
  submit(): Promise<void>;
  undo(): void;
  promote(): void;
  /** Enter in the tags box: tags the items, keeping the rest of the form. */
  tagFromField(): void;
  focusSearch(): void;
  openSource(): void;
  openDiff(): void;
  /** Escape (focus is back on the list); `wasInField` when it left a field. */
  escape(wasInField: boolean): void;
}

const FOOTER = 'j/k move · 1 model wrong · 2 eval wrong · 3 ambiguous · 4 discard · e correction · t tags · x select (Esc clears) · Ctrl+Enter submit & next · u undo · p promote · / search · ? all keys';

const KEYS: [string, string][] = [
  ['j / k, ↓ / ↑', 'next / previous item'],
  ['g / G', 'first / last item'],
  ['1 2 3 4', 'model wrong · eval wrong · ambiguous · discard'],
  ['e', 'edit the correction (model wrong)'],
  ['t', 'tags (Enter applies them)'],
  ['x or Space', 'select the item (Esc clears the selection)'],
  ['Ctrl+Enter', 'submit & next (twice when several are selected)'],
  ['u', 'undo the last action, with what you had entered'],
  ['p', 'promote (tag:promoted)'],
  ['d', 'open the native diff beside the panel'],
  ['o', 'open the result file at this record'],
  ['/', 'search input, output, expected and comments'],
  ['?', 'show or hide these keys'],
];

const HELD_WHILE_SAVING = new Set(['1', '2', '3', '4', 'j', 'k', 'ArrowDown', 'ArrowUp', 'e', 'x', ' ', 'p']);

function inField(target: EventTarget | null): boolean {
  const t = target as HTMLElement | null;
  if (!t) return false;
  return t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.tagName === 'VSCODE-TEXTAREA' || t.tagName === 'VSCODE-TEXTFIELD' || t.isContentEditable;
}

export class PanelKeys {
  readonly footer = el('div', 'footer', FOOTER);
  readonly help = el('div', 'key-help');
  private saving: Promise<void> | undefined;
  private readonly heldKeys: { key: string; submit: boolean }[] = [];

  constructor(private readonly target: KeyTarget) {
    this.help.setAttribute('role', 'dialog');
    this.help.setAttribute('aria-label', 'Keyboard shortcuts');
    this.help.hidden = true;
    const keyTable = document.createElement('table');
    for (const [keys, what] of KEYS) {
      const row = document.createElement('tr');
      row.append(el('th', undefined, keys), el('td', undefined, what));
      keyTable.append(row);
    }
    this.help.append(el('h3', undefined, 'Keys'), keyTable);
  }

  /** Submits, or holds the submit until the one being saved is answered. */
  submitAndReplay(): void {
    if (this.saving) {
      this.heldKeys.push({ key: 'Enter', submit: true });
      return;
    }
    this.saving = this.target.submit().finally(() => {
      this.saving = undefined;
      // replay in order; a replayed submit holds the keys after it in turn
      while (this.heldKeys.length && !this.saving) {
        const next = this.heldKeys.shift()!;
        if (next.submit) this.submitAndReplay();
        else this.listKey(next.key);
      }
    });
  }

  listen(): void {
    window.addEventListener('keydown', (event) => this.keydown(event));
  }

  private keydown(event: KeyboardEvent): void {
    const { list, form } = this.target;
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      event.preventDefault();
      this.submitAndReplay();
      return;
    }
    if (event.key === 'Escape' && !this.help.hidden) {
      this.help.hidden = true;
      event.preventDefault();
      return;
    }
    if (event.key === 'Escape') {
      // leave the field with its text: a search box would otherwise clear itself without refiltering
      event.preventDefault();
      const wasInField = inField(event.target);
      (document.activeElement as HTMLElement | null)?.blur();
      list.element.focus();
      this.target.escape(wasInField);
      return;
    }
    if (inField(event.target)) {
      if (event.key === 'Enter' && (event.target as HTMLElement).tagName === 'VSCODE-TEXTFIELD' && event.target === form.tags) {
        event.preventDefault();
        this.target.tagFromField();
      }
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (this.saving && HELD_WHILE_SAVING.has(event.key)) {
      event.preventDefault();
      this.heldKeys.push({ key: event.key, submit: false });
      return;
    }
    if (this.listKey(event.key)) event.preventDefault();
  }

  /** A key pressed on the list (not in a field); true when it meant something. */
  private listKey(key: string): boolean {
    const { list, form } = this.target;
    let handled = true;
    if (key === 'j' || key === 'ArrowDown') list.moveTo(list.cursor + 1);
    else if (key === 'k' || key === 'ArrowUp') list.moveTo(list.cursor - 1);
    else if (key === 'g') list.moveTo(0);
    else if (key === 'G') list.moveTo(list.total - 1);
    else if (key >= '1' && key <= '4') form.setVerdict(VERDICTS[Number(key) - 1]!);
    else if (key === 'e') {
      form.setVerdict('model-wrong');
      form.correction.focus();
    } else if (key === 't') form.tags.focus();
    else if (key === 'x' || key === ' ') list.toggleSelected();
    else if (key === 'u') this.target.undo();
    else if (key === '/') this.target.focusSearch();
    else if (key === 'o') this.target.openSource();
    else if (key === 'p') this.target.promote();
    else if (key === 'd') this.target.openDiff();
    else if (key === '?') this.help.hidden = !this.help.hidden;
    else handled = false;
    return handled;
  }
}

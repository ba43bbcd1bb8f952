// The panel's filter bar: state, tag and run choices, the regressions toggle, the
// search box (applied once typing pauses), the list's order and the team's filter chips. It shows the
// panel's filter and proposes the next one; the panel applies it.
import { ITEM_STATES, type ItemState } from '../src/core/review/itemStates';
import type { HostMessage, QueueFilter } from '../src/protocol/reviewProtocol';
import { QUEUE_SORT_LABELS, QUEUE_SORTS, type QueueSort } from '../src/core/review/queueSort';
import { TeamFilterBar } from './teamFilters';

/** The state menu's words for each state. */
const STATE_CHOICES: Record<ItemState, string> = { new: 'waiting', 'auto-graded': 'auto-graded', reviewed: 'reviewed' };

/** How long the search box waits for typing to pause before it filters. */
const SEARCH_PAUSE_MS = 200;

export class FilterBar {
  private readonly stateSelect = document.createElement('select');
  private readonly tagSelect = document.createElement('select');
  private readonly runSelect = document.createElement('select');
  private readonly regressionBox = document.createElement('input');
  private readonly search = document.createElement('input');
  private readonly sortSelect = document.createElement('select');
  private readonly team: TeamFilterBar;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  /** The bar's controls, in the order they sit in the header. */
  readonly elements: HTMLElement[];

  /** `current` is the filter the panel shows; `apply` is asked to show `next` instead. */
  constructor(
    private readonly current: () => QueueFilter,
    apply: (next: QueueFilter) => void,
  ) {
    const { stateSelect, tagSelect, runSelect, regressionBox, search, sortSelect } = this;
    stateSelect.className = 'filter-state';
    for (const [value, label] of [...ITEM_STATES.map((s) => [s, STATE_CHOICES[s]] as const), ['', 'all'] as const]) {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = label;
      stateSelect.append(o);
    }
    tagSelect.className = 'filter-tag';
    runSelect.className = 'filter-run';
    const regressionToggle = document.createElement('label');
    regressionBox.type = 'checkbox';
    regressionToggle.append(regressionBox, document.createTextNode(' regressions'));
    search.type = 'search';
    search.className = 'search';
    search.placeholder = 'search text, output, notes… (/)';
    this.team = new TeamFilterBar((next) => {
      apply(next);
      this.syncControls();
    });
    sortSelect.className = 'filter-sort';
    sortSelect.title = 'The order of the list';
    setOptions(
      sortSelect,
      QUEUE_SORTS.map((sort): [string, string] => [sort, QUEUE_SORT_LABELS[sort]]),
      'oldest',
    );
    this.elements = [stateSelect, tagSelect, runSelect, regressionToggle, search, sortSelect, this.team.element];

    stateSelect.addEventListener('change', () => apply({ ...current(), state: (stateSelect.value || undefined) as QueueFilter['state'] }));
    tagSelect.addEventListener('change', () => apply({ ...current(), tag: tagSelect.value || undefined }));
    runSelect.addEventListener('change', () => apply({ ...current(), runId: runSelect.value || undefined }));
    regressionBox.addEventListener('change', () => apply({ ...current(), regression: regressionBox.checked || undefined }));
    // capture order (oldest first) is the default, so it is left out of the filter
    sortSelect.addEventListener('change', () => apply({ ...current(), sort: sortSelect.value === 'oldest' ? undefined : (sortSelect.value as QueueSort) }));
    search.addEventListener('input', () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => apply({ ...current(), text: search.value.trim() || undefined }), SEARCH_PAUSE_MS);
    });
  }

  /** Puts the panel's filter into the controls. */
  syncControls(): void {
    const filter = this.current();
    this.stateSelect.value = filter.state ?? '';
    showChoice(this.tagSelect, filter.tag, `#${filter.tag}`);
    showChoice(this.runSelect, filter.runId, filter.runId ?? '');
    this.regressionBox.checked = !!filter.regression;
    this.search.value = filter.text ?? '';
    this.sortSelect.value = filter.sort ?? 'oldest';
  }

  /** Shows the team's chips for this filter. */
  showChips(filter: QueueFilter): void {
    this.team.render(filter);
  }

  /** The tags and runs to choose from, and whether the queue is blind, as the host's snapshot says. */
  showChoices(snapshot: Extract<HostMessage, { type: 'snapshot' }>): void {
    const filter = this.current();
    setOptions(this.tagSelect, [['', 'any tag'], ...snapshot.tags.map((t): [string, string] => [t, `#${t}`])], filter.tag);
    setOptions(this.runSelect, [['', 'any run'], ...snapshot.runs.map((r): [string, string] => [r.id, r.label])], filter.runId);
    this.team.setBlind(snapshot.blind ?? false);
  }

  focusSearch(): void {
    this.search.focus();
  }
}

/**
 * Shows `value` in a select. The host lists the runs and tags in its snapshot, which can
 * arrive after the first page (a panel restored by a reload) or not at all for a while
 * (a filter the host asks for); until the list has it, the value stands as its own
 * option, so the bar always shows the filter the list is under.
 */
function showChoice(select: HTMLSelectElement, value: string | undefined, label: string): void {
  if (value && !Array.from(select.options).some((o) => o.value === value)) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    select.append(o);
  }
  select.value = value ?? '';
}

function setOptions(select: HTMLSelectElement, options: [string, string][], selected: string | undefined): void {
  select.replaceChildren(
    ...options.map(([value, label]) => {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = label;
      return o;
    }),
  );
  select.value = selected ?? '';
}

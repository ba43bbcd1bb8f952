// The failure cluster in the detail pane: "cluster of 12 alike failures", and a verdict
// applied to all its members at once. The members are listed first and can be
// trimmed; the batch is one action (one undo), each item reviewed under the
// reviewer's name. A correction is the item's own answer, so it is never copied.
import type { AnswerTo, ItemDetail, ItemSummary } from '../src/protocol/reviewProtocol';
import type { HostRequest } from './hostBridge';
import type { FormValue } from './reviewForm';
import { el } from './safeText';
import { counted } from '../src/core/text/counted';

export interface ClusterBatchHost {
  request<M extends HostRequest>(message: M): Promise<AnswerTo<M['type']>>;
  formValue(): FormValue;
  say(text: string, kind?: 'info' | 'error'): void;
  /** The batch was saved as one action. */
  saved(ids: string[], value: FormValue): Promise<void>;
}

export class ClusterBatch {
  constructor(private readonly host: ClusterBatchHost) {}

  /** The cluster section for the detail pane, or null for a failure alike to no other (or not compared yet). */
  section(detail: ItemDetail): HTMLElement | null {
    const cluster = detail.cluster;
    if (!cluster || cluster.size < 2) return null;
    const box = el('section', 'detail-section cluster');
    box.append(el('h3', undefined, 'Cluster'));
    box.append(el('p', 'cluster-line', `cluster of ${cluster.size} alike failures · ${cluster.alike}`));
    if (cluster.id !== detail.item.id) box.append(el('p', 'cluster-rep', `first seen as: ${cluster.title}`));
    const open = document.createElement('vscode-button');
    open.setAttribute('secondary', '');
    open.className = 'cluster-apply';
    open.textContent = `Apply this verdict to the ${cluster.size} items of this cluster…`;
    const preview = el('div', 'cluster-preview');
    open.addEventListener('click', () => void this.showPreview(detail, preview));
    box.append(open, preview);
    return box;
  }

  private async showPreview(detail: ItemDetail, preview: HTMLElement): Promise<void> {
    const answer = await this.host.request({ type: 'clusterMembers', id: detail.item.id });
    if (answer.type === 'error') {
      this.host.say(`Cluster not loaded: ${answer.message}`, 'error');
      return;
    }
    const chosen = new Set<string>();
    const list = el('ul', 'cluster-members');
    const count = el('span', 'cluster-count');
    const apply = document.createElement('vscode-button');
    apply.className = 'cluster-confirm';
    const refresh = () => {
      const verdict = this.host.formValue().verdict;
      count.textContent = `${chosen.size} of ${answer.total} chosen`;
      apply.textContent = verdict ? `Apply "${verdict}" to ${counted(chosen.size, 'item')}` : 'Choose a verdict (1–4) first';
    };
    for (const item of answer.items) {
      // a person's verdict is not overwritten unless the reviewer ticks it again
      const keep = item.state !== 'reviewed';
      if (keep) chosen.add(item.id);
      list.append(
        this.memberRow(item, keep, (on) => {
          if (on) chosen.add(item.id);
          else chosen.delete(item.id);
          refresh();
        }),
      );
    }
    const cancel = document.createElement('vscode-button');
    cancel.setAttribute('secondary', '');
    cancel.textContent = 'Cancel';
    cancel.addEventListener('click', () => preview.replaceChildren());
    apply.addEventListener('click', () => void this.apply([...chosen], preview));
    const note = el(
      'p',
      'cluster-note',
      `Items already reviewed by a person start unticked. Tags, rubric and comment are applied to each item; a correction is not copied (it is each item's own answer).${answer.total > answer.items.length ? ` Only the first ${answer.items.length} of ${answer.total} are listed.` : ''}`,
    );
    const buttons = el('div', 'buttons');
    buttons.append(apply, cancel, count);
    preview.replaceChildren(note, list, buttons);
    refresh();
  }

  private memberRow(item: ItemSummary, checked: boolean, toggle: (on: boolean) => void): HTMLElement {
    const row = el('li');
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = checked;
    box.dataset.id = item.id;
    box.addEventListener('change', () => toggle(box.checked));
    label.append(box, el('span', 'member-state', ` ${item.verdict ?? item.state} `), el('span', 'member-title', item.title));
    row.append(label);
    return row;
  }

  private async apply(ids: string[], preview: HTMLElement): Promise<void> {
    const value = this.host.formValue();
    if (!value.verdict) {
      this.host.say('Choose a verdict (1–4) first.');
      return;
    }
    if (ids.length === 0) {
      this.host.say('No item of the cluster is ticked.');
      return;
    }
    this.host.say('Saving…');
    const answer = await this.host.request({
      type: 'review',
      ids,
      verdict: value.verdict,
      ...(value.tags.length ? { tags: value.tags } : {}),
      ...(value.rubric ? { rubric: value.rubric } : {}),
      ...(value.comment ? { comment: value.comment } : {}),
    });
    if (answer.type === 'error') {
      this.host.say(`Not saved: ${answer.message}`, 'error');
      return;
    }
    preview.replaceChildren();
    await this.host.saved(ids, { ...value, correction: '' });
  }
}

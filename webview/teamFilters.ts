// The team's part of the panel's filter bar: chips for the filters the bar has no
// control for (assigned to a reviewer, not yet reviewed by them, how reviewers stand),
// each with a button that drops it, and a mark when the queue is blind. In the disputed
// queue a verdict adjudicates, and the chip says so.
import type { QueueFilter } from '../src/protocol/reviewProtocol';
import { el } from './safeText';

export class TeamFilterBar {
  readonly element = el('span', 'team-filters');
  private blind = false;
  private filter: QueueFilter = {};

  constructor(private readonly onChange: (next: QueueFilter) => void) {}

  /** A verdict given under this filter settles the items (adjudication). */
  static adjudicates(filter: QueueFilter): boolean {
    return filter.agreement === 'disputed';
  }

  setBlind(blind: boolean): void {
    this.blind = blind;
    this.render(this.filter);
  }

  render(filter: QueueFilter): void {
    this.filter = filter;
    const chips: HTMLElement[] = [];
    const chip = (text: string, drop: (keyof QueueFilter)[], title: string) => {
      const c = el('span', 'chip', text);
      c.title = title;
      const x = document.createElement('button');
      x.className = 'chip-drop';
      x.textContent = '✕';
      x.setAttribute('aria-label', `remove filter: ${text}`);
      x.addEventListener('click', () => {
        const next = { ...this.filter };
        for (const key of drop) delete next[key];
        this.onChange(next);
      });
      c.append(x);
      chips.push(c);
    };
    if (filter.assignedTo !== undefined && filter.notReviewedBy === filter.assignedTo) {
      chip(`waiting for ${filter.assignedTo}`, ['assignedTo', 'notReviewedBy'], `Assigned to ${filter.assignedTo}, with no verdict of theirs yet`);
    } else {
      if (filter.assignedTo !== undefined) chip(`assigned to ${filter.assignedTo}`, ['assignedTo'], `Items assigned to ${filter.assignedTo}`);
      if (filter.notReviewedBy !== undefined) chip(`not reviewed by ${filter.notReviewedBy}`, ['notReviewedBy'], `Items ${filter.notReviewedBy} has given no verdict on`);
    }
    if (filter.agreement !== undefined) {
      const adjudicating = TeamFilterBar.adjudicates(filter);
      chip(adjudicating ? 'disputed: your verdict adjudicates' : filter.agreement, ['agreement'], adjudicating ? 'Reviewers disagree on these items; a verdict given here settles each one and records whose side it took' : `Items whose reviewers stand: ${filter.agreement}`);
    }
    if (this.blind) {
      const mark = el('span', 'chip chip-blind', 'blind review');
      mark.title = "This queue is blind: others' verdicts on an item stay hidden until you give yours";
      chips.push(mark);
    }
    this.element.replaceChildren(...chips);
  }
}

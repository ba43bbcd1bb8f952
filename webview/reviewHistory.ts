// The detail pane's list of an item's reviews: who said what, corrections and comments,
// undone ones struck through, adjudications marked with whose side they took. Blind
// review sends none until the reviewer has given their own verdict. Text only.
import type { ItemDetail } from '../src/protocol/reviewProtocol';
import { el, textBlock } from './safeText';

export function renderReviewHistory(reviews: NonNullable<ItemDetail['reviews']>): HTMLElement | undefined {
  if (reviews.length === 0) return undefined;
  const list = el('ol', 'review-history');
  for (const r of reviews) {
    const entry = el('li', r.retracted ? 'review-entry retracted' : 'review-entry');
    const by = r.grader ? `auto-grader ${r.grader}` : r.reviewer;
    const head = `${r.verdict} · ${by}${r.adjudicate ? ` · adjudication${r.sides?.length ? ` (sided with ${r.sides.join(', ')})` : ' (sided with no one)'}` : ''}${r.retracted ? ' · undone' : ''} · ${r.at.slice(0, 16).replace('T', ' ')}`;
    entry.append(el('div', 'review-head', head));
    if (r.correction !== null) entry.append(textBlock(r.correction, 'text review-correction'));
    if (r.reason) entry.append(el('div', 'review-reason', r.reason));
    if (r.comment) entry.append(el('div', 'review-comment', r.comment));
    list.append(entry);
  }
  return list;
}

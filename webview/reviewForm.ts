// The verdict form: four verdicts, a correction prefilled from the expected answer,
// tags, a 1–5 rubric score and a comment.
import type { ItemDetail } from '../src/protocol/reviewProtocol';
import { isVerdict, VERDICTS, type Verdict } from '../src/core/review/verdicts';
import { el } from './safeText';

const LABELS: Record<Verdict, string> = { 'model-wrong': 'Model wrong', 'eval-wrong': 'Eval wrong', ambiguous: 'Ambiguous', discard: 'Discard' };

export interface FormValue {
  verdict: Verdict | null;
  correction: string;
  tags: string[];
  rubric: number | undefined;
  comment: string;
}

type ValueElement = HTMLElement & { value: string };

export class ReviewForm {
  readonly element = el('div', 'review-form');
  private verdict: Verdict | null = null;
  private readonly buttons = new Map<Verdict, HTMLElement>();
  readonly correction = document.createElement('vscode-textarea') as ValueElement;
  readonly tags = document.createElement('vscode-textfield') as ValueElement;
  readonly comment = document.createElement('vscode-textfield') as ValueElement;
  private readonly rubric = document.createElement('vscode-single-select') as ValueElement;
  private readonly status = el('span', 'form-status');
  private readonly submitButton = document.createElement('vscode-button');

  constructor(private readonly onSubmit: () => void) {
    const verdicts = el('div', 'verdicts');
    VERDICTS.forEach((key, i) => {
      const b = document.createElement('vscode-button');
      b.textContent = `${i + 1} ${LABELS[key]}`;
      b.setAttribute('secondary', '');
      b.dataset.verdict = key;
      b.addEventListener('click', () => this.setVerdict(key));
      this.buttons.set(key, b);
      verdicts.append(b);
    });
    this.correction.setAttribute('placeholder', 'Correction: the output that should have been produced (e to edit)');
    this.correction.setAttribute('rows', '4');
    this.correction.className = 'correction';
    this.tags.setAttribute('placeholder', 'tags, comma separated (t)');
    this.comment.setAttribute('placeholder', 'comment');
    for (const v of ['', '1', '2', '3', '4', '5']) {
      const o = document.createElement('vscode-option');
      o.setAttribute('value', v);
      o.textContent = v === '' ? 'rubric –' : `rubric ${v}`;
      this.rubric.append(o);
    }
    const submit = this.submitButton;
    submit.textContent = 'Submit & next (Ctrl+Enter)';
    submit.addEventListener('click', () => this.onSubmit());
    const row = el('div', 'form-row');
    row.append(this.tags, this.rubric, this.comment);
    const actions = el('div', 'form-row');
    this.status.setAttribute('role', 'status');
    actions.append(submit, this.status);
    this.element.append(verdicts, this.correction, row, actions);
  }

  /** A line under the form (read out by screen readers); an error stands out in the error colour. */
  say(text: string, kind: 'info' | 'error' = 'info'): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', kind === 'error');
  }

  setVerdict(key: Verdict): void {
    this.verdict = key;
    for (const [k, b] of this.buttons) {
      if (k === key) b.removeAttribute('secondary');
      else b.setAttribute('secondary', '');
    }
    this.correction.classList.toggle('dimmed', key !== 'model-wrong');
  }

  /** Fills the form for an item: its review if it has one, else a correction from the expected answer. */
  load(detail: ItemDetail | null): void {
    this.verdict = null;
    for (const b of this.buttons.values()) b.setAttribute('secondary', '');
    const item = detail?.item;
    if (item?.verdict && isVerdict(item.verdict)) this.setVerdict(item.verdict);
    this.correction.value = item?.correction ?? detail?.case?.expected ?? '';
    this.tags.value = item?.tags.join(', ') ?? '';
    this.comment.value = item?.comment ?? '';
    this.rubric.value = item?.rubric ? String(item.rubric) : '';
    this.say('');
  }

  /** Puts back what the reviewer had entered (after an undo of their submit). */
  restore(value: FormValue): void {
    this.verdict = null;
    for (const b of this.buttons.values()) b.setAttribute('secondary', '');
    if (value.verdict) this.setVerdict(value.verdict);
    this.correction.value = value.correction;
    this.tags.value = value.tags.join(', ');
    this.comment.value = value.comment;
    this.rubric.value = value.rubric ? String(value.rubric) : '';
  }

  /** Shows how many items the next submit applies to, on its button. */
  setTargetCount(n: number): void {
    this.submitButton.textContent = n > 1 ? `Submit to ${n} selected & next (Ctrl+Enter)` : 'Submit & next (Ctrl+Enter)';
  }

  value(): FormValue {
    const rubric = Number(this.rubric.value);
    return {
      verdict: this.verdict,
      correction: this.correction.value,
      tags: this.tags.value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      rubric: rubric >= 1 && rubric <= 5 ? rubric : undefined,
      comment: this.comment.value.trim(),
    };
  }
}

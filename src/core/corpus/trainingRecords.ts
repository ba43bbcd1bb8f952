// Reviewed cases as training records in standard formats. A model-wrong verdict with a
// correction is an SFT example and a preference pair (chosen = correction, rejected =
// the failed output); a model-wrong without one is a KTO negative; an eval-wrong
// verdict means the output was right: an SFT example and a KTO positive.
import type { EvalCase, Message } from '../model/caseModel';
import { canonicalJson } from '../text/hashing';

export const OUTPUT_FORMATS = ['sft', 'openai-preference', 'trl-preference', 'kto'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface ReviewedCase {
  itemId: string;
  caseKey: string;
  inputHash: string;
  verdict: string;
  correction: string | null;
  evalCase: EvalCase;
}

type ChatMessage = { role: string; content: string };

/** The conversation the model was given, ending before its answer. */
export function promptMessages(c: EvalCase): ChatMessage[] {
  const messages: Message[] = c.input.messages?.length ? c.input.messages : [];
  if (messages.length) {
    // a transcript may already end with the model's failed answer: cut it off
    const last = messages.at(-1)!;
    const cut = last.role === 'assistant' ? messages.slice(0, -1) : messages;
    return cut.map((m) => ({ role: m.role, content: m.content }));
  }
  const text = c.input.prompt ?? canonicalJson(c.input.vars ?? {});
  return [{ role: 'user', content: text }];
}

function promptText(c: EvalCase): string {
  return c.input.prompt ?? promptMessages(c).map((m) => m.content).join('\n\n');
}

const usesChat = (c: EvalCase) => !!c.input.messages?.length;
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

/** The records one reviewed case contributes to a format (usually zero or one). */
export function recordsFor(format: OutputFormat, r: ReviewedCase): Record<string, unknown>[] {
  const c = r.evalCase;
  const output = c.output;
  const correction = r.verdict === 'model-wrong' && r.correction !== null && r.correction.trim() !== '' ? r.correction : null;
  const good = correction ?? (r.verdict === 'eval-wrong' ? output : null);
  switch (format) {
    case 'sft':
      return good !== null ? [{ messages: [...promptMessages(c), assistant(good)] }] : [];
    case 'openai-preference':
      return correction !== null && output !== null && output !== correction
        ? [{ input: { messages: promptMessages(c) }, preferred_output: [assistant(correction)], non_preferred_output: [assistant(output)] }]
        : [];
    case 'trl-preference':
      if (correction === null || output === null || output === correction) return [];
      return usesChat(c)
        ? [{ prompt: promptMessages(c), chosen: [assistant(correction)], rejected: [assistant(output)] }]
        : [{ prompt: promptText(c), chosen: correction, rejected: output }];
    case 'kto': {
      let completion: string | null = null;
      let label = false;
      if (r.verdict === 'model-wrong' && correction === null && output !== null) completion = output;
      else if (r.verdict === 'eval-wrong' && output !== null) {
        completion = output;
        label = true;
      }
      if (completion === null) return [];
      return usesChat(c) ? [{ prompt: promptMessages(c), completion: [assistant(completion)], label }] : [{ prompt: promptText(c), completion, label }];
    }
  }
}

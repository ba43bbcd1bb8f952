// Reviewed cases as training records in standard formats. A model-wrong verdict with a
// correction is an SFT example and a preference pair (chosen = correction, rejected =
// the failed output); a model-wrong without one is a KTO negative; an eval-wrong
// verdict means the output was right: an SFT example and a KTO positive.
//
// Every message written is `{role, content}` with role system, user or assistant and a
// content that is not blank: OpenAI's fine-tuning checks refuse an empty message and
// other roles or keys, and Arrow (Hugging Face `datasets`) needs one shape per column.
// So a transcript is flattened to text: a developer turn is a system turn, an assistant
// turn's tool calls are written as `name(arguments)` lines, and a tool's result is a
// user turn saying which tool answered. A record that would still need an empty message
// (an empty failed output, an empty prompt) is not written; the reason is returned so
// the manifest can say why.
import type { EvalCase, Message } from '../model/caseModel';
import { canonicalJson } from '../text/hashing';

export const OUTPUT_FORMATS = ['sft', 'openai-preference', 'trl-preference', 'kto'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Other names the CLI accepts for a format (`dpo` is OpenAI's name for preference fine-tuning). */
export const FORMAT_ALIASES: Record<string, OutputFormat> = { dpo: 'openai-preference', 'trl-dpo': 'trl-preference' };

/** A format name or alias as the format it names, or null when it names none. */
export function outputFormatNamed(name: string): OutputFormat | null {
  if ((OUTPUT_FORMATS as readonly string[]).includes(name)) return name as OutputFormat;
  return FORMAT_ALIASES[name] ?? null;
}

export interface ReviewedCase {
  itemId: string;
  caseKey: string;
  inputHash: string;
  verdict: string;
  correction: string | null;
  evalCase: EvalCase;
}

type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

const hasText = (s: string | null | undefined): s is string => typeof s === 'string' && s.trim() !== '';

function asTrainingMessage(m: Message): ChatMessage | null {
  const calls = (m.toolCalls ?? []).map((c) => `${c.name}(${c.arguments})`);
  switch (m.role) {
    case 'system':
    case 'developer':
      return hasText(m.content) ? { role: 'system', content: m.content } : null;
    case 'user':
      return hasText(m.content) ? { role: 'user', content: m.content } : null;
    case 'assistant': {
      const content = [m.content, ...calls].filter(hasText).join('\n');
      return content ? { role: 'assistant', content } : null;
    }
    default: {
      // a tool's (or another party's) turn: what it said, and who said it
      const who = m.role === 'tool' || m.role === 'function' ? `tool${m.name ? ` ${m.name}` : ''} result` : m.role;
      return hasText(m.content) ? { role: 'user', content: `[${who}]\n${m.content}` } : null;
    }
  }
}

/** The conversation the model was given, ending before its answer; every message has text. */
export function promptMessages(c: EvalCase): ChatMessage[] {
  const messages: Message[] = c.input.messages?.length ? c.input.messages : [];
  if (messages.length) {
    // a transcript may already end with the model's failed answer: cut it off
    const last = messages.at(-1)!;
    const cut = last.role === 'assistant' ? messages.slice(0, -1) : messages;
    const out = cut.map(asTrainingMessage).filter((m): m is ChatMessage => m !== null);
    if (out.length) return out;
  }
  const text = c.input.prompt ?? canonicalJson(c.input.vars ?? {});
  return hasText(text) ? [{ role: 'user', content: text }] : [];
}

function promptText(c: EvalCase): string {
  return hasText(c.input.prompt)
    ? c.input.prompt
    : promptMessages(c)
        .map((m) => m.content)
        .join('\n\n');
}

/** Whether a case's input is a conversation (roles), which decides a TRL file's prompt shape. */
export const usesChat = (c: EvalCase) => !!c.input.messages?.length;
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

export interface RecordOptions {
  /**
   * TRL preference and KTO files: write prompts and completions as message lists
   * (true) or plain strings (false). One file must use one shape, so the snapshot
   * decides it for the whole file.
   */
  conversational?: boolean;
}

export interface FormatRecords {
  records: Record<string, unknown>[];
  /** Why a record this verdict calls for was not written (null when none was due). */
  skipped: string | null;
}

const none = (skipped: string | null = null): FormatRecords => ({ records: [], skipped });

/** The records one reviewed case contributes to a format (zero or one), and why not when one was due. */
export function buildRecords(format: OutputFormat, r: ReviewedCase, options: RecordOptions = {}): FormatRecords {
  const c = r.evalCase;
  const output = c.output;
  const correction = r.verdict === 'model-wrong' && hasText(r.correction) ? r.correction : null;
  const good = correction ?? (r.verdict === 'eval-wrong' ? output : null);
  const prompt = promptMessages(c);
  const conversational = options.conversational ?? usesChat(c);
  const due = (() => {
    switch (format) {
      case 'sft':
        return good !== null;
      case 'openai-preference':
      case 'trl-preference':
        return correction !== null && output !== correction;
      case 'kto':
        return (r.verdict === 'model-wrong' && correction === null) || r.verdict === 'eval-wrong';
    }
  })();
  if (!due) return none();
  if (prompt.length === 0) return none('the prompt is empty');
  switch (format) {
    case 'sft':
      if (!hasText(good)) return none('the output marked right is empty');
      return { records: [{ messages: [...prompt, assistant(good)] }], skipped: null };
    case 'openai-preference':
      if (!hasText(output)) return none('the failed output is empty: no rejected answer');
      return {
        records: [{ input: { messages: prompt }, preferred_output: [assistant(correction!)], non_preferred_output: [assistant(output)] }],
        skipped: null,
      };
    case 'trl-preference':
      if (!hasText(output)) return none('the failed output is empty: no rejected answer');
      return {
        records: [conversational ? { prompt, chosen: [assistant(correction!)], rejected: [assistant(output)] } : { prompt: promptText(c), chosen: correction!, rejected: output }],
        skipped: null,
      };
    case 'kto': {
      if (!hasText(output)) return none('the output is empty: nothing to label');
      const label = r.verdict === 'eval-wrong';
      return { records: [conversational ? { prompt, completion: [assistant(output)], label } : { prompt: promptText(c), completion: output, label }], skipped: null };
    }
  }
}

/** The records one reviewed case contributes to a format (usually zero or one). */
export function recordsFor(format: OutputFormat, r: ReviewedCase, options: RecordOptions = {}): Record<string, unknown>[] {
  return buildRecords(format, r, options).records;
}

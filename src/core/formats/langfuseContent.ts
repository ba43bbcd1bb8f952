// What a Langfuse trace or observation holds as input and output, as a case's input and
// answer: values stored as JSON text (sometimes twice over), message lists (OpenAI,
// OpenTelemetry parts, LangChain), and providers' response objects.
import type { EvalCase, Message } from '../model/caseModel';
import { asString, isRecord, toText } from '../text/values';
import { messageList, outputText, structured } from './genaiMessages';

/** Values Langfuse stores as JSON text (sometimes twice over) as the value they encode. */
export function unwrap(value: unknown): unknown {
  let v = value;
  for (let i = 0; i < 3 && typeof v === 'string'; i++) {
    const next = structured(v);
    if (next === v) {
      const t = v.trim();
      if (!t.startsWith('"')) break;
      try {
        v = JSON.parse(t) as unknown;
        continue;
      } catch {
        break;
      }
    }
    v = next;
  }
  return v;
}

export function inputOf(raw: unknown): EvalCase['input'] | null {
  const v = unwrap(raw);
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string') return { prompt: v };
  const list = Array.isArray(v) ? v : isRecord(v) && Array.isArray(v.messages) ? v.messages : isRecord(v) && Array.isArray(v.contents) ? v.contents : null;
  if (list && list.some((m) => isRecord(m) && (typeof m.role === 'string' || typeof m.type === 'string'))) {
    const messages = messageList(list, 'user');
    if (messages.length) return { messages };
  }
  if (isRecord(v) && typeof v.contents === 'string') return { prompt: v.contents };
  if (isRecord(v)) return { vars: v };
  return { prompt: toText(v) };
}

/** The answer in a provider's response object (OpenAI Responses and Chat Completions, Gemini), else null. */
function responseText(v: Record<string, unknown>): string | null {
  const texts: string[] = [];
  if (Array.isArray(v.output)) {
    for (const item of v.output.filter(isRecord)) {
      if (item.type === 'function_call') texts.push(`${asString(item.name) ?? 'tool'}(${toText(item.arguments ?? '')})`);
      for (const c of Array.isArray(item.content) ? item.content.filter(isRecord) : []) if (typeof c.text === 'string') texts.push(c.text);
    }
  } else if (Array.isArray(v.choices) && isRecord(v.choices[0]) && isRecord(v.choices[0].message)) {
    return outputText(messageList([v.choices[0].message], 'assistant'));
  } else if (Array.isArray(v.candidates) && isRecord(v.candidates[0]) && isRecord(v.candidates[0].content) && Array.isArray(v.candidates[0].content.parts)) {
    for (const part of v.candidates[0].content.parts.filter(isRecord)) if (typeof part.text === 'string') texts.push(part.text);
  }
  return texts.length ? texts.join('\n') : null;
}

export function outputOf(raw: unknown): string | null {
  const v = unwrap(raw);
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  const list = Array.isArray(v) ? v : isRecord(v) && Array.isArray(v.messages) ? v.messages : null;
  if (list && list.some((m) => isRecord(m) && (typeof m.role === 'string' || typeof m.type === 'string'))) {
    // a transcript: the answer is its last assistant turn
    const last = messageList(list, 'assistant')
      .filter((m: Message) => m.role === 'assistant')
      .at(-1);
    if (last) return outputText([last]);
  }
  if (isRecord(v)) {
    const response = responseText(v);
    if (response !== null) return response;
    if (typeof v.content === 'string') return v.content;
    if (typeof v.text === 'string') return v.text;
  }
  return toText(v);
}

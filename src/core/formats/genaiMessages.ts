// What a GenAI span says was sent to the model and what came back, in each of the
// conventions instrumentations have used:
// - current OpenTelemetry GenAI: `gen_ai.system_instructions`, `gen_ai.input.messages`,
//   `gen_ai.output.messages` (JSON text or structured; messages of typed parts);
// - older OpenTelemetry GenAI: indexed `gen_ai.prompt.N.*` / `gen_ai.completion.N.*`
//   attributes, and per-message events (`gen_ai.system.message`, `gen_ai.user.message`,
//   `gen_ai.assistant.message`, `gen_ai.tool.message`, `gen_ai.choice`) on the span or
//   as log records;
// - OpenInference: `llm.input_messages.N.message.*`, `llm.output_messages.N.message.*`,
//   else `input.value` / `output.value`.
import type { Message, ToolCall } from '../model/caseModel';
import { asString, isRecord, toText } from '../text/values';
import type { OtlpEvent } from './otlpSpans';

export interface SpanContent {
  messages: Message[];
  /** Input that is plain text rather than messages (OpenInference `input.value`). */
  prompt?: string;
  output: string | null;
}

/** An attribute that may hold JSON text or the structured value itself. */
export function structured(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const t = value.trim();
  if (!(t.startsWith('[') || t.startsWith('{'))) return value;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return value;
  }
}

function argumentsText(value: unknown): string {
  return typeof value === 'string' ? value : toText(value ?? {});
}

/** One message of the current conventions: `{role, parts: [{type, content | name/arguments | response}]}`. */
// LangChain messages say who spoke with `type` (as Langfuse records them)
const LANGCHAIN_ROLES: Record<string, string> = { human: 'user', ai: 'assistant', system: 'system', tool: 'tool', function: 'function' };

function partsMessage(raw: unknown, defaultRole: string): Message | null {
  if (!isRecord(raw)) return typeof raw === 'string' ? { role: defaultRole, content: raw } : null;
  const role = asString(raw.role) ?? LANGCHAIN_ROLES[asString(raw.type) ?? ''] ?? defaultRole;
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  let toolCallId: string | undefined;
  const parts = Array.isArray(raw.parts) ? raw.parts : [];
  for (const part of parts) {
    if (typeof part === 'string') texts.push(part);
    if (!isRecord(part)) continue;
    const type = asString(part.type) ?? '';
    if (type === 'text' || type === 'reasoning' || type === 'thinking') {
      const text = asString(part.content) ?? asString(part.text) ?? '';
      if (text) texts.push(type === 'text' ? text : `[${type}] ${text}`);
    } else if (type === 'tool_call' || type === 'function_call') {
      toolCalls.push({ ...(asString(part.id) ? { id: asString(part.id)! } : {}), name: asString(part.name) ?? 'tool', arguments: argumentsText(part.arguments) });
    } else if (type === 'tool_call_response') {
      toolCallId ??= asString(part.id);
      texts.push(toText(part.response ?? part.result ?? ''));
    } else if (type) texts.push(`[${type}]`);
  }
  if (!parts.length && 'content' in raw) texts.push(Array.isArray(raw.content) ? raw.content.map((c) => (isRecord(c) ? (asString(c.text) ?? asString(c.content) ?? `[${asString(c.type) ?? 'part'}]`) : toText(c))).join('\n') : toText(raw.content));
  if (!parts.length && Array.isArray(raw.tool_calls)) {
    for (const c of raw.tool_calls.filter(isRecord)) {
      const fn = isRecord(c.function) ? c.function : c;
      toolCalls.push({ ...(asString(c.id) ? { id: asString(c.id)! } : {}), name: asString(fn.name) ?? 'tool', arguments: argumentsText(fn.arguments ?? fn.args) });
    }
  }
  const message: Message = { role, content: texts.join('\n') };
  if (toolCalls.length) message.toolCalls = toolCalls;
  if (toolCallId) message.toolCallId = toolCallId;
  return message;
}

/** A value holding messages (JSON text or structured, in any of the shapes above) as messages. */
export function messageList(value: unknown, defaultRole: string): Message[] {
  const parsed = structured(value);
  if (Array.isArray(parsed)) return parsed.map((m) => partsMessage(m, defaultRole)).filter((m): m is Message => m !== null);
  if (typeof parsed === 'string' && parsed !== '') return [{ role: defaultRole, content: parsed }];
  if (isRecord(parsed)) return [partsMessage(parsed, defaultRole)].filter((m): m is Message => m !== null);
  return [];
}

/** System instructions: a list of parts (or text) as one system message. */
function systemInstructions(value: unknown): Message[] {
  const parsed = structured(value);
  if (typeof parsed === 'string') return parsed ? [{ role: 'system', content: parsed }] : [];
  if (!Array.isArray(parsed)) return [];
  const text = parsed
    .map((p) => (isRecord(p) ? (asString(p.content) ?? asString(p.text) ?? '') : toText(p)))
    .filter(Boolean)
    .join('\n');
  return text ? [{ role: 'system', content: text }] : [];
}

/** `prefix.N.role`, `prefix.N.content`, `prefix.N.tool_calls.M.name|arguments` as messages in N order. */
function indexedMessages(attributes: Record<string, unknown>, prefix: string, defaultRole: string): Message[] {
  const byIndex = new Map<number, Record<string, unknown>>();
  const start = `${prefix}.`;
  for (const [key, value] of Object.entries(attributes)) {
    if (!key.startsWith(start)) continue;
    const rest = key.slice(start.length);
    const dot = rest.indexOf('.');
    const index = Number(dot === -1 ? NaN : rest.slice(0, dot));
    if (!Number.isInteger(index) || index < 0) continue;
    let fields = byIndex.get(index);
    if (!fields) byIndex.set(index, (fields = {}));
    fields[rest.slice(dot + 1)] = value;
  }
  return [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, f]) => {
      const message: Message = { role: asString(f.role) ?? asString(f['message.role']) ?? defaultRole, content: toText(f.content ?? f['message.content'] ?? '') };
      const calls = new Map<number, ToolCall>();
      for (const [k, v] of Object.entries(f)) {
        const m = /^(?:message\.)?tool_calls\.(\d+)\.(?:tool_call\.)?(?:function\.)?(name|arguments)$/.exec(k);
        if (!m) continue;
        const call = calls.get(Number(m[1])) ?? { name: 'tool', arguments: '' };
        if (m[2] === 'name') call.name = toText(v);
        else call.arguments = argumentsText(v);
        calls.set(Number(m[1]), call);
      }
      if (calls.size) message.toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
      if (!message.content) {
        const contents = Object.entries(f)
          .filter(([k]) => /^message\.contents\.\d+\.message_content\.text$/.test(k))
          .map(([, v]) => toText(v));
        if (contents.length) message.content = contents.join('\n');
      }
      return message;
    });
}

const EVENT_ROLES: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

/** The body of a message event: a log record's body, else the span event's attributes. */
function eventBody(event: OtlpEvent): Record<string, unknown> {
  if (isRecord(event.body)) return event.body;
  const fromAttr = structured(event.attributes['gen_ai.event.content']);
  if (isRecord(fromAttr)) return fromAttr;
  const body: Record<string, unknown> = { ...event.attributes };
  if (typeof body.message === 'string') body.message = structured(body.message);
  if (typeof body.tool_calls === 'string') body.tool_calls = structured(body.tool_calls);
  return body;
}

function eventMessage(role: string, body: Record<string, unknown>): Message {
  const message: Message = { role: asString(body.role) ?? role, content: body.content === undefined ? '' : typeof body.content === 'string' ? body.content : toText(body.content) };
  if (Array.isArray(body.tool_calls)) {
    message.toolCalls = body.tool_calls.filter(isRecord).map((c) => {
      const fn = isRecord(c.function) ? c.function : c;
      return { ...(asString(c.id) ? { id: asString(c.id)! } : {}), name: asString(fn.name) ?? 'tool', arguments: argumentsText(fn.arguments) };
    });
  }
  if (asString(body.id) && role === 'tool') message.toolCallId = asString(body.id)!;
  return message;
}

/** The model's answer as text: the assistant messages' text, then their tool calls as `name(arguments)`. */
export function outputText(messages: Message[]): string | null {
  if (!messages.length) return null;
  return messages.map((m) => [m.content, ...(m.toolCalls ?? []).map((c) => `${c.name}(${c.arguments})`)].filter((s) => s !== '').join('\n')).join('\n\n');
}

/** Whether a span records what was sent to a model (so it can stand for its trace's input). */
export function hasRecordedInput(attributes: Record<string, unknown>, events: OtlpEvent[]): boolean {
  return 'gen_ai.input.messages' in attributes || 'gen_ai.prompt.0.content' in attributes || 'gen_ai.prompt.0.role' in attributes || 'llm.input_messages.0.message.role' in attributes || 'input.value' in attributes || events.some((e) => e.name in EVENT_ROLES || e.name === 'gen_ai.content.prompt');
}

/** The messages sent to the model and its answer, from whichever convention the span uses. */
export function spanContent(attributes: Record<string, unknown>, events: OtlpEvent[]): SpanContent {
  let messages: Message[] = [...systemInstructions(attributes['gen_ai.system_instructions'])];
  let output: string | null = null;
  let prompt: string | undefined;
  if ('gen_ai.input.messages' in attributes) messages.push(...messageList(attributes['gen_ai.input.messages'], 'user'));
  else if (Object.keys(attributes).some((k) => k.startsWith('gen_ai.prompt.'))) messages.push(...indexedMessages(attributes, 'gen_ai.prompt', 'user'));
  else if (Object.keys(attributes).some((k) => k.startsWith('llm.input_messages.'))) messages.push(...indexedMessages(attributes, 'llm.input_messages', 'user'));
  const eventMessages: Message[] = [];
  const choices: Message[] = [];
  for (const event of events) {
    const role = EVENT_ROLES[event.name];
    if (role) eventMessages.push(eventMessage(role, eventBody(event)));
    else if (event.name === 'gen_ai.choice') {
      const body = eventBody(event);
      choices.push(eventMessage('assistant', isRecord(body.message) ? body.message : body));
    } else if (event.name === 'gen_ai.content.prompt') eventMessages.push(...messageList(event.attributes['gen_ai.prompt'], 'user'));
    else if (event.name === 'gen_ai.content.completion') choices.push(...messageList(event.attributes['gen_ai.completion'], 'assistant'));
  }
  if (messages.every((m) => m.role === 'system')) messages = [...messages, ...eventMessages];

  if ('gen_ai.output.messages' in attributes) output = outputText(messageList(attributes['gen_ai.output.messages'], 'assistant'));
  else if (Object.keys(attributes).some((k) => k.startsWith('gen_ai.completion.'))) output = outputText(indexedMessages(attributes, 'gen_ai.completion', 'assistant'));
  else if (choices.length) output = outputText(choices);
  else if (Object.keys(attributes).some((k) => k.startsWith('llm.output_messages.'))) output = outputText(indexedMessages(attributes, 'llm.output_messages', 'assistant'));
  else if ('output.value' in attributes) output = toText(attributes['output.value']);

  if (!messages.length && 'input.value' in attributes) prompt = toText(attributes['input.value']);
  return prompt !== undefined ? { messages, prompt, output } : { messages, output };
}

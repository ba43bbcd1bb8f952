// The shapes of the training formats we write, checked line by line in tests and by
// anyone who wants to validate an exported file.
import * as z from 'zod';
import type { OutputFormat } from './trainingRecords';

const message = z.object({ role: z.enum(['system', 'user', 'assistant', 'tool', 'developer']), content: z.string() }).loose();
const chat = z.array(message).min(1);

export const FORMAT_SCHEMAS: Record<OutputFormat, z.ZodType> = {
  // OpenAI chat fine-tuning: {"messages": [...]}, ending with the assistant's answer
  sft: z.object({ messages: chat.refine((m) => m.at(-1)?.role === 'assistant', 'the last message must be the assistant’s') }).strict(),
  // OpenAI preference fine-tuning (DPO)
  'openai-preference': z
    .object({
      input: z.object({ messages: chat }).loose(),
      preferred_output: z.array(message.extend({ role: z.literal('assistant') })).length(1),
      non_preferred_output: z.array(message.extend({ role: z.literal('assistant') })).length(1),
    })
    .strict(),
  // TRL preference datasets: standard (strings) or conversational (messages)
  'trl-preference': z.union([z.object({ prompt: z.string(), chosen: z.string(), rejected: z.string() }).strict(), z.object({ prompt: chat, chosen: chat, rejected: chat }).strict()]),
  // TRL unpaired preference (KTO)
  kto: z.union([z.object({ prompt: z.string(), completion: z.string(), label: z.boolean() }).strict(), z.object({ prompt: chat, completion: chat, label: z.boolean() }).strict()]),
};

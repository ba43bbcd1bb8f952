// The normalised case and run model every format adapter produces. One schema for
// all formats, so the store, the review UI and the corpus never see format quirks.
import * as z from 'zod';

/** How a case ended. `judge-error` means the grader failed, not the model. */
export const OUTCOMES = ['pass', 'fail', 'error', 'judge-error', 'skipped', 'unknown'] as const;
export const outcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof outcomeSchema>;

/** Outcomes that put a case in the review queue. */
export function isFailure(outcome: Outcome): boolean {
  return outcome === 'fail' || outcome === 'error';
}

export const FORMATS = ['promptfoo', 'lm-eval', 'inspect', 'openai-evals', 'deepeval', 'mlflow', 'junit', 'jsonl', 'otel', 'langfuse', 'lighteval'] as const;
export const formatSchema = z.enum(FORMATS);
export type FormatId = z.infer<typeof formatSchema>;

export const toolCallSchema = z.object({
  id: z.string().optional(),
  name: z.string(),
  arguments: z.string(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

export const messageSchema = z.object({
  role: z.string(),
  content: z.string(),
  name: z.string().optional(),
  toolCalls: z.array(toolCallSchema).optional(),
  toolCallId: z.string().optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const scoreSchema = z.object({
  name: z.string(),
  value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  passed: z.boolean().nullable().optional(),
  threshold: z.number().optional(),
  reason: z.string().optional(),
});
export type Score = z.infer<typeof scoreSchema>;

/** One step of what happened while the case ran: a message, a tool call, a span, an event. */
export const traceStepSchema = z.object({
  kind: z.enum(['message', 'tool-call', 'tool-result', 'model', 'span', 'score', 'error', 'event', 'log']),
  title: z.string(),
  role: z.string().optional(),
  content: z.string().optional(),
  time: z.string().optional(),
  depth: z.number().int().min(0).optional(),
});
export type TraceStep = z.infer<typeof traceStepSchema>;

export const caseInputSchema = z.object({
  prompt: z.string().optional(),
  messages: z.array(messageSchema).optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
});
export type CaseInput = z.infer<typeof caseInputSchema>;

/** Where in the source file the case came from, so the UI can open it there. */
export const recordLocatorSchema = z.object({
  line: z.number().int().positive().optional(),
  index: z.number().int().min(0).optional(),
  entry: z.string().optional(),
  offset: z.number().int().min(0).optional(),
});
export type RecordLocator = z.infer<typeof recordLocatorSchema>;

export const evalCaseSchema = z.object({
  caseKey: z.string().min(1),
  sampleId: z.string().optional(),
  suite: z.string(),
  title: z.string(),
  input: caseInputSchema,
  inputHash: z.string(),
  output: z.string().nullable(),
  expected: z.string().nullable(),
  outcome: outcomeSchema,
  scores: z.array(scoreSchema),
  trace: z.array(traceStepSchema),
  error: z.string().optional(),
  model: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()),
  record: recordLocatorSchema,
});
export type EvalCase = z.infer<typeof evalCaseSchema>;

export const runInfoSchema = z.object({
  runId: z.string(),
  format: formatSchema,
  suite: z.string(),
  model: z.string().optional(),
  startedAt: z.string().optional(),
  sourcePath: z.string(),
  gitCommit: z.string().optional(),
  evalCommit: z.string().optional(),
  tags: z.array(z.string()),
  partial: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
});
export type RunInfo = z.infer<typeof runInfoSchema>;

// The journal's event types. The journal is the truth; everything else is derived.
// Events are versioned (`v`) and validated when read, so a hand-edited line is
// reported and skipped instead of corrupting the index.
import { z } from 'zod';
import { outcomeSchema, runInfoSchema } from '../model/caseModel';

export const JOURNAL_VERSION = 1;

const baseFields = {
  v: z.literal(JOURNAL_VERSION),
  seq: z.number().int().min(0),
  /** Wall-clock time: shown to people, never used to decide an order (clocks drift). */
  at: z.string(),
  actor: z.string(),
  /**
   * A Lamport clock: one more than the largest `lc` of every event the writer had
   * applied when it wrote this one. An event that saw another always orders after it,
   * whatever the machines' clocks say. Events written before clocks existed have none.
   */
  lc: z.number().int().min(0).optional(),
};

export const runEventSchema = z.object({
  ...baseFields,
  type: z.literal('run'),
  run: runInfoSchema.extend({ capturedAt: z.string() }),
});

/** A compact reference to one case of a run; failures carry their payload's place in a blob. */
export const caseRefSchema = z.object({
  k: z.string(),
  o: outcomeSchema,
  h: z.string(),
  t: z.string().optional(),
  i: z.number().int().min(0).optional(),
  r: z.string().optional(),
});
export type CaseRef = z.infer<typeof caseRefSchema>;

export const casesEventSchema = z.object({
  ...baseFields,
  type: z.literal('cases'),
  runId: z.string(),
  format: z.string(),
  suite: z.string(),
  blob: z.string().optional(),
  cases: z.array(caseRefSchema),
});

export const sourceEventSchema = z.object({
  ...baseFields,
  type: z.literal('source'),
  path: z.string(),
  runId: z.string(),
  format: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
  offset: z.number().int().min(0),
  nextLine: z.number().int().min(1),
  headHash: z.string(),
  /**
   * For JSON lines: a hash of the bytes before `offset` as they were read (the whole
   * prefix up to 1 MB, else its last 1 MB; resumeCheck.ts). A later capture resumes
   * at `offset` only when the file still has those bytes there. Absent in events of
   * earlier versions, which resume on the head hash alone.
   */
  resumeCheck: z.string().optional(),
  /** How the file was read: only 'lines' files can be resumed from an offset. */
  shape: z.enum(['lines', 'document', 'zip', 'xml']),
  resumable: z.boolean(),
  done: z.boolean(),
});

export const VERDICTS = ['model-wrong', 'eval-wrong', 'ambiguous', 'discard'] as const;
export const verdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof verdictSchema>;

const tagSchema = z.string().min(1).max(64);

/** A verdict on one item, by a person or (with `grader`) by an automatic grader. */
export const reviewEventSchema = z.object({
  ...baseFields,
  type: z.literal('review'),
  caseKey: z.string(),
  verdict: verdictSchema,
  correction: z.string().optional(),
  tags: z.array(tagSchema).optional(),
  rubric: z.number().int().min(1).max(5).optional(),
  comment: z.string().optional(),
  reviewer: z.string(),
  grader: z.string().optional(),
  reason: z.string().optional(),
});

export const tagEventSchema = z.object({
  ...baseFields,
  type: z.literal('tag'),
  caseKeys: z.array(z.string()).min(1),
  add: z.array(tagSchema),
  remove: z.array(tagSchema),
});

/** Retracts an earlier review or tag event, named `<writer>:<seq>`. */
export const undoEventSchema = z.object({
  ...baseFields,
  type: z.literal('undo'),
  target: z.string(),
});

export const journalEventSchema = z.discriminatedUnion('type', [
  runEventSchema,
  casesEventSchema,
  sourceEventSchema,
  reviewEventSchema,
  tagEventSchema,
  undoEventSchema,
]);
export type ReviewEvent = z.infer<typeof reviewEventSchema>;
export type TagEvent = z.infer<typeof tagEventSchema>;
export type UndoEvent = z.infer<typeof undoEventSchema>;

/** An event's id across all journals. */
export function eventIdOf(writer: string, seq: number): string {
  return `${writer}:${seq}`;
}
export type JournalEvent = z.infer<typeof journalEventSchema>;
export type RunEvent = z.infer<typeof runEventSchema>;
export type CasesEvent = z.infer<typeof casesEventSchema>;
export type SourceEvent = z.infer<typeof sourceEventSchema>;

/** What a caller supplies; the writer adds v, seq, at and actor. */
export type NewEvent = DistributiveOmit<JournalEvent, 'v' | 'seq' | 'at' | 'actor'> & { actor?: string; at?: string };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

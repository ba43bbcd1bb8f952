// A pinned slice as a file the next eval run reads, judged as the original eval judged:
// - promptfoo: a tests file. Each test has the original variables, `prompt` (the text
//   the model was given) and `messages` (the same as a JSON chat, roles kept, for a
//   prompt of '{{messages}}'); a promptfoo case keeps its own assertions, options and
//   threshold, any other case gets the answer check of its kind (promptfooAssertions.ts).
// - Inspect: a dataset; `input` is a list of messages for a chat, `target` the answer
//   as its scorer compares it. A `.json` file is a JSON array and anything else JSON
//   Lines, as Inspect picks its reader by extension. Sample ids are safe as file names
//   inside Inspect's `.eval` zip.
// - jsonl: one case a line, with its check.
// A case pinned although training versions held it carries those versions
// (`metadata.trainedIn`, `metadata.trained_in`, `trainedIn`).
import { firstInputText } from '../model/buildCase';
import type { EvalCase } from '../model/caseModel';
import { shortHash } from '../text/hashing';
import { titleOf } from '../text/values';
import { answerAssertions } from './promptfooAssertions';
import { answerCheck, answerKindFor, type AnswerCheck } from './sliceChecks';
import type { SliceCase } from './slices';
import { promptMessages } from './trainingRecords';

export const SLICE_FORMATS = ['promptfoo', 'inspect', 'jsonl'] as const;
export type SliceFormat = (typeof SLICE_FORMATS)[number];

export interface SliceExportOptions {
  /** The file being written: for Inspect, `.json` gives a JSON array, anything else JSON Lines. */
  file?: string;
}

/** The answer check of a slice case (slices pinned before checks were kept: the target, read by its shape). */
export function answerOf(c: SliceCase): AnswerCheck | null {
  if (c.check) return c.check.answer;
  return c.target === null || c.target.trim() === '' ? null : answerCheck(answerKindFor(c.target), c.target);
}

function chatOf(c: SliceCase): { role: string; content: string }[] {
  return promptMessages({ input: c.input } as EvalCase);
}

function promptOf(c: SliceCase): string {
  return (
    c.input.prompt ??
    chatOf(c)
      .map((m) => m.content)
      .join('\n\n')
  );
}

function promptfooTest(c: SliceCase): Record<string, unknown> {
  const answer = answerOf(c);
  const original = c.check?.promptfoo;
  const assert = original ? [...original.assert, ...(original.replaced.length && answer ? answerAssertions(answer) : [])] : answer ? answerAssertions(answer) : [];
  return {
    // the original description, else the question (slices pinned before descriptions were kept)
    description: c.description ?? (titleOf(firstInputText(c.input)) || c.caseKey),
    // a JSON string, not an array: promptfoo would turn an array variable into one test per element
    vars: { ...(c.input.vars ?? {}), prompt: promptOf(c), messages: JSON.stringify(chatOf(c)) },
    ...(assert.length ? { assert } : {}),
    ...(original?.options ? { options: original.options } : {}),
    ...(original?.threshold !== undefined ? { threshold: original.threshold } : {}),
    metadata: {
      caseKey: c.caseKey,
      evalloopInputHash: c.inputHash,
      ...(original?.replaced.length ? { evalloopReplacedAssertions: original.replaced } : {}),
      ...(c.trainedIn?.length ? { trainedIn: c.trainedIn } : {}),
    },
  };
}

const INSPECT_ROLES: Record<string, string> = { system: 'system', developer: 'system', user: 'user', human: 'user', assistant: 'assistant', ai: 'assistant', tool: 'tool', function: 'tool' };

/**
 * A sample id Inspect can use as a file name inside its `.eval` zip: the case key's
 * safe characters and a hash of the whole key, so two keys never share an id.
 */
export function inspectSampleId(caseKey: string): string {
  const readable = caseKey
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(-80)
    .replace(/^[._-]+/, '');
  return `${readable}-${shortHash(caseKey).slice(0, 10)}`;
}

function inspectSample(c: SliceCase): Record<string, unknown> {
  const answer = answerOf(c);
  const input = c.input.messages?.length ? chatOf(c).map((m) => ({ role: INSPECT_ROLES[m.role.toLowerCase()] ?? 'user', content: m.content })) : promptOf(c);
  return {
    id: inspectSampleId(c.caseKey),
    input,
    ...(answer ? { target: answer.value } : {}),
    metadata: {
      case_key: c.caseKey,
      suite: c.suite,
      evalloop_input_hash: c.inputHash,
      ...(answer ? { answer_kind: answer.kind } : {}),
      ...(c.trainedIn?.length ? { trained_in: c.trainedIn } : {}),
    },
  };
}

const lines = (values: unknown[]) => values.map((v) => `${JSON.stringify(v)}\n`).join('');

/** The slice as the content of a file the next eval run reads. */
export function exportSlice(cases: SliceCase[], format: SliceFormat, options: SliceExportOptions = {}): string {
  switch (format) {
    case 'promptfoo':
      return `${JSON.stringify(cases.map(promptfooTest), null, 2)}\n`;
    case 'inspect': {
      const samples = cases.map(inspectSample);
      return options.file && /\.json$/i.test(options.file) ? `${JSON.stringify(samples, null, 2)}\n` : lines(samples);
    }
    case 'jsonl':
      return lines(
        cases.map((c) => {
          const answer = answerOf(c);
          return { caseKey: c.caseKey, suite: c.suite, input: c.input, target: c.target, ...(answer ? { check: answer } : {}), ...(c.trainedIn?.length ? { trainedIn: c.trainedIn } : {}) };
        }),
      );
  }
}

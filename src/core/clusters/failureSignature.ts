// A failure's signature: the keys two alike failures share. Exact keys (the error's
// kind, the suite's grader-reason shape) and near-duplicate keys (LSH bands of the
// output, and of the end of the input). Failures sharing any key, directly or through
// others, form one cluster. Computed from the stored case alone, so an index rebuilt
// from the journals computes the same ones.
import { firstInputText } from '../model/buildCase';
import type { EvalCase } from '../model/caseModel';
import { definitionFactsOf } from '../definitions/definitionFacts';
import { errorKindOf, maskedShape, reasonShapeOf } from './failureShape';
import { bandKeysOf, INPUT_BANDS, key52, OUTPUT_BANDS } from './nearDuplicates';

/**
 * Error classes that say only "a check failed": two test failures raising them are
 * alike only when their messages have the same shape too.
 */
const UNSPECIFIC_CLASSES = new Set(['AssertionError', 'Exception', 'Error', 'RuntimeError', 'Failure']);

/**
 * The end of an input is where its cases differ: a few-shot prefix or a template's
 * head is shared by a whole suite, and with more of it in the shingles, unrelated cases
 * of such a suite chained into one cluster on the generated set (24 words: 48 of
 * 2,000 few-shot cases; 16 words: none).
 */
export const INPUT_TAIL_WORDS = 16;

export interface FailureSignature {
  /** The error's class (or the masked shape of its first line), if the case raised one. */
  errorKind: string | null;
  /** The grader's reasons, masked. */
  reasonShape: string | null;
  outputBands: number;
  inputBands: number;
  /** Every key (52-bit numbers); failures sharing one are clustered together. */
  keys: number[];
  /** What finds the case's test where its eval is defined (JSON), for the formats that have one. */
  facts: string | null;
}

function errorKey(c: EvalCase, kind: string): string {
  if (!UNSPECIFIC_CLASSES.has(kind)) return `e:${kind}`;
  const text = c.error ?? c.output ?? '';
  const line = text.split('\n').find((l) => l.includes(kind)) ?? text.split('\n').find((l) => l.trim()) ?? '';
  return `e:${kind}:${maskedShape(line.slice(line.indexOf(kind) + kind.length))}`;
}

export function signatureOf(c: EvalCase): FailureSignature {
  const errorKind = errorKindOf(c) ?? null;
  const reasonShape = reasonShapeOf(c) ?? null;
  const output = bandKeysOf(c.output, OUTPUT_BANDS, 1);
  const input = bandKeysOf(firstInputText(c.input), INPUT_BANDS, 2, INPUT_TAIL_WORDS);
  const keys: number[] = [];
  if (errorKind) keys.push(keyNumber(errorKey(c, errorKind)));
  // a reason's shape is the suite's own wording: the same words in another suite may judge something else
  if (reasonShape) keys.push(keyNumber(`r:${c.suite}\n${reasonShape}`));
  keys.push(...output, ...input);
  return { errorKind, reasonShape, outputBands: output.length, inputBands: input.length, keys, facts: definitionFactsOf(c) };
}

/** An exact key as the index stores it: 52 bits from two 32-bit string hashes. */
export function keyNumber(key: string): number {
  let a = 0x811c9dc5;
  let b = 0x27d4eb2f;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return key52(a, b);
}

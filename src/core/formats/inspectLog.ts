// Inspect AI `.json` logs (log format version 2): header fields plus `samples`.
import { assertNestingWithin } from '../text/jsonDepth';
import { isRecord } from '../text/values';
import type { ReadEvent } from './adapter';
import { inspectRun, inspectSampleToCase } from './inspectSample';
import { reasonOf } from '../text/reasonOf';

export function isInspectLog(doc: unknown): boolean {
  return isRecord(doc) && isRecord(doc.eval) && typeof doc.version === 'number' && ('samples' in doc || 'status' in doc);
}

export function* readInspectLog(doc: Record<string, unknown>, contentHash: string, thresholds: Record<string, number> = {}): Generator<ReadEvent> {
  const run = inspectRun(doc, contentHash, false);
  yield { kind: 'run', run };
  const samples = Array.isArray(doc.samples) ? doc.samples : [];
  for (let index = 0; index < samples.length; index++) {
    try {
      assertNestingWithin(samples[index], 'the sample');
      yield { kind: 'case', evalCase: inspectSampleToCase(samples[index], run.suite, { index }, thresholds) };
    } catch (error) {
      yield { kind: 'error', error: { record: index, reason: reasonOf(error) } };
    }
  }
}

// Inspect AI `.eval` logs: a zip of header.json, samples/<id>_epoch_<n>.json and
// journal files. Read lazily, one sample at a time. A log still being written has
// no header.json yet: the run comes from _journal/start.json and is marked partial.
import { assertNestingWithin, nestsTooDeep, tooDeepReason } from '../text/jsonDepth';
import { parseLenientJson } from '../text/lenientJson';
import { isRecord } from '../text/values';
import { FormatError, type ReadEvent, type ReadOptions } from './adapter';
import { inspectRun, inspectSampleToCase } from './inspectSample';
import { ZipArchive } from './zipArchive';
import { reasonOf } from '../text/reasonOf';

const SAMPLE_ENTRY = /^samples\/.+\.json$/;

function sampleOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

export async function* readInspectEvalZip(path: string, contentHash: string, options: ReadOptions): AsyncGenerator<ReadEvent> {
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(path);
  } catch (error) {
    throw new FormatError(`not a readable .eval zip: ${reasonOf(error)}`);
  }
  try {
    const finished = zip.has('header.json');
    const headerName = finished ? 'header.json' : zip.has('_journal/start.json') ? '_journal/start.json' : null;
    if (!headerName) throw new FormatError('neither header.json nor _journal/start.json found: not an Inspect log');
    const header = parseLenientJson(await zip.readText(headerName, options.maxRecordBytes));
    if (!isRecord(header)) throw new FormatError(`${headerName} is not a JSON object`);
    if (nestsTooDeep(header)) throw new FormatError(`${headerName}: ${tooDeepReason('the header')}`);
    const run = inspectRun(header, contentHash, !finished);
    yield { kind: 'run', run };
    const names = zip
      .list()
      .map((e) => e.name)
      .filter((n) => SAMPLE_ENTRY.test(n))
      .sort(sampleOrder);
    for (let index = 0; index < names.length; index++) {
      const entry = names[index]!;
      try {
        const sample = parseLenientJson(await zip.readText(entry, options.maxRecordBytes));
        assertNestingWithin(sample, 'the sample');
        yield { kind: 'case', evalCase: inspectSampleToCase(sample, run.suite, { index, entry }, options.thresholds) };
      } catch (error) {
        yield { kind: 'error', error: { record: entry, reason: reasonOf(error) } };
      }
    }
  } finally {
    zip.close();
  }
}

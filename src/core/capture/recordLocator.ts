// Where a case came from in its result file, as text: capture stores it with each
// occurrence (`line 12` in JSON lines, an archive entry's name, `record 3` for the
// index in a JSON document's array of cases), `show` and the panel print it, and
// "open the result file at this record" reads it back. Record errors are told the
// same way in the capture log.
import type { RecordError } from '../formats/adapter';
import type { RecordLocator } from '../model/caseModel';

/** A stored locator read back: a 1-based line, an index in the document's cases, or an entry's name. */
export type ParsedLocator = { line: number } | { index: number } | { entry: string };

const LINE = /^line (\d+)$/;
const INDEX = /^record (\d+)$/;

/** The locator as stored: the line if there is one, else the entry, else the index. */
export function formatLocator(record: RecordLocator): string | undefined {
  if (record.line !== undefined) return `line ${record.line}`;
  if (record.entry !== undefined) return record.entry;
  if (record.index !== undefined) return `record ${record.index}`;
  return undefined;
}

/** A stored locator read back (undefined for none). */
export function parseLocator(text: string | null | undefined): ParsedLocator | undefined {
  if (!text) return undefined;
  const line = LINE.exec(text);
  if (line) return { line: Number(line[1]) };
  const index = INDEX.exec(text);
  if (index) return { index: Number(index[1]) };
  return { entry: text };
}

/** `record N` (a case's index in its document) → N. */
export function recordIndexOf(text: string | null): number | undefined {
  const at = parseLocator(text);
  return at && 'index' in at ? at.index : undefined;
}

/** Where a record error is, as the error carries it: the line, else the entry or index. */
export function errorLocator(record: RecordLocator): Pick<RecordError, 'line' | 'record'> {
  if (record.line !== undefined) return { line: record.line };
  const where = record.entry ?? record.index;
  return where !== undefined ? { record: where } : {};
}

/** A record error's place as told in the capture log: `line N`, `record X`, or '' when it has none. */
export function errorPlace(error: Pick<RecordError, 'line' | 'record'>): string {
  return error.line !== undefined ? `line ${error.line}` : error.record !== undefined ? `record ${error.record}` : '';
}

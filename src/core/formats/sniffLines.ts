// Tells JSON lines from a JSON document for a file that starts with '{', and finds the
// record that picks the line format. The first line is usually inside the 64 KB head;
// when it is not (long-context lm-eval docs put hundreds of KB on one line), the file
// is read line by line, never holding more than the record limit, so a long first
// record neither turns the file into "one broken JSON document" nor escapes the limit.
import { stripBom, parseLenientJson } from '../text/lenientJson';
import { isOversize, readLines, type Line, type OversizeLine } from '../text/lineReader';
import { isRecord } from '../text/values';
import { formatMb } from './zipArchive';

export interface FirstRecord {
  /** The line's text (for run ids of formats that carry none). */
  text: string;
  value: Record<string, unknown>;
}

export type Sniffed =
  | { kind: 'document' }
  | { kind: 'lines'; first: FirstRecord }
  /** JSON lines, but no line within the record limit says what they are. */
  | { kind: 'unreadable'; reason: string };

/** How a record, line or document over --max-record-mb is reported. */
export function overRecordLimit(what: string, bytes: number, limit: number): string {
  return `${what} is ${formatMb(bytes)}, over the ${formatMb(limit)} limit (--max-record-mb; in VS Code the evalloop.maxRecordMegabytes setting)`;
}

function recordOf(text: string): FirstRecord | undefined {
  const trimmed = stripBom(text).trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value = parseLenientJson(trimmed);
    return isRecord(value) ? { text: trimmed, value } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decides from the head alone when it can: `head` is the file's first bytes as text
 * (BOM and leading blanks removed), `wholeFile` says whether they are all of it.
 * `linesAnyway` (a .jsonl name, a resumed read) makes a single record JSON lines too.
 */
export async function sniffLines(path: string, head: string, wholeFile: boolean, maxRecordBytes: number, linesAnyway: boolean): Promise<Sniffed> {
  const nl = head.indexOf('\n');
  const rest = nl === -1 ? '' : head.slice(nl + 1).trimStart();
  if (nl !== -1 && (rest !== '' || wholeFile)) {
    // the first line and the start of the next are in the head
    if (!rest.startsWith('{') && !linesAnyway) return { kind: 'document' };
    const first = recordOf(head.slice(0, nl));
    return first ? { kind: 'lines', first } : { kind: 'document' };
  }
  if (nl === -1 && wholeFile) {
    const first = linesAnyway ? recordOf(head) : undefined;
    return first ? { kind: 'lines', first } : { kind: 'document' };
  }
  return sniffLongFirstLine(path, maxRecordBytes, linesAnyway);
}

/** The first line is longer than the head: read lines (each capped at the limit) until the shape is known. */
async function sniffLongFirstLine(path: string, maxRecordBytes: number, linesAnyway: boolean): Promise<Sniffed> {
  let firstLine: Line | OversizeLine | undefined;
  let more = false;
  let standIn: FirstRecord | undefined;
  for await (const line of readLines(path, { maxLineBytes: maxRecordBytes })) {
    if (!firstLine) {
      firstLine = line;
      continue;
    }
    if (!isOversize(line)) {
      const text = line.text.trim();
      if (text === '') continue;
      if (!text.startsWith('{')) break;
    }
    more = true;
    if (!isOversize(firstLine)) break;
    // the first record is over the limit: the first later one within it picks the format
    standIn = isOversize(line) ? undefined : recordOf(line.text);
    if (standIn) break;
  }
  // a single line and no reason to call it JSON lines: one document (the document limit applies to it)
  if (!firstLine || !(more || linesAnyway)) return { kind: 'document' };
  if (!isOversize(firstLine)) {
    const first = recordOf(firstLine.text);
    return first ? { kind: 'lines', first } : { kind: 'document' };
  }
  if (standIn) return { kind: 'lines', first: standIn };
  return { kind: 'unreadable', reason: `${overRecordLimit('line 1', firstLine.bytes, maxRecordBytes)}, and no later line holds a record within the limit to tell which format the file is; skipped` };
}

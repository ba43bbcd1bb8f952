// Chooses a reader by content (not file name) and streams what it reads:
// whole JSON documents, JSON lines (resumable from a byte offset), XML, zips.
import { open, readFile, stat } from 'node:fs/promises';
import type { FormatId } from '../model/caseModel';
import { sha256Hex, sha256OfFile } from '../text/hashing';
import { JsonSyntaxError, parseLenientJson, stripBom } from '../text/lenientJson';
import { nestsTooDeep, tooDeepReason } from '../text/jsonDepth';
import { isOversize, readLines } from '../text/lineReader';
import { ReadTail } from '../text/resumeCheck';
import { isRecord } from '../text/values';
import { FormatError, type ReadEvent, type ReadOptions } from './adapter';
import { isDeepEvalRun, readDeepEvalRun } from './deepEval';
import { genericJsonl } from './genericJsonl';
import { readInspectEvalZip } from './inspectEvalZip';
import { isInspectLog, readInspectLog } from './inspectLog';
import { looksLikeJunit, readJunitXml } from './junitXml';
import type { LineFormat, LineFormatReader } from './lineFormat';
import { isLmEvalResultsDocument, lmEvalSamples } from './lmEval';
import { isMlflowTable, readMlflowTable } from './mlflowTable';
import { openaiEvalsRecord } from './openaiEvals';
import { formatMb } from './zipArchive';
import { isPromptfooExport, promptfooJsonl, readPromptfooExport } from './promptfoo';
import { overRecordLimit, sniffLines } from './sniffLines';
import { isOtlpExport } from './otlpSpans';
import { otelTraceLines, readOtelDocument } from './otelTraces';
import { isLangfuseDocument, langfuseLines, readLangfuseDocument } from './langfuseExport';
import { isParquet, openLightevalDetails } from './lightevalDetails';
import { reasonOf } from '../text/reasonOf';

const HEAD_BYTES = 64 * 1024;
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;
const LINE_FORMATS: LineFormat[] = [lmEvalSamples, openaiEvalsRecord, promptfooJsonl, otelTraceLines, langfuseLines];

/** How far a line-based read got: resume here next time. Sent once, after the last line. */
export interface Checkpoint {
  kind: 'checkpoint';
  offset: number;
  nextLine: number;
  /** The resume check of the bytes read before `offset` (see resumeCheck.ts). */
  check?: string;
}

export type FileEvent = ReadEvent | Checkpoint;

export type FileShape = 'lines' | 'document' | 'zip' | 'xml';

export type OpenedResult =
  /** `error`: skipped for a reason the user must act on (a limit), not because it is no eval result. */
  { status: 'skipped'; reason: string; error?: boolean } | { status: 'ok'; format: FormatId; shape: FileShape; resumable: boolean; size: number; events: AsyncGenerator<FileEvent> };

export interface ResumePoint {
  offset: number;
  nextLine: number;
}

function hasNul(buf: Buffer): boolean {
  return buf.indexOf(0) !== -1;
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function lineFormatFor(first: Record<string, unknown>, path: string, options: ReadOptions, forced?: FormatId): LineFormat | null {
  if (forced) {
    if (forced === 'jsonl') return genericJsonl;
    return LINE_FORMATS.find((f) => f.format === forced) ?? null;
  }
  return LINE_FORMATS.find((f) => f.matches(first, path)) ?? (options.mapping ? genericJsonl : null);
}

/** Opens a result file: detects its format and returns a stream of what it holds. */
export async function openResultFile(path: string, options: ReadOptions, resume?: ResumePoint, forced?: FormatId): Promise<OpenedResult> {
  const info = await stat(path);
  if (!info.isFile()) throw new FormatError('not a regular file');
  if (info.size === 0) throw new FormatError('empty file');
  const headBuf = await readHead(path);
  // emptied between the stat and the read (a rewrite in progress): the same words as an empty file
  if (headBuf.length === 0) throw new FormatError('empty file');
  if (headBuf[0] === 0x50 && headBuf[1] === 0x4b && headBuf[2] === 0x03 && headBuf[3] === 0x04) {
    if (forced && forced !== 'inspect') throw new FormatError(`a zip archive cannot be read as ${forced}`);
    // hashed as a stream: an archive's entries are read one at a time, never the whole file at once
    const contentHash = await sha256OfFile(path);
    return { status: 'ok', format: 'inspect', shape: 'zip', resumable: false, size: info.size, events: readInspectEvalZip(path, contentHash, options) };
  }
  if (isParquet(headBuf)) {
    if (forced && forced !== 'lighteval') throw new FormatError(`a Parquet file cannot be read as ${forced}`);
    const details = await openLightevalDetails(path, options);
    if ('skipped' in details) return { status: 'skipped', reason: details.skipped };
    return { status: 'ok', format: 'lighteval', shape: 'document', resumable: false, size: info.size, events: details.events };
  }
  if (hasNul(headBuf)) throw new FormatError('binary file (contains NUL bytes), not an eval result');
  const head = stripBom(headBuf.toString('utf8')).trimStart();

  if (head.startsWith('<')) {
    if (!looksLikeJunit(head) && forced !== 'junit') return { status: 'skipped', reason: 'XML without <testsuite>: not a JUnit report' };
    const tooBig = documentOverLimit('the XML report', info.size, options);
    if (tooBig) return tooBig;
    const xml = stripBom(await readFile(path, 'utf8'));
    const contentHash = sha256Hex(xml);
    return { status: 'ok', format: 'junit', shape: 'xml', resumable: false, size: info.size, events: toAsync(readJunitXml(xml, path, contentHash)) };
  }

  if (head.startsWith('{')) {
    const jsonlName = /\.(jsonl|ndjson)$/i.test(path);
    const sniffed = await sniffLines(path, head, headBuf.length < HEAD_BYTES, options.maxRecordBytes, jsonlName || resume !== undefined);
    if (sniffed.kind === 'unreadable') return { status: 'skipped', reason: sniffed.reason, error: true };
    if (sniffed.kind === 'lines') {
      const { first } = sniffed;
      const format = lineFormatFor(first.value, path, options, forced);
      if (!format) {
        const keys = Object.keys(first.value).slice(0, 8).join(', ');
        return { status: 'skipped', reason: `JSON lines of an unrecognised shape (first record's keys: ${keys}); set a field mapping to capture them` };
      }
      const reader = format.open({ path, firstRecord: first.value, firstLineText: first.text, options });
      const from = format.resumable ? resume : undefined;
      // the size now bounds the read: a file that keeps growing is read to where it was when the capture began
      return { status: 'ok', format: format.format, shape: 'lines', resumable: format.resumable, size: info.size, events: readLineEvents(path, reader, options, info.size, from) };
    }
  } else if (!head.startsWith('[')) {
    return { status: 'skipped', reason: 'neither JSON, JSON lines, XML nor an .eval zip' };
  }
  const tooBig = documentOverLimit('the JSON document', info.size, options);
  if (tooBig) return tooBig;
  const bytes = await readFile(path);
  const contentHash = sha256Hex(bytes).slice(0, 32);
  let doc: unknown;
  try {
    doc = parseLenientJson(bytes.toString('utf8'));
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new FormatError(error.message);
    throw error;
  }
  return documentReader(doc, path, contentHash, info.size, options, forced);
}

/** Whole-document formats are held in memory whole, so the record limit applies to the whole file. */
function documentOverLimit(what: string, size: number, options: ReadOptions): OpenedResult | undefined {
  if (size > MAX_DOCUMENT_BYTES) {
    throw new FormatError(`${what} is ${formatMb(size)}, over the ${formatMb(MAX_DOCUMENT_BYTES)} limit for whole-file formats`);
  }
  if (size <= options.maxRecordBytes) return undefined;
  return { status: 'skipped', reason: `${overRecordLimit(what, size, options.maxRecordBytes)}; it is read into memory whole, so it is skipped`, error: true };
}

function documentReader(doc: unknown, path: string, contentHash: string, size: number, options: ReadOptions, forced?: FormatId): OpenedResult {
  const ok = (format: FormatId, events: Iterable<ReadEvent>): OpenedResult => ({ status: 'ok', format, shape: 'document', resumable: false, size, events: toAsync(events) });
  const want = (f: FormatId, test: (d: unknown) => boolean) => (forced ? forced === f : test(doc));
  if (want('promptfoo', isPromptfooExport)) return ok('promptfoo', readPromptfooExport(doc, contentHash, options.passesAsKeys));
  if (want('inspect', isInspectLog)) return ok('inspect', readInspectLog(doc as Record<string, unknown>, contentHash, options.thresholds));
  if (want('deepeval', isDeepEvalRun)) return ok('deepeval', readDeepEvalRun(doc as Record<string, unknown>, contentHash));
  if (want('mlflow', isMlflowTable)) return ok('mlflow', readMlflowTable(doc as Record<string, unknown>, path, contentHash, options));
  if (want('otel', isOtlpExport)) return ok('otel', readOtelDocument(doc as Record<string, unknown>, contentHash, options));
  if (want('langfuse', isLangfuseDocument)) return ok('langfuse', readLangfuseDocument(doc, path, contentHash, options));
  if (forced) throw new FormatError(`a JSON document cannot be read as ${forced}`);
  if (isLmEvalResultsDocument(doc)) {
    return { status: 'skipped', reason: 'lm-eval aggregate results: read alongside its samples_*.jsonl, which hold the cases' };
  }
  const keys = isRecord(doc) ? Object.keys(doc).slice(0, 8).join(', ') : Array.isArray(doc) ? 'a JSON array' : typeof doc;
  return { status: 'skipped', reason: `JSON of an unrecognised shape (top-level keys: ${keys})` };
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

async function* readLineEvents(path: string, reader: LineFormatReader, options: ReadOptions, endOffset: number, resume?: ResumePoint): AsyncGenerator<FileEvent> {
  yield { kind: 'run', run: reader.run };
  const tail = new ReadTail();
  const lines = readLines(path, {
    startOffset: resume?.offset ?? 0,
    firstLineNumber: resume?.nextLine ?? 1,
    maxLineBytes: options.maxRecordBytes,
    endOffset,
    tail,
  });
  let checkpoint: Checkpoint = { kind: 'checkpoint', offset: resume?.offset ?? 0, nextLine: resume?.nextLine ?? 1 };
  for await (const line of lines) {
    if (isOversize(line)) {
      yield { kind: 'error', error: { line: line.number, reason: `${overRecordLimit('record', line.bytes, options.maxRecordBytes)}; skipped` } };
      checkpoint = { kind: 'checkpoint', offset: line.end, nextLine: line.number + 1 };
      continue;
    }
    const text = line.number === 1 ? stripBom(line.text) : line.text;
    if (text.trim() === '') {
      if (line.complete) checkpoint = { kind: 'checkpoint', offset: line.end, nextLine: line.number + 1 };
      continue;
    }
    let value: unknown;
    try {
      value = parseLenientJson(text);
    } catch (error) {
      if (!line.complete) {
        yield { kind: 'error', error: { line: line.number, reason: 'incomplete last line (the file may still be being written); it will be read once complete', warning: true } };
        break;
      }
      yield { kind: 'error', error: { line: line.number, reason: reasonOf(error) } };
      checkpoint = { kind: 'checkpoint', offset: line.end, nextLine: line.number + 1 };
      continue;
    }
    if (nestsTooDeep(value)) {
      yield { kind: 'error', error: { line: line.number, reason: `${tooDeepReason('the record')}; skipped` } };
      checkpoint = { kind: 'checkpoint', offset: line.end, nextLine: line.number + 1 };
      continue;
    }
    try {
      for (const evalCase of reader.record(value, line.number, line.start)) yield { kind: 'case', evalCase };
    } catch (error) {
      yield { kind: 'error', error: { line: line.number, reason: reasonOf(error) } };
    }
    checkpoint = { kind: 'checkpoint', offset: line.end, nextLine: line.number + 1 };
  }
  for (const evalCase of reader.finish()) yield { kind: 'case', evalCase };
  for (const error of reader.errors?.() ?? []) yield { kind: 'error', error };
  const check = tail.checkBefore(checkpoint.offset);
  yield check === undefined ? checkpoint : { ...checkpoint, check };
}

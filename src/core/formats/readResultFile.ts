// Chooses a reader by content (not file name) and streams what it reads:
// whole JSON documents, JSON lines (resumable from a byte offset), XML, zips.
import { open, readFile, stat } from 'node:fs/promises';
import type { FormatId } from '../model/caseModel';
import { sha256Hex } from '../text/hashing';
import { JsonSyntaxError, parseLenientJson, stripBom } from '../text/lenientJson';
import { isOversize, readLines } from '../text/lineReader';
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
import { isOtlpExport } from './otlpSpans';
import { otelTraceLines, readOtelDocument } from './otelTraces';
import { isLangfuseDocument, langfuseLines, readLangfuseDocument } from './langfuseExport';
import { isParquet, openLightevalDetails } from './lightevalDetails';

const HEAD_BYTES = 64 * 1024;
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;
const LINE_FORMATS: LineFormat[] = [lmEvalSamples, openaiEvalsRecord, promptfooJsonl, otelTraceLines, langfuseLines];

/** How far a line-based read got: resume here next time. Sent once, after the last line. */
export interface Checkpoint {
  kind: 'checkpoint';
  offset: number;
  nextLine: number;
}

export type FileEvent = ReadEvent | Checkpoint;

export type FileShape = 'lines' | 'document' | 'zip' | 'xml';

export type OpenedResult =
  | { status: 'skipped'; reason: string }
  | { status: 'ok'; format: FormatId; shape: FileShape; resumable: boolean; size: number; events: AsyncGenerator<FileEvent> };

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

function firstJsonLine(head: string): { text: string; value: Record<string, unknown>; more: boolean } | null {
  const text = stripBom(head);
  const nl = text.indexOf('\n');
  const first = (nl === -1 ? text : text.slice(0, nl)).trim();
  if (!first.startsWith('{')) return null;
  try {
    const value = parseLenientJson(first);
    if (!isRecord(value)) return null;
    const rest = nl === -1 ? '' : text.slice(nl + 1).trimStart();
    return { text: first, value, more: rest.startsWith('{') };
  } catch {
    return null;
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
export async function openResultFile(
  path: string,
  options: ReadOptions,
  resume?: ResumePoint,
  forced?: FormatId,
): Promise<OpenedResult> {
  const info = await stat(path);
  if (!info.isFile()) throw new FormatError('not a regular file');
  if (info.size === 0) throw new FormatError('empty file');
  const headBuf = await readHead(path);
  if (headBuf[0] === 0x50 && headBuf[1] === 0x4b && headBuf[2] === 0x03 && headBuf[3] === 0x04) {
    if (forced && forced !== 'inspect') throw new FormatError(`a zip archive cannot be read as ${forced}`);
    const contentHash = sha256Hex(await readFile(path));
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
    const xml = stripBom(await readFile(path, 'utf8'));
    const contentHash = sha256Hex(xml);
    return { status: 'ok', format: 'junit', shape: 'xml', resumable: false, size: info.size, events: toAsync(readJunitXml(xml, path, contentHash)) };
  }

  const first = firstJsonLine(head);
  const jsonlName = /\.(jsonl|ndjson)$/i.test(path);
  if (first && (first.more || jsonlName || resume !== undefined)) {
    const format = lineFormatFor(first.value, path, options, forced);
    if (!format) {
      const keys = Object.keys(first.value).slice(0, 8).join(', ');
      return { status: 'skipped', reason: `JSON lines of an unrecognised shape (first record's keys: ${keys}); set a field mapping to capture them` };
    }
    const reader = format.open({ path, firstRecord: first.value, firstLineText: first.text, options });
    const from = format.resumable ? resume : undefined;
    return { status: 'ok', format: format.format, shape: 'lines', resumable: format.resumable, size: info.size, events: readLineEvents(path, reader, options, from) };
  }

  if (!head.startsWith('{') && !head.startsWith('[')) {
    return { status: 'skipped', reason: 'neither JSON, JSON lines, XML nor an .eval zip' };
  }
  if (info.size > MAX_DOCUMENT_BYTES) {
    throw new FormatError(`a ${formatMb(info.size)} JSON document is over the ${formatMb(MAX_DOCUMENT_BYTES)} limit for whole-file formats`);
  }
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

function documentReader(doc: unknown, path: string, contentHash: string, size: number, options: ReadOptions, forced?: FormatId): OpenedResult {
  const ok = (format: FormatId, events: Iterable<ReadEvent>): OpenedResult => ({ status: 'ok', format, shape: 'document', resumable: false, size, events: toAsync(events) });
  const want = (f: FormatId, test: (d: unknown) => boolean) => (forced ? forced === f : test(doc));
  if (want('promptfoo', isPromptfooExport)) return ok('promptfoo', readPromptfooExport(doc, contentHash));
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

async function* readLineEvents(path: string, reader: LineFormatReader, options: ReadOptions, resume?: ResumePoint): AsyncGenerator<FileEvent> {
  yield { kind: 'run', run: reader.run };
  const lines = readLines(path, {
    startOffset: resume?.offset ?? 0,
    firstLineNumber: resume?.nextLine ?? 1,
    maxLineBytes: options.maxRecordBytes,
  });
  let checkpoint: Checkpoint = { kind: 'checkpoint', offset: resume?.offset ?? 0, nextLine: resume?.nextLine ?? 1 };
  for await (const line of lines) {
    if (isOversize(line)) {
      yield { kind: 'error', error: { line: line.number, reason: `record is ${formatMb(line.bytes)}, over the ${formatMb(options.maxRecordBytes)} limit; skipped` } };
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
      yield { kind: 'error', error: { line: line.number, reason: (error as Error).message } };
      checkpoint = { kind: 'checkpoint', offset: line.end, nextLine: line.number + 1 };
      continue;
    }
    try {
      for (const evalCase of reader.record(value, line.number, line.start)) yield { kind: 'case', evalCase };
    } catch (error) {
      yield { kind: 'error', error: { line: line.number, reason: (error as Error).message } };
    }
    checkpoint = { kind: 'checkpoint', offset: line.end, nextLine: line.number + 1 };
  }
  for (const evalCase of reader.finish()) yield { kind: 'case', evalCase };
  for (const error of reader.errors?.() ?? []) yield { kind: 'error', error };
  yield checkpoint;
}

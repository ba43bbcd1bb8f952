// The shape of a JSON-lines format: recognised from its first record, then fed
// one record at a time so files of any size stream and grown files resume.
import type { EvalCase, FormatId } from '../model/caseModel';
import type { ReadOptions, RecordError, RunDescription } from './adapter';

export interface LineFormatContext {
  path: string;
  firstRecord: Record<string, unknown>;
  /** The first line's text, for run ids of formats that carry none. */
  firstLineText: string;
  options: ReadOptions;
}

export interface LineFormatReader {
  run: RunDescription;
  /** Cases completed by this record (some formats join several lines into one case). Throws FormatError. */
  record(value: unknown, line: number, offset: number): EvalCase[];
  /** Cases still held when the file ends. */
  finish(): EvalCase[];
  /** Problems found while finishing (records that could not become cases), reported after them. */
  errors?(): RecordError[];
}

export interface LineFormat {
  format: FormatId;
  /** False when cases join lines from anywhere in the file, so a grown file must be read whole. */
  resumable: boolean;
  matches(first: Record<string, unknown>, path: string): boolean;
  open(context: LineFormatContext): LineFormatReader;
}

// Reads a Parquet file one row group at a time (hyparquet: pure JavaScript, no native
// build), so a large file costs the memory of its largest row group, not of the file.
// This module is bundled on its own (dist/parquetRows.js) and loaded only when a
// Parquet file is read, so the extension does not carry the reader for users who never
// meet one; see loadParquetRows.ts.
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';

export interface ParquetRows {
  numRows: number;
  /** Rows in each row group, in file order. */
  rowGroupRows: number[];
  /** Top-level column names. */
  columns: string[];
  /** The rows of one row group as plain objects (64-bit integers as numbers when they fit). */
  readGroup(index: number): Promise<Record<string, unknown>[]>;
}

/** Integers beyond 2^53 stay as their digits; BigInt does not survive JSON or structured clones. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

export async function openParquetRows(path: string): Promise<ParquetRows> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const rowGroupRows = metadata.row_groups.map((g) => Number(g.num_rows));
  const starts: number[] = [];
  let total = 0;
  for (const n of rowGroupRows) {
    starts.push(total);
    total += n;
  }
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  return {
    numRows: Number(metadata.num_rows),
    rowGroupRows,
    columns,
    readGroup: async (index) => {
      const rowStart = starts[index]!;
      const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd: rowStart + rowGroupRows[index]! });
      return rows.map((r) => plain(r) as Record<string, unknown>);
    },
  };
}

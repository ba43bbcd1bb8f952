// Loads the Parquet reader only when a Parquet file is met: the bundled
// dist/parquetRows.js beside this bundle, or the source module under tsx (tests,
// development). A computed path keeps esbuild from folding it into the extension.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from './adapter';
import type { ParquetRows } from './parquetRows';

type ParquetModule = { openParquetRows(path: string): Promise<ParquetRows> };
let loaded: ParquetModule | undefined;

export function loadParquetRows(): ParquetModule {
  if (loaded) return loaded;
  for (const name of ['parquetRows.js', 'parquetRows.ts']) {
    const file = join(__dirname, name);
    if (existsSync(file)) return (loaded = require(file) as ParquetModule);
  }
  throw new FormatError(`the Parquet reader is missing (parquetRows.js beside ${__dirname}); rebuild with npm run build`);
}

// Loads sql.js once per process, from the wasm file shipped beside the bundle
// (dist/sql-wasm.wasm) or, in development, from node_modules.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let engine: Promise<SqlJsStatic> | undefined;

function locateWasm(): string {
  const beside = join(__dirname, 'sql-wasm.wasm');
  if (existsSync(beside)) return beside;
  return require.resolve('sql.js/dist/sql-wasm.wasm');
}

export function loadSqlEngine(): Promise<SqlJsStatic> {
  engine ??= (async () => {
    const wasm = readFileSync(locateWasm());
    return initSqlJs({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer });
  })();
  return engine;
}

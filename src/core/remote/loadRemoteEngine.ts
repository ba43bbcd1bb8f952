// Loads the remote engine (the S3 client and the transfers) only when a remote is
// used: it is a bundle of its own (dist/remoteEngine.js) beside the extension and the
// CLI, larger than the whole extension, which must stay small to activate fast.
// Under tsx (tests, development) the source module is loaded instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as RemoteEngineModule from './remoteEngine';

type RemoteEngine = typeof RemoteEngineModule;
let engine: RemoteEngine | undefined;

export function loadRemoteEngine(): RemoteEngine {
  if (!engine) {
    const file = ['remoteEngine.js', 'remoteEngine.ts'].map((name) => join(__dirname, name)).find((f) => existsSync(f));
    if (!file) throw new Error(`the remote engine is missing (no remoteEngine.js beside ${__dirname}); rebuild Eval Loop`);
    // a path known only at run time: bundlers leave it alone, so the engine stays out of the main bundles
    engine = require(file) as RemoteEngine;
  }
  return engine;
}

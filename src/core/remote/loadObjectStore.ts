// Loads the S3 client only when a remote is used: it is a bundle of its own
// (dist/s3ObjectStore.js) beside the extension and the CLI, so neither pays for it
// at start-up. Under tsx (tests, development) the source module is loaded instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ObjectStore, S3Location } from './objectStore';

type Opener = (location: S3Location) => ObjectStore;
let opener: Opener | undefined;

export function openObjectStore(location: S3Location): ObjectStore {
  if (!opener) {
    const file = ['s3ObjectStore.js', 's3ObjectStore.ts'].map((name) => join(__dirname, name)).find((f) => existsSync(f));
    if (!file) throw new Error(`the S3 client is missing (no s3ObjectStore.js beside ${__dirname}); rebuild Eval Loop`);
    // a path known only at run time: bundlers leave it alone, so the client stays out of the main bundle
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    opener = (require(file) as { openS3ObjectStore: Opener }).openS3ObjectStore;
  }
  return opener(location);
}

// What Eval Loop needs from an object store: whole-object PUT (optionally only if the
// key is new), GET, HEAD and a sorted LIST. Nothing here deletes or rewrites: every key
// we write is either content-addressed, named by the byte range of an append-only
// journal, or a version number held by the claim rule (versionClaims.ts).
// The S3 implementation (s3ObjectStore.ts) lives in the remote engine's own bundle,
// loaded only when a remote is used; this file has no dependency on any client library.

export interface ListedObject {
  key: string;
  size: number;
  /** Server time of the last write, in ms since the epoch (0 when unknown). */
  modified: number;
}

export interface ListOptions {
  /** List only keys sorted after this one (S3 `start-after`). */
  startAfter?: string;
  /** Group keys below the prefix at this character into `prefixes`. */
  delimiter?: string;
}

export interface Listing {
  objects: ListedObject[];
  prefixes: string[];
}

export interface PutOptions {
  /** Send `If-None-Match: *` (only where the store honours it; see the probe). */
  ifAbsent?: boolean;
}

export interface ObjectStore {
  /** `remote NAME (s3://bucket/prefix)`: how errors name it. */
  readonly label: string;
  /** Writes a whole object; 'exists' when `ifAbsent` was asked and the key was there. */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<'written' | 'exists'>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>;
  exists(key: string): Promise<boolean>;
  /** Every key under `prefix` (all pages), in key order. */
  list(prefix: string, options?: ListOptions): Promise<Listing>;
  close(): void;
}

export type RemoteFailureKind = 'unreachable' | 'credentials' | 'no-bucket' | 'refused' | 'other';

/** A remote that could not be used, said in one line: which remote and why. */
export class RemoteError extends Error {
  constructor(
    readonly remote: string,
    readonly kind: RemoteFailureKind,
    reason: string,
  ) {
    super(`${remote}: ${reason}`);
    this.name = 'RemoteError';
  }
}

/**
 * True for a RemoteError from any bundle: the S3 store is a bundle of its own with its
 * own copy of the class, so `instanceof` cannot be trusted across that line.
 */
export function isRemoteError(error: unknown): error is RemoteError {
  return error instanceof Error && error.name === 'RemoteError' && typeof (error as RemoteError).remote === 'string';
}

/** Where an S3 remote is and how to reach it (no secrets: credentials come from the AWS chain). */
export interface S3Location {
  name: string;
  bucket: string;
  prefix: string;
  endpoint?: string;
  region?: string;
}

export function remoteLabel(location: S3Location): string {
  return `remote ${location.name} (s3://${location.bucket}${location.prefix ? `/${location.prefix}` : ''})`;
}

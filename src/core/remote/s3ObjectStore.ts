// The object store on S3 and S3-compatible services (MinIO, R2, GCS, Ceph), through
// the AWS SDK: SigV4 signing and the standard credential chain (environment, shared
// config and credentials files, AWS_PROFILE, SSO, container and instance roles), so
// nothing secret is ever written into the workspace. Part of the remote engine's own
// bundle (remoteEngine.ts), loaded only when a remote is used.
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { RemoteError, remoteLabel, type Listing, type ListOptions, type ObjectStore, type PutOptions, type S3Location } from './objectStore';

const CONNECT_TIMEOUT_MS = 5000;
const REQUEST_TIMEOUT_MS = 60_000;

export function openS3ObjectStore(location: S3Location): ObjectStore {
  // the SDK warns on every run under Node 20 (VS Code 1.90's) about its future releases;
  // the version we ship supports it, and the warning would bury our one-line messages
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3ObjectStore(location);
}

class S3ObjectStore implements ObjectStore {
  readonly label: string;
  private readonly client: S3Client;
  private readonly base: string;

  constructor(private readonly location: S3Location) {
    this.label = remoteLabel(location);
    this.base = location.prefix ? `${location.prefix.replace(/\/+$/, '')}/` : '';
    this.client = new S3Client({
      region: location.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(location.endpoint ? { endpoint: location.endpoint, forcePathStyle: true } : {}),
      followRegionRedirects: true,
      // checksums only where S3 requires them: many S3-compatible stores reject the
      // newer streaming-checksum uploads
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    });
  }

  private full(key: string): string {
    return this.base + key;
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<'written' | 'exists'> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.location.bucket, Key: this.full(key), Body: body, ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}) }));
      return 'written';
    } catch (error) {
      const status = statusOf(error);
      // 412: the key exists; 409: a concurrent conditional write to it is in flight
      if (options.ifAbsent && (status === 412 || status === 409)) return 'exists';
      throw this.failure(error, `PUT ${key}`);
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.full(key) }));
      const bytes = await out.Body?.transformToByteArray();
      return Buffer.from(bytes ?? new Uint8Array());
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw this.failure(error, `GET ${key}`);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.full(key) }));
      return true;
    } catch (error) {
      if (isMissingKey(error)) return false;
      throw this.failure(error, `HEAD ${key}`);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<Listing> {
    const listing: Listing = { objects: [], prefixes: [] };
    let token: string | undefined;
    do {
      let out;
      try {
        out = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.location.bucket,
            Prefix: this.full(prefix),
            ...(options.delimiter ? { Delimiter: options.delimiter } : {}),
            ...(options.startAfter && !token ? { StartAfter: this.full(options.startAfter) } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
      } catch (error) {
        throw this.failure(error, `LIST ${prefix}`);
      }
      for (const o of out.Contents ?? []) {
        if (o.Key) listing.objects.push({ key: o.Key.slice(this.base.length), size: o.Size ?? 0, modified: o.LastModified?.getTime() ?? 0 });
      }
      for (const p of out.CommonPrefixes ?? []) if (p.Prefix) listing.prefixes.push(p.Prefix.slice(this.base.length));
      token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return listing;
  }

  close(): void {
    this.client.destroy();
  }

  /** One line a person can act on: which remote, what failed, and why. */
  private failure(error: unknown, what: string): RemoteError {
    const e = error as { name?: string; code?: string; message?: string };
    const status = statusOf(error);
    const code = e.code ?? e.name ?? '';
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'TimeoutError', 'RequestTimeout'].includes(code) || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|timed? ?out/i.test(e.message ?? '')) {
      return new RemoteError(this.label, 'unreachable', `cannot reach ${this.location.endpoint ?? 'S3'} (${code || e.message}); ${what} not done`);
    }
    if (code === 'CredentialsProviderError' || (/Could not load credentials|credential/i.test(e.message ?? '') && !status)) {
      return new RemoteError(this.label, 'credentials', `no AWS credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws/credentials)`);
    }
    if (code === 'NoSuchBucket') return new RemoteError(this.label, 'no-bucket', `bucket "${this.location.bucket}" does not exist`);
    if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken', 'InvalidClientTokenId', 'AuthorizationHeaderMalformed'].includes(code)) {
      return new RemoteError(this.label, 'credentials', `the credentials were refused (${code})`);
    }
    if (status === 403 || code === 'AccessDenied') return new RemoteError(this.label, 'refused', `access denied for ${what} (${code || 403})`);
    return new RemoteError(this.label, 'other', `${what} failed: ${code ? `${code}: ` : ''}${e.message ?? String(error)}${status ? ` (HTTP ${status})` : ''}`);
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? (error instanceof S3ServiceException ? error.$response?.statusCode : undefined);
}

function isMissingKey(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound' || (statusOf(error) === 404 && name !== 'NoSuchBucket');
}

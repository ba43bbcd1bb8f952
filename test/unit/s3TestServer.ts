// An S3-protocol server for the remote tests, run as a process of its own on 127.0.0.1
// (the CLI under test is spawned synchronously, so the server cannot share the test's
// event loop). It is s3rver (objects on the local disk, SigV4 checked against the key
// pair S3RVER/S3RVER), which ignores `If-None-Match: *` on PUT like many self-hosted
// stores; with `conditional`, a thin front honours it (412 when the key exists), as
// AWS S3, current MinIO, R2 and GCS do.
// Usage: node --import tsx s3TestServer.ts <dir> [conditional|plain] [port]; prints {"port":N}.
import { createServer } from 'node:http';

const S3rver = require('s3rver') as new (options: object) => {
  configureBuckets(): Promise<void>;
  callback(): (req: unknown, res: unknown) => void;
  store: { existsObject(bucket: string, key: string): Promise<boolean> };
};

export const TEST_BUCKET = 'evalloop-test';

async function main(): Promise<void> {
  const [dir, mode = 'plain', port = '0'] = process.argv.slice(2);
  const s3 = new S3rver({ directory: dir, silent: true, configureBuckets: [{ name: TEST_BUCKET }], vhostBuckets: false, address: '127.0.0.1' });
  await s3.configureBuckets();
  const handle = s3.callback();
  let conditional = Promise.resolve();
  const server = createServer((req, res) => {
    if (mode !== 'conditional' || req.method !== 'PUT' || req.headers['if-none-match'] !== '*') return handle(req, res);
    // one conditional write at a time: the check and the write must not interleave with another
    conditional = conditional.then(
      () =>
        new Promise<void>((done) => {
          const path = decodeURIComponent((req.url ?? '').split('?')[0]!);
          const [, bucket, ...key] = path.split('/');
          void s3.store.existsObject(bucket!, key.join('/')).then((exists) => {
            if (exists) {
              res.writeHead(412, { 'content-type': 'application/xml' });
              res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
              req.resume();
              done();
            } else {
              res.on('finish', () => done());
              handle(req, res);
            }
          });
        }),
    );
  });
  server.listen(Number(port), '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
  });
}

if (require.main === module) void main();

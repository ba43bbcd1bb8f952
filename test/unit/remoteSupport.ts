// Helpers for the remote tests: an S3-protocol server process on 127.0.0.1, the CLI
// with credentials for it, and the environment that keeps the AWS SDK off every
// other address (no instance-metadata lookups, no shared config files).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { REPO_ROOT, tempDir } from './testSupport';

export const CLI = join(REPO_ROOT, 'dist/cli.js');
export const BUCKET = 'evalloop-test';

export function awsEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const empty = join(tempDir('evalloop-aws-'), 'none');
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
    AWS_PROFILE: '',
    EVALLOOP_CLAIM_WAIT_MS: '5000',
    ...overrides,
  };
}

export interface TestServer {
  endpoint: string;
  port: number;
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startS3Server(options: { conditional?: boolean; dir?: string; port?: number } = {}): Promise<TestServer> {
  const dir = options.dir ?? tempDir('evalloop-s3-');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 's3TestServer.ts'), dir, options.conditional ? 'conditional' : 'plain', String(options.port ?? 0)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the S3 test server exited (${code})`)));
  });
  const port = (JSON.parse(line) as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    dir,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json: () => any;
}

export function cliIn(root: string, env: NodeJS.ProcessEnv = awsEnv()) {
  return (...args: string[]): CliResult => {
    const r = spawnSync(process.execPath, [CLI, '--root', root, ...args], { encoding: 'utf8', env, timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
  };
}

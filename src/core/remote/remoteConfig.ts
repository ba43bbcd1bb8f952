// Where a workspace's remotes are configured. `.evalloop/<ws>/remote.json` is meant to
// be committed, so a team shares one configuration; `.evalloop/<ws>/local/remote.json`
// (never shared: `local/` is git-ignored) overrides it per machine, field by field.
// Neither ever holds a secret: credentials come from the standard AWS chain.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { writeFileAtomic } from '../store/durableFile';
import { writingTo } from '../store/writeFailure';
import type { S3Location } from './objectStore';
import { reasonOf } from '../text/reasonOf';
import { validateFolderName } from '../text/folderNames';

const remoteEntrySchema = z.object({
  url: z.string().optional(),
  endpoint: z.string().optional(),
  region: z.string().optional(),
  /** Whether the store honoured `If-None-Match: *` when the remote was added (the probe). */
  conditionalWrites: z.boolean().optional(),
});
const remoteFileSchema = z.object({ remotes: z.record(z.string(), remoteEntrySchema).default({}) });
type RemoteEntry = z.infer<typeof remoteEntrySchema>;
type RemoteFile = z.infer<typeof remoteFileSchema>;

export interface RemoteConfig extends S3Location {
  url: string;
  conditionalWrites: boolean | undefined;
  /** Where it was configured: the shared file, the local override, or both. */
  source: 'shared' | 'local' | 'shared+local';
}

export function remoteFiles(workspaceDir: string): { shared: string; local: string } {
  return { shared: join(workspaceDir, 'remote.json'), local: join(workspaceDir, 'local', 'remote.json') };
}

export function validateRemoteName(name: string): string {
  return validateFolderName('remote', name);
}

/** `s3://bucket/some/prefix` → bucket and prefix (no leading or trailing slash). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url.trim());
  if (!match) throw new Error(`"${url}" is not an S3 URL: write s3://bucket/prefix`);
  const bucket = match[1]!;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new Error(`"${bucket}" is not a bucket name: 3–63 lower-case letters, digits, '.' or '-'`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.split('/').some((part) => part === '..' || part === '.' || (part === '' && prefix !== ''))) throw new Error(`"${url}": the prefix may not hold empty, '.' or '..' parts`);
  return { bucket, prefix };
}

function readRemoteFile(file: string): RemoteFile {
  if (!existsSync(file)) return { remotes: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not JSON (${reasonOf(error)})`);
  }
  const parsed = remoteFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Every configured remote, the local override applied over the shared file. */
export function readRemotes(workspaceDir: string): RemoteConfig[] {
  const files = remoteFiles(workspaceDir);
  const shared = readRemoteFile(files.shared).remotes;
  const local = readRemoteFile(files.local).remotes;
  const out: RemoteConfig[] = [];
  for (const name of [...new Set([...Object.keys(shared), ...Object.keys(local)])].sort()) {
    const merged: RemoteEntry = { ...shared[name], ...local[name] };
    const where = shared[name] && local[name] ? 'shared+local' : shared[name] ? 'shared' : 'local';
    if (!merged.url) throw new Error(`${where === 'local' ? files.local : files.shared}: remote "${name}" has no url`);
    const { bucket, prefix } = parseS3Url(merged.url);
    out.push({
      name: validateRemoteName(name),
      url: merged.url,
      bucket,
      prefix,
      ...(merged.endpoint ? { endpoint: merged.endpoint } : {}),
      ...(merged.region ? { region: merged.region } : {}),
      conditionalWrites: merged.conditionalWrites,
      source: where,
    });
  }
  return out;
}

/** The remote to use: the one named, else the only one, else `origin`. */
export function chooseRemote(workspaceDir: string, name?: string): RemoteConfig {
  const remotes = readRemotes(workspaceDir);
  if (name) {
    const found = remotes.find((r) => r.name === name);
    if (!found) throw new Error(`no remote "${name}" (configured: ${remotes.map((r) => r.name).join(', ') || 'none'}); add one with \`evalloop remote add ${name} s3://bucket/prefix\``);
    return found;
  }
  if (remotes.length === 0) throw new Error('no remote is configured; add one with `evalloop remote add origin s3://bucket/prefix`');
  if (remotes.length === 1) return remotes[0]!;
  const origin = remotes.find((r) => r.name === 'origin');
  if (origin) return origin;
  throw new Error(`several remotes are configured (${remotes.map((r) => r.name).join(', ')}); name one with --remote`);
}

function writeRemoteFile(file: string, content: RemoteFile): void {
  const dir = join(file, '..');
  writingTo(dir, () => mkdirSync(dir, { recursive: true }));
  writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
}

/** Adds or replaces a remote in the shared file (or, with `local`, in this machine's override). */
export function saveRemote(workspaceDir: string, name: string, entry: RemoteEntry, local = false): void {
  validateRemoteName(name);
  if (entry.url) parseS3Url(entry.url);
  const files = remoteFiles(workspaceDir);
  const file = local ? files.local : files.shared;
  const content = readRemoteFile(file);
  content.remotes[name] = { ...(local ? content.remotes[name] : {}), ...entry };
  writeRemoteFile(file, content);
}

/** Removes a remote from both files; false when it was in neither. */
export function removeRemote(workspaceDir: string, name: string): boolean {
  let found = false;
  for (const file of Object.values(remoteFiles(workspaceDir))) {
    const content = readRemoteFile(file);
    if (!(name in content.remotes)) continue;
    delete content.remotes[name];
    writeRemoteFile(file, content);
    found = true;
  }
  return found;
}

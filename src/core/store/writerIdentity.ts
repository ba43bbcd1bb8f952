// Who this clone on this machine is, as a journal writer. `user@host` alone is not
// unique: two clones on one machine, two containers with a fixed hostname, or
// `root@localhost` anywhere share it, and git would then merge their journals into one
// file with the same event ids. So every writer name also carries a random key made
// once per clone and machine and kept in `local/`, which the workspace's own
// `.gitignore` keeps out of what a repository shares. A key copied to another place
// (a committed or copied `local/`) is noticed by its recorded host and folder, and a
// new one is made there.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { writingTo } from './writeFailure';

/** What a workspace keeps out of version control: the index, locks, this machine's identity, temp files. */
export const WORKSPACE_GITIGNORE = `# Eval Loop: journal/*.jsonl and blobs/ are the shared truth (commit them to share a queue).
# What is below stays on this machine.
index.sqlite
local/
journal/*.lock
journal/*.lock.*
*.tmp
`;

interface IdentityFile {
  key: string;
  host: string;
  folder: string;
  createdAt: string;
}

export function defaultActor(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

function folderOf(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

function readIdentity(file: string): IdentityFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<IdentityFile>;
    if (typeof parsed.key === 'string' && /^[0-9a-f]{8,32}$/.test(parsed.key) && typeof parsed.host === 'string' && typeof parsed.folder === 'string') {
      return parsed as IdentityFile;
    }
  } catch {
    // missing or damaged: a new key is made
  }
  return undefined;
}

/**
 * This clone's writer key for the workspace folder `workspaceDir` (`.evalloop/<name>`):
 * read from `local/writer.json`, or made and linked into place whole (two processes
 * starting at once agree on the one that landed first).
 */
export function writerKey(workspaceDir: string, attempt = 0): string {
  const localDir = join(workspaceDir, 'local');
  const file = join(localDir, 'writer.json');
  const host = hostname();
  const folder = folderOf(workspaceDir);
  const current = readIdentity(file);
  if (current && current.host === host && current.folder === folder) return current.key;
  writingTo(localDir, () => mkdirSync(localDir, { recursive: true }));
  ensureWorkspaceGitignore(workspaceDir);
  const made: IdentityFile = { key: randomBytes(4).toString('hex'), host, folder, createdAt: new Date().toISOString() };
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writingTo(temp, () => writeFileSync(temp, `${JSON.stringify(made)}\n`, { flag: 'wx' }));
  try {
    // a key that belongs elsewhere (copied or committed) or a damaged file is replaced
    if (existsSync(file)) unlinkQuietly(file);
    linkSync(temp, file);
    return made.key;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOENT') throw error;
    const landed = readIdentity(file);
    if (landed && landed.host === host && landed.folder === folder) return landed.key;
    if (attempt >= 5) throw new Error(`could not settle this clone's writer key in ${file}`);
    return writerKey(workspaceDir, attempt + 1);
  } finally {
    unlinkQuietly(temp);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone (another process replaced it first)
  }
}

/** Writes `.evalloop/<name>/.gitignore` when it is missing (a user's own edits are kept). */
export function ensureWorkspaceGitignore(workspaceDir: string): void {
  const file = join(workspaceDir, '.gitignore');
  if (existsSync(file)) return;
  try {
    writeFileSync(file, WORKSPACE_GITIGNORE, { flag: 'wx' });
  } catch {
    // another process wrote it, or the folder is read-only: neither loses data
  }
}

/** The journal slot name for this user on this clone and machine: `<user>@<host>.<key>`. */
export function writerBase(workspaceDir: string): string {
  return `${defaultActor()}@${hostname()}`.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 64) + `.${writerKey(workspaceDir)}`;
}

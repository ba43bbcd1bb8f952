// Writes that survive a crash: temp file, fsync, rename, fsync of the folder; and
// folders built privately, synced, then renamed into place whole.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempFileName } from './unfinishedWrites';
import { writingTo } from './writeFailure';

export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some filesystems refuse fsync on a directory; the rename is still atomic there
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Creates `dir` and any missing parents, and syncs the folder holding each one it
 * created, so a folder a published file lives in does not vanish in a crash.
 */
export function mkdirDurable(dir: string): void {
  const first = mkdirSync(dir, { recursive: true });
  if (first === undefined) return; // it was there already
  for (let d = dir; ; d = dirname(d)) {
    fsyncDirectory(dirname(d));
    if (d === first || dirname(d) === d) break;
  }
}

/**
 * Replaces `target` atomically with `data`; a crash leaves the old file or the new one,
 * never a mix. A refused write (full disk, read-only folder) throws a WriteFailure
 * naming `target`, leaves the old file as it was and no temp file behind.
 */
export function writeFileAtomic(target: string, data: Uint8Array | string): void {
  writingTo(target, () => replaceFile(target, data));
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function replaceFile(target: string, data: Uint8Array | string): void {
  const dir = dirname(target);
  const temp = join(dir, tempFileName());
  writeSynced(temp, data);
  try {
    renameSync(temp, target);
  } catch (error) {
    unlinkQuietly(temp); // e.g. the target is a folder: the temp file must not stay
    throw error;
  }
  fsyncDirectory(dir);
}

/**
 * Creates `path` (which must not exist) holding `data`, synced to disk before this
 * returns; for files inside a private build folder that is renamed into place later,
 * so the rename never publishes a name whose content is still in flight. A failed
 * write removes the partial file.
 */
export function writeSynced(path: string, data: Uint8Array | string, mode = 0o666): void {
  const fd = openSync(path, 'wx', mode);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(path);
    throw error;
  }
  closeSync(fd);
}

/**
 * Renames the finished folder `build` to `target`, which must not exist: the folder's
 * entries are synced first and the parent after, so a crash leaves either no `target`
 * or the whole of it. Returns false, leaving `build` as it is, when `target` is taken
 * (renaming a folder onto an existing non-empty one fails on every platform we run on;
 * that failure is the claim being lost, not an error).
 */
export function publishFolder(build: string, target: string): boolean {
  fsyncDirectory(build);
  try {
    renameSync(build, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    if (code === 'EPERM' && existsSync(target)) return false; // what Windows says for a taken name
    throw error;
  }
  fsyncDirectory(dirname(target));
  return true;
}

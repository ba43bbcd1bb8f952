// Writes that survive a crash: temp file, fsync, rename, fsync of the folder.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
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
 * Replaces `target` atomically with `data`; a crash leaves the old file or the new one,
 * never a mix. A refused write (full disk, read-only folder) throws a WriteFailure
 * naming `target` and leaves no temp file behind.
 */
export function writeFileAtomic(target: string, data: Uint8Array | string): void {
  writingTo(target, () => replaceFile(target, data));
}

function replaceFile(target: string, data: Uint8Array | string): void {
  const dir = dirname(target);
  const temp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let written = 0;
    while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
    throw error;
  }
  closeSync(fd);
  renameSync(temp, target);
  fsyncDirectory(dir);
}

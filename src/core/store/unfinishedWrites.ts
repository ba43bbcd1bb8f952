// What a write leaves behind while it is under way, and what a killed one leaves for
// good: temp files (`.<owner>-<random>.tmp`, renamed over their target when whole) and
// corpus build folders (`.build-<owner>-<random>`, renamed to their version when
// whole). The owner part names the host and process, so a leftover can be told apart
// from a write still in progress. Only one that is both old and not owned by a process
// still running here is abandoned and may be removed: the age rule alone protects a
// write by a process this host cannot see (another container or machine sharing the
// folder), the process check a slow write on this host.
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../text/hashing';
import { processAlive } from './journalWriter';

/** Nothing we write stays unfinished this long: a build folder lives for one rename, a temp file for one write. */
export const ABANDONED_AFTER_MS = 10 * 60 * 1000;

const HOST_TAG = sha256Hex(hostname()).slice(0, 8);
const OWNED = /^\.(?:build-)?([0-9a-f]{8})-(\d+)-[0-9a-f]+(?:\.tmp)?$/;

function ownerPart(): string {
  return `${HOST_TAG}-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** A name for a temp file beside its target, unique and telling who writes it. */
export function tempFileName(): string {
  return `.${ownerPart()}.tmp`;
}

/** A name for a private folder a version or slice is built in before it is renamed into place. */
export function buildFolderName(): string {
  return `.build-${ownerPart()}`;
}

export function isBuildFolderName(name: string): boolean {
  return name.startsWith('.build-');
}

function isTempFileName(name: string): boolean {
  return name.endsWith('.tmp');
}

export interface UnfinishedWrite {
  path: string;
  kind: 'temp file' | 'build folder';
  /** Since it was last changed (for a folder: it or anything directly in it). */
  ageMs: number;
  /** The process that wrote it, when its name says so and it ran on this host. */
  pid: number | null;
  /** That process is still running. */
  ownerAlive: boolean;
  /** Old, and no process here is still writing it: removing it loses nothing. */
  abandoned: boolean;
}

function lastChange(path: string, folder: boolean): number {
  let latest = statSync(path).mtimeMs;
  if (folder) {
    for (const entry of readdirSync(path)) {
      try {
        latest = Math.max(latest, statSync(join(path, entry)).mtimeMs);
      } catch {
        // removed meanwhile
      }
    }
  }
  return latest;
}

function unfinishedWriteAt(path: string, name: string, folder: boolean, now: number): UnfinishedWrite | null {
  let ageMs: number;
  try {
    ageMs = Math.max(0, now - lastChange(path, folder));
  } catch {
    return null; // finished (renamed away) or removed while we looked
  }
  const owned = OWNED.exec(name);
  const pid = owned && owned[1] === HOST_TAG ? Number(owned[2]) : null;
  const ownerAlive = pid !== null && (pid === process.pid || processAlive(pid));
  return { path, kind: folder ? 'build folder' : 'temp file', ageMs, pid, ownerAlive, abandoned: ageMs >= ABANDONED_AFTER_MS && !ownerAlive };
}

/**
 * Temp files and build folders below `dir` (symbolic links are not followed, build
 * folders are not searched inside). A folder that does not exist holds none.
 */
export function findUnfinishedWrites(dir: string, now = Date.now()): UnfinishedWrite[] {
  const found: UnfinishedWrite[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (isBuildFolderName(entry.name)) {
        const write = unfinishedWriteAt(path, entry.name, true, now);
        if (write) found.push(write);
      } else {
        found.push(...findUnfinishedWrites(path, now));
      }
    } else if (entry.isFile() && isTempFileName(entry.name)) {
      const write = unfinishedWriteAt(path, entry.name, false, now);
      if (write) found.push(write);
    }
  }
  return found;
}

/** Removes the abandoned build folders directly in `dir` (a live one, ours or another process's, is left alone). */
export function removeAbandonedBuilds(dir: string, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!isBuildFolderName(name)) continue;
    const write = unfinishedWriteAt(join(dir, name), name, true, now);
    if (write?.abandoned) rmSync(write.path, { recursive: true, force: true });
  }
}

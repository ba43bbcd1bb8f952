// Where a path really leads once symbolic links are resolved. Automatic capture (the
// extension's scan and watcher) reads only files that really lie inside the workspace
// folders: a link in a repository can lead anywhere on the machine.
import { realpathSync } from 'node:fs';
import { sep } from 'node:path';

function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The real path of `path` when it lies outside every one of `folders` (each resolved
 * too), else undefined. A path that does not exist is not outside: capture itself
 * reports it missing.
 */
export function realPathOutside(path: string, folders: readonly string[]): string | undefined {
  const target = real(path);
  if (target === undefined) return undefined;
  const inside = folders.some((folder) => {
    const root = real(folder) ?? folder;
    return target === root || target.startsWith(root.endsWith(sep) ? root : root + sep);
  });
  return inside ? undefined : target;
}

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
 * A check for paths under `folders` (each resolved once, here): it gives the real path
 * of a path that lies outside every folder, else undefined. A path that does not exist
 * is not outside: capture itself reports it missing.
 */
export function outsideFolders(folders: readonly string[]): (path: string) => string | undefined {
  const roots = folders.map((folder) => {
    const root = real(folder) ?? folder;
    return { root, prefix: root.endsWith(sep) ? root : root + sep };
  });
  return (path) => {
    const target = real(path);
    if (target === undefined) return undefined;
    return roots.some(({ root, prefix }) => target === root || target.startsWith(prefix)) ? undefined : target;
  };
}

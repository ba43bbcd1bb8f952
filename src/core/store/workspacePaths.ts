// Where a named workspace keeps its journals, blobs and index under <root>/.evalloop/,
// and how paths of result files are stored relative to the workspace root.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { validateFolderName } from '../text/folderNames';

export function validateWorkspaceName(name: string): string {
  return validateFolderName('workspace', name);
}

export interface WorkspacePaths {
  root: string;
  workspace: string;
  dir: string;
  journalDir: string;
  blobDir: string;
  indexFile: string;
}

export function workspacePaths(root: string, workspace: string): WorkspacePaths {
  const absRoot = resolve(root);
  const dir = join(absRoot, '.evalloop', validateWorkspaceName(workspace));
  return {
    root: absRoot,
    workspace,
    dir,
    journalDir: join(dir, 'journal'),
    blobDir: join(dir, 'blobs'),
    indexFile: join(dir, 'index.sqlite'),
  };
}

/**
 * Paths inside the workspace root are stored relative to it (with '/'), so journals
 * committed to git mean the same on every machine and after the folder moves.
 */
export function storedPathOf(root: string, path: string): string {
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel.split(sep).join('/');
}

/** The file a stored source path names: relative ones are inside the workspace root. */
export function sourcePathOnDisk(root: string, stored: string): string {
  return isAbsolute(stored) ? stored : resolve(root, stored);
}

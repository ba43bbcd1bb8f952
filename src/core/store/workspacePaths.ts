// Where a named workspace keeps its journals, blobs and index under <root>/.evalloop/.
import { join, resolve } from 'node:path';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function validateWorkspaceName(name: string): string {
  if (!NAME_PATTERN.test(name) || name.includes('..')) {
    throw new Error(`workspace name "${name}" is not allowed: use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return name;
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

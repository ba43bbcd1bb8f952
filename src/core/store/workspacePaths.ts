// Where a named workspace keeps its journals, blobs and index under <root>/.evalloop/.
import { join, resolve } from 'node:path';
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

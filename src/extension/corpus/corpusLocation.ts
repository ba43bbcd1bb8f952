// Where the corpus folder is: the evalloop.corpusDir setting, relative to the workspace root.
import { isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';

export function corpusDirOf(root: string): string {
  const configured = vscode.workspace.getConfiguration('evalloop').get<string>('corpusDir') || 'corpus';
  return isAbsolute(configured) ? configured : resolve(root, configured);
}

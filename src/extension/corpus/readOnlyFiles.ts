// Corpus versions are immutable: their manifests and cards open as read-only virtual
// documents over the files (the evalloop-readonly scheme).
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';

/** Versions are immutable: their files open read-only (a virtual document over the file). */
export const READONLY_SCHEME = 'evalloop-readonly';

export function registerReadOnlyFiles(register: (d: vscode.Disposable) => void): void {
  register(
    vscode.workspace.registerTextDocumentContentProvider(READONLY_SCHEME, {
      provideTextDocumentContent: (uri) => readFileSync(uri.path, 'utf8'),
    }),
  );
}

export async function openReadOnly(path: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: READONLY_SCHEME, path }));
  await vscode.languages.setTextDocumentLanguage(doc, path.endsWith('.json') ? 'json' : 'markdown');
  await vscode.window.showTextDocument(doc, { preview: true });
}

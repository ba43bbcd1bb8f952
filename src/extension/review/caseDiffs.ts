// Read-only virtual documents for VS Code's own diff editor: expected ↔ actual, and
// this occurrence ↔ the last passing one (trace included), plus opening the result
// file at an item's record.
import { readFile } from 'node:fs/promises';
import { parseLocator } from '../../core/capture/recordLocator';
import { recordLine } from '../../core/capture/recordPosition';
import { sourcePathOnDisk } from '../../core/store/workspacePaths';
import * as vscode from 'vscode';
import { caseAsDocument, caseInRun } from '../../core/review/caseDocuments';
import { findItem, lastPassRunOf, latestSourceOf, loadCase } from '../../core/store/storeQueries';
import { readOptions } from '../capture/readOptions';
import type { StoreSession } from '../storeSession';

export const DIFF_SCHEME = 'evalloop-case';

export class CaseDiffs implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly documents = new Map<string, string>();
  private readonly registration: vscode.Disposable;

  constructor(private readonly session: StoreSession) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.toString()) ?? '';
  }

  private uriFor(id: string, name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${id}/${name}`, query: String(Date.now()) });
    this.documents.set(uri.toString(), text);
    if (this.documents.size > 40) this.documents.delete(this.documents.keys().next().value as string);
    return uri;
  }

  async openDiff(id: string, against: 'expected' | 'lastPass'): Promise<void> {
    const data = await this.session.read(async (store) => {
      const item = findItem(store.database, id);
      if (!item || item === 'ambiguous') return null;
      const current = loadCase(store.blobs, item.latestBlob, item.latestIndex) ?? null;
      if (against === 'expected') return { item, current, before: null, passRun: null };
      const passRun = lastPassRunOf(store.database, item.caseKey);
      const before = passRun ? await caseInRun(store, passRun, item.caseKey, readOptions()) : null;
      return { item, current, before, passRun };
    });
    if (!data?.current) {
      void vscode.window.showWarningMessage('Eval Loop: this item’s case could not be loaded.');
      return;
    }
    const { item, current } = data;
    if (against === 'expected') {
      const left = this.uriFor(id, 'expected.txt', current.expected ?? '');
      const right = this.uriFor(id, 'actual.txt', current.output ?? '');
      await vscode.commands.executeCommand('vscode.diff', left, right, `${item.title.slice(0, 40)}: expected ↔ actual`, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      return;
    }
    if (!data.before) {
      void vscode.window.showInformationMessage(data.passRun ? 'Eval Loop: the passing run’s result file has changed or is gone, so its occurrence cannot be shown.' : 'Eval Loop: this case has not passed in any captured run.');
      return;
    }
    const left = this.uriFor(id, 'last-pass.md', caseAsDocument(data.before, `last pass · ${data.passRun}`));
    const right = this.uriFor(id, 'this-failure.md', caseAsDocument(current, 'this failure'));
    await vscode.commands.executeCommand('vscode.diff', left, right, `${item.title.slice(0, 40)}: last pass ↔ this failure`, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  async openSource(id: string): Promise<void> {
    const target = await this.session.read((store) => {
      const item = findItem(store.database, id);
      if (!item || item === 'ambiguous') return null;
      const source = latestSourceOf(store.database, id);
      if (!source) return null;
      return { path: sourcePathOnDisk(store.paths.root, source.sourcePath), record: source.record, format: source.format };
    });
    if (!target) {
      void vscode.window.showWarningMessage('Eval Loop: no result file is recorded for this item.');
      return;
    }
    await openResultAt(target.path, target.record, target.format);
  }

  dispose(): void {
    this.registration.dispose();
    this.documents.clear();
  }
}

/**
 * Opens a result file at its record: the line of a `line N` record (JSON lines), or the
 * line a `record N` starts on in a promptfoo or Inspect JSON document; zip logs are
 * revealed in the explorer.
 */
export async function openResultAt(path: string, record: string | null, format?: string): Promise<void> {
  const uri = vscode.Uri.file(path);
  if (path.endsWith('.eval')) {
    await vscode.commands.executeCommand('revealInExplorer', uri);
    if (record) void vscode.window.showInformationMessage(`Eval Loop: the case is ${record} inside ${path}.`);
    return;
  }
  const locator = parseLocator(record);
  let at = locator && 'line' in locator ? locator.line - 1 : undefined;
  if (locator && 'index' in locator && format) {
    const { index } = locator;
    // the same bytes the editor opens (a file rewritten since capture may put the record elsewhere)
    at = await readFile(path, 'utf8').then(
      (text) => recordLine(text, format, index),
      () => undefined,
    );
  }
  const position = at !== undefined ? new vscode.Position(at, 0) : undefined;
  await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Beside, ...(position ? { selection: new vscode.Range(position, position) } : {}) });
}

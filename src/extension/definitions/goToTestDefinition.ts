// Go to Test Definition: from an item to the line where its test is defined — the
// promptfoo test entry, the Inspect dataset row or the pytest function — searched in
// the workspace's files of that kind, matched by content as the lenses are.
import * as vscode from 'vscode';
import { definitionLineOf, FORMAT_OF_KIND } from '../../core/definitions/definitionDocuments';
import type { DefinitionItem } from '../../core/definitions/definitionStates';
import type { DefinitionSources } from './definitionSources';

const FILES_OF_FORMAT: Record<string, string> = {
  promptfoo: '**/*.{yaml,yml}',
  inspect: '**/*.{jsonl,csv}',
  junit: '**/{test_*,*_test}.py',
};
const SKIPPED = '{**/node_modules/**,**/.git/**,**/.evalloop/**,**/.venv/**,**/venv/**}';
/** Files of one kind looked at, at most (a search stops at the first match anyway). */
const MAX_FILES = 5000;

/** Where the item's test is defined, or undefined when no file of the workspace holds it. */
export async function findTestDefinition(sources: DefinitionSources, item: DefinitionItem): Promise<vscode.Location | undefined> {
  const glob = FILES_OF_FORMAT[item.format];
  if (!glob) return undefined;
  // open documents first: they hold what is being edited, not what is on disk
  const open = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file');
  const uris = [...open.map((d) => d.uri), ...(await vscode.workspace.findFiles(glob, SKIPPED, MAX_FILES))];
  const seen = new Set<string>();
  for (const uri of uris) {
    if (seen.has(uri.toString())) continue;
    seen.add(uri.toString());
    const doc = open.find((d) => d.uri.toString() === uri.toString());
    let text: string;
    try {
      text = doc ? doc.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      continue;
    }
    const kind = await sources.kindOf(uri, text);
    if (!kind || FORMAT_OF_KIND[kind] !== item.format) continue;
    const line = definitionLineOf(kind, text, vscode.workspace.asRelativePath(uri, false), item);
    if (line !== undefined) return new vscode.Location(uri, new vscode.Position(line, 0));
  }
  return undefined;
}

export async function goToTestDefinition(sources: DefinitionSources, itemId: string): Promise<void> {
  const item = (await sources.definitionItems()).find((i) => i.id === itemId);
  if (!item) {
    void vscode.window.showInformationMessage(`Eval Loop: item ${itemId} has no test definition Eval Loop can find (promptfoo, Inspect and pytest tests are found by their content).`);
    return;
  }
  const location = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Eval Loop: finding the test definition…' }, () => findTestDefinition(sources, item));
  if (!location) {
    void vscode.window.showInformationMessage(`Eval Loop: no file in this workspace defines the test of item ${itemId} (${item.caseKey}).`);
    return;
  }
  const editor = await vscode.window.showTextDocument(location.uri, { preview: false });
  editor.selection = new vscode.Selection(location.range.start, location.range.start);
  editor.revealRange(location.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

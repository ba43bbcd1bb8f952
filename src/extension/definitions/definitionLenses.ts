// Failures shown where the eval is defined: a CodeLens above each test with captured
// failures ("2 failing · 1 regression · reviewed 1", opening them in the review panel)
// and a Problems entry for each failing test (a regression is an error, an unreviewed
// failure a warning, reviewed ones information), cleared when the test is fixed.
// Positions are recomputed from the document's text on every change.
import * as vscode from 'vscode';
import { definitionStatesIn } from '../../core/definitions/definitionDocuments';
import { severityOf, stateText, type SiteState } from '../../core/definitions/definitionStates';
import { COMMANDS } from '../commandIds';
import type { DefinitionSources } from './definitionSources';

const SEVERITY: Record<'error' | 'warning' | 'information', vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};
/** Recompute Problems after typing pauses this long. */
const EDIT_SETTLE_MS = 300;
/** A filter names at most this many items (QueueFilter.ids). */
const MAX_IDS = 500;

export class DefinitionLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly problems = vscode.languages.createDiagnosticCollection('evalloop');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly sources: DefinitionSources) {
    this.subscriptions.push(
      this.changed,
      this.problems,
      sources.onDidChange(() => {
        this.changed.fire();
        for (const doc of vscode.workspace.textDocuments) this.updateSoon(doc, 0);
      }),
      vscode.workspace.onDidOpenTextDocument((doc) => this.updateSoon(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.updateSoon(e.document, EDIT_SETTLE_MS)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.problems.delete(doc.uri)),
    );
    for (const doc of vscode.workspace.textDocuments) this.updateSoon(doc, 0);
  }

  private async statesOf(document: vscode.TextDocument): Promise<SiteState[]> {
    const text = document.getText();
    const kind = await this.sources.kindOf(document.uri, text);
    if (!kind) return [];
    const items = await this.sources.definitionItems();
    return definitionStatesIn(kind, text, vscode.workspace.asRelativePath(document.uri, false), items);
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    let states: SiteState[];
    try {
      states = await this.statesOf(document);
    } catch {
      return []; // the store is not readable now: no lenses rather than an error per file
    }
    return states.map((s) => {
      const range = document.lineAt(Math.min(s.line, document.lineCount - 1)).range;
      const command: vscode.Command =
        s.itemIds.length === 1
          ? { title: stateText(s), command: COMMANDS.openItem, arguments: [s.itemIds[0]], tooltip: 'Open this failure in the review panel' }
          : { title: stateText(s), command: COMMANDS.openQueue, arguments: [{ ids: s.itemIds.slice(0, MAX_IDS) }], tooltip: `Open these ${s.itemIds.length} failures in the review panel` };
      return new vscode.CodeLens(range, command);
    });
  }

  private updateSoon(document: vscode.TextDocument, delay: number): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.updateProblems(document);
      }, delay),
    );
  }

  private async updateProblems(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    let states: SiteState[];
    try {
      states = await this.statesOf(document);
    } catch {
      return;
    }
    const diagnostics: vscode.Diagnostic[] = [];
    for (const s of states) {
      const severity = severityOf(s);
      if (!severity || s.line >= document.lineCount) continue;
      const d = new vscode.Diagnostic(document.lineAt(s.line).range, `Eval Loop: ${stateText(s)}`, SEVERITY[severity]);
      d.source = 'Eval Loop';
      diagnostics.push(d);
    }
    // a file whose tests all pass again keeps no entry
    if (diagnostics.length) this.problems.set(document.uri, diagnostics);
    else this.problems.delete(document.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }
}

// Palette commands that capture result files: pick a file, rescan the workspace,
// auto-grade, show status.
import * as vscode from 'vscode';
import { findResultFiles } from '../../core/capture/capturePaths';
import { autoGrade } from '../../core/grading/autoGrade';
import { storeStatus } from '../../core/store/storeQueries';
import { COMMANDS, type CommandHandlers } from '../commandIds';
import type { CommandContext } from '../commandContext';
import type { StoreSession } from '../storeSession';
import { captureInto, gradingRules, logReports, summariseReports } from './captureService';
import { counted } from '../../core/text/counted';

function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage('Eval Loop captures result files only in a trusted workspace.');
  return false;
}

/** The capture commands' handlers (registered by the composition root). */
export function captureCommands(ext: CommandContext<StoreSession | undefined>): CommandHandlers {
  const session = () => {
    if (!ext.session) throw new Error('open a folder first: captures are kept in the folder’s .evalloop/');
    return ext.session;
  };
  const captureWithProgress = (paths: string[]) => vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Eval Loop: capturing results' }, (progress) => captureInto(session(), paths, (message, fraction) => progress.report({ message, increment: fraction * 100 })));

  return {
    [COMMANDS.captureFile]: (uri?: vscode.Uri) =>
      ext.guard('Capture', async () => {
        if (!requireTrust()) return;
        const picked = uri ? [uri] : await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Capture', filters: { 'Eval results': ['json', 'jsonl', 'ndjson', 'eval', 'xml', 'parquet'] } });
        if (!picked?.length) return;
        const { reports } = await captureWithProgress(picked.map((u) => u.fsPath));
        logReports(ext.output, reports);
        void vscode.window.showInformationMessage(`Eval Loop: ${summariseReports(reports)}.`);
      }),

    [COMMANDS.rescanWorkspace]: () =>
      ext.guard('Rescan', async () => {
        if (!requireTrust()) return;
        const folders = vscode.workspace.workspaceFolders ?? [];
        const files = folders.filter((f) => f.uri.scheme === 'file').flatMap((f) => findResultFiles(f.uri.fsPath));
        const { reports } = await captureWithProgress(files);
        logReports(ext.output, reports);
        void vscode.window.showInformationMessage(`Eval Loop: scanned ${counted(files.length, 'file')}: ${summariseReports(reports)}.`);
      }),

    [COMMANDS.autoGrade]: () =>
      ext.guard('Auto-grade', async () => {
        const summary = await session().write((store) => autoGrade(store, gradingRules()));
        void vscode.window.showInformationMessage(`Eval Loop: auto-graded ${summary.decided} of ${summary.examined} waiting items (${summary.modelWrong} model wrong, ${summary.evalWrong} eval wrong); ${summary.undecided} left for review.`);
      }),

    [COMMANDS.showStatus]: () =>
      ext.guard('Status', async () => {
        const status = await session().read((store) => storeStatus(store.database));
        void vscode.window.showInformationMessage(`Eval Loop: ${counted(status.items, 'item')} (${status.byState.new ?? 0} new), ${counted(status.regressions, 'open regression')}, ${counted(status.runs, 'run')} captured.`);
      }),
  };
}

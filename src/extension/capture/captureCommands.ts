// Palette commands that capture result files: pick a file, rescan the workspace, show status.
import * as vscode from 'vscode';
import { captureFile, type FileCaptureReport } from '../../core/capture/captureFile';
import { findResultFiles } from '../../core/capture/capturePaths';
import { gitCommitOf } from '../../core/store/gitCommit';
import { storeStatus } from '../../core/store/storeQueries';
import { COMMANDS } from '../commandIds';
import type { EvalLoopExtension } from '../evalLoopExtension';
import { readOptions } from '../extensionSettings';

export function summariseReports(reports: FileCaptureReport[]): string {
  const failures = reports.reduce((a, r) => a + r.newItems, 0);
  const known = reports.reduce((a, r) => a + r.knownItems, 0);
  const regressions = reports.reduce((a, r) => a + r.regressions, 0);
  const errors = reports.reduce((a, r) => a + r.errors.filter((e) => !e.warning).length + (r.status === 'failed' ? 1 : 0), 0);
  const parts = [`${failures} new failure${failures === 1 ? '' : 's'}`];
  if (known) parts.push(`${known} seen before`);
  if (regressions) parts.push(`${regressions} regression${regressions === 1 ? '' : 's'}`);
  if (errors) parts.push(`${errors} error${errors === 1 ? '' : 's'} (see the Eval Loop output)`);
  return parts.join(', ');
}

function logReports(ext: EvalLoopExtension, reports: FileCaptureReport[]): void {
  for (const r of reports) {
    if (r.status === 'unchanged') continue;
    ext.output.appendLine(`${r.status} ${r.path}${r.reason ? `: ${r.reason}` : ''} — ${r.cases} cases, ${r.failures} failures`);
    for (const e of r.errors) ext.output.appendLine(`  ${e.warning ? 'note' : 'error'} ${e.line !== undefined ? `line ${e.line}` : e.record !== undefined ? `record ${e.record}` : ''}: ${e.reason}`);
  }
}

function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage('Eval Loop captures result files only in a trusted workspace.');
  return false;
}

export function registerCaptureCommands(ext: EvalLoopExtension, register: (d: vscode.Disposable) => void): void {
  const capture = async (paths: string[]): Promise<FileCaptureReport[]> => {
    const session = ext.session;
    if (!session) throw new Error('open a folder first: captures are kept in the folder’s .evalloop/');
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Eval Loop: capturing results', cancellable: false },
      (progress) =>
        session.run(async (store) => {
          const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
          const gitCommit = root ? gitCommitOf(root) : undefined;
          const reports: FileCaptureReport[] = [];
          for (const [i, path] of paths.entries()) {
            progress.report({ message: `${i + 1}/${paths.length} ${vscode.workspace.asRelativePath(path)}`, increment: 100 / paths.length });
            reports.push(await captureFile(store, path, { read: readOptions(), ...(gitCommit ? { gitCommit } : {}) }));
          }
          return reports;
        }),
    );
  };

  register(
    vscode.commands.registerCommand(COMMANDS.captureFile, (uri?: vscode.Uri) =>
      ext.guard('Capture', async () => {
        if (!requireTrust()) return;
        const picked = uri
          ? [uri]
          : await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Capture', filters: { 'Eval results': ['json', 'jsonl', 'ndjson', 'eval', 'xml'] } });
        if (!picked?.length) return;
        const reports = await capture(picked.map((u) => u.fsPath));
        logReports(ext, reports);
        void vscode.window.showInformationMessage(`Eval Loop: ${summariseReports(reports)}.`);
      }),
    ),
  );

  register(
    vscode.commands.registerCommand(COMMANDS.rescanWorkspace, () =>
      ext.guard('Rescan', async () => {
        if (!requireTrust()) return;
        const folders = vscode.workspace.workspaceFolders ?? [];
        const files = folders.filter((f) => f.uri.scheme === 'file').flatMap((f) => findResultFiles(f.uri.fsPath));
        const reports = await capture(files);
        logReports(ext, reports);
        void vscode.window.showInformationMessage(`Eval Loop: scanned ${files.length} files: ${summariseReports(reports)}.`);
      }),
    ),
  );

  register(
    vscode.commands.registerCommand(COMMANDS.showStatus, () =>
      ext.guard('Status', async () => {
        if (!ext.session) throw new Error('open a folder first');
        const status = await ext.session.run((store) => storeStatus(store.database));
        void vscode.window.showInformationMessage(
          `Eval Loop: ${status.items} items (${status.byState.new ?? 0} new), ${status.regressions} open regressions, ${status.runs} runs captured.`,
        );
      }),
    ),
  );
}

// Captures files into the session's store (then auto-grades new failures when the
// setting asks), used by the palette commands and the watcher alike.
import * as vscode from 'vscode';
import { captureFile, type FileCaptureReport } from '../../core/capture/captureFile';
import { autoGrade, validateRules, type AutoGradeSummary } from '../../core/grading/autoGrade';
import { gitCommitOf } from '../../core/store/gitCommit';
import { setting } from '../extensionSettings';
import { readOptions } from './readOptions';
import type { StoreSession } from '../storeSession';
import { counted } from '../../core/text/counted';
import { errorPlace } from '../../core/capture/recordLocator';

export interface CaptureOutcome {
  reports: FileCaptureReport[];
  graded?: AutoGradeSummary;
}

export function gradingRules() {
  return validateRules(setting('autoGrade.rules'));
}

export async function captureInto(session: StoreSession, paths: string[], progress?: (message: string, fraction: number) => void): Promise<CaptureOutcome> {
  return session.write(async (store) => {
    const gitCommit = gitCommitOf(session.root);
    const reports: FileCaptureReport[] = [];
    for (const path of paths) {
      progress?.(vscode.workspace.asRelativePath(path), 1 / Math.max(1, paths.length));
      reports.push(await captureFile(store, path, { read: readOptions(), ...(gitCommit ? { gitCommit } : {}) }));
    }
    const anyNew = reports.some((r) => r.newItems > 0);
    const grade = setting('autoGrade.onCapture');
    return { reports, ...(anyNew && grade ? { graded: await autoGrade(store, gradingRules()) } : {}) };
  });
}

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

export function logReports(output: vscode.OutputChannel, reports: FileCaptureReport[]): void {
  for (const r of reports) {
    if (r.status === 'unchanged') continue;
    output.appendLine(`${r.status} ${r.path}${r.reason ? `: ${r.reason}` : ''} — ${counted(r.cases, 'case')}, ${counted(r.failures, 'failure')}`);
    for (const e of r.errors) {
      output.appendLine(`  ${e.warning ? 'note' : 'error'} ${errorPlace(e)}: ${e.reason}`);
    }
  }
}

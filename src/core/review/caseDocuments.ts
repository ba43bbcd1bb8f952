// Plain-text renderings of a case for the native diff editor, and the lookup of a
// case's earlier (passing) occurrence by re-reading that run's result file.
import { sourcePathOnDisk } from '../store/workspacePaths';
import { DEFAULT_READ_OPTIONS, type ReadOptions } from '../formats/adapter';
import { openResultFile } from '../formats/readResultFile';
import type { EvalCase } from '../model/caseModel';
import { getRun } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';

/** Output, scores and trace as text; each trace step under its own heading so two traces align step by step. */
export function caseAsDocument(c: EvalCase, label: string): string {
  const lines = [`# ${label}`, '', '## output', c.output ?? '(none)', ''];
  if (c.error) lines.push('## error', c.error, '');
  if (c.scores.length) {
    lines.push('## scores');
    for (const s of c.scores) lines.push(`- ${s.name} = ${String(s.value)}${s.passed === true ? ' (pass)' : s.passed === false ? ' (fail)' : ''}${s.reason ? `: ${s.reason.replace(/\n/g, ' ')}` : ''}`);
    lines.push('');
  }
  if (c.trace.length) {
    lines.push('## trace');
    c.trace.forEach((step, i) => lines.push(`### step ${i + 1} · ${step.kind} · ${step.title}`, step.content ?? '', ''));
  }
  return lines.join('\n');
}

/** The case as it was in an earlier run, read again from that run's file (null when the file is gone or changed). */
export async function caseInRun(store: WorkspaceStore, runId: string, caseKey: string, options: ReadOptions = DEFAULT_READ_OPTIONS): Promise<EvalCase | null> {
  const run = getRun(store.database, runId);
  if (!run?.sourcePath) return null;
  const path = sourcePathOnDisk(store.paths.root, run.sourcePath);
  try {
    const opened = await openResultFile(path, options);
    if (opened.status !== 'ok') return null;
    for await (const event of opened.events) {
      if (event.kind === 'run' && event.run.runId !== runId) return null; // the file now holds another run
      if (event.kind === 'case' && event.evalCase.caseKey === caseKey) return event.evalCase;
    }
  } catch {
    return null;
  }
  return null;
}

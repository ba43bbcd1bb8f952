// What the editor says after an automatic capture: how many new failures arrived, how
// many the graders settled and how many wait for a person, and the queue filter that
// shows exactly those failures (what the notice's Review opens).
import type { AutoGradeSummary } from '../grading/autoGrade';
import type { FileCaptureReport } from './captureFile';
import { counted } from '../text/counted';

export interface CaptureNotice {
  text: string;
  /** The queue filter Review opens: the one run that brought them, else everything waiting. */
  filter: { runId?: string; state?: 'new' };
}

/** Undefined when the capture brought nothing new to announce. */
export function captureNotice(reports: FileCaptureReport[], graded?: AutoGradeSummary): CaptureNotice | undefined {
  const fresh = reports.reduce((a, r) => a + r.newItems, 0);
  const regressions = reports.reduce((a, r) => a + r.regressions, 0);
  if (fresh + regressions === 0) return undefined;
  const settled = Math.min(fresh, graded?.decided ?? 0);
  const parts = [`Eval Loop: ${counted(fresh, 'new failure')}${regressions ? ` (${counted(regressions, 'regression')})` : ''}`];
  if (settled) parts.push(`${settled} auto-graded, ${fresh - settled} waiting for you`);
  const runs = [...new Set(reports.filter((r) => r.newItems + r.regressions > 0 && r.runId).map((r) => r.runId!))];
  return { text: parts.join(': '), filter: runs.length === 1 ? { runId: runs[0]! } : { state: 'new' } };
}

// `evalloop show <id>`: one item with its occurrences, its reviews and its latest full case.
import { reviewsOf } from '../../core/review/reviewHistory';
import { getRun, requireItem, loadCase, occurrencesOf, UnusableCaseError } from '../../core/store/storeQueries';
import { CliError, printJson, printLines, withStore, type GlobalOptions } from '../cliContext';
import { itemSummary } from './listCommand';

export async function runShow(id: string, options: GlobalOptions): Promise<number> {
  return withStore(options, (store) => {
    const item = requireItem(store.database, id);
    const occurrences = occurrencesOf(store.database, item.caseKey).map((o) => {
      const run = getRun(store.database, o.runId);
      return { ...o, run: run ? { id: run.id, format: run.format, suite: run.suite, model: run.model, startedAt: run.startedAt, capturedAt: run.capturedAt, sourcePath: run.sourcePath, gitCommit: run.gitCommit } : null };
    });
    const latest = occurrences.at(-1);
    let evalCase;
    try {
      evalCase = latest ? loadCase(store.blobs, latest.blob, latest.blobIndex) : undefined;
    } catch (error) {
      if (error instanceof UnusableCaseError) throw new CliError(`item ${item.id}: ${error.message}; evalloop doctor lists every such item`);
      throw error;
    }
    const reviews = reviewsOf(store.database, item.caseKey);
    if (options.json) {
      printJson({ item: itemSummary(item), occurrences, reviews, case: evalCase ?? null });
      return 0;
    }
    const lines = [
      `${item.id}  ${item.state}${item.regressionRun ? '  REGRESSION' : ''}${item.fixedRun ? `  fixed in ${item.fixedRun}` : ''}`,
      `case   ${item.caseKey}`,
      `title  ${item.title}`,
      `seen   ${occurrences.length} time(s): ${occurrences.map((o) => `${o.runId} (${o.outcome}${o.record ? `, ${o.record}` : ''})`).join('; ')}`,
    ];
    if (latest?.run?.sourcePath) lines.push(`source ${latest.run.sourcePath}${latest.record ? ` (${latest.record})` : ''}`);
    if (latest?.run?.gitCommit) lines.push(`commit ${latest.run.gitCommit}`);
    lines.push('', `── reviews (${reviews.length})`);
    if (reviews.length === 0) lines.push('(none yet)');
    for (const r of reviews) {
      const by = r.grader ? `auto-grader ${r.grader}` : r.reviewer;
      lines.push(`${r.at}  ${r.verdict}  by ${by}${r.retracted ? '  (undone)' : ''}${r.tags.length ? `  tags: ${r.tags.join(', ')}` : ''}${r.rubric !== null ? `  rubric ${r.rubric}` : ''}`);
      if (r.correction !== null) lines.push(`    correction: ${r.correction.split('\n').join('\n    ')}`);
      if (r.reason) lines.push(`    reason: ${r.reason}`);
      if (r.comment) lines.push(`    comment: ${r.comment}`);
    }
    if (evalCase) {
      const input = evalCase.input.prompt ?? evalCase.input.messages?.map((m) => `[${m.role}] ${m.content}`).join('\n') ?? JSON.stringify(evalCase.input.vars, null, 2);
      lines.push('', '── input', input, '', '── expected', evalCase.expected ?? '(none)', '', '── actual', evalCase.output ?? '(none)');
      if (evalCase.scores.length) {
        lines.push('', '── scores');
        for (const s of evalCase.scores) {
          const mark = s.passed === true ? '✓' : s.passed === false ? '✗' : '·';
          lines.push(`${mark} ${s.name} = ${String(s.value)}${s.threshold !== undefined ? ` (threshold ${s.threshold})` : ''}${s.reason ? `\n    ${s.reason.split('\n').join('\n    ')}` : ''}`);
        }
      }
      if (evalCase.error) lines.push('', '── error', evalCase.error);
      if (evalCase.trace.length) lines.push('', `── trace (${evalCase.trace.length} steps)`, ...evalCase.trace.map((t) => `${'  '.repeat(t.depth ?? 0)}${t.kind}: ${t.title}`));
    }
    printLines(lines);
    return 0;
  });
}

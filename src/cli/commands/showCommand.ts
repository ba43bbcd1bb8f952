// `evalloop show <id>`: one item with its occurrences, its reviews and its latest full case.
// In a blind queue, what others said is withheld from the reviewer until they give their
// own verdict (review/blindReview.ts): the item shows as waiting, with no review.
import { seesOthers } from '../../core/review/blindReview';
import { reviewsOf } from '../../core/review/reviewHistory';
import { defaultActor } from '../../core/store/writerIdentity';
import { getRun, requireItem, loadCase, occurrencesOf, UnusableCaseError } from '../../core/store/storeQueries';
import { CliError, printJson, printLines, withStore, type GlobalOptions } from '../cliContext';
import { itemSummary } from './listCommand';

export async function runShow(id: string, flags: { reviewer?: string }, options: GlobalOptions): Promise<number> {
  return withStore(options, (store) => {
    const found = requireItem(store.database, id);
    const viewer = flags.reviewer ?? defaultActor();
    const blind = !seesOthers(store.database, viewer, found.caseKey);
    const item = blind ? { ...found, state: 'new' } : found;
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
    const reviews = blind ? [] : reviewsOf(store.database, item.caseKey);
    if (options.json) {
      printJson({ item: itemSummary(item), occurrences, reviews, case: evalCase ?? null, ...(blind ? { blind: true } : {}) });
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
    if (blind) lines.push('', `── reviews: hidden (blind review: give your own verdict as ${viewer} first)`);
    else lines.push('', `── reviews (${reviews.length})`);
    if (reviews.length === 0 && !blind) lines.push('(none yet)');
    for (const r of reviews) {
      const by = r.grader ? `auto-grader ${r.grader}` : r.reviewer;
      const adjudication = r.adjudicate ? `  ADJUDICATION (sided with ${r.sides?.length ? r.sides.join(', ') : 'no one'})` : '';
      lines.push(`${r.at}  ${r.verdict}  by ${by}${adjudication}${r.retracted ? '  (undone)' : ''}${r.tags.length ? `  tags: ${r.tags.join(', ')}` : ''}${r.rubric !== null ? `  rubric ${r.rubric}` : ''}`);
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

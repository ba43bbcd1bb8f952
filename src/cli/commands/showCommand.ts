// `evalloop show <id>`: one item with its occurrences and its latest full case.
import { findItem, getRun, loadCase, occurrencesOf, UnusableCaseError } from '../../core/store/storeQueries';
import { CliError, printJson, printLines, withStore, type GlobalOptions } from '../cliContext';
import { itemSummary } from './listCommand';

export async function runShow(id: string, options: GlobalOptions): Promise<number> {
  return withStore(options, (store) => {
    const item = findItem(store.database, id);
    if (item === 'ambiguous') throw new CliError(`"${id}" matches more than one item; give more characters`);
    if (!item) throw new CliError(`no item "${id}"`);
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
    if (options.json) {
      printJson({ item: itemSummary(item), occurrences, case: evalCase ?? null });
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

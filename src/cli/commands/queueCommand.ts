// `evalloop queue show` and `evalloop queue set --blind|--no-blind`: the settings a team
// shares through the journals, and how far each assigned reviewer has got.
import { queueSettings, setBlind } from '../../core/review/queueSettings';
import { valuesOf } from '../../core/store/storeQueries';
import type { WorkspaceStore } from '../../core/store/workspaceStore';
import { CliError, printJson, printLines, withStore, type GlobalOptions } from '../cliContext';

/** Per assigned reviewer: items assigned, and those still without a verdict of theirs. */
function assignmentProgress(store: WorkspaceStore): { reviewer: string; assigned: number; waiting: number }[] {
  return valuesOf(
    store.database,
    `SELECT a.reviewer, COUNT(*),
       SUM(NOT EXISTS (SELECT 1 FROM reviews r WHERE r.cid = a.cid AND r.reviewer = a.reviewer AND r.grader IS NULL AND r.adjudicates = 0 AND r.retracted = 0))
     FROM assignments a JOIN items i ON i.cid = a.cid GROUP BY a.reviewer ORDER BY a.reviewer`,
  ).map((r) => ({ reviewer: String(r[0]), assigned: Number(r[1]), waiting: Number(r[2]) }));
}

function print(store: WorkspaceStore, options: GlobalOptions): void {
  const settings = queueSettings(store.database);
  const reviewers = assignmentProgress(store);
  if (options.json) {
    printJson({ workspace: options.workspace, ...settings, reviewers });
    return;
  }
  printLines([`queue ${options.workspace}: ${settings.blind ? "blind (reviewers see no one else's verdict on an item until they give their own)" : 'not blind'}`, ...(reviewers.length ? reviewers.map((r) => `  ${r.reviewer}: ${r.assigned} assigned, ${r.waiting} waiting`) : ['  nothing assigned'])]);
}

export async function runQueueShow(options: GlobalOptions): Promise<number> {
  return withStore(options, (store) => {
    print(store, options);
    return 0;
  });
}

export async function runQueueSet(flags: { blind?: boolean }, options: GlobalOptions): Promise<number> {
  if (flags.blind === undefined) throw new CliError('queue set needs --blind or --no-blind');
  return withStore(options, (store) => {
    // recorded even when unchanged: the latest setting by clock stands for everyone
    setBlind(store, flags.blind!);
    print(store, options);
    return 0;
  });
}

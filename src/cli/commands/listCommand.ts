// `evalloop list`: items in the queue, as a table or a stable JSON array.
import { listItems, type ItemRow } from '../../core/store/storeQueries';
import { isItemState, ITEM_STATES } from '../../core/review/itemStates';
import { QUEUE_SORTS, type QueueSort } from '../../core/review/queueSort';
import { unknownFilterNames } from '../../core/corpus/filterNames';
import { CliError, printJson, printLines, warn, withStore, type GlobalOptions } from '../cliContext';

export interface ListFlags {
  state?: string;
  suite?: string;
  regressions?: boolean;
  assignedTo?: string;
  waitingFor?: string;
  search?: string;
  sort?: string;
  limit: string;
}

export function itemSummary(item: ItemRow) {
  return {
    id: item.id,
    state: item.state,
    caseKey: item.caseKey,
    format: item.format,
    suite: item.suite,
    title: item.title,
    occurrences: item.occurrences,
    regression: item.regressionRun !== null,
    regressionRun: item.regressionRun,
    fixedRun: item.fixedRun,
    firstRun: item.firstRun,
    lastRun: item.lastRun,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

export async function runList(flags: ListFlags, options: GlobalOptions): Promise<number> {
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new CliError('--limit must be a whole number (0 = all)');
  if (flags.state !== undefined && !isItemState(flags.state)) throw new CliError(`--state must be one of ${ITEM_STATES.join(', ')}`);
  if (flags.sort !== undefined && !(QUEUE_SORTS as readonly string[]).includes(flags.sort)) throw new CliError(`--sort must be one of ${QUEUE_SORTS.join(', ')}`);
  return withStore(options, (store) => {
    if (flags.suite !== undefined) for (const w of unknownFilterNames(store.database, `suite:"${flags.suite.replace(/"/g, '')}"`)) warn(w);
    for (const name of [flags.assignedTo, flags.waitingFor]) {
      if (name !== undefined) for (const w of unknownFilterNames(store.database, `assigned:"${name.replace(/"/g, '')}"`)) warn(w);
    }
    const items = listItems(store.database, {
      ...(flags.state ? { state: flags.state } : {}),
      ...(flags.suite ? { suite: flags.suite } : {}),
      ...(flags.regressions ? { regression: true } : {}),
      ...(flags.assignedTo !== undefined ? { assignedTo: flags.assignedTo } : {}),
      // what waits for a person: assigned to them, and no verdict of theirs yet
      ...(flags.waitingFor !== undefined ? { assignedTo: flags.waitingFor, notReviewedBy: flags.waitingFor } : {}),
      ...(flags.search ? { text: flags.search } : {}),
      ...(flags.sort ? { sort: flags.sort as QueueSort } : {}),
      limit,
    });
    if (options.json) printJson(items.map(itemSummary));
    else {
      printLines(
        items.map((i) => {
          const badge = i.fixedRun ? 'fixed' : i.regressionRun ? 'REGR ' : '     ';
          return `${i.id}  ${i.state.padEnd(8)} ${badge} ×${String(i.occurrences).padEnd(3)} ${i.format.padEnd(12)} ${i.title}`;
        }),
      );
    }
    return 0;
  });
}

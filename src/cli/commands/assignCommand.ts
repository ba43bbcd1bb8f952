// `evalloop assign --to alice,bob [--filter EXPR] [--per-item N]`: hands matching items to
// reviewers, deterministically and evenly, as journal events the whole team shares.
import { isAbsolute, resolve } from 'node:path';
import { assignItems, reviewerNames } from '../../core/review/assignment';
import { CorpusLayout } from '../../core/corpus/corpusLayout';
import { FilterSyntaxError, parseGivenFilter, type VersionTime } from '../../core/corpus/filterExpression';
import { unknownFilterNames } from '../../core/corpus/filterNames';
import { WriteFailure } from '../../core/store/writeFailure';
import { CliError, printJson, printLines, warn, withStore, type GlobalOptions } from '../cliContext';
import { reasonOf } from '../../core/text/reasonOf';

export interface AssignFlags {
  to: string[];
  filter?: string;
  perItem: string;
  dryRun?: boolean;
  corpus?: string;
}

/** Creation times of the corpus's versions, for `since:` terms (none when there is no corpus). */
export function corpusVersionTime(root: string, corpus: string | undefined): VersionTime {
  const dir = corpus === undefined ? resolve(root, 'corpus') : isAbsolute(corpus) ? corpus : resolve(root, corpus);
  const layout = new CorpusLayout(dir);
  return (v) => (layout.versions().includes(v) ? layout.manifest(v).createdAt : undefined);
}

export async function runAssign(flags: AssignFlags, options: GlobalOptions): Promise<number> {
  let people: string[];
  try {
    people = reviewerNames(flags.to);
  } catch (error) {
    throw new CliError(`--to: ${reasonOf(error)}`);
  }
  const perItem = Number(flags.perItem);
  if (!Number.isInteger(perItem) || perItem < 1) throw new CliError('--per-item must be a whole number of at least 1');
  if (perItem > people.length) throw new CliError(`--per-item ${perItem} needs at least ${perItem} names in --to (got ${people.join(', ')})`);
  try {
    if (flags.filter !== undefined) parseGivenFilter(flags.filter);
  } catch (error) {
    throw new CliError(reasonOf(error));
  }
  // without a filter every item is assigned: people already on an item count toward its N
  const filter = flags.filter ?? '';
  return withStore(options, (store) => {
    for (const w of flags.filter ? unknownFilterNames(store.database, flags.filter) : []) warn(w);
    let result;
    try {
      result = assignItems(store, { filter, people, perItem, versionTime: corpusVersionTime(options.root, flags.corpus), ...(flags.dryRun ? { dryRun: true } : {}) });
    } catch (error) {
      if (error instanceof WriteFailure) throw error;
      if (error instanceof FilterSyntaxError) throw new CliError(error.message);
      throw new CliError(reasonOf(error));
    }
    const assigned = result.items.length;
    if (options.json) {
      printJson({ matched: result.matched, assigned, alreadyCovered: result.alreadyCovered, perPerson: result.perPerson, dryRun: !!flags.dryRun, eventIds: result.eventIds });
    } else {
      printLines([
        `${flags.dryRun ? 'would assign' : 'assigned'} ${assigned} of ${result.matched} matching item${result.matched === 1 ? '' : 's'} (${perItem} ${perItem === 1 ? 'person' : 'people'} per item); ${result.alreadyCovered} already had ${perItem}`,
        ...Object.entries(result.perPerson).map(([name, n]) => `  ${name}: ${n}`),
      ]);
    }
    return 0;
  });
}

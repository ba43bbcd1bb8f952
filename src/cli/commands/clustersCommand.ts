// `evalloop clusters`: failures that look alike, largest group first, brought up to
// date with what was captured since the last look.
import { listClusters, refreshClusters } from '../../core/clusters/clusterQueries';
import { CliError, printJson, printLines, withStore, type GlobalOptions } from '../cliContext';

export interface ClustersFlags {
  minSize: string;
  limit: string;
}

export async function runClusters(flags: ClustersFlags, options: GlobalOptions): Promise<number> {
  const minSize = Number(flags.minSize);
  if (!Number.isInteger(minSize) || minSize < 1) throw new CliError('--min-size must be a whole number of at least 1');
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 0) throw new CliError('--limit must be a whole number (0 = all)');
  return withStore(options, (store) => {
    refreshClusters(store);
    const clusters = listClusters(store.database, minSize, limit);
    if (options.json) printJson(clusters.map((c) => ({ id: c.id, size: c.size, title: c.title, alike: c.alike, itemIds: c.itemIds })));
    else printLines(clusters.map((c) => `${c.id}  ${String(c.size).padStart(5)}  ${c.title}\n${' '.repeat(20)}${c.alike}`));
    return 0;
  });
}

// `evalloop status`: what the workspace holds.
import { listJournalFiles, journalSize } from '../../core/store/journalFiles';
import { storeStatus } from '../../core/store/storeQueries';
import { printJson, printLines, withStore, type GlobalOptions } from '../cliContext';

export async function runStatus(options: GlobalOptions): Promise<number> {
  return withStore(options, (store) => {
    const status = storeStatus(store.database);
    const journals = listJournalFiles(store.paths.journalDir).map((file) => ({
      writer: file.replace(/\.jsonl$/, ''),
      bytes: journalSize(store.paths.journalDir, file),
    }));
    if (options.json) {
      printJson({ workspace: options.workspace, root: store.paths.root, ...status, journals, notices: store.notices });
    } else {
      const states = Object.entries(status.byState)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
      printLines([
        `workspace ${options.workspace} at ${store.paths.dir}`,
        `${status.items} items${states ? ` (${states})` : ''}, ${status.regressions} open regressions, ${status.fixed} fixed`,
        `${status.runs} runs, ${status.cases} cases read, ${status.failures} failures, ${status.sources} source files`,
        `${journals.length} journals: ${journals.map((j) => `${j.writer} (${j.bytes} bytes)`).join(', ') || 'none yet'}`,
      ]);
    }
    return 0;
  });
}

// `evalloop doctor`: checks the workspace (journals, index, blobs, folder, corpus) and
// says what is wrong and what to do; `--rebuild` rebuilds the index from the journals,
// `--repair` gives events that share an id (a merge of two clones) ids of their own.
import { resolve } from 'node:path';
import { checkWorkspace, findingText } from '../../core/doctor/checkWorkspace';
import { printJson, printLines, withStore, type GlobalOptions } from '../cliContext';

export async function runDoctor(flags: { rebuild?: boolean; repair?: boolean; corpus?: string }, options: GlobalOptions): Promise<number> {
  return withStore(options, (store) => {
    const check = checkWorkspace(store, { ...(flags.rebuild ? { rebuild: true } : {}), ...(flags.repair ? { repair: true } : {}), ...(flags.corpus ? { corpusDir: resolve(flags.corpus) } : {}) });
    const errors = check.findings.filter((f) => f.severity === 'error').length;
    if (options.json) {
      printJson(check);
    } else {
      const lines = [
        `journals: ${check.journals.files} files, ${check.journals.events} events`,
        ...check.repaired.flatMap((r) => r.written.map((w) => `repaired: ${w.events} colliding events of ${r.file} moved to ${w.file}`)),
        `index: ${check.index.items} items${check.index.rebuilt ? ' (rebuilt from the journals)' : ''}`,
        `blobs: ${check.blobs.checked} checked`,
        check.corpus ? `corpus: ${check.corpus.versions} versions, ${check.corpus.slices} slices verified` : 'corpus: none',
        // printLines makes every line terminal-safe
        ...check.findings.map((f) => findingText(f)),
        check.findings.length === 0 ? 'no problems found' : `${errors} errors, ${check.findings.length - errors} warnings`,
      ];
      printLines(lines);
    }
    return errors ? 1 : 0;
  });
}

// The `evalloop` command line: the same core as the extension, for terminals and CI.
import { Command, CommanderError } from 'commander';
import { CliError, type GlobalOptions } from './cliContext';
import { NOTHING_SAVED_IS_LOST, WriteFailure } from '../core/store/writeFailure';
import { runCapture, type CaptureFlags } from './commands/captureCommand';
import { runClusters, type ClustersFlags } from './commands/clustersCommand';
import { runExport, runExportSlice, runPin, runSnapshot, runVerify } from './commands/corpusCommands';
import { runList, type ListFlags } from './commands/listCommand';
import { runGrade, runReview, type ReviewFlags } from './commands/reviewCommand';
import { runShow } from './commands/showCommand';
import { runDoctor } from './commands/doctorCommand';
import { runStatus } from './commands/statusCommand';

declare const EVALLOOP_VERSION: string | undefined;
const VERSION = typeof EVALLOOP_VERSION === 'string' ? EVALLOOP_VERSION : '0.0.0-dev';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('evalloop')
    .description('Capture failed eval cases, review them, and promote them into a versioned training corpus.')
    // not commander's .version(): that claims --version everywhere, and export-slice has its own
    .option('-V, --tool-version', 'print the version of evalloop')
    .option('--root <dir>', 'workspace root holding .evalloop/', process.cwd())
    .option('--workspace <name>', 'named queue inside .evalloop/', 'default')
    .option('--json', 'machine-readable output', false)
    .showHelpAfterError()
    .exitOverride();

  const globals = (): GlobalOptions => {
    const o = program.opts<{ root: string; workspace: string; json: boolean }>();
    return { root: o.root, workspace: o.workspace, json: o.json };
  };

  program
    .command('capture')
    .description('read eval result files or folders and capture every failure')
    .argument('<paths...>', 'result files or folders')
    .option('--tag <tag>', 'tag the runs (repeatable)', collect, [])
    .option('--format <format>', 'skip detection and read as this format')
    .option('--map <mapping>', 'field mapping for plain JSONL, e.g. input=prompt,output=completion,expected=answer,pass=correct')
    .option('--threshold <metric=value>', 'pass threshold for a metric (repeatable)', collect, [])
    .option('--max-record-mb <mb>', 'skip records larger than this (default 16)')
    .action(async (paths: string[], flags: CaptureFlags) => setExit(await runCapture(paths, flags, globals())));

  program
    .command('status')
    .description('counts of items, runs and journals')
    .action(async () => setExit(await runStatus(globals())));

  program
    .command('doctor')
    .description('check journals, index, blobs, folder and corpus; say what is wrong and how to recover')
    .option('--rebuild', 'rebuild the index from the journals')
    .option('--repair', 'move events that share an id with a different event into a journal of their own')
    .option('--corpus <dir>', 'the corpus folder (default <root>/corpus)')
    .action(async (flags: { rebuild?: boolean; repair?: boolean; corpus?: string }) => setExit(await runDoctor(flags, globals())));

  program
    .command('list')
    .description('items in the queue')
    .option('--state <state>', 'only items in this state: new | auto-graded | reviewed')
    .option('--suite <suite>', 'only items of this suite')
    .option('--regressions', 'only regressions')
    .option('--limit <n>', 'at most n items (0 = all)', '50')
    .action(async (flags: ListFlags) => setExit(await runList(flags, globals())));

  program
    .command('clusters')
    .description('failures that look alike (same error, same grader reason, near-duplicate output or input), largest first')
    .option('--min-size <n>', 'only clusters of at least n items', '2')
    .option('--limit <n>', 'at most n clusters (0 = all)', '0')
    .action(async (flags: ClustersFlags) => setExit(await runClusters(flags, globals())));

  program
    .command('show')
    .description('one item: occurrences, input, expected, actual, scores, trace')
    .argument('<id>', 'item id, unique id prefix, or case key')
    .action(async (id: string) => setExit(await runShow(id, globals())));

  program
    .command('review')
    .description('record a verdict on one or more items')
    .argument('<ids...>', 'item ids, unique id prefixes, or case keys')
    .requiredOption('--verdict <verdict>', 'model-wrong | eval-wrong | ambiguous | discard')
    .option('--correction <text>', 'the output that should have been produced (model-wrong)')
    .option('--correction-file <file>', 'read the correction from a file')
    .option('--tag <tag>', 'tag the items (repeatable)', collect, [])
    .option('--rubric <n>', 'rubric score 1–5')
    .option('--comment <text>', 'a comment')
    .option('--reviewer <name>', 'who reviewed (default: your user name)')
    .action(async (ids: string[], flags: ReviewFlags) => setExit(await runReview(ids, flags, globals())));

  program
    .command('grade')
    .description('auto-grade what is mechanically decidable')
    .option('--auto', 'run the mechanical graders over items waiting for review')
    .action(async (flags: { auto?: boolean }) => setExit(await runGrade(flags, globals())));

  program
    .command('snapshot')
    .description('write the next immutable corpus version from reviewed items')
    .option('--policy <name>', 'a named policy from corpus/corpus.json')
    .option('--filter <expr>', 'a filter instead of a policy, e.g. "reviewed verdict:model-wrong -tag:pii"')
    .option('--format <format>', 'sft | openai-preference (or dpo) | trl-preference | kto (repeatable; default all)', collect, [])
    .option('--secrets <mode>', 'block | redact | allow secrets and personal data (default block)')
    .option('--corpus <dir>', 'the corpus folder (default <root>/corpus)')
    .option('--to <dir>', 'write into this corpus folder instead')
    .option('--dry-run', 'count what would be written, write nothing')
    .action(async (flags) => setExit(await runSnapshot(flags, globals())));

  program
    .command('export')
    .description('one format of a version as a single JSONL file')
    .argument('<version>', 'e.g. v0003')
    .requiredOption('--format <format>', 'sft | openai-preference (or dpo) | trl-preference | kto')
    .option('-o, --output <file>', 'write here instead of standard output')
    .option('--corpus <dir>', 'the corpus folder (default <root>/corpus)')
    .action(async (version: string, flags) => setExit(await runExport(version, flags, globals())));

  program
    .command('pin')
    .description('pin matching cases as the next version of a held-out eval slice')
    .argument('<slice>', 'slice name')
    .option('--filter <expr>', 'which items (default "reviewed")')
    .option('--include-trained', 'also pin cases that training versions already hold, recorded as known contamination')
    .option('--corpus <dir>', 'the corpus folder (default <root>/corpus)')
    .action(async (slice: string, flags) => setExit(await runPin(slice, flags, globals())));

  program
    .command('export-slice')
    .description('a pinned slice as promptfoo tests, an Inspect dataset or JSONL')
    .argument('<slice>', 'slice name')
    .requiredOption('--format <format>', 'promptfoo | inspect | jsonl')
    .option('--version <v>', 'slice version (default the latest)')
    .option('-o, --output <file>', 'write here instead of standard output')
    .option('--corpus <dir>', 'the corpus folder (default <root>/corpus)')
    .action(async (slice: string, flags) => setExit(await runExportSlice(slice, flags, globals())));

  program
    .command('verify')
    .description('re-check every hash and that no slice case is in any training version')
    .option('--corpus <dir>', 'the corpus folder (default <root>/corpus)')
    .action(async (flags) => setExit(await runVerify(flags, globals())));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    const first = argv[2];
    if (first === '--version' || first === '-V' || first === '--tool-version') {
      process.stdout.write(`${VERSION}\n`);
      return 0;
    }
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    const message =
      error instanceof CliError ? error.message : error instanceof WriteFailure ? `${error.message}; ${NOTHING_SAVED_IS_LOST}` : `${(error as Error).message ?? String(error)}`;
    process.stderr.write(`evalloop: ${message}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}

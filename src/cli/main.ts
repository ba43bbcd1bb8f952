// The `evalloop` command line: the same core as the extension, for terminals and CI.
import { Command, CommanderError } from 'commander';
import { CliError, type GlobalOptions } from './cliContext';
import { NOTHING_SAVED_IS_LOST, WriteFailure } from '../core/store/writeFailure';
import { VERDICTS } from '../core/review/verdicts';
import { runCapture, type CaptureFlags } from './commands/captureCommand';
import { runClusters, type ClustersFlags } from './commands/clustersCommand';
import { runExport, runExportSlice, runPin, runSnapshot, runVerify } from './commands/corpusCommands';
import { runList, type ListFlags } from './commands/listCommand';
import { runGrade, runReview, type ReviewFlags } from './commands/reviewCommand';
import { runShow } from './commands/showCommand';
import { runDoctor } from './commands/doctorCommand';
import { runStatus } from './commands/statusCommand';
import { runRemoteAdd, runRemoteList, runRemoteRemove, runTransfer, type RemoteAddFlags, type TransferFlags } from './commands/remoteCommands';
import { runAssign, type AssignFlags } from './commands/assignCommand';
import { runQueueSet, runQueueShow } from './commands/queueCommand';
import { runAgreement } from './commands/agreementCommand';
import { reasonOf } from '../core/text/reasonOf';

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
    .option('--live-case-span <rule>', 'live traces: root (one case per trace, the default) or chat (one per chat span)')
    .option('--failure-rule <attribute=value>', 'live traces: an attribute value that makes a trace a failure (repeatable)', collect, [])
    .option('--score-rule <name>=<min|max>:<bound>', 'a named score passes at min or above / max or below, e.g. toxicity=max:0.5 (repeatable)', collect, [])
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
    .option('--assigned-to <name>', 'only items assigned to this reviewer')
    .option('--waiting-for <name>', 'only items assigned to this reviewer that they have not reviewed yet')
    .option('--search <words>', "only items where every word is found: title, notes, the start of input, output and expected (as the panel's search)")
    .option('--sort <order>', 'oldest (default) | newest | run (latest run first) | suite | regression (open regressions first)')
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
    .option('--reviewer <name>', "who is looking (blind review hides others' verdicts until they gave theirs; default: your user name)")
    .action(async (id: string, flags: { reviewer?: string }) => setExit(await runShow(id, flags, globals())));

  program
    .command('review')
    .description('record a verdict on one or more items')
    .argument('<ids...>', 'item ids, unique id prefixes, or case keys')
    .requiredOption('--verdict <verdict>', VERDICTS.join(' | '))
    .option('--correction <text>', 'the output that should have been produced (model-wrong)')
    .option('--correction-file <file>', 'read the correction from a file')
    .option('--tag <tag>', 'tag the items (repeatable)', collect, [])
    .option('--rubric <n>', 'rubric score 1–5')
    .option('--comment <text>', 'a comment')
    .option('--reviewer <name>', 'who reviewed (default: your user name)')
    .option('--adjudicate', 'settle disputed items: this verdict decides them, whatever the other reviews say')
    .action(async (ids: string[], flags: ReviewFlags) => setExit(await runReview(ids, flags, globals())));

  program
    .command('assign')
    .description('assign matching items to reviewers, evenly and deterministically')
    .requiredOption('--to <names>', 'reviewers, comma-separated (repeatable)', (value: string, previous?: string[]) => [...(previous ?? []), value])
    .option('--filter <expr>', 'which items (default: every item)')
    .option('--per-item <n>', 'people per item (2 for double review)', '1')
    .option('--dry-run', 'show the plan, write nothing')
    .option('--corpus <dir>', 'the corpus folder, for since: terms (default <root>/corpus)')
    .action(async (flags: AssignFlags) => setExit(await runAssign(flags, globals())));

  const queue = program.command('queue').description("the queue's shared settings (blind review) and each reviewer's progress");
  queue
    .command('show')
    .description("show whether the queue is blind, and each assigned reviewer's progress")
    .action(async () => setExit(await runQueueShow(globals())));
  queue
    .command('set')
    .description('change a setting for everyone who shares the journals')
    .option('--blind', "reviewers see no one else's verdict on an item until they give their own")
    .option('--no-blind', 'everyone sees every verdict')
    .action(async (flags: { blind?: boolean }) => setExit(await runQueueSet(flags, globals())));

  program
    .command('agreement')
    .description("how far reviewers agree: Krippendorff's α, Cohen's κ per pair and against the auto-grader")
    .option('--filter <expr>', 'which items (default: every item)')
    .option('--corpus <dir>', 'the corpus folder, for since: terms (default <root>/corpus)')
    .action(async (flags: { filter?: string; corpus?: string }) => setExit(await runAgreement(flags, globals())));

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
    .option('--urls', "print the remote object URLs of the format's segments, in order, instead of the records")
    .option('--remote <name>', 'with --urls: which remote (default: the only one, else origin)')
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

  const remote = program.command('remote').description('S3-compatible remotes this workspace is shared through');
  remote
    .command('add')
    .description('add a remote (probes it: credentials, bucket, conditional writes)')
    .argument('<name>', 'e.g. origin')
    .argument('<url>', 's3://bucket/prefix')
    .option('--endpoint <url>', 'an S3-compatible endpoint (MinIO, R2, GCS, Ceph), e.g. http://127.0.0.1:9000')
    .option('--region <region>', 'the bucket region (default: AWS_REGION, else us-east-1)')
    .option('--local', 'write it to local/remote.json (this machine only) instead of the shared remote.json')
    .option('--no-probe', 'do not contact the remote now')
    .action(async (name: string, url: string, flags: RemoteAddFlags) => setExit(await runRemoteAdd(name, url, flags, globals())));
  remote
    .command('list')
    .description('configured remotes')
    .action(async () => setExit(await runRemoteList(globals())));
  remote
    .command('remove')
    .description('forget a remote (nothing on it is touched)')
    .argument('<name>')
    .action(async (name: string) => setExit(await runRemoteRemove(name, globals())));

  for (const [direction, description] of [
    ['push', 'upload new journal events, their blobs, and corpus versions and slices to the remote'],
    ['pull', 'bring new events, blobs, versions and slices from the remote'],
    ['sync', 'pull, then push'],
  ] as const) {
    program
      .command(direction)
      .description(description)
      .option('--remote <name>', 'which remote (default: the only one, else origin)')
      .option('--corpus <dir>', 'the corpus folder (default <root>/corpus)')
      .action(async (flags: TransferFlags) => setExit(await runTransfer(direction, flags, globals())));
  }

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
    const message = error instanceof CliError ? error.message : error instanceof WriteFailure ? `${error.message}; ${NOTHING_SAVED_IS_LOST}` : reasonOf(error);
    process.stderr.write(`evalloop: ${message}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

if (require.main === module) {
  void main(process.argv).then((code) => {
    process.exitCode = code;
  });
}

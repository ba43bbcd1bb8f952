// Corpus commands: snapshot, export, pin, export-slice, verify.
import { existsSync, lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { CorpusLayout } from '../../core/corpus/corpusLayout';
import { FilterSyntaxError } from '../../core/corpus/filterExpression';
import { exportSlice, SLICE_FORMATS, type SliceFormat } from '../../core/corpus/sliceExport';
import { pinSlice, readSliceCases, SliceTrainedError, trainedVersionsOf } from '../../core/corpus/slices';
import { snapshot, SnapshotBlockedError } from '../../core/corpus/snapshot';
import { FORMAT_ALIASES, OUTPUT_FORMATS, outputFormatNamed, type OutputFormat } from '../../core/corpus/trainingRecords';
import { unknownFilterNames } from '../../core/corpus/filterNames';
import type { WorkspaceStore } from '../../core/store/workspaceStore';
import { chooseRemote } from '../../core/remote/remoteConfig';
import { readRemoteState } from '../../core/remote/remoteState';
import { segmentUrls } from '../../core/remote/segmentUrls';
import { workspacePaths } from '../../core/store/workspacePaths';
import { exportVersion, verifyCorpus } from '../../core/corpus/verifyCorpus';
import { CliError, printJson, printLines, warn, withStore, type GlobalOptions } from '../cliContext';
import { writeFileAtomic } from '../../core/store/durableFile';
import { WriteFailure } from '../../core/store/writeFailure';
import { reasonOf } from '../../core/text/reasonOf';

declare const EVALLOOP_VERSION: string | undefined;
const TOOL_VERSION = typeof EVALLOOP_VERSION === 'string' ? EVALLOOP_VERSION : '0.0.0-dev';

export interface CorpusFlags {
  corpus?: string;
}

function corpusDir(options: GlobalOptions, flags: CorpusFlags): string {
  const dir = flags.corpus ?? 'corpus';
  return isAbsolute(dir) ? dir : resolve(options.root, dir);
}

/** The training format a `--format` names (aliases included), or a usage error listing them. */
function trainingFormat(name: string): OutputFormat {
  const format = outputFormatNamed(name);
  if (format) return format;
  const aliases = Object.entries(FORMAT_ALIASES).map(([alias, f]) => `${alias} (= ${f})`);
  throw new CliError(`--format "${name}" is not a training format: use one of ${[...OUTPUT_FORMATS, ...aliases].join(', ')}`);
}

/** Warns about filter terms naming a run, tag or suite that does not exist (they match nothing). */
function warnUnknownNames(store: WorkspaceStore, filter: string | undefined): void {
  if (filter === undefined) return;
  try {
    for (const w of unknownFilterNames(store.database, filter)) warn(w);
  } catch (error) {
    if (!(error instanceof FilterSyntaxError)) throw error; // the command reports the syntax error itself
  }
}

/** A named policy's filter, if the policy exists (snapshot itself reports one that does not). */
function policyFilter(dir: string, name: string): string | undefined {
  try {
    return new CorpusLayout(dir).policies()[name]?.filter;
  } catch {
    return undefined;
  }
}

function asCliError(error: unknown): never {
  if (error instanceof CliError) throw error;
  if (error instanceof SliceTrainedError) throw new CliError(`${error.message}. Pin with --include-trained to pin them anyway as known contamination (recorded in the slice; verify warns), or leave them out of the filter.`, 2);
  // a bad filter is a usage error (exit 1); a blocked snapshot is not (exit 2)
  if (error instanceof SnapshotBlockedError) throw new CliError(error.message, 2);
  if (error instanceof FilterSyntaxError) throw new CliError(error.message);
  if (error instanceof WriteFailure) throw error;
  throw new CliError(reasonOf(error));
}

/**
 * Writes an export whole or not at all: beside the target, synced, renamed over it, so
 * a full disk or a kill never leaves a torn file where a good one was. A link is
 * written through, as a plain write would.
 */
function writeOutput(path: string, text: string): void {
  let target = path;
  try {
    if (lstatSync(path).isSymbolicLink()) target = realpathSync(path);
  } catch {
    // not there yet, or a dangling link: written as named
  }
  const existed = existsSync(target);
  try {
    writeFileAtomic(target, text);
  } catch (error) {
    if (error instanceof WriteFailure) throw new CliError(`${error.message}; ${existed ? `the ${target} already there is unchanged` : 'nothing was written'}`);
    throw error;
  }
}

export async function runSnapshot(flags: CorpusFlags & { policy?: string; filter?: string; format?: string[]; secrets?: string; to?: string; dryRun?: boolean }, options: GlobalOptions): Promise<number> {
  if (flags.policy && flags.filter) throw new CliError('give --policy or --filter, not both');
  const formats = [...new Set((flags.format ?? []).map(trainingFormat))];
  if (flags.secrets && !['block', 'redact', 'allow'].includes(flags.secrets)) throw new CliError('--secrets must be block, redact or allow');
  const dir = flags.to ? resolve(flags.to) : corpusDir(options, flags);
  return withStore(options, (store) => {
    warnUnknownNames(store, flags.filter ?? (flags.policy ? policyFilter(dir, flags.policy) : undefined));
    let result;
    try {
      result = snapshot(store, dir, {
        ...(flags.policy ? { policyName: flags.policy } : {}),
        ...(flags.filter !== undefined ? { filter: flags.filter } : {}),
        ...(formats.length ? { formats } : {}),
        ...(flags.secrets ? { secrets: flags.secrets as 'block' } : {}),
        toolVersion: TOOL_VERSION,
        ...(flags.dryRun ? { dryRun: true } : {}),
      });
    } catch (error) {
      asCliError(error);
    }
    const m = result.manifest;
    if (options.json) printJson({ version: result.version, dir: result.dir, dryRun: !!flags.dryRun, manifest: m });
    else
      printLines([
        `${flags.dryRun ? 'would write' : 'wrote'} ${m.version}${result.dir ? ` at ${result.dir}` : ''} (parent ${m.parent ?? 'none'})`,
        ...Object.entries(m.files).map(([f, x]) => `  ${f.padEnd(18)} ${x.records} records${x.segments.length ? ` in ${x.segments.length} segment${x.segments.length === 1 ? '' : 's'}` : ''}`),
        `  ${m.added} added, ${m.removed} removed; ${m.leakage.excluded.length} held out as pinned slice cases; ${m.redactions.length} items redacted`,
      ]);
    return 0;
  });
}

export async function runExport(version: string, flags: CorpusFlags & { format: string; output?: string; urls?: boolean; remote?: string }, options: GlobalOptions): Promise<number> {
  const format = trainingFormat(flags.format);
  if (flags.urls) {
    let urls: string[];
    try {
      // the version must be published there: its URLs are where training reads it
      const remote = chooseRemote(workspacePaths(options.root, options.workspace).dir, flags.remote);
      const published = readRemoteState(workspacePaths(options.root, options.workspace).dir, remote.name).published[`versions/${version}`];
      if (!published) throw new Error(`${version} is not known to be on remote ${remote.name}; run \`evalloop push\` (or \`pull\`) first`);
      urls = segmentUrls(corpusDir(options, flags), version, format, remote);
    } catch (error) {
      asCliError(error);
    }
    if (options.json) printJson({ version, format, urls });
    else printLines(urls);
    return 0;
  }
  let text: string;
  try {
    text = exportVersion(corpusDir(options, flags), version, format);
  } catch (error) {
    asCliError(error);
  }
  if (flags.output) {
    writeOutput(flags.output, text);
    if (!options.json) printLines([`wrote ${text.split('\n').filter(Boolean).length} ${format} records of ${version} to ${flags.output}`]);
    else printJson({ version, format, output: flags.output, records: text.split('\n').filter(Boolean).length });
  } else process.stdout.write(text);
  return 0;
}

export async function runPin(slice: string, flags: CorpusFlags & { filter?: string; includeTrained?: boolean }, options: GlobalOptions): Promise<number> {
  return withStore(options, (store) => {
    warnUnknownNames(store, flags.filter);
    let result;
    try {
      result = pinSlice(store, corpusDir(options, flags), slice, flags.filter ?? 'reviewed', { includeTrained: !!flags.includeTrained });
    } catch (error) {
      asCliError(error);
    }
    const trained = result.manifest.trainedIn ?? [];
    if (options.json) printJson({ slice, version: result.version, dir: result.dir, cases: result.manifest.cases, trainedIn: trained });
    else printLines([`pinned ${result.manifest.cases} cases as slice ${slice} ${result.version} at ${result.dir}`, ...(trained.length ? [`  ${trained.length} of them already in training (${trainedVersionsOf(trained).join(', ')}): recorded as known contamination`] : [])]);
    return 0;
  });
}

export async function runExportSlice(slice: string, flags: CorpusFlags & { format: string; output?: string; version?: string }, options: GlobalOptions): Promise<number> {
  if (!(SLICE_FORMATS as readonly string[]).includes(flags.format)) throw new CliError(`--format must be one of ${SLICE_FORMATS.join(', ')}`);
  let text: string;
  try {
    const { cases } = readSliceCases(new CorpusLayout(corpusDir(options, flags)), slice, flags.version);
    text = exportSlice(cases, flags.format as SliceFormat, flags.output ? { file: flags.output } : {});
  } catch (error) {
    asCliError(error);
  }
  if (flags.output) {
    writeOutput(flags.output, text);
    if (!options.json) printLines([`wrote slice ${slice} as ${flags.format} to ${flags.output}`]);
  } else process.stdout.write(text);
  return 0;
}

export async function runVerify(flags: CorpusFlags, options: GlobalOptions): Promise<number> {
  let report;
  try {
    report = verifyCorpus(corpusDir(options, flags));
  } catch (error) {
    asCliError(error);
  }
  if (options.json) printJson({ ok: report.violations.length === 0, ...report });
  else {
    printLines([
      `${report.versions} versions, ${report.segments} segments, ${report.slices} slices checked`,
      ...report.violations.flatMap((v) => [`VIOLATION ${v.kind}: ${v.where}: ${v.detail}`, ...(v.fix ? [`  → ${v.fix}`] : [])]),
      ...report.warnings.map((w) => `WARNING ${w.kind}: ${w.where}: ${w.detail}`),
      report.violations.length ? `${report.violations.length} violations` : report.warnings.length ? `clean, with ${report.warnings.length} known-contamination warnings` : 'clean',
    ]);
  }
  return report.violations.length ? 1 : 0;
}

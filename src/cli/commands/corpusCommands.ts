// Corpus commands: snapshot, export, pin, export-slice, verify.
import { writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { CorpusLayout } from '../../core/corpus/corpusLayout';
import { FilterSyntaxError } from '../../core/corpus/filterExpression';
import { exportSlice, pinSlice, readSliceCases, SLICE_FORMATS, type SliceFormat } from '../../core/corpus/slices';
import { snapshot, SnapshotBlockedError } from '../../core/corpus/snapshot';
import { OUTPUT_FORMATS, type OutputFormat } from '../../core/corpus/trainingRecords';
import { chooseRemote } from '../../core/remote/remoteConfig';
import { readRemoteState } from '../../core/remote/remoteState';
import { segmentUrls } from '../../core/remote/segmentUrls';
import { workspacePaths } from '../../core/store/workspacePaths';
import { exportVersion, verifyCorpus } from '../../core/corpus/verifyCorpus';
import { CliError, printJson, printLines, withStore, type GlobalOptions } from '../cliContext';
import { WriteFailure } from '../../core/store/writeFailure';

declare const EVALLOOP_VERSION: string | undefined;
const TOOL_VERSION = typeof EVALLOOP_VERSION === 'string' ? EVALLOOP_VERSION : '0.0.0-dev';

export interface CorpusFlags {
  corpus?: string;
}

function corpusDir(options: GlobalOptions, flags: CorpusFlags): string {
  const dir = flags.corpus ?? 'corpus';
  return isAbsolute(dir) ? dir : resolve(options.root, dir);
}

function asCliError(error: unknown): never {
  if (error instanceof SnapshotBlockedError || error instanceof FilterSyntaxError) throw new CliError(error.message, 2);
  if (error instanceof WriteFailure) throw error;
  throw new CliError((error as Error).message);
}

export async function runSnapshot(flags: CorpusFlags & { policy?: string; filter?: string; format?: string[]; secrets?: string; to?: string; dryRun?: boolean }, options: GlobalOptions): Promise<number> {
  if (flags.policy && flags.filter) throw new CliError('give --policy or --filter, not both');
  for (const f of flags.format ?? []) if (!(OUTPUT_FORMATS as readonly string[]).includes(f)) throw new CliError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}`);
  if (flags.secrets && !['block', 'redact', 'allow'].includes(flags.secrets)) throw new CliError('--secrets must be block, redact or allow');
  const dir = flags.to ? resolve(flags.to) : corpusDir(options, flags);
  return withStore(options, (store) => {
    let result;
    try {
      result = snapshot(store, dir, {
        ...(flags.policy ? { policyName: flags.policy } : {}),
        ...(flags.filter !== undefined ? { filter: flags.filter } : {}),
        ...(flags.format?.length ? { formats: flags.format as OutputFormat[] } : {}),
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
  const aliases: Record<string, string> = { dpo: 'openai-preference', 'trl-dpo': 'trl-preference' };
  const format = aliases[flags.format] ?? flags.format;
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
    writeFileSync(flags.output, text);
    if (!options.json) printLines([`wrote ${text.split('\n').filter(Boolean).length} ${format} records of ${version} to ${flags.output}`]);
    else printJson({ version, format, output: flags.output, records: text.split('\n').filter(Boolean).length });
  } else process.stdout.write(text);
  return 0;
}

export async function runPin(slice: string, flags: CorpusFlags & { filter?: string }, options: GlobalOptions): Promise<number> {
  return withStore(options, (store) => {
    let result;
    try {
      result = pinSlice(store, corpusDir(options, flags), slice, flags.filter ?? 'reviewed');
    } catch (error) {
      asCliError(error);
    }
    if (options.json) printJson({ slice, version: result.version, dir: result.dir, cases: result.manifest.cases });
    else printLines([`pinned ${result.manifest.cases} cases as slice ${slice} ${result.version} at ${result.dir}`]);
    return 0;
  });
}

export async function runExportSlice(slice: string, flags: CorpusFlags & { format: string; output?: string; version?: string }, options: GlobalOptions): Promise<number> {
  if (!(SLICE_FORMATS as readonly string[]).includes(flags.format)) throw new CliError(`--format must be one of ${SLICE_FORMATS.join(', ')}`);
  let text: string;
  try {
    const { cases } = readSliceCases(new CorpusLayout(corpusDir(options, flags)), slice, flags.version);
    text = exportSlice(cases, flags.format as SliceFormat);
  } catch (error) {
    asCliError(error);
  }
  if (flags.output) {
    writeFileSync(flags.output, text);
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
      ...report.violations.map((v) => `VIOLATION ${v.kind}: ${v.where}: ${v.detail}`),
      report.violations.length ? `${report.violations.length} violations` : 'clean',
    ]);
  }
  return report.violations.length ? 1 : 0;
}


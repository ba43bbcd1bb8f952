// `evalloop capture <paths…>`: read result files and folders into the workspace.
import { capturePaths } from '../../core/capture/capturePaths';
import type { FileCaptureReport } from '../../core/capture/captureFile';
import type { FormatId } from '../../core/model/caseModel';
import { FORMATS } from '../../core/model/caseModel';
import { parseMapping } from '../../core/formats/genericJsonl';
import { gitCommitOf } from '../../core/store/gitCommit';
import type { LiveFailureRule, ScoreRule } from '../../core/formats/adapter';
import { CliError, printJson, printLines, withStore, type GlobalOptions } from '../cliContext';
import { reasonOf } from '../../core/text/reasonOf';
import { errorPlace } from '../../core/capture/recordLocator';

export interface CaptureFlags {
  tag: string[];
  format?: string;
  map?: string;
  threshold: string[];
  maxRecordMb?: string;
  liveCaseSpan?: string;
  failureRule?: string[];
  scoreRule?: string[];
}

export function parseFailureRules(specs: string[]): LiveFailureRule[] {
  return specs.map((spec) => {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new CliError(`--failure-rule "${spec}" is not attribute=value`);
    return { attribute: spec.slice(0, eq), equals: spec.slice(eq + 1) };
  });
}

export function parseScoreRules(specs: string[]): Record<string, ScoreRule> {
  const out: Record<string, ScoreRule> = {};
  for (const spec of specs) {
    const m = /^(.+)=(min|max):(.+)$/.exec(spec);
    const bound = m ? Number(m[3]) : NaN;
    if (!m || !Number.isFinite(bound)) throw new CliError(`--score-rule "${spec}" is not name=min:number or name=max:number`);
    out[m[1]!] = { ...out[m[1]!], [m[2]!]: bound };
  }
  return out;
}

export function parseThresholds(specs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    const value = Number(spec.slice(eq + 1));
    if (eq <= 0 || !Number.isFinite(value)) throw new CliError(`--threshold "${spec}" is not metric=number`);
    out[spec.slice(0, eq)] = value;
  }
  return out;
}

function totalsOf(files: FileCaptureReport[]) {
  const sum = (f: (r: FileCaptureReport) => number) => files.reduce((a, r) => a + f(r), 0);
  return {
    files: files.length,
    captured: files.filter((f) => f.status === 'captured').length,
    unchanged: files.filter((f) => f.status === 'unchanged').length,
    skipped: files.filter((f) => f.status === 'skipped').length,
    failed: files.filter((f) => f.status === 'failed').length,
    cases: sum((r) => r.cases),
    failures: sum((r) => r.failures),
    newItems: sum((r) => r.newItems),
    knownItems: sum((r) => r.knownItems),
    regressions: sum((r) => r.regressions),
    fixed: sum((r) => r.fixed),
    judgeErrors: sum((r) => r.judgeErrors),
    errors: sum((r) => r.errors.filter((e) => !e.warning).length),
  };
}

function describeError(e: FileCaptureReport['errors'][number]): string {
  const where = errorPlace(e);
  return `${where ? `${where}: ` : ''}${e.reason}`;
}

export async function runCapture(paths: string[], flags: CaptureFlags, options: GlobalOptions): Promise<number> {
  if (paths.length === 0) throw new CliError('capture needs at least one file or folder');
  if (flags.format && !(FORMATS as readonly string[]).includes(flags.format)) {
    throw new CliError(`--format must be one of ${FORMATS.join(', ')}`);
  }
  let mapping;
  try {
    mapping = flags.map ? parseMapping(flags.map) : undefined;
  } catch (error) {
    throw new CliError(`--map: ${reasonOf(error)}`);
  }
  const maxMb = flags.maxRecordMb ? Number(flags.maxRecordMb) : undefined;
  if (maxMb !== undefined && !(maxMb > 0)) throw new CliError('--max-record-mb must be a positive number');
  if (flags.liveCaseSpan !== undefined && flags.liveCaseSpan !== 'root' && flags.liveCaseSpan !== 'chat') throw new CliError('--live-case-span must be root or chat');
  const failureRules = parseFailureRules(flags.failureRule ?? []);
  const scoreRules = parseScoreRules(flags.scoreRule ?? []);
  return withStore(options, async (store) => {
    const gitCommit = gitCommitOf(options.root);
    const files = await capturePaths(store, paths, {
      tags: flags.tag,
      ...(flags.format ? { format: flags.format as FormatId } : {}),
      ...(gitCommit ? { gitCommit } : {}),
      read: {
        thresholds: parseThresholds(flags.threshold),
        ...(mapping ? { mapping } : {}),
        ...(maxMb ? { maxRecordBytes: Math.floor(maxMb * 1024 * 1024) } : {}),
        ...(flags.liveCaseSpan ? { liveCaseSpan: flags.liveCaseSpan as 'root' | 'chat' } : {}),
        ...(failureRules.length ? { liveFailureRules: failureRules } : {}),
        ...(Object.keys(scoreRules).length ? { scoreRules } : {}),
      },
      onProgress: options.json ? undefined : ({ path, cases }) => process.stderr.write(`  … ${cases} cases read from ${path}\n`),
    });
    const totals = totalsOf(files);
    if (options.json) {
      printJson({ workspace: options.workspace, root: store.paths.root, files, totals });
    } else {
      const lines: string[] = [];
      for (const f of files) {
        if (f.status === 'skipped') lines.push(`skipped   ${f.path}: ${f.reason}`);
        else if (f.status === 'unchanged') lines.push(`unchanged ${f.path}`);
        else if (f.status === 'failed') lines.push(`FAILED    ${f.path}: ${f.reason}`);
        else {
          const extra = [f.regressions ? `${f.regressions} regressions` : '', f.fixed ? `${f.fixed} fixed` : '', f.judgeErrors ? `${f.judgeErrors} judge errors` : '', f.partial ? 'run still in progress' : ''].filter(Boolean).join(', ');
          lines.push(`${f.format?.padEnd(9)} ${f.path}: ${f.cases} cases, ${f.failures} failures (${f.newItems} new, ${f.knownItems} known)${extra ? `, ${extra}` : ''}`);
        }
        // the reason already printed for a failed or skipped file is not repeated as its error
        for (const e of f.errors) if (f.status === 'captured' || e.reason !== f.reason) lines.push(`  ${e.warning ? 'note' : 'error'}: ${f.path}: ${describeError(e)}`);
      }
      lines.push(`${totals.cases} cases, ${totals.failures} failures (${totals.newItems} new items), ${totals.regressions} regressions, ${totals.errors} errors in ${totals.files} files`);
      printLines(lines);
    }
    return totals.errors > 0 || totals.failed > 0 ? 2 : 0;
  });
}

// `evalloop agreement [--filter EXPR]`: how far reviewers agree — items by where they
// stand, Krippendorff's α, Cohen's κ per pair of reviewers, and each person against the
// auto-grader per grader and per suite, each with the items behind it.
import { agreementOfFilter, type AgreementReport, type Comparison } from '../../core/review/agreementReport';
import { FilterSyntaxError, parseGivenFilter } from '../../core/corpus/filterExpression';
import { unknownFilterNames } from '../../core/corpus/filterNames';
import { CliError, printJson, printLines, warn, withStore, type GlobalOptions } from '../cliContext';
import { corpusVersionTime } from './assignCommand';
import { reasonOf } from '../../core/text/reasonOf';

const figure = (value: number | null) => (value === null ? '—' : value.toFixed(3));
const share = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100)}%`);

function comparisonText(label: string, c: Comparison): string {
  const items = `${c.items} item${c.items === 1 ? '' : 's'}`;
  return `  ${label.padEnd(32)} κ ${figure(c.kappa).padStart(6)}  α ${figure(c.alpha).padStart(6)}  ${items.padStart(11)}, ${share(c.observed)} the same`;
}

export function agreementText(report: AgreementReport): string[] {
  const s = report.byStatus;
  const lines = [
    `${report.items} item${report.items === 1 ? '' : 's'}: ${s.none} unreviewed, ${s.single} reviewed once, ${s.agreed} agreed, ${s.disputed} disputed, ${s.adjudicated} adjudicated`,
    `Krippendorff's α (nominal, every reviewer): ${figure(report.alpha.alpha)} over ${report.alpha.units} item${report.alpha.units === 1 ? '' : 's'} with two or more verdicts (${report.alpha.values} verdicts, ${report.reviewers.length} reviewer${report.reviewers.length === 1 ? '' : 's'})`,
  ];
  if (report.alpha.alpha === null) lines.push('  (— : undefined: fewer than two verdicts on any item, or every verdict the same)');
  lines.push('', "Cohen's κ per pair of reviewers:");
  if (report.pairs.length === 0) lines.push('  (no two reviewers judged the same item)');
  for (const p of report.pairs) lines.push(comparisonText(`${p.a} × ${p.b}`, p));
  lines.push('', 'Each person against the auto-grader, per grader:');
  if (report.autoGrader.byGrader.length === 0) lines.push('  (no item both a person and a grader judged)');
  for (const g of report.autoGrader.byGrader) lines.push(comparisonText(`${g.reviewer} × ${g.grader}`, g));
  if (report.autoGrader.bySuite.length) lines.push('', 'Each person against the auto-grader, per suite:');
  for (const g of report.autoGrader.bySuite) lines.push(comparisonText(`${g.reviewer} × ${g.suite}`, g));
  return lines;
}

export async function runAgreement(flags: { filter?: string; corpus?: string }, options: GlobalOptions): Promise<number> {
  try {
    if (flags.filter !== undefined) parseGivenFilter(flags.filter);
  } catch (error) {
    throw new CliError(reasonOf(error));
  }
  return withStore(options, (store) => {
    for (const w of flags.filter ? unknownFilterNames(store.database, flags.filter) : []) warn(w);
    let report: AgreementReport;
    try {
      report = agreementOfFilter(store.database, flags.filter ?? '', corpusVersionTime(options.root, flags.corpus));
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw new CliError(error.message);
      throw error;
    }
    if (options.json) printJson({ workspace: options.workspace, filter: flags.filter ?? null, ...report });
    else printLines(agreementText(report));
    return 0;
  });
}

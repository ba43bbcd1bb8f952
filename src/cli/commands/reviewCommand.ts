// `evalloop review <id…>` and `evalloop grade --auto`: the headless review loop.
import { readFileSync } from 'node:fs';
import { autoGrade } from '../../core/grading/autoGrade';
import { submitReviews } from '../../core/review/reviewActions';
import { isVerdict, VERDICTS } from '../../core/review/verdicts';
import { defaultActor } from '../../core/store/writerIdentity';
import { requireItemRefs } from '../../core/store/storeQueries';
import { CliError, printJson, printLines, withStore, type GlobalOptions } from '../cliContext';
import { WriteFailure } from '../../core/store/writeFailure';
import { reasonOf } from '../../core/text/reasonOf';

export interface ReviewFlags {
  verdict: string;
  correction?: string;
  correctionFile?: string;
  tag: string[];
  rubric?: string;
  comment?: string;
  reviewer?: string;
  adjudicate?: boolean;
}

export async function runReview(ids: string[], flags: ReviewFlags, options: GlobalOptions): Promise<number> {
  const { verdict } = flags;
  if (!isVerdict(verdict)) throw new CliError(`--verdict must be one of ${VERDICTS.join(', ')}`);
  if (flags.correction !== undefined && flags.correctionFile) throw new CliError('give --correction or --correction-file, not both');
  let correction = flags.correction;
  if (flags.correctionFile) {
    try {
      correction = readFileSync(flags.correctionFile, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${flags.correctionFile}: ${reasonOf(error)}`);
    }
  }
  if (correction !== undefined && verdict !== 'model-wrong') throw new CliError('a correction goes with --verdict model-wrong');
  // an empty correction would be a training target of nothing
  if (correction !== undefined && correction.trim() === '') throw new CliError(`the correction${flags.correctionFile ? ` in ${flags.correctionFile}` : ''} is empty: give the output that should have been produced, or review without --correction`);
  const rubric = flags.rubric === undefined ? undefined : Number(flags.rubric);
  if (rubric !== undefined && !(Number.isInteger(rubric) && rubric >= 1 && rubric <= 5)) throw new CliError('--rubric must be a whole number from 1 to 5');
  return withStore(options, (store) => {
    const keys = requireItemRefs(store.database, ids).map((item) => item.caseKey);
    let eventIds: string[];
    try {
      eventIds = submitReviews(
        store,
        keys,
        {
          verdict,
          ...(correction !== undefined ? { correction } : {}),
          tags: flags.tag,
          ...(rubric !== undefined ? { rubric } : {}),
          ...(flags.comment ? { comment: flags.comment } : {}),
          ...(flags.adjudicate ? { adjudicate: true } : {}),
        },
        flags.reviewer ?? defaultActor(),
      );
    } catch (error) {
      if (error instanceof WriteFailure) throw error;
      throw new CliError(reasonOf(error));
    }
    if (options.json) printJson({ reviewed: keys.length, eventIds, ...(flags.adjudicate ? { adjudicated: keys.length } : {}) });
    else printLines([`${keys.length} item${keys.length === 1 ? '' : 's'} ${flags.adjudicate ? 'adjudicated' : 'marked'} ${flags.verdict}`]);
    return 0;
  });
}

export async function runGrade(flags: { auto?: boolean }, options: GlobalOptions): Promise<number> {
  if (!flags.auto) throw new CliError('grade needs --auto (mechanical graders over the items waiting for review)');
  return withStore(options, async (store) => {
    const summary = await autoGrade(store, []);
    if (options.json) printJson(summary);
    else printLines([`${summary.examined} items examined: ${summary.decided} decided (${summary.modelWrong} model wrong, ${summary.evalWrong} eval wrong), ${summary.undecided} left for review`]);
    return 0;
  });
}

// Runs the mechanical graders over items waiting for review and records each decision
// as an automatic review: a right output means the eval was wrong (a false failure),
// a wrong one means the model was wrong (corrected to the expected answer). What the
// graders cannot decide stays for people.
import type { EvalCase } from '../model/caseModel';
import { findItem, listItems, loadCase, UnusableCaseError, type ItemRow } from '../store/storeQueries';
import type { NewEvent } from '../store/journalEvents';
import type { WorkspaceStore } from '../store/workspaceStore';
import { defaultGraderFor, grade, GRADERS, type GraderName, type GraderOptions, type GraderResult } from './graders';

export interface GradingRule extends GraderOptions {
  /** Suite name; `*` matches any run of characters. */
  suite: string;
  grader: GraderName;
}

export interface AutoGradeSummary {
  examined: number;
  decided: number;
  evalWrong: number;
  modelWrong: number;
  undecided: number;
  eventIds: string[];
}

function suitePattern(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

export function validateRules(value: unknown): GradingRule[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (r): r is GradingRule =>
      typeof r === 'object' && r !== null && typeof (r as GradingRule).suite === 'string' && (GRADERS as readonly string[]).includes((r as GradingRule).grader),
  );
}

export function decide(evalCase: EvalCase, rules: GradingRule[]): GraderResult | null {
  if (evalCase.expected === null || evalCase.output === null || evalCase.expected.trim() === '') return null;
  if (evalCase.outcome === 'error') return null; // the run broke: nothing to grade
  const rule = rules.find((r) => suitePattern(r.suite).test(evalCase.suite));
  const grader = rule?.grader ?? defaultGraderFor(evalCase.expected);
  const result = grade(grader, evalCase.expected, evalCase.output, rule ?? {});
  return result.matches === null ? null : result;
}

/** The item's latest case; one stored too deep to use (by an earlier version) is left for people, like any undecidable one. */
function usableCase(store: WorkspaceStore, item: ItemRow): EvalCase | undefined {
  try {
    return loadCase(store.blobs, item.latestBlob, item.latestIndex);
  } catch (error) {
    if (error instanceof UnusableCaseError) return undefined;
    throw error;
  }
}

export function autoGrade(store: WorkspaceStore, rules: GradingRule[], only?: string[]): AutoGradeSummary {
  const items: ItemRow[] = only
    ? only.map((key) => findItem(store.database, key)).filter((i): i is ItemRow => typeof i === 'object' && i?.state === 'new')
    : listItems(store.database, { state: 'new' });
  const events: NewEvent[] = [];
  const summary: AutoGradeSummary = { examined: items.length, decided: 0, evalWrong: 0, modelWrong: 0, undecided: 0, eventIds: [] };
  for (const item of items) {
    const evalCase = usableCase(store, item);
    const result = evalCase ? decide(evalCase, rules) : null;
    if (!result || !evalCase) {
      summary.undecided++;
      continue;
    }
    summary.decided++;
    if (result.matches) summary.evalWrong++;
    else summary.modelWrong++;
    events.push({
      type: 'review',
      caseKey: item.caseKey,
      verdict: result.matches ? 'eval-wrong' : 'model-wrong',
      ...(result.matches ? {} : { correction: evalCase.expected! }),
      reviewer: 'auto',
      grader: result.grader,
      reason: result.reason,
    });
  }
  summary.eventIds = store.append(events).eventIds;
  return summary;
}

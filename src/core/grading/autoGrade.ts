// Runs the mechanical graders over items waiting for review and records each decision
// as an automatic review: a right output means the eval was wrong (a false failure),
// a wrong one means the model was wrong (corrected to the expected answer, when that is
// a whole answer and not a text the output only had to contain). What the graders
// cannot decide stays for people.
import type { EvalCase } from '../model/caseModel';
import { findItemRefs, listItemRefs, loadCase, UnusableCaseError, type ItemRef } from '../store/storeQueries';
import type { NewEvent } from '../store/journalEvents';
import type { WorkspaceStore } from '../store/workspaceStore';
import { isCompleteAnswer } from './expectedAnswer';
import { PatternBudget } from './boundedPattern';
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

/**
 * Whether a suite name fits a rule's glob, where `*` matches any run of characters.
 * The parts between stars are found left to right, each at its first place after the
 * one before (the leftmost place leaves the most room for the rest, so it is never
 * wrong): one pass, where a regular expression of `.*`s backtracks polynomially.
 */
export function suiteMatches(glob: string, suite: string): boolean {
  const parts = glob.split('*');
  if (parts.length === 1) return glob === suite;
  const first = parts[0]!;
  const last = parts.at(-1)!;
  if (suite.length < first.length + last.length || !suite.startsWith(first) || !suite.endsWith(last)) return false;
  const end = suite.length - last.length;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    if (part === '') continue;
    const found = suite.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

export function validateRules(value: unknown): GradingRule[] {
  if (!Array.isArray(value)) return [];
  return value.filter((r): r is GradingRule => typeof r === 'object' && r !== null && typeof (r as GradingRule).suite === 'string' && (GRADERS as readonly string[]).includes((r as GradingRule).grader) && ((r as GradingRule).pattern === undefined || typeof (r as GradingRule).pattern === 'string'));
}

export function decide(evalCase: EvalCase, rules: GradingRule[], patterns = new PatternBudget()): GraderResult | null {
  if (evalCase.expected === null || evalCase.output === null || evalCase.expected.trim() === '') return null;
  if (evalCase.outcome === 'error') return null; // the run broke: nothing to grade
  const rule = rules.find((r) => suiteMatches(r.suite, evalCase.suite));
  const grader = rule?.grader ?? defaultGraderFor(evalCase.expected);
  const result = grade(grader, evalCase.expected, evalCase.output, rule ?? {}, patterns);
  return result.matches === null ? null : result;
}

/** The item's latest case; one stored too deep to use (by an earlier version) is left for people, like any undecidable one. */
function usableCase(store: WorkspaceStore, item: ItemRef): EvalCase | undefined {
  try {
    return loadCase(store.blobs, item.latestBlob, item.latestIndex);
  } catch (error) {
    if (error instanceof UnusableCaseError) return undefined;
    throw error;
  }
}

/** Items graded between two turns of the event loop (or fewer, when they take long). */
const ITEMS_PER_TURN = 25;
const MS_PER_TURN = 16;

/**
 * Grades in turns, giving the event loop back between them: in the extension host a
 * batch of thousands of items must not freeze the window. Each item's grading is
 * bounded on its own (linear readers, patterns under a time limit), so no turn is long.
 */
export async function autoGrade(store: WorkspaceStore, rules: GradingRule[], only?: string[]): Promise<AutoGradeSummary> {
  const items: ItemRef[] = only ? findItemRefs(store.database, only).filter((i): i is ItemRef => typeof i === 'object' && i?.state === 'new') : listItemRefs(store.database, { state: 'new' });
  const events: NewEvent[] = [];
  const summary: AutoGradeSummary = { examined: items.length, decided: 0, evalWrong: 0, modelWrong: 0, undecided: 0, eventIds: [] };
  const patterns = new PatternBudget();
  let turnStart = performance.now();
  let inTurn = 0;
  for (const item of items) {
    if (++inTurn > ITEMS_PER_TURN || performance.now() - turnStart > MS_PER_TURN) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      turnStart = performance.now();
      inTurn = 1;
    }
    const evalCase = usableCase(store, item);
    const result = evalCase ? decide(evalCase, rules, patterns) : null;
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
      // decided either way; a part of an answer is no answer to train on
      ...(result.matches || !isCompleteAnswer(evalCase, result.grader) ? {} : { correction: evalCase.expected! }),
      reviewer: 'auto',
      grader: result.grader,
      reason: result.reason,
    });
  }
  summary.eventIds = store.append(events).eventIds;
  return summary;
}

// What makes a live trace a failure, shared by the trace formats (OpenTelemetry,
// Langfuse): named scores judged against a bound with a direction, evaluation labels,
// and attribute rules (user feedback and the like). A live trace has no expected
// answer, so these are the only judges; a trace that nothing fails is a pass.
import type { Score } from '../model/caseModel';
import { toNumber, toText } from '../text/values';
import type { LiveFailureRule, ReadOptions, ScoreRule } from './adapter';

/**
 * Bounds used when settings name none for a score. Scores that measure harm pass at
 * or below their bound (a toxicity of 0 is good); scores that measure quality pass at
 * or above it (a correctness of 0 is bad). Names are matched after lower-casing and
 * turning `-`, `.` and spaces into `_`.
 */
export const DEFAULT_SCORE_RULES: Readonly<Record<string, ScoreRule>> = {
  toxicity: { max: 0.5 },
  hallucination: { max: 0.5 },
  bias: { max: 0.5 },
  harmfulness: { max: 0.5 },
  maliciousness: { max: 0.5 },
  correctness: { min: 0.5 },
  accuracy: { min: 0.5 },
  relevance: { min: 0.5 },
  answer_relevancy: { min: 0.5 },
  faithfulness: { min: 0.5 },
  groundedness: { min: 0.5 },
  helpfulness: { min: 0.5 },
  coherence: { min: 0.5 },
  user_feedback: { min: 0.5 },
};

/** Labels that mean the evaluated output failed (`gen_ai.evaluation.score.label`, categorical scores). */
const FAILING_LABELS = new Set(['fail', 'failed', 'failure', 'incorrect', 'false', 'wrong', 'no', 'not_relevant', 'irrelevant', 'unsafe', 'toxic', 'bad', 'thumbs_down', 'negative']);
const PASSING_LABELS = new Set(['pass', 'passed', 'success', 'correct', 'true', 'right', 'yes', 'relevant', 'safe', 'good', 'thumbs_up', 'positive']);

export function normalisedScoreName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s.-]+/g, '_');
}

/** The rule for a score: settings' scoreRules, then a threshold (a minimum), then the defaults. */
export function scoreRuleFor(name: string, options: ReadOptions): ScoreRule | undefined {
  const configured = options.scoreRules?.[name] ?? options.scoreRules?.[normalisedScoreName(name)];
  if (configured) return configured;
  const threshold = options.thresholds[name];
  if (threshold !== undefined) return { min: threshold };
  return DEFAULT_SCORE_RULES[normalisedScoreName(name)];
}

/** true / false for a label that clearly passes or fails, else null. */
export function labelVerdict(label: string): boolean | null {
  const key = normalisedScoreName(label).replace(/^_+|_+$/g, '');
  if (FAILING_LABELS.has(key)) return false;
  if (PASSING_LABELS.has(key)) return true;
  return null;
}

function ruleText(rule: ScoreRule): string {
  return [rule.min !== undefined ? `≥ ${rule.min}` : '', rule.max !== undefined ? `≤ ${rule.max}` : ''].filter(Boolean).join(' and ');
}

/**
 * Judges one named score: a number against its rule, else a label. `passed` is null
 * when nothing decides it (a number with no rule, an unknown label).
 */
export function judgeScore(name: string, value: unknown, label: string | undefined, options: ReadOptions, reason?: string): Score {
  const n = typeof value === 'boolean' ? null : toNumber(value);
  const rule = scoreRuleFor(name, options);
  const base: Score = { name, value: n ?? label ?? (value === undefined || value === null ? null : toText(value)), passed: null };
  if (reason) base.reason = reason;
  if (typeof value === 'boolean') return { ...base, value, passed: rule?.max !== undefined ? !value : value };
  if (n !== null && Number.isFinite(n) && rule) {
    const passed = (rule.min === undefined || n >= rule.min) && (rule.max === undefined || n <= rule.max);
    const threshold = rule.min ?? rule.max;
    const why = [reason, passed ? undefined : `${n} is not ${ruleText(rule)}`].filter(Boolean).join('; ');
    return { ...base, passed, ...(threshold !== undefined ? { threshold } : {}), ...(why ? { reason: why } : {}) };
  }
  if (label !== undefined && label !== '') {
    const verdict = labelVerdict(label);
    if (verdict !== null) return { ...base, passed: verdict };
  }
  return base;
}

/** Attribute values as a rule compares them: text, numbers and booleans as written. */
function ruleValues(rule: LiveFailureRule): string[] {
  const values = Array.isArray(rule.equals) ? rule.equals : [rule.equals];
  return values.map((v) => String(v));
}

/** The first failure rule an attribute set matches, as a reason, or undefined. */
export function matchFailureRule(attributes: Record<string, unknown>, rules: LiveFailureRule[] | undefined): string | undefined {
  for (const rule of rules ?? []) {
    if (!Object.hasOwn(attributes, rule.attribute)) continue;
    const actual = attributes[rule.attribute];
    const actualText = typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean' ? String(actual) : undefined;
    if (actualText !== undefined && ruleValues(rule).includes(actualText)) return `${rule.attribute} = ${actualText}`;
  }
  return undefined;
}

/** Failure rules from settings or flags: entries that are not `{attribute, equals}` are left out. */
export function failureRulesFrom(value: unknown): LiveFailureRule[] {
  if (!Array.isArray(value)) return [];
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  return value.filter(
    (r): r is LiveFailureRule =>
      typeof r === 'object' && r !== null && typeof (r as LiveFailureRule).attribute === 'string' && (r as LiveFailureRule).attribute !== '' && (scalar((r as LiveFailureRule).equals) || (Array.isArray((r as LiveFailureRule).equals) && ((r as LiveFailureRule).equals as unknown[]).every(scalar))),
  );
}

/** Score rules from settings: names mapped to `{min?, max?}` with finite numbers. */
export function scoreRulesFrom(value: unknown): Record<string, ScoreRule> {
  const out: Record<string, ScoreRule> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return out;
  for (const [name, raw] of Object.entries(value)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const rule: ScoreRule = {};
    const { min, max } = raw as Record<string, unknown>;
    if (typeof min === 'number' && Number.isFinite(min)) rule.min = min;
    if (typeof max === 'number' && Number.isFinite(max)) rule.max = max;
    if (rule.min !== undefined || rule.max !== undefined) out[name] = rule;
  }
  return out;
}

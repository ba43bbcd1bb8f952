// A quick check that a promptfoo row already has the shape promptfooResultSchema
// accepts, so the common row is used as parsed and only a row that fails it goes
// through the schema (for its verdict and its reason). The check is never looser than
// the schema: every field the schema types is checked here the same way or more
// strictly, and a row holding an object the schema would copy with a `__proto__` key
// (which the copy drops) is left to the schema, so a row the check passes is exactly
// the value the schema would have returned.

type Row = Record<string, unknown>;

const isPlainRecord = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v) && !Object.prototype.hasOwnProperty.call(v, '__proto__');
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);
const isString = (v: unknown) => typeof v === 'string';
const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isBoolean = (v: unknown) => typeof v === 'boolean';
const isNullableString = (v: unknown) => v === null || typeof v === 'string';

/** Every element, holes included (Array.prototype.every skips a hole; the schema does not). */
function allAre(items: unknown[], test: (v: unknown) => boolean): boolean {
  for (let i = 0; i < items.length; i++) if (!test(items[i])) return false;
  return true;
}

const isAssertion = (v: unknown) => isPlainRecord(v) && optional(v.type, isString);

const isComponent = (v: unknown) => isPlainRecord(v) && optional(v.pass, isBoolean) && optional(v.reason, isNullableString) && optional(v.assertion, (a) => a === null || isAssertion(a));

const isTestCase = (v: unknown) => isPlainRecord(v) && optional(v.vars, isPlainRecord) && optional(v.assert, Array.isArray) && optional(v.description, isString) && optional(v.metadata, isPlainRecord);

const isGrading = (v: unknown) => v === null || (isPlainRecord(v) && optional(v.pass, isBoolean) && optional(v.reason, isNullableString) && optional(v.componentResults, (c) => c === null || (Array.isArray(c) && allAre(c, isComponent))));

/** True when `raw` fits promptfooResultSchema as it is (the schema would return an equal value). */
export function fitsPromptfooResult(raw: unknown): raw is Row {
  if (!isPlainRecord(raw) || !isBoolean(raw.success)) return false;
  return (
    optional(raw.id, isString) &&
    optional(raw.error, isNullableString) &&
    optional(raw.failureReason, isNumber) &&
    optional(raw.vars, isPlainRecord) &&
    optional(raw.testIdx, isNumber) &&
    optional(raw.promptIdx, isNumber) &&
    optional(raw.prompt, (p) => isPlainRecord(p) && optional(p.raw, isString) && optional(p.label, isString)) &&
    optional(raw.provider, (p) => isString(p) || (isPlainRecord(p) && optional(p.id, isString) && optional(p.label, isString))) &&
    optional(raw.response, (r) => r === null || (isPlainRecord(r) && optional(r.error, isNullableString))) &&
    optional(raw.testCase, isTestCase) &&
    optional(raw.gradingResult, isGrading) &&
    optional(raw.latencyMs, isNumber) &&
    optional(raw.cost, isNumber) &&
    optional(raw.metadata, isPlainRecord)
  );
}

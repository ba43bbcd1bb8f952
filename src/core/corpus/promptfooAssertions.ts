// An answer check as promptfoo assertions: self-contained one-line `javascript`
// expressions that read the output the way the graders do (a choice letter, a single
// number, a JSON value with key order ignored, text with case, spacing and end
// punctuation ignored), so a wrong "556" fails a test whose answer is 56 and a right
// {"a":1} passes against {"a": 1}. promptfoo renders assertion values as templates, so
// data goes into the code as string literals with every brace, '%' and '#' escaped:
// no template delimiter can form, whatever the answer holds.
import type { AnswerCheck } from './sliceChecks';

/** A JavaScript string literal that cannot contain a template delimiter. */
export function inertLiteral(value: string): string {
  return JSON.stringify(value).replace(/[{}%#]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const OUTPUT_TEXT = '(typeof output === "string" ? output : JSON.stringify(output))';

// Each reading mirrors a grader in src/core/grading/graders.ts; promptfooAssertions.test
// runs both on the same outputs, so they cannot drift apart unnoticed.
const READ_CHOICE = 'const t = ' + OUTPUT_TEXT + '.trim(); const found = new Set(); ' + 'for (const re of [/^\\(?([A-J])\\)?$/gi, /(?:[Aa]nswer|ANSWER)\\s*(?:is)?\\s*[:=]?\\s*\\(?([A-J])\\)?(?![A-Za-z])/g, /^\\(?([A-J])[).:\\]]\\s/g]) ' + 'for (const m of t.matchAll(re)) found.add(m[1].toUpperCase());';

const READ_NUMBER =
  'const t = ' +
  OUTPUT_TEXT +
  '.trim().replace(/^(answer|the answer is|result)\\s*[:=]?\\s*/i, "").replace(/[.!]$/, ""); ' +
  'const m = t.match(/-?\\$?\\d[\\d,]*(\\.\\d+)?|-?\\$?\\.\\d+/g); if (!m || m.length !== 1) return false; ' +
  'const rest = t.replace(m[0], "").replace(/[$%\\s]/g, ""); if (rest.length > 0 && !/^[a-zA-Z]{1,12}$/.test(rest)) return false; ' +
  'const n = Number(m[0].replace(/[$,]/g, ""));';

const CANONICAL_JSON = 'const canon = (v) => Array.isArray(v) ? "[" + v.map(canon).join(",") + "]" : v !== null && typeof v === "object" ? ' + '"\\u007b" + Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => JSON.stringify(k) + ":" + canon(v[k])).join(",") + "\\u007d" : JSON.stringify(v ?? null);';

const NORMALISE_TEXT = 'const norm = (s) => s.normalize("NFKC").toLowerCase().replace(/\\s+/g, " ").trim()' + '.replace(/^[\\s"\'`([\\u007b]+|[\\s"\'`.,;:!?)\\]\\u007d]+$/g, "").replace(/^(the|a|an) /, "");';

const iife = (body: string) => `(() => { ${body} })()`;

/** The JavaScript expression that passes exactly the outputs the check accepts. */
export function answerExpression(check: AnswerCheck): string {
  switch (check.kind) {
    case 'choice':
      return iife(`${READ_CHOICE} return found.size === 1 && found.has(${inertLiteral(check.value)});`);
    case 'numeric': {
      const want = `Number(${inertLiteral(check.value)})`;
      return iife(`${READ_NUMBER} const want = ${want}; return Number.isFinite(n) && Math.abs(n - want) <= Math.max(1e-6, Math.abs(want) * 1e-9);`);
    }
    case 'json':
      return iife(`${CANONICAL_JSON} try { return canon(JSON.parse(${OUTPUT_TEXT})) === ${inertLiteral(check.value)}; } catch (e) { return false; }`);
    case 'text':
      return iife(`${NORMALISE_TEXT} return norm(${OUTPUT_TEXT}) === norm(${inertLiteral(check.value)});`);
  }
}

/** The promptfoo assertions for an answer check (JSON answers first assert that the output is JSON). */
export function answerAssertions(check: AnswerCheck): Record<string, unknown>[] {
  const js = { type: 'javascript', value: answerExpression(check), metric: `evalloop-${check.kind}` };
  return check.kind === 'json' ? [{ type: 'is-json' }, js] : [js];
}

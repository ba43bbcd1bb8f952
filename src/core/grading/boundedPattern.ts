// Runs a pattern a person wrote (an auto-grade rule's `pattern`) against model output
// under a time bound. JavaScript's regular expressions backtrack: `(a|a)+$` takes
// longer than anyone waits on a 40-character output, and no static check recognises
// every such pattern (overlapping alternatives, nested quantifiers, `\s*\s*$`, …).
// Node's vm module interrupts whatever runs inside `runInContext` once its timeout
// passes, a regular expression included, so the test runs there: synchronously, with no
// worker to start, and no pattern can hold the thread longer than the limit. A pattern
// that ran out of time once is not run again by the same budget (one auto-grade batch),
// so a batch pays the limit at most once per pattern.
import { createContext, Script } from 'node:vm';
import { reasonOf } from '../text/reasonOf';

/** How long one pattern may run on one output. */
export const PATTERN_TIME_LIMIT_MS = 250;
/** Only this much of an output is searched (a bound on the work a fast pattern does too). */
export const PATTERN_INPUT_LIMIT = 100_000;

export type PatternOutcome =
  | { kind: 'hit' }
  | { kind: 'miss' }
  | { kind: 'invalid'; reason: string }
  /** `earlier`: the pattern ran out of time on an earlier output of the same budget and was not run. */
  | { kind: 'too-slow'; earlier: boolean };

const sandbox: { source: string; input: string } = { source: '', input: '' };
let context: object | undefined;
const test = new Script('new RegExp(source, "i").test(input)');

export class PatternBudget {
  private readonly slow = new Set<string>();

  test(source: string, output: string): PatternOutcome {
    try {
      new RegExp(source, 'i'); // compiling is linear in the pattern; only matching can run away
    } catch (error) {
      return { kind: 'invalid', reason: reasonOf(error) };
    }
    if (this.slow.has(source)) return { kind: 'too-slow', earlier: true };
    context ??= createContext(sandbox);
    sandbox.source = source;
    sandbox.input = output.length > PATTERN_INPUT_LIMIT ? output.slice(0, PATTERN_INPUT_LIMIT) : output;
    try {
      return test.runInContext(context, { timeout: PATTERN_TIME_LIMIT_MS }) === true ? { kind: 'hit' } : { kind: 'miss' };
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
      this.slow.add(source);
      return { kind: 'too-slow', earlier: false };
    } finally {
      sandbox.input = ''; // do not keep a 100k output alive between calls
    }
  }
}

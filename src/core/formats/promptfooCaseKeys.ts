// promptfoo rows that are different tests stay different cases even when the prompt
// they rendered, the template and the provider are all the same (tests that differ
// only in their assertions or description, or vars the prompt does not use). The test
// (description, vars, assertions) joins a row's identity only when an earlier row of
// the same file already holds the key with another test, so every key that was
// already distinct stays what it was. Rows of one test repeated (promptfoo's
// `repeat`) keep one key.
import { canonicalJson, sha256Hex } from '../text/hashing';

export interface PromptfooTest {
  description?: string;
  vars?: Record<string, unknown>;
  assert?: unknown[];
}

/** 128 bits of sha256: what the map below keeps of each text, so a file of a million rows holds digests, not tests. */
const digestOf = (text: string) => sha256Hex(text).slice(0, 32);

export class PromptfooCaseKeys {
  /** The first test seen under each base identity (input, template, provider), both as digests. */
  private readonly firstTest = new Map<string, string>();

  /** The key parts of one row, beyond its input (given as its input hash). */
  partsFor(inputHash: string, template: string, provider: string, test: PromptfooTest): unknown[] {
    const base = digestOf(canonicalJson([inputHash, template, provider]));
    const identity = digestOf(canonicalJson({ description: test.description ?? null, vars: test.vars ?? {}, assert: test.assert ?? [] }));
    const first = this.firstTest.get(base);
    if (first === undefined) this.firstTest.set(base, identity);
    if (first === undefined || first === identity) return [template, provider];
    return [template, provider, { test: identity }];
  }
}

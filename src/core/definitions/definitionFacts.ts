// What finds a captured case's test where its eval is defined, kept beside its failure
// signature in the index (so placing failures in an open file reads no blob):
// promptfoo — the test's description (the case's title) and its variables' values;
// Inspect — the sample id and the input text. JUnit needs none: its case key holds
// `classname::name`. Long values are cut (marked with a trailing …) and compared by prefix.
import { firstInputText } from '../model/buildCase';
import type { EvalCase } from '../model/caseModel';

export interface DefinitionFacts {
  /** promptfoo: the case's title (the test's description when it has one). */
  title?: string;
  /** promptfoo: scalar variables as text. */
  vars?: Record<string, string>;
  /** Inspect: the sample id (without its epoch). */
  sampleId?: string;
  /** Inspect: the input as text. */
  input?: string;
}

const MAX_VALUE = 400;
const MAX_VARS = 40;

export function cutValue(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

export function definitionFactsOf(c: EvalCase): string | null {
  const format = c.caseKey.slice(0, c.caseKey.indexOf('/'));
  if (format === 'promptfoo') {
    const vars: Record<string, string> = {};
    for (const [name, value] of Object.entries(c.input.vars ?? {}).slice(0, MAX_VARS)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') vars[name] = cutValue(String(value));
    }
    return JSON.stringify({ title: c.title, vars } satisfies DefinitionFacts);
  }
  if (format === 'inspect') {
    const id = c.metadata.sampleId;
    const sampleId = typeof id === 'string' || typeof id === 'number' ? String(id) : c.sampleId?.replace(/@\d+$/, '');
    return JSON.stringify({ ...(sampleId !== undefined ? { sampleId } : {}), input: cutValue(firstInputText(c.input)) } satisfies DefinitionFacts);
  }
  return null;
}

export function parseFacts(text: string | null): DefinitionFacts | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as DefinitionFacts;
  } catch {
    return null;
  }
}

// Where a promptfoo test is defined: the entries of a config's `tests:` list and of
// the test files it names with `file://`, found line by line (no YAML parser is a
// dependency). Each entry gives its line, its description and the values of its
// variables that are plain scalars; a variable holding a list, a mapping or a
// `file://` load is named but not compared. Matching a captured case to an entry is by
// content (its description, else its variables), so it stays right as the file is
// edited: positions are recomputed from the text each time.
import { blockText, flowMapping, scalarOf } from './yamlScalars';

export interface PromptfooTestSite {
  /** 0-based line of the entry's `-`. */
  line: number;
  description?: string;
  /** Variables with scalar values, as text. */
  vars: Record<string, string>;
  /** Variables that are not plain scalars (not compared). */
  otherVars: string[];
}

export interface PromptfooTestsText {
  tests: PromptfooTestSite[];
  /** `file://` references in the `tests:` value (globs as written, relative to the config's folder). */
  fileRefs: string[];
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isNote = (line: string) => line.trim() === '' || line.trimStart().startsWith('#');
const KEY = /^(\s*)(?:-\s+)?(["']?)([^"'#:\s][^"'#:]*?)\2\s*:(?:\s+(.*)|\s*)$/;

/** A promptfoo config is YAML with a top-level `tests:` beside `prompts:` or `providers:`. */
export function isPromptfooConfig(text: string): boolean {
  return /^tests\s*:/m.test(text) && /^(prompts|providers)\s*:/m.test(text);
}

function refsIn(value: string): string[] {
  return [...value.matchAll(/file:\/\/[^\s,'"\]]+/g)].map((m) => m[0].slice('file://'.length));
}

/** Reads the entries of a block sequence: the lines from `start` to `end`. */
function entriesIn(lines: string[], start: number, end: number, out: PromptfooTestsText): void {
  let dashIndent = -1;
  for (let i = start; i < end; i++) {
    if (isNote(lines[i]!)) continue;
    if (/^\s*-(\s|$)/.test(lines[i]!)) dashIndent = indentOf(lines[i]!);
    break;
  }
  if (dashIndent < 0) return;
  const starts: number[] = [];
  for (let i = start; i < end; i++) {
    const line = lines[i]!;
    if (!isNote(line) && indentOf(line) === dashIndent && /^\s*-(\s|$)/.test(line)) starts.push(i);
    else if (!isNote(line) && indentOf(line) < dashIndent) break;
  }
  starts.forEach((first, k) => {
    const last = k + 1 < starts.length ? starts[k + 1]! : lastLineOf(lines, first, end, dashIndent);
    const head = lines[first]!.slice(dashIndent + 1).trim();
    if (head.startsWith('file://') || head.startsWith("'file://") || head.startsWith('"file://')) {
      out.fileRefs.push(...refsIn(head));
      return;
    }
    out.tests.push(readEntry(lines, first, last, dashIndent));
  });
}

function lastLineOf(lines: string[], first: number, end: number, dashIndent: number): number {
  let i = first + 1;
  for (; i < end; i++) if (!isNote(lines[i]!) && indentOf(lines[i]!) <= dashIndent) break;
  return i;
}

/** One entry (`- description: …`, `vars:` …) from its dash line to `end`. */
function readEntry(lines: string[], first: number, end: number, dashIndent: number): PromptfooTestSite {
  const site: PromptfooTestSite = { line: first, vars: {}, otherVars: [] };
  // the entry's keys sit where its first key does, after "- "
  const firstKey = /^(\s*-\s+)/.exec(lines[first]!);
  const keyIndent = firstKey ? firstKey[1]!.length : dashIndent + 2;
  for (let i = first; i < end; i++) {
    const line = i === first && firstKey ? ' '.repeat(keyIndent) + lines[i]!.slice(keyIndent) : lines[i]!;
    if (isNote(line) || indentOf(line) !== keyIndent) continue;
    const m = KEY.exec(line);
    if (!m) continue;
    const key = m[3]!.trim();
    const rest = m[4] ?? '';
    const bodyEnd = childEnd(lines, i + 1, end, keyIndent);
    if (key === 'description') {
      const value = scalarOf(rest);
      if (value === 'block') site.description = blockText(rest.trim(), lines.slice(i + 1, bodyEnd)).trim();
      else if (typeof value === 'object') site.description = value.text;
    } else if (key === 'vars') {
      const flow = flowMapping(rest);
      if (flow) Object.assign(site.vars, flow);
      else if (rest.trim() && !rest.trim().startsWith('#'))
        site.otherVars.push('*'); // vars loaded from a file
      else readVars(lines, i + 1, bodyEnd, site);
    }
  }
  return site;
}

/** The first line after `from` that is not indented deeper than `indent` (comments and blank lines belong to the body). */
function childEnd(lines: string[], from: number, end: number, indent: number): number {
  let i = from;
  for (; i < end; i++) if (!isNote(lines[i]!) && indentOf(lines[i]!) <= indent) break;
  return i;
}

function readVars(lines: string[], start: number, end: number, site: PromptfooTestSite): void {
  let varIndent = -1;
  for (let i = start; i < end; i++) {
    const line = lines[i]!;
    if (isNote(line)) continue;
    if (varIndent < 0) varIndent = indentOf(line);
    if (indentOf(line) !== varIndent) continue;
    const m = KEY.exec(line);
    if (!m) continue;
    const name = m[3]!.trim();
    const rest = m[4] ?? '';
    const value = scalarOf(rest);
    const bodyEnd = childEnd(lines, i + 1, end, varIndent);
    if (value === 'block') site.vars[name] = blockText(rest.trim(), lines.slice(i + 1, bodyEnd));
    else if (typeof value === 'object' && !value.text.startsWith('file://')) site.vars[name] = value.text;
    else site.otherVars.push(name);
  }
}

/**
 * The test entries of a promptfoo config (`whole: false`: under its top-level `tests:`)
 * or of a test file (`whole: true`: the file is the list).
 */
export function locatePromptfooTests(text: string, whole: boolean): PromptfooTestsText {
  const lines = text.split(/\r?\n/);
  const out: PromptfooTestsText = { tests: [], fileRefs: [] };
  if (whole) {
    entriesIn(lines, 0, lines.length, out);
    return out;
  }
  const at = lines.findIndex((l) => /^tests\s*:/.test(l));
  if (at < 0) return out;
  const inline = lines[at]!.replace(/^tests\s*:/, '').trim();
  if (inline && !inline.startsWith('#')) {
    out.fileRefs.push(...refsIn(inline));
    return out;
  }
  // a sequence under `tests:` may start at column 0 ("- vars:"), so it ends at the next top-level key
  let end = at + 1;
  for (; end < lines.length; end++) {
    const line = lines[end]!;
    if (!isNote(line) && indentOf(line) === 0 && !line.startsWith('-')) break;
  }
  entriesIn(lines, at + 1, end, out);
  return out;
}

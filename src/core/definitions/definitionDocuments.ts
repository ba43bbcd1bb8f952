// One entry point for the editor: what kind of definition a file is, the state of each
// test in it, and the line of one item's test. Paths are workspace-relative with `/`.
import { posix } from 'node:path';
import { locateCsvRows, locateJsonlRows, type DatasetRowSite } from './datasetRows';
import { datasetRowMatches, promptfooMatches, pytestMatches, siteStates, type DefinitionItem, type SiteState } from './definitionStates';
import { isPromptfooConfig, locatePromptfooTests, type PromptfooTestSite } from './promptfooTests';
import { locatePytestFunctions, modulePartsOf, type PytestSite } from './pytestFunctions';

export type DefinitionKind = 'promptfoo-config' | 'promptfoo-tests' | 'inspect-jsonl' | 'inspect-csv' | 'pytest';

/** The formats whose items a kind of file defines. */
export const FORMAT_OF_KIND: Record<DefinitionKind, string> = {
  'promptfoo-config': 'promptfoo',
  'promptfoo-tests': 'promptfoo',
  'inspect-jsonl': 'inspect',
  'inspect-csv': 'inspect',
  pytest: 'junit',
};

/**
 * The kind of a file, from its name and text; `referenced` says a promptfoo config names
 * it under `tests:` (a YAML test file says nothing about itself).
 */
export function definitionKindOf(path: string, text: string, referenced: boolean): DefinitionKind | undefined {
  const name = posix.basename(path.replace(/\\/g, '/'));
  if (/\.ya?ml$/i.test(name)) return isPromptfooConfig(text) ? 'promptfoo-config' : referenced ? 'promptfoo-tests' : undefined;
  if (/\.jsonl$/i.test(name)) return /"input"\s*:/.test(text.slice(0, 100_000)) ? 'inspect-jsonl' : undefined;
  if (/\.csv$/i.test(name)) return /^\ufeff?(?:[^\n]*,)?"?input"?(?:,|\r?\n|$)/.test(text) ? 'inspect-csv' : undefined;
  if (/^(test_.*|.*_test)\.py$/.test(name)) return 'pytest';
  return undefined;
}

type Located = { kind: 'promptfoo'; sites: PromptfooTestSite[] } | { kind: 'inspect'; sites: DatasetRowSite[] } | { kind: 'pytest'; sites: PytestSite[]; module: string[] };

function locate(kind: DefinitionKind, text: string, path: string): Located {
  switch (kind) {
    case 'promptfoo-config':
    case 'promptfoo-tests':
      return { kind: 'promptfoo', sites: locatePromptfooTests(text, kind === 'promptfoo-tests').tests };
    case 'inspect-jsonl':
      return { kind: 'inspect', sites: locateJsonlRows(text) };
    case 'inspect-csv':
      return { kind: 'inspect', sites: locateCsvRows(text) };
    case 'pytest':
      return { kind: 'pytest', sites: locatePytestFunctions(text), module: modulePartsOf(path) };
  }
}

function states(located: Located, items: DefinitionItem[]): SiteState[] {
  if (located.kind === 'promptfoo')
    return siteStates(
      located.sites,
      items.filter((i) => i.format === 'promptfoo'),
      (s, i) => promptfooMatches(s, i.facts),
    );
  if (located.kind === 'inspect')
    return siteStates(
      located.sites,
      items.filter((i) => i.format === 'inspect'),
      (s, i) => datasetRowMatches(s, i.facts),
    );
  return siteStates(
    located.sites,
    items.filter((i) => i.format === 'junit'),
    (s, i) => pytestMatches(s, located.module, i),
  );
}

/** The state of every test in the file that captured items match (tests with none are left out). */
export function definitionStatesIn(kind: DefinitionKind, text: string, path: string, items: DefinitionItem[]): SiteState[] {
  return states(locate(kind, text, path), items);
}

/** The line (0-based) where the item's test is defined in this file, if it is. */
export function definitionLineOf(kind: DefinitionKind, text: string, path: string, item: DefinitionItem): number | undefined {
  return states(locate(kind, text, path), [item])[0]?.line;
}

/** Globs a JavaScript RegExp can test (`**`, `*`, `?`, `{a,b}`), for `file://` references. */
function globRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) out += '\\{';
      else {
        out += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((p) => p.replace(/[.+^$()|[\]\\]/g, '\\$&'))
          .join('|')})`;
        i = end;
      }
    } else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * Whether the config at `configPath` names the file at `path` as tests (`tests: file://…`,
 * globs included). A reference with a function (`file://gen.py:make`) generates tests in
 * code and names no file of entries.
 */
export function promptfooConfigNames(configPath: string, configText: string, path: string): boolean {
  const dir = posix.dirname(configPath.replace(/\\/g, '/'));
  const target = posix.normalize(path.replace(/\\/g, '/'));
  return locatePromptfooTests(configText, false).fileRefs.some((ref) => {
    if (/\.(js|ts|mjs|cjs|py)(:|$)/.test(ref) || !/\.ya?ml$/i.test(ref)) return false;
    return globRegExp(posix.normalize(posix.join(dir, ref))).test(target);
  });
}

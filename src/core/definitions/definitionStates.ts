// The state of each test where its eval is defined: which captured items are that test
// (matched by content, per format), and what they add up to — "2 failing · 1
// regression · reviewed 1" — with the severity a Problems entry gets. Pure: the sites
// come from the locators, the items from the index.
import type { Database } from 'sql.js';
import { valuesOf } from '../store/storeQueries';
import { parseFacts, type DefinitionFacts } from './definitionFacts';
import type { DatasetRowSite } from './datasetRows';
import type { PromptfooTestSite } from './promptfooTests';
import { pytestIdMatches, type PytestSite } from './pytestFunctions';

export interface DefinitionItem {
  id: string;
  format: string;
  caseKey: string;
  state: string;
  /** Its last occurrence was a failure (not fixed since). */
  failing: boolean;
  /** An open regression. */
  regression: boolean;
  facts: DefinitionFacts | null;
}

/** The items of the formats whose tests can be found where they are defined. */
export function definitionItems(db: Database, formats: string[] = ['promptfoo', 'inspect', 'junit']): DefinitionItem[] {
  if (formats.length === 0) return [];
  return valuesOf(
    db,
    `SELECT i.id, i.format, i.case_key, i.state, i.fixed_rn IS NULL, i.regression_rn IS NOT NULL AND i.fixed_rn IS NULL, s.definition_facts
     FROM items i LEFT JOIN case_signatures s ON s.cid = i.cid WHERE i.format IN (${formats.map(() => '?').join(', ')})`,
    formats,
  ).map((r) => ({
    id: String(r[0]),
    format: String(r[1]),
    caseKey: String(r[2]),
    state: String(r[3]),
    failing: r[4] === 1,
    regression: r[5] === 1,
    facts: parseFacts(r[6] === null ? null : String(r[6])),
  }));
}

/** Text compared with spacing folded; a cut value (…) matches by prefix. */
export function sameText(stored: string, written: string): boolean {
  const a = stored.replace(/\s+/g, ' ').trim();
  const b = written.replace(/\s+/g, ' ').trim();
  if (a.endsWith('…')) return b.startsWith(a.slice(0, -1).trimEnd());
  return a === b;
}

/**
 * A promptfoo case is the test entry when the description matches its title (and its
 * scalar variables agree, if it has any), or, for an entry without a description, when
 * every scalar variable of the entry has the case's value. An entry with no scalar
 * variable and no description matches nothing: too little to tell tests apart.
 */
export function promptfooMatches(site: PromptfooTestSite, facts: DefinitionFacts | null): boolean {
  if (!facts?.vars) return false;
  const vars = Object.entries(site.vars);
  const varsAgree = vars.every(([name, value]) => facts.vars![name] !== undefined && sameText(facts.vars![name]!, value));
  if (site.description !== undefined) return facts.title !== undefined && sameText(facts.title, site.description) && varsAgree;
  return vars.length > 0 && varsAgree;
}

/**
 * An Inspect sample is the dataset row with its id, or, for a row without one, the row
 * whose input is the sample's input (or is contained in it: solvers add instructions
 * around the dataset's input).
 */
export function datasetRowMatches(row: DatasetRowSite, facts: DefinitionFacts | null): boolean {
  if (!facts) return false;
  if (row.id !== undefined) return facts.sampleId === row.id;
  if (facts.input === undefined) return false;
  if (sameText(facts.input, row.input)) return true;
  const written = row.input.replace(/\s+/g, ' ').trim();
  const stored = facts.input.replace(/\s+/g, ' ').trim().replace(/…$/, '');
  return written.length >= 20 && stored.includes(written);
}

/** The JUnit test id (`classname::name`) in a JUnit case key. */
export function junitTestId(caseKey: string): string {
  const at = caseKey.indexOf('/id:');
  return at >= 0 ? caseKey.slice(at + 4) : caseKey;
}

export function pytestMatches(site: PytestSite, moduleParts: string[], item: DefinitionItem): boolean {
  return pytestIdMatches(junitTestId(item.caseKey), site, moduleParts);
}

export interface SiteState {
  line: number;
  itemIds: string[];
  failing: number;
  regressions: number;
  reviewed: number;
}

export function siteStates<S extends { line: number }>(sites: S[], items: DefinitionItem[], matches: (site: S, item: DefinitionItem) => boolean): SiteState[] {
  return sites
    .map((site) => {
      const matched = items.filter((item) => matches(site, item));
      return {
        line: site.line,
        itemIds: matched.map((i) => i.id),
        failing: matched.filter((i) => i.failing).length,
        regressions: matched.filter((i) => i.regression).length,
        reviewed: matched.filter((i) => i.state === 'reviewed').length,
      };
    })
    .filter((s) => s.itemIds.length > 0);
}

/** The lens above a test: "2 failing · 1 regression · reviewed 1" (a test whose failures were all fixed: "fixed"). */
export function stateText(s: SiteState): string {
  const parts: string[] = [];
  if (s.failing) parts.push(`${s.failing} failing`);
  else parts.push('fixed');
  if (s.regressions) parts.push(`${s.regressions} regression${s.regressions === 1 ? '' : 's'}`);
  if (s.reviewed) parts.push(`reviewed ${s.reviewed}`);
  return parts.join(' · ');
}

/** A Problems entry's severity: a regression is an error, an unreviewed failure a warning, reviewed failures information; fixed, none. */
export function severityOf(s: SiteState): 'error' | 'warning' | 'information' | undefined {
  if (s.failing === 0) return undefined;
  if (s.regressions > 0) return 'error';
  return s.reviewed >= s.itemIds.length ? 'information' : 'warning';
}

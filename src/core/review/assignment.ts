// Hands items to reviewers. A plan is deterministic — the same items, people and earlier
// assignments always give the same plan, whoever runs it and wherever — and balanced:
// each item goes to the people with the fewest items so far in this plan, so no one gets
// more than one item over anyone else (unless people already on an item narrow the
// choice). Ties are broken by a hash of the item and the name, which varies the pairs of
// people sharing items: every pair gets items in common, so κ can be computed for each.
// A plan is written as `assign` journal events, so the whole team sees it.
import type { Database } from 'sql.js';
import { reviewerNameSchema, type NewEvent } from '../store/journalEvents';
import { countItems, valuesOf } from '../store/storeQueries';
import type { WorkspaceStore } from '../store/workspaceStore';
import { sha256Hex } from '../text/hashing';
import { standingVerdicts } from '../store/teamProjection';
import { matchingItems } from '../corpus/selectReviewed';
import type { VersionTime } from '../corpus/filterExpression';

export interface AssignableItem {
  id: string;
  caseKey: string;
  /** People already on the item — assigned to it, or with a verdict on it — who count toward its N. */
  taken: readonly string[];
}

export interface AssignmentPlan {
  /** Only items that get someone new. */
  items: { id: string; caseKey: string; to: string[] }[];
  /** Items handed to each person by this plan (every named person, 0 included). */
  perPerson: Record<string, number>;
  /** Matching items that already had N people on them. */
  alreadyCovered: number;
}

/** The names of a `--to` list: trimmed, each checked, duplicates dropped, sorted (the plan depends on the set, not the order). */
export function reviewerNames(list: readonly string[]): string[] {
  const names = new Set<string>();
  for (const raw of list.flatMap((entry) => entry.split(','))) {
    const name = raw.trim();
    if (!name) continue;
    const checked = reviewerNameSchema.safeParse(name);
    if (!checked.success) throw new Error(`reviewer name "${name}": ${checked.error.issues[0]?.message ?? 'not a valid name'}`);
    names.add(name);
  }
  if (names.size === 0) throw new Error('name at least one reviewer to assign to');
  return [...names].sort();
}

export function planAssignments(items: readonly AssignableItem[], people: readonly string[], perItem: number): AssignmentPlan {
  if (!Number.isInteger(perItem) || perItem < 1) throw new Error(`people per item must be a whole number of at least 1 (got ${perItem})`);
  if (perItem > people.length) throw new Error(`${perItem} people per item needs at least ${perItem} reviewers (${people.length} named: ${people.join(', ')})`);
  const load = new Map(people.map((p) => [p, 0]));
  const plan: AssignmentPlan = { items: [], perPerson: {}, alreadyCovered: 0 };
  // item ids are hashes: this order mixes suites and runs, and does not depend on capture order
  const ordered = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const item of ordered) {
    const taken = new Set(item.taken);
    const need = perItem - taken.size;
    if (need <= 0) {
      plan.alreadyCovered++;
      continue;
    }
    const chosen = people
      .filter((p) => !taken.has(p))
      .map((p) => ({ p, load: load.get(p)!, tie: sha256Hex(`${item.id}\u0000${p}`) }))
      .sort((a, b) => a.load - b.load || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0))
      .slice(0, need)
      .map((c) => c.p);
    if (chosen.length === 0) continue; // everyone named is on it already
    for (const p of chosen) load.set(p, load.get(p)! + 1);
    plan.items.push({ id: item.id, caseKey: item.caseKey, to: chosen.sort() });
  }
  for (const [p, n] of load) plan.perPerson[p] = n;
  return plan;
}

/** Items per `assign` event: a large plan becomes several lines, written (and fsynced) together. */
const ITEMS_PER_EVENT = 1000;

export interface AssignOptions {
  filter: string;
  people: readonly string[];
  perItem: number;
  versionTime?: VersionTime;
  dryRun?: boolean;
}

/** Plans the assignment of the matching items and journals it; returns the plan and the events' ids. */
export function assignItems(store: WorkspaceStore, options: AssignOptions): AssignmentPlan & { matched: number; eventIds: string[] } {
  const db = store.database;
  const matched = matchingItems(db, options.filter, options.versionTime ?? (() => undefined));
  const taken = peopleOn(db);
  const plan = planAssignments(
    matched.map((m) => ({ id: m.id, caseKey: m.caseKey, taken: [...(taken.get(m.cid) ?? [])] })),
    options.people,
    options.perItem,
  );
  const events: NewEvent[] = [];
  for (let i = 0; i < plan.items.length; i += ITEMS_PER_EVENT) {
    events.push({ type: 'assign', items: plan.items.slice(i, i + ITEMS_PER_EVENT).map((p) => ({ k: p.caseKey, to: p.to })) });
  }
  const eventIds = options.dryRun ? [] : store.append(events).eventIds;
  return { ...plan, matched: matched.length, eventIds };
}

/** Per item, the people on it: assigned, or with a standing verdict. */
function peopleOn(db: Database): Map<number, Set<string>> {
  const on = new Map<number, Set<string>>();
  const add = (cid: number, name: string) => {
    let set = on.get(cid);
    if (!set) on.set(cid, (set = new Set()));
    set.add(name);
  };
  for (const [cid, name] of valuesOf(db, 'SELECT cid, reviewer FROM assignments')) add(Number(cid), String(name));
  for (const [cid, name] of standingVerdicts(db)) add(cid, name);
  return on;
}

/** Whether anything is assigned (to `name`, when given). */
export function hasAssignments(db: Database, name?: string): boolean {
  return valuesOf(db, name === undefined ? 'SELECT 1 FROM assignments LIMIT 1' : 'SELECT 1 FROM assignments WHERE reviewer = ? LIMIT 1', name === undefined ? [] : [name]).length > 0;
}

/** Items assigned to `name` that have no standing verdict of theirs: what waits for them. */
export function waitingFor(db: Database, name: string): number {
  return countItems(db, { assignedTo: name, notReviewedBy: name });
}

/** The people an item is assigned to, by name. */
export function assigneesOf(db: Database, cid: number): string[] {
  return valuesOf(db, 'SELECT reviewer FROM assignments WHERE cid = ? ORDER BY reviewer', [cid]).map((r) => String(r[0]));
}

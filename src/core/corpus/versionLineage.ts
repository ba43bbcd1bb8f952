// The lineage of corpus versions: each version's parent is the version before it, and
// its added/removed counts are measured against that parent, record key by record key
// (a key is a case key and the record's position among that case's records).
import type { CorpusLayout, VersionManifest } from './corpusLayout';

export type RecordKeys = ReadonlyMap<string, ReadonlySet<string>>;

/** Records added and removed going from `before` to `now`, over every format of either. */
export function recordChanges(before: RecordKeys, now: RecordKeys): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  const empty = new Set<string>();
  for (const format of new Set([...before.keys(), ...now.keys()])) {
    const was = before.get(format) ?? empty;
    const is = now.get(format) ?? empty;
    for (const k of is) if (!was.has(k)) added++;
    for (const k of was) if (!is.has(k)) removed++;
  }
  return { added, removed };
}

/** The record keys of a version, format by format; throws when a segment's index cannot be read. */
export function versionRecordKeys(layout: CorpusLayout, manifest: Pick<VersionManifest, 'files'> | null): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const [format, file] of Object.entries(manifest?.files ?? {})) {
    const set = new Set<string>();
    for (const seg of file.segments) for (const k of layout.segmentKeys(format, seg.sha256)) set.add(k);
    keys.set(format, set);
  }
  return keys;
}

export interface LineageBreak {
  version: string;
  detail: string;
}

/**
 * Where the chain of versions breaks: a manifest that names another version than its
 * folder, a parent that is not the version before it (two snapshots that each took
 * the same parent), or added/removed counts that its parent's records do not give (a
 * parent replaced after the fact, e.g. by keeping one side of a merge conflict).
 * `manifests` holds the versions whose manifest could be read; the others are
 * reported where they are read.
 */
export function lineageBreaks(layout: CorpusLayout, versions: string[], manifests: ReadonlyMap<string, VersionManifest>): LineageBreak[] {
  const breaks: LineageBreak[] = [];
  versions.forEach((version, i) => {
    const manifest = manifests.get(version);
    if (!manifest) return;
    if (manifest.version !== version) breaks.push({ version, detail: `its manifest says it is ${manifest.version}` });
    const before = versions[i - 1] ?? null;
    if (manifest.parent !== before) {
      breaks.push({
        version,
        detail: `its parent is ${manifest.parent ?? 'none'}, but the version before it is ${before ?? 'none'}: the lineage forked (two snapshots built on the same parent), so its added/removed counts are measured against the wrong version`,
      });
      return;
    }
    const parent = before === null ? null : manifests.get(before);
    if (parent === undefined) return;
    let changes;
    try {
      changes = recordChanges(versionRecordKeys(layout, parent), versionRecordKeys(layout, manifest));
    } catch {
      return; // a missing segment index is reported with its segment
    }
    if (changes.added !== manifest.added || changes.removed !== manifest.removed) {
      breaks.push({
        version,
        detail: `its manifest says ${manifest.added} added and ${manifest.removed} removed against ${before ?? 'nothing'}, but the records give ${changes.added} added and ${changes.removed} removed: ${before ?? 'its parent'} is not the version it was built on`,
      });
    }
  });
  return breaks;
}

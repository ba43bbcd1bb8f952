// Giving local, unpublished corpus versions new numbers, when the number they were
// written under turned out to be another's (on the remote, or in a merged clone).
// Their records are untouched (segments are content-addressed); only the name, the
// parent and the counts against the parent change, and the dataset card is written
// again. Versions move up only, highest first, so no rename lands on a taken name.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorpusLayout, VersionManifest } from '../corpus/corpusLayout';
import { datasetCard } from '../corpus/datasetCard';
import { sha256Hex } from '../text/hashing';
import { versionName, versionNumber } from './versionClaims';
import { recordChanges, versionRecordKeys } from '../corpus/versionLineage';

/** Records added and removed against a parent, counted as a snapshot and `verify` count them. */
export function deltaAgainst(layout: CorpusLayout, manifest: VersionManifest, parent: VersionManifest | null): { added: number; removed: number } {
  return recordChanges(versionRecordKeys(layout, parent), versionRecordKeys(layout, manifest));
}

/** Writes a version's manifest and card in place (both read-only, like a snapshot's). */
export function writeVersionFiles(dir: string, manifest: VersionManifest): void {
  for (const [name, text] of [
    ['manifest.json', `${JSON.stringify(manifest, null, 2)}\n`],
    ['README.md', datasetCard(manifest)],
  ] as const) {
    const file = join(dir, name);
    const temp = join(dir, `.${name}.${process.pid}.tmp`);
    rmSync(temp, { force: true });
    writeFileSync(temp, text, { mode: 0o444 });
    renameSync(temp, file);
  }
}

export function manifestSha(layout: CorpusLayout, version: string): string {
  return sha256Hex(readFileSync(join(layout.versionDir(version), 'manifest.json')));
}

/**
 * Moves `versions` (local, unpublished, oldest first, a chain) up so the first becomes
 * `firstNumber` with parent `firstParent`; the others keep their distance and follow.
 * Returns old name → new name.
 */
export function shiftVersions(layout: CorpusLayout, versions: string[], firstNumber: number, firstParent: string | null): Map<string, string> {
  const moves = new Map<string, string>();
  if (versions.length === 0) return moves;
  const delta = firstNumber - versionNumber(versions[0]!);
  if (delta < 0) throw new Error(`versions are only ever moved up (${versions[0]} → ${versionName(firstNumber)})`);
  for (const v of versions) moves.set(v, versionName(versionNumber(v) + delta));
  if (delta > 0) {
    for (const v of [...versions].reverse()) {
      const target = layout.versionDir(moves.get(v)!);
      if (existsSync(target)) throw new Error(`cannot renumber ${v}: ${moves.get(v)} already exists in ${layout.versionsDir}`);
      renameSync(layout.versionDir(v), target);
    }
  }
  versions.forEach((v, i) => {
    const name = moves.get(v)!;
    const old = layout.manifest(name);
    const parent = i === 0 ? firstParent : old.parent !== null && moves.has(old.parent) ? moves.get(old.parent)! : old.parent;
    const parentManifest = parent && existsSync(join(layout.versionDir(parent), 'manifest.json')) ? layout.manifest(parent) : null;
    const delta2 = parent === old.parent ? { added: old.added, removed: old.removed } : deltaAgainst(layout, old, parentManifest);
    writeVersionFiles(layout.versionDir(name), { ...old, version: name, parent, ...delta2 });
  });
  return moves;
}

/** Sets a version's parent (and its counts against it) once the parent is on disk. */
export function reparent(layout: CorpusLayout, version: string, parent: string | null): void {
  const m = layout.manifest(version);
  const parentManifest = parent && existsSync(join(layout.versionDir(parent), 'manifest.json')) ? layout.manifest(parent) : null;
  const delta = deltaAgainst(layout, m, parentManifest);
  if (m.parent === parent && m.added === delta.added && m.removed === delta.removed) return;
  writeVersionFiles(layout.versionDir(version), { ...m, parent, ...delta });
}

/** A version renamed by a renumbering killed before its manifest was rewritten: its manifest names another number. */
export function repairRenamedVersions(layout: CorpusLayout): string[] {
  const fixed: string[] = [];
  for (const v of layout.versions()) {
    let m: VersionManifest;
    try {
      m = layout.manifest(v);
    } catch {
      continue; // unreadable manifests are verify's to name
    }
    if (m.version === v) continue;
    writeVersionFiles(layout.versionDir(v), { ...m, version: v });
    fixed.push(v);
  }
  return fixed;
}

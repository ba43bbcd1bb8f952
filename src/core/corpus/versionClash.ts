// Two clones that each wrote the same version number and were merged by git: the
// version's manifest.json then holds conflict markers, ours and theirs. Nothing may
// silently mix them. `doctor` names the clash; `doctor --repair` keeps theirs (already
// shared) under the number and moves ours to the next free number, parent and counts
// recomputed, both dataset cards written again. Segments are content-addressed files,
// so git merged both sides' records without conflict; only the manifests clash.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorpusLayout, versionManifestSchema, type VersionManifest } from './corpusLayout';
import { reparent, writeVersionFiles } from '../remote/versionRenumber';
import { settleVersionData } from './versionDataFiles';

export interface VersionClash {
  version: string;
  ours: VersionManifest;
  theirs: VersionManifest;
}

/** Splits text holding git conflict markers into our side and their side (undefined without markers). */
export function conflictSides(text: string): { ours: string; theirs: string } | undefined {
  if (!/^<<<<<<< /m.test(text)) return undefined;
  const ours: string[] = [];
  const theirs: string[] = [];
  let side: 'both' | 'ours' | 'base' | 'theirs' = 'both';
  for (const line of text.split('\n')) {
    if (line.startsWith('<<<<<<< ')) side = 'ours';
    else if (line.startsWith('||||||| ') && side === 'ours') side = 'base';
    else if (line === '=======' && (side === 'ours' || side === 'base')) side = 'theirs';
    else if (line.startsWith('>>>>>>> ') && side === 'theirs') side = 'both';
    else if (side === 'both') {
      ours.push(line);
      theirs.push(line);
    } else if (side === 'ours') ours.push(line);
    else if (side === 'theirs') theirs.push(line);
  }
  return { ours: ours.join('\n'), theirs: theirs.join('\n') };
}

function parseSide(text: string): VersionManifest | undefined {
  try {
    const parsed = versionManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Versions whose manifest is a merge conflict of two whole manifests. */
export function findVersionClashes(corpusDir: string): VersionClash[] {
  const layout = new CorpusLayout(corpusDir);
  const clashes: VersionClash[] = [];
  for (const version of layout.versions()) {
    const file = join(layout.versionDir(version), 'manifest.json');
    if (!existsSync(file)) continue;
    const sides = conflictSides(readFileSync(file, 'utf8'));
    if (!sides) continue;
    const ours = parseSide(sides.ours);
    const theirs = parseSide(sides.theirs);
    if (ours && theirs) clashes.push({ version, ours, theirs });
  }
  return clashes;
}

/** Theirs keeps the number; ours becomes the next free one. Returns ours' new name. */
export function repairVersionClash(corpusDir: string, clash: VersionClash): string {
  const layout = new CorpusLayout(corpusDir);
  const last = layout.versions().at(-1)!;
  const next = `v${String(Number(last.slice(1)) + 1).padStart(4, '0')}`;
  writeVersionFiles(layout.versionDir(clash.version), { ...clash.theirs, version: clash.version });
  mkdirSync(layout.versionDir(next));
  writeVersionFiles(layout.versionDir(next), { ...clash.ours, version: next });
  reparent(layout, next, last === clash.version ? clash.version : last);
  // git merged both sides' data/ files into the one folder: each version keeps its own
  settleVersionData(layout, layout.versionDir(clash.version), clash.theirs.files);
  settleVersionData(layout, layout.versionDir(next), clash.ours.files);
  return next;
}

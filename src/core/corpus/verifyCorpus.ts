// `verify`: every segment still has the hash it is named by and its manifest records;
// every version's files digest matches; each version's parent is the version before
// it and its added/removed counts agree; no pinned slice case is in any training
// version; a manifest git left in conflict is named as such.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256Hex } from '../text/hashing';
import { CorpusLayout, MergeConflictError, type VersionManifest } from './corpusLayout';
import { checkVersionData, hasVersionData } from './versionDataFiles';
import { SliceContamination, type ContaminationWarning } from './sliceContamination';
import { lineageBreaks } from './versionLineage';
import { reasonOf } from '../text/reasonOf';

export interface Violation {
  kind: 'hash' | 'missing' | 'records' | 'leak' | 'manifest' | 'conflict' | 'lineage';
  where: string;
  detail: string;
  /** What to do about it, where there is more to say than "write a new version". */
  fix?: string;
}

export interface VerifyReport {
  versions: number;
  segments: number;
  slices: number;
  violations: Violation[];
  /** Pinned cases that versions written before the pin hold: named, but nothing to repair. */
  warnings: ContaminationWarning[];
}

function unreadableManifest(where: string, error: unknown, redo: string): Violation {
  if (error instanceof MergeConflictError) {
    return {
      kind: 'conflict',
      where,
      detail: `${error.file} holds a git merge conflict: two clones each wrote ${where}`,
      fix: `keep one side (git checkout --ours -- ${dirname(error.file)}, or --theirs), remove the other side's data/ files the kept manifest does not name (verify lists them), and commit; then ${redo} so the other side's items come back as the next version`,
    };
  }
  return { kind: 'manifest', where, detail: reasonOf(error) };
}

export function verifyCorpus(corpusDir: string): VerifyReport {
  const layout = new CorpusLayout(corpusDir);
  const violations: Violation[] = [];
  const contamination = new SliceContamination(layout);
  const checked = new Map<string, string[]>(); // segment path → input hashes
  for (const slice of layout.slices()) {
    for (const version of layout.sliceVersions(slice)) {
      let m;
      try {
        m = layout.sliceManifest(slice, version);
      } catch (error) {
        violations.push(unreadableManifest(`slices/${slice}/${version}`, error, `evalloop pin ${slice}`));
        continue;
      }
      const file = join(layout.sliceDir(slice, version), 'cases.jsonl');
      if (!existsSync(file)) violations.push({ kind: 'missing', where: `slices/${slice}/${version}`, detail: 'cases.jsonl is missing' });
      else if (sha256Hex(readFileSync(file)) !== m.sha256) violations.push({ kind: 'hash', where: `slices/${slice}/${version}/cases.jsonl`, detail: 'content does not match the manifest sha256' });
    }
  }
  const versions = layout.versions();
  const manifests = new Map<string, VersionManifest>();
  for (const version of versions) {
    let manifest;
    try {
      manifest = layout.manifest(version);
    } catch (error) {
      violations.push(unreadableManifest(`versions/${version}`, error, 'evalloop snapshot'));
      continue;
    }
    manifests.set(version, manifest);
    for (const seg of manifest.sources.segments) {
      const path = join(layout.dir, seg.path);
      if (!existsSync(path)) violations.push({ kind: 'missing', where: `${version} sources`, detail: `${seg.path} is missing` });
      else if (sha256Hex(readFileSync(path)) !== seg.sha256) violations.push({ kind: 'hash', where: seg.path, detail: 'content does not match its sha256' });
    }
    for (const [format, file] of Object.entries(manifest.files)) {
      const parts: Buffer[] = [];
      for (const seg of file.segments) {
        const path = join(layout.dir, seg.path);
        if (!existsSync(path)) {
          violations.push({ kind: 'missing', where: `${version} ${format}`, detail: `${seg.path} is missing` });
          continue;
        }
        const bytes = readFileSync(path);
        parts.push(bytes);
        if (!checked.has(seg.path)) {
          if (sha256Hex(bytes) !== seg.sha256) violations.push({ kind: 'hash', where: seg.path, detail: 'content does not match its sha256' });
          const lines = bytes.toString('utf8').split('\n').filter(Boolean).length;
          if (lines !== seg.records) violations.push({ kind: 'records', where: seg.path, detail: `${lines} records, manifest says ${seg.records}` });
          const indexFile = join(layout.segmentDir(format), `${seg.sha256}.index.jsonl`);
          const indexBytes = existsSync(indexFile) ? readFileSync(indexFile) : null;
          const hashes = indexBytes
            ? indexBytes
                .toString('utf8')
                .split('\n')
                .filter(Boolean)
                .map((l) => (JSON.parse(l) as { h: string }).h)
            : [];
          if (!indexBytes) violations.push({ kind: 'missing', where: seg.path, detail: 'its index (which case each line is) is missing' });
          // the leakage check below trusts the index: an edited one could hide a pinned case
          else if (seg.index !== undefined && sha256Hex(indexBytes) !== seg.index) violations.push({ kind: 'hash', where: `${seg.path} index`, detail: 'the index (which case each line is) does not match the sha256 in the manifest' });
          checked.set(seg.path, hashes);
        }
        for (const h of checked.get(seg.path) ?? []) {
          for (const slice of contamination.leaksOf(version, manifest.leakage.slices, h)) {
            violations.push({ kind: 'leak', where: `${version} ${format} ${seg.path}`, detail: `holds a case pinned in slice ${slice} (input ${h}), written after the pin` });
          }
        }
      }
      if (parts.length === file.segments.length && sha256Hex(Buffer.concat(parts)) !== file.sha256) {
        violations.push({ kind: 'hash', where: `${version} ${format}`, detail: 'the concatenated segments do not match the manifest sha256' });
      }
    }
    if (hasVersionData(layout, version)) violations.push(...checkVersionData(layout, version, manifest));
  }
  for (const b of lineageBreaks(layout, versions, manifests)) {
    violations.push({ kind: 'lineage', where: `versions/${b.version}`, detail: b.detail, fix: 'its records are intact, only its parent and added/removed counts are wrong; versions are never rewritten, so for a clean chain snapshot into a fresh corpus folder (evalloop snapshot --to DIR)' });
  }
  return { versions: versions.length, segments: checked.size, slices: layout.slices().length, violations, warnings: contamination.warnings() };
}

/** One format of a version as a single file's content. */
export function exportVersion(corpusDir: string, version: string, format: string): string {
  const layout = new CorpusLayout(corpusDir);
  const versions = layout.versions();
  if (!versions.includes(version)) throw new Error(`no version "${version}" in ${layout.versionsDir} (versions: ${versions.join(', ') || 'none yet'})`);
  const manifest = layout.manifest(version);
  const file = manifest.files[format];
  if (!file) throw new Error(`${version} was written without the ${format} format (it has: ${Object.keys(manifest.files).join(', ')})`);
  return file.segments.map((s) => readFileSync(join(layout.dir, s.path), 'utf8')).join('');
}

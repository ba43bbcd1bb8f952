// A version folder holds its own data files, so it loads on its own:
// `load_dataset("corpus/versions/v0003", "sft")` reads the dataset card beside them,
// and the folder can be uploaded as it is. Hugging Face resolves a card's
// `configs[].data_files` against the card's folder (and a Hub repository has nothing
// above its root), so the card names `data/<format>/<sha256>.jsonl` inside the version.
//
// Each of those files is a hard link to the content-addressed segment it names: no
// byte is stored twice, so disk use still grows with the delta, not with the number
// of versions. Where the file system refuses hard links the segment is copied (what
// a git checkout of a committed corpus does too); `verify` checks every such file
// against the hash in its name either way.
import { copyFileSync, chmodSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../text/hashing';
import type { CorpusLayout, VersionManifest } from './corpusLayout';

/** Where a format's segment sits inside a version folder (relative to it). */
export function versionDataPath(format: string, sha256: string): string {
  return `data/${format}/${sha256}.jsonl`;
}

/** Puts each format's segments into a version folder being built. */
export function linkVersionData(layout: CorpusLayout, versionDir: string, files: VersionManifest['files']): void {
  for (const [format, file] of Object.entries(files)) {
    for (const seg of file.segments) {
      const target = join(versionDir, versionDataPath(format, seg.sha256));
      if (existsSync(target)) continue; // the same segment listed twice, or a retried build
      mkdirSync(join(versionDir, 'data', format), { recursive: true });
      const source = join(layout.dir, seg.path);
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
        chmodSync(target, 0o444);
      }
    }
  }
}

/**
 * Makes a version folder's data files exactly the ones its manifest names: missing ones
 * linked, others removed (after a renumbering or a clash repair moved manifests between
 * folders). Only the links in `data/` go; the segments they share stay.
 */
export function settleVersionData(layout: CorpusLayout, versionDir: string, files: VersionManifest['files']): void {
  linkVersionData(layout, versionDir, files);
  const named = new Set(Object.entries(files).flatMap(([format, f]) => f.segments.map((seg) => versionDataPath(format, seg.sha256))));
  const dataDir = join(versionDir, 'data');
  if (!existsSync(dataDir)) return;
  for (const format of readdirSync(dataDir)) {
    for (const file of readdirSync(join(dataDir, format))) {
      if (!named.has(`data/${format}/${file}`)) unlinkSync(join(dataDir, format, file));
    }
  }
}

export interface DataFileProblem {
  kind: 'missing' | 'hash' | 'manifest';
  where: string;
  detail: string;
}

/** A version's own data files: each one the manifest lists is there with the content its name says; no other is. */
export function checkVersionData(layout: CorpusLayout, version: string, manifest: VersionManifest): DataFileProblem[] {
  const dir = layout.versionDir(version);
  const problems: DataFileProblem[] = [];
  const listed = new Set<string>();
  for (const [format, file] of Object.entries(manifest.files)) {
    for (const seg of file.segments) {
      const rel = versionDataPath(format, seg.sha256);
      listed.add(rel);
      const path = join(dir, rel);
      if (!existsSync(path)) problems.push({ kind: 'missing', where: `versions/${version}/${rel}`, detail: 'is missing (the dataset card names it)' });
      else if (sha256Hex(readFileSync(path)) !== seg.sha256) problems.push({ kind: 'hash', where: `versions/${version}/${rel}`, detail: 'content does not match its sha256' });
    }
  }
  const dataDir = join(dir, 'data');
  if (existsSync(dataDir)) {
    for (const format of readdirSync(dataDir)) {
      for (const name of readdirSync(join(dataDir, format))) {
        const rel = `data/${format}/${name}`;
        if (!listed.has(rel)) problems.push({ kind: 'manifest', where: `versions/${version}/${rel}`, detail: 'is not in the manifest: a trainer reading the folder would read it' });
      }
    }
  }
  return problems;
}

/** Whether a version was written with its own data files (versions from before this layout were not). */
export function hasVersionData(layout: CorpusLayout, version: string): boolean {
  return existsSync(join(layout.versionDir(version), 'data'));
}

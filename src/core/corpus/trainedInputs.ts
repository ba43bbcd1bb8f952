// Which training versions already hold a case, by its input hash: read from the index
// beside each segment (one line per record, naming the case's input hash). Pinning a
// case that a version already holds cannot hold it out of that version, so `pin` asks
// first and the slice records what it knowingly pinned.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorpusLayout } from './corpusLayout';

/** The input hashes a segment's records come from (empty when its index is missing: `verify` names that). */
export function segmentInputHashes(layout: CorpusLayout, format: string, sha256: string): string[] {
  const index = join(layout.segmentDir(format), `${sha256}.index.jsonl`);
  if (!existsSync(index)) return [];
  return readFileSync(index, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { h: string }).h);
}

/** Input hash → the versions (oldest first) whose training files hold a record of it. */
export function trainedInputs(layout: CorpusLayout): Map<string, string[]> {
  const held = new Map<string, string[]>();
  const bySegment = new Map<string, string[]>();
  for (const version of layout.versions()) {
    // a version whose manifest cannot be read is named by `verify`; it holds nothing known here
    let files;
    try {
      files = layout.manifest(version).files;
    } catch {
      continue;
    }
    const hashes = new Set<string>();
    for (const [format, file] of Object.entries(files)) {
      for (const seg of file.segments) {
        let inSegment = bySegment.get(seg.path);
        if (!inSegment) {
          inSegment = segmentInputHashes(layout, format, seg.sha256);
          bySegment.set(seg.path, inSegment);
        }
        for (const h of inSegment) hashes.add(h);
      }
    }
    for (const h of hashes) {
      const list = held.get(h) ?? [];
      list.push(version);
      held.set(h, list);
    }
  }
  return held;
}

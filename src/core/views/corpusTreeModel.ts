// The Corpus tree's view model: versions → files → record previews, and slices →
// their versions, as plain data read from the corpus folder. The extension maps these
// nodes to TreeItems; nothing here knows about VS Code.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorpusLayout } from '../corpus/corpusLayout';
import { reasonOf } from '../text/reasonOf';

export type CorpusNode =
  | { kind: 'group'; group: 'versions' | 'slices' }
  /** `description` and `tooltip` from the version's manifest (or why it cannot be read). */
  | { kind: 'version'; version: string; description: string; tooltip?: string }
  | { kind: 'file'; version: string; format: string; records: number }
  | { kind: 'record'; version: string; format: string; line: number; text: string }
  | { kind: 'slice'; slice: string }
  | { kind: 'sliceVersion'; slice: string; version: string; cases: number };

/** Records of a file previewed under it; the whole file is a version's to open. */
export const PREVIEW_RECORDS = 50;

/** The children of a node (the two groups at the root); nothing when the corpus folder does not exist or is damaged. */
export function corpusChildren(layout: CorpusLayout, node?: CorpusNode): CorpusNode[] {
  if (!existsSync(layout.dir)) return [];
  try {
    if (!node)
      return [
        { kind: 'group', group: 'versions' },
        { kind: 'group', group: 'slices' },
      ];
    if (node.kind === 'group' && node.group === 'versions')
      return layout
        .versions()
        .reverse()
        .map((version) => versionNode(layout, version));
    if (node.kind === 'group') return layout.slices().map((slice) => ({ kind: 'slice', slice }));
    if (node.kind === 'version') {
      const m = layout.manifest(node.version);
      return Object.entries(m.files).map(([format, f]) => ({ kind: 'file', version: node.version, format, records: f.records }));
    }
    if (node.kind === 'file') return recordPreviews(layout, node.version, node.format);
    if (node.kind === 'slice') {
      return layout
        .sliceVersions(node.slice)
        .reverse()
        .map((version) => ({ kind: 'sliceVersion', slice: node.slice, version, cases: layout.sliceManifest(node.slice, version).cases }));
    }
  } catch {
    return []; // a damaged manifest: Verify Corpus says what is wrong
  }
  return [];
}

function versionNode(layout: CorpusLayout, version: string): CorpusNode {
  try {
    const m = layout.manifest(version);
    return {
      kind: 'version',
      version,
      description: `${Object.values(m.files).reduce((a, f) => a + f.records, 0)} records · +${m.added} −${m.removed} · ${m.createdAt.slice(0, 16).replace('T', ' ')}`,
      tooltip: `policy ${m.policy.name ?? '(ad hoc)'}: ${m.policy.filter}\nparent ${m.parent ?? 'none'}\n${m.leakage.excluded.length} held out as slice cases`,
    };
  } catch (error) {
    return { kind: 'version', version, description: `unreadable manifest: ${reasonOf(error)}` };
  }
}

function recordPreviews(layout: CorpusLayout, version: string, format: string): CorpusNode[] {
  const m = layout.manifest(version);
  const out: CorpusNode[] = [];
  let line = 0;
  for (const seg of m.files[format]?.segments ?? []) {
    for (const text of readFileSync(join(layout.dir, seg.path), 'utf8').split('\n')) {
      if (!text) continue;
      out.push({ kind: 'record', version, format, line: line++, text });
      if (out.length >= PREVIEW_RECORDS) return out;
    }
  }
  return out;
}

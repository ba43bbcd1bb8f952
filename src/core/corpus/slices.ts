// Pinned eval slices: a versioned set of cases kept as a perpetual eval, held out of
// every training version, exportable as promptfoo tests, an Inspect dataset or JSONL.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkspaceStore } from '../store/workspaceStore';
import { mkdirDurable, publishFolder, writeSynced } from '../store/durableFile';
import { buildFolderName, removeAbandonedBuilds } from '../store/unfinishedWrites';
import { sha256Hex } from '../text/hashing';
import { CorpusLayout, nextVersionName, validateName, type SliceManifest } from './corpusLayout';
import { selectCases } from './selectReviewed';
import { promptMessages } from './trainingRecords';
import type { EvalCase } from '../model/caseModel';

export interface SliceCase {
  caseKey: string;
  inputHash: string;
  suite: string;
  input: EvalCase['input'];
  /** The answer the next eval run should get: the reviewer's correction, else the expected answer. */
  target: string | null;
}

/** More pins of one slice than this finishing during one pin is not contention but a fault. */
const MAX_CLAIM_ATTEMPTS = 64;

export function pinSlice(store: WorkspaceStore, corpusDir: string, slice: string, filter = 'reviewed'): { version: string; manifest: SliceManifest; dir: string } {
  validateName('slice', slice);
  const layout = new CorpusLayout(corpusDir);
  layout.ensure();
  const versions = layout.versions();
  const versionTime = (v: string) => (versions.includes(v) ? layout.manifest(v).createdAt : undefined);
  const cases: SliceCase[] = selectCases(store, filter, versionTime, false).map((c) => ({
    caseKey: c.caseKey,
    inputHash: c.inputHash,
    suite: c.evalCase.suite,
    input: c.evalCase.input,
    target: c.verdict === 'model-wrong' && c.correction ? c.correction : c.evalCase.expected,
  }));
  if (cases.length === 0) throw new Error(`no items match "${filter}": nothing to pin`);
  const content = cases.map((c) => `${JSON.stringify(c)}\n`).join('');
  const sliceRoot = join(layout.slicesDir, slice);
  mkdirDurable(sliceRoot);
  removeAbandonedBuilds(sliceRoot);
  const inputHashes = [...new Set(cases.map((c) => c.inputHash))].sort();
  // slice versions have no parent: a number lost to another pin is simply the next one
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    const version = nextVersionName(layout.sliceVersions(slice));
    const manifest: SliceManifest = { slice, version, createdAt: new Date().toISOString(), filter, cases: cases.length, sha256: sha256Hex(content), inputHashes };
    // a private folder, synced before the rename publishes it
    const build = join(sliceRoot, buildFolderName());
    mkdirSync(build);
    try {
      writeSynced(join(build, 'cases.jsonl'), content);
      writeSynced(join(build, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      const target = layout.sliceDir(slice, version);
      if (publishFolder(build, target)) return { version, manifest, dir: target };
    } catch (error) {
      rmSync(build, { recursive: true, force: true });
      throw error;
    }
    rmSync(build, { recursive: true, force: true });
  }
  throw new Error(`could not claim a version of slice ${slice} in ${sliceRoot}: ${MAX_CLAIM_ATTEMPTS} other pins finished first; pin again`);
}

export function readSliceCases(layout: CorpusLayout, slice: string, version?: string): { version: string; cases: SliceCase[] } {
  const versions = layout.sliceVersions(slice);
  const chosen = version ?? versions.at(-1);
  if (!chosen || !versions.includes(chosen)) throw new Error(version ? `slice ${slice} has no version ${version}` : `no slice "${slice}" is pinned`);
  const text = readFileSync(join(layout.sliceDir(slice, chosen), 'cases.jsonl'), 'utf8');
  return { version: chosen, cases: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as SliceCase) };
}

export const SLICE_FORMATS = ['promptfoo', 'inspect', 'jsonl'] as const;
export type SliceFormat = (typeof SLICE_FORMATS)[number];

function promptOf(c: SliceCase): string {
  return c.input.prompt ?? promptMessages({ input: c.input } as EvalCase).map((m) => m.content).join('\n\n');
}

/** The slice as a file the next eval run reads. */
export function exportSlice(cases: SliceCase[], format: SliceFormat): string {
  switch (format) {
    case 'promptfoo':
      // a promptfoo tests file: variables plus an assertion from the target answer
      return `${JSON.stringify(
        cases.map((c) => ({
          description: c.caseKey,
          vars: { ...(c.input.vars ?? {}), prompt: promptOf(c) },
          ...(c.target !== null ? { assert: [{ type: 'icontains', value: c.target.trim() }] } : {}),
          metadata: { caseKey: c.caseKey, evalloopInputHash: c.inputHash },
        })),
        null,
        2,
      )}\n`;
    case 'inspect':
      // an Inspect dataset (json_dataset): input as text or chat messages, target
      return cases
        .map((c) =>
          JSON.stringify({
            id: c.caseKey,
            input: c.input.messages?.length ? c.input.messages.map((m) => ({ role: m.role, content: m.content })) : promptOf(c),
            ...(c.target !== null ? { target: c.target } : {}),
            metadata: { suite: c.suite, evalloop_input_hash: c.inputHash },
          }),
        )
        .map((l) => `${l}\n`)
        .join('');
    case 'jsonl':
      return cases.map((c) => `${JSON.stringify({ caseKey: c.caseKey, suite: c.suite, input: c.input, target: c.target })}\n`).join('');
  }
}

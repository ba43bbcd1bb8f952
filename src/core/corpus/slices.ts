// Pinned eval slices: a versioned set of cases kept as a perpetual eval, held out of
// every training version (exported by sliceExport.ts). A case that a training version
// already holds cannot be held out of it: pinning one is refused unless asked for, and
// then recorded in the slice as known contamination.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkspaceStore } from '../store/workspaceStore';
import { mkdirDurable, publishFolder, writeSynced } from '../store/durableFile';
import { buildFolderName, removeAbandonedBuilds } from '../store/unfinishedWrites';
import { sha256Hex } from '../text/hashing';
import { refuseCaseTwin, validateFolderName } from '../text/folderNames';
import { CorpusLayout, nextVersionName, type SliceManifest } from './corpusLayout';
import { parseGivenFilter } from './filterExpression';
import { selectCases } from './selectReviewed';
import { answerSourceOf, sliceCheckOf, type SliceCheck } from './sliceChecks';
import { trainedInputs } from './trainedInputs';
import type { EvalCase } from '../model/caseModel';

export interface SliceCase {
  caseKey: string;
  inputHash: string;
  suite: string;
  input: EvalCase['input'];
  /** The answer the next eval run should get: the reviewer's correction, the output an eval-wrong verdict found right, else the expected answer. */
  target: string | null;
  /** The original test's description, else the question (slices pinned before this field lack it). */
  description?: string;
  /** How a run of the case is judged (slices pinned before this field lack it: their target is compared whole). */
  check?: SliceCheck;
  /** Training versions that already held the case when it was pinned (`includeTrained`). */
  trainedIn?: string[];
}

export interface TrainedCase {
  caseKey: string;
  inputHash: string;
  versions: string[];
}

/** Pinning was refused: some matching cases are already in training versions. */
export class SliceTrainedError extends Error {
  constructor(
    readonly slice: string,
    readonly trained: TrainedCase[],
    readonly matching: number,
  ) {
    const versions = trainedVersionsOf(trained);
    super(
      `${trained.length} of the ${matching} cases matching the filter are already in training version${versions.length === 1 ? '' : 's'} ${versions.join(', ')} ` +
        `(${trained
          .slice(0, 5)
          .map((t) => `${t.caseKey} in ${t.versions.join(', ')}`)
          .join('; ')}${trained.length > 5 ? '; …' : ''}): slice ${slice} cannot hold them out of ${versions.length === 1 ? 'that version' : 'those versions'}, ` +
        'so their scores would not be held-out scores',
    );
  }
}

/** The versions named by a list of trained cases, in order. */
export function trainedVersionsOf(trained: TrainedCase[]): string[] {
  return [...new Set(trained.flatMap((t) => t.versions))].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
}

export interface PinOptions {
  /** Pin cases that training versions already hold, recording those versions (known contamination). */
  includeTrained?: boolean;
}

/** More pins of one slice than this finishing during one pin is not contention but a fault. */
const MAX_CLAIM_ATTEMPTS = 64;

export function pinSlice(store: WorkspaceStore, corpusDir: string, slice: string, filter = 'reviewed', options: PinOptions = {}): { version: string; manifest: SliceManifest; dir: string } {
  validateFolderName('slice', slice);
  parseGivenFilter(filter); // refused before anything is written
  const layout = new CorpusLayout(corpusDir);
  refuseCaseTwin('slice', layout.slicesDir, slice);
  layout.ensure();
  const versions = layout.versions();
  const versionTime = (v: string) => (versions.includes(v) ? layout.manifest(v).createdAt : undefined);
  const held = trainedInputs(layout);
  const cases: SliceCase[] = selectCases(store, filter, versionTime, false).map((c) => {
    const reviewed = { verdict: c.verdict || null, correction: c.correction, evalCase: c.evalCase };
    const trainedIn = held.get(c.inputHash);
    return {
      caseKey: c.caseKey,
      inputHash: c.inputHash,
      suite: c.evalCase.suite,
      input: c.evalCase.input,
      target: answerSourceOf(reviewed)?.text ?? null,
      description: c.evalCase.title,
      check: sliceCheckOf(reviewed),
      ...(trainedIn ? { trainedIn } : {}),
    };
  });
  if (cases.length === 0) throw new Error(`no items match "${filter}": nothing to pin`);
  const trained: TrainedCase[] = cases.filter((c) => c.trainedIn).map((c) => ({ caseKey: c.caseKey, inputHash: c.inputHash, versions: c.trainedIn! }));
  if (trained.length && !options.includeTrained) throw new SliceTrainedError(slice, trained, cases.length);
  const content = cases.map((c) => `${JSON.stringify(c)}\n`).join('');
  const sliceRoot = join(layout.slicesDir, slice);
  mkdirDurable(sliceRoot);
  removeAbandonedBuilds(sliceRoot);
  const inputHashes = [...new Set(cases.map((c) => c.inputHash))].sort();
  // slice versions have no parent: a number lost to another pin is simply the next one
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    const version = nextVersionName(layout.sliceVersions(slice));
    const manifest: SliceManifest = {
      slice,
      version,
      createdAt: new Date().toISOString(),
      filter,
      cases: cases.length,
      sha256: sha256Hex(content),
      inputHashes,
      // present (if empty) in every slice pinned with the check, so `verify` can tell it from older ones
      trainedIn: trained,
    };
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
  return {
    version: chosen,
    cases: text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SliceCase),
  };
}

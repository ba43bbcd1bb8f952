// The corpus folder: named policies in corpus.json, immutable versions, content-
// addressed segments shared between versions, and pinned eval slices.
//   corpus/corpus.json
//   corpus/segments/<format>/<sha256>.jsonl        (+ .index.jsonl: which case each line is)
//   corpus/segments/sources/<sha256>.jsonl          (the items and review events a version drew from)
//   corpus/versions/vNNNN/manifest.json, README.md
//   corpus/versions/vNNNN/data/<format>/<sha256>.jsonl   (hard links to the segments)
//   corpus/slices/<name>/vNNNN/cases.jsonl, manifest.json
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { isFolderName, validateFolderName } from '../text/folderNames';
import { mkdirDurable } from '../store/durableFile';
import { OUTPUT_FORMATS } from './trainingRecords';
import { reasonOf } from '../text/reasonOf';

export const secretsModeSchema = z.enum(['block', 'redact', 'allow']);

export const policySchema = z.object({
  filter: z.string(),
  formats: z.array(z.enum(OUTPUT_FORMATS)).min(1),
  secrets: secretsModeSchema.default('block'),
  description: z.string().optional(),
});
export type SnapshotPolicy = z.infer<typeof policySchema>;

export const corpusConfigSchema = z.object({
  policies: z.record(z.string(), policySchema).default({}),
});

export const DEFAULT_POLICY: SnapshotPolicy = {
  filter: 'reviewed',
  formats: ['sft', 'openai-preference', 'trl-preference', 'kto'],
  secrets: 'block',
  description: 'every human-reviewed item, in all formats',
};

export const segmentSchema = z.object({
  path: z.string(),
  sha256: z.string(),
  records: z.number().int().min(0),
  /** sha256 of the segment's `.index.jsonl` (the input hashes the leakage check reads); absent in versions written before it was recorded. */
  index: z.string().optional(),
});

export const versionManifestSchema = z.object({
  version: z.string(),
  parent: z.string().nullable(),
  createdAt: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
  policy: z.object({ name: z.string().nullable(), filter: z.string(), formats: z.array(z.string()), secrets: z.string() }),
  /** Counts, and the (itemId, review event) pairs in segments shared with the parent like the records. */
  sources: z.object({ items: z.number(), reviewEvents: z.number(), segments: z.array(segmentSchema) }),
  files: z.record(z.string(), z.object({ records: z.number(), sha256: z.string(), segments: z.array(segmentSchema) })),
  added: z.number(),
  removed: z.number(),
  leakage: z.object({ checked: z.boolean(), slices: z.array(z.string()), excluded: z.array(z.object({ itemId: z.string(), slice: z.string() })) }),
  redactions: z.array(z.object({ itemId: z.string(), kinds: z.array(z.string()) })),
  findings: z.array(z.object({ itemId: z.string(), kinds: z.array(z.string()) })),
  /** Records a verdict called for but that were not written, with the reason (an empty failed output gives no preference pair). */
  skipped: z.array(z.object({ itemId: z.string(), format: z.string(), reason: z.string() })).default([]),
  /** How the reviewers of the items it took stand, with α and κ per pair over them (review/agreementReport.ts); absent in older versions. */
  agreement: z
    .object({
      items: z.record(z.string(), z.number()),
      alpha: z.object({ value: z.number().nullable(), units: z.number(), values: z.number() }),
      pairs: z.array(z.object({ a: z.string(), b: z.string(), kappa: z.number().nullable(), items: z.number() })),
    })
    .optional(),
});
export type VersionManifest = z.infer<typeof versionManifestSchema>;

export const sliceManifestSchema = z.object({
  slice: z.string(),
  version: z.string(),
  createdAt: z.string(),
  filter: z.string(),
  cases: z.number(),
  sha256: z.string(),
  inputHashes: z.array(z.string()),
  /**
   * Cases pinned although training versions already held them (`pin --include-trained`),
   * with those versions: known contamination. Absent in slices pinned before pins checked.
   */
  trainedIn: z.array(z.object({ caseKey: z.string(), inputHash: z.string(), versions: z.array(z.string()) })).optional(),
});
export type SliceManifest = z.infer<typeof sliceManifestSchema>;

export class CorpusLayout {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  get configFile(): string {
    return join(this.dir, 'corpus.json');
  }
  get versionsDir(): string {
    return join(this.dir, 'versions');
  }
  get slicesDir(): string {
    return join(this.dir, 'slices');
  }
  segmentDir(format: string): string {
    return join(this.dir, 'segments', format);
  }

  /** The record key of each line of a segment, from the index written beside it. */
  segmentKeys(format: string, sha256: string): string[] {
    return readFileSync(join(this.segmentDir(format), `${sha256}.index.jsonl`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { k: string }).k);
  }

  ensure(): void {
    for (const d of [this.versionsDir, this.slicesDir, this.segmentDir('sources'), ...OUTPUT_FORMATS.map((f) => this.segmentDir(f))]) mkdirDurable(d);
  }

  policies(): Record<string, SnapshotPolicy> {
    if (!existsSync(this.configFile)) return {};
    return readManifest(this.configFile, corpusConfigSchema, 'a corpus configuration').policies;
  }

  /** Version names in order, oldest first. */
  versions(): string[] {
    if (!existsSync(this.versionsDir)) return [];
    return readdirSync(this.versionsDir)
      .filter((v) => /^v\d{4,}$/.test(v))
      .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  }

  versionDir(version: string): string {
    if (!/^v\d{4,}$/.test(version)) throw new Error(`"${version}" is not a version name (vNNNN)`);
    return join(this.versionsDir, version);
  }

  manifest(version: string): VersionManifest {
    return readManifest(join(this.versionDir(version), 'manifest.json'), versionManifestSchema, 'a version manifest');
  }

  /** Throws a MergeConflictError naming the first version manifest git left in conflict. */
  refuseMergeConflicts(): void {
    for (const version of this.versions()) {
      const file = join(this.versionDir(version), 'manifest.json');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // a missing manifest is another fault, named where it is read
      }
      if (CONFLICT_MARKER.test(text)) throw new MergeConflictError(file);
    }
  }

  slices(): string[] {
    if (!existsSync(this.slicesDir)) return [];
    return readdirSync(this.slicesDir).filter(isFolderName).sort();
  }

  sliceVersions(slice: string): string[] {
    const dir = join(this.slicesDir, validateFolderName('slice', slice));
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((v) => /^v\d{4,}$/.test(v))
      .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  }

  sliceDir(slice: string, version: string): string {
    return join(this.slicesDir, validateFolderName('slice', slice), version);
  }

  sliceManifest(slice: string, version: string): SliceManifest {
    return readManifest(join(this.sliceDir(slice, version), 'manifest.json'), sliceManifestSchema, 'a slice manifest');
  }

  /** Input hashes of every pinned slice case, with the slice that holds each. */
  pinnedInputs(): Map<string, string> {
    const pinned = new Map<string, string>();
    for (const slice of this.slices()) {
      for (const version of this.sliceVersions(slice)) {
        for (const h of this.sliceManifest(slice, version).inputHashes) if (!pinned.has(h)) pinned.set(h, `${slice}/${version}`);
      }
    }
    return pinned;
  }
}

/** A JSON file of the corpus that git left with conflict markers after a merge. */
export class MergeConflictError extends Error {
  constructor(readonly file: string) {
    super(`${file} holds a git merge conflict (<<<<<<< markers): two clones each wrote it. Keep one side (git checkout --ours or --theirs on its folder) and commit; ` + "for a version or slice, then snapshot or pin again so the other side's items come back as the next version");
  }
}

const CONFLICT_MARKER = /^(?:<{7}|={7}|>{7})(?:\s|$)/m;

/** Reads and checks one of the corpus's JSON files; every failure names the file and why. */
function readManifest<S extends z.ZodType>(file: string, schema: S, what: string): z.output<S> {
  const text = readFileSync(file, 'utf8');
  if (CONFLICT_MARKER.test(text)) throw new MergeConflictError(file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${reasonOf(error)})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: not ${what} (${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message})`);
  }
  return parsed.data;
}

export function nextVersionName(existing: string[]): string {
  const last = existing.length ? Number(existing.at(-1)!.slice(1)) : 0;
  return `v${String(last + 1).padStart(4, '0')}`;
}

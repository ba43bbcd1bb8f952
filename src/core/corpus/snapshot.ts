// Builds the next immutable corpus version from reviewed items: training records in
// each format, pinned slice cases held out, secrets blocked or redacted, records stored
// in content-addressed segments shared with the parent version where unchanged. The
// version is assembled in a private folder and renamed into place, so a crash never
// leaves a partial version. Several snapshots at once keep one lineage: a version is
// only ever claimed as the number after the parent it was measured against, and one
// that loses that number to another process is measured again against the winner.
//
// Two steps: planSnapshot draws everything from the store once (selection, the leakage
// firewall, the secrets scan, the records, the counts) and writes nothing; writeSnapshot
// writes a plan as the next version. VS Code shows the plan's counts, asks, and writes
// that same plan, so the records are computed once. `snapshot` is both.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { WorkspaceStore } from '../store/workspaceStore';
import { publishFolder, writeFileAtomic, writeSynced } from '../store/durableFile';
import { buildFolderName, removeAbandonedBuilds } from '../store/unfinishedWrites';
import { sha256Hex } from '../text/hashing';
import { CorpusLayout, DEFAULT_POLICY, nextVersionName, type SnapshotPolicy, type VersionManifest } from './corpusLayout';
import { datasetCard } from './datasetCard';
import { findSensitive, redactValue, type SensitiveKind } from './sensitiveContent';
import { parseGivenFilter } from './filterExpression';
import { selectCases, type SelectedCase } from './selectReviewed';
import { buildRecords, usesChat, type OutputFormat } from './trainingRecords';
import { linkVersionData } from './versionDataFiles';
import { recordChanges, versionRecordKeys } from './versionLineage';
import { RecordLines } from './recordLines';
import { agreementSummaryOf, type AgreementSummary } from '../review/agreementReport';
import { caseIdsOf } from '../store/caseIds';

export interface SnapshotOptions {
  policyName?: string;
  /** A filter instead of a named policy (formats and secrets mode then come from the default policy or `formats`/`secrets`). */
  filter?: string;
  formats?: OutputFormat[];
  secrets?: SnapshotPolicy['secrets'];
  toolVersion?: string;
  /** Count what would be written without writing anything. */
  dryRun?: boolean;
}

export interface SnapshotResult {
  version: string | null;
  manifest: VersionManifest;
  dir: string | null;
}

/** Nothing to write: a version with no record would load as nothing (and its card would not parse). */
export class EmptySelectionError extends Error {
  constructor(filter: string, selected: number) {
    super(
      selected === 0
        ? `nothing to snapshot: the filter "${filter}" selects no reviewed item; no version was written`
        : `nothing to snapshot: the filter "${filter}" selects ${selected} item${selected === 1 ? '' : 's'}, and none gives a training record (discarded, ambiguous, held out as pinned, or empty); no version was written`,
    );
  }
}

export class SnapshotBlockedError extends Error {
  constructor(readonly findings: { itemId: string; kinds: string[] }[]) {
    super(
      `secrets or personal data found in ${findings.length} item${findings.length === 1 ? '' : 's'}: ${findings
        .slice(0, 10)
        .map((f) => `${f.itemId} (${[...new Set(f.kinds)].join(', ')})`)
        .join('; ')}${findings.length > 10 ? '; …' : ''}. Review them, or snapshot with secrets "redact" or "allow".`,
    );
  }
}

function resolvePolicy(layout: CorpusLayout, options: SnapshotOptions): { name: string | null; policy: SnapshotPolicy } {
  if (options.policyName) {
    const policy = layout.policies()[options.policyName];
    if (!policy) throw new Error(`no policy "${options.policyName}" in ${layout.configFile}`);
    return { name: options.policyName, policy: { ...policy, ...(options.secrets ? { secrets: options.secrets } : {}) } };
  }
  return {
    name: null,
    policy: {
      ...DEFAULT_POLICY,
      ...(options.filter !== undefined ? { filter: options.filter } : {}),
      ...(options.formats ? { formats: options.formats } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
    },
  };
}

/** A segment as the manifest lists it. */
interface WrittenSegment {
  path: string;
  sha256: string;
  records: number;
  index?: string;
}

/** Writes lines `which` (all when not given) as a content-addressed segment with its index; notes it in `fresh`. */
function writeSegment(layout: CorpusLayout, format: string, lines: RecordLines, which: number[] | undefined, fresh: Set<WrittenSegment>): WrittenSegment {
  // encoded once: hashed and written as the same bytes
  const content = lines.bytes(which);
  const sha = sha256Hex(content);
  const dir = layout.segmentDir(format);
  const file = join(dir, `${sha}.jsonl`);
  const indexFile = join(dir, `${sha}.index.jsonl`);
  let index: Buffer | undefined;
  if (!existsSync(file)) {
    // the index first: a segment file never exists without it
    index = lines.indexBytes(which);
    writeFileAtomic(indexFile, index);
    writeFileAtomic(file, content);
    // immutable: read-only on disk too, so an editor does not save over it by accident
    chmodSync(file, 0o444);
  }
  // the manifest pins the index too: verify's leakage check reads it (hashed from the bytes written, when written now)
  const segment = { path: relative(layout.dir, file).split('\\').join('/'), sha256: sha, records: which?.length ?? lines.length, index: sha256Hex(index ?? readFileSync(indexFile)) };
  fresh.add(segment);
  return segment;
}

/** The file's lines as views (what `split('\n')` gives for text). */
function splitLines(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let from = 0;
  for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, from)) {
    out.push(bytes.subarray(from, nl));
    from = nl + 1;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** Segments of the parent whose every line is still wanted unchanged are reused; the rest go to one new segment. */
function buildSegments(layout: CorpusLayout, format: string, lines: RecordLines, parent: VersionManifest | null, fresh: Set<WrittenSegment>): WrittenSegment[] {
  const parentSegments = parent?.files[format]?.segments ?? [];
  if (parentSegments.length === 0) return lines.length ? [writeSegment(layout, format, lines, undefined, fresh)] : [];
  const wanted = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) wanted.set(lines.key(i), i);
  const covered = new Set<string>();
  const segments: WrittenSegment[] = [];
  for (const seg of parentSegments) {
    const keys = layout.segmentKeys(format, seg.sha256);
    // compared as bytes: the parent's line i against the line now wanted under its key
    const content = splitLines(readFileSync(join(layout.dir, seg.path)));
    const same = keys.every((k, i) => {
      const at = wanted.get(k);
      return at !== undefined && content[i] !== undefined && content[i]!.equals(lines.line(at)) && !covered.has(k);
    });
    if (same) {
      segments.push(seg);
      for (const k of keys) covered.add(k);
    }
  }
  const rest: number[] = [];
  for (let i = 0; i < lines.length; i++) if (!covered.has(lines.key(i))) rest.push(i);
  if (rest.length) segments.push(writeSegment(layout, format, lines, rest, fresh));
  return segments;
}

/** Every string inside a JSON value (the texts a secrets scan must see). */
function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    into.add(value);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collectStrings(value[i], into);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key in record) collectStrings(record[key], into);
  }
}

/** The sha256 of a format's segments read one after another; a single segment written (or found) just now is its own name. */
function segmentsDigest(layout: CorpusLayout, segments: WrittenSegment[], fresh: Set<WrittenSegment>): string {
  if (segments.length === 1 && fresh.has(segments[0]!)) return segments[0]!.sha256;
  return sha256Hex(Buffer.concat(segments.map((s) => readFileSync(join(layout.dir, s.path)))));
}

/** The records a policy draws from the store, before any parent is looked at. */
interface DrawnRecords {
  /** When the records were drawn: the version's `createdAt` (a review after it is not in the version; `since:` reads it). */
  drawnAt: string;
  name: string | null;
  policy: SnapshotPolicy;
  /** The record lines of each format, in the order they are written. */
  perFormat: Map<string, RecordLines>;
  /** The items that produced records, one sources line each (the item and the review that decided it). */
  sources: RecordLines;
  reviewEvents: number;
  excluded: { itemId: string; slice: string }[];
  slices: string[];
  redactions: { itemId: string; kinds: SensitiveKind[] }[];
  findings: { itemId: string; kinds: SensitiveKind[] }[];
  /** Records a case could not give (e.g. a preference pair from an empty output), with why. */
  skipped: { itemId: string; format: string; reason: string }[];
  /** The agreement behind the labels taken: who reviewed them, and how far they agreed. */
  agreement: AgreementSummary;
}

function drawRecords(store: WorkspaceStore, layout: CorpusLayout, options: SnapshotOptions): DrawnRecords {
  const drawnAt = new Date().toISOString();
  const { name, policy } = resolvePolicy(layout, options);
  const versions = layout.versions();
  const versionTime = (v: string) => (versions.includes(v) ? layout.manifest(v).createdAt : undefined);
  const selected = selectCases(store, policy.filter, versionTime);
  const selectedCount = selected.length;

  // the leakage firewall: no case pinned in a slice goes into training data
  const pinned = layout.pinnedInputs();
  const excluded: { itemId: string; slice: string }[] = [];
  const kept: (SelectedCase | undefined)[] = selected.filter((c) => {
    const slice = pinned.get(c.inputHash);
    if (slice) excluded.push({ itemId: c.itemId, slice });
    return !slice;
  });
  selected.length = 0;

  const findings: { itemId: string; kinds: SensitiveKind[] }[] = [];
  const redactions: { itemId: string; kinds: SensitiveKind[] }[] = [];
  const perFormat = new Map<string, RecordLines>();
  for (const format of policy.formats) perFormat.set(format, new RecordLines());
  const sources = new RecordLines();
  let reviewEvents = 0;
  const contributing: number[] = [];
  const skipped: { itemId: string; format: string; reason: string }[] = [];
  // TRL and KTO files hold one prompt shape per file (Arrow types each column once):
  // message lists as soon as any case is a conversation, else plain strings
  const conversational = kept.some((c) => usesChat(c!.evalCase));
  for (let i = 0; i < kept.length; i++) {
    const c = kept[i]!;
    // the case is let go once its records are made: only its lines are kept
    kept[i] = undefined;
    const byFormat = policy.formats.map((format) => {
      const built = buildRecords(format, c, { conversational });
      if (built.skipped) skipped.push({ itemId: c.itemId, format, reason: built.skipped });
      return [format, built.records] as const;
    });
    // one scan per distinct text: a case's records in every format repeat the same texts
    const texts = new Set<string>();
    for (const [, records] of byFormat) collectStrings(records, texts);
    // joined by a separator no pattern can match across
    const found = findSensitive([...texts].join('\n\u0000\n'));
    const redacted: SensitiveKind[] = [];
    if (found.length) findings.push({ itemId: c.itemId, kinds: [...new Set(found.map((f) => f.kind))] });
    let produced = false;
    // what every index line of the case says after its key, and its key quoted: made once per case
    const indexRest = `,"h":${JSON.stringify(c.inputHash)},"i":${JSON.stringify(c.itemId)}}`;
    const quotedKey = JSON.stringify(c.caseKey);
    for (const [format, records] of byFormat) {
      const lines = perFormat.get(format)!;
      records.forEach((record, n) => {
        const value = found.length && policy.secrets === 'redact' ? redactValue(record, redacted) : record;
        lines.push(c.caseKey, n, quotedKey, indexRest, JSON.stringify(value));
        produced = true;
      });
    }
    if (produced) {
      sources.push(c.itemId, undefined, JSON.stringify(c.itemId), indexRest, JSON.stringify({ item: c.itemId, caseKey: c.caseKey, review: c.reviewEvent }));
      if (c.reviewEvent !== null) reviewEvents++;
      contributing.push(caseIdsOf(c.caseKey).cid);
    }
    if (redacted.length) redactions.push({ itemId: c.itemId, kinds: [...new Set(redacted)] });
  }
  if (contributing.length === 0) throw new EmptySelectionError(policy.filter, selectedCount);
  if (findings.length && policy.secrets === 'block') throw new SnapshotBlockedError(findings);
  const agreement = agreementSummaryOf(store.database, contributing);
  return { drawnAt, name, policy, perFormat, sources, reviewEvents, excluded, slices: [...new Set(pinned.values())].sort(), redactions, findings, skipped, agreement };
}

/** The record keys of drawn records, format by format: made once per plan (it is counted when drawn and again when written). */
const drawnKeys = new WeakMap<DrawnRecords, Map<string, Set<string>>>();
function recordKeysOf(drawn: DrawnRecords): Map<string, Set<string>> {
  let now = drawnKeys.get(drawn);
  if (!now) {
    now = new Map();
    for (const [format, lines] of drawn.perFormat) {
      const keys = new Set<string>();
      for (let i = 0; i < lines.length; i++) keys.add(lines.key(i));
      now.set(format, keys);
    }
    drawnKeys.set(drawn, now);
  }
  return now;
}

/** Every manifest field but the version and files; of them the parent decides `parent`, `added` and `removed`. */
function manifestFields(drawn: DrawnRecords, parentName: string | null, parent: VersionManifest | null, layout: CorpusLayout, toolVersion: string | undefined) {
  const { policy } = drawn;
  // added and removed count records, format by format
  const { added, removed } = recordChanges(versionRecordKeys(layout, parent), recordKeysOf(drawn));
  return {
    parent: parentName,
    createdAt: drawn.drawnAt,
    tool: { name: 'evalloop', version: toolVersion ?? '0.0.0-dev' },
    policy: { name: drawn.name, filter: policy.filter, formats: policy.formats, secrets: policy.secrets },
    // the items and reviews that produced records (a discarded item produces none)
    sources: {
      items: drawn.sources.length,
      reviewEvents: drawn.reviewEvents,
      segments: [] as { path: string; sha256: string; records: number }[],
    },
    added,
    removed,
    leakage: { checked: true, slices: drawn.slices, excluded: drawn.excluded },
    redactions: policy.secrets === 'redact' ? drawn.redactions : [],
    findings: policy.secrets === 'allow' ? drawn.findings : [],
    skipped: drawn.skipped,
    // the agreement behind the labels it took (who reviewed them, and how far they agreed)
    agreement: drawn.agreement,
  };
}

/** More snapshots than this finishing while one is being measured is not contention but a fault. */
const MAX_CLAIM_ATTEMPTS = 64;

/** What a snapshot will write, drawn from the store once: shown for confirmation, then written as it is. */
export interface SnapshotPlan {
  readonly corpusDir: string;
  readonly toolVersion: string | undefined;
  /** The manifest the plan would have if written now (the next free number; its files' digests not yet known). */
  readonly manifest: VersionManifest;
  readonly drawn: DrawnRecords;
}

/**
 * Draws a snapshot from the store: the items the policy selects, less those a slice
 * pins; their records in each format; the secrets scan (a blocking policy throws here,
 * before anything is written). Writes nothing.
 */
export function planSnapshot(store: WorkspaceStore, corpusDir: string, options: SnapshotOptions = {}): SnapshotPlan {
  if (options.filter !== undefined) parseGivenFilter(options.filter); // refused before anything is written
  const layout = new CorpusLayout(corpusDir);
  layout.ensure();
  // a version two clones both wrote must be settled before anything is built on the corpus
  layout.refuseMergeConflicts();
  const drawn = drawRecords(store, layout, options);
  const versions = layout.versions();
  const parentName = versions.at(-1) ?? null;
  const fields = manifestFields(drawn, parentName, parentName ? layout.manifest(parentName) : null, layout, options.toolVersion);
  const files: VersionManifest['files'] = {};
  for (const [format, lines] of drawn.perFormat) files[format] = { records: lines.length, sha256: '', segments: [] };
  return { corpusDir, toolVersion: options.toolVersion, drawn, manifest: { version: nextVersionName(versions), files, ...fields } };
}

/**
 * Writes a plan as the next version. The parent is the latest version when it is
 * written (added and removed are counted against it then), so a version another process
 * wrote after the plan was drawn is this one's parent, not a sibling.
 */
export function writeSnapshot(plan: SnapshotPlan): SnapshotResult {
  const layout = new CorpusLayout(plan.corpusDir);
  layout.ensure();
  layout.refuseMergeConflicts();
  const { drawn } = plan;
  removeAbandonedBuilds(layout.versionsDir);
  for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
    // the parent is the latest version now; the number claimed is the one after it
    const versions = layout.versions();
    const parentName = versions.at(-1) ?? null;
    const parent = parentName ? layout.manifest(parentName) : null;
    const version = nextVersionName(versions);
    const fields = manifestFields(drawn, parentName, parent, layout, plan.toolVersion);
    const fresh = new Set<WrittenSegment>();
    fields.sources.segments = buildSegments(layout, 'sources', drawn.sources, parent ? { ...parent, files: { sources: { records: 0, sha256: '', segments: parent.sources.segments } } } : null, fresh);
    const files: VersionManifest['files'] = {};
    for (const [format, lines] of drawn.perFormat) {
      const segments = buildSegments(layout, format, lines, parent, fresh);
      files[format] = { records: lines.length, sha256: segmentsDigest(layout, segments, fresh), segments };
    }
    const manifest: VersionManifest = { version, ...fields, files };
    // a private folder: no other process removes it while this one lives, nor reads it
    const build = join(layout.versionsDir, buildFolderName());
    mkdirSync(build);
    try {
      linkVersionData(layout, build, files);
      writeSynced(join(build, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, 0o444);
      writeSynced(join(build, 'README.md'), datasetCard(manifest), 0o444);
      const target = layout.versionDir(version);
      if (publishFolder(build, target)) return { version, manifest, dir: target };
    } catch (error) {
      rmSync(build, { recursive: true, force: true });
      throw error;
    }
    // another snapshot took this number first: measure again against it
    rmSync(build, { recursive: true, force: true });
  }
  throw new Error(`could not claim a version number in ${layout.versionsDir}: ${MAX_CLAIM_ATTEMPTS} other snapshots finished first while this one was measured; run it again`);
}

/** Plans and writes the next version (with `dryRun`, only plans: the manifest it would have). */
export function snapshot(store: WorkspaceStore, corpusDir: string, options: SnapshotOptions = {}): SnapshotResult {
  const plan = planSnapshot(store, corpusDir, options);
  if (options.dryRun) return { version: null, dir: null, manifest: plan.manifest };
  return writeSnapshot(plan);
}

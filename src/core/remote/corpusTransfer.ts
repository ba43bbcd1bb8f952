// The corpus on a remote, laid out as on disk so a training job reads it where it is:
//   corpus/segments/<format>/<sha256>.jsonl (+ .index.jsonl)   uploaded once, by content
//   corpus/versions/vNNNN/README.md, manifest.json            the manifest last: its presence publishes
//   corpus/slices/<name>/vNNNN/cases.jsonl, manifest.json
//   claims/versions/vNNNN/…, claims/slices/<name>/vNNNN/…     the claim rule (versionClaims.ts)
// A local version is published once the remote holds the same manifest bytes under
// its number. One not yet published whose number the remote already gives to another
// version is moved up to the next free number (versionRenumber.ts) — on pull, and on
// push before it is published — and the user is told in one line. Nothing on the
// remote is ever deleted or rewritten.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CorpusLayout, sliceManifestSchema, versionManifestSchema, type VersionManifest } from '../corpus/corpusLayout';
import { datasetCard } from '../corpus/datasetCard';
import { writeFileAtomic } from '../store/durableFile';
import { sha256Hex } from '../text/hashing';
import { FOLDER_NAME_PATTERN } from '../text/folderNames';
import type { ObjectStore } from './objectStore';
import type { RemoteState } from './remoteState';
import { claimNumber, liveClaims, versionName, versionNumber } from './versionClaims';
import { manifestSha, reparent, repairRenamedVersions, shiftVersions } from './versionRenumber';

export interface CorpusTally {
  versions: string[];
  slices: string[];
  segments: number;
  renumbered: { from: string; to: string }[];
  notices: string[];
}

export interface CorpusOptions {
  ifAbsent: boolean;
  saveState: () => void;
}

function emptyCorpusTally(): CorpusTally {
  return { versions: [], slices: [], segments: 0, renumbered: [], notices: [] };
}

const SEGMENT_PATH = /^segments\/[a-z][a-z-]{0,31}\/[0-9a-f]{64}\.jsonl$/;
const VERSION_KEY = /^corpus\/versions\/(v\d{4,})\/manifest\.json$/;
const SLICE_KEY = new RegExp(`^corpus/slices/(${FOLDER_NAME_PATTERN})/(v\\d{4,})/manifest\\.json$`);

/** How long a publisher holding vN waits for a lower number someone claimed to be published, so it can name it as parent. */
function parentWaitMs(): number {
  return Number(process.env.EVALLOOP_CLAIM_WAIT_MS ?? 30_000);
}
/** A claim older than this without a manifest belongs to a publisher that stopped: its number stays empty. */
const ABANDONED_CLAIM_MS = 10 * 60_000;

async function remoteVersions(remote: ObjectStore): Promise<string[]> {
  const names = (await remote.list('corpus/versions/')).objects.map((o) => VERSION_KEY.exec(o.key)?.[1]).filter((v): v is string => v !== undefined);
  return names.sort((a, b) => versionNumber(a) - versionNumber(b));
}

async function remoteSlices(remote: ObjectStore): Promise<Map<string, string[]>> {
  const slices = new Map<string, string[]>();
  for (const o of (await remote.list('corpus/slices/')).objects) {
    const m = SLICE_KEY.exec(o.key);
    if (m) slices.set(m[1]!, [...(slices.get(m[1]!) ?? []), m[2]!]);
  }
  return slices;
}

function localSha(file: string): string | undefined {
  return existsSync(file) ? sha256Hex(readFileSync(file)) : undefined;
}

async function getRequired(remote: ObjectStore, key: string): Promise<Buffer> {
  const bytes = await remote.get(key);
  if (!bytes) throw new Error(`${remote.label}: ${key} is missing there`);
  return bytes;
}

function writeReadOnly(file: string, bytes: Uint8Array | string): void {
  writeFileAtomic(file, bytes);
  chmodSync(file, 0o444);
}

/** Brings one segment (and its index) into place unless it is there; verifies its hash. */
async function fetchSegment(remote: ObjectStore, layout: CorpusLayout, path: string, sha: string, tally: CorpusTally): Promise<void> {
  if (!SEGMENT_PATH.test(path)) throw new Error(`${remote.label}: a manifest names segment "${path}", which is not a segment path`);
  const file = join(layout.dir, path);
  const index = file.replace(/\.jsonl$/, '.index.jsonl');
  if (existsSync(file) && existsSync(index)) return;
  mkdirSync(join(file, '..'), { recursive: true });
  const bytes = await getRequired(remote, `corpus/${path}`);
  if (sha256Hex(bytes) !== sha) throw new Error(`${remote.label}: corpus/${path} does not match its sha256`);
  // the index first: a segment file never exists without it
  if (!existsSync(index)) writeFileAtomic(index, await getRequired(remote, `corpus/${path.replace(/\.jsonl$/, '.index.jsonl')}`));
  if (!existsSync(file)) writeReadOnly(file, bytes);
  tally.segments++;
}

async function uploadSegment(remote: ObjectStore, layout: CorpusLayout, path: string, options: CorpusOptions, tally: CorpusTally): Promise<void> {
  const key = `corpus/${path}`;
  if (await remote.exists(key)) return;
  const indexPath = path.replace(/\.jsonl$/, '.index.jsonl');
  await remote.put(`corpus/${indexPath}`, readFileSync(join(layout.dir, indexPath)), { ifAbsent: options.ifAbsent });
  await remote.put(key, readFileSync(join(layout.dir, path)), { ifAbsent: options.ifAbsent });
  tally.segments++;
}

function segmentsOf(m: VersionManifest): { path: string; sha256: string }[] {
  return [...m.sources.segments, ...Object.values(m.files).flatMap((f) => f.segments)];
}

/** Downloads a published version into a temporary folder (segments go straight into place). */
async function downloadVersion(remote: ObjectStore, layout: CorpusLayout, version: string, tally: CorpusTally): Promise<{ dir: string; sha: string; manifest: VersionManifest }> {
  const bytes = await getRequired(remote, `corpus/versions/${version}/manifest.json`);
  const parsed = versionManifestSchema.safeParse(JSON.parse(bytes.toString('utf8')));
  if (!parsed.success || parsed.data.version !== version) throw new Error(`${remote.label}: corpus/versions/${version}/manifest.json is not the manifest of ${version}`);
  for (const seg of segmentsOf(parsed.data)) await fetchSegment(remote, layout, seg.path, seg.sha256, tally);
  const card = (await remote.get(`corpus/versions/${version}/README.md`)) ?? Buffer.from(datasetCard(parsed.data));
  const dir = join(layout.versionsDir, `.pull-${randomBytes(6).toString('hex')}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'README.md'), card, { mode: 0o444 });
  writeFileSync(join(dir, 'manifest.json'), bytes, { mode: 0o444 });
  return { dir, sha: sha256Hex(bytes), manifest: parsed.data };
}

function unpublishedVersions(layout: CorpusLayout, state: RemoteState): string[] {
  return layout.versions().filter((v) => state.published[`versions/${v}`] !== manifestSha(layout, v));
}

/** Brings versions and slices published on the remote; moves clashing local ones up. */
export async function pullCorpus(remote: ObjectStore, corpusDir: string, state: RemoteState, options: CorpusOptions): Promise<CorpusTally> {
  const tally = emptyCorpusTally();
  const published = await remoteVersions(remote);
  const slices = await remoteSlices(remote);
  if (published.length === 0 && slices.size === 0) return tally;
  const layout = new CorpusLayout(corpusDir);
  layout.ensure();
  repairRenamedVersions(layout);
  const local = new Set(layout.versions());
  const wanted: string[] = [];
  for (const v of published) {
    if (local.has(v) && state.published[`versions/${v}`] === manifestSha(layout, v)) continue;
    if (local.has(v)) {
      const theirs = await getRequired(remote, `corpus/versions/${v}/manifest.json`);
      if (sha256Hex(theirs) === manifestSha(layout, v)) {
        state.published[`versions/${v}`] = manifestSha(layout, v);
        continue;
      }
    }
    wanted.push(v);
  }
  const downloaded = [];
  for (const v of wanted) downloaded.push({ version: v, ...(await downloadVersion(remote, layout, v, tally)) });
  // a local version not yet published whose number the remote gave to another moves above the remote's last
  const unpublished = unpublishedVersions(layout, state).filter((v) => !published.includes(v) || wanted.includes(v));
  const last = published.at(-1)!;
  let firstShifted: string | undefined;
  if (unpublished.length && last && versionNumber(unpublished[0]!) <= versionNumber(last)) {
    const moves = shiftVersions(layout, unpublished, versionNumber(last) + 1, last);
    for (const [from, to] of moves) {
      tally.renumbered.push({ from, to });
      tally.notices.push(`${from} was taken on ${remote.label} by another snapshot; yours (not yet published) is now ${to}`);
    }
    firstShifted = moves.get(unpublished[0]!);
  }
  for (const d of downloaded) {
    renameSync(d.dir, layout.versionDir(d.version));
    state.published[`versions/${d.version}`] = d.sha;
    tally.versions.push(d.version);
  }
  if (firstShifted) reparent(layout, firstShifted, last);
  await pullSlices(remote, layout, slices, state, tally);
  options.saveState();
  return tally;
}

async function pullSlices(remote: ObjectStore, layout: CorpusLayout, slices: Map<string, string[]>, state: RemoteState, tally: CorpusTally): Promise<void> {
  for (const [slice, versions] of slices) {
    versions.sort((a, b) => versionNumber(a) - versionNumber(b));
    for (const v of versions) {
      const id = `slices/${slice}/${v}`;
      const dir = layout.sliceDir(slice, v);
      const mine = localSha(join(dir, 'manifest.json'));
      if (mine && state.published[id] === mine) continue;
      const bytes = await getRequired(remote, `corpus/${id}/manifest.json`);
      if (mine === sha256Hex(bytes)) {
        state.published[id] = mine;
        continue;
      }
      if (mine) {
        // ours, not yet published, under a number the remote gave to another pin: move it above the remote's last
        const to = versionName(Math.max(versionNumber(versions.at(-1)!), ...layout.sliceVersions(slice).map(versionNumber)) + 1);
        moveSliceVersion(layout, slice, v, to);
        tally.renumbered.push({ from: `${slice}/${v}`, to: `${slice}/${to}` });
        tally.notices.push(`local slice ${slice} ${v} (not yet published) is now ${to}: ${remote.label} already has a ${v} of it`);
      }
      const manifest = sliceManifestSchema.parse(JSON.parse(bytes.toString('utf8')));
      const cases = await getRequired(remote, `corpus/${id}/cases.jsonl`);
      if (sha256Hex(cases) !== manifest.sha256) throw new Error(`${remote.label}: corpus/${id}/cases.jsonl does not match its manifest`);
      const build = join(layout.slicesDir, slice, `.pull-${randomBytes(6).toString('hex')}`);
      mkdirSync(build, { recursive: true });
      writeFileSync(join(build, 'cases.jsonl'), cases);
      writeFileSync(join(build, 'manifest.json'), bytes);
      renameSync(build, dir);
      state.published[id] = sha256Hex(bytes);
      tally.slices.push(`${slice}/${v}`);
    }
  }
}

function moveSliceVersion(layout: CorpusLayout, slice: string, from: string, to: string): void {
  renameSync(layout.sliceDir(slice, from), layout.sliceDir(slice, to));
  const file = join(layout.sliceDir(slice, to), 'manifest.json');
  const manifest = { ...sliceManifestSchema.parse(JSON.parse(readFileSync(file, 'utf8'))), version: to };
  rmSync(file, { force: true });
  writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A claim token from what does not change when a version is renumbered. */
function versionToken(m: VersionManifest): string {
  return sha256Hex(JSON.stringify([m.createdAt, m.policy, Object.entries(m.files).map(([f, x]) => [f, x.sha256]), m.sources.segments.map((s) => s.sha256)])).slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The parent of a held vN is the highest published number below it. A lower number
 * someone claimed is usually published within moments, so it is waited for (bounded)
 * to keep one lineage; a claim that never gets its manifest leaves its number empty.
 */
async function settleParent(remote: ObjectStore, n: number): Promise<string | null> {
  const deadline = Date.now() + parentWaitMs();
  for (;;) {
    const published = new Set((await remoteVersions(remote)).map(versionNumber));
    const claimed = await liveClaims(remote, 'versions');
    const now = Date.now();
    const highest = Math.max(0, ...[...published].filter((k) => k < n));
    // only a number between the last published one and ours can still become our parent
    const pending = [...claimed].filter(([k, at]) => k < n && k > highest && (at === 0 || now - at < ABANDONED_CLAIM_MS));
    if (pending.length === 0 || now >= deadline) {
      const below = [...published].filter((k) => k < n).sort((a, b) => a - b);
      return below.length ? versionName(below.at(-1)!) : null;
    }
    await sleep(200);
  }
}

export interface PushCorpusOptions extends CorpusOptions {
  claimer: string;
}

/** Publishes every local version and slice version the remote does not have. */
export async function pushCorpus(remote: ObjectStore, corpusDir: string, state: RemoteState, options: PushCorpusOptions): Promise<CorpusTally> {
  const layout = new CorpusLayout(corpusDir);
  if (!existsSync(layout.versionsDir) && !existsSync(layout.slicesDir)) return emptyCorpusTally();
  // versions published meanwhile come first: ours are numbered after them and name them as parent
  const tally = await pullCorpus(remote, corpusDir, state, options);
  tally.versions = [];
  tally.slices = [];
  let unpublished = unpublishedVersions(layout, state);
  while (unpublished.length) {
    const v = unpublished[0]!;
    const m = layout.manifest(v);
    for (const seg of segmentsOf(m)) await uploadSegment(remote, layout, seg.path, options, tally);
    const published = new Set((await remoteVersions(remote)).map(versionNumber));
    const from = Math.max(versionNumber(v), ...[...published].map((k) => k + 1));
    const n = await claimNumber(remote, { series: 'versions', from, published, claimer: options.claimer, token: versionToken(m), exclusive: options.ifAbsent });
    let name = v;
    if (n !== versionNumber(v)) {
      const moves = shiftVersions(layout, unpublished, n, m.parent);
      name = moves.get(v)!;
      tally.renumbered.push({ from: v, to: name });
      tally.notices.push(`${v} was taken on ${remote.label} by another snapshot; yours is published as ${name}`);
      unpublished = unpublished.map((u) => moves.get(u)!);
    }
    const parent = await settleParent(remote, n);
    if ((await remoteVersions(remote)).some((p) => versionNumber(p) > n)) {
      // held, but a higher number was published meanwhile (this push was stopped after claiming): publishing now would fork the lineage
      tally.notices.push(`${name}: a later version was published on ${remote.label} while this one waited; it will take the next free number`);
      continue;
    }
    if (parent && !existsSync(layout.versionDir(parent))) {
      const d = await downloadVersion(remote, layout, parent, tally);
      renameSync(d.dir, layout.versionDir(parent));
      state.published[`versions/${parent}`] = d.sha;
    }
    reparent(layout, name, parent);
    const dir = layout.versionDir(name);
    await remote.put(`corpus/versions/${name}/README.md`, readFileSync(join(dir, 'README.md')));
    const manifestBytes = readFileSync(join(dir, 'manifest.json'));
    if ((await remote.put(`corpus/versions/${name}/manifest.json`, manifestBytes, { ifAbsent: options.ifAbsent })) === 'exists') {
      throw new Error(`${remote.label}: ${name} was published by a writer that does not claim numbers (its manifest appeared despite this claim); nothing of ${name} was overwritten — run push again`);
    }
    state.published[`versions/${name}`] = sha256Hex(manifestBytes);
    options.saveState();
    tally.versions.push(name);
    unpublished = unpublished.slice(1);
  }
  await pushSlices(remote, layout, state, options, tally);
  return tally;
}

async function pushSlices(remote: ObjectStore, layout: CorpusLayout, state: RemoteState, options: PushCorpusOptions, tally: CorpusTally): Promise<void> {
  const onRemote = await remoteSlices(remote);
  for (const slice of layout.slices()) {
    for (const v of layout.sliceVersions(slice)) {
      const manifestFile = join(layout.sliceDir(slice, v), 'manifest.json');
      const sha = localSha(manifestFile);
      if (!sha || state.published[`slices/${slice}/${v}`] === sha) continue;
      const taken = new Set((onRemote.get(slice) ?? []).map(versionNumber));
      const m = layout.sliceManifest(slice, v);
      const n = await claimNumber(remote, { series: `slices/${slice}`, from: Math.max(versionNumber(v), ...[...taken].map((k) => k + 1)), published: taken, claimer: options.claimer, token: sha256Hex(`${m.createdAt}|${m.sha256}`).slice(0, 16), exclusive: options.ifAbsent });
      let name = v;
      if (n !== versionNumber(v)) {
        name = versionName(n);
        if (existsSync(layout.sliceDir(slice, name))) throw new Error(`slice ${slice}: cannot move ${v} to ${name}, which exists here; pull first`);
        moveSliceVersion(layout, slice, v, name);
        tally.renumbered.push({ from: `${slice}/${v}`, to: `${slice}/${name}` });
        tally.notices.push(`slice ${slice} ${v} was taken on ${remote.label} by another pin; yours is published as ${name}`);
      }
      const dir = layout.sliceDir(slice, name);
      await remote.put(`corpus/slices/${slice}/${name}/cases.jsonl`, readFileSync(join(dir, 'cases.jsonl')));
      const bytes = readFileSync(join(dir, 'manifest.json'));
      if ((await remote.put(`corpus/slices/${slice}/${name}/manifest.json`, bytes, { ifAbsent: options.ifAbsent })) === 'exists') {
        throw new Error(`${remote.label}: slice ${slice} ${name} appeared there despite this claim; nothing was overwritten — run push again`);
      }
      state.published[`slices/${slice}/${name}`] = sha256Hex(bytes);
      options.saveState();
      tally.slices.push(`${slice}/${name}`);
    }
  }
}

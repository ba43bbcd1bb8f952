// push, pull and sync against one remote: what travels, in which order, and the one
// report each gives. Journals (with their blobs) and the corpus travel independently;
// a failure of the remote (unreachable, refused credentials, no bucket) stops the
// command with one RemoteError naming the remote and the reason, and leaves both
// sides consistent: everything is written before the state that remembers it.
import type { WorkspacePaths } from '../store/workspacePaths';
import { BlobStore } from '../store/blobStore';
import { openS3ObjectStore } from './s3ObjectStore';
import type { ObjectStore } from './objectStore';
import type { RemoteConfig } from './remoteConfig';
import { readRemoteState, saveRemoteState, type RemoteState } from './remoteState';
import { pullJournals, pushJournals, type TransferTally } from './journalTransfer';
import { pullCorpus, pushCorpus, type CorpusTally } from './corpusTransfer';

export interface SyncContext {
  paths: WorkspacePaths;
  /** The corpus folder to publish and to bring versions into. */
  corpusDir: string;
  remote: RemoteConfig;
  /** Who claims version numbers (this clone's writer name). */
  claimer: string;
  /** An object store to use instead of opening the remote's (tests). */
  objectStore?: ObjectStore;
}

export interface DirectionReport {
  journals: TransferTally;
  corpus: CorpusTally;
}

export interface SyncReport {
  remote: string;
  url: string;
  pulled?: DirectionReport;
  pushed?: DirectionReport;
  /** Things the user should know, one line each (a renumbered version, a journal that differs). */
  notices: string[];
}

interface Session {
  remote: ObjectStore;
  state: RemoteState;
  save: () => void;
  blobs: BlobStore;
  close: () => void;
}

function begin(ctx: SyncContext): Session {
  const remote = ctx.objectStore ?? openS3ObjectStore(ctx.remote);
  const state = readRemoteState(ctx.paths.dir, ctx.remote.name);
  return {
    remote,
    state,
    save: () => saveRemoteState(ctx.paths.dir, ctx.remote.name, state),
    blobs: new BlobStore(ctx.paths.blobDir),
    close: () => {
      if (!ctx.objectStore) remote.close();
    },
  };
}

async function pullWith(ctx: SyncContext, s: Session, report: SyncReport): Promise<void> {
  const options = { ifAbsent: ctx.remote.conditionalWrites === true, saveState: s.save };
  const journals = await pullJournals(s.remote, ctx.paths, s.blobs, s.state, options);
  const corpus = await pullCorpus(s.remote, ctx.corpusDir, s.state, options);
  s.state.lastPull = new Date().toISOString();
  s.save();
  report.pulled = { journals, corpus };
  report.notices.push(...journals.problems, ...corpus.notices);
}

async function pushWith(ctx: SyncContext, s: Session, report: SyncReport): Promise<void> {
  const options = { ifAbsent: ctx.remote.conditionalWrites === true, saveState: s.save };
  const journals = await pushJournals(s.remote, ctx.paths, s.blobs, s.state, options);
  const corpus = await pushCorpus(s.remote, ctx.corpusDir, s.state, { ...options, claimer: ctx.claimer });
  s.state.lastPush = new Date().toISOString();
  s.save();
  report.pushed = { journals, corpus };
  report.notices.push(...journals.problems, ...corpus.notices);
}

async function run(ctx: SyncContext, steps: ('pull' | 'push')[]): Promise<SyncReport> {
  const report: SyncReport = { remote: ctx.remote.name, url: ctx.remote.url, notices: [] };
  const s = begin(ctx);
  try {
    for (const step of steps) await (step === 'pull' ? pullWith : pushWith)(ctx, s, report);
  } finally {
    s.close();
  }
  return report;
}

export function pushToRemote(ctx: SyncContext): Promise<SyncReport> {
  return run(ctx, ['push']);
}

export function pullFromRemote(ctx: SyncContext): Promise<SyncReport> {
  return run(ctx, ['pull']);
}

/** Pull, then push: afterwards both sides hold the union. */
export function syncWithRemote(ctx: SyncContext): Promise<SyncReport> {
  return run(ctx, ['pull', 'push']);
}

/**
 * Whether the store honours `If-None-Match: *`: writes one new probe key twice; a
 * store that honours it refuses the second write. Also proves the bucket is there and
 * the credentials work (an error here names the remote and the reason).
 */
export async function probeConditionalWrites(remote: ObjectStore, claimer: string): Promise<boolean> {
  const key = `probes/${claimer}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const body = Buffer.from(`${JSON.stringify({ probe: 'conditional-writes', by: claimer, at: new Date().toISOString() })}\n`);
  await remote.put(key, body, { ifAbsent: true });
  return (await remote.put(key, body, { ifAbsent: true })) === 'exists';
}

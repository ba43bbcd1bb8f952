// What this clone last pushed to and pulled from one remote, in
// `.evalloop/<ws>/local/remote-<name>.json` (never shared). It only saves work: every
// decision is re-checked against the files and the remote's listing, so a lost or
// stale state file costs a longer listing, never a duplicate or a gap.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/durableFile';
import { writingTo } from '../store/writeFailure';

export interface ChunkMark {
  /** The last chunk key seen for the writer (the next listing starts after it). */
  key: string;
  /** Bytes of the writer's journal covered up to that chunk. */
  end: number;
}

export interface RemoteState {
  pushed: Record<string, ChunkMark>;
  pulled: Record<string, ChunkMark>;
  /** Corpus versions and slice versions known to be on the remote, by name → sha256 of the manifest. */
  published: Record<string, string>;
  lastPush?: string;
  lastPull?: string;
}

export function remoteStateFile(workspaceDir: string, remote: string): string {
  return join(workspaceDir, 'local', `remote-${remote}.json`);
}

export function readRemoteState(workspaceDir: string, remote: string): RemoteState {
  const file = remoteStateFile(workspaceDir, remote);
  const empty: RemoteState = { pushed: {}, pulled: {}, published: {} };
  if (!existsSync(file)) return empty;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<RemoteState>;
    return { ...empty, ...parsed, pushed: parsed.pushed ?? {}, pulled: parsed.pulled ?? {}, published: parsed.published ?? {} };
  } catch {
    return empty; // damaged: the remote's listing is the truth, this only saved requests
  }
}

export function saveRemoteState(workspaceDir: string, remote: string, state: RemoteState): void {
  const file = remoteStateFile(workspaceDir, remote);
  const dir = join(workspaceDir, 'local');
  writingTo(dir, () => mkdirSync(dir, { recursive: true }));
  writeFileAtomic(file, `${JSON.stringify(state)}\n`);
}

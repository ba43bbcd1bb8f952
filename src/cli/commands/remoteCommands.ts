// `evalloop remote add|list|remove`, `push`, `pull` and `sync`: a workspace shared
// through an S3-compatible bucket. A remote that cannot be used (unreachable, refused
// credentials, no bucket) is one line naming it and the reason, exit code 3; nothing
// local is touched by such a failure.
import { resolve } from 'node:path';
import { isRemoteError } from '../../core/remote/objectStore';
import { loadRemoteEngine } from '../../core/remote/loadRemoteEngine';
import { chooseRemote, parseS3Url, readRemotes, removeRemote, saveRemote, type RemoteConfig } from '../../core/remote/remoteConfig';
import type { SyncContext, SyncReport } from '../../core/remote/remoteSync';
import { writerBase } from '../../core/store/writerIdentity';
import { workspacePaths } from '../../core/store/workspacePaths';
import { CliError, printJson, printLines, withStore, type GlobalOptions } from '../cliContext';

export interface RemoteAddFlags {
  endpoint?: string;
  region?: string;
  local?: boolean;
  probe?: boolean;
}

/** RemoteErrors become one-line CLI errors with their own exit code. */
async function remoteCall<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (isRemoteError(error)) throw new CliError(error.message, 3);
    throw error;
  }
}

export async function runRemoteAdd(name: string, url: string, flags: RemoteAddFlags, options: GlobalOptions): Promise<number> {
  const paths = workspacePaths(options.root, options.workspace);
  const { bucket, prefix } = parseS3Url(url);
  const location = { name, bucket, prefix, ...(flags.endpoint ? { endpoint: flags.endpoint } : {}), ...(flags.region ? { region: flags.region } : {}) };
  let conditionalWrites: boolean | undefined;
  if (flags.probe !== false) {
    const engine = loadRemoteEngine();
    const remote = engine.openS3ObjectStore(location);
    try {
      conditionalWrites = await remoteCall(() => engine.probeConditionalWrites(remote, writerBase(paths.dir)));
    } finally {
      remote.close();
    }
  }
  saveRemote(paths.dir, name, { url, ...(flags.endpoint ? { endpoint: flags.endpoint } : {}), ...(flags.region ? { region: flags.region } : {}), ...(conditionalWrites !== undefined ? { conditionalWrites } : {}) }, flags.local === true);
  const added = chooseRemote(paths.dir, name);
  if (options.json) printJson({ added: describe(added) });
  else
    printLines([
      `remote ${name} → ${url}${flags.endpoint ? ` at ${flags.endpoint}` : ''} (in ${flags.local ? 'local/remote.json, this machine only' : 'remote.json, to commit and share'})`,
      conditionalWrites === undefined
        ? 'not probed: version numbers are claimed by the listing rule'
        : conditionalWrites
          ? 'the store honours conditional writes (If-None-Match): used as a second guard when publishing versions'
          : 'the store ignores conditional writes (If-None-Match): version numbers are claimed by the listing rule alone',
    ]);
  return 0;
}

function describe(r: RemoteConfig) {
  return { name: r.name, url: r.url, endpoint: r.endpoint ?? null, region: r.region ?? null, conditionalWrites: r.conditionalWrites ?? null, source: r.source };
}

export async function runRemoteList(options: GlobalOptions): Promise<number> {
  const remotes = readRemotes(workspacePaths(options.root, options.workspace).dir);
  if (options.json) printJson(remotes.map(describe));
  else printLines(remotes.length ? remotes.map((r) => `${r.name}\t${r.url}${r.endpoint ? `\t${r.endpoint}` : ''}\t(${r.source})`) : ['no remotes; add one with `evalloop remote add origin s3://bucket/prefix`']);
  return 0;
}

export async function runRemoteRemove(name: string, options: GlobalOptions): Promise<number> {
  if (!removeRemote(workspacePaths(options.root, options.workspace).dir, name)) throw new CliError(`no remote "${name}"`);
  if (options.json) printJson({ removed: name });
  else printLines([`remote ${name} removed (nothing on it was touched)`]);
  return 0;
}

export interface TransferFlags {
  remote?: string;
  corpus?: string;
}

type Direction = 'push' | 'pull' | 'sync';

export async function runTransfer(direction: Direction, flags: TransferFlags, options: GlobalOptions): Promise<number> {
  const paths = workspacePaths(options.root, options.workspace);
  const remote = chooseRemote(paths.dir, flags.remote);
  return withStore(options, async (store) => {
    const ctx: SyncContext = { paths, corpusDir: resolve(flags.corpus ?? `${paths.root}/corpus`), remote, claimer: writerBase(paths.dir) };
    const engine = loadRemoteEngine();
    const run = { push: engine.pushToRemote, pull: engine.pullFromRemote, sync: engine.syncWithRemote }[direction];
    const report = await remoteCall(() => run(ctx));
    // pulled journals are applied as any grown journal is
    const caught = store.catchUp();
    for (const notice of report.notices) if (!options.json) process.stderr.write(`evalloop: ${notice}\n`);
    if (options.json) printJson({ ...report, index: { events: caught.events, newItems: caught.tally.newItems } });
    else printLines(summary(report, caught.events, caught.tally.newItems));
    return report.notices.some((n) => /not pushed|not pulled|differs/.test(n)) ? 2 : 0;
  });
}

function summary(report: SyncReport, applied: number, newItems: number): string[] {
  const where = `remote ${report.remote} (${report.url})`;
  const lines: string[] = [];
  const corpus = (c: { versions: string[]; slices: string[] }) => [c.versions.length ? `versions ${c.versions.join(', ')}` : '', c.slices.length ? `slices ${c.slices.join(', ')}` : ''].filter(Boolean).join(', ');
  if (report.pulled) {
    const j = report.pulled.journals;
    const c = corpus(report.pulled.corpus);
    lines.push(`pulled from ${where}: ${j.events} events from ${j.writers} writer${j.writers === 1 ? '' : 's'}, ${j.blobs} blobs${c ? `, ${c}` : ''}; ${applied} events applied, ${newItems} new items`);
  }
  if (report.pushed) {
    const j = report.pushed.journals;
    const c = corpus(report.pushed.corpus);
    lines.push(`pushed to ${where}: ${j.events} events in ${j.chunks} chunk${j.chunks === 1 ? '' : 's'}, ${j.blobs} blobs${c ? `, ${c}` : ''}`);
  }
  return lines;
}

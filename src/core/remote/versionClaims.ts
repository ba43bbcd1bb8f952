// One number, one version, on any S3-compatible store. To claim vN a publisher writes
// `claims/<series>/vN/<claimer>-<token>` and then lists `claims/<series>/vN/`: it holds
// vN only when its own claim is the only one listed. Whoever lists second listed
// after both claims were written, so at most one claimer ever sees itself alone. When
// two see each other, neither holds vN; both move on to vN+1, and vN may end with no
// holder — a number without a manifest, which readers skip. Needs only read-after-write
// consistent listing (AWS S3, MinIO, R2, GCS and the local test servers have it), not
// conditional writes.
//
// Where the store honours `If-None-Match: *` (the probe at `remote add` says), a claimer
// instead writes one shared key, `claims/<series>/vN/~holder`, only if it is absent:
// exactly one racer gets it, so two racing claimers end with vN and vN+1 and no number
// is left empty. It still lists afterwards and gives the number up (withdrawing its
// `~holder`) if a claimer using the listing rule wrote there too, so clones that
// disagree about the store never both hold a number. The manifest's own PUT is sent
// with `If-None-Match: *` as a second guard.
//
// A claimer that does not hold vN then writes `<its claim>.withdrawn`: a number whose
// every claim is withdrawn certainly has no holder, so nobody waits for it to be
// published. After such a collision a claimer waits a random moment before trying the
// next number, so two racing claimers soon fall out of step.
//
// A claim's token is derived from the version's content, not from its number, so a
// publisher killed after claiming finds its own claim again and still holds it.
import type { ObjectStore } from './objectStore';

/** Versions are `vNNNN` (four digits at least). */
export function versionName(n: number): string {
  return `v${String(n).padStart(4, '0')}`;
}

export function versionNumber(name: string): number {
  return Number(name.slice(1));
}

export interface ClaimRequest {
  /** `versions` or `slices/<name>`. */
  series: string;
  /** Try this number first. */
  from: number;
  /** Numbers already published (taken whatever their claims say). */
  published: Set<number>;
  claimer: string;
  token: string;
  /** The store honours `If-None-Match: *`: claim through the one `~holder` key. */
  exclusive?: boolean;
}

/** The shared key an exclusive claim writes; it has no `-`, so it is never a listing claim's name. */
const HOLDER = '~holder';
const WITHDRAWN = '.withdrawn';

function claimsPrefix(series: string, n: number): string {
  return `claims/${series}/${versionName(n)}/`;
}

/** Holds the first free number from `from` on, by the rule above; returns it. */
export async function claimNumber(remote: ObjectStore, request: ClaimRequest): Promise<number> {
  const mine = `${request.claimer}-${request.token}`.replace(/[^A-Za-z0-9._@~-]/g, '_');
  const claim = request.exclusive ? holdExclusively : holdByListing;
  for (let n = request.from, tries = 0; tries < 1000; n++, tries++) {
    if (request.published.has(n)) continue;
    if (await claim(remote, claimsPrefix(request.series, n), mine)) return n;
  }
  throw new Error(`could not claim a number in ${request.series} after 1000 tries`);
}

/** The claims listed under one number, by name (withdrawn ones included). */
async function claimsUnder(remote: ObjectStore, prefix: string): Promise<string[]> {
  return (await remote.list(prefix)).objects.map((o) => o.key.slice(prefix.length));
}

/** Claims other than `except` that were not withdrawn. */
function othersLive(keys: string[], except: string): string[] {
  const names = new Set(keys);
  return keys.filter((k) => k !== except && !k.endsWith(WITHDRAWN) && !names.has(`${k}${WITHDRAWN}`));
}

async function holdByListing(remote: ObjectStore, prefix: string, mine: string): Promise<boolean> {
  const before = await claimsUnder(remote, prefix);
  if (before.some((k) => k !== mine)) return false; // someone else claimed it first
  if (!before.includes(mine)) await remote.put(`${prefix}${mine}`, claimBody(mine));
  const after = await claimsUnder(remote, prefix);
  if (after.length === 1 && after[0] === mine) return true;
  await remote.put(`${prefix}${mine}${WITHDRAWN}`, Buffer.from('{}\n'));
  await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)));
  return false;
}

async function holdExclusively(remote: ObjectStore, prefix: string, mine: string): Promise<boolean> {
  const before = await claimsUnder(remote, prefix);
  if (othersLive(before, HOLDER).length) return false; // a listing claimer is there
  if (before.includes(`${HOLDER}${WITHDRAWN}`)) return false; // given up: stays empty
  if ((await remote.put(`${prefix}${HOLDER}`, claimBody(mine), { ifAbsent: true })) === 'exists') {
    // someone holds it, or this claimer did before it was stopped (the token is the content's)
    const holder = await remote.get(`${prefix}${HOLDER}`);
    if (!holder || (JSON.parse(holder.toString('utf8')) as { claim?: string }).claim !== mine) return false;
  }
  if (othersLive(await claimsUnder(remote, prefix), HOLDER).length === 0) return true;
  await remote.put(`${prefix}${HOLDER}${WITHDRAWN}`, Buffer.from('{}\n'));
  return false;
}

function claimBody(mine: string): Buffer {
  return Buffer.from(`${JSON.stringify({ claim: mine, at: new Date().toISOString() })}\n`);
}

/** Numbers with a claim that was not withdrawn (someone may hold them), each with its newest claim's time. */
export async function liveClaims(remote: ObjectStore, series: string): Promise<Map<number, number>> {
  const prefix = `claims/${series}/`;
  const claims = new Map<number, { keys: Set<string>; at: number }>();
  for (const o of (await remote.list(prefix)).objects) {
    const m = /^v(\d{4,})\/(.+)$/.exec(o.key.slice(prefix.length));
    if (!m) continue;
    const entry = claims.get(Number(m[1])) ?? { keys: new Set<string>(), at: 0 };
    entry.keys.add(m[2]!);
    entry.at = Math.max(entry.at, o.modified);
    claims.set(Number(m[1]), entry);
  }
  const live = new Map<number, number>();
  for (const [n, { keys, at }] of claims) {
    if ([...keys].some((k) => !k.endsWith(WITHDRAWN) && !keys.has(`${k}${WITHDRAWN}`))) live.set(n, at);
  }
  return live;
}

// One number, one version, on any S3-compatible store. To claim vN a publisher writes
// `claims/<series>/vN/<claimer>-<token>` and then lists `claims/<series>/vN/`: it holds
// vN only when its own claim is the only one listed. Whoever lists second listed
// after both claims were written, so at most one claimer ever sees itself alone. When
// two see each other, neither holds vN; both move on to vN+1, and vN may end with no
// holder — a number without a manifest, which readers skip. Needs only read-after-write
// consistent listing (AWS S3, MinIO, R2, GCS and the local test servers have it), not
// conditional writes; where the store honours `If-None-Match: *` the manifest's own
// PUT is sent with it as a second guard.
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
}

function claimsPrefix(series: string, n: number): string {
  return `claims/${series}/${versionName(n)}/`;
}

/** Holds the first free number from `from` on, by the rule above; returns it. */
export async function claimNumber(remote: ObjectStore, request: ClaimRequest): Promise<number> {
  const mine = `${request.claimer}-${request.token}`.replace(/[^A-Za-z0-9._@~-]/g, '_');
  for (let n = request.from, tries = 0; tries < 1000; n++, tries++) {
    if (request.published.has(n)) continue;
    const prefix = claimsPrefix(request.series, n);
    const before = (await remote.list(prefix)).objects.map((o) => o.key.slice(prefix.length));
    if (before.some((k) => k !== mine)) continue; // someone else claimed it first
    if (!before.includes(mine)) await remote.put(`${prefix}${mine}`, Buffer.from(`${JSON.stringify({ claimer: request.claimer, at: new Date().toISOString() })}\n`));
    const after = (await remote.list(prefix)).objects.map((o) => o.key.slice(prefix.length));
    if (after.length === 1 && after[0] === mine) return n;
    await remote.put(`${prefix}${mine}${WITHDRAWN}`, Buffer.from('{}\n'));
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)));
  }
  throw new Error(`could not claim a number in ${request.series} after 1000 tries`);
}

const WITHDRAWN = '.withdrawn';

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

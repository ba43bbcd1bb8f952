// Which pinned cases a training version may hold. A slice pinned with
// `--include-trained` records, per case, the versions that already held it: those are
// known contamination (a warning), and any other version holding the case was written
// after the pin, past the leakage firewall (a violation). A slice pinned before pins
// recorded this has no such list; there a version that did not consult the slice when
// it was written (its manifest's `leakage.slices` does not name it) predates the pin,
// which no later version can undo: known contamination too. No clock decides either.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CorpusLayout } from './corpusLayout';

interface Pin {
  /** `name/vNNNN` */
  slice: string;
  caseKeys: Map<string, string>;
  /** Input hash → versions recorded as already holding it; null for a slice pinned before pins recorded that. */
  knownIn: Map<string, Set<string>> | null;
}

export interface ContaminationWarning {
  kind: 'known-contamination';
  /** `slices/<name>/<vNNNN>` */
  where: string;
  caseKey: string;
  inputHash: string;
  versions: string[];
  detail: string;
}

function caseKeysOf(layout: CorpusLayout, slice: string, version: string): Map<string, string> {
  const keys = new Map<string, string>();
  const file = join(layout.sliceDir(slice, version), 'cases.jsonl');
  if (!existsSync(file)) return keys;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const c = JSON.parse(line) as { caseKey?: unknown; inputHash?: unknown };
      if (typeof c.caseKey === 'string' && typeof c.inputHash === 'string' && !keys.has(c.inputHash)) keys.set(c.inputHash, c.caseKey);
    } catch {
      // a damaged line: verify names the file by its hash
    }
  }
  return keys;
}

export class SliceContamination {
  private readonly pins = new Map<string, Pin[]>();
  private readonly found = new Map<string, { pin: Pin; inputHash: string; versions: Set<string>; predates: boolean }>();

  constructor(layout: CorpusLayout) {
    for (const slice of layout.slices()) {
      for (const version of layout.sliceVersions(slice)) {
        let manifest;
        try {
          manifest = layout.sliceManifest(slice, version);
        } catch {
          continue; // verify reports an unreadable slice manifest
        }
        const knownIn = manifest.trainedIn ? new Map(manifest.trainedIn.map((t) => [t.inputHash, new Set(t.versions)])) : null;
        const pin: Pin = { slice: `${slice}/${version}`, caseKeys: new Map(), knownIn };
        const keys = caseKeysOf(layout, slice, version);
        for (const h of manifest.inputHashes) {
          pin.caseKeys.set(h, keys.get(h) ?? `(input ${h})`);
          const list = this.pins.get(h) ?? [];
          list.push(pin);
          this.pins.set(h, list);
        }
      }
    }
  }

  /**
   * Judges a training version holding a case with this input hash: the slices for which
   * it is a leak (a version written after their pin), or none; known contamination is
   * collected for `warnings()`.
   */
  leaksOf(version: string, consultedSlices: readonly string[], inputHash: string): string[] {
    const leaks: string[] = [];
    for (const pin of this.pins.get(inputHash) ?? []) {
      const known = pin.knownIn ? pin.knownIn.get(inputHash)?.has(version) === true : !consultedSlices.includes(pin.slice);
      if (!known) {
        leaks.push(pin.slice);
        continue;
      }
      const id = `${pin.slice}\n${inputHash}`;
      const entry = this.found.get(id) ?? { pin, inputHash, versions: new Set<string>(), predates: pin.knownIn === null };
      entry.versions.add(version);
      this.found.set(id, entry);
    }
    return leaks;
  }

  warnings(): ContaminationWarning[] {
    return [...this.found.values()].map(({ pin, inputHash, versions, predates }) => {
      const list = [...versions].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
      const caseKey = pin.caseKeys.get(inputHash)!;
      const named = `training version${list.length === 1 ? '' : 's'} ${list.join(', ')}`;
      return {
        kind: 'known-contamination' as const,
        where: `slices/${pin.slice}`,
        caseKey,
        inputHash,
        versions: list,
        detail: predates
          ? `case ${caseKey} (input ${inputHash}) is in ${named}, written before the slice was pinned: known contamination, its scores are not held-out scores`
          : `case ${caseKey} (input ${inputHash}) was already in ${named} when it was pinned (--include-trained): known contamination, its scores are not held-out scores`,
      };
    });
  }
}

// The last outcome of every case ever captured (case id → run, outcome, last passing
// run, whether the case is an item), kept outside SQLite in typed arrays: regression
// and fix detection read and write it for every case of every run, passing ones
// included, and a compact table in JavaScript costs a fraction of a row in the index.
// It is part of the index: saved in it (one blob, written before each save), loaded
// with it, rebuilt from the journals with it, and changed only inside an apply, whose
// rollback restores it.
import type { Database } from 'sql.js';
import { OUTCOMES, type Outcome } from '../model/caseModel';

export interface LastOutcome {
  rn: number;
  outcome: Outcome;
  /** The last run the case passed in (0: never). */
  passRn: number;
  /** The case has failed at least once, so it is an item. */
  item: boolean;
}

const EMPTY = 0;
/** Bytes per entry in the saved blob: cid (8), rn (4), passRn (4), outcome and item (1 each). */
const ENTRY_BYTES = 18;

export class CaseOutcomes {
  private cids: Float64Array;
  private rns: Int32Array;
  private passRns: Int32Array;
  /** outcome index + 1 (0: empty slot); bit 7 set when the case is an item. */
  private codes: Uint8Array;
  private used = 0;
  private changed = false;
  /** The entries as they were before the open transaction changed them (undefined: absent). */
  private undo: Map<number, LastOutcome | undefined> | undefined;

  constructor(capacity = 1024) {
    const size = 1 << Math.max(10, Math.ceil(Math.log2(capacity * 2)));
    this.cids = new Float64Array(size);
    this.rns = new Int32Array(size);
    this.passRns = new Int32Array(size);
    this.codes = new Uint8Array(size);
  }

  get size(): number {
    return this.used;
  }

  /** True when the index does not hold the entries as they are (changed, or taken out of it at load). */
  get unsaved(): boolean {
    return this.changed;
  }

  private slotOf(cid: number): number {
    const mask = this.codes.length - 1;
    // the cid is already the top 52 bits of a sha256: its low bits are as good as any hash
    let slot = (cid % 0x40000000) & mask;
    while (this.codes[slot] !== EMPTY && this.cids[slot] !== cid) slot = (slot + 1) & mask;
    return slot;
  }

  get(cid: number): LastOutcome | undefined {
    const slot = this.slotOf(cid);
    return this.codes[slot] === EMPTY ? undefined : this.valueAt(slot);
  }

  private valueAt(slot: number): LastOutcome {
    const code = this.codes[slot]!;
    return { rn: this.rns[slot]!, outcome: OUTCOMES[(code & 0x7f) - 1]!, passRn: this.passRns[slot]!, item: (code & 0x80) !== 0 };
  }

  set(cid: number, value: LastOutcome): void {
    if (this.undo && !this.undo.has(cid)) this.undo.set(cid, this.get(cid));
    this.put(cid, value);
    this.changed = true;
  }

  private put(cid: number, value: LastOutcome): void {
    let slot = this.slotOf(cid);
    if (this.codes[slot] === EMPTY) {
      if ((this.used + 1) * 2 > this.codes.length) {
        this.grow();
        slot = this.slotOf(cid);
      }
      this.used++;
    }
    this.cids[slot] = cid;
    this.rns[slot] = value.rn;
    this.passRns[slot] = value.passRn;
    this.codes[slot] = (OUTCOMES.indexOf(value.outcome) + 1) | (value.item ? 0x80 : 0);
  }

  private remove(cid: number): void {
    const mask = this.codes.length - 1;
    let slot = this.slotOf(cid);
    if (this.codes[slot] === EMPTY) return;
    this.codes[slot] = EMPTY;
    this.used--;
    // linear probing: the entries after the hole are placed again so none is cut off from its start
    for (let next = (slot + 1) & mask; this.codes[next] !== EMPTY; next = (next + 1) & mask) {
      const entry = this.entryAt(next);
      this.codes[next] = EMPTY;
      this.used--;
      this.put(entry.cid, entry);
    }
  }

  private entryAt(slot: number): LastOutcome & { cid: number } {
    return { cid: this.cids[slot]!, ...this.valueAt(slot) };
  }

  private grow(): void {
    const { cids, rns, passRns, codes } = this;
    this.cids = new Float64Array(codes.length * 2);
    this.rns = new Int32Array(codes.length * 2);
    this.passRns = new Int32Array(codes.length * 2);
    this.codes = new Uint8Array(codes.length * 2);
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] === EMPTY) continue;
      const slot = this.slotOf(cids[i]!);
      this.cids[slot] = cids[i]!;
      this.rns[slot] = rns[i]!;
      this.passRns[slot] = passRns[i]!;
      this.codes[slot] = codes[i]!;
    }
  }

  /** Every entry (for checks and tests; in slot order). */
  entries(): (LastOutcome & { cid: number })[] {
    const out: (LastOutcome & { cid: number })[] = [];
    for (let i = 0; i < this.codes.length; i++) if (this.codes[i] !== EMPTY) out.push(this.entryAt(i));
    return out;
  }

  /** Starts noting what changes, so rollback() can put it back. */
  begin(): void {
    this.undo = new Map();
  }

  commit(): void {
    this.undo = undefined;
  }

  rollback(): void {
    const undo = this.undo;
    this.undo = undefined;
    if (!undo) return;
    for (const [cid, before] of undo) {
      if (before) this.put(cid, before);
      else this.remove(cid);
    }
  }

  /** Writes the entries into the index's case_outcomes table (in the caller's transaction, or alone). */
  saveTo(db: Database): void {
    const bytes = new Uint8Array(this.used * ENTRY_BYTES);
    const view = new DataView(bytes.buffer);
    let at = 0;
    for (let i = 0; i < this.codes.length; i++) {
      if (this.codes[i] === EMPTY) continue;
      view.setFloat64(at, this.cids[i]!, true);
      view.setInt32(at + 8, this.rns[i]!, true);
      view.setInt32(at + 12, this.passRns[i]!, true);
      bytes[at + 16] = this.codes[i]! & 0x7f;
      bytes[at + 17] = this.codes[i]! >> 7;
      at += ENTRY_BYTES;
    }
    db.run('DELETE FROM case_outcomes');
    db.run('INSERT INTO case_outcomes (part, data) VALUES (0, ?)', [bytes]);
    this.changed = false;
  }

  /** The entries an index holds: its saved blob, else (an index of an older schema) its case_last rows. */
  static loadFrom(db: Database): CaseOutcomes {
    const blob = db.exec('SELECT data FROM case_outcomes ORDER BY part')[0]?.values ?? [];
    if (blob.length) {
      const bytes = blob[0]![0] as Uint8Array;
      // held here now: the index's copy is written again at the next save
      db.run('DELETE FROM case_outcomes');
      const entries = Math.floor(bytes.length / ENTRY_BYTES);
      const table = new CaseOutcomes(entries);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let at = 0; at + ENTRY_BYTES <= bytes.length; at += ENTRY_BYTES) {
        const outcome = OUTCOMES[bytes[at + 16]! - 1];
        if (!outcome) throw new Error(`the index's case outcomes are damaged (entry ${at / ENTRY_BYTES})`);
        table.put(view.getFloat64(at, true), { rn: view.getInt32(at + 8, true), passRn: view.getInt32(at + 12, true), outcome, item: bytes[at + 17] === 1 });
      }
      table.changed = true;
      return table;
    }
    return CaseOutcomes.fromCaseLast(db);
  }

  /** An index saved before the table existed kept every case's last outcome in case_last. */
  private static fromCaseLast(db: Database): CaseOutcomes {
    const rows = db.exec('SELECT c.cid, c.rn, c.outcome, c.pass_rn, i.cid IS NOT NULL FROM case_last c LEFT JOIN items i ON i.cid = c.cid')[0]?.values ?? [];
    const table = new CaseOutcomes(rows.length);
    for (const [cid, rn, outcome, passRn, item] of rows) {
      table.put(Number(cid), { rn: Number(rn), outcome: outcome as Outcome, passRn: passRn === null ? 0 : Number(passRn), item: item === 1 });
    }
    // read whole: the items keep their last passing run on their own rows (schema 10)
    if (rows.length) db.run('DELETE FROM case_last');
    table.changed = true;
    return table;
  }
}

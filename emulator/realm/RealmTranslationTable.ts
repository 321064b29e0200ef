// The Realm Translation Table: the stage-2 table of a Realm as the RMM keeps it, in host memory
// the guest cannot see. 4 KiB granule, levels 0..3 (entries of 512 GiB, 1 GiB, 2 MiB, 4 KiB), with
// concatenated start-level tables for IPA widths above 39 bits. Entries carry the states of
// RMM 1.0 (shared/spec/cca-facts.md §3.1): UNASSIGNED and ASSIGNED with a RIPAS (EMPTY, RAM,
// DESTROYED) in the protected half, UNASSIGNED_NS and ASSIGNED_NS in the unprotected half, and
// TABLE. Output addresses follow the model's host map: a protected granule at IPA x is backed by
// host memory at x; an unprotected IPA aliases the host's guest-physical map at x - 2^(w-1).

export const RTT_STATE = { UNASSIGNED: 0, ASSIGNED: 1, TABLE: 2, UNASSIGNED_NS: 3, ASSIGNED_NS: 4 } as const;
export const RIPAS = { EMPTY: 0, RAM: 1, DESTROYED: 2 } as const;
export const STATE_NAMES = ['unassigned', 'assigned', 'table', 'unassigned_ns', 'assigned_ns'];
export const RIPAS_NAMES = ['EMPTY', 'RAM', 'DESTROYED'];

export class RttError extends Error {
  constructor(message: string, readonly level: number) { super(message); }
}

export class RttTable {
  readonly state: Uint8Array;
  readonly ripas: Uint8Array;
  readonly children: (RttTable | undefined)[];
  constructor(readonly level: number, readonly base: number, readonly entries: number) {
    this.state = new Uint8Array(entries);
    this.ripas = new Uint8Array(entries);
    this.children = level < 3 ? new Array(entries) : [];
  }
  get entrySize(): number { return levelSize(this.level); }
}

export function levelSize(level: number): number { return 2 ** (12 + 9 * (3 - level)); }

export interface RttEntry {
  level: number; index: number; ipa: number; size: number; state: number; ripas: number;
  table: RttTable;
}

export type Stage2Outcome =
  | { kind: 'ok'; pa: number }
  | { kind: 'sea'; reason: string }
  | { kind: 'mmio'; pa: number }
  | { kind: 'unbacked' }          // protected RAM not yet backed: the host backs it on demand
  | { kind: 'shareable' }         // unprotected alias of a shared (EMPTY) RAM page not yet mapped
  | { kind: 'fatal'; reason: string };

export class RealmTranslationTable {
  readonly root: RttTable;
  readonly startLevel: number;
  readonly half: number;      // 2^(w-1): the unprotected bit
  readonly limit: number;     // 2^w
  /** Host memory used by the tables' entries (for the memory figure). */
  tableCount = 1;

  constructor(readonly ipaWidth: number) {
    if (ipaWidth < 32 || ipaWidth > 48) throw new RttError(`IPA width ${ipaWidth} is outside 32..48`, 0);
    this.startLevel = ipaWidth > 39 ? 0 : 1;
    const entries = 2 ** (ipaWidth - (12 + 9 * (3 - this.startLevel)));
    this.root = new RttTable(this.startLevel, 0, entries);
    this.half = 2 ** (ipaWidth - 1);
    this.limit = 2 ** ipaWidth;
    // REALM_CREATE: protected start entries UNASSIGNED/EMPTY, unprotected ones UNASSIGNED_NS.
    for (let i = 0; i < entries; i++) {
      const ipa = i * levelSize(this.startLevel);
      this.root.state[i] = ipa >= this.half ? RTT_STATE.UNASSIGNED_NS : RTT_STATE.UNASSIGNED;
      this.root.ripas[i] = RIPAS.EMPTY;
    }
  }

  /** The deepest entry covering `ipa` (stopping at a non-table entry or `maxLevel`). */
  entry(ipa: number, maxLevel = 3): RttEntry {
    let t = this.root;
    for (;;) {
      const size = levelSize(t.level);
      const index = Math.floor((ipa - t.base) / size);
      const st = t.state[index];
      if (st === RTT_STATE.TABLE && t.level < maxLevel) { t = t.children[index]!; continue; }
      return { level: t.level, index, ipa: t.base + index * size, size, state: st, ripas: t.ripas[index], table: t };
    }
  }

  /** RMI_RTT_CREATE: splits the entry covering `ipa` at `level - 1` into a table at `level`,
   *  whose entries inherit its state and RIPAS. */
  createTable(ipa: number, level: number): RttTable {
    const parent = this.entry(ipa, level - 1);
    if (parent.level !== level - 1) throw new RttError(`RTT_CREATE at level ${level}: the walk stops at level ${parent.level}`, parent.level);
    if (parent.state === RTT_STATE.TABLE) throw new RttError(`RTT_CREATE: a level ${level} table already maps 0x${ipa.toString(16)}`, level);
    const t = new RttTable(level, parent.ipa, 512);
    const inherited = parent.state === RTT_STATE.ASSIGNED ? RTT_STATE.ASSIGNED : parent.state === RTT_STATE.ASSIGNED_NS ? RTT_STATE.ASSIGNED_NS : parent.state;
    t.state.fill(inherited);
    t.ripas.fill(parent.ripas);
    parent.table.state[parent.index] = RTT_STATE.TABLE;
    parent.table.children[parent.index] = t;
    this.tableCount++;
    return t;
  }

  /** Creates tables down to `level` for `ipa` as needed. */
  ensureLevel(ipa: number, level: number): void {
    for (let l = this.startLevel + 1; l <= level; l++) {
      const e = this.entry(ipa, l - 1);
      if (e.level === l - 1 && e.state !== RTT_STATE.TABLE) this.createTable(ipa, l);
    }
  }

  /** Sets the RIPAS of one entry (the caller chooses the level by splitting first). */
  setEntry(e: RttEntry, state: number, ripas: number): void {
    e.table.state[e.index] = state;
    e.table.ripas[e.index] = ripas;
  }

  isProtected(ipa: number): boolean { return ipa < this.half; }

  /** What a guest access to `ipa` meets at stage 2 (RMM 1.0 behaviour, facts §2.2). */
  translate(ipa: number, access: 'read' | 'write' | 'exec'): Stage2Outcome {
    if (ipa >= this.limit) return { kind: 'sea', reason: `IPA 0x${ipa.toString(16)} is beyond the ${this.ipaWidth}-bit IPA space` };
    if (ipa >= this.half) {
      if (access === 'exec') return { kind: 'sea', reason: `instruction fetch from the unprotected IPA 0x${ipa.toString(16)}` };
      const e = this.entry(ipa);
      if (e.state === RTT_STATE.ASSIGNED_NS) return { kind: 'ok', pa: ipa - this.half };
      return { kind: 'mmio', pa: ipa - this.half };
    }
    const e = this.entry(ipa);
    switch (e.ripas) {
      case RIPAS.EMPTY: return { kind: 'sea', reason: `IPA 0x${ipa.toString(16)} has RIPAS EMPTY` };
      case RIPAS.DESTROYED: return { kind: 'fatal', reason: `IPA 0x${ipa.toString(16)} has RIPAS DESTROYED: the host cannot make it accessible again, so the Realm cannot make progress` };
      default: return e.state === RTT_STATE.ASSIGNED ? { kind: 'ok', pa: ipa } : { kind: 'unbacked' };
    }
  }

  /** RIPAS ranges of the protected half: [base, top) runs with one RIPAS and backing state. */
  ripasRanges(): { base: number; top: number; ripas: number; assigned: boolean }[] {
    const out: { base: number; top: number; ripas: number; assigned: boolean }[] = [];
    const visit = (t: RttTable) => {
      for (let i = 0; i < t.entries; i++) {
        const ipa = t.base + i * t.entrySize;
        if (ipa >= this.half) return;
        if (t.state[i] === RTT_STATE.TABLE) { visit(t.children[i]!); continue; }
        const ripas = t.ripas[i], assigned = t.state[i] === RTT_STATE.ASSIGNED;
        const last = out[out.length - 1];
        if (last && last.top === ipa && last.ripas === ripas && last.assigned === assigned) last.top = ipa + t.entrySize;
        else out.push({ base: ipa, top: ipa + t.entrySize, ripas, assigned });
      }
    };
    visit(this.root);
    return out;
  }

  /** The table at `level` covering `ipa` (for the debugger's tree view), or undefined. */
  tableAt(ipa: number, level: number): RttTable | undefined {
    let t = this.root;
    while (t.level < level) {
      const i = Math.floor((ipa - t.base) / levelSize(t.level));
      if (t.state[i] !== RTT_STATE.TABLE) return undefined;
      t = t.children[i]!;
    }
    return t.level === level ? t : undefined;
  }

  /** Approximate host bytes used by the tables. */
  get hostBytes(): number {
    let n = 0;
    const visit = (t: RttTable) => {
      n += t.entries * 2 + (t.level < 3 ? t.entries * 8 : 0) + 64;
      for (const c of t.children) if (c) visit(c);
    };
    visit(this.root);
    return n;
  }
}

// A Realm: the parts a real system splits between the host VMM, KVM and the RMM, played by the
// emulator. It builds the Realm in the order of shared/spec/cca-facts.md §3.4 (REALM_CREATE,
// RTT_CREATE, RTT_INIT_RIPAS over all guest RAM, DATA_CREATE measured for each image page,
// REC_CREATE, REALM_ACTIVATE), owns its stage-2 table, decides what each guest access meets at
// stage 2 (§2.2), applies the host's policy for RIPAS changes (§2.4), and records every event the
// debugger shows (RSI calls, REC exits, RIPAS changes, injected aborts, table writes).

import type { PhysicalMemory } from '../memory/PhysicalMemory';
import { RealmTranslationTable, RTT_STATE, RIPAS, RIPAS_NAMES, Stage2Outcome } from './RealmTranslationTable';
import { RealmMeasurement, RMI_HASH_SHA_256, RMI_HASH_SHA_512, RMI_REC_FLAG_RUNNABLE, RMI_MEASURE_CONTENT, HashAlgorithm } from './RealmMeasurement';
import { AttestationService, TokenStream } from './AttestationToken';

export type RipasPolicy = 'accept' | 'reject' | { partial: number };

export interface RealmOptions {
  /** IPA width in bits (RMI s2sz), 32..48; default 41 as QEMU's CCA support uses. */
  ipaWidth?: number;
  hashAlgorithm?: 'sha256' | 'sha512';
  /** Realm Personalization Value: up to 64 bytes. */
  personalization?: Uint8Array;
  /** What the host does with RIPAS change requests: accept all, reject, or change N granules per exit. */
  ripasPolicy?: RipasPolicy;
}

export type RealmEvent =
  | { kind: 'rsi'; pc: bigint; insn: number; fid: number; command: string; args: Record<string, string>; result: Record<string, string>; status: string }
  | { kind: 'rec-exit'; pc: bigint; insn: number; reason: string; ipa?: number; access?: string; detail: string }
  | { kind: 'ripas-change'; pc: bigint; insn: number; base: number; top: number; ripas: string; reached: number; response: 'accept' | 'reject' }
  | { kind: 'abort-injected'; pc: bigint; insn: number; ipa: number; va: bigint; access: string; esr: bigint; reason: string }
  | { kind: 'table-write'; pc: bigint; insn: number; stage: 1 | 2; address: number; detail: string }
  | { kind: 'fatal'; pc: bigint; insn: number; reason: string };

export class Realm {
  readonly ipaWidth: number;
  readonly rtt: RealmTranslationTable;
  readonly measurement: RealmMeasurement;
  readonly attestation = new AttestationService();
  readonly hashAlgorithm: HashAlgorithm;
  readonly personalization: Uint8Array;
  ripasPolicy: RipasPolicy;
  /** The RMM-side state of an attestation token being read out (per REC; one REC here). */
  tokenStream?: TokenStream;
  lastToken?: Uint8Array;
  readonly events: RealmEvent[] = [];
  /** Listeners for the event stream (CLI trace, debugger). */
  onEvent: (e: RealmEvent) => void = () => {};
  state: 'new' | 'active' | 'system-off' = 'new';
  /** Set when the Realm cannot make progress (the run stops with this report). */
  fatal?: string;

  constructor(readonly mem: PhysicalMemory, opts: RealmOptions = {}) {
    this.ipaWidth = opts.ipaWidth ?? 41;
    this.rtt = new RealmTranslationTable(this.ipaWidth);
    this.hashAlgorithm = opts.hashAlgorithm === 'sha512' ? RMI_HASH_SHA_512 : RMI_HASH_SHA_256;
    this.personalization = new Uint8Array(64);
    if (opts.personalization) {
      if (opts.personalization.length > 64) throw new Error('the Realm personalization value is at most 64 bytes');
      this.personalization.set(opts.personalization);
    }
    this.ripasPolicy = opts.ripasPolicy ?? 'accept';
    // REALM_CREATE: the RIM starts from the measured realm parameters.
    this.measurement = new RealmMeasurement({
      flags: 0n, s2sz: this.ipaWidth, sveVl: 0, numBps: 5, numWps: 3, pmuNumCtrs: 0, hashAlgo: this.hashAlgorithm,
      rpv: this.personalization, vmid: 1, rttLevelStart: this.rtt.startLevel, rttNumStart: 1,
    });
  }

  get unprotectedBit(): number { return this.rtt.half; }

  emit(e: RealmEvent): void {
    e.insn = e.insn >>> 0; // the instruction word, unsigned
    this.events.push(e);
    if (this.events.length > 100000) this.events.splice(0, 10000);
    this.onEvent(e);
  }

  /** RTT_CREATE down to `level` for the 2 MiB/4 KiB region of `ipa`, then RTT_INIT_RIPAS over
   *  [base, top) at the largest block size that fits, measuring each entry (RMM 1.0 measures
   *  one RIPAS descriptor per RTT entry changed). */
  initRipas(base: number, top: number): void {
    if (this.state !== 'new') throw new Error('RTT_INIT_RIPAS after REALM_ACTIVATE');
    let a = base;
    while (a < top) {
      // Largest aligned block (1 GiB, 2 MiB, 4 KiB) that fits; level-1 blocks need level-1 tables.
      let level = 3;
      for (const l of [1, 2]) {
        const sz = 2 ** (12 + 9 * (3 - l));
        if (a % sz === 0 && a + sz <= top) { level = l; break; }
      }
      this.rtt.ensureLevel(a, level);
      const e = this.rtt.entry(a, level);
      this.rtt.setEntry(e, RTT_STATE.UNASSIGNED, RIPAS.RAM);
      this.measurement.measureRipas(BigInt(e.ipa), BigInt(e.ipa + e.size));
      a = e.ipa + e.size;
    }
  }

  /** DATA_CREATE (measured content) for each 4 KiB page of [base, base+size). */
  dataCreate(base: number, size: number, measureContent = true): void {
    if (this.state !== 'new') throw new Error('DATA_CREATE after REALM_ACTIVATE');
    const first = base - (base % 4096);
    for (let p = first; p < base + size; p += 4096) {
      this.rtt.ensureLevel(p, 3);
      const e = this.rtt.entry(p);
      if (e.state === RTT_STATE.ASSIGNED) continue;
      if (e.ripas !== RIPAS.RAM) throw new Error(`DATA_CREATE at 0x${p.toString(16)}: RIPAS is ${RIPAS_NAMES[e.ripas]}, not RAM`);
      this.rtt.setEntry(e, RTT_STATE.ASSIGNED, RIPAS.RAM);
      const content = this.mem.readBytes(p, 4096) ?? new Uint8Array(4096);
      this.measurement.measureData(BigInt(p), measureContent ? content : null, measureContent ? RMI_MEASURE_CONTENT : 0);
    }
  }

  /** REC_CREATE (REC 0, runnable: measured) and REALM_ACTIVATE. */
  activate(pc: bigint, gprs: bigint[]): void {
    this.measurement.measureRec({ flags: RMI_REC_FLAG_RUNNABLE, pc, gprs, mpidr: 0n });
    this.state = 'active';
  }

  /** Backs an unassigned protected RAM granule on demand (the host's DATA_CREATE_UNKNOWN on a
   *  stage-2 fault): a zeroed granule, not measured. */
  backGranule(ipa: number, pc: bigint, insn: number, access: string): void {
    const p = ipa - (ipa % 4096);
    this.rtt.ensureLevel(p, 3);
    const e = this.rtt.entry(p);
    this.rtt.setEntry(e, RTT_STATE.ASSIGNED, RIPAS.RAM);
    try { this.mem.writeBytes(p, new Uint8Array(4096)); } catch { /* not RAM: cannot happen for RIPAS RAM */ }
    this.emit({ kind: 'rec-exit', pc, insn, reason: 'SYNC (stage-2 fault)', ipa: p, access, detail: `host backed the RIPAS RAM granule at IPA 0x${p.toString(16)} (DATA_CREATE_UNKNOWN)` });
    this.emit({ kind: 'table-write', pc, insn, stage: 2, address: p, detail: `RTT entry for 0x${p.toString(16)}: unassigned RAM -> assigned RAM` });
  }

  /** Maps the unprotected alias of a shared page (the host's RTT_MAP_UNPROTECTED). */
  mapUnprotected(ipa: number, pc: bigint, insn: number): void {
    const p = ipa - (ipa % 4096);
    this.rtt.ensureLevel(p, 3);
    this.rtt.setEntry(this.rtt.entry(p), RTT_STATE.ASSIGNED_NS, RIPAS.EMPTY);
    this.emit({ kind: 'rec-exit', pc, insn, reason: 'SYNC (unprotected stage-2 fault)', ipa: p, access: 'map', detail: `host mapped a shared page at IPA 0x${p.toString(16)} (RTT_MAP_UNPROTECTED)` });
    this.emit({ kind: 'table-write', pc, insn, stage: 2, address: p, detail: `RTT entry for 0x${p.toString(16)}: unassigned_ns -> assigned_ns` });
  }

  /** What an access to `ipa` meets, after the host has handled the faults it can handle. */
  stage2(ipa: number, access: 'read' | 'write' | 'exec', pc: bigint, insn: number): Stage2Outcome {
    let r = this.rtt.translate(ipa, access);
    if (r.kind === 'unbacked') { this.backGranule(ipa, pc, insn, access); r = this.rtt.translate(ipa, access); }
    if (r.kind === 'mmio') {
      // Unprotected IPA with no shared mapping: RAM whose protected alias the Realm has shared
      // (RIPAS EMPTY) is mapped by the host; anything else is a device for the host to emulate.
      const lower = r.pa;
      const prot = lower < this.rtt.half ? this.rtt.entry(lower) : undefined;
      const isRam = this.mem.readBytes(lower - (lower % 4096), 1) !== undefined;
      if (isRam && prot && prot.ripas === RIPAS.EMPTY) { this.mapUnprotected(ipa, pc, insn); r = { kind: 'ok', pa: lower }; }
      else if (isRam) r = { kind: 'sea', reason: `unprotected access to IPA 0x${ipa.toString(16)}, whose protected alias is private (RIPAS ${prot ? RIPAS_NAMES[prot.ripas] : '?'}): the host has no shared page there` };
    }
    return r;
  }

  /** RIPAS change request from RSI_IPA_STATE_SET: the host applies its policy, the RMM changes
   *  entries (RTT_SET_RIPAS). Returns the address reached and the response. */
  changeRipas(base: number, top: number, ripas: number, changeDestroyed: boolean, pc: bigint, insn: number): { reached: number; response: 'accept' | 'reject' } {
    const policy = this.ripasPolicy;
    let limit = top;
    let response: 'accept' | 'reject' = 'accept';
    if (policy === 'reject') { limit = base; response = ripas === RIPAS.RAM ? 'reject' : 'accept'; }
    else if (typeof policy === 'object') limit = Math.min(top, base + Math.max(0, policy.partial) * 4096);
    let a = base;
    while (a < limit) {
      // Split to 4 KiB only where the run does not cover a whole entry.
      let e = this.rtt.entry(a);
      if (e.ipa !== a || e.ipa + e.size > limit) { this.rtt.ensureLevel(a, 3); e = this.rtt.entry(a); }
      if (e.ripas === RIPAS.DESTROYED && !changeDestroyed) break; // the run stops (§2.4)
      const wasAssigned = e.state === RTT_STATE.ASSIGNED;
      // RAM -> EMPTY: the host destroys the private granule (zeroing it); EMPTY -> RAM: the host
      // backs it again lazily with a zeroed granule. Either way the old contents are gone.
      const newState = ripas === RIPAS.EMPTY ? (wasAssigned ? RTT_STATE.UNASSIGNED : e.state) : RTT_STATE.UNASSIGNED;
      this.rtt.setEntry(e, newState, ripas);
      for (let p = e.ipa; p < e.ipa + e.size; p += 4096) {
        try { this.mem.writeBytes(p, new Uint8Array(4096)); } catch { break; }
      }
      // The unprotected alias of these pages loses any shared mapping when they become RAM again.
      if (ripas === RIPAS.RAM) this.unmapUnprotected(e.ipa + this.rtt.half, e.size);
      a = e.ipa + e.size;
    }
    const reached = Math.min(a, top);
    if (typeof policy === 'object' && reached < top && ripas === RIPAS.RAM) response = 'accept';
    this.emit({ kind: 'ripas-change', pc, insn, base, top, ripas: RIPAS_NAMES[ripas], reached, response });
    this.emit({ kind: 'table-write', pc, insn, stage: 2, address: base, detail: `RTT_SET_RIPAS [0x${base.toString(16)}, 0x${reached.toString(16)}) -> ${RIPAS_NAMES[ripas]}` });
    return { reached, response };
  }

  private unmapUnprotected(ipa: number, size: number): void {
    for (let p = ipa; p < ipa + size; p += 4096) {
      const e = this.rtt.entry(p);
      if (e.state === RTT_STATE.ASSIGNED_NS) this.rtt.setEntry(e, RTT_STATE.UNASSIGNED_NS, RIPAS.EMPTY);
      if (e.size > 4096) p = e.ipa + e.size - 4096;
    }
  }

  /** The RIPAS of the entry covering `ipa` and the top of the run with that RIPAS within the
   *  last-level table (RSI_IPA_STATE_GET's walk). */
  ripasRun(base: number, end: number): { top: number; ripas: number } {
    const first = this.rtt.entry(base);
    let a = first.ipa + first.size;
    const tableEnd = first.table.base + first.table.entries * first.size;
    while (a < end && a < tableEnd) {
      const e = this.rtt.entry(a);
      if (e.ripas !== first.ripas) break;
      a = e.ipa + e.size;
    }
    return { top: Math.min(a, end), ripas: first.ripas };
  }

  /** Host-side view of RAM for the Realm's IPA (protected, RIPAS RAM, assigned). */
  isPrivateRam(ipa: number): boolean {
    if (ipa >= this.rtt.half) return false;
    const e = this.rtt.entry(ipa);
    return e.ripas === RIPAS.RAM;
  }
}

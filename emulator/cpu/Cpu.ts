// One AArch64 core at EL0/EL1: architectural state, the fetch-decode-execute loop, the
// data-side memory path (soft TLB in front of the Stage1Walker), and exception entry/return.
// Instruction semantics live in exec/*.ts; system registers in SystemRegisters.ts.

import { PhysicalMemory, HostPage } from '../memory/PhysicalMemory';
import { execute } from './exec/decode';
import { SystemRegisters } from './SystemRegisters';
import type { Clock } from './GenericTimer';
import { walkStage1, WalkResult, TranslationRegime, PERM_R1, PERM_W1, PERM_X1, PERM_R0, PERM_W0, PERM_X0, FaultKind } from '../mmu/Stage1Walker';
import { out, toBig, fromBig } from './int64';
import { dataAbortSyndrome } from './exec/loadStore';

/** Thrown (never with a stack trace) to unwind an instruction that took a synchronous exception. */
export const GUEST_EXCEPTION = { guestException: true };

// Register file slots (pairs of int32: [2n] low half, [2n+1] high half).
export const XZR = 31;     // always zero; reads of register 31 in "ZR" contexts
export const SP = 32;      // the current stack pointer
export const SINK = 33;    // writes to XZR land here and are never read

// Exception classes (ESR_ELx.EC), Arm ARM D17.2.37.
export const EC = {
  UNKNOWN: 0x00, WFX: 0x01, FP_ACCESS: 0x07, ILLEGAL_STATE: 0x0e, SVC64: 0x15, HVC64: 0x16, SMC64: 0x17,
  SYSREG: 0x18, IABT_LOWER: 0x20, IABT_SAME: 0x21, PC_ALIGN: 0x22, DABT_LOWER: 0x24, DABT_SAME: 0x25,
  SP_ALIGN: 0x26, FP_EXC64: 0x2c, SERROR: 0x2f, BRK64: 0x3c,
} as const;

// Memory-access flags.
export const ACC_WRITE = 1, ACC_UNPRIV = 2, ACC_ALIGNED = 4 /* must be naturally aligned (exclusives, atomics, acquire/release) */,
  ACC_ATOMIC = 8 /* read-modify-write: a fault reports WnR=1 */, ACC_NOFAULT_CHECK = 16, ACC_CACHE_MAINT = 32;

export type StopReason = 'budget' | 'wfi' | 'halt' | 'breakpoint' | 'watchpoint' | 'exception' | 'stop';

/** A data watchpoint: a range of virtual or physical addresses, for reads, writes or both. */
export interface Watchpoint {
  address: bigint; length: number; space: 'virtual' | 'physical'; access: 'read' | 'write' | 'readWrite';
}

/** What triggered the last 'watchpoint' stop. */
export interface WatchpointHit { watchpoint: Watchpoint; va: bigint; pa: number; size: number; write: boolean; pc: bigint; }

/** Hooks through which the board (or a test harness) services calls the CPU cannot. */
export interface CpuHooks {
  /** HVC #imm / SMC #imm: return true if handled (e.g. PSCI), false to make it UNDEFINED / trap per architecture. */
  hvc?(cpu: Cpu, imm: number): boolean;
  smc?(cpu: Cpu, imm: number): boolean;
  /** AArch64 semihosting (HLT #0xF000). Return true if handled. */
  semihosting?(cpu: Cpu): boolean;
  /** User-mode emulation: SVC handled in JavaScript instead of taking an exception (like qemu-user). */
  svc?(cpu: Cpu, imm: number): boolean;
  /** Called after every exception entry (for tracing). */
  onException?(cpu: Cpu, ec: number, vectorOffset: number): void;
}

/** A second stage of translation (the Realm model's RTT). `resolve` says what an access to an
 *  IPA meets after the host has handled what it can: the output address, a synchronous external
 *  abort to inject, emulated MMIO (a REC exit the host emulates at the given address), or a fatal
 *  condition that stops the machine. */
export type Stage2Result = { kind: 'ok'; pa: number } | { kind: 'sea'; reason: string } | { kind: 'mmio'; pa: number } | { kind: 'fatal'; reason: string };
export interface Stage2 {
  resolve(ipa: number, access: 'read' | 'write' | 'exec', cpu: Cpu): Stage2Result;
  /** Called when the CPU injects the SEA that `resolve` asked for. */
  onAbortInjected?(cpu: Cpu, ipa: number, access: string, reason: string): void;
  /** Called when a guest access ends the run (`fatal`, or MMIO without a valid syndrome). */
  onFatal?(cpu: Cpu, reason: string): void;
  /** Called when the guest writes to a page that holds a stage-1 translation table. */
  onStage1TableWrite?(cpu: Cpu, pa: number, size: number, value: bigint): void;
  /** Called for each emulated MMIO access (the REC exit and the host's emulation). */
  onMmio?(cpu: Cpu, pa: number, size: number, write: boolean, value: bigint | undefined): void;
  /** The unprotected bit: IPAs at or above it alias the lower half (for the debugger's reads). */
  readonly aliasBit: number;
}

const TLB_SIZE = 256;

export class Cpu {
  /** X0..X30, XZR, SP, sink: int32 halves. */
  readonly r = new Int32Array(68);
  /** Banked stack pointers: [0..1] SP_EL0, [2..3] SP_EL1. The current one lives in r[SP]. */
  readonly spBank = new Int32Array(4);
  /** V0..V31 as four 32-bit words each (little-endian lanes). */
  readonly v = new Int32Array(128);
  fpcr = 0;
  fpsr = 0;

  /** Address of the next instruction to fetch (after decode: of the following one). */
  pcLo = 0; pcHi = 0;
  /** Address of the instruction being executed. */
  curLo = 0; curHi = 0;
  /** Current instruction word (for syndromes). */
  insn = 0;

  // PSTATE
  nf = 0; zf = 0; cf = 0; vf = 0;
  private _el = 1;
  spsel = 1;
  /** D A I F as bits 3..0. */
  daif = 0xf;
  private _pan = 0;
  uao = 0; il = 0; ss = 0; ssbs = 0;

  /** Current exception level (0 or 1). */
  get el(): number { return this._el; }
  set el(v: number) { this._el = v; this.updateAccessMasks(); }
  /** PSTATE.PAN. */
  get pan(): number { return this._pan; }
  set pan(v: number) { this._pan = v; this.updateAccessMasks(); }

  /** TLB permission bit a plain load/store needs at the current EL; PAN forces the slow path. */
  private readMask = PERM_R1;
  private writeMask = PERM_W1;
  private panActive = false;
  /** SCTLR_EL1.SA (EL1) or SA0 (EL0) for the current EL. */
  spAlignCheck = false;
  private updateAccessMasks(): void {
    this.readMask = this._el === 0 ? PERM_R0 : PERM_R1;
    this.writeMask = this._el === 0 ? PERM_W0 : PERM_W1;
    this.panActive = this._el === 1 && this._pan === 1;
    this.spAlignCheck = this.sys !== undefined && ((this.sys.sctlr >> (this._el === 0 ? 4n : 3n)) & 1n) === 1n;
  }

  /** SP alignment fault (EC 0x26): SP used as a load/store base is not 16-byte aligned. */
  spAlignmentFault(): never {
    this.takeSync(EC.SP_ALIGN, 0, 1);
    throw GUEST_EXCEPTION;
  }

  readonly sys: SystemRegisters;
  hooks: CpuHooks = {};

  /** Instructions retired since reset. */
  insnCount = 0;
  /** Interrupt request lines from the interrupt controller. */
  irqLine = false; fiqLine = false;
  /** Non-zero when the run loop must look at something before the next instruction. */
  attention = 0;
  /** Set while the core idles in WFI. */
  waitingForInterrupt = false;
  /** Set by stop() (e.g. PSCI SYSTEM_OFF, semihosting exit, debugger pause). */
  stopRequested: StopReason | undefined;

  /** Exclusive monitor: physical address and size of the reservation, or -1. */
  exclusiveAddr = -1;
  exclusiveSize = 0;
  /** Event register for WFE/SEV. */
  eventRegister = 0;

  // Soft TLB, direct-mapped on VA bits [19:12]. Tag holds VA[31:12] | 1 (valid).
  private readonly tlbTagLo = new Int32Array(TLB_SIZE);
  private readonly tlbTagHi = new Int32Array(TLB_SIZE);
  private readonly tlbPerm = new Uint8Array(TLB_SIZE);
  /** Permissions the load/store fast path may use: zero for watched pages and read-only host pages. */
  private readonly tlbFast = new Uint8Array(TLB_SIZE);
  private readonly tlbFlags = new Uint8Array(TLB_SIZE); // bit0 device memory, bit1 el0-accessible (PAN), bit2 host-backed, bit3 global
  private readonly tlbPa = new Float64Array(TLB_SIZE);
  private readonly tlbView: (DataView | null)[] = new Array(TLB_SIZE).fill(null);
  private readonly tlbOff = new Int32Array(TLB_SIZE);
  private readonly tlbAsid = new Int32Array(TLB_SIZE);

  // ---- debugger support ----
  /** Breakpoint bitmaps per virtual code page (key: VA >> 12 as a number), one byte per word. */
  private bpPages = new Map<number, Uint8Array>();
  /** The bitmap of the current code page, or null when it has no breakpoints. */
  private codeBp: Uint8Array | null = null;
  /** The PC whose breakpoint is ignored once (resuming from a breakpoint stop). */
  private bpResumeLo = 0; private bpResumeHi = 0; private bpResumeValid = false;
  private watchpoints: Watchpoint[] = [];
  /** Set when a watchpoint stopped the CPU. */
  watchpointHit?: WatchpointHit;

  /** Replaces the set of instruction breakpoints (virtual addresses in the current regime). */
  setBreakpoints(addresses: bigint[]): void {
    this.bpPages.clear();
    for (const a of addresses) {
      const va = BigInt.asUintN(64, a);
      const key = Number(va >> 12n);
      let page = this.bpPages.get(key);
      if (!page) { page = new Uint8Array(1024); this.bpPages.set(key, page); }
      page[Number(va & 0xfffn) >> 2] = 1;
    }
    this.invalidateFetch();
    this.codeBp = null;
  }

  /** Lets the next instruction at the current PC run even if it has a breakpoint. */
  resumeFromBreakpoint(): void {
    this.bpResumeLo = this.pcLo; this.bpResumeHi = this.pcHi; this.bpResumeValid = true;
  }

  setWatchpoints(list: Watchpoint[]): void {
    this.watchpoints = list.slice();
    this.flushTlb(); // pages under watch must take the slow path
  }

  private pageWatched(vaPage: bigint, paPage: number): boolean {
    for (const w of this.watchpoints) {
      const start = w.address, end = w.address + BigInt(w.length);
      const [ps, pe] = w.space === 'virtual' ? [vaPage, vaPage + 4096n] : [BigInt(paPage), BigInt(paPage) + 4096n];
      if (start < pe && end > ps) return true;
    }
    return false;
  }

  private checkWatchpoints(vaLo: number, vaHi: number, pa: number, size: number, write: boolean): void {
    const va = toBig(vaLo, vaHi);
    for (const w of this.watchpoints) {
      if (w.access === 'read' && write) continue;
      if (w.access === 'write' && !write) continue;
      const a = w.space === 'virtual' ? va : BigInt(pa);
      if (a < w.address + BigInt(w.length) && a + BigInt(size) > w.address) {
        this.watchpointHit = { watchpoint: w, va, pa, size, write, pc: toBig(this.curLo, this.curHi) };
        this.stop('watchpoint');
        return;
      }
    }
  }

  // Instruction-fetch page cache.
  private codeTagLo = 1; private codeTagHi = 0;
  private codeView: DataView | null = null;
  private codeOff = 0;
  /** PA of the current code page, for the debugger and the block tier. */
  codePagePa = 0;

  /** Per-translation-regime values cached from system registers (refreshed on writes). */
  mmuEnabled = false;
  alignCheck = false;
  private regime!: TranslationRegime;
  asid = 0;

  /** Stage 2 (a Realm's RTT), when the CPU runs as a Realm guest. */
  stage2?: Stage2;
  /** Set when the machine stopped on a fatal stage-2 outcome (the report). */
  stage2Fatal?: string;
  /** Pages the stage-1 walks have read descriptors from (tracked when stage 2 reports table writes). */
  readonly stage1TablePages = new Set<number>();

  /** Set when the last load of size 8 returned: the high half. */
  ldHi = 0;

  constructor(readonly mem: PhysicalMemory, opts: { paBits?: number; clock?: Clock } = {}) {
    this.sys = new SystemRegisters(this, opts.paBits ?? 48, opts.clock);
    mem.onMappingChange(() => this.flushTlb());
    this.reset();
  }

  reset(): void {
    this.r.fill(0); this.spBank.fill(0); this.v.fill(0);
    this.fpcr = 0; this.fpsr = 0;
    this.nf = this.zf = this.cf = this.vf = 0;
    this.el = 1; this.spsel = 1; this.daif = 0xf; this.pan = 0; this.uao = 0; this.il = 0; this.ss = 0;
    this.pcLo = this.pcHi = 0;
    this.sys.reset();
    this.exclusiveAddr = -1;
    this.waitingForInterrupt = false;
    this.stopRequested = undefined;
    this.insnCount = 0;
    this.mmuConfigChanged();
  }

  // ---------- registers ----------

  getX(n: number): bigint { return toBig(this.r[2 * n], this.r[2 * n + 1]); }
  setX(n: number, v: bigint): void { this.r[2 * n] = fromBig(v); this.r[2 * n + 1] = out.hi; }
  getSP(): bigint { return toBig(this.r[64], this.r[65]); }
  setSP(v: bigint): void { this.r[64] = fromBig(v); this.r[65] = out.hi; }
  getPC(): bigint { return toBig(this.pcLo, this.pcHi); }
  setPC(v: bigint): void { this.pcLo = fromBig(v); this.pcHi = out.hi; this.waitingForInterrupt = false; }

  /** PSTATE as an SPSR value. */
  getPstate(): number {
    return ((this.nf << 31) | (this.zf << 30) | (this.cf << 29) | (this.vf << 28) |
      (this.uao << 23) | (this.pan << 22) | (this.ss << 21) | (this.il << 20) | (this.ssbs << 12) |
      (this.daif << 6) | (this.el << 2) | this.spsel) >>> 0;
  }
  getNzcv(): number { return ((this.nf << 31) | (this.zf << 30) | (this.cf << 29) | (this.vf << 28)) >>> 0; }
  setNzcv(v: number): void { this.nf = (v >>> 31) & 1; this.zf = (v >>> 30) & 1; this.cf = (v >>> 29) & 1; this.vf = (v >>> 28) & 1; }

  /** Makes the stack pointer selected by EL/SPSel current (call after changing el or spsel). */
  private spSwitch(oldIdx: number): void {
    const newIdx = this.el === 0 || this.spsel === 0 ? 0 : 2;
    if (newIdx === oldIdx) return;
    this.spBank[oldIdx] = this.r[64]; this.spBank[oldIdx + 1] = this.r[65];
    this.r[64] = this.spBank[newIdx]; this.r[65] = this.spBank[newIdx + 1];
  }
  private spIndex(): number { return this.el === 0 || this.spsel === 0 ? 0 : 2; }

  /** SP_EL0 / SP_EL1 regardless of which is current. */
  getBankedSP(el: 0 | 1): bigint {
    const idx = el === 0 ? 0 : 2;
    if (idx === this.spIndex()) return this.getSP();
    return toBig(this.spBank[idx], this.spBank[idx + 1]);
  }
  setBankedSP(el: 0 | 1, v: bigint): void {
    const idx = el === 0 ? 0 : 2;
    if (idx === this.spIndex()) { this.setSP(v); return; }
    this.spBank[idx] = fromBig(v); this.spBank[idx + 1] = out.hi;
  }

  setSpsel(v: number): void { const old = this.spIndex(); this.spsel = v & 1; this.spSwitch(old); }

  setDaif(v: number): void { this.daif = v & 0xf; this.attention = 1; }

  // ---------- the run loop ----------

  /** Runs up to `budget` instructions. Returns why it stopped. */
  run(budget: number): StopReason {
    let done = 0;
    for (;;) {
      try {
        while (done < budget) {
          if (this.attention !== 0) {
            const why = this.handleAttention();
            if (why !== undefined) {
              if (why === 'interrupt') { if (++done >= budget) return 'budget'; continue; }
              return why;
            }
          }
          const lo = this.pcLo, hi = this.pcHi;
          if (((lo ^ this.codeTagLo) & 0xfffff003) !== 0 || hi !== this.codeTagHi) this.fetchPage(lo, hi);
          if (this.codeBp !== null && this.codeBp[(lo & 0xfff) >>> 2] !== 0) {
            // A breakpoint: stop before executing, unless the debugger resumes from this very PC.
            if (this.bpResumeValid && lo === this.bpResumeLo && hi === this.bpResumeHi) this.bpResumeValid = false;
            else { this.bpResumeValid = false; return 'breakpoint'; }
          }
          const insn = this.codeView!.getInt32(this.codeOff + (lo & 0xfff), true);
          this.insn = insn;
          this.curLo = lo; this.curHi = hi;
          const nlo = (lo + 4) | 0;
          this.pcLo = nlo;
          if (nlo === 0) this.pcHi = (hi + 1) | 0;
          done++;
          this.insnCount++;
          execute(this, insn);
        }
        this.bpResumeValid = false;
        return 'budget';
      } catch (e) {
        if (e !== GUEST_EXCEPTION) throw e;
        // A faulting instruction still uses up budget, so an exception loop cannot hang the host.
        if (++done >= budget) return 'budget';
      }
    }
  }

  /** Executes exactly one instruction (or takes one pending interrupt). */
  step(): StopReason {
    return this.run(1);
  }

  stop(reason: StopReason = 'stop'): void {
    this.stopRequested = reason;
    this.attention = 1;
  }

  /** Recomputes pending work. Returns a stop reason to leave the run loop, or undefined to go on. */
  private handleAttention(): StopReason | 'interrupt' | undefined {
    if (this.stopRequested) {
      const r = this.stopRequested;
      this.stopRequested = undefined;
      this.attention = 1; // re-evaluate interrupts next time
      return r;
    }
    this.attention = 0;
    if (this.il) {
      // An illegal exception return set PSTATE.IL: the next instruction takes an Illegal State exception.
      this.curLo = this.pcLo; this.curHi = this.pcHi;
      this.takeSync(EC.ILLEGAL_STATE, 0, 1);
      throw GUEST_EXCEPTION;
    }
    // Taking an interrupt counts as one step, so single-stepping stops at the vector.
    if (this.fiqLine && !(this.daif & 1)) { this.takeInterrupt(0x100); return 'interrupt'; }
    if (this.irqLine && !(this.daif & 2)) { this.takeInterrupt(0x80); return 'interrupt'; }
    if (this.waitingForInterrupt) {
      if (this.irqLine || this.fiqLine) { this.waitingForInterrupt = false; return undefined; }
      this.attention = 1;
      return 'wfi';
    }
    return undefined;
  }

  setIrqLines(irq: boolean, fiq: boolean): void {
    this.irqLine = irq; this.fiqLine = fiq;
    this.attention = 1;
  }

  // ---------- exceptions ----------

  /** Takes a synchronous exception to EL1 for the current instruction. ELR = current instruction
   *  unless `nextPc` (SVC/HVC/SMC), which return to the next one. */
  takeSync(ec: number, iss: number, il: number, far?: bigint, nextPc = false): void {
    const lower = this.el === 0;
    const elrLo = nextPc ? this.pcLo : this.curLo, elrHi = nextPc ? this.pcHi : this.curHi;
    const esr = ((ec << 26) | (il << 25) | (iss & 0x1ffffff)) >>> 0;
    this.sys.esr = BigInt(esr);
    if (far !== undefined) this.sys.far = far;
    this.enterException(lower ? 0x400 : this.spsel ? 0x200 : 0, elrLo, elrHi);
    this.hooks.onException?.(this, ec, lower ? 0x400 : this.spsel ? 0x200 : 0);
  }

  /** UNDEFINED instruction: EC=0, IL=1. */
  undefined(): never {
    this.takeSync(EC.UNKNOWN, 0, 1);
    throw GUEST_EXCEPTION;
  }

  /** A trapped system-register/instruction access (EC 0x18 with its ISS). */
  trapSysreg(iss: number): never {
    this.takeSync(EC.SYSREG, iss, 1);
    throw GUEST_EXCEPTION;
  }

  private takeInterrupt(kind: number): void {
    const offset = (this.el === 0 ? 0x400 : this.spsel ? 0x200 : 0) + kind;
    this.waitingForInterrupt = false;
    this.enterException(offset, this.pcLo, this.pcHi);
    this.hooks.onException?.(this, -1, offset);
  }

  private enterException(offset: number, elrLo: number, elrHi: number): void {
    this.sys.spsr = BigInt(this.getPstate());
    this.sys.elr = toBig(elrLo, elrHi);
    const oldSp = this.spIndex();
    this.el = 1; this.spsel = 1;
    this.spSwitch(oldSp);
    this.daif = 0xf;
    this.il = 0; this.ss = 0; this.uao = 0;
    if (!this.sys.sctlrSpan) this.pan = 1;
    this.ssbs = this.sys.sctlrDssbs;
    this.exclusiveAddr = -1;
    const vbar = this.sys.vbar;
    const target = vbar + BigInt(offset);
    this.pcLo = fromBig(target); this.pcHi = out.hi;
    this.attention = 1;
    this.waitingForInterrupt = false;
    this.codeTagLo = 1; // execute permissions differ per EL: refetch
  }

  /** ERET: restore PSTATE from SPSR_EL1 (with the illegal-return checks) and branch to ELR_EL1. */
  exceptionReturn(): void {
    const spsr = Number(this.sys.spsr & 0xffffffffn);
    const elr = this.sys.elr;
    const m = spsr & 0x1f;
    const oldSp = this.spIndex();
    let illegal = false;
    // Valid targets from EL1: EL0t (0b00000), EL1t (0b00100), EL1h (0b00101). AArch32, EL2/EL3 and
    // the reserved encodings are illegal returns (no EL2/EL3 or AArch32 in this core).
    if (m !== 0 && m !== 4 && m !== 5) illegal = true;
    this.setNzcv(spsr);
    this.daif = (spsr >>> 6) & 0xf;
    this.pan = (spsr >>> 22) & 1;
    this.uao = (spsr >>> 23) & 1;
    this.ss = 0;
    this.ssbs = (spsr >>> 12) & 1;
    if (illegal) {
      this.il = 1;
    } else {
      this.il = (spsr >>> 20) & 1;
      this.el = m >>> 2;
      this.spsel = m & 1;
      this.spSwitch(oldSp);
    }
    this.exclusiveAddr = -1;
    // Without FEAT_TBI at EL0/EL1 settings in play, ELR is used as is.
    this.pcLo = fromBig(elr); this.pcHi = out.hi;
    this.attention = 1;
    this.codeTagLo = 1; // permissions differ per EL: refetch
  }

  // ---------- MMU / TLB ----------

  /** Called by SystemRegisters when SCTLR/TCR/TTBR/MAIR change. */
  mmuConfigChanged(): void {
    this.regime = this.sys.regime();
    this.mmuEnabled = (this.regime.sctlr & 1n) !== 0n;
    this.updateAccessMasks();
    this.alignCheck = (this.regime.sctlr & 2n) !== 0n;
    this.asid = this.sys.currentAsid();
    this.flushTlb();
  }

  get translationRegime(): TranslationRegime { return this.regime; }

  flushTlb(): void {
    this.tlbTagLo.fill(0);
    this.codeTagLo = 1;
    this.codeView = null;
  }

  /** TLBI by VA (one ASID, or all when `asid` is undefined). The TLB caches blocks as 4 KiB
   *  entries, so besides the entry for the VA it drops every entry that came from a block in the
   *  same upper VA half-word: conservative, never stale. (The last-level-only forms invalidate the
   *  same, which the architecture allows.) */
  flushTlbVa(vaLo: number, vaHi: number, asid: number | undefined): void {
    for (let i = 0; i < TLB_SIZE; i++) {
      if ((this.tlbTagLo[i] & 1) === 0) continue;
      if (asid !== undefined && (this.tlbFlags[i] & 8) === 0 && this.tlbAsid[i] !== asid) continue;
      if (this.tlbTagHi[i] === vaHi && ((this.tlbTagLo[i] ^ vaLo) & ~0xfff) === 0) this.tlbTagLo[i] = 0;
      else if (this.tlbPageShift[i] > 12 && this.tlbTagHi[i] === vaHi) this.tlbTagLo[i] = 0;
    }
    this.codeTagLo = 1;
  }
  private readonly tlbPageShift = new Uint8Array(TLB_SIZE);
  /** The IPA of each entry's page (equal to the PA outside a Realm). */
  private readonly tlbIpa = new Float64Array(TLB_SIZE);

  flushTlbAsid(asid: number): void {
    for (let i = 0; i < TLB_SIZE; i++) {
      if ((this.tlbFlags[i] & 8) === 0 && this.tlbAsid[i] === asid) this.tlbTagLo[i] = 0;
    }
    this.codeTagLo = 1;
  }

  /** Walk for the CPU: the regime's translation of a VA, or a fault. */
  walk(vaLo: number, vaHi: number, access: 'read' | 'write' | 'exec'): WalkResult {
    return walkStage1(this.regime, toBig(vaLo, vaHi), this.descriptorMemory(), { access, el: this.el as 0 | 1 });
  }

  /** Descriptor reads of stage-1 walks: guest-physical, or through stage 2 in a Realm. */
  descriptorMemory(noSideEffects = false): { read64(pa: number): bigint | undefined; write64?(pa: number, v: bigint): boolean } {
    const mem = this.mem, s2 = this.stage2;
    if (!s2) return { read64: pa => mem.read(pa, 8), write64: noSideEffects ? undefined : (pa, v) => mem.write(pa, 8, v) };
    const map = (ipa: number, access: 'read' | 'write'): number | undefined => {
      if (noSideEffects) {
        const pa = ipa >= s2.aliasBit ? ipa - s2.aliasBit : ipa;
        return mem.readBytes(pa - (pa % 8), 8) ? pa : undefined;
      }
      const r = s2.resolve(ipa, access, this);
      return r.kind === 'ok' ? r.pa : undefined;
    };
    return {
      read64: ipa => { const pa = map(ipa, 'read'); return pa === undefined ? undefined : mem.read(pa, 8); },
      write64: noSideEffects ? undefined : (ipa, v) => { const pa = map(ipa, 'write'); return pa !== undefined && mem.write(pa, 8, v); },
    };
  }

  /** Fills the TLB entry for a VA; raises the fault as an abort if the walk fails. Returns the index. */
  private tlbFill(vaLo: number, vaHi: number, access: 'read' | 'write' | 'exec', flags: number, size: number): number {
    const res = this.walk(vaLo, vaHi, access);
    if (res.fault) this.abortFromWalk(res.fault.kind, res.fault.level, access, flags, vaLo, vaHi, size, !!res.fault.s1ptw);
    if (this.stage2?.onStage1TableWrite) {
      for (const st of res.steps) {
        const tp = st.descriptorAddress - (st.descriptorAddress % 4096);
        if (!this.stage1TablePages.has(tp)) { this.stage1TablePages.add(tp); this.tlbTagLo.fill(0); this.codeTagLo = 1; }
      }
    }
    let pa = res.pa!;
    let mmio = false;
    // An unprotected IPA never allows execution at stage 2, whatever access filled the entry.
    const s2NoExec = this.stage2 !== undefined && pa >= this.stage2.aliasBit;
    const ipa = pa;
    if (this.stage2) {
      const r = this.stage2.resolve(pa, access, this);
      if (r.kind === 'sea') this.injectSea(access, flags, vaLo, vaHi, pa, r.reason);
      if (r.kind === 'fatal') this.stopOnStage2(r.reason);
      if (r.kind === 'mmio') mmio = true;
      pa = (r as { pa: number }).pa;
    }
    const pageBase = pa - (pa % 4096);
    const idx = (vaLo >>> 12) & (TLB_SIZE - 1);
    const page: HostPage | undefined = mmio ? undefined : this.mem.hostPage(pageBase);
    this.tlbTagLo[idx] = (vaLo & ~0xfff) | 1;
    this.tlbTagHi[idx] = vaHi;
    this.tlbPerm[idx] = res.perms!;
    this.tlbFlags[idx] = (res.device ? 1 : 0) | (res.el0Accessible ? 2 : 0) | (page ? 4 : 0) | (res.global ? 8 : 0) | (mmio ? 32 : 0) | (s2NoExec ? 64 : 0);
    this.tlbIpa[idx] = ipa - (ipa % 4096);
    this.tlbPa[idx] = pageBase;
    this.tlbView[idx] = page ? page.view : null;
    this.tlbOff[idx] = page ? page.offset : 0;
    this.tlbAsid[idx] = res.asid ?? 0;
    this.tlbPageShift[idx] = res.pageShift ?? 12;
    if (page && !page.writable) this.tlbPerm[idx] &= ~(PERM_W0 | PERM_W1) | 0x80; // writes go to the slow path (flash)
    if (page && !page.writable) this.tlbFlags[idx] |= 16;
    this.tlbFast[idx] = (this.watchpoints.length !== 0 && this.pageWatched(toBig(vaLo & ~0xfff, vaHi), pageBase)) ||
      (this.stage1TablePages.size !== 0 && this.stage1TablePages.has(pageBase)) ? this.tlbPerm[idx] & ~(PERM_W0 | PERM_W1) : this.tlbPerm[idx];
    return idx;
  }

  /** The synchronous external abort the RMM injects (facts §2.2): DFSC/IFSC 0x10 with EA set, and
   *  for data aborts the ISV/SAS/SRT/SF/WnR bits of the stage-2 syndrome copied. */
  private injectSea(access: 'read' | 'write' | 'exec', flags: number, vaLo: number, vaHi: number, ipa: number, reason: string): never {
    const far = toBig(vaLo, vaHi);
    const lower = this.el === 0;
    if (access === 'exec') {
      this.takeSync(lower ? EC.IABT_LOWER : EC.IABT_SAME, 0x210, 1, far);
    } else {
      const wnr = access === 'write' || (flags & ACC_ATOMIC) !== 0 ? 1 : 0;
      this.takeSync(lower ? EC.DABT_LOWER : EC.DABT_SAME, 0x210 | (wnr << 6) | dataAbortSyndrome(this.insn), 1, far);
    }
    this.stage2?.onAbortInjected?.(this, ipa, access, reason);
    throw GUEST_EXCEPTION;
  }

  /** A guest access the host cannot resolve: stop with the PC at the instruction. */
  private stopOnStage2(reason: string): never {
    this.stage2Fatal = reason;
    this.pcLo = this.curLo; this.pcHi = this.curHi;
    this.stage2?.onFatal?.(this, reason);
    this.stop('halt');
    throw GUEST_EXCEPTION;
  }

  /** Converts a translation failure into a guest Instruction or Data Abort. */
  abortFromWalk(kind: FaultKind, level: number, access: 'read' | 'write' | 'exec', flags: number, vaLo: number, vaHi: number, _size: number, s1ptw: boolean): never {
    let fsc: number;
    switch (kind) {
      case 'addressSize': fsc = 0x00 + level; break;
      case 'translation': fsc = 0x04 + level; break;
      case 'accessFlag': fsc = 0x08 + level; break;
      case 'permission': fsc = 0x0c + level; break;
      case 'externalAbortOnWalk': fsc = 0x14 + level; break;
      case 'alignment': fsc = 0x21; break;
      default: fsc = 0x10;
    }
    void s1ptw;
    this.raiseAbort(access, fsc, flags, vaLo, vaHi);
  }

  /** Raises an instruction abort (access 'exec') or data abort with the fault status code. */
  raiseAbort(access: 'read' | 'write' | 'exec', fsc: number, flags: number, vaLo: number, vaHi: number): never {
    const lower = this.el === 0;
    const far = toBig(vaLo, vaHi);
    if (access === 'exec') {
      this.takeSync(lower ? EC.IABT_LOWER : EC.IABT_SAME, fsc, 1, far);
    } else {
      const wnr = access === 'write' || (flags & ACC_ATOMIC) !== 0 ? 1 : 0;
      const cm = (flags & ACC_CACHE_MAINT) !== 0 ? 1 : 0;
      // ISV (and the access syndrome with it) is 0 for aborts taken to EL1 (Arm ARM D24.2.45);
      // `dataAbortSyndrome` in exec/loadStore.ts gives what a stage-2 abort to EL2 would report.
      const iss = fsc | (wnr << 6) | (cm << 8);
      this.takeSync(lower ? EC.DABT_LOWER : EC.DABT_SAME, iss, 1, far);
    }
    throw GUEST_EXCEPTION;
  }

  /** Translates a data access; returns the TLB index. Faults are raised into the guest. */
  private translate(vaLo: number, vaHi: number, size: number, flags: number): number {
    let idx = (vaLo >>> 12) & (TLB_SIZE - 1);
    const write = (flags & ACC_WRITE) !== 0;
    // TTBR writes flush the whole TLB, so entries of other ASIDs never need to be matched here.
    if (this.tlbTagLo[idx] !== ((vaLo & ~0xfff) | 1) || this.tlbTagHi[idx] !== vaHi) {
      idx = this.tlbFill(vaLo, vaHi, write ? 'write' : 'read', flags, size);
    }
    const unpriv = (flags & ACC_UNPRIV) !== 0 && this.el === 1 && !this.uao;
    const asEl0 = this.el === 0 || unpriv;
    const need = write ? (asEl0 ? PERM_W0 : PERM_W1) : (asEl0 ? PERM_R0 : PERM_R1);
    const perm = this.tlbPerm[idx];
    if ((perm & need) === 0 || (!asEl0 && this.pan && (this.tlbFlags[idx] & 2) !== 0 && (flags & ACC_CACHE_MAINT) === 0)) {
      if (write && (this.tlbFlags[idx] & 16) !== 0 && (perm & (asEl0 ? PERM_R0 : PERM_R1)) !== 0) {
        // Writable in the page tables, but the host page is read-only (flash): slow path write.
        return idx | 0x10000;
      }
      // Re-walk to find the permission fault's level.
      const res = this.walk(vaLo, vaHi, write ? 'write' : 'read');
      this.abortFromWalk('permission', res.steps.length ? res.steps[res.steps.length - 1].level : 3, write ? 'write' : 'read', flags, vaLo, vaHi, size, false);
    }
    return idx;
  }

  private alignmentFault(vaLo: number, vaHi: number, flags: number): never {
    this.raiseAbort((flags & ACC_WRITE) ? 'write' : 'read', 0x21, flags, vaLo, vaHi);
  }

  private busError(vaLo: number, vaHi: number, flags: number): never {
    // Synchronous External abort, not on a translation table walk (FSC 0b010000).
    this.raiseAbort((flags & ACC_WRITE) ? 'write' : 'read', 0x10, flags, vaLo, vaHi);
  }

  /** Loads `size` bytes (1, 2, 4, 8) at VA; returns the low 32 bits (unsigned for 1 and 2 bytes,
   *  int32 bit pattern for 4 and 8) and, for 8, leaves the high half in `ldHi`. */
  load(vaLo: number, vaHi: number, size: number, flags: number): number {
    // Fast path: a plain, aligned access that hits the TLB on a RAM page with permission.
    const idx = (vaLo >>> 12) & (TLB_SIZE - 1);
    if (flags === 0 && (vaLo & (size - 1)) === 0 && this.tlbTagLo[idx] === ((vaLo & ~0xfff) | 1) && this.tlbTagHi[idx] === vaHi &&
      (this.tlbFast[idx] & this.readMask) !== 0 && !this.panActive) {
      const view = this.tlbView[idx];
      if (view !== null) {
        const o = this.tlbOff[idx] + (vaLo & 0xfff);
        switch (size) {
          case 4: return view.getInt32(o, true);
          case 8: this.ldHi = view.getInt32(o + 4, true); return view.getInt32(o, true);
          case 1: return view.getUint8(o);
          default: return view.getUint16(o, true);
        }
      }
    }
    return this.loadSlow(vaLo, vaHi, size, flags);
  }

  private loadSlow(vaLo: number, vaHi: number, size: number, flags: number): number {
    const misaligned = (vaLo & (size - 1)) !== 0;
    if (misaligned && ((flags & ACC_ALIGNED) !== 0 || this.alignCheck)) this.alignmentFault(vaLo, vaHi, flags);
    const off = vaLo & 0xfff;
    if (off + size > 4096) return this.loadSplit(vaLo, vaHi, size, flags);
    const idx = this.translate(vaLo, vaHi, size, flags) & 0xffff;
    // Device memory (and all data with the MMU off) faults on misaligned accesses; known only now.
    if (misaligned && ((this.tlbFlags[idx] & 1) !== 0 || !this.mmuEnabled)) this.alignmentFault(vaLo, vaHi, flags);
    if (this.watchpoints.length !== 0) this.checkWatchpoints(vaLo, vaHi, this.tlbPa[idx] + off, size, false);
    const view = this.tlbView[idx];
    if (view !== null) {
      const o = this.tlbOff[idx] + off;
      switch (size) {
        case 4: return view.getInt32(o, true);
        case 8: this.ldHi = view.getInt32(o + 4, true); return view.getInt32(o, true);
        case 1: return view.getUint8(o);
        default: return view.getUint16(o, true);
      }
    }
    if ((this.tlbFlags[idx] & 32) !== 0) return this.emulatedMmioLoad(idx, off, size, vaLo, vaHi, flags);
    const v = this.mem.read(this.tlbPa[idx] + off, size);
    if (v === undefined) this.busError(vaLo, vaHi, flags);
    if (size === 8) { this.ldHi = Number(v >> 32n) | 0; return Number(v & 0xffffffffn) | 0; }
    return size === 4 ? Number(v) | 0 : Number(v);
  }

  store(vaLo: number, vaHi: number, size: number, valLo: number, valHi: number, flags: number): void {
    const idx = (vaLo >>> 12) & (TLB_SIZE - 1);
    if (flags === 0 && (vaLo & (size - 1)) === 0 && this.tlbTagLo[idx] === ((vaLo & ~0xfff) | 1) && this.tlbTagHi[idx] === vaHi &&
      (this.tlbFast[idx] & this.writeMask) !== 0 && !this.panActive) {
      const view = this.tlbView[idx];
      if (view !== null) {
        const o = this.tlbOff[idx] + (vaLo & 0xfff);
        switch (size) {
          case 4: view.setInt32(o, valLo, true); return;
          case 8: view.setInt32(o, valLo, true); view.setInt32(o + 4, valHi, true); return;
          case 1: view.setUint8(o, valLo); return;
          default: view.setUint16(o, valLo, true); return;
        }
      }
    }
    this.storeSlow(vaLo, vaHi, size, valLo, valHi, flags);
  }

  private storeSlow(vaLo: number, vaHi: number, size: number, valLo: number, valHi: number, flags: number): void {
    flags |= ACC_WRITE;
    const misaligned = (vaLo & (size - 1)) !== 0;
    if (misaligned && ((flags & ACC_ALIGNED) !== 0 || this.alignCheck)) this.alignmentFault(vaLo, vaHi, flags);
    const off = vaLo & 0xfff;
    if (off + size > 4096) { this.storeSplit(vaLo, vaHi, size, valLo, valHi, flags); return; }
    const t = this.translate(vaLo, vaHi, size, flags);
    const idx = t & 0xffff;
    if (misaligned && ((this.tlbFlags[idx] & 1) !== 0 || !this.mmuEnabled)) this.alignmentFault(vaLo, vaHi, flags);
    if (this.watchpoints.length !== 0) this.checkWatchpoints(vaLo, vaHi, this.tlbPa[idx] + off, size, true);
    if (this.stage1TablePages.size !== 0 && this.stage1TablePages.has(this.tlbPa[idx])) {
      this.stage2?.onStage1TableWrite?.(this, this.tlbPa[idx] + off, size, size === 8 ? toBig(valLo, valHi) : BigInt(valLo >>> 0) & ((1n << BigInt(size * 8)) - 1n));
    }
    const view = this.tlbView[idx];
    if (view !== null && t === idx) {
      const o = this.tlbOff[idx] + off;
      switch (size) {
        case 4: view.setInt32(o, valLo, true); return;
        case 8: view.setInt32(o, valLo, true); view.setInt32(o + 4, valHi, true); return;
        case 1: view.setUint8(o, valLo); return;
        default: view.setUint16(o, valLo, true); return;
      }
    }
    const value = size === 8 ? toBig(valLo, valHi) : BigInt(size === 4 ? valLo >>> 0 : valLo & (size === 1 ? 0xff : 0xffff));
    if ((this.tlbFlags[idx] & 32) !== 0) { this.emulatedMmioStore(idx, off, size, value, vaLo, vaHi, flags); return; }
    if (!this.mem.write(this.tlbPa[idx] + off, size, value)) this.busError(vaLo, vaHi, flags);
  }

  /** A Realm's access to an unprotected IPA the host emulates (a REC exit for MMIO, facts §2.3):
   *  only single-register loads and stores with a valid syndrome can be emulated. */
  private checkEmulatable(pa: number): void {
    if ((dataAbortSyndrome(this.insn) & (1 << 24)) === 0) {
      this.stopOnStage2(`the instruction at ${'0x' + toBig(this.curLo, this.curHi).toString(16)} accesses the emulated device at IPA-alias 0x${pa.toString(16)} ` +
        'with no valid syndrome (ISV=0: not a single-register load or store without writeback), so the host cannot emulate it; ' +
        'on QEMU/KVM the VM stops here (KVM_EXIT_ARM_NISV). Use single LDR/STR accesses for MMIO.');
    }
  }

  private emulatedMmioLoad(idx: number, off: number, size: number, vaLo: number, vaHi: number, flags: number): number {
    const pa = this.tlbPa[idx] + off;
    this.checkEmulatable(pa);
    const v = this.mem.read(pa, size);
    this.stage2?.onMmio?.(this, pa, size, false, v);
    if (v === undefined) this.injectSea('read', flags, vaLo, vaHi, pa + (this.stage2?.aliasBit ?? 0), `nothing at IPA-alias 0x${pa.toString(16)}: the host injects an SEA`);
    if (size === 8) { this.ldHi = Number(v >> 32n) | 0; return Number(v & 0xffffffffn) | 0; }
    return size === 4 ? Number(v) | 0 : Number(v);
  }

  private emulatedMmioStore(idx: number, off: number, size: number, value: bigint, vaLo: number, vaHi: number, flags: number): void {
    const pa = this.tlbPa[idx] + off;
    this.checkEmulatable(pa);
    this.stage2?.onMmio?.(this, pa, size, true, value);
    if (!this.mem.write(pa, size, value)) this.injectSea('write', flags | ACC_WRITE, vaLo, vaHi, pa + (this.stage2?.aliasBit ?? 0), `nothing at IPA-alias 0x${pa.toString(16)}: the host injects an SEA`);
  }

  private loadSplit(vaLo: number, vaHi: number, size: number, flags: number): number {
    if (!this.mmuEnabled) this.alignmentFault(vaLo, vaHi, flags); // misaligned Device-nGnRnE access
    // Probe both pages first so that a fault on the second page leaves nothing half-done.
    const last = (vaLo + size - 1) | 0;
    const lastHi = (last >>> 0) < (vaLo >>> 0) ? (vaHi + 1) | 0 : vaHi;
    this.load(last, lastHi, 1, flags);
    let lo = 0, hi = 0;
    for (let i = size - 1; i >= 0; i--) {
      const a = (vaLo + i) | 0;
      const ah = (a >>> 0) < (vaLo >>> 0) ? (vaHi + 1) | 0 : vaHi;
      const b = this.load(a, ah, 1, flags);
      hi = (hi << 8) | (lo >>> 24);
      lo = (lo << 8) | b;
    }
    this.ldHi = hi;
    return size === 2 ? lo & 0xffff : lo;
  }

  private storeSplit(vaLo: number, vaHi: number, size: number, valLo: number, valHi: number, flags: number): void {
    if (!this.mmuEnabled) this.alignmentFault(vaLo, vaHi, flags);
    const last = (vaLo + size - 1) | 0;
    const lastHi = (last >>> 0) < (vaLo >>> 0) ? (vaHi + 1) | 0 : vaHi;
    // Check writability of both pages before writing anything.
    this.translate(vaLo, vaHi, 1, flags);
    this.translate(last, lastHi, 1, flags);
    for (let i = 0; i < size; i++) {
      const a = (vaLo + i) | 0;
      const ah = (a >>> 0) < (vaLo >>> 0) ? (vaHi + 1) | 0 : vaHi;
      const b = i < 4 ? (valLo >>> (8 * i)) & 0xff : (valHi >>> (8 * (i - 4))) & 0xff;
      this.store(a, ah, 1, b, 0, flags);
    }
  }

  /** Physical address of a data access without performing it (exclusive monitor, DC ZVA, AT). */
  translateForAccess(vaLo: number, vaHi: number, flags: number): number {
    const idx = this.translate(vaLo, vaHi, 1, flags) & 0xffff;
    return this.tlbPa[idx] + (vaLo & 0xfff);
  }

  // ---------- instruction fetch ----------

  private fetchPage(lo: number, hi: number): void {
    if ((lo & 3) !== 0) {
      // PC alignment fault: ELR = the misaligned PC, FAR = the same.
      this.curLo = lo; this.curHi = hi;
      this.takeSync(EC.PC_ALIGN, 0, 1, toBig(lo, hi));
      throw GUEST_EXCEPTION;
    }
    let idx = (lo >>> 12) & (TLB_SIZE - 1);
    const asEl0 = this.el === 0;
    if (this.tlbTagLo[idx] !== ((lo & ~0xfff) | 1) || this.tlbTagHi[idx] !== hi) {
      this.curLo = lo; this.curHi = hi;
      idx = this.tlbFill(lo, hi, 'exec', 0, 4);
    }
    if ((this.tlbPerm[idx] & (asEl0 ? PERM_X0 : PERM_X1)) === 0) {
      this.curLo = lo; this.curHi = hi;
      const res = this.walk(lo, hi, 'exec');
      this.abortFromWalk('permission', res.steps.length ? res.steps[res.steps.length - 1].level : 3, 'exec', 0, lo, hi, 4, false);
    }
    if ((this.tlbFlags[idx] & 64) !== 0) {
      this.curLo = lo; this.curHi = hi;
      this.injectSea('exec', 0, lo, hi, this.tlbIpa[idx] + (lo & 0xfff), `instruction fetch from the unprotected IPA 0x${(this.tlbIpa[idx] + (lo & 0xfff)).toString(16)}`);
    }
    const view = this.tlbView[idx];
    if (view === null) {
      // Executing from MMIO or from nothing: a synchronous external abort on the fetch.
      this.curLo = lo; this.curHi = hi;
      this.raiseAbort('exec', 0x10, 0, lo, hi);
    }
    this.codeView = view;
    this.codeBp = this.bpPages.size === 0 ? null : this.bpPages.get(hi * 1048576 + (lo >>> 12)) ?? null;
    this.codeOff = this.tlbOff[idx];
    this.codeTagLo = lo & ~0xfff;
    this.codeTagHi = hi;
    this.codePagePa = this.tlbPa[idx];
  }

  // ---------- debugger / host access (no side effects on guest state) ----------

  /** Physical address of a virtual address in the current regime, or undefined if it does not
   *  translate. Does not update Access flags or the TLB. */
  debugTranslate(va: bigint): number | undefined {
    const res = walkStage1(this.regime, BigInt.asUintN(64, va), this.descriptorMemory(true),
      { access: 'read', el: this.el as 0 | 1, noAccessFlagUpdate: true });
    if (res.fault || res.pa === undefined) return undefined;
    // In a Realm the unprotected half aliases the host's map below it.
    return this.stage2 && res.pa >= this.stage2.aliasBit ? res.pa - this.stage2.aliasBit : res.pa;
  }

  /** Reads guest-virtual memory (RAM and ROM only, never MMIO); undefined if any page is unmapped. */
  debugRead(va: bigint, length: number): Uint8Array | undefined {
    const outBuf = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = BigInt.asUintN(64, va + BigInt(done));
      const pa = this.debugTranslate(a);
      if (pa === undefined) return undefined;
      const n = Math.min(length - done, 4096 - (pa % 4096));
      const bytes = this.mem.readBytes(pa, n);
      if (!bytes) return undefined;
      outBuf.set(bytes, done);
      done += n;
    }
    return outBuf;
  }

  /** Writes guest-virtual memory (RAM only); returns false if any page is unmapped. */
  debugWrite(va: bigint, data: Uint8Array): boolean {
    let done = 0;
    while (done < data.length) {
      const a = BigInt.asUintN(64, va + BigInt(done));
      const pa = this.debugTranslate(a);
      if (pa === undefined) return false;
      const n = Math.min(data.length - done, 4096 - (pa % 4096));
      try { this.mem.writeBytes(pa, data.subarray(done, done + n)); } catch { return false; }
      done += n;
    }
    return true;
  }

  /** Forces the next fetch to re-translate (after EL changes, TLB maintenance, code writes). */
  invalidateFetch(): void { this.codeTagLo = 1; }
}

// GICv3 interrupt controller for one PE, as QEMU 7.2 configures it on `-M virt,gic-version=3`
// without `secure=on`: the GIC has no Security Extensions, i.e. a single Security state
// (GICD_CTLR.DS = 1) with affinity routing always enabled (GICD_CTLR.ARE = 1, RAO/WI).
// Register layouts and rules from the Arm GICv3/v4 Architecture Specification (IHI 0069);
// reset values and implementation choices as QEMU's hw/intc/arm_gicv3*.c.
//
//   GICD  0x0800_0000, 64 KiB: distributor (SPIs 32-255)
//   GICR  0x080A_0000, 128 KiB: RD_base frame (+0x0000) and SGI_base frame (+0x10000)
//   ICC_*_EL1: the CPU interface, as readIccReg/writeIccReg (for the CPU's MRS/MSR code)
//
// Choices (documented):
// - 256 interrupt IDs (SPIs 32-255): GICD_TYPER.ITLinesNumber = 7, what QEMU 7.2's virt
//   reports (its GICD_TYPER reads 0x037A_0007 under `-trace gicv3_dist_read`; firmware sizes
//   its loops over IPRIORITYR/ICENABLER/IROUTER by it).
//   GICD_TYPER = 0x0378_0007: IDbits = 15 (16-bit INTIDs), A3V = 1, No1N = 1,
//   SecurityExtn = 0, LPIS = 0, MBIS = 0, DVIS = 0. QEMU 7.2 reports LPIS = 1 because it has
//   an ITS; this model implements no LPIs and no ITS (so Linux does not probe the ITS).
// - GICD_IIDR = GICR_IIDR = 0x43B (Arm, product 0, r0p0), ID registers at 0xFFD0-0xFFFC as
//   QEMU (PIDR2 = 0x3B: ArchRev 3). GICR_TYPER = 0x0000_0000_0100_0010 (affinity 0.0.0.0,
//   CommonLPIAff = 1, Processor_Number 0, Last = 1).
// - Groups: IGROUPR bit 1 = Group 1 (signalled as IRQ), 0 = Group 0 (signalled as FIQ).
//   Everything resets to Group 0, as QEMU without security extensions (EDK2/Linux set the
//   groups to 1 when they see GICD_CTLR.DS = 1). IGRPMODR and NSACR are RAZ/WI (DS = 1).
// - The distributor keeps 8 priority bits (as QEMU); the CPU interface implements 5 priority
//   and preemption bits as QEMU's cortex-a57 (ICC_CTLR_EL1.PRIbits = 4): PMR keeps bits
//   [7:3], ICC_AP0R0/AP1R0 hold 32 active-priority levels, BPR0 min/reset 2, BPR1 min/reset 3.
// - A pending interrupt reaches the CPU interface only when it is enabled, not active, its
//   group is enabled in GICD_CTLR and in ICC_IGRPEN<n>_EL1, its priority is below 0xFF and
//   (SPIs) GICD_IROUTER names this PE's affinity (IRM is stored but ignored, as QEMU).
// - GICR_WAKER: ProcessorSleep is writable and ChildrenAsleep follows it at once; as in QEMU
//   it does not gate interrupt delivery. GICR_CTLR, PROPBASER, PENDBASER are RAZ/WI (no LPIs).
// - Registers that do not exist, and accesses of sizes a register does not support, read as
//   zero and ignore writes (QEMU does the same rather than aborting).
// - The redistributor ISPENDR/ICPENDR of level-sensitive interrupts set/clear the software
//   pending latch; the pending state is latch | (line level & level-sensitive).

import type { MmioDevice } from '../memory/PhysicalMemory';

export const GICD_BASE = 0x0800_0000;
export const GICD_SIZE = 0x1_0000;
export const GICR_BASE = 0x080a_0000;
export const GICR_SIZE = 0x2_0000;

export const GIC_NUM_IRQS = 256;
const WORDS = GIC_NUM_IRQS / 32;
export const INTID_SPURIOUS = 1023;

const PRIBITS = 5;
const PRIO_MASK = (0xff << (8 - PRIBITS)) & 0xff; // 0xF8
const MIN_BPR0 = 7 - PRIBITS;                     // 2
const MIN_BPR1 = MIN_BPR0 + 1;                    // 3

// GICD_CTLR bits (single Security state view)
const CTLR_ENABLE_GRP0 = 1 << 0;
const CTLR_ENABLE_GRP1 = 1 << 1;
const CTLR_ARE = 1 << 4;
const CTLR_DS = 1 << 6;

const GICD_TYPER_VALUE = (1 << 25) | (1 << 24) | (15 << 19) | (WORDS - 1);
const IIDR_VALUE = 0x43b;
const GIC_ID_REGS = [0x44, 0x00, 0x00, 0x00, 0x92, 0xb4, 0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1] as const;

const WAKER_PROCESSOR_SLEEP = 1 << 1;
const WAKER_CHILDREN_ASLEEP = 1 << 2;

// ICC_CTLR_EL1
const ICC_CTLR_CBPR = 1 << 0;
const ICC_CTLR_EOIMODE = 1 << 1;
const ICC_CTLR_PMHE = 1 << 6;
const ICC_CTLR_FIXED = (1 << 15) /* A3V */ | (1 << 11) /* IDbits = 24 bits, as QEMU */ | ((PRIBITS - 1) << 8);

/** The CPU-interface registers this model implements and how they may be accessed. */
export const ICC_REGISTERS: Readonly<Record<string, 'r' | 'w' | 'rw'>> = {
  ICC_PMR_EL1: 'rw',
  ICC_IAR0_EL1: 'r',
  ICC_IAR1_EL1: 'r',
  ICC_EOIR0_EL1: 'w',
  ICC_EOIR1_EL1: 'w',
  ICC_HPPIR0_EL1: 'r',
  ICC_HPPIR1_EL1: 'r',
  ICC_BPR0_EL1: 'rw',
  ICC_BPR1_EL1: 'rw',
  ICC_DIR_EL1: 'w',
  ICC_RPR_EL1: 'r',
  ICC_CTLR_EL1: 'rw',
  ICC_SRE_EL1: 'rw',
  ICC_IGRPEN0_EL1: 'rw',
  ICC_IGRPEN1_EL1: 'rw',
  ICC_SGI0R_EL1: 'w',
  ICC_SGI1R_EL1: 'w',
  ICC_ASGI1R_EL1: 'w',
  ICC_AP0R0_EL1: 'rw',
  ICC_AP1R0_EL1: 'rw',
};

interface Hppi { intid: number; prio: number; grp: 0 | 1 }

function bit(words: Uint32Array, intid: number): boolean {
  return ((words[intid >> 5] >>> (intid & 31)) & 1) !== 0;
}
function setBit(words: Uint32Array, intid: number, v: boolean): void {
  if (v) words[intid >> 5] |= 1 << (intid & 31);
  else words[intid >> 5] &= ~(1 << (intid & 31));
}
function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

export interface GicV3Options {
  onCpuLines?: (irq: boolean, fiq: boolean) => void;
  /** This PE's affinity, Aff3.Aff2.Aff1.Aff0 packed as (aff3 << 24) | (aff2 << 16) | (aff1 << 8) | aff0. */
  affinity?: number;
}

export class GicV3 {
  onCpuLines: (irq: boolean, fiq: boolean) => void;
  readonly affinity: number;
  readonly distributor: MmioDevice;
  readonly redistributor: MmioDevice;

  // Per-INTID state, one bit per INTID (word 0 = SGIs/PPIs, kept in the redistributor).
  private readonly group = new Uint32Array(WORDS);
  private readonly enabled = new Uint32Array(WORDS);
  private readonly latch = new Uint32Array(WORDS);   // software/edge pending latch
  private readonly level = new Uint32Array(WORDS);   // input line level
  private readonly active = new Uint32Array(WORDS);
  private readonly edge = new Uint32Array(WORDS);    // 1 = edge-triggered
  private readonly priority = new Uint8Array(GIC_NUM_IRQS);
  private readonly irouter = new Array<number>(GIC_NUM_IRQS).fill(0); // Aff3 << 32 | IRM << 31 | Aff2..0
  private gicdCtlr = 0;
  private waker = 0;

  // CPU interface
  private pmr = 0;
  private bpr0 = MIN_BPR0;
  private bpr1 = MIN_BPR1;
  private iccCtlr = 0;
  private igrpen0 = 0;
  private igrpen1 = 0;
  private apr0 = 0;
  private apr1 = 0;

  private irqOut = false;
  private fiqOut = false;

  constructor(opts: GicV3Options = {}) {
    this.onCpuLines = opts.onCpuLines ?? (() => {});
    this.affinity = (opts.affinity ?? 0) >>> 0;
    const gic = this;
    this.distributor = {
      name: 'gicv3-distributor',
      read: (offset, size) => gic.distRead(offset, size),
      write: (offset, size, value) => { gic.distWrite(offset, size, value); return true; },
    };
    this.redistributor = {
      name: 'gicv3-redistributor',
      read: (offset, size) => gic.redistRead(offset, size),
      write: (offset, size, value) => { gic.redistWrite(offset, size, value); return true; },
    };
    this.reset();
    this.resetCpuInterface();
  }

  /** GIC device reset (distributor and redistributor). */
  reset(): void {
    for (const a of [this.group, this.enabled, this.latch, this.active, this.edge]) a.fill(0);
    this.edge[0] = 0x0000ffff; // SGIs are always edge-triggered
    this.priority.fill(0);
    this.irouter.fill(0);
    this.gicdCtlr = 0;
    this.waker = WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP;
    this.update();
  }

  /** CPU interface reset (part of the PE's reset domain). */
  resetCpuInterface(): void {
    this.pmr = 0;
    this.bpr0 = MIN_BPR0;
    this.bpr1 = MIN_BPR1;
    this.iccCtlr = 0;
    this.igrpen0 = 0;
    this.igrpen1 = 0;
    this.apr0 = 0;
    this.apr1 = 0;
    this.update();
  }

  get irqLine(): boolean { return this.irqOut; }
  get fiqLine(): boolean { return this.fiqOut; }

  // ---- interrupt inputs ----

  /** Drives a PPI line (INTID 16-31). */
  setPpi(intid: number, level: boolean): void {
    if (intid < 16 || intid > 31) throw new RangeError(`not a PPI: ${intid}`);
    this.setLine(intid, level);
  }

  /** Drives an SPI line (INTID 32-255). */
  setSpi(intid: number, level: boolean): void {
    if (intid < 32 || intid >= GIC_NUM_IRQS) throw new RangeError(`not an SPI: ${intid}`);
    this.setLine(intid, level);
  }

  private setLine(intid: number, lvl: boolean): void {
    const old = bit(this.level, intid);
    if (old === lvl) return;
    setBit(this.level, intid, lvl);
    if (lvl && bit(this.edge, intid)) setBit(this.latch, intid, true);
    this.update();
  }

  /** Whether an INTID is pending (for tests and the debugger). */
  isPending(intid: number): boolean {
    return ((this.pendingWord(intid >> 5) >>> (intid & 31)) & 1) !== 0;
  }
  isActive(intid: number): boolean { return bit(this.active, intid); }

  private pendingWord(w: number): number {
    return (this.latch[w] | (this.level[w] & ~this.edge[w])) >>> 0;
  }

  private routedHere(intid: number): boolean {
    if (intid < 32) return true;
    const r = this.irouter[intid];
    const aff = ((Math.floor(r / 2 ** 32) & 0xff) * 2 ** 24 + (r & 0xffffff)) >>> 0;
    return aff === this.affinity;
  }

  // ---- priority logic ----

  private hppi(): Hppi | undefined {
    let best: Hppi | undefined;
    let bestPrio = 0xff;
    for (let w = 0; w < WORDS; w++) {
      let cand = this.pendingWord(w) & this.enabled[w] & ~this.active[w];
      while (cand !== 0) {
        const b = ctz32(cand);
        cand &= cand - 1;
        const intid = w * 32 + b;
        const grp = ((this.group[w] >>> b) & 1) as 0 | 1;
        if (!(this.gicdCtlr & (grp ? CTLR_ENABLE_GRP1 : CTLR_ENABLE_GRP0))) continue;
        if (!(grp ? this.igrpen1 : this.igrpen0)) continue;
        const prio = this.priority[intid];
        if (prio >= bestPrio) continue;
        if (!this.routedHere(intid)) continue;
        bestPrio = prio;
        best = { intid, prio, grp };
      }
    }
    return best;
  }

  /** Mask selecting the group-priority bits of a priority for the given group. */
  private groupPrioMask(grp: 0 | 1): number {
    if (grp === 0 || this.iccCtlr & ICC_CTLR_CBPR) return (0xff << (this.bpr0 + 1)) & 0xff;
    return (0xff << this.bpr1) & 0xff; // the Group 1 binary point is one less (BPR1 - 1)
  }

  /** Running priority: the highest active priority, or 0xFF when nothing is active. */
  private runningPriority(): number {
    const i = ctz32((this.apr0 | this.apr1) >>> 0);
    return i === 32 ? 0xff : i << (8 - PRIBITS);
  }

  private canPreempt(h: Hppi | undefined): h is Hppi {
    if (!h) return false;
    if (h.prio >= this.pmr) return false;
    const rprio = this.runningPriority();
    if (rprio === 0xff) return true;
    const mask = this.groupPrioMask(h.grp);
    return (h.prio & mask) < (rprio & mask);
  }

  private update(): void {
    const h = this.hppi();
    const signal = this.canPreempt(h);
    const irq = signal && h!.grp === 1;
    const fiq = signal && h!.grp === 0;
    if (irq !== this.irqOut || fiq !== this.fiqOut) {
      this.irqOut = irq;
      this.fiqOut = fiq;
      this.onCpuLines(irq, fiq);
    }
  }

  private acknowledge(grp: 0 | 1): number {
    const h = this.hppi();
    if (!this.canPreempt(h) || h.grp !== grp) return INTID_SPURIOUS;
    setBit(this.active, h.intid, true);
    setBit(this.latch, h.intid, false);
    const aprBit = (h.prio & this.groupPrioMask(grp)) >> (8 - PRIBITS);
    if (grp === 0) this.apr0 = (this.apr0 | (1 << aprBit)) >>> 0;
    else this.apr1 = (this.apr1 | (1 << aprBit)) >>> 0;
    this.update();
    return h.intid;
  }

  /** The group of the highest-priority active priority (-1 if none; Group 0 wins a tie). */
  private highestActiveGroup(): -1 | 0 | 1 {
    const g0 = ctz32(this.apr0), g1 = ctz32(this.apr1);
    if (g0 === 32 && g1 === 32) return -1;
    return g1 < g0 ? 1 : 0;
  }

  private endOfInterrupt(grp: 0 | 1, value: bigint): void {
    const intid = Number(value & 0xffffffn);
    if (intid >= GIC_NUM_IRQS) return; // special INTIDs and out-of-range: ignored
    if (this.highestActiveGroup() !== grp) return;
    // Priority drop: clear the highest-priority (lowest-numbered) active priority bit.
    if (grp === 0) this.apr0 = (this.apr0 & (this.apr0 - 1)) >>> 0;
    else this.apr1 = (this.apr1 & (this.apr1 - 1)) >>> 0;
    if (!(this.iccCtlr & ICC_CTLR_EOIMODE)) setBit(this.active, intid, false);
    this.update();
  }

  private deactivate(value: bigint): void {
    const intid = Number(value & 0xffffffn);
    if (intid >= GIC_NUM_IRQS) return;
    if (!(this.iccCtlr & ICC_CTLR_EOIMODE)) return; // UNPREDICTABLE with EOImode 0: ignored
    setBit(this.active, intid, false);
    this.update();
  }

  private generateSgi(value: bigint, grp: 0 | 1): void {
    const targetList = Number(value & 0xffffn);
    const aff1 = Number((value >> 16n) & 0xffn);
    const intid = Number((value >> 24n) & 0xfn);
    const aff2 = Number((value >> 32n) & 0xffn);
    const irm = ((value >> 40n) & 1n) === 1n;
    const rs = Number((value >> 44n) & 0xfn);
    const aff3 = Number((value >> 48n) & 0xffn);
    const my = this.affinity;
    let self: boolean;
    if (irm) {
      self = false; // "all PEs except self": there are no others
    } else {
      const myAff0 = my & 0xff;
      self = aff3 === (my >>> 24) && aff2 === ((my >>> 16) & 0xff) && aff1 === ((my >>> 8) & 0xff) &&
        (myAff0 >> 4) === rs && ((targetList >> (myAff0 & 15)) & 1) === 1;
    }
    if (!self) return;
    // With a single Security state an SGI is only forwarded if its configured group matches.
    if (((this.group[0] >>> intid) & 1) !== grp) return;
    setBit(this.latch, intid, true);
    this.update();
  }

  // ---- CPU interface (system registers) ----

  /** Whether the CPU interface implements a register (an MRS/MSR to any other ICC_ name is UNDEFINED). */
  static iccAccess(name: string): 'r' | 'w' | 'rw' | undefined {
    return ICC_REGISTERS[name];
  }

  readIccReg(name: string): bigint {
    switch (name) {
      case 'ICC_PMR_EL1': return BigInt(this.pmr);
      case 'ICC_IAR0_EL1': return BigInt(this.acknowledge(0));
      case 'ICC_IAR1_EL1': return BigInt(this.acknowledge(1));
      case 'ICC_HPPIR0_EL1': {
        const h = this.hppi();
        return BigInt(h && h.grp === 0 ? h.intid : INTID_SPURIOUS);
      }
      case 'ICC_HPPIR1_EL1': {
        const h = this.hppi();
        return BigInt(h && h.grp === 1 ? h.intid : INTID_SPURIOUS);
      }
      case 'ICC_BPR0_EL1': return BigInt(this.bpr0);
      case 'ICC_BPR1_EL1':
        return BigInt(this.iccCtlr & ICC_CTLR_CBPR ? Math.min(this.bpr0 + 1, 7) : this.bpr1);
      case 'ICC_RPR_EL1': return BigInt(this.runningPriority());
      case 'ICC_CTLR_EL1': return BigInt(ICC_CTLR_FIXED | this.iccCtlr);
      case 'ICC_SRE_EL1': return 7n; // SRE, DFB, DIB: RAO/WI
      case 'ICC_IGRPEN0_EL1': return BigInt(this.igrpen0);
      case 'ICC_IGRPEN1_EL1': return BigInt(this.igrpen1);
      case 'ICC_AP0R0_EL1': return BigInt(this.apr0);
      case 'ICC_AP1R0_EL1': return BigInt(this.apr1);
      default:
        if (ICC_REGISTERS[name]) return 0n; // write-only register: RAZ
        throw new Error(`GICv3 CPU interface has no register ${name}`);
    }
  }

  writeIccReg(name: string, value: bigint): void {
    const v32 = Number(value & 0xffffffffn);
    switch (name) {
      case 'ICC_PMR_EL1': this.pmr = v32 & PRIO_MASK; break;
      case 'ICC_EOIR0_EL1': this.endOfInterrupt(0, value); return;
      case 'ICC_EOIR1_EL1': this.endOfInterrupt(1, value); return;
      case 'ICC_DIR_EL1': this.deactivate(value); return;
      case 'ICC_BPR0_EL1': this.bpr0 = Math.max(v32 & 7, MIN_BPR0); break;
      case 'ICC_BPR1_EL1':
        if (this.iccCtlr & ICC_CTLR_CBPR) return; // writes ignored while CBPR = 1
        this.bpr1 = Math.max(v32 & 7, MIN_BPR1);
        break;
      case 'ICC_CTLR_EL1': this.iccCtlr = v32 & (ICC_CTLR_CBPR | ICC_CTLR_EOIMODE | ICC_CTLR_PMHE); break;
      case 'ICC_SRE_EL1': return;
      case 'ICC_IGRPEN0_EL1': this.igrpen0 = v32 & 1; break;
      case 'ICC_IGRPEN1_EL1': this.igrpen1 = v32 & 1; break;
      case 'ICC_SGI0R_EL1': this.generateSgi(value, 0); return;
      case 'ICC_SGI1R_EL1': this.generateSgi(value, 1); return;
      case 'ICC_ASGI1R_EL1': return; // Secure Group 1 SGIs do not exist with a single Security state
      case 'ICC_AP0R0_EL1': this.apr0 = v32 >>> 0; break;
      case 'ICC_AP1R0_EL1': this.apr1 = v32 >>> 0; break;
      default:
        if (ICC_REGISTERS[name]) return; // read-only register: WI
        throw new Error(`GICv3 CPU interface has no register ${name}`);
    }
    this.update();
  }

  // ---- shared register-bank helpers (IGROUPR ... ICACTIVER for one word) ----

  private readBitmap(base: number, w: number): number {
    switch (base) {
      case 0x080: return this.group[w];
      case 0x100: case 0x180: return this.enabled[w];
      case 0x200: case 0x280: return this.pendingWord(w);
      case 0x300: case 0x380: return this.active[w];
      default: return 0;
    }
  }

  private writeBitmap(base: number, w: number, v: number): void {
    switch (base) {
      case 0x080: this.group[w] = v; break;
      case 0x100: this.enabled[w] |= v; break;
      case 0x180: this.enabled[w] &= ~v; break;
      case 0x200: this.latch[w] |= v; break;
      case 0x280: this.latch[w] &= ~v; break;
      case 0x300: this.active[w] |= v; break;
      case 0x380: this.active[w] &= ~v; break;
      default: return;
    }
    this.update();
  }

  /** ICFGR register n (INTIDs 16n..16n+15): Int_config[1] (bit 2i+1) = edge-triggered. */
  private readIcfgr(n: number): number {
    let v = 0;
    for (let i = 0; i < 16; i++) if (bit(this.edge, 16 * n + i)) v |= 2 << (2 * i);
    return v >>> 0;
  }

  private writeIcfgr(n: number, v: number): void {
    for (let i = 0; i < 16; i++) setBit(this.edge, 16 * n + i, ((v >>> (2 * i + 1)) & 1) === 1);
    this.update();
  }

  private idReg(off: number): number | undefined {
    if (off >= 0xffd0 && off <= 0xfffc && (off & 3) === 0) return GIC_ID_REGS[(off - 0xffd0) >> 2];
    return undefined;
  }

  // ---- GICD ----

  private distRead(offset: number, size: number): bigint {
    if (offset >= 0x6100 && offset < 0x6000 + 8 * GIC_NUM_IRQS) { // GICD_IROUTER<n>, n >= 32
      const n = (offset - 0x6000) >> 3;
      const v = BigInt(this.irouter[n]);
      if (size === 8 && (offset & 7) === 0) return v;
      if (size === 4) return (offset & 4 ? v >> 32n : v) & 0xffffffffn;
      return 0n;
    }
    if (offset >= 0x400 && offset < 0x400 + GIC_NUM_IRQS) { // GICD_IPRIORITYR (SPIs only)
      if (size !== 1 && size !== 4) return 0n;
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) {
        const intid = offset + i - 0x400;
        v = (v << 8n) | BigInt(intid >= 32 ? this.priority[intid] : 0);
      }
      return v;
    }
    if (size !== 4 || offset & 3) return 0n;
    return BigInt(this.distRead32(offset) >>> 0);
  }

  private distRead32(off: number): number {
    switch (off) {
      case 0x0000: return this.gicdCtlr | CTLR_ARE | CTLR_DS;
      case 0x0004: return GICD_TYPER_VALUE;
      case 0x0008: return IIDR_VALUE;
    }
    if (off >= 0x080 && off < 0x400) {
      const base = off & ~0x7f, w = (off & 0x7f) >> 2;
      return w >= 1 && w < WORDS ? this.readBitmap(base, w) : 0; // word 0 lives in the GICR
    }
    if (off >= 0xc00 && off < 0xd00) {
      const n = (off - 0xc00) >> 2;
      return n >= 2 && n < 2 * WORDS ? this.readIcfgr(n) : 0;
    }
    return this.idReg(off) ?? 0;
  }

  private distWrite(offset: number, size: number, value: bigint): void {
    if (offset >= 0x6100 && offset < 0x6000 + 8 * GIC_NUM_IRQS) {
      const n = (offset - 0x6000) >> 3;
      let v = BigInt(this.irouter[n]);
      if (size === 8 && (offset & 7) === 0) v = value;
      else if (size === 4 && offset & 4) v = (v & 0xffffffffn) | ((value & 0xffffffffn) << 32n);
      else if (size === 4) v = (v & ~0xffffffffn) | (value & 0xffffffffn);
      else return;
      this.irouter[n] = Number(v & 0xff_80ff_ffffn); // Aff3, IRM, Aff2..Aff0
      this.update();
      return;
    }
    if (offset >= 0x400 && offset < 0x400 + GIC_NUM_IRQS) {
      if (size !== 1 && size !== 4) return;
      for (let i = 0; i < size; i++) {
        const intid = offset + i - 0x400;
        if (intid >= 32) this.priority[intid] = Number((value >> BigInt(8 * i)) & 0xffn);
      }
      this.update();
      return;
    }
    if (size !== 4 || offset & 3) return;
    const v = Number(value & 0xffffffffn) >>> 0;
    if (offset === 0x0000) {
      this.gicdCtlr = v & (CTLR_ENABLE_GRP0 | CTLR_ENABLE_GRP1);
      this.update();
    } else if (offset >= 0x080 && offset < 0x400) {
      const base = offset & ~0x7f, w = (offset & 0x7f) >> 2;
      if (w >= 1 && w < WORDS) this.writeBitmap(base, w, v);
    } else if (offset >= 0xc00 && offset < 0xd00) {
      const n = (offset - 0xc00) >> 2;
      if (n >= 2 && n < 2 * WORDS) this.writeIcfgr(n, v);
    }
  }

  // ---- GICR ----

  private gicrTyper(): bigint {
    return (BigInt(this.affinity) << 32n) | (1n << 24n) /* CommonLPIAff */ | (1n << 4n) /* Last */;
  }

  private redistRead(offset: number, size: number): bigint {
    if (offset < 0x10000) { // RD_base
      if (offset === 0x0008 && size === 8) return this.gicrTyper();
      if (size !== 4 || offset & 3) return 0n;
      switch (offset) {
        case 0x0004: return BigInt(IIDR_VALUE);
        case 0x0008: return this.gicrTyper() & 0xffffffffn;
        case 0x000c: return this.gicrTyper() >> 32n;
        case 0x0014: return BigInt(this.waker);
        default: return BigInt(this.idReg(offset) ?? 0);
      }
    }
    if (offset >= 0x20000) return 0n;
    const off = offset - 0x10000; // SGI_base
    if (off >= 0x400 && off < 0x420) {
      if (size !== 1 && size !== 4) return 0n;
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.priority[off + i - 0x400]);
      return v;
    }
    if (size !== 4 || off & 3) return 0n;
    if (off >= 0x080 && off < 0x400 && (off & 0x7f) === 0) return BigInt(this.readBitmap(off, 0) >>> 0);
    if (off === 0xc00) return 0xaaaaaaaan; // SGIs: edge-triggered, read-only
    if (off === 0xc04) return BigInt(this.readIcfgr(1));
    return 0n;
  }

  private redistWrite(offset: number, size: number, value: bigint): void {
    if (offset < 0x10000) {
      if (size === 4 && offset === 0x0014) {
        // Only ProcessorSleep is writable; ChildrenAsleep follows it immediately.
        this.waker = Number(value) & WAKER_PROCESSOR_SLEEP ? WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP : 0;
      }
      return; // GICR_CTLR, PROPBASER, PENDBASER, ...: WI (no LPIs)
    }
    if (offset >= 0x20000) return;
    const off = offset - 0x10000;
    if (off >= 0x400 && off < 0x420) {
      if (size !== 1 && size !== 4) return;
      for (let i = 0; i < size; i++) this.priority[off + i - 0x400] = Number((value >> BigInt(8 * i)) & 0xffn);
      this.update();
      return;
    }
    if (size !== 4 || off & 3) return;
    const v = Number(value & 0xffffffffn) >>> 0;
    if (off >= 0x080 && off < 0x400 && (off & 0x7f) === 0) this.writeBitmap(off, 0, v);
    else if (off === 0xc04) {
      // PPIs: only Int_config[1] bits are writable; SGI bits (ICFGR0) are read-only.
      for (let i = 0; i < 16; i++) setBit(this.edge, 16 + i, ((v >>> (2 * i + 1)) & 1) === 1);
      this.update();
    }
  }
}

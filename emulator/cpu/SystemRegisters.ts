// The EL0/EL1 system registers reached by MRS/MSR: one table keyed by the (op0, op1, CRn, CRm, op2)
// encoding, with each register's access rule at EL0 and its side effects. Registers not in the
// table are UNDEFINED, except the ID space (op0=3, op1=0, CRn=0), which reads as zero.
// The ID registers describe one coherent CPU: an ARMv8.0 core plus the features this emulator
// implements (LSE atomics, CRC32, PAN, UAO, hardware Access flag), GICv3 system registers, no EL2/EL3.

import type { Cpu } from './Cpu';
import { GenericTimer, HostClock, Clock } from './GenericTimer';
import type { TranslationRegime } from '../mmu/Stage1Walker';
import { GicV3 } from '../devices/GicV3';

export function sysregKey(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

/** The GICv3 CPU interface as the interrupt controller implements it. */
export interface GicCpuInterface {
  readIccReg(name: string): bigint;
  writeIccReg(name: string, value: bigint): void;
}

/** Who may access a register from EL0. */
type El0Rule = 'undef' | 'ok' | ((cpu: Cpu, write: boolean) => boolean /* true = trap to EL1 */);

interface SysRegDef {
  name: string;
  key: number;
  el0: El0Rule;
  read?: (s: SystemRegisters) => bigint;
  write?: (s: SystemRegisters, v: bigint) => void;
  /** For plain storage registers: mask of writable bits. */
  storage?: { reset: bigint; mask: bigint };
}

const ALL = 0xffffffffffffffffn;

// ID register values (Arm ARM D17.2).
export const ID_VALUES = {
  // Implementer 0x00 is "reserved for software use": this is a software model, not a licensed core.
  MIDR_EL1: 0x000f0510n,      // implementer 0, variant 0, architecture 0xF (by ID registers), part 0x051, revision 0
  MPIDR_EL1: 0x80000000n,     // RES1 bit 31, uniprocessor bit clear, affinity 0.0.0.0
  REVIDR_EL1: 0n,
  ID_AA64PFR0_EL1: 0x0000000001000011n, // EL0/EL1 AArch64 only; EL2/EL3 absent; FP and AdvSIMD (0); GIC sysregs v3 (bits 27:24 = 1)
  ID_AA64PFR1_EL1: 0n,
  ID_AA64DFR0_EL1: 0x0000000010305006n, // DebugVer v8 (6), PMUVer 0 (none), BRPs 6 (5), WRPs 4 (3), CTX_CMPs 2 (1)
  ID_AA64DFR1_EL1: 0n,
  ID_AA64ISAR0_EL1: 0x0000000000210000n, // CRC32 (bits 19:16 = 1), Atomic (bits 23:20 = 2)
  ID_AA64ISAR1_EL1: 0x0000000000200000n, // LRCPC 2 (LDAPR, LDAPUR/STLUR); no PAuth
  ID_AA64MMFR0_EL1: 0x0000000000100020n, // PARange (set from paBits), ASIDBits 16 (2), TGran16 (bits 23:20 = 1), TGran64 and TGran4 (0) supported, no big-endian
  ID_AA64MMFR1_EL1: 0x0000000000110001n, // HAFDBS 1 (Access flag), LO 1 (LDLAR/STLLR), PAN 1
  ID_AA64MMFR2_EL1: 0x0000000000000010n, // UAO 1
  CTR_EL0: 0x0000000084448004n,          // IminLine 64 B, L1Ip PIPT, DminLine 64 B, ERG/CWG 64 B
  DCZID_EL0: 4n,                         // DC ZVA block = 4 words << 4 = 64 bytes
  CLIDR_EL1: 0x0000000000000023n,        // L1 separate I+D, L2 unified (LoC 1? keep LoUU/LoC = 1)
  AIDR_EL1: 0n,
};

export class SystemRegisters {
  /** Hot registers as fields; everything else in `store`. */
  esr = 0n; far = 0n; elr = 0n; spsr = 0n; vbar = 0n;
  sctlr = 0n; tcr = 0n; ttbr0 = 0n; ttbr1 = 0n; mair = 0n;
  cpacr = 0n;
  par = 0n;
  sctlrSpan = 0; sctlrDssbs = 0;
  private store = new Map<number, bigint>();
  gic?: GicCpuInterface;
  timer: GenericTimer;
  private readonly table = new Map<number, SysRegDef>();
  readonly paBitsCode: bigint;

  /** Realm guests see EL3 and RME implemented (they check ID_AA64PFR0_EL1.EL3 before an SMC and
   *  .RME before using the unprotected bit; facts §2.1), as TF-RMM passes PFR0 through. */
  realmFeatures = false;

  constructor(readonly cpu: Cpu, readonly paBits: number, clock: Clock = new HostClock()) {
    this.timer = new GenericTimer(clock);
    const code: Record<number, bigint> = { 32: 0n, 36: 1n, 40: 2n, 42: 3n, 44: 4n, 48: 5n, 52: 6n };
    this.paBitsCode = code[paBits] ?? 5n;
    this.define();
  }

  reset(): void {
    this.esr = this.far = this.elr = this.spsr = this.vbar = 0n;
    // SCTLR_EL1 reset: RES1 bits (29,28,23,22,20,11) set, MMU and caches off, SPAN=1? On reset SPAN is UNKNOWN;
    // QEMU resets SCTLR_EL1 to 0x30d50838 for its cores (RES1 bits + SPAN etc.); use the RES1 set plus SPAN.
    this.setSctlr(0x30d00800n);
    this.tcr = 0n; this.ttbr0 = 0n; this.ttbr1 = 0n; this.mair = 0n; this.cpacr = 0n; this.par = 0n;
    this.store.clear();
    for (const d of this.table.values()) if (d.storage) this.store.set(d.key, d.storage.reset);
  }

  private setSctlr(v: bigint): void {
    // RES1: bits 29, 28, 23, 22, 20, 11 (ARMv8.0 with the features above: EIS/EOS/TSCXT as RES1 too).
    this.sctlr = v | 0x30d00800n;
    this.sctlrSpan = Number((this.sctlr >> 23n) & 1n);
    this.sctlrDssbs = 0;
  }

  regime(): TranslationRegime {
    return { sctlr: this.sctlr, tcr: this.tcr, ttbr0: this.ttbr0, ttbr1: this.ttbr1, mair: this.mair, paBits: this.paBits };
  }

  currentAsid(): number {
    const a1 = (this.tcr >> 22n) & 1n;
    const as16 = (this.tcr >> 36n) & 1n;
    const t = a1 ? this.ttbr1 : this.ttbr0;
    return Number((t >> 48n) & (as16 ? 0xffffn : 0xffn));
  }

  lookup(key: number): SysRegDef | undefined { return this.table.get(key); }

  /** Register names by key, for the debugger and traces. */
  nameOf(key: number): string | undefined { return this.table.get(key)?.name; }
  allRegisters(): { name: string; key: number }[] { return [...this.table.values()].map(d => ({ name: d.name, key: d.key })); }

  /** Reads a register by name (debugger); undefined if unknown. */
  readByName(name: string): bigint | undefined {
    for (const d of this.table.values()) if (d.name === name) return this.readDef(d);
    return undefined;
  }
  writeByName(name: string, v: bigint): boolean {
    for (const d of this.table.values()) if (d.name === name && (d.write || d.storage)) { this.writeDef(d, v); return true; }
    return false;
  }

  readDef(d: SysRegDef): bigint {
    if (d.read) return d.read(this);
    return this.store.get(d.key) ?? 0n;
  }
  writeDef(d: SysRegDef, v: bigint): void {
    if (d.write) { d.write(this, BigInt.asUintN(64, v)); return; }
    if (d.storage) this.store.set(d.key, BigInt.asUintN(64, v) & d.storage.mask);
  }

  /** EL0 access check result for MRS/MSR: 'ok', 'undef', or 'trap'. */
  el0Access(d: SysRegDef, write: boolean): 'ok' | 'undef' | 'trap' {
    if (d.el0 === 'ok') return 'ok';
    if (d.el0 === 'undef') return 'undef';
    return d.el0(this.cpu, write) ? 'trap' : 'ok';
  }

  private def(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, spec: Partial<SysRegDef>): void {
    const key = sysregKey(op0, op1, crn, crm, op2);
    this.table.set(key, { name, key, el0: spec.el0 ?? 'undef', read: spec.read, write: spec.write, storage: spec.storage });
  }
  private ro(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, value: bigint, el0: El0Rule = 'undef'): void {
    this.def(name, op0, op1, crn, crm, op2, { read: () => value, el0 });
  }
  private rw(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, reset = 0n, mask = ALL, el0: El0Rule = 'undef'): void {
    this.def(name, op0, op1, crn, crm, op2, { storage: { reset, mask }, el0 });
  }

  private define(): void {
    const cpu = this.cpu;
    const mmu = () => cpu.mmuConfigChanged();
    const V = ID_VALUES;
    // Identification (op0=3, op1=0, CRn=0).
    this.ro('MIDR_EL1', 3, 0, 0, 0, 0, V.MIDR_EL1);
    this.ro('MPIDR_EL1', 3, 0, 0, 0, 5, V.MPIDR_EL1);
    this.ro('REVIDR_EL1', 3, 0, 0, 0, 6, V.REVIDR_EL1);
    this.def('ID_AA64PFR0_EL1', 3, 0, 0, 4, 0, { read: s => s.realmFeatures ? V.ID_AA64PFR0_EL1 | (1n << 12n) | (1n << 52n) : V.ID_AA64PFR0_EL1 });
    this.ro('ID_AA64PFR1_EL1', 3, 0, 0, 4, 1, V.ID_AA64PFR1_EL1);
    this.ro('ID_AA64ZFR0_EL1', 3, 0, 0, 4, 4, 0n);
    this.ro('ID_AA64SMFR0_EL1', 3, 0, 0, 4, 5, 0n);
    this.ro('ID_AA64DFR0_EL1', 3, 0, 0, 5, 0, V.ID_AA64DFR0_EL1);
    this.ro('ID_AA64DFR1_EL1', 3, 0, 0, 5, 1, V.ID_AA64DFR1_EL1);
    this.ro('ID_AA64AFR0_EL1', 3, 0, 0, 5, 4, 0n);
    this.ro('ID_AA64AFR1_EL1', 3, 0, 0, 5, 5, 0n);
    this.ro('ID_AA64ISAR0_EL1', 3, 0, 0, 6, 0, V.ID_AA64ISAR0_EL1);
    this.ro('ID_AA64ISAR1_EL1', 3, 0, 0, 6, 1, V.ID_AA64ISAR1_EL1);
    this.ro('ID_AA64ISAR2_EL1', 3, 0, 0, 6, 2, 0n);
    this.ro('ID_AA64MMFR0_EL1', 3, 0, 0, 7, 0, (V.ID_AA64MMFR0_EL1 & ~0xfn) | this.paBitsCode);
    this.ro('ID_AA64MMFR1_EL1', 3, 0, 0, 7, 1, V.ID_AA64MMFR1_EL1);
    this.ro('ID_AA64MMFR2_EL1', 3, 0, 0, 7, 2, V.ID_AA64MMFR2_EL1);
    this.ro('ID_AA64MMFR3_EL1', 3, 0, 0, 7, 3, 0n);
    // AArch32 ID registers: this core has no AArch32, so they read as zero.
    const a32 = ['ID_PFR0_EL1', 'ID_PFR1_EL1', 'ID_DFR0_EL1', 'ID_AFR0_EL1', 'ID_MMFR0_EL1', 'ID_MMFR1_EL1', 'ID_MMFR2_EL1', 'ID_MMFR3_EL1'];
    a32.forEach((n, i) => this.ro(n, 3, 0, 0, 1, i, 0n));
    ['ID_ISAR0_EL1', 'ID_ISAR1_EL1', 'ID_ISAR2_EL1', 'ID_ISAR3_EL1', 'ID_ISAR4_EL1', 'ID_ISAR5_EL1', 'ID_MMFR4_EL1', 'ID_ISAR6_EL1']
      .forEach((n, i) => this.ro(n, 3, 0, 0, 2, i, 0n));
    ['MVFR0_EL1', 'MVFR1_EL1', 'MVFR2_EL1'].forEach((n, i) => this.ro(n, 3, 0, 0, 3, i, 0n));
    this.ro('ID_PFR2_EL1', 3, 0, 0, 3, 4, 0n);
    this.ro('ID_DFR1_EL1', 3, 0, 0, 3, 5, 0n);
    this.ro('ID_MMFR5_EL1', 3, 0, 0, 3, 6, 0n);
    // Caches: 32 KiB 2-way L1D, 48 KiB 3-way L1I (like Cortex-A57), 2 MiB 16-way L2, 64-byte lines.
    this.def('CCSIDR_EL1', 3, 1, 0, 0, 0, {
      read: s => {
        const sel = Number(s.store.get(sysregKey(3, 2, 0, 0, 0)) ?? 0n);
        // NumSets-1 [27:13], Associativity-1 [12:3], LineSize log2(words)-2... (log2(bytes)-4) [2:0]
        switch (sel) {
          case 0: return BigInt(((256 - 1) << 13) | ((2 - 1) << 3) | 2);   // L1 D: 256 sets x 2 ways x 64 B
          case 1: return BigInt(((256 - 1) << 13) | ((3 - 1) << 3) | 2);   // L1 I: 256 x 3 x 64
          case 2: return BigInt(((2048 - 1) << 13) | ((16 - 1) << 3) | 2); // L2: 2048 x 16 x 64
          default: return 0n;
        }
      },
    });
    this.ro('CLIDR_EL1', 3, 1, 0, 0, 1, 0x0a200023n); // L1 I+D, L2 unified, LoUU=1, LoC=2, LoUIS=1
    this.ro('AIDR_EL1', 3, 1, 0, 0, 7, 0n);
    this.rw('CSSELR_EL1', 3, 2, 0, 0, 0, 0n, 0xfn);
    const uct = (c: Cpu) => (c.sys.sctlr & (1n << 15n)) === 0n;
    this.ro('CTR_EL0', 3, 3, 0, 0, 1, V.CTR_EL0, c => uct(c));
    this.def('DCZID_EL0', 3, 3, 0, 0, 7, {
      // DZP (bit 4) is set when DC ZVA is prohibited at the current EL.
      read: s => V.DCZID_EL0 | (s.cpu.el === 0 && (s.sctlr & (1n << 14n)) === 0n ? 16n : 0n), el0: 'ok',
    });

    // Memory system control.
    this.def('SCTLR_EL1', 3, 0, 1, 0, 0, { read: s => s.sctlr, write: (s, v) => { s.setSctlr(v); mmu(); } });
    this.rw('ACTLR_EL1', 3, 0, 1, 0, 1);
    this.def('CPACR_EL1', 3, 0, 1, 0, 2, { read: s => s.cpacr, write: (s, v) => { s.cpacr = v & 0x30300000n; } });
    this.def('TTBR0_EL1', 3, 0, 2, 0, 0, { read: s => s.ttbr0, write: (s, v) => { s.ttbr0 = v; mmu(); } });
    this.def('TTBR1_EL1', 3, 0, 2, 0, 1, { read: s => s.ttbr1, write: (s, v) => { s.ttbr1 = v; mmu(); } });
    // TCR_EL1: RES0 bits (6, 35, and 59+ for this feature set) read as zero.
    this.def('TCR_EL1', 3, 0, 2, 0, 2, { read: s => s.tcr, write: (s, v) => { s.tcr = v & 0x0000007fffffffbfn & ~(1n << 35n); mmu(); } });
    this.def('SPSR_EL1', 3, 0, 4, 0, 0, { read: s => s.spsr, write: (s, v) => { s.spsr = v & 0xf0f013ffn | (v & (3n << 22n)) | (v & (1n << 21n)); } });
    this.def('ELR_EL1', 3, 0, 4, 0, 1, { read: s => s.elr, write: (s, v) => { s.elr = v; } });
    this.def('SP_EL0', 3, 0, 4, 1, 0, {
      read: s => s.cpu.getBankedSP(0),
      write: (s, v) => s.cpu.setBankedSP(0, v),
    });
    this.def('SPSel', 3, 0, 4, 2, 0, { read: s => BigInt(s.cpu.spsel), write: (s, v) => s.cpu.setSpsel(Number(v & 1n)) });
    this.def('CurrentEL', 3, 0, 4, 2, 2, { read: s => BigInt(s.cpu.el << 2) });
    this.def('PAN', 3, 0, 4, 2, 3, { read: s => BigInt(s.cpu.pan) << 22n, write: (s, v) => { s.cpu.pan = Number((v >> 22n) & 1n); } });
    this.def('UAO', 3, 0, 4, 2, 4, { read: s => BigInt(s.cpu.uao) << 23n, write: (s, v) => { s.cpu.uao = Number((v >> 23n) & 1n); } });
    this.def('NZCV', 3, 3, 4, 2, 0, { read: s => BigInt(s.cpu.getNzcv()), write: (s, v) => s.cpu.setNzcv(Number(v & 0xf0000000n)), el0: 'ok' });
    const uma = (c: Cpu) => (c.sys.sctlr & (1n << 9n)) === 0n;
    this.def('DAIF', 3, 3, 4, 2, 1, { read: s => BigInt(s.cpu.daif << 6), write: (s, v) => s.cpu.setDaif(Number((v >> 6n) & 0xfn)), el0: c => uma(c) });
    this.def('FPCR', 3, 3, 4, 4, 0, { read: s => BigInt(s.cpu.fpcr), write: (s, v) => { s.cpu.fpcr = Number(v & 0x07c00000n); }, el0: 'ok' }); // AHP, DN, FZ, RMode only: no trapped FP exceptions, no FP16
    this.def('FPSR', 3, 3, 4, 4, 1, { read: s => BigInt(s.cpu.fpsr), write: (s, v) => { s.cpu.fpsr = Number(v & 0xf800009fn); }, el0: 'ok' });
    this.rw('AFSR0_EL1', 3, 0, 5, 1, 0);
    this.rw('AFSR1_EL1', 3, 0, 5, 1, 1);
    this.def('ESR_EL1', 3, 0, 5, 2, 0, { read: s => s.esr, write: (s, v) => { s.esr = v & 0xffffffffn; } });
    this.def('FAR_EL1', 3, 0, 6, 0, 0, { read: s => s.far, write: (s, v) => { s.far = v; } });
    this.def('PAR_EL1', 3, 0, 7, 4, 0, { read: s => s.par, write: (s, v) => { s.par = v; } });
    this.def('MAIR_EL1', 3, 0, 10, 2, 0, { read: s => s.mair, write: (s, v) => { s.mair = v; mmu(); } });
    this.rw('AMAIR_EL1', 3, 0, 10, 3, 0);
    // FEAT_LOR with no LORegions (LORID_EL1 = 0): LDLAR/STLLR behave as LDAR/STLR.
    this.rw('LORSA_EL1', 3, 0, 10, 4, 0, 0n, 0x0000_ffff_ffff_0001n);
    this.rw('LOREA_EL1', 3, 0, 10, 4, 1, 0n, 0x0000_ffff_ffff_0000n);
    this.rw('LORN_EL1', 3, 0, 10, 4, 2, 0n, 0n);
    this.rw('LORC_EL1', 3, 0, 10, 4, 3, 0n, 1n);
    this.ro('LORID_EL1', 3, 0, 10, 4, 7, 0n);
    this.def('VBAR_EL1', 3, 0, 12, 0, 0, { read: s => s.vbar, write: (s, v) => { s.vbar = v & ~0x7ffn; } });
    this.def('ISR_EL1', 3, 0, 12, 1, 0, {
      read: s => (s.cpu.irqLine ? 0x80n : 0n) | (s.cpu.fiqLine ? 0x40n : 0n),
    });
    this.rw('CONTEXTIDR_EL1', 3, 0, 13, 0, 1, 0n, 0xffffffffn);
    this.rw('TPIDR_EL1', 3, 0, 13, 0, 4);
    this.rw('TPIDR_EL0', 3, 3, 13, 0, 2, 0n, ALL, 'ok');
    this.def('TPIDRRO_EL0', 3, 3, 13, 0, 3, {
      read: s => s.store.get(sysregKey(3, 3, 13, 0, 3)) ?? 0n,
      // Writable at EL1 only; EL0 reads it.
      write: (s, v) => { s.store.set(sysregKey(3, 3, 13, 0, 3), v); },
      el0: (_c, write) => write,
    });

    // Generic timer. EL0 access is governed by CNTKCTL_EL1.
    const t = this.timer;
    const k = (bit: number) => (c: Cpu) => (c.sys.timer.cntkctl & (1 << bit)) === 0;
    const el0pct = (c: Cpu) => (c.sys.timer.cntkctl & 1) === 0;
    const el0vct = (c: Cpu) => (c.sys.timer.cntkctl & 2) === 0;
    this.def('CNTKCTL_EL1', 3, 0, 14, 1, 0, { read: () => BigInt(t.cntkctl), write: (_s, v) => { t.cntkctl = Number(v & 0x3ffn); } });
    this.def('CNTFRQ_EL0', 3, 3, 14, 0, 0, { read: () => 62500000n, el0: c => el0pct(c) && el0vct(c) });
    this.def('CNTPCT_EL0', 3, 3, 14, 0, 1, { read: () => t.counter(), el0: c => el0pct(c) });
    this.def('CNTVCT_EL0', 3, 3, 14, 0, 2, { read: () => t.counter(), el0: c => el0vct(c) });
    this.def('CNTP_TVAL_EL0', 3, 3, 14, 2, 0, { read: () => t.readTval(t.phys), write: (_s, v) => t.writeTval(t.phys, v), el0: k(9) });
    this.def('CNTP_CTL_EL0', 3, 3, 14, 2, 1, { read: () => t.readCtl(t.phys), write: (_s, v) => t.writeCtl(t.phys, v), el0: k(9) });
    this.def('CNTP_CVAL_EL0', 3, 3, 14, 2, 2, { read: () => t.phys.cval, write: (_s, v) => t.writeCval(t.phys, v), el0: k(9) });
    this.def('CNTV_TVAL_EL0', 3, 3, 14, 3, 0, { read: () => t.readTval(t.virt), write: (_s, v) => t.writeTval(t.virt, v), el0: k(8) });
    this.def('CNTV_CTL_EL0', 3, 3, 14, 3, 1, { read: () => t.readCtl(t.virt), write: (_s, v) => t.writeCtl(t.virt, v), el0: k(8) });
    this.def('CNTV_CVAL_EL0', 3, 3, 14, 3, 2, { read: () => t.virt.cval, write: (_s, v) => t.writeCval(t.virt, v), el0: k(8) });

    // GICv3 CPU interface (system-register access; ICC_SRE_EL1.SRE reads as one).
    const icc = (name: string, op1: number, crn: number, crm: number, op2: number, mode: 'r' | 'w' | 'rw') => {
      // Only the registers the GIC implements exist (e.g. AP0R1..3 do not with 5 priority bits).
      if (!GicV3.iccAccess(name)) return;
      this.def(name, 3, op1, crn, crm, op2, {
        read: mode === 'w' ? undefined : s => s.gic ? s.gic.readIccReg(name) : 0n,
        write: mode === 'r' ? undefined : (s, v) => s.gic?.writeIccReg(name, v),
      });
    };
    icc('ICC_PMR_EL1', 0, 4, 6, 0, 'rw');
    icc('ICC_IAR0_EL1', 0, 12, 8, 0, 'r');
    icc('ICC_EOIR0_EL1', 0, 12, 8, 1, 'w');
    icc('ICC_HPPIR0_EL1', 0, 12, 8, 2, 'r');
    icc('ICC_BPR0_EL1', 0, 12, 8, 3, 'rw');
    for (let i = 0; i < 4; i++) icc(`ICC_AP0R${i}_EL1`, 0, 12, 8, 4 + i, 'rw');
    for (let i = 0; i < 4; i++) icc(`ICC_AP1R${i}_EL1`, 0, 12, 9, i, 'rw');
    icc('ICC_DIR_EL1', 0, 12, 11, 1, 'w');
    icc('ICC_RPR_EL1', 0, 12, 11, 3, 'r');
    icc('ICC_SGI1R_EL1', 0, 12, 11, 5, 'w');
    icc('ICC_ASGI1R_EL1', 0, 12, 11, 6, 'w');
    icc('ICC_SGI0R_EL1', 0, 12, 11, 7, 'w');
    icc('ICC_IAR1_EL1', 0, 12, 12, 0, 'r');
    icc('ICC_EOIR1_EL1', 0, 12, 12, 1, 'w');
    icc('ICC_HPPIR1_EL1', 0, 12, 12, 2, 'r');
    icc('ICC_BPR1_EL1', 0, 12, 12, 3, 'rw');
    icc('ICC_CTLR_EL1', 0, 12, 12, 4, 'rw');
    icc('ICC_SRE_EL1', 0, 12, 12, 5, 'rw');
    icc('ICC_IGRPEN0_EL1', 0, 12, 12, 6, 'rw');
    icc('ICC_IGRPEN1_EL1', 0, 12, 12, 7, 'rw');

    // Debug registers (op0=2): storage so that firmware and Linux can save/restore them.
    this.rw('MDCCINT_EL1', 2, 0, 0, 2, 0, 0n, 0x20000000n);
    this.rw('MDSCR_EL1', 2, 0, 0, 2, 2, 0n, 0x0000_0000_e020_e001n);
    for (let n = 0; n < 6; n++) {
      this.rw(`DBGBVR${n}_EL1`, 2, 0, 0, n, 4);
      this.rw(`DBGBCR${n}_EL1`, 2, 0, 0, n, 5, 0n, 0x00ff_f1e7n);
    }
    for (let n = 0; n < 4; n++) {
      this.rw(`DBGWVR${n}_EL1`, 2, 0, 0, n, 6);
      this.rw(`DBGWCR${n}_EL1`, 2, 0, 0, n, 7, 0n, 0x1f00_1fffn);
    }
    this.ro('MDRAR_EL1', 2, 0, 1, 0, 0, 0n);
    let oslk = 1n; // OS Lock is locked from cold reset
    this.def('OSLAR_EL1', 2, 0, 1, 0, 4, { write: (_s, v) => { oslk = v & 1n; } });
    this.def('OSLSR_EL1', 2, 0, 1, 1, 4, { read: () => 0x8n | (oslk << 1n) }); // OSLM = 0b10 (lock implemented)
    this.rw('OSDLR_EL1', 2, 0, 1, 3, 4, 0n, 1n);
    this.rw('DBGPRCR_EL1', 2, 0, 1, 4, 4, 0n, 1n);
    this.rw('DBGCLAIMSET_EL1', 2, 0, 7, 8, 6, 0n, 0xffn);
    this.rw('DBGCLAIMCLR_EL1', 2, 0, 7, 9, 6, 0n, 0xffn);
    this.ro('DBGAUTHSTATUS_EL1', 2, 0, 7, 14, 6, 0xaan);
    this.rw('OSDTRRX_EL1', 2, 0, 0, 0, 2, 0n, 0xffffffffn);
    this.rw('OSDTRTX_EL1', 2, 0, 0, 3, 2, 0n, 0xffffffffn);
    this.rw('OSECCR_EL1', 2, 0, 0, 6, 2, 0n, 0xffffffffn);
    this.ro('MDCCSR_EL0', 2, 3, 0, 1, 0, 0n, c => (c.sys.store.get(sysregKey(2, 0, 0, 2, 2))! & (1n << 12n)) !== 0n);
  }

  /** Looks up an MRS/MSR target; ID-space encodings that are not defined read as zero. */
  resolve(key: number): SysRegDef | undefined {
    const d = this.table.get(key);
    if (d) return d;
    // op0=3, op1=0, CRn=0, CRm=1..7: the ID register space, RAZ (Arm ARM D17.3.1 "reserved ID registers").
    if ((key >> 14) === 3 && ((key >> 11) & 7) === 0 && ((key >> 7) & 15) === 0 && ((key >> 3) & 15) >= 1) {
      const raz: SysRegDef = { name: `S3_0_C0_C${(key >> 3) & 15}_${key & 7}`, key, el0: 'undef', read: () => 0n };
      return raz;
    }
    return undefined;
  }
}

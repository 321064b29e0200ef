// A64 "Branches, Exception Generating and System instructions" (op0 = 101x, Arm ARM C4.1.66):
// B/BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR/BLR/RET/ERET, SVC/HVC/SMC/BRK/HLT, hints, barriers,
// MSR (immediate), SYS (AT, DC, IC, TLBI) and MRS/MSR (register).

import { Cpu, EC, GUEST_EXCEPTION, ACC_WRITE, ACC_CACHE_MAINT } from '../Cpu';
import { condHolds } from './dataProcImm';
import { toBig, fromBig, out } from '../int64';
import { walkStage1 } from '../../mmu/Stage1Walker';

function branchRel(cpu: Cpu, off: number): void {
  // off is a signed byte offset below 2^28 in magnitude.
  const sLo = (cpu.curLo >>> 0) + (off >>> 0);
  cpu.pcLo = sLo | 0;
  cpu.pcHi = (cpu.curHi + (off >> 31) + (sLo > 0xffffffff ? 1 : 0)) | 0;
}

export function execBranchSys(cpu: Cpu, insn: number): void {
  const r = cpu.r;
  const top = insn >>> 24;
  // B / BL: x00101
  if ((insn & 0x7c000000) === 0x14000000) {
    if (insn < 0) { r[60] = cpu.pcLo; r[61] = cpu.pcHi; } // BL: X30 = return address
    branchRel(cpu, (insn << 6) >> 4);
    return;
  }
  // CBZ / CBNZ: x011010
  if ((insn & 0x7e000000) === 0x34000000) {
    const t = insn & 31;
    const v = insn < 0 ? r[2 * t] | r[2 * t + 1] : r[2 * t];
    const nz = (insn >>> 24) & 1;
    if ((v === 0) !== (nz === 1)) branchRel(cpu, ((insn >> 5) << 13) >> 11);
    return;
  }
  // TBZ / TBNZ: x011011
  if ((insn & 0x7e000000) === 0x36000000) {
    const t = insn & 31;
    const bit = ((insn >>> 26) & 0x20) | ((insn >>> 19) & 0x1f);
    const v = bit < 32 ? (r[2 * t] >>> bit) & 1 : (r[2 * t + 1] >>> (bit - 32)) & 1;
    const nz = (insn >>> 24) & 1;
    if (v === nz) branchRel(cpu, ((insn >> 5) << 18) >> 16);
    return;
  }
  // B.cond: 01010100 imm19 0 cond
  if (top === 0x54) {
    if ((insn & 0x10) !== 0) cpu.undefined(); // BC.cond (FEAT_HBC) not implemented
    if (condHolds(cpu, insn & 15)) branchRel(cpu, ((insn >> 5) << 13) >> 11);
    return;
  }
  if (top === 0xd4) { exceptionGen(cpu, insn); return; }
  if ((insn & 0xffc00000) === (0xd5000000 | 0)) { system(cpu, insn); return; }
  if ((insn & 0xfe000000) === (0xd6000000 | 0)) { branchReg(cpu, insn); return; }
  cpu.undefined();
}

function branchReg(cpu: Cpu, insn: number): void {
  const r = cpu.r;
  const opc = (insn >>> 21) & 15, op2 = (insn >>> 16) & 31, op3 = (insn >>> 10) & 63, rn = (insn >>> 5) & 31, op4 = insn & 31;
  if (op2 !== 31 || op3 !== 0 || op4 !== 0) cpu.undefined(); // PAuth forms (not advertised)
  switch (opc) {
    case 0: case 2: // BR, RET
      cpu.pcLo = r[2 * rn]; cpu.pcHi = r[2 * rn + 1];
      return;
    case 1: { // BLR (read the target before writing X30)
      const lo = r[2 * rn], hi = r[2 * rn + 1];
      r[60] = cpu.pcLo; r[61] = cpu.pcHi;
      cpu.pcLo = lo; cpu.pcHi = hi;
      return;
    }
    case 4: // ERET
      if (rn !== 31 || cpu.el === 0) cpu.undefined();
      cpu.exceptionReturn();
      return;
    default: // DRPS (only in Debug state) and unallocated
      cpu.undefined();
  }
}

function exceptionGen(cpu: Cpu, insn: number): void {
  const opc = (insn >>> 21) & 7, imm = (insn >>> 5) & 0xffff, op2 = (insn >>> 2) & 7, ll = insn & 3;
  if (op2 !== 0) cpu.undefined();
  if (opc === 0) {
    switch (ll) {
      case 1: // SVC
        if (cpu.hooks.svc && cpu.hooks.svc(cpu, imm)) return;
        cpu.takeSync(EC.SVC64, imm, 1, undefined, true);
        return;
      case 2: // HVC: UNDEFINED at EL0, and at EL1 without EL2 unless the board services it (PSCI conduit)
        if (cpu.el === 0 || !cpu.hooks.hvc || !cpu.hooks.hvc(cpu, imm)) cpu.undefined();
        return;
      case 3: // SMC: likewise without EL3
        if (cpu.el === 0 || !cpu.hooks.smc || !cpu.hooks.smc(cpu, imm)) cpu.undefined();
        return;
      default: cpu.undefined();
    }
  }
  if (opc === 1 && ll === 0) { // BRK: the exception returns to the BRK itself
    cpu.takeSync(EC.BRK64, imm, 1);
    throw GUEST_EXCEPTION;
  }
  if (opc === 2 && ll === 0) { // HLT: semihosting when imm is 0xF000, else UNDEFINED (no halting debug)
    if (imm === 0xf000 && cpu.hooks.semihosting && cpu.hooks.semihosting(cpu)) return;
    cpu.undefined();
  }
  cpu.undefined();
}

/** ISS of a trapped MSR/MRS/SYS (EC 0x18). */
function sysIss(insn: number, read: boolean): number {
  const op0 = (insn >>> 19) & 3, op1 = (insn >>> 16) & 7, crn = (insn >>> 12) & 15, crm = (insn >>> 8) & 15, op2 = (insn >>> 5) & 7, rt = insn & 31;
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
}

function system(cpu: Cpu, insn: number): void {
  const l = (insn >>> 21) & 1, op0 = (insn >>> 19) & 3, op1 = (insn >>> 16) & 7, crn = (insn >>> 12) & 15,
    crm = (insn >>> 8) & 15, op2 = (insn >>> 5) & 7, rt = insn & 31;
  if (op0 === 0) {
    if (l) cpu.undefined();
    if (crn === 2 && rt === 31) { hint(cpu, (crm << 3) | op2); return; }
    if (crn === 3 && rt === 31) { barrier(cpu, crm, op2); return; }
    if (crn === 4 && rt === 31) { msrImmediate(cpu, insn, op1, crm, op2); return; }
    cpu.undefined();
  }
  if (op0 === 1) { sysInstruction(cpu, insn, l, op1, crn, crm, op2, rt); return; }
  // MSR / MRS (register)
  const sys = cpu.sys;
  const key = (insn >>> 5) & 0xffff;
  const def = sys.resolve(key);
  if (!def) cpu.undefined();
  const read = l === 1;
  if ((read && !def.read && !def.storage) || (!read && !def.write && !def.storage)) cpu.undefined();
  if (cpu.el === 0) {
    const acc = sys.el0Access(def, !read);
    if (acc === 'undef') cpu.undefined();
    if (acc === 'trap') cpu.trapSysreg(sysIss(insn, read));
  }
  const r = cpu.r;
  if (read) {
    const v = sys.readDef(def);
    if (rt === 31) return;
    r[2 * rt] = fromBig(v); r[2 * rt + 1] = out.hi;
  } else {
    sys.writeDef(def, toBig(r[2 * rt], r[2 * rt + 1]));
  }
}

function hint(cpu: Cpu, op: number): void {
  switch (op) {
    case 2: // WFE: a pending event is consumed; otherwise wake at once (allowed: WFE may complete
      // for IMPLEMENTATION DEFINED reasons), as a single-PE system has nobody else to send an event.
      if (cpu.el === 0 && (cpu.sys.sctlr & (1n << 18n)) === 0n) trapWfx(cpu, 1);
      cpu.eventRegister = 0;
      return;
    case 3: // WFI
      if (cpu.el === 0 && (cpu.sys.sctlr & (1n << 16n)) === 0n) trapWfx(cpu, 0);
      if (!cpu.irqLine && !cpu.fiqLine) { cpu.waitingForInterrupt = true; cpu.attention = 1; }
      return;
    case 4: case 5: // SEV, SEVL
      cpu.eventRegister = 1;
      return;
    default:
      // NOP, YIELD, DGH, ESB, PSB, TSB, CSDB, BTI and the PAuth hints (PAuth and BTI not advertised):
      // unallocated and unimplemented hints execute as NOPs.
      return;
  }
}

function trapWfx(cpu: Cpu, ti: number): never {
  cpu.takeSync(EC.WFX, 0x1e00000 | ti, 1);
  throw GUEST_EXCEPTION;
}

function barrier(cpu: Cpu, crm: number, op2: number): void {
  switch (op2) {
    case 2: cpu.exclusiveAddr = -1; return;              // CLREX
    case 4: case 5: return;                               // DSB (incl. SSBB/PSSBB), DMB
    case 6: cpu.invalidateFetch(); return;                // ISB
    default: void crm; cpu.undefined();                   // SB, DSB nXS, TCOMMIT: not implemented
  }
}

function msrImmediate(cpu: Cpu, insn: number, op1: number, crm: number, op2: number): void {
  const sel = (op1 << 3) | op2;
  switch (sel) {
    case 0x1e: case 0x1f: { // DAIFSet (op1=3, op2=6), DAIFClr (op2=7)
      if (cpu.el === 0 && (cpu.sys.sctlr & (1n << 9n)) === 0n) cpu.trapSysreg(sysIss(insn, false));
      cpu.setDaif(op2 === 6 ? cpu.daif | crm : cpu.daif & ~crm);
      return;
    }
    case 0x05: // SPSel
      if (cpu.el === 0) cpu.undefined();
      cpu.setSpsel(crm & 1);
      return;
    case 0x04: // PAN
      if (cpu.el === 0) cpu.undefined();
      cpu.pan = crm & 1;
      return;
    case 0x03: // UAO
      if (cpu.el === 0) cpu.undefined();
      cpu.uao = crm & 1;
      return;
    default: // CFINV, XAFlag, AXFlag, SSBS, DIT, TCO, ALLINT, SVCR: features not advertised
      cpu.undefined();
  }
}

function sysInstruction(cpu: Cpu, insn: number, l: number, op1: number, crn: number, crm: number, op2: number, rt: number): void {
  if (l) cpu.undefined(); // SYSL: nothing defined for this feature set
  const r = cpu.r;
  const el0 = cpu.el === 0;
  const sctlr = cpu.sys.sctlr;
  const enc = (op1 << 11) | (crn << 7) | (crm << 3) | op2;
  const E = (o1: number, n: number, m: number, o2: number) => (o1 << 11) | (n << 7) | (m << 3) | o2;
  switch (enc) {
    // ---- instruction cache maintenance: no effect beyond refetching (fetches are never stale here)
    case E(0, 7, 1, 0): case E(0, 7, 5, 0): // IC IALLUIS, IC IALLU
      if (el0) cpu.undefined();
      cpu.invalidateFetch();
      return;
    case E(3, 7, 5, 1): // IC IVAU
      if (el0 && (sctlr & (1n << 26n)) === 0n) cpu.trapSysreg(sysIss(insn, false));
      cpu.invalidateFetch();
      return;
    // ---- data cache maintenance
    case E(3, 7, 4, 1): { // DC ZVA
      if (el0 && (sctlr & (1n << 14n)) === 0n) cpu.trapSysreg(sysIss(insn, false));
      let lo = r[2 * rt] & ~63;
      const hi = r[2 * rt + 1];
      // Translate first so a fault leaves memory untouched, then zero the 64-byte block.
      cpu.translateForAccess(lo, hi, ACC_WRITE);
      for (let i = 0; i < 8; i++, lo += 8) cpu.store(lo, hi, 8, 0, 0, 0);
      return;
    }
    case E(3, 7, 10, 1): case E(3, 7, 14, 1): case E(3, 7, 11, 1): { // DC CVAC, CIVAC, CVAU
      if (el0 && (sctlr & (1n << 26n)) === 0n) cpu.trapSysreg(sysIss(insn, false));
      cpu.translateForAccess(r[2 * rt], r[2 * rt + 1], ACC_CACHE_MAINT);
      return;
    }
    case E(0, 7, 6, 1): // DC IVAC: needs write permission
      if (el0) cpu.undefined();
      cpu.translateForAccess(r[2 * rt], r[2 * rt + 1], ACC_CACHE_MAINT | ACC_WRITE);
      return;
    case E(0, 7, 6, 2): case E(0, 7, 10, 2): case E(0, 7, 14, 2): // DC ISW, CSW, CISW
      if (el0) cpu.undefined();
      return;
    // ---- address translation
    case E(0, 7, 8, 0): case E(0, 7, 8, 1): case E(0, 7, 8, 2): case E(0, 7, 8, 3):
      if (el0) cpu.undefined();
      addressTranslate(cpu, r[2 * rt], r[2 * rt + 1], op2);
      return;
    default:
      break;
  }
  // ---- TLB maintenance (op1=0, CRn=8; CRm 3 = Inner Shareable, 7 = local)
  if (op1 === 0 && crn === 8 && (crm === 3 || crm === 7)) {
    if (el0) cpu.undefined();
    const lo = r[2 * rt], hi = r[2 * rt + 1];
    // VA operand: bits 43:0 are VA[55:12]; bits 63:48 ASID.
    const vaPage = (toBig(lo, hi) & 0xfffffffffffn) << 12n;
    const va = (vaPage & (1n << 55n)) ? vaPage | 0xff00000000000000n : vaPage;
    const vaLo = Number(va & 0xffffffffn) | 0, vaHi = Number(va >> 32n) | 0;
    const asid = hi >>> 16;
    switch (op2) {
      case 0: cpu.flushTlb(); return;                                  // VMALLE1(IS)
      case 1: case 5: cpu.flushTlbVa(vaLo, vaHi, asid); return;            // VAE1, VALE1
      case 2: cpu.flushTlbAsid(asid); return;                          // ASIDE1
      case 3: case 7: cpu.flushTlbVa(vaLo, vaHi, undefined); return;       // VAAE1, VAALE1
      default: cpu.undefined();
    }
  }
  cpu.undefined();
}

/** AT S1E1R/W, S1E0R/W: walk without faulting and report in PAR_EL1 (Arm ARM D17.2.113). */
function addressTranslate(cpu: Cpu, lo: number, hi: number, op2: number): void {
  const el = op2 >= 2 ? 0 : 1;
  const write = (op2 & 1) === 1;
  const mem = cpu.mem;
  const res = walkStage1(cpu.translationRegime, toBig(lo, hi), {
    read64: pa => mem.read(pa, 8),
    write64: (pa, v) => mem.write(pa, 8, v),
  }, { access: write ? 'write' : 'read', el: el as 0 | 1 });
  let fault = res.fault;
  if (!fault && res.perms !== undefined) {
    const need = write ? (el ? 2 : 16) : (el ? 1 : 8);
    const panBlock = el === 1 && cpu.pan === 1 && res.el0Accessible;
    if ((res.perms & need) === 0 || panBlock) fault = { kind: 'permission', level: res.steps.length ? res.steps[res.steps.length - 1].level : 3 };
  }
  if (fault) {
    const base: Record<string, number> = { addressSize: 0x00, translation: 0x04, accessFlag: 0x08, permission: 0x0c, externalAbortOnWalk: 0x14, alignment: 0x21 };
    const fst = (base[fault.kind] ?? 0x10) + (fault.kind === 'alignment' ? 0 : fault.level);
    cpu.sys.par = BigInt(1 | (fst << 1) | (fault.s1ptw ? 1 << 8 : 0)) | (1n << 11n); // F=1, RES1 bit 11
    return;
  }
  const pa = BigInt(res.pa!) & ~0xfffn;
  const attr = BigInt(res.memAttr ?? 0);
  const sh = BigInt(res.device ? 2 : (res.shareability ?? 0));
  cpu.sys.par = (attr << 56n) | pa | (1n << 11n) | (1n << 9n) | (sh << 7n); // NS=1 (Non-secure regime), as QEMU reports
}

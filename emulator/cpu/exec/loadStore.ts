// A64 "Loads and Stores" (op0 = x1x0; Arm ARM DDI 0487 C4.1.66, M.a C4.1 "Loads and Stores").
//
// Groups, selected by bits 29:24 (bit 27 = 1 and bit 25 = 0 are implied by the caller):
//   0x39 / 0x3d  load/store register (unsigned immediate), GPR / SIMD&FP
//   0x38 / 0x3c  load/store register: unscaled, post-index, unprivileged, pre-index (bit 21 = 0);
//                atomic memory operations, register offset, PAC (bit 21 = 1)
//   0x28-0x29 / 0x2c-0x2d  load/store pair: no-allocate, post-index, offset, pre-index (bits 24:23)
//   0x18 / 0x1c  load register (literal)
//   0x08         exclusive register / exclusive pair / CASP / ordered / CAS (o2 = bit 23, o1 = bit 21)
//   0x19         LDAPUR/STLUR (FEAT_LRCPC2); MTE tags, MOPS, LRCPC3 are not implemented (UNDEFINED)
//   0x0c / 0x0d  Advanced SIMD load/store multiple / single structure(s)
//
// Conventions (see README.md here):
// - Every access goes through cpu.load/cpu.store once per element; guest faults unwind from there.
// - Loads commit their destination registers only after every access succeeded, and base-register
//   writeback happens last, so a faulting instruction leaves all registers unchanged.
// - CONSTRAINED UNPREDICTABLE cases take QEMU's choice (QEMU 7.2 is the oracle):
//     * load with writeback and Rn == Rt (or Rt2), Rn != 31: load, then write back: the base
//       register ends up with the written-back address (Constraint_UNKNOWN for the loaded value)
//     * store with writeback and Rn == Rt: the original Rt is stored (Constraint_NONE)
//     * LDP/LDNP/LDPSW (general registers) with Rt == Rt2: the register gets the first element;
//       LDP/LDNP (SIMD&FP) and LDXP/LDAXP: the second (higher-address) element
//     * STXR/STXP with Rs == Rt/Rt2/Rn: the store uses the original register values, then Ws is written
// - Data-abort syndromes: the architecture reports ISV = 0 (ISS[23:14] RES0) for every fault taken
//   to EL1 (Arm ARM M.a D24.2.45, ESR_EL1 "ISS encoding for an exception from a Data Abort", and
//   QEMU's merge_syn_data_abort), so nothing here sets cpu.dabtIss. `dataAbortSyndrome(insn)` gives
//   the ISV/SAS/SSE/SRT/SF/AR bits the architecture defines for a stage-2 abort on the instruction,
//   for code that emulates an EL2 view (e.g. a Realm's MMIO exits).
// - WnR for atomic read-modify-writes follows the Arm ARM rule (ESR_ELx.WnR: 0 if a read of the
//   address would have generated the fault, else 1): alignment, translation and read-permission
//   faults report WnR = 0, write-permission faults WnR = 1. QEMU reports WnR = 1 for all of them.

import type { Cpu } from '../Cpu';
import { ACC_WRITE, ACC_UNPRIV, ACC_ALIGNED } from '../Cpu';
import { checkFpAccess } from './simdFp';

const FSC_ALIGNMENT = 0x21;

/** High half of the address computed by the last addImm/add64 call (low half is returned). */
let ah = 0;

/** 64-bit address (lo, hi) plus a sign-extended offset that fits in an int32. */
function addImm(lo: number, hi: number, imm: number): number {
  const s = (lo >>> 0) + imm;
  ah = s > 0xffffffff ? (hi + 1) | 0 : s < 0 ? (hi - 1) | 0 : hi;
  return s | 0;
}

/** 64-bit add of two (lo, hi) pairs. */
function add64(aLo: number, aHi: number, bLo: number, bHi: number): number {
  const s = (aLo >>> 0) + (bLo >>> 0);
  ah = (aHi + bHi + (s > 0xffffffff ? 1 : 0)) | 0;
  return s | 0;
}

// ---------------------------------------------------------------------------------------------
// Top-level decode

export function execLoadStore(cpu: Cpu, insn: number): void {
  const group = (insn >>> 24) & 0x3f;
  // SP alignment check (SCTLR_EL1.SA/SA0): SP as the base of any non-literal load/store must be
  // 16-byte aligned, checked before the access (Arm ARM D1.3.10).
  if (cpu.spAlignCheck && (insn & 0x3e0) === 0x3e0 && (cpu.r[64] & 15) !== 0 && group !== 0x18 && group !== 0x1c) {
    cpu.spAlignmentFault();
  }
  switch (group) {
    case 0x39: ldstUnsignedImm(cpu, insn); return;
    case 0x38: ldstRegister(cpu, insn); return;
    case 0x28: case 0x29: ldstPair(cpu, insn); return;
    case 0x3d: fpUnsignedImm(cpu, insn); return;
    case 0x3c: fpRegister(cpu, insn); return;
    case 0x2c: case 0x2d: fpPair(cpu, insn); return;
    case 0x18: ldLiteral(cpu, insn); return;
    case 0x1c: fpLiteral(cpu, insn); return;
    case 0x08: ldstExclusiveOrdered(cpu, insn); return;
    case 0x19: ldstRcpcUnscaled(cpu, insn); return;
    case 0x0c: simdMultiple(cpu, insn); return;
    case 0x0d: simdSingle(cpu, insn); return;
    default: cpu.undefined(); // incl. 0x09 (LSUI/RCW/LSE128) and 0x1d (LRCPC3 SIMD&FP, MOPS)
  }
}

// ---------------------------------------------------------------------------------------------
// General-purpose registers: single register

/** One GPR load or store. size: log2 of the access size; opc: 0 store, 1 load zero-extended,
 *  2 load sign-extended to 64 bits, 3 load sign-extended to 32 bits. Rt = 31 is XZR.
 *  The hot forms (unsigned offset, imm9, register offset, literal) repeat the opc 0/1 cases inline
 *  on purpose: V8 does not inline this helper at that call depth, and the call costs ~1/3 of an
 *  LDR (measured 73 -> 110 MIPS on an LDR loop). */
function gprAccess(cpu: Cpu, size: number, opc: number, rt: number, lo: number, hi: number, flags: number): void {
  const r = cpu.r;
  const d = rt << 1;
  if (opc === 0) { cpu.store(lo, hi, 1 << size, r[d], r[d + 1], flags); return; }
  let v = cpu.load(lo, hi, 1 << size, flags);
  if (rt === 31) return;
  if (opc === 1) { r[d] = v; r[d + 1] = size === 3 ? cpu.ldHi : 0; return; }
  if (size === 0) v = (v << 24) >> 24; else if (size === 1) v = (v << 16) >> 16;
  r[d] = v; r[d + 1] = opc === 2 ? v >> 31 : 0;
}

/** size/opc combinations outside LDR/STR/LDRS*: opc=2 with size=3 (PRFM, or unallocated), opc=3 with
 *  size>=2 (unallocated). */
function isPrfmOrUnallocated(size: number, opc: number): boolean {
  return opc >= 2 && size >= 2 && (opc === 3 || size === 3);
}

/** LDR/STR/LDRB/.../PRFM (unsigned immediate): the hottest encoding. */
function ldstUnsignedImm(cpu: Cpu, insn: number): void {
  const size = insn >>> 30, opc = (insn >>> 22) & 3;
  const r = cpu.r;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const bLo = r[b];
  const lo = (bLo + (((insn >>> 10) & 0xfff) << size)) | 0;
  const hi = (lo >>> 0) < (bLo >>> 0) ? (r[b + 1] + 1) | 0 : r[b + 1];
  const rt = insn & 31;
  const d = rt << 1;
  if (opc === 1) {
    const v = cpu.load(lo, hi, 1 << size, 0);
    if (rt !== 31) { r[d] = v; r[d + 1] = size === 3 ? cpu.ldHi : 0; }
    return;
  }
  if (opc === 0) { cpu.store(lo, hi, 1 << size, r[d], r[d + 1], 0); return; }
  if (isPrfmOrUnallocated(size, opc)) {
    if (opc === 2) return; // PRFM (immediate): a hint; no effect, never faults
    cpu.undefined();
  }
  gprAccess(cpu, size, opc, rt, lo, hi, 0);
}

/** 0x38: bit 21 = 0: imm9 forms (bits 11:10: unscaled, post-index, unprivileged, pre-index);
 *  bit 21 = 1: atomics (00), register offset (10), PAC (x1, not implemented). */
function ldstRegister(cpu: Cpu, insn: number): void {
  const size = insn >>> 30, opc = (insn >>> 22) & 3;
  const r = cpu.r;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const form = (insn >>> 10) & 3;
  const rt = insn & 31;
  const d = rt << 1;
  let lo: number, hi: number;
  if ((insn & 0x200000) !== 0) {
    if (form !== 2) {
      if (form === 0) { atomicMemOp(cpu, insn); return; }
      cpu.undefined(); // LDRAA/LDRAB: FEAT_PAuth not implemented
    }
    // Register offset: Rm extended (UXTW / LSL / SXTW / SXTX), optionally shifted by log2(size).
    const option = (insn >>> 13) & 7;
    if ((option & 2) === 0) cpu.undefined();
    const m = ((insn >>> 16) & 31) << 1;
    let oLo = r[m], oHi = option === 2 ? 0 : option === 6 ? oLo >> 31 : r[m + 1]; // UXTW, SXTW, LSL/SXTX
    if ((insn & 0x1000) !== 0 && size !== 0) {
      oHi = (oHi << size) | (oLo >>> (32 - size));
      oLo <<= size;
    }
    const bLo = r[b];
    const sum = (bLo >>> 0) + (oLo >>> 0);
    lo = sum | 0;
    hi = (r[b + 1] + oHi + (sum > 0xffffffff ? 1 : 0)) | 0;
  } else {
    const bLo = r[b], bHi = r[b + 1];
    const sum = (bLo >>> 0) + ((insn << 11) >> 23);
    const nLo = sum | 0, nHi = sum > 0xffffffff ? (bHi + 1) | 0 : sum < 0 ? (bHi - 1) | 0 : bHi;
    if (form === 0) { lo = nLo; hi = nHi; } // LDUR/STUR
    else {
      if (isPrfmOrUnallocated(size, opc)) cpu.undefined();
      if (form === 2) { gprAccess(cpu, size, opc, rt, nLo, nHi, ACC_UNPRIV); return; } // LDTR/STTR
      // Post-index (01) / pre-index (11), writeback after the access: a fault leaves the base
      // unchanged; with Rn == Rt on a load the written-back address wins, as on QEMU.
      lo = form === 1 ? bLo : nLo; hi = form === 1 ? bHi : nHi;
      if (opc === 1) {
        const v = cpu.load(lo, hi, 1 << size, 0);
        if (rt !== 31) { r[d] = v; r[d + 1] = size === 3 ? cpu.ldHi : 0; }
      } else if (opc === 0) {
        cpu.store(lo, hi, 1 << size, r[d], r[d + 1], 0);
      } else {
        gprAccess(cpu, size, opc, rt, lo, hi, 0);
      }
      r[b] = nLo; r[b + 1] = nHi;
      return;
    }
  }
  if (opc === 1) {
    const v = cpu.load(lo, hi, 1 << size, 0);
    if (rt !== 31) { r[d] = v; r[d + 1] = size === 3 ? cpu.ldHi : 0; }
    return;
  }
  if (opc === 0) { cpu.store(lo, hi, 1 << size, r[d], r[d + 1], 0); return; }
  if (isPrfmOrUnallocated(size, opc)) {
    if (opc === 2) return; // PRFM (register), PRFUM; RPRFM hints too
    cpu.undefined();
  }
  gprAccess(cpu, size, opc, rt, lo, hi, 0);
}

/** LDR (literal) W/X, LDRSW (literal), PRFM (literal). */
function ldLiteral(cpu: Cpu, insn: number): void {
  const opc = insn >>> 30;
  if (opc === 3) return; // PRFM (literal)
  const pc = cpu.curLo, sum = (pc >>> 0) + (((insn << 8) >> 11) & ~3);
  const lo = sum | 0, hi = sum > 0xffffffff ? (cpu.curHi + 1) | 0 : sum < 0 ? (cpu.curHi - 1) | 0 : cpu.curHi;
  const rt = insn & 31, r = cpu.r;
  const v = cpu.load(lo, hi, opc === 1 ? 8 : 4, 0);
  if (rt === 31) return;
  r[rt << 1] = v;
  r[(rt << 1) + 1] = opc === 1 ? cpu.ldHi : opc === 2 ? v >> 31 : 0;
}

/** LDAPUR, LDAPURB/H, LDAPURS{B,H,W}, STLUR, STLURB/H (FEAT_LRCPC2): signed 9-bit offset, no writeback, ordered (must be aligned). */
function ldstRcpcUnscaled(cpu: Cpu, insn: number): void {
  if ((insn & 0x200c00) !== 0) cpu.undefined(); // MTE tags (bit 21), MOPS (01), LRCPC3 pairs (10)
  const size = insn >>> 30, opc = (insn >>> 22) & 3;
  if (isPrfmOrUnallocated(size, opc)) cpu.undefined();
  const r = cpu.r;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const lo = addImm(r[b], r[b + 1], (insn << 11) >> 23);
  gprAccess(cpu, size, opc, insn & 31, lo, ah, ACC_ALIGNED);
}

// ---------------------------------------------------------------------------------------------
// General-purpose registers: pairs

/** LDP/STP/LDPSW/LDNP/STNP. Bits 24:23: 00 no-allocate offset, 01 post-index, 10 offset, 11 pre-index. */
function ldstPair(cpu: Cpu, insn: number): void {
  const opc = insn >>> 30;
  // opc 11: LDTP/STTP/LDTNP/STTNP (FEAT_LSUI); opc 01: LDPSW, but STGP (FEAT_MTE) when L = 0 and
  // unallocated in the no-allocate form.
  if (opc === 3 || (opc === 1 && ((insn & 0x400000) === 0 || (insn & 0x1800000) === 0))) cpu.undefined();
  const x = opc >>> 1; // 1: 64-bit registers
  const size = 2 + x, bytes = 4 << x;
  const r = cpu.r;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const bLo = r[b], bHi = r[b + 1];
  const sum = (bLo >>> 0) + (((insn << 10) >> 25) << size);
  const nLo = sum | 0, nHi = sum > 0xffffffff ? (bHi + 1) | 0 : sum < 0 ? (bHi - 1) | 0 : bHi;
  const mode = (insn >>> 23) & 3;
  const lo = mode === 1 ? bLo : nLo, hi = mode === 1 ? bHi : nHi;
  const lo2 = (lo + bytes) | 0;
  const hi2 = (lo2 >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
  const t = (insn & 31) << 1, t2 = ((insn >>> 10) & 31) << 1;
  if ((insn & 0x400000) !== 0) {
    const v1 = cpu.load(lo, hi, bytes, 0), h1 = x ? cpu.ldHi : opc === 1 ? v1 >> 31 : 0;
    const v2 = cpu.load(lo2, hi2, bytes, 0), h2 = x ? cpu.ldHi : opc === 1 ? v2 >> 31 : 0;
    // Rt2 then Rt: with Rt == Rt2 the first element wins, as on QEMU 7.2; XZR targets are discarded.
    if (t2 !== 62) { r[t2] = v2; r[t2 + 1] = h2; }
    if (t !== 62) { r[t] = v1; r[t + 1] = h1; }
  } else {
    cpu.store(lo, hi, bytes, r[t], r[t + 1], 0);
    cpu.store(lo2, hi2, bytes, r[t2], r[t2 + 1], 0);
  }
  if ((mode & 1) !== 0) { r[b] = nLo; r[b + 1] = nHi; }
}

// ---------------------------------------------------------------------------------------------
// Exclusives, ordered (acquire/release), compare-and-swap

/** Alignment, read-permission and write-permission checks of an atomic read-modify-write, in the
 *  architectural order, before any access is performed. Faults a read would take report WnR = 0. */
function rmwCheck(cpu: Cpu, lo: number, hi: number, bytes: number): void {
  if ((lo & (bytes - 1)) !== 0) cpu.raiseAbort('read', FSC_ALIGNMENT, 0, lo, hi);
  cpu.translateForAccess(lo, hi, 0);
  cpu.translateForAccess(lo, hi, ACC_WRITE);
}

/** Group 0x08 (o2 = bit 23, L = bit 22, o1 = bit 21, o0 = bit 15). */
function ldstExclusiveOrdered(cpu: Cpu, insn: number): void {
  const size = insn >>> 30;
  const o2 = (insn >>> 23) & 1, load = (insn & 0x400000) !== 0, o1 = (insn >>> 21) & 1;
  const r = cpu.r;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const lo = r[b], hi = r[b + 1];
  const rt = insn & 31, rt2 = (insn >>> 10) & 31, rs = (insn >>> 16) & 31;
  if (o2 === 1) {
    if (o1 === 0) {
      // LDAR/STLR (o0 = 1), LDLAR/STLLR (o0 = 0, LORegions: same semantics here). Rs/Rt2 are
      // should-be-one fields, ignored as on QEMU.
      gprAccess(cpu, size, load ? 1 : 0, rt, lo, hi, ACC_ALIGNED);
      return;
    }
    if (rt2 !== 31) cpu.undefined();
    compareAndSwap(cpu, size, rs, rt, lo, hi);
    return;
  }
  if (o1 === 0) {
    const bytes = 1 << size;
    if (load) { // LDXR, LDAXR (B/H/W/X)
      const v = cpu.load(lo, hi, bytes, ACC_ALIGNED), vh = cpu.ldHi;
      markExclusive(cpu, lo, hi, bytes);
      if (rt !== 31) { r[rt << 1] = v; r[(rt << 1) + 1] = size === 3 ? vh : 0; }
    } else { // STXR, STLXR
      const t = rt << 1;
      storeExclusive(cpu, rs, lo, hi, bytes, r[t], r[t + 1], 0, 0);
    }
    return;
  }
  if (size < 2) { // CASP, CASPA, CASPL, CASPAL (size<0> = sz)
    if (rt2 !== 31 || ((rs | rt) & 1) !== 0) cpu.undefined();
    compareAndSwapPair(cpu, size & 1, rs, rt, lo, hi);
    return;
  }
  // LDXP/LDAXP/STXP/STLXP: sz = size<0>; the whole pair is one exclusive access (8 or 16 bytes).
  const t = rt << 1, t2 = rt2 << 1;
  if ((size & 1) === 0) {
    if (load) {
      const v = cpu.load(lo, hi, 8, ACC_ALIGNED), vh = cpu.ldHi;
      markExclusive(cpu, lo, hi, 8);
      if (rt !== 31) { r[t] = v; r[t + 1] = 0; }
      if (rt2 !== 31) { r[t2] = vh; r[t2 + 1] = 0; }
    } else {
      storeExclusive(cpu, rs, lo, hi, 8, r[t], r[t2], 0, 0);
    }
    return;
  }
  if (load) {
    if ((lo & 15) !== 0) cpu.raiseAbort('read', FSC_ALIGNMENT, 0, lo, hi);
    const v1 = cpu.load(lo, hi, 8, ACC_ALIGNED), h1 = cpu.ldHi;
    const v2 = cpu.load((lo + 8) | 0, hi, 8, ACC_ALIGNED), h2 = cpu.ldHi; // 16-aligned: no carry
    markExclusive(cpu, lo, hi, 16);
    if (rt !== 31) { r[t] = v1; r[t + 1] = h1; }
    if (rt2 !== 31) { r[t2] = v2; r[t2 + 1] = h2; }
  } else {
    storeExclusive(cpu, rs, lo, hi, 16, r[t], r[t + 1], r[t2], r[t2 + 1]);
  }
}

/** Virtual address of each PE's last load-exclusive ([lo, hi]); only consulted while the PE's
 *  monitor (cpu.exclusiveAddr) holds a reservation. */
const exclusiveVa = new WeakMap<Cpu, Int32Array>();

/** Sets the local monitor to the physical address and size of a load-exclusive (after the load). */
function markExclusive(cpu: Cpu, lo: number, hi: number, bytes: number): void {
  cpu.exclusiveAddr = cpu.translateForAccess(lo, hi, 0);
  cpu.exclusiveSize = bytes;
  let va = exclusiveVa.get(cpu);
  if (va === undefined) { va = new Int32Array(2); exclusiveVa.set(cpu, va); }
  va[0] = lo; va[1] = hi;
}

/** STXR/STLXR/STXP/STLXP: bytes 1..8 store (d0, d1) as one access; 16 stores (d0, d1) then (d2, d3).
 *  Ws = 0 on success, 1 on failure. The store succeeds only if the monitor holds a reservation for
 *  exactly this (PA, size); every store-exclusive clears the monitor.
 *  - No reservation, or a reservation made at another VA (CONSTRAINED UNPREDICTABLE, Arm ARM
 *    B2.12.5; IsExclusiveVA may fail it): fails without translating the address, so no alignment or
 *    MMU fault is reported (IMPLEMENTATION DEFINED; this is QEMU's behaviour).
 *  - Same VA: alignment and translation faults are taken (Ws and memory unchanged), then the PA and
 *    the size must match; a size mismatch fails (CONSTRAINED UNPREDICTABLE). */
function storeExclusive(cpu: Cpu, rs: number, lo: number, hi: number, bytes: number, d0: number, d1: number, d2: number, d3: number): void {
  let status = 1;
  if (cpu.exclusiveAddr !== -1) {
    const va = exclusiveVa.get(cpu);
    if (va === undefined || va[0] !== lo || va[1] !== hi) {
      cpu.exclusiveAddr = -1;
    } else {
      if ((lo & (bytes - 1)) !== 0) cpu.raiseAbort('write', FSC_ALIGNMENT, 0, lo, hi);
      const pa = cpu.translateForAccess(lo, hi, ACC_WRITE);
      const pass = pa === cpu.exclusiveAddr && bytes === cpu.exclusiveSize;
      cpu.exclusiveAddr = -1;
      if (pass) {
        if (bytes === 16) {
          cpu.store(lo, hi, 8, d0, d1, ACC_ALIGNED);
          cpu.store((lo + 8) | 0, hi, 8, d2, d3, ACC_ALIGNED);
        } else {
          cpu.store(lo, hi, bytes, d0, d1, ACC_ALIGNED);
        }
        status = 0;
      }
    }
  }
  if (rs !== 31) { cpu.r[rs << 1] = status; cpu.r[(rs << 1) + 1] = 0; }
}

/** CAS/CASA/CASL/CASAL (B/H/W/X). Ws receives the old value (zero-extended); the new value is
 *  written only when the comparison succeeds; write permission is needed either way. */
function compareAndSwap(cpu: Cpu, size: number, rs: number, rt: number, lo: number, hi: number): void {
  const r = cpu.r;
  const bytes = 1 << size;
  rmwCheck(cpu, lo, hi, bytes);
  const s = rs << 1, t = rt << 1;
  const oLo = cpu.load(lo, hi, bytes, ACC_ALIGNED), oHi = size === 3 ? cpu.ldHi : 0;
  let equal: boolean;
  switch (size) {
    case 0: equal = oLo === (r[s] & 0xff); break;
    case 1: equal = oLo === (r[s] & 0xffff); break;
    case 2: equal = oLo === r[s]; break;
    default: equal = oLo === r[s] && oHi === r[s + 1];
  }
  if (equal) cpu.store(lo, hi, bytes, r[t], r[t + 1], ACC_ALIGNED);
  if (rs !== 31) { r[s] = oLo; r[s + 1] = oHi; }
}

/** CASP family: sz = 0: two W registers as one 8-byte access; sz = 1: two X registers, 16 bytes. */
function compareAndSwapPair(cpu: Cpu, sz: number, rs: number, rt: number, lo: number, hi: number): void {
  const r = cpu.r;
  const s = rs << 1, t = rt << 1; // even registers; s+1/t+1 = 31 reads XZR (slot 31 = r[62..63])
  rmwCheck(cpu, lo, hi, sz ? 16 : 8);
  let a0: number, a1: number, b0 = 0, b1 = 0;
  if (sz === 0) {
    a0 = cpu.load(lo, hi, 8, ACC_ALIGNED); a1 = cpu.ldHi;
    if (a0 === r[s] && a1 === r[s + 2]) cpu.store(lo, hi, 8, r[t], r[t + 2], ACC_ALIGNED);
    if (rs !== 31) { r[s] = a0; r[s + 1] = 0; }
    if (rs + 1 !== 31) { r[s + 2] = a1; r[s + 3] = 0; }
    return;
  }
  const lo2 = (lo + 8) | 0; // 16-aligned: no carry
  a0 = cpu.load(lo, hi, 8, ACC_ALIGNED); a1 = cpu.ldHi;
  b0 = cpu.load(lo2, hi, 8, ACC_ALIGNED); b1 = cpu.ldHi;
  if (a0 === r[s] && a1 === r[s + 1] && b0 === r[s + 2] && b1 === r[s + 3]) {
    cpu.store(lo, hi, 8, r[t], r[t + 1], ACC_ALIGNED);
    cpu.store(lo2, hi, 8, r[t + 2], r[t + 3], ACC_ALIGNED);
  }
  if (rs !== 31) { r[s] = a0; r[s + 1] = a1; }
  if (rs + 1 !== 31) { r[s + 2] = b0; r[s + 3] = b1; }
}

/** LD<op>/ST<op> (ADD, CLR, EOR, SET, SMAX, SMIN, UMAX, UMIN), SWP, LDAPR. Acquire/release bits do
 *  not change anything for a single in-order PE. */
function atomicMemOp(cpu: Cpu, insn: number): void {
  const size = insn >>> 30;
  const o3 = (insn >>> 15) & 1, opc = (insn >>> 12) & 7;
  const r = cpu.r;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const lo = r[b], hi = r[b + 1];
  const rt = insn & 31;
  let op = opc;
  if (o3 === 1) {
    if (opc === 4 && (insn & 0xc00000) === 0x800000) { // LDAPR/LDAPRB/LDAPRH (A = 1, R = 0)
      gprAccess(cpu, size, 1, rt, lo, hi, ACC_ALIGNED);
      return;
    }
    if (opc !== 0) cpu.undefined(); // RCW* (FEAT_THE), LD64B/ST64B* (FEAT_LS64)
    op = 8; // SWP
  }
  const bytes = 1 << size;
  rmwCheck(cpu, lo, hi, bytes);
  const s = ((insn >>> 16) & 31) << 1;
  const oLo = cpu.load(lo, hi, bytes, ACC_ALIGNED), oHi = size === 3 ? cpu.ldHi : 0;
  const sLo = r[s], sHi = r[s + 1];
  let nLo: number, nHi = 0;
  switch (op) {
    case 0: // ADD
      if (size === 3) { nLo = add64(oLo, oHi, sLo, sHi); nHi = ah; } else nLo = (oLo + sLo) | 0;
      break;
    case 1: nLo = oLo & ~sLo; nHi = oHi & ~sHi; break; // CLR (BIC)
    case 2: nLo = oLo ^ sLo; nHi = oHi ^ sHi; break;   // EOR
    case 3: nLo = oLo | sLo; nHi = oHi | sHi; break;   // SET (ORR)
    case 8: nLo = sLo; nHi = sHi; break;               // SWP
    default: { // SMAX, SMIN, UMAX, UMIN: compare at the access width
      const signed = op < 6;
      let oGreater: boolean;
      if (size === 3) {
        const oh = signed ? oHi : oHi >>> 0, sh = signed ? sHi : sHi >>> 0;
        oGreater = oh > sh || (oh === sh && (oLo >>> 0) > (sLo >>> 0));
      } else {
        const shift = 32 - (8 << size);
        const ov = signed ? (oLo << shift) >> shift : (oLo << shift) >>> shift;
        const sv = signed ? (sLo << shift) >> shift : (sLo << shift) >>> shift;
        oGreater = ov > sv;
      }
      const takeOld = (op & 1) === 0 ? oGreater : !oGreater; // MAX keeps the greater, MIN the other
      nLo = takeOld ? oLo : sLo; nHi = takeOld ? oHi : sHi;
    }
  }
  cpu.store(lo, hi, bytes, nLo, nHi, ACC_ALIGNED);
  if (rt !== 31) { r[rt << 1] = oLo; r[(rt << 1) + 1] = oHi; }
}

// ---------------------------------------------------------------------------------------------
// SIMD&FP registers

/** Scratch for loaded SIMD&FP data, so that registers are written only after all accesses succeed. */
const tmp = new Int32Array(16);

/** A 16-byte access must be 16-aligned when alignment is checked (SCTLR.A, or Device memory with
 *  the MMU off); cpu.load/store check the 8-byte halves themselves. (Device memory with the MMU on
 *  is only checked per 8-byte half.) */
function checkQAlign(cpu: Cpu, lo: number, hi: number, write: boolean): void {
  if (cpu.alignCheck || !cpu.mmuEnabled) cpu.raiseAbort(write ? 'write' : 'read', FSC_ALIGNMENT, 0, lo, hi);
}

/** Loads 1 << size bytes (size 0..4) into tmp[o..o+3], zero-extended to 128 bits. */
function fpLoad(cpu: Cpu, size: number, lo: number, hi: number, flags: number, o: number): void {
  if (size === 4) {
    if ((lo & 15) !== 0) checkQAlign(cpu, lo, hi, false);
    tmp[o] = cpu.load(lo, hi, 8, flags); tmp[o + 1] = cpu.ldHi;
    const lo2 = (lo + 8) | 0;
    tmp[o + 2] = cpu.load(lo2, (lo2 >>> 0) < 8 ? (hi + 1) | 0 : hi, 8, flags); tmp[o + 3] = cpu.ldHi;
    return;
  }
  tmp[o] = cpu.load(lo, hi, 1 << size, flags);
  tmp[o + 1] = size === 3 ? cpu.ldHi : 0;
  tmp[o + 2] = 0; tmp[o + 3] = 0;
}

/** V[t] = tmp[o..o+3]. */
function fpCommit(cpu: Cpu, t: number, o: number): void {
  const v = cpu.v, w = t << 2;
  v[w] = tmp[o]; v[w + 1] = tmp[o + 1]; v[w + 2] = tmp[o + 2]; v[w + 3] = tmp[o + 3];
}

/** Stores the low 1 << size bytes of V[t]. */
function fpStore(cpu: Cpu, size: number, t: number, lo: number, hi: number, flags: number): void {
  const v = cpu.v, w = t << 2;
  if (size === 4) {
    if ((lo & 15) !== 0) checkQAlign(cpu, lo, hi, true);
    const c = v[w + 2], d = v[w + 3];
    cpu.store(lo, hi, 8, v[w], v[w + 1], flags);
    const lo2 = (lo + 8) | 0;
    cpu.store(lo2, (lo2 >>> 0) < 8 ? (hi + 1) | 0 : hi, 8, c, d, flags);
    return;
  }
  cpu.store(lo, hi, 1 << size, v[w], v[w + 1], flags);
}

/** One SIMD&FP register load (into V[t], zero-extended) or store. */
function fpAccess(cpu: Cpu, size: number, load: boolean, t: number, lo: number, hi: number, flags: number): void {
  if (!load) { fpStore(cpu, size, t, lo, hi, flags); return; }
  const v = cpu.v, w = t << 2;
  if (size === 4) {
    if ((lo & 15) !== 0) checkQAlign(cpu, lo, hi, false);
    const a = cpu.load(lo, hi, 8, flags), b = cpu.ldHi;
    const lo2 = (lo + 8) | 0;
    const c = cpu.load(lo2, (lo2 >>> 0) < 8 ? (hi + 1) | 0 : hi, 8, flags);
    v[w] = a; v[w + 1] = b; v[w + 2] = c; v[w + 3] = cpu.ldHi;
    return;
  }
  v[w] = cpu.load(lo, hi, 1 << size, flags);
  v[w + 1] = size === 3 ? cpu.ldHi : 0; v[w + 2] = 0; v[w + 3] = 0;
}

/** SIMD&FP single-register forms: size = opc<1>:size (B, H, S, D, Q); opc<1> with size != 0 is
 *  unallocated. Returns log2 of the access size. */
function fpSize(cpu: Cpu, insn: number): number {
  const size = insn >>> 30;
  if ((insn & 0x800000) === 0) return size;
  if (size !== 0) cpu.undefined();
  return 4;
}

function fpUnsignedImm(cpu: Cpu, insn: number): void {
  const size = fpSize(cpu, insn);
  checkFpAccess(cpu);
  const r = cpu.r;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const bLo = r[b];
  const lo = (bLo + (((insn >>> 10) & 0xfff) << size)) | 0;
  const hi = (lo >>> 0) < (bLo >>> 0) ? (r[b + 1] + 1) | 0 : r[b + 1];
  fpAccess(cpu, size, (insn & 0x400000) !== 0, insn & 31, lo, hi, 0);
}

function fpRegister(cpu: Cpu, insn: number): void {
  const form = (insn >>> 10) & 3;
  const r = cpu.r;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const load = (insn & 0x400000) !== 0;
  if ((insn & 0x200000) !== 0) {
    if (form !== 2) cpu.undefined(); // SIMD&FP atomics/PAC: unallocated
    const option = (insn >>> 13) & 7;
    if ((option & 2) === 0) cpu.undefined();
    const size = fpSize(cpu, insn);
    checkFpAccess(cpu);
    const m = ((insn >>> 16) & 31) << 1;
    let oLo = r[m], oHi = option === 2 ? 0 : option === 6 ? oLo >> 31 : r[m + 1];
    if ((insn & 0x1000) !== 0 && size !== 0) {
      oHi = (oHi << size) | (oLo >>> (32 - size));
      oLo <<= size;
    }
    const lo = add64(r[b], r[b + 1], oLo, oHi);
    fpAccess(cpu, size, load, insn & 31, lo, ah, 0);
    return;
  }
  if (form === 2) cpu.undefined(); // no unprivileged SIMD&FP forms
  const size = fpSize(cpu, insn);
  checkFpAccess(cpu);
  const bLo = r[b], bHi = r[b + 1];
  const nLo = addImm(bLo, bHi, (insn << 11) >> 23), nHi = ah;
  if (form === 1) fpAccess(cpu, size, load, insn & 31, bLo, bHi, 0);
  else fpAccess(cpu, size, load, insn & 31, nLo, nHi, 0);
  if (form !== 0) { r[b] = nLo; r[b + 1] = nHi; }
}

/** LDR (literal, SIMD&FP): S, D, Q. */
function fpLiteral(cpu: Cpu, insn: number): void {
  const opc = insn >>> 30;
  if (opc === 3) cpu.undefined();
  checkFpAccess(cpu);
  const lo = addImm(cpu.curLo, cpu.curHi, ((insn << 8) >> 11) & ~3);
  fpAccess(cpu, opc + 2, true, insn & 31, lo, ah, 0);
}

/** LDP/STP/LDNP/STNP (SIMD&FP): opc 00 S, 01 D, 10 Q. */
function fpPair(cpu: Cpu, insn: number): void {
  const opc = insn >>> 30;
  if (opc === 3) cpu.undefined(); // LDTP/STTP (SIMD&FP) need FEAT_LSUI
  checkFpAccess(cpu);
  const size = opc + 2, bytes = 1 << size;
  const load = (insn & 0x400000) !== 0, mode = (insn >>> 23) & 3;
  const r = cpu.r;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const bLo = r[b], bHi = r[b + 1];
  const nLo = addImm(bLo, bHi, ((insn << 10) >> 25) << size), nHi = ah;
  const lo = mode === 1 ? bLo : nLo, hi = mode === 1 ? bHi : nHi;
  const lo2 = (lo + bytes) | 0;
  const hi2 = (lo2 >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
  const t = insn & 31, t2 = (insn >>> 10) & 31;
  if (load) {
    fpLoad(cpu, size, lo, hi, 0, 0);
    fpLoad(cpu, size, lo2, hi2, 0, 4);
    fpCommit(cpu, t, 0);
    fpCommit(cpu, t2, 4); // Rt == Rt2: the second element wins (QEMU)
  } else {
    fpStore(cpu, size, t, lo, hi, 0);
    fpStore(cpu, size, t2, lo2, hi2, 0);
  }
  if ((mode & 1) !== 0) { r[b] = nLo; r[b + 1] = nHi; }
}

// ---------------------------------------------------------------------------------------------
// Advanced SIMD structures

/** Element e (ebytes 1, 2, 4, 8) of the 128-bit value at words[w..w+3]; 8-byte elements leave the
 *  high half in `ah`. */
function getElem(words: Int32Array, w: number, e: number, ebytes: number): number {
  switch (ebytes) {
    case 1: return (words[w + (e >> 2)] >>> ((e & 3) << 3)) & 0xff;
    case 2: return (words[w + (e >> 1)] >>> ((e & 1) << 4)) & 0xffff;
    case 4: return words[w + e];
    default: ah = words[w + 2 * e + 1]; return words[w + 2 * e];
  }
}

function setElem(words: Int32Array, w: number, e: number, ebytes: number, lo: number, hi: number): void {
  switch (ebytes) {
    case 1: { const i = w + (e >> 2), sh = (e & 3) << 3; words[i] = (words[i] & ~(0xff << sh)) | ((lo & 0xff) << sh); return; }
    case 2: { const i = w + (e >> 1), sh = (e & 1) << 4; words[i] = (words[i] & ~(0xffff << sh)) | ((lo & 0xffff) << sh); return; }
    case 4: words[w + e] = lo; return;
    default: words[w + 2 * e] = lo; words[w + 2 * e + 1] = hi;
  }
}

/** Post-index writeback of the structure forms: Rm = 31 adds the transfer size, else X[m]. */
function structWriteback(cpu: Cpu, insn: number, b: number, bLo: number, bHi: number, offs: number): void {
  const r = cpu.r;
  const rm = (insn >>> 16) & 31;
  const lo = rm === 31 ? addImm(bLo, bHi, offs) : add64(bLo, bHi, r[rm << 1], r[(rm << 1) + 1]);
  r[b] = lo; r[b + 1] = ah;
}

/** LD1-LD4 / ST1-ST4 (multiple structures), with and without post-index. */
function simdMultiple(cpu: Cpu, insn: number): void {
  const post = (insn & 0x800000) !== 0;
  if ((insn & 0x80200000) !== 0 || (!post && (insn & 0x1f0000) !== 0)) cpu.undefined();
  let rpt: number, selem: number;
  switch ((insn >>> 12) & 15) {
    case 0: rpt = 1; selem = 4; break;   // LD4/ST4
    case 2: rpt = 4; selem = 1; break;   // LD1/ST1, four registers
    case 4: rpt = 1; selem = 3; break;   // LD3/ST3
    case 6: rpt = 3; selem = 1; break;   // LD1/ST1, three registers
    case 7: rpt = 1; selem = 1; break;   // LD1/ST1, one register
    case 8: rpt = 1; selem = 2; break;   // LD2/ST2
    case 10: rpt = 2; selem = 1; break;  // LD1/ST1, two registers
    default: cpu.undefined();
  }
  const size = (insn >>> 10) & 3, q = (insn >>> 30) & 1;
  if (size === 3 && q === 0 && selem !== 1) cpu.undefined();
  checkFpAccess(cpu);
  const load = (insn & 0x400000) !== 0;
  const r = cpu.r, v = cpu.v;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const bLo = r[b], bHi = r[b + 1];
  const t = insn & 31;
  const ebytes = 1 << size, elements = (q ? 16 : 8) >> size;
  const nregs = rpt * selem; // registers t .. t+nregs-1 (mod 32); tmp slot i = register t+i
  if (load) tmp.fill(0);
  let offs = 0;
  for (let rr = 0; rr < rpt; rr++) {
    for (let e = 0; e < elements; e++) {
      for (let s = 0; s < selem; s++) {
        const slot = rr + s; // register index relative to t
        const lo = addImm(bLo, bHi, offs), hi = ah;
        if (load) {
          const x = cpu.load(lo, hi, ebytes, 0);
          setElem(tmp, slot << 2, e, ebytes, x, cpu.ldHi);
        } else {
          const x = getElem(v, ((t + slot) & 31) << 2, e, ebytes);
          cpu.store(lo, hi, ebytes, x, ah, 0);
        }
        offs += ebytes;
      }
    }
  }
  if (load) for (let i = 0; i < nregs; i++) fpCommit(cpu, (t + i) & 31, i << 2);
  if (post) structWriteback(cpu, insn, b, bLo, bHi, offs);
}

/** LD1-LD4 / ST1-ST4 (single structure) and LD1R-LD4R, with and without post-index. */
function simdSingle(cpu: Cpu, insn: number): void {
  const post = (insn & 0x800000) !== 0;
  // Without post-index, bits 20:17 must be zero and bit 16 (o2) selects LDAP1/STL1 (FEAT_LRCPC3).
  if ((insn & 0x80000000) !== 0 || (!post && (insn & 0x1f0000) !== 0)) cpu.undefined();
  const load = (insn & 0x400000) !== 0;
  const q = (insn >>> 30) & 1, s = (insn >>> 12) & 1, size = (insn >>> 10) & 3;
  const opcode = (insn >>> 13) & 7;
  let scale = opcode >>> 1;
  const selem = (((opcode & 1) << 1) | ((insn >>> 21) & 1)) + 1;
  let replicate = false, index = 0;
  switch (scale) {
    case 3:
      if (!load || s === 1) cpu.undefined();
      scale = size; replicate = true;
      break;
    case 0: index = (q << 3) | (s << 2) | size; break;
    case 1:
      if ((size & 1) !== 0) cpu.undefined();
      index = (q << 2) | (s << 1) | (size >>> 1);
      break;
    default: // 2
      if ((size & 2) !== 0) cpu.undefined();
      if ((size & 1) === 0) index = (q << 1) | s;
      else { if (s === 1) cpu.undefined(); index = q; scale = 3; }
  }
  checkFpAccess(cpu);
  const r = cpu.r, v = cpu.v;
  const rn = (insn >>> 5) & 31;
  const b = rn === 31 ? 64 : rn << 1;
  const bLo = r[b], bHi = r[b + 1];
  const t = insn & 31;
  const ebytes = 1 << scale;
  let offs = 0;
  for (let k = 0; k < selem; k++) {
    const reg = (t + k) & 31;
    const lo = addImm(bLo, bHi, offs), hi = ah;
    if (load) {
      const x = cpu.load(lo, hi, ebytes, 0), xh = cpu.ldHi;
      const o = k << 2;
      if (replicate) {
        const n = (q ? 16 : 8) >> scale;
        tmp[o] = tmp[o + 1] = tmp[o + 2] = tmp[o + 3] = 0;
        for (let e = 0; e < n; e++) setElem(tmp, o, e, ebytes, x, xh);
      } else {
        const w = reg << 2;
        tmp[o] = v[w]; tmp[o + 1] = v[w + 1]; tmp[o + 2] = v[w + 2]; tmp[o + 3] = v[w + 3];
        setElem(tmp, o, index, ebytes, x, xh);
      }
    } else {
      const x = getElem(v, reg << 2, index, ebytes);
      cpu.store(lo, hi, ebytes, x, ah, 0);
    }
    offs += ebytes;
  }
  if (load) for (let k = 0; k < selem; k++) fpCommit(cpu, (t + k) & 31, k << 2);
  if (post) structWriteback(cpu, insn, b, bLo, bHi, offs);
}

// ---------------------------------------------------------------------------------------------
// Data-abort instruction syndrome

/** The ISS[24:14] bits (ISV, SAS, SSE, SRT, SF, AR) that the architecture defines for a stage-2
 *  Data Abort on `insn`, or 0 when it provides no valid syndrome. Only single general-purpose
 *  register loads and stores without writeback qualify (incl. XZR, acquire/release and LDTR/STTR;
 *  not exclusives, atomics, pairs or SIMD&FP). Faults taken to EL1 never report these bits
 *  (ISV = 0 in ESR_EL1); this is for software that emulates an EL2 view, such as the
 *  host-side syndrome of a Realm's emulated-MMIO exit. */
export function dataAbortSyndrome(insn: number): number {
  let size = insn >>> 30, opc = (insn >>> 22) & 3, ar = 0;
  switch ((insn >>> 24) & 0x3f) {
    case 0x39: break;
    case 0x38:
      if ((insn & 0x200000) === 0) {
        if ((insn & 0x400) !== 0) return 0; // post-/pre-index: writeback
      } else {
        const form = (insn >>> 10) & 3;
        if (form === 0) { // atomics: only LDAPR is a plain single-register load
          if ((insn & 0xc0f000) !== 0x80c000) return 0;
          opc = 1; ar = 1;
        } else if (form !== 2 || (insn & 0x4000) === 0) return 0;
      }
      break;
    case 0x18:
      switch (insn >>> 30) {
        case 0: size = 2; opc = 1; break;
        case 1: size = 3; opc = 1; break;
        case 2: size = 2; opc = 2; break;
        default: return 0; // PRFM
      }
      break;
    case 0x08:
      if ((insn & 0xa00000) !== 0x800000) return 0; // only the ordered group (o2 = 1, o1 = 0)
      opc = (insn >>> 22) & 1; ar = 1;
      break;
    case 0x19:
      if ((insn & 0x200c00) !== 0) return 0;
      ar = 1;
      break;
    default: return 0;
  }
  if (isPrfmOrUnallocated(size, opc)) return 0;
  const sse = opc >= 2 ? 1 : 0;
  const sf = opc === 2 || (opc < 2 && size === 3) ? 1 : 0;
  return ((1 << 24) | (size << 22) | (sse << 21) | ((insn & 31) << 16) | (sf << 15) | (ar << 14)) >>> 0;
}

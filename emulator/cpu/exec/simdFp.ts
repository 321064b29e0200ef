// A64 "Data Processing -- Scalar Floating-Point and Advanced SIMD" (op0 bits 28:25 = x111), Arm ARM C4.1.95.
//
// Implements every ARMv8.0 FP and AdvSIMD instruction of this group. UNDEFINED, as on a core without the
// features (ID_AA64PFR0_EL1/ISAR0/ISAR1 in SystemRegisters.ts do not advertise them): FEAT_FP16 half-precision
// arithmetic (FCVT/FCVTN/FCVTL to and from half are base and implemented), AES/SHA/64-bit PMULL, RDM,
// DotProd, FHM, FCMA, JSCVT, FRINTTS, BF16, I8MM, and every unallocated encoding.
//
// Floating point: add/sub/mul/div/sqrt use host doubles when FPCR.RMode = RN and FPCR.FZ = 0 (single
// precision goes through a double and one rounding to single, which is exact for these operations); IXC and
// UFC are derived exactly with error-free transformations (TwoSum, Dekker products). Fused multiply-add uses
// an exact product with round-to-odd (single) or Boldo-Melquiond's emulation (double). Directed rounding,
// flush-to-zero, operands near the ends of the exponent range and inexact 64-bit integer conversions take an
// exact BigInt path (`roundBig`). NaNs never come from host arithmetic: Arm's rules (first signalling NaN
// quietened, else first quiet NaN; default NaN for invalid operations and with FPCR.DN) are applied to the
// bit patterns. All cumulative FPSR flags (IOC, DZC, OFC, UFC, IXC, IDC, QC) are set as the Arm ARM says;
// trapped floating-point exceptions (FPCR.IOE...IDE) are not supported, as the architecture permits.
//
// Validated against QEMU user mode by test/unit/simdfp.test.ts (templated forms with edge values under every
// FPCR mode, and random/mutated encodings for the UNDEFINED decisions).

import type { Cpu } from '../Cpu';
import { EC, GUEST_EXCEPTION } from '../Cpu';
import { umul32, smul32, out } from '../int64';
import { condHolds } from './dataProcImm';

// ---------------------------------------------------------------------------------------------------------
// Access check

let cpacrSeen = -1n;
let fpenSeen = 0;

/** CPACR_EL1.FPEN trap for SIMD&FP instructions (including SIMD&FP loads and stores). */
export function checkFpAccess(cpu: Cpu): void {
  const c = cpu.sys.cpacr;
  if (c !== cpacrSeen) { cpacrSeen = c; fpenSeen = Number((c >> 20n) & 3n); }
  if (fpenSeen === 3 || (fpenSeen === 1 && cpu.el !== 0)) return;
  cpu.takeSync(EC.FP_ACCESS, 0x1e00000, 1);
  throw GUEST_EXCEPTION;
}

// ---------------------------------------------------------------------------------------------------------
// State shared by the executors (bound per instruction; views re-created only when the CPU changes)

let C: Cpu;
let V: Int32Array = new Int32Array(0);
let VB: Uint8Array = new Uint8Array(0), VSB: Int8Array = new Int8Array(0), VH: Uint16Array = new Uint16Array(0);
let VSH: Int16Array = new Int16Array(0), VU: Uint32Array = new Uint32Array(0);

/** Work register: results are built here, then committed to V[d] (so sources may alias the destination). */
const W = new Int32Array(8);
const WB = new Uint8Array(W.buffer), WH = new Uint16Array(W.buffer);

// Scratch for float <-> bits.
const F64 = new Float64Array(1), F64I = new Int32Array(F64.buffer);
const F32 = new Float32Array(1), F32I = new Int32Array(F32.buffer);

/** High half of the last 64-bit result (functions return the low half). */
let RH = 0;

const TWO32 = 4294967296;
/** POW2[i] = 2^i for i in 0..129 (exact doubles; avoids Math.pow in loops). */
const POW2 = new Float64Array(130);
for (let i = 0, v = 1; i < 130; i++, v *= 2) POW2[i] = v;

// FPSR bits
const IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128, QC = 1 << 27;
// FPCR bits
const FZ = 1 << 24, DN = 1 << 25, AHP = 1 << 26;
const SLOW = FZ | (3 << 22);

// Rounding modes (0..3 as FPCR.RMode)
const RN = 0, RP = 1, RM = 2, RZ = 3, RA = 4 /* ties away */, RO = 5 /* to odd */;

// Formats
const FH = 0, FS = 1, FD = 2;

function bind(cpu: Cpu): void {
  C = cpu;
  if (cpu.v !== V) {
    V = cpu.v;
    const b = V.buffer, o = V.byteOffset;
    VB = new Uint8Array(b, o, 512); VSB = new Int8Array(b, o, 512);
    VH = new Uint16Array(b, o, 256); VSH = new Int16Array(b, o, 256);
    VU = new Uint32Array(b, o, 128);
  }
}

function undef(): never { return C.undefined(); }

// ---------------------------------------------------------------------------------------------------------
// Top-level decode

export function execSimdFp(cpu: Cpu, insn: number): void {
  checkFpAccess(cpu);
  bind(cpu);
  const op0 = insn >>> 28;
  if ((op0 & 5) === 1) fpScalar(insn);          // x0x1: scalar floating point
  else if ((op0 & 9) === 0) advVector(insn);     // 0xx0: Advanced SIMD vector
  else if ((op0 & 13) === 5) advScalar(insn);    // 01x1: Advanced SIMD scalar
  else undef();                                  // cryptographic extensions (not implemented)
}

function advVector(insn: number): void {
  const op1 = (insn >>> 23) & 3;
  const b10 = (insn >>> 10) & 1;
  if (op1 >= 2) {
    if (b10 === 0) { vecIndexed(insn, false); return; }
    if (op1 === 3) undef();
    if (((insn >>> 19) & 15) === 0) modImm(insn); else shiftImm(insn, false);
    return;
  }
  if ((insn >>> 21) & 1) {
    if (b10) { threeSame(insn, false); return; }
    if (((insn >>> 11) & 1) === 0) { threeDiff(insn); return; }
    const x = (insn >>> 17) & 15;
    if (x === 0) twoRegMisc(insn, false);
    else if (x === 8) acrossLanes(insn);
    else undef();
    return;
  }
  if ((insn >>> 15) & 1) undef();             // three-register extension (v8.1+/v8.2), FP16
  if (b10) {
    if (op1 === 0 && ((insn >>> 22) & 1) === 0) copy(insn); else undef();
    return;
  }
  if ((insn >>> 29) & 1) { if (op1 === 0 && ((insn >>> 22) & 1) === 0) ext(insn); else undef(); return; }
  if ((insn >>> 11) & 1) permute(insn);
  else if (op1 === 0 && ((insn >>> 22) & 1) === 0) tbl(insn);
  else undef();
}

function advScalar(insn: number): void {
  const op1 = (insn >>> 23) & 3;
  const b10 = (insn >>> 10) & 1;
  if (op1 >= 2) {
    if (b10 === 0) { vecIndexed(insn, true); return; }
    if (op1 === 3 || ((insn >>> 19) & 15) === 0) undef();
    shiftImm(insn, true);
    return;
  }
  if ((insn >>> 21) & 1) {
    if (b10) { threeSame(insn, true); return; }
    if (((insn >>> 11) & 1) === 0) {             // scalar three different: SQDMLAL/SQDMLSL/SQDMULL
      const size = (insn >>> 22) & 3, opc = (insn >>> 12) & 15, m = (insn >>> 16) & 31, n = (insn >>> 5) & 31, d = insn & 31;
      if (((insn >>> 29) & 1) || (opc !== 9 && opc !== 11 && opc !== 13) || (size !== 1 && size !== 2)) undef();
      clearW();
      wEBig(0, size + 1, sqdmlal(opc, eBig(n, 0, size, true), eBig(m, 0, size, true), opc === 13 ? 0n : eBig(d, 0, size + 1, true), 8 << size));
      commit(d, 0);
      return;
    }
    const x = (insn >>> 17) & 15;
    if (x === 0) twoRegMisc(insn, true);
    else if (x === 8) scalarPairwise(insn);
    else undef();
    return;
  }
  if (b10 && ((insn >>> 15) & 1) === 0 && op1 === 0 && ((insn >>> 22) & 1) === 0 && ((insn >>> 29) & 1) === 0 &&
      ((insn >>> 11) & 15) === 0) {
    // DUP (element), scalar: MOV <V><d>, <Vn>.<T>[<index>]
    const imm5 = (insn >>> 16) & 31, n = (insn >>> 5) & 31, d = insn & 31;
    const size = lowestSize(imm5);
    if (size < 0) undef();
    const idx = imm5 >>> (size + 1);
    W[0] = 0; W[1] = 0; W[2] = 0; W[3] = 0;
    copyLane(0, n, idx, size);
    commit(d, 0);
    return;
  }
  undef();
}

// ---------------------------------------------------------------------------------------------------------
// Register helpers

function commit(d: number, q: number): void {
  const b = d << 2;
  V[b] = W[0]; V[b + 1] = W[1];
  if (q) { V[b + 2] = W[2]; V[b + 3] = W[3]; } else { V[b + 2] = 0; V[b + 3] = 0; }
}

function clearW(): void { W[0] = 0; W[1] = 0; W[2] = 0; W[3] = 0; }

/** Unsigned lane value (sizes 0..2). */
function eU(r: number, i: number, s: number): number {
  return s === 0 ? VB[(r << 4) + i] : s === 1 ? VH[(r << 3) + i] : VU[(r << 2) + i];
}
/** Signed lane value (sizes 0..2). */
function eS(r: number, i: number, s: number): number {
  return s === 0 ? VSB[(r << 4) + i] : s === 1 ? VSH[(r << 3) + i] : V[(r << 2) + i];
}
/** Writes a lane of W (sizes 0..2); the value is taken modulo 2^esize. */
function wE(i: number, s: number, v: number): void {
  if (s === 0) WB[i] = v; else if (s === 1) WH[i] = v; else W[i] = v;
}
/** Unsigned value of a lane of W (sizes 0..2). */
function wU(i: number, s: number): number {
  return s === 0 ? WB[i] : s === 1 ? WH[i] : W[i] >>> 0;
}
/** Copies lane `i` of V[r] into lane `j` of W (any size). */
function copyLane(j: number, r: number, i: number, s: number): void {
  switch (s) {
    case 0: WB[j] = VB[(r << 4) + i]; break;
    case 1: WH[j] = VH[(r << 3) + i]; break;
    case 2: W[j] = V[(r << 2) + i]; break;
    default: W[2 * j] = V[(r << 2) + 2 * i]; W[2 * j + 1] = V[(r << 2) + 2 * i + 1];
  }
}
/** Writes a 64-bit lane of W from an integral double |v| < 2^53 (or unsigned < 2^64 for exact values). */
function wD(i: number, v: number): void {
  const hi = Math.floor(v / TWO32);
  W[2 * i] = v - hi * TWO32; W[2 * i + 1] = hi;
}
function lowestSize(imm5: number): number {
  return (imm5 & 1) ? 0 : (imm5 & 2) ? 1 : (imm5 & 4) ? 2 : (imm5 & 8) ? 3 : -1;
}
function xLo(n: number): number { return C.r[2 * n]; }
function xHi(n: number): number { return C.r[2 * n + 1]; }
function setX(d: number, lo: number, hi: number): void {
  const i = d === 31 ? 66 : 2 * d;
  C.r[i] = lo; C.r[i + 1] = hi;
}

// Signed 64-bit lanes as BigInt (rare paths only).
function lane64Big(r: number, i: number, signed: boolean): bigint {
  const lo = V[(r << 2) + 2 * i] >>> 0, hi = V[(r << 2) + 2 * i + 1];
  return ((signed ? BigInt(hi) : BigInt(hi >>> 0)) << 32n) | BigInt(lo);
}
function wBig(i: number, v: bigint): void {
  W[2 * i] = Number(v & 0xffffffffn) | 0;
  W[2 * i + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
}
/** Any lane as BigInt (signed or unsigned). */
function eBig(r: number, i: number, s: number, signed: boolean): bigint {
  return s === 3 ? lane64Big(r, i, signed) : BigInt(signed ? eS(r, i, s) : eU(r, i, s));
}
function wEBig(i: number, s: number, v: bigint): void {
  if (s === 3) wBig(i, v); else wE(i, s, Number(BigInt.asIntN(32, v)));
}

// Saturation (sets FPSR.QC).
function satS(v: number, s: number): number {
  const max = s === 0 ? 127 : s === 1 ? 32767 : 2147483647;
  if (v > max) { C.fpsr |= QC; return max; }
  if (v < -max - 1) { C.fpsr |= QC; return -max - 1; }
  return v;
}
function satU(v: number, s: number): number {
  const max = s === 0 ? 255 : s === 1 ? 65535 : 4294967295;
  if (v > max) { C.fpsr |= QC; return max; }
  if (v < 0) { C.fpsr |= QC; return 0; }
  return v;
}
function satBig(v: bigint, bits: number, unsigned: boolean): bigint {
  const max = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = unsigned ? 0n : -(1n << BigInt(bits - 1));
  if (v > max) { C.fpsr |= QC; return max; }
  if (v < min) { C.fpsr |= QC; return min; }
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// Floating-point core. Values are bit patterns: S in `lo`, D in (lo, hi), H in the low 16 bits of `lo`.

function isNaNF(f: number, lo: number, hi: number): boolean {
  if (f === FS) return (lo & 0x7fffffff) > 0x7f800000;
  if (f === FD) { const h = hi & 0x7fffffff; return h > 0x7ff00000 || (h === 0x7ff00000 && lo !== 0); }
  return (lo & 0x7fff) > 0x7c00 && (C.fpcr & AHP) === 0;
}
/** For a NaN: is it signalling? */
function isSig(f: number, lo: number, hi: number): boolean {
  return f === FD ? (hi & 0x80000) === 0 : f === FS ? (lo & 0x400000) === 0 : (lo & 0x200) === 0;
}
function defaultNaN(f: number): number {
  if (f === FD) { RH = 0x7ff80000; return 0; }
  RH = 0;
  return f === FS ? 0x7fc00000 : 0x7e00;
}
/** ProcessNaN: quieten (IOC if signalling), or the default NaN with FPCR.DN. */
function quiet(f: number, lo: number, hi: number): number {
  if (isSig(f, lo, hi)) C.fpsr |= IOC;
  if (C.fpcr & DN) return defaultNaN(f);
  if (f === FD) { RH = hi | 0x80000; return lo; }
  RH = 0;
  return f === FS ? lo | 0x400000 : lo | 0x200;
}
/** NaN result of a two-operand operation, if any (FPProcessNaNs): `true` and the result in NL/RH. */
let NL = 0;
function nan2(f: number, aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  const an = isNaNF(f, aLo, aHi), bn = isNaNF(f, bLo, bHi);
  if (!an && !bn) return false;
  if (an && isSig(f, aLo, aHi)) NL = quiet(f, aLo, aHi);
  else if (bn && isSig(f, bLo, bHi)) NL = quiet(f, bLo, bHi);
  else if (an) NL = quiet(f, aLo, aHi);
  else NL = quiet(f, bLo, bHi);
  return true;
}
function nan3(f: number, aLo: number, aHi: number, bLo: number, bHi: number, cLo: number, cHi: number): boolean {
  const an = isNaNF(f, aLo, aHi), bn = isNaNF(f, bLo, bHi), cn = isNaNF(f, cLo, cHi);
  if (!an && !bn && !cn) return false;
  if (an && isSig(f, aLo, aHi)) NL = quiet(f, aLo, aHi);
  else if (bn && isSig(f, bLo, bHi)) NL = quiet(f, bLo, bHi);
  else if (cn && isSig(f, cLo, cHi)) NL = quiet(f, cLo, cHi);
  else if (an) NL = quiet(f, aLo, aHi);
  else if (bn) NL = quiet(f, bLo, bHi);
  else NL = quiet(f, cLo, cHi);
  return true;
}

/** FPCR.FZ input flush of a single/double denormal (sets IDC); returns lo, high half in RH. */
function flushIn(f: number, lo: number, hi: number): number {
  if (f === FS) {
    RH = 0;
    if ((lo & 0x7f800000) === 0 && (lo & 0x7fffff) !== 0) { C.fpsr |= IDC; return lo & 0x80000000; }
    return lo;
  }
  if (f === FD && (hi & 0x7ff00000) === 0 && ((hi & 0xfffff) | lo) !== 0) { C.fpsr |= IDC; RH = hi & 0x80000000; return 0; }
  RH = hi;
  return lo;
}

/** Value of a non-NaN pattern. */
function num(f: number, lo: number, hi: number): number {
  if (f === FS) { F32I[0] = lo; return F32[0]; }
  if (f === FD) { F64I[0] = lo; F64I[1] = hi; return F64[0]; }
  const e = (lo >>> 10) & 31, m = lo & 0x3ff;
  let v: number;
  if (e === 0) v = m * 5.960464477539063e-8;                       // 2^-24
  else if (e === 31 && (C.fpcr & AHP) === 0) v = m ? NaN : Infinity;
  else v = (m + 1024) * Math.pow(2, e - 25);
  return (lo & 0x8000) ? -v : v;
}
/** Pattern of a non-NaN value exactly representable in the format (single: rounded to nearest). */
function bitsOf(f: number, x: number): number {
  if (f === FD) { F64[0] = x; RH = F64I[1]; return F64I[0]; }
  RH = 0;
  if (f === FS) { F32[0] = x; return F32I[0]; }
  // half: only reached for zeros, infinities and exact values
  if (x === 0) return (1 / x < 0) ? 0x8000 : 0;
  if (!isFinite(x)) return x < 0 ? 0xfc00 : 0x7c00;
  decomp(x);
  return roundBig(FH, BS, BM, BE, false, RN, false);
}
function fzero(f: number, sign: number): number {
  if (f === FD) { RH = sign ? 0x80000000 | 0 : 0; return 0; }
  RH = 0;
  return sign ? (f === FS ? 0x80000000 | 0 : 0x8000) : 0;
}
function signOf(f: number, lo: number, hi: number): number {
  return f === FD ? hi >>> 31 : f === FS ? lo >>> 31 : (lo >>> 15) & 1;
}

// ---- exact (BigInt) path

let BS = 0, BM = 0n, BE = 0;
/** Decomposes a finite double into sign BS, integer mantissa BM and exponent BE (x = ±BM * 2^BE). */
function decomp(x: number): void {
  F64[0] = x;
  const hi = F64I[1], lo = F64I[0];
  BS = hi >>> 31;
  const e = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
  if (e === 0) BE = -1074; else { m |= 1n << 52n; BE = e - 1075; }
  BM = m;
}
function bitLen(m: bigint): number { return m.toString(2).length; }

const PREC = [11, 24, 53], EMIN = [-14, -126, -1022], EMAX = [15, 127, 1023], FBITS = [10, 23, 52];

/** Rounds ±mant * 2^exp (plus a sticky remainder below it) to format f with mode rmode. Sets IXC/UFC/OFC;
 *  flushes tiny results to zero when fz. Returns lo, high half in RH. */
function roundBig(f: number, sign: number, mant: bigint, exp: number, sticky: boolean, rmode: number, fz: boolean): number {
  if (mant === 0n) return fzero(f, sign);
  const p = PREC[f];
  const ahp = f === FH && (C.fpcr & AHP) !== 0;
  const E = exp + bitLen(mant) - 1;
  if (fz && E < EMIN[f]) { C.fpsr |= UFC; return fzero(f, sign); }
  const q = (E > EMIN[f] ? E : EMIN[f]) - (p - 1);
  const sh = q - exp;
  let m: bigint, rbit = false, rest = sticky;
  if (sh > 0) {
    const shb = BigInt(sh);
    m = mant >> shb;
    const half = 1n << BigInt(sh - 1);
    const rem = mant & ((half << 1n) - 1n);
    rbit = (rem & half) !== 0n;
    if ((rem & (half - 1n)) !== 0n) rest = true;
  } else {
    m = mant << BigInt(-sh);
  }
  const inexact = rbit || rest;
  let up = false;
  switch (rmode) {
    case RN: up = rbit && (rest || (m & 1n) === 1n); break;
    case RP: up = inexact && sign === 0; break;
    case RM: up = inexact && sign === 1; break;
    case RA: up = rbit; break;
    case RO: if (inexact) m |= 1n; break;
  }
  if (up) m += 1n;
  let e = q;
  if (m >= (1n << BigInt(p))) { m >>= 1n; e++; }
  let biased: number, frac: bigint;
  if (m >= (1n << BigInt(p - 1))) {
    const E2 = e + p - 1;
    const emax = ahp ? 16 : EMAX[f];
    if (E2 > emax) {
      if (ahp) { C.fpsr |= IOC; RH = 0; return sign ? 0xffff : 0x7fff; }
      C.fpsr |= OFC | IXC;
      const toInf = rmode === RN || rmode === RA || (rmode === RP && !sign) || (rmode === RM && sign === 1);
      if (toInf) return finf(f, sign);
      return fmax(f, sign);
    }
    biased = E2 + EMAX[f];
    frac = m - (1n << BigInt(p - 1));
  } else {
    biased = 0;
    frac = m;
  }
  if (inexact) { C.fpsr |= IXC; if (E < EMIN[f]) C.fpsr |= UFC; }
  const fb = FBITS[f];
  if (f === FD) {
    const fr = Number(frac);
    const fhi = Math.floor(fr / TWO32);
    RH = (sign << 31) | (biased << 20) | fhi;
    return (fr - fhi * TWO32) | 0;
  }
  RH = 0;
  const sb = f === FS ? 31 : 15;
  return ((sign << sb) | (biased << fb) | Number(frac)) | 0;
}
function finf(f: number, sign: number): number {
  if (f === FD) { RH = sign ? 0xfff00000 | 0 : 0x7ff00000; return 0; }
  RH = 0;
  return f === FS ? (sign ? 0xff800000 | 0 : 0x7f800000) : (sign ? 0xfc00 : 0x7c00);
}
function fmax(f: number, sign: number): number {
  if (f === FD) { RH = sign ? 0xffefffff | 0 : 0x7fefffff; return -1; }
  RH = 0;
  return f === FS ? (sign ? 0xff7fffff | 0 : 0x7f7fffff) : (sign ? 0xfbff : 0x7bff);
}
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLen(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

const OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_MAX = 4, OP_MIN = 5, OP_MAXNM = 6, OP_MINNM = 7, OP_MULX = 8;

/** Exact a (op) b for finite x, y rounded per FPCR (the slow path). */
function slowArith(op: number, f: number, x: number, y: number): number {
  const rmode = (C.fpcr >>> 22) & 3;
  const fz = (C.fpcr & FZ) !== 0 && f !== FH;
  if (x === 0 || y === 0) {
    // Exact results; only the sign of an exact zero sum depends on the rounding mode.
    const r = op === OP_ADD ? x + y : op === OP_SUB ? x - y : op === OP_MUL ? x * y : x / y;
    if (r === 0 && (op === OP_ADD || op === OP_SUB)) {
      const s1 = 1 / x < 0, s2 = op === OP_ADD ? 1 / y < 0 : !(1 / y < 0);
      return fzero(f, s1 === s2 ? (s1 ? 1 : 0) : (rmode === RM ? 1 : 0));
    }
    return bitsOf(f, r);
  }
  decomp(x);
  const s1 = BS, m1 = BM, e1 = BE;
  decomp(y);
  let s2 = BS;
  const m2 = BM, e2 = BE;
  switch (op) {
    case OP_ADD: case OP_SUB: {
      if (op === OP_SUB) s2 ^= 1;
      const e = e1 < e2 ? e1 : e2;
      const a = m1 << BigInt(e1 - e), b = m2 << BigInt(e2 - e);
      const sum = (s1 ? -a : a) + (s2 ? -b : b);
      if (sum === 0n) return fzero(f, rmode === RM ? 1 : 0);
      return sum < 0n ? roundBig(f, 1, -sum, e, false, rmode, fz) : roundBig(f, 0, sum, e, false, rmode, fz);
    }
    case OP_MUL: case OP_MULX:
      return roundBig(f, s1 ^ s2, m1 * m2, e1 + e2, false, rmode, fz);
    default: { // OP_DIV
      let k = PREC[f] + 3 + bitLen(m2) - bitLen(m1);
      if (k < 0) k = 0;
      const num = m1 << BigInt(k);
      const qq = num / m2;
      return roundBig(f, s1 ^ s2, qq, e1 - e2 - k, qq * m2 !== num, rmode, fz);
    }
  }
}

/** Dekker/Veltkamp: the rounding error of p = a*b (exact unless out of range; callers check ranges). */
function twoProdErr(a: number, b: number, p: number): number {
  let t = 134217729 * a;
  const ah = t - (t - a), al = a - ah;
  t = 134217729 * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}
const MIN_NORMAL_S = 1.1754943508222875e-38;
const SAFE_LO = 4.0083367200179455e-292;   // 2^-968: error terms of products above this do not underflow
const SAFE_HI = 2.6153245263757307e+299;   // 2^994: Veltkamp splitting below this does not overflow

/** Two-operand arithmetic (FADD, FSUB, FMUL, FDIV, FMAX, FMIN, FMAXNM, FMINNM, FMULX) on f = S or D. */
function fpBin(op: number, f: number, aLo: number, aHi: number, bLo: number, bHi: number): number {
  const fpcr = C.fpcr;
  if (fpcr & FZ) { aLo = flushIn(f, aLo, aHi); aHi = RH; bLo = flushIn(f, bLo, bHi); bHi = RH; }
  if (op === OP_MAXNM || op === OP_MINNM) {
    const an = isNaNF(f, aLo, aHi), bn = isNaNF(f, bLo, bHi);
    // A quiet NaN loses against a number (FPMaxNum/FPMinNum).
    if (an && !bn && !isSig(f, aLo, aHi)) { RH = bHi; return bLo; }
    if (bn && !an && !isSig(f, bLo, bHi)) { RH = aHi; return aLo; }
  }
  if (nan2(f, aLo, aHi, bLo, bHi)) return NL;
  const x = num(f, aLo, aHi), y = num(f, bLo, bHi);
  let r: number;
  switch (op) {
    case OP_MAX: case OP_MAXNM:
      if (x > y || (x === y && signOf(f, bLo, bHi) === 1)) { RH = aHi; return aLo; }
      RH = bHi; return bLo;
    case OP_MIN: case OP_MINNM:
      if (x < y || (x === y && signOf(f, aLo, aHi) === 1)) { RH = aHi; return aLo; }
      RH = bHi; return bLo;
    case OP_ADD: r = x + y; break;
    case OP_SUB: r = x - y; break;
    case OP_MULX:
      if ((x === 0 && (y === Infinity || y === -Infinity)) || (y === 0 && (x === Infinity || x === -Infinity))) {
        return bitsOf(f, (signOf(f, aLo, aHi) ^ signOf(f, bLo, bHi)) ? -2 : 2);
      }
      r = x * y; break;
    case OP_MUL: r = x * y; break;
    default:
      r = x / y;
      if (y === 0 && x === x && x !== 0 && x !== Infinity && x !== -Infinity) C.fpsr |= DZC;
      break;
  }
  if (r !== r) { C.fpsr |= IOC; return defaultNaN(f); }
  // Infinite or zero operands give exact results (the sign of an exact zero sum is the RN one here).
  if (x === 0 || y === 0 || x === Infinity || x === -Infinity || y === Infinity || y === -Infinity) {
    if ((fpcr & SLOW) !== 0 && r === 0 && (op === OP_ADD || op === OP_SUB)) return slowArith(op, f, x, y);
    return bitsOf(f, r);
  }
  if ((fpcr & SLOW) !== 0) return slowArith(op, f, x, y);
  // Round to nearest, finite non-zero operands: host result plus exact IXC/UFC/OFC detection.
  let inexact: boolean;
  if (f === FS) {
    const rf = Math.fround(r);
    switch (op) {
      case OP_ADD: case OP_SUB: {
        const yy = op === OP_ADD ? y : -y, bb = r - x;
        inexact = (x - (r - bb)) + (yy - bb) !== 0 || rf !== r;
        break;
      }
      case OP_DIV: inexact = rf * y !== x; break;
      default: inexact = rf !== r; break;
    }
    if (rf === Infinity || rf === -Infinity) C.fpsr |= OFC | IXC;
    else if (inexact) { C.fpsr |= IXC; if (Math.abs(r) < MIN_NORMAL_S) C.fpsr |= UFC; }
    return bitsOf(FS, rf);
  }
  if (r === Infinity || r === -Infinity) { C.fpsr |= OFC | IXC; return bitsOf(FD, r); }
  const ar = Math.abs(r);
  switch (op) {
    case OP_ADD: case OP_SUB: {
      const yy = op === OP_ADD ? y : -y, bb = r - x;
      inexact = (x - (r - bb)) + (yy - bb) !== 0;          // sums in the subnormal range are exact
      break;
    }
    case OP_DIV: {
      const ax = Math.abs(x), ay = Math.abs(y);
      if (ar < SAFE_LO || ar > SAFE_HI || ax < SAFE_LO || ax > SAFE_HI || ay > SAFE_HI) return slowArith(op, f, x, y);
      const p = r * y;
      inexact = p !== x || twoProdErr(r, y, p) !== 0;
      break;
    }
    default: {
      if (ar < SAFE_LO || Math.abs(x) > SAFE_HI || Math.abs(y) > SAFE_HI) return slowArith(op, f, x, y);
      inexact = twoProdErr(x, y, r) !== 0;
    }
  }
  if (inexact) C.fpsr |= IXC;
  return bitsOf(FD, r);
}

function fpSqrt(f: number, lo: number, hi: number): number {
  if (C.fpcr & FZ) { lo = flushIn(f, lo, hi); hi = RH; }
  if (isNaNF(f, lo, hi)) return quiet(f, lo, hi);
  const x = num(f, lo, hi);
  if (x === 0 || x === Infinity) { RH = hi; return lo; }
  if (x < 0) { C.fpsr |= IOC; return defaultNaN(f); }
  if ((C.fpcr & SLOW) === 0 && (f === FS || x > SAFE_LO)) {
    const r = Math.sqrt(x);
    if (f === FS) {
      const rf = Math.fround(r);
      if (rf * rf !== x) C.fpsr |= IXC;
      return bitsOf(FS, rf);
    }
    const p = r * r;
    if (p !== x || twoProdErr(r, r, p) !== 0) C.fpsr |= IXC;
    return bitsOf(FD, r);
  }
  decomp(x);
  let m = BM, e = BE;
  let k = 2 * PREC[f] + 4 - bitLen(m);
  if (k < 0) k = 0;
  if (((e - k) & 1) !== 0) k++;
  m <<= BigInt(k); e -= k;
  const r = isqrt(m);
  return roundBig(f, 0, r, e / 2, r * r !== m, (C.fpcr >>> 22) & 3, (C.fpcr & FZ) !== 0);
}

/** FPMulAdd: addend + op1*op2 with a single rounding (exact path). */
function fpMulAdd(f: number, aLo: number, aHi: number, bLo: number, bHi: number, cLo: number, cHi: number): number {
  if (C.fpcr & FZ) {
    aLo = flushIn(f, aLo, aHi); aHi = RH; bLo = flushIn(f, bLo, bHi); bHi = RH; cLo = flushIn(f, cLo, cHi); cHi = RH;
  }
  const aNaN = isNaNF(f, aLo, aHi);
  const va = aNaN ? 0 : num(f, aLo, aHi);
  const bNaN = isNaNF(f, bLo, bHi), cNaN = isNaNF(f, cLo, cHi);
  const v1 = bNaN ? 1 : num(f, bLo, bHi), v2 = cNaN ? 1 : num(f, cLo, cHi);
  const inf1 = v1 === Infinity || v1 === -Infinity, inf2 = v2 === Infinity || v2 === -Infinity;
  const zero1 = v1 === 0, zero2 = v2 === 0;
  if (nan3(f, aLo, aHi, bLo, bHi, cLo, cHi)) {
    if (aNaN && !isSig(f, aLo, aHi) && ((inf1 && zero2) || (zero1 && inf2))) { C.fpsr |= IOC; return defaultNaN(f); }
    return NL;
  }
  const signA = signOf(f, aLo, aHi), signP = signOf(f, bLo, bHi) ^ signOf(f, cLo, cHi);
  const infA = va === Infinity || va === -Infinity, infP = inf1 || inf2, zeroP = zero1 || zero2;
  if ((inf1 && zero2) || (zero1 && inf2) || (infA && infP && signA !== signP)) { C.fpsr |= IOC; return defaultNaN(f); }
  if ((infA && signA === 0) || (infP && signP === 0)) return finf(f, 0);
  if (infA || infP) return finf(f, 1);
  const rmode = (C.fpcr >>> 22) & 3;
  if (va === 0 && zeroP) return fzero(f, signA === signP ? signA : (rmode === RM ? 1 : 0));
  if ((C.fpcr & SLOW) === 0) {
    const r = fmaNearest(f, va, v1, v2);
    if (FMA_OK) return r;
  }
  // exact: product + addend
  let pm = 0n, pe = 0;
  if (!zeroP) { decomp(v1); const m1 = BM, e1 = BE; decomp(v2); pm = m1 * BM; pe = e1 + BE; }
  let am = 0n, ae = 0;
  if (va !== 0) { decomp(va); am = BM; ae = BE; }
  let sum: bigint, e: number;
  if (zeroP) { sum = signA ? -am : am; e = ae; }
  else if (va === 0) { sum = signP ? -pm : pm; e = pe; }
  else {
    e = pe < ae ? pe : ae;
    const p = pm << BigInt(pe - e), a = am << BigInt(ae - e);
    sum = (signP ? -p : p) + (signA ? -a : a);
  }
  const fz = (C.fpcr & FZ) !== 0;
  if (sum === 0n) return fzero(f, rmode === RM ? 1 : 0);
  return sum < 0n ? roundBig(f, 1, -sum, e, false, rmode, fz) : roundBig(f, 0, sum, e, false, rmode, fz);
}

/** Makes x (a double with rounding error `err` != 0) odd in its last place: round-to-odd. */
function roundOdd(x: number, err: number): number {
  F64[0] = x;
  let lo = F64I[0], hi = F64I[1];
  if ((lo & 1) !== 0) return x;
  if ((err > 0) === (x > 0)) { lo = (lo + 1) | 0; if (lo === 0) hi = (hi + 1) | 0; }   // away from zero
  else { if (lo === 0) hi = (hi - 1) | 0; lo = (lo - 1) | 0; }                          // toward zero
  F64I[0] = lo; F64I[1] = hi;
  return F64[0];
}

/** Whether the last fmaNearest produced a result (else the caller takes the exact path). */
let FMA_OK = false;
/** addend + x*y (finite, not all zero), rounded to nearest once, with host doubles: for single precision
 *  via an exact product and round-to-odd; for double via Boldo-Melquiond (ErrFma with round-to-odd).
 *  Declines (FMA_OK=false) where intermediate steps could overflow or underflow. */
function fmaNearest(f: number, z: number, x: number, y: number): number {
  FMA_OK = false;
  if (f === FS) {
    const p = x * y, s = p + z, bb = s - p;
    const e = (p - (s - bb)) + (z - bb);
    const t = e !== 0 ? roundOdd(s, e) : s;
    const r = Math.fround(t);
    FMA_OK = true;
    if (r === Infinity || r === -Infinity) { C.fpsr |= OFC | IXC; return bitsOf(FS, r); }
    if (e !== 0 || r !== t) {
      C.fpsr |= IXC;
      const as = Math.abs(s);
      if (as < MIN_NORMAL_S || (as === MIN_NORMAL_S && (e > 0) !== (s > 0))) C.fpsr |= UFC;
    }
    return bitsOf(FS, r);
  }
  const ax = Math.abs(x), ay = Math.abs(y), az = Math.abs(z);
  const uh = x * y, au = Math.abs(uh);
  const zp = x === 0 || y === 0;
  if (ax > SAFE_HI || ay > SAFE_HI || az > SAFE_HI || au > SAFE_HI || (!zp && au < SAFE_LO) || (az !== 0 && az < SAFE_LO)) return 0;
  const ul = zp ? 0 : twoProdErr(x, y, uh);
  const th = z + uh, b1 = th - z;
  const tl = (z - (th - b1)) + (uh - b1);
  let v = tl + ul;
  const b2 = v - tl;
  const ev = (tl - (v - b2)) + (ul - b2);
  if (ev !== 0) v = roundOdd(v, ev);
  const r = th + v;
  if (Math.abs(r) < 9.332636185032189e-302) return 0;                      // near the subnormal range (2^-1000)
  const b3 = r - th;
  const er = (th - (r - b3)) + (v - b3);
  FMA_OK = true;
  if (ev !== 0 || er !== 0) C.fpsr |= IXC;
  return bitsOf(FD, r);
}

/** FPCompare: NZCV in bits 3:0. `signalAll`: any NaN raises IOC (FCMPE), else only signalling ones. */
function fpCmp(f: number, aLo: number, aHi: number, bLo: number, bHi: number, signalAll: boolean): number {
  if (C.fpcr & FZ) { aLo = flushIn(f, aLo, aHi); aHi = RH; bLo = flushIn(f, bLo, bHi); bHi = RH; }
  const an = isNaNF(f, aLo, aHi), bn = isNaNF(f, bLo, bHi);
  if (an || bn) {
    if (signalAll || (an && isSig(f, aLo, aHi)) || (bn && isSig(f, bLo, bHi))) C.fpsr |= IOC;
    return 3;
  }
  const x = num(f, aLo, aHi), y = num(f, bLo, bHi);
  return x === y ? 6 : x < y ? 8 : 2;
}

/** Vector compares: 0 EQ, 1 GE, 2 GT (result true/false); `abs` compares magnitudes (FACGE/FACGT). */
function fpCmpV(kind: number, f: number, aLo: number, aHi: number, bLo: number, bHi: number, abs: boolean): boolean {
  if (C.fpcr & FZ) { aLo = flushIn(f, aLo, aHi); aHi = RH; bLo = flushIn(f, bLo, bHi); bHi = RH; }
  const an = isNaNF(f, aLo, aHi), bn = isNaNF(f, bLo, bHi);
  if (an || bn) {
    if (kind !== 0 || (an && isSig(f, aLo, aHi)) || (bn && isSig(f, bLo, bHi))) C.fpsr |= IOC;
    return false;
  }
  let x = num(f, aLo, aHi), y = num(f, bLo, bHi);
  if (abs) { x = Math.abs(x); y = Math.abs(y); }
  return kind === 0 ? x === y : kind === 1 ? x >= y : x > y;
}

/** Round to integral in the given mode (x finite). */
function roundInt(x: number, m: number): number {
  switch (m) {
    case RN: {
      const t = Math.floor(x), d = x - t;
      return (d > 0.5 || (d === 0.5 && t % 2 !== 0)) ? t + 1 : t;
    }
    case RP: return Math.ceil(x);
    case RM: return Math.floor(x);
    case RZ: return Math.trunc(x);
    default: {
      const t = Math.trunc(x), d = x - t;
      return d >= 0.5 ? t + 1 : d <= -0.5 ? t - 1 : t;
    }
  }
}

/** FRINT*: round to integral value in FP format. `exact` (FRINTX) signals IXC. */
function fpRint(f: number, lo: number, hi: number, rmode: number, exact: boolean): number {
  if (C.fpcr & FZ) { lo = flushIn(f, lo, hi); hi = RH; }
  if (isNaNF(f, lo, hi)) return quiet(f, lo, hi);
  const x = num(f, lo, hi);
  if (x === 0 || x === Infinity || x === -Infinity) { RH = hi; return lo; }
  let r = roundInt(x, rmode);
  if (r === 0) r = x < 0 ? -0 : 0;
  if (exact && r !== x) C.fpsr |= IXC;
  return bitsOf(f, r);
}

const TWO63 = 9223372036854775808, TWO64 = 18446744073709551616;

/** FP (S/D) to integer (32 or 64 bits) with fbits fraction bits, saturating; NaN -> 0. */
function fpToInt(f: number, lo: number, hi: number, rmode: number, unsigned: boolean, is64: boolean, fbits: number): number {
  if (C.fpcr & FZ) { lo = flushIn(f, lo, hi); hi = RH; }
  if (isNaNF(f, lo, hi)) { C.fpsr |= IOC; RH = 0; return 0; }
  let x = num(f, lo, hi);
  if (fbits) x *= POW2[fbits];
  let n = x === Infinity || x === -Infinity ? x : roundInt(x, rmode);
  let ovf = false;
  if (is64) {
    if (unsigned) {
      if (n < 0) { ovf = true; n = 0; } else if (n >= TWO64) { ovf = true; C.fpsr |= IOC; RH = -1; return -1; }
    } else if (n >= TWO63) { C.fpsr |= IOC; RH = 0x7fffffff; return -1; }
    else if (n < -TWO63) { ovf = true; n = -TWO63; }
  } else if (unsigned) {
    if (n < 0) { ovf = true; n = 0; } else if (n > 4294967295) { ovf = true; n = 4294967295; }
  } else if (n > 2147483647) { ovf = true; n = 2147483647; } else if (n < -2147483648) { ovf = true; n = -2147483648; }
  if (ovf) C.fpsr |= IOC; else if (n !== x) C.fpsr |= IXC;
  if (!is64) { RH = 0; return n | 0; }
  const h = Math.floor(n / TWO32);
  RH = h | 0;
  return (n - h * TWO32) | 0;
}

/** Integer (32 or 64 bits, signed or unsigned) with fbits fraction bits to FP format f, FPCR rounding. */
function intToFp(f: number, lo: number, hi: number, unsigned: boolean, is64: boolean, fbits: number): number {
  const rmode = (C.fpcr >>> 22) & 3;
  let v = 0, exact = true;
  if (!is64) v = unsigned ? lo >>> 0 : lo | 0;
  else if (unsigned) { if ((hi >>> 0) < 0x200000) v = (hi >>> 0) * TWO32 + (lo >>> 0); else exact = false; }
  else if (hi >= -0x200000 && hi < 0x200000) v = hi * TWO32 + (lo >>> 0); else exact = false;
  if (exact && rmode === RN && f !== FH) {
    if (fbits) v /= POW2[fbits];
    if (f === FD) return bitsOf(FD, v);
    const r = Math.fround(v);
    if (r !== v) C.fpsr |= IXC;
    return bitsOf(FS, r);
  }
  let big: bigint;
  if (!is64) big = BigInt(unsigned ? lo >>> 0 : lo | 0);
  else big = ((unsigned ? BigInt(hi >>> 0) : BigInt(hi | 0)) << 32n) | BigInt(lo >>> 0);
  if (big === 0n) return fzero(f, 0);
  return big < 0n ? roundBig(f, 1, -big, -fbits, false, rmode, false) : roundBig(f, 0, big, -fbits, false, rmode, false);
}

/** FCVT between precisions (from != to), FPCR rounding (or `rmode` >= 0 to override, e.g. round to odd). */
function fpCvt(from: number, to: number, lo: number, hi: number, rmode: number): number {
  if (rmode < 0) rmode = (C.fpcr >>> 22) & 3;
  const ahp = (C.fpcr & AHP) !== 0;
  if (from !== FH && (C.fpcr & FZ)) { lo = flushIn(from, lo, hi); hi = RH; }
  if (isNaNF(from, lo, hi)) {
    if (to === FH && ahp) { C.fpsr |= IOC; RH = 0; return signOf(from, lo, hi) << 15; }
    if (isSig(from, lo, hi)) C.fpsr |= IOC;
    if (C.fpcr & DN) return defaultNaN(to);
    const sign = signOf(from, lo, hi);
    // top fraction bits, 23 of them, left-aligned in a single's fraction field
    let top: number, lowD = 0;
    if (from === FD) { top = ((hi & 0xfffff) << 3) | (lo >>> 29); lowD = lo << 3; }
    else if (from === FS) top = lo & 0x7fffff;
    else top = (lo & 0x3ff) << 13;
    if (to === FS) { RH = 0; return (sign << 31) | 0x7fc00000 | top; }
    if (to === FH) { RH = 0; return (sign << 15) | 0x7e00 | (top >>> 13); }
    RH = (sign << 31) | 0x7ff80000 | (top >>> 3);
    return (top << 29) | (lowD >>> 3);
  }
  const x = num(from, lo, hi);
  if (to === FD) return bitsOf(FD, x);
  if (x === 0) return fzero(to, signOf(from, lo, hi));
  if (x === Infinity || x === -Infinity) {
    if (to === FH && ahp) { C.fpsr |= IOC; RH = 0; return x < 0 ? 0xffff : 0x7fff; }
    return finf(to, x < 0 ? 1 : 0);
  }
  if (to === FS && rmode === RN && (C.fpcr & FZ) === 0) {
    const r = Math.fround(x);
    if (r === Infinity || r === -Infinity) C.fpsr |= OFC | IXC;
    else if (r !== x) { C.fpsr |= IXC; if (Math.abs(x) < 1.1754943508222875e-38) C.fpsr |= UFC; }
    return bitsOf(FS, r);
  }
  decomp(x);
  return roundBig(to, BS, BM, BE, false, rmode, to === FS && (C.fpcr & FZ) !== 0);
}

// ---- reciprocal estimates and steps

let RECIP_T: Uint16Array | null = null, RSQRT_T: Uint16Array | null = null;
/** RecipEstimate: 9-bit a in [256, 511] -> 9-bit estimate (Arm ARM shared pseudocode). */
function recipEstimate(a: number): number {
  if (RECIP_T === null) {
    RECIP_T = new Uint16Array(512);
    for (let i = 256; i < 512; i++) { const b = Math.floor(524288 / (i * 2 + 1)); RECIP_T[i] = (b + 1) >> 1; }
  }
  return RECIP_T[a];
}
/** RecipSqrtEstimate: a in [128, 511] -> 9-bit estimate. */
function rsqrtEstimate(a: number): number {
  if (RSQRT_T === null) {
    RSQRT_T = new Uint16Array(512);
    for (let i = 128; i < 512; i++) {
      const x = i < 256 ? i * 2 + 1 : (((i >> 1) << 1) + 1) * 2;
      let b = 512;
      while (x * (b + 1) * (b + 1) < 268435456) b++;
      RSQRT_T[i] = (b + 1) >> 1;
    }
  }
  return RSQRT_T[a];
}
/** The fraction of an S or D pattern as a 52-bit (hi 20 bits, lo 32 bits) pair in FRH/FRL, exponent returned. */
let FRH = 0, FRL = 0;
function fracExp(f: number, lo: number, hi: number): number {
  if (f === FS) { const fr = lo & 0x7fffff; FRH = fr >>> 3; FRL = fr << 29; return (lo >>> 23) & 0xff; }
  FRH = hi & 0xfffff; FRL = lo;
  return (hi >>> 20) & 0x7ff;
}
function fracShl1(): void { FRH = ((FRH << 1) | (FRL >>> 31)) & 0xfffff; FRL <<= 1; }

function fpRecipEst(f: number, lo: number, hi: number): number {
  if (C.fpcr & FZ) { lo = flushIn(f, lo, hi); hi = RH; }
  if (isNaNF(f, lo, hi)) return quiet(f, lo, hi);
  const sign = signOf(f, lo, hi), x = Math.abs(num(f, lo, hi));
  if (x === Infinity) return fzero(f, sign);
  if (x === 0) { C.fpsr |= DZC; return finf(f, sign); }
  if (x < (f === FS ? 2.938735877055719e-39 : 5.562684646268003e-309)) {          // 2^-128 / 2^-1024
    const rm = (C.fpcr >>> 22) & 3;
    C.fpsr |= OFC | IXC;
    return (rm === RN || (rm === RP && sign === 0) || (rm === RM && sign === 1)) ? finf(f, sign) : fmax(f, sign);
  }
  if ((C.fpcr & FZ) && x >= (f === FS ? 8.507059173023462e37 : 4.49423283715579e307)) { // 2^126 / 2^1022
    C.fpsr |= UFC;
    return fzero(f, sign);
  }
  let exp = fracExp(f, lo, hi);
  if (exp === 0) {
    if ((FRH & 0x80000) === 0) { exp = -1; fracShl1(); fracShl1(); } else fracShl1();
  }
  const est = recipEstimate(256 | ((FRH >>> 12) & 0xff));
  let rexp = (f === FS ? 253 : 2045) - exp;
  let fh = (est & 0xff) << 12;                          // fraction bits 51:32 (bits 31:0 are zero)
  if (rexp === 0) fh = 0x80000 | (fh >>> 1);
  else if (rexp === -1) { fh = 0x40000 | (fh >>> 2); rexp = 0; }
  if (f === FS) { RH = 0; return (sign << 31) | (rexp << 23) | (fh << 3); }
  RH = (sign << 31) | (rexp << 20) | fh;
  return 0;
}

function fpRsqrtEst(f: number, lo: number, hi: number): number {
  if (C.fpcr & FZ) { lo = flushIn(f, lo, hi); hi = RH; }
  if (isNaNF(f, lo, hi)) return quiet(f, lo, hi);
  const sign = signOf(f, lo, hi), x = num(f, lo, hi);
  if (x === 0) { C.fpsr |= DZC; return finf(f, sign); }
  if (sign) { C.fpsr |= IOC; return defaultNaN(f); }
  if (x === Infinity) return fzero(f, 0);
  let exp = fracExp(f, lo, hi);
  if (exp === 0) {
    while ((FRH & 0x80000) === 0) { fracShl1(); exp--; }
    fracShl1();
  }
  const scaled = (exp & 1) === 0 ? 256 | ((FRH >>> 12) & 0xff) : 128 | ((FRH >>> 13) & 0x7f);
  const rexp = Math.floor(((f === FS ? 380 : 3068) - exp) / 2);
  const est = rsqrtEstimate(scaled) & 0xff;
  if (f === FS) { RH = 0; return (rexp << 23) | (est << 15); }
  RH = (rexp << 20) | (est << 12);
  return 0;
}

function fpRecpx(f: number, lo: number, hi: number): number {
  if (C.fpcr & FZ) { lo = flushIn(f, lo, hi); hi = RH; }
  if (isNaNF(f, lo, hi)) return quiet(f, lo, hi);
  if (f === FS) {
    const e = (lo >>> 23) & 0xff;
    RH = 0;
    return (lo & 0x80000000) | ((e === 0 ? 0xfe : ~e & 0xff) << 23);
  }
  const e = (hi >>> 20) & 0x7ff;
  RH = (hi & 0x80000000) | ((e === 0 ? 0x7fe : ~e & 0x7ff) << 20);
  return 0;
}

/** Exact z + x*y (x, y finite; z small integer constant) scaled by 2^expAdj, rounded per FPCR. */
function exactMulAddConst(f: number, z: number, x: number, y: number, expAdj: number): number {
  const rmode = (C.fpcr >>> 22) & 3;
  decomp(z);
  const am = BS ? -BM : BM, ae = BE;
  let sum: bigint, e: number;
  if (x === 0 || y === 0) { sum = am; e = ae; }
  else {
    decomp(x); const s1 = BS, m1 = BM, e1 = BE;
    decomp(y);
    const pm = (s1 ^ BS) ? -(m1 * BM) : m1 * BM, pe = e1 + BE;
    e = pe < ae ? pe : ae;
    sum = (pm << BigInt(pe - e)) + (am << BigInt(ae - e));
  }
  if (sum === 0n) return fzero(f, rmode === RM ? 1 : 0);
  const fz = (C.fpcr & FZ) !== 0;
  return sum < 0n ? roundBig(f, 1, -sum, e + expAdj, false, rmode, fz) : roundBig(f, 0, sum, e + expAdj, false, rmode, fz);
}

/** FRECPS (2 - a*b) and FRSQRTS ((3 - a*b) / 2), fused. */
function fpRecipStep(f: number, aLo: number, aHi: number, bLo: number, bHi: number, rsqrt: boolean): number {
  if (f === FD) aHi ^= 0x80000000; else aLo ^= 0x80000000;     // FPNeg(op1), also for NaNs
  if (C.fpcr & FZ) { aLo = flushIn(f, aLo, aHi); aHi = RH; bLo = flushIn(f, bLo, bHi); bHi = RH; }
  if (nan2(f, aLo, aHi, bLo, bHi)) return NL;
  const x = num(f, aLo, aHi), y = num(f, bLo, bHi);
  const inf1 = x === Infinity || x === -Infinity, inf2 = y === Infinity || y === -Infinity;
  if ((inf1 && y === 0) || (x === 0 && inf2)) return bitsOf(f, rsqrt ? 1.5 : 2);
  if (inf1 || inf2) return finf(f, signOf(f, aLo, aHi) ^ signOf(f, bLo, bHi));
  return exactMulAddConst(f, rsqrt ? 3 : 2, x, y, rsqrt ? -1 : 0);
}

// ---------------------------------------------------------------------------------------------------------
// Scalar floating point (x0x1)

/** ftype field -> format (FH for half; -1 unallocated). */
function ftypeFmt(t: number): number { return t === 0 ? FS : t === 1 ? FD : t === 3 ? FH : -1; }

function rdF(f: number, n: number): number {
  const b = n << 2;
  if (f === FD) { RH = V[b + 1]; return V[b]; }
  RH = 0;
  return f === FS ? V[b] : VH[n << 3];
}
function wrF(f: number, d: number, lo: number, hi: number): void {
  const b = d << 2;
  V[b] = f === FD ? lo : f === FS ? lo : lo & 0xffff;
  V[b + 1] = f === FD ? hi : 0;
  V[b + 2] = 0; V[b + 3] = 0;
}

function fpScalar(insn: number): void {
  const op1 = (insn >>> 23) & 3;
  if (op1 >= 2) { fpDp3(insn); return; }
  if (((insn >>> 21) & 1) === 0) { fpFixedConv(insn); return; }
  const op3 = (insn >>> 10) & 0x3f;
  if (op3 === 0) fpIntConv(insn);
  else if ((op3 & 0x1f) === 0x10) fpDp1(insn);
  else if ((op3 & 0xf) === 8) fpCompare(insn);
  else if ((op3 & 7) === 4) fpImm(insn);
  else switch (op3 & 3) {
    case 1: fpCondCmp(insn); break;
    case 2: fpDp2(insn); break;
    case 3: fpCsel(insn); break;
    default: undef();
  }
}

function fpDp1(insn: number): void {
  if (insn & 0xa0000000) undef();
  const f = ftypeFmt((insn >>> 22) & 3), opc = (insn >>> 15) & 0x3f, n = (insn >>> 5) & 31, d = insn & 31;
  if (f < 0) undef();
  if (f === FH && opc !== 4 && opc !== 5) undef();       // FP16 arithmetic is not implemented (no FEAT_FP16)
  const lo = rdF(f, n), hi = RH;
  let r: number;
  switch (opc) {
    case 0: wrF(f, d, lo, hi); return;                                                  // FMOV
    case 1: if (f === FD) wrF(f, d, lo, hi & 0x7fffffff); else wrF(f, d, lo & 0x7fffffff, 0); return;  // FABS
    case 2: if (f === FD) wrF(f, d, lo, hi ^ 0x80000000); else wrF(f, d, lo ^ 0x80000000, 0); return;  // FNEG
    case 3: r = fpSqrt(f, lo, hi); wrF(f, d, r, RH); return;                            // FSQRT
    case 4: case 5: case 7: {                                                           // FCVT
      const to = opc === 4 ? FS : opc === 5 ? FD : FH;
      if (to === f) undef();
      r = fpCvt(f, to, lo, hi, -1); wrF(to, d, r, RH); return;
    }
    case 8: case 9: case 10: case 11: case 12: case 14: case 15: {                       // FRINTN/P/M/Z/A/X/I
      const rm = opc === 12 ? RA : opc >= 14 ? (C.fpcr >>> 22) & 3 : opc - 8;
      r = fpRint(f, lo, hi, rm, opc === 14); wrF(f, d, r, RH); return;
    }
    default: undef();
  }
}

function fpDp2(insn: number): void {
  if (insn & 0xa0000000) undef();
  const f = ftypeFmt((insn >>> 22) & 3), opc = (insn >>> 12) & 15;
  if (f !== FS && f !== FD) undef();
  if (opc > 8) undef();
  const m = (insn >>> 16) & 31, n = (insn >>> 5) & 31, d = insn & 31;
  const aLo = rdF(f, n), aHi = RH, bLo = rdF(f, m), bHi = RH;
  let r: number;
  switch (opc) {
    case 0: case 8: r = fpBin(OP_MUL, f, aLo, aHi, bLo, bHi); break;
    case 1: r = fpBin(OP_DIV, f, aLo, aHi, bLo, bHi); break;
    case 2: r = fpBin(OP_ADD, f, aLo, aHi, bLo, bHi); break;
    case 3: r = fpBin(OP_SUB, f, aLo, aHi, bLo, bHi); break;
    case 4: r = fpBin(OP_MAX, f, aLo, aHi, bLo, bHi); break;
    case 5: r = fpBin(OP_MIN, f, aLo, aHi, bLo, bHi); break;
    case 6: r = fpBin(OP_MAXNM, f, aLo, aHi, bLo, bHi); break;
    default: r = fpBin(OP_MINNM, f, aLo, aHi, bLo, bHi); break;
  }
  let hi = RH;
  if (opc === 8) { if (f === FD) hi ^= 0x80000000; else r ^= 0x80000000; }           // FNMUL
  wrF(f, d, r, hi);
}

function fpDp3(insn: number): void {
  if (insn & 0xa0000000) undef();
  const f = ftypeFmt((insn >>> 22) & 3);
  if (f !== FS && f !== FD) undef();
  const o1 = (insn >>> 21) & 1, o0 = (insn >>> 15) & 1;
  const m = (insn >>> 16) & 31, a = (insn >>> 10) & 31, n = (insn >>> 5) & 31, d = insn & 31;
  let aLo = rdF(f, a), aHi = RH, nLo = rdF(f, n), nHi = RH;
  const mLo = rdF(f, m), mHi = RH;
  const sb = f === FD ? 0 : 0x80000000 | 0, sbh = f === FD ? 0x80000000 | 0 : 0;
  if (o1) { aLo ^= sb; aHi ^= sbh; }                       // FNMADD/FNMSUB negate the addend
  if (o0 !== o1) { nLo ^= sb; nHi ^= sbh; }                // FMSUB/FNMADD negate the product
  const r = fpMulAdd(f, aLo, aHi, nLo, nHi, mLo, mHi);
  wrF(f, d, r, RH);
}

function fpCompare(insn: number): void {
  if (insn & 0xa0000000) undef();
  const f = ftypeFmt((insn >>> 22) & 3);
  if (f !== FS && f !== FD) undef();
  if (((insn >>> 14) & 3) !== 0 || (insn & 7) !== 0) undef();
  const m = (insn >>> 16) & 31, n = (insn >>> 5) & 31, opc2 = insn & 0x1f;
  const aLo = rdF(f, n), aHi = RH;
  let bLo = 0, bHi = 0;
  if ((opc2 & 8) === 0) { bLo = rdF(f, m); bHi = RH; }
  setNzcv4(fpCmp(f, aLo, aHi, bLo, bHi, (opc2 & 0x10) !== 0));
}

function setNzcv4(v: number): void {
  C.nf = (v >>> 3) & 1; C.zf = (v >>> 2) & 1; C.cf = (v >>> 1) & 1; C.vf = v & 1;
}

function fpCondCmp(insn: number): void {
  if (insn & 0xa0000000) undef();
  const f = ftypeFmt((insn >>> 22) & 3);
  if (f !== FS && f !== FD) undef();
  const m = (insn >>> 16) & 31, cond = (insn >>> 12) & 15, n = (insn >>> 5) & 31;
  if (condHolds(C, cond)) {
    const aLo = rdF(f, n), aHi = RH, bLo = rdF(f, m), bHi = RH;
    setNzcv4(fpCmp(f, aLo, aHi, bLo, bHi, ((insn >>> 4) & 1) !== 0));
  } else {
    setNzcv4(insn & 15);
  }
}

function fpCsel(insn: number): void {
  if (insn & 0xa0000000) undef();
  const f = ftypeFmt((insn >>> 22) & 3);
  if (f !== FS && f !== FD) undef();
  const m = (insn >>> 16) & 31, cond = (insn >>> 12) & 15, n = (insn >>> 5) & 31, d = insn & 31;
  const s = condHolds(C, cond) ? n : m;
  const lo = rdF(f, s);
  wrF(f, d, lo, RH);
}

function fpImm(insn: number): void {
  if (insn & 0xa0000000) undef();
  if (((insn >>> 5) & 31) !== 0) undef();
  const f = ftypeFmt((insn >>> 22) & 3);
  if (f !== FS && f !== FD) undef();
  const imm8 = (insn >>> 13) & 0xff, d = insn & 31;
  if (f === FS) wrF(FS, d, vfpExpandS(imm8), 0);
  else wrF(FD, d, 0, vfpExpandDHi(imm8));
}

function vfpExpandS(imm8: number): number {
  const a = imm8 >>> 7, b = (imm8 >>> 6) & 1;
  return (a << 31) | ((b ^ 1) << 30) | (b ? 0x3e000000 : 0) | ((imm8 & 0x3f) << 19);
}
function vfpExpandDHi(imm8: number): number {
  const a = imm8 >>> 7, b = (imm8 >>> 6) & 1;
  return (a << 31) | ((b ^ 1) << 30) | (b ? 0x3fc00000 : 0) | ((imm8 & 0x3f) << 16);
}

function fpIntConv(insn: number): void {
  const sf = insn >>> 31, ftype = (insn >>> 22) & 3, rmode = (insn >>> 19) & 3, opc = (insn >>> 16) & 7;
  const n = (insn >>> 5) & 31, d = insn & 31;
  if ((insn >>> 29) & 1) undef();
  if (opc >= 6) {                                                                     // FMOV (general)
    const toFp = opc === 7;
    if (sf === 0 && ftype === 0 && rmode === 0) {
      if (toFp) { wrF(FS, d, xLo(n), 0); } else setX(d, V[n << 2], 0);
    } else if (sf === 1 && ftype === 1 && rmode === 0) {
      if (toFp) wrF(FD, d, xLo(n), xHi(n)); else setX(d, V[n << 2], V[(n << 2) + 1]);
    } else if (sf === 1 && ftype === 2 && rmode === 1) {
      if (toFp) { V[(d << 2) + 2] = xLo(n); V[(d << 2) + 3] = xHi(n); } else setX(d, V[(n << 2) + 2], V[(n << 2) + 3]);
    } else undef();
    return;
  }
  if (ftype >= 2) undef();                                      // ftype 11: FP16 (no FEAT_FP16)
  const f = ftype === 0 ? FS : FD;
  const is64 = sf === 1;
  let rm: number;
  switch (opc) {
    case 2: case 3: {                                                                 // SCVTF/UCVTF
      if (rmode !== 0) undef();
      const lo = xLo(n), hi = is64 ? xHi(n) : 0;
      const r = intToFp(f, lo, hi, opc === 3, is64, 0);
      wrF(f, d, r, RH);
      return;
    }
    case 4: case 5: if (rmode !== 0) undef(); rm = RA; break;                           // FCVTAS/FCVTAU
    case 0: case 1: rm = rmode; break;                                                  // FCVTN/P/M/Z S/U
    default: undef();
  }
  const lo = rdF(f, n), hi = RH;
  const r = fpToInt(f, lo, hi, rm, (opc & 1) === 1, is64, 0);
  setX(d, r, is64 ? RH : 0);
}

function fpFixedConv(insn: number): void {
  const sf = insn >>> 31, ftype = (insn >>> 22) & 3, rmode = (insn >>> 19) & 3, opc = (insn >>> 16) & 7;
  const scale = (insn >>> 10) & 63, n = (insn >>> 5) & 31, d = insn & 31;
  if ((insn >>> 29) & 1) undef();
  if (ftype >= 2) undef();
  if (sf === 0 && scale < 32) undef();
  const f = ftype === 0 ? FS : FD, is64 = sf === 1, fbits = 64 - scale;
  const ro = (rmode << 3) | opc;
  if (ro === 2 || ro === 3) {                                                         // SCVTF/UCVTF (fixed)
    const r = intToFp(f, xLo(n), is64 ? xHi(n) : 0, ro === 3, is64, fbits);
    wrF(f, d, r, RH);
  } else if (ro === 0x18 || ro === 0x19) {                                            // FCVTZS/FCVTZU (fixed)
    const lo = rdF(f, n), hi = RH;
    const r = fpToInt(f, lo, hi, RZ, ro === 0x19, is64, fbits);
    setX(d, r, is64 ? RH : 0);
  } else undef();
}

// ---------------------------------------------------------------------------------------------------------
// Advanced SIMD: copy, permute, table, extract, modified immediate

function copy(insn: number): void {
  const q = (insn >>> 30) & 1, op = (insn >>> 29) & 1, imm5 = (insn >>> 16) & 31, imm4 = (insn >>> 11) & 15;
  const n = (insn >>> 5) & 31, d = insn & 31;
  const size = lowestSize(imm5);
  if (size < 0) undef();
  const idx = imm5 >>> (size + 1);
  if (op) {                                                                           // INS (element)
    if (!q) undef();
    const src = imm4 >>> size;
    switch (size) {
      case 0: VB[(d << 4) + idx] = VB[(n << 4) + src]; break;
      case 1: VH[(d << 3) + idx] = VH[(n << 3) + src]; break;
      case 2: V[(d << 2) + idx] = V[(n << 2) + src]; break;
      default: V[(d << 2) + 2 * idx] = V[(n << 2) + 2 * src]; V[(d << 2) + 2 * idx + 1] = V[(n << 2) + 2 * src + 1];
    }
    return;
  }
  switch (imm4) {
    case 0: case 1: {                                                                 // DUP (element / general)
      if (size === 3 && !q) undef();
      let lo: number, hi = 0;
      if (imm4 === 0) {
        if (size === 3) { lo = V[(n << 2) + 2 * idx]; hi = V[(n << 2) + 2 * idx + 1]; } else lo = eU(n, idx, size);
      } else { lo = xLo(n); hi = xHi(n); }
      let wlo = lo, whi = hi;
      if (size === 0) { wlo &= 0xff; wlo |= wlo << 8; wlo |= wlo << 16; whi = wlo; }
      else if (size === 1) { wlo &= 0xffff; wlo |= wlo << 16; whi = wlo; }
      else if (size === 2) whi = wlo;
      const b = d << 2;
      V[b] = wlo; V[b + 1] = whi;
      if (q) { V[b + 2] = wlo; V[b + 3] = whi; } else { V[b + 2] = 0; V[b + 3] = 0; }
      return;
    }
    case 3:                                                                           // INS (general)
      if (!q) undef();
      switch (size) {
        case 0: VB[(d << 4) + idx] = xLo(n); break;
        case 1: VH[(d << 3) + idx] = xLo(n); break;
        case 2: V[(d << 2) + idx] = xLo(n); break;
        default: V[(d << 2) + 2 * idx] = xLo(n); V[(d << 2) + 2 * idx + 1] = xHi(n);
      }
      return;
    case 5: {                                                                         // SMOV
      if (size === 3 || (size === 2 && !q)) undef();
      const v = eS(n, idx, size);
      setX(d, v, q ? v >> 31 : 0);
      return;
    }
    case 7:                                                                           // UMOV
      if (q ? size !== 3 : size === 3) undef();
      if (size === 3) setX(d, V[(n << 2) + 2 * idx], V[(n << 2) + 2 * idx + 1]);
      else setX(d, eU(n, idx, size), 0);
      return;
    default: undef();
  }
}

function permute(insn: number): void {
  const q = (insn >>> 30) & 1, size = (insn >>> 22) & 3, m = (insn >>> 16) & 31, opc = (insn >>> 12) & 7;
  const n = (insn >>> 5) & 31, d = insn & 31;
  if ((opc & 3) === 0 || (size === 3 && !q)) undef();
  const elements = (q ? 16 : 8) >> size, half = elements >> 1;
  const part = opc >>> 2;
  switch (opc & 3) {
    case 1:                                                                           // UZP1/UZP2
      for (let i = 0; i < elements; i++) {
        const s = 2 * i + part;
        if (s < elements) copyLane(i, n, s, size); else copyLane(i, m, s - elements, size);
      }
      break;
    case 2:                                                                           // TRN1/TRN2
      for (let p = 0; p < half; p++) { copyLane(2 * p, n, 2 * p + part, size); copyLane(2 * p + 1, m, 2 * p + part, size); }
      break;
    default: {                                                                        // ZIP1/ZIP2
      const base = part * half;
      for (let p = 0; p < half; p++) { copyLane(2 * p, n, base + p, size); copyLane(2 * p + 1, m, base + p, size); }
    }
  }
  commit(d, q);
}

function tbl(insn: number): void {
  const q = (insn >>> 30) & 1, m = (insn >>> 16) & 31, len = (insn >>> 13) & 3, tbx = (insn >>> 12) & 1;
  const n = (insn >>> 5) & 31, d = insn & 31;
  const elements = q ? 16 : 8, limit = (len + 1) << 4;
  for (let i = 0; i < elements; i++) {
    const idx = VB[(m << 4) + i];
    if (idx < limit) WB[i] = VB[(((n + (idx >>> 4)) & 31) << 4) + (idx & 15)];
    else WB[i] = tbx ? VB[(d << 4) + i] : 0;
  }
  commit(d, q);
}

function ext(insn: number): void {
  const q = (insn >>> 30) & 1, m = (insn >>> 16) & 31, imm4 = (insn >>> 11) & 15;
  const n = (insn >>> 5) & 31, d = insn & 31;
  if (!q && imm4 >= 8) undef();
  const nb = q ? 16 : 8;
  for (let i = 0; i < nb; i++) {
    const p = imm4 + i;
    WB[i] = p < nb ? VB[(n << 4) + p] : VB[(m << 4) + p - nb];
  }
  commit(d, q);
}

function modImm(insn: number): void {
  const q = (insn >>> 30) & 1, op = (insn >>> 29) & 1, cmode = (insn >>> 12) & 15, d = insn & 31;
  if ((insn >>> 11) & 1) undef();                                           // o2=1: FMOV (FP16)
  const imm8 = (((insn >>> 16) & 7) << 5) | ((insn >>> 5) & 31);
  let lo: number, hi: number;
  let kind = 0;                                                             // 0 MOVI, 1 MVNI, 2 ORR, 3 BIC
  if (cmode < 12) {
    if (cmode < 8) { lo = imm8 << ((cmode >>> 1) * 8); }
    else { const h = imm8 << ((cmode & 2) ? 8 : 0); lo = h | (h << 16); }
    hi = lo;
    kind = (cmode & 1) ? (op ? 3 : 2) : op;
  } else if (cmode < 14) {
    lo = hi = (cmode & 1) ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff;
    kind = op;
  } else if (cmode === 14) {
    if (op === 0) { lo = imm8 | (imm8 << 8); lo |= lo << 16; hi = lo; }
    else {
      lo = 0; hi = 0;
      for (let i = 0; i < 4; i++) { if ((imm8 >>> i) & 1) lo |= 0xff << (8 * i); if ((imm8 >>> (i + 4)) & 1) hi |= 0xff << (8 * i); }
    }
  } else if (op === 0) {
    lo = hi = vfpExpandS(imm8);
  } else {
    if (!q) undef();
    lo = 0; hi = vfpExpandDHi(imm8);
  }
  const b = d << 2;
  switch (kind) {
    case 1: lo = ~lo; hi = ~hi; // fall through
    case 0: V[b] = lo; V[b + 1] = hi; V[b + 2] = q ? lo : 0; V[b + 3] = q ? hi : 0; return;
    case 2: V[b] |= lo; V[b + 1] |= hi; if (q) { V[b + 2] |= lo; V[b + 3] |= hi; } else { V[b + 2] = 0; V[b + 3] = 0; } return;
    default: V[b] &= ~lo; V[b + 1] &= ~hi; if (q) { V[b + 2] &= ~lo; V[b + 3] &= ~hi; } else { V[b + 2] = 0; V[b + 3] = 0; } return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// 64-bit lane helpers

function add64(aLo: number, aHi: number, bLo: number, bHi: number): number {
  const lo = (aLo >>> 0) + (bLo >>> 0);
  RH = (aHi + bHi + (lo > 0xffffffff ? 1 : 0)) | 0;
  return lo | 0;
}
function sub64(aLo: number, aHi: number, bLo: number, bHi: number): number {
  const lo = (aLo >>> 0) - (bLo >>> 0);
  RH = (aHi - bHi - (lo < 0 ? 1 : 0)) | 0;
  return lo | 0;
}
/** a > b (signed or unsigned 64-bit). */
function gt64(aLo: number, aHi: number, bLo: number, bHi: number, signed: boolean): boolean {
  if (aHi !== bHi) return signed ? aHi > bHi : (aHi >>> 0) > (bHi >>> 0);
  return (aLo >>> 0) > (bLo >>> 0);
}
/** 64-bit shift right by 0..64 (arithmetic or logical); result lo, hi in RH. */
function shr64(lo: number, hi: number, sh: number, signed: boolean): number {
  if (sh >= 64) { RH = signed ? hi >> 31 : 0; return RH; }
  if (sh === 0) { RH = hi; return lo; }
  if (sh < 32) { RH = signed ? hi >> sh : hi >>> sh; return (lo >>> sh) | (hi << (32 - sh)); }
  RH = signed ? hi >> 31 : 0;
  return signed ? hi >> (sh - 32) : hi >>> (sh - 32);
}
/** 64-bit shift left by 0..63. */
function shl64(lo: number, hi: number, sh: number): number {
  if (sh === 0) { RH = hi; return lo; }
  if (sh < 32) { RH = (hi << sh) | (lo >>> (32 - sh)); return lo << sh; }
  RH = lo << (sh - 32);
  return 0;
}
function laneLo(r: number, i: number): number { return V[(r << 2) + 2 * i]; }
function laneHi(r: number, i: number): number { return V[(r << 2) + 2 * i + 1]; }
function ones(esize: number): number { return esize === 32 ? 4294967295 : (1 << esize) - 1; }
function pmul8(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if ((b >>> i) & 1) r ^= a << i;
  return r;
}
/** Commit a 64-bit narrow result in W[0..1] into the lower (q=0, upper zeroed) or upper (q=1) half of V[d]. */
function commitNarrow(d: number, q: number): void {
  const b = d << 2;
  if (q) { V[b + 2] = W[0]; V[b + 3] = W[1]; } else { V[b] = W[0]; V[b + 1] = W[1]; V[b + 2] = 0; V[b + 3] = 0; }
}

// ---------------------------------------------------------------------------------------------------------
// SWAR helpers for 8/16/32-bit lanes within a 32-bit word

/** All-ones in each lane of x that is zero, else zeros. */
function zeroLanes(x: number, s: number): number {
  if (s === 2) return x === 0 ? -1 : 0;
  if (s === 0) return Math.imul((~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080) >>> 7, 0xff);
  return Math.imul((~(((x & 0x7fff7fff) + 0x7fff7fff) | x) & 0x80008000) >>> 15, 0xffff);
}
function swarAdd(a: number, b: number, s: number): number {
  if (s === 2) return (a + b) | 0;
  if (s === 0) return (((a & 0x7f7f7f7f) + (b & 0x7f7f7f7f)) ^ ((a ^ b) & 0x80808080)) | 0;
  return (((a & 0x7fff7fff) + (b & 0x7fff7fff)) ^ ((a ^ b) & 0x80008000)) | 0;
}
function swarSub(a: number, b: number, s: number): number {
  if (s === 2) return (a - b) | 0;
  if (s === 0) return (((a | 0x80808080) - (b & 0x7f7f7f7f)) ^ ((a ^ ~b) & 0x80808080)) | 0;
  return (((a | 0x80008000) - (b & 0x7fff7fff)) ^ ((a ^ ~b) & 0x80008000)) | 0;
}

// ---------------------------------------------------------------------------------------------------------
// Three same

function threeSame(insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1, u = (insn >>> 29) & 1, size = (insn >>> 22) & 3, m = (insn >>> 16) & 31;
  const opc = (insn >>> 11) & 31, n = (insn >>> 5) & 31, d = insn & 31;
  if (opc >= 0x18) { threeSameFp(insn, scalar); return; }
  if (opc === 3) {
    if (scalar) undef();
    logical3(q, u, size, m, n, d);
    return;
  }
  if (!scalar && size < 3 && (opc === 16 || opc === 17)) {                 // ADD/SUB/CMTST/CMEQ: word at a time
    const nb = n << 2, mb = m << 2, cnt = q ? 4 : 2;
    for (let i = 0; i < cnt; i++) {
      const a = V[nb + i], b = V[mb + i];
      W[i] = opc === 16 ? (u ? swarSub(a, b, size) : swarAdd(a, b, size)) : (u ? zeroLanes(a ^ b, size) : ~zeroLanes(a & b, size));
    }
    commit(d, q);
    return;
  }
  let elements: number;
  if (scalar) {
    switch (opc) {
      case 1: case 5: case 9: case 11: break;
      case 6: case 7: case 8: case 10: case 16: case 17: if (size !== 3) undef(); break;
      case 22: break;
      default: undef();
    }
    elements = 1;
    clearW();
  } else {
    if (size === 3 && !q) undef();
    elements = (q ? 16 : 8) >> size;
  }
  switch (opc) {
    case 0: case 2: case 4: case 12: case 13: case 14: case 15: case 18: case 20: case 21:
      if (size === 3) undef(); break;
    case 19: if (size === 3 || (u === 1 && size !== 0)) undef(); break;
    case 23: if (u) undef(); break;
    case 22: if (size !== 1 && size !== 2) undef(); break;
  }
  if (opc === 9 || opc === 11 || opc === 22) {                             // rare: BigInt per lane
    const esize = 8 << size;
    for (let i = 0; i < elements; i++) {
      if (opc === 22) {                                                    // SQDMULH/SQRDMULH
        wEBig(i, size, sqdmulh(eBig(n, i, size, true), eBig(m, i, size, true), esize, u === 1));
        continue;
      }
      const e = eBig(n, i, size, u === 0);                                 // SQSHL/UQSHL/SQRSHL/UQRSHL (register)
      const sh = Number(BigInt.asIntN(8, eBig(m, i, size, false)));
      let v: bigint;
      if (sh >= 0) v = e << BigInt(sh);
      else v = (opc === 11 ? e + (1n << BigInt(-sh - 1)) : e) >> BigInt(-sh);
      wEBig(i, size, satBig(v, esize, u === 1));
    }
    commit(d, scalar ? 0 : q);
    return;
  }
  const signed = u === 0;
  const pairwise = opc === 20 || opc === 21 || opc === 23;
  if (size === 3) { threeSame64(opc, u, elements, m, n, d, q, scalar); return; }
  const half = elements >> 1, esize = 8 << size;
  for (let i = 0; i < elements; i++) {
    let a: number, b: number;
    if (pairwise) {
      const r = i < half ? n : m, j = (i < half ? i : i - half) * 2;
      a = signed ? eS(r, j, size) : eU(r, j, size);
      b = signed ? eS(r, j + 1, size) : eU(r, j + 1, size);
    } else {
      a = signed ? eS(n, i, size) : eU(n, i, size);
      b = signed ? eS(m, i, size) : eU(m, i, size);
    }
    let r: number;
    switch (opc) {
      case 0: r = Math.floor((a + b) / 2); break;                          // SHADD/UHADD
      case 1: r = signed ? satS(a + b, size) : satU(a + b, size); break;    // SQADD/UQADD
      case 2: r = Math.floor((a + b + 1) / 2); break;                      // SRHADD/URHADD
      case 4: r = Math.floor((a - b) / 2); break;                          // SHSUB/UHSUB
      case 5: r = signed ? satS(a - b, size) : satU(a - b, size); break;    // SQSUB/UQSUB
      case 6: r = a > b ? -1 : 0; break;                                   // CMGT/CMHI
      case 7: r = a >= b ? -1 : 0; break;                                  // CMGE/CMHS
      case 8: case 10: {                                                   // SSHL/USHL, SRSHL/URSHL
        const sh = (b << 24) >> 24;
        if (sh >= 0) r = sh >= esize ? 0 : a << sh;
        else if (opc === 10) r = Math.floor((a + POW2[-sh - 1]) / POW2[-sh]);
        else r = Math.floor(a / POW2[-sh]);
        break;
      }
      case 12: case 20: r = a > b ? a : b; break;                          // SMAX/UMAX(P)
      case 13: case 21: r = a < b ? a : b; break;                          // SMIN/UMIN(P)
      case 14: r = Math.abs(a - b); break;                                 // SABD/UABD
      case 15: r = eU(d, i, size) + Math.abs(a - b); break;                // SABA/UABA
      case 16: r = u ? a - b : a + b; break;                               // ADD/SUB
      case 17: r = u ? (a === b ? -1 : 0) : ((a & b) !== 0 ? -1 : 0); break; // CMEQ/CMTST
      case 18: r = u ? eU(d, i, size) - Math.imul(a, b) : eU(d, i, size) + Math.imul(a, b); break; // MLA/MLS
      case 19: r = u ? pmul8(a, b) : Math.imul(a, b); break;               // MUL/PMUL
      default: r = a + b; break;                                           // ADDP
    }
    wE(i, size, r);
  }
  commit(d, scalar ? 0 : q);
}

function sqdmulh(a: bigint, b: bigint, esize: number, round: boolean): bigint {
  let p = 2n * a * b;
  if (round) p += 1n << BigInt(esize - 1);
  return satBig(p >> BigInt(esize), esize, false);
}
/** SQDMULL/SQDMLAL/SQDMLSL on one lane: opc 13 multiply, 9 accumulate, 11 subtract (esize = source size). */
function sqdmlal(opc: number, a: bigint, b: bigint, acc: bigint, esize: number): bigint {
  const p = satBig(2n * a * b, 2 * esize, false);
  if (opc === 13) return p;
  return satBig(opc === 9 ? acc + p : acc - p, 2 * esize, false);
}

function threeSame64(opc: number, u: number, elements: number, m: number, n: number, d: number, q: number, scalar: boolean): void {
  const signed = u === 0;
  for (let i = 0; i < elements; i++) {
    let aLo: number, aHi: number, bLo: number, bHi: number;
    if (opc === 23) { const r = i === 0 ? n : m; aLo = laneLo(r, 0); aHi = laneHi(r, 0); bLo = laneLo(r, 1); bHi = laneHi(r, 1); }
    else { aLo = laneLo(n, i); aHi = laneHi(n, i); bLo = laneLo(m, i); bHi = laneHi(m, i); }
    let lo: number, hi: number;
    switch (opc) {
      case 1: case 5: {                                                    // SQADD/UQADD/SQSUB/UQSUB
        const a = lane64Big(n, i, signed), b = lane64Big(m, i, signed);
        wBig(i, satBig(opc === 1 ? a + b : a - b, 64, !signed));
        continue;
      }
      case 6: lo = hi = gt64(aLo, aHi, bLo, bHi, signed) ? -1 : 0; break;
      case 7: lo = hi = gt64(bLo, bHi, aLo, aHi, signed) ? 0 : -1; break;
      case 8: case 10: {
        const sh = (bLo << 24) >> 24;
        if (sh >= 0) { if (sh >= 64) { lo = hi = 0; } else { lo = shl64(aLo, aHi, sh); hi = RH; } }
        else if (opc === 8) { lo = shr64(aLo, aHi, -sh, signed); hi = RH; }
        else {
          const a = lane64Big(n, i, signed), s = BigInt(-sh);
          wBig(i, (a + (1n << (s - 1n))) >> s);
          continue;
        }
        break;
      }
      case 16: if (u) lo = sub64(aLo, aHi, bLo, bHi); else lo = add64(aLo, aHi, bLo, bHi); hi = RH; break;
      case 17: lo = hi = u ? (aLo === bLo && aHi === bHi ? -1 : 0) : (((aLo & bLo) | (aHi & bHi)) !== 0 ? -1 : 0); break;
      default: lo = add64(aLo, aHi, bLo, bHi); hi = RH; break;            // ADDP
    }
    W[2 * i] = lo; W[2 * i + 1] = hi;
  }
  commit(d, scalar ? 0 : q);
}

function logical3(q: number, u: number, size: number, m: number, n: number, d: number): void {
  const nb = n << 2, mb = m << 2, db = d << 2, cnt = q ? 4 : 2;
  for (let i = 0; i < cnt; i++) {
    const a = V[nb + i], b = V[mb + i], c = V[db + i];
    let r: number;
    switch ((u << 2) | size) {
      case 0: r = a & b; break;                 // AND
      case 1: r = a & ~b; break;                // BIC
      case 2: r = a | b; break;                 // ORR (MOV)
      case 3: r = a | ~b; break;                // ORN
      case 4: r = a ^ b; break;                 // EOR
      case 5: r = b ^ ((b ^ a) & c); break;     // BSL
      case 6: r = c ^ ((c ^ a) & b); break;     // BIT
      default: r = c ^ ((c ^ a) & ~b); break;   // BIF
    }
    W[i] = r;
  }
  commit(d, q);
}

/** FP lane (S or D) of V[r]: lo, high half in RH. */
function fLane(f: number, r: number, i: number): number {
  if (f === FD) { RH = V[(r << 2) + 2 * i + 1]; return V[(r << 2) + 2 * i]; }
  RH = 0;
  return V[(r << 2) + i];
}
function wF(f: number, i: number, lo: number, hi: number): void {
  if (f === FD) { W[2 * i] = lo; W[2 * i + 1] = hi; } else W[i] = lo;
}

function threeSameFp(insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1, u = (insn >>> 29) & 1, a = (insn >>> 23) & 1, sz = (insn >>> 22) & 1;
  const m = (insn >>> 16) & 31, opc = (insn >>> 11) & 7, n = (insn >>> 5) & 31, d = insn & 31;
  const f = sz ? FD : FS;
  const key = (u << 4) | (a << 3) | opc;
  switch (key) {
    case 0: case 1: case 2: case 6: case 8: case 9: case 10: case 14: case 16: case 18: case 19: case 22: case 23:
    case 24: case 30:
      if (scalar) undef(); break;
    case 3: case 4: case 7: case 15: case 20: case 21: case 26: case 28: case 29: break;
    default: undef();     // FMLAL/FMLSL (FHM), unallocated
  }
  let elements: number;
  if (scalar) { elements = 1; clearW(); }
  else { if (sz && !q) undef(); elements = (q ? 4 : 2) >> sz; }
  const pairwise = key === 16 || key === 18 || key === 22 || key === 24 || key === 30;
  const half = elements >> 1;
  for (let i = 0; i < elements; i++) {
    let aLo: number, aHi: number, bLo: number, bHi: number;
    if (pairwise) {
      const r = i < half ? n : m, j = (i < half ? i : i - half) * 2;
      aLo = fLane(f, r, j); aHi = RH; bLo = fLane(f, r, j + 1); bHi = RH;
    } else { aLo = fLane(f, n, i); aHi = RH; bLo = fLane(f, m, i); bHi = RH; }
    let r: number, rh: number;
    switch (key) {
      case 0: case 16: r = fpBin(OP_MAXNM, f, aLo, aHi, bLo, bHi); break;
      case 8: case 24: r = fpBin(OP_MINNM, f, aLo, aHi, bLo, bHi); break;
      case 6: case 22: r = fpBin(OP_MAX, f, aLo, aHi, bLo, bHi); break;
      case 14: case 30: r = fpBin(OP_MIN, f, aLo, aHi, bLo, bHi); break;
      case 2: case 18: r = fpBin(OP_ADD, f, aLo, aHi, bLo, bHi); break;
      case 10: r = fpBin(OP_SUB, f, aLo, aHi, bLo, bHi); break;
      case 3: r = fpBin(OP_MULX, f, aLo, aHi, bLo, bHi); break;
      case 7: case 15: r = fpRecipStep(f, aLo, aHi, bLo, bHi, key === 15); break;     // FRECPS/FRSQRTS
      case 19: r = fpBin(OP_MUL, f, aLo, aHi, bLo, bHi); break;
      case 23: r = fpBin(OP_DIV, f, aLo, aHi, bLo, bHi); break;
      case 26: r = fpBin(OP_SUB, f, aLo, aHi, bLo, bHi); if (f === FD) RH &= 0x7fffffff; else r &= 0x7fffffff; break; // FABD
      case 1: case 9: {                                                                        // FMLA/FMLS
        const cLo = fLane(f, d, i), cHi = RH;
        if (key === 9) { if (f === FD) aHi ^= 0x80000000; else aLo ^= 0x80000000; }
        r = fpMulAdd(f, cLo, cHi, aLo, aHi, bLo, bHi);
        break;
      }
      default: {                                                                               // compares
        const kind = key === 4 ? 0 : (key === 20 || key === 21) ? 1 : 2;
        r = fpCmpV(kind, f, aLo, aHi, bLo, bHi, key === 21 || key === 29) ? -1 : 0;
        RH = r;
      }
    }
    rh = RH;
    wF(f, i, r, rh);
  }
  commit(d, scalar ? 0 : q);
}

// ---------------------------------------------------------------------------------------------------------
// Three different (widening / narrowing)

function threeDiff(insn: number): void {
  const q = (insn >>> 30) & 1, u = (insn >>> 29) & 1, size = (insn >>> 22) & 3, m = (insn >>> 16) & 31;
  const opc = (insn >>> 12) & 15, n = (insn >>> 5) & 31, d = insn & 31;
  if (size === 3) undef();
  switch (opc) {
    case 15: undef();
    case 14: if (u || size !== 0) undef(); break;               // PMULL (8-bit only; 64-bit needs FEAT_PMULL)
    case 9: case 11: case 13: {                                 // SQDMLAL/SQDMLSL/SQDMULL
      if (u || size === 0) undef();
      const ne = 8 >> size, part = q ? ne : 0;
      for (let i = 0; i < ne; i++) {
        wEBig(i, size + 1, sqdmlal(opc, eBig(n, part + i, size, true), eBig(m, part + i, size, true),
          opc === 13 ? 0n : eBig(d, i, size + 1, true), 8 << size));
      }
      commit(d, 1);
      return;
    }
  }
  const signed = u === 0;
  const elements = 8 >> size;
  if (opc === 4 || opc === 6) {                                 // ADDHN/RADDHN/SUBHN/RSUBHN
    const ws = size + 1, esize = 8 << size;
    for (let i = 0; i < elements; i++) {
      if (ws === 3) {
        const aLo = laneLo(n, i), aHi = laneHi(n, i), bLo = laneLo(m, i), bHi = laneHi(m, i);
        let sLo = opc === 4 ? add64(aLo, aHi, bLo, bHi) : sub64(aLo, aHi, bLo, bHi), sHi = RH;
        if (u) { sLo = add64(sLo, sHi, 0x80000000 | 0, 0); sHi = RH; }
        W[i] = sHi;
      } else {
        const a = eU(n, i, ws), b = eU(m, i, ws);
        const s = (opc === 4 ? a + b : a - b) + (u ? POW2[esize - 1] : 0);
        wE(i, size, Math.floor(s / POW2[esize]));
      }
    }
    commitNarrow(d, q);
    return;
  }
  const part = q ? elements : 0;
  const wide = opc === 1 || opc === 3;
  const ds = size + 1;
  const sx = signed && opc !== 14;                            // PMULL: polynomial (unsigned) operands
  for (let i = 0; i < elements; i++) {
    const b = sx ? eS(m, part + i, size) : eU(m, part + i, size);
    if (ds === 3) {
      // 64-bit results
      let lo: number, hi: number;
      if (wide) {
        const bh = signed ? b >> 31 : 0;
        lo = opc === 1 ? add64(laneLo(n, i), laneHi(n, i), b, bh) : sub64(laneLo(n, i), laneHi(n, i), b, bh);
        hi = RH;
      } else {
        const a = signed ? eS(n, part + i, size) : eU(n, part + i, size);
        switch (opc) {
          case 0: wD(i, a + b); continue;
          case 2: wD(i, a - b); continue;
          case 7: wD(i, Math.abs(a - b)); continue;
          case 5: {
            const v = Math.abs(a - b);
            lo = add64(laneLo(d, i), laneHi(d, i), v, 0); hi = RH; break;
          }
          default: {
            let pl = signed ? smul32(a, b) : umul32(a, b);
            const ph = out.hi;
            if (opc === 12) { lo = pl; hi = ph; break; }
            pl = opc === 8 ? add64(laneLo(d, i), laneHi(d, i), pl, ph) : sub64(laneLo(d, i), laneHi(d, i), pl, ph);
            lo = pl; hi = RH;
          }
        }
      }
      W[2 * i] = lo; W[2 * i + 1] = hi;
      continue;
    }
    const a = wide ? (sx ? eS(n, i, ds) : eU(n, i, ds)) : (sx ? eS(n, part + i, size) : eU(n, part + i, size));
    let r: number;
    switch (opc) {
      case 0: case 1: r = a + b; break;
      case 2: case 3: r = a - b; break;
      case 5: r = eU(d, i, ds) + Math.abs(a - b); break;
      case 7: r = Math.abs(a - b); break;
      case 8: r = eU(d, i, ds) + a * b; break;
      case 10: r = eU(d, i, ds) - a * b; break;
      case 12: r = a * b; break;
      default: r = pmul8(a, b); break;
    }
    wE(i, ds, r);
  }
  commit(d, 1);
}

// ---------------------------------------------------------------------------------------------------------
// Two-register miscellaneous

function clsN(v: number, esize: number): number {
  // v signed esize-bit value
  const y = (v ^ (v >> 1)) & ones(esize);
  return Math.clz32(y) - (32 - esize) - 1;
}
function rbit8(b: number): number {
  b = ((b >>> 1) & 0x55) | ((b & 0x55) << 1);
  b = ((b >>> 2) & 0x33) | ((b & 0x33) << 2);
  return ((b >>> 4) | (b << 4)) & 0xff;
}
function popcnt8(b: number): number {
  b = b - ((b >>> 1) & 0x55);
  b = (b & 0x33) + ((b >>> 2) & 0x33);
  return (b + (b >>> 4)) & 0x0f;
}

function twoRegMisc(insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1, u = (insn >>> 29) & 1, size = (insn >>> 22) & 3, opc = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31, d = insn & 31;
  if ((opc >= 0x0c && opc <= 0x0f) || opc >= 0x16) { twoRegMiscFp(insn, scalar); return; }
  const key = (u << 5) | opc;
  // validity
  if (scalar) {
    switch (key) {
      case 0x03: case 0x23: case 0x07: case 0x27: break;                                   // SUQADD/USQADD, SQABS/SQNEG
      case 0x08: case 0x09: case 0x0a: case 0x0b: case 0x28: case 0x29: case 0x2b: if (size !== 3) undef(); break;
      case 0x14: case 0x32: case 0x34: if (size === 3) undef(); break;                    // SQXTN/SQXTUN/UQXTN
      default: undef();
    }
  } else {
    switch (key) {
      case 0x00: case 0x02: case 0x22: case 0x04: case 0x24: case 0x06: case 0x26: case 0x12: case 0x32:
      case 0x14: case 0x34: case 0x33:
        if (size === 3) undef(); break;
      case 0x20: if (size >= 2) undef(); break;                                           // REV32
      case 0x01: case 0x05: if (size !== 0) undef(); break;                               // REV16, CNT
      case 0x25: if (size >= 2) undef(); break;                                           // NOT, RBIT
      case 0x03: case 0x23: case 0x07: case 0x27: case 0x08: case 0x28: case 0x09: case 0x29: case 0x0a:
      case 0x0b: case 0x2b:
        if (size === 3 && !q) undef(); break;
      default: undef();
    }
  }
  const signed = u === 0;
  const esize = 8 << size;
  const elements = scalar ? 1 : (q ? 16 : 8) >> size;
  if (scalar) clearW();
  switch (key) {
    case 0x00: case 0x20: case 0x01: {                                                   // REV64/REV32/REV16
      const cb = key === 0x00 ? 8 : key === 0x20 ? 4 : 2, eb = 1 << size, nb = q ? 16 : 8;
      const per = cb / eb;
      for (let j = 0; j < nb; j++) {
        const c = (j / cb) | 0, w = j % cb, k = (w / eb) | 0, bb = w % eb;
        WB[j] = VB[(n << 4) + c * cb + (per - 1 - k) * eb + bb];
      }
      commit(d, q);
      return;
    }
    case 0x05: for (let i = 0; i < elements; i++) WB[i] = popcnt8(VB[(n << 4) + i]); commit(d, q); return;   // CNT
    case 0x25:                                                                                               // NOT/RBIT
      for (let i = 0, nb = q ? 16 : 8; i < nb; i++) WB[i] = size ? rbit8(VB[(n << 4) + i]) : ~VB[(n << 4) + i];
      commit(d, q);
      return;
    case 0x02: case 0x22: case 0x06: case 0x26: {                                        // S/UADDLP, S/UADALP
      const acc = opc === 6;
      for (let i = 0; i < elements >> 1; i++) {
        const a = signed ? eS(n, 2 * i, size) : eU(n, 2 * i, size), b = signed ? eS(n, 2 * i + 1, size) : eU(n, 2 * i + 1, size);
        if (size === 2) {
          wD(i, a + b);
          if (acc) { const lo = add64(W[2 * i], W[2 * i + 1], laneLo(d, i), laneHi(d, i)); W[2 * i] = lo; W[2 * i + 1] = RH; }
        } else wE(i, size + 1, a + b + (acc ? eU(d, i, size + 1) : 0));
      }
      commit(d, q);
      return;
    }
    case 0x12: case 0x32: case 0x14: case 0x34: {                                        // XTN, SQXTUN, SQXTN, UQXTN
      const ne = scalar ? 1 : 8 >> size, ws = size + 1;
      for (let i = 0; i < ne; i++) {
        if (ws === 3) {
          if (key === 0x12) { W[i] = laneLo(n, i); continue; }
          const v = lane64Big(n, i, key !== 0x34);
          W[i] = Number(BigInt.asIntN(32, satBig(v, 32, key !== 0x14)));
        } else {
          const v = key === 0x34 ? eU(n, i, ws) : eS(n, i, ws);
          wE(i, size, key === 0x12 ? v : key === 0x14 ? satS(v, size) : satU(v, size));
        }
      }
      if (scalar) commit(d, 0); else commitNarrow(d, q);
      return;
    }
    case 0x33: {                                                                         // SHLL/SHLL2
      const ne = 8 >> size, part = q ? ne : 0;
      for (let i = 0; i < ne; i++) {
        const v = eU(n, part + i, size);
        if (size === 2) { W[2 * i] = 0; W[2 * i + 1] = v; } else wE(i, size + 1, v * POW2[esize]);
      }
      commit(d, 1);
      return;
    }
  }
  if (key === 0x09 && size < 3) {                                                       // CMEQ #0, word at a time
    const nb = n << 2, cnt = q ? 4 : 2;
    for (let i = 0; i < cnt; i++) W[i] = zeroLanes(V[nb + i], size);
    commit(d, q);
    return;
  }
  // element-wise ops
  for (let i = 0; i < elements; i++) {
    if (size === 3) {
      const lo = laneLo(n, i), hi = laneHi(n, i);
      let rl: number, rh: number;
      switch (key) {
        case 0x03: case 0x23: case 0x07: case 0x27: {                          // saturating (rare): BigInt
          let v: bigint;
          if (key === 0x03) v = lane64Big(d, i, true) + lane64Big(n, i, false);
          else if (key === 0x23) v = lane64Big(d, i, false) + lane64Big(n, i, true);
          else { v = lane64Big(n, i, true); if (key === 0x27 || v < 0n) v = -v; }
          wBig(i, satBig(v, 64, key === 0x23));
          continue;
        }
        case 0x08: rl = rh = gt64(lo, hi, 0, 0, true) ? -1 : 0; break;       // CMGT #0
        case 0x28: rl = rh = hi >= 0 ? -1 : 0; break;                        // CMGE #0
        case 0x09: rl = rh = (lo | hi) === 0 ? -1 : 0; break;                // CMEQ #0
        case 0x29: rl = rh = gt64(lo, hi, 0, 0, true) ? 0 : -1; break;       // CMLE #0
        case 0x0a: rl = rh = hi < 0 ? -1 : 0; break;                         // CMLT #0
        case 0x0b: if (hi < 0) { rl = sub64(0, 0, lo, hi); rh = RH; } else { rl = lo; rh = hi; } break; // ABS
        default: rl = sub64(0, 0, lo, hi); rh = RH; break;                   // NEG
      }
      W[2 * i] = rl; W[2 * i + 1] = rh;
      continue;
    }
    const a = eS(n, i, size);
    let r: number;
    switch (key) {
      case 0x03: r = satS(eS(d, i, size) + eU(n, i, size), size); break;    // SUQADD
      case 0x23: r = satU(eU(d, i, size) + a, size); break;                 // USQADD
      case 0x07: r = satS(Math.abs(a), size); break;                        // SQABS
      case 0x27: r = satS(-a, size); break;                                 // SQNEG
      case 0x04: r = clsN(a, esize); break;                                 // CLS
      case 0x24: r = Math.clz32(eU(n, i, size)) - (32 - esize); break;      // CLZ
      case 0x08: r = a > 0 ? -1 : 0; break;
      case 0x28: r = a >= 0 ? -1 : 0; break;
      case 0x09: r = a === 0 ? -1 : 0; break;
      case 0x29: r = a <= 0 ? -1 : 0; break;
      case 0x0a: r = a < 0 ? -1 : 0; break;
      case 0x0b: r = Math.abs(a); break;
      default: r = -a; break;                                               // NEG
    }
    wE(i, size, r);
  }
  commit(d, scalar ? 0 : q);
}

function twoRegMiscFp(insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1, u = (insn >>> 29) & 1, a = (insn >>> 23) & 1, sz = (insn >>> 22) & 1;
  const opc = (insn >>> 12) & 31, n = (insn >>> 5) & 31, d = insn & 31;
  const f = sz ? FD : FS;
  // FCVTN/FCVTXN/FCVTL (precision changes)
  if (opc === 0x16 || opc === 0x17) {
    if (a) undef();
    if (opc === 0x16) {
      if (u && !sz) undef();                                  // FCVTXN needs sz=1
      if (scalar && !u) undef();
      const from = sz ? FD : FS, to = sz ? FS : FH;
      const ne = scalar ? 1 : sz ? 2 : 4;
      if (scalar) clearW(); else { W[0] = 0; W[1] = 0; }
      for (let i = 0; i < ne; i++) {
        const lo = fLane(from, n, i), hi = RH;
        const r = fpCvt(from, to, lo, hi, u ? RO : -1);
        if (to === FS) W[i] = r; else WH[i] = r;
      }
      if (scalar) commit(d, 0); else commitNarrow(d, q);
      return;
    }
    if (u || scalar) undef();
    const from = sz ? FS : FH, to = sz ? FD : FS;
    const ne = sz ? 2 : 4, part = q ? ne : 0;
    for (let i = 0; i < ne; i++) {
      let lo: number;
      if (from === FH) lo = VH[(n << 3) + part + i]; else lo = V[(n << 2) + part + i];
      const r = fpCvt(from, to, lo, 0, -1);
      wF(to, i, r, RH);
    }
    commit(d, 1);
    return;
  }
  const key = (u << 6) | (a << 5) | opc;
  let kind: number;                 // 0 frint, 1 fcvt to int, 2 int to fp, 3 compare zero, 4 abs, 5 neg, 6 sqrt
  let rm = 0;
  switch (key) {
    case 0x18: kind = 0; rm = RN; break;
    case 0x19: kind = 0; rm = RM; break;
    case 0x38: kind = 0; rm = RP; break;
    case 0x39: kind = 0; rm = RZ; break;
    case 0x58: kind = 0; rm = RA; break;
    case 0x59: kind = 0; rm = -1; break;          // FRINTX
    case 0x79: kind = 0; rm = -2; break;          // FRINTI
    case 0x1a: case 0x5a: kind = 1; rm = RN; break;
    case 0x1b: case 0x5b: kind = 1; rm = RM; break;
    case 0x1c: case 0x5c: kind = 1; rm = RA; break;
    case 0x3a: case 0x7a: kind = 1; rm = RP; break;
    case 0x3b: case 0x7b: kind = 1; rm = RZ; break;
    case 0x1d: case 0x5d: kind = 2; break;
    case 0x2c: case 0x6c: case 0x2d: case 0x6d: case 0x2e: kind = 3; break;
    case 0x2f: kind = 4; break;
    case 0x6f: kind = 5; break;
    case 0x7f: kind = 6; break;
    case 0x3d: kind = 7; break;                    // FRECPE
    case 0x7d: kind = 8; break;                    // FRSQRTE
    case 0x3c: case 0x7c: kind = 9; if (sz) undef(); break;   // URECPE/URSQRTE
    case 0x3f: kind = 10; break;                   // FRECPX
    default: undef();                              // FRINT32/64 (FEAT_FRINTTS), FP16, unallocated
  }
  if (scalar ? (kind === 0 || kind === 4 || kind === 5 || kind === 6 || kind === 9) : kind === 10) undef();
  let elements: number;
  if (scalar) { elements = 1; clearW(); }
  else { if (sz && !q) undef(); elements = (q ? 4 : 2) >> sz; }
  const unsigned = u === 1;
  for (let i = 0; i < elements; i++) {
    const lo = fLane(f, n, i), hi = RH;
    let r: number;
    switch (kind) {
      case 0: {
        const mode = rm === -1 || rm === -2 ? (C.fpcr >>> 22) & 3 : rm;
        r = fpRint(f, lo, hi, mode, rm === -1);
        break;
      }
      case 1: r = fpToInt(f, lo, hi, rm, unsigned, f === FD, 0); break;
      case 2: r = intToFp(f, lo, hi, unsigned, f === FD, 0); break;
      case 3: {
        let res: boolean;
        switch (key) {
          case 0x2c: res = fpCmpV(2, f, lo, hi, 0, 0, false); break;     // FCMGT #0
          case 0x6c: res = fpCmpV(1, f, lo, hi, 0, 0, false); break;     // FCMGE #0
          case 0x2d: res = fpCmpV(0, f, lo, hi, 0, 0, false); break;     // FCMEQ #0
          case 0x6d: res = fpCmpV(1, f, 0, 0, lo, hi, false); break;     // FCMLE #0
          default: res = fpCmpV(2, f, 0, 0, lo, hi, false); break;       // FCMLT #0
        }
        r = res ? -1 : 0; RH = r;
        break;
      }
      case 4: if (f === FD) { r = lo; RH = hi & 0x7fffffff; } else r = lo & 0x7fffffff; break;
      case 5: if (f === FD) { r = lo; RH = hi ^ 0x80000000; } else r = lo ^ 0x80000000; break;
      case 6: r = fpSqrt(f, lo, hi); break;
      case 7: r = fpRecipEst(f, lo, hi); break;
      case 8: r = fpRsqrtEst(f, lo, hi); break;
      case 9: {
        const v = lo >>> 0;
        if (u ? (v >>> 30) === 0 : (v >>> 31) === 0) r = -1;
        else r = (u ? rsqrtEstimate(v >>> 23) : recipEstimate(v >>> 23)) << 23;
        RH = 0;
        break;
      }
      default: r = fpRecpx(f, lo, hi); break;
    }
    wF(f, i, r, RH);
  }
  commit(d, scalar ? 0 : q);
}

// ---------------------------------------------------------------------------------------------------------
// Across lanes, scalar pairwise

function acrossLanes(insn: number): void {
  const q = (insn >>> 30) & 1, u = (insn >>> 29) & 1, size = (insn >>> 22) & 3, opc = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31, d = insn & 31;
  clearW();
  if (opc === 0x0c || opc === 0x0f) {
    if (!u || !q || (size & 1)) undef();                       // FP16 forms / reserved
    const op = opc === 0x0c ? (size ? OP_MINNM : OP_MAXNM) : (size ? OP_MIN : OP_MAX);
    const b = n << 2;
    const r0 = fpBin(op, FS, V[b], 0, V[b + 1], 0);
    const r1 = fpBin(op, FS, V[b + 2], 0, V[b + 3], 0);
    W[0] = fpBin(op, FS, r0, 0, r1, 0);
    commit(d, 0);
    return;
  }
  if (size === 3 || (size === 2 && !q)) undef();
  const elements = (q ? 16 : 8) >> size;
  const signed = u === 0;
  switch (opc) {
    case 0x03: {                                                // SADDLV/UADDLV
      let s = 0;
      for (let i = 0; i < elements; i++) s += signed ? eS(n, i, size) : eU(n, i, size);
      if (size === 2) wD(0, s); else wE(0, size + 1, s);
      break;
    }
    case 0x1b: {                                                // ADDV
      if (u) undef();
      let s = 0;
      for (let i = 0; i < elements; i++) s += eU(n, i, size);
      wE(0, size, s);
      break;
    }
    case 0x0a: case 0x1a: {                                     // S/UMAXV, S/UMINV
      const max = opc === 0x0a;
      let r = signed ? eS(n, 0, size) : eU(n, 0, size);
      for (let i = 1; i < elements; i++) {
        const v = signed ? eS(n, i, size) : eU(n, i, size);
        if (max ? v > r : v < r) r = v;
      }
      wE(0, size, r);
      break;
    }
    default: undef();
  }
  commit(d, 0);
}

function scalarPairwise(insn: number): void {
  const u = (insn >>> 29) & 1, size = (insn >>> 22) & 3, opc = (insn >>> 12) & 31;
  const n = (insn >>> 5) & 31, d = insn & 31;
  clearW();
  if (!u) {
    if (opc !== 0x1b || size !== 3) undef();                    // ADDP (scalar)
    W[0] = add64(laneLo(n, 0), laneHi(n, 0), laneLo(n, 1), laneHi(n, 1)); W[1] = RH;
    commit(d, 0);
    return;
  }
  const f = (size & 1) ? FD : FS, hiOp = size >>> 1;
  let op: number;
  switch (opc) {
    case 0x0c: op = hiOp ? OP_MINNM : OP_MAXNM; break;
    case 0x0d: if (hiOp) undef(); op = OP_ADD; break;
    case 0x0f: op = hiOp ? OP_MIN : OP_MAX; break;
    default: undef();
  }
  const aLo = fLane(f, n, 0), aHi = RH, bLo = fLane(f, n, 1), bHi = RH;
  const r = fpBin(op, f, aLo, aHi, bLo, bHi);
  wF(f, 0, r, RH);
  commit(d, 0);
}

// ---------------------------------------------------------------------------------------------------------
// Shift by immediate (vector and scalar)

function shiftImm(insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1, u = (insn >>> 29) & 1, immh = (insn >>> 19) & 15, immb = (insn >>> 16) & 7;
  const opc = (insn >>> 11) & 31, n = (insn >>> 5) & 31, d = insn & 31;
  const immhb = (immh << 3) | immb;
  const size = (immh & 8) ? 3 : (immh & 4) ? 2 : (immh & 2) ? 1 : 0;
  const esize = 8 << size;
  const key = (u << 5) | opc;
  let cls: number;                 // 0 right shifts, 1 left/insert, 2 saturating left, 3 narrowing, 4 widening, 5 fixed-point
  switch (key) {
    case 0x00: case 0x20: case 0x02: case 0x22: case 0x04: case 0x24: case 0x06: case 0x26: case 0x28: cls = 0; break;
    case 0x0a: case 0x2a: cls = 1; break;
    case 0x0e: case 0x2e: case 0x2c: cls = 2; break;
    case 0x10: case 0x11: case 0x30: case 0x31: case 0x12: case 0x32: case 0x13: case 0x33: cls = 3; break;
    case 0x14: case 0x34: cls = 4; break;
    case 0x1c: case 0x3c: case 0x1f: case 0x3f: cls = 5; break;
    default: undef();
  }
  if (cls === 0 || cls === 1) { if (scalar ? size !== 3 : size === 3 && !q) undef(); }
  else if (cls === 2) { if (!scalar && size === 3 && !q) undef(); }
  else if (cls === 3) { if (size === 3) undef(); if (scalar && (key === 0x10 || key === 0x11)) undef(); }
  else if (cls === 4) { if (size === 3 || scalar) undef(); }
  else { if (size < 2 || (!scalar && size === 3 && !q)) undef(); }
  const rsh = 2 * esize - immhb, lsh = immhb - esize;
  const div = POW2[rsh], half = div / 2, mul = lsh > 0 ? POW2[lsh] : 1;
  const elements = scalar ? 1 : (q ? 16 : 8) >> size;
  const signed = u === 0;
  if (scalar) clearW();
  if (cls === 5) {
    const f = size === 3 ? FD : FS, toFp = opc === 0x1c;
    for (let i = 0; i < elements; i++) {
      const lo = fLane(f, n, i), hi = RH;
      const r = toFp ? intToFp(f, lo, hi, u === 1, f === FD, rsh) : fpToInt(f, lo, hi, RZ, u === 1, f === FD, rsh);
      wF(f, i, r, RH);
    }
    commit(d, scalar ? 0 : q);
    return;
  }
  if (cls === 3) {                                                           // narrowing: source 2*esize
    const ne = scalar ? 1 : 8 >> size, ws = size + 1;
    const round = (opc & 1) === 1;
    for (let i = 0; i < ne; i++) {
      if (ws === 3 && (key === 0x10 || key === 0x11)) {                       // SHRN/RSHRN from 64-bit
        let lo = laneLo(n, i), hi = laneHi(n, i);
        if (round) { lo = add64(lo, hi, 1 << (rsh - 1), 0); hi = RH; }
        W[i] = shr64(lo, hi, rsh, false);
        continue;
      }
      if (ws === 3) {
        const srcSigned = key !== 0x12 + 0x20 && key !== 0x13 + 0x20;        // UQ(R)SHRN: unsigned source
        let v = lane64Big(n, i, srcSigned);
        if (round) v += 1n << BigInt(rsh - 1);
        v >>= BigInt(rsh);
        const unsignedRes = key >= 0x30;                                   // SQSHRUN/SQRSHRUN/UQSHRN/UQRSHRN
        W[i] = Number(BigInt.asIntN(32, satBig(v, 32, unsignedRes)));
        continue;
      }
      let v: number;
      if (key === 0x10 || key === 0x11 || key === 0x32 || key === 0x33) v = eU(n, i, ws); else v = eS(n, i, ws);
      if (round) v += half;
      v = Math.floor(v / div);
      let r: number;
      if (key === 0x10 || key === 0x11) r = v;
      else if (key >= 0x30) r = satU(v, size);
      else r = satS(v, size);
      wE(i, size, r);
    }
    if (scalar) commit(d, 0); else commitNarrow(d, q);
    return;
  }
  if (cls === 4) {                                                           // SSHLL/USHLL
    const ne = 8 >> size, part = q ? ne : 0;
    for (let i = 0; i < ne; i++) {
      const v = (signed ? eS(n, part + i, size) : eU(n, part + i, size)) * mul;
      if (size === 2) wD(i, v); else wE(i, size + 1, v);
    }
    commit(d, 1);
    return;
  }
  for (let i = 0; i < elements; i++) {
    if (size === 3) {
      const lo = laneLo(n, i), hi = laneHi(n, i);
      let rl: number, rh: number;
      switch (key) {
        case 0x00: case 0x20: rl = shr64(lo, hi, rsh, signed); rh = RH; break;
        case 0x02: case 0x22: { const sl = shr64(lo, hi, rsh, signed), sh = RH; rl = add64(laneLo(d, i), laneHi(d, i), sl, sh); rh = RH; break; }
        case 0x04: case 0x24: case 0x06: case 0x26: {
          let v = lane64Big(n, i, signed);
          v = (v + (1n << BigInt(rsh - 1))) >> BigInt(rsh);
          if (opc === 6) v += lane64Big(d, i, false);
          wBig(i, v);
          continue;
        }
        case 0x28: {                                                         // SRI
          if (rsh === 64) { rl = laneLo(d, i); rh = laneHi(d, i); break; }
          const sl = shr64(lo, hi, rsh, false), sh = RH;
          const ml = shr64(-1, -1, rsh, false), mh = RH;
          rl = (laneLo(d, i) & ~ml) | sl; rh = (laneHi(d, i) & ~mh) | sh;
          break;
        }
        case 0x0a: rl = shl64(lo, hi, lsh); rh = RH; break;                  // SHL
        case 0x2a: {                                                         // SLI
          const sl = shl64(lo, hi, lsh), sh = RH;
          const ml = shl64(-1, -1, lsh), mh = RH;
          rl = (laneLo(d, i) & ~ml) | sl; rh = (laneHi(d, i) & ~mh) | sh;
          break;
        }
        default: {                                                           // SQSHL/UQSHL/SQSHLU (imm)
          const v = lane64Big(n, i, key !== 0x2e) << BigInt(lsh);
          wBig(i, satBig(v, 64, key !== 0x0e));
          continue;
        }
      }
      W[2 * i] = rl; W[2 * i + 1] = rh;
      continue;
    }
    const a = signed ? eS(n, i, size) : eU(n, i, size);
    let r: number;
    switch (key) {
      case 0x00: case 0x20: r = Math.floor(a / div); break;                 // SSHR/USHR
      case 0x02: case 0x22: r = eU(d, i, size) + Math.floor(a / div); break;
      case 0x04: case 0x24: r = Math.floor((a + half) / div); break;
      case 0x06: case 0x26: r = eU(d, i, size) + Math.floor((a + half) / div); break;
      case 0x28: r = (eU(d, i, size) & ~Math.floor(ones(esize) / div)) | Math.floor(a / div); break;  // SRI
      case 0x0a: r = a << lsh; break;
      case 0x2a: r = (eU(d, i, size) & ~(ones(esize) << lsh)) | (a << lsh); break;
      case 0x0e: r = satS(a * mul, size); break;                            // SQSHL
      case 0x2e: r = satU(a * mul, size); break;                            // UQSHL
      default: r = satU(eS(n, i, size) * mul, size); break;                 // SQSHLU
    }
    wE(i, size, r);
  }
  commit(d, scalar ? 0 : q);
}

// ---------------------------------------------------------------------------------------------------------
// By element (vector and scalar)

function vecIndexed(insn: number, scalar: boolean): void {
  const q = (insn >>> 30) & 1, u = (insn >>> 29) & 1, size = (insn >>> 22) & 3, L = (insn >>> 21) & 1;
  const M = (insn >>> 20) & 1, rm4 = (insn >>> 16) & 15, opc = (insn >>> 12) & 15, H = (insn >>> 11) & 1;
  const n = (insn >>> 5) & 31, d = insn & 31;
  const key = (u << 4) | opc;
  if (key === 0x01 || key === 0x05 || key === 0x09 || key === 0x19) {       // FMLA/FMLS/FMUL/FMULX (element)
    if (size < 2) undef();                                                   // FP16 / unallocated
    const sz = size & 1, f = sz ? FD : FS;
    const m = (M << 4) | rm4;
    let idx: number;
    if (sz) { if (L || (!scalar && !q)) undef(); idx = H; } else idx = (H << 1) | L;
    const elements = scalar ? 1 : (q ? 4 : 2) >> sz;
    if (scalar) clearW();
    const bLo = fLane(f, m, idx), bHi = RH;
    for (let i = 0; i < elements; i++) {
      let aLo = fLane(f, n, i), aHi = RH;
      let r: number;
      if (key === 0x09) r = fpBin(OP_MUL, f, aLo, aHi, bLo, bHi);
      else if (key === 0x19) r = fpBin(OP_MULX, f, aLo, aHi, bLo, bHi);
      else {
        if (key === 0x05) { if (f === FD) aHi ^= 0x80000000; else aLo ^= 0x80000000; }
        const cLo = fLane(f, d, i), cHi = RH;
        r = fpMulAdd(f, cLo, cHi, aLo, aHi, bLo, bHi);
      }
      wF(f, i, r, RH);
    }
    commit(d, scalar ? 0 : q);
    return;
  }
  if (key === 0x03 || key === 0x07 || key === 0x0b || key === 0x0c || key === 0x0d) {  // SQDMLAL/SQDMLSL/SQDMULL/SQDMULH/SQRDMULH
    if (size !== 1 && size !== 2) undef();
    let idx: number, m: number;
    if (size === 1) { idx = (H << 2) | (L << 1) | M; m = rm4; } else { idx = (H << 1) | L; m = (M << 4) | rm4; }
    const b = eBig(m, idx, size, true), esize = 8 << size;
    if (scalar) clearW();
    if (opc >= 0x0c) {
      const elements = scalar ? 1 : (q ? 16 : 8) >> size;
      for (let i = 0; i < elements; i++) wEBig(i, size, sqdmulh(eBig(n, i, size, true), b, esize, opc === 0x0d));
      commit(d, scalar ? 0 : q);
      return;
    }
    const ne = scalar ? 1 : 8 >> size, part = scalar ? 0 : q ? ne : 0;
    const op3 = opc === 3 ? 9 : opc === 7 ? 11 : 13;
    for (let i = 0; i < ne; i++) {
      wEBig(i, size + 1, sqdmlal(op3, eBig(n, part + i, size, true), b, op3 === 13 ? 0n : eBig(d, i, size + 1, true), esize));
    }
    commit(d, scalar ? 0 : 1);
    return;
  }
  if (scalar) undef();
  switch (key) {
    case 0x08: case 0x10: case 0x14: case 0x02: case 0x06: case 0x0a: case 0x12: case 0x16: case 0x1a: break;
    default: undef();
  }
  if (size === 0 || size === 3) undef();
  let idx: number, m: number;
  if (size === 1) { idx = (H << 2) | (L << 1) | M; m = rm4; } else { idx = (H << 1) | L; m = (M << 4) | rm4; }
  const signed = u === 0;
  if (key === 0x08 || key === 0x10 || key === 0x14) {                        // MUL/MLA/MLS
    const elements = (q ? 16 : 8) >> size;
    const b = eU(m, idx, size);
    for (let i = 0; i < elements; i++) {
      const p = Math.imul(eU(n, i, size), b);
      wE(i, size, key === 0x08 ? p : key === 0x10 ? eU(d, i, size) + p : eU(d, i, size) - p);
    }
    commit(d, q);
    return;
  }
  // S/UMLAL, S/UMLSL, S/UMULL (element)
  const ne = 8 >> size, part = q ? ne : 0;
  const b = signed ? eS(m, idx, size) : eU(m, idx, size);
  const kind = opc;                                       // 2 MLAL, 6 MLSL, 10 MULL
  for (let i = 0; i < ne; i++) {
    const a = signed ? eS(n, part + i, size) : eU(n, part + i, size);
    if (size === 2) {
      let pl = signed ? smul32(a, b) : umul32(a, b);
      let ph = out.hi;
      if (kind === 2) { pl = add64(laneLo(d, i), laneHi(d, i), pl, ph); ph = RH; }
      else if (kind === 6) { pl = sub64(laneLo(d, i), laneHi(d, i), pl, ph); ph = RH; }
      W[2 * i] = pl; W[2 * i + 1] = ph;
    } else {
      const p = a * b;
      wE(i, 2, kind === 10 ? p : kind === 2 ? eU(d, i, 2) + p : eU(d, i, 2) - p);
    }
  }
  commit(d, 1);
}

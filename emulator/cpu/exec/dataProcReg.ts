// A64 "Data Processing -- Register" group (op0 = x101, Arm ARM DDI 0487 C4.1.67 and the
// classes below it): logical and add/subtract (shifted/extended register), add/subtract with
// carry, flag manipulation (RMIF/SETF, FEAT_FlagM: not implemented), conditional compare,
// conditional select, data-processing 1/2/3 source.
//
// Registers are int32 halves (see Cpu.ts). Field layout common to the group:
//   bit 30 op0, bit 28 op1, bits 24:21 op2, bits 15:10 op3.
// Features not advertised in ID_AA64ISAR*/PFR* (PAuth, MTE, FlagM, CSSC, CPA) are UNDEFINED.

import type { Cpu } from '../Cpu';
import { out, umul32, smul32, mul64, shl64, lsr64, asr64, ror64, ror32, clz64, rbit32, bswap32, bswap16x2, toBig, toBigSigned, fromBig, TWO32 } from '../int64';
import { condHolds } from './dataProcImm';
import { add32, add64 } from './addWithCarry';

/** High half of the last 64-bit result of the local helpers below. */
let rh = 0;

export function execDataProcReg(cpu: Cpu, insn: number): void {
  if ((insn & 0x10000000) === 0) {
    // op1 = 0: logical / add-subtract on a shifted or extended register
    if ((insn & 0x01000000) === 0) { logicalShifted(cpu, insn); return; }
    if ((insn & 0x00200000) === 0) addSubShifted(cpu, insn);
    else addSubExtended(cpu, insn);
    return;
  }
  switch ((insn >>> 21) & 0xf) {
    case 0x0:
      // Add/subtract with carry (op3 = 000000); RMIF (op3 = x00001) and SETF8/16 (op3 = xx0010)
      // need FEAT_FlagM, which is not advertised; anything else is unallocated.
      if ((insn & 0xfc00) === 0) { addSubCarry(cpu, insn); return; }
      cpu.undefined();
    case 0x2: condCompare(cpu, insn); return;
    case 0x4: condSelect(cpu, insn); return;
    case 0x6:
      if ((insn & 0x40000000) !== 0) dataProc1(cpu, insn);
      else dataProc2(cpu, insn);
      return;
    case 0x8: case 0x9: case 0xa: case 0xb: case 0xc: case 0xd: case 0xe: case 0xf:
      dataProc3(cpu, insn); return;
    default:
      cpu.undefined();
  }
}

// ---------- logical (shifted register) ----------
// sf opc(30:29) 01010 shift(23:22) N(21) Rm imm6(15:10) Rn Rd

function logicalShifted(cpu: Cpu, insn: number): void {
  const r = cpu.r;
  const opc = (insn >>> 29) & 3;
  const shift = (insn >>> 22) & 3;
  const rm = (insn >>> 16) & 31, imm6 = (insn >>> 10) & 63, rn = (insn >>> 5) & 31, rd = insn & 31;
  const d = rd === 31 ? 33 : rd;
  if (insn >= 0) {
    // 32-bit
    if (imm6 >= 32) cpu.undefined();
    let m = r[2 * rm];
    if (imm6 !== 0) {
      switch (shift) {
        case 0: m = m << imm6; break;
        case 1: m = (m >>> imm6) | 0; break;
        case 2: m = m >> imm6; break;
        default: m = (m >>> imm6) | (m << (32 - imm6)); break;
      }
    }
    if ((insn & 0x00200000) !== 0) m = ~m;
    const n = r[2 * rn];
    let res: number;
    switch (opc) {
      case 0: res = n & m; break;
      case 1: res = n | m; break;
      case 2: res = n ^ m; break;
      default:
        res = n & m;
        cpu.nf = res >>> 31; cpu.zf = res === 0 ? 1 : 0; cpu.cf = 0; cpu.vf = 0;
        break;
    }
    r[2 * d] = res;
    r[2 * d + 1] = 0;
    return;
  }
  let mlo = r[2 * rm], mhi = r[2 * rm + 1];
  if (imm6 !== 0) {
    switch (shift) {
      case 0: mlo = shl64(mlo, mhi, imm6); break;
      case 1: mlo = lsr64(mlo, mhi, imm6); break;
      case 2: mlo = asr64(mlo, mhi, imm6); break;
      default: mlo = ror64(mlo, mhi, imm6); break;
    }
    mhi = out.hi;
  }
  if ((insn & 0x00200000) !== 0) { mlo = ~mlo; mhi = ~mhi; }
  const nlo = r[2 * rn], nhi = r[2 * rn + 1];
  let lo: number, hi: number;
  switch (opc) {
    case 0: lo = nlo & mlo; hi = nhi & mhi; break;
    case 1: lo = nlo | mlo; hi = nhi | mhi; break;
    case 2: lo = nlo ^ mlo; hi = nhi ^ mhi; break;
    default:
      lo = nlo & mlo; hi = nhi & mhi;
      cpu.nf = hi >>> 31; cpu.zf = (lo | hi) === 0 ? 1 : 0; cpu.cf = 0; cpu.vf = 0;
      break;
  }
  r[2 * d] = lo;
  r[2 * d + 1] = hi;
}

// ---------- add/subtract (shifted register) ----------
// sf op(30) S(29) 01011 shift(23:22) 0 Rm imm6 Rn Rd

function addSubShifted(cpu: Cpu, insn: number): void {
  const r = cpu.r;
  const shift = (insn >>> 22) & 3;
  const rm = (insn >>> 16) & 31, imm6 = (insn >>> 10) & 63, rn = (insn >>> 5) & 31, rd = insn & 31;
  const sub = insn & 0x40000000, s = insn & 0x20000000;
  const d = rd === 31 ? 33 : rd;
  if (shift === 3) cpu.undefined();
  if (insn >= 0) {
    if (imm6 >= 32) cpu.undefined();
    let m = r[2 * rm];
    if (imm6 !== 0) {
      switch (shift) {
        case 0: m = m << imm6; break;
        case 1: m = (m >>> imm6) | 0; break;
        default: m = m >> imm6; break;
      }
    }
    const n = r[2 * rn];
    let res: number;
    if (s === 0) res = sub !== 0 ? (n - m) | 0 : (n + m) | 0;
    else res = sub !== 0 ? add32(cpu, n, ~m, 1, 1) : add32(cpu, n, m, 0, 1);
    r[2 * d] = res;
    r[2 * d + 1] = 0;
    return;
  }
  let mlo = r[2 * rm], mhi = r[2 * rm + 1];
  if (imm6 !== 0) {
    switch (shift) {
      case 0: mlo = shl64(mlo, mhi, imm6); break;
      case 1: mlo = lsr64(mlo, mhi, imm6); break;
      default: mlo = asr64(mlo, mhi, imm6); break;
    }
    mhi = out.hi;
  }
  const lo = sub !== 0 ? add64(cpu, r[2 * rn], r[2 * rn + 1], ~mlo, ~mhi, 1, s)
    : add64(cpu, r[2 * rn], r[2 * rn + 1], mlo, mhi, 0, s);
  r[2 * d] = lo;
  r[2 * d + 1] = out.hi;
}

// ---------- add/subtract (extended register) ----------
// sf op S 01011 opt(23:22) 1 Rm option(15:13) imm3(12:10) Rn Rd.  Rn is SP-capable; Rd is
// SP-capable unless S = 1.

function addSubExtended(cpu: Cpu, insn: number): void {
  const r = cpu.r;
  const rm = (insn >>> 16) & 31, option = (insn >>> 13) & 7, imm3 = (insn >>> 10) & 7;
  const rn = (insn >>> 5) & 31, rd = insn & 31;
  const sub = insn & 0x40000000, s = insn & 0x20000000;
  if ((insn & 0x00c00000) !== 0 || imm3 > 4) cpu.undefined();
  const n = rn === 31 ? 32 : rn;
  const d = rd === 31 ? (s !== 0 ? 33 : 32) : rd;
  let mlo = r[2 * rm];
  if (insn >= 0) {
    switch (option) {
      case 0: mlo &= 0xff; break;
      case 1: mlo &= 0xffff; break;
      case 4: mlo = (mlo << 24) >> 24; break;
      case 5: mlo = (mlo << 16) >> 16; break;
      default: break; // UXTW/UXTX/SXTW/SXTX: all 32 bits
    }
    mlo <<= imm3;
    const nv = r[2 * n];
    let res: number;
    if (s === 0) res = sub !== 0 ? (nv - mlo) | 0 : (nv + mlo) | 0;
    else res = sub !== 0 ? add32(cpu, nv, ~mlo, 1, 1) : add32(cpu, nv, mlo, 0, 1);
    r[2 * d] = res;
    r[2 * d + 1] = 0;
    return;
  }
  let mhi: number;
  switch (option) {
    case 0: mlo &= 0xff; mhi = 0; break;
    case 1: mlo &= 0xffff; mhi = 0; break;
    case 2: mhi = 0; break;
    case 4: mlo = (mlo << 24) >> 24; mhi = mlo >> 31; break;
    case 5: mlo = (mlo << 16) >> 16; mhi = mlo >> 31; break;
    case 6: mhi = mlo >> 31; break;
    default: mhi = r[2 * rm + 1]; break; // UXTX, SXTX
  }
  if (imm3 !== 0) {
    mhi = (mhi << imm3) | (mlo >>> (32 - imm3));
    mlo <<= imm3;
  }
  const lo = sub !== 0 ? add64(cpu, r[2 * n], r[2 * n + 1], ~mlo, ~mhi, 1, s)
    : add64(cpu, r[2 * n], r[2 * n + 1], mlo, mhi, 0, s);
  r[2 * d] = lo;
  r[2 * d + 1] = out.hi;
}

// ---------- add/subtract with carry ----------
// sf op S 11010000 Rm 000000 Rn Rd

function addSubCarry(cpu: Cpu, insn: number): void {
  const r = cpu.r;
  const rm = (insn >>> 16) & 31, rn = (insn >>> 5) & 31, rd = insn & 31;
  const sub = insn & 0x40000000, s = insn & 0x20000000;
  const d = rd === 31 ? 33 : rd;
  const c = cpu.cf;
  if (insn >= 0) {
    const m = r[2 * rm];
    r[2 * d] = add32(cpu, r[2 * rn], sub !== 0 ? ~m : m, c, s);
    r[2 * d + 1] = 0;
    return;
  }
  let mlo = r[2 * rm], mhi = r[2 * rm + 1];
  if (sub !== 0) { mlo = ~mlo; mhi = ~mhi; }
  r[2 * d] = add64(cpu, r[2 * rn], r[2 * rn + 1], mlo, mhi, c, s);
  r[2 * d + 1] = out.hi;
}

// ---------- conditional compare ----------
// sf op S=1 11010010 Rm|imm5 cond(15:12) imm(11) o2(10)=0 Rn o3(4)=0 nzcv

function condCompare(cpu: Cpu, insn: number): void {
  if ((insn & 0x20000000) === 0 || (insn & 0x410) !== 0) cpu.undefined();
  if (!condHolds(cpu, (insn >>> 12) & 15)) {
    cpu.nf = (insn >>> 3) & 1; cpu.zf = (insn >>> 2) & 1; cpu.cf = (insn >>> 1) & 1; cpu.vf = insn & 1;
    return;
  }
  const r = cpu.r;
  const f = (insn >>> 16) & 31, rn = (insn >>> 5) & 31;
  let mlo: number, mhi: number;
  if ((insn & 0x800) !== 0) { mlo = f; mhi = 0; } else { mlo = r[2 * f]; mhi = r[2 * f + 1]; }
  const sub = insn & 0x40000000;
  if (insn >= 0) {
    if (sub !== 0) add32(cpu, r[2 * rn], ~mlo, 1, 1); else add32(cpu, r[2 * rn], mlo, 0, 1);
  } else {
    if (sub !== 0) add64(cpu, r[2 * rn], r[2 * rn + 1], ~mlo, ~mhi, 1, 1);
    else add64(cpu, r[2 * rn], r[2 * rn + 1], mlo, mhi, 0, 1);
  }
}

// ---------- conditional select ----------
// sf op S=0 11010100 Rm cond op2(11:10)=0x Rn Rd

function condSelect(cpu: Cpu, insn: number): void {
  if ((insn & 0x20000800) !== 0) cpu.undefined();
  const r = cpu.r;
  const rd = insn & 31;
  const d = rd === 31 ? 33 : rd;
  let lo: number, hi: number;
  if (condHolds(cpu, (insn >>> 12) & 15)) {
    const rn = (insn >>> 5) & 31;
    lo = r[2 * rn]; hi = r[2 * rn + 1];
  } else {
    const rm = (insn >>> 16) & 31;
    lo = r[2 * rm]; hi = r[2 * rm + 1];
    switch (((insn >>> 29) & 2) | ((insn >>> 10) & 1)) {
      case 0: break;                                                  // CSEL
      case 1: lo = (lo + 1) | 0; if (lo === 0) hi = (hi + 1) | 0; break; // CSINC
      case 2: lo = ~lo; hi = ~hi; break;                              // CSINV
      default:                                                        // CSNEG
        if (lo === 0) hi = -hi | 0; else { lo = -lo | 0; hi = ~hi; }
        break;
    }
  }
  r[2 * d] = lo;
  r[2 * d + 1] = insn < 0 ? hi : 0;
}

// ---------- data-processing (1 source) ----------
// sf 1 S 11010110 opcode2(20:16) opcode(15:10) Rn Rd

function dataProc1(cpu: Cpu, insn: number): void {
  // S = 1, opcode2 = 00001 (PAuth: not advertised) and everything else but opcode2 = 0 is UNDEFINED.
  if ((insn & 0x201f0000) !== 0) cpu.undefined();
  const r = cpu.r;
  const rn = (insn >>> 5) & 31, rd = insn & 31;
  const d = rd === 31 ? 33 : rd;
  const lo = r[2 * rn], hi = r[2 * rn + 1];
  const opcode = (insn >>> 10) & 63;
  if (insn >= 0) {
    let res: number;
    switch (opcode) {
      case 0: res = rbit32(lo); break;
      case 1: res = bswap16x2(lo); break;
      case 2: res = bswap32(lo); break;
      case 4: res = Math.clz32(lo); break;
      case 5: res = Math.clz32(lo ^ (lo >> 31)) - 1; break;
      default: cpu.undefined(); // REV with sf=0 opc=11; CTZ/CNT/ABS (FEAT_CSSC) and the rest
    }
    r[2 * d] = res;
    r[2 * d + 1] = 0;
    return;
  }
  let rlo: number, rhi: number;
  switch (opcode) {
    case 0: rlo = rbit32(hi); rhi = rbit32(lo); break;
    case 1: rlo = bswap16x2(lo); rhi = bswap16x2(hi); break;
    case 2: rlo = bswap32(lo); rhi = bswap32(hi); break;   // REV32
    case 3: rlo = bswap32(hi); rhi = bswap32(lo); break;   // REV
    case 4: rlo = clz64(lo, hi); rhi = 0; break;
    case 5: { const sg = hi >> 31; rlo = clz64(lo ^ sg, hi ^ sg) - 1; rhi = 0; break; }
    default: cpu.undefined();
  }
  r[2 * d] = rlo;
  r[2 * d + 1] = rhi;
}

// ---------- data-processing (2 source) ----------
// sf 0 S 11010110 Rm opcode(15:10) Rn Rd

const CRC32_TABLE = crcTable(0xedb88320);   // bit-reversed 0x04C11DB7
const CRC32C_TABLE = crcTable(0x82f63b78);  // bit-reversed 0x1EDC6F41

function crcTable(poly: number): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  return t;
}

function crcUpdate(tab: Int32Array, crc: number, v: number, bytes: number): number {
  for (let i = 0; i < bytes; i++) {
    crc = tab[(crc ^ v) & 0xff] ^ (crc >>> 8);
    v >>>= 8;
  }
  return crc;
}

function dataProc2(cpu: Cpu, insn: number): void {
  // S = 1 is only SUBPS (FEAT_MTE): UNDEFINED.
  if ((insn & 0x20000000) !== 0) cpu.undefined();
  const r = cpu.r;
  const rm = (insn >>> 16) & 31, rn = (insn >>> 5) & 31, rd = insn & 31;
  const d = rd === 31 ? 33 : rd;
  const opcode = (insn >>> 10) & 63;
  const sf = insn < 0;
  switch (opcode) {
    case 2: case 3: // UDIV, SDIV
      if (sf) { divide64(cpu, d, rn, rm, opcode === 3); return; }
      else {
        const n = r[2 * rn], m = r[2 * rm];
        let q: number;
        if (m === 0) q = 0;
        else if (opcode === 2) q = ((n >>> 0) / (m >>> 0)) >>> 0 | 0;
        else q = (n / m) | 0; // truncates toward zero; INT_MIN / -1 wraps to INT_MIN
        r[2 * d] = q;
        r[2 * d + 1] = 0;
      }
      return;
    case 8: case 9: case 10: case 11: { // LSLV, LSRV, ASRV, RORV
      const amt = r[2 * rm];
      if (!sf) {
        const n = r[2 * rn], a = amt & 31;
        let res: number;
        switch (opcode) {
          case 8: res = n << a; break;
          case 9: res = (n >>> a) | 0; break;
          case 10: res = n >> a; break;
          default: res = ror32(n, a); break;
        }
        r[2 * d] = res;
        r[2 * d + 1] = 0;
        return;
      }
      const nlo = r[2 * rn], nhi = r[2 * rn + 1], a = amt & 63;
      let lo: number;
      switch (opcode) {
        case 8: lo = shl64(nlo, nhi, a); break;
        case 9: lo = lsr64(nlo, nhi, a); break;
        case 10: lo = asr64(nlo, nhi, a); break;
        default: lo = ror64(nlo, nhi, a); break;
      }
      r[2 * d] = lo;
      r[2 * d + 1] = out.hi;
      return;
    }
    case 16: case 17: case 18: case 19: case 20: case 21: case 22: case 23: { // CRC32{,C}{B,H,W,X}
      const sz = opcode & 3;
      if (sf !== (sz === 3)) cpu.undefined();
      const tab = (opcode & 4) !== 0 ? CRC32C_TABLE : CRC32_TABLE;
      let crc = r[2 * rn];
      const v = r[2 * rm];
      switch (sz) {
        case 0: crc = crcUpdate(tab, crc, v, 1); break;
        case 1: crc = crcUpdate(tab, crc, v, 2); break;
        case 2: crc = crcUpdate(tab, crc, v, 4); break;
        default: crc = crcUpdate(tab, crcUpdate(tab, crc, v, 4), r[2 * rm + 1], 4); break;
      }
      r[2 * d] = crc;
      r[2 * d + 1] = 0;
      return;
    }
    default:
      // SUBP/IRG/GMI (FEAT_MTE), PACGA (PAuth), SMAX/UMAX/SMIN/UMIN (FEAT_CSSC), unallocated.
      cpu.undefined();
  }
}

/** 64-bit UDIV/SDIV: doubles when both operands fit in 53 bits (exact), BigInt otherwise. */
function divide64(cpu: Cpu, d: number, rn: number, rm: number, signed: boolean): void {
  const r = cpu.r;
  const nlo = r[2 * rn], nhi = r[2 * rn + 1], mlo = r[2 * rm], mhi = r[2 * rm + 1];
  let lo: number, hi: number;
  if ((mlo | mhi) === 0) {
    lo = 0; hi = 0;
  } else if (!signed) {
    if ((nhi >>> 0) < 0x200000 && (mhi >>> 0) < 0x200000) {
      const q = Math.floor(((nhi >>> 0) * TWO32 + (nlo >>> 0)) / ((mhi >>> 0) * TWO32 + (mlo >>> 0)));
      lo = q >>> 0 | 0;
      hi = (q / TWO32) >>> 0 | 0;
    } else {
      lo = fromBig(toBig(nlo, nhi) / toBig(mlo, mhi));
      hi = out.hi;
    }
  } else if (((nhi + 0x1fffff) >>> 0) <= 0x3ffffe && ((mhi + 0x1fffff) >>> 0) <= 0x3ffffe) {
    // |operands| < 2^53: the quotient of doubles truncates to the exact integer quotient.
    const q = Math.trunc((nhi * TWO32 + (nlo >>> 0)) / (mhi * TWO32 + (mlo >>> 0)));
    lo = q >>> 0 | 0;
    hi = Math.floor(q / TWO32) | 0;
  } else {
    // BigInt division truncates toward zero; INT64_MIN / -1 = 2^63 wraps to INT64_MIN.
    lo = fromBig(toBigSigned(nlo, nhi) / toBigSigned(mlo, mhi));
    hi = out.hi;
  }
  r[2 * d] = lo;
  r[2 * d + 1] = hi;
}

// ---------- data-processing (3 source) ----------
// sf op54(30:29) 11011 op31(23:21) Rm o0(15) Ra Rn Rd

function dataProc3(cpu: Cpu, insn: number): void {
  const op31 = (insn >>> 21) & 7;
  if ((insn & 0x60000000) !== 0) cpu.undefined(); // op54 != 00 (incl. FEAT_CPA MADDPT/MSUBPT)
  const r = cpu.r;
  const rm = (insn >>> 16) & 31, ra = (insn >>> 10) & 31, rn = (insn >>> 5) & 31, rd = insn & 31;
  const d = rd === 31 ? 33 : rd;
  const o0 = insn & 0x8000;
  if (insn >= 0) {
    if (op31 !== 0) cpu.undefined();
    const p = Math.imul(r[2 * rn], r[2 * rm]);
    r[2 * d] = o0 === 0 ? (r[2 * ra] + p) | 0 : (r[2 * ra] - p) | 0;
    r[2 * d + 1] = 0;
    return;
  }
  let plo: number, phi: number;
  switch (op31) {
    case 0: plo = mul64(r[2 * rn], r[2 * rn + 1], r[2 * rm], r[2 * rm + 1]); phi = out.hi; break; // MADD/MSUB
    case 1: plo = smul32(r[2 * rn], r[2 * rm]); phi = out.hi; break;                            // SMADDL/SMSUBL
    case 5: plo = umul32(r[2 * rn], r[2 * rm]); phi = out.hi; break;                            // UMADDL/UMSUBL
    case 2: case 6: {                                                                           // SMULH/UMULH
      if (o0 !== 0) cpu.undefined();
      const alo = r[2 * rn], ahi = r[2 * rn + 1], blo = r[2 * rm], bhi = r[2 * rm + 1];
      let lo = umulh(alo, ahi, blo, bhi), hi = rh;
      if (op31 === 2) {
        // signed high half = unsigned high half - (a < 0 ? b : 0) - (b < 0 ? a : 0)  (mod 2^64)
        if (ahi < 0) { lo = add64(cpu, lo, hi, ~blo, ~bhi, 1, 0); hi = out.hi; }
        if (bhi < 0) { lo = add64(cpu, lo, hi, ~alo, ~ahi, 1, 0); hi = out.hi; }
      }
      r[2 * d] = lo;
      r[2 * d + 1] = hi;
      return;
    }
    default: cpu.undefined();
  }
  const alo = r[2 * ra], ahi = r[2 * ra + 1];
  r[2 * d] = o0 === 0 ? add64(cpu, alo, ahi, plo, phi, 0, 0) : add64(cpu, alo, ahi, ~plo, ~phi, 1, 0);
  r[2 * d + 1] = out.hi;
}

/** High 64 bits of the unsigned 128-bit product of two 64-bit values; low half returned, high in `rh`. */
function umulh(alo: number, ahi: number, blo: number, bhi: number): number {
  umul32(alo, blo);
  const p00h = out.hi;
  const p01l = umul32(alo, bhi), p01h = out.hi;
  const p10l = umul32(ahi, blo), p10h = out.hi;
  const p11l = umul32(ahi, bhi), p11h = out.hi;
  const w1 = (p00h >>> 0) + (p01l >>> 0) + (p10l >>> 0);
  const w2 = (p11l >>> 0) + (p01h >>> 0) + (p10h >>> 0) + Math.floor(w1 / TWO32);
  rh = (p11h + Math.floor(w2 / TWO32)) | 0;
  return w2 | 0;
}

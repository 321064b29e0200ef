// A64 "Data Processing -- Immediate" (op0 = 100x): PC-relative addressing, add/subtract,
// logical, move wide, bitfield and extract (Arm ARM C4.1.65).

import type { Cpu } from '../Cpu';
import { out, ror64, ror32 } from '../int64';
import { add32, add64 } from './addWithCarry';

/** ConditionHolds() of the Arm ARM for a 4-bit condition code. */
export function condHolds(cpu: Cpu, cond: number): boolean {
  let r: boolean;
  switch (cond >>> 1) {
    case 0: r = cpu.zf === 1; break;
    case 1: r = cpu.cf === 1; break;
    case 2: r = cpu.nf === 1; break;
    case 3: r = cpu.vf === 1; break;
    case 4: r = cpu.cf === 1 && cpu.zf === 0; break;
    case 5: r = cpu.nf === cpu.vf; break;
    case 6: r = cpu.nf === cpu.vf && cpu.zf === 0; break;
    default: return true; // AL and NV
  }
  return (cond & 1) !== 0 ? !r : r;
}

// DecodeBitMasks results, cached per (sf, N, immr, imms). State: 0 unknown, 1 valid, 3 valid for
// bitfields but reserved as a logical immediate, 4 reserved.
const maskState = new Uint8Array(2 * 8192);
const wmaskLo = new Int32Array(2 * 8192), wmaskHi = new Int32Array(2 * 8192);
const tmaskLo = new Int32Array(2 * 8192), tmaskHi = new Int32Array(2 * 8192);

/** DecodeBitMasks(N, imms, immr, immediate) of the Arm ARM for a 32- or 64-bit datasize. Returns the
 *  cache index of (wmask, tmask), or -1 if the encoding is reserved (UNDEFINED). */
export function decodeBitMasks(sf: number, n: number, imms: number, immr: number, immediate: boolean): number {
  const idx = (sf << 13) | (n << 12) | (immr << 6) | imms;
  let st = maskState[idx];
  if (st === 0) st = computeBitMasks(idx, sf, n, imms, immr);
  if (st === 4 || (st === 3 && immediate)) return -1;
  return idx;
}

function computeBitMasks(idx: number, sf: number, n: number, imms: number, immr: number): number {
  // Runs once per encoding, so BigInt keeps it simple.
  const combined = (n << 6) | (~imms & 0x3f);
  const len = combined === 0 ? -1 : 31 - Math.clz32(combined);
  if (len < 1) { maskState[idx] = 4; return 4; }
  const levels = (1 << len) - 1;
  const s = imms & levels, r = immr & levels;
  const d = (s - r) & levels;
  const esize = 1 << len;
  const emask = (1n << BigInt(esize)) - 1n;
  const ones = (k: number) => (1n << BigInt(k)) - 1n;
  let welem = ones(s + 1) & emask;
  if (r) welem = ((welem >> BigInt(r)) | (welem << BigInt(esize - r))) & emask;
  const telem = ones(d + 1) & emask;
  let w = 0n, t = 0n;
  for (let i = 0; i < 64; i += esize) { w |= welem << BigInt(i); t |= telem << BigInt(i); }
  if (!sf) { w &= 0xffffffffn; t &= 0xffffffffn; }
  wmaskLo[idx] = Number(w & 0xffffffffn) | 0; wmaskHi[idx] = Number(w >> 32n) | 0;
  tmaskLo[idx] = Number(t & 0xffffffffn) | 0; tmaskHi[idx] = Number(t >> 32n) | 0;
  const st = (imms & levels) === levels ? 3 : 1;
  maskState[idx] = st;
  return st;
}

export function bitmaskLo(idx: number): number { return wmaskLo[idx]; }
export function bitmaskHi(idx: number): number { return wmaskHi[idx]; }

export function execDataProcImm(cpu: Cpu, insn: number): void {
  const r = cpu.r;
  const rd = insn & 31;
  const rn = (insn >>> 5) & 31;
  const sf = insn >>> 31;
  switch ((insn >>> 23) & 7) {
    case 0: case 1: { // ADR / ADRP
      const imm = ((insn >> 3) & ~3) | ((insn >>> 29) & 3); // immhi:immlo, sign-extended below
      const simm = (imm << 11) >> 11;
      let baseLo = cpu.curLo, baseHi = cpu.curHi, offLo: number, offHi: number;
      if (sf) { // ADRP: page-aligned PC + imm << 12
        baseLo &= ~0xfff;
        offLo = simm << 12; offHi = simm >> 20;
      } else {
        offLo = simm; offHi = simm >> 31;
      }
      if (rd === 31) return;
      const sLo = (baseLo >>> 0) + (offLo >>> 0);
      r[2 * rd] = sLo | 0;
      r[2 * rd + 1] = (baseHi + offHi + (sLo > 0xffffffff ? 1 : 0)) | 0;
      return;
    }
    case 2: { // add/subtract (immediate)
      const sh = (insn >>> 22) & 1;
      let imm = (insn >>> 10) & 0xfff;
      if (sh) imm <<= 12;
      const sub = (insn >>> 30) & 1, s = (insn >>> 29) & 1;
      const n = rn === 31 ? 32 : rn;
      const d = rd === 31 ? (s ? 33 : 32) : rd;
      if (sf) {
        r[2 * d] = sub ? add64(cpu, r[2 * n], r[2 * n + 1], ~imm, -1, 1, s) : add64(cpu, r[2 * n], r[2 * n + 1], imm, 0, 0, s);
        r[2 * d + 1] = out.hi;
      } else {
        r[2 * d] = sub ? add32(cpu, r[2 * n], ~imm, 1, s) : add32(cpu, r[2 * n], imm, 0, s);
        r[2 * d + 1] = 0;
      }
      return;
    }
    case 4: { // logical (immediate)
      const nbit = (insn >>> 22) & 1;
      if (!sf && nbit) cpu.undefined();
      const m = decodeBitMasks(sf, nbit, (insn >>> 10) & 0x3f, (insn >>> 16) & 0x3f, true);
      if (m < 0) cpu.undefined();
      const iLo = wmaskLo[m], iHi = wmaskHi[m];
      const aLo = r[2 * rn], aHi = sf ? r[2 * rn + 1] : 0;
      let lo: number, hi: number;
      const opc = (insn >>> 29) & 3;
      switch (opc) {
        case 0: case 3: lo = aLo & iLo; hi = aHi & iHi; break;
        case 1: lo = aLo | iLo; hi = aHi | iHi; break;
        default: lo = aLo ^ iLo; hi = aHi ^ iHi; break;
      }
      if (!sf) hi = 0;
      if (opc === 3) {
        cpu.nf = (sf ? hi : lo) >>> 31;
        cpu.zf = (lo | hi) === 0 ? 1 : 0;
        cpu.cf = 0; cpu.vf = 0;
        if (rd === 31) return;
        r[2 * rd] = lo; r[2 * rd + 1] = hi;
      } else {
        const d = rd === 31 ? 32 : rd;
        r[2 * d] = lo; r[2 * d + 1] = hi;
      }
      return;
    }
    case 5: { // move wide (immediate)
      const opc = (insn >>> 29) & 3;
      const hw = (insn >>> 21) & 3;
      if (opc === 1 || (!sf && hw >= 2)) cpu.undefined();
      const imm = (insn >>> 5) & 0xffff;
      const d = rd === 31 ? 33 : rd;
      const shift = hw * 16;
      if (opc === 3) { // MOVK
        if (shift < 32) {
          const mask = 0xffff << shift;
          r[2 * d] = (r[2 * d] & ~mask) | (imm << shift);
        } else {
          const mask = 0xffff << (shift - 32);
          r[2 * d + 1] = (r[2 * d + 1] & ~mask) | (imm << (shift - 32));
        }
        if (!sf) r[2 * d + 1] = 0;
        return;
      }
      let lo = shift < 32 ? imm << shift : 0;
      let hi = shift >= 32 ? imm << (shift - 32) : 0;
      if (opc === 0) { lo = ~lo; hi = sf ? ~hi : 0; } // MOVN
      r[2 * d] = lo; r[2 * d + 1] = hi;
      return;
    }
    case 6: { // bitfield
      const opc = (insn >>> 29) & 3;
      const nbit = (insn >>> 22) & 1;
      const immr = (insn >>> 16) & 0x3f, imms = (insn >>> 10) & 0x3f;
      if (opc === 3 || nbit !== sf || (!sf && ((immr | imms) & 0x20) !== 0)) cpu.undefined();
      const m = decodeBitMasks(sf, nbit, imms, immr, false);
      if (m < 0) cpu.undefined();
      const wl = wmaskLo[m], wh = wmaskHi[m], tl = tmaskLo[m], th = tmaskHi[m];
      const d = rd === 31 ? 33 : rd;
      let srcLo = r[2 * rn], srcHi = r[2 * rn + 1];
      let rotLo: number, rotHi: number;
      if (sf) { rotLo = ror64(srcLo, srcHi, immr); rotHi = out.hi; }
      else { srcHi = 0; rotLo = ror32(srcLo, immr); rotHi = 0; }
      let lo: number, hi: number;
      if (opc === 2) { // UBFM
        lo = rotLo & wl & tl; hi = rotHi & wh & th;
      } else if (opc === 0) { // SBFM
        const sbit = sf ? (imms >= 32 ? (srcHi >>> (imms - 32)) & 1 : (srcLo >>> imms) & 1) : (srcLo >>> imms) & 1;
        const top = sbit ? -1 : 0;
        lo = (top & ~tl) | (rotLo & wl & tl);
        hi = (top & ~th) | (rotHi & wh & th);
      } else { // BFM
        const dl = r[2 * d], dh = r[2 * d + 1];
        const botLo = (dl & ~wl) | (rotLo & wl), botHi = (dh & ~wh) | (rotHi & wh);
        lo = (dl & ~tl) | (botLo & tl); hi = (dh & ~th) | (botHi & th);
      }
      if (!sf) hi = 0;
      r[2 * d] = lo; r[2 * d + 1] = hi;
      return;
    }
    case 7: { // extract
      const nbit = (insn >>> 22) & 1, o0 = (insn >>> 21) & 1, op21 = (insn >>> 29) & 3;
      const lsb = (insn >>> 10) & 0x3f;
      const rm = (insn >>> 16) & 31;
      if (op21 !== 0 || o0 !== 0 || nbit !== sf || (!sf && lsb >= 32)) cpu.undefined();
      const d = rd === 31 ? 33 : rd;
      if (sf) {
        // (Rn:Rm) >> lsb
        const mLo = r[2 * rm], mHi = r[2 * rm + 1], nLo = r[2 * rn], nHi = r[2 * rn + 1];
        let lo: number, hi: number;
        if (lsb === 0) { lo = mLo; hi = mHi; }
        else if (lsb < 32) { lo = (mLo >>> lsb) | (mHi << (32 - lsb)); hi = (mHi >>> lsb) | (nLo << (32 - lsb)); }
        else if (lsb === 32) { lo = mHi; hi = nLo; }
        else { const s = lsb - 32; lo = (mHi >>> s) | (nLo << (32 - s)); hi = (nLo >>> s) | (nHi << (32 - s)); }
        r[2 * d] = lo; r[2 * d + 1] = hi;
      } else {
        const m = r[2 * rm], n = r[2 * rn];
        r[2 * d] = lsb === 0 ? m : (m >>> lsb) | (n << (32 - lsb));
        r[2 * d + 1] = 0;
      }
      return;
    }
    default: // 3: add/subtract with tags (FEAT_MTE, not implemented)
      cpu.undefined();
  }
}

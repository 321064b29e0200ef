// Loads and stores (op0 = x1x0), Arm ARM C4.1: single registers in every addressing mode, pairs,
// literals, exclusives, load-acquire/store-release, LSE atomics, RCpc, MTE tag accesses, pointer-
// authenticated loads, MOPS memory copy/set, LS64, and the Advanced SIMD structure loads/stores.

import { Table, Fields } from './patterns';
import { R, X, W, XSP, sext, EXTEND } from './format';

const FP_REG = ['b', 'h', 's', 'd', 'q'];

function mem(rn: number, off: number): string {
  return off ? `[${XSP(rn)}, #${off}]` : `[${XSP(rn)}]`;
}

function indexed(rn: number, off: number, mode: 'offset' | 'pre' | 'post'): string {
  if (mode === 'post') return `[${XSP(rn)}], #${off}`;
  if (mode === 'pre') return `[${XSP(rn)}, #${off}]!`;
  return mem(rn, off);
}

const PRF_TYPE = ['pld', 'pli', 'pst'];
const PRF_TARGET = ['l1', 'l2', 'l3'];

/** The prefetch operation operand of PRFM/PRFUM. */
export function prfOp(rt: number): string {
  const type = rt >> 3, target = (rt >> 1) & 3;
  if (type < 3 && target < 3) return `${PRF_TYPE[type]}${PRF_TARGET[target]}${rt & 1 ? 'strm' : 'keep'}`;
  return '#0x' + rt.toString(16).padStart(2, '0');
}

interface Access {
  /** Mnemonic stem: 'str', 'ldr', 'ldrsb'...; 'prfm' for the prefetch slot. */
  mn: string;
  /** Register text for Rt. */
  reg: (n: number) => string;
  /** log2 of the access size (the scale of unsigned offsets). */
  scale: number;
}

/** The register load/store selected by size:V:opc, or null for an unallocated combination. */
function access(size: number, v: number, opc: number): Access | null {
  if (v) {
    if (opc < 2) return { mn: opc ? 'ldr' : 'str', reg: n => FP_REG[size] + n, scale: size };
    if (size === 0) return { mn: opc === 3 ? 'ldr' : 'str', reg: n => 'q' + n, scale: 4 };
    return null;
  }
  const sfx = ['b', 'h', '', ''][size];
  switch (opc) {
    case 0: return { mn: 'str' + sfx, reg: n => R(n, size === 3), scale: size };
    case 1: return { mn: 'ldr' + sfx, reg: n => R(n, size === 3), scale: size };
    case 2:
      if (size === 3) return { mn: 'prfm', reg: prfOp, scale: 3 };
      return { mn: 'ldrs' + (size === 2 ? 'w' : sfx), reg: X, scale: size };
    default:
      if (size >= 2) return null;
      return { mn: 'ldrs' + sfx, reg: W, scale: size };
  }
}

function ldstUimm(f: Fields): string | null {
  const a = access(f.size, f.V, f.opc);
  if (!a) return null;
  return `${a.mn}\t${a.reg(f.rt)}, ${mem(f.rn, f.imm12 << a.scale)}`;
}

function ldstImm9(f: Fields): string | null {
  const a = access(f.size, f.V, f.opc);
  if (!a) return null;
  const off = sext(f.imm9, 9);
  let mn = a.mn;
  switch (f.op2) {
    case 0: // unscaled
      if (mn === 'prfm') mn = 'prfum';
      else mn = mn.replace(/^(st|ld)r/, '$1ur');
      return `${mn}\t${a.reg(f.rt)}, ${mem(f.rn, off)}`;
    case 2: // unprivileged
      if (f.V || mn === 'prfm') return null;
      mn = mn.replace(/^(st|ld)r/, '$1tr');
      return `${mn}\t${a.reg(f.rt)}, ${mem(f.rn, off)}`;
    default:
      if (mn === 'prfm') return null;
      return `${mn}\t${a.reg(f.rt)}, ${indexed(f.rn, off, f.op2 === 1 ? 'post' : 'pre')}`;
  }
}

function ldstRegOff(f: Fields): string | null {
  const { size, V, opc, rm, option, S, rn, rt } = f;
  if (!(option & 2)) return null;
  const a = access(size, V, opc);
  if (!a) return null;
  const amount = S ? a.scale : 0;
  const idx = R(rm, option & 1);
  let ext: string;
  if (option === 3) ext = S ? `, lsl #${amount}` : '';
  else ext = `, ${EXTEND[option]}${S ? ` #${amount}` : ''}`;
  return `${a.mn}\t${a.reg(rt)}, [${XSP(rn)}, ${idx}${ext}]`;
}

function ldLiteral(f: Fields, c: { target(a: bigint): string; address: bigint }): string | null {
  const target = c.target(c.address + BigInt(sext(f.imm19, 19) * 4));
  if (f.V) {
    if (f.opc === 3) return null;
    return `ldr\t${['s', 'd', 'q'][f.opc]}${f.rt}, ${target}`;
  }
  switch (f.opc) {
    case 0: return `ldr\t${W(f.rt)}, ${target}`;
    case 1: return `ldr\t${X(f.rt)}, ${target}`;
    case 2: return `ldrsw\t${X(f.rt)}, ${target}`;
    default: return `prfm\t${prfOp(f.rt)}, ${target}`;
  }
}

function ldstPair(f: Fields): string | null {
  const { opc, V, idx, L, imm7, rt2, rn, rt } = f;
  let mn: string, reg: (n: number) => string, scale: number;
  if (V) {
    if (opc === 3) return null;
    scale = 2 + opc;
    reg = n => FP_REG[scale] + n;
    mn = L ? 'ldp' : 'stp';
  } else {
    switch (opc) {
      case 0: scale = 2; reg = W; mn = L ? 'ldp' : 'stp'; break;
      case 1:
        if (idx === 0) return null;
        if (L) {
          // objdump rejects the unpredictable register overlaps for LDPSW (only)
          if (rt === rt2 || (idx !== 2 && rn !== 31 && (rn === rt || rn === rt2))) return null;
          scale = 2; reg = X; mn = 'ldpsw';
        } else { scale = 4; reg = X; mn = 'stgp'; }
        break;
      case 2: scale = 3; reg = X; mn = L ? 'ldp' : 'stp'; break;
      default: return null;
    }
  }
  if (idx === 0) mn = mn.replace('p', 'np');
  const off = sext(imm7, 7) << scale;
  const addr = indexed(rn, off, idx === 1 ? 'post' : idx === 3 ? 'pre' : 'offset');
  return `${mn}\t${reg(rt)}, ${reg(rt2)}, ${addr}`;
}

const BHW = ['b', 'h', '', ''];

function exclusive(f: Fields): string | null {
  const { size, o2, L, o1, rs, o0, rt2, rn, rt } = f;
  const sf = size === 3;
  const addr = `[${XSP(rn)}]`;
  if (!o2 && !o1) {
    const mn = (L ? (o0 ? 'ldaxr' : 'ldxr') : (o0 ? 'stlxr' : 'stxr')) + BHW[size];
    if (L) return `${mn}\t${R(rt, sf)}, ${addr}`;
    return `${mn}\t${W(rs)}, ${R(rt, sf)}, ${addr}`;
  }
  if (!o2 && o1) {
    if (size >= 2) {
      const psf = size === 3;
      const mn = L ? (o0 ? 'ldaxp' : 'ldxp') : (o0 ? 'stlxp' : 'stxp');
      if (L) return `${mn}\t${R(rt, psf)}, ${R(rt2, psf)}, ${addr}`;
      return `${mn}\t${W(rs)}, ${R(rt, psf)}, ${R(rt2, psf)}, ${addr}`;
    }
    // CASP: even register pairs
    if ((rs & 1) || (rt & 1) || rt2 !== 31) return null;
    const psf = size === 1;
    const mn = 'casp' + (L ? 'a' : '') + (o0 ? 'l' : '');
    return `${mn}\t${R(rs, psf)}, ${R(rs + 1 === 32 ? 31 : rs + 1, psf)}, ${R(rt, psf)}, ${R(rt + 1, psf)}, ${addr}`;
  }
  if (o2 && !o1) {
    // objdump checks the should-be-one fields of LDAR only: Rt2 = 11111 and Rs = 11111 (x1111 for
    // LDARB and LDAR, whose opcode masks leave Rs<4> out)
    if (L && o0 && (rt2 !== 31 || (size === 1 ? rs !== 31 : (rs & 15) !== 15))) return null;
    const mn = (L ? (o0 ? 'ldar' : 'ldlar') : (o0 ? 'stlr' : 'stllr')) + BHW[size];
    return `${mn}\t${R(rt, sf)}, ${addr}`;
  }
  if (rt2 !== 31) return null;
  const mn = 'cas' + (L ? 'a' : '') + (o0 ? 'l' : '') + BHW[size];
  return `${mn}\t${R(rs, sf)}, ${R(rt, sf)}, ${addr}`;
}

const ATOMIC_OPS = ['add', 'clr', 'eor', 'set', 'smax', 'smin', 'umax', 'umin'];

function atomic(f: Fields): string | null {
  const { size, A, R: Rl, rs, o3, opc, rn, rt } = f;
  const sf = size === 3;
  const addr = `[${XSP(rn)}]`;
  const order = (A ? 'a' : '') + (Rl ? 'l' : '');
  if (!o3) {
    const op = ATOMIC_OPS[opc];
    if (rt === 31 && !A) return `st${op}${Rl ? 'l' : ''}${BHW[size]}\t${R(rs, sf)}, ${addr}`;
    return `ld${op}${order}${BHW[size]}\t${R(rs, sf)}, ${R(rt, sf)}, ${addr}`;
  }
  if (opc === 0) return `swp${order}${BHW[size]}\t${R(rs, sf)}, ${R(rt, sf)}, ${addr}`;
  if (opc === 4 && A && !Rl && rs === 31) return `ldapr${BHW[size]}\t${R(rt, sf)}, ${addr}`;
  if (size === 3 && !A && !Rl) {
    switch (opc) {
      case 1: return rs === 31 ? `st64b\t${X(rt)}, ${addr}` : null;
      case 5: return rs === 31 ? `ld64b\t${X(rt)}, ${addr}` : null;
      case 2: return `st64bv0\t${X(rs)}, ${X(rt)}, ${addr}`;
      case 3: return `st64bv\t${X(rs)}, ${X(rt)}, ${addr}`;
    }
  }
  return null;
}

function rcpcUnscaled(f: Fields): string | null {
  const { size, opc, imm9, rn, rt } = f;
  const off = sext(imm9, 9);
  let mn: string, reg: string;
  switch (opc) {
    case 0: mn = 'stlur' + BHW[size]; reg = R(rt, size === 3); break;
    case 1: mn = 'ldapur' + BHW[size]; reg = R(rt, size === 3); break;
    case 2:
      if (size === 3) return null;
      mn = 'ldapurs' + (size === 2 ? 'w' : BHW[size]); reg = X(rt); break;
    default:
      if (size >= 2) return null;
      mn = 'ldapurs' + BHW[size]; reg = W(rt); break;
  }
  return `${mn}\t${reg}, ${mem(rn, off)}`;
}

function memTag(f: Fields): string | null {
  const { op1, imm9, op2, rn, rt } = f;
  const off = sext(imm9, 9) << 4;
  if (op2 === 0) {
    if (op1 === 1) return `ldg\t${X(rt)}, ${mem(rn, off)}`;
    if (imm9 !== 0) return null;
    return `${['stzgm', '', 'stgm', 'ldgm'][op1]}\t${X(rt)}, [${XSP(rn)}]`;
  }
  const mn = ['stg', 'stzg', 'st2g', 'stz2g'][op1];
  return `${mn}\t${XSP(rt)}, ${indexed(rn, off, op2 === 1 ? 'post' : op2 === 3 ? 'pre' : 'offset')}`;
}

const MOPS_CPY_OPT = ['', 'wt', 'rt', 't', 'wn', 'wtwn', 'rtwn', 'twn', 'rn', 'wtrn', 'rtrn', 'trn', 'n', 'wtn', 'rtn', 'tn'];
const MOPS_SET_OPT = ['', 't', 'n', 'tn'];

function mops(f: Fields): string | null {
  const { sz, o0, op1, rs, op2, rn, rd } = f;
  if (sz !== 0) return null;
  // objdump rejects overlapping registers and XZR where the architecture calls them unpredictable
  if (rd === 31 || rn === 31 || rd === rn || rs === rd || rs === rn) return null;
  if (op1 !== 3 && rs === 31) return null;
  if (op1 === 3) {
    if (op2 >> 2 === 3) return null;
    const mn = `set${o0 ? 'g' : ''}${'pme'[op2 >> 2]}${MOPS_SET_OPT[op2 & 3]}`;
    return `${mn}\t[${X(rd)}]!, ${X(rn)}!, ${X(rs)}`;
  }
  const mn = `cpy${o0 ? '' : 'f'}${'pme'[op1]}${MOPS_CPY_OPT[op2]}`;
  return `${mn}\t[${X(rd)}]!, [${X(rs)}]!, ${X(rn)}!`;
}

// ------------------------------------------------------------------ Advanced SIMD structures

const ARR = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];

/** objdump's register list: `{v0.4s-v3.4s}` for three or more ascending registers, else a comma list. */
export function vlist(first: number, n: number, suffix: string): string {
  if (n > 2 && first + n - 1 <= 31) return `{v${first}${suffix}-v${first + n - 1}${suffix}}`;
  const regs: string[] = [];
  for (let i = 0; i < n; i++) regs.push(`v${(first + i) & 31}${suffix}`);
  return `{${regs.join(', ')}}`;
}

function simdMulti(f: Fields, post: boolean): string | null {
  const { Q, L, rm, opcode, size, rn, rt } = f;
  let n: number, selem: number;
  switch (opcode) {
    case 0: n = 4; selem = 4; break;
    case 2: n = 4; selem = 1; break;
    case 4: n = 3; selem = 3; break;
    case 6: n = 3; selem = 1; break;
    case 7: n = 1; selem = 1; break;
    case 8: n = 2; selem = 2; break;
    case 10: n = 2; selem = 1; break;
    default: return null;
  }
  if (selem > 1 && size === 3 && !Q) return null;
  const arr = ARR[size * 2 + Q];
  const mn = `${L ? 'ld' : 'st'}${selem}`;
  let addr = `[${XSP(rn)}]`;
  if (post) addr += rm === 31 ? `, #${n * (Q ? 16 : 8)}` : `, ${X(rm)}`;
  return `${mn}\t${vlist(rt, n, '.' + arr)}, ${addr}`;
}

function simdSingle(f: Fields, post: boolean): string | null {
  const { Q, L, R: r, rm, opcode, S, size, rn, rt } = f;
  const selem = (((opcode & 1) << 1) | r) + 1;
  const scale = opcode >> 1;
  let mn: string, list: string, bytes: number;
  if (scale === 3) {
    if (!L || S) return null;
    mn = `ld${selem}r`;
    list = vlist(rt, selem, '.' + ARR[size * 2 + Q]);
    bytes = selem << size;
  } else {
    let index: number, t: string;
    switch (scale) {
      case 0: index = (Q << 3) | (S << 2) | size; t = 'b'; bytes = 1; break;
      case 1:
        if (size & 1) return null;
        index = (Q << 2) | (S << 1) | (size >> 1); t = 'h'; bytes = 2; break;
      default:
        if (size & 2) return null;
        if (size === 0) { index = (Q << 1) | S; t = 's'; bytes = 4; } else {
          if (S) return null;
          index = Q; t = 'd'; bytes = 8;
        }
    }
    mn = `${L ? 'ld' : 'st'}${selem}`;
    list = `${vlist(rt, selem, '.' + t)}[${index}]`;
    bytes *= selem;
  }
  let addr = `[${XSP(rn)}]`;
  if (post) addr += rm === 31 ? `, #${bytes}` : `, ${X(rm)}`;
  return `${mn}\t${list}, ${addr}`;
}

export function addLoadStore(t: Table): void {
  t.addAll([
    // Advanced SIMD load/store multiple and single structures
    ['0 Q:1 0011000 L:1 000000 opcode:4 size:2 rn:5 rt:5', f => simdMulti(f, false)],
    ['0 Q:1 0011001 L:1 0 rm:5 opcode:4 size:2 rn:5 rt:5', f => simdMulti(f, true)],
    ['0 Q:1 0011010 L:1 R:1 00000 opcode:3 S:1 size:2 rn:5 rt:5', f => simdSingle(f, false)],
    ['0 Q:1 0011011 L:1 R:1 rm:5 opcode:3 S:1 size:2 rn:5 rt:5', f => simdSingle(f, true)],
    // Exclusive, ordered, compare-and-swap
    ['size:2 001000 o2:1 L:1 o1:1 rs:5 o0:1 rt2:5 rn:5 rt:5', exclusive],
    // RCpc unscaled, MTE tags, MOPS
    ['size:2 011001 opc:2 0 imm9:9 00 rn:5 rt:5', rcpcUnscaled],
    ['11011001 op1:2 1 imm9:9 op2:2 rn:5 rt:5', memTag],
    ['sz:2 011 o0:1 01 op1:2 0 rs:5 op2:4 01 rn:5 rd:5', mops],
    // Literal
    ['opc:2 011 V:1 00 imm19:19 rt:5', ldLiteral],
    // Pairs
    ['opc:2 101 V:1 0 idx:2 L:1 imm7:7 rt2:5 rn:5 rt:5', ldstPair],
    // Register: imm9 forms, atomics, register offset, PAC, unsigned offset
    ['size:2 111 V:1 00 opc:2 0 imm9:9 op2:2 rn:5 rt:5', ldstImm9],
    ['size:2 111 0 00 A:1 R:1 1 rs:5 o3:1 opc:3 00 rn:5 rt:5', atomic],
    ['size:2 111 V:1 00 opc:2 1 rm:5 option:3 S:1 10 rn:5 rt:5', ldstRegOff],
    ['11 111 0 00 M:1 S:1 1 imm9:9 W:1 1 rn:5 rt:5', f => {
      const off = sext((f.S << 9) | f.imm9, 10) * 8;
      const addr = mem(f.rn, off) + (f.W ? '!' : '');
      return `ldra${f.M ? 'b' : 'a'}\t${X(f.rt)}, ${addr}`;
    }],
    ['size:2 111 V:1 01 opc:2 imm12:12 rn:5 rt:5', ldstUimm],
  ]);
}

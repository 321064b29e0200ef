// Scalar floating point, Advanced SIMD and cryptographic instructions (op0 = x111), Arm ARM C4.1.
// Includes the extensions objdump decodes in this space: FP16, RDM, DotProd, FHM, FCMA, JSCVT,
// FRINTTS, BF16, I8MM, AES, SHA1/SHA256/SHA512/SHA3, SM3/SM4.

import { Table, Fields } from './patterns';
import { R, W, ih, COND, condComment, fpImmOp } from './format';
import { vlist } from './loadStore';

/** Arrangement for size:Q. */
const ARR = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];
/** Scalar register letter for a size (0..4). */
const SR = ['b', 'h', 's', 'd', 'q'];

const v = (n: number, t: string): string => `v${n}.${t}`;
const arr = (size: number, q: number): string => ARR[size * 2 + q];
const s2 = (q: number): string => (q ? '2' : '');

/** Size letters allowed for an integer vector op: b h s d; 'd' only with Q=1. */
function sizeOk(spec: string, size: number, q: number): boolean {
  if (!spec.includes(SR[size])) return false;
  return size !== 3 || q === 1;
}

// ================================================================== scalar floating point

/** Float register for ftype (00 S, 01 D, 11 H), or undefined. */
function ftReg(ftype: number): string | undefined {
  return ftype === 0 ? 's' : ftype === 1 ? 'd' : ftype === 3 ? 'h' : undefined;
}

function fpFixed(f: Fields): string | null {
  const { sf, S, ftype, rmode, opcode, scale, rn, rd } = f;
  const t = ftReg(ftype);
  if (S || !t || (!sf && scale < 32)) return null;
  const fbits = `#${64 - scale}`;
  const k = (rmode << 3) | opcode;
  switch (k) {
    case 2: return `scvtf\t${t}${rd}, ${R(rn, sf)}, ${fbits}`;
    case 3: return `ucvtf\t${t}${rd}, ${R(rn, sf)}, ${fbits}`;
    case 24: return `fcvtzs\t${R(rd, sf)}, ${t}${rn}, ${fbits}`;
    case 25: return `fcvtzu\t${R(rd, sf)}, ${t}${rn}, ${fbits}`;
  }
  return null;
}

const FCVT_RM = ['n', 'p', 'm', 'z'];

function fpInt(f: Fields): string | null {
  const { sf, S, ftype, rmode, opcode, rn, rd } = f;
  if (S) return null;
  if (opcode >= 6) {
    // FMOV (general)
    const toFp = opcode === 7;
    let fr: string | undefined;
    if (rmode === 0) {
      if (ftype === 3) fr = 'h' + (toFp ? rd : rn);
      else if (ftype === 0 && !sf) fr = 's' + (toFp ? rd : rn);
      else if (ftype === 1 && sf) fr = 'd' + (toFp ? rd : rn);
    } else if (rmode === 1 && ftype === 2 && sf) {
      fr = `v${toFp ? rd : rn}.d[1]`;
    } else if (rmode === 3 && ftype === 1 && !sf && opcode === 6) {
      return `fjcvtzs\t${W(rd)}, d${rn}`;
    }
    if (!fr) return null;
    return toFp ? `fmov\t${fr}, ${R(rn, sf)}` : `fmov\t${R(rd, sf)}, ${fr}`;
  }
  const t = ftReg(ftype);
  if (!t) return null;
  switch (opcode) {
    case 0: case 1: return `fcvt${FCVT_RM[rmode]}${opcode ? 'u' : 's'}\t${R(rd, sf)}, ${t}${rn}`;
    case 2: case 3:
      if (rmode) return null;
      return `${opcode === 2 ? 'scvtf' : 'ucvtf'}\t${t}${rd}, ${R(rn, sf)}`;
    case 4: case 5:
      if (rmode) return null;
      return `fcvta${opcode === 4 ? 's' : 'u'}\t${R(rd, sf)}, ${t}${rn}`;
  }
  return null;
}

const FP_DP1: Record<number, string> = {
  0: 'fmov', 1: 'fabs', 2: 'fneg', 3: 'fsqrt', 8: 'frintn', 9: 'frintp', 10: 'frintm', 11: 'frintz',
  12: 'frinta', 14: 'frintx', 15: 'frinti', 16: 'frint32z', 17: 'frint32x', 18: 'frint64z', 19: 'frint64x',
};

function fpDp1(f: Fields): string | null {
  const { M, S, ftype, opcode, rn, rd } = f;
  if (M || S) return null;
  const t = ftReg(ftype);
  if (ftype === 1 && opcode === 6) return `bfcvt\th${rd}, s${rn}`;
  if (!t) return null;
  if ((opcode & 0x3c) === 4) {
    const dst = ftReg(opcode & 3);
    if (!dst || dst === t) return null;
    return `fcvt\t${dst}${rd}, ${t}${rn}`;
  }
  const mn = FP_DP1[opcode];
  if (!mn) return null;
  if (opcode >= 16 && ftype === 3) return null;
  return `${mn}\t${t}${rd}, ${t}${rn}`;
}

function fpCompare(f: Fields): string | null {
  const { M, S, ftype, rm, op, rn, opcode2 } = f;
  const t = ftReg(ftype);
  if (M || S || op || !t || (opcode2 & 7)) return null;
  const mn = opcode2 & 16 ? 'fcmpe' : 'fcmp';
  if (opcode2 & 8) return `${mn}\t${t}${rn}, #0.0`;
  return `${mn}\t${t}${rn}, ${t}${rm}`;
}

const FP_DP2 = ['fmul', 'fdiv', 'fadd', 'fsub', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fnmul'];

export function addFpScalar(t: Table): void {
  t.addAll([
    ['sf:1 0 S:1 11110 ftype:2 0 rmode:2 opcode:3 scale:6 rn:5 rd:5', fpFixed],
    ['sf:1 0 S:1 11110 ftype:2 1 rmode:2 opcode:3 000000 rn:5 rd:5', fpInt],
    ['M:1 0 S:1 11110 ftype:2 1 opcode:6 10000 rn:5 rd:5', fpDp1],
    ['M:1 0 S:1 11110 ftype:2 1 rm:5 op:2 1000 rn:5 opcode2:5', fpCompare],
    ['M:1 0 S:1 11110 ftype:2 1 imm8:8 100 imm5:5 rd:5', f => {
      const t = ftReg(f.ftype);
      if (f.M || f.S || f.imm5 || !t) return null;
      return `fmov\t${t}${f.rd}, ${fpImmOp(f.imm8)}`;
    }],
    ['M:1 0 S:1 11110 ftype:2 1 rm:5 cond:4 01 rn:5 op:1 nzcv:4', f => {
      const t = ftReg(f.ftype);
      if (f.M || f.S || !t) return null;
      return `${f.op ? 'fccmpe' : 'fccmp'}\t${t}${f.rn}, ${t}${f.rm}, ${ih(f.nzcv)}, ${COND[f.cond]}${condComment(f.cond)}`;
    }],
    ['M:1 0 S:1 11110 ftype:2 1 rm:5 opcode:4 10 rn:5 rd:5', f => {
      const t = ftReg(f.ftype);
      if (f.M || f.S || !t || f.opcode > 8) return null;
      return `${FP_DP2[f.opcode]}\t${t}${f.rd}, ${t}${f.rn}, ${t}${f.rm}`;
    }],
    ['M:1 0 S:1 11110 ftype:2 1 rm:5 cond:4 11 rn:5 rd:5', f => {
      const t = ftReg(f.ftype);
      if (f.M || f.S || !t) return null;
      return `fcsel\t${t}${f.rd}, ${t}${f.rn}, ${t}${f.rm}, ${COND[f.cond]}${condComment(f.cond)}`;
    }],
    ['M:1 0 S:1 11111 ftype:2 o1:1 rm:5 o0:1 ra:5 rn:5 rd:5', f => {
      const t = ftReg(f.ftype);
      if (f.M || f.S || !t) return null;
      const mn = ['fmadd', 'fmsub', 'fnmadd', 'fnmsub'][f.o1 * 2 + f.o0];
      return `${mn}\t${t}${f.rd}, ${t}${f.rn}, ${t}${f.rm}, ${t}${f.ra}`;
    }],
  ]);
}

// ================================================================== Advanced SIMD three same

/** Integer three-same ops: key U<<5 | opcode -> [mnemonic, vector sizes, scalar sizes]. */
const SAME_INT: Record<number, [string, string, string]> = {
  0x00: ['shadd', 'bhs', ''], 0x01: ['sqadd', 'bhsd', 'bhsd'], 0x02: ['srhadd', 'bhs', ''],
  0x04: ['shsub', 'bhs', ''], 0x05: ['sqsub', 'bhsd', 'bhsd'], 0x06: ['cmgt', 'bhsd', 'd'],
  0x07: ['cmge', 'bhsd', 'd'], 0x08: ['sshl', 'bhsd', 'd'], 0x09: ['sqshl', 'bhsd', 'bhsd'],
  0x0a: ['srshl', 'bhsd', 'd'], 0x0b: ['sqrshl', 'bhsd', 'bhsd'], 0x0c: ['smax', 'bhs', ''],
  0x0d: ['smin', 'bhs', ''], 0x0e: ['sabd', 'bhs', ''], 0x0f: ['saba', 'bhs', ''],
  0x10: ['add', 'bhsd', 'd'], 0x11: ['cmtst', 'bhsd', 'd'], 0x12: ['mla', 'bhs', ''], 0x13: ['mul', 'bhs', ''],
  0x14: ['smaxp', 'bhs', ''], 0x15: ['sminp', 'bhs', ''], 0x16: ['sqdmulh', 'hs', 'hs'], 0x17: ['addp', 'bhsd', ''],
  0x20: ['uhadd', 'bhs', ''], 0x21: ['uqadd', 'bhsd', 'bhsd'], 0x22: ['urhadd', 'bhs', ''],
  0x24: ['uhsub', 'bhs', ''], 0x25: ['uqsub', 'bhsd', 'bhsd'], 0x26: ['cmhi', 'bhsd', 'd'],
  0x27: ['cmhs', 'bhsd', 'd'], 0x28: ['ushl', 'bhsd', 'd'], 0x29: ['uqshl', 'bhsd', 'bhsd'],
  0x2a: ['urshl', 'bhsd', 'd'], 0x2b: ['uqrshl', 'bhsd', 'bhsd'], 0x2c: ['umax', 'bhs', ''],
  0x2d: ['umin', 'bhs', ''], 0x2e: ['uabd', 'bhs', ''], 0x2f: ['uaba', 'bhs', ''],
  0x30: ['sub', 'bhsd', 'd'], 0x31: ['cmeq', 'bhsd', 'd'], 0x32: ['mls', 'bhs', ''], 0x33: ['pmul', 'b', ''],
  0x34: ['umaxp', 'bhs', ''], 0x35: ['uminp', 'bhs', ''], 0x36: ['sqrdmulh', 'hs', 'hs'],
};

/** FP three-same ops: key U<<6 | a<<5 | opcode(low 3 bits of the 5-bit opcode 11xxx) ->
 *  [mnemonic, allowed in scalar form]. `a` is size<1>. */
const SAME_FP: Record<number, [string, boolean]> = {
  0o00: ['fmaxnm', false], 0o01: ['fmla', false], 0o02: ['fadd', false], 0o03: ['fmulx', true],
  0o04: ['fcmeq', true], 0o06: ['fmax', false], 0o07: ['frecps', true],
  0o40: ['fminnm', false], 0o41: ['fmls', false], 0o42: ['fsub', false],
  0o46: ['fmin', false], 0o47: ['frsqrts', true],
  0o100: ['fmaxnmp', false], 0o102: ['faddp', false], 0o103: ['fmul', false], 0o104: ['fcmge', true],
  0o105: ['facge', true], 0o106: ['fmaxp', false], 0o107: ['fdiv', false],
  0o140: ['fminnmp', false], 0o142: ['fabd', true], 0o144: ['fcmgt', true], 0o145: ['facgt', true],
  0o146: ['fminp', false],
};

function threeSame(f: Fields): string | null {
  const { Q, U, size, rm, opcode, rn, rd } = f;
  if (opcode === 3) {
    if (!U) {
      if (size === 2 && rn === rm) return `mov\t${v(rd, Q ? '16b' : '8b')}, ${v(rn, Q ? '16b' : '8b')}`;
      const mn = ['and', 'bic', 'orr', 'orn'][size];
      return `${mn}\t${v(rd, Q ? '16b' : '8b')}, ${v(rn, Q ? '16b' : '8b')}, ${v(rm, Q ? '16b' : '8b')}`;
    }
    const mn = ['eor', 'bsl', 'bit', 'bif'][size];
    return `${mn}\t${v(rd, Q ? '16b' : '8b')}, ${v(rn, Q ? '16b' : '8b')}, ${v(rm, Q ? '16b' : '8b')}`;
  }
  if (opcode >= 0x18) {
    {
      // FHM FMLAL/FMLSL (vector): size<1> selects FMLSL; objdump ignores size<0>
      const k = (U << 5) | opcode;
      const fhm = k === 0x1d ? 'fmlal' : k === 0x39 ? 'fmlal2' : undefined;
      if (fhm) {
        const mn = size & 2 ? fhm.replace('fmlal', 'fmlsl') : fhm;
        const ta = Q ? '4s' : '2s', tb = Q ? '4h' : '2h';
        return `${mn}\t${v(rd, ta)}, ${v(rn, tb)}, ${v(rm, tb)}`;
      }
    }
    const e = SAME_FP[(U << 6) | ((size >> 1) << 5) | (opcode & 7)];
    if (!e) return null;
    const sz = size & 1;
    if (sz && !Q) return null;
    const t = sz ? '2d' : Q ? '4s' : '2s';
    return `${e[0]}\t${v(rd, t)}, ${v(rn, t)}, ${v(rm, t)}`;
  }
  const e = SAME_INT[(U << 5) | opcode];
  if (!e || !sizeOk(e[1], size, Q)) return null;
  const t = arr(size, Q);
  return `${e[0]}\t${v(rd, t)}, ${v(rn, t)}, ${v(rm, t)}`;
}

function scalarThreeSame(f: Fields): string | null {
  const { U, size, rm, opcode, rn, rd } = f;
  if (opcode >= 0x18) {
    const e = SAME_FP[(U << 6) | ((size >> 1) << 5) | (opcode & 7)];
    if (!e || !e[1]) return null;
    const t = size & 1 ? 'd' : 's';
    return `${e[0]}\t${t}${rd}, ${t}${rn}, ${t}${rm}`;
  }
  const e = SAME_INT[(U << 5) | opcode];
  if (!e || !e[2].includes(SR[size])) return null;
  const t = SR[size];
  return `${e[0]}\t${t}${rd}, ${t}${rn}, ${t}${rm}`;
}

/** FP16 three-same: key U<<4 | a<<3 | opcode -> [mnemonic, scalar form exists]. */
const SAME_FP16: Record<number, [string, boolean]> = {
  0x00: ['fmaxnm', false], 0x01: ['fmla', false], 0x02: ['fadd', false], 0x03: ['fmulx', true],
  0x04: ['fcmeq', true], 0x06: ['fmax', false], 0x07: ['frecps', true],
  0x08: ['fminnm', false], 0x09: ['fmls', false], 0x0a: ['fsub', false], 0x0e: ['fmin', false], 0x0f: ['frsqrts', true],
  0x10: ['fmaxnmp', false], 0x12: ['faddp', false], 0x13: ['fmul', false], 0x14: ['fcmge', true], 0x15: ['facge', true],
  0x16: ['fmaxp', false], 0x17: ['fdiv', false],
  0x18: ['fminnmp', false], 0x1a: ['fabd', true], 0x1c: ['fcmgt', true], 0x1d: ['facgt', true], 0x1e: ['fminp', false],
};

function threeSameFp16(f: Fields, scalar: boolean): string | null {
  const { Q, U, a, rm, opcode, rn, rd } = f;
  const e = SAME_FP16[(U << 4) | (a << 3) | opcode];
  if (!e) return null;
  if (scalar) return e[1] ? `${e[0]}\th${rd}, h${rn}, h${rm}` : null;
  const t = Q ? '8h' : '4h';
  return `${e[0]}\t${v(rd, t)}, ${v(rn, t)}, ${v(rm, t)}`;
}

function threeSameExtra(f: Fields, scalar: boolean): string | null {
  const { Q, U, size, rm, opcode, rn, rd } = f;
  if (scalar) {
    if (!U || opcode > 1 || (size !== 1 && size !== 2)) return null;
    const t = SR[size];
    return `${opcode ? 'sqrdmlsh' : 'sqrdmlah'}\t${t}${rd}, ${t}${rn}, ${t}${rm}`;
  }
  if (U && opcode <= 1) {
    if (size !== 1 && size !== 2) return null;
    const t = arr(size, Q);
    return `${opcode ? 'sqrdmlsh' : 'sqrdmlah'}\t${v(rd, t)}, ${v(rn, t)}, ${v(rm, t)}`;
  }
  if (opcode === 2 || (opcode === 3 && !U)) {
    if (size !== 2) return null;
    const mn = opcode === 3 ? 'usdot' : U ? 'udot' : 'sdot';
    return `${mn}\t${v(rd, Q ? '4s' : '2s')}, ${v(rn, Q ? '16b' : '8b')}, ${v(rm, Q ? '16b' : '8b')}`;
  }
  if (opcode === 4 || opcode === 5) {
    // SMMLA/UMMLA/USMMLA
    if (!Q || size !== 2) return null;
    const mn = opcode === 5 ? (U ? null : 'usmmla') : U ? 'ummla' : 'smmla';
    if (!mn) return null;
    return `${mn}\t${v(rd, '4s')}, ${v(rn, '16b')}, ${v(rm, '16b')}`;
  }
  if (U && opcode >= 8) {
    if ((opcode & 0xc) === 8 || (opcode & 0xd) === 0xc) {
      // FCMLA (rot = opcode<1:0>) / FCADD (rot = opcode<1>)
      if (size === 0 || (size === 3 && !Q)) return null;
      const t = arr(size, Q);
      if ((opcode & 0xc) === 8) return `fcmla\t${v(rd, t)}, ${v(rn, t)}, ${v(rm, t)}, #${(opcode & 3) * 90}`;
      return `fcadd\t${v(rd, t)}, ${v(rn, t)}, ${v(rm, t)}, #${opcode & 2 ? 270 : 90}`;
    }
    if (opcode === 0xf) {
      if (size === 1) return `bfdot\t${v(rd, Q ? '4s' : '2s')}, ${v(rn, Q ? '8h' : '4h')}, ${v(rm, Q ? '8h' : '4h')}`;
      if (size === 3) return `bfmlal${Q ? 't' : 'b'}\t${v(rd, '4s')}, ${v(rn, '8h')}, ${v(rm, '8h')}`;
      return null;
    }
    if (opcode === 0xd && size === 1 && Q) return `bfmmla\t${v(rd, '4s')}, ${v(rn, '8h')}, ${v(rm, '8h')}`;
  }
  return null;
}

// ================================================================== three different

/** key U<<4 | opcode -> [mnemonic, form]: 'l' long, 'w' wide, 'n' narrow (high half), 'q' sqdml* */
const DIFF: Record<number, [string, string]> = {
  0x00: ['saddl', 'l'], 0x01: ['saddw', 'w'], 0x02: ['ssubl', 'l'], 0x03: ['ssubw', 'w'], 0x04: ['addhn', 'n'],
  0x05: ['sabal', 'l'], 0x06: ['subhn', 'n'], 0x07: ['sabdl', 'l'], 0x08: ['smlal', 'l'], 0x09: ['sqdmlal', 'q'],
  0x0a: ['smlsl', 'l'], 0x0b: ['sqdmlsl', 'q'], 0x0c: ['smull', 'l'], 0x0d: ['sqdmull', 'q'], 0x0e: ['pmull', 'p'],
  0x10: ['uaddl', 'l'], 0x11: ['uaddw', 'w'], 0x12: ['usubl', 'l'], 0x13: ['usubw', 'w'], 0x14: ['raddhn', 'n'],
  0x15: ['uabal', 'l'], 0x16: ['rsubhn', 'n'], 0x17: ['uabdl', 'l'], 0x18: ['umlal', 'l'], 0x1a: ['umlsl', 'l'],
  0x1c: ['umull', 'l'],
};

function threeDiff(f: Fields): string | null {
  const { Q, U, size, rm, opcode, rn, rd } = f;
  const e = DIFF[(U << 4) | opcode];
  if (!e) return null;
  const [mn, form] = e;
  if (form === 'p') {
    if (size === 0) return `${mn}${s2(Q)}\t${v(rd, '8h')}, ${v(rn, arr(0, Q))}, ${v(rm, arr(0, Q))}`;
    if (size === 3) return `${mn}${s2(Q)}\t${v(rd, '1q')}, ${v(rn, Q ? '2d' : '1d')}, ${v(rm, Q ? '2d' : '1d')}`;
    return null;
  }
  if (size === 3) return null;
  if (form === 'q' && size === 0) return null;
  const wide = arr(size + 1, 1), narrow = arr(size, Q);
  switch (form) {
    case 'w': return `${mn}${s2(Q)}\t${v(rd, wide)}, ${v(rn, wide)}, ${v(rm, narrow)}`;
    case 'n': return `${mn}${s2(Q)}\t${v(rd, narrow)}, ${v(rn, wide)}, ${v(rm, wide)}`;
    default: return `${mn}${s2(Q)}\t${v(rd, wide)}, ${v(rn, narrow)}, ${v(rm, narrow)}`;
  }
}

// ================================================================== two-register misc

/** Integer two-reg misc: key U<<5 | opcode -> [mnemonic, sizes, kind, scalar sizes].
 *  kinds: '' same arrangement, 'z' compare with #0, 'p' pairwise long, 'n' narrow, 's' shll. */
const MISC_INT: Record<number, [string, string, string, string]> = {
  0x00: ['rev64', 'bhs', '', ''], 0x01: ['rev16', 'b', '', ''], 0x02: ['saddlp', 'bhs', 'p', ''],
  0x03: ['suqadd', 'bhsd', '', 'bhsd'], 0x04: ['cls', 'bhs', '', ''], 0x05: ['cnt', 'b', '', ''],
  0x06: ['sadalp', 'bhs', 'p', ''], 0x07: ['sqabs', 'bhsd', '', 'bhsd'], 0x08: ['cmgt', 'bhsd', 'z', 'd'],
  0x09: ['cmeq', 'bhsd', 'z', 'd'], 0x0a: ['cmlt', 'bhsd', 'z', 'd'], 0x0b: ['abs', 'bhsd', '', 'd'],
  0x12: ['xtn', 'bhs', 'n', ''], 0x14: ['sqxtn', 'bhs', 'n', 'bhs'],
  0x20: ['rev32', 'bh', '', ''], 0x22: ['uaddlp', 'bhs', 'p', ''], 0x23: ['usqadd', 'bhsd', '', 'bhsd'],
  0x24: ['clz', 'bhs', '', ''], 0x26: ['uadalp', 'bhs', 'p', ''], 0x27: ['sqneg', 'bhsd', '', 'bhsd'],
  0x28: ['cmge', 'bhsd', 'z', 'd'], 0x29: ['cmle', 'bhsd', 'z', 'd'], 0x2b: ['neg', 'bhsd', '', 'd'],
  0x32: ['sqxtun', 'bhs', 'n', 'bhs'], 0x33: ['shll', 'bhs', 's', ''], 0x34: ['uqxtn', 'bhs', 'n', 'bhs'],
};

/** FP two-reg misc: key U<<6 | a<<5 | opcode -> [mnemonic, kind, scalar form]. kinds: '' same,
 *  'z' compare with #0.0, 'v' single/double only (not FP16), 'i' FRINTTS. */
const MISC_FP: Record<number, [string, string, boolean]> = {
  0x18: ['frintn', '', false], 0x19: ['frintm', '', false], 0x1a: ['fcvtns', '', true], 0x1b: ['fcvtms', '', true],
  0x1c: ['fcvtas', '', true], 0x1d: ['scvtf', '', true], 0x1e: ['frint32z', 'i', false], 0x1f: ['frint64z', 'i', false],
  0x2c: ['fcmgt', 'z', true], 0x2d: ['fcmeq', 'z', true], 0x2e: ['fcmlt', 'z', true], 0x2f: ['fabs', '', false],
  0x38: ['frintp', '', false], 0x39: ['frintz', '', false], 0x3a: ['fcvtps', '', true], 0x3b: ['fcvtzs', '', true],
  0x3c: ['urecpe', 'u', false], 0x3d: ['frecpe', '', true], 0x3f: ['frecpx', 'x', true],
  0x58: ['frinta', '', false], 0x59: ['frintx', '', false], 0x5a: ['fcvtnu', '', true], 0x5b: ['fcvtmu', '', true],
  0x5c: ['fcvtau', '', true], 0x5d: ['ucvtf', '', true], 0x5e: ['frint32x', 'i', false], 0x5f: ['frint64x', 'i', false],
  0x6c: ['fcmge', 'z', true], 0x6d: ['fcmle', 'z', true], 0x6f: ['fneg', '', false],
  0x79: ['frinti', '', false], 0x7a: ['fcvtpu', '', true], 0x7b: ['fcvtzu', '', true], 0x7c: ['ursqrte', 'u', false],
  0x7d: ['frsqrte', '', true], 0x7f: ['fsqrt', '', false],
};

function twoMisc(f: Fields): string | null {
  const { Q, U, size, opcode, rn, rd } = f;
  const k = (U << 5) | opcode;
  if (k === 0x25) {
    if (size === 0) return `mvn\t${v(rd, arr(0, Q))}, ${v(rn, arr(0, Q))}`;
    if (size === 1) return `rbit\t${v(rd, arr(0, Q))}, ${v(rn, arr(0, Q))}`;
    return null;
  }
  // FCVTN/FCVTL/FCVTXN/BFCVTN
  if (opcode === 0x16) {
    if (!U && size === 2) return `bfcvtn${s2(Q)}\t${v(rd, Q ? '8h' : '4h')}, ${v(rn, '4s')}`;
    if (size & 2) return null;
    if (U && size === 0) return null;
    const mn = U ? 'fcvtxn' : 'fcvtn';
    return `${mn}${s2(Q)}\t${v(rd, size ? arr(2, Q) : arr(1, Q))}, ${v(rn, size ? '2d' : '4s')}`;
  }
  if (opcode === 0x17 && !U) {
    if (size & 2) return null;
    return `fcvtl${s2(Q)}\t${v(rd, size ? '2d' : '4s')}, ${v(rn, size ? arr(2, Q) : arr(1, Q))}`;
  }
  if (opcode >= 0x0c && (opcode < 0x10 || opcode >= 0x18)) {
    const e = MISC_FP[(U << 6) | ((size >> 1) << 5) | opcode];
    if (!e) return null;
    const sz = size & 1;
    if (e[1] === 'x') return null;
    if (e[1] === 'u') {
      if (sz) return null;
      const t = Q ? '4s' : '2s';
      return `${e[0]}\t${v(rd, t)}, ${v(rn, t)}`;
    }
    if (sz && !Q) return null;
    const t = sz ? '2d' : Q ? '4s' : '2s';
    return `${e[0]}\t${v(rd, t)}, ${v(rn, t)}${e[1] === 'z' ? ', #0.0' : ''}`;
  }
  const e = MISC_INT[k];
  if (!e) return null;
  const [mn, sizes, kind] = e;
  switch (kind) {
    case 'n':
      if (!sizes.includes(SR[size])) return null;
      return `${mn}${s2(Q)}\t${v(rd, arr(size, Q))}, ${v(rn, arr(size + 1, 1))}`;
    case 's':
      if (!sizes.includes(SR[size])) return null;
      return `${mn}${s2(Q)}\t${v(rd, arr(size + 1, 1))}, ${v(rn, arr(size, Q))}, #${8 << size}`;
    case 'p':
      if (!sizes.includes(SR[size])) return null;
      return `${mn}\t${v(rd, arr(size + 1, Q))}, ${v(rn, arr(size, Q))}`;
  }
  if (!sizeOk(sizes, size, Q)) return null;
  const t = arr(size, Q);
  return `${mn}\t${v(rd, t)}, ${v(rn, t)}${kind === 'z' ? ', #0' : ''}`;
}

function twoMiscFp16(f: Fields, scalar: boolean): string | null {
  const { Q, U, a, opcode, rn, rd } = f;
  const e = MISC_FP[(U << 6) | (a << 5) | opcode];
  if (!e || e[1] === 'i' || e[1] === 'u') return null;
  if (scalar) {
    if (!e[2]) return null;
    return `${e[0]}\th${rd}, h${rn}${e[1] === 'z' ? ', #0.0' : ''}`;
  }
  if (e[1] === 'x') return null;
  const t = Q ? '8h' : '4h';
  return `${e[0]}\t${v(rd, t)}, ${v(rn, t)}${e[1] === 'z' ? ', #0.0' : ''}`;
}

function scalarTwoMisc(f: Fields): string | null {
  const { U, size, opcode, rn, rd } = f;
  if (opcode === 0x16) {
    if (!U || size !== 1) return null;
    return `fcvtxn\ts${rd}, d${rn}`;
  }
  if (opcode >= 0x0c && (opcode < 0x10 || opcode >= 0x18)) {
    const e = MISC_FP[(U << 6) | ((size >> 1) << 5) | opcode];
    if (!e || !e[2]) return null;
    const t = size & 1 ? 'd' : 's';
    return `${e[0]}\t${t}${rd}, ${t}${rn}${e[1] === 'z' ? ', #0.0' : ''}`;
  }
  const e = MISC_INT[(U << 5) | opcode];
  if (!e || !e[3].includes(SR[size])) return null;
  if (e[2] === 'n') return `${e[0]}\t${SR[size]}${rd}, ${SR[size + 1]}${rn}`;
  return `${e[0]}\t${SR[size]}${rd}, ${SR[size]}${rn}${e[2] === 'z' ? ', #0' : ''}`;
}

// ================================================================== across lanes, pairwise

function across(f: Fields): string | null {
  const { Q, U, size, opcode, rn, rd } = f;
  const k = (U << 5) | opcode;
  const intOps: Record<number, [string, boolean]> = {
    0x03: ['saddlv', true], 0x0a: ['smaxv', false], 0x1a: ['sminv', false], 0x1b: ['addv', false],
    0x23: ['uaddlv', true], 0x2a: ['umaxv', false], 0x3a: ['uminv', false],
  };
  const e = intOps[k];
  if (e) {
    if (size === 3 || (size === 2 && !Q)) return null;
    return `${e[0]}\t${SR[e[1] ? size + 1 : size]}${rd}, ${v(rn, arr(size, Q))}`;
  }
  // FP: fmaxnmv/fminnmv (01100), fmaxv/fminv (01111); U=0: FP16, U=1: single
  if (opcode !== 0x0c && opcode !== 0x0f) return null;
  const mn = (size & 2 ? (opcode === 0x0c ? 'fminnmv' : 'fminv') : (opcode === 0x0c ? 'fmaxnmv' : 'fmaxv'));
  if (!U) {
    if (size & 1) return null;
    return `${mn}\th${rd}, ${v(rn, Q ? '8h' : '4h')}`;
  }
  if ((size & 1) || !Q) return null;
  return `${mn}\ts${rd}, ${v(rn, '4s')}`;
}

function scalarPairwise(f: Fields): string | null {
  const { U, size, opcode, rn, rd } = f;
  if (!U && opcode === 0x1b) return size === 3 ? `addp\td${rd}, ${v(rn, '2d')}` : null;
  const ops: Record<number, string> = { 0x0c: 'fmaxnmp', 0x0d: 'faddp', 0x0f: 'fmaxp' };
  let mn = ops[opcode];
  if (!mn) return null;
  if (size & 2) {
    if (opcode === 0x0d) return null;
    mn = mn.replace('max', 'min');
  }
  if (!U) return size & 1 ? null : `${mn}\th${rd}, ${v(rn, '2h')}`;
  return size & 1 ? `${mn}\td${rd}, ${v(rn, '2d')}` : `${mn}\ts${rd}, ${v(rn, '2s')}`;
}

// ================================================================== copy, permute, table, extract

function elemOf(imm5: number): { size: number; index: number } | null {
  for (let s = 0; s < 4; s++) if ((imm5 >> s) & 1) return { size: s, index: imm5 >> (s + 1) };
  return null;
}

function copy(f: Fields): string | null {
  const { Q, op, imm5, imm4, rn, rd } = f;
  const e = elemOf(imm5);
  if (!e) return null;
  const t = SR[e.size];
  if (op) {
    if (!Q) return null;
    const idx2 = imm4 >> e.size;
    return `mov\t${v(rd, t)}[${e.index}], ${v(rn, t)}[${idx2}]`;
  }
  switch (imm4) {
    case 0:
      if (e.size === 3 && !Q) return null;
      return `dup\t${v(rd, arr(e.size, Q))}, ${v(rn, t)}[${e.index}]`;
    case 1:
      if (e.size === 3 && !Q) return null;
      return `dup\t${v(rd, arr(e.size, Q))}, ${R(rn, e.size === 3)}`;
    case 3:
      if (!Q) return null;
      return `mov\t${v(rd, t)}[${e.index}], ${R(rn, e.size === 3)}`;
    case 5:
      if (e.size >= (Q ? 3 : 2)) return null;
      return `smov\t${R(rd, Q)}, ${v(rn, t)}[${e.index}]`;
    case 7:
      if (Q ? e.size !== 3 : e.size === 3) return null;
      return `${e.size >= 2 ? 'mov' : 'umov'}\t${R(rd, Q)}, ${v(rn, t)}[${e.index}]`;
  }
  return null;
}

// ================================================================== modified immediate

function expandImm64(imm8: number): bigint {
  let r = 0n;
  for (let i = 0; i < 8; i++) if ((imm8 >> i) & 1) r |= 0xffn << BigInt(8 * i);
  return r;
}

function modImm(f: Fields): string | null {
  const { Q, op, abc, cmode, o2, defgh, rd } = f;
  const imm8 = (abc << 5) | defgh;
  if (o2) {
    if (cmode !== 15 || op) return null;
    return `fmov\t${v(rd, Q ? '8h' : '4h')}, ${fpImmOp(imm8)}`;
  }
  const i8 = ih(imm8);
  if (cmode < 8) {
    const t = Q ? '4s' : '2s';
    const sh = (cmode >> 1) * 8;
    const mn = cmode & 1 ? (op ? 'bic' : 'orr') : (op ? 'mvni' : 'movi');
    return `${mn}\t${v(rd, t)}, ${i8}${sh ? `, lsl #${sh}` : ''}`;
  }
  if (cmode < 12) {
    const t = Q ? '8h' : '4h';
    const sh = ((cmode >> 1) & 1) * 8;
    const mn = cmode & 1 ? (op ? 'bic' : 'orr') : (op ? 'mvni' : 'movi');
    return `${mn}\t${v(rd, t)}, ${i8}${sh ? `, lsl #${sh}` : ''}`;
  }
  if (cmode < 14) {
    return `${op ? 'mvni' : 'movi'}\t${v(rd, Q ? '4s' : '2s')}, ${i8}, msl #${cmode & 1 ? 16 : 8}`;
  }
  if (cmode === 14) {
    if (!op) return `movi\t${v(rd, Q ? '16b' : '8b')}, ${i8}`;
    const imm = '#0x' + expandImm64(imm8).toString(16);
    return Q ? `movi\t${v(rd, '2d')}, ${imm}` : `movi\td${rd}, ${imm}`;
  }
  if (!op) return `fmov\t${v(rd, Q ? '4s' : '2s')}, ${fpImmOp(imm8)}`;
  if (!Q) return null;
  return `fmov\t${v(rd, '2d')}, ${fpImmOp(imm8)}`;
}

// ================================================================== shift by immediate

/** key U<<5 | opcode -> [mnemonic, kind, scalar kinds allowed]. kinds: 'r' right shift, 'l' left
 *  shift, 'n' narrowing right shift, 'L' lengthening left shift, 'f' fixed-point conversion. */
const SHIFT_OPS: Record<number, [string, string, string]> = {
  0x00: ['sshr', 'r', 'd'], 0x02: ['ssra', 'r', 'd'], 0x04: ['srshr', 'r', 'd'], 0x06: ['srsra', 'r', 'd'],
  0x0a: ['shl', 'l', 'd'], 0x0e: ['sqshl', 'l', 'bhsd'], 0x10: ['shrn', 'n', ''], 0x11: ['rshrn', 'n', ''],
  0x12: ['sqshrn', 'n', 'bhs'], 0x13: ['sqrshrn', 'n', 'bhs'], 0x14: ['sshll', 'L', ''],
  0x1c: ['scvtf', 'f', 'hsd'], 0x1f: ['fcvtzs', 'f', 'hsd'],
  0x20: ['ushr', 'r', 'd'], 0x22: ['usra', 'r', 'd'], 0x24: ['urshr', 'r', 'd'], 0x26: ['ursra', 'r', 'd'],
  0x28: ['sri', 'r', 'd'], 0x2a: ['sli', 'l', 'd'], 0x2c: ['sqshlu', 'l', 'bhsd'], 0x2e: ['uqshl', 'l', 'bhsd'],
  0x30: ['sqshrun', 'n', 'bhs'], 0x31: ['sqrshrun', 'n', 'bhs'], 0x32: ['uqshrn', 'n', 'bhs'],
  0x33: ['uqrshrn', 'n', 'bhs'], 0x34: ['ushll', 'L', ''], 0x3c: ['ucvtf', 'f', 'hsd'], 0x3f: ['fcvtzu', 'f', 'hsd'],
};

function shiftImm(f: Fields, scalar: boolean): string | null {
  const { Q, U, immh, immb, opcode, rn, rd } = f;
  if (!immh) return null;
  const e = SHIFT_OPS[(U << 5) | opcode];
  if (!e) return null;
  const [mn, kind, scalarSizes] = e;
  const size = immh >= 8 ? 3 : immh >= 4 ? 2 : immh >= 2 ? 1 : 0;
  const esize = 8 << size;
  const immhb = (immh << 3) | immb;
  const right = 2 * esize - immhb, left = immhb - esize;
  if (scalar) {
    if (!scalarSizes.includes(SR[size])) return null;
    const t = SR[size];
    switch (kind) {
      case 'r': return `${mn}\t${t}${rd}, ${t}${rn}, #${right}`;
      case 'l': return `${mn}\t${t}${rd}, ${t}${rn}, #${left}`;
      case 'f': return `${mn}\t${t}${rd}, ${t}${rn}, #${right}`;
      case 'n': return `${mn}\t${t}${rd}, ${SR[size + 1]}${rn}, #${right}`;
    }
    return null;
  }
  switch (kind) {
    case 'n':
      if (size === 3) return null;
      return `${mn}${s2(Q)}\t${v(rd, arr(size, Q))}, ${v(rn, arr(size + 1, 1))}, #${right}`;
    case 'L':
      if (size === 3) return null;
      if (left === 0) return `${U ? 'uxtl' : 'sxtl'}${s2(Q)}\t${v(rd, arr(size + 1, 1))}, ${v(rn, arr(size, Q))}`;
      return `${mn}${s2(Q)}\t${v(rd, arr(size + 1, 1))}, ${v(rn, arr(size, Q))}, #${left}`;
    case 'f':
      if (size === 0 || (size === 3 && !Q)) return null;
      return `${mn}\t${v(rd, arr(size, Q))}, ${v(rn, arr(size, Q))}, #${right}`;
  }
  if (size === 3 && !Q) return null;
  const t = arr(size, Q);
  return `${mn}\t${v(rd, t)}, ${v(rn, t)}, #${kind === 'l' ? left : right}`;
}

// ================================================================== vector x indexed element

function byElement(f: Fields, scalar: boolean): string | null {
  const { Q, U, size, L, M, rm4, opcode, H, rn, rd } = f;
  const k = (U << 4) | opcode;
  const idxH = (H << 2) | (L << 1) | M, idxS = (H << 1) | L;
  const elemH = (): string => `${v(rm4, 'h')}[${idxH}]`;
  const elemS = (): string => `${v((M << 4) | rm4, 's')}[${idxS}]`;
  // FCMLA (by element): U=1, opcode 0 rot 1
  if (U && (opcode & 9) === 1) {
    if (scalar) return null;
    const rot = ((opcode >> 1) & 3) * 90;
    if (size === 1) {
      if (!Q && H) return null;
      const idx = (H << 1) | L;
      return `fcmla\t${v(rd, arr(1, Q))}, ${v(rn, arr(1, Q))}, ${v((M << 4) | rm4, 'h')}[${idx}], #${rot}`;
    }
    if (size === 2) {
      if (!Q || L) return null;
      return `fcmla\t${v(rd, '4s')}, ${v(rn, '4s')}, ${v((M << 4) | rm4, 's')}[${H}], #${rot}`;
    }
    return null;
  }
  switch (k) {
    // FP: fmla 0001, fmls 0101, fmul 1001, fmulx U1001
    case 0x01: case 0x05: case 0x09: case 0x19: {
      const mn = k === 0x01 ? 'fmla' : k === 0x05 ? 'fmls' : k === 0x09 ? 'fmul' : 'fmulx';
      if (size === 0) {
        const el = elemH();
        return scalar ? `${mn}\th${rd}, h${rn}, ${el}` : `${mn}\t${v(rd, arr(1, Q))}, ${v(rn, arr(1, Q))}, ${el}`;
      }
      if (size === 1) return null;
      if (size === 2) {
        const el = elemS();
        return scalar ? `${mn}\ts${rd}, s${rn}, ${el}` : `${mn}\t${v(rd, arr(2, Q))}, ${v(rn, arr(2, Q))}, ${el}`;
      }
      if (L || (!scalar && !Q)) return null;
      const el = `${v((M << 4) | rm4, 'd')}[${H}]`;
      return scalar ? `${mn}\td${rd}, d${rn}, ${el}` : `${mn}\t${v(rd, '2d')}, ${v(rn, '2d')}, ${el}`;
    }
    // FHM: fmlal 0000, fmlsl 0100, fmlal2 U1000, fmlsl2 U1100 (size 10)
    case 0x00: case 0x04: case 0x18: case 0x1c: {
      if (scalar || size !== 2) return null;
      const mn = { 0x00: 'fmlal', 0x04: 'fmlsl', 0x18: 'fmlal2', 0x1c: 'fmlsl2' }[k]!;
      return `${mn}\t${v(rd, Q ? '4s' : '2s')}, ${v(rn, Q ? '4h' : '2h')}, ${elemH()}`;
    }
    // Dot products
    case 0x0e: case 0x1e: case 0x0f: {
      if (scalar) return null;
      let mn: string;
      if (k === 0x0f) {
        if (size === 0) mn = 'sudot';
        else if (size === 2) mn = 'usdot';
        else if (size === 1) return `bfdot\t${v(rd, Q ? '4s' : '2s')}, ${v(rn, Q ? '8h' : '4h')}, ${v((M << 4) | rm4, '2h')}[${idxS}]`;
        else return `bfmlal${Q ? 't' : 'b'}\t${v(rd, '4s')}, ${v(rn, '8h')}, ${elemH()}`;
      } else {
        if (size !== 2) return null;
        mn = U ? 'udot' : 'sdot';
      }
      return `${mn}\t${v(rd, Q ? '4s' : '2s')}, ${v(rn, Q ? '16b' : '8b')}, ${v((M << 4) | rm4, '4b')}[${idxS}]`;
    }
  }
  // Integer
  const INT: Record<number, [string, string]> = {
    0x02: ['smlal', 'l'], 0x03: ['sqdmlal', 'q'], 0x06: ['smlsl', 'l'], 0x07: ['sqdmlsl', 'q'], 0x08: ['mul', ''],
    0x0a: ['smull', 'l'], 0x0b: ['sqdmull', 'q'], 0x0c: ['sqdmulh', 's'], 0x0d: ['sqrdmulh', 's'],
    0x10: ['mla', ''], 0x12: ['umlal', 'l'], 0x14: ['mls', ''], 0x16: ['umlsl', 'l'], 0x1a: ['umull', 'l'],
    0x1d: ['sqrdmlah', 's'], 0x1f: ['sqrdmlsh', 's'],
  };
  const e = INT[k];
  if (!e || (size !== 1 && size !== 2)) return null;
  const [mn, form] = e;
  const el = size === 1 ? elemH() : elemS();
  if (scalar) {
    if (form === 'q') return `${mn}\t${SR[size + 1]}${rd}, ${SR[size]}${rn}, ${el}`;
    if (form === 's') return `${mn}\t${SR[size]}${rd}, ${SR[size]}${rn}, ${el}`;
    return null;
  }
  if (form === 'l' || form === 'q') return `${mn}${s2(Q)}\t${v(rd, arr(size + 1, 1))}, ${v(rn, arr(size, Q))}, ${el}`;
  return `${mn}\t${v(rd, arr(size, Q))}, ${v(rn, arr(size, Q))}, ${el}`;
}

// ================================================================== cryptography

function crypto(t: Table): void {
  t.addAll([
    ['01001110 size:2 10100 opcode:5 10 rn:5 rd:5', f => {
      if (f.size) return null;
      const mn = { 4: 'aese', 5: 'aesd', 6: 'aesmc', 7: 'aesimc' }[f.opcode];
      return mn ? `${mn}\t${v(f.rd, '16b')}, ${v(f.rn, '16b')}` : null;
    }],
    ['01011110 size:2 0 rm:5 0 opcode:3 00 rn:5 rd:5', f => {
      if (f.size) return null;
      const { rm, rn, rd } = f;
      switch (f.opcode) {
        case 0: case 1: case 2: return `${['sha1c', 'sha1p', 'sha1m'][f.opcode]}\tq${rd}, s${rn}, ${v(rm, '4s')}`;
        case 3: return `sha1su0\t${v(rd, '4s')}, ${v(rn, '4s')}, ${v(rm, '4s')}`;
        case 4: case 5: return `${f.opcode === 4 ? 'sha256h' : 'sha256h2'}\tq${rd}, q${rn}, ${v(rm, '4s')}`;
        case 6: return `sha256su1\t${v(rd, '4s')}, ${v(rn, '4s')}, ${v(rm, '4s')}`;
      }
      return null;
    }],
    ['01011110 size:2 10100 opcode:5 10 rn:5 rd:5', f => {
      if (f.size) return null;
      switch (f.opcode) {
        case 0: return `sha1h\ts${f.rd}, s${f.rn}`;
        case 1: return `sha1su1\t${v(f.rd, '4s')}, ${v(f.rn, '4s')}`;
        case 2: return `sha256su0\t${v(f.rd, '4s')}, ${v(f.rn, '4s')}`;
      }
      return null;
    }],
    ['11001110 011 rm:5 1 O:1 00 opcode:2 rn:5 rd:5', f => {
      const { rm, rn, rd } = f;
      if (!f.O) {
        switch (f.opcode) {
          case 0: return `sha512h\tq${rd}, q${rn}, ${v(rm, '2d')}`;
          case 1: return `sha512h2\tq${rd}, q${rn}, ${v(rm, '2d')}`;
          case 2: return `sha512su1\t${v(rd, '2d')}, ${v(rn, '2d')}, ${v(rm, '2d')}`;
          default: return `rax1\t${v(rd, '2d')}, ${v(rn, '2d')}, ${v(rm, '2d')}`;
        }
      }
      const mn = ['sm3partw1', 'sm3partw2', 'sm4ekey'][f.opcode];
      return mn ? `${mn}\t${v(rd, '4s')}, ${v(rn, '4s')}, ${v(rm, '4s')}` : null;
    }],
    ['11001110 0 op0:2 rm:5 0 ra:5 rn:5 rd:5', f => {
      const { rm, ra, rn, rd } = f;
      if (f.op0 === 3) return null;
      const tt = f.op0 === 2 ? '4s' : '16b';
      const mn = ['eor3', 'bcax', 'sm3ss1'][f.op0];
      return `${mn}\t${v(rd, tt)}, ${v(rn, tt)}, ${v(rm, tt)}, ${v(ra, tt)}`;
    }],
    ['11001110 100 rm:5 imm6:6 rn:5 rd:5', f =>
      `xar\t${v(f.rd, '2d')}, ${v(f.rn, '2d')}, ${v(f.rm, '2d')}, #${f.imm6}`],
    ['11001110 010 rm:5 10 imm2:2 opcode:2 rn:5 rd:5', f => {
      const mn = ['sm3tt1a', 'sm3tt1b', 'sm3tt2a', 'sm3tt2b'][f.opcode];
      return `${mn}\t${v(f.rd, '4s')}, ${v(f.rn, '4s')}, ${v(f.rm, 's')}[${f.imm2}]`;
    }],
    ['11001110 110000001000 opcode:2 rn:5 rd:5', f => {
      if (f.opcode === 0) return `sha512su0\t${v(f.rd, '2d')}, ${v(f.rn, '2d')}`;
      if (f.opcode === 1) return `sm4e\t${v(f.rd, '4s')}, ${v(f.rn, '4s')}`;
      return null;
    }],
  ]);
}

// ================================================================== table

export function addSimdFp(t: Table): void {
  addFpScalar(t);
  crypto(t);
  t.addAll([
    // ---------------------------------------------------------------- vector
    ['0 Q:1 U:1 01110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5', threeSame],
    ['0 Q:1 U:1 01110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5', threeDiff],
    ['0 Q:1 U:1 01110 size:2 10000 opcode:5 10 rn:5 rd:5', twoMisc],
    ['0 Q:1 U:1 01110 size:2 11000 opcode:5 10 rn:5 rd:5', across],
    ['0 Q:1 U:1 01110 a:1 10 rm:5 00 opcode:3 1 rn:5 rd:5', f => threeSameFp16(f, false)],
    ['0 Q:1 U:1 01110 a:1 1111 00 opcode:5 10 rn:5 rd:5', f => twoMiscFp16(f, false)],
    ['0 Q:1 U:1 01110 size:2 0 rm:5 1 opcode:4 1 rn:5 rd:5', f => threeSameExtra(f, false)],
    ['0 Q:1 op:1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5', copy],
    ['0 Q:1 001110 00 0 rm:5 0 len:2 op:1 00 rn:5 rd:5', f => {
      const tq = Q16(f.Q);
      return `${f.op ? 'tbx' : 'tbl'}\t${v(f.rd, tq)}, ${vlist(f.rn, f.len + 1, '.16b')}, ${v(f.rm, tq)}`;
    }],
    ['0 Q:1 001110 size:2 0 rm:5 0 opcode:3 10 rn:5 rd:5', f => {
      const mn = [null, 'uzp1', 'trn1', 'zip1', null, 'uzp2', 'trn2', 'zip2'][f.opcode];
      if (!mn || (f.size === 3 && !f.Q)) return null;
      const tt = arr(f.size, f.Q);
      return `${mn}\t${v(f.rd, tt)}, ${v(f.rn, tt)}, ${v(f.rm, tt)}`;
    }],
    ['0 Q:1 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5', f => {
      if (!f.Q && f.imm4 >= 8) return null;
      const tt = Q16(f.Q);
      return `ext\t${v(f.rd, tt)}, ${v(f.rn, tt)}, ${v(f.rm, tt)}, #${f.imm4}`;
    }],
    ['0 Q:1 op:1 0111100000 abc:3 cmode:4 o2:1 1 defgh:5 rd:5', modImm],
    ['0 Q:1 U:1 011110 immh:4 immb:3 opcode:5 1 rn:5 rd:5', f => shiftImm(f, false)],
    ['0 Q:1 U:1 01111 size:2 L:1 M:1 rm4:4 opcode:4 H:1 0 rn:5 rd:5', f => byElement(f, false)],
    // ---------------------------------------------------------------- scalar
    ['01 U:1 11110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5', scalarThreeSame],
    ['01 U:1 11110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5', f => {
      const mn = { 0x9: 'sqdmlal', 0xb: 'sqdmlsl', 0xd: 'sqdmull' }[f.opcode];
      if (f.U || !mn || (f.size !== 1 && f.size !== 2)) return null;
      return `${mn}\t${SR[f.size + 1]}${f.rd}, ${SR[f.size]}${f.rn}, ${SR[f.size]}${f.rm}`;
    }],
    ['01 U:1 11110 size:2 10000 opcode:5 10 rn:5 rd:5', scalarTwoMisc],
    ['01 U:1 11110 size:2 11000 opcode:5 10 rn:5 rd:5', scalarPairwise],
    ['01 U:1 11110 a:1 10 rm:5 00 opcode:3 1 rn:5 rd:5', f => threeSameFp16(f, true)],
    ['01 U:1 11110 a:1 1111 00 opcode:5 10 rn:5 rd:5', f => twoMiscFp16(f, true)],
    ['01 U:1 11110 size:2 0 rm:5 1 opcode:4 1 rn:5 rd:5', f => threeSameExtra(f, true)],
    ['01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5', f => {
      const e = elemOf(f.imm5);
      if (!e) return null;
      return `mov\t${SR[e.size]}${f.rd}, ${v(f.rn, SR[e.size])}[${e.index}]`;
    }],
    ['01 U:1 111110 immh:4 immb:3 opcode:5 1 rn:5 rd:5', f => shiftImm({ ...f, Q: 1 }, true)],
    ['01 U:1 11111 size:2 L:1 M:1 rm4:4 opcode:4 H:1 0 rn:5 rd:5', f => byElement({ ...f, Q: 1 }, true)],
  ]);
}

function Q16(q: number): string {
  return q ? '16b' : '8b';
}


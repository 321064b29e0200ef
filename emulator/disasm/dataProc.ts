// Data processing -- immediate (op0 = 100x) and -- register (op0 = x101), Arm ARM C4.1.
// Aliases follow the Arm ARM's "preferred disassembly" conditions, which objdump implements, except
// MOV (bitmask immediate), where objdump has a rule of its own (isWideConstant).

import { Table, Fields } from './patterns';
import { R, RSP, X, W, XSP, ih, id, sext, COND, condComment, SHIFT, EXTEND, bitmaskImm, movImm } from './format';

const ADDSUB = ['add', 'adds', 'sub', 'subs'];

function addSubImm(f: Fields): string | null {
  const { sf, op, S, sh, imm12, rn, rd } = f;
  const imm = ih(imm12) + (sh ? ', lsl #12' : '');
  if (S && rd === 31) return `${op ? 'cmp' : 'cmn'}\t${RSP(rn, sf)}, ${imm}`;
  if (!op && !S && !sh && imm12 === 0 && (rd === 31 || rn === 31)) return `mov\t${RSP(rd, sf)}, ${RSP(rn, sf)}`;
  return `${ADDSUB[op * 2 + S]}\t${S ? R(rd, sf) : RSP(rd, sf)}, ${RSP(rn, sf)}, ${imm}`;
}

/** Whether MOVZ or MOVN could load `v` (a value of the register width): objdump prints ORR with
 *  the zero register as MOV only when they could not (or when the destination is SP). */
function isWideConstant(v: bigint, sf: number): boolean {
  const width = sf ? 64 : 32;
  const oneChunk = (x: bigint): boolean => {
    let chunks = 0;
    for (let i = 0; i < width; i += 16) if ((x >> BigInt(i)) & 0xffffn) chunks++;
    return chunks <= 1;
  };
  return oneChunk(v) || oneChunk(BigInt.asUintN(width, ~v));
}

function logicalImm(f: Fields): string | null {
  const { sf, opc, N, immr, imms, rn, rd } = f;
  const v = bitmaskImm(N, imms, immr, sf);
  if (v === null) return null;
  if (opc === 3 && rd === 31) return `tst\t${R(rn, sf)}, ${ih(v)}`;
  if (opc === 1 && rn === 31 && (rd === 31 || !isWideConstant(v, sf))) return `mov\t${RSP(rd, sf)}, ${movImm(v, sf)}`;
  const mn = ['and', 'orr', 'eor', 'ands'][opc];
  return `${mn}\t${opc === 3 ? R(rd, sf) : RSP(rd, sf)}, ${R(rn, sf)}, ${ih(v)}`;
}

function moveWide(f: Fields): string | null {
  const { sf, opc, hw, imm16, rd } = f;
  if (opc === 1) return null;
  if (!sf && hw > 1) return null;
  const shift = hw * 16;
  if (opc === 0 || opc === 2) {
    const isZeroShifted = imm16 === 0 && hw !== 0;
    if (opc === 2 && !isZeroShifted) return `mov\t${R(rd, sf)}, ${movImm(BigInt(imm16) << BigInt(shift), sf)}`;
    if (opc === 0 && !isZeroShifted && !(!sf && imm16 === 0xffff)) {
      return `mov\t${R(rd, sf)}, ${movImm(~(BigInt(imm16) << BigInt(shift)), sf)}`;
    }
  }
  const mn = ['movn', '', 'movz', 'movk'][opc];
  return `${mn}\t${R(rd, sf)}, ${ih(imm16)}${shift ? `, lsl #${shift}` : ''}`;
}

function bitfield(f: Fields): string | null {
  const { sf, opc, N, immr, imms, rn, rd } = f;
  if (opc === 3 || N !== sf) return null;
  if (!sf && ((immr | imms) & 0x20)) return null;
  const size = sf ? 64 : 32;
  const d = R(rd, sf), n = R(rn, sf);
  const bfxPreferred = (): boolean => {
    if (imms < immr) return false;
    if (imms === size - 1) return false;
    if (immr === 0) {
      if (!sf && (imms === 7 || imms === 15)) return false;
      if (sf && opc === 0 && (imms === 7 || imms === 15 || imms === 31)) return false;
    }
    return true;
  };
  const insPos = `#${(size - immr) & (size - 1)}, #${imms + 1}`;
  const extPos = `#${immr}, #${imms - immr + 1}`;
  switch (opc) {
    case 0: // SBFM
      if (imms === size - 1) return `asr\t${d}, ${n}, #${immr}`;
      if (imms < immr) return `sbfiz\t${d}, ${n}, ${insPos}`;
      if (bfxPreferred()) return `sbfx\t${d}, ${n}, ${extPos}`;
      if (immr === 0 && imms === 7) return `sxtb\t${d}, ${W(rn)}`;
      if (immr === 0 && imms === 15) return `sxth\t${d}, ${W(rn)}`;
      if (immr === 0 && imms === 31) return `sxtw\t${d}, ${W(rn)}`;
      return `sbfm\t${d}, ${n}, #${immr}, #${imms}`;
    case 1: // BFM
      if (imms < immr) {
        if (rn === 31) return `bfc\t${d}, ${insPos}`;
        return `bfi\t${d}, ${n}, ${insPos}`;
      }
      return `bfxil\t${d}, ${n}, ${extPos}`;
    default: // UBFM
      if (imms !== size - 1 && imms + 1 === immr) return `lsl\t${d}, ${n}, #${size - 1 - imms}`;
      if (imms === size - 1) return `lsr\t${d}, ${n}, #${immr}`;
      if (imms < immr) return `ubfiz\t${d}, ${n}, ${insPos}`;
      if (bfxPreferred()) return `ubfx\t${d}, ${n}, ${extPos}`;
      if (immr === 0 && imms === 7) return `uxtb\t${d}, ${W(rn)}`;
      if (immr === 0 && imms === 15) return `uxth\t${d}, ${W(rn)}`;
      return `ubfm\t${d}, ${n}, #${immr}, #${imms}`;
  }
}

function extract(f: Fields): string | null {
  const { sf, N, rm, imms, rn, rd } = f;
  if (N !== sf || (!sf && imms & 0x20)) return null;
  if (rn === rm) return `ror\t${R(rd, sf)}, ${R(rn, sf)}, #${imms}`;
  return `extr\t${R(rd, sf)}, ${R(rn, sf)}, ${R(rm, sf)}, #${imms}`;
}

function shiftSuffix(shift: number, amount: number): string {
  return shift === 0 && amount === 0 ? '' : `, ${SHIFT[shift]} #${amount}`;
}

function logicalReg(f: Fields): string | null {
  const { sf, opc, shift, N, rm, imm6, rn, rd } = f;
  if (!sf && imm6 & 0x20) return null;
  const sfx = shiftSuffix(shift, imm6);
  const op = opc * 2 + N;
  if (op === 2 && rn === 31 && shift === 0 && imm6 === 0) return `mov\t${R(rd, sf)}, ${R(rm, sf)}`;
  if (op === 3 && rn === 31) return `mvn\t${R(rd, sf)}, ${R(rm, sf)}${sfx}`;
  if (op === 6 && rd === 31) return `tst\t${R(rn, sf)}, ${R(rm, sf)}${sfx}`;
  const mn = ['and', 'bic', 'orr', 'orn', 'eor', 'eon', 'ands', 'bics'][op];
  return `${mn}\t${R(rd, sf)}, ${R(rn, sf)}, ${R(rm, sf)}${sfx}`;
}

function addSubShifted(f: Fields): string | null {
  const { sf, op, S, shift, rm, imm6, rn, rd } = f;
  if (shift === 3 || (!sf && imm6 & 0x20)) return null;
  const sfx = shiftSuffix(shift, imm6);
  if (S && rd === 31) return `${op ? 'cmp' : 'cmn'}\t${R(rn, sf)}, ${R(rm, sf)}${sfx}`;
  if (op && rn === 31) return `${S ? 'negs' : 'neg'}\t${R(rd, sf)}, ${R(rm, sf)}${sfx}`;
  return `${ADDSUB[op * 2 + S]}\t${R(rd, sf)}, ${R(rn, sf)}, ${R(rm, sf)}${sfx}`;
}

function addSubExt(f: Fields): string | null {
  const { sf, op, S, opt, rm, option, imm3, rn, rd } = f;
  if (opt !== 0 || imm3 > 4) return null;
  const rmText = R(rm, sf && (option & 3) === 3 ? 1 : 0);
  const spForm = S ? rn === 31 : (rd === 31 || rn === 31);
  let ext: string;
  if (spForm && option === (sf ? 3 : 2)) ext = imm3 ? `, lsl #${imm3}` : '';
  else ext = `, ${EXTEND[option]}${imm3 ? ` #${imm3}` : ''}`;
  if (S && rd === 31) return `${op ? 'cmp' : 'cmn'}\t${RSP(rn, sf)}, ${rmText}${ext}`;
  return `${ADDSUB[op * 2 + S]}\t${S ? R(rd, sf) : RSP(rd, sf)}, ${RSP(rn, sf)}, ${rmText}${ext}`;
}

function condSelect(f: Fields): string | null {
  const { sf, op, S, rm, cond, o2, rn, rd } = f;
  if (S) return null;
  const k = op * 2 + o2;
  const inv = cond ^ 1;
  if ((cond & 0xe) !== 0xe && k !== 0) {
    if (rm === rn) {
      if (k === 1) {
        if (rn === 31) return `cset\t${R(rd, sf)}, ${COND[inv]}${condComment(inv)}`;
        return `cinc\t${R(rd, sf)}, ${R(rn, sf)}, ${COND[inv]}${condComment(inv)}`;
      }
      if (k === 2) {
        if (rn === 31) return `csetm\t${R(rd, sf)}, ${COND[inv]}${condComment(inv)}`;
        return `cinv\t${R(rd, sf)}, ${R(rn, sf)}, ${COND[inv]}${condComment(inv)}`;
      }
      if (k === 3) return `cneg\t${R(rd, sf)}, ${R(rn, sf)}, ${COND[inv]}${condComment(inv)}`;
    }
  }
  const mn = ['csel', 'csinc', 'csinv', 'csneg'][k];
  return `${mn}\t${R(rd, sf)}, ${R(rn, sf)}, ${R(rm, sf)}, ${COND[cond]}${condComment(cond)}`;
}

function condCompare(f: Fields): string | null {
  const { sf, op, imm, rm, cond, o2, rn, o3, nzcv } = f;
  if (o2 || o3) return null;
  const b = imm ? ih(rm) : R(rm, sf);
  return `${op ? 'ccmp' : 'ccmn'}\t${R(rn, sf)}, ${b}, ${ih(nzcv)}, ${COND[cond]}${condComment(cond)}`;
}

function dp2(f: Fields): string | null {
  const { sf, rm, opcode, rn, rd } = f;
  const r3 = (mn: string, s = sf): string => `${mn}\t${R(rd, s)}, ${R(rn, s)}, ${R(rm, s)}`;
  switch (opcode) {
    case 2: return r3('udiv');
    case 3: return r3('sdiv');
    case 8: return r3('lsl');
    case 9: return r3('lsr');
    case 10: return r3('asr');
    case 11: return r3('ror');
    case 24: case 25: case 26: case 27: case 28: case 29: case 30: case 31: {
      // CSSC min/max (register)
      if (opcode > 27) return null;
      return r3(['smax', 'umax', 'smin', 'umin'][opcode - 24]);
    }
  }
  if (sf) {
    switch (opcode) {
      case 0: // SUBP
        return `subp\t${X(rd)}, ${XSP(rn)}, ${XSP(rm)}`;
      case 4: return `irg\t${XSP(rd)}, ${XSP(rn)}${rm === 31 ? '' : ', ' + X(rm)}`;
      case 5: return `gmi\t${X(rd)}, ${XSP(rn)}, ${X(rm)}`;
      case 12: return `pacga\t${X(rd)}, ${X(rn)}, ${XSP(rm)}`;
      case 19: case 23: return `crc32${opcode === 23 ? 'c' : ''}x\t${W(rd)}, ${W(rn)}, ${X(rm)}`;
    }
    return null;
  }
  if (opcode >= 16 && opcode <= 23 && (opcode & 3) !== 3) {
    const sz = 'bhw'[opcode & 3];
    return `crc32${opcode & 4 ? 'c' : ''}${sz}\t${W(rd)}, ${W(rn)}, ${W(rm)}`;
  }
  return null;
}

const PAC1 = ['pacia', 'pacib', 'pacda', 'pacdb', 'autia', 'autib', 'autda', 'autdb'];
const PAC1Z = ['paciza', 'pacizb', 'pacdza', 'pacdzb', 'autiza', 'autizb', 'autdza', 'autdzb'];

function dp1(f: Fields): string | null {
  const { sf, opcode2, opcode, rn, rd } = f;
  if (opcode2 === 1) {
    if (!sf) return null;
    if (opcode < 8) return `${PAC1[opcode]}\t${X(rd)}, ${XSP(rn)}`;
    if (rn !== 31) return null;
    if (opcode < 16) return `${PAC1Z[opcode - 8]}\t${X(rd)}`;
    if (opcode === 16) return `xpaci\t${X(rd)}`;
    if (opcode === 17) return `xpacd\t${X(rd)}`;
    return null;
  }
  if (opcode2 !== 0) return null;
  const r2 = (mn: string): string => `${mn}\t${R(rd, sf)}, ${R(rn, sf)}`;
  switch (opcode) {
    case 0: return r2('rbit');
    case 1: return r2('rev16');
    case 2: return r2(sf ? 'rev32' : 'rev');
    case 3: return sf ? r2('rev') : null;
    case 4: return r2('clz');
    case 5: return r2('cls');
    case 6: return r2('ctz');
    case 7: return r2('cnt');
    case 8: return r2('abs');
  }
  return null;
}

function dp3(f: Fields): string | null {
  const { sf, op54, op31, rm, o0, ra, rn, rd } = f;
  if (op54 !== 0) return null;
  if (op31 === 0) {
    if (ra === 31) return `${o0 ? 'mneg' : 'mul'}\t${R(rd, sf)}, ${R(rn, sf)}, ${R(rm, sf)}`;
    return `${o0 ? 'msub' : 'madd'}\t${R(rd, sf)}, ${R(rn, sf)}, ${R(rm, sf)}, ${R(ra, sf)}`;
  }
  if (!sf) return null;
  const u = op31 >> 2 ? 'u' : 's';
  switch (op31 & 3) {
    case 1:
      if (ra === 31) return `${u}${o0 ? 'mnegl' : 'mull'}\t${X(rd)}, ${W(rn)}, ${W(rm)}`;
      return `${u}${o0 ? 'msubl' : 'maddl'}\t${X(rd)}, ${W(rn)}, ${W(rm)}, ${X(ra)}`;
    case 2:
      if (o0) return null;
      return `${u}mulh\t${X(rd)}, ${X(rn)}, ${X(rm)}`;
  }
  return null;
}

export function addDataProc(t: Table): void {
  t.addAll([
    // ---------------------------------------------------------------- immediate
    ['op:1 immlo:2 10000 immhi:19 rd:5', (f, c) => {
      const imm = sext((f.immhi << 2) | f.immlo, 21);
      if (f.op) return `adrp\t${X(f.rd)}, ${c.target((c.address & ~0xfffn) + (BigInt(imm) << 12n))}`;
      return `adr\t${X(f.rd)}, ${c.target(c.address + BigInt(imm))}`;
    }],
    ['sf:1 op:1 S:1 100010 sh:1 imm12:12 rn:5 rd:5', addSubImm],
    ['1 op:1 0 100011 0 uimm6:6 00 uimm4:4 rn:5 rd:5', f =>
      `${f.op ? 'subg' : 'addg'}\t${XSP(f.rd)}, ${XSP(f.rn)}, ${ih(f.uimm6 << 4)}, ${ih(f.uimm4)}`],
    ['sf:1 00 100011 1 opc:4 imm8:8 rn:5 rd:5', f => {
      if (f.opc > 3) return null;
      const imm = f.opc & 1 ? f.imm8 : sext(f.imm8, 8);
      return `${['smax', 'umax', 'smin', 'umin'][f.opc]}\t${R(f.rd, f.sf)}, ${R(f.rn, f.sf)}, ${id(imm)}`;
    }],
    ['sf:1 opc:2 100100 N:1 immr:6 imms:6 rn:5 rd:5', logicalImm],
    ['sf:1 opc:2 100101 hw:2 imm16:16 rd:5', moveWide],
    ['sf:1 opc:2 100110 N:1 immr:6 imms:6 rn:5 rd:5', bitfield],
    ['sf:1 00 100111 N:1 0 rm:5 imms:6 rn:5 rd:5', extract],
    // ---------------------------------------------------------------- register
    ['sf:1 opc:2 01010 shift:2 N:1 rm:5 imm6:6 rn:5 rd:5', logicalReg],
    ['sf:1 op:1 S:1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5', addSubShifted],
    ['sf:1 op:1 S:1 01011 opt:2 1 rm:5 option:3 imm3:3 rn:5 rd:5', addSubExt],
    ['sf:1 op:1 S:1 11010000 rm:5 000000 rn:5 rd:5', f => {
      if (f.op && f.rn === 31) return `${f.S ? 'ngcs' : 'ngc'}\t${R(f.rd, f.sf)}, ${R(f.rm, f.sf)}`;
      return `${['adc', 'adcs', 'sbc', 'sbcs'][f.op * 2 + f.S]}\t${R(f.rd, f.sf)}, ${R(f.rn, f.sf)}, ${R(f.rm, f.sf)}`;
    }],
    ['1 0 1 11010000 imm6:6 00001 rn:5 0 mask:4', f => `rmif\t${X(f.rn)}, ${id(f.imm6)}, ${id(f.mask)}`],
    ['0 0 1 11010000 000000 sz:1 0010 rn:5 0 1101', f => `setf${f.sz ? 16 : 8}\t${W(f.rn)}`],
    ['sf:1 op:1 1 11010010 rm:5 cond:4 imm:1 o2:1 rn:5 o3:1 nzcv:4', condCompare],
    ['sf:1 op:1 S:1 11010100 rm:5 cond:4 0 o2:1 rn:5 rd:5', condSelect],
    ['1 0 1 11010110 rm:5 000000 rn:5 rd:5', f =>
      f.rd === 31 ? `cmpp\t${XSP(f.rn)}, ${XSP(f.rm)}` : `subps\t${X(f.rd)}, ${XSP(f.rn)}, ${XSP(f.rm)}`],
    ['sf:1 0 0 11010110 rm:5 opcode:6 rn:5 rd:5', dp2],
    ['sf:1 1 0 11010110 opcode2:5 opcode:6 rn:5 rd:5', dp1],
    ['sf:1 op54:2 11011 op31:3 rm:5 o0:1 ra:5 rn:5 rd:5', dp3],
  ]);
}

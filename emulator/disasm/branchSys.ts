// Branches, exception generating and system instructions (op0 = 101x), Arm ARM C4.1.

import { Table, Fields, Ctx } from './patterns';
import { R, X, ih, sext, COND, COND_ALIASES } from './format';
import { sysRegName } from './sysregs';

const HINTS: Record<number, string> = {
  0: 'nop', 1: 'yield', 2: 'wfe', 3: 'wfi', 4: 'sev', 5: 'sevl', 7: 'xpaclri',
  8: 'pacia1716', 10: 'pacib1716', 12: 'autia1716', 14: 'autib1716',
  16: 'esb', 17: 'psb\tcsync', 18: 'tsb\tcsync', 20: 'csdb', 22: 'clearbhb',
  24: 'paciaz', 25: 'paciasp', 26: 'pacibz', 27: 'pacibsp', 28: 'autiaz', 29: 'autiasp', 30: 'autibz', 31: 'autibsp',
  32: 'bti', 34: 'bti\tc', 36: 'bti\tj', 38: 'bti\tjc',
};

const BARRIER_OPT: Record<number, string> = {
  1: 'oshld', 2: 'oshst', 3: 'osh', 5: 'nshld', 6: 'nshst', 7: 'nsh', 9: 'ishld', 10: 'ishst', 11: 'ish',
  13: 'ld', 14: 'st', 15: 'sy',
};

function barrierOpt(crm: number): string {
  return BARRIER_OPT[crm] ?? '#0x' + crm.toString(16).padStart(2, '0');
}

function barrier(f: Fields): string | null {
  const { CRm, op2 } = f;
  switch (op2) {
    case 1:
      if ((CRm & 3) === 2) return `dsb\t${['osh', 'nsh', 'ish', 'sy'][CRm >> 2]}nxs`;
      return null;
    case 2: return CRm === 15 ? 'clrex' : `clrex\t${ih(CRm)}`;
    case 3: return CRm === 0 ? 'tcommit' : null;
    case 4:
      if (CRm === 0) return 'ssbb';
      if (CRm === 4) return 'pssbb';
      return `dsb\t${barrierOpt(CRm)}`;
    case 5: return `dmb\t${barrierOpt(CRm)}`;
    case 6: return CRm === 15 ? 'isb' : `isb\t${ih(CRm)}`;
    case 7: return CRm === 0 ? 'sb' : null;
  }
  return null;
}

function pstate(f: Fields): string | null {
  const { op1, CRm, op2 } = f;
  const k = (op1 << 3) | op2;
  let name: string | undefined;
  switch (k) {
    case 0o00: return CRm === 0 ? 'cfinv' : null;
    case 0o01: return CRm === 0 ? 'xaflag' : null;
    case 0o02: return CRm === 0 ? 'axflag' : null;
    case 0o03: name = 'uao'; break;
    case 0o04: name = 'pan'; break;
    case 0o05: name = 'spsel'; break;
    case 0o32: name = 'dit'; break;
    case 0o31: name = 'ssbs'; break;
    case 0o34: name = 'tco'; break;
    case 0o36: name = 'daifset'; break;
    case 0o37: name = 'daifclr'; break;
    case 0o33: {
      // SVCR: SMSTART/SMSTOP {SM|ZA}
      if ((CRm & 8) || (CRm & 6) === 0) return null;
      return `${CRm & 1 ? 'smstart' : 'smstop'}${['', '\tsm', '\tza', ''][(CRm >> 1) & 3]}`;
    }
    case 0o10: if (CRm > 1) return null; name = 'allint'; break;
    default: return null;
  }
  if (k <= 0o05 || k === 0o32 || k === 0o31 || k === 0o34) {
    if (CRm > 1) return null;
  }
  return `msr\t${name}, ${ih(CRm)}`;
}

// ------------------------------------------------------------------ SYS aliases
// (CRn, op1, CRm, op2) -> [text, takes a register]; lists are written `name op1 CRm op2 [-]`, where
// '-' marks an operation without a register operand.
type SysOp = [string, boolean];
const SYS_OPS = new Map<number, SysOp>();
function sysKey(crn: number, op1: number, crm: number, op2: number): number {
  return (crn << 10) | (op1 << 7) | (crm << 3) | op2;
}
function defOps(prefix: string, crn: number, list: string): void {
  for (const item of list.split(',')) {
    const t = item.trim().split(/\s+/);
    if (t.length < 4) continue;
    SYS_OPS.set(sysKey(crn, Number(t[1]), Number(t[2]), Number(t[3])), [`${prefix}\t${t[0]}`, t[4] !== '-']);
  }
}
defOps('at', 7, `s1e1r 0 8 0, s1e1w 0 8 1, s1e0r 0 8 2, s1e0w 0 8 3, s1e1rp 0 9 0, s1e1wp 0 9 1,
  s1e2r 4 8 0, s1e2w 4 8 1, s12e1r 4 8 4, s12e1w 4 8 5, s12e0r 4 8 6, s12e0w 4 8 7, s1e3r 6 8 0, s1e3w 6 8 1`);
defOps('dc', 7, `ivac 0 6 1, isw 0 6 2, igvac 0 6 3, igsw 0 6 4, igdvac 0 6 5, igdsw 0 6 6,
  csw 0 10 2, cgsw 0 10 4, cgdsw 0 10 6, cisw 0 14 2, cigsw 0 14 4, cigdsw 0 14 6,
  zva 3 4 1, gva 3 4 3, gzva 3 4 4, cvac 3 10 1, cgvac 3 10 3, cgdvac 3 10 5, cvau 3 11 1,
  cvap 3 12 1, cgvap 3 12 3, cgdvap 3 12 5, cvadp 3 13 1, cgvadp 3 13 3, cgdvadp 3 13 5,
  civac 3 14 1, cigvac 3 14 3, cigdvac 3 14 5, cipapa 6 14 1, cigdpapa 6 14 5`);
defOps('ic', 7, 'ialluis 0 1 0 -, iallu 0 5 0 -, ivau 3 5 1');
defOps('cfp', 7, 'rctx 3 3 4');
defOps('dvp', 7, 'rctx 3 3 5');
defOps('cpp', 7, 'rctx 3 3 7');
/** TLBI operations (CRn 8). objdump 2.40 prints the FEAT_XS nXS forms (CRn 9) as SYS. */
const TLBI = `vmalle1os 0 1 0 -, vae1os 0 1 1, aside1os 0 1 2, vaae1os 0 1 3, vale1os 0 1 5, vaale1os 0 1 7,
  rvae1is 0 2 1, rvaae1is 0 2 3, rvale1is 0 2 5, rvaale1is 0 2 7,
  vmalle1is 0 3 0 -, vae1is 0 3 1, aside1is 0 3 2, vaae1is 0 3 3, vale1is 0 3 5, vaale1is 0 3 7,
  rvae1os 0 5 1, rvaae1os 0 5 3, rvale1os 0 5 5, rvaale1os 0 5 7,
  rvae1 0 6 1, rvaae1 0 6 3, rvale1 0 6 5, rvaale1 0 6 7,
  vmalle1 0 7 0 -, vae1 0 7 1, aside1 0 7 2, vaae1 0 7 3, vale1 0 7 5, vaale1 0 7 7,
  ipas2e1is 4 0 1, ripas2e1is 4 0 2, ipas2le1is 4 0 5, ripas2le1is 4 0 6,
  alle2os 4 1 0 -, vae2os 4 1 1, alle1os 4 1 4 -, vale2os 4 1 5, vmalls12e1os 4 1 6 -,
  rvae2is 4 2 1, rvale2is 4 2 5,
  alle2is 4 3 0 -, vae2is 4 3 1, alle1is 4 3 4 -, vale2is 4 3 5, vmalls12e1is 4 3 6 -,
  ipas2e1os 4 4 0, ipas2e1 4 4 1, ripas2e1 4 4 2, ripas2e1os 4 4 3, ipas2le1os 4 4 4, ipas2le1 4 4 5,
  ripas2le1 4 4 6, ripas2le1os 4 4 7,
  rvae2os 4 5 1, rvale2os 4 5 5, rvae2 4 6 1, rvale2 4 6 5,
  alle2 4 7 0 -, vae2 4 7 1, alle1 4 7 4 -, vale2 4 7 5, vmalls12e1 4 7 6 -,
  alle3os 6 1 0 -, vae3os 6 1 1, vale3os 6 1 5, rvae3is 6 2 1, rvale3is 6 2 5,
  alle3is 6 3 0 -, vae3is 6 3 1, vale3is 6 3 5, rvae3os 6 5 1, rvale3os 6 5 5,
  rvae3 6 6 1, rvale3 6 6 5, alle3 6 7 0 -, vae3 6 7 1, vale3 6 7 5`;
defOps('tlbi', 8, TLBI);
defOps('tlbi', 8, 'paallos 6 1 4 -, rpaos 6 4 3, rpalos 6 4 7, paall 6 7 4 -');

function sys(f: Fields): string | null {
  const { L, op1, CRn, CRm, op2, rt } = f;
  if (L) return `sysl\t${X(rt)}, #${op1}, C${CRn}, C${CRm}, #${op2}`;
  const op = SYS_OPS.get(sysKey(CRn, op1, CRm, op2));
  if (op) {
    // objdump prints the operation without a register even when Rt is not 31
    return op[1] ? `${op[0]}, ${X(rt)}` : op[0];
  }
  return `sys\t#${op1}, C${CRn}, C${CRm}, #${op2}${rt === 31 ? '' : ', ' + X(rt)}`;
}

function branchTarget(c: Ctx, off: number): string {
  return c.target(c.address + BigInt(off));
}

export function addBranchSys(t: Table): void {
  t.addAll([
    ['op:1 00101 imm26:26', (f, c) => `${f.op ? 'bl' : 'b'}\t${branchTarget(c, sext(f.imm26, 26) * 4)}`],
    ['sf:1 011010 op:1 imm19:19 rt:5', (f, c) =>
      `${f.op ? 'cbnz' : 'cbz'}\t${R(f.rt, f.sf)}, ${branchTarget(c, sext(f.imm19, 19) * 4)}`],
    ['b5:1 011011 op:1 b40:5 imm14:14 rt:5', (f, c) =>
      `${f.op ? 'tbnz' : 'tbz'}\t${R(f.rt, f.b5)}, #${(f.b5 << 5) | f.b40}, ${branchTarget(c, sext(f.imm14, 14) * 4)}`],
    ['0101010 0 imm19:19 c:1 cond:4', (f, c) => {
      const mn = `b${f.c ? 'c' : ''}.${COND[f.cond]}`;
      const al = COND_ALIASES[f.cond];
      const cmt = al.length ? `  // ${al.map(a => `b${f.c ? 'c' : ''}.${a}`).join(', ')}` : '';
      return `${mn}\t${branchTarget(c, sext(f.imm19, 19) * 4)}${cmt}`;
    }],
    // Exception generation
    ['11010100 opc:3 imm16:16 000 LL:2', f => {
      const imm = ih(f.imm16);
      switch ((f.opc << 2) | f.LL) {
        case 1: return `svc\t${imm}`;
        case 2: return `hvc\t${imm}`;
        case 3: return `smc\t${imm}`;
        case 4: return `brk\t${imm}`;
        case 8: return `hlt\t${imm}`;
        case 12: return `tcancel\t#${f.imm16}`;
        case 21: case 22: case 23: return `dcps${f.LL}${f.imm16 ? '\t' + imm : ''}`;
      }
      return null;
    }],
    // System
    ['1101010100 0 00 011 0010 crmop2:7 11111', f => HINTS[f.crmop2] ?? `hint\t${ih(f.crmop2)}`],
    ['1101010100 0 00 011 0001 0000 op2:3 rd:5', f => f.op2 === 0 ? `wfet\t${X(f.rd)}` : f.op2 === 1 ? `wfit\t${X(f.rd)}` : null],
    ['1101010100 0 00 011 0011 CRm:4 op2:3 11111', barrier],
    ['1101010100 1 00 011 0011 0000 011 rt:5', f => `tstart\t${X(f.rt)}`],
    ['1101010100 1 00 011 0011 0001 011 rt:5', f => `ttest\t${X(f.rt)}`],
    ['1101010100 0 00 op1:3 0100 CRm:4 op2:3 11111', pstate],
    ['1101010100 L:1 01 op1:3 CRn:4 CRm:4 op2:3 rt:5', sys],
    // MRS/MSR (register); unallocated op0=0 encodings print the same way with s0_... names
    ['1101010100 L:1 op0:2 op1:3 CRn:4 CRm:4 op2:3 rt:5', f => {
      if (f.op0 === 1) return null;
      const name = sysRegName(f.op0, f.op1, f.CRn, f.CRm, f.op2, f.L === 1);
      return f.L ? `mrs\t${X(f.rt)}, ${name}` : `msr\t${name}, ${X(f.rt)}`;
    }],
    // Unconditional branch (register)
    ['1101011 opc:4 op2:5 op3:6 rn:5 op4:5', branchReg],
  ]);
}

function branchReg(f: Fields): string | null {
  const { opc, op2, op3, rn, op4 } = f;
  if (op2 !== 31) return null;
  if (op3 === 0) {
    if (op4 !== 0) return null;
    switch (opc) {
      case 0: return `br\t${X(rn)}`;
      case 1: return `blr\t${X(rn)}`;
      case 2: return rn === 30 ? 'ret' : `ret\t${X(rn)}`;
      case 4: return rn === 31 ? 'eret' : null;
      case 5: return rn === 31 ? 'drps' : null;
    }
    return null;
  }
  // Pointer authentication forms
  const key = op3 & 1 ? 'b' : 'a';
  if (op3 === 2 || op3 === 3) {
    switch (opc) {
      case 0: return op4 === 31 ? `bra${key}z\t${X(rn)}` : null;
      case 1: return op4 === 31 ? `blra${key}z\t${X(rn)}` : null;
      case 2: return rn === 31 && op4 === 31 ? `reta${key}` : null;
      case 4: return rn === 31 && op4 === 31 ? `ereta${key}` : null;
      case 8: return `bra${key}\t${X(rn)}, ${spOr(op4)}`;
      case 9: return `blra${key}\t${X(rn)}, ${spOr(op4)}`;
    }
  }
  return null;
}

function spOr(n: number): string {
  return n === 31 ? 'sp' : X(n);
}

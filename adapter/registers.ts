// Registers as the Variables view shows them: general registers, PSTATE decoded, system
// registers grouped and decoded field by field, FP/SIMD registers. Each node knows how to set
// itself where the hardware allows it.

import type { Cpu } from '../emulator';
import { EXCEPTION_CLASSES, faultStatus, hex } from './describe';

export interface VarNode {
  name: string;
  value: string;
  /** Child nodes, computed on demand. */
  children?: () => VarNode[];
  /** Address this value points at, for "View binary data" / the memory view. */
  memoryReference?: string;
  /** Sets the value from the user's text; returns the new display value. Absent: read-only. */
  set?: (text: string) => string;
  type?: string;
}

export function parseNumber(text: string): bigint {
  const t = text.trim().replace(/_/g, '');
  if (!/^-?(0x[0-9a-f]+|0b[01]+|\d+)$/i.test(t)) throw new Error(`not a number: ${text}`);
  return t.startsWith('-') ? BigInt.asUintN(64, -BigInt(t.slice(1))) : BigInt(t);
}

const field = (name: string, v: bigint, lo: number, width: number, meaning?: (x: number) => string): VarNode => {
  const x = Number((v >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));
  const m = meaning?.(x);
  return { name, value: width === 1 ? String(x) : `0x${x.toString(16)}${m ? ` (${m})` : ''}` };
};

const GRANULE0: Record<number, string> = { 0: '4 KiB', 1: '64 KiB', 2: '16 KiB', 3: 'reserved' };
const GRANULE1: Record<number, string> = { 1: '16 KiB', 2: '4 KiB', 3: '64 KiB', 0: 'reserved' };
const PS: Record<number, string> = { 0: '32 bits', 1: '36 bits', 2: '40 bits', 3: '42 bits', 4: '44 bits', 5: '48 bits', 6: '52 bits' };
const SH: Record<number, string> = { 0: 'non-shareable', 2: 'outer shareable', 3: 'inner shareable' };
const CACHE: Record<number, string> = { 0: 'non-cacheable', 1: 'write-back write-allocate', 2: 'write-through', 3: 'write-back no write-allocate' };

export function memAttrName(attr: number): string {
  if ((attr & 0xf0) === 0) return ['Device-nGnRnE', 'Device-nGnRE', 'Device-nGRE', 'Device-GRE'][(attr >> 2) & 3];
  const o = attr >> 4, i = attr & 15;
  const half = (x: number) => x === 4 ? 'NC' : (x & 0xc) === 0xc ? 'WB' : (x & 0xc) === 8 ? 'WT' : (x & 0xc) === 4 ? 'WB-transient' : 'WT-transient';
  return o === 4 && i === 4 ? 'Normal non-cacheable' : `Normal outer ${half(o)} inner ${half(i)}`;
}

function decodeSctlr(v: bigint): VarNode[] {
  const bits: [string, number][] = [['M (MMU)', 0], ['A (alignment check)', 1], ['C (data cache)', 2], ['SA (SP alignment EL1)', 3], ['SA0 (SP alignment EL0)', 4],
    ['UMA (EL0 DAIF access)', 9], ['I (instruction cache)', 12], ['DZE (EL0 DC ZVA)', 14], ['UCT (EL0 CTR_EL0)', 15], ['nTWI', 16], ['nTWE', 18],
    ['WXN', 19], ['E0E', 24], ['EE (big-endian)', 25], ['UCI (EL0 cache maintenance)', 26], ['SPAN', 23]];
  return bits.map(([n, b]) => field(n, v, b, 1));
}

function decodeTcr(v: bigint): VarNode[] {
  return [
    field('T0SZ', v, 0, 6, x => `${64 - x}-bit VA`), field('EPD0', v, 7, 1), field('IRGN0', v, 8, 2, x => CACHE[x]), field('ORGN0', v, 10, 2, x => CACHE[x]),
    field('SH0', v, 12, 2, x => SH[x] ?? 'reserved'), field('TG0', v, 14, 2, x => GRANULE0[x]),
    field('T1SZ', v, 16, 6, x => `${64 - x}-bit VA`), field('A1 (ASID from TTBR1)', v, 22, 1), field('EPD1', v, 23, 1),
    field('IRGN1', v, 24, 2, x => CACHE[x]), field('ORGN1', v, 26, 2, x => CACHE[x]), field('SH1', v, 28, 2, x => SH[x] ?? 'reserved'),
    field('TG1', v, 30, 2, x => GRANULE1[x]), field('IPS', v, 32, 3, x => PS[x] ?? 'reserved'), field('AS (16-bit ASID)', v, 36, 1),
    field('TBI0', v, 37, 1), field('TBI1', v, 38, 1), field('HA (hardware Access flag)', v, 39, 1), field('HD', v, 40, 1),
  ];
}

function decodeMair(v: bigint): VarNode[] {
  return Array.from({ length: 8 }, (_, i) => {
    const a = Number((v >> BigInt(8 * i)) & 0xffn);
    return { name: `Attr${i}`, value: `0x${a.toString(16).padStart(2, '0')} (${memAttrName(a)})` };
  });
}

function decodeEsr(v: bigint): VarNode[] {
  const ec = Number((v >> 26n) & 0x3fn);
  const iss = Number(v & 0x1ffffffn);
  const nodes: VarNode[] = [
    { name: 'EC', value: `0x${ec.toString(16)} (${EXCEPTION_CLASSES[ec] ?? 'unknown'})` },
    field('IL (32-bit instruction)', v, 25, 1),
    { name: 'ISS', value: `0x${iss.toString(16)}` },
  ];
  if (ec === 0x24 || ec === 0x25) {
    nodes.push({ name: 'DFSC', value: `0x${(iss & 0x3f).toString(16)} (${faultStatus(iss & 0x3f)})` }, field('WnR (write)', v, 6, 1), field('S1PTW', v, 7, 1),
      field('CM (cache maintenance)', v, 8, 1), field('EA', v, 9, 1), field('FnV (FAR not valid)', v, 10, 1), field('ISV', v, 24, 1));
    if (iss & (1 << 24)) nodes.push(field('SAS', v, 22, 2, x => `${8 << x}-bit`), field('SSE', v, 21, 1), field('SRT', v, 16, 5, x => `x${x}`), field('SF', v, 15, 1), field('AR', v, 14, 1));
  } else if (ec === 0x20 || ec === 0x21) {
    nodes.push({ name: 'IFSC', value: `0x${(iss & 0x3f).toString(16)} (${faultStatus(iss & 0x3f)})` }, field('S1PTW', v, 7, 1), field('EA', v, 9, 1), field('FnV', v, 10, 1));
  } else if (ec === 0x15 || ec === 0x16 || ec === 0x17 || ec === 0x3c) {
    nodes.push(field('imm16', v, 0, 16));
  } else if (ec === 0x18) {
    nodes.push(field('Op0', v, 20, 2), field('Op2', v, 17, 3), field('Op1', v, 14, 3), field('CRn', v, 10, 4), field('Rt', v, 5, 5, x => `x${x}`), field('CRm', v, 1, 4), field('Direction (read)', v, 0, 1));
  }
  return nodes;
}

function decodePstate(v: bigint): VarNode[] {
  const m = Number(v & 0xfn);
  return [
    field('N', v, 31, 1), field('Z', v, 30, 1), field('C', v, 29, 1), field('V', v, 28, 1),
    field('UAO', v, 23, 1), field('PAN', v, 22, 1), field('SS', v, 21, 1), field('IL', v, 20, 1),
    field('D (debug masked)', v, 9, 1), field('A (SError masked)', v, 8, 1), field('I (IRQ masked)', v, 7, 1), field('F (FIQ masked)', v, 6, 1),
    { name: 'EL', value: String(m >> 2) }, { name: 'SP', value: m & 1 ? `SP_EL${m >> 2}` : 'SP_EL0' },
    { name: 'M[3:0]', value: `0b${m.toString(2).padStart(4, '0')} (EL${m >> 2}${m & 1 ? 'h' : 't'})` },
  ];
}

function decodeTimerCtl(v: bigint): VarNode[] {
  return [field('ENABLE', v, 0, 1), field('IMASK', v, 1, 1), field('ISTATUS', v, 2, 1)];
}

function decodeTtbr(v: bigint): VarNode[] {
  return [field('ASID', v, 48, 16), { name: 'BADDR', value: hex(v & 0x0000fffffffffffen) }, field('CnP', v, 0, 1)];
}

const DECODERS: Record<string, (v: bigint) => VarNode[]> = {
  SCTLR_EL1: decodeSctlr, TCR_EL1: decodeTcr, MAIR_EL1: decodeMair, ESR_EL1: decodeEsr, SPSR_EL1: decodePstate,
  TTBR0_EL1: decodeTtbr, TTBR1_EL1: decodeTtbr, CNTP_CTL_EL0: decodeTimerCtl, CNTV_CTL_EL0: decodeTimerCtl,
};

export const SYSREG_GROUPS: Record<string, string[]> = {
  'Memory management': ['SCTLR_EL1', 'TCR_EL1', 'MAIR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'PAR_EL1', 'CONTEXTIDR_EL1', 'AMAIR_EL1'],
  'Exceptions': ['ESR_EL1', 'FAR_EL1', 'ELR_EL1', 'SPSR_EL1', 'VBAR_EL1', 'ISR_EL1', 'SP_EL0'],
  'Timer': ['CNTFRQ_EL0', 'CNTPCT_EL0', 'CNTVCT_EL0', 'CNTP_CTL_EL0', 'CNTP_CVAL_EL0', 'CNTP_TVAL_EL0', 'CNTV_CTL_EL0', 'CNTV_CVAL_EL0', 'CNTV_TVAL_EL0', 'CNTKCTL_EL1'],
  'GIC CPU interface': ['ICC_PMR_EL1', 'ICC_RPR_EL1', 'ICC_HPPIR1_EL1', 'ICC_HPPIR0_EL1', 'ICC_CTLR_EL1', 'ICC_SRE_EL1', 'ICC_IGRPEN0_EL1', 'ICC_IGRPEN1_EL1', 'ICC_BPR0_EL1', 'ICC_BPR1_EL1', 'ICC_AP0R0_EL1', 'ICC_AP1R0_EL1'],
  'Control': ['CPACR_EL1', 'ACTLR_EL1', 'TPIDR_EL0', 'TPIDR_EL1', 'TPIDRRO_EL0', 'MDSCR_EL1'],
  'Identification': ['MIDR_EL1', 'MPIDR_EL1', 'ID_AA64PFR0_EL1', 'ID_AA64PFR1_EL1', 'ID_AA64ISAR0_EL1', 'ID_AA64ISAR1_EL1', 'ID_AA64MMFR0_EL1', 'ID_AA64MMFR1_EL1', 'ID_AA64MMFR2_EL1', 'ID_AA64DFR0_EL1', 'CTR_EL0', 'DCZID_EL0', 'CLIDR_EL1'],
};

/** Registers whose reads have side effects: shown but not read until asked. */
const SIDE_EFFECT_READS = new Set(['ICC_IAR0_EL1', 'ICC_IAR1_EL1']);

function sysregNode(cpu: Cpu, name: string): VarNode | undefined {
  if (SIDE_EFFECT_READS.has(name)) return undefined;
  const v = cpu.sys.readByName(name);
  if (v === undefined) return undefined;
  const dec = DECODERS[name];
  return {
    name, value: hex(v), children: dec ? () => dec(cpu.sys.readByName(name) ?? 0n) : undefined,
    memoryReference: name === 'VBAR_EL1' || name === 'ELR_EL1' || name === 'FAR_EL1' || name === 'SP_EL0' ? hex(v) : undefined,
    set: text => { if (!cpu.sys.writeByName(name, parseNumber(text))) throw new Error(`${name} is read-only`); return hex(cpu.sys.readByName(name) ?? 0n); },
  };
}

export function generalRegisters(cpu: Cpu): VarNode[] {
  const nodes: VarNode[] = [];
  for (let i = 0; i < 31; i++) {
    nodes.push({
      name: `x${i}`, value: hex(cpu.getX(i)), memoryReference: hex(cpu.getX(i)),
      set: text => { cpu.setX(i, parseNumber(text)); return hex(cpu.getX(i)); },
    });
  }
  nodes.push({ name: 'sp', value: hex(cpu.getSP()), memoryReference: hex(cpu.getSP()), set: text => { cpu.setSP(parseNumber(text)); return hex(cpu.getSP()); } });
  nodes.push({ name: 'pc', value: hex(cpu.getPC()), memoryReference: hex(cpu.getPC()), set: text => { cpu.setPC(parseNumber(text)); return hex(cpu.getPC()); } });
  const ps = BigInt(cpu.getPstate());
  nodes.push({
    name: 'pstate', value: `${hex(ps, 8)} [${cpu.nf ? 'N' : 'n'}${cpu.zf ? 'Z' : 'z'}${cpu.cf ? 'C' : 'c'}${cpu.vf ? 'V' : 'v'} EL${cpu.el}${cpu.el && cpu.spsel ? 'h' : 't'} DAIF=${cpu.daif.toString(2).padStart(4, '0')}]`,
    children: () => decodePstate(BigInt(cpu.getPstate())),
    // NZCV and DAIF are writable; EL and SP selection change only through exceptions.
    set: text => { const v = Number(parseNumber(text) & 0xffffffffn); cpu.setNzcv(v); cpu.setDaif((v >>> 6) & 0xf); return hex(BigInt(cpu.getPstate()), 8); },
  });
  return nodes;
}

export function systemRegisterGroups(cpu: Cpu): VarNode[] {
  return Object.entries(SYSREG_GROUPS).map(([group, names]) => ({
    name: group, value: '',
    children: () => names.map(n => sysregNode(cpu, n)).filter((n): n is VarNode => n !== undefined),
  }));
}

export function fpRegisters(cpu: Cpu): VarNode[] {
  const nodes: VarNode[] = [];
  const vq = (i: number) => {
    let s = '0x';
    for (let w = 3; w >= 0; w--) s += (cpu.v[4 * i + w] >>> 0).toString(16).padStart(8, '0');
    return s;
  };
  for (let i = 0; i < 32; i++) {
    nodes.push({
      name: `v${i}`, value: vq(i),
      children: () => {
        const f64 = new Float64Array(new Int32Array([cpu.v[4 * i], cpu.v[4 * i + 1]]).buffer)[0];
        const f32 = new Float32Array(new Int32Array([cpu.v[4 * i]]).buffer)[0];
        return [{ name: 'd (double)', value: String(f64) }, { name: 's (float)', value: String(f32) },
          { name: 'd (hex)', value: hex((BigInt(cpu.v[4 * i + 1] >>> 0) << 32n) | BigInt(cpu.v[4 * i] >>> 0)) }];
      },
      set: text => {
        const v = BigInt.asUintN(128, BigInt(text.trim()));
        for (let w = 0; w < 4; w++) cpu.v[4 * i + w] = Number((v >> BigInt(32 * w)) & 0xffffffffn) | 0;
        return vq(i);
      },
    });
  }
  nodes.push({ name: 'fpcr', value: hex(BigInt(cpu.fpcr), 8), set: text => { cpu.sys.writeByName('FPCR', parseNumber(text)); return hex(BigInt(cpu.fpcr), 8); } });
  nodes.push({ name: 'fpsr', value: hex(BigInt(cpu.fpsr), 8), set: text => { cpu.sys.writeByName('FPSR', parseNumber(text)); return hex(BigInt(cpu.fpsr), 8); } });
  return nodes;
}

/** A register value by name for expressions: x0-x30, w0-w30, sp, pc, lr, fp, xzr, and system registers. */
export function registerByName(cpu: Cpu, name: string): bigint | undefined {
  const m = /^([xw])(\d+)$/.exec(name);
  if (m) {
    const n = Number(m[2]);
    if (n > 30) return undefined;
    const v = cpu.getX(n);
    return m[1] === 'w' ? v & 0xffffffffn : v;
  }
  switch (name) {
    case 'sp': return cpu.getSP();
    case 'pc': return cpu.getPC();
    case 'lr': return cpu.getX(30);
    case 'fp': return cpu.getX(29);
    case 'xzr': case 'wzr': return 0n;
    case 'pstate': case 'cpsr': return BigInt(cpu.getPstate());
    case 'nzcv': return BigInt(cpu.getNzcv());
    case 'el': case 'currentel': return BigInt(cpu.el);
    default: break;
  }
  const upper = name.toUpperCase();
  if (SIDE_EFFECT_READS.has(upper)) return undefined;
  return cpu.sys.readByName(upper);
}

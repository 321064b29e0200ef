// Debug-console commands that firmware engineers know from QEMU's monitor and GDB:
//   info registers | info tlb | info mem | translate VA | x/NFU ADDR | p EXPR | help
// Anything else is evaluated as an expression by the caller.

import type { EmulatorTarget } from './EmulatorTarget';
import { hex, describeException } from './describe';
import { coalescedRanges } from './pageTables';
import { disassemble } from '../emulator';

const HELP = `Realmscope console commands:
  info registers        general registers, PSTATE and the main system registers
  info tlb | info mem   the current stage-1 mappings, coalesced into ranges
  translate VA          the stage-1 walk of VA with every descriptor read
  x/NFU ADDR            examine memory: N units of U (b, h, w, g) in format F (x, d, u, i for instructions); ADDR may be p:0x... (physical)
  p EXPR                evaluate an expression (registers, symbols, *(uint32_t*)ADDR, + - * / & | ^ << >> ...)
Any other text is evaluated as an expression.`;

/** Runs a console command; returns its output, or undefined if `text` is not a command. */
export function runConsoleCommand(target: EmulatorTarget, text: string): string | undefined {
  const t = text.trim();
  if (t === 'help' || t === '?') return HELP;
  if (t === 'info registers' || t === 'info reg' || t === 'i r') return infoRegisters(target);
  if (t === 'info tlb' || t === 'info mem') {
    const ranges = coalescedRanges(target);
    if (ranges.length === 0) return (target.cpu.translationRegime.sctlr & 1n) === 0n ? 'stage 1 translation is off (SCTLR_EL1.M = 0): VA = PA' : 'no valid mappings';
    return ranges.map(r => `${r.va}-${hex(BigInt(r.va) + BigInt(r.size) - 1n)} -> ${r.pa}  ${r.size.padStart(12)}  ${r.attributes}`).join('\n');
  }
  let m = /^translate\s+(.+)$/.exec(t);
  if (m) return translate(target, target.evaluate(m[1]));
  m = /^x(?:\/(\d*)([a-z]*))?\s+(.+)$/.exec(t);
  if (m) {
    // GDB's x/NFU: the format and unit letters may come in either order (x/8gx, x/8xg).
    const letters = m[2] ?? '';
    const fmt = /[xduic]/.exec(letters)?.[0] ?? 'x', unit = /[bhwg]/.exec(letters)?.[0] ?? 'w';
    if (/[^xduicbhwg]/.test(letters)) throw new Error(`x/: unknown format or unit in "${letters}" (formats x d u i c, units b h w g)`);
    return examine(target, Number(m[1] || 1), fmt, unit, m[3]);
  }
  m = /^(?:p|print)\s+(.+)$/.exec(t);
  if (m) { const v = target.evaluate(m[1]); return `${hex(v)} (${BigInt.asIntN(64, v)})`; }
  return undefined;
}

function infoRegisters(target: EmulatorTarget): string {
  const cpu = target.cpu;
  const lines: string[] = [];
  for (let i = 0; i < 31; i += 4) {
    lines.push([0, 1, 2, 3].filter(k => i + k < 31).map(k => `x${String(i + k).padEnd(2)}=${hex(cpu.getX(i + k))}`).join(' '));
  }
  lines.push(`sp =${hex(cpu.getSP())} pc =${hex(cpu.getPC())} pstate=${hex(BigInt(cpu.getPstate()), 8)} EL${cpu.el}${cpu.spsel && cpu.el ? 'h' : 't'} ` +
    `${cpu.nf ? 'N' : '-'}${cpu.zf ? 'Z' : '-'}${cpu.cf ? 'C' : '-'}${cpu.vf ? 'V' : '-'} DAIF=${cpu.daif.toString(2).padStart(4, '0')}`);
  const sys = cpu.sys;
  for (const n of ['SCTLR_EL1', 'TCR_EL1', 'MAIR_EL1', 'TTBR0_EL1', 'TTBR1_EL1', 'VBAR_EL1', 'ESR_EL1', 'FAR_EL1', 'ELR_EL1', 'SPSR_EL1']) {
    lines.push(`${n.padEnd(10)}=${hex(sys.readByName(n) ?? 0n)}`);
  }
  const ec = Number((sys.esr >> 26n) & 0x3fn);
  if (sys.esr !== 0n) lines.push(`last exception: ${describeException(ec, sys.esr, sys.far, sys.elr)}`);
  return lines.join('\n');
}

function translate(target: EmulatorTarget, va: bigint): string {
  const r = target.walk(va);
  const lines = [`translate ${hex(va)} (TTBR${r.ttbrSelect ?? 0}):`];
  for (const s of r.steps) {
    lines.push(`  level ${s.level}: [${hex(s.descriptorAddress, 1)}] = ${hex(s.descriptor)}  ${s.type}${s.outputAddress !== undefined ? ` -> ${hex(s.outputAddress, 1)}` : ''}`);
  }
  if ((target.cpu.translationRegime.sctlr & 1n) === 0n) lines.push('  stage 1 translation is off: VA = PA');
  if (r.fault) lines.push(`  fault: ${r.fault.kind}, level ${r.fault.level}`);
  else if (r.pa !== undefined) lines.push(`  => PA ${hex(r.pa, 1)}${r.pageShift ? ` (${1 << Math.min(r.pageShift, 30) >> 10} KiB-granule mapping, 2^${r.pageShift} bytes)` : ''}`);
  return lines.join('\n');
}

function examine(target: EmulatorTarget, count: number, fmt: string, unit: string, addrText: string): string {
  const phys = /^\s*(p:|phys:)/i.test(addrText);
  const addr = phys ? BigInt(addrText.replace(/^\s*(p:|phys:)/i, '').trim()) : target.evaluate(addrText);
  const size = fmt === 'i' ? 4 : { b: 1, h: 2, w: 4, g: 8 }[unit as 'b' | 'h' | 'w' | 'g'];
  count = Math.min(Math.max(count, 1), 4096);
  const { data, readable } = target.readMemory(addr, count * size, phys ? 'physical' : 'virtual');
  const lines: string[] = [];
  if (fmt === 'i') {
    for (let k = 0; k < count; k++) {
      const a = addr + BigInt(4 * k);
      if ((k + 1) * 4 > readable) { lines.push(`${hex(a)}: <unreadable>`); break; }
      const w = (data[4 * k] | (data[4 * k + 1] << 8) | (data[4 * k + 2] << 16) | (data[4 * k + 3] << 24)) >>> 0;
      const sym = target.program.symbolName(a);
      lines.push(`${hex(a)}${sym ? ` <${sym}>` : ''}: ${w.toString(16).padStart(8, '0')}  ${disassemble(w, a, { symbolize: x => target.program.symbolName(x) }).text}`);
    }
    return lines.join('\n');
  }
  const perLine = Math.max(1, Math.floor(16 / size));
  for (let i = 0; i < count; i += perLine) {
    const cells: string[] = [];
    for (let k = i; k < Math.min(count, i + perLine); k++) {
      if ((k + 1) * size > readable) { cells.push('<unreadable>'); break; }
      let v = 0n;
      for (let b = size - 1; b >= 0; b--) v = (v << 8n) | BigInt(data[k * size + b]);
      cells.push(fmt === 'd' ? String(BigInt.asIntN(size * 8, v)) : fmt === 'u' ? String(v) : fmt === 'c' ? JSON.stringify(String.fromCharCode(Number(v))) : '0x' + v.toString(16).padStart(size * 2, '0'));
    }
    lines.push(`${hex(addr + BigInt(i * size))}: ${cells.join(' ')}`);
    if (cells[cells.length - 1] === '<unreadable>') break;
  }
  return lines.join('\n');
}

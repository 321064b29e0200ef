// Debug-console commands that firmware engineers know from QEMU's monitor and GDB:
//   info registers | info tlb | info mem | translate VA | x/NFU ADDR | p EXPR
//   add-symbol-file | remove-symbol-file | info files | info symbol ADDR | info images | help
// Anything else is evaluated as an expression by the caller.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { EmulatorTarget } from './EmulatorTarget';
import { hex, describeException } from './describe';
import { coalescedRanges } from './pageTables';
import { disassemble, VIRT } from '../emulator';
import { uefiLoadedImages } from './uefiImages';

const HELP = `Realmscope console commands:
  info registers        general registers, PSTATE and the main system registers
  info tlb | info mem   the current stage-1 mappings, coalesced into ranges
  translate VA          the stage-1 walk of VA with every descriptor read
  x/NFU ADDR            examine memory: N units of U (b, h, w, g) in format F (x, d, u, i for instructions); ADDR may be p:0x... (physical)
  p EXPR                evaluate an expression (registers, symbols, *(uint32_t*)ADDR, + - * / & | ^ << >> ...)
  add-symbol-file FILE [ADDR] [-o OFFSET]
                        load an ELF's symbols and DWARF with .text at ADDR (the whole file moves by
                        ADDR - its .text link address) or moved by OFFSET; e.g. for U-Boot after
                        relocation: add-symbol-file u-boot $x0 when stopped at relocate_code
  remove-symbol-file FILE | -a ADDR
                        unload a symbol file (every copy), or the one whose symbols cover ADDR
  info files            the loaded symbol files and their offsets
  info images           the images UEFI has loaded (its debug image info table): base, size, module
  info symbol ADDR      the symbol at ADDR and the file it comes from (or the PE/TE image, as EDK2 loads them)
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
  m = /^add-symbol-file(?:\s+(.*))?$/.exec(t);
  if (m) return addSymbolFile(target, words(m[1] ?? ''));
  m = /^remove-symbol-file(?:\s+(.*))?$/.exec(t);
  if (m) return removeSymbolFile(target, words(m[1] ?? ''));
  if (t === 'info files' || t === 'info symbol-files') return infoFiles(target);
  if (t === 'info images' || t === 'info sharedlibrary') return infoImages(target);
  m = /^info\s+symbol\s+(.+)$/.exec(t);
  if (m) return infoSymbol(target, target.evaluate(m[1]));
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

/** Splits a command line into words; "double quotes" keep spaces in a path. */
function words(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2]);
  return out;
}

/** A path as GDB takes it: `~/` is the home folder, a relative path is from the launch's cwd. */
function symbolFilePath(target: EmulatorTarget, file: string): string {
  if (file === '~' || file.startsWith('~/')) return path.join(os.homedir(), file.slice(1));
  return path.resolve(target.program.sourceRoot, file);
}

/** GDB's add-symbol-file FILE [TEXTADDR] [-o OFFSET]. GDB moves only the sections it is told
 *  about; here the whole file moves by one offset, as firmware that copies itself (U-Boot's
 *  relocate_code) moves all of it. */
function addSymbolFile(target: EmulatorTarget, args: string[]): string {
  const [file, ...rest] = args;
  const usage = 'usage: add-symbol-file FILE [ADDR] [-o OFFSET]';
  if (!file) throw new Error(usage);
  const p = symbolFilePath(target, file);
  if (!fs.existsSync(p) || !fs.statSync(p).isFile()) throw new Error(`add-symbol-file: no such file: ${p}`);
  let offset: bigint | undefined;
  const addr: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '-o') {
      if (rest[i + 1] === undefined) throw new Error(`add-symbol-file: -o needs an offset; ${usage}`);
      offset = BigInt.asUintN(64, target.evaluate(rest[++i]));
    } else if (rest[i] === '-readnow' || rest[i] === '-readnever') {
      // GDB's reading strategy: symbols are always read at once here.
    } else if (rest[i].startsWith('-')) {
      throw new Error(`add-symbol-file: option ${rest[i]} is not supported; ${usage}`);
    } else addr.push(rest[i]);
  }
  const textAddr = addr.length > 0 ? addr.join(' ') : undefined;
  const bytes = new Uint8Array(fs.readFileSync(p));
  if (textAddr !== undefined) {
    const text = target.program.textLinkAddress(bytes, p);
    if (text === undefined) throw new Error(`add-symbol-file: ${p} has no .text section; give -o OFFSET instead`);
    offset = BigInt.asUintN(64, (offset ?? 0n) + target.evaluate(textAddr) - text);
  }
  offset ??= 0n;
  if (target.program.files.some(f => f.path === p && f.offset === offset)) return `${p} is already loaded at offset ${hex(offset)}`;
  const warnings = target.program.addElf(bytes, p, offset);
  const f = target.program.files[target.program.files.length - 1];
  const what = `${f.symbols.length} symbols, ${f.dwarf ? 'DWARF line tables and call frames' : 'no DWARF'}`;
  return [
    `add symbol table from file "${p}"${f.textAddress !== undefined ? ` at .text_addr = ${hex(BigInt.asUintN(64, f.textAddress + offset))}` : ''} (offset ${hex(offset)}): ${what}`,
    ...warnings.map(w => `warning: ${w}`),
  ].join('\n');
}

function removeSymbolFile(target: EmulatorTarget, args: string[]): string {
  if (args[0] === '-a') {
    if (args.length < 2) throw new Error('usage: remove-symbol-file -a ADDR');
    const a = target.evaluate(args.slice(1).join(' '));
    const f = target.program.fileAt(a);
    if (!f) throw new Error(`remove-symbol-file: no symbol file covers ${hex(a)}`);
    target.program.removeFile(f.path, f.offset);
    return `removed "${f.path}" (offset ${hex(f.offset)})`;
  }
  if (args.length !== 1) throw new Error('usage: remove-symbol-file FILE | -a ADDR');
  const p = symbolFilePath(target, args[0]);
  const n = target.program.removeFile(p);
  if (n === 0) throw new Error(`remove-symbol-file: "${p}" is not loaded (see info files)`);
  return `removed "${p}"${n > 1 ? ` (${n} copies)` : ''}`;
}

function infoFiles(target: EmulatorTarget): string {
  const files = target.program.files;
  if (files.length === 0) return 'no symbol files (the program is not an ELF; use add-symbol-file or the "symbols" launch attribute)';
  return files.map(f => `${f.path}: offset ${hex(f.offset)}${f.textAddress !== undefined ? `, .text at ${hex(BigInt.asUintN(64, f.textAddress + f.offset))}` : ''}, ` +
    `${f.symbols.length} symbols${f.dwarf ? ', DWARF' : ''}`).join('\n');
}

function infoSymbol(target: EmulatorTarget, a: bigint): string {
  const s = target.program.symbolAt(a);
  if (!s) {
    const img = target.images.imageAt(a);
    if (img) return `${img.name} + ${a - img.base} (${img.format} image at ${hex(img.base)}, ${img.size} bytes${img.path ? `, ${img.path}` : ''})`;
    return `No symbol matches ${hex(a)}.`;
  }
  const f = target.program.fileAt(a);
  return `${s.name}${s.offset ? ` + ${s.offset}` : ''}${f ? ` in ${f.path}${f.offset ? ` (offset ${hex(f.offset)})` : ''}` : ''}`;
}

function infoImages(target: EmulatorTarget): string {
  const list = uefiLoadedImages((a, n) => target.cpu.debugRead(a, n), BigInt(VIRT.RAM), BigInt(target.board.ramSize));
  if (!Array.isArray(list)) return `No UEFI images: ${list.missing}.`;
  return [`${list.length} images loaded by UEFI:`, ...list.map(i => `${hex(i.base)}-${hex(i.base + i.size - 1n)}  ${i.name.padEnd(28)} ${i.path ?? ''}`.trimEnd())].join('\n');
}

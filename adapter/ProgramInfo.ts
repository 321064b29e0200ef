// What the debugger knows about the program: symbols from the ELF files (the program and the
// extra `symbols` files, each at its load offset) and, where present, their DWARF line tables
// and call-frame information.

import * as fs from 'fs';
import * as path from 'path';
import { parseElf, ElfSymbol } from '../emulator';
import { loadDebugInfo } from './debuginfo';

export interface SourceLocation { path: string; line: number; column?: number; }

/** The DWARF side of one ELF file (filled in by the debug-information reader when present). */
export interface DwarfProvider {
  lineAt(address: bigint): SourceLocation | undefined;
  addressesForLine(path: string, line: number): bigint[];
  /** The caller's x29, x30 (its PC is the return address), SP; undefined when there is no CFI.
   *  `isReturnAddress`: pc is a caller frame's return address (rules are looked up at pc - 1). */
  unwind?(pc: bigint, reg: (n: number) => bigint, read64: (addr: bigint) => bigint | undefined, isReturnAddress: boolean): { pc: bigint; sp: bigint; fp: bigint; lr: bigint } | undefined;
  functionAt?(address: bigint): string | undefined;
}

interface Sym { name: string; address: bigint; size: bigint; }

export class ProgramInfo {
  private byAddress: Sym[] = [];
  private byName = new Map<string, bigint>();
  readonly dwarf: { provider: DwarfProvider; offset: bigint }[] = [];
  /** Relative source paths in DWARF (built with -ffile-prefix-map) are resolved against this. */
  sourceRoot = process.cwd();

  /** Adds an ELF file's symbols (functions and objects) at `offset`. */
  addElf(bytes: Uint8Array, name: string, offset = 0n): void {
    const elf = parseElf(bytes, name);
    for (const s of elf.symbols) this.addSymbol(s, offset);
    this.byAddress.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  addElfFile(path: string, offset = 0n): Uint8Array {
    const bytes = new Uint8Array(fs.readFileSync(path));
    this.addElf(bytes, path, offset);
    this.addDwarfOf(bytes, path, offset);
    return bytes;
  }

  /** Adds the DWARF line table, subprograms and CFI of an ELF file, if it has them. Returns
   *  warnings about unusable sections (the symbols still work). */
  addDwarfOf(bytes: Uint8Array, name: string, offset = 0n): string[] {
    const di = loadDebugInfo(bytes, offset, name);
    if (!di.hasDwarf && !di.frames) return di.warnings;
    // The reader applies the load offset itself: addresses here are run-time addresses.
    this.addDwarf({
      lineAt: a => { const l = di.sourceLocation(a); return l ? { path: l.file, line: l.line, column: l.column || undefined } : undefined; },
      addressesForLine: (p, line) => di.breakpointAddresses(p, line)?.addresses ?? [],
      unwind: (pc, reg, read64, isReturnAddress) => {
        const r = di.unwind(pc, reg, read64, { isReturnAddress });
        return r.kind === 'caller' ? { pc: r.pc, sp: r.sp, fp: r.x29, lr: r.x30 } : undefined;
      },
      functionAt: a => { const f = di.functionAt(a); return f?.source === 'dwarf' ? f.name : undefined; },
    }, 0n);
    return di.warnings;
  }

  addDwarf(provider: DwarfProvider, offset: bigint): void { this.dwarf.push({ provider, offset }); }

  private addSymbol(s: ElfSymbol, offset: bigint): void {
    if (s.type !== 'func' && s.type !== 'object' && s.type !== 'notype') return;
    if (s.name.startsWith('$')) return; // mapping symbols ($x, $d)
    const address = BigInt.asUintN(64, s.value + offset);
    this.byAddress.push({ name: s.name, address, size: BigInt(s.size) });
    if (!this.byName.has(s.name) || s.global) this.byName.set(s.name, address);
  }

  addressOf(name: string): bigint | undefined { return this.byName.get(name); }

  /** The symbol containing (or, for unsized symbols, preceding) an address, as objdump shows it. */
  symbolAt(address: bigint): { name: string; offset: bigint } | undefined {
    const a = this.byAddress;
    let lo = 0, hi = a.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid].address <= address) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    // Prefer a sized symbol that covers the address among those at the same start.
    const s = a[best];
    if (s.size > 0n && address >= s.address + s.size) return undefined;
    return { name: s.name, offset: address - s.address };
  }

  symbolName(address: bigint): string | undefined {
    const s = this.symbolAt(address);
    return s ? (s.offset === 0n ? s.name : `${s.name}+0x${s.offset.toString(16)}`) : undefined;
  }

  lineAt(address: bigint): SourceLocation | undefined {
    for (const d of this.dwarf) {
      const l = d.provider.lineAt(address - d.offset);
      if (l) return path.isAbsolute(l.path) ? l : { ...l, path: path.resolve(this.sourceRoot, l.path) };
    }
    return undefined;
  }

  addressesForLine(path: string, line: number): bigint[] {
    const out: bigint[] = [];
    for (const d of this.dwarf) for (const a of d.provider.addressesForLine(path, line)) out.push(a + d.offset);
    return out;
  }

  functionAt(address: bigint): string | undefined {
    for (const d of this.dwarf) {
      const f = d.provider.functionAt?.(address - d.offset);
      if (f) return f;
    }
    return this.symbolAt(address)?.name;
  }

  get symbolCount(): number { return this.byAddress.length; }
}

// What the debugger knows about the program: the symbol files loaded so far (the program's own ELF,
// the launch configuration's `symbols`, and files added from the console with add-symbol-file),
// each at its load offset, with their symbols and, where present, DWARF line tables, subprograms
// and call-frame information. The same file may be loaded at several offsets, as firmware that
// relocates itself (U-Boot) runs the same code at its link address and then at its copy.

import * as fs from 'fs';
import * as path from 'path';
import { parseElf, ElfSymbol } from '../emulator';
import { loadDebugInfo, DebugInfo } from './debuginfo';

export interface SourceLocation { path: string; line: number; column?: number; }

/** The DWARF side of one ELF file (filled in by the debug-information reader when present).
 *  Addresses are run-time addresses: the reader applies the file's load offset itself. */
export interface DwarfProvider {
  lineAt(address: bigint): SourceLocation | undefined;
  addressesForLine(path: string, line: number): bigint[];
  /** The caller's x29, x30 (its PC is the return address), SP; undefined when no CFI covers pc.
   *  `isReturnAddress`: pc is a caller frame's return address (rules are looked up at pc - 1). */
  unwind?(pc: bigint, reg: (n: number) => bigint, read64: (addr: bigint) => bigint | undefined, isReturnAddress: boolean): { pc: bigint; sp: bigint; fp: bigint; lr: bigint } | undefined;
  functionAt?(address: bigint): string | undefined;
}

interface Sym { name: string; address: bigint; size: bigint; global: boolean; }

/** One loaded symbol file, as `info files` lists it. */
export interface SymbolFile {
  path: string;
  offset: bigint;
  /** Link address of .text (the address GDB's add-symbol-file takes), if the file has one. */
  textAddress?: bigint;
  symbols: Sym[];
  dwarf?: DwarfProvider;
}

export class ProgramInfo {
  readonly files: SymbolFile[] = [];
  private byAddress: Sym[] = [];
  private byName = new Map<string, bigint[]>();
  /** Relative source paths in DWARF (built with -ffile-prefix-map) are resolved against this. */
  sourceRoot = process.cwd();
  private resolvedPaths = new Map<string, string>();
  /** Called after every change to the loaded files (breakpoints are resolved again then). */
  private listeners: (() => void)[] = [];

  /** Parsed files by path: a second copy of the same file (a relocated program) reuses the parse,
   *  which for U-Boot's DWARF takes a few hundred milliseconds. */
  private parsed = new Map<string, { bytes: Uint8Array; elf: ReturnType<typeof parseElf>; di: DebugInfo; offset: bigint; warned: boolean }>();

  /** Adds an ELF file's symbols and debug information at `offset`; returns warnings about
   *  unusable debug sections (the symbols still work), once per file. */
  addElf(bytes: Uint8Array, name: string, offset = 0n): string[] {
    const parse = this.parse(bytes, name, offset);
    const { elf, di } = parse;
    // The parse's addresses are for its own offset; this copy is `delta` away from it.
    const delta = BigInt.asUintN(64, offset - parse.offset);
    const at = (a: bigint) => BigInt.asUintN(64, a - delta), back = (a: bigint) => BigInt.asUintN(64, a + delta);
    const text = elf.sections.find(s => s.name === '.text');
    const file: SymbolFile = { path: name, offset, textAddress: text?.addr, symbols: [] };
    for (const s of elf.symbols) {
      if (s.type !== 'func' && s.type !== 'object' && s.type !== 'notype') continue;
      if (s.name === '' || s.name.startsWith('$')) continue; // mapping symbols ($x, $d)
      file.symbols.push(symbolAt(s, offset));
    }
    if (di.hasDwarf || di.frames) {
      file.dwarf = {
        lineAt: a => { const l = di.sourceLocation(at(a)); return l ? { path: l.file, line: l.line, column: l.column || undefined } : undefined; },
        addressesForLine: (p, line) => (di.breakpointAddresses(p, line)?.addresses ?? []).map(back),
        unwind: (pc, reg, read64, isReturnAddress) => {
          const r = di.unwind(at(pc), reg, read64, { isReturnAddress });
          return r.kind === 'caller' ? { pc: r.pc, sp: r.sp, fp: r.x29, lr: r.x30 } : undefined;
        },
        functionAt: a => { const f = di.functionAt(at(a)); return f?.source === 'dwarf' ? f.name : undefined; },
      };
    }
    this.files.push(file);
    this.reindex();
    const warnings = parse.warned ? [] : di.warnings;
    parse.warned = true;
    return warnings;
  }

  /** The parse of a file's bytes: the cached one when the same bytes were parsed before. */
  private parse(bytes: Uint8Array, name: string, offset: bigint) {
    const cached = this.parsed.get(name);
    if (cached && Buffer.compare(cached.bytes, bytes) === 0) return cached;
    const parse = { bytes, elf: parseElf(bytes, name), di: loadDebugInfo(bytes, offset, name), offset, warned: false };
    this.parsed.set(name, parse);
    return parse;
  }

  /** The link address of a file's .text (what GDB's add-symbol-file ADDR refers to); the parse is
   *  kept for the addElf that follows. */
  textLinkAddress(bytes: Uint8Array, name: string): bigint | undefined {
    return this.parse(bytes, name, 0n).elf.sections.find(s => s.name === '.text')?.addr;
  }

  addElfFile(file: string, offset = 0n): string[] {
    return this.addElf(new Uint8Array(fs.readFileSync(file)), file, offset);
  }

  /** Removes every copy of a symbol file (all offsets, or just `offset`); returns how many. */
  removeFile(file: string, offset?: bigint): number {
    const before = this.files.length;
    for (let i = this.files.length - 1; i >= 0; i--) {
      if (this.files[i].path === file && (offset === undefined || this.files[i].offset === offset)) this.files.splice(i, 1);
    }
    if (this.files.length !== before) this.reindex();
    return before - this.files.length;
  }

  onChange(listener: () => void): void { this.listeners.push(listener); }

  private reindex(): void {
    this.byAddress = this.files.flatMap(f => f.symbols).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    this.byName.clear();
    for (const f of this.files) {
      for (const s of f.symbols) {
        const list = this.byName.get(s.name);
        if (!list) this.byName.set(s.name, [s.address]);
        else if (!list.includes(s.address)) {
          // The first address stands for the name in expressions: a global definition wins.
          if (s.global) list.unshift(s.address); else list.push(s.address);
        }
      }
    }
    for (const l of this.listeners) l();
  }

  /** The address a name stands for in expressions. */
  addressOf(name: string): bigint | undefined { return this.byName.get(name)?.[0]; }

  /** Every address a name has: static functions of the same name in several files, and the
   *  copies of a file loaded at several offsets. */
  addressesOf(name: string): bigint[] { return this.byName.get(name) ?? []; }

  /** The symbol containing (or, for unsized symbols, preceding) an address, as objdump shows it. */
  symbolAt(address: bigint): { name: string; offset: bigint } | undefined {
    const a = this.byAddress;
    let lo = 0, hi = a.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid].address <= address) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    const s = a[best];
    if (s.size > 0n && address >= s.address + s.size) return undefined;
    return { name: s.name, offset: address - s.address };
  }

  symbolName(address: bigint): string | undefined {
    const s = this.symbolAt(address);
    return s ? (s.offset === 0n ? s.name : `${s.name}+0x${s.offset.toString(16)}`) : undefined;
  }

  /** The symbol file whose symbols cover an address (for `info symbol`). */
  fileAt(address: bigint): SymbolFile | undefined {
    for (const f of this.files) {
      for (const s of f.symbols) if (address >= s.address && address < s.address + (s.size || 1n)) return f;
    }
    return undefined;
  }

  lineAt(address: bigint): SourceLocation | undefined {
    for (const f of this.files) {
      const l = f.dwarf?.lineAt(address);
      if (l) return { ...l, path: this.sourcePath(l.path) };
    }
    return undefined;
  }

  /** Where a DWARF path is on this machine. Relative paths are taken from the source root (the
   *  launch's cwd). When that file does not exist, as with a build whose prefix map made the
   *  compilation directory relative (U-Boot's `debian/build/qemu_arm64` + `common/board_r.c`) or
   *  a build made on another machine, the longest trailing part of the path that exists under the
   *  source root is used, as GDB finds such files through its source path. */
  sourcePath(p: string): string {
    const known = this.resolvedPaths.get(p);
    if (known !== undefined) return known;
    let out = path.isAbsolute(p) ? p : path.resolve(this.sourceRoot, p);
    if (!fs.existsSync(out)) {
      const parts = p.split(/[\\/]+/).filter(s => s !== '' && s !== '.');
      for (let i = 1; i < parts.length; i++) {
        const candidate = path.join(this.sourceRoot, ...parts.slice(i));
        if (fs.existsSync(candidate)) { out = candidate; break; }
      }
    }
    this.resolvedPaths.set(p, out);
    return out;
  }

  addressesForLine(file: string, line: number): bigint[] {
    const out: bigint[] = [];
    // The client sends the path it found (under the source root); the DWARF may name the file by
    // another prefix, so the part under the source root is tried as a trailing part too.
    const rel = path.relative(this.sourceRoot, file);
    const queries = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? [file, rel] : [file];
    for (const f of this.files) {
      if (!f.dwarf) continue;
      for (const q of queries) {
        const found = f.dwarf.addressesForLine(q, line);
        if (found.length === 0) continue;
        for (const a of found) if (!out.includes(a)) out.push(a);
        break;
      }
    }
    return out;
  }

  functionAt(address: bigint): string | undefined {
    for (const f of this.files) {
      const name = f.dwarf?.functionAt?.(address);
      if (name) return name;
    }
    return this.symbolAt(address)?.name;
  }

  /** The caller of the frame at pc, from the call-frame information of whichever file covers
   *  pc; undefined when none does. */
  unwind(pc: bigint, reg: (n: number) => bigint, read64: (addr: bigint) => bigint | undefined, isReturnAddress: boolean): { pc: bigint; sp: bigint; fp: bigint; lr: bigint } | undefined {
    for (const f of this.files) {
      const c = f.dwarf?.unwind?.(pc, reg, read64, isReturnAddress);
      if (c) return c;
    }
    return undefined;
  }

  get symbolCount(): number { return this.byAddress.length; }
}

function symbolAt(s: ElfSymbol, offset: bigint): Sym {
  return { name: s.name, address: BigInt.asUintN(64, s.value + offset), size: BigInt(s.size), global: s.global };
}

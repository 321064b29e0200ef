// The debug-information layer of the debug adapter: ELF symbols, DWARF line tables, compile units
// and subprograms, and call frame information, for one ELF file loaded at an optional offset.
// Malformed or truncated DWARF never throws here: each problem becomes one line in `warnings` and
// the rest of the information is still used (a file with no usable DWARF still has its symbols).

import { parseElf } from '../../emulator';
import type { ElfImage } from '../../emulator';
import { SymbolTable, SymbolInfo, SymbolLocation } from './SymbolTable';
import { LineTable, SourceLocation, LineBreakpoint } from './DwarfLine';
import { DwarfInfo, Subprogram, CompileUnit } from './DwarfInfo';
import { CallFrameInfo, UnwindOptions, UnwindResult } from './DwarfFrame';
import { DwarfError, Section, hex, MASK64 } from './reader';

export { SymbolTable, LineTable, DwarfInfo, CallFrameInfo, DwarfError };
export type { SymbolInfo, SymbolLocation, SourceLocation, LineBreakpoint, Subprogram, CompileUnit, UnwindOptions, UnwindResult };
export type { CallerFrame, RuleRow, RegisterRule, CfaRule, Fde, Cie } from './DwarfFrame';
export type { LineRow, LineUnit, LineSequence, LineFileEntry } from './DwarfLine';
export type { AddressRange, FrameBase } from './DwarfInfo';

const SHT_NOBITS = 8;

export interface FunctionInfo {
  name: string;
  /** Run-time start of the range containing the address (or of the symbol). */
  start: bigint;
  /** End of that range when known. */
  end?: bigint;
  source: 'dwarf' | 'symbol';
  subprogram?: Subprogram;
  symbol?: SymbolInfo;
}

export interface FunctionBreakpoint {
  name: string;
  /** The function's entry point (run-time). */
  entry: bigint;
  /** Where a debugger stops for `break name`: the first address whose line differs from the
   *  entry's (the end of the prologue's line), or the entry when the line table says nothing. */
  afterPrologue: bigint;
  file?: string;
  line?: number;
}

export class DebugInfo {
  readonly symbols: SymbolTable;
  readonly lines?: LineTable;
  readonly info?: DwarfInfo;
  readonly frames?: CallFrameInfo;
  /** One line per problem found in the debug sections (the affected part is left out). */
  readonly warnings: string[] = [];

  constructor(readonly image: ElfImage, readonly loadOffset: bigint = 0n, readonly name = 'image') {
    this.symbols = new SymbolTable(image.symbols, loadOffset);
    const sec = (n: string): Section | undefined => this.section(n);
    const str = sec('.debug_str'), lineStr = sec('.debug_line_str');
    const infoSec = sec('.debug_info');
    if (infoSec) {
      try {
        this.info = new DwarfInfo({
          info: infoSec, abbrev: sec('.debug_abbrev'), str, lineStr, strOffsets: sec('.debug_str_offsets'),
          addr: sec('.debug_addr'), ranges: sec('.debug_ranges'), rnglists: sec('.debug_rnglists'),
        }, loadOffset);
        this.warnings.push(...this.info.errors);
      } catch (e) {
        this.warn(e);
      }
    }
    const lineSec = sec('.debug_line');
    if (lineSec) {
      const compDirs = new Map<number, string>();
      const extra: number[] = [];
      for (const cu of this.info?.units ?? []) {
        if (cu.stmtList === undefined) continue;
        extra.push(cu.stmtList);
        if (cu.compDir !== undefined) compDirs.set(cu.stmtList, cu.compDir);
      }
      try {
        this.lines = new LineTable(lineSec, { compDirs, extraOffsets: extra, str, lineStr, loadOffset });
        this.warnings.push(...this.lines.errors);
      } catch (e) {
        this.warn(e);
      }
    }
    if (this.info && this.lines) {
      for (const cu of this.info.units) {
        const lu = cu.stmtList !== undefined ? this.lines.unitAt(cu.stmtList) : undefined;
        if (!lu) continue;
        for (const fn of cu.subprograms) if (fn.declFile !== undefined) fn.declFilePath = lu.files[fn.declFile]?.path;
      }
    }
    const debugFrame = sec('.debug_frame'), ehFrame = sec('.eh_frame');
    if (debugFrame || ehFrame) {
      try {
        this.frames = new CallFrameInfo({ debugFrame, ehFrame }, loadOffset);
        this.warnings.push(...this.frames.errors);
      } catch (e) {
        this.warn(e);
      }
    }
  }

  /** True when the file has line tables or subprograms (not just symbols). */
  get hasDwarf(): boolean {
    return (this.lines?.units.length ?? 0) > 0 || (this.info?.functions.length ?? 0) > 0;
  }

  private warn(e: unknown): void {
    if (e instanceof DwarfError) this.warnings.push(e.message);
    else throw e;
  }

  /** A section's contents, or undefined (with a warning when it is present but unusable). */
  section(name: string): Section | undefined {
    const s = this.image.sections.find(x => x.name === name);
    if (!s || s.type === SHT_NOBITS || s.size === 0) return undefined;
    if (s.offset + s.size > this.image.bytes.length) {
      this.warnings.push(`${this.name}: ${name} (offset ${hex(s.offset)}, ${s.size} bytes) runs past the end of the file (${this.image.bytes.length} bytes); ignored`);
      return undefined;
    }
    const data = this.image.bytes.subarray(s.offset, s.offset + s.size);
    if (name.startsWith('.debug') && data.length >= 4 && data[0] === 0x5a && data[1] === 0x4c && data[2] === 0x49 && data[3] === 0x42) {
      this.warnings.push(`${this.name}: ${name} is compressed (zlib), which is not supported; ignored`);
      return undefined;
    }
    return { name, data, addr: s.addr };
  }

  /** The source line of a run-time address. */
  sourceLocation(pc: bigint): SourceLocation | undefined { return this.lines?.lookup(pc); }

  /** The function containing a run-time address: DWARF first, then the symbol table. */
  functionAt(pc: bigint): FunctionInfo | undefined {
    const fn = this.info?.functionAt(pc);
    if (fn) {
      const rg = fn.ranges.find(r => r.start <= pc && pc < r.end)!;
      return { name: fn.name ?? fn.linkageName ?? `<DIE ${hex(fn.offset)}>`, start: rg.start, end: rg.end, source: 'dwarf', subprogram: fn };
    }
    const s = this.symbols.lookupAddress(pc);
    if (s && s.symbol.type !== 'object') {
      return { name: s.symbol.name, start: s.symbol.address, end: s.symbol.size ? s.symbol.address + BigInt(s.symbol.size) : undefined, source: 'symbol', symbol: s.symbol };
    }
    return undefined;
  }

  /** `sym+0xoff` (objdump style) or the bare hex address. */
  describeAddress(pc: bigint): string {
    return this.symbols.lookupAddress(pc)?.text ?? hex(pc & MASK64);
  }

  sourceFiles(): string[] { return this.lines?.sourceFiles() ?? []; }

  /** Breakpoint addresses for a source line: one per function that has code for the line (or
   *  for the next line that has code). */
  breakpointAddresses(file: string, line: number): LineBreakpoint | undefined {
    if (!this.lines) return undefined;
    const info = this.info;
    const off = this.loadOffset;
    return this.lines.breakpointAddresses(file, line, info ? (link => {
      const fn = info.functionAt((link + off) & MASK64);
      return fn ? fn : undefined;
    }) : undefined);
  }

  /** Breakpoints for a function name: every DWARF subprogram with code of that name, else the
   *  function symbol. */
  functionBreakpoints(name: string): FunctionBreakpoint[] {
    const out: FunctionBreakpoint[] = [];
    for (const fn of this.info?.functionsNamed(name) ?? []) {
      const entry = fn.lowPc !== undefined && fn.ranges.some(r => r.start === fn.lowPc) ? fn.lowPc : fn.ranges.reduce((m, r) => (r.start < m ? r.start : m), MASK64);
      const range = fn.ranges.find(r => r.start === entry)!;
      out.push({ name, entry, afterPrologue: this.afterPrologue(entry, range.end), file: fn.declFilePath, line: fn.declLine });
    }
    if (out.length === 0) {
      for (const s of this.symbols.lookupAll(name)) {
        if (s.type !== 'func' && s.type !== 'notype') continue;
        const end = s.size ? s.address + BigInt(s.size) : s.address + 0x1000n;
        out.push({ name, entry: s.address, afterPrologue: this.lines ? this.afterPrologue(s.address, end) : s.address });
      }
    }
    return out;
  }

  private afterPrologue(entry: bigint, end: bigint): bigint {
    const rows = this.lines?.rowsIn(entry, end) ?? [];
    if (rows.length === 0 || rows[0].address !== entry) return entry;
    const first = rows[0];
    for (const r of rows) {
      if (r.line !== first.line && r.line !== 0 && r.isStmt) return r.address;
    }
    return entry;
  }

  /** One CFI unwinding step (see CallFrameInfo.unwind); `no-cfi` when the file has none. */
  unwind(pc: bigint, regs: (n: number) => bigint, readMemory64: (addr: bigint) => bigint | undefined, opts: UnwindOptions = {}): UnwindResult {
    return this.frames ? this.frames.unwind(pc, regs, readMemory64, opts) : { kind: 'no-cfi' };
  }
}

/** Reads an ELF file's symbols and debug information. Throws (an ImageError, one line) only
 *  when the ELF file itself is unusable; DWARF problems become `warnings`. */
export function loadDebugInfo(elfBytes: Uint8Array, loadOffset: bigint = 0n, name = 'image'): DebugInfo {
  const image = parseElf(elfBytes, name);
  return new DebugInfo(image, loadOffset & MASK64, name);
}

// .debug_line (DWARF 2-5): unit headers, the file and directory tables (v5 entry formats), the
// line-number program, and the queries a debugger needs: address -> source line, source line ->
// breakpoint addresses, the list of source files.

import { DwarfError, Reader, Section, hex, joinPath, pathMatches, stringAt, MASK64 } from './reader';

export interface LineRow {
  address: bigint;
  /** Index into the unit's file table (v5: 0-based; v2-4: 1-based, as in the program). */
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  endSequence: boolean;
  discriminator: number;
}

export interface LineFileEntry {
  /** The name as written in the table. */
  name: string;
  /** The directory entry's name ('' if none). */
  dir: string;
  /** The name resolved against its directory and the compilation directory. */
  path: string;
  md5?: string;
}

export interface LineSequence {
  unit: LineUnit;
  rows: LineRow[];
  /** [start, end) of the sequence (end = the end_sequence row's address). */
  start: bigint;
  end: bigint;
}

export interface LineUnit {
  offset: number;
  version: number;
  addressSize: number;
  minInstLength: number;
  maxOpsPerInst: number;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  includeDirs: string[];
  /** The file table, indexed as the program indexes it (v2-4: entry 0 is a placeholder). */
  files: (LineFileEntry | undefined)[];
  compDir: string;
  sequences: LineSequence[];
}

export interface SourceLocation {
  /** Resolved path. */
  file: string;
  line: number;
  column: number;
  /** Run-time address of the row. */
  address: bigint;
  isStmt: boolean;
}

export interface LineBreakpoint {
  /** The line the addresses belong to (the requested line, or the next one with code). */
  line: number;
  file: string;
  addresses: bigint[];
}

export interface LineTableOptions {
  /** Compilation directory per .debug_line offset (DW_AT_stmt_list), from .debug_info; v2-4
   *  tables do not record it themselves. */
  compDirs?: Map<number, string>;
  /** Unit offsets (DW_AT_stmt_list values) to read besides the ones found by walking the
   *  section from the start (a section with padding between units, or a damaged unit). */
  extraOffsets?: number[];
  lineStr?: Section;
  str?: Section;
  loadOffset?: bigint;
}

// Standard opcodes.
const LNS_copy = 1, LNS_advance_pc = 2, LNS_advance_line = 3, LNS_set_file = 4, LNS_set_column = 5,
  LNS_negate_stmt = 6, LNS_set_basic_block = 7, LNS_const_add_pc = 8, LNS_fixed_advance_pc = 9,
  LNS_set_prologue_end = 10, LNS_set_epilogue_begin = 11, LNS_set_isa = 12;
// Extended opcodes.
const LNE_end_sequence = 1, LNE_set_address = 2, LNE_define_file = 3, LNE_set_discriminator = 4;
// v5 entry content types.
const LNCT_path = 1, LNCT_directory_index = 2, LNCT_timestamp = 3, LNCT_size = 4, LNCT_MD5 = 5;

/** Every unit of a .debug_line section. Errors in one unit are reported in `errors` and the
 *  rest of the section is still read when the unit's length allows it. */
export class LineTable {
  readonly units: LineUnit[] = [];
  readonly errors: string[] = [];
  readonly loadOffset: bigint;
  /** All sequences sorted by start address. */
  private readonly seqs: LineSequence[] = [];

  constructor(readonly section: Section, opts: LineTableOptions = {}) {
    this.loadOffset = opts.loadOffset ?? 0n;
    const seen = new Set<number>();
    const readAt = (off: number): number => {
      seen.add(off);
      let next = -1;
      try {
        const r = new Reader(section, off);
        const { length, offsetSize } = r.initialLength();
        next = r.pos + length;
        if (next > section.data.length) r.fail(`truncated: unit length ${hex(length)} runs past the end of the section (${section.data.length} bytes)`, off);
        this.units.push(parseUnit(new Reader(section, r.pos, next), off, offsetSize, opts));
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        this.errors.push(e.message);
      }
      return next;
    };
    for (let off = 0; off >= 0 && off < section.data.length;) off = readAt(off);
    for (const off of opts.extraOffsets ?? []) {
      if (seen.has(off)) continue;
      if (!(off >= 0 && off < section.data.length)) { this.errors.push(`.debug_line: unit offset ${hex(off)} (DW_AT_stmt_list) is past the end of the section (${section.data.length} bytes)`); seen.add(off); continue; }
      readAt(off);
    }
    this.units.sort((a, b) => a.offset - b.offset);
    for (const u of this.units) this.seqs.push(...u.sequences);
    this.seqs.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  /** All sequences sorted by start (link-time addresses). */
  get sequences(): readonly LineSequence[] { return this.seqs; }

  private toLink(addr: bigint): bigint { return (addr - this.loadOffset) & MASK64; }
  private toRun(addr: bigint): bigint { return (addr + this.loadOffset) & MASK64; }

  filePath(unit: LineUnit, index: number): string {
    return unit.files[index]?.path ?? `<file ${index}>`;
  }

  /** The row covering a run-time address: the last row (the last statement row, if any) at the
   *  highest address <= addr in the sequence that contains addr. */
  lookup(address: bigint): SourceLocation | undefined {
    const addr = this.toLink(address);
    const seqs = this.seqs;
    // Sequences may overlap (e.g. several units' discarded functions at 0); try every candidate
    // whose start <= addr, nearest first.
    let lo = 0, hi = seqs.length - 1, idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (seqs[mid].start <= addr) { idx = mid; lo = mid + 1; } else hi = mid - 1;
    }
    for (let i = idx; i >= 0; i--) {
      const s = seqs[i];
      if (addr >= s.end || s.start === s.end) continue;
      const rows = s.rows;
      let l = 0, h = rows.length - 2, best = -1;   // the last row is end_sequence
      while (l <= h) {
        const m = (l + h) >> 1;
        if (rows[m].address <= addr) { best = m; l = m + 1; } else h = m - 1;
      }
      if (best < 0) continue;
      // Several rows may share the address (location views: a function's entry row, then the
      // lines whose code starts there). If the last is not a statement, the last statement row
      // at that address is where execution stands, as GDB reports it.
      let k = best;
      while (!rows[k].isStmt && k > 0 && rows[k - 1].address === rows[best].address) k--;
      const row = rows[k].isStmt ? rows[k] : rows[best];
      return { file: this.filePath(s.unit, row.file), line: row.line, column: row.column, address: this.toRun(row.address), isStmt: row.isStmt };
    }
    return undefined;
  }

  /** Resolved paths of the source files that have line rows, sorted. */
  sourceFiles(): string[] {
    const set = new Set<string>();
    for (const s of this.seqs) for (const r of s.rows) if (!r.endSequence) set.add(this.filePath(s.unit, r.file));
    return [...set].sort();
  }

  /** Breakpoint addresses for `file:line` (file: a path or a trailing part of one). Uses the
   *  is_stmt rows of that line; if there are none, the next line below it that has some. In each
   *  group (a sequence, or the function `groupOf` returns for an address) the lowest address is
   *  taken, as debuggers do, so a line that the compiler split into several pieces gets one
   *  breakpoint per function rather than one per piece. */
  breakpointAddresses(file: string, line: number, groupOf?: (linkAddress: bigint) => unknown): LineBreakpoint | undefined {
    interface Cand { seq: LineSequence; row: LineRow; path: string }
    const cands: Cand[] = [];
    const matches = new Map<string, boolean>();
    for (const s of this.seqs) {
      for (let i = 0; i + 1 < s.rows.length; i++) {
        const r = s.rows[i];
        if (!r.isStmt || r.line < line || r.line === 0) continue;
        // A statement row repeated at the same address: the next one stands for both (but a
        // non-statement repeat does not, or the line would lose its breakpoint).
        const n = s.rows[i + 1];
        if (n.address === r.address && !n.endSequence && n.isStmt && n.line === r.line && n.file === r.file) continue;
        const p = this.filePath(s.unit, r.file);
        let m = matches.get(p);
        if (m === undefined) { m = pathMatches(file, p); matches.set(p, m); }
        if (m) cands.push({ seq: s, row: r, path: p });
      }
    }
    if (cands.length === 0) return undefined;
    let best = Infinity;
    for (const c of cands) if (c.row.line < best) best = c.row.line;
    const groups = new Map<unknown, Cand>();
    for (const c of cands) {
      if (c.row.line !== best) continue;
      const key = groupOf?.(c.row.address) ?? c.seq;
      const g = groups.get(key);
      if (!g || c.row.address < g.row.address) groups.set(key, c);
    }
    const chosen = [...groups.values()].sort((a, b) => (a.row.address < b.row.address ? -1 : 1));
    return { line: best, file: chosen[0].path, addresses: [...new Set(chosen.map(c => this.toRun(c.row.address)))] };
  }

  /** The unit whose header is at `offset` (a DW_AT_stmt_list value). */
  unitAt(offset: number): LineUnit | undefined { return this.units.find(u => u.offset === offset); }

  /** The rows (not end_sequence) of the sequence containing the run-time address `start`, from
   *  `start` up to `end`, in address order; addresses are run-time. */
  rowsIn(start: bigint, end: bigint): { address: bigint; line: number; file: string; isStmt: boolean }[] {
    const a = this.toLink(start), b = this.toLink(end);
    const out: { address: bigint; line: number; file: string; isStmt: boolean }[] = [];
    for (const s of this.seqs) {
      if (a < s.start || a >= s.end) continue;
      for (const r of s.rows) {
        if (r.endSequence || r.address < a || r.address >= b) continue;
        out.push({ address: this.toRun(r.address), line: r.line, file: this.filePath(s.unit, r.file), isStmt: r.isStmt });
      }
      break;
    }
    return out;
  }

  /** Every row (link-time addresses) of every unit, in section order: for dumps and tests. */
  *allRows(): Generator<{ unit: LineUnit; row: LineRow }> {
    for (const u of this.units) for (const s of u.sequences) for (const row of s.rows) yield { unit: u, row };
  }
}

function parseUnit(r: Reader, offset: number, offsetSize: 4 | 8, opts: LineTableOptions): LineUnit {
  const version = r.u16();
  if (version < 2 || version > 5) r.fail(`unsupported .debug_line version ${version}`, r.pos - 2);
  let addressSize = 8;
  if (version >= 5) {
    addressSize = r.u8();
    const segSel = r.u8();
    if (segSel !== 0) r.fail(`segment selector size ${segSel} is not supported`, r.pos - 1);
  }
  const headerLength = r.offset(offsetSize);
  const programStart = r.pos + headerLength;
  if (programStart > r.end) r.fail(`header length ${hex(headerLength)} runs past the end of the unit`, r.pos - offsetSize);
  const minInstLength = r.u8();
  const maxOpsPerInst = version >= 4 ? r.u8() : 1;
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = r.s8();
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  if (lineRange === 0) r.fail('line_range is 0', r.pos - 2);
  if (opcodeBase === 0) r.fail('opcode_base is 0', r.pos - 1);
  const stdLengths: number[] = [0];
  for (let i = 1; i < opcodeBase; i++) stdLengths.push(r.u8());
  const h = new Reader(r.sec, r.pos, programStart);
  const includeDirs: string[] = [];
  const files: (LineFileEntry | undefined)[] = [];
  let compDir = opts.compDirs?.get(offset) ?? '';
  const where = `.debug_line unit at ${hex(offset)}`;
  if (version >= 5) {
    const dirs = readEntryTable(h, opts, where, 'directory', addressSize, offsetSize);
    for (const d of dirs) includeDirs.push(d.path ?? '');
    if (includeDirs.length > 0) compDir = includeDirs[0];
    const fileEntries = readEntryTable(h, opts, where, 'file name', addressSize, offsetSize);
    for (const f of fileEntries) {
      const dirIndex = f.dir ?? 0;
      const dir = dirIndex < includeDirs.length ? includeDirs[dirIndex] : '';
      const dirPath = dirIndex === 0 ? dir : joinPath(compDir, dir);
      const name = f.path ?? '';
      files.push({ name, dir, path: joinPath(dirPath, name), md5: f.md5 });
    }
  } else {
    for (;;) {
      const d = h.cstr();
      if (d === '') break;
      includeDirs.push(d);
    }
    files.push(undefined);
    const addFile = (rr: Reader) => {
      const name = rr.cstr();
      if (name === '') return false;
      const dirIndex = rr.uleb(); rr.uleb(); rr.uleb();
      const dir = dirIndex === 0 ? '' : dirIndex <= includeDirs.length ? includeDirs[dirIndex - 1] : '';
      files.push({ name, dir, path: joinPath(dirIndex === 0 ? compDir : joinPath(compDir, dir), name) });
      return true;
    };
    while (addFile(h)) { /* next */ }
  }

  const unit: LineUnit = {
    offset, version, addressSize, minInstLength, maxOpsPerInst: maxOpsPerInst || 1, defaultIsStmt,
    lineBase, lineRange, opcodeBase, includeDirs, files, compDir, sequences: [],
  };

  // The line-number program.
  const p = new Reader(r.sec, programStart, r.end);
  let address = 0n, opIndex = 0, file = 1, line = 1, column = 0, isStmt = defaultIsStmt, discriminator = 0;
  let rows: LineRow[] = [];
  const reset = () => { address = 0n; opIndex = 0; file = 1; line = 1; column = 0; isStmt = defaultIsStmt; discriminator = 0; };
  const emit = (endSequence: boolean) => {
    rows.push({ address, file, line, column, isStmt, endSequence, discriminator });
    discriminator = 0;
  };
  const advance = (opAdvance: number) => {
    const maxOps = unit.maxOpsPerInst;
    if (maxOps === 1) {
      address = (address + BigInt(minInstLength * opAdvance)) & MASK64;
    } else {
      const t = opIndex + opAdvance;
      address = (address + BigInt(minInstLength * Math.floor(t / maxOps))) & MASK64;
      opIndex = t % maxOps;
    }
  };
  while (!p.atEnd) {
    const op = p.u8();
    if (op >= opcodeBase) {
      const adj = op - opcodeBase;
      advance(Math.floor(adj / lineRange));
      line += lineBase + (adj % lineRange);
      emit(false);
      continue;
    }
    switch (op) {
      case 0: {
        const at = p.pos - 1;
        const len = p.uleb();
        if (len === 0) break;
        const e = p.sub(len, 'extended opcode');
        const sub = e.u8();
        switch (sub) {
          case LNE_end_sequence: {
            emit(true);
            const start = rows[0].address, end = rows[rows.length - 1].address;
            unit.sequences.push({ unit, rows, start, end });
            rows = [];
            reset();
            break;
          }
          case LNE_set_address:
            if (len - 1 !== 4 && len - 1 !== 8) e.fail(`DW_LNE_set_address with a ${len - 1}-byte operand`, at);
            address = e.uN(len - 1); opIndex = 0;
            break;
          case LNE_define_file: {
            const name = e.cstr();
            const dirIndex = e.uleb();
            const dir = dirIndex === 0 ? '' : includeDirs[dirIndex - 1] ?? '';
            files.push({ name, dir, path: joinPath(dirIndex === 0 ? compDir : joinPath(compDir, dir), name) });
            break;
          }
          case LNE_set_discriminator: discriminator = e.uleb(); break;
          default: break;   // unknown extended opcode: skipped by its length
        }
        break;
      }
      case LNS_copy: emit(false); break;
      case LNS_advance_pc: advance(p.uleb()); break;
      case LNS_advance_line: line += p.sleb(); break;
      case LNS_set_file: file = p.uleb(); break;
      case LNS_set_column: column = p.uleb(); break;
      case LNS_negate_stmt: isStmt = !isStmt; break;
      case LNS_set_basic_block: break;
      case LNS_const_add_pc: advance(Math.floor((255 - opcodeBase) / lineRange)); break;
      case LNS_fixed_advance_pc: address = (address + BigInt(p.u16())) & MASK64; opIndex = 0; break;
      case LNS_set_prologue_end: case LNS_set_epilogue_begin: break;
      case LNS_set_isa: p.uleb(); break;
      default:
        for (let i = 0; i < stdLengths[op]; i++) p.uleb();
    }
  }
  // A program that ends without DW_LNE_end_sequence leaves rows that cover no range: dropped.
  return unit;
}

interface RawEntry { path?: string; dir?: number; md5?: string }

function readEntryTable(h: Reader, opts: LineTableOptions, where: string, what: string, addressSize: number, offsetSize: 4 | 8): RawEntry[] {
  const formatCount = h.u8();
  const format: [number, number][] = [];
  for (let i = 0; i < formatCount; i++) format.push([h.uleb(), h.uleb()]);
  const count = h.uleb();
  const out: RawEntry[] = [];
  for (let i = 0; i < count; i++) {
    const e: RawEntry = {};
    for (const [type, form] of format) {
      const v = readForm(h, form, opts, where, addressSize, offsetSize);
      if (type === LNCT_path) {
        if (typeof v !== 'string') h.fail(`${where}: ${what} ${i}: DW_LNCT_path has a non-string form ${hex(form)}`);
        e.path = v;
      } else if (type === LNCT_directory_index) {
        if (typeof v !== 'bigint') h.fail(`${where}: ${what} ${i}: DW_LNCT_directory_index has a non-constant form ${hex(form)}`);
        e.dir = Number(v);
      } else if (type === LNCT_MD5) {
        if (v instanceof Uint8Array) e.md5 = Buffer.from(v).toString('hex');
      } else if (type === LNCT_timestamp || type === LNCT_size) {
        // not needed
      }
    }
    out.push(e);
  }
  return out;
}

/** Reads one attribute value in an entry format: a string, a constant or a block. */
function readForm(h: Reader, form: number, opts: LineTableOptions, where: string, addressSize: number, offsetSize: 4 | 8): string | bigint | Uint8Array {
  switch (form) {
    case 0x08: return h.cstr();                                              // DW_FORM_string
    case 0x1f: return stringAt(opts.lineStr, '.debug_line_str', h.offset(offsetSize), `${where}: DW_FORM_line_strp`);
    case 0x0e: return stringAt(opts.str, '.debug_str', h.offset(offsetSize), `${where}: DW_FORM_strp`);
    case 0x0b: return BigInt(h.u8());                                        // data1
    case 0x05: return BigInt(h.u16());                                       // data2
    case 0x06: return BigInt(h.u32());                                       // data4
    case 0x07: return h.u64();                                               // data8
    case 0x0f: return h.ulebBig();                                           // udata
    case 0x0d: return h.slebBig();                                           // sdata
    case 0x1e: return h.bytes(16, 'DW_FORM_data16');                         // data16
    case 0x09: return h.bytes(h.uleb());                                     // block
    case 0x0a: return h.bytes(h.u8());                                       // block1
    case 0x03: return h.bytes(h.u16());                                      // block2
    case 0x04: return h.bytes(h.u32());                                      // block4
    case 0x01: return h.uN(addressSize);                                     // addr
    case 0x17: return BigInt(h.offset(offsetSize));                          // sec_offset
    default: return h.fail(`${where}: unsupported form ${hex(form)} in an entry format`);
  }
}

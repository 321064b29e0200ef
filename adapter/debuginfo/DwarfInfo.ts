// A subset of .debug_info/.debug_abbrev (DWARF 2-5): compile units and subprograms, with their
// names, address ranges (DW_AT_low_pc/high_pc, DW_AT_ranges through .debug_ranges or
// .debug_rnglists), declaration file/line and frame base. Every other DIE is skipped by decoding
// its attribute forms, so any producer's DWARF can be walked. Type units are skipped whole.

import { DwarfError, Reader, Section, hex, stringAt, MASK64, add64 } from './reader';

export interface AddressRange { start: bigint; end: bigint }

export type FrameBase =
  | { kind: 'cfa' }                                  // DW_OP_call_frame_cfa
  | { kind: 'reg'; reg: number }                     // DW_OP_reg<n> / DW_OP_regx
  | { kind: 'breg'; reg: number; offset: number }    // DW_OP_breg<n> / DW_OP_bregx
  | { kind: 'expr'; bytes: Uint8Array }
  | { kind: 'loclist'; offset: number };

export interface CompileUnit {
  /** Offset of the unit header in .debug_info. */
  offset: number;
  version: number;
  /** DW_UT_* (v5), 1 (compile) for older units. */
  unitType: number;
  addressSize: number;
  offsetSize: 4 | 8;
  name?: string;
  compDir?: string;
  producer?: string;
  language?: number;
  /** DW_AT_low_pc (run-time address), also the base address of the unit's range lists. */
  lowPc?: bigint;
  highPc?: bigint;
  /** The unit's code, from low/high pc or DW_AT_ranges (run-time addresses). */
  ranges: AddressRange[];
  /** DW_AT_stmt_list: offset of the unit's line program in .debug_line. */
  stmtList?: number;
  dwoName?: string;
  subprograms: Subprogram[];
}

export interface Subprogram {
  /** Offset of the DIE in .debug_info. */
  offset: number;
  unit: CompileUnit;
  name?: string;
  linkageName?: string;
  lowPc?: bigint;
  highPc?: bigint;
  /** Code ranges (run-time addresses); empty for declarations and abstract instances. */
  ranges: AddressRange[];
  /** DW_AT_decl_file index into the unit's line table file list. */
  declFile?: number;
  /** The declaration file resolved through the line table (set by loadDebugInfo). */
  declFilePath?: string;
  declLine?: number;
  frameBase?: FrameBase;
  external: boolean;
  declaration: boolean;
  /** DW_AT_inline value (abstract instance of an inline function). */
  inline?: number;
  abstractOrigin?: number;
  specification?: number;
}

export interface DebugSections {
  info: Section;
  abbrev?: Section;
  str?: Section;
  lineStr?: Section;
  strOffsets?: Section;
  addr?: Section;
  ranges?: Section;
  rnglists?: Section;
}

// Tags and attributes used here.
const TAG_compile_unit = 0x11, TAG_partial_unit = 0x3c, TAG_skeleton_unit = 0x4a, TAG_subprogram = 0x2e;
const AT_name = 0x03, AT_stmt_list = 0x10, AT_low_pc = 0x11, AT_high_pc = 0x12,
  AT_language = 0x13, AT_comp_dir = 0x1b, AT_inline = 0x20, AT_producer = 0x25, AT_abstract_origin = 0x31,
  AT_declaration = 0x3c, AT_decl_file = 0x3a, AT_decl_line = 0x3b, AT_external = 0x3f, AT_frame_base = 0x40,
  AT_specification = 0x47, AT_ranges = 0x55, AT_linkage_name = 0x6e, AT_str_offsets_base = 0x72,
  AT_addr_base = 0x73, AT_rnglists_base = 0x74, AT_dwo_name = 0x76,
  AT_MIPS_linkage_name = 0x2007, AT_GNU_dwo_name = 0x2130, AT_GNU_ranges_base = 0x2132, AT_GNU_addr_base = 0x2133;

// Forms.
const F = {
  addr: 0x01, block2: 0x03, block4: 0x04, data2: 0x05, data4: 0x06, data8: 0x07, string: 0x08, block: 0x09,
  block1: 0x0a, data1: 0x0b, flag: 0x0c, sdata: 0x0d, strp: 0x0e, udata: 0x0f, ref_addr: 0x10, ref1: 0x11,
  ref2: 0x12, ref4: 0x13, ref8: 0x14, ref_udata: 0x15, indirect: 0x16, sec_offset: 0x17, exprloc: 0x18,
  flag_present: 0x19, strx: 0x1a, addrx: 0x1b, ref_sup4: 0x1c, strp_sup: 0x1d, data16: 0x1e, line_strp: 0x1f,
  ref_sig8: 0x20, implicit_const: 0x21, loclistx: 0x22, rnglistx: 0x23, ref_sup8: 0x24, strx1: 0x25,
  strx2: 0x26, strx3: 0x27, strx4: 0x28, addrx1: 0x29, addrx2: 0x2a, addrx3: 0x2b, addrx4: 0x2c,
  GNU_addr_index: 0x1f01, GNU_str_index: 0x1f02, GNU_ref_alt: 0x1f20, GNU_strp_alt: 0x1f21,
} as const;

interface AttrSpec { name: number; form: number; implicitConst: bigint }
interface Abbrev { code: number; tag: number; hasChildren: boolean; attrs: AttrSpec[] }

/** An attribute value before it is resolved against the unit's bases. */
type Raw =
  | { k: 'addr'; v: bigint }
  | { k: 'addrx'; v: number }
  | { k: 'const'; v: bigint; signed: boolean }
  | { k: 'str'; v: string }
  | { k: 'strp'; v: number; sec: 'str' | 'line_str' | 'alt' }
  | { k: 'strx'; v: number }
  | { k: 'ref'; v: number }            // absolute .debug_info offset
  | { k: 'sec_offset'; v: number }
  | { k: 'rnglistx'; v: number }
  | { k: 'loclistx'; v: number }
  | { k: 'block'; v: Uint8Array }
  | { k: 'flag'; v: boolean }
  | { k: 'other' };

interface UnitCtx {
  cu: CompileUnit;
  start: number;
  end: number;
  strOffsetsBase?: number;
  addrBase?: number;
  rnglistsBase?: number;
  /** Link-time base address for range lists (DW_AT_low_pc of the unit). */
  base: bigint;
}

const UT_compile = 1, UT_type = 2, UT_partial = 3, UT_skeleton = 4, UT_split_compile = 5, UT_split_type = 6;

export class DwarfInfo {
  readonly units: CompileUnit[] = [];
  readonly errors: string[] = [];
  /** Subprograms with code, sorted by their lowest address. */
  readonly functions: Subprogram[] = [];
  private readonly abbrevCache = new Map<number, Map<number, Abbrev>>();
  private readonly byOffset = new Map<number, Subprogram>();
  private readonly byName = new Map<string, Subprogram[]>();
  /** Every (range, subprogram), sorted by start, with prefix maxima of the ends. */
  private readonly intervals: { start: bigint; end: bigint; fn: Subprogram }[] = [];
  private readonly prefixEnd: bigint[] = [];
  private readonly unitIntervals: { start: bigint; end: bigint; cu: CompileUnit }[] = [];

  constructor(readonly sections: DebugSections, readonly loadOffset: bigint = 0n) {
    const info = sections.info;
    let off = 0;
    while (off < info.data.length) {
      let next = -1;
      try {
        const r = new Reader(info, off);
        const { length, offsetSize } = r.initialLength();
        next = r.pos + length;
        if (next > info.data.length) r.fail(`truncated: unit length ${hex(length)} runs past the end of the section (${info.data.length} bytes)`, off);
        this.parseUnit(new Reader(info, r.pos, next), off, offsetSize);
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        this.errors.push(e.message);
      }
      if (next < 0) break;
      off = next;
    }
    this.resolveOrigins();
    for (const fn of this.byOffset.values()) {
      if (fn.ranges.length === 0) continue;
      this.functions.push(fn);
      for (const n of [fn.name, fn.linkageName]) {
        if (!n) continue;
        const l = this.byName.get(n);
        if (l) { if (!l.includes(fn)) l.push(fn); } else this.byName.set(n, [fn]);
      }
      for (const rg of fn.ranges) this.intervals.push({ start: rg.start, end: rg.end, fn });
    }
    const lowest = (f: Subprogram) => f.ranges.reduce((m, r) => (r.start < m ? r.start : m), MASK64);
    this.functions.sort((a, b) => (lowest(a) < lowest(b) ? -1 : lowest(a) > lowest(b) ? 1 : 0));
    this.intervals.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let m = 0n;
    for (const iv of this.intervals) { if (iv.end > m) m = iv.end; this.prefixEnd.push(m); }
    for (const cu of this.units) for (const rg of cu.ranges) this.unitIntervals.push({ ...rg, cu });
    this.unitIntervals.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }

  /** The innermost subprogram whose code contains `pc` (run-time address). */
  functionAt(pc: bigint): Subprogram | undefined {
    const iv = this.intervals;
    let lo = 0, hi = iv.length - 1, idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (iv[mid].start <= pc) { idx = mid; lo = mid + 1; } else hi = mid - 1;
    }
    for (let i = idx; i >= 0 && this.prefixEnd[i] > pc; i--) {
      if (pc < iv[i].end) return iv[i].fn;
    }
    return undefined;
  }

  /** Subprograms with code named `name` (DW_AT_name or the linkage name). */
  functionsNamed(name: string): readonly Subprogram[] { return this.byName.get(name) ?? []; }

  /** The compile unit whose ranges contain `pc`. */
  unitAt(pc: bigint): CompileUnit | undefined {
    for (const u of this.unitIntervals) if (u.start <= pc && pc < u.end) return u.cu;
    return undefined;
  }

  /** A subprogram DIE (with or without code) by its .debug_info offset. */
  subprogramAt(offset: number): Subprogram | undefined { return this.byOffset.get(offset); }

  private abbrevs(offset: number): Map<number, Abbrev> {
    const cached = this.abbrevCache.get(offset);
    if (cached) return cached;
    const sec = this.sections.abbrev;
    if (!sec) throw new DwarfError('.debug_info needs .debug_abbrev, which is missing');
    if (offset >= sec.data.length) throw new DwarfError(`abbreviation offset ${hex(offset)} is past the end of .debug_abbrev (${sec.data.length} bytes)`);
    const r = new Reader(sec, offset);
    const table = new Map<number, Abbrev>();
    for (;;) {
      const code = r.uleb();
      if (code === 0) break;
      const tag = r.uleb();
      const hasChildren = r.u8() !== 0;
      const attrs: AttrSpec[] = [];
      for (;;) {
        const name = r.uleb(), form = r.uleb();
        if (name === 0 && form === 0) break;
        attrs.push({ name, form, implicitConst: form === F.implicit_const ? r.slebBig() : 0n });
      }
      table.set(code, { code, tag, hasChildren, attrs });
    }
    this.abbrevCache.set(offset, table);
    return table;
  }

  private parseUnit(r: Reader, offset: number, offsetSize: 4 | 8): void {
    const version = r.u16();
    if (version < 2 || version > 5) r.fail(`unsupported .debug_info version ${version}`, r.pos - 2);
    let unitType = UT_compile, addressSize: number, abbrevOffset: number;
    if (version >= 5) {
      unitType = r.u8();
      addressSize = r.u8();
      abbrevOffset = r.offset(offsetSize);
      if (unitType === UT_type || unitType === UT_split_type) return;   // type units: nothing we need
      if (unitType === UT_skeleton || unitType === UT_split_compile) r.skip(8, 'dwo_id');
      else if (unitType !== UT_compile && unitType !== UT_partial) r.fail(`unknown unit type ${hex(unitType)}`, offset);
    } else {
      abbrevOffset = r.offset(offsetSize);
      addressSize = r.u8();
    }
    if (addressSize !== 4 && addressSize !== 8) r.fail(`unsupported address size ${addressSize}`, offset);
    const abbrevs = this.abbrevs(abbrevOffset);
    const cu: CompileUnit = { offset, version, unitType, addressSize, offsetSize, ranges: [], subprograms: [] };
    const ctx: UnitCtx = { cu, start: offset, end: r.end, base: 0n };
    this.units.push(cu);

    let depth = 0;
    let first = true;
    while (!r.atEnd) {
      const dieOffset = r.pos;
      const code = r.uleb();
      if (code === 0) {
        if (depth > 0) depth--;
        continue;
      }
      const ab = abbrevs.get(code);
      if (!ab) r.fail(`DIE uses abbreviation ${code}, which is not in the table at .debug_abbrev+${hex(abbrevOffset)}`, dieOffset);
      const interesting = first || ab.tag === TAG_subprogram;
      if (!interesting) {
        for (const a of ab.attrs) skipForm(r, a.form, ctx.cu);
      } else {
        const attrs = new Map<number, Raw>();
        for (const a of ab.attrs) attrs.set(a.name, readForm(r, a.form, a.implicitConst, ctx));
        if (first) {
          if (ab.tag !== TAG_compile_unit && ab.tag !== TAG_partial_unit && ab.tag !== TAG_skeleton_unit) {
            r.fail(`unit's first DIE has tag ${hex(ab.tag)}, not a compile unit`, dieOffset);
          }
          this.unitDie(attrs, ctx);
        } else {
          this.subprogramDie(attrs, ctx, dieOffset);
        }
      }
      first = false;
      if (ab.hasChildren) depth++;
    }
  }

  private unitDie(attrs: Map<number, Raw>, ctx: UnitCtx): void {
    const cu = ctx.cu;
    // Base attributes first: strx, addrx and rnglistx in the same DIE depend on them.
    const num = (a: number) => { const v = attrs.get(a); return v && (v.k === 'sec_offset' || v.k === 'const') ? Number(v.v) : undefined; };
    ctx.strOffsetsBase = num(AT_str_offsets_base);
    ctx.addrBase = num(AT_addr_base) ?? num(AT_GNU_addr_base);
    ctx.rnglistsBase = num(AT_rnglists_base);
    if (ctx.rnglistsBase === undefined && cu.version < 5) ctx.rnglistsBase = num(AT_GNU_ranges_base);
    cu.name = this.str(attrs.get(AT_name), ctx);
    cu.compDir = this.str(attrs.get(AT_comp_dir), ctx);
    cu.producer = this.str(attrs.get(AT_producer), ctx);
    cu.dwoName = this.str(attrs.get(AT_dwo_name) ?? attrs.get(AT_GNU_dwo_name), ctx);
    const lang = attrs.get(AT_language);
    if (lang?.k === 'const') cu.language = Number(lang.v);
    const sl = attrs.get(AT_stmt_list);
    if (sl && (sl.k === 'sec_offset' || sl.k === 'const')) cu.stmtList = Number(sl.v);
    const { low, high, ranges } = this.pcRanges(attrs, ctx, true);
    if (low !== undefined) { ctx.base = low; cu.lowPc = add64(low, this.loadOffset); }
    if (high !== undefined) cu.highPc = add64(high, this.loadOffset);
    cu.ranges = ranges;
  }

  private subprogramDie(attrs: Map<number, Raw>, ctx: UnitCtx, dieOffset: number): void {
    const fn: Subprogram = { offset: dieOffset, unit: ctx.cu, ranges: [], external: false, declaration: false };
    fn.name = this.str(attrs.get(AT_name), ctx);
    fn.linkageName = this.str(attrs.get(AT_linkage_name) ?? attrs.get(AT_MIPS_linkage_name), ctx);
    const { low, high, ranges } = this.pcRanges(attrs, ctx, false);
    if (low !== undefined) fn.lowPc = add64(low, this.loadOffset);
    if (high !== undefined) fn.highPc = add64(high, this.loadOffset);
    fn.ranges = ranges;
    const c = (a: number) => { const v = attrs.get(a); return v?.k === 'const' ? Number(v.v) : undefined; };
    fn.declFile = c(AT_decl_file);
    fn.declLine = c(AT_decl_line);
    fn.inline = c(AT_inline);
    const flag = (a: number) => { const v = attrs.get(a); return v?.k === 'flag' ? v.v : v?.k === 'const' ? v.v !== 0n : false; };
    fn.external = flag(AT_external);
    fn.declaration = flag(AT_declaration);
    const ref = (a: number) => { const v = attrs.get(a); return v?.k === 'ref' ? v.v : undefined; };
    fn.abstractOrigin = ref(AT_abstract_origin);
    fn.specification = ref(AT_specification);
    const fb = attrs.get(AT_frame_base);
    if (fb?.k === 'block') fn.frameBase = decodeFrameBase(fb.v);
    else if (fb?.k === 'sec_offset') fn.frameBase = { kind: 'loclist', offset: fb.v };
    ctx.cu.subprograms.push(fn);
    this.byOffset.set(dieOffset, fn);
  }

  /** Fills name and declaration from DW_AT_abstract_origin / DW_AT_specification chains. */
  private resolveOrigins(): void {
    for (const fn of this.byOffset.values()) {
      let cur: Subprogram | undefined = fn;
      for (let hops = 0; hops < 8 && cur; hops++) {
        const nextOff: number | undefined = cur.abstractOrigin ?? cur.specification;
        if (nextOff === undefined) break;
        cur = this.byOffset.get(nextOff);
        if (!cur) break;
        fn.name ??= cur.name;
        fn.linkageName ??= cur.linkageName;
        if (fn.declFile === undefined && cur.declFile !== undefined && cur.unit === fn.unit) fn.declFile = cur.declFile;
        fn.declLine ??= cur.declLine;
        if (!fn.external && cur.external) fn.external = true;
      }
    }
  }

  private str(v: Raw | undefined, ctx: UnitCtx): string | undefined {
    if (!v) return undefined;
    const where = `.debug_info unit at ${hex(ctx.cu.offset)}`;
    switch (v.k) {
      case 'str': return v.v;
      case 'strp':
        if (v.sec === 'alt') return undefined;
        return v.sec === 'str'
          ? stringAt(this.sections.str, '.debug_str', v.v, `${where}: DW_FORM_strp`)
          : stringAt(this.sections.lineStr, '.debug_line_str', v.v, `${where}: DW_FORM_line_strp`);
      case 'strx': {
        const sec = this.sections.strOffsets;
        if (!sec) throw new DwarfError(`${where}: DW_FORM_strx needs .debug_str_offsets, which is missing`);
        const os = ctx.cu.offsetSize;
        const base = ctx.strOffsetsBase ?? (ctx.cu.version >= 5 ? 2 * os : 0);
        const r = new Reader(sec, base + v.v * os);
        if (base + (v.v + 1) * os > sec.data.length) r.fail(`${where}: string index ${v.v} is past the end of .debug_str_offsets`);
        return stringAt(this.sections.str, '.debug_str', r.offset(os), `${where}: DW_FORM_strx ${v.v}`);
      }
      default: return undefined;
    }
  }

  private address(v: Raw | undefined, ctx: UnitCtx): bigint | undefined {
    if (!v) return undefined;
    if (v.k === 'addr') return v.v;
    if (v.k === 'addrx') return this.addrx(v.v, ctx);
    return undefined;
  }

  private addrx(index: number, ctx: UnitCtx): bigint {
    const where = `.debug_info unit at ${hex(ctx.cu.offset)}`;
    const sec = this.sections.addr;
    if (!sec) throw new DwarfError(`${where}: DW_FORM_addrx needs .debug_addr, which is missing`);
    const as = ctx.cu.addressSize;
    const base = ctx.addrBase ?? 8;
    const r = new Reader(sec, base + index * as);
    if (base + (index + 1) * as > sec.data.length) r.fail(`${where}: address index ${index} is past the end of .debug_addr`);
    return r.uN(as);
  }

  /** low/high pc and DW_AT_ranges (link-time low/high; ranges at run-time addresses). */
  private pcRanges(attrs: Map<number, Raw>, ctx: UnitCtx, isUnit: boolean): { low?: bigint; high?: bigint; ranges: AddressRange[] } {
    const low = this.address(attrs.get(AT_low_pc), ctx);
    let high: bigint | undefined;
    const h = attrs.get(AT_high_pc);
    if (h && low !== undefined) {
      if (h.k === 'const') high = add64(low, h.v);
      else high = this.address(h, ctx);
    }
    const ranges: AddressRange[] = [];
    const rg = attrs.get(AT_ranges);
    const base = isUnit ? (low ?? 0n) : ctx.base;
    if (rg) {
      let list: AddressRange[] = [];
      if (rg.k === 'rnglistx') list = this.rnglist(this.rnglistxOffset(rg.v, ctx), ctx, base);
      else if (rg.k === 'sec_offset' || rg.k === 'const') {
        const o = Number(rg.v);
        list = ctx.cu.version >= 5 ? this.rnglist(o, ctx, base) : this.rangeList(o, ctx, base);
      }
      for (const x of list) if (x.end > x.start) ranges.push({ start: add64(x.start, this.loadOffset), end: add64(x.end, this.loadOffset) });
    } else if (low !== undefined && high !== undefined && high > low) {
      ranges.push({ start: add64(low, this.loadOffset), end: add64(high, this.loadOffset) });
    }
    return { low, high, ranges };
  }

  private rnglistxOffset(index: number, ctx: UnitCtx): number {
    const sec = this.sections.rnglists;
    const where = `.debug_info unit at ${hex(ctx.cu.offset)}`;
    if (!sec) throw new DwarfError(`${where}: DW_FORM_rnglistx needs .debug_rnglists, which is missing`);
    const os = ctx.cu.offsetSize;
    const base = ctx.rnglistsBase ?? (os === 4 ? 12 : 20);
    const r = new Reader(sec, base + index * os);
    if (base + (index + 1) * os > sec.data.length) r.fail(`${where}: range list index ${index} is past the end of .debug_rnglists`);
    return base + r.offset(os);
  }

  /** A DWARF 5 range list (.debug_rnglists) at `offset` (link-time addresses). */
  private rnglist(offset: number, ctx: UnitCtx, base0: bigint): AddressRange[] {
    const sec = this.sections.rnglists;
    if (!sec) throw new DwarfError(`.debug_info unit at ${hex(ctx.cu.offset)}: DW_AT_ranges needs .debug_rnglists, which is missing`);
    const r = new Reader(sec, offset);
    const as = ctx.cu.addressSize;
    let base = base0;
    const out: AddressRange[] = [];
    for (let guard = 0; guard < 1_000_000; guard++) {
      const kind = r.u8();
      switch (kind) {
        case 0: return out;                                                   // DW_RLE_end_of_list
        case 1: base = this.addrx(r.uleb(), ctx); break;                      // base_addressx
        case 2: { const s = this.addrx(r.uleb(), ctx); const e = this.addrx(r.uleb(), ctx); out.push({ start: s, end: e }); break; }
        case 3: { const s = this.addrx(r.uleb(), ctx); out.push({ start: s, end: add64(s, r.ulebBig()) }); break; }
        case 4: { const s = r.ulebBig(), e = r.ulebBig(); out.push({ start: add64(base, s), end: add64(base, e) }); break; }
        case 5: base = r.uN(as); break;                                       // base_address
        case 6: { const s = r.uN(as), e = r.uN(as); out.push({ start: s, end: e }); break; }
        case 7: { const s = r.uN(as); out.push({ start: s, end: add64(s, r.ulebBig()) }); break; }
        default: r.fail(`unknown range list entry kind ${hex(kind)}`, r.pos - 1);
      }
    }
    return out;
  }

  /** A DWARF 2-4 range list (.debug_ranges). */
  private rangeList(offset: number, ctx: UnitCtx, base0: bigint): AddressRange[] {
    const sec = this.sections.ranges;
    if (!sec) throw new DwarfError(`.debug_info unit at ${hex(ctx.cu.offset)}: DW_AT_ranges needs .debug_ranges, which is missing`);
    const r = new Reader(sec, offset);
    const as = ctx.cu.addressSize;
    const all = as === 8 ? MASK64 : 0xffffffffn;
    let base = base0;
    const out: AddressRange[] = [];
    for (let guard = 0; guard < 1_000_000; guard++) {
      const s = r.uN(as), e = r.uN(as);
      if (s === 0n && e === 0n) break;
      if (s === all) { base = e; continue; }
      out.push({ start: add64(base, s), end: add64(base, e) });
    }
    return out;
  }
}

/** Decodes the common frame-base expressions. */
export function decodeFrameBase(b: Uint8Array): FrameBase {
  if (b.length === 1 && b[0] === 0x9c) return { kind: 'cfa' };
  if (b.length === 1 && b[0] >= 0x50 && b[0] <= 0x6f) return { kind: 'reg', reg: b[0] - 0x50 };
  try {
    const r = new Reader({ name: 'DW_AT_frame_base', data: b, addr: 0n });
    const op = r.u8();
    if (op === 0x90) { const reg = r.uleb(); if (r.atEnd) return { kind: 'reg', reg }; }
    if (op >= 0x70 && op <= 0x8f) { const offset = r.sleb(); if (r.atEnd) return { kind: 'breg', reg: op - 0x70, offset }; }
    if (op === 0x92) { const reg = r.uleb(); const offset = r.sleb(); if (r.atEnd) return { kind: 'breg', reg, offset }; }
  } catch { /* fall through */ }
  return { kind: 'expr', bytes: b };
}

function refAddrSize(cu: CompileUnit): number { return cu.version <= 2 ? cu.addressSize : cu.offsetSize; }

/** Advances past one attribute value. */
function skipForm(r: Reader, form: number, cu: CompileUnit): void {
  switch (form) {
    case F.addr: r.skip(cu.addressSize); return;
    case F.data1: case F.ref1: case F.flag: case F.strx1: case F.addrx1: r.skip(1); return;
    case F.data2: case F.ref2: case F.strx2: case F.addrx2: r.skip(2); return;
    case F.strx3: case F.addrx3: r.skip(3); return;
    case F.data4: case F.ref4: case F.ref_sup4: case F.strx4: case F.addrx4: r.skip(4); return;
    case F.data8: case F.ref8: case F.ref_sig8: case F.ref_sup8: r.skip(8); return;
    case F.data16: r.skip(16); return;
    case F.sdata: r.slebBig(); return;
    case F.udata: case F.ref_udata: case F.strx: case F.addrx: case F.loclistx: case F.rnglistx:
    case F.GNU_addr_index: case F.GNU_str_index: r.ulebBig(); return;
    case F.string: r.cstr(); return;
    case F.strp: case F.line_strp: case F.sec_offset: case F.strp_sup: case F.GNU_ref_alt: case F.GNU_strp_alt: r.skip(cu.offsetSize); return;
    case F.ref_addr: r.skip(refAddrSize(cu)); return;
    case F.block1: r.skip(r.u8(), 'block'); return;
    case F.block2: r.skip(r.u16(), 'block'); return;
    case F.block4: r.skip(r.u32(), 'block'); return;
    case F.block: case F.exprloc: r.skip(r.uleb(), 'block'); return;
    case F.flag_present: case F.implicit_const: return;
    case F.indirect: skipForm(r, r.uleb(), cu); return;
    default: r.fail(`unknown attribute form ${hex(form)}`);
  }
}

/** Reads one attribute value. */
function readForm(r: Reader, form: number, implicitConst: bigint, ctx: UnitCtx): Raw {
  const cu = ctx.cu;
  switch (form) {
    case F.addr: return { k: 'addr', v: r.uN(cu.addressSize) };
    case F.addrx: case F.GNU_addr_index: return { k: 'addrx', v: r.uleb() };
    case F.addrx1: return { k: 'addrx', v: r.u8() };
    case F.addrx2: return { k: 'addrx', v: r.u16() };
    case F.addrx3: return { k: 'addrx', v: r.u24() };
    case F.addrx4: return { k: 'addrx', v: r.u32() };
    case F.data1: return { k: 'const', v: BigInt(r.u8()), signed: false };
    case F.data2: return { k: 'const', v: BigInt(r.u16()), signed: false };
    case F.data4: return { k: 'const', v: BigInt(r.u32()), signed: false };
    case F.data8: return { k: 'const', v: r.u64(), signed: false };
    case F.data16: r.skip(16); return { k: 'other' };
    case F.udata: return { k: 'const', v: r.ulebBig(), signed: false };
    case F.sdata: return { k: 'const', v: r.slebBig(), signed: true };
    case F.implicit_const: return { k: 'const', v: implicitConst, signed: true };
    case F.flag: return { k: 'flag', v: r.u8() !== 0 };
    case F.flag_present: return { k: 'flag', v: true };
    case F.string: return { k: 'str', v: r.cstr() };
    case F.strp: return { k: 'strp', v: r.offset(cu.offsetSize), sec: 'str' };
    case F.line_strp: return { k: 'strp', v: r.offset(cu.offsetSize), sec: 'line_str' };
    case F.strp_sup: case F.GNU_strp_alt: r.skip(cu.offsetSize); return { k: 'strp', v: 0, sec: 'alt' };
    case F.strx: case F.GNU_str_index: return { k: 'strx', v: r.uleb() };
    case F.strx1: return { k: 'strx', v: r.u8() };
    case F.strx2: return { k: 'strx', v: r.u16() };
    case F.strx3: return { k: 'strx', v: r.u24() };
    case F.strx4: return { k: 'strx', v: r.u32() };
    case F.ref1: return { k: 'ref', v: ctx.start + r.u8() };
    case F.ref2: return { k: 'ref', v: ctx.start + r.u16() };
    case F.ref4: return { k: 'ref', v: ctx.start + r.u32() };
    case F.ref8: return { k: 'ref', v: ctx.start + Number(r.u64()) };
    case F.ref_udata: return { k: 'ref', v: ctx.start + r.uleb() };
    case F.ref_addr: return { k: 'ref', v: Number(r.uN(refAddrSize(cu))) };
    case F.ref_sig8: case F.ref_sup8: r.skip(8); return { k: 'other' };
    case F.ref_sup4: case F.GNU_ref_alt: r.skip(form === F.ref_sup4 ? 4 : cu.offsetSize); return { k: 'other' };
    case F.sec_offset: return { k: 'sec_offset', v: r.offset(cu.offsetSize) };
    case F.rnglistx: return { k: 'rnglistx', v: r.uleb() };
    case F.loclistx: return { k: 'loclistx', v: r.uleb() };
    case F.exprloc: case F.block: return { k: 'block', v: r.bytes(r.uleb()) };
    case F.block1: return { k: 'block', v: r.bytes(r.u8()) };
    case F.block2: return { k: 'block', v: r.bytes(r.u16()) };
    case F.block4: return { k: 'block', v: r.bytes(r.u32()) };
    case F.indirect: {
      const f = r.uleb();
      if (f === F.implicit_const || f === F.indirect) r.fail(`DW_FORM_indirect to form ${hex(f)}`);
      return readForm(r, f, 0n, ctx);
    }
    default: return r.fail(`unknown attribute form ${hex(form)}`);
  }
}


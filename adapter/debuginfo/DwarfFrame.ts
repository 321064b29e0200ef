// Call frame information from .debug_frame and .eh_frame: CIE/FDE parsing, the CFA program
// (DW_CFA_*) turned into rule rows, and one-step unwinding of AArch64 registers.
//
// Register numbers are DWARF's for AArch64: 0-30 = x0-x30, 31 = sp, 64-95 = v0-v31.

import { DwarfError, Reader, Section, hex, MASK64, add64 } from './reader';

export type RegisterRule =
  | { kind: 'unspecified' }           // not mentioned: the caller's value is the callee's (same value)
  | { kind: 'undefined' }             // DW_CFA_undefined: not recoverable (x30: the outermost frame)
  | { kind: 'same' }                  // DW_CFA_same_value
  | { kind: 'offset'; offset: number } // saved at CFA+offset
  | { kind: 'val_offset'; offset: number } // the value is CFA+offset
  | { kind: 'register'; reg: number }  // in another register
  | { kind: 'expression'; expr: Uint8Array }     // saved at the address the expression computes
  | { kind: 'val_expression'; expr: Uint8Array }; // the value is what the expression computes

export type CfaRule =
  | { kind: 'reg'; reg: number; offset: number }
  | { kind: 'expression'; expr: Uint8Array };

export interface RuleRow {
  /** First address (link-time) the row applies to; it runs to the next row's or the FDE's end. */
  loc: bigint;
  cfa: CfaRule;
  /** Rules for the registers the CIE/FDE mentions; others are unspecified. */
  regs: Map<number, RegisterRule>;
  /** DW_CFA_AARCH64_negate_ra_state toggles: the return address is signed (PAC). */
  raSigned: boolean;
}

export interface Cie {
  offset: number;
  version: number;
  augmentation: string;
  codeAlign: number;
  dataAlign: number;
  raReg: number;
  addressSize: number;
  /** .eh_frame 'R' augmentation: the encoding of FDE addresses. */
  fdeEncoding: number;
  lsdaEncoding: number;
  signalFrame: boolean;
  initialInstructions: Uint8Array;
  /** Offset of the initial instructions in the section (for messages). */
  instructionsOffset: number;
  section: Section;
  /** From .eh_frame (pointer encodings apply). */
  eh: boolean;
}

export interface Fde {
  offset: number;
  cie: Cie;
  /** [start, end) link-time addresses. */
  start: bigint;
  end: bigint;
  instructions: Uint8Array;
  instructionsOffset: number;
  section: Section;
}

export interface UnwindOptions {
  /** `pc` is a return address (a caller frame): look up the rules at pc-1, inside the call. */
  isReturnAddress?: boolean;
  /** Removes a pointer authentication code from a signed return address. Default: keeps the
   *  low 48 bits (bits 55 and above set as in the pointer's bit 55). */
  stripPac?: (addr: bigint) => bigint;
}

/** The caller's registers after one unwinding step. */
export interface CallerFrame {
  kind: 'caller';
  /** The caller's pc: the return address (x30 column after the CFI rules). */
  pc: bigint;
  /** The caller's sp (= CFA, unless the CFI gives sp a rule). */
  sp: bigint;
  cfa: bigint;
  x29: bigint;
  x30: bigint;
  /** Every caller register the rules give (or keep), by DWARF number; sp is 31. */
  registers: Map<number, bigint>;
  /** The caller's registers for the next step: recovered ones, else the callee's values. */
  reg: (n: number) => bigint;
  fde: Fde;
}

export type UnwindResult =
  | CallerFrame
  | { kind: 'outermost'; reason: string }      // the return address is undefined or 0
  | { kind: 'no-cfi' }                         // no FDE covers the pc: fall back to frame records
  | { kind: 'error'; message: string };        // CFI found but not usable (unreadable memory, bad expression)

// DW_CFA_* opcodes.
const CFA = {
  advance_loc: 0x40, offset: 0x80, restore: 0xc0,
  nop: 0x00, set_loc: 0x01, advance_loc1: 0x02, advance_loc2: 0x03, advance_loc4: 0x04,
  offset_extended: 0x05, restore_extended: 0x06, undefined: 0x07, same_value: 0x08, register: 0x09,
  remember_state: 0x0a, restore_state: 0x0b, def_cfa: 0x0c, def_cfa_register: 0x0d, def_cfa_offset: 0x0e,
  def_cfa_expression: 0x0f, expression: 0x10, offset_extended_sf: 0x11, def_cfa_sf: 0x12,
  def_cfa_offset_sf: 0x13, val_offset: 0x14, val_offset_sf: 0x15, val_expression: 0x16,
  AARCH64_negate_ra_state: 0x2d, GNU_args_size: 0x2e, GNU_negative_offset_extended: 0x2f,
} as const;

// DW_EH_PE_* pointer encodings.
const PE_omit = 0xff, PE_absptr = 0x00, PE_uleb128 = 0x01, PE_udata2 = 0x02, PE_udata4 = 0x03, PE_udata8 = 0x04,
  PE_sleb128 = 0x09, PE_sdata2 = 0x0a, PE_sdata4 = 0x0b, PE_sdata8 = 0x0c, PE_pcrel = 0x10, PE_datarel = 0x30,
  PE_indirect = 0x80;

export class CallFrameInfo {
  readonly fdes: Fde[] = [];
  readonly cies: Cie[] = [];
  readonly errors: string[] = [];
  readonly loadOffset: bigint;
  private readonly sorted: Fde[];

  /** `debugFrame` and/or `ehFrame`; .debug_frame entries are preferred where both cover a pc. */
  constructor(sections: { debugFrame?: Section; ehFrame?: Section }, loadOffset: bigint = 0n) {
    this.loadOffset = loadOffset;
    if (sections.debugFrame) this.parse(sections.debugFrame, false);
    const nDebug = this.fdes.length;
    if (sections.ehFrame) this.parse(sections.ehFrame, true);
    const rank = (f: Fde) => (this.fdes.indexOf(f) < nDebug ? 0 : 1);
    this.sorted = this.fdes.filter(f => f.end > f.start)
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : rank(a) - rank(b)));
  }

  private parse(sec: Section, eh: boolean): void {
    const cies = new Map<number, Cie>();
    let off = 0;
    while (off < sec.data.length) {
      let next = -1;
      try {
        const r = new Reader(sec, off);
        const { length, offsetSize } = r.initialLength();
        if (length === 0) {
          if (eh) break;        // .eh_frame terminator
          next = r.pos; off = next; continue;
        }
        next = r.pos + length;
        if (next > sec.data.length) r.fail(`truncated: entry length ${hex(length)} runs past the end of the section (${sec.data.length} bytes)`, off);
        const body = new Reader(sec, r.pos, next);
        const idPos = body.pos;
        const id = offsetSize === 4 ? BigInt(body.u32()) : body.u64();
        const isCie = eh ? id === 0n : id === (offsetSize === 4 ? 0xffffffffn : MASK64);
        if (isCie) {
          const cie = parseCie(body, off, sec, eh);
          cies.set(off, cie);
          this.cies.push(cie);
        } else {
          const cieOff = eh ? idPos - Number(id) : Number(id);
          let cie = cies.get(cieOff);
          if (!cie) {
            // A CIE after its FDE (allowed in .debug_frame): parse it where it is.
            cie = this.cieAt(sec, cieOff, eh);
            cies.set(cieOff, cie);
          }
          this.fdes.push(parseFde(body, off, sec, cie, eh));
        }
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        this.errors.push(e.message);
      }
      if (next < 0) break;
      off = next;
    }
  }

  private cieAt(sec: Section, off: number, eh: boolean): Cie {
    if (off < 0 || off >= sec.data.length) throw new DwarfError(`${sec.name}: FDE refers to a CIE at ${hex(off)}, outside the section`);
    const r = new Reader(sec, off);
    const { length, offsetSize } = r.initialLength();
    const body = r.sub(length, 'CIE');
    const id = offsetSize === 4 ? BigInt(body.u32()) : body.u64();
    if (eh ? id !== 0n : id !== (offsetSize === 4 ? 0xffffffffn : MASK64)) body.fail(`FDE's CIE pointer ${hex(off)} does not point at a CIE`, off);
    return parseCie(body, off, sec, eh);
  }

  /** The FDE covering a run-time pc. */
  findFde(pc: bigint): Fde | undefined {
    const addr = (pc - this.loadOffset) & MASK64;
    const arr = this.sorted;
    let lo = 0, hi = arr.length - 1, idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (arr[mid].start <= addr) { idx = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (idx < 0) return undefined;
    // Prefer .debug_frame among FDEs starting at the same address; look back a little for overlaps.
    let first = idx;
    while (first > 0 && arr[first - 1].start === arr[idx].start) first--;
    for (let i = first; i <= idx; i++) if (addr < arr[i].end) return arr[i];
    for (let i = first - 1; i >= 0 && i >= first - 16; i--) if (addr >= arr[i].start && addr < arr[i].end) return arr[i];
    return undefined;
  }

  /** The rule row in effect at a run-time pc, or undefined when no FDE covers it. */
  rulesAt(pc: bigint): { row: RuleRow; fde: Fde } | undefined {
    const fde = this.findFde(pc);
    if (!fde) return undefined;
    const addr = (pc - this.loadOffset) & MASK64;
    const rows = executeFde(fde, addr);
    return { row: rows[rows.length - 1], fde };
  }

  /** Every row of an FDE's table (link-time locations), as readelf --debug-dump=frames-interp. */
  table(fde: Fde): RuleRow[] { return executeFde(fde, undefined); }

  /** One unwinding step from the frame whose pc and registers are given. */
  unwind(pc: bigint, regs: (n: number) => bigint, readMemory64: (addr: bigint) => bigint | undefined, opts: UnwindOptions = {}): UnwindResult {
    const lookupPc = opts.isReturnAddress ? (pc - 1n) & MASK64 : pc;
    let found: { row: RuleRow; fde: Fde } | undefined;
    try {
      found = this.rulesAt(lookupPc);
    } catch (e) {
      if (e instanceof DwarfError) return { kind: 'error', message: e.message };
      throw e;
    }
    if (!found) return { kind: 'no-cfi' };
    const { row, fde } = found;
    const ra = fde.cie.raReg;
    try {
      let cfa: bigint;
      if (row.cfa.kind === 'reg') cfa = add64(regs(row.cfa.reg), BigInt(row.cfa.offset));
      else cfa = evaluate(row.cfa.expr, regs, readMemory64, []);
      const registers = new Map<number, bigint | undefined>();
      const valueOf = (n: number, rule: RegisterRule): bigint | undefined => {
        switch (rule.kind) {
          case 'unspecified': case 'same': return regs(n);
          case 'undefined': return undefined;
          case 'offset': return mustRead(readMemory64, add64(cfa, BigInt(rule.offset)), n);
          case 'val_offset': return add64(cfa, BigInt(rule.offset));
          case 'register': return regs(rule.reg);
          case 'expression': return mustRead(readMemory64, evaluate(rule.expr, regs, readMemory64, [cfa]), n);
          case 'val_expression': return evaluate(rule.expr, regs, readMemory64, [cfa]);
        }
      };
      for (const [n, rule] of row.regs) registers.set(n, valueOf(n, rule));
      if (!row.regs.has(31)) registers.set(31, cfa);
      if (!registers.has(29)) registers.set(29, regs(29));
      if (!registers.has(ra)) registers.set(ra, regs(ra));
      let ret = registers.get(ra);
      if (ret === undefined) return { kind: 'outermost', reason: `the return address (${regName(ra)}) is undefined at ${hex(pc)}` };
      if (row.raSigned) ret = (opts.stripPac ?? defaultStripPac)(ret);
      if (ret === 0n) return { kind: 'outermost', reason: `the return address is 0 at ${hex(pc)}` };
      const known = new Map<number, bigint>();
      for (const [n, v] of registers) if (v !== undefined) known.set(n, v);
      known.set(ra, ret);
      if (ra !== 30 && !known.has(30)) known.set(30, ret);
      const sp = known.get(31)!;
      const x29 = known.get(29) ?? regs(29);
      const x30 = known.get(30) ?? ret;
      const reg = (n: number) => {
        const v = known.get(n);
        if (v !== undefined) return v;
        if (registers.has(n)) throw new DwarfError(`${regName(n)} is not recoverable in the caller of ${hex(pc)}`);
        return regs(n);
      };
      return { kind: 'caller', pc: ret, sp, cfa, x29, x30, registers: known, reg, fde };
    } catch (e) {
      if (e instanceof DwarfError) return { kind: 'error', message: e.message };
      throw e;
    }
  }

  /** Unwinds from the current frame until the outermost frame, a pc without CFI, an error, or
   *  `maxFrames`. Frame 0 is the current one. */
  backtrace(pc: bigint, regs: (n: number) => bigint, readMemory64: (addr: bigint) => bigint | undefined, maxFrames = 64, opts: Omit<UnwindOptions, 'isReturnAddress'> = {}):
    { frames: { pc: bigint; sp: bigint; cfa?: bigint; reg: (n: number) => bigint }[]; end: UnwindResult | { kind: 'loop'; message: string } | { kind: 'limit' } } {
    const frames: { pc: bigint; sp: bigint; cfa?: bigint; reg: (n: number) => bigint }[] = [{ pc, sp: regs(31), reg: regs }];
    let curPc = pc, cur = regs;
    for (let i = 0; i + 1 < maxFrames; i++) {
      const r = this.unwind(curPc, cur, readMemory64, { ...opts, isReturnAddress: i > 0 });
      if (r.kind !== 'caller') return { frames, end: r };
      frames[frames.length - 1].cfa = r.cfa;
      const prev = frames[frames.length - 1];
      if (r.sp < prev.sp || (r.sp === prev.sp && r.pc === prev.pc)) {
        return { frames, end: { kind: 'loop', message: `unwinding from ${hex(prev.pc)} did not move the stack (sp ${hex(r.sp)})` } };
      }
      frames.push({ pc: r.pc, sp: r.sp, reg: r.reg });
      curPc = r.pc; cur = r.reg;
    }
    return { frames, end: { kind: 'limit' } };
  }
}

function defaultStripPac(a: bigint): bigint {
  return (a >> 55n) & 1n ? a | 0xffff000000000000n : a & 0x0000ffffffffffffn;
}

function mustRead(read: (a: bigint) => bigint | undefined, addr: bigint, reg: number): bigint {
  const v = read(addr);
  if (v === undefined) throw new DwarfError(`cannot read the saved ${regName(reg)} at ${hex(addr)}`);
  return v;
}

export function regName(n: number): string {
  if (n >= 0 && n <= 30) return `x${n}`;
  if (n === 31) return 'sp';
  if (n >= 64 && n <= 95) return `v${n - 64}`;
  return `r${n}`;
}

function parseCie(r: Reader, offset: number, section: Section, eh: boolean): Cie {
  const version = r.u8();
  if (version !== 1 && version !== 3 && version !== 4) r.fail(`unsupported CIE version ${version}`, r.pos - 1);
  const augmentation = r.cstr();
  let addressSize = 8;
  if (version === 4) {
    addressSize = r.u8();
    const seg = r.u8();
    if (seg !== 0) r.fail(`CIE segment selector size ${seg} is not supported`, r.pos - 1);
    if (addressSize !== 4 && addressSize !== 8) r.fail(`CIE address size ${addressSize} is not supported`, r.pos - 2);
  }
  if (augmentation.startsWith('eh')) r.skip(addressSize, 'eh data');
  const codeAlign = r.uleb();
  const dataAlign = r.sleb();
  const raReg = version === 1 ? r.u8() : r.uleb();
  const cie: Cie = {
    offset, version, augmentation, codeAlign, dataAlign, raReg, addressSize,
    fdeEncoding: PE_absptr, lsdaEncoding: PE_omit, signalFrame: false,
    initialInstructions: new Uint8Array(0), instructionsOffset: 0, section, eh,
  };
  if (augmentation.startsWith('z')) {
    const len = r.uleb();
    const a = r.sub(len, 'augmentation data');
    for (const ch of augmentation.slice(1)) {
      if (ch === 'R') cie.fdeEncoding = a.u8();
      else if (ch === 'L') cie.lsdaEncoding = a.u8();
      else if (ch === 'P') { const enc = a.u8(); readEncoded(a, enc, addressSize, 0n); }
      else if (ch === 'S') cie.signalFrame = true;
      else if (ch === 'B' || ch === 'G') { /* BTI / MTE-tagged frames: no data */ }
      else break;   // unknown augmentation: the rest of the data is skipped by its length
    }
  } else if (augmentation !== '' && !augmentation.startsWith('eh')) {
    r.fail(`unknown CIE augmentation "${augmentation}"`);
  }
  cie.instructionsOffset = r.pos;
  cie.initialInstructions = r.bytes(r.remaining, 'CIE instructions');
  return cie;
}

function parseFde(r: Reader, offset: number, section: Section, cie: Cie, eh: boolean): Fde {
  let start: bigint, range: bigint;
  if (eh) {
    const enc = cie.fdeEncoding;
    start = readEncoded(r, enc, cie.addressSize, section.addr);
    range = readEncoded(r, enc & 0x0f, cie.addressSize, 0n);
  } else {
    start = r.uN(cie.addressSize);
    range = r.uN(cie.addressSize);
  }
  if (cie.augmentation.startsWith('z')) r.skip(r.uleb(), 'FDE augmentation data');
  const instructionsOffset = r.pos;
  const instructions = r.bytes(r.remaining, 'FDE instructions');
  return { offset, cie, start, end: add64(start, range), instructions, instructionsOffset, section };
}

/** A DW_EH_PE-encoded pointer; pc-relative values are relative to the field's address. */
function readEncoded(r: Reader, enc: number, addressSize: number, sectionAddr: bigint): bigint {
  if (enc === PE_omit) return 0n;
  const fieldAddr = add64(sectionAddr, BigInt(r.pos));
  let v: bigint;
  switch (enc & 0x0f) {
    case PE_absptr: v = r.uN(addressSize); break;
    case PE_uleb128: v = r.ulebBig(); break;
    case PE_udata2: v = BigInt(r.u16()); break;
    case PE_udata4: v = BigInt(r.u32()); break;
    case PE_udata8: v = r.u64(); break;
    case PE_sleb128: v = r.slebBig() & MASK64; break;
    case PE_sdata2: v = BigInt.asUintN(64, BigInt.asIntN(16, BigInt(r.u16()))); break;
    case PE_sdata4: v = BigInt.asUintN(64, BigInt.asIntN(32, BigInt(r.u32()))); break;
    case PE_sdata8: v = r.u64(); break;
    default: return r.fail(`unsupported pointer encoding ${hex(enc)}`);
  }
  switch (enc & 0x70) {
    case 0: break;
    case PE_pcrel: v = add64(v, fieldAddr); break;
    case PE_datarel: break;   // relative to .got: not needed for FDE addresses on AArch64
    default: return r.fail(`unsupported pointer application ${hex(enc & 0x70)}`);
  }
  if (enc & PE_indirect) return r.fail('indirect FDE pointers are not supported');
  return v;
}

function cloneRow(r: RuleRow): RuleRow {
  return { loc: r.loc, cfa: r.cfa, regs: new Map(r.regs), raSigned: r.raSigned };
}

/** Runs the CIE's initial instructions and the FDE's program; returns the rows up to `until`
 *  (all rows when undefined). */
function executeFde(fde: Fde, until: bigint | undefined): RuleRow[] {
  const cie = fde.cie;
  const init: RuleRow = { loc: fde.start, cfa: { kind: 'reg', reg: 31, offset: 0 }, regs: new Map(), raSigned: false };
  const initRegs = runProgram(cie, fde, new Reader(cie.section, cie.instructionsOffset, cie.instructionsOffset + cie.initialInstructions.length), [init], undefined, undefined);
  const cieRow = initRegs[initRegs.length - 1];
  const start = cloneRow(cieRow);
  start.loc = fde.start;
  return runProgram(cie, fde, new Reader(fde.section, fde.instructionsOffset, fde.instructionsOffset + fde.instructions.length), [start], cieRow, until);
}

function runProgram(cie: Cie, fde: Fde, r: Reader, rows: RuleRow[], cieRow: RuleRow | undefined, until: bigint | undefined): RuleRow[] {
  let row = rows[rows.length - 1];
  const stack: RuleRow[] = [];
  const caf = BigInt(cie.codeAlign), daf = cie.dataAlign;
  const restoreRule = (reg: number) => {
    const init = cieRow?.regs.get(reg);
    if (init) row.regs.set(reg, init); else row.regs.delete(reg);
  };
  const advanceTo = (loc: bigint): boolean => {
    if (until !== undefined && loc > until) return false;
    if (loc === row.loc) return true;
    const next = cloneRow(row);
    next.loc = loc;
    rows.push(next);
    row = next;
    return true;
  };
  while (!r.atEnd) {
    const at = r.pos;
    const op = r.u8();
    const hi2 = op & 0xc0, low6 = op & 0x3f;
    if (hi2 === CFA.advance_loc) {
      if (!advanceTo(add64(row.loc, BigInt(low6) * caf))) break;
      continue;
    }
    if (hi2 === CFA.offset) { row.regs.set(low6, { kind: 'offset', offset: r.uleb() * daf }); continue; }
    if (hi2 === CFA.restore) { restoreRule(low6); continue; }
    switch (op) {
      case CFA.nop: break;
      case CFA.set_loc: {
        const loc = cie.eh ? readEncoded(r, cie.fdeEncoding, cie.addressSize, fde.section.addr) : r.uN(cie.addressSize);
        if (loc < row.loc) r.fail(`DW_CFA_set_loc goes back to ${hex(loc)} from ${hex(row.loc)}`, at);
        if (!advanceTo(loc)) return rows;
        break;
      }
      case CFA.advance_loc1: if (!advanceTo(add64(row.loc, BigInt(r.u8()) * caf))) return rows; break;
      case CFA.advance_loc2: if (!advanceTo(add64(row.loc, BigInt(r.u16()) * caf))) return rows; break;
      case CFA.advance_loc4: if (!advanceTo(add64(row.loc, BigInt(r.u32()) * caf))) return rows; break;
      case CFA.offset_extended: { const reg = r.uleb(); row.regs.set(reg, { kind: 'offset', offset: r.uleb() * daf }); break; }
      case CFA.restore_extended: {
        restoreRule(r.uleb()); break;
      }
      case CFA.undefined: row.regs.set(r.uleb(), { kind: 'undefined' }); break;
      case CFA.same_value: row.regs.set(r.uleb(), { kind: 'same' }); break;
      case CFA.register: { const reg = r.uleb(); row.regs.set(reg, { kind: 'register', reg: r.uleb() }); break; }
      case CFA.remember_state: stack.push(cloneRow(row)); break;
      case CFA.restore_state: {
        const s = stack.pop();
        if (!s) r.fail('DW_CFA_restore_state without a remembered state', at);
        // The location stays; the rules (CFA included) come back.
        row.cfa = s.cfa; row.regs = s.regs; row.raSigned = s.raSigned;
        break;
      }
      case CFA.def_cfa: { const reg = r.uleb(); row.cfa = { kind: 'reg', reg, offset: r.uleb() }; break; }
      case CFA.def_cfa_sf: { const reg = r.uleb(); row.cfa = { kind: 'reg', reg, offset: r.sleb() * daf }; break; }
      case CFA.def_cfa_register: {
        const reg = r.uleb();
        if (row.cfa.kind !== 'reg') r.fail('DW_CFA_def_cfa_register when the CFA is an expression', at);
        row.cfa = { kind: 'reg', reg, offset: row.cfa.offset }; break;
      }
      case CFA.def_cfa_offset: {
        const off = r.uleb();
        if (row.cfa.kind !== 'reg') r.fail('DW_CFA_def_cfa_offset when the CFA is an expression', at);
        row.cfa = { kind: 'reg', reg: row.cfa.reg, offset: off }; break;
      }
      case CFA.def_cfa_offset_sf: {
        const off = r.sleb() * daf;
        if (row.cfa.kind !== 'reg') r.fail('DW_CFA_def_cfa_offset_sf when the CFA is an expression', at);
        row.cfa = { kind: 'reg', reg: row.cfa.reg, offset: off }; break;
      }
      case CFA.def_cfa_expression: row.cfa = { kind: 'expression', expr: r.bytes(r.uleb()) }; break;
      case CFA.expression: { const reg = r.uleb(); row.regs.set(reg, { kind: 'expression', expr: r.bytes(r.uleb()) }); break; }
      case CFA.val_expression: { const reg = r.uleb(); row.regs.set(reg, { kind: 'val_expression', expr: r.bytes(r.uleb()) }); break; }
      case CFA.offset_extended_sf: { const reg = r.uleb(); row.regs.set(reg, { kind: 'offset', offset: r.sleb() * daf }); break; }
      case CFA.val_offset: { const reg = r.uleb(); row.regs.set(reg, { kind: 'val_offset', offset: r.uleb() * daf }); break; }
      case CFA.val_offset_sf: { const reg = r.uleb(); row.regs.set(reg, { kind: 'val_offset', offset: r.sleb() * daf }); break; }
      case CFA.AARCH64_negate_ra_state: row.raSigned = !row.raSigned; break;
      case CFA.GNU_args_size: r.uleb(); break;
      case CFA.GNU_negative_offset_extended: { const reg = r.uleb(); row.regs.set(reg, { kind: 'offset', offset: -r.uleb() * daf }); break; }
      default: r.fail(`unknown call frame instruction ${hex(op)}`, at);
    }
  }
  return rows;
}

/** A DWARF expression (the subset CFI uses) on 64-bit values; `initial` is pushed first. */
export function evaluate(expr: Uint8Array, regs: (n: number) => bigint, read: (a: bigint) => bigint | undefined, initial: bigint[]): bigint {
  const r: Reader = new Reader({ name: 'CFI expression', data: expr, addr: 0n });
  const st: bigint[] = [...initial];
  const pop = (): bigint => { const v = st.pop(); if (v === undefined) r.fail('stack underflow'); return v; };
  const s64 = (v: bigint) => BigInt.asIntN(64, v);
  while (!r.atEnd) {
    const op = r.u8();
    if (op >= 0x30 && op <= 0x4f) { st.push(BigInt(op - 0x30)); continue; }                // lit0-31
    if (op >= 0x70 && op <= 0x8f) { st.push(add64(regs(op - 0x70), r.slebBig())); continue; } // breg0-31
    switch (op) {
      case 0x03: st.push(r.u64()); break;                                  // addr
      case 0x06: { const a = pop(); const v = read(a); if (v === undefined) r.fail(`cannot read memory at ${hex(a)}`); st.push(v); break; } // deref
      case 0x08: st.push(BigInt(r.u8())); break;                           // const1u
      case 0x09: st.push(BigInt.asUintN(64, BigInt(r.s8()))); break;       // const1s
      case 0x0a: st.push(BigInt(r.u16())); break;                          // const2u
      case 0x0b: st.push(BigInt.asUintN(64, BigInt.asIntN(16, BigInt(r.u16())))); break;
      case 0x0c: st.push(BigInt(r.u32())); break;                          // const4u
      case 0x0d: st.push(BigInt.asUintN(64, BigInt.asIntN(32, BigInt(r.u32())))); break;
      case 0x0e: case 0x0f: st.push(r.u64()); break;                       // const8u/s
      case 0x10: st.push(r.ulebBig()); break;                              // constu
      case 0x11: st.push(r.slebBig() & MASK64); break;                     // consts
      case 0x12: st.push(st.length ? st[st.length - 1] : pop()); break;   // dup
      case 0x13: pop(); break;                                             // drop
      case 0x14: { if (st.length < 2) r.fail('stack underflow'); st.push(st[st.length - 2]); break; } // over
      case 0x15: { const i = r.u8(); if (i >= st.length) r.fail('stack underflow'); st.push(st[st.length - 1 - i]); break; } // pick
      case 0x16: { const a = pop(), b = pop(); st.push(a, b); break; }     // swap
      case 0x17: { const a = pop(), b = pop(), c = pop(); st.push(a, c, b); break; } // rot
      case 0x19: { const a = s64(pop()); st.push((a < 0n ? -a : a) & MASK64); break; } // abs
      case 0x1a: { const a = pop(), b = pop(); st.push(a & b); break; }    // and
      case 0x1b: { const a = s64(pop()), b = s64(pop()); if (a === 0n) r.fail('division by zero'); st.push((b / a) & MASK64); break; } // div
      case 0x1c: { const a = pop(), b = pop(); st.push((b - a) & MASK64); break; } // minus
      case 0x1d: { const a = pop(), b = pop(); if (a === 0n) r.fail('division by zero'); st.push(b % a); break; } // mod
      case 0x1e: { const a = pop(), b = pop(); st.push((a * b) & MASK64); break; } // mul
      case 0x1f: st.push(-pop() & MASK64); break;                           // neg
      case 0x20: st.push(~pop() & MASK64); break;                           // not
      case 0x21: { const a = pop(), b = pop(); st.push(a | b); break; }     // or
      case 0x22: { const a = pop(), b = pop(); st.push((a + b) & MASK64); break; } // plus
      case 0x23: st.push(add64(pop(), r.ulebBig())); break;                 // plus_uconst
      case 0x24: { const a = pop(), b = pop(); st.push(a >= 64n ? 0n : (b << a) & MASK64); break; } // shl
      case 0x25: { const a = pop(), b = pop(); st.push(a >= 64n ? 0n : b >> a); break; } // shr
      case 0x26: { const a = pop(), b = s64(pop()); st.push((b >> (a >= 64n ? 63n : a)) & MASK64); break; } // shra
      case 0x27: { const a = pop(), b = pop(); st.push(a ^ b); break; }     // xor
      case 0x92: { const reg = r.uleb(); st.push(add64(regs(reg), r.slebBig())); break; } // bregx
      case 0x96: break;                                                     // nop
      default: r.fail(`unsupported operation ${hex(op)}`);
    }
  }
  return pop();
}

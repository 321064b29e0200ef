// The debug-information layer (adapter/debuginfo) against binutils: line tables against
// `readelf --debug-dump=decodedline`, call frame information against `--debug-dump=frames-interp`,
// compile units and subprograms against `objdump --dwarf=info`, unit ranges against
// `--debug-dump=aranges`, symbol labels against `objdump -d`'s `<sym+off>`. The golden dumps are
// committed (test/fixtures/debuginfo/golden, made by test/fixtures/debuginfo/build.sh), so these
// tests run without binutils; when binutils is installed the dumps are also re-made live and
// must equal the committed ones. Also: the queries (address -> line, line -> addresses,
// function by pc, function breakpoints) and u-boot's ELF file.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createHash } from 'crypto';
import { spawnSync } from 'child_process';
import { loadDebugInfo, DebugInfo, RuleRow, RegisterRule, SymbolTable } from '../../adapter/debuginfo';
import { regName } from '../../adapter/debuginfo/DwarfFrame';
import { normalizePath } from '../../adapter/debuginfo/reader';
import { parseElf } from '../../emulator/loaders/elf';

const ROOT = path.resolve(__dirname, '../..');
const DIR = path.join(ROOT, 'test/fixtures/debuginfo');
const READELF = process.env.AARCH64_READELF || 'aarch64-linux-gnu-readelf';
const OBJDUMP = process.env.AARCH64_OBJDUMP || 'aarch64-linux-gnu-objdump';
const BINUTILS_HINT = 'apt-get install binutils-aarch64-linux-gnu';
const UBOOT = '/usr/lib/u-boot/qemu_arm64/uboot.elf';

const VARIANTS = ['O0-dwarf5', 'O2-dwarf5', 'O0-dwarf4', 'O2-dwarf4', 'O0-dwarf2', 'O2-dwarf3-eh'];
const BIN_FIXTURES = fs.readdirSync(path.join(ROOT, 'test/fixtures/bin')).filter(f => f.endsWith('.elf')).map(f => f.slice(0, -4)).sort();

function oraclesRequired(): boolean { return process.env.REALMSCOPE_ORACLES === 'required'; }
let binutils: boolean | undefined;
function haveBinutils(): boolean {
  if (binutils === undefined) {
    binutils = [READELF, OBJDUMP].every(t => spawnSync(t, ['--version'], { stdio: 'ignore' }).status === 0);
  }
  return binutils;
}
let hinted = false;
/** Skips a live check (one line, once) when binutils is missing, unless oracles are required. */
function needBinutils(ctx: Mocha.Context): void {
  if (haveBinutils()) return;
  if (oraclesRequired()) throw new Error(`${READELF} not found and REALMSCOPE_ORACLES=required (${BINUTILS_HINT})`);
  if (!hinted) { console.log(`    binutils for aarch64 not found: skipping live checks (${BINUTILS_HINT})`); hinted = true; }
  ctx.skip();
}

type DumpKind = 'decodedline' | 'frames' | 'info' | 'aranges' | 'disasm';
function dumpArgs(kind: DumpKind): [string, string[]] {
  switch (kind) {
    case 'decodedline': return [READELF, ['-W', '--debug-dump=decodedline']];
    case 'frames': return [READELF, ['-W', '--debug-dump=frames-interp']];
    case 'aranges': return [READELF, ['-W', '--debug-dump=aranges']];
    case 'info': return [OBJDUMP, ['--dwarf=info']];
    case 'disasm': return [OBJDUMP, ['-d']];
  }
}
/** Runs binutils as build.sh does (objdump's file name line made relative). */
function liveDump(elf: string, kind: DumpKind, display: string): string {
  const [tool, args] = dumpArgs(kind);
  const r = spawnSync(tool, [...args, elf], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, LC_ALL: 'C' } });
  assert.equal(r.status, 0, `${tool} failed: ${r.stderr}`);
  return kind === 'info' || kind === 'disasm' ? r.stdout.split('\n').map(l => (l === `${elf}:     file format elf64-littleaarch64` ? `${display}:     file format elf64-littleaarch64` : l)).join('\n') : r.stdout;
}

interface Fixture { name: string; elf: string; golden: (k: DumpKind) => string | undefined; }
function variantFixture(v: string): Fixture {
  const elf = path.join(DIR, 'bin', `${v}.elf`);
  return { name: v, elf, golden: k => fs.readFileSync(path.join(DIR, 'golden', `${v}.${k}.txt`), 'latin1') };
}
/** test/fixtures/bin/*.elf (another engineer's fixtures): golden dumps are used only while the
 *  binary is the one they were made from (golden/bin/SHA256SUMS); otherwise live binutils. */
function binFixture(n: string): Fixture {
  const elf = path.join(ROOT, 'test/fixtures/bin', `${n}.elf`);
  const sums = new Map<string, string>();
  const sumFile = path.join(DIR, 'golden/bin/SHA256SUMS');
  if (fs.existsSync(sumFile)) {
    for (const line of fs.readFileSync(sumFile, 'utf8').split('\n')) { const m = /^([0-9a-f]{64})\s+(\S+)$/.exec(line); if (m) sums.set(m[2], m[1]); }
  }
  const hash = createHash('sha256').update(fs.readFileSync(elf)).digest('hex');
  const fresh = sums.get(`${n}.elf`) === hash;
  return {
    name: `bin/${n}`, elf,
    golden: k => {
      if (fresh) return fs.readFileSync(path.join(DIR, 'golden/bin', `${n}.${k}.txt`), 'latin1');
      if (haveBinutils()) return liveDump(elf, k, `${n}.elf`);
      return undefined;
    },
  };
}

const cache = new Map<string, DebugInfo>();
function load(f: Fixture): DebugInfo {
  let d = cache.get(f.elf);
  if (!d) { d = loadDebugInfo(new Uint8Array(fs.readFileSync(f.elf)), 0n, path.basename(f.elf)); cache.set(f.elf, d); }
  return d;
}
const h = (v: bigint) => '0x' + v.toString(16);
/** The instruction word at a (link-time) address, from the ELF's segments. */
function wordAt(d: DebugInfo, addr: bigint): number {
  for (const s of d.image.segments) {
    const off = Number(addr - s.vaddr);
    if (off >= 0 && off + 4 <= s.data.length) return (s.data[off] | (s.data[off + 1] << 8) | (s.data[off + 2] << 16) | (s.data[off + 3] << 24)) >>> 0;
  }
  throw new Error(`no code at ${h(addr)}`);
}

// ------------------------------------------------------------------ golden parsers

interface GLine { name: string; dirPath?: string; line: number | null; address: bigint; stmt: boolean }
/** readelf --debug-dump=decodedline: rows in order; `dirPath` is the last "path:" header. */
function parseDecodedLine(text: string): GLine[] {
  const out: GLine[] = [];
  let cur: string | undefined;
  for (const l of text.split('\n')) {
    let m = /^CU: (.*):$/.exec(l);
    if (m) { cur = m[1]; continue; }
    if (/^CU: /.test(l)) { cur = undefined; continue; }
    m = /^(\S.*?):$/.exec(l);
    if (m && !l.startsWith('Contents') && !l.startsWith('File name')) { cur = m[1]; continue; }
    m = /^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+(\d+))?\s*(x?)\s*$/.exec(l);
    if (m) out.push({ name: m[1], dirPath: cur, line: m[2] === '-' ? null : Number(m[2]), address: BigInt(m[3]), stmt: m[5] === 'x' });
  }
  return out;
}

interface GFde { section: string; offset: number; cie: number; start: bigint; end: bigint; columns: string[]; rows: { loc: bigint; cfa: string; cells: string[] }[] }
interface GCie { section: string; offset: number; aug: string; cf: number; df: number; ra: number; columns: string[]; rows: { loc: bigint; cfa: string; cells: string[] }[] }
function parseFrames(text: string): { cies: GCie[]; fdes: GFde[] } {
  const cies: GCie[] = [], fdes: GFde[] = [];
  let section = '';
  let cur: GCie | GFde | undefined;
  for (const l of text.split('\n')) {
    let m = /^Contents of the (\S+) section:/.exec(l);
    if (m) { section = m[1]; cur = undefined; continue; }
    m = /^([0-9a-f]+) [0-9a-f]+ [0-9a-f]+ CIE "([^"]*)" cf=(\d+) df=(-?\d+) ra=(\d+)/.exec(l);
    if (m) { cur = { section, offset: parseInt(m[1], 16), aug: m[2], cf: +m[3], df: +m[4], ra: +m[5], columns: [], rows: [] }; cies.push(cur); continue; }
    m = /^([0-9a-f]+) [0-9a-f]+ [0-9a-f]+ FDE cie=([0-9a-f]+) pc=([0-9a-f]+)\.\.([0-9a-f]+)/.exec(l);
    if (m) { cur = { section, offset: parseInt(m[1], 16), cie: parseInt(m[2], 16), start: BigInt('0x' + m[3]), end: BigInt('0x' + m[4]), columns: [], rows: [] }; fdes.push(cur); continue; }
    if (!cur) continue;
    if (/^\s+LOC\s+CFA/.test(l)) { cur.columns = l.trim().split(/\s+/).slice(2); continue; }
    m = /^([0-9a-f]{16}) (.*)$/.exec(l);
    if (m) {
      // Cells are at most one "rN (name)" or a word; split on runs of spaces that are not inside "( )".
      const cells = m[2].trim().replace(/ \(/g, '(').split(/\s+/).map(c => c.replace(/\(/, ' ('));
      cur.rows.push({ loc: BigInt('0x' + m[1]), cfa: cells[0], cells: cells.slice(1) });
    }
  }
  return { cies, fdes };
}

interface GDie { offset: number; depth: number; tag: string; attrs: Map<string, string> }
interface GUnit { offset: number; version: number; unitType?: string; dwarf64: boolean; dies: GDie[] }
function parseInfo(text: string): GUnit[] {
  const units: GUnit[] = [];
  let u: GUnit | undefined, d: GDie | undefined;
  for (const l of text.split('\n')) {
    let m = /^\s+Compilation Unit @ offset (0x[0-9a-f]+|0):/.exec(l);
    if (m) { u = { offset: Number(m[1]), version: 0, dwarf64: false, dies: [] }; units.push(u); d = undefined; continue; }
    if (!u) continue;
    m = /^\s+Length:\s+\S+ \((\d+)-bit\)/.exec(l);
    if (m) { u.dwarf64 = m[1] === '64'; continue; }
    m = /^\s+Version:\s+(\d+)/.exec(l);
    if (m) { u.version = +m[1]; continue; }
    m = /^\s+Unit Type:\s+(\S+)/.exec(l);
    if (m) { u.unitType = m[1]; continue; }
    m = /^ <(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)(?: \((\S+)\))?/.exec(l);
    if (m) {
      if (m[3] === '0') { d = undefined; continue; }
      d = { offset: parseInt(m[2], 16), depth: +m[1], tag: m[4], attrs: new Map() }; u.dies.push(d); continue;
    }
    m = /^\s+<[0-9a-f]+>\s+(DW_AT_\w+)\s*: (.*)$/.exec(l);
    if (m && d) d.attrs.set(m[1], m[2]);
  }
  return units;
}
/** The value part of an objdump attribute: strings after "): ", numbers as bigint. */
function attrString(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^\((?:indirect|indexed) (?:line )?string[^)]*\): (.*)$/.exec(v);
  return m ? m[1] : v;
}
function attrNumber(v: string | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  const m = /^(?:\(index: 0x[0-9a-f]+\): |\(index: 0\): )?(0x[0-9a-f]+|\d+)\b/.exec(v);
  return m ? BigInt(m[1]) : undefined;
}
function attrRef(v: string | undefined): number | undefined {
  const m = v && /^<0x([0-9a-f]+)>/.exec(v);
  return m ? parseInt(m[1], 16) : undefined;
}

function parseAranges(text: string): Map<number, { start: bigint; end: bigint }[]> {
  const out = new Map<number, { start: bigint; end: bigint }[]>();
  let cu = -1;
  for (const l of text.split('\n')) {
    let m = /Offset into \.debug_info:\s+(0x[0-9a-f]+|\d+)/.exec(l);
    if (m) { cu = Number(m[1]); out.set(cu, []); continue; }
    m = /^\s+([0-9a-f]{16}) ([0-9a-f]{16})\s*$/.exec(l);
    if (m && cu >= 0) {
      const s = BigInt('0x' + m[1]), n = BigInt('0x' + m[2]);
      if (s !== 0n || n !== 0n) out.get(cu)!.push({ start: s, end: s + n });
    }
  }
  return out;
}

// ------------------------------------------------------------------ formatting ours like readelf

function cellOf(rule: RegisterRule | undefined): string {
  if (!rule) return 'u';
  switch (rule.kind) {
    case 'unspecified': case 'undefined': return 'u';
    case 'same': return 's';
    case 'offset': return `c${rule.offset >= 0 ? '+' : ''}${rule.offset}`;
    case 'val_offset': return `v${rule.offset >= 0 ? '+' : ''}${rule.offset}`;
    case 'register': return `r${rule.reg} (${regName(rule.reg)})`;
    case 'expression': return 'exp';
    case 'val_expression': return 'vexp';
  }
}
function cfaOf(row: RuleRow): string {
  return row.cfa.kind === 'reg' ? `${regName(row.cfa.reg)}+${row.cfa.offset}` : 'exp';
}
function columnReg(col: string, ra: number): number {
  if (col === 'ra') return ra;
  if (col === 'sp') return 31;
  let m = /^x(\d+)$/.exec(col);
  if (m) return +m[1];
  m = /^v(\d+)$/.exec(col);
  if (m) return 64 + +m[1];
  m = /^r(\d+)$/.exec(col);
  if (m) return +m[1];
  throw new Error(`unknown readelf register column ${col}`);
}
/** Rows as comparable strings, consecutive duplicates (and empty rows) folded. */
function fold(rows: { loc: bigint; text: string }[], end: bigint): string[] {
  const out: { loc: bigint; text: string }[] = [];
  for (const r of rows) {
    if (r.loc >= end) continue;
    if (out.length && out[out.length - 1].loc === r.loc) out.pop();
    if (out.length && out[out.length - 1].text === r.text) continue;
    out.push(r);
  }
  return out.map(r => `${h(r.loc)} ${r.text}`);
}

// ------------------------------------------------------------------ tests

const ALL: Fixture[] = [...VARIANTS.map(variantFixture), ...BIN_FIXTURES.map(binFixture)];

describe('debuginfo: golden comparisons with binutils', function () {
  for (const f of ALL) {
    describe(f.name, () => {
      it('loads without warnings', () => {
        const d = load(f);
        assert.deepEqual(d.warnings, []);
        assert.ok(d.hasDwarf);
      });

      it('.debug_line rows equal readelf --debug-dump=decodedline', function () {
        const g = f.golden('decodedline');
        if (g === undefined) { needBinutils(this); return; }
        const golden = parseDecodedLine(g);
        const d = load(f);
        const mine: GLine[] = [];
        for (const { unit, row } of d.lines!.allRows()) {
          const file = unit.files[row.file];
          mine.push({ name: file ? path.posix.basename(file.name.replace(/\\/g, '/')) : '?', dirPath: file?.path, line: row.endSequence ? null : row.line, address: row.address, stmt: row.isStmt && !row.endSequence });
        }
        assert.ok(golden.length > 20, 'golden has rows');
        assert.equal(mine.length, golden.length, 'row count');
        for (let i = 0; i < golden.length; i++) {
          const a = mine[i], b = golden[i];
          const where = `row ${i} (${h(b.address)} ${b.name}:${b.line})`;
          assert.equal(a.address, b.address, `${where}: address`);
          assert.equal(a.line, b.line, `${where}: line`);
          // (readelf 2.40 shows DW_FORM_strp file names of DWARF 5 tables as <unknown>.)
          if (b.name !== '<unknown>') assert.equal(a.name, path.posix.basename(b.name), `${where}: file`);
          if (b.line !== null) assert.equal(a.stmt, b.stmt, `${where}: is_stmt`);
          // readelf names the file with its directory (relative to the compilation directory
          // for DWARF 2-4 tables); ours is resolved against the compilation directory.
          if (b.dirPath && b.line !== null && path.posix.basename(b.dirPath) === b.name) {
            const ours = normalizePath(a.dirPath!), theirs = normalizePath(b.dirPath);
            assert.ok(ours === theirs || ours.endsWith('/' + theirs), `${where}: path ${ours} vs ${theirs}`);
          }
        }
      });

      it('call frame rules equal readelf --debug-dump=frames-interp', function () {
        const g = f.golden('frames');
        if (g === undefined) { needBinutils(this); return; }
        const { cies, fdes } = parseFrames(g);
        const d = load(f);
        const cfi = d.frames!;
        assert.equal(cfi.fdes.length, fdes.length, 'FDE count');
        assert.equal(cfi.cies.length, cies.length, 'CIE count');
        for (const gc of cies) {
          const c = cfi.cies.find(x => x.section.name === gc.section && x.offset === gc.offset);
          assert.ok(c, `CIE at ${gc.section}+${gc.offset.toString(16)}`);
          assert.deepEqual([c.augmentation, c.codeAlign, c.dataAlign, c.raReg], [gc.aug, gc.cf, gc.df, gc.ra]);
        }
        for (const gf of fdes) {
          const fde = cfi.fdes.find(x => x.section.name === gf.section && x.offset === gf.offset);
          const where = `FDE ${gf.section}+${gf.offset.toString(16)}`;
          assert.ok(fde, where);
          assert.equal(fde.start, gf.start, `${where}: start`);
          assert.equal(fde.end, gf.end, `${where}: end`);
          assert.equal(fde.cie.offset, gf.cie, `${where}: CIE`);
          let rows = gf.rows, columns = gf.columns;
          if (rows.length === 0) {   // readelf prints no table for an FDE of nops: the CIE's rules apply
            const gc = cies.find(c => c.section === gf.section && c.offset === gf.cie)!;
            columns = gc.columns;
            rows = gc.rows.map(r => ({ ...r, loc: gf.start }));
          }
          const regs = columns.map(c => columnReg(c, fde.cie.raReg));
          const expected = fold(rows.map(r => ({ loc: r.loc, text: `${r.cfa} ${r.cells.join(' ')}` })), gf.end);
          const table = cfi.table(fde);
          const mentioned = new Set<number>();
          for (const r of table) for (const [n, rule] of r.regs) if (cellOf(rule) !== 'u') mentioned.add(n);
          for (const n of mentioned) assert.ok(regs.includes(n), `${where}: rule for ${regName(n)}, which readelf does not show`);
          const actual = fold(table.map(r => ({ loc: r.loc, text: `${cfaOf(r)} ${regs.map(n => cellOf(r.regs.get(n))).join(' ')}` })), gf.end);
          assert.deepEqual(actual, expected, where);
        }
      });

      it('compile units and subprograms equal objdump --dwarf=info', function () {
        const g = f.golden('info');
        if (g === undefined) { needBinutils(this); return; }
        const gunits = parseInfo(g);
        const d = load(f);
        const info = d.info!;
        assert.deepEqual(info.units.map(u => u.offset), gunits.map(u => u.offset), 'unit offsets');
        const dieByOffset = new Map<number, GDie>();
        for (const gu of gunits) for (const die of gu.dies) dieByOffset.set(die.offset, die);
        let withCode = 0;
        for (let i = 0; i < gunits.length; i++) {
          const gu = gunits[i], u = info.units[i];
          const where = `unit at ${h(BigInt(gu.offset))}`;
          assert.equal(u.version, gu.version, `${where}: version`);
          assert.equal(u.offsetSize, gu.dwarf64 ? 8 : 4, `${where}: offset size`);
          const cu = gu.dies[0];
          assert.equal(u.name, attrString(cu.attrs.get('DW_AT_name')), `${where}: name`);
          assert.equal(u.compDir, attrString(cu.attrs.get('DW_AT_comp_dir')), `${where}: comp_dir`);
          assert.equal(u.producer, attrString(cu.attrs.get('DW_AT_producer')), `${where}: producer`);
          const sl = attrNumber(cu.attrs.get('DW_AT_stmt_list'));
          assert.equal(u.stmtList === undefined ? undefined : BigInt(u.stmtList), sl, `${where}: stmt_list`);
          const low = attrNumber(cu.attrs.get('DW_AT_low_pc'));
          assert.equal(u.lowPc, low, `${where}: low_pc`);
          const subs = gu.dies.filter(x => x.tag === 'DW_TAG_subprogram');
          assert.equal(u.subprograms.length, subs.length, `${where}: subprogram count`);
          for (const gs of subs) {
            const s = info.subprogramAt(gs.offset);
            const sw = `${where}: subprogram at ${h(BigInt(gs.offset))}`;
            assert.ok(s, sw);
            // The name, directly or through DW_AT_abstract_origin / DW_AT_specification.
            let name = attrString(gs.attrs.get('DW_AT_name'));
            let line = attrNumber(gs.attrs.get('DW_AT_decl_line'));
            for (let o = gs, k = 0; k < 8; k++) {
              const ref = attrRef(o.attrs.get('DW_AT_abstract_origin')) ?? attrRef(o.attrs.get('DW_AT_specification'));
              if (ref === undefined) break;
              o = dieByOffset.get(ref)!;
              name ??= attrString(o.attrs.get('DW_AT_name'));
              line ??= attrNumber(o.attrs.get('DW_AT_decl_line'));
            }
            assert.equal(s.name, name, `${sw}: name`);
            assert.equal(s.declLine === undefined ? undefined : BigInt(s.declLine), line, `${sw}: decl_line`);
            const lowS = gs.attrs.get('DW_AT_low_pc'), highS = gs.attrs.get('DW_AT_high_pc');
            const lo = attrNumber(lowS);
            assert.equal(s.lowPc, lo, `${sw}: low_pc`);
            if (lo !== undefined && highS !== undefined) {
              const hv = attrNumber(highS)!;
              const hi = /^\(index/.test(highS) || (gu.version < 4) ? hv : lo + hv;
              assert.equal(s.highPc, hi, `${sw}: high_pc`);
              if (hi > lo) assert.deepEqual(s.ranges, [{ start: lo, end: hi }], `${sw}: ranges`);
            }
            if (gs.attrs.has('DW_AT_ranges')) assert.ok(s.ranges.length > 0, `${sw}: DW_AT_ranges gives code`);
            if (s.ranges.length) withCode++;
            const fb = gs.attrs.get('DW_AT_frame_base');
            const mb = fb && /^\d+ byte block: ([0-9a-f ]+?)\s*\t?\(/.exec(fb);
            if (mb) {
              const bytes = mb[1].trim().split(' ').map(x => parseInt(x, 16));
              const ours = s.frameBase!;
              const enc = ours.kind === 'cfa' ? [0x9c] : ours.kind === 'expr' ? [...ours.bytes] : undefined;
              if (enc) assert.deepEqual(enc, bytes, `${sw}: frame base`);
              else if (ours.kind === 'breg') assert.ok(bytes[0] === 0x70 + ours.reg || (bytes[0] === 0x92 && bytes[1] === ours.reg), `${sw}: frame base register`);
              else if (ours.kind === 'reg') assert.ok(bytes[0] === 0x50 + ours.reg || bytes[0] === 0x90, `${sw}: frame base register`);
            }
          }
        }
        assert.equal(info.functions.length, withCode, 'subprograms with code');
      });

      it('unit ranges cover what readelf --debug-dump=aranges lists', function () {
        const g = f.golden('aranges');
        if (g === undefined) { needBinutils(this); return; }
        const ar = parseAranges(g);
        const d = load(f);
        assert.ok(ar.size > 0);
        for (const [off, ranges] of ar) {
          const u = d.info!.units.find(x => x.offset === off);
          assert.ok(u, `unit at ${off}`);
          const norm = (l: { start: bigint; end: bigint }[]) => l.filter(r => r.end > r.start).map(r => `${h(r.start)}-${h(r.end)}`).sort();
          assert.deepEqual(norm(u.ranges), norm(ranges), `unit ${u.name}`);
        }
      });

      it('subprogram ranges are the extents of their symbols (name or name.cold/.part/.isra)', () => {
        const d = load(f);
        for (const fn of d.info!.functions) {
          for (const r of fn.ranges) {
            const s = d.symbols.lookupAddress(r.start);
            assert.ok(s && s.offset === 0n, `${fn.name}: no symbol at ${h(r.start)}`);
            const names = d.symbols.symbols.filter(x => x.address === r.start && (x.type === 'func' || x.type === 'notype')).map(x => x.name);
            assert.ok(names.some(n => n === fn.name || n.startsWith(fn.name + '.')), `${fn.name}: symbols at ${h(r.start)} are ${names}`);
            const sized = d.symbols.symbols.find(x => x.address === r.start && x.size > 0 && x.type === 'func');
            if (sized) assert.equal(r.end - r.start, BigInt(sized.size), `${fn.name}: range size`);
          }
        }
      });

      it('symbol labels equal objdump -d <sym+off>', function () {
        const g = f.golden('disasm');
        if (g === undefined) { needBinutils(this); return; }
        const d = load(f);
        let n = 0;
        for (const l of g.split('\n')) {
          const m = /^\s+[0-9a-f]+:\s+[0-9a-f]{8}\s+\S+\s+(?:[^<]*,\s*)?([0-9a-f]+) <([^>]+)>/.exec(l);
          if (!m) continue;
          const addr = BigInt('0x' + m[1]);
          const label = d.describeAddress(addr);
          // objdump does not look at symbol sizes: past the end of a sized symbol (or of the sized
          // symbol a label is in) we say nothing.
          if (label.startsWith('0x')) {
            const named = d.symbols.lookup(m[2].replace(/\+0x[0-9a-f]+$/, ''))!.address;
            const bounded = d.symbols.symbols.some(s => s.size > 0 && s.address <= named && named < s.address + BigInt(s.size) && s.address + BigInt(s.size) <= addr);
            assert.ok(bounded, `${h(addr)}: no label, objdump says <${m[2]}>`);
          } else {
            assert.equal(label, m[2], `label of ${h(addr)}`);
          }
          n++;
        }
        assert.ok(n > 5, 'disassembly has labelled branch targets');
      });

      it('the committed golden dumps are what binutils prints now', function () {
        needBinutils(this);
        for (const k of ['decodedline', 'frames', 'info', 'aranges', 'disasm'] as DumpKind[]) {
          const g = f.golden(k)!;
          const live = liveDump(f.elf, k, path.basename(f.elf));
          assert.ok(g === live, `${f.name}.${k}: the committed dump differs from ${dumpArgs(k)[0]}'s output (run test/fixtures/debuginfo/build.sh)`);
        }
      });
    });
  }
});

describe('debuginfo: queries', () => {
  const fx = (v: string) => load(variantFixture(v));
  const sym = (d: DebugInfo, n: string) => d.symbols.lookup(n)!.address;

  for (const v of VARIANTS) {
    it(`${v}: address -> line for every is_stmt row, and back`, () => {
      const d = fx(v);
      let checked = 0;
      for (const seq of d.lines!.sequences) {
        for (let i = 0; i + 1 < seq.rows.length; i++) {
          let r = seq.rows[i];
          const next = seq.rows[i + 1];
          if (next.address === r.address) continue;      // an empty row: the next one covers it
          // Rows sharing an address: the last statement row among them stands for it (GDB's rule).
          for (let k = i; !r.isStmt && k > 0 && seq.rows[k - 1].address === r.address; k--) if (seq.rows[k - 1].isStmt) { r = seq.rows[k - 1]; break; }
          const path0 = d.lines!.filePath(seq.unit, r.file);
          for (const a of [r.address, next.address - 1n]) {
            const loc = d.sourceLocation(a)!;
            assert.ok(loc, `${h(a)} has a line`);
            assert.equal(`${loc.file}:${loc.line}`, `${path0}:${r.line}`, `line of ${h(a)}`);
          }
          checked++;
          if (!r.isStmt || r.line === 0) continue;
          const bp = d.breakpointAddresses(path0, r.line)!;
          assert.equal(bp.line, r.line);
          // The row's address is in a function that has a breakpoint for the line at or before it.
          const fn = d.functionAt(r.address);
          const inFn = bp.addresses.filter(a => fn && a >= fn.start && a < fn.end!);
          assert.ok(inFn.length >= 1, `${path0}:${r.line}: a breakpoint in ${fn?.name}`);
          assert.ok(inFn.some(a => a <= r.address), `${path0}:${r.line}: breakpoint at or before ${h(r.address)}`);
        }
      }
      assert.ok(checked > 20);
      assert.equal(d.sourceLocation(0x1000n), undefined);
    });

    it(`${v}: source files and line breakpoints in C, asm and a header`, () => {
      const d = fx(v);
      const files = d.sourceFiles();
      for (const f of ['main.c', 'chain.c', 'start.S', 'gas_cfi.S']) {
        assert.ok(files.includes(`test/fixtures/debuginfo/src/${f}`), `${f} in ${files}`);
      }
      // A line with code: the first statement of deepest's loop (chain.c line 11).
      const src = fs.readFileSync(path.join(DIR, 'src/chain.c'), 'utf8').split('\n');
      const loopLine = src.findIndex(l => l.includes('buf[i] = x + (u64)i;')) + 1;
      const bp = d.breakpointAddresses('chain.c', loopLine)!;
      assert.equal(bp.line, loopLine);
      assert.equal(bp.file, 'test/fixtures/debuginfo/src/chain.c');
      assert.equal(bp.addresses.length, 1);
      const fn = d.functionAt(bp.addresses[0])!;
      assert.equal(fn.name, 'deepest');
      // A blank line before it: the next line with code.
      const blank = src.findIndex(l => l.trim() === '') + 1;   // after "volatile u64 sink;"
      const next = d.breakpointAddresses('src/chain.c', blank)!;
      assert.ok(next.line > blank);
      // Paths: a full path, a trailing part; a different directory does not match.
      assert.deepEqual(d.breakpointAddresses(path.join(ROOT, 'test/fixtures/debuginfo/src/chain.c'), loopLine)?.addresses, bp.addresses);
      assert.equal(d.breakpointAddresses('other/chain.c', loopLine), undefined);
      assert.equal(d.breakpointAddresses('chain.c', 10_000), undefined);
      // asm: gas_cfi.S's "bl level3" line.
      const gs = fs.readFileSync(path.join(DIR, 'src/gas_cfi.S'), 'utf8').split('\n');
      const blLine = gs.findIndex(l => l.includes('bl\tlevel3')) + 1;
      const abp = d.breakpointAddresses('gas_cfi.S', blLine)!;
      assert.equal(abp.line, blLine);
      assert.equal(abp.addresses.length, 1);
      const blWord = wordAt(d, abp.addresses[0]);
      assert.equal(blWord >>> 26, 0x25, 'a BL instruction');
      assert.equal(abp.addresses[0] + BigInt(((blWord & 0x3ffffff) << 6) >> 4), sym(d, 'level3'), 'BL level3');
      // The inline function in chain.h: every function it was inlined into gets a breakpoint (-O2)
      // or its out-of-line copies (-O0: one per unit that emitted it).
      const hl = fs.readFileSync(path.join(DIR, 'src/chain.h'), 'utf8').split('\n').findIndex(l => l.includes('u64 r = v * v;')) + 1;
      const sq = d.breakpointAddresses('chain.h', hl)!;
      assert.equal(sq.line, hl);
      const owners = sq.addresses.map(a => d.functionAt(a)!.name).sort();
      if (v.startsWith('O0')) assert.deepEqual(owners, ['square', 'square']);
      else assert.ok(owners.includes('main') && owners.includes('level2'), `square inlined into ${owners}`);
    });

    it(`${v}: function by pc (DWARF, then symbols) and function breakpoints`, () => {
      const d = fx(v);
      for (const name of ['main', 'level1', 'level2', 'level3', 'after_hand', 'deepest', 'gas_frame', 'hand_frame', 'hand_nop', 'hand_pac', '_start']) {
        const s = d.symbols.lookup(name)!;
        assert.ok(s, name);
        for (const off of [0n, BigInt(s.size) - 4n]) {
          const f = d.functionAt(s.address + off)!;
          assert.equal(f.name, name, `function at ${name}+${off}`);
          assert.equal(f.source, 'dwarf');
        }
        const bps = d.functionBreakpoints(name);
        assert.equal(bps.length, 1, name);
        assert.equal(bps[0].entry, s.address);
        assert.ok(bps[0].afterPrologue >= s.address && bps[0].afterPrologue < s.address + BigInt(s.size), `${name}: after prologue inside`);
      }
      // hand_leaf's second piece (DW_AT_ranges through rnglistx).
      const cold = d.symbols.lookup('hand_leaf.cold')!;
      assert.equal(d.functionAt(cold.address + 4n)!.name, 'hand_leaf');
      assert.equal(d.info!.functionsNamed('hand_leaf')[0].ranges.length, 2);
      // After the prologue at -O0: the first line of the body, past "stp x29, x30" and "mov x29, sp".
      if (v.startsWith('O0')) {
        const bp = d.functionBreakpoints('level1')[0];
        const src = fs.readFileSync(path.join(DIR, 'src/chain.c'), 'utf8').split('\n');
        assert.equal(d.sourceLocation(bp.afterPrologue)!.line, src.findIndex(l => l.includes('u64 a = level2(x * 3);')) + 1);
        assert.ok(bp.afterPrologue > bp.entry);
        assert.equal(bp.file, 'test/fixtures/debuginfo/src/chain.c');
      }
      assert.deepEqual(d.functionBreakpoints('no_such_function'), []);
      // A label that DWARF does not describe: the symbol.
      const halt = d.functionAt(sym(d, '_halt') + 4n)!;
      assert.equal(halt.name, '_start');
    });
  }

  it('the hand-written units: strx/addrx/rnglistx forms, a 64-bit unit, decl files', () => {
    const d = fx('O2-dwarf5');
    const hand = d.info!.units.find(u => u.name === 'hand.S')!;
    assert.equal(hand.compDir, '/hand/written');
    assert.equal(hand.producer, 'hand-written DWARF 5');
    assert.equal(hand.language, 0x8001);
    const s = (n: string) => d.symbols.lookup(n)!;
    const ext = (n: string) => ({ start: s(n).address, end: s(n).address + BigInt(s(n).size) });
    assert.deepEqual(hand.ranges, [ext('hand_frame'), ext('hand_leaf'), ext('hand_leaf.cold'), ext('hand_nop')]);
    const fr = d.info!.functionsNamed('hand_frame')[0];
    assert.deepEqual(fr.frameBase, { kind: 'cfa' });
    assert.equal(fr.declFile, 1);
    assert.ok(fr.external);
    const leaf = d.info!.functionsNamed('hand_leaf')[0];
    assert.deepEqual(leaf.frameBase, { kind: 'breg', reg: 31, offset: 0 });
    assert.deepEqual(leaf.ranges, [ext('hand_leaf'), ext('hand_leaf.cold')]);
    const nop = d.info!.functionsNamed('hand_nop')[0];
    assert.deepEqual([nop.lowPc, nop.highPc, nop.declLine, nop.external], [ext('hand_nop').start, ext('hand_nop').end, 60, false]);
    const u64 = d.info!.units.find(u => u.name === 'hand64.S')!;
    assert.equal(u64.offsetSize, 8);
    assert.equal(u64.version, 4);
    const pac = d.info!.functionsNamed('hand_pac')[0];
    assert.deepEqual(pac.frameBase, { kind: 'breg', reg: 29, offset: 16 });
    assert.equal(pac.unit, u64);
    // C functions: declaration file through the line table.
    assert.equal(d.info!.functionsNamed('deepest')[0].declFilePath, 'test/fixtures/debuginfo/src/chain.c');
    // The hand-written DWARF 5 line table (string directories, strp names, MD5, opcode_base 14).
    assert.equal(fr.declFilePath, '/hand/written/hand.S');
    const src = fs.readFileSync(path.join(DIR, 'src/hand.S'), 'utf8').split('\n');
    const hf = s('hand_frame').address;
    for (let i = 0; i < 13; i++) {
      const loc = d.sourceLocation(hf + BigInt(4 * i))!;
      assert.equal(`${loc.file}:${loc.line}`, `/hand/written/hand.S:${23 + i}`);
      assert.match(src[loc.line - 1], /^\t(sub|stp|mov|add|bl|ldp|ret)(\t|$)/, `hand.S line ${loc.line} is an instruction`);
      assert.equal(loc.isStmt, i !== 3);
    }
    assert.deepEqual(d.breakpointAddresses('/hand/written/hand.S', 26), { line: 27, file: '/hand/written/hand.S', addresses: [hf + 16n] });
    const pacAt = s('hand_pac').address;
    assert.equal(d.sourceLocation(pacAt), undefined);
    assert.deepEqual([d.sourceLocation(pacAt + 4n)!.file, d.sourceLocation(pacAt + 4n)!.line, d.sourceLocation(pacAt + 20n)!.line], ['/hand/written/sub/hand.inc', 100, 97]);
    const lu = d.lines!.unitAt(hand.stmtList!)!;
    assert.deepEqual(lu.includeDirs, ['/hand/written', 'sub']);
    assert.equal(lu.files[2]!.md5, '101112131415161718191a1b1c1d1e1f');
    assert.equal(lu.opcodeBase, 14);
    assert.ok(d.sourceFiles().includes('/hand/written/sub/hand.inc'));
  });

  it('SymbolTable: objdump-style labels within sizes, mapping symbols ignored, preferences', () => {
    const sym = (name: string, value: bigint, size: number, type: 'func' | 'object' | 'notype' | 'section' | 'file' = 'func', global = true) => ({ name, value, size, type, global });
    const t = new SymbolTable([
      sym('$x', 0x1000n, 0, 'notype', false), sym('$d.1', 0x1010n, 0, 'notype', false),
      sym('f', 0x1000n, 0x20), sym('f_alias', 0x1000n, 0x20, 'func', false), sym('label', 0x1008n, 0, 'notype', false),
      sym('g', 0x1040n, 0x10), sym('data', 0x2000n, 8, 'object'), sym('vectors', 0x3000n, 0, 'notype'),
      sym('sec', 0x3000n, 0, 'section'), sym('file.c', 0n, 0, 'file'), sym('static_fn', 0x4000n, 4, 'func', false),
      sym('static_fn', 0x5000n, 4, 'func', false),
    ], 0x100n);
    assert.equal(t.describe(0x1100n), 'f');
    assert.equal(t.describe(0x1104n), 'f+0x4');
    assert.equal(t.describe(0x1108n), 'label');              // an unsized label inside f
    assert.equal(t.describe(0x110cn), 'label+0x4');
    assert.equal(t.describe(0x1120n), undefined);            // past f (and label's extent ends with f)
    assert.equal(t.describe(0x1144n), 'g+0x4');
    assert.equal(t.describe(0x1150n), undefined);
    assert.equal(t.describe(0x2104n), 'data+0x4');
    assert.equal(t.describe(0x3180n), 'vectors+0x80');      // unknown size: up to the next symbol
    assert.equal(t.describe(0xfffn), undefined);
    assert.equal(t.lookup('f')!.address, 0x1100n);
    assert.equal(t.lookup('$x'), undefined);
    assert.equal(t.lookup('sec'), undefined);
    assert.equal(t.lookupAll('static_fn').length, 2);
    assert.equal(t.lookup('data')!.type, 'object');
    assert.deepEqual(t.functions().map(x => x.name), ['f', 'f_alias', 'g', 'static_fn', 'static_fn']);
  });

  it('a load offset moves symbols, lines, functions and CFI together', () => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(DIR, 'bin/O0-dwarf5.elf')));
    const base = loadDebugInfo(bytes);
    const off = 0x1000_0000n;
    const moved = loadDebugInfo(bytes, off);
    const main = base.symbols.lookup('main')!.address;
    assert.equal(moved.symbols.lookup('main')!.address, main + off);
    assert.equal(moved.describeAddress(main + off + 8n), 'main+0x8');
    assert.equal(moved.describeAddress(main + 8n), h(main + 8n));
    assert.deepEqual(moved.sourceLocation(main + off + 8n), { ...base.sourceLocation(main + 8n)!, address: base.sourceLocation(main + 8n)!.address + off });
    assert.equal(moved.functionAt(main + off)!.name, 'main');
    assert.equal(moved.functionAt(main), undefined);
    assert.deepEqual(moved.breakpointAddresses('chain.c', 20)!.addresses, base.breakpointAddresses('chain.c', 20)!.addresses.map(a => a + off));
    assert.equal(moved.functionBreakpoints('level1')[0].entry, base.functionBreakpoints('level1')[0].entry + off);
    const fdeOf = (d: DebugInfo, pc: bigint) => d.frames!.findFde(pc);
    assert.equal(fdeOf(moved, main + off), fdeOf(base, main) === undefined ? undefined : moved.frames!.fdes[base.frames!.fdes.indexOf(fdeOf(base, main)!)]);
    assert.equal(fdeOf(moved, main), undefined);
  });
});

describe('debuginfo: u-boot (Debian u-boot-qemu)', function () {
  before(function () {
    if (fs.existsSync(UBOOT)) return;
    if (oraclesRequired()) throw new Error(`${UBOOT} missing and REALMSCOPE_ORACLES=required (apt-get install u-boot-qemu)`);
    console.log(`    ${UBOOT} not found: skipping (apt-get install u-boot-qemu)`);
    this.skip();
  });

  it('parses: a stripped position-independent image (no symbol table, no DWARF)', () => {
    const bytes = new Uint8Array(fs.readFileSync(UBOOT));
    const img = parseElf(bytes, UBOOT);
    const d = loadDebugInfo(bytes, 0n, UBOOT);
    assert.deepEqual(d.warnings, []);
    assert.equal(d.hasDwarf, false);
    assert.equal(d.lines, undefined);
    assert.equal(d.info, undefined);
    assert.equal(d.frames, undefined);
    // Debian strips it: no .symtab, so board_init_r (and every other name) is unknown; the
    // lookups answer "nothing" rather than failing.
    assert.equal(img.sections.some(s => s.name === '.symtab'), false);
    assert.equal(d.symbols.size, img.symbols.length);
    if (img.symbols.length === 0) {
      assert.equal(d.symbols.lookup('board_init_r'), undefined);
      assert.equal(d.describeAddress(0x1000n), '0x1000');
      assert.equal(d.functionAt(0x1000n), undefined);
    } else {
      assert.ok(d.symbols.lookup('board_init_r'), 'board_init_r');
    }
    assert.equal(d.unwind(0x1000n, () => 0n, () => undefined).kind, 'no-cfi');
    assert.deepEqual(d.sourceFiles(), []);
  });
});


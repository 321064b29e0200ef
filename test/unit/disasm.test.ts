// The A64 disassembler against GNU objdump (binutils 2.40, aarch64-linux-gnu-objdump):
//  1. every instruction of the committed fixture binaries (.text of test/fixtures/bin/*.elf and
//     examples/demo/demo.elf) matches `objdump -d` exactly, branch/literal targets symbolized from
//     the ELF symbols the way objdump picks them;
//  2. random encodings drawn per encoding class (emulator/disasm/classes.ts) match
//     `objdump -D -b binary -m aarch64`; a report gives the agreement per class. Only classes marked
//     unimplemented there (SVE, SME) may differ;
//  3. random words of every class never make the disassembler throw;
//  4. test/unit/disasm-golden.json (recorded from objdump) is checked without binutils.
//
// Environment: REALMSCOPE_DISASM_COUNT words per class for (2) (default 400, at least 20,000 in all),
// REALMSCOPE_DISASM_SEED (default 1), REALMSCOPE_DISASM_CLASS (comma-separated class names),
// REALMSCOPE_DISASM_GOLDEN=update rewrites the golden file from objdump. Without objdump the oracle
// parts are skipped (REALMSCOPE_ORACLES=required makes that a failure).

import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { disassemble, DisasmOptions } from '../../emulator/disasm/Disassembler';
import { ENCODING_CLASSES, EncodingClass } from '../../emulator/disasm/classes';
import { objdumpSymbolizer, isMappingSymbol, DisasmSymbol } from '../../emulator/disasm/symbols';

const ROOT = path.resolve(__dirname, '..', '..');
const OBJDUMP = process.env.REALMSCOPE_OBJDUMP || 'aarch64-linux-gnu-objdump';
const INSTALL_HINT = 'apt-get install binutils-aarch64-linux-gnu';
const GOLDEN_FILE = path.join(__dirname, 'disasm-golden.json');
const FIXTURES = [
  ...fs.readdirSync(path.join(ROOT, 'test', 'fixtures', 'bin')).filter(f => f.endsWith('.elf')).sort()
    .map(f => path.join('test', 'fixtures', 'bin', f)),
  path.join('examples', 'demo', 'demo.elf'),
];
/** Load address used for raw-binary sweeps (objdump --adjust-vma). */
const RAW_BASE = 0x40000000n;

// ------------------------------------------------------------------------------------------ oracle

let objdumpPresent: boolean | undefined;
let objdumpVersion = '';
function haveObjdump(): boolean {
  if (objdumpPresent === undefined) {
    const r = spawnSync(OBJDUMP, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    objdumpPresent = r.status === 0;
    objdumpVersion = objdumpPresent ? r.stdout.split('\n')[0] : '';
    if (!objdumpPresent) {
      console.log(`      ${OBJDUMP} not found: objdump comparisons skipped (${INSTALL_HINT})`);
    }
  }
  return objdumpPresent;
}

/** The disassembler follows binutils 2.40; other versions print some encodings differently. */
function versionNote(): string {
  return / 2\.40(\.|$)/.test(objdumpVersion) ? '' : ` (note: the oracle is "${objdumpVersion}"; the disassembler follows binutils 2.40)`;
}

/** Skips the current test when objdump is missing (fails with REALMSCOPE_ORACLES=required). */
function requireObjdump(ctx: Mocha.Context): void {
  if (haveObjdump()) return;
  if (process.env.REALMSCOPE_ORACLES === 'required') {
    throw new Error(`${OBJDUMP} not found and REALMSCOPE_ORACLES=required (${INSTALL_HINT})`);
  }
  ctx.skip();
}

function runObjdump(args: string[]): string {
  const r = spawnSync(OBJDUMP, args, { maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${OBJDUMP} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

interface ObjdumpLine { address: bigint; word: number; text: string }

/** The instruction lines of objdump output: address, the 32-bit word, and the instruction column. */
function parseObjdump(out: string): ObjdumpLine[] {
  const lines: ObjdumpLine[] = [];
  for (const l of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]{8}) \t(.*)$/.exec(l);
    if (m) lines.push({ address: BigInt('0x' + m[1]), word: parseInt(m[2], 16), text: m[3] });
  }
  return lines;
}

/** objdump's text for raw words at RAW_BASE + 4*i (no symbols: targets print as 0x...). */
function objdumpWords(words: number[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmscope-disasm-'));
  try {
    const file = path.join(dir, 'words.bin');
    const buf = Buffer.alloc(words.length * 4);
    words.forEach((w, i) => buf.writeUInt32LE(w >>> 0, i * 4));
    fs.writeFileSync(file, buf);
    const out = runObjdump(['-D', '-z', '-b', 'binary', '-m', 'aarch64', `--adjust-vma=0x${RAW_BASE.toString(16)}`, file]);
    const texts: string[] = new Array(words.length).fill('<missing>');
    for (const l of parseObjdump(out)) texts[Number((l.address - RAW_BASE) / 4n)] = l.text;
    return texts;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------ ELF

interface Section { index: number; name: string; type: number; flags: bigint; addr: bigint; offset: number; size: number }
interface Symbol { name: string; value: bigint; size: bigint; type: number; bind: number; shndx: number }
interface Elf { bytes: Buffer; sections: Section[]; symbols: Symbol[] }

const SHF_EXECINSTR = 4n;
const STB_GLOBAL = 1, STB_WEAK = 2;

function readElf(file: string): Elf {
  const b = fs.readFileSync(file);
  assert.equal(b.readUInt32BE(0), 0x7f454c46, `${file}: not an ELF file`);
  assert.equal(b[4], 2, `${file}: not ELF64`);
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a), shnum = b.readUInt16LE(0x3c), shstrndx = b.readUInt16LE(0x3e);
  const raw: { nameOff: number; type: number; flags: bigint; addr: bigint; offset: number; size: number; link: number }[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push({
      nameOff: b.readUInt32LE(o), type: b.readUInt32LE(o + 4), flags: b.readBigUInt64LE(o + 8),
      addr: b.readBigUInt64LE(o + 0x10), offset: Number(b.readBigUInt64LE(o + 0x18)),
      size: Number(b.readBigUInt64LE(o + 0x20)), link: b.readUInt32LE(o + 0x28),
    });
  }
  const cstr = (off: number): string => b.toString('latin1', off, b.indexOf(0, off));
  const sections: Section[] = raw.map((s, index) => ({
    index, name: cstr(raw[shstrndx].offset + s.nameOff), type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size,
  }));
  const symbols: Symbol[] = [];
  const symtab = raw.find(s => s.type === 2 /* SHT_SYMTAB */);
  if (symtab) {
    const strOff = raw[symtab.link].offset;
    for (let o = symtab.offset; o + 24 <= symtab.offset + symtab.size; o += 24) {
      const info = b[o + 4];
      symbols.push({
        name: cstr(strOff + b.readUInt32LE(o)), type: info & 15, bind: info >> 4, shndx: b.readUInt16LE(o + 6),
        value: b.readBigUInt64LE(o + 8), size: b.readBigUInt64LE(o + 16),
      });
    }
  }
  return { bytes: b, sections, symbols };
}

const TYPES: DisasmSymbol['type'][] = ['notype', 'object', 'func', 'section', 'file'];

/** The production symbolizer (emulator/disasm/symbols.ts) fed with this ELF's symbols. */
function symbolizerFor(elf: Elf, sec: Section): (a: bigint) => string | undefined {
  const syms: DisasmSymbol[] = elf.symbols.map(s => ({
    name: s.name, value: s.value, size: s.size, type: TYPES[s.type] ?? 'other',
    global: s.bind === STB_GLOBAL, weak: s.bind === STB_WEAK, section: s.shndx,
  }));
  return objdumpSymbolizer(syms, { index: sec.index, name: sec.name, addr: sec.addr });
}

/** Whether each word of an executable section is code (per the $x/$d mapping symbols). */
function codeMap(elf: Elf, sec: Section): (a: bigint) => boolean {
  const marks = elf.symbols.filter(s => s.shndx === sec.index && isMappingSymbol(s.name) && s.name[1] !== 'a' && s.name[1] !== 't')
    .map(s => ({ at: s.value, code: s.name[1] === 'x' })).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return (a: bigint): boolean => {
    let code = true;
    for (const m of marks) { if (m.at > a) break; code = m.code; }
    return code;
  };
}

interface FixtureResult { file: string; compared: number; data: number; mismatches: string[] }

function checkFixture(rel: string): FixtureResult {
  const file = path.join(ROOT, rel);
  const elf = readElf(file);
  const lines = parseObjdump(runObjdump(['-d', file]));
  const result: FixtureResult = { file: rel, compared: 0, data: 0, mismatches: [] };
  for (const sec of elf.sections.filter(s => (s.flags & SHF_EXECINSTR) !== 0n && s.size > 0)) {
    const opts: DisasmOptions = { symbolize: symbolizerFor(elf, sec) };
    const isCode = codeMap(elf, sec);
    for (const l of lines) {
      if (l.address < sec.addr || l.address >= sec.addr + BigInt(sec.size)) continue;
      if (!isCode(l.address)) {
        assert.match(l.text, /^\.(word|inst)\t/, `${rel} ${l.address.toString(16)}: data word printed as ${l.text}`);
        result.data++;
        continue;
      }
      const word = elf.bytes.readUInt32LE(sec.offset + Number(l.address - sec.addr));
      assert.equal(word, l.word, `${rel} ${l.address.toString(16)}: objdump shows another word`);
      const mine = disassemble(word, l.address, opts).text;
      result.compared++;
      if (mine !== l.text) {
        result.mismatches.push(`${rel} ${l.address.toString(16)}: ${word.toString(16).padStart(8, '0')}\n` +
          `    objdump: ${JSON.stringify(l.text)}\n    mine:    ${JSON.stringify(mine)}`);
      }
    }
  }
  return result;
}

// ------------------------------------------------------------------------------------------ random words

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

function drawWords(classes: EncodingClass[], perClass: number, seed: number): { words: number[]; cls: EncodingClass[] } {
  const rnd = xorshift(seed);
  const words: number[] = [], cls: EncodingClass[] = [];
  for (const c of classes) {
    for (let i = 0; i < perClass; i++) {
      words.push(((rnd() & ~c.mask) | c.value) >>> 0);
      cls.push(c);
    }
  }
  return { words, cls };
}

function selectedClasses(): EncodingClass[] {
  const env = process.env.REALMSCOPE_DISASM_CLASS;
  if (!env) return ENCODING_CLASSES;
  const names = env.split(',').map(s => s.trim()).filter(Boolean);
  const bad = names.filter(n => !ENCODING_CLASSES.some(c => c.name === n));
  if (bad.length) throw new Error(`unknown REALMSCOPE_DISASM_CLASS ${bad.join(',')}; classes: ${ENCODING_CLASSES.map(c => c.name).join(', ')}`);
  return ENCODING_CLASSES.filter(c => names.includes(c.name));
}

const rawText = (w: number, i: number): string => disassemble(w, RAW_BASE + BigInt(4 * i)).text;

// ------------------------------------------------------------------------------------------ golden

interface Golden {
  comment: string;
  /** [word (hex), address (hex), objdump text] with targets unsymbolized. */
  raw: [string, string, string][];
  /** [fixture file, address (hex), word (hex), objdump text] with objdump's symbols. */
  fixtures: [string, string, string, string][];
}

const GOLDEN_PER_CLASS = 24;

function makeGolden(): Golden {
  const { words } = drawWords(ENCODING_CLASSES.filter(c => !c.unimplemented), GOLDEN_PER_CLASS, 0x60d);
  const texts = objdumpWords(words);
  const raw: [string, string, string][] = words.map((w, i) =>
    [w.toString(16).padStart(8, '0'), (RAW_BASE + BigInt(4 * i)).toString(16), texts[i]]);
  // Every distinct mnemonic of the fixtures once, with its symbolized text.
  const fixtures: [string, string, string, string][] = [];
  const seen = new Set<string>();
  for (const rel of FIXTURES) {
    const file = path.join(ROOT, rel);
    const elf = readElf(file);
    for (const sec of elf.sections.filter(s => (s.flags & SHF_EXECINSTR) !== 0n && s.size > 0)) {
      const isCode = codeMap(elf, sec);
      for (const l of parseObjdump(runObjdump(['-d', '-j', sec.name, file]))) {
        if (!isCode(l.address)) continue;
        const key = l.text.split('\t')[0] + (/[<]/.test(l.text) ? '<>' : '');
        if (seen.has(key)) continue;
        seen.add(key);
        fixtures.push([rel, l.address.toString(16), l.word.toString(16).padStart(8, '0'), l.text]);
      }
    }
  }
  return {
    comment: 'Recorded from aarch64-linux-gnu-objdump (binutils 2.40) by REALMSCOPE_DISASM_GOLDEN=update npx mocha test/unit/disasm.test.ts',
    raw, fixtures,
  };
}

// ------------------------------------------------------------------------------------------ tests

describe('disassembler (objdump-compatible A64 text)', function () {
  this.timeout(600_000);

  it('prints common instructions as objdump does', () => {
    const cases: [number, string][] = [
      [0xd503201f, 'nop'],
      [0xd65f03c0, 'ret'],
      [0xd2800000, 'mov\tx0, #0x0                   \t// #0'],
      [0x91200021, 'add\tx1, x1, #0x800'],
      [0xeb02003f, 'cmp\tx1, x2'],
      [0xa8817c3f, 'stp\txzr, xzr, [x1], #16'],
      [0xd5181001, 'msr\tsctlr_el1, x1'],
      [0xd5381000, 'mrs\tx0, sctlr_el1'],
      [0xd538f200, 'mrs\tx0, s3_0_c15_c2_0'],
      [0xd5033fdf, 'isb'],
      [0xd5033b9f, 'dsb\tish'],
      [0xd50339bf, 'dmb\tishld'],
      [0xd4000001, 'svc\t#0x0'],
      [0x9a9f17e0, 'cset\tx0, eq\t// eq = none'],
      [0x4e083c20, 'mov\tx0, v1.d[0]'],
      [0x6f00e400, 'movi\tv0.2d, #0x0'],
      [0xffffffff, '.inst\t0xffffffff ; undefined'],
    ];
    for (const [w, text] of cases) assert.equal(disassemble(w, 0x40080000n).text, text, w.toString(16));
    const d = disassemble(0x94000008, 0x40080100n, { symbolize: a => (a === 0x40080120n ? 'main' : undefined) });
    assert.deepEqual(d, { mnemonic: 'bl', operands: '40080120 <main>', text: 'bl\t40080120 <main>' });
    assert.equal(disassemble(0x94000008, 0x40080100n).text, 'bl\t0x40080120');
    assert.equal(disassemble(0x58000101, 0x40080000n, { symbolize: a => `_start+0x${(a - 0x40080000n).toString(16)}` }).text,
      'ldr\tx1, 40080020 <_start+0x20>');
  });

  it('names targets from ELF symbols as objdump does', () => {
    const syms: DisasmSymbol[] = [
      { name: '$x', value: 0x1000n, section: 1 },
      { name: 'start_label', value: 0x1000n, type: 'notype', section: 1 },
      { name: 'main', value: 0x1000n, size: 32, type: 'func', global: true, section: 1 },
      { name: '$d', value: 0x1010n, section: 1 },
      { name: 'loop', value: 0x1008n, section: 1 },
      { name: 'start.o', value: 0n, type: 'file', section: 0xfff1 },
      { name: 'buf', value: 0x3000n, size: 8, type: 'object', section: 2 },
      { name: '__end', value: 0x3000n, section: 0xfff1, global: true },
    ];
    const sym = objdumpSymbolizer(syms, { index: 1, name: '.text', addr: 0x1000n });
    assert.equal(sym(0x1000n), 'main');
    assert.equal(sym(0x1004n), 'main+0x4');
    assert.equal(sym(0x1014n), 'loop+0xc');
    assert.equal(sym(0x0ff0n), 'main-0x10');
    assert.equal(sym(0x3008n), 'buf+0x8'); // objects before other symbols, whatever the section
    const sym2 = objdumpSymbolizer(syms.filter(x => x.name !== 'buf').concat({ name: 'lbl', value: 0x3000n, section: 2 }));
    assert.equal(sym2(0x3000n), '__end'); // globals before locals
    const sym3 = objdumpSymbolizer(syms.concat({ name: 'abs_loop', value: 0x1008n, global: true, section: 0xfff1 }),
      { index: 1, name: '.text', addr: 0x1000n });
    assert.equal(sym3(0x100cn), 'loop+0x4'); // a symbol of the section being disassembled first
    assert.equal(objdumpSymbolizer([], { name: '.text', addr: 0x1000n })(0x1020n), '.text+0x20');
    assert.equal(objdumpSymbolizer([])(0x1020n), undefined);
    const d = disassemble(0x97fffffc, 0x1010n, { symbolize: sym });
    assert.equal(d.text, 'bl\t1000 <main>');
  });

  it('never throws on random words of any class', () => {
    const rnd = xorshift(Number(process.env.REALMSCOPE_DISASM_SEED || 1) ^ 0x5eed);
    const n = Math.max(200_000, Number(process.env.REALMSCOPE_DISASM_COUNT || 0) * ENCODING_CLASSES.length);
    for (let i = 0; i < n; i++) {
      const c = ENCODING_CLASSES[i % (ENCODING_CLASSES.length + 1)];
      const w = c ? ((rnd() & ~c.mask) | c.value) >>> 0 : rnd();
      let d;
      try {
        d = disassemble(w, BigInt(rnd()) << 12n, { symbolize: a => (a & 1n ? undefined : 'sym') });
      } catch (e) {
        assert.fail(`0x${w.toString(16).padStart(8, '0')} threw ${(e as Error).stack}`);
      }
      assert.ok(d.mnemonic.length > 0 && !/undefined|NaN|null/.test(d.operands.replace(/ ; undefined$/, '')),
        `0x${w.toString(16)}: ${JSON.stringify(d.text)}`);
      assert.equal(d.text, d.operands ? `${d.mnemonic}\t${d.operands}` : d.mnemonic);
    }
  });

  it('matches the recorded objdump text (disasm-golden.json)', function () {
    if (process.env.REALMSCOPE_DISASM_GOLDEN === 'update') {
      requireObjdump(this);
      fs.writeFileSync(GOLDEN_FILE, JSON.stringify(makeGolden(), null, 0).replace(/\],\[/g, '],\n[') + '\n');
    }
    const golden = JSON.parse(fs.readFileSync(GOLDEN_FILE, 'utf8')) as Golden;
    const bad: string[] = [];
    for (const [w, a, text] of golden.raw) {
      const mine = disassemble(parseInt(w, 16), BigInt('0x' + a)).text;
      if (mine !== text) bad.push(`${w}: objdump ${JSON.stringify(text)} mine ${JSON.stringify(mine)}`);
    }
    const elfs = new Map<string, Elf>();
    for (const [rel, a, w, text] of golden.fixtures) {
      if (!elfs.has(rel)) elfs.set(rel, readElf(path.join(ROOT, rel)));
      const elf = elfs.get(rel)!;
      const addr = BigInt('0x' + a);
      const sec = elf.sections.find(s => (s.flags & SHF_EXECINSTR) !== 0n && addr >= s.addr && addr < s.addr + BigInt(s.size))!;
      const mine = disassemble(parseInt(w, 16), addr, { symbolize: symbolizerFor(elf, sec) }).text;
      if (mine !== text) bad.push(`${rel} ${a} ${w}: objdump ${JSON.stringify(text)} mine ${JSON.stringify(mine)}`);
    }
    assert.ok(golden.raw.length > 1000 && golden.fixtures.length > 100, 'golden file too small');
    if (haveObjdump() && !versionNote()) {
      // the recording is still what objdump prints
      const now = objdumpWords(golden.raw.map(([w]) => parseInt(w, 16)));
      const stale = golden.raw.flatMap(([w, , text], i) => (now[i] === text ? [] : [`${w}: ${text} / now ${now[i]}`]));
      assert.deepEqual(stale, [], 'disasm-golden.json is stale: REALMSCOPE_DISASM_GOLDEN=update npx mocha test/unit/disasm.test.ts');
    }
    assert.deepEqual(bad, [], `${bad.length} differences from the golden file (after rebuilding fixtures, regenerate it ` +
      `with REALMSCOPE_DISASM_GOLDEN=update):\n${bad.slice(0, 30).join('\n')}`);
  });

  it('matches objdump -d on every instruction of the fixture binaries', function () {
    requireObjdump(this);
    const results = FIXTURES.map(checkFixture);
    const total = results.reduce((n, r) => n + r.compared, 0);
    console.log(`      ${results.map(r => `${path.basename(r.file)} ${r.compared}`).join(', ')} instructions (${total} in all; ` +
      `${results.reduce((n, r) => n + r.data, 0)} data words skipped)`);
    const bad = results.flatMap(r => r.mismatches);
    assert.ok(total > 10_000, `only ${total} instructions compared`);
    assert.deepEqual(bad, [], `${bad.length} of ${total} instructions differ${versionNote()}:\n${bad.slice(0, 40).join('\n')}`);
  });

  it('matches objdump on random encodings of every class', function () {
    requireObjdump(this);
    const classes = selectedClasses();
    const perClass = Math.max(Number(process.env.REALMSCOPE_DISASM_COUNT || 400),
      Math.ceil(20_000 / classes.length));
    const seed = Number(process.env.REALMSCOPE_DISASM_SEED || 1);
    const { words, cls } = drawWords(classes, perClass, seed);
    const ref = objdumpWords(words);
    const stats = new Map<EncodingClass, { n: number; ok: number; bad: string[] }>();
    for (let i = 0; i < words.length; i++) {
      const s = stats.get(cls[i]) ?? { n: 0, ok: 0, bad: [] };
      stats.set(cls[i], s);
      s.n++;
      const mine = rawText(words[i], i);
      if (mine === ref[i]) s.ok++;
      else s.bad.push(`${words[i].toString(16).padStart(8, '0')}  objdump ${JSON.stringify(ref[i])}  mine ${JSON.stringify(mine)}`);
    }
    const report = [`random encodings: ${words.length} (${perClass} per class, seed ${seed})`,
      'class                  agreement   differ'];
    const failing: string[] = [];
    for (const [c, s] of stats) {
      report.push(`${c.name.padEnd(22)} ${(100 * s.ok / s.n).toFixed(2).padStart(8)}%  ${String(s.n - s.ok).padStart(7)}` +
        (c.unimplemented ? `   (allowed: ${c.unimplemented})` : ''));
      if (!c.unimplemented && s.bad.length) failing.push(`${c.name}:\n  ${s.bad.slice(0, 12).join('\n  ')}`);
    }
    console.log(report.map(l => '      ' + l).join('\n'));
    assert.deepEqual(failing, [], `mismatches by class${versionNote()}:\n${failing.join('\n')}`);
  });
});

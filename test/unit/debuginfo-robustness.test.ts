// Damaged debug information never crashes the debug-information layer: truncated sections,
// sections past the end of the file, random byte corruption. loadDebugInfo reports each problem
// as one line in `warnings` and keeps what it could read; the queries and the unwinder still
// answer (possibly "nothing") without throwing.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadDebugInfo, DebugInfo } from '../../adapter/debuginfo';
import { LineTable } from '../../adapter/debuginfo/DwarfLine';
import { DwarfInfo } from '../../adapter/debuginfo/DwarfInfo';
import { CallFrameInfo } from '../../adapter/debuginfo/DwarfFrame';
import { parseElf, ImageError } from '../../emulator/loaders/elf';

const DIR = path.resolve(__dirname, '../fixtures/debuginfo');
const DEBUG_SECTIONS = ['.debug_line', '.debug_info', '.debug_abbrev', '.debug_str', '.debug_line_str', '.debug_rnglists',
  '.debug_ranges', '.debug_addr', '.debug_str_offsets', '.debug_frame', '.eh_frame'];

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

function fixture(name: string): Uint8Array { return new Uint8Array(fs.readFileSync(path.join(DIR, 'bin', `${name}.elf`))); }

/** Section header location of `name` (ELF64: e_shoff at 40, 64-byte headers). */
function sectionHeader(bytes: Uint8Array, name: string): { hdr: number; offset: number; size: number } | undefined {
  const img = parseElf(bytes);
  const i = img.sections.findIndex(s => s.name === name);
  if (i < 0) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(dv.getBigUint64(40, true));
  return { hdr: shoff + i * 64, offset: img.sections[i].offset, size: img.sections[i].size };
}
function setSize(bytes: Uint8Array, hdr: number, size: number): void {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setBigUint64(hdr + 32, BigInt(size), true);
}

/** Every query the adapter makes, over the whole text: none may throw. */
function exercise(d: DebugInfo): void {
  const text = d.image.sections.find(s => s.name === '.text')!;
  for (let a = text.addr; a < text.addr + BigInt(text.size); a += 4n) {
    d.sourceLocation(a);
    d.functionAt(a);
    d.describeAddress(a);
    const r = d.unwind(a, n => (n === 31 ? 0x40100000n : 0x40080000n + BigInt(n)), () => 0x40090000n);
    assert.ok(['caller', 'outermost', 'no-cfi', 'error'].includes(r.kind));
    if (r.kind === 'caller') r.reg(19);
  }
  for (const f of d.sourceFiles()) for (const line of [1, 10, 20]) d.breakpointAddresses(f, line);
  for (const n of ['main', 'level1', 'deepest', 'hand_frame']) d.functionBreakpoints(n);
  if (d.frames) for (const f of d.frames.fdes) { try { d.frames.table(f); } catch (e) { assert.equal((e as Error).name, 'DwarfError'); } }
}

function assertOneLine(warnings: readonly string[]): void {
  for (const w of warnings) {
    assert.ok(w.length > 0 && !w.includes('\n'), `one-line warning: ${JSON.stringify(w)}`);
    assert.doesNotMatch(w, /undefined|NaN|\[object/, w);
  }
}

describe('debuginfo robustness', function () {
  this.timeout(120_000);

  for (const v of ['O2-dwarf5', 'O0-dwarf4', 'O2-dwarf3-eh']) {
    it(`${v}: every debug section truncated at several points`, () => {
      const orig = fixture(v);
      let warned = 0;
      for (const name of DEBUG_SECTIONS) {
        const sh = sectionHeader(orig, name);
        if (!sh) continue;
        for (const frac of [0, 0.01, 0.13, 0.5, 0.77, 0.999]) {
          const bytes = orig.slice();
          setSize(bytes, sh.hdr, Math.floor(sh.size * frac));
          const d = loadDebugInfo(bytes, 0n, `${v}[${name} cut to ${frac}]`);
          assertOneLine(d.warnings);
          warned += d.warnings.length;
          exercise(d);
          // Symbols do not depend on DWARF.
          assert.ok(d.symbols.lookup('main'));
        }
      }
      assert.ok(warned > 20, `truncations are reported (${warned} warnings)`);
    });

    it(`${v}: random corruption of the debug sections`, () => {
      const orig = fixture(v);
      const rnd = xorshift(0x5eed + v.length);
      for (let round = 0; round < 60; round++) {
        const bytes = orig.slice();
        const name = DEBUG_SECTIONS[rnd() % DEBUG_SECTIONS.length];
        const sh = sectionHeader(bytes, name);
        if (!sh || sh.size === 0) continue;
        const n = 1 + (rnd() % 8);
        for (let k = 0; k < n; k++) bytes[sh.offset + (rnd() % sh.size)] = rnd() & 0xff;
        const d = loadDebugInfo(bytes, 0n, `${v}[${name} corrupted]`);
        assertOneLine(d.warnings);
        exercise(d);
      }
    });
  }

  it('a debug section past the end of the file is reported and skipped', () => {
    const bytes = fixture('O2-dwarf5');
    const sh = sectionHeader(bytes, '.debug_info')!;
    setSize(bytes, sh.hdr, bytes.length);
    const d = loadDebugInfo(bytes, 0n, 'x.elf');
    assert.equal(d.info, undefined);
    assert.deepEqual(d.warnings, [`x.elf: .debug_info (offset 0x${sh.offset.toString(16)}, ${bytes.length} bytes) runs past the end of the file (${bytes.length} bytes); ignored`]);
    // The line table still works (v5 tables do not need .debug_info).
    assert.ok(d.sourceLocation(d.symbols.lookup('main')!.address));
    assert.ok(d.frames);
  });

  it('messages name the section, the offset and the problem', () => {
    const bytes = fixture('O2-dwarf5');
    const img = parseElf(bytes);
    const sec = (n: string) => { const s = img.sections.find(x => x.name === n)!; return { name: n, data: bytes.slice(s.offset, s.offset + s.size), addr: s.addr }; };
    const line = sec('.debug_line');
    const cut = { ...line, data: line.data.subarray(0, 20) };
    assert.deepEqual(new LineTable(cut).errors, ['.debug_line+0x0: truncated: unit length 0x4f runs past the end of the section (20 bytes)']);
    const badVersion = { ...line, data: line.data.slice() };
    badVersion.data[4] = 9;
    assert.match(new LineTable(badVersion).errors[0], /^\.debug_line\+0x4: unsupported \.debug_line version 9$/);
    const info = sec('.debug_info');
    const noAbbrev = new DwarfInfo({ info });
    assert.match(noAbbrev.errors[0], /^\.debug_info needs \.debug_abbrev, which is missing$/);
    const abbrev = sec('.debug_abbrev');
    const badAbbrev = { ...abbrev, data: abbrev.data.slice() };
    badAbbrev.data.fill(0x7f, 0, 3);
    const d2 = new DwarfInfo({ info, abbrev: badAbbrev, str: sec('.debug_str'), lineStr: sec('.debug_line_str'), rnglists: sec('.debug_rnglists') });
    assert.ok(d2.errors.length > 0);
    assertOneLine(d2.errors);
    const frame = sec('.debug_frame');
    const badCfa = { ...frame, data: frame.data.slice() };
    // The first CIE's version byte.
    badCfa.data[8] = 2;
    assert.match(new CallFrameInfo({ debugFrame: badCfa }).errors[0], /^\.debug_frame\+0x8: unsupported CIE version 2$/);
  });

  it('a truncated ELF file is an ImageError (one line), not a crash', () => {
    const orig = fixture('O0-dwarf5');
    for (const len of [0, 3, 63, 64, 200, 4096, orig.length - 1]) {
      try {
        const d = loadDebugInfo(orig.subarray(0, len), 0n, 'cut.elf');
        assertOneLine(d.warnings);
        exercise(d);
      } catch (e) {
        assert.ok(e instanceof ImageError, `length ${len}: ${(e as Error).stack}`);
        assert.ok(!(e as Error).message.includes('\n'));
      }
    }
  });
});

import assert from 'node:assert/strict';
import {
  walkStage1, checkPermission, readTable, rootTable, TranslationRegime, DescriptorMemory, WalkResult,
  PERM_R1, PERM_W1, PERM_X1, PERM_R0, PERM_W0, PERM_X0,
} from '../../emulator/mmu/Stage1Walker';

// ---- Descriptor bits (Arm ARM D8.3) ----
const VALID_TABLE = 3n, VALID_PAGE = 3n, VALID_BLOCK = 1n;
const AF = 1n << 10n, NG = 1n << 11n, NS = 1n << 5n, CONT = 1n << 52n, PXN = 1n << 53n, UXN = 1n << 54n;
const attr = (i: number) => BigInt(i) << 2n;
const ap = (v: number) => BigInt(v) << 6n;
const sh = (v: number) => BigInt(v) << 8n;
const PXN_T = 1n << 59n, UXN_T = 1n << 60n, NS_T = 1n << 63n;
const apTable = (v: number) => BigInt(v) << 61n;

const tableDesc = (next: number, extra = 0n) => BigInt(next) | VALID_TABLE | extra;
const blockDesc = (oa: number, extra = AF | attr(1)) => BigInt(oa) | VALID_BLOCK | extra;
const pageDesc = (oa: number, extra = AF | attr(1)) => BigInt(oa) | VALID_PAGE | extra;

// MAIR: attr0 Device-nGnRnE, attr1 Normal WB, attr2 Normal NC, attr3 Device-nGnRE.
const MAIR = 0x04_44_ff_00n;

interface TcrOpts {
  t0sz?: number; t1sz?: number; tg0?: number; tg1?: number; ips?: number; epd0?: boolean; epd1?: boolean;
  a1?: boolean; as?: boolean; ha?: boolean; tbi0?: boolean; tbi1?: boolean;
}
function tcr(o: TcrOpts = {}): bigint {
  return BigInt(o.t0sz ?? 16) | (o.epd0 ? 1n << 7n : 0n) | (BigInt(o.tg0 ?? 0) << 14n) |
    (BigInt(o.t1sz ?? 16) << 16n) | (o.a1 ? 1n << 22n : 0n) | (o.epd1 ? 1n << 23n : 0n) | (BigInt(o.tg1 ?? 2) << 30n) |
    (BigInt(o.ips ?? 5) << 32n) | (o.as ? 1n << 36n : 0n) | (o.tbi0 ? 1n << 37n : 0n) | (o.tbi1 ? 1n << 38n : 0n) |
    (o.ha ? 1n << 39n : 0n);
}
const SCTLR_M = 1n, SCTLR_I = 1n << 12n, SCTLR_WXN = 1n << 19n;

function regime(t: TcrOpts = {}, extra: Partial<TranslationRegime> = {}): TranslationRegime {
  return { sctlr: SCTLR_M, tcr: tcr(t), ttbr0: 0x1000n, ttbr1: 0x80000n, mair: MAIR, paBits: 48, ...extra };
}

class TestMem implements DescriptorMemory {
  words = new Map<number, bigint>();
  aborts = new Set<number>();
  writes: [number, bigint][] = [];
  failWrites = false;
  read64(pa: number): bigint | undefined {
    if (this.aborts.has(pa)) return undefined;
    return this.words.get(pa) ?? 0n;
  }
  write64(pa: number, value: bigint): boolean {
    if (this.failWrites) return false;
    this.writes.push([pa, value]);
    this.words.set(pa, value);
    return true;
  }
  set(base: number, index: number, desc: bigint): void { this.words.set(base + index * 8, desc); }
}

/** [level, low bit, high bit] of the VA bits indexing each level, written out per configuration. */
type Layout = [number, number, number][];
const L_4K_48: Layout = [[0, 39, 47], [1, 30, 38], [2, 21, 29], [3, 12, 20]];
const L_16K_48: Layout = [[0, 47, 47], [1, 36, 46], [2, 25, 35], [3, 14, 24]];
const L_64K_48: Layout = [[1, 42, 47], [2, 29, 41], [3, 16, 28]];

const vaBits = (va: bigint, lo: number, hi: number) => Number((va >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n));

/** Builds the tables needed to map `va` with `leaf` at `leafLevel`, starting at `root`. */
class Builder {
  next: number;
  constructor(readonly mem: TestMem, readonly layout: Layout, readonly root: number, readonly granule: number, start = 0x100000) {
    this.next = start;
  }
  map(va: bigint, leafLevel: number, leaf: bigint, tableExtra: Partial<Record<number, bigint>> = {}): void {
    let base = this.root;
    for (const [level, lo, hi] of this.layout) {
      const idx = vaBits(va, lo, hi);
      if (level === leafLevel) { this.mem.set(base, idx, leaf); return; }
      const cur = this.mem.words.get(base + idx * 8) ?? 0n;
      let nextBase: number;
      if ((cur & 3n) === 3n) {
        nextBase = Number(cur & 0x0000_ffff_ffff_f000n);
      } else {
        nextBase = this.next;
        this.next += this.granule;
      }
      this.mem.set(base, idx, tableDesc(nextBase, tableExtra[level] ?? 0n));
      base = nextBase;
    }
    throw new Error('leaf level not in layout');
  }
}

function fault(r: WalkResult): string | undefined {
  return r.fault ? `${r.fault.kind}@${r.fault.level}` : undefined;
}

describe('Stage1Walker', () => {
  describe('4K granule', () => {
    it('walks four levels through TTBR0 and reports every descriptor', () => {
      const mem = new TestMem();
      // VA indices: L0 1, L1 1, L2 1, L3 1, offset 0x234.
      const va = 0x0000_0080_4020_1234n;
      mem.set(0x1000, 1, tableDesc(0x2000));
      mem.set(0x2000, 1, tableDesc(0x3000));
      mem.set(0x3000, 1, tableDesc(0x4000));
      mem.set(0x4000, 1, pageDesc(0x8000_0000));
      const r = walkStage1(regime(), va, mem);
      assert.equal(r.fault, undefined);
      assert.deepEqual(r.steps.map(s => s.level), [0, 1, 2, 3]);
      assert.deepEqual(r.steps.map(s => s.descriptorAddress), [0x1008, 0x2008, 0x3008, 0x4008]);
      assert.deepEqual(r.steps.map(s => s.type), ['table', 'table', 'table', 'page']);
      assert.deepEqual(r.steps.map(s => s.index), [1, 1, 1, 1]);
      assert.deepEqual(r.steps.map(s => s.outputAddress), [0x2000, 0x3000, 0x4000, 0x8000_0000]);
      assert.deepEqual(r.steps.map(s => s.inputBase), [1n << 39n, (1n << 39n) + (1n << 30n), 0x80_4020_0000n, 0x80_4020_1000n]);
      assert.deepEqual(r.steps.map(s => s.inputSize), [1n << 39n, 1n << 30n, 1n << 21n, 1n << 12n]);
      assert.equal(r.pa, 0x8000_0234);
      assert.equal(r.pageShift, 12);
      assert.equal(r.ttbrSelect, 0);
      assert.equal(r.memAttr, 0xff);
      assert.equal(r.device, false);
    });

    it('maps 1 GiB blocks at level 1 and 2 MiB blocks at level 2', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      b.map(0x4000_0000n, 1, blockDesc(0x1_c000_0000));
      b.map(0x8060_0000n, 2, blockDesc(0x3_0020_0000));
      const r1 = walkStage1(regime(), 0x4abc_def0n, mem);
      assert.equal(r1.pa, 0x1_c000_0000 + 0x0abc_def0);
      assert.equal(r1.pageShift, 30);
      assert.equal(r1.steps[1].type, 'block');
      const r2 = walkStage1(regime(), 0x8071_2345n, mem);
      assert.equal(r2.pa, 0x3_0020_0000 + 0x11_2345);
      assert.equal(r2.pageShift, 21);
      assert.equal(r2.steps.length, 3);
      assert.equal(r2.steps[2].type, 'block');
    });

    it('rejects a block at level 0 (translation fault level 0)', () => {
      const mem = new TestMem();
      mem.set(0x1000, 0, blockDesc(0));
      const r = walkStage1(regime(), 0x1000n, mem);
      assert.equal(fault(r), 'translation@0');
      assert.equal(r.steps[0].type, 'invalid');
      assert.equal(r.pa, undefined);
    });

    it('walks TTBR1 for the upper VA range', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x80000, 0x1000);
      const va = 0xffff_ff80_0020_3456n;
      b.map(va, 3, pageDesc(0x4567_8000));
      const r = walkStage1(regime(), va, mem);
      assert.equal(fault(r), undefined);
      assert.equal(r.ttbrSelect, 1);
      assert.equal(r.steps[0].tableBase, 0x80000);
      assert.equal(r.steps[0].index, 511);
      assert.equal(r.steps[0].inputBase, 0xffff_ff80_0000_0000n);
      assert.equal(r.steps[3].inputBase, 0xffff_ff80_0020_3000n);
      assert.equal(r.pa, 0x4567_8456);
    });

    it('walks TTBR1 with a smaller T1SZ (39-bit range, start level 1)', () => {
      const mem = new TestMem();
      const va = 0xffff_ff80_4000_0010n; // VA[38:30] = 1
      mem.set(0x80000, 1, blockDesc(0x4000_0000));
      const r = walkStage1(regime({ t1sz: 25 }), va, mem);
      assert.equal(fault(r), undefined);
      assert.equal(r.steps[0].level, 1);
      assert.equal(r.steps[0].inputBase, 0xffff_ff80_4000_0000n);
      assert.equal(r.pa, 0x4000_0010);
      // VA bit 39 clear: outside the 39-bit upper range.
      assert.equal(fault(walkStage1(regime({ t1sz: 25 }), 0xffff_ff00_0000_0000n, mem)), 'translation@0');
    });
  });

  describe('16K granule', () => {
    const tg = { tg0: 2, tg1: 1 };

    it('starts at level 0 with a 2-entry table for 48-bit VAs and maps pages', () => {
      const mem = new TestMem();
      const va = 0x0000_8010_0600_4123n;
      const b = new Builder(mem, L_16K_48, 0x1000, 0x4000);
      b.map(va, 3, pageDesc(0x1234_4000));
      const r = walkStage1(regime(tg), va, mem);
      assert.equal(fault(r), undefined);
      assert.deepEqual(r.steps.map(s => s.index), [1, 1, vaBits(va, 25, 35), vaBits(va, 14, 24)]);
      assert.equal(r.steps[0].descriptorAddress, 0x1008);
      assert.equal(r.steps[0].inputSize, 1n << 47n);
      assert.equal(r.pageShift, 14);
      assert.equal(r.pa, 0x1234_4000 + 0x0123);
    });

    it('maps 32 MiB blocks at level 2 only', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_16K_48, 0x1000, 0x4000);
      b.map(0x0600_0000n, 2, blockDesc(0x2_0200_0000));
      const r = walkStage1(regime(tg), 0x07ff_fff8n, mem);
      assert.equal(r.pageShift, 25);
      assert.equal(r.pa, 0x2_0200_0000 + 0x1ff_fff8);
      // A level 1 block is not supported with 16K (without FEAT_LPA2).
      b.map(0x10_0000_0000n, 1, blockDesc(0x10_0000_0000));
      assert.equal(fault(walkStage1(regime(tg), 0x10_0000_0000n, mem)), 'translation@1');
    });

    it('walks TTBR1 (TG1=01) with T1SZ=28: start level 2', () => {
      const mem = new TestMem();
      const va = 0xffff_fff0_0a80_8001n; // 36-bit range; VA[35:25] = 5, VA[24:14] = 0x202
      mem.set(0x80000, 5, tableDesc(0x9_c000));
      mem.set(0x9_c000, 0x202, pageDesc(0x7777_c000));
      const r = walkStage1(regime({ ...tg, t1sz: 28 }), va, mem);
      assert.equal(fault(r), undefined);
      assert.deepEqual(r.steps.map(s => s.level), [2, 3]);
      assert.deepEqual(r.steps.map(s => s.index), [5, 0x202]);
      assert.equal(r.pa, 0x7777_c001);
      assert.equal(r.pageShift, 14);
    });

    it('starts at level 3 with T0SZ=39', () => {
      const mem = new TestMem();
      // A 2048-entry (16 KiB) table: TTBR0 bits below bit 14 are ignored.
      mem.set(0x8000, 0x7ff, pageDesc(0x50000));
      const r = walkStage1(regime({ ...tg, t0sz: 39 }, { ttbr0: 0xa000n }), 0x1ff_c010n, mem);
      assert.equal(fault(r), undefined);
      assert.deepEqual(r.steps.map(s => s.level), [3]);
      assert.equal(r.steps[0].descriptorAddress, 0x8000 + 0x7ff * 8);
      assert.equal(r.pa, 0x50010);
    });
  });

  describe('64K granule', () => {
    const tg = { tg0: 1, tg1: 3 };

    it('starts at level 1 for 48-bit VAs and maps 64 KiB pages', () => {
      const mem = new TestMem();
      const va = 0x0000_0c02_2003_abcdn;
      const b = new Builder(mem, L_64K_48, 0x10000, 0x10000);
      b.map(va, 3, pageDesc(0xabc_0000));
      const r = walkStage1(regime(tg, { ttbr0: 0x10000n }), va, mem);
      assert.equal(fault(r), undefined);
      assert.deepEqual(r.steps.map(s => s.level), [1, 2, 3]);
      assert.deepEqual(r.steps.map(s => s.index), [3, vaBits(va, 29, 41), vaBits(va, 16, 28)]);
      assert.equal(r.pageShift, 16);
      assert.equal(r.pa, 0xabc_abcd);
    });

    it('maps 512 MiB blocks at level 2 and, without 52-bit PAs, no level 1 blocks', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_64K_48, 0x10000, 0x10000);
      b.map(0x2000_0000n, 2, blockDesc(0x6000_0000));
      const r = walkStage1(regime(tg, { ttbr0: 0x10000n }), 0x2345_6789n, mem);
      assert.equal(r.pageShift, 29);
      assert.equal(r.pa, 0x6345_6789);
      mem.set(0x10000, 1, blockDesc(0));
      assert.equal(fault(walkStage1(regime(tg, { ttbr0: 0x10000n }), 1n << 42n, mem)), 'translation@1');
    });

    it('with 52-bit PAs (FEAT_LPA) maps 4 TiB level 1 blocks with OA[51:48] in bits[15:12]', () => {
      const mem = new TestMem();
      mem.set(0x10000, 1, blockDesc(2 ** 43, AF | attr(1) | (0x3n << 12n)));
      const reg = regime({ ...tg, ips: 6 }, { ttbr0: 0x10000n, paBits: 52 });
      const r = walkStage1(reg, (1n << 42n) + 0x123n, mem);
      assert.equal(fault(r), undefined);
      assert.equal(r.pageShift, 42);
      assert.equal(r.pa, 3 * 2 ** 48 + 2 ** 43 + 0x123);
      // The same descriptor with IPS = 48 bits: output address size fault at level 1.
      const r48 = walkStage1({ ...reg, tcr: tcr({ ...tg, ips: 5 }) }, (1n << 42n) + 0x123n, mem);
      assert.equal(fault(r48), 'addressSize@1');
    });

    it('walks TTBR1 (TG1=11)', () => {
      const mem = new TestMem();
      const va = 0xffff_0000_2001_0042n;
      const b = new Builder(mem, L_64K_48, 0x80000, 0x10000);
      b.map(va, 3, pageDesc(0x3_0000));
      const r = walkStage1(regime(tg), va, mem);
      assert.equal(fault(r), undefined);
      assert.equal(r.ttbrSelect, 1);
      assert.equal(r.steps[0].index, 0);
      assert.equal(r.steps[0].inputBase, 0xffff_0000_0000_0000n);
      assert.equal(r.pa, 0x3_0042);
    });

    it('computes start levels from T0SZ', () => {
      const mem = new TestMem();
      // 30-bit range: level 2 with a 2-entry table.
      mem.set(0x10000, 1, blockDesc(0x4000_0000));
      let r = walkStage1(regime({ ...tg, t0sz: 34 }, { ttbr0: 0x10000n }), 0x2000_0001n, mem);
      assert.equal(r.steps[0].level, 2);
      assert.equal(r.pa, 0x4000_0001);
      // 29-bit range: level 3.
      mem.set(0x10000, 0x1fff, pageDesc(0x7_0000));
      r = walkStage1(regime({ ...tg, t0sz: 35 }, { ttbr0: 0x10000n }), 0x1fff_0005n, mem);
      assert.deepEqual(r.steps.map(s => s.level), [3]);
      assert.equal(r.pa, 0x7_0005);
    });
  });

  describe('VA ranges, TnSZ and EPD', () => {
    it('faults at level 0 for VAs outside both ranges, without reading anything', () => {
      const mem = new TestMem();
      for (const va of [0x0001_0000_0000_0000n, 0xfffe_ffff_ffff_f000n, 0x8000_0000_0000_0000n, 0x0080_0000_0000_0000n]) {
        const r = walkStage1(regime(), va, mem);
        assert.equal(fault(r), 'translation@0', va.toString(16));
        assert.equal(r.steps.length, 0);
      }
    });

    it('changes the start level with T0SZ (4K)', () => {
      const mem = new TestMem();
      mem.set(0x1000, 1, blockDesc(0x4000_0000));
      assert.equal(walkStage1(regime({ t0sz: 25 }), 0x4000_0000n, mem).steps[0].level, 1);
      // 31-bit range: level 1 with a 2-entry table.
      const r33 = walkStage1(regime({ t0sz: 33 }), 0x4000_0000n, mem);
      assert.equal(r33.steps[0].level, 1);
      assert.equal(r33.steps[0].inputSize, 1n << 30n);
      assert.equal(r33.pa, 0x4000_0000);
      // 30-bit range: level 2.
      mem.set(0x1000, 3, blockDesc(0x20_0000));
      const r34 = walkStage1(regime({ t0sz: 34 }), 0x60_0004n, mem);
      assert.equal(r34.steps[0].level, 2);
      assert.equal(r34.pa, 0x20_0004);
      // 25-bit range: level 2 with 16 entries; VA bit 25 is out of range.
      mem.set(0x1000, 15, blockDesc(0xa0_0000));
      assert.equal(walkStage1(regime({ t0sz: 39 }), 0x1e0_0000n, mem).pa, 0xa0_0000);
      assert.equal(fault(walkStage1(regime({ t0sz: 39 }), 0x200_0000n, mem)), 'translation@0');
    });

    it('clamps TnSZ to 16..39', () => {
      const mem = new TestMem();
      // T0SZ=8 behaves as 16: bit 48 set is out of range.
      assert.equal(fault(walkStage1(regime({ t0sz: 8 }), 1n << 48n, mem)), 'translation@0');
      // T0SZ=63 behaves as 39: start level 2 (4K).
      mem.set(0x1000, 2, blockDesc(0x80_0000));
      const r = walkStage1(regime({ t0sz: 63 }), 0x40_0008n, mem);
      assert.equal(r.steps[0].level, 2);
      assert.equal(r.pa, 0x80_0008);
    });

    it('EPD0 and EPD1 disable walks from their TTBR (translation fault level 0)', () => {
      const mem = new TestMem();
      const b0 = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      const b1 = new Builder(mem, L_4K_48, 0x80000, 0x1000, 0x200000);
      b0.map(0x1000n, 3, pageDesc(0x9000));
      b1.map(0xffff_0000_0000_1000n, 3, pageDesc(0xa000));
      const r0 = walkStage1(regime({ epd0: true }), 0x1000n, mem);
      assert.equal(fault(r0), 'translation@0');
      assert.equal(r0.steps.length, 0);
      assert.equal(walkStage1(regime({ epd0: true }), 0xffff_0000_0000_1000n, mem).pa, 0xa000);
      assert.equal(fault(walkStage1(regime({ epd1: true }), 0xffff_0000_0000_1000n, mem)), 'translation@0');
      assert.equal(walkStage1(regime({ epd1: true }), 0x1000n, mem).pa, 0x9000);
    });

    it('ignores the top byte with TBI0/TBI1', () => {
      const mem = new TestMem();
      const b0 = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      const b1 = new Builder(mem, L_4K_48, 0x80000, 0x1000, 0x200000);
      b0.map(0x4020_1000n, 3, pageDesc(0xb000));
      b1.map(0xffff_8000_0000_0000n, 3, pageDesc(0xc000));
      assert.equal(fault(walkStage1(regime(), 0x5a00_0000_4020_1234n, mem)), 'translation@0');
      assert.equal(walkStage1(regime({ tbi0: true }), 0x5a00_0000_4020_1234n, mem).pa, 0xb234);
      assert.equal(fault(walkStage1(regime({ tbi0: true }), 0x12ff_8000_0000_0000n, mem)), 'translation@0');
      const r1 = walkStage1(regime({ tbi1: true }), 0x12ff_8000_0000_0010n, mem);
      assert.equal(r1.ttbrSelect, 1);
      assert.equal(r1.pa, 0xc010);
    });
  });

  describe('translation faults', () => {
    const va = 0x0000_0080_4020_1234n;
    function setup(): TestMem {
      const mem = new TestMem();
      mem.set(0x1000, 1, tableDesc(0x2000));
      mem.set(0x2000, 1, tableDesc(0x3000));
      mem.set(0x3000, 1, tableDesc(0x4000));
      mem.set(0x4000, 1, pageDesc(0x8000_0000));
      return mem;
    }
    it('reports the level of the invalid descriptor', () => {
      for (const [lvl, addr] of [[0, 0x1008], [1, 0x2008], [2, 0x3008], [3, 0x4008]]) {
        const mem = setup();
        mem.words.set(addr, 0n);
        const r = walkStage1(regime(), va, mem);
        assert.equal(fault(r), `translation@${lvl}`);
        assert.equal(r.steps.length, lvl + 1);
        assert.equal(r.steps[lvl].type, 'invalid');
      }
    });
    it('treats bits[1:0]=01 at level 3 and 10 at any level as invalid', () => {
      let mem = setup();
      mem.words.set(0x4008, blockDesc(0x8000_0000));
      assert.equal(fault(walkStage1(regime(), va, mem)), 'translation@3');
      mem = setup();
      mem.words.set(0x3008, 0x4000n | 2n);
      assert.equal(fault(walkStage1(regime(), va, mem)), 'translation@2');
    });
  });

  describe('address size faults', () => {
    it('faults at level 0 when the TTBR base is beyond the output size', () => {
      const mem = new TestMem();
      const r = walkStage1(regime({ ips: 0 }, { ttbr0: 0x1_0000_0000n }), 0x1000n, mem);
      assert.equal(fault(r), 'addressSize@0');
      assert.equal(r.steps.length, 0);
    });
    it('faults at the level of a table descriptor pointing beyond the output size', () => {
      const mem = new TestMem();
      mem.set(0x1000, 0, tableDesc(0x2000));
      mem.set(0x2000, 0, tableDesc(0x1_0000_0000));
      const r = walkStage1(regime({ ips: 0 }), 0x1000n, mem);
      assert.equal(fault(r), 'addressSize@1');
      assert.equal(r.steps.length, 2);
      // With a 36-bit IPS the same tables are fine up to the (missing) level 2 entry.
      assert.equal(fault(walkStage1(regime({ ips: 1 }), 0x1000n, mem)), 'translation@2');
    });
    it('faults at the leaf level for an output address beyond min(IPS, PARange)', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      b.map(0x5000n, 3, pageDesc(2 ** 36));
      b.map(0x6000n, 3, pageDesc(2 ** 36 - 0x1000));
      assert.equal(fault(walkStage1(regime({ ips: 5 }, { paBits: 36 }), 0x5000n, mem)), 'addressSize@3');
      assert.equal(fault(walkStage1(regime({ ips: 1 }, { paBits: 48 }), 0x5000n, mem)), 'addressSize@3');
      assert.equal(walkStage1(regime({ ips: 5 }, { paBits: 36 }), 0x6000n, mem).pa, 2 ** 36 - 0x1000);
      assert.equal(walkStage1(regime({ ips: 2 }, { paBits: 48 }), 0x5000n, mem).pa, 2 ** 36);
      b.map(0x40_0000n, 2, blockDesc(2 ** 40));
      assert.equal(fault(walkStage1(regime({ ips: 2 }), 0x40_0000n, mem)), 'addressSize@2');
    });
  });

  describe('access flag', () => {
    it('faults at the leaf level when AF=0 and TCR.HA=0', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      b.map(0x7000n, 3, pageDesc(0x9000, attr(1)));
      b.map(0x20_0000n, 2, blockDesc(0x40_0000, attr(1)));
      const r = walkStage1(regime(), 0x7000n, mem);
      assert.equal(fault(r), 'accessFlag@3');
      assert.equal(r.steps[3].fields.af, false);
      assert.equal(fault(walkStage1(regime(), 0x20_0000n, mem)), 'accessFlag@2');
      assert.equal(mem.writes.length, 0);
    });
    it('sets AF in the descriptor with TCR.HA=1', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      b.map(0x7000n, 3, pageDesc(0x9000, attr(1)));
      const r = walkStage1(regime({ ha: true }), 0x7008n, mem);
      assert.equal(fault(r), undefined);
      assert.equal(r.pa, 0x9008);
      const addr = r.steps[3].descriptorAddress;
      assert.deepEqual(mem.writes, [[addr, pageDesc(0x9000, attr(1) | AF)]]);
      assert.equal(mem.words.get(addr), pageDesc(0x9000, AF | attr(1)));
      // Second walk: nothing more to write.
      walkStage1(regime({ ha: true }), 0x7008n, mem);
      assert.equal(mem.writes.length, 1);
    });
    it('does not write with noAccessFlagUpdate, and reports a failed update as a walk abort', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      b.map(0x7000n, 3, pageDesc(0x9000, attr(1)));
      const r = walkStage1(regime({ ha: true }), 0x7000n, mem, { noAccessFlagUpdate: true });
      assert.equal(fault(r), undefined);
      assert.equal(mem.writes.length, 0);
      mem.failWrites = true;
      assert.equal(fault(walkStage1(regime({ ha: true }), 0x7000n, mem)), 'externalAbortOnWalk@3');
    });
  });

  describe('external abort on the walk', () => {
    it('reports the level of the descriptor whose read failed', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      b.map(0x0000_0080_4020_1000n, 3, pageDesc(0x9000));
      mem.aborts.add(0x1008);
      let r = walkStage1(regime(), 0x0000_0080_4020_1000n, mem);
      assert.equal(fault(r), 'externalAbortOnWalk@0');
      assert.equal(r.steps.length, 0);
      mem.aborts.clear();
      const l1Table = Number(mem.words.get(0x1008)! & 0xffff_f000n);
      const l2Table = Number(mem.words.get(l1Table + 8)! & 0xffff_f000n);
      mem.aborts.add(l2Table + 8);
      r = walkStage1(regime(), 0x0000_0080_4020_1000n, mem);
      assert.equal(fault(r), 'externalAbortOnWalk@2');
      assert.equal(r.steps.length, 2);
    });
  });

  describe('permissions', () => {
    function walkLeaf(leafExtra: bigint, opts: { wxn?: boolean; table?: bigint } = {}, walkOpts: Parameters<typeof walkStage1>[3] = {}): WalkResult {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      b.map(0x40_0000n, 3, pageDesc(0x9000, AF | attr(1) | leafExtra), { 1: opts.table ?? 0n });
      return walkStage1(regime({}, { sctlr: SCTLR_M | (opts.wxn ? SCTLR_WXN : 0n) }), 0x40_0000n, mem, walkOpts);
    }

    it('decodes AP[2:1], XN bits and the EL0-writable rule', () => {
      assert.equal(walkLeaf(ap(0)).perms, PERM_R1 | PERM_W1 | PERM_X1 | PERM_X0);
      assert.equal(walkLeaf(ap(1)).perms, PERM_R1 | PERM_W1 | PERM_R0 | PERM_W0 | PERM_X0); // no X1: EL0-writable
      assert.equal(walkLeaf(ap(2)).perms, PERM_R1 | PERM_X1 | PERM_X0);
      assert.equal(walkLeaf(ap(3)).perms, PERM_R1 | PERM_X1 | PERM_R0 | PERM_X0);
      assert.equal(walkLeaf(ap(3) | PXN).perms, PERM_R1 | PERM_R0 | PERM_X0);
      assert.equal(walkLeaf(ap(3) | UXN).perms, PERM_R1 | PERM_X1 | PERM_R0);
      assert.equal(walkLeaf(ap(0)).el0Accessible, false);
      assert.equal(walkLeaf(ap(1)).el0Accessible, true);
      assert.equal(walkLeaf(ap(3)).el0Accessible, true);
    });

    it('applies SCTLR.WXN at both ELs', () => {
      assert.equal(walkLeaf(ap(0), { wxn: true }).perms, PERM_R1 | PERM_W1 | PERM_X0);
      assert.equal(walkLeaf(ap(1), { wxn: true }).perms, PERM_R1 | PERM_W1 | PERM_R0 | PERM_W0);
      assert.equal(walkLeaf(ap(3), { wxn: true }).perms, PERM_R1 | PERM_X1 | PERM_R0 | PERM_X0);
    });

    it('accumulates APTable, PXNTable and UXNTable', () => {
      assert.equal(walkLeaf(ap(1), { table: apTable(1) }).perms, PERM_R1 | PERM_W1 | PERM_X1 | PERM_X0);
      assert.equal(walkLeaf(ap(1), { table: apTable(1) }).el0Accessible, false);
      assert.equal(walkLeaf(ap(1), { table: apTable(2) }).perms, PERM_R1 | PERM_X1 | PERM_R0 | PERM_X0);
      assert.equal(walkLeaf(ap(1), { table: apTable(3) }).perms, PERM_R1 | PERM_X1 | PERM_X0);
      assert.equal(walkLeaf(ap(0), { table: PXN_T }).perms, PERM_R1 | PERM_W1 | PERM_X0);
      assert.equal(walkLeaf(ap(0), { table: UXN_T }).perms, PERM_R1 | PERM_W1 | PERM_X1);
      const r = walkLeaf(ap(0), { table: PXN_T | UXN_T | apTable(2) | NS_T });
      assert.equal(r.perms, PERM_R1);
      assert.equal(r.ns, true);
      assert.deepEqual(r.steps[1].fields, { pxnTable: true, uxnTable: true, apTable: 2, nsTable: true });
    });

    it('reports permission faults at the leaf level for the requested access', () => {
      const cases: [bigint, Parameters<typeof walkStage1>[3], string | undefined][] = [
        [ap(0), { access: 'read', el: 0 }, 'permission@3'],
        [ap(0), { access: 'read', el: 1 }, undefined],
        [ap(0), { access: 'exec', el: 0 }, undefined],                 // EL0 execute-only
        [ap(2), { access: 'write', el: 1 }, 'permission@3'],
        [ap(3), { access: 'write', el: 0 }, 'permission@3'],
        [ap(1), { access: 'write', el: 0 }, undefined],
        [ap(1), { access: 'exec', el: 1 }, 'permission@3'],
        [ap(3) | PXN, { access: 'exec', el: 1 }, 'permission@3'],
        [ap(3) | PXN, { access: 'exec', el: 0 }, undefined],
        [ap(3) | UXN, { access: 'exec', el: 0 }, 'permission@3'],
        [ap(1), { access: 'read', el: 1, pan: true }, 'permission@3'],
        [ap(1), { access: 'write', el: 1, pan: true }, 'permission@3'],
        [ap(0), { access: 'read', el: 1, pan: true }, undefined],
        [ap(3), { access: 'exec', el: 1, pan: true }, undefined],      // PAN does not apply to fetches
        [ap(1), { access: 'read', el: 1, pan: true, unprivileged: true }, undefined],
        [ap(0), { access: 'read', el: 1, unprivileged: true }, 'permission@3'],
        [ap(3), { access: 'write', el: 1, unprivileged: true }, 'permission@3'],
      ];
      for (const [leaf, o, expect] of cases) {
        assert.equal(fault(walkLeaf(leaf, {}, o)), expect, `ap=${(leaf >> 6n) & 3n} ${JSON.stringify(o)}`);
      }
      // WXN: writable at EL1 means not executable at EL1.
      assert.equal(fault(walkLeaf(ap(0), { wxn: true }, { access: 'exec', el: 1 })), 'permission@3');
      // Permission faults still report the translation.
      const r = walkLeaf(ap(2), {}, { access: 'write' });
      assert.equal(r.pa, 0x9000);
    });

    it('checkPermission returns true when allowed', () => {
      const r = walkLeaf(ap(1));
      assert.equal(checkPermission(r, 'read', 0, false, false), true);
      assert.equal(checkPermission(r, 'write', 1, false, false), true);
      assert.equal(checkPermission(r, 'write', 1, true, false), false);
      assert.equal(checkPermission(r, 'write', 1, true, true), true);
      assert.equal(checkPermission(r, 'exec', 0, false, false), true);
      assert.equal(checkPermission(r, 'exec', 1, false, false), false);
      assert.equal(checkPermission({ steps: [] }, 'read', 1, false, false), false);
    });
  });

  describe('attributes and ASIDs', () => {
    it('looks up MAIR and derives device and shareability', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      b.map(0x1000n, 3, pageDesc(0x9000, AF | attr(0) | sh(3)));
      b.map(0x2000n, 3, pageDesc(0xa000, AF | attr(1) | sh(3)));
      b.map(0x3000n, 3, pageDesc(0xb000, AF | attr(2) | sh(3)));
      b.map(0x4000n, 3, pageDesc(0xc000, AF | attr(3) | sh(0) | NG | CONT | NS));
      const r0 = walkStage1(regime(), 0x1000n, mem);
      assert.deepEqual([r0.attrIndex, r0.memAttr, r0.device, r0.shareability], [0, 0x00, true, 2]);
      const r1 = walkStage1(regime(), 0x2000n, mem);
      assert.deepEqual([r1.attrIndex, r1.memAttr, r1.device, r1.shareability, r1.global], [1, 0xff, false, 3, true]);
      const r2 = walkStage1(regime(), 0x3000n, mem);
      assert.deepEqual([r2.memAttr, r2.device, r2.shareability], [0x44, false, 2]);
      const r3 = walkStage1(regime(), 0x4000n, mem);
      assert.deepEqual([r3.memAttr, r3.device, r3.global, r3.ns], [0x04, true, false, true]);
      assert.equal(r3.steps[3].fields.contiguous, true);
      assert.equal(r3.steps[3].fields.nG, true);
      assert.equal(r3.steps[3].fields.attrIndex, 3);
    });

    it('takes the ASID from TTBR0 or TTBR1 (TCR.A1), 8 or 16 bits (TCR.AS)', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      b.map(0x1000n, 3, pageDesc(0x9000));
      const ttbrs = { ttbr0: 0x1234_0000_0000_1000n, ttbr1: 0xabcd_0000_0008_0000n };
      assert.equal(walkStage1(regime({ as: true }, ttbrs), 0x1000n, mem).asid, 0x1234);
      assert.equal(walkStage1(regime({ as: true, a1: true }, ttbrs), 0x1000n, mem).asid, 0xabcd);
      assert.equal(walkStage1(regime({}, ttbrs), 0x1000n, mem).asid, 0x34);
      assert.equal(walkStage1(regime({ a1: true }, ttbrs), 0x1000n, mem).asid, 0xcd);
      // The ASID bits of the TTBR are not part of the table address.
      assert.equal(walkStage1(regime({}, ttbrs), 0x1000n, mem).pa, 0x9000);
    });
  });

  describe('stage 1 disabled', () => {
    const off = (extra: Partial<TranslationRegime> = {}) => regime({}, { sctlr: 0n, paBits: 40, ...extra });
    it('maps flat: Device-nGnRnE for data, Normal for instructions, all permissions', () => {
      const mem = new TestMem();
      const r = walkStage1(off(), 0x80_1234_5678n, mem);
      assert.equal(fault(r), undefined);
      assert.equal(r.pa, 0x80_1234_5678);
      assert.equal(r.steps.length, 0);
      assert.deepEqual([r.device, r.memAttr, r.perms], [true, 0x00, 0x3f]);
      const x = walkStage1(off(), 0x8000n, mem, { access: 'exec', el: 1 });
      assert.deepEqual([x.device, x.memAttr], [false, 0x44]);
      assert.equal(walkStage1(off({ sctlr: SCTLR_I }), 0x8000n, mem, { access: 'exec' }).memAttr, 0xaa);
      assert.equal(fault(walkStage1(off(), 0x8000n, mem, { access: 'write', el: 0 })), undefined);
    });
    it('faults (address size, level 0) above the implemented PA size', () => {
      const mem = new TestMem();
      assert.equal(fault(walkStage1(off(), 1n << 40n, mem)), 'addressSize@0');
      assert.equal(fault(walkStage1(off(), 0xffff_ffff_ffff_f000n, mem)), 'addressSize@0');
      assert.equal(fault(walkStage1(off({ paBits: 48 }), (1n << 40n) - 1n, mem)), undefined);
    });
  });

  describe('readTable', () => {
    it('enumerates all entries of a 4K table, invalid ones included', () => {
      const mem = new TestMem();
      const b = new Builder(mem, L_4K_48, 0x1000, 0x1000);
      b.map(0x0000_0080_4020_1000n, 3, pageDesc(0x9000));
      b.map(0x0000_0080_8000_0000n, 1, blockDesc(0x4000_0000));
      const reg = regime();
      const root = rootTable(reg, 0);
      assert.deepEqual([root.level, root.tableBase, root.inputBase, root.entries], [0, 0x1000, 0n, 512]);
      const l0 = readTable(reg, 0, root.level, root.tableBase, root.inputBase, mem);
      assert.equal(l0.length, 512);
      assert.equal(l0.filter(s => s.type !== 'invalid').length, 1);
      assert.equal(l0[1].type, 'table');
      assert.equal(l0[1].inputBase, 1n << 39n);
      assert.equal(l0[511].inputBase, 511n << 39n);
      const l1 = readTable(reg, 0, 1, l0[1].outputAddress!, l0[1].inputBase, mem);
      assert.equal(l1.length, 512);
      assert.deepEqual(l1.map((s, i) => [i, s.type]).filter(([, t]) => t !== 'invalid'), [[1, 'table'], [2, 'block']]);
      assert.equal(l1[2].inputBase, 0x80_8000_0000n);
      assert.equal(l1[2].inputSize, 1n << 30n);
      assert.equal(l1[2].outputAddress, 0x4000_0000);
      const l2 = readTable(reg, 0, 2, l1[1].outputAddress!, l1[1].inputBase, mem);
      const l3 = readTable(reg, 0, 3, l2[1].outputAddress!, l2[1].inputBase, mem);
      assert.equal(l3[1].type, 'page');
      assert.equal(l3[1].inputBase, 0x80_4020_1000n);
      assert.equal(l3[1].descriptorAddress, l2[1].outputAddress! + 8);
    });

    it('sizes the root tables from TnSZ and granule, and covers TTBR1', () => {
      const mem = new TestMem();
      mem.set(0x80000, 1, tableDesc(0x90000));
      const reg = regime({ tg0: 2, tg1: 3 });
      const r0 = rootTable(reg, 0);
      assert.deepEqual([r0.level, r0.entries, r0.granuleShift], [0, 2, 14]);
      assert.equal(readTable(reg, 0, r0.level, r0.tableBase, r0.inputBase, mem).length, 2);
      const r1 = rootTable(reg, 1);
      assert.deepEqual([r1.level, r1.entries, r1.inputBase], [1, 64, 0xffff_0000_0000_0000n]);
      const t1 = readTable(reg, 1, r1.level, r1.tableBase, r1.inputBase, mem);
      assert.equal(t1.length, 64);
      assert.equal(t1[1].type, 'table');
      assert.equal(t1[1].inputBase, 0xffff_0400_0000_0000n);
      assert.equal(readTable(reg, 1, 2, 0x90000, t1[1].inputBase, mem).length, 8192);
      assert.equal(rootTable(regime({ epd1: true }), 1).fault?.kind, 'translation');
    });

    it('marks entries whose read aborted', () => {
      const mem = new TestMem();
      mem.aborts.add(0x1010);
      const t = readTable(regime(), 0, 0, 0x1000, 0n, mem);
      assert.equal(t[2].type, 'invalid');
      assert.equal(t[2].fields.readError, true);
      assert.equal(t[3].fields.readError, undefined);
    });
  });
});

// A64 Loads and Stores (emulator/cpu/exec/loadStore.ts): every encoding group, checked on a bare CPU
// with RAM. Instructions are assembled from text with the cross binutils; encodings the assembler
// refuses (UNDEFINED or CONSTRAINED UNPREDICTABLE ones) are derived from assembled words by patching
// bits. Expected results for CONSTRAINED UNPREDICTABLE cases were checked against qemu-aarch64 7.2
// (-cpu max), the project's oracle.

import assert from 'node:assert/strict';
import { makeCpu, writeWords, enableIdentityMmu, RAM_BASE, PT_BASE, Harness } from '../support/harness';
import { asm } from '../support/asm';
import { dataAbortSyndrome } from '../../emulator/cpu/exec/loadStore';

// ---------- memory layout ----------
// 0x40000000 code, 0x40008000 vector table, 0x40010000 data (2 MiB block: EL1 only)
// 0x40200000 2 MiB block readable and writable at EL0 and EL1 (LDTR/STTR)
// 0x40400000 2 MiB block read-only at EL1 (permission faults)
// 0xffff0000..0x1_0001_0000 RAM straddling 4 GiB (carries between the 32-bit halves)
// 0x0 (Device, nothing mapped): external aborts
const CODE = RAM_BASE;
const VBAR = RAM_BASE + 0x8000;
const DATA = RAM_BASE + 0x10000;
const USER = RAM_BASE + 0x200000;
const RO = RAM_BASE + 0x400000;
const HI_RAM = 0xffff0000;
const FOUR_G = 0x100000000;
const B_SELF = 0x14000000; // b .

const PRE = '.arch armv8.4-a+rcpc\n';

interface Opts { mmu?: boolean; fp?: boolean; }

function blockDesc(pa: number, ap: number): bigint {
  // Normal WB (AttrIndx 1), inner shareable, AF, AP[2:1] = ap
  return BigInt(pa) | 1n | (1n << 2n) | (3n << 8n) | (1n << 10n) | (BigInt(ap) << 6n);
}

function setup(o: Opts = {}): Harness {
  const h = makeCpu();
  h.mem.addRam('hi', HI_RAM, 0x20000);
  writeWords(h.mem, VBAR, new Array(0x200).fill(B_SELF));
  h.cpu.sys.writeByName('VBAR_EL1', BigInt(VBAR));
  if (o.mmu !== false) {
    enableIdentityMmu(h, false); // EL1-only: RAM writable at EL0 would be PXN at EL1
    const l2 = PT_BASE + 0x1000;
    for (let i = 0; i < 512; i++) {
      const pa = RAM_BASE + i * 0x200000;
      h.mem.write(l2 + i * 8, 8, blockDesc(pa, pa === USER ? 1 : pa === RO ? 2 : 0));
    }
    h.mem.write(PT_BASE + 8, 8, BigInt(l2) | 3n);            // 1-2 GiB through the level 2 table
    h.mem.write(PT_BASE + 4 * 8, 8, blockDesc(4 * 2 ** 30, 0)); // 4-5 GiB Normal
    h.cpu.flushTlb();
  }
  if (o.fp !== false) h.cpu.sys.writeByName('CPACR_EL1', 3n << 20n);
  return h;
}

type Regs = Record<string, bigint | number>;

function big(v: bigint | number): bigint { return BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(v)); }

function setRegs(h: Harness, regs: Regs): void {
  for (const [k, v] of Object.entries(regs)) {
    if (k === 'sp') h.cpu.setSP(big(v));
    else if (k[0] === 'x') h.cpu.setX(Number(k.slice(1)), big(v));
    else throw new Error('bad register ' + k);
  }
}

/** Runs `src` from CODE: `count` instructions (default: all assembled words). */
function run(h: Harness, src: string, regs: Regs = {}, count?: number): number[] {
  const words = asm(PRE + src);
  return runWordsAt(h, words, regs, count ?? words.length);
}

function runWordsAt(h: Harness, words: number[], regs: Regs = {}, count = words.length): number[] {
  setRegs(h, regs);
  writeWords(h.mem, CODE, words);
  h.cpu.setPC(BigInt(CODE));
  h.cpu.run(count);
  return words;
}

const X = (h: Harness, n: number): bigint => h.cpu.getX(n);
const SP = (h: Harness): bigint => h.cpu.getSP();
const rd = (h: Harness, pa: number, size = 8): bigint => h.mem.read(pa, size)!;
const wr = (h: Harness, pa: number, v: bigint | number, size = 8): void => { h.mem.write(pa, size, big(v)); };

function noException(h: Harness, n: number): void {
  const pc = h.cpu.getPC();
  if (pc !== BigInt(CODE + 4 * n)) {
    assert.fail(`exception: PC=0x${pc.toString(16)} ESR=0x${h.cpu.sys.esr.toString(16)} FAR=0x${h.cpu.sys.far.toString(16)} ELR=0x${h.cpu.sys.elr.toString(16)}`);
  }
}

/** Runs and checks that all instructions completed. */
function ok(h: Harness, src: string, regs: Regs = {}): void {
  const words = run(h, src, regs);
  noException(h, words.length);
}

interface Taken { ec: number; il: number; iss: number; far: bigint; elr: bigint; }
function taken(h: Harness): Taken {
  const pc = h.cpu.getPC();
  assert.ok(pc >= BigInt(VBAR) && pc < BigInt(VBAR + 0x800), `no exception taken (PC=0x${pc.toString(16)})`);
  const esr = Number(h.cpu.sys.esr);
  return { ec: esr >>> 26, il: (esr >>> 25) & 1, iss: esr & 0x1ffffff, far: h.cpu.sys.far, elr: h.cpu.sys.elr };
}

/** Checks a synchronous Data Abort taken from EL1 at instruction `index`. */
function dataAbort(h: Harness, index: number, dfsc: number, far: bigint | number, wnr: number): void {
  const t = taken(h);
  assert.equal(t.ec, 0x25, 'EC = Data Abort, same EL');
  assert.equal(t.il, 1);
  assert.equal(t.iss & 0x3f, dfsc, `DFSC 0x${(t.iss & 0x3f).toString(16)}`);
  assert.equal((t.iss >>> 6) & 1, wnr, 'WnR');
  assert.equal(t.iss >>> 14, 0, 'ISV = 0 and ISS[23:14] RES0 for faults taken to EL1');
  assert.equal(t.far, big(far), 'FAR');
  assert.equal(t.elr, BigInt(CODE + 4 * index), 'ELR');
}

function undef(h: Harness, word: number): void {
  runWordsAt(h, [word >>> 0]);
  const t = taken(h);
  assert.equal(t.ec, 0, `0x${(word >>> 0).toString(16)} should be UNDEFINED`);
  assert.equal(t.elr, BigInt(CODE));
}

// SIMD&FP registers as 128-bit bigints.
function getV(h: Harness, n: number): bigint {
  const v = h.cpu.v;
  let r = 0n;
  for (let i = 3; i >= 0; i--) r = (r << 32n) | BigInt(v[4 * n + i] >>> 0);
  return r;
}
function setV(h: Harness, n: number, val: bigint): void {
  for (let i = 0; i < 4; i++) h.cpu.v[4 * n + i] = Number((val >> BigInt(32 * i)) & 0xffffffffn) | 0;
}
const ONES128 = (1n << 128n) - 1n;
const rd128 = (h: Harness, pa: number): bigint => rd(h, pa) | (rd(h, pa + 8) << 64n);

/** Fills DATA-0x100 .. DATA+0x300 with bytes (i * 7 + 0x81) & 0xff. */
function fillPattern(h: Harness, base = DATA - 0x100, n = 0x400): void {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 0x81) & 0xff;
  h.mem.writeBytes(base, b);
}
/** Little-endian value of `size` pattern bytes at address `a` (as filled by fillPattern). */
function pat(a: number, size: number, base = DATA - 0x100): bigint {
  let r = 0n;
  for (let i = size - 1; i >= 0; i--) r = (r << 8n) | BigInt(((a - base + i) * 7 + 0x81) & 0xff);
  return r;
}
const sext = (v: bigint, bits: number): bigint => BigInt.asUintN(64, BigInt.asIntN(bits, v));

// ------------------------------------------------------------------------------------------------

describe('loads and stores', () => {
  describe('single register, unsigned offset', () => {
    const cases: [string, number, number, (v: bigint) => bigint][] = [
      // mnemonic+reg, size, offset, expected from the loaded bytes
      ['ldr x0', 8, 8, v => v],
      ['ldr w0', 4, 4, v => v],
      ['ldrb w0', 1, 3, v => v],
      ['ldrh w0', 2, 6, v => v],
      ['ldrsb w0', 1, 1, v => BigInt.asUintN(32, BigInt.asIntN(8, v))],
      ['ldrsb x0', 1, 1, v => sext(v, 8)],
      ['ldrsh w0', 2, 2, v => BigInt.asUintN(32, BigInt.asIntN(16, v))],
      ['ldrsh x0', 2, 2, v => sext(v, 16)],
      ['ldrsw x0', 4, 4, v => sext(v, 32)],
    ];
    for (const [m, size, off, f] of cases) {
      it(`${m}, [x1, #${off}] zero/sign-extends`, () => {
        const h = setup();
        fillPattern(h);
        ok(h, `${m}, [x1, #${off}]`, { x0: -1n, x1: DATA });
        assert.equal(X(h, 0), f(pat(DATA + off, size)));
      });
    }

    it('sign extension of negative and positive bytes, halfwords and words', () => {
      const h = setup();
      wr(h, DATA, 0x7fff8000_7f80ffffn);
      ok(h, 'ldrsb x0, [x1]\nldrsb x2, [x1, #1]\nldrsb w3, [x1, #2]\nldrsh x4, [x1, #2]\nldrsh w5, [x1, #4]\nldrsh x6, [x1, #6]\nldrsw x7, [x1, #4]\nldrsw x8, [x1]',
        { x1: DATA, x3: -1n, x5: -1n });
      assert.equal(X(h, 0), 0xffffffffffffffffn);
      assert.equal(X(h, 2), 0xffffffffffffffffn);
      assert.equal(X(h, 3), 0x00000000ffffff80n);
      assert.equal(X(h, 4), 0x0000000000007f80n);
      assert.equal(X(h, 5), 0x00000000ffff8000n);
      assert.equal(X(h, 6), 0x0000000000007fffn);
      assert.equal(X(h, 7), 0x000000007fff8000n);
      assert.equal(X(h, 8), 0x000000007f80ffffn);
    });

    it('largest scaled offsets, SP as base, XZR as target and source', () => {
      const h = setup();
      fillPattern(h, DATA, 0x8000);
      ok(h, 'ldr x0, [x1, #32760]\nldrb w2, [x1, #4095]\nldrh w3, [x1, #8190]\nldr w4, [x1, #16380]\nldr x5, [sp, #16]\nldr xzr, [x1]\nstr xzr, [x1, #24]',
        { x1: DATA, sp: DATA });
      assert.equal(X(h, 0), pat(DATA + 32760, 8, DATA));
      assert.equal(X(h, 2), pat(DATA + 4095, 1, DATA));
      assert.equal(X(h, 3), pat(DATA + 8190, 2, DATA));
      assert.equal(X(h, 4), pat(DATA + 16380, 4, DATA));
      assert.equal(X(h, 5), pat(DATA + 16, 8, DATA));
      assert.equal(X(h, 31), 0n);
      assert.equal(rd(h, DATA + 24), 0n);
    });

    it('stores write only their size', () => {
      const h = setup();
      for (let i = 0; i < 4; i++) wr(h, DATA + 8 * i, -1n);
      ok(h, 'str x0, [x1]\nstr w0, [x1, #8]\nstrh w0, [x1, #16]\nstrb w0, [x1, #24]', { x0: 0x0123456789abcdefn, x1: DATA });
      assert.equal(rd(h, DATA), 0x0123456789abcdefn);
      assert.equal(rd(h, DATA + 8), 0xffffffff89abcdefn);
      assert.equal(rd(h, DATA + 16), 0xffffffffffffcdefn);
      assert.equal(rd(h, DATA + 24), 0xffffffffffffffefn);
    });
  });

  describe('single register, unscaled, pre- and post-index', () => {
    it('LDUR/STUR with negative and misaligned offsets (Normal memory)', () => {
      const h = setup();
      fillPattern(h);
      ok(h, 'ldur x0, [x1, #-3]\nldursw x2, [x1, #-256]\nldurh w3, [x1, #255]\nldursb x4, [x1, #-1]\nstur x5, [x1, #1]\nsturh w5, [x1, #-7]',
        { x1: DATA, x5: 0x1122334455667788n });
      assert.equal(X(h, 0), pat(DATA - 3, 8));
      assert.equal(X(h, 2), sext(pat(DATA - 256, 4), 32));
      assert.equal(X(h, 3), pat(DATA + 255, 2));
      assert.equal(X(h, 4), sext(pat(DATA - 1, 1), 8));
      assert.equal(rd(h, DATA + 1), 0x1122334455667788n);
      assert.equal(rd(h, DATA - 7, 2), 0x7788n);
    });

    it('pre-index writes back the address used', () => {
      const h = setup();
      fillPattern(h);
      ok(h, 'ldr x0, [x1, #16]!\nldrsh w2, [x3, #-2]!\nstrb w4, [x5, #255]!\nldr w6, [sp, #-256]!',
        { x1: DATA, x3: DATA, x4: 0xa5, x5: DATA, x2: -1n, sp: DATA });
      assert.equal(X(h, 0), pat(DATA + 16, 8));
      assert.equal(X(h, 1), BigInt(DATA + 16));
      assert.equal(X(h, 2), BigInt.asUintN(32, BigInt.asIntN(16, pat(DATA - 2, 2))));
      assert.equal(X(h, 3), BigInt(DATA - 2));
      assert.equal(rd(h, DATA + 255, 1), 0xa5n);
      assert.equal(X(h, 5), BigInt(DATA + 255));
      assert.equal(X(h, 6), pat(DATA - 256, 4));
      assert.equal(SP(h), BigInt(DATA - 256));
    });

    it('post-index uses the base, then writes back base + imm', () => {
      const h = setup();
      fillPattern(h);
      ok(h, 'ldr x0, [x1], #-8\nldrsb x2, [x3], #1\nstr w4, [x5], #4\nstr x4, [sp], #-16',
        { x1: DATA, x3: DATA + 8, x4: 0xdeadbeef, x5: DATA + 32, sp: DATA + 64 });
      assert.equal(X(h, 0), pat(DATA, 8));
      assert.equal(X(h, 1), BigInt(DATA - 8));
      assert.equal(X(h, 2), sext(pat(DATA + 8, 1), 8));
      assert.equal(X(h, 3), BigInt(DATA + 9));
      assert.equal(rd(h, DATA + 32, 4), 0xdeadbeefn);
      assert.equal(X(h, 5), BigInt(DATA + 36));
      assert.equal(rd(h, DATA + 64), 0xdeadbeefn);
      assert.equal(SP(h), BigInt(DATA + 48));
    });

    it('writeback with Rn == Rt: load leaves the written-back address, store stores the old base (QEMU)', () => {
      const h = setup();
      fillPattern(h);
      // Assembled with warnings ("unpredictable transfer with writeback").
      ok(h, 'ldr x1, [x1, #8]!\nldr x2, [x2], #8\nstr x3, [x3, #8]!\nstr x4, [x4], #8',
        { x1: DATA, x2: DATA, x3: DATA + 0x40, x4: DATA + 0x80 });
      assert.equal(X(h, 1), BigInt(DATA + 8));
      assert.equal(X(h, 2), BigInt(DATA + 8));
      assert.equal(X(h, 3), BigInt(DATA + 0x48));
      assert.equal(rd(h, DATA + 0x48), BigInt(DATA + 0x40));
      assert.equal(X(h, 4), BigInt(DATA + 0x88));
      assert.equal(rd(h, DATA + 0x80), BigInt(DATA + 0x80));
    });
  });

  describe('single register, register offset', () => {
    it('LSL, UXTW, SXTW and SXTX extends with and without the shift', () => {
      const h = setup();
      fillPattern(h);
      ok(h, [
        'ldr x0, [x1, x2]',            // + 8
        'ldr x3, [x1, x4, lsl #3]',    // + 2*8
        'ldr w5, [x1, w6, uxtw #2]',   // + 3*4, upper half of x6 ignored
        'ldr x7, [x1, w8, sxtw #3]',   // - 8
        'ldrb w9, [x1, x10, sxtx]',    // - 3
        'ldrsh x11, [x1, w12, sxtw #1]', // - 2*5
        'ldrh w13, [x1, w14, uxtw]',   // + 7
        'ldr x15, [x1, xzr]',
        'ldr x16, [x1, x17, sxtx #3]', // - 16
      ].join('\n'), {
        x1: DATA, x2: 8, x4: 2, x6: 0xffffffff00000003n, x8: 0x12345678ffffffffn, x10: -3n, x12: 0xfffffffbn,
        x14: 0xaaaaaaaa00000007n, x17: -2n,
      });
      assert.equal(X(h, 0), pat(DATA + 8, 8));
      assert.equal(X(h, 3), pat(DATA + 16, 8));
      assert.equal(X(h, 5), pat(DATA + 12, 4));
      assert.equal(X(h, 7), pat(DATA - 8, 8));
      assert.equal(X(h, 9), pat(DATA - 3, 1));
      assert.equal(X(h, 11), sext(pat(DATA - 10, 2), 16));
      assert.equal(X(h, 13), pat(DATA + 7, 2));
      assert.equal(X(h, 15), pat(DATA, 8));
      assert.equal(X(h, 16), pat(DATA - 16, 8));
    });

    it('stores with register offsets', () => {
      const h = setup();
      ok(h, 'strb w0, [x1, x2]\nstrh w0, [x1, x3, lsl #1]\nstr w0, [x1, w4, sxtw #2]\nstr x0, [x1, x5, lsl #3]',
        { x0: 0x1122334455667788n, x1: DATA, x2: 1, x3: 2, x4: 0xffffffff, x5: 2 });
      assert.equal(rd(h, DATA + 1, 1), 0x88n);
      assert.equal(rd(h, DATA + 4, 2), 0x7788n);
      assert.equal(rd(h, DATA - 4, 4), 0x55667788n);
      assert.equal(rd(h, DATA + 16), 0x1122334455667788n);
    });
  });

  describe('literal', () => {
    it('LDR W/X, LDRSW and PRFM (literal), forwards and backwards', () => {
      const h = setup();
      run(h, [
        'b 2f', '.align 3', '0: .quad 0x8000000180000002', '2:',
        'ldr x0, 1f', 'ldr w2, 1f', 'ldrsw x3, 1f', 'prfm pldl1keep, 1f', 'ldr x4, 0b', 'ldrsw x5, 0b',
        '.align 3', '1: .quad 0x00000001f0000003',
      ].join('\n'), { x2: -1n }, 7);
      noException(h, 10); // b, 3 literal words, then 6 instructions
      assert.equal(X(h, 0), 0x00000001f0000003n);
      assert.equal(X(h, 2), 0xf0000003n);
      assert.equal(X(h, 3), 0xfffffffff0000003n);
      assert.equal(X(h, 4), 0x8000000180000002n);
      assert.equal(X(h, 5), 0xffffffff80000002n);
    });

    it('LDR S/D/Q (literal) zero the rest of the vector register', () => {
      const h = setup();
      for (let i = 0; i < 3; i++) setV(h, i, ONES128);
      run(h, ['ldr s0, 1f', 'ldr d1, 1f', 'ldr q2, 1f', '.align 4',
        '1: .quad 0x0123456789abcdef, 0xfedcba9876543210'].join('\n'), {}, 3);
      noException(h, 3);
      assert.equal(getV(h, 0), 0x89abcdefn);
      assert.equal(getV(h, 1), 0x0123456789abcdefn);
      assert.equal(getV(h, 2), 0xfedcba9876543210_0123456789abcdefn);
    });
  });

  describe('pairs', () => {
    it('LDP/STP X and W: Rt at the lower address; offset, pre- and post-index', () => {
      const h = setup();
      fillPattern(h);
      ok(h, 'ldp x0, x1, [x2]\nldp w3, w4, [x5, #-8]\nldp x6, x7, [x8, #16]!\nldp w9, w10, [x11], #-256',
        { x2: DATA, x5: DATA, x8: DATA, x11: DATA, x3: -1n, x4: -1n });
      assert.equal(X(h, 0), pat(DATA, 8));
      assert.equal(X(h, 1), pat(DATA + 8, 8));
      assert.equal(X(h, 3), pat(DATA - 8, 4));
      assert.equal(X(h, 4), pat(DATA - 4, 4));
      assert.equal(X(h, 6), pat(DATA + 16, 8));
      assert.equal(X(h, 7), pat(DATA + 24, 8));
      assert.equal(X(h, 8), BigInt(DATA + 16));
      assert.equal(X(h, 9), pat(DATA, 4));
      assert.equal(X(h, 10), pat(DATA + 4, 4));
      assert.equal(X(h, 11), BigInt(DATA - 256));
    });

    it('STP prologue/epilogue on SP, W pairs, immediate range', () => {
      const h = setup();
      ok(h, 'stp x29, x30, [sp, #-16]!\nstp w0, w1, [x2, #4]\nstp x0, x1, [x2, #504]\nstp x1, x0, [x2, #-512]\nldp x3, x4, [sp], #16',
        { sp: DATA + 0x100, x29: 0x2929n, x30: 0x3030n, x0: 0xaaaaaaaa00000001n, x1: 0xbbbbbbbb00000002n, x2: DATA + 0x400 });
      assert.equal(rd(h, DATA + 0xf0), 0x2929n);
      assert.equal(rd(h, DATA + 0xf8), 0x3030n);
      assert.equal(rd(h, DATA + 0x404), 0x0000000200000001n);
      assert.equal(rd(h, DATA + 0x400 + 504), 0xaaaaaaaa00000001n);
      assert.equal(rd(h, DATA + 0x400 + 512), 0xbbbbbbbb00000002n);
      assert.equal(rd(h, DATA + 0x400 - 512), 0xbbbbbbbb00000002n);
      assert.equal(rd(h, DATA + 0x400 - 504), 0xaaaaaaaa00000001n);
      assert.equal(X(h, 3), 0x2929n);
      assert.equal(X(h, 4), 0x3030n);
      assert.equal(SP(h), BigInt(DATA + 0x100));
    });

    it('LDPSW sign-extends both words (offset, pre, post)', () => {
      const h = setup();
      wr(h, DATA, 0x7fffffff80000000n);
      ok(h, 'ldpsw x0, x1, [x2]\nldpsw x3, x4, [x5, #-8]!\nldpsw x6, x7, [x2], #8', { x2: DATA, x5: DATA + 8 });
      assert.equal(X(h, 0), 0xffffffff80000000n);
      assert.equal(X(h, 1), 0x7fffffffn);
      assert.equal(X(h, 3), 0xffffffff80000000n);
      assert.equal(X(h, 5), BigInt(DATA));
      assert.equal(X(h, 7), 0x7fffffffn);
      assert.equal(X(h, 2), BigInt(DATA + 8));
    });

    it('LDNP/STNP', () => {
      const h = setup();
      ok(h, 'stnp x0, x1, [x2, #-16]\nstnp w1, w0, [x2, #8]\nldnp x3, x4, [x2, #-16]\nldnp w5, w6, [x2, #8]',
        { x0: 0x1111n, x1: 0x2222n, x2: DATA });
      assert.equal(X(h, 3), 0x1111n);
      assert.equal(X(h, 4), 0x2222n);
      assert.equal(X(h, 5), 0x2222n);
      assert.equal(X(h, 6), 0x1111n);
    });

    it('LDP Rt == Rt2 keeps the first element; writeback over Rt keeps the address (QEMU)', () => {
      const h = setup();
      wr(h, DATA, 0x1111n); wr(h, DATA + 8, 0x2222n); wr(h, DATA + 16, 0x3333n); wr(h, DATA + 24, 0x4444n);
      ok(h, 'ldp x0, x0, [x1]\nldpsw x2, x2, [x1]\nldp x3, x4, [x3, #16]!\nldp x6, x5, [x5], #16\nldnp x7, x7, [x1]',
        { x1: DATA, x3: DATA, x5: DATA });
      assert.equal(X(h, 0), 0x1111n);
      assert.equal(X(h, 2), 0x1111n);
      assert.equal(X(h, 3), BigInt(DATA + 16));
      assert.equal(X(h, 4), 0x4444n);
      assert.equal(X(h, 5), BigInt(DATA + 16));
      assert.equal(X(h, 6), 0x1111n);
      assert.equal(X(h, 7), 0x1111n);
    });
  });

  describe('64-bit address arithmetic', () => {
    it('carries and borrows between the 32-bit halves (RAM across 4 GiB)', () => {
      const h = setup();
      fillPattern(h, HI_RAM, 0x20000);
      wr(h, DATA, 0xabcn);
      const p = (a: number, n: number) => pat(a, n, HI_RAM);
      ok(h, [
        'ldr x0, [x1, #16]',          // 0xfffffff8 + 16
        'ldr x2, [x3], #16',           // post-index writeback carries
        'ldr x4, [x5, #-16]!',         // borrow
        'ldp x6, x7, [x8]',            // second element at 4 GiB
        'ldr x9, [x10]',               // 8 bytes straddling 4 GiB
        'ldr x11, [x12, x13]',         // 64-bit wrap: -16 + (DATA + 16)
        'ldur x14, [x15, #-1]',
        'ldr q0, [x8]',
      ].join('\n'), {
        x1: 0xfffffff8, x3: 0xfffffff8, x5: FOUR_G + 8, x8: 0xfffffff8, x10: 0xfffffffc,
        x12: -16n, x13: DATA + 16, x15: FOUR_G,
      });
      assert.equal(X(h, 0), p(FOUR_G + 8, 8));
      assert.equal(X(h, 2), p(0xfffffff8, 8));
      assert.equal(X(h, 3), BigInt(FOUR_G + 8));
      assert.equal(X(h, 4), p(0xfffffff8, 8));
      assert.equal(X(h, 5), 0xfffffff8n);
      assert.equal(X(h, 6), p(0xfffffff8, 8));
      assert.equal(X(h, 7), p(FOUR_G, 8));
      assert.equal(X(h, 9), p(0xfffffffc, 8));
      assert.equal(X(h, 11), rd(h, DATA));
      assert.equal(X(h, 14), p(FOUR_G - 1, 8));
      assert.equal(getV(h, 0), p(0xfffffff8, 16));
    });
  });

  describe('data aborts', () => {
    it('load from an unmapped Device address: synchronous external abort; ESR_EL1 has ISV = 0', () => {
      // Arm ARM (M.a D24.2.45): for faults reported in ESR_EL1, ISV is 0 (ISS[23:14] RES0) unless
      // FEAT_LS64; with FEAT_RAS it is 0 for any synchronous External abort. QEMU agrees
      // (merge_syn_data_abort). The syndrome a stage-2 abort would carry is checked below.
      const h = setup();
      const [, ldr] = run(h, 'nop\nldr x0, [x1]', { x0: 0x1234, x1: 0 });
      dataAbort(h, 1, 0x10, 0, 0);
      assert.equal(h.cpu.sys.esr, BigInt(((0x25 << 26) | (1 << 25) | 0x10) >>> 0)); // EC, IL, WnR=0, DFSC
      assert.equal(X(h, 0), 0x1234n);
      // ISV=1, SAS=0b11 (doubleword), SSE=0, SRT=0, SF=1, AR=0
      assert.equal(dataAbortSyndrome(ldr), ((1 << 24) | (3 << 22) | (0 << 16) | (1 << 15)) >>> 0);
    });

    it('store to an unmapped address reports WnR = 1', () => {
      const h = setup();
      run(h, 'strh w0, [x1, #2]', { x1: 0x1000 });
      dataAbort(h, 0, 0x10, 0x1002, 1);
    });

    it('faulting pre-/post-index and pair accesses leave base and destinations unchanged', () => {
      const cases: [string, Regs, number, number, number][] = [
        // source, registers, FAR, DFSC, WnR
        ['ldr x0, [x1, #8]!', { x0: 7, x1: -8n }, 0, 0x10, 0],
        ['ldr x0, [x1], #8', { x0: 7, x1: 0x40 }, 0x40, 0x10, 0],
        ['str x0, [x1, #-16]!', { x0: 7, x1: 0x100 }, 0xf0, 0x10, 1],
        ['ldr x0, [x1, #-16]!', { x0: 7, x1: FOUR_G + 0x20000 }, FOUR_G + 0x20000 - 16, 0x10, 0],
        ['ldp x0, x2, [x1], #16', { x0: 7, x2: 9, x1: RAM_BASE + 0x4000000 - 8 }, RAM_BASE + 0x4000000, 0x10, 0],
        ['ldp x0, x1, [x1, #-16]!', { x0: 7, x1: 0x10 }, 0, 0x10, 0],
        ['stp x0, x2, [x1, #8]!', { x0: 7, x2: 9, x1: 0x7f8 }, 0x800, 0x10, 1],
        ['ldpsw x0, x2, [x1, #-8]!', { x0: 7, x2: 9, x1: RAM_BASE + 0x4000000 + 4 }, RAM_BASE + 0x4000000, 0x10, 0],
        ['ldrsh x1, [x1], #2', { x1: 0x22 }, 0x22, 0x10, 0],
      ];
      for (const [src, regs, far, dfsc, wnr] of cases) {
        const h = setup();
        setRegs(h, regs);
        const snapshot = Object.keys(regs).map(k => X(h, Number(k.slice(1))));
        run(h, src);
        dataAbort(h, 0, dfsc, far, wnr);
        assert.deepEqual(Object.keys(regs).map(k => X(h, Number(k.slice(1)))), snapshot, `${src}: registers changed`);
      }
    });

    it('dataAbortSyndrome gives the ISV/SAS/SSE/SRT/SF/AR bits an EL2 view would report', () => {
      const iss = (sas: number, sse: number, srt: number, sf: number, ar = 0) =>
        ((1 << 24) | (sas << 22) | (sse << 21) | (srt << 16) | (sf << 15) | (ar << 14)) >>> 0;
      const cases: [string, number][] = [
        ['ldr x0, [x1]', iss(3, 0, 0, 1)],
        ['ldr w17, [x1, #4]', iss(2, 0, 17, 0)],
        ['ldrb w2, [x1]', iss(0, 0, 2, 0)],
        ['ldrsb w3, [x1]', iss(0, 1, 3, 0)],
        ['ldrsb x3, [x1]', iss(0, 1, 3, 1)],
        ['ldrsh x5, [x1, x2]', iss(1, 1, 5, 1)],
        ['ldrsw x7, [x1, #-4]', iss(2, 1, 7, 1)],
        ['strh w9, [x1]', iss(1, 0, 9, 0)],
        ['str xzr, [x1]', iss(3, 0, 31, 1)],
        ['ldtrsh w4, [x1]', iss(1, 1, 4, 0)],
        ['ldr w6, .', iss(2, 0, 6, 0)],
        ['ldrsw x6, .', iss(2, 1, 6, 1)],
        ['ldar w2, [x1]', iss(2, 0, 2, 0, 1)],
        ['stlrb w2, [x1]', iss(0, 0, 2, 0, 1)],
        ['ldapr x8, [x1]', iss(3, 0, 8, 1, 1)],
        ['ldapursh w8, [x1, #-2]', iss(1, 1, 8, 0, 1)],
        ['stlur x8, [x1, #3]', iss(3, 0, 8, 1, 1)],
        ['ldr x0, [x1, #8]!', 0],
        ['ldr x0, [x1], #8', 0],
        ['ldp x0, x1, [x2]', 0],
        ['ldxr x0, [x1]', 0],
        ['stxr w3, x0, [x1]', 0],
        ['ldadd x0, x1, [x2]', 0],
        ['cas x0, x1, [x2]', 0],
        ['ldr q0, [x1]', 0],
        ['ldr s0, [x1, x2]', 0],
        ['prfm pldl1keep, [x1]', 0],
        ['ld1 {v0.16b}, [x1]', 0],
      ];
      for (const [src, want] of cases) {
        const [w] = asm(PRE + src);
        assert.equal(dataAbortSyndrome(w), want, `${src}: 0x${dataAbortSyndrome(w).toString(16)}`);
      }
    });
  });

  describe('exclusives', () => {
    it('LDXR/STXR succeed on a matching reservation; the monitor is then clear', () => {
      const h = setup();
      wr(h, DATA, 0x1111n);
      ok(h, 'ldxr x0, [x1]\nstxr w2, x3, [x1]\nstxr w4, x5, [x1]', { x1: DATA, x2: -1n, x3: 0x2222n, x4: -1n, x5: 0x3333n });
      assert.equal(X(h, 0), 0x1111n);
      assert.equal(X(h, 2), 0n);
      assert.equal(X(h, 4), 1n, 'second store-exclusive fails');
      assert.equal(rd(h, DATA), 0x2222n);
      assert.equal(h.cpu.exclusiveAddr, -1);
    });

    it('LDXR records the physical address and size', () => {
      const h = setup();
      ok(h, 'ldxrh w0, [x1]', { x1: DATA + 6 });
      assert.equal(h.cpu.exclusiveAddr, DATA + 6);
      assert.equal(h.cpu.exclusiveSize, 2);
    });

    it('STXR fails without a reservation, after CLREX, after a monitor reset, at another address or size', () => {
      const cases: [string, Regs][] = [
        ['stxr w2, x3, [x1]', {}],
        ['ldxr x0, [x1]\nclrex\nstxr w2, x3, [x1]', {}],
        ['ldxr x0, [x1]\nstxr w2, x3, [x4]', { x4: DATA + 8 }],
        ['ldxr x0, [x1]\nstxr w2, w3, [x1]', {}],
        ['ldxr w0, [x1]\nstxr w2, x3, [x1]', {}],
        ['ldxrb w0, [x1]\nstxrh w2, w3, [x1]', {}],
        ['ldxp x0, x5, [x1]\nstxr w2, x3, [x1]', {}],
        ['ldxr x0, [x1]\nstxr w6, x3, [x4]\nstxr w2, x3, [x1]', { x4: DATA + 8 }], // the failed store cleared the monitor
      ];
      for (const [src, regs] of cases) {
        const h = setup();
        wr(h, DATA, 0x1111n); wr(h, DATA + 8, 0x5555n);
        ok(h, src, { x1: DATA, x2: -1n, x3: 0x2222n, ...regs });
        assert.equal(X(h, 2), 1n, src);
        assert.equal(rd(h, DATA), 0x1111n, src);
        assert.equal(rd(h, DATA + 8), 0x5555n, src);
      }
      // A reset of the monitor by other means (exception entry, CLREX elsewhere): exclusiveAddr = -1.
      const h = setup();
      wr(h, DATA, 0x1111n);
      ok(h, 'ldxr x0, [x1]', { x1: DATA });
      h.cpu.exclusiveAddr = -1;
      ok(h, 'stxr w2, x3, [x1]', { x1: DATA, x3: 0x2222 });
      assert.equal(X(h, 2), 1n);
      assert.equal(rd(h, DATA), 0x1111n);
    });

    it('byte, halfword, word and acquire/release forms', () => {
      const h = setup();
      wr(h, DATA, 0x8877665544332211n);
      ok(h, [
        'ldaxrb w0, [x1]', 'stlxrb w2, w3, [x1]',
        'ldxrh w4, [x5]', 'stxrh w6, w3, [x5]',
        'ldaxr w7, [x8]', 'stlxr w9, w3, [x8]',
      ].join('\n'), { x1: DATA + 1, x5: DATA + 2, x8: DATA + 4, x3: 0xabcdef01, x0: -1n, x4: -1n, x7: -1n });
      assert.equal(X(h, 0), 0x22n);
      assert.equal(X(h, 4), 0x4433n);
      assert.equal(X(h, 7), 0x88776655n);
      assert.equal(X(h, 2), 0n); assert.equal(X(h, 6), 0n); assert.equal(X(h, 9), 0n);
      assert.equal(rd(h, DATA), 0xabcdef01ef010111n);
    });

    it('LDXP/STXP with W and X pairs (pair ordering)', () => {
      const h = setup();
      wr(h, DATA, 0x2222222211111111n); wr(h, DATA + 8, 0x4444444433333333n);
      ok(h, 'ldxp w0, w1, [x2]\nstxp w3, w4, w5, [x2]\nldaxp x6, x7, [x2]\nstlxp w8, x9, x10, [x2]',
        { x0: -1n, x1: -1n, x2: DATA, x4: 0xaaaa, x5: 0xbbbb, x9: 0xcccc, x10: 0xdddd });
      assert.equal(X(h, 0), 0x11111111n);
      assert.equal(X(h, 1), 0x22222222n);
      assert.equal(X(h, 3), 0n);
      assert.equal(X(h, 6), 0x0000bbbb0000aaaan);
      assert.equal(X(h, 7), 0x4444444433333333n);
      assert.equal(X(h, 8), 0n);
      assert.equal(rd(h, DATA), 0xccccn);
      assert.equal(rd(h, DATA + 8), 0xddddn);
    });

    it('LDXP Rt == Rt2 gets the second element; STXR Rs == Rt stores the old value (QEMU)', () => {
      const h = setup();
      wr(h, DATA, 0x2222222211111111n); wr(h, DATA + 8, 0x4444444433333333n);
      ok(h, 'ldxp x0, x0, [x1]\nldxp w2, w2, [x1]', { x1: DATA });
      assert.equal(X(h, 0), 0x4444444433333333n);
      assert.equal(X(h, 2), 0x22222222n);
      // STXR with Rs == Rt: encode stxr w3, x3, [x1] from stxr w2, x3, [x1]
      const [ld, st] = asm(PRE + 'ldxr x9, [x1]\nstxr w2, x3, [x1]');
      runWordsAt(h, [ld, (st & ~(31 << 16)) | (3 << 16)], { x1: DATA, x3: 0x7777 });
      noException(h, 2);
      assert.equal(X(h, 3), 0n);
      assert.equal(rd(h, DATA), 0x7777n);
    });

    it('misaligned exclusives take an alignment fault (EC 0x25, DFSC 0x21, FAR)', () => {
      const cases: [string, Regs, number, number, number][] = [
        ['ldxr x0, [x1]', { x1: DATA + 4 }, 0, DATA + 4, 0],
        ['ldaxrh w0, [x1]', { x1: DATA + 1 }, 0, DATA + 1, 0],
        ['ldxp x0, x2, [x1]', { x1: DATA + 8 }, 0, DATA + 8, 0],
        ['ldxp w0, w2, [x1]', { x1: DATA + 4 }, 0, DATA + 4, 0],
        // a reservation at the same VA, then a store-exclusive of a larger size
        ['ldxrh w0, [x1]\nstxr w2, w3, [x1]', { x1: DATA + 2 }, 1, DATA + 2, 1],
        ['ldxr w0, [x1]\nstxp w2, x3, x4, [x1]', { x1: DATA + 8 }, 1, DATA + 8, 1],
      ];
      for (const [src, regs, index, far, wnr] of cases) {
        const h = setup();
        run(h, src, { x0: 0x55, x2: 0x66, ...regs });
        dataAbort(h, index, 0x21, far, wnr);
        assert.equal(X(h, 2), 0x66n, `${src}: status register unchanged`);
        if (index === 0) assert.equal(X(h, 0), 0x55n);
        assert.equal(h.cpu.exclusiveAddr, -1, 'exception entry clears the monitor');
      }
    });

    it('a misaligned store-exclusive without a matching reservation fails without a fault (QEMU)', () => {
      const h = setup();
      ok(h, 'stxr w2, x3, [x1]\nldxr x0, [x4]\nstxr w5, x3, [x1]', { x1: DATA + 4, x4: DATA, x2: -1n, x5: -1n });
      assert.equal(X(h, 2), 1n);
      assert.equal(X(h, 5), 1n);
    });
  });

  describe('load-acquire / store-release', () => {
    it('LDAR/STLR/LDLAR/STLLR and byte/halfword forms', () => {
      const h = setup();
      wr(h, DATA, 0xf1e2d3c4b5a69788n);
      ok(h, [
        'ldar x0, [x1]', 'ldar w2, [x1]', 'ldarb w3, [x1]', 'ldarh w4, [x1]',
        'ldlar x5, [x1]', 'ldlarb w6, [x1]',
        'stlr x7, [x8]', 'stlrh w7, [x8]', 'stllr w7, [x9]', 'stllrb w7, [x10]', 'stlrb w7, [sp]',
      ].join('\n'), {
        x1: DATA, x2: -1n, x3: -1n, x4: -1n, x7: 0x0123456789abcdefn, x8: DATA + 16, x9: DATA + 32, x10: DATA + 40, sp: DATA + 48,
      });
      assert.equal(X(h, 0), 0xf1e2d3c4b5a69788n);
      assert.equal(X(h, 2), 0xb5a69788n);
      assert.equal(X(h, 3), 0x88n);
      assert.equal(X(h, 4), 0x9788n);
      assert.equal(X(h, 5), 0xf1e2d3c4b5a69788n);
      assert.equal(X(h, 6), 0x88n);
      assert.equal(rd(h, DATA + 16), 0x0123456789abcdefn); // stlrh only replaced the low halfword with the same value
      assert.equal(rd(h, DATA + 32, 4), 0x89abcdefn);
      assert.equal(rd(h, DATA + 40, 1), 0xefn);
      assert.equal(rd(h, DATA + 48, 1), 0xefn);
    });

    it('LDAPR/LDAPRB/LDAPRH (FEAT_LRCPC)', () => {
      const h = setup();
      wr(h, DATA, 0xf1e2d3c4b5a69788n);
      ok(h, 'ldapr x0, [x1]\nldapr w2, [x1]\nldaprb w3, [x1]\nldaprh w4, [x1]', { x1: DATA, x2: -1n, x3: -1n, x4: -1n });
      assert.equal(X(h, 0), 0xf1e2d3c4b5a69788n);
      assert.equal(X(h, 2), 0xb5a69788n);
      assert.equal(X(h, 3), 0x88n);
      assert.equal(X(h, 4), 0x9788n);
    });

    it('LDAPUR*/STLUR* (FEAT_LRCPC2), signed offsets and sign extension', () => {
      const h = setup();
      fillPattern(h);
      ok(h, [
        'ldapur x0, [x1, #-256]', 'ldapur w2, [x1, #4]', 'ldapurb w3, [x1, #255]', 'ldapurh w4, [x1, #-2]',
        'ldapursb w5, [x1, #1]', 'ldapursb x6, [x1, #1]', 'ldapursh w7, [x1, #2]', 'ldapursh x8, [x1, #2]', 'ldapursw x9, [x1, #-4]',
        'stlur x10, [x11, #-8]', 'stlur w10, [x11, #8]', 'stlurh w10, [x11, #2]', 'stlurb w10, [x11, #1]',
      ].join('\n'), { x1: DATA, x2: -1n, x3: -1n, x4: -1n, x5: -1n, x7: -1n, x10: 0x0123456789abcdefn, x11: DATA + 0x200 });
      assert.equal(X(h, 0), pat(DATA - 256, 8));
      assert.equal(X(h, 2), pat(DATA + 4, 4));
      assert.equal(X(h, 3), pat(DATA + 255, 1));
      assert.equal(X(h, 4), pat(DATA - 2, 2));
      assert.equal(X(h, 5), BigInt.asUintN(32, BigInt.asIntN(8, pat(DATA + 1, 1))));
      assert.equal(X(h, 6), sext(pat(DATA + 1, 1), 8));
      assert.equal(X(h, 7), BigInt.asUintN(32, BigInt.asIntN(16, pat(DATA + 2, 2))));
      assert.equal(X(h, 8), sext(pat(DATA + 2, 2), 16));
      assert.equal(X(h, 9), sext(pat(DATA - 4, 4), 32));
      assert.equal(rd(h, DATA + 0x1f8), 0x0123456789abcdefn);
      assert.equal(rd(h, DATA + 0x208, 4), 0x89abcdefn);
      assert.equal(rd(h, DATA + 0x202, 2), 0xcdefn);
      assert.equal(rd(h, DATA + 0x201, 1), 0xefn);
    });

    it('misaligned ordered accesses take an alignment fault even on Normal memory with SCTLR.A = 0', () => {
      const cases: [string, number, number, number][] = [ // source, x1, FAR, WnR
        ['ldar x0, [x1]', DATA + 4, DATA + 4, 0], ['ldarh w0, [x1]', DATA + 1, DATA + 1, 0],
        ['stlr w0, [x1]', DATA + 2, DATA + 2, 1], ['ldlar x0, [x1]', DATA + 4, DATA + 4, 0],
        ['ldapr w0, [x1]', DATA + 2, DATA + 2, 0], ['ldaprh w0, [x1]', DATA + 3, DATA + 3, 0],
        ['ldapur x0, [x1, #2]', DATA, DATA + 2, 0], ['stlurh w0, [x1, #1]', DATA, DATA + 1, 1],
        ['ldaxr w0, [x1]', DATA + 2, DATA + 2, 0], ['stllrh w0, [x1]', DATA + 1, DATA + 1, 1],
      ];
      for (const [src, base, far, wnr] of cases) {
        const h = setup();
        run(h, src, { x0: 0x55, x1: base });
        assert.doesNotThrow(() => taken(h), src);
        dataAbort(h, 0, 0x21, far, wnr);
        assert.equal(X(h, 0), 0x55n);
      }
    });
  });

  describe('LSE atomics', () => {
    const M = (bits: number) => (1n << BigInt(bits)) - 1n;
    const S = (v: bigint, bits: number) => BigInt.asIntN(bits, v);
    const ops: [string, (o: bigint, s: bigint, bits: number) => bigint][] = [
      ['add', (o, s, b) => (o + s) & M(b)],
      ['clr', (o, s, b) => o & ~s & M(b)],
      ['eor', (o, s, b) => (o ^ s) & M(b)],
      ['set', (o, s, b) => (o | s) & M(b)],
      ['smax', (o, s, b) => (S(o, b) > S(s, b) ? o : s) & M(b)],
      ['smin', (o, s, b) => (S(o, b) < S(s, b) ? o : s) & M(b)],
      ['umax', (o, s, b) => ((o & M(b)) > (s & M(b)) ? o : s) & M(b)],
      ['umin', (o, s, b) => ((o & M(b)) < (s & M(b)) ? o : s) & M(b)],
      ['swp', (_o, s, b) => s & M(b)],
    ];
    const sizes: [string, string, number][] = [['b', 'w', 8], ['h', 'w', 16], ['', 'w', 32], ['', 'x', 64]];
    const values: [bigint, bigint][] = [
      [0x8000000000000080n, 0x7fffffff0000017fn],
      [0x7f7f7f7f7f7f7f7fn, 0x8080808080808080n],
      [0xfffffffffffffffen, 0x0000000000000003n],
      [0x00000000ffffffffn, 0x0000000100000001n],
      [0x123456789abcdef0n, 0x123456789abcdef0n],
    ];
    for (const [op, f] of ops) {
      for (const [suffix, reg, bits] of sizes) {
        it(`${op}${suffix} ${reg}: returns the old value, stores the new one (all orderings)`, () => {
          for (const ord of ['', 'a', 'al', 'l']) {
            for (const [o, s] of values) {
              const h = setup();
              const guard = 0x5a5a5a5a5a5a5a5an;
              wr(h, DATA, o); wr(h, DATA + 8, guard);
              const mn = op === 'swp' ? `swp${ord}${suffix}` : `ld${op}${ord}${suffix}`;
              ok(h, `${mn} ${reg}1, ${reg}2, [x3]`, { x1: s, x2: -1n, x3: DATA });
              const want = f(o & M(bits), s, bits);
              const got = rd(h, DATA) & M(bits);
              assert.equal(got, want, `${mn}: memory`);
              assert.equal(rd(h, DATA) >> BigInt(bits), bits === 64 ? 0n : o >> BigInt(bits), `${mn}: bytes beyond the access`);
              assert.equal(X(h, 2), o & M(bits), `${mn}: old value zero-extended into Rt`);
              assert.equal(X(h, 1), big(s), `${mn}: Rs unchanged`);
              assert.equal(rd(h, DATA + 8), guard);
            }
          }
        });
      }
    }

    it('ST<op> aliases (Rt = ZR) and Rs == Rt', () => {
      const h = setup();
      wr(h, DATA, 10n); wr(h, DATA + 8, 0xf0n); wr(h, DATA + 16, 5n);
      ok(h, 'stadd x1, [x2]\nstclrlb w1, [x3]\nldadd x4, x4, [x5]\nswp x6, x6, [x5]', { x1: 0x30, x2: DATA, x3: DATA + 8, x4: 7, x5: DATA + 16, x6: 100 });
      assert.equal(rd(h, DATA), 0x3an);
      assert.equal(rd(h, DATA + 8), 0xc0n);
      assert.equal(X(h, 31), 0n);
      assert.equal(X(h, 4), 5n);      // old value
      assert.equal(X(h, 6), 12n);     // SWP: old value 5 + 7
      assert.equal(rd(h, DATA + 16), 100n);
    });

    it('misaligned atomics take an alignment fault with WnR = 0 and change nothing', () => {
      const cases: [string, number][] = [['ldadd x1, x2, [x3]', 4], ['ldseth w1, w2, [x3]', 1], ['swpal w1, w2, [x3]', 2], ['stumax x1, [x3]', 1], ['cas x1, x2, [x3]', 4], ['casp x4, x5, x6, x7, [x3]', 8]];
      for (const [src, off] of cases) {
        const h = setup();
        wr(h, DATA, 0x1111n); wr(h, DATA + 8, 0x2222n); wr(h, DATA + 16, 0x3333n);
        run(h, src, { x1: 0x99, x2: 0x77, x3: DATA + off, x4: 1, x5: 2, x6: 3, x7: 4 });
        dataAbort(h, 0, 0x21, DATA + off, 0);
        assert.equal(X(h, 2), 0x77n);
        assert.equal(X(h, 1), 0x99n);
        assert.equal(rd(h, DATA), 0x1111n); assert.equal(rd(h, DATA + 8), 0x2222n);
      }
    });

    it('atomics on a read-only page: permission fault with WnR = 1, even when a CAS compare fails', () => {
      for (const src of ['ldadd x1, x2, [x3]', 'swpb w1, w2, [x3]', 'cas x1, x2, [x3]', 'casp x4, x5, x6, x7, [x3]']) {
        const h = setup();
        run(h, src, { x1: 0x99, x2: 0x77, x3: RO + 16, x4: 1, x5: 2, x6: 3, x7: 4 });
        dataAbort(h, 0, 0x0e, RO + 16, 1); // permission fault, level 2 (2 MiB block)
        assert.equal(X(h, 2), 0x77n); assert.equal(X(h, 1), 0x99n); assert.equal(X(h, 4), 1n);
      }
      const h = setup();
      ok(h, 'ldr x0, [x1]', { x1: RO }); // reads are allowed
    });

    it('atomics on an unmapped Device address: external abort on the read (WnR = 0)', () => {
      const h = setup();
      run(h, 'ldeor x1, x2, [x3]', { x3: 0x80 });
      dataAbort(h, 0, 0x10, 0x80, 0);
    });
  });

  describe('compare and swap', () => {
    const sizes: [string, string, number][] = [['b', 'w', 8], ['h', 'w', 16], ['', 'w', 32], ['', 'x', 64]];
    for (const [suffix, reg, bits] of sizes) {
      it(`cas${suffix} ${reg}: success and failure, all orderings`, () => {
        const mask = (1n << BigInt(bits)) - 1n;
        for (const ord of ['', 'a', 'al', 'l']) {
          const mn = `cas${ord}${suffix}`;
          const old = 0x8877665544332211n;
          // success: Rs matches memory in the low `bits` (upper bits of Rs ignored)
          let h = setup();
          wr(h, DATA, old);
          ok(h, `${mn} ${reg}1, ${reg}2, [x3]`, { x1: (old & mask) | (bits < 64 ? 0xdead000000000000n : 0n), x2: 0x0123456789abcdefn, x3: DATA });
          assert.equal(rd(h, DATA) & mask, 0x0123456789abcdefn & mask, `${mn}: swapped`);
          assert.equal(rd(h, DATA) & ~mask & ((1n << 64n) - 1n), old & ~mask & ((1n << 64n) - 1n));
          assert.equal(X(h, 1), old & mask, `${mn}: Rs = old value, zero-extended`);
          // failure: memory unchanged, Rs = old value
          h = setup();
          wr(h, DATA, old);
          ok(h, `${mn} ${reg}1, ${reg}2, [x3]`, { x1: (old + 1n) & mask, x2: 0x0123456789abcdefn, x3: DATA });
          assert.equal(rd(h, DATA), old, `${mn}: memory unchanged`);
          assert.equal(X(h, 1), old & mask);
        }
      });
    }

    it('CAS with Rs == Rt and to XZR', () => {
      const h = setup();
      wr(h, DATA, 5n); wr(h, DATA + 8, 6n);
      ok(h, 'cas x1, x1, [x2]\ncas xzr, x4, [x3]', { x1: 5, x2: DATA, x3: DATA + 8, x4: 9 });
      assert.equal(X(h, 1), 5n);
      assert.equal(rd(h, DATA), 5n);
      assert.equal(rd(h, DATA + 8), 6n); // compare with 0 fails
    });

    it('CASP W and X pairs: success, failure, ordering', () => {
      const h = setup();
      wr(h, DATA, 0x2222222211111111n); wr(h, DATA + 16, 0x3333n); wr(h, DATA + 24, 0x4444n);
      ok(h, [
        'casp w0, w1, w2, w3, [x4]',     // success
        'caspal x6, x7, x8, x9, [x5]',   // success
        'caspa x10, x11, x8, x9, [x5]',  // failure: memory is now (x8, x9)
      ].join('\n'), {
        x0: 0x11111111, x1: 0xffffffff22222222n, x2: 0xaaaa, x3: 0xbbbb, x4: DATA,
        x5: DATA + 16, x6: 0x3333, x7: 0x4444, x8: 0x5555, x9: 0x6666, x10: 0x5555, x11: 0x1,
      });
      assert.equal(rd(h, DATA), 0x0000bbbb0000aaaan);
      assert.equal(X(h, 0), 0x11111111n);
      assert.equal(X(h, 1), 0x22222222n);
      assert.equal(X(h, 6), 0x3333n); assert.equal(X(h, 7), 0x4444n);
      assert.equal(rd(h, DATA + 16), 0x5555n); assert.equal(rd(h, DATA + 24), 0x6666n);
      assert.equal(X(h, 10), 0x5555n); assert.equal(X(h, 11), 0x6666n);
    });

    it('UNDEFINED: CAS with Rt2 != 31, CASP with odd registers', () => {
      const [cas] = asm(PRE + 'cas x1, x2, [x3]');
      const [casp] = asm(PRE + 'casp x0, x1, x2, x3, [x4]');
      undef(setup(), cas & ~(1 << 10));
      undef(setup(), casp | (1 << 16)); // Rs odd
      undef(setup(), casp | 1);         // Rt odd
      undef(setup(), casp & ~(1 << 10));
    });
  });

  describe('unprivileged LDTR/STTR', () => {
    it('access as EL0 from EL1: allowed on EL0 pages, permission fault on EL1-only pages', () => {
      let h = setup();
      wr(h, USER, 0x8000000080008080n);
      ok(h, 'ldtr x0, [x1]\nldtrb w2, [x1, #1]\nldtrsb x3, [x1]\nldtrsh w4, [x1]\nldtrsw x5, [x1, #4]\nldtrh w6, [x1, #2]\nsttr w7, [x1, #8]\nsttrb w7, [x1, #16]\nsttrh w7, [x1, #255]',
        { x1: USER, x7: 0x1234567, x2: -1n, x4: -1n });
      assert.equal(X(h, 0), 0x8000000080008080n);
      assert.equal(X(h, 2), 0x80n);
      assert.equal(X(h, 3), 0xffffffffffffff80n);
      assert.equal(X(h, 4), 0xffff8080n);
      assert.equal(X(h, 5), 0xffffffff80000000n);
      assert.equal(X(h, 6), 0x8000n);
      assert.equal(rd(h, USER + 8, 4), 0x1234567n);
      assert.equal(rd(h, USER + 16, 1), 0x67n);
      assert.equal(rd(h, USER + 255, 2), 0x4567n);

      h = setup();
      run(h, 'ldr x0, [x1]\nldtr x0, [x1]', { x1: DATA });
      dataAbort(h, 1, 0x0e, DATA, 0);
      h = setup();
      run(h, 'sttrh w0, [x1, #2]', { x1: DATA });
      dataAbort(h, 0, 0x0e, DATA + 2, 1);
    });

    it('with PSTATE.UAO = 1 they are ordinary EL1 accesses', () => {
      const h = setup();
      h.cpu.uao = 1;
      wr(h, DATA, 42n);
      ok(h, 'ldtr x0, [x1]\nsttr x0, [x1, #8]', { x1: DATA });
      assert.equal(X(h, 0), 42n);
      assert.equal(rd(h, DATA + 8), 42n);
    });
  });

  describe('PRFM', () => {
    it('every form is a no-op that never faults', () => {
      const h = setup();
      ok(h, [
        'prfm pldl1keep, [x0]', 'prfm pstl3strm, [x0, #32760]', 'prfum pldl2keep, [x0, #-1]',
        'prfm plil1keep, [x0, x1, lsl #3]', 'prfm pldl1strm, [x0, w1, sxtw]', 'prfm #31, [x0]',
        'prfm pldl1keep, .+0x80000', 'prfm pldl1keep, [x2]',
      ].join('\n'), { x0: 0x0000_0100_0000_0001n, x1: -1n, x2: 0 });
      assert.equal(X(h, 0), 0x0000_0100_0000_0001n);
    });
  });

  describe('SIMD&FP registers', () => {
    it('LDR B/H/S/D/Q zero the rest of the register; STR stores only the size', () => {
      const h = setup();
      fillPattern(h);
      for (let i = 0; i < 5; i++) setV(h, i, ONES128);
      setV(h, 5, 0xffeeddccbbaa99887766554433221100n);
      ok(h, [
        'ldr b0, [x1, #1]', 'ldr h1, [x1, #2]', 'ldr s2, [x1, #4]', 'ldr d3, [x1, #8]', 'ldr q4, [x1, #16]',
        'str b5, [x2]', 'str h5, [x2, #2]', 'str s5, [x2, #4]', 'str d5, [x2, #8]', 'str q5, [x2, #16]',
      ].join('\n'), { x1: DATA, x2: DATA + 0x200 });
      assert.equal(getV(h, 0), pat(DATA + 1, 1));
      assert.equal(getV(h, 1), pat(DATA + 2, 2));
      assert.equal(getV(h, 2), pat(DATA + 4, 4));
      assert.equal(getV(h, 3), pat(DATA + 8, 8));
      assert.equal(getV(h, 4), pat(DATA + 16, 16));
      assert.equal(rd(h, DATA + 0x200, 1), 0x00n);
      assert.equal(rd(h, DATA + 0x201, 1), pat(DATA + 0x201, 1));
      assert.equal(rd(h, DATA + 0x202, 2), 0x1100n);
      assert.equal(rd(h, DATA + 0x204, 4), 0x33221100n);
      assert.equal(rd(h, DATA + 0x208), 0x7766554433221100n);
      assert.equal(rd128(h, DATA + 0x210), 0xffeeddccbbaa99887766554433221100n);
    });

    it('unscaled, pre/post-index and register-offset forms', () => {
      const h = setup();
      fillPattern(h);
      setV(h, 9, 0x0f0e0d0c0b0a09080706050403020100n);
      ok(h, [
        'ldur q0, [x1, #-17]', 'ldr d1, [x2, #16]!', 'ldr s2, [x3], #-4', 'ldr h3, [x1, x4, lsl #1]',
        'ldr q4, [x1, x5, lsl #4]', 'ldr b5, [x1, w6, sxtw]', 'str q9, [x7, #-32]!', 'str h9, [x8], #2', 'stur d9, [x1, #0xff]',
      ].join('\n'), { x1: DATA, x2: DATA, x3: DATA, x4: 3, x5: 2, x6: 0xffffffff, x7: DATA + 0x300, x8: DATA + 0x2f0 });
      assert.equal(getV(h, 0), pat(DATA - 17, 16));
      assert.equal(getV(h, 1), pat(DATA + 16, 8)); assert.equal(X(h, 2), BigInt(DATA + 16));
      assert.equal(getV(h, 2), pat(DATA, 4)); assert.equal(X(h, 3), BigInt(DATA - 4));
      assert.equal(getV(h, 3), pat(DATA + 6, 2));
      assert.equal(getV(h, 4), pat(DATA + 32, 16));
      assert.equal(getV(h, 5), pat(DATA - 1, 1));
      assert.equal(rd128(h, DATA + 0x2e0), 0x0f0e0d0c0b0a09080706050403020100n); assert.equal(X(h, 7), BigInt(DATA + 0x2e0));
      assert.equal(rd(h, DATA + 0x2f0, 2), 0x0100n); assert.equal(X(h, 8), BigInt(DATA + 0x2f2));
      assert.equal(rd(h, DATA + 0xff), 0x0706050403020100n);
    });

    it('LDP/STP/LDNP/STNP S, D, Q with writeback', () => {
      const h = setup();
      fillPattern(h);
      setV(h, 10, 0x1111n); setV(h, 11, 0x2222n << 64n);
      ok(h, [
        'ldp s0, s1, [x1, #-8]', 'ldp d2, d3, [x1, #16]!', 'ldp q4, q5, [x2], #-32', 'ldnp q6, q7, [x3, #-1024]',
        'stp q10, q11, [sp, #-32]!', 'stnp d11, d10, [x4, #8]', 'stp s10, s11, [x4], #8',
      ].join('\n'), { x1: DATA, x2: DATA, x3: DATA + 0x300, sp: DATA + 0x400, x4: DATA + 0x380 });
      assert.equal(getV(h, 0), pat(DATA - 8, 4)); assert.equal(getV(h, 1), pat(DATA - 4, 4));
      assert.equal(getV(h, 2), pat(DATA + 16, 8)); assert.equal(getV(h, 3), pat(DATA + 24, 8)); assert.equal(X(h, 1), BigInt(DATA + 16));
      assert.equal(getV(h, 4), pat(DATA, 16)); assert.equal(getV(h, 5), pat(DATA + 16, 16)); assert.equal(X(h, 2), BigInt(DATA - 32));
      assert.equal(getV(h, 6), pat(DATA + 0x300 - 1024, 16)); assert.equal(getV(h, 7), pat(DATA + 0x310 - 1024, 16));
      assert.equal(SP(h), BigInt(DATA + 0x3e0));
      assert.equal(rd128(h, DATA + 0x3e0), 0x1111n); assert.equal(rd128(h, DATA + 0x3f0), 0x2222n << 64n);
      assert.equal(rd(h, DATA + 0x388), 0n); assert.equal(rd(h, DATA + 0x390), 0x1111n);
      assert.equal(rd(h, DATA + 0x380), 0x1111n); // s10 then s11 (0)
      assert.equal(X(h, 4), BigInt(DATA + 0x388));
    });

    it('LDP (SIMD&FP) Rt == Rt2 keeps the second element (QEMU)', () => {
      const h = setup();
      wr(h, DATA, 0x2222222211111111n); wr(h, DATA + 8, 0x4444444433333333n);
      ok(h, 'ldp s0, s0, [x1]\nldp d1, d1, [x1]', { x1: DATA });
      assert.equal(getV(h, 0), 0x22222222n);
      assert.equal(getV(h, 1), 0x4444444433333333n);
    });

    it('CPACR_EL1.FPEN traps SIMD&FP loads and stores before any access or writeback', () => {
      for (const [fpen, trap] of [[0, true], [1, false], [2, true], [3, false]] as [number, boolean][]) {
        const h = setup({ fp: false });
        h.cpu.sys.writeByName('CPACR_EL1', BigInt(fpen) << 20n);
        wr(h, DATA, 0x1234n);
        run(h, 'ldr q0, [x1], #16', { x1: DATA });
        if (trap) {
          const t = taken(h);
          assert.equal(t.ec, 0x07);
          assert.equal(t.iss, 0x1e00000);
          assert.equal(X(h, 1), BigInt(DATA));
        } else {
          noException(h, 1);
          assert.equal(getV(h, 0) & 0xffffn, 0x1234n);
        }
      }
      const h = setup({ fp: false });
      run(h, 'stp q0, q1, [x1, #-32]!', { x1: DATA });
      assert.equal(taken(h).ec, 0x07);
    });

    it('16-byte accesses check 16-byte alignment when alignment checking applies', () => {
      const h = setup();
      h.cpu.sys.writeByName('SCTLR_EL1', h.cpu.sys.sctlr | 2n); // SCTLR.A
      run(h, 'ldr q0, [x1]', { x1: DATA + 8 });
      dataAbort(h, 0, 0x21, DATA + 8, 0);
      const h2 = setup();
      ok(h2, 'ldr q0, [x1]\nstur q0, [x1, #8]', { x1: DATA + 8 }); // SCTLR.A = 0, Normal memory: allowed
    });
  });

  describe('Advanced SIMD structures', () => {
    it('LD1/ST1 multiple structures, 1-4 registers, 8B/16B arrangements', () => {
      const h = setup();
      fillPattern(h);
      for (let i = 0; i < 32; i++) setV(h, i, ONES128);
      ok(h, [
        'ld1 {v0.16b}, [x1]', 'ld1 {v1.8b}, [x1]', 'ld1 {v2.2d, v3.2d}, [x1]', 'ld1 {v4.4h, v5.4h, v6.4h}, [x1]',
        'ld1 {v7.4s, v8.4s, v9.4s, v10.4s}, [x1]', 'ld1 {v31.16b, v0.16b}, [x2]',
      ].join('\n'), { x1: DATA, x2: DATA + 0x80 });
      assert.equal(getV(h, 31), pat(DATA + 0x80, 16));
      assert.equal(getV(h, 0), pat(DATA + 0x90, 16));
      assert.equal(getV(h, 1), pat(DATA, 8));
      assert.equal(getV(h, 2), pat(DATA, 16)); assert.equal(getV(h, 3), pat(DATA + 16, 16));
      assert.equal(getV(h, 4), pat(DATA, 8)); assert.equal(getV(h, 5), pat(DATA + 8, 8)); assert.equal(getV(h, 6), pat(DATA + 16, 8));
      for (let i = 0; i < 4; i++) assert.equal(getV(h, 7 + i), pat(DATA + 16 * i, 16));

      ok(h, 'st1 {v2.2d, v3.2d}, [x1]\nst1 {v4.8b}, [x2]\nst1 {v7.16b, v8.16b, v9.16b}, [x3]', { x1: DATA + 0x200, x2: DATA + 0x220, x3: DATA + 0x240 });
      assert.equal(rd128(h, DATA + 0x200), pat(DATA, 16));
      assert.equal(rd128(h, DATA + 0x210), pat(DATA + 16, 16));
      assert.equal(rd(h, DATA + 0x220), pat(DATA, 8));
      for (let i = 0; i < 3; i++) assert.equal(rd128(h, DATA + 0x240 + 16 * i), pat(DATA + 16 * i, 16));
    });

    it('post-index by the transfer size or by a register', () => {
      const h = setup();
      fillPattern(h);
      ok(h, 'ld1 {v0.16b, v1.16b}, [x1], #32\nld1 {v2.8b}, [x2], x3\nst1 {v0.4s}, [x4], #16\nst1 {v0.2s, v1.2s}, [x5], x6',
        { x1: DATA, x2: DATA, x3: -5n, x4: DATA + 0x200, x5: DATA + 0x220, x6: 0x100 });
      assert.equal(X(h, 1), BigInt(DATA + 32));
      assert.equal(getV(h, 2), pat(DATA, 8)); assert.equal(X(h, 2), BigInt(DATA - 5));
      assert.equal(X(h, 4), BigInt(DATA + 0x210));
      assert.equal(rd(h, DATA + 0x228), pat(DATA + 16, 8));
      assert.equal(X(h, 5), BigInt(DATA + 0x320));
    });

    it('LD2/LD3/LD4 de-interleave and ST2/ST4 interleave', () => {
      const h = setup();
      const bytes = new Uint8Array(64);
      for (let i = 0; i < 64; i++) bytes[i] = i;
      h.mem.writeBytes(DATA, bytes);
      ok(h, 'ld2 {v0.8h, v1.8h}, [x1]\nld3 {v2.4s, v3.4s, v4.4s}, [x1]\nld4 {v5.8b, v6.8b, v7.8b, v8.8b}, [x1]', { x1: DATA });
      const lanes = (vals: number[], bytesPer: number) => vals.reduce((acc, v, i) => acc | (BigInt(v) << BigInt(8 * bytesPer * i)), 0n);
      // v0 = halfwords 0, 2, 4, ...; v1 = 1, 3, 5, ...
      assert.equal(getV(h, 0), lanes([0, 2, 4, 6, 8, 10, 12, 14].map(k => (2 * k) | ((2 * k + 1) << 8)), 2));
      assert.equal(getV(h, 1), lanes([1, 3, 5, 7, 9, 11, 13, 15].map(k => (2 * k) | ((2 * k + 1) << 8)), 2));
      const word = (k: number) => (4 * k) | ((4 * k + 1) << 8) | ((4 * k + 2) << 16) | ((4 * k + 3) * 2 ** 24);
      assert.equal(getV(h, 2), lanes([0, 3, 6, 9].map(word), 4));
      assert.equal(getV(h, 4), lanes([2, 5, 8, 11].map(word), 4));
      assert.equal(getV(h, 5), lanes([0, 4, 8, 12, 16, 20, 24, 28], 1));
      assert.equal(getV(h, 8), lanes([3, 7, 11, 15, 19, 23, 27, 31], 1));
      ok(h, 'st2 {v0.8h, v1.8h}, [x1]\nst4 {v5.8b, v6.8b, v7.8b, v8.8b}, [x2]', { x1: DATA + 0x100, x2: DATA + 0x200 });
      assert.deepEqual([...h.mem.readBytes(DATA + 0x100, 32)!], [...bytes.subarray(0, 32)]);
      assert.deepEqual([...h.mem.readBytes(DATA + 0x200, 32)!], [...bytes.subarray(0, 32)]);
    });

    it('LD1/ST1 single lane, LD1R/LD2R replicate, LD4 single structure', () => {
      const h = setup();
      fillPattern(h);
      setV(h, 0, 0x0f0e0d0c0b0a09080706050403020100n);
      setV(h, 1, 0x0f0e0d0c0b0a09080706050403020100n);
      setV(h, 2, ONES128); setV(h, 3, ONES128);
      ok(h, 'ld1 {v0.s}[2], [x1]\nld1 {v1.d}[1], [x1], #8\nld1r {v2.4s}, [x2]\nld1r {v3.8b}, [x2]\nst1 {v0.b}[15], [x3]\nst1 {v0.h}[3], [x5]\nld2r {v4.2d, v5.2d}, [x2]\nld4 {v6.b, v7.b, v8.b, v9.b}[5], [x2], x4',
        { x1: DATA, x2: DATA + 0x40, x3: DATA + 0x200, x4: 3, x5: DATA + 0x208 });
      const w = pat(DATA, 4), d = pat(DATA, 8);
      assert.equal(getV(h, 0), (0x0f0e0d0c0b0a09080706050403020100n & ~(0xffffffffn << 64n)) | (w << 64n));
      assert.equal(getV(h, 1), (d << 64n) | 0x0706050403020100n);
      assert.equal(X(h, 1), BigInt(DATA + 8));
      const r4 = pat(DATA + 0x40, 4);
      assert.equal(getV(h, 2), r4 | (r4 << 32n) | (r4 << 64n) | (r4 << 96n));
      const b = pat(DATA + 0x40, 1);
      assert.equal(getV(h, 3), [...Array(8).keys()].reduce((a, i) => a | (b << BigInt(8 * i)), 0n));
      assert.equal(rd(h, DATA + 0x200, 1), 0x0fn);
      assert.equal(rd(h, DATA + 0x208, 2), 0x0706n);
      const d0 = pat(DATA + 0x40, 8), d1 = pat(DATA + 0x48, 8);
      assert.equal(getV(h, 4), d0 | (d0 << 64n));
      assert.equal(getV(h, 5), d1 | (d1 << 64n));
      for (let k = 0; k < 4; k++) assert.equal((getV(h, 6 + k) >> 40n) & 0xffn, pat(DATA + 0x40 + k, 1));
      assert.equal(X(h, 2), BigInt(DATA + 0x43));
    });

    it('a fault part-way leaves the vector registers and the base unchanged', () => {
      const h = setup();
      for (let i = 0; i < 4; i++) setV(h, i, BigInt(i + 1));
      const end = RAM_BASE + 0x4000000;
      run(h, 'ld1 {v0.16b-v3.16b}, [x1], #64', { x1: end - 32 });
      dataAbort(h, 0, 0x10, end, 0);
      for (let i = 0; i < 4; i++) assert.equal(getV(h, i), BigInt(i + 1));
      assert.equal(X(h, 1), BigInt(end - 32));
    });
  });

  describe('UNDEFINED encodings', () => {
    const patch = (src: string, clear: number, set: number) => ((asm(PRE + src)[0] & ~clear) | set) >>> 0;
    const cases: [string, number][] = [
      ['LDR (register) option 000', patch('ldr x0, [x1, x2]', 7 << 13, 0)],
      ['STRB (register) option 100', patch('strb w0, [x1, x2]', 7 << 13, 4 << 13)],
      ['PRFM pre-index', patch('ldr x0, [x1, #8]!', 3 << 22, 2 << 22)],
      ['PRFM post-index', patch('ldr x0, [x1], #8', 3 << 22, 2 << 22)],
      ['LDRSW pre-index opc 11', patch('ldrsw x0, [x1, #8]!', 3 << 22, 3 << 22)],
      ['LDRSW unsigned opc 11', patch('ldrsw x0, [x1]', 3 << 22, 3 << 22)],
      ['LDR X unscaled opc 11', patch('ldur x0, [x1]', 3 << 22, 3 << 22)],
      ['LDTR X opc 10', patch('ldtr x0, [x1]', 3 << 22, 2 << 22)],
      ['LDTRSW opc 11', patch('ldtrsw x0, [x1]', 3 << 22, 3 << 22)],
      ['LDTR (SIMD&FP)', patch('ldtr x0, [x1]', 0, 1 << 26)],
      ['LDRAA (FEAT_PAuth)', patch('ldr x0, [x1, x2]', 0xfc00, 0x0400)],
      ['LDR Q with size != 0', patch('ldr q0, [x1]', 0, 1 << 30)],
      ['LDUR Q with size != 0', patch('ldur q0, [x1]', 0, 2 << 30)],
      ['LDPSW no-allocate', patch('ldnp w0, w1, [x2]', 3 << 30, 1 << 30)],
      ['STGP (FEAT_MTE)', patch('stp w0, w1, [x2]', 3 << 30, 1 << 30)],
      ['LDP opc 11 (FEAT_LSUI)', patch('ldp w0, w1, [x2]', 3 << 30, 3 << 30)],
      ['LDP (SIMD&FP) opc 11', patch('ldp s0, s1, [x2]', 3 << 30, 3 << 30)],
      ['LDR (literal, SIMD&FP) opc 11', patch('ldr s0, .', 3 << 30, 3 << 30)],
      ['LDAPR with A = 0', patch('ldapr x0, [x1]', 1 << 23, 0)],
      ['LDAPR with R = 1', patch('ldapr x0, [x1]', 0, 1 << 22)],
      ['RCWCLR (FEAT_THE)', patch('swp x0, x1, [x2]', 7 << 12, 1 << 12)],
      ['atomic with o3 = 1, opc 101', patch('swp x0, x1, [x2]', 7 << 12, 5 << 12)],
      ['atomics (SIMD&FP)', patch('ldadd x0, x1, [x2]', 0, 1 << 26)],
      ['STG (FEAT_MTE)', 0xd9200820],
      ['LDAPURSW opc 11', patch('ldapursw x0, [x1]', 3 << 22, 3 << 22)],
      ['LDAPUR X opc 10', patch('ldapur x0, [x1]', 3 << 22, 2 << 22)],
      ['LRCPC2 space with bits 11:10 = 01 (MOPS)', patch('stlur x0, [x1]', 0, 1 << 10)],
      ['LRCPC2 space with bits 11:10 = 10 (LRCPC3)', patch('stlur x0, [x1]', 0, 2 << 10)],
      ['CAS with Rt2 != 31', patch('casal w0, w1, [x2]', 1 << 14, 0)],
      ['exclusives group with bit 24 set (FEAT_LSUI/LSE128)', patch('ldxr x0, [x1]', 0, 1 << 24)],
      ['LD1 multiple, bit 21 set', patch('ld1 {v0.16b}, [x0]', 0, 1 << 21)],
      ['LD1 multiple, Rm != 0 without post-index', patch('ld1 {v0.16b}, [x0]', 0, 1 << 16)],
      ['LD/ST multiple opcode 0001', patch('ld1 {v0.16b}, [x0]', 0xf << 12, 1 << 12)],
      ['LD/ST multiple opcode 11xx', patch('ld1 {v0.16b}, [x0]', 0xf << 12, 0xc << 12)],
      ['LD2 .1d (size 11, Q 0)', patch('ld2 {v0.2s, v1.2s}, [x0]', 3 << 10, 3 << 10)],
      ['ST1R (L = 0)', patch('ld1r {v0.4s}, [x0]', 1 << 22, 0)],
      ['LD1 single .d with S = 1', patch('ld1 {v0.d}[1], [x0]', 0, 1 << 12)],
      ['LD1 single .h with size<0> = 1', patch('ld1 {v0.h}[1], [x0]', 0, 1 << 10)],
      ['LD1R with S = 1', patch('ld1r {v0.4s}, [x0]', 0, 1 << 12)],
      ['LD1 single without post-index, Rm != 0', patch('ld1 {v0.s}[1], [x0]', 0, 1 << 17)],
      ['LDAP1 (FEAT_LRCPC3)', patch('ld1 {v0.d}[1], [x0]', 0, 1 << 16)],
      ['AdvSIMD structures with bit 31 set', patch('ld1 {v0.16b}, [x0]', 0, 1 << 31)],
    ];
    for (const [name, word] of cases) it(name, () => undef(setup(), word));
  });

  describe('with the MMU off (Device-nGnRnE)', () => {
    it('aligned accesses work; misaligned ones take alignment faults', () => {
      const h = setup({ mmu: false });
      wr(h, DATA, 0x1122334455667788n);
      ok(h, 'ldr x0, [x1]\nldp w2, w3, [x1]\nldxr x4, [x1]\nstxr w5, x4, [x1]\nldr q0, [x1]', { x1: DATA });
      assert.equal(X(h, 0), 0x1122334455667788n);
      assert.equal(X(h, 3), 0x11223344n);
      assert.equal(X(h, 5), 0n);
      run(h, 'ldr w0, [x1, #2]', { x1: DATA });
      dataAbort(h, 0, 0x21, DATA + 2, 0);
      const h2 = setup({ mmu: false });
      run(h2, 'ldr q0, [x1]', { x1: DATA + 8 });
      dataAbort(h2, 0, 0x21, DATA + 8, 0);
    });
  });
});

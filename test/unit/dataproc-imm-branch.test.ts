// Data processing (immediate) and branches: results and the UNDEFINED encodings of each class.
// (Random operands are compared with QEMU in test/diff; these pin down the edge cases.)
import { strict as assert } from 'assert';
import { makeCpu, writeWords, RAM_BASE, Harness } from '../support/harness';
import { asm } from '../support/asm';

function exec(src: string, n?: number, init?: (h: Harness) => void): Harness {
  const h = makeCpu();
  const words = asm(src);
  writeWords(h.mem, RAM_BASE, words);
  h.cpu.sys.writeByName('VBAR_EL1', BigInt(RAM_BASE + 0x10000));
  init?.(h);
  h.cpu.run(n ?? words.length);
  return h;
}
const x = (h: Harness, n: number) => h.cpu.getX(n);
const undef = (word: number) => {
  const h = makeCpu();
  writeWords(h.mem, RAM_BASE, [word >>> 0]);
  h.cpu.sys.writeByName('VBAR_EL1', BigInt(RAM_BASE + 0x10000));
  h.cpu.run(1);
  return Number(h.cpu.sys.esr >> 26n) === 0 && h.cpu.getPC() === BigInt(RAM_BASE + 0x10200);
};

describe('data processing (immediate)', () => {
  it('ADR and ADRP are PC-relative, with negative offsets and page alignment', () => {
    // ADRP is hand-encoded: in an object file the assembler leaves it to a relocation.
    const h = exec('nop\nadr x0, .-4\nadr x1, .+0xffffc\n.inst 0xf0000002 // adrp x2, +3 pages\n.inst 0x90fff803 // adrp x3, -256 pages');
    assert.equal(x(h, 0), BigInt(RAM_BASE));
    assert.equal(x(h, 1), BigInt(RAM_BASE + 8 + 0xffffc));
    assert.equal(x(h, 2), BigInt(RAM_BASE + 0x3000));
    assert.equal(x(h, 3), BigInt(RAM_BASE - 0x100000));
  });

  it('MOVZ/MOVN/MOVK build 64-bit constants; 32-bit forms zero the top half', () => {
    const h = exec('movz x0, #0x1234, lsl #48\nmovk x0, #0xbeef\nmovn x1, #0\nmovn w2, #0\nmovk w2, #1, lsl #16\nmov x3, #-2');
    assert.equal(x(h, 0), 0x123400000000beefn);
    assert.equal(x(h, 1), 0xffffffffffffffffn);
    assert.equal(x(h, 2), 0x0001ffffn);
    assert.equal(x(h, 3), 0xfffffffffffffffen);
  });

  it('logical immediates decode every element size; ANDS sets N and Z and clears C and V', () => {
    const h = exec('mov x9, #-1\nand x0, x9, #0x5555555555555555\norr w1, wzr, #0xff00ff00\neor x2, x9, #0x8000000000000000\nmov x10, #1\ncmp x10, #0\nands x3, x9, #0xc000000000000000', 7);
    assert.equal(x(h, 0), 0x5555555555555555n);
    assert.equal(x(h, 1), 0xff00ff00n);
    assert.equal(x(h, 2), 0x7fffffffffffffffn);
    assert.equal(x(h, 3), 0xc000000000000000n);
    assert.deepEqual([h.cpu.nf, h.cpu.zf, h.cpu.cf, h.cpu.vf], [1, 0, 0, 0]);
  });

  it('ADD/SUB immediate use SP for register 31 except in flag-setting destinations', () => {
    const h = exec('mov x0, #0x1000\nmov sp, x0\nadd sp, sp, #0x10\nsub x1, sp, #1, lsl #12\ncmn sp, #0x10', 5);
    assert.equal(h.cpu.getSP(), 0x1010n);
    assert.equal(x(h, 1), 0x10n);
    assert.equal(h.cpu.zf, 0);
  });

  it('bitfield aliases: UBFX, SBFX, BFI, BFXIL, LSL, ASR, SXTW', () => {
    const h = exec([
      'movz x9, #0x8765, lsl #16', 'movk x9, #0x4321',
      'ubfx x0, x9, #8, #16', 'sbfx x1, x9, #24, #8', 'mov x2, #-1', 'bfi x2, x9, #4, #8',
      'mov x3, #0', 'bfxil x3, x9, #28, #4', 'lsl x4, x9, #40', 'asr w5, w9, #28', 'sxtw x6, w9',
    ].join('\n'));
    assert.equal(x(h, 0), 0x6543n);
    assert.equal(x(h, 1), 0xffffffffffffff87n);
    assert.equal(x(h, 2), 0xfffffffffffff21fn);
    assert.equal(x(h, 3), 0x8n);
    assert.equal(x(h, 4), 0x6543210000000000n);
    assert.equal(x(h, 5), 0xfffffff8n);
    assert.equal(x(h, 6), 0xffffffff87654321n);
  });

  it('EXTR and ROR (immediate)', () => {
    const h = exec('movz x1, #0x1111\nmovz x2, #0x2222\nextr x0, x1, x2, #16\nror w3, w2, #4\nextr x4, x1, x2, #0');
    assert.equal(x(h, 0), 0x1111000000000000n);
    assert.equal(x(h, 3), 0x20000222n);
    assert.equal(x(h, 4), 0x2222n);
  });

  it('reserved encodings are UNDEFINED', () => {
    assert.ok(undef(0x12800000 | (1 << 22)), 'logical imm, 32-bit with N=1');
    assert.ok(undef(0x92400000 | (0x3f << 10)), 'logical imm, all-ones element (imms=111111, N=1)');
    assert.ok(undef(0x12e00000), 'MOVN 32-bit with hw=2 (opc=00)') ;
    assert.ok(undef(0x33000000 | (1 << 22)), 'BFM 32-bit with N=1');
    assert.ok(undef(0x13000000 | (0x20 << 10)), 'SBFM 32-bit with imms bit 5 set');
    assert.ok(undef(0x73000000), 'bitfield opc=11');
    assert.ok(undef(0x13800000 | (0x20 << 10)), 'EXTR 32-bit with lsb >= 32');
    assert.ok(undef(0x91800000), 'add/sub with tags (FEAT_MTE)');
    assert.ok(undef(0x32000000 | (0x1f << 10) | (0x3f << 16) & 0), 'logical 32-bit, imms=011111 (all-ones element)');
  });
});

describe('branches', () => {
  it('B, BL, BR, BLR and RET', () => {
    const h = exec('bl 1f\nmov x1, #1\nb 2f\n1: mov x2, x30\nret\n2: adr x3, 3f\nblr x3\nb .\n3: mov x4, x30\nbr x30', 10);
    assert.equal(x(h, 1), 1n);
    assert.equal(x(h, 2), BigInt(RAM_BASE + 4));
    assert.equal(x(h, 4), BigInt(RAM_BASE + 28));
    assert.equal(h.cpu.getPC(), BigInt(RAM_BASE + 28));
  });

  it('BLR x30 branches to the old x30', () => {
    const h = exec('adr x30, 1f\nblr x30\nnop\n1: nop', 3);
    assert.equal(h.cpu.getPC(), BigInt(RAM_BASE + 16));
    assert.equal(x(h, 30), BigInt(RAM_BASE + 8));
  });

  it('B.cond evaluates all conditions; CBZ/CBNZ 32-bit ignore the top half; TBZ/TBNZ test bits above 31', () => {
    const h = exec([
      'mov x0, #0', 'movk x0, #1, lsl #32',
      'cbz w0, 1f', 'mov x1, #1', '1: cbnz x0, 2f', 'mov x2, #1',
      '2: tbnz x0, #32, 3f', 'mov x3, #1', '3: tbz x0, #33, 4f', 'mov x4, #1',
      '4: cmp x0, #0', 'b.hi 5f', 'mov x5, #1', '5: b.le 6f', 'mov x6, #1', '6: nop',
    ].join('\n'), 12);
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(n => x(h, n)), [0n, 0n, 0n, 0n, 0n, 1n]);
  });

  it('BC.cond (FEAT_HBC) and PAuth branches are UNDEFINED', () => {
    assert.ok(undef(0x54000010), 'BC.EQ');
    assert.ok(undef(0xd61f0800), 'BRAAZ');
    assert.ok(undef(0xd65f0bff), 'RETAA');
    assert.ok(undef(0xd6bf03e0), 'DRPS');
  });
});

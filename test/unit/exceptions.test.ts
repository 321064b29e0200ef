// Exception entry and return, system registers and system instructions, checked against the
// Arm ARM's rules (vector offsets, ESR/ELR/SPSR/FAR contents, PSTATE changes).
import { strict as assert } from 'assert';
import { makeCpu, writeWords, RAM_BASE, enableIdentityMmu, Harness } from '../support/harness';
import { asm } from '../support/asm';

const VBAR = RAM_BASE + 0x10000;

/** Loads `src` at RAM_BASE, a vector table at VBAR whose every entry is `b .` (so the PC shows
 *  which vector was taken), and runs `n` instructions. */
function run(src: string, n: number, setup?: (h: Harness) => void): Harness {
  const h = makeCpu();
  const code = asm(src);
  writeWords(h.mem, RAM_BASE, code);
  const loop = asm('b .')[0];
  writeWords(h.mem, VBAR, new Array(0x800 / 4).fill(loop));
  h.cpu.sys.writeByName('VBAR_EL1', BigInt(VBAR));
  setup?.(h);
  h.cpu.run(n);
  return h;
}

const esr = (h: Harness) => Number(h.cpu.sys.esr);
const ec = (h: Harness) => esr(h) >>> 26;
const pc = (h: Harness) => Number(h.cpu.getPC());

describe('exceptions', () => {
  it('SVC from EL1h goes to VBAR+0x200 with ESR EC=0x15, imm16, IL=1 and ELR = next instruction', () => {
    const h = run('mov x0, #1\nsvc #0x1234', 3);
    assert.equal(pc(h), VBAR + 0x200);
    assert.equal(esr(h), (0x15 << 26) | (1 << 25) | 0x1234);
    assert.equal(Number(h.cpu.sys.elr), RAM_BASE + 8);
    assert.equal(h.cpu.el, 1);
    assert.equal(h.cpu.daif, 0xf);
  });

  it('SPSR_EL1 holds NZCV, DAIF and the mode at exception entry', () => {
    const h = run('msr daifclr, #0xf\ncmp x0, x0\nmsr spsel, #0\nbrk #7', 5);
    assert.equal(pc(h), VBAR + 0x000, 'EL1t (SP_EL0) uses the current-EL-SP0 vectors');
    const spsr = Number(h.cpu.sys.spsr);
    assert.equal(spsr >>> 28, 0b0110, 'Z and C set by cmp x0, x0');
    assert.equal((spsr >>> 6) & 0xf, 0, 'DAIF were clear');
    assert.equal(spsr & 0x1f, 0b00100, 'EL1t');
    assert.equal(ec(h), 0x3c);
    assert.equal(esr(h) & 0xffff, 7);
    assert.equal(Number(h.cpu.sys.elr), RAM_BASE + 12, 'BRK returns to itself');
  });

  it('an UNDEFINED encoding raises EC=0 with IL=1 and ELR at the instruction', () => {
    const h = run('nop\n.inst 0x00000000', 3);
    assert.equal(pc(h), VBAR + 0x200);
    assert.equal(esr(h), 1 << 25);
    assert.equal(Number(h.cpu.sys.elr), RAM_BASE + 4);
  });

  it('unallocated top-level groups (op0 = 0001, 0010, 0011) are UNDEFINED', () => {
    for (const w of [0x02000000, 0x04000000, 0x06000000, 0x85800000 & 0x7fffffff]) {
      const h = makeCpu();
      writeWords(h.mem, RAM_BASE, [w >>> 0]);
      h.cpu.sys.writeByName('VBAR_EL1', BigInt(VBAR));
      h.cpu.run(1);
      if (((w >>> 25) & 0xf) <= 3) {
        assert.equal(Number(h.cpu.sys.esr) >>> 26, 0, `0x${w.toString(16)}`);
        assert.equal(pc(h), VBAR + 0x200);
      }
    }
  });

  it('ERET to EL0 and SVC back uses the lower-EL vectors (0x400) and banks SP', () => {
    const src = [
      'mov x0, #0', 'msr spsr_el1, x0',          // EL0t, DAIF clear
      'adr x1, 1f', 'msr elr_el1, x1',
      'mov x2, #0x1000', 'msr sp_el0, x2',
      'mov sp, #0x2000',
      'eret',
      '1: mov x3, sp', 'svc #5',
    ].join('\n');
    const h = run(src, 10, h0 => enableIdentityMmu(h0, 'shared-code'));
    assert.equal(pc(h), VBAR + 0x400);
    assert.equal(Number(h.cpu.getX(3)), 0x1000, 'EL0 sees SP_EL0');
    assert.equal(Number(h.cpu.getSP()), 0x2000, 'EL1h SP restored');
    assert.equal(ec(h), 0x15);
    assert.equal(Number(h.cpu.sys.spsr) & 0x1f, 0, 'came from EL0t');
  });

  it('an illegal exception return sets PSTATE.IL and the next instruction takes EC=0x0E', () => {
    const src = ['mov x0, #0x9', 'msr spsr_el1, x0', 'adr x1, 1f', 'msr elr_el1, x1', 'eret', '1: nop'].join('\n');
    const h = run(src, 7);
    assert.equal(ec(h), 0x0e);
    assert.equal(Number(h.cpu.sys.elr), RAM_BASE + 20);
    assert.equal((Number(h.cpu.sys.spsr) >>> 20) & 1, 1, 'SPSR.IL set');
    assert.equal(h.cpu.el, 1);
  });

  it('a misaligned PC raises a PC alignment fault (EC=0x22) with FAR = the PC', () => {
    const h = run('mov x0, #0x40000000\nadd x0, x0, #2\nbr x0', 4);
    assert.equal(ec(h), 0x22);
    assert.equal(Number(h.cpu.sys.far), RAM_BASE + 2);
    assert.equal(Number(h.cpu.sys.elr), RAM_BASE + 2);
  });

  it('a load from nothing is a synchronous external abort (DFSC 0x10, ISV=0) with FAR set', () => {
    const h = run('mov x1, #0x0c000000\nldr w5, [x1, #8]', 3);
    assert.equal(ec(h), 0x25);
    const iss = esr(h) & 0x1ffffff;
    assert.equal(iss & 0x3f, 0x10);
    assert.equal(Number(h.cpu.sys.far), 0x0c000008);
  });

  it('a misaligned load with the MMU off is an alignment fault (Device-nGnRnE)', () => {
    const h = run('mov x1, #0x40000000\nadd x1, x1, #0x101\nldr x2, [x1]', 4);
    assert.equal(ec(h), 0x25);
    assert.equal(esr(h) & 0x3f, 0x21);
    assert.equal(Number(h.cpu.sys.far), RAM_BASE + 0x101);
  });

  it('the same load with the MMU on (Normal memory) succeeds', () => {
    const h = run('mov x1, #0x40000000\nadd x1, x1, #0x101\nldr x2, [x1]', 3, h0 => enableIdentityMmu(h0, false));
    assert.equal(pc(h), RAM_BASE + 12);
  });

  it('IRQ is taken at VBAR+0x280 when unmasked and not when masked', () => {
    const h = run('nop\nnop\nmsr daifclr, #2\nnop\nnop', 2);
    h.cpu.setIrqLines(true, false);
    h.cpu.run(1);
    assert.equal(pc(h), RAM_BASE + 12, 'masked while the MSR executes');
    h.cpu.run(1);
    assert.equal(pc(h), VBAR + 0x280);
    assert.equal(Number(h.cpu.sys.elr), RAM_BASE + 12);
    assert.equal(Number(h.cpu.sys.spsr) & 0x3c0, 0x340, 'SPSR has D, A and F set, I clear');
  });

  it('WFI idles until an interrupt is pending, even a masked one', () => {
    const h = run('wfi\nnop', 5);
    assert.equal(h.cpu.waitingForInterrupt, true);
    assert.equal(pc(h), RAM_BASE + 4);
    assert.equal(h.cpu.run(5), 'wfi');
    h.cpu.setIrqLines(true, false);
    h.cpu.run(1);
    assert.equal(h.cpu.waitingForInterrupt, false);
    assert.equal(pc(h), RAM_BASE + 8);
  });

  it('HVC without a PSCI handler and SMC are UNDEFINED at EL1', () => {
    assert.equal(ec(run('hvc #0', 1)), 0);
    assert.equal(ec(run('smc #0', 1)), 0);
  });

  it('HLT #0xF000 without semihosting and other HLT immediates are UNDEFINED', () => {
    assert.equal(ec(run('hlt #0xf000', 1)), 0);
    assert.equal(ec(run('hlt #1', 1)), 0);
  });

  it('SIMD/FP with CPACR_EL1.FPEN=0 traps with EC=0x07', () => {
    const h = run('fmov d0, xzr', 1);
    assert.equal(ec(h), 0x07);
    const h2 = run('mov x0, #(3 << 20)\nmsr cpacr_el1, x0\nfmov d0, xzr', 3);
    assert.equal(pc(h2), RAM_BASE + 12);
  });
});

describe('system registers', () => {
  it('MRS of an unknown register is UNDEFINED; unallocated ID space reads as zero', () => {
    assert.equal(ec(run('mrs x0, s3_0_c15_c15_7', 1)), 0);
    const h = run('mov x0, #1\nmrs x0, s3_0_c0_c7_7', 2);
    assert.equal(h.cpu.getX(0), 0n);
    assert.equal(pc(h), RAM_BASE + 8);
  });

  it('ID registers describe the implemented features', () => {
    const h = run('mrs x0, id_aa64isar0_el1\nmrs x1, id_aa64pfr0_el1\nmrs x2, id_aa64mmfr1_el1\nmrs x3, midr_el1\nmrs x4, currentel', 5);
    assert.equal((h.cpu.getX(0) >> 20n) & 0xfn, 2n, 'LSE atomics');
    assert.equal((h.cpu.getX(0) >> 16n) & 0xfn, 1n, 'CRC32');
    assert.equal((h.cpu.getX(1) >> 24n) & 0xfn, 1n, 'GIC system registers');
    assert.equal(h.cpu.getX(1) & 0xfn, 1n, 'EL0 AArch64 only');
    assert.equal((h.cpu.getX(2) >> 20n) & 0xfn, 1n, 'PAN');
    assert.equal(h.cpu.getX(4), 4n, 'CurrentEL = EL1');
  });

  it('writing a read-only register is UNDEFINED', () => {
    assert.equal(ec(run('msr midr_el1, x0', 1)), 0);
  });

  it('EL0 access to an EL1 register is UNDEFINED; CNTVCT traps with EC=0x18 unless CNTKCTL allows it', () => {
    const toEl0 = (body: string) => ['mov x0, #0', 'msr spsr_el1, x0', 'adr x1, 1f', 'msr elr_el1, x1', 'eret', '1: ' + body].join('\n');
    const h = run(toEl0('mrs x5, sctlr_el1'), 6, h0 => enableIdentityMmu(h0, 'shared-code'));
    assert.equal(ec(h), 0);
    const h2 = run(toEl0('mrs x5, cntvct_el0'), 6, h0 => enableIdentityMmu(h0, 'shared-code'));
    assert.equal(ec(h2), 0x18);
    // ISS: Op0=3, Op2=2, Op1=3, CRn=14, Rt=5, CRm=0, read
    assert.equal(esr(h2) & 0x1ffffff, (3 << 20) | (2 << 17) | (3 << 14) | (14 << 10) | (5 << 5) | 1);
    const h3 = run('mov x9, #2\nmsr cntkctl_el1, x9\n' + toEl0('mrs x5, cntvct_el0\nnop'), 10, h0 => enableIdentityMmu(h0, 'shared-code'));
    assert.notEqual(ec(h3), 0x18);
  });

  it('NZCV, DAIF, SPSel and CurrentEL reflect PSTATE', () => {
    const h = run('cmp x0, #1\nmrs x0, nzcv\nmsr daifset, #3\nmrs x1, daif\nmrs x2, spsel', 5);
    assert.equal(h.cpu.getX(0), 0x80000000n);
    assert.equal(h.cpu.getX(1), 0x3c0n); // reset DAIF=0xf stays 0xf
    assert.equal(h.cpu.getX(2), 1n);
  });

  it('DC ZVA zeroes a 64-byte block', () => {
    const h = run('mov x1, #0x40000000\nadd x1, x1, #0x2000\nadd x1, x1, #0x10\ndc zva, x1', 4, h0 => {
      h0.mem.writeBytes(RAM_BASE + 0x1ff8, new Uint8Array(80).fill(0xaa));
      enableIdentityMmu(h0, false);
    });
    const b = h.mem.readBytes(RAM_BASE + 0x1ff8, 80)!;
    assert.equal(b[7], 0xaa);
    for (let i = 8; i < 72; i++) assert.equal(b[i], 0, `byte ${i}`);
    assert.equal(b[72], 0xaa);
  });

  it('AT S1E1R fills PAR_EL1 with the PA and attributes, or the fault', () => {
    const h = run('mov x1, #0x40000000\nadd x1, x1, #0x123\nat s1e1r, x1\nmrs x2, par_el1\nmov x3, #0x80000000\nlsl x3, x3, #8\nat s1e1r, x3\nmrs x4, par_el1', 8, h0 => enableIdentityMmu(h0, false));
    const par = h.cpu.getX(2);
    assert.equal(par & 1n, 0n);
    assert.equal(par & 0xfffffffff000n, 0x40000000n);
    assert.equal(par >> 56n, 0xffn, 'MAIR attr1 = 0xff');
    const fault = h.cpu.getX(4);
    assert.equal(fault & 1n, 1n);
    assert.equal((fault >> 1n) & 0x3fn, 0x04n, 'translation fault, level 0 (outside the 39-bit range)');
  });
});

describe('SP alignment checking', () => {
  it('SCTLR_EL1.SA=1 makes a load with a misaligned SP base fault with EC=0x26', () => {
    const h = run('mov x0, #0x40000000\nadd x0, x0, #0x108\nmov sp, x0\nmrs x1, sctlr_el1\norr x1, x1, #8\nmsr sctlr_el1, x1\nldr x2, [sp]', 7);
    assert.equal(ec(h), 0x26);
    assert.equal(Number(h.cpu.sys.elr), RAM_BASE + 24);
  });
  it('with SA=0 the same load succeeds, and aligned SP never faults', () => {
    const h = run('mov x0, #0x40000000\nadd x0, x0, #0x108\nmov sp, x0\nldr x2, [sp]', 4);
    assert.equal(pc(h), RAM_BASE + 16);
    const h2 = run('mov x0, #0x40000000\nadd x0, x0, #0x100\nmov sp, x0\nmrs x1, sctlr_el1\norr x1, x1, #8\nmsr sctlr_el1, x1\nldr x2, [sp]', 7);
    assert.equal(pc(h2), RAM_BASE + 28);
  });
});

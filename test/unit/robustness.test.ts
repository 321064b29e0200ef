// Bad input never escapes the emulator: random instruction words either execute or raise an
// exception in the guest (never a JavaScript exception), at EL1 and at EL0, with the MMU off and on.
import { strict as assert } from 'assert';
import { makeCpu, writeWords, RAM_BASE, enableIdentityMmu, Harness } from '../support/harness';
import { GUEST_EXCEPTION } from '../../emulator/cpu/Cpu';

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

const VBAR = RAM_BASE + 0x20000;

function fresh(mmu: boolean, el0: boolean): Harness {
  const h = makeCpu();
  if (mmu) enableIdentityMmu(h, el0 ? 'shared-code' : false);
  h.cpu.sys.writeByName('VBAR_EL1', BigInt(VBAR));
  h.cpu.sys.writeByName('CPACR_EL1', 3n << 20n);
  return h;
}

/** Executes `words` one at a time from a fresh-ish state; returns how many took an exception. */
function sweep(words: number[], mmu: boolean, el0: boolean, seed: number): { exceptions: number; errors: string[] } {
  const rnd = xorshift(seed);
  let h = fresh(mmu, el0);
  let exceptions = 0;
  const errors: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (i % 500 === 0) h = fresh(mmu, el0);
    const cpu = h.cpu;
    // Registers point into RAM about half the time, so loads and stores hit memory and faults alike.
    for (let r = 0; r < 31; r++) {
      const v = rnd();
      cpu.r[2 * r] = (rnd() & 1) ? (RAM_BASE + (v & 0x3ffff8)) | 0 : v | 0;
      cpu.r[2 * r + 1] = (rnd() & 3) === 0 ? rnd() | 0 : 0;
    }
    cpu.r[64] = (RAM_BASE + 0x100000) | 0; cpu.r[65] = 0;
    cpu.el = el0 ? 0 : 1;
    writeWords(h.mem, RAM_BASE, [words[i]]);
    cpu.setPC(BigInt(RAM_BASE));
    cpu.invalidateFetch();
    const before = cpu.sys.esr;
    cpu.sys.esr = 0xdeadn;
    try {
      cpu.run(1);
    } catch (e) {
      errors.push(`0x${(words[i] >>> 0).toString(16).padStart(8, '0')}: ${e === GUEST_EXCEPTION ? 'escaped guest exception' : (e as Error).stack}`);
      if (errors.length > 10) break;
    }
    if (cpu.sys.esr !== 0xdeadn) exceptions++;
    void before;
    // Put back what a random MSR may have broken so the next word starts sane.
    if (cpu.el !== 0 && cpu.el !== 1) errors.push(`bad EL ${cpu.el}`);
    cpu.stopRequested = undefined;
    cpu.waitingForInterrupt = false;
  }
  return { exceptions, errors };
}

describe('robustness: random instruction words', () => {
  const N = Number(process.env.REALMSCOPE_SWEEP_COUNT ?? 20000);

  for (const [mmu, el0] of [[false, false], [true, false], [true, true]] as const) {
    it(`${N} random words never throw (MMU ${mmu ? 'on' : 'off'}, EL${el0 ? 0 : 1})`, () => {
      const rnd = xorshift(0xc0ffee + (mmu ? 1 : 0) + (el0 ? 2 : 0));
      const words = Array.from({ length: N }, () => rnd());
      const res = sweep(words, mmu, el0, 99);
      assert.deepEqual(res.errors, []);
      assert.ok(res.exceptions > N / 10, `expected many UNDEFINED/abort exceptions, got ${res.exceptions}`);
    });
  }

  it('every top-level encoding group with random low bits never throws', () => {
    const rnd = xorshift(7);
    const words: number[] = [];
    for (let op0 = 0; op0 < 16; op0++) for (let k = 0; k < 1500; k++) words.push(((rnd() & ~(0xf << 25)) | (op0 << 25)) >>> 0);
    const res = sweep(words, true, false, 5);
    assert.deepEqual(res.errors, []);
  });
});

// A64 Data Processing -- Register: every class checked against an independent BigInt reference
// model written from the Arm ARM pseudocode (AddWithCarry, ShiftReg, ExtendReg, Poly32Mod2, ...),
// with edge values and seeded random values, plus hand-checked cases and UNDEFINED encodings.

import assert from 'node:assert/strict';
import { makeCpu, writeWords, RAM_BASE, Harness } from '../support/harness';
import { asm } from '../support/asm';

// ---------- reference model ----------

const M64 = (1n << 64n) - 1n;
const mask = (v: bigint, n: number): bigint => v & ((1n << BigInt(n)) - 1n);
const sint = (v: bigint, n: number): bigint => {
  v = mask(v, n);
  return (v >> BigInt(n - 1)) & 1n ? v - (1n << BigInt(n)) : v;
};
const NOT = (v: bigint, n: number): bigint => mask(~v, n);

interface Res { d?: bigint; nzcv?: number }

/** AddWithCarry(x, y, carry) -> (result, NZCV), Arm ARM shared pseudocode. */
function addWithCarry(x: bigint, y: bigint, c: number, n: number): { r: bigint; nzcv: number } {
  const usum = mask(x, n) + mask(y, n) + BigInt(c);
  const ssum = sint(x, n) + sint(y, n) + BigInt(c);
  const r = mask(usum, n);
  const N = Number((r >> BigInt(n - 1)) & 1n), Z = r === 0n ? 1 : 0;
  const C = r === usum ? 0 : 1, V = sint(r, n) === ssum ? 0 : 1;
  return { r, nzcv: (N << 3) | (Z << 2) | (C << 1) | V };
}

function shiftReg(v: bigint, type: number, amt: number, n: number): bigint {
  v = mask(v, n);
  const a = BigInt(amt);
  switch (type) {
    case 0: return mask(v << a, n);
    case 1: return v >> a;
    case 2: return mask(sint(v, n) >> a, n);
    default: return amt === 0 ? v : mask((v >> a) | (v << BigInt(n - amt)), n);
  }
}

function extendReg(v: bigint, option: number, shift: number, n: number): bigint {
  const len = [8, 16, 32, 64][option & 3];
  const x = option & 4 ? sint(v, len) : mask(v, len);
  return mask(x << BigInt(shift), n);
}

function condHoldsRef(cond: number, nzcv: number): boolean {
  const N = (nzcv >> 3) & 1, Z = (nzcv >> 2) & 1, C = (nzcv >> 1) & 1, V = nzcv & 1;
  let r: boolean;
  switch (cond >> 1) {
    case 0: r = Z === 1; break;
    case 1: r = C === 1; break;
    case 2: r = N === 1; break;
    case 3: r = V === 1; break;
    case 4: r = C === 1 && Z === 0; break;
    case 5: r = N === V; break;
    case 6: r = N === V && Z === 0; break;
    default: r = true;
  }
  if ((cond & 1) === 1 && cond !== 15) r = !r;
  return r;
}

function bitReverse(v: bigint, n: number): bigint {
  let r = 0n;
  for (let i = 0; i < n; i++) if ((v >> BigInt(i)) & 1n) r |= 1n << BigInt(n - 1 - i);
  return r;
}

/** Poly32Mod2: remainder of the polynomial `data` (bit i = coefficient of x^i) divided by x^32 + poly. */
function poly32Mod2(data: bigint, poly: bigint, len: number): bigint {
  for (let i = len - 1; i >= 32; i--) {
    if ((data >> BigInt(i)) & 1n) data ^= ((1n << 32n) | poly) << BigInt(i - 32);
  }
  return mask(data, 32);
}

function crcRef(acc: bigint, val: bigint, size: number, c: boolean): bigint {
  const poly = c ? 0x1edc6f41n : 0x04c11db7n;
  const tempacc = bitReverse(mask(acc, 32), 32) << BigInt(size);
  const tempval = bitReverse(mask(val, size), size) << 32n;
  return bitReverse(poly32Mod2(tempacc ^ tempval, poly, 32 + size), 32);
}

function highestSetBit(v: bigint, n: number): number {
  for (let i = n - 1; i >= 0; i--) if ((v >> BigInt(i)) & 1n) return i;
  return -1;
}
const clzRef = (v: bigint, n: number): number => n - 1 - highestSetBit(mask(v, n), n);
const clsRef = (v: bigint, n: number): number => {
  // CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>)
  const x = mask(v, n);
  return clzRef((x >> 1n) ^ mask(x, n - 1), n - 1);
};
function bytesRev(v: bigint, containerBits: number, n: number): bigint {
  let r = 0n;
  for (let c = 0; c < n; c += containerBits) {
    const cont = mask(v >> BigInt(c), containerBits);
    let rc = 0n;
    for (let b = 0; b < containerBits; b += 8) rc |= mask(cont >> BigInt(b), 8) << BigInt(containerBits - 8 - b);
    r |= rc << BigInt(c);
  }
  return r;
}

// ---------- values ----------

let seed = 0x12345678;
function rnd32(): number {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return seed >>> 0;
}
function rnd64(): bigint {
  const v = (BigInt(rnd32()) << 32n) | BigInt(rnd32());
  switch (rnd32() % 4) {
    case 0: return v;
    case 1: return mask(v, 1 + (rnd32() % 64));                 // small magnitude
    case 2: return mask(~mask(v, 1 + (rnd32() % 64)), 64);      // small negative
    default: return mask(v, 32);
  }
}

const EDGE: bigint[] = [
  0n, 1n, 2n, 3n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn,
  0x100000000n, 0x1fffffffffffffn, 1n << 53n, (1n << 53n) + 1n, 0x7fffffffffffffffn, 1n << 63n, (1n << 63n) + 1n,
  M64, M64 - 1n, 0xffffffff80000000n, 0xffe0000000000000n, 0xffe0000000000001n, 0xffffffff7fffffffn,
];
const SMALL_EDGE: bigint[] = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 1n << 63n, M64, 0x7fffffffffffffffn];

function pairs(edge: bigint[], randomCount: number): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  for (const a of edge) for (const b of edge) out.push([a, b]);
  for (let i = 0; i < randomCount; i++) out.push([rnd64(), rnd64()]);
  return out;
}
const FULL_PAIRS = pairs(EDGE, 300);
const MID_PAIRS = pairs(SMALL_EDGE, 60);
const SINGLES = [...EDGE, ...Array.from({ length: 300 }, rnd64)];

// ---------- execution ----------

const GARBAGE = 0xdeadbeefcafef00dn;
let h: Harness;

interface Variant { text: string; ref: (a: bigint, b: bigint, c: bigint, nzcv: number) => Res }

/** Executes the single instruction `word` with X1 = a, X2 = b, X3 = c and NZCV = nzcv, X0 = garbage. */
function exec1(word: number, a: bigint, b: bigint, c: bigint, nzcv: number): void {
  const cpu = h.cpu;
  cpu.setX(0, GARBAGE); cpu.setX(1, a); cpu.setX(2, b); cpu.setX(3, c);
  cpu.setNzcv(nzcv << 28);
  cpu.setPC(BigInt(RAM_BASE));
  cpu.sys.esr = 0xdeadn;
  cpu.run(1);
  assert.equal(cpu.sys.esr, 0xdeadn, 'took an exception');
  assert.equal(cpu.getPC(), BigInt(RAM_BASE + 4));
}

function check(v: Variant, word: number, a: bigint, b: bigint, c: bigint, nzcv: number): void {
  exec1(word, a, b, c, nzcv);
  const exp = v.ref(a, b, c, nzcv);
  const ctx = () => `${v.text}  a=0x${a.toString(16)} b=0x${b.toString(16)} c=0x${c.toString(16)} nzcv=${nzcv.toString(2)}`;
  const got = h.cpu.getX(0);
  const want = exp.d === undefined ? GARBAGE : exp.d;
  if (got !== want) assert.fail(`${ctx()}: X0 = 0x${got.toString(16)}, expected 0x${want.toString(16)}`);
  const gotF = h.cpu.getNzcv() >>> 28;
  const wantF = exp.nzcv === undefined ? nzcv : exp.nzcv;
  if (gotF !== wantF) assert.fail(`${ctx()}: NZCV = ${gotF.toString(2)}, expected ${wantF.toString(2)}`);
  assert.equal(h.cpu.getX(1), a, 'X1 clobbered');
  assert.equal(h.cpu.getX(2), b, 'X2 clobbered');
}

/** Assembles all variants in one go and runs each against `vals` (a, b) with accumulators and flags. */
function runVariants(variants: Variant[], vals: [bigint, bigint][], accs: bigint[] = [0n], flagSets: number[] = [0b0110], prefix = ''): void {
  const words = asm(prefix + variants.map(v => v.text).join('\n'));
  assert.equal(words.length, variants.length);
  variants.forEach((v, i) => {
    writeWords(h.mem, RAM_BASE, [words[i]]);
    for (const [a, b] of vals) for (const c of accs) for (const f of flagSets) check(v, words[i], a, b, c, f);
  });
}

function expectUndefined(word: number, what: string): void {
  const cpu = h.cpu;
  writeWords(h.mem, RAM_BASE, [word]);
  cpu.setPC(BigInt(RAM_BASE));
  cpu.setX(0, GARBAGE);
  cpu.sys.esr = 0xdeadn;
  cpu.sys.vbar = 0x40100000n;
  const el = cpu.el;
  cpu.run(1);
  assert.equal(cpu.sys.esr, 0x02000000n, `${what} (0x${(word >>> 0).toString(16)}) should be UNDEFINED (EC 0, IL 1)`);
  assert.equal(cpu.sys.elr, BigInt(RAM_BASE));
  assert.equal(cpu.getPC(), 0x40100000n + (el === 0 ? 0x400n : 0x200n));
  assert.equal(cpu.getX(0), GARBAGE, `${what}: X0 written`);
  cpu.sys.vbar = 0n;
}

const R = (sf: number) => (sf ? 'x' : 'w');
const N_OF = (sf: number) => (sf ? 64 : 32);
const FLAGS_ALL = Array.from({ length: 16 }, (_, i) => i);
const COND_NAMES = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

describe('A64 data processing (register)', function () {
  this.timeout(600000);
  beforeEach(() => { h = makeCpu(); });

  it('logical (shifted register): AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS, all shifts, 32 and 64-bit', () => {
    const ops = ['and', 'bic', 'orr', 'orn', 'eor', 'eon', 'ands', 'bics'];
    const shifts = ['lsl', 'lsr', 'asr', 'ror'];
    const vs: Variant[] = [];
    for (const sf of [0, 1]) for (let oi = 0; oi < 8; oi++) for (let st = 0; st < 4; st++) {
      const n = N_OF(sf);
      for (const amt of [0, 1, 8, 17, n - 1, sf ? 33 : 31]) {
        const op = ops[oi];
        vs.push({
          text: `${op} ${R(sf)}0, ${R(sf)}1, ${R(sf)}2, ${shifts[st]} #${amt}`,
          ref: (a, b) => {
            let m = shiftReg(b, st, amt, n);
            if (oi & 1) m = NOT(m, n);
            const x = mask(a, n);
            const r = oi < 2 || oi >= 6 ? x & m : oi < 4 ? x | m : x ^ m;
            if (oi >= 6) return { d: r, nzcv: (Number(r >> BigInt(n - 1)) << 3) | (r === 0n ? 4 : 0) };
            return { d: r };
          },
        });
      }
    }
    runVariants(vs, MID_PAIRS, [0n], [0b0011]);
  });

  it('add/subtract (shifted register) with exact NZCV', () => {
    const shifts = ['lsl', 'lsr', 'asr'];
    const vs: Variant[] = [];
    for (const sf of [0, 1]) for (const sub of [0, 1]) for (const s of [0, 1]) for (let st = 0; st < 3; st++) {
      const n = N_OF(sf);
      for (const amt of [0, 1, 12, n - 1]) {
        vs.push({
          text: `${sub ? 'sub' : 'add'}${s ? 's' : ''} ${R(sf)}0, ${R(sf)}1, ${R(sf)}2, ${shifts[st]} #${amt}`,
          ref: (a, b) => {
            const m = shiftReg(b, st, amt, n);
            const { r, nzcv } = sub ? addWithCarry(a, NOT(m, n), 1, n) : addWithCarry(a, m, 0, n);
            return s ? { d: r, nzcv } : { d: r };
          },
        });
      }
    }
    runVariants(vs.filter(v => /#0$/.test(v.text)), FULL_PAIRS, [0n], [0b1001]);
    runVariants(vs.filter(v => !/#0$/.test(v.text)), MID_PAIRS, [0n], [0b1001]);
  });

  it('add/subtract (extended register): UXTB..SXTX, shift 0-4', () => {
    const exts = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];
    const vs: Variant[] = [];
    for (const sf of [0, 1]) for (const sub of [0, 1]) for (const s of [0, 1]) for (let opt = 0; opt < 8; opt++) {
      const n = N_OF(sf);
      for (let sh = 0; sh <= 4; sh++) {
        const rm = sf && (opt & 3) === 3 ? 'x2' : 'w2';
        vs.push({
          text: `${sub ? 'sub' : 'add'}${s ? 's' : ''} ${R(sf)}0, ${R(sf)}1, ${rm}, ${exts[opt]} #${sh}`,
          ref: (a, b) => {
            const m = extendReg(b, opt, sh, n);
            const { r, nzcv } = sub ? addWithCarry(a, NOT(m, n), 1, n) : addWithCarry(a, m, 0, n);
            return s ? { d: r, nzcv } : { d: r };
          },
        });
      }
    }
    runVariants(vs, MID_PAIRS, [0n], [0b0101]);
  });

  it('add/subtract (extended register): SP operands, WSP writes and CMN/CMP against SP', () => {
    const cpu = () => h.cpu;
    const one = (text: string, sp: bigint, a: bigint, b: bigint) => {
      writeWords(h.mem, RAM_BASE, asm(text));
      cpu().setSP(sp);
      exec1(asm(text)[0], a, b, 0n, 0);
    };
    one('add sp, x1, w2, uxtw #2', 0n, 0x1000n, 0xffffffff00000010n);
    assert.equal(cpu().getSP(), 0x1040n);
    one('add x0, sp, x2', 0xffffffffffff0000n, 0n, 0x20000n);
    assert.equal(cpu().getX(0), 0x10000n);
    one('sub sp, sp, x2, sxtx #4', 0x40001000n, 0n, M64);
    assert.equal(cpu().getSP(), 0x40001010n);
    one('sub wsp, w1, w2, uxtb', 0x1234567800000000n, 0x300n, 0x1ffn);
    assert.equal(cpu().getSP(), 0x201n, 'W write to WSP zeroes the upper half');
    one('add w0, wsp, w2, uxth #1', 0xaaaaaaaa80000000n, 0n, 0xfffffn);
    assert.equal(cpu().getX(0), 0x8001fffen);
    one('adds x0, sp, x2, uxtx #4', 0xfn, 0n, 0x0fffffffffffffffn);
    assert.equal(cpu().getX(0), 0xffffffffffffffffn);
    assert.equal(cpu().getNzcv() >>> 28, 0b1000);
    one('cmp sp, x2', 0x8000n, 0n, 0x8000n); // SUBS XZR, SP, X2: flags only
    assert.equal(cpu().getNzcv() >>> 28, 0b0110);
    assert.equal(cpu().getSP(), 0x8000n);
    assert.equal(cpu().getX(0), GARBAGE);
    one('cmn wsp, w2', 0xffffffffn, 0n, 1n);
    assert.equal(cpu().getNzcv() >>> 28, 0b0110);
    assert.equal(cpu().getSP(), 0xffffffffn);
  });

  it('add/subtract with carry: ADC/ADCS/SBC/SBCS (and NGC/NGCS)', () => {
    const vs: Variant[] = [];
    for (const sf of [0, 1]) for (const sub of [0, 1]) for (const s of [0, 1]) {
      const n = N_OF(sf);
      vs.push({
        text: `${sub ? 'sbc' : 'adc'}${s ? 's' : ''} ${R(sf)}0, ${R(sf)}1, ${R(sf)}2`,
        ref: (a, b, _c, f) => {
          const { r, nzcv } = addWithCarry(a, sub ? NOT(b, n) : b, (f >> 1) & 1, n);
          return s ? { d: r, nzcv } : { d: r };
        },
      });
      vs.push({
        text: `${sub ? 'ngc' : 'adc'}${s ? 's' : ''} ${R(sf)}0, ${sub ? '' : R(sf) + 'zr, '}${R(sf)}2`,
        ref: (_a, b, _c, f) => {
          const { r, nzcv } = addWithCarry(0n, sub ? NOT(b, n) : b, (f >> 1) & 1, n);
          return s ? { d: r, nzcv } : { d: r };
        },
      });
    }
    runVariants(vs, FULL_PAIRS, [0n], [0b0000, 0b0010, 0b1101, 0b1111]);
  });

  it('conditional compare: CCMN/CCMP register and immediate, every condition', () => {
    const vs: Variant[] = [];
    for (const sf of [0, 1]) for (const sub of [0, 1]) for (const imm of [-1, 0, 1, 31]) for (const nzcvImm of [0b1010, 0b0101]) {
      const n = N_OF(sf);
      const mk = (cond: number): Variant => ({
        text: `${sub ? 'ccmp' : 'ccmn'} ${R(sf)}1, ${imm < 0 ? R(sf) + '2' : '#' + imm}, #${nzcvImm}, ${COND_NAMES[cond]}`,
        ref: (a, b, _c, f) => {
          if (!condHoldsRef(cond, f)) return { nzcv: nzcvImm };
          const m = imm < 0 ? mask(b, n) : BigInt(imm);
          return { nzcv: (sub ? addWithCarry(a, NOT(m, n), 1, n) : addWithCarry(a, m, 0, n)).nzcv };
        },
      });
      // Condition evaluation: every condition under every flag combination.
      runVariants(FLAGS_ALL.map(mk), [[5n, 5n], [M64, 1n]], [0n], FLAGS_ALL);
      // The comparison itself: AL and NV both always hold.
      runVariants([mk(14), mk(15)], imm < 0 ? MID_PAIRS : SMALL_EDGE.map(a => [a, 0n] as [bigint, bigint]), [0n], [0b0000]);
    }
  });

  it('conditional select: CSEL/CSINC/CSINV/CSNEG (and CSET/CINC/CNEG aliases)', () => {
    const ops = ['csel', 'csinc', 'csinv', 'csneg'];
    const vs: Variant[] = [];
    for (const sf of [0, 1]) for (let oi = 0; oi < 4; oi++) for (let cond = 0; cond < 16; cond++) {
      const n = N_OF(sf);
      vs.push({
        text: `${ops[oi]} ${R(sf)}0, ${R(sf)}1, ${R(sf)}2, ${COND_NAMES[cond]}`,
        ref: (a, b, _c, f) => {
          if (condHoldsRef(cond, f)) return { d: mask(a, n) };
          const m = mask(b, n);
          return { d: oi === 0 ? m : oi === 1 ? mask(m + 1n, n) : oi === 2 ? NOT(m, n) : mask(-m, n) };
        },
      });
    }
    runVariants(vs, [[0x1111222233334444n, 0n], [1n, M64], [0n, 0x80000000n], [0n, 1n << 63n], [7n, 0xffffffffn], [0n, 0x100000000n]], [0n], FLAGS_ALL);
    // Aliases with register 31 sources.
    const al: Variant[] = [];
    for (const sf of [0, 1]) {
      const n = N_OF(sf);
      al.push({ text: `cset ${R(sf)}0, lt`, ref: (_a, _b, _c, f) => ({ d: condHoldsRef(11, f) ? 1n : 0n }) });
      al.push({ text: `csetm ${R(sf)}0, hi`, ref: (_a, _b, _c, f) => ({ d: condHoldsRef(8, f) ? mask(M64, n) : 0n }) });
      al.push({ text: `cneg ${R(sf)}0, ${R(sf)}1, ge`, ref: (a, _b, _c, f) => ({ d: condHoldsRef(10, f) ? mask(-a, n) : mask(a, n) }) });
      al.push({ text: `cinc ${R(sf)}0, ${R(sf)}1, vs`, ref: (a, _b, _c, f) => ({ d: condHoldsRef(6, f) ? mask(a + 1n, n) : mask(a, n) }) });
    }
    runVariants(al, [[M64, 0n], [0x7fffffffn, 0n], [5n, 0n]], [0n], FLAGS_ALL);
  });

  it('data-processing (1 source): RBIT, REV16, REV32, REV, CLZ, CLS', () => {
    const vs: Variant[] = [];
    for (const sf of [0, 1]) {
      const n = N_OF(sf), r = R(sf);
      vs.push({ text: `rbit ${r}0, ${r}1`, ref: a => ({ d: bitReverse(mask(a, n), n) }) });
      vs.push({ text: `rev16 ${r}0, ${r}1`, ref: a => ({ d: bytesRev(a, 16, n) }) });
      if (sf) vs.push({ text: `rev32 x0, x1`, ref: a => ({ d: bytesRev(a, 32, 64) }) });
      vs.push({ text: `rev ${r}0, ${r}1`, ref: a => ({ d: bytesRev(a, n, n) }) });
      vs.push({ text: `clz ${r}0, ${r}1`, ref: a => ({ d: BigInt(clzRef(a, n)) }) });
      vs.push({ text: `cls ${r}0, ${r}1`, ref: a => ({ d: BigInt(clsRef(a, n)) }) });
    }
    const vals: [bigint, bigint][] = SINGLES.map(a => [a, 0n]);
    for (let i = 0; i < 64; i++) vals.push([1n << BigInt(i), 0n], [mask(M64 << BigInt(i), 64), 0n], [M64 >> BigInt(i), 0n]);
    runVariants(vs, vals, [0n], [0b1011]);
  });

  it('data-processing (2 source): UDIV/SDIV (÷0 = 0, INT_MIN/-1), LSLV/LSRV/ASRV/RORV', () => {
    const vs: Variant[] = [];
    for (const sf of [0, 1]) {
      const n = N_OF(sf), r = R(sf);
      vs.push({ text: `udiv ${r}0, ${r}1, ${r}2`, ref: (a, b) => ({ d: mask(b, n) === 0n ? 0n : mask(a, n) / mask(b, n) }) });
      vs.push({ text: `sdiv ${r}0, ${r}1, ${r}2`, ref: (a, b) => ({ d: mask(b, n) === 0n ? 0n : mask(sint(a, n) / sint(b, n), n) }) });
    }
    const divPairs = [...FULL_PAIRS];
    for (let i = 0; i < 400; i++) {
      // quotients near rounding boundaries of doubles: a = q*b + r with large q
      const b = mask(rnd64(), 1 + (rnd32() % 30)) | 1n;
      const q = mask(rnd64(), 53 - (rnd32() % 8));
      divPairs.push([mask(q * b + (rnd32() % 2 ? b - 1n : 0n), 64), b]);
      divPairs.push([mask(-(q * b) - 1n, 64), mask(-b, 64)]);
    }
    divPairs.push([1n << 63n, M64], [0x80000000n, 0xffffffffn], [0x1fffffffffffffn, 3n], [1n << 53n, 3n], [0xffe0000000000000n, 3n]);
    runVariants(vs, divPairs, [0n], [0b0110]);

    const ss: Variant[] = [];
    const names = ['lslv', 'lsrv', 'asrv', 'rorv'];
    for (const sf of [0, 1]) for (let st = 0; st < 4; st++) {
      const n = N_OF(sf), r = R(sf);
      ss.push({ text: `${names[st]} ${r}0, ${r}1, ${r}2`, ref: (a, b) => ({ d: shiftReg(a, st, Number(b % BigInt(n)), n) }) });
    }
    const shPairs: [bigint, bigint][] = [];
    for (const a of [0x8123456789abcdefn, 1n, M64, 0x7fffffff80000001n, ...Array.from({ length: 6 }, rnd64)]) {
      for (let b = 0; b < 130; b++) shPairs.push([a, BigInt(b)]);
      shPairs.push([a, M64], [a, 0xffffffff00000005n], [a, rnd64()]);
    }
    runVariants(ss, shPairs, [0n], [0b0110]);
  });

  it('data-processing (2 source): CRC32B/H/W/X and CRC32CB/H/W/X', () => {
    const vs: Variant[] = [];
    const sz = ['b', 'h', 'w', 'x'];
    for (const c of [false, true]) for (let i = 0; i < 4; i++) {
      const size = 8 << i;
      vs.push({ text: `crc32${c ? 'c' : ''}${sz[i]} w0, w1, ${i === 3 ? 'x' : 'w'}2`, ref: (a, b) => ({ d: crcRef(a, b, size, c) }) });
    }
    runVariants(vs, pairs(SMALL_EDGE, 80), [0n], [0b0110], '.arch armv8-a+crc\n');
  });

  it('data-processing (3 source): MADD/MSUB/SMADDL/SMSUBL/UMADDL/UMSUBL/SMULH/UMULH', () => {
    const vs: Variant[] = [];
    for (const sf of [0, 1]) {
      const n = N_OF(sf), r = R(sf);
      vs.push({ text: `madd ${r}0, ${r}1, ${r}2, ${r}3`, ref: (a, b, c) => ({ d: mask(c + mask(a, n) * mask(b, n), n) }) });
      vs.push({ text: `msub ${r}0, ${r}1, ${r}2, ${r}3`, ref: (a, b, c) => ({ d: mask(c - mask(a, n) * mask(b, n), n) }) });
      vs.push({ text: `mul ${r}0, ${r}1, ${r}2`, ref: (a, b) => ({ d: mask(a * b, n) }) });
      vs.push({ text: `mneg ${r}0, ${r}1, ${r}2`, ref: (a, b) => ({ d: mask(-(a * b), n) }) });
    }
    vs.push({ text: 'smaddl x0, w1, w2, x3', ref: (a, b, c) => ({ d: mask(c + sint(a, 32) * sint(b, 32), 64) }) });
    vs.push({ text: 'smsubl x0, w1, w2, x3', ref: (a, b, c) => ({ d: mask(c - sint(a, 32) * sint(b, 32), 64) }) });
    vs.push({ text: 'umaddl x0, w1, w2, x3', ref: (a, b, c) => ({ d: mask(c + mask(a, 32) * mask(b, 32), 64) }) });
    vs.push({ text: 'umsubl x0, w1, w2, x3', ref: (a, b, c) => ({ d: mask(c - mask(a, 32) * mask(b, 32), 64) }) });
    vs.push({ text: 'smull x0, w1, w2', ref: (a, b) => ({ d: mask(sint(a, 32) * sint(b, 32), 64) }) });
    vs.push({ text: 'umull x0, w1, w2', ref: (a, b) => ({ d: mask(a, 32) * mask(b, 32) }) });
    vs.push({ text: 'smulh x0, x1, x2', ref: (a, b) => ({ d: mask((sint(a, 64) * sint(b, 64)) >> 64n, 64) }) });
    vs.push({ text: 'umulh x0, x1, x2', ref: (a, b) => ({ d: (a * b) >> 64n }) });
    runVariants(vs, FULL_PAIRS, [0n, 0x8000000000000001n, M64], [0b1100]);
  });

  it('register 31 is XZR for Rd/Rn/Rm/Ra in the non-SP forms', () => {
    const cases: [string, bigint, bigint, bigint | 'keep', number | 'keep'][] = [
      // text, x1, x2, expected X0 (or 'keep' = untouched), expected NZCV
      ['mov x0, x2', 0n, 0x1234n, 0x1234n, 'keep'],                          // ORR X0, XZR, X2
      ['mvn w0, w2', 0n, 0xffn, 0xffffff00n, 'keep'],                         // ORN W0, WZR, W2
      ['neg x0, x2', 0n, 1n, M64, 'keep'],                                    // SUB X0, XZR, X2
      ['negs w0, w2', 0n, 0n, 0n, 0b0110],
      ['cmp x1, x2', 5n, 7n, 'keep', 0b1000],                                 // SUBS XZR, ...
      ['tst w1, w2', 0xf0n, 0x0fn, 'keep', 0b0100],                           // ANDS WZR, ...
      ['add xzr, x1, x2', 5n, 7n, 'keep', 'keep'],
      ['madd x0, x1, x2, xzr', 6n, 7n, 42n, 'keep'],
      ['add x0, x1, xzr', 6n, 7n, 6n, 'keep'],
      ['udiv x0, x1, xzr', 6n, 7n, 0n, 'keep'],
      ['csinc x0, xzr, xzr, ne', 6n, 7n, 1n, 'keep'],                         // Z=1: NE fails -> XZR+1
      ['rbit xzr, x1', 6n, 7n, 'keep', 'keep'],
      ['crc32x w0, wzr, xzr', 6n, 7n, 0n, 'keep'],
      ['lslv x0, xzr, x2', 6n, 7n, 0n, 'keep'],
    ];
    for (const [text, a, b, d, f] of cases) {
      const w = asm('.arch armv8-a+crc\n' + text);
      writeWords(h.mem, RAM_BASE, w);
      exec1(w[0], a, b, 0n, 0b0100);
      assert.equal(h.cpu.getX(0), d === 'keep' ? GARBAGE : d, text);
      assert.equal(h.cpu.getNzcv() >>> 28, f === 'keep' ? 0b0100 : f, text + ' flags');
      assert.equal(h.cpu.r[62] | h.cpu.r[63], 0, 'XZR stays zero');
    }
  });

  it('hand-checked cases (Arm ARM semantics)', () => {
    const one = (text: string, a: bigint, b: bigint, c = 0n, f = 0) => {
      const w = asm('.arch armv8-a+crc\n' + text);
      writeWords(h.mem, RAM_BASE, w);
      exec1(w[0], a, b, c, f);
      return [h.cpu.getX(0), h.cpu.getNzcv() >>> 28] as const;
    };
    assert.deepEqual(one('adds w0, w1, w2', 0x7fffffffn, 1n), [0x80000000n, 0b1001]);       // signed overflow
    assert.deepEqual(one('adds x0, x1, x2', M64, 1n), [0n, 0b0110]);                        // carry out, zero
    assert.deepEqual(one('subs x0, x1, x2', 0n, 1n), [M64, 0b1000]);                        // borrow: C = 0
    assert.deepEqual(one('subs w0, w1, w2', 0x80000000n, 1n), [0x7fffffffn, 0b0011]);
    assert.deepEqual(one('cmp x1, x2', 3n, 3n), [GARBAGE, 0b0110]);
    assert.deepEqual(one('sbcs x0, x1, x2', 3n, 3n, 0n, 0b0000), [M64, 0b1000]);            // 3 - 3 - 1
    assert.deepEqual(one('udiv x0, x1, x2', M64, 3n), [0x5555555555555555n, 0]);
    assert.deepEqual(one('sdiv x0, x1, x2', 1n << 63n, M64), [1n << 63n, 0]);              // INT64_MIN / -1
    assert.deepEqual(one('sdiv w0, w1, w2', 0x80000000n, 0xffffffffn), [0x80000000n, 0]);
    assert.deepEqual(one('sdiv x0, x1, x2', mask(-7n, 64), 2n), [mask(-3n, 64), 0]);        // rounds toward zero
    assert.deepEqual(one('sdiv x0, x1, x2', 5n, 0n), [0n, 0]);
    assert.deepEqual(one('umulh x0, x1, x2', M64, M64), [M64 - 1n, 0]);
    assert.deepEqual(one('smulh x0, x1, x2', M64, M64), [0n, 0]);
    assert.deepEqual(one('smulh x0, x1, x2', 1n << 63n, 1n << 63n), [1n << 62n, 0]);
    assert.deepEqual(one('cls x0, x1', 0n, 0n), [63n, 0]);
    assert.deepEqual(one('cls w0, w1', 0xffffffffn, 0n), [31n, 0]);
    assert.deepEqual(one('clz x0, x1', 0n, 0n), [64n, 0]);
    assert.deepEqual(one('rbit x0, x1', 1n, 0n), [1n << 63n, 0]);
    assert.deepEqual(one('rev x0, x1', 0x0123456789abcdefn, 0n), [0xefcdab8967452301n, 0]);
    assert.deepEqual(one('rev16 x0, x1', 0x0123456789abcdefn, 0n), [0x23016745ab89efcdn, 0]);
    assert.deepEqual(one('rev32 x0, x1', 0x0123456789abcdefn, 0n), [0x67452301efcdab89n, 0]);
  });

  it('CRC32/CRC32C check values for "123456789"', () => {
    for (const [c, want] of [['', 0xcbf43926n], ['c', 0xe3069283n]] as const) {
      // One CRC32B per byte, fed by hand.
      const crcWord = asm(`.arch armv8-a+crc\ncrc32${c}b w0, w0, w2`)[0];
      writeWords(h.mem, RAM_BASE, [crcWord]);
      let acc = 0xffffffffn;
      for (const ch of '123456789') {
        h.cpu.setX(0, acc); h.cpu.setX(2, BigInt(ch.charCodeAt(0)));
        h.cpu.setPC(BigInt(RAM_BASE)); h.cpu.run(1);
        acc = h.cpu.getX(0);
      }
      assert.equal(acc ^ 0xffffffffn, want, `crc32${c}`);
      // The same with one CRC32X (8 bytes, little-endian) and one CRC32B.
      const w = asm(`.arch armv8-a+crc\ncrc32${c}x w0, w0, x2\ncrc32${c}b w0, w0, w3`);
      writeWords(h.mem, RAM_BASE, w);
      h.cpu.setX(0, 0xffffffffn); h.cpu.setX(2, 0x3837363534333231n); h.cpu.setX(3, 0x39n);
      h.cpu.setPC(BigInt(RAM_BASE)); h.cpu.run(2);
      assert.equal(h.cpu.getX(0) ^ 0xffffffffn, want, `crc32${c}x`);
    }
  });

  it('UNDEFINED: unallocated encodings and unadvertised features', () => {
    const A = (s: string) => asm(s)[0];
    const u: [number, string][] = [
      [A('and w0, w1, w2') | (32 << 10), 'logical 32-bit imm6 >= 32'],
      [A('add x0, x1, x2') | (3 << 22), 'add shifted shift=11'],
      [A('subs w0, w1, w2') | (40 << 10), 'add shifted 32-bit imm6 >= 32'],
      [A('add x0, x1, w2, uxtw') | (1 << 22), 'add extended opt=01'],
      [A('add x0, x1, w2, uxtw') | (2 << 22), 'add extended opt=10'],
      [A('adds x0, x1, w2, uxtw') | (5 << 10), 'add extended imm3=5'],
      [A('add w0, w1, w2, uxtw') | (7 << 10), 'add extended imm3=7'],
      [A('adc x0, x1, x2') | (1 << 10), 'adc op3=000001'],
      [A('adc x0, x1, x2') | (0x20 << 10), 'adc op3=100000'],
      [A('.arch armv8.4-a\nrmif x0, #3, #2'), 'RMIF (FEAT_FlagM)'],
      [A('.arch armv8.4-a\nsetf8 w1'), 'SETF8 (FEAT_FlagM)'],
      [A('.arch armv8.4-a\nsetf16 w1'), 'SETF16 (FEAT_FlagM)'],
      [A('ccmp x1, x2, #0, eq') & ~(1 << 29), 'ccmp S=0'],
      [A('ccmp x1, x2, #0, eq') | (1 << 10), 'ccmp o2=1'],
      [A('ccmn w1, #3, #0, eq') | (1 << 4), 'ccmn o3=1'],
      [A('csel x0, x1, x2, eq') | (1 << 29), 'csel S=1'],
      [A('csel x0, x1, x2, eq') | (2 << 10), 'csel op2=10'],
      [A('csneg w0, w1, w2, eq') | (2 << 10), 'csneg op2=11'],
      [A('rev x0, x1') & 0x7fffffff, 'REV with sf=0 opc=11'],
      [A('rbit x0, x1') | (1 << 29), 'data-processing 1 source S=1'],
      [A('rbit x0, x1') | (2 << 16), 'data-processing 1 source opcode2=00010'],
      [A('rbit w0, w1') | (0x3f << 10), 'data-processing 1 source opcode=111111'],
      [A('.arch armv8.3-a\npacia x0, x1'), 'PACIA (PAuth not advertised)'],
      [A('.arch armv8.3-a\nxpaci x0'), 'XPACI (PAuth not advertised)'],
      [A('.arch armv8.3-a\npacga x0, x1, x2'), 'PACGA'],
      [A('.arch armv9.2-a+cssc\nabs x0, x1'), 'ABS (FEAT_CSSC)'],
      [A('.arch armv9.2-a+cssc\ncnt w0, w1'), 'CNT (FEAT_CSSC)'],
      [A('.arch armv9.2-a+cssc\nctz x0, x1'), 'CTZ (FEAT_CSSC)'],
      [A('.arch armv9.2-a+cssc\nsmax x0, x1, x2'), 'SMAX register (FEAT_CSSC)'],
      [A('.arch armv9.2-a+cssc\numin w0, w1, w2'), 'UMIN register (FEAT_CSSC)'],
      [A('.arch armv8.5-a+memtag\nirg x0, x1, x2'), 'IRG (MTE)'],
      [A('.arch armv8.5-a+memtag\ngmi x0, x1, x2'), 'GMI (MTE)'],
      [A('.arch armv8.5-a+memtag\nsubp x0, x1, x2'), 'SUBP (MTE)'],
      [A('.arch armv8.5-a+memtag\nsubps x0, x1, x2'), 'SUBPS (MTE)'],
      [A('udiv w0, w1, w2') & ~(0x3f << 10), 'data-processing 2 source opcode=000000 sf=0'],
      [A('udiv w0, w1, w2') | (1 << 29), 'udiv S=1'],
      [A('.arch armv8-a+crc\ncrc32x w0, w1, x2') & 0x7fffffff, 'CRC32X with sf=0'],
      [A('.arch armv8-a+crc\ncrc32w w0, w1, w2') | 0x80000000, 'CRC32W with sf=1'],
      [A('.arch armv8-a+crc\ncrc32cb w0, w1, w2') | 0x80000000, 'CRC32CB with sf=1'],
      [A('lslv x0, x1, x2') | (0x3f << 10), 'data-processing 2 source opcode=111111'],
      [A('smaddl x0, w1, w2, x3') & 0x7fffffff, 'SMADDL with sf=0'],
      [A('umulh x0, x1, x2') | (1 << 15), 'UMULH with o0=1'],
      [A('smulh x0, x1, x2') | (1 << 15), 'SMULH with o0=1'],
      [(A('madd x0, x1, x2, x3') & ~(7 << 21)) | (3 << 21), 'data-processing 3 source op31=011'],
      [(A('madd x0, x1, x2, x3') & ~(7 << 21)) | (4 << 21), 'data-processing 3 source op31=100'],
      [(A('madd x0, x1, x2, x3') & ~(7 << 21)) | (7 << 21), 'data-processing 3 source op31=111'],
      [A('madd x0, x1, x2, x3') | (1 << 29), 'data-processing 3 source op54=01'],
      [A('madd w0, w1, w2, w3') | (2 << 29), 'data-processing 3 source op54=10'],
      [A('madd x0, x1, x2, x3') | (3 << 29), 'data-processing 3 source op54=11 (FEAT_CPA)'],
      [A('madd w0, w1, w2, w3') | (1 << 21), 'SMADDL-shaped with sf=0'],
    ];
    // op1 = 1 with op2 = 0001, 0011, 0101, 0111: unallocated
    for (const op2 of [1, 3, 5, 7]) u.push([(0x9a000000 | (op2 << 21) | 0x20) >>> 0, `op1=1 op2=${op2.toString(2)}`]);
    for (const [w, what] of u) { h = makeCpu(); expectUndefined(w | 0, what); }
    // And from EL0 too.
    h = makeCpu(); h.cpu.el = 0;
    expectUndefined(A('rbit x0, x1') | (1 << 29), 'EL0: dp1 S=1');
  });
});

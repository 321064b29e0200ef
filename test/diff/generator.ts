// Random A64 instruction generator for the differential test against qemu-user.
// Encodings are built directly from the Arm ARM field templates (no assembler). Every generated
// encoding is architecturally defined (no UNPREDICTABLE / CONSTRAINED UNPREDICTABLE choices, no
// UNDEFINED encodings) so that QEMU and the emulator must agree bit for bit.
//
// Conventions of the generated code (see program.ts for the surrounding prologue/epilogue):
// - x28 always holds the address of the 4 KiB scratch area and is never written by generated code.
// - Memory instructions address only the scratch area: either [x28, #imm] directly or through a
//   temporary base register that a setup instruction (ADD Xb, X28, #k) inside the same unit points
//   into the scratch area first. Register-offset forms also get a MOVZ/MOVK setup of the index.
// - Branches only skip forward over exactly one following single-word instruction.

// ---------------------------------------------------------------- PRNG

/** sfc32 seeded through splitmix32: deterministic per seed, fast, good enough statistically. */
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number) {
    let s = seed >>> 0;
    const sm = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = sm(); this.b = sm(); this.c = sm(); this.d = sm();
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** Uniform integer in [0, n), n <= 2^32. */
  int(n: number): number { return Math.floor((this.u32() / 4294967296) * n); }
  /** Uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  bool(p = 0.5): boolean { return this.u32() / 4294967296 < p; }
  bit(): number { return this.u32() >>> 31; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
}

// ---------------------------------------------------------------- register conventions

export const SCRATCH_REG = 28;
export const SCRATCH_SIZE = 4096;
/** Registers generated code may write. */
export const POOL: readonly number[] = [...Array(31).keys()].filter(r => r !== SCRATCH_REG);

const MASK64 = (1n << 64n) - 1n;
const EDGE_VALUES: readonly bigint[] = [
  0n, 1n, 2n, MASK64, MASK64 - 1n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0xffffffff80000000n, 0xffffffff7fffffffn,
  0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n, 31n, 32n, 63n, 64n,
  0x5555555555555555n, 0xaaaaaaaaaaaaaaaan, 0x0123456789abcdefn,
];

/** A random 64-bit register value: small numbers, edge values, 32-bit patterns and full randoms. */
export function randomValue(rng: Rng): bigint {
  const k = rng.int(100);
  if (k < 20) return BigInt(rng.int(256));
  if (k < 28) return (-BigInt(rng.range(1, 256))) & MASK64;
  if (k < 48) return rng.pick(EDGE_VALUES);
  if (k < 60) return BigInt(rng.u32());
  if (k < 65) return BigInt.asUintN(64, BigInt.asIntN(32, BigInt(rng.u32())));
  return rng.u64();
}

// ---------------------------------------------------------------- encoders (Arm ARM C4.1)

const u = (x: number) => x >>> 0;
export const E = {
  addSubImm: (sf: number, op: number, S: number, sh: number, imm12: number, rn: number, rd: number) =>
    u(sf << 31 | op << 30 | S << 29 | 0x22 << 23 | sh << 22 | imm12 << 10 | rn << 5 | rd),
  logImm: (sf: number, opc: number, N: number, immr: number, imms: number, rn: number, rd: number) =>
    u(sf << 31 | opc << 29 | 0x24 << 23 | N << 22 | immr << 16 | imms << 10 | rn << 5 | rd),
  moveWide: (sf: number, opc: number, hw: number, imm16: number, rd: number) =>
    u(sf << 31 | opc << 29 | 0x25 << 23 | hw << 21 | imm16 << 5 | rd),
  adr: (op: number, imm21: number, rd: number) =>
    u(op << 31 | (imm21 & 3) << 29 | 0x10 << 24 | ((imm21 >> 2) & 0x7ffff) << 5 | rd),
  bitfield: (sf: number, opc: number, N: number, immr: number, imms: number, rn: number, rd: number) =>
    u(sf << 31 | opc << 29 | 0x26 << 23 | N << 22 | immr << 16 | imms << 10 | rn << 5 | rd),
  extr: (sf: number, N: number, rm: number, imms: number, rn: number, rd: number) =>
    u(sf << 31 | 0x27 << 23 | N << 22 | rm << 16 | imms << 10 | rn << 5 | rd),
  logShift: (sf: number, opc: number, shift: number, N: number, rm: number, imm6: number, rn: number, rd: number) =>
    u(sf << 31 | opc << 29 | 0x0a << 24 | shift << 22 | N << 21 | rm << 16 | imm6 << 10 | rn << 5 | rd),
  addSubShift: (sf: number, op: number, S: number, shift: number, rm: number, imm6: number, rn: number, rd: number) =>
    u(sf << 31 | op << 30 | S << 29 | 0x0b << 24 | shift << 22 | rm << 16 | imm6 << 10 | rn << 5 | rd),
  addSubExt: (sf: number, op: number, S: number, rm: number, option: number, imm3: number, rn: number, rd: number) =>
    u(sf << 31 | op << 30 | S << 29 | 0x0b << 24 | 1 << 21 | rm << 16 | option << 13 | imm3 << 10 | rn << 5 | rd),
  adc: (sf: number, op: number, S: number, rm: number, rn: number, rd: number) =>
    u(sf << 31 | op << 30 | S << 29 | 0xd0 << 21 | rm << 16 | rn << 5 | rd),
  ccmpReg: (sf: number, op: number, rm: number, cond: number, rn: number, nzcv: number) =>
    u(sf << 31 | op << 30 | 1 << 29 | 0xd2 << 21 | rm << 16 | cond << 12 | rn << 5 | nzcv),
  ccmpImm: (sf: number, op: number, imm5: number, cond: number, rn: number, nzcv: number) =>
    u(sf << 31 | op << 30 | 1 << 29 | 0xd2 << 21 | imm5 << 16 | cond << 12 | 1 << 11 | rn << 5 | nzcv),
  csel: (sf: number, op: number, rm: number, cond: number, op2: number, rn: number, rd: number) =>
    u(sf << 31 | op << 30 | 0xd4 << 21 | rm << 16 | cond << 12 | op2 << 10 | rn << 5 | rd),
  dp1: (sf: number, opcode: number, rn: number, rd: number) =>
    u(sf << 31 | 1 << 30 | 0xd6 << 21 | opcode << 10 | rn << 5 | rd),
  dp2: (sf: number, rm: number, opcode: number, rn: number, rd: number) =>
    u(sf << 31 | 0xd6 << 21 | rm << 16 | opcode << 10 | rn << 5 | rd),
  dp3: (sf: number, op31: number, rm: number, o0: number, ra: number, rn: number, rd: number) =>
    u(sf << 31 | 0x1b << 24 | op31 << 21 | rm << 16 | o0 << 15 | ra << 10 | rn << 5 | rd),
  // loads and stores
  ldstUimm: (size: number, opc: number, imm12: number, rn: number, rt: number) =>
    u(size << 30 | 0x39 << 24 | opc << 22 | imm12 << 10 | rn << 5 | rt),
  /** mode: 0 unscaled (LDUR), 1 post-index, 2 unprivileged (LDTR), 3 pre-index */
  ldstImm9: (size: number, opc: number, imm9: number, mode: number, rn: number, rt: number) =>
    u(size << 30 | 0x38 << 24 | opc << 22 | (imm9 & 0x1ff) << 12 | mode << 10 | rn << 5 | rt),
  ldstReg: (size: number, opc: number, rm: number, option: number, S: number, rn: number, rt: number) =>
    u(size << 30 | 0x38 << 24 | opc << 22 | 1 << 21 | rm << 16 | option << 13 | S << 12 | 2 << 10 | rn << 5 | rt),
  ldrLit: (opc: number, imm19: number, rt: number) => u(opc << 30 | 0x18 << 24 | (imm19 & 0x7ffff) << 5 | rt),
  /** mode: 0 no-allocate (LDNP/STNP), 1 post-index, 2 signed offset, 3 pre-index */
  ldstPair: (opc: number, mode: number, L: number, imm7: number, rt2: number, rn: number, rt: number) =>
    u(opc << 30 | 5 << 27 | mode << 23 | L << 22 | (imm7 & 0x7f) << 15 | rt2 << 10 | rn << 5 | rt),
  ldstExcl: (size: number, o2: number, L: number, o1: number, rs: number, o0: number, rt2: number, rn: number, rt: number) =>
    u(size << 30 | 0x08 << 24 | o2 << 23 | L << 22 | o1 << 21 | rs << 16 | o0 << 15 | rt2 << 10 | rn << 5 | rt),
  atomic: (size: number, A: number, R: number, rs: number, o3: number, opc: number, rn: number, rt: number) =>
    u(size << 30 | 0x38 << 24 | A << 23 | R << 22 | 1 << 21 | rs << 16 | o3 << 15 | opc << 12 | rn << 5 | rt),
  // branches and system
  bcond: (imm19: number, cond: number) => u(0x54 << 24 | (imm19 & 0x7ffff) << 5 | cond),
  cb: (sf: number, op: number, imm19: number, rt: number) => u(sf << 31 | 0x1a << 25 | op << 24 | (imm19 & 0x7ffff) << 5 | rt),
  tb: (b5: number, op: number, b40: number, imm14: number, rt: number) =>
    u(b5 << 31 | 0x1b << 25 | op << 24 | b40 << 19 | (imm14 & 0x3fff) << 5 | rt),
  b: (imm26: number) => u(0x05 << 26 | (imm26 & 0x3ffffff)),
  bl: (imm26: number) => u(0x25 << 26 | (imm26 & 0x3ffffff)),
  msrNzcv: (rt: number) => u(0xd51b4200 | rt),
  mrsNzcv: (rt: number) => u(0xd53b4200 | rt),
  clrex: () => 0xd5033f5f,
  svc: (imm16: number) => u(0xd4000001 | imm16 << 5),
};

// ---------------------------------------------------------------- classes

export const CLASSES = [
  'addsub_imm', 'logic_imm', 'movewide', 'adr', 'bitfield', 'extr',
  'logic_shift', 'addsub_shift', 'addsub_ext', 'adc', 'ccmp', 'csel', 'dp1', 'dp2', 'dp3',
  'ldst_uimm', 'ldst_unscaled', 'ldst_prepost', 'ldst_regoff', 'ldst_pair', 'ldst_literal',
  'ldst_ordered', 'atomic', 'cas', 'exclusive', 'branch',
] as const;
export type ClassName = typeof CLASSES[number];

/** Classes whose instructions are one word with no setup (usable as the instruction a branch skips). */
const SINGLE_WORD: readonly ClassName[] = [
  'addsub_imm', 'logic_imm', 'movewide', 'adr', 'bitfield', 'extr', 'logic_shift', 'addsub_shift',
  'addsub_ext', 'adc', 'ccmp', 'csel', 'dp1', 'dp2', 'dp3',
];

/** A unit: one generated instruction with its setup words (and, for branches, the skipped word). */
export interface Unit {
  cls: ClassName;
  words: number[];
  /** Class of each word (setup instructions are attributed to their own class). */
  wcls: ClassName[];
  /** Literal loads: word index -> byte offset into the block's literal pool. */
  lits?: { index: number; offset: number }[];
}

export const LITERAL_POOL_SIZE = 128;

const dst = (rng: Rng, zr = true) => (zr && rng.int(16) === 0 ? 31 : rng.pick(POOL));
const src = (rng: Rng, zr = true) => {
  const k = rng.int(40);
  if (zr && k < 3) return 31;
  if (k === 3) return SCRATCH_REG;
  return rng.pick(POOL);
};
const pickExcept = (rng: Rng, avoid: readonly number[]) => {
  for (;;) { const r = rng.pick(POOL); if (!avoid.includes(r)) return r; }
};
const imm12 = (rng: Rng) => { const k = rng.int(10); return k < 5 ? rng.int(16) : k === 5 ? 0xfff : rng.int(4096); };

function one(cls: ClassName, w: number): Unit { return { cls, words: [w], wcls: [cls] }; }

/** N:immr:imms of a valid bitmask immediate. */
function bitmaskFields(rng: Rng, sf: number): { N: number; immr: number; imms: number } {
  const e = rng.pick(sf ? [2, 4, 8, 16, 32, 64, 64] : [2, 4, 8, 16, 32, 32]);
  const s = rng.int(e - 1); // number of ones - 1: 0..e-2 (all ones is reserved)
  let r = rng.int(e);
  if (e < 64 && rng.bool(0.2)) r |= rng.int(sf ? 64 : 32) & ~(e - 1); // immr bits above the element size are ignored
  if (e === 64) return { N: 1, immr: r, imms: s };
  return { N: 0, immr: r, imms: ((~(2 * e - 1)) & 0x3f) | s };
}

const GEN_DP: Record<string, (rng: Rng) => Unit> = {
  addsub_imm(rng) {
    const sf = rng.bit(), op = rng.bit(), S = rng.bit(), sh = rng.bool(0.3) ? 1 : 0;
    // Register 31: Rn is SP; Rd is SP when S=0, ZR (CMP/CMN) when S=1.
    const rn = rng.int(10) === 0 ? 31 : src(rng, false);
    const rd = S ? (rng.int(6) === 0 ? 31 : dst(rng, false)) : rng.int(10) === 0 ? 31 : dst(rng, false);
    return one('addsub_imm', E.addSubImm(sf, op, S, sh, imm12(rng), rn, rd));
  },
  logic_imm(rng) {
    const sf = rng.bit(), opc = rng.int(4);
    const { N, immr, imms } = bitmaskFields(rng, sf);
    const rd = opc === 3 ? (rng.int(6) === 0 ? 31 : dst(rng, false)) : rng.int(10) === 0 ? 31 /* SP */ : dst(rng, false);
    return one('logic_imm', E.logImm(sf, opc, N, immr, imms, src(rng), rd));
  },
  movewide(rng) {
    const sf = rng.bit(), opc = rng.pick([0, 2, 3]), hw = rng.int(sf ? 4 : 2);
    const imm = rng.bool(0.2) ? rng.pick([0, 0xffff, 0x8000, 1]) : rng.int(0x10000);
    return one('movewide', E.moveWide(sf, opc, hw, imm, dst(rng)));
  },
  adr(rng) {
    const imm21 = rng.int(1 << 21) - (1 << 20);
    return one('adr', E.adr(rng.bit(), imm21, dst(rng)));
  },
  bitfield(rng) {
    const sf = rng.bit(), opc = rng.int(3), w = sf ? 64 : 32;
    return one('bitfield', E.bitfield(sf, opc, sf, rng.int(w), rng.int(w), src(rng), dst(rng)));
  },
  extr(rng) {
    const sf = rng.bit();
    return one('extr', E.extr(sf, sf, src(rng), rng.int(sf ? 64 : 32), src(rng), dst(rng)));
  },
  logic_shift(rng) {
    const sf = rng.bit();
    const imm6 = rng.bool(0.3) ? 0 : rng.int(sf ? 64 : 32);
    return one('logic_shift', E.logShift(sf, rng.int(4), rng.int(4), rng.bit(), src(rng), imm6, src(rng), dst(rng)));
  },
  addsub_shift(rng) {
    const sf = rng.bit();
    const imm6 = rng.bool(0.3) ? 0 : rng.int(sf ? 64 : 32);
    return one('addsub_shift', E.addSubShift(sf, rng.bit(), rng.bit(), rng.int(3), src(rng), imm6, src(rng), dst(rng)));
  },
  addsub_ext(rng) {
    const sf = rng.bit(), S = rng.bit();
    const rn = rng.int(8) === 0 ? 31 /* SP */ : src(rng, false);
    const rd = S ? dst(rng) : rng.int(8) === 0 ? 31 /* SP */ : dst(rng, false);
    return one('addsub_ext', E.addSubExt(sf, rng.bit(), S, src(rng), rng.int(8), rng.int(5), rn, rd));
  },
  adc(rng) {
    return one('adc', E.adc(rng.bit(), rng.bit(), rng.bit(), src(rng), src(rng), dst(rng)));
  },
  ccmp(rng) {
    const sf = rng.bit(), op = rng.bit(), cond = rng.int(16), nzcv = rng.int(16);
    return one('ccmp', rng.bit()
      ? E.ccmpImm(sf, op, rng.int(32), cond, src(rng), nzcv)
      : E.ccmpReg(sf, op, src(rng), cond, src(rng), nzcv));
  },
  csel(rng) {
    return one('csel', E.csel(rng.bit(), rng.bit(), src(rng), rng.int(16), rng.bit(), src(rng), dst(rng)));
  },
  dp1(rng) {
    const sf = rng.bit();
    const opcode = rng.pick(sf ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 4, 5]); // RBIT REV16 REV32/REV REV CLZ CLS
    return one('dp1', E.dp1(sf, opcode, src(rng), dst(rng)));
  },
  dp2(rng) {
    let sf = rng.bit();
    let opcode = rng.pick([2, 3, 8, 9, 10, 11, 2, 3, 0x10, 0x14]); // UDIV SDIV LSLV LSRV ASRV RORV CRC32 CRC32C
    if (opcode >= 0x10) { const sz = rng.int(4); opcode |= sz; sf = sz === 3 ? 1 : 0; }
    return one('dp2', E.dp2(sf, src(rng), opcode, src(rng), dst(rng)));
  },
  dp3(rng) {
    const kind = rng.int(5);
    if (kind <= 1) return one('dp3', E.dp3(rng.bit(), 0, src(rng), rng.bit(), src(rng), src(rng), dst(rng))); // MADD/MSUB
    if (kind === 2) return one('dp3', E.dp3(1, rng.pick([1, 5]), src(rng), rng.bit(), src(rng), src(rng), dst(rng))); // S/UMADDL, S/UMSUBL
    return one('dp3', E.dp3(1, rng.pick([2, 6]), src(rng), 0, 31, src(rng), dst(rng))); // SMULH/UMULH
  },
};

// ---------------------------------------------------------------- memory helpers

interface Base { reg: number; words: number[]; wcls: ClassName[]; }

/** A base register holding scratch + k (0 <= k < 4096): x28 itself when allowed, else ADD Xb, X28, #k. */
function base(rng: Rng, k: number, avoid: readonly number[], mustBeTemp: boolean): Base {
  if (k === 0 && !mustBeTemp && rng.bool(0.7)) return { reg: SCRATCH_REG, words: [], wcls: [] };
  if (k < 0 || k >= 4096) throw new Error(`base offset ${k} out of range`);
  const reg = pickExcept(rng, avoid);
  return { reg, words: [E.addSubImm(1, 0, 0, 0, k, SCRATCH_REG, reg)], wcls: ['addsub_imm'] };
}

/** MOVZ/MOVK words that set X[rd] to a 64-bit value. */
function movImm64(rd: number, v: bigint): number[] {
  v &= MASK64;
  const words: number[] = [];
  for (let hw = 0; hw < 4; hw++) {
    const part = Number((v >> BigInt(16 * hw)) & 0xffffn);
    if (words.length === 0) { if (part !== 0 || hw === 3 || (v >> BigInt(16 * (hw + 1))) === 0n) words.push(E.moveWide(1, 2, hw, part, rd)); }
    else if (part !== 0) words.push(E.moveWide(1, 3, hw, part, rd));
  }
  return words;
}

interface LdstVariant { size: number; opc: number; load: boolean; prfm?: boolean; }
const LDST_VARIANTS: readonly LdstVariant[] = [
  { size: 0, opc: 0, load: false }, { size: 0, opc: 1, load: true }, { size: 0, opc: 2, load: true }, { size: 0, opc: 3, load: true },
  { size: 1, opc: 0, load: false }, { size: 1, opc: 1, load: true }, { size: 1, opc: 2, load: true }, { size: 1, opc: 3, load: true },
  { size: 2, opc: 0, load: false }, { size: 2, opc: 1, load: true }, { size: 2, opc: 2, load: true },
  { size: 3, opc: 0, load: false }, { size: 3, opc: 1, load: true },
  { size: 3, opc: 0, load: false }, { size: 3, opc: 1, load: true },
];
const PRFM: LdstVariant = { size: 3, opc: 2, load: false, prfm: true };

const rt = (rng: Rng) => (rng.int(12) === 0 ? 31 : rng.pick(POOL));
/** A random address (offset into scratch) for an access of `bytes`, aligned to `align`. */
const addr = (rng: Rng, bytes: number, align = 1) => Math.floor(rng.int(SCRATCH_SIZE - bytes + 1) / align) * align;
const maybeAligned = (rng: Rng, bytes: number) => addr(rng, bytes, rng.bool(0.75) ? bytes : 1);

function mem(cls: ClassName, b: Base, pre: number[], preCls: ClassName[], w: number): Unit {
  return { cls, words: [...b.words, ...pre, w], wcls: [...b.wcls, ...preCls, cls] };
}

const GEN_MEM: Record<string, (rng: Rng) => Unit> = {
  ldst_uimm(rng) {
    const v = rng.int(20) === 0 ? PRFM : rng.pick(LDST_VARIANTS);
    const bytes = 1 << v.size;
    const A = maybeAligned(rng, bytes);
    // offset = imm12 << size; base = scratch + A - offset
    const maxImm = Math.floor(A / bytes);
    const imm = rng.bool(0.5) ? maxImm : rng.int(maxImm + 1);
    const k = A - imm * bytes;
    const t = v.prfm ? rng.int(32) : rt(rng);
    const b = base(rng, k, [], false);
    return mem('ldst_uimm', b, [], [], E.ldstUimm(v.size, v.opc, imm, b.reg, t));
  },
  ldst_unscaled(rng) {
    const unpriv = rng.bool(0.3);
    const v = !unpriv && rng.int(20) === 0 ? PRFM : rng.pick(LDST_VARIANTS);
    const bytes = 1 << v.size;
    const A = addr(rng, bytes);
    const imm9 = rng.range(Math.max(-256, A - 4095), Math.min(255, A));
    const b = base(rng, A - imm9, [], false);
    return mem('ldst_unscaled', b, [], [], E.ldstImm9(v.size, v.opc, imm9, unpriv ? 2 : 0, b.reg, v.prfm ? rng.int(32) : rt(rng)));
  },
  ldst_prepost(rng) {
    const v = rng.pick(LDST_VARIANTS);
    const bytes = 1 << v.size;
    const A = addr(rng, bytes);
    const pre = rng.bit();
    const t = rt(rng);
    let imm9: number, k: number;
    if (pre) { imm9 = rng.range(Math.max(-256, A - 4095), Math.min(255, A)); k = A - imm9; }
    else { imm9 = rng.range(-256, 255); k = A; }
    const b = base(rng, k, [t], true); // writeback: Rn != Rt
    return mem('ldst_prepost', b, [], [], E.ldstImm9(v.size, v.opc, imm9, pre ? 3 : 1, b.reg, t));
  },
  ldst_regoff(rng) {
    const v = rng.int(20) === 0 ? PRFM : rng.pick(LDST_VARIANTS);
    const bytes = 1 << v.size;
    const A = maybeAligned(rng, bytes);
    const option = rng.pick([2, 3, 6, 7]); // UXTW LSL SXTW SXTX
    const S = rng.bit(), shift = S ? v.size : 0;
    // index (after extension) idx, base k = A - (idx << shift) in [0, 4095]
    const lo = option === 2 ? 0 : -Math.floor((4095 - A) / (1 << shift));
    const hi = Math.floor(A / (1 << shift));
    const idx = rng.range(lo, hi);
    const k = A - idx * (1 << shift);
    const t = v.prfm ? rng.int(32) : rt(rng);
    const b = base(rng, k, [], false);
    const m = pickExcept(rng, [b.reg]);
    let xm = BigInt.asUintN(64, BigInt(idx));
    if (option === 2 || option === 6) xm = (xm & 0xffffffffn) | (rng.bool(0.5) ? BigInt(rng.u32()) << 32n : 0n); // W index: upper half ignored
    const setup = movImm64(m, xm);
    return mem('ldst_regoff', b, setup, setup.map(() => 'movewide' as ClassName), E.ldstReg(v.size, v.opc, m, option, S, b.reg, t));
  },
  ldst_pair(rng) {
    const opc = rng.pick([0, 1, 2, 2]);
    const L = opc === 1 ? 1 : rng.bit();
    const mode = opc === 1 ? rng.range(1, 3) : rng.int(4);
    const es = opc === 2 ? 8 : 4;
    const A = rng.bool(0.8) ? addr(rng, 2 * es, es) : addr(rng, 2 * es);
    let t1 = rt(rng), t2 = rt(rng);
    if (L) while (t2 === t1) t2 = rt(rng); // LDP Rt == Rt2 is CONSTRAINED UNPREDICTABLE
    const wb = mode === 1 || mode === 3;
    let imm7: number, k: number;
    if (mode === 1) { imm7 = rng.range(-64, 63); k = A; }
    else { imm7 = rng.range(Math.max(-64, Math.ceil((A - 4095) / es)), Math.min(63, Math.floor(A / es))); k = A - imm7 * es; }
    const b = base(rng, k, wb ? [t1, t2] : [], wb);
    return mem('ldst_pair', b, [], [], E.ldstPair(opc, mode, L, imm7, t2, b.reg, t1));
  },
  ldst_literal(rng) {
    const opc = rng.pick([0, 1, 2, 1, 3]);
    const bytes = opc === 0 || opc === 2 ? 4 : 8;
    const offset = 4 * rng.int((LITERAL_POOL_SIZE - bytes) / 4 + 1);
    const t = opc === 3 ? rng.int(32) : rt(rng);
    return { cls: 'ldst_literal', words: [E.ldrLit(opc, 0, t)], wcls: ['ldst_literal'], lits: [{ index: 0, offset }] };
  },
  ldst_ordered(rng) {
    const size = rng.int(4), bytes = 1 << size;
    const A = addr(rng, bytes, bytes);
    const t = rt(rng);
    const b = base(rng, A, [], false);
    const k = rng.int(3);
    const w = k === 0 ? E.ldstExcl(size, 1, 1, 0, 31, 1, 31, b.reg, t)   // LDAR
      : k === 1 ? E.ldstExcl(size, 1, 0, 0, 31, 1, 31, b.reg, t)         // STLR
      : E.atomic(size, 1, 0, 31, 1, 4, b.reg, t);                          // LDAPR
    return mem('ldst_ordered', b, [], [], w);
  },
  atomic(rng) {
    const size = rng.int(4), bytes = 1 << size;
    const A = addr(rng, bytes, bytes);
    const b = base(rng, A, [], false);
    const swp = rng.int(9) === 0;
    return mem('atomic', b, [], [], E.atomic(size, rng.bit(), rng.bit(), rt(rng), swp ? 1 : 0, swp ? 0 : rng.int(8), b.reg, rt(rng)));
  },
  cas(rng) {
    const L = rng.bit(), o0 = rng.bit();
    if (rng.bool(0.35)) {
      // CASP: Rs and Rt even (pairs Rs:Rs+1, Rt:Rt+1), never covering x28.
      const sz = rng.bit(), es = sz ? 8 : 4;
      const A = addr(rng, 2 * es, 2 * es);
      const s = 2 * rng.int(14), t = 2 * rng.int(15);
      const b = base(rng, A, [s, s + 1], false);
      const pre = rng.bool(0.5) ? [E.ldstPair(sz ? 2 : 0, 2, 1, 0, s + 1, b.reg, s)] : []; // make the compare succeed
      return mem('cas', b, pre, pre.map(() => 'ldst_pair' as ClassName), E.ldstExcl(sz, 0, L, 1, s, o0, 31, b.reg, t));
    }
    const size = rng.int(4), bytes = 1 << size;
    const A = addr(rng, bytes, bytes);
    const s = rt(rng);
    const b = base(rng, A, s === 31 ? [] : [s], false);
    const pre = s !== 31 && rng.bool(0.5) ? [E.ldstUimm(size, 1, 0, b.reg, s)] : [];
    return mem('cas', b, pre, pre.map(() => 'ldst_uimm' as ClassName), E.ldstExcl(size, 1, L, 1, s, o0, 31, b.reg, rt(rng)));
  },
  exclusive(rng) {
    const pair = rng.bool(0.3);
    const size = pair ? 2 + rng.bit() : rng.int(4);
    const bytes = (1 << size) * (pair ? 2 : 1);
    const A = addr(rng, bytes, bytes);
    const t1 = rt(rng);
    let t2 = pair ? rt(rng) : 31;
    if (pair) while (t2 === t1) t2 = rt(rng);
    const loadRegs = pair ? [t1, t2] : [t1];
    const b = base(rng, A, loadRegs, false);
    if (loadRegs.includes(b.reg)) throw new Error('internal: base overlaps load register');
    // Store registers (may be anything), status register distinct from Rt/Rt2/Rn of the store.
    const st1 = rt(rng), st2 = pair ? rt(rng) : 31;
    const ws = pickExcept(rng, [st1, st2, b.reg]);
    const la = rng.bit(), rl = rng.bit();
    const o1 = pair ? 1 : 0;
    const ldx = E.ldstExcl(size, 0, 1, o1, 31, la, pair ? t2 : 31, b.reg, t1);
    const stx = E.ldstExcl(size, 0, 0, o1, ws, rl, pair ? st2 : 31, b.reg, st1);
    if (rng.int(10) === 0) return mem('exclusive', b, [], [], stx); // no reservation: must fail (status 1)
    return { cls: 'exclusive', words: [...b.words, ldx, stx], wcls: [...b.wcls, 'exclusive', 'exclusive'] };
  },
};

function genBranch(rng: Rng): Unit {
  const filler = GEN_DP[rng.pick(SINGLE_WORD)](rng);
  const k = rng.int(10);
  let w: number;
  if (k < 4) w = E.bcond(2, rng.int(16));
  else if (k < 6) w = E.cb(rng.bit(), rng.bit(), 2, src(rng, false));
  else if (k < 8) { const bit = rng.int(64); w = E.tb(bit >> 5, rng.bit(), bit & 31, 2, src(rng, false)); }
  else if (k === 8) w = E.b(2);
  else w = E.bl(2);
  return { cls: 'branch', words: [w, filler.words[0]], wcls: ['branch', filler.wcls[0]] };
}

export function generateUnit(rng: Rng, cls: ClassName): Unit {
  if (cls === 'branch') return genBranch(rng);
  const g = GEN_DP[cls] ?? GEN_MEM[cls];
  if (!g) throw new Error(`no generator for class ${cls}`);
  return g(rng);
}

// ---------------------------------------------------------------- sequences

export interface Sequence {
  /** 'mixed' or the single class all units were drawn from. */
  primary: ClassName | 'mixed';
  units: Unit[];
  /** Initial X0..X30 (index 28 is replaced by the scratch address). */
  regs: bigint[];
  sp: bigint;
  nzcv: number;
  /** Byte offset into the shared scratch image this sequence's scratch contents are copied from. */
  imageOffset: number;
}

export function generateSequence(rng: Rng, classes: readonly ClassName[], minUnits = 8, maxUnits = 16): Sequence {
  const single = classes.length === 1 || rng.bool(0.7);
  const primary: ClassName | 'mixed' = classes.length === 1 ? classes[0] : single ? rng.pick(classes) : 'mixed';
  const n = rng.range(minUnits, maxUnits);
  const units: Unit[] = [];
  for (let i = 0; i < n; i++) units.push(generateUnit(rng, primary === 'mixed' ? rng.pick(classes) : primary));
  const regs: bigint[] = [];
  for (let i = 0; i < 31; i++) regs.push(randomValue(rng));
  return {
    primary, units, regs,
    sp: rng.bool(0.5) ? randomValue(rng) : BigInt(0x40000000 + 16 * rng.int(0x100000)),
    nzcv: rng.int(16) << 28,
    imageOffset: 8 * rng.int(SCRATCH_SIZE / 8 + 1),
  };
}

/** The shared scratch image (2 x 4 KiB so that sequences can start anywhere in the first half). */
export function makeImage(rng: Rng): Uint8Array {
  const img = new Uint8Array(2 * SCRATCH_SIZE);
  const dv = new DataView(img.buffer);
  for (let i = 0; i < img.length; i += 8) {
    const v = rng.int(4) === 0 ? randomValue(rng) : rng.u64();
    dv.setBigUint64(i, v, true);
  }
  return img;
}

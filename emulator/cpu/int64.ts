// 64-bit arithmetic on pairs of 32-bit halves.
// The interpreter keeps registers as int32 halves (lo, hi) because V8 runs that
// several times faster than BigInt in generic code (shared/research/emulator-anchors.md §5).
// Functions that produce a 64-bit value return the low half and leave the high half in `out.hi`.

export const out = { hi: 0 };

export const TWO32 = 4294967296;

/** Unsigned 32x32 -> 64 multiply; returns low half, high half in out.hi. */
export function umul32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  out.hi = (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
  return ((mid << 16) | (p00 & 0xffff)) | 0;
}

/** Signed 32x32 -> 64 multiply. */
export function smul32(a: number, b: number): number {
  const lo = umul32(a, b);
  let hi = out.hi;
  if (a < 0) hi = (hi - b) | 0;
  if (b < 0) hi = (hi - a) | 0;
  out.hi = hi;
  return lo;
}

/** 64x64 -> low 64 multiply. */
export function mul64(aLo: number, aHi: number, bLo: number, bHi: number): number {
  const lo = umul32(aLo, bLo);
  out.hi = (out.hi + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) | 0;
  return lo;
}

export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function toBigSigned(lo: number, hi: number): bigint {
  return (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
}

/** Splits a bigint (taken mod 2^64) into halves: returns lo, hi in out.hi. */
export function fromBig(v: bigint): number {
  out.hi = Number((v >> 32n) & 0xffffffffn) | 0;
  return Number(v & 0xffffffffn) | 0;
}

/** Unsigned value of a pair as a JS number; exact only below 2^53. */
export function toNumber(lo: number, hi: number): number {
  return (hi >>> 0) * TWO32 + (lo >>> 0);
}

export function shl64(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) { out.hi = hi; return lo; }
  if (n < 32) { out.hi = (hi << n) | (lo >>> (32 - n)); return lo << n; }
  out.hi = lo << (n - 32);
  return 0;
}

export function lsr64(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) { out.hi = hi; return lo; }
  if (n < 32) { out.hi = hi >>> n; return (lo >>> n) | (hi << (32 - n)); }
  out.hi = 0;
  return hi >>> (n - 32);
}

export function asr64(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) { out.hi = hi; return lo; }
  if (n < 32) { out.hi = hi >> n; return (lo >>> n) | (hi << (32 - n)); }
  out.hi = hi >> 31;
  return hi >> (n - 32);
}

export function ror64(lo: number, hi: number, n: number): number {
  n &= 63;
  if (n === 0) { out.hi = hi; return lo; }
  if (n === 32) { out.hi = lo; return hi; }
  if (n < 32) { out.hi = (hi >>> n) | (lo << (32 - n)); return (lo >>> n) | (hi << (32 - n)); }
  const m = n - 32;
  out.hi = (lo >>> m) | (hi << (32 - m));
  return (hi >>> m) | (lo << (32 - m));
}

export function ror32(v: number, n: number): number {
  n &= 31;
  return n === 0 ? v | 0 : (v >>> n) | (v << (32 - n));
}

export function clz64(lo: number, hi: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

export function rbit32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return (v >>> 16) | (v << 16);
}

export function bswap32(v: number): number {
  return ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24)) | 0;
}

export function bswap16x2(v: number): number {
  return (((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8)) | 0;
}

/** Mask with the low n bits set (n in 0..64), as a pair. */
export function ones64(n: number): number {
  if (n >= 64) { out.hi = -1; return -1; }
  if (n >= 32) { out.hi = n === 32 ? 0 : (-1 >>> (64 - n)); return -1; }
  out.hi = 0;
  return n === 0 ? 0 : (-1 >>> (32 - n));
}

export function hex64(lo: number, hi: number): string {
  return '0x' + (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

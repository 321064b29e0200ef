// Small helpers shared by the MMIO device models.

/** Byte-swaps the low `size` bytes of `v` (size 1, 2, 4 or 8). */
export function bswap(v: bigint, size: number): bigint {
  let r = 0n;
  for (let i = 0; i < size; i++) {
    r = (r << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  }
  return r;
}

/** The bytes a little-endian CPU store of `value` (size bytes) puts in memory. */
export function toLeBytes(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** The value a little-endian CPU load of these bytes returns. */
export function fromLeBytes(bytes: ArrayLike<number>): bigint {
  let r = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) r = (r << 8n) | BigInt(bytes[i] & 0xff);
  return r;
}

/**
 * For devices made of 32-bit registers (PrimeCell peripherals, GIC): performs an access of
 * `size` bytes through a 32-bit register read function. 8-byte accesses are split into two
 * 32-bit accesses (lower address first), as QEMU's memory core does for devices whose
 * maximum access size is 4. Narrower accesses return the low bits of the register selected
 * by offset & ~3 (QEMU's PrimeCell models switch on offset >> 2 and do not shift).
 */
export function read32Split(offset: number, size: number, read32: (off: number) => number): bigint {
  if (size === 8) {
    const lo = BigInt(read32(offset) >>> 0);
    const hi = BigInt(read32(offset + 4) >>> 0);
    return (hi << 32n) | lo;
  }
  const v = BigInt(read32(offset & ~3) >>> 0);
  return size === 4 ? v : v & ((1n << BigInt(8 * size)) - 1n);
}

export function write32Split(offset: number, size: number, value: bigint, write32: (off: number, v: number) => void): void {
  if (size === 8) {
    write32(offset, Number(value & 0xffffffffn));
    write32(offset + 4, Number((value >> 32n) & 0xffffffffn));
    return;
  }
  write32(offset & ~3, Number(value & 0xffffffffn));
}

/** PrimeCell peripheral/cell ID registers at 0xFE0-0xFFC: returns the byte or undefined. */
export function primeCellId(offset: number, ids: readonly number[]): number | undefined {
  if (offset >= 0xfe0 && offset < 0x1000) return ids[(offset - 0xfe0) >> 2];
  return undefined;
}

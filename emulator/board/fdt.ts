// Flattened device tree (DTB) writer, format version 17 (last compatible version 16), as
// specified by the Devicetree Specification v0.4, chapter 5 "Flattened Devicetree (DTB) Format":
//   header (40 bytes, big-endian u32s) | memory reservation block (8-byte aligned, pairs of
//   u64 address/size ending with 0/0) | structure block (4-byte aligned tokens) | strings block.
// Each property name is stored once in the strings block (exact names are shared, as libfdt's
// sequential-write mode does).

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 0x1;
const FDT_END_NODE = 0x2;
const FDT_PROP = 0x3;
const FDT_END = 0x9;
const HEADER_SIZE = 40;

/** A property value: raw bytes, a string, a string list, or u32 cells. */
export type FdtValue = Uint8Array | string | string[] | number[];

const enc = new TextEncoder();

/** Encodes u32 cells big-endian. */
export function fdtCells(cells: number[]): Uint8Array {
  const out = new Uint8Array(cells.length * 4);
  const dv = new DataView(out.buffer);
  cells.forEach((c, i) => dv.setUint32(4 * i, c >>> 0, false));
  return out;
}

/** Encodes u64 values as pairs of big-endian cells. */
export function fdtU64(values: (number | bigint)[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setBigUint64(8 * i, BigInt(v), false));
  return out;
}

function encodeValue(value: FdtValue): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return enc.encode(value + '\0');
  if (value.length === 0) return new Uint8Array(0);
  if (typeof value[0] === 'string') return enc.encode((value as string[]).map(s => s + '\0').join(''));
  return fdtCells(value as number[]);
}

class ByteSink {
  private buf = new Uint8Array(4096);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const nb = new Uint8Array(size);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
  }
  u32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0, false);
    this.length += 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.ensure(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export class FdtBuilder {
  private readonly struct = new ByteSink();
  private readonly strings = new ByteSink();
  private readonly stringOffsets = new Map<string, number>();
  /** Where each property's name offset sits in the structure block (to reorder the strings). */
  private readonly nameRefs: { pos: number; name: string }[] = [];
  private readonly reservations: { address: bigint; size: bigint }[] = [];
  private depth = 0;
  private finished = false;
  bootCpuidPhys = 0;

  /** Adds an entry to the memory reservation block. */
  reserveMemory(address: number | bigint, size: number | bigint): this {
    this.reservations.push({ address: BigInt(address), size: BigInt(size) });
    return this;
  }

  /** Opens a node; the root node's name is "". */
  beginNode(name: string): this {
    this.checkOpen();
    if (this.depth === 0 && name !== '') throw new Error('the first node must be the root node ""');
    this.struct.u32(FDT_BEGIN_NODE);
    this.struct.bytes(enc.encode(name + '\0'));
    this.struct.align(4);
    this.depth++;
    return this;
  }

  endNode(): this {
    this.checkOpen();
    if (this.depth === 0) throw new Error('endNode without beginNode');
    this.struct.u32(FDT_END_NODE);
    this.depth--;
    return this;
  }

  /** Adds a property to the open node. An empty array or empty Uint8Array gives an empty (boolean) property. */
  property(name: string, value: FdtValue = new Uint8Array(0)): this {
    this.checkOpen();
    if (this.depth === 0) throw new Error('property outside a node');
    const data = encodeValue(value);
    this.struct.u32(FDT_PROP);
    this.struct.u32(data.length);
    this.nameRefs.push({ pos: this.struct.length, name });
    this.struct.u32(this.stringOffset(name));
    this.struct.bytes(data);
    this.struct.align(4);
    return this;
  }

  /** A property of u64 values (two cells each), e.g. reg with #address-cells = #size-cells = 2. */
  propertyU64(name: string, values: (number | bigint)[]): this {
    return this.property(name, fdtU64(values));
  }

  private stringOffset(name: string): number {
    let off = this.stringOffsets.get(name);
    if (off === undefined) {
      off = this.strings.length;
      this.strings.bytes(enc.encode(name + '\0'));
      this.stringOffsets.set(name, off);
    }
    return off;
  }

  private checkOpen(): void {
    if (this.finished) throw new Error('FdtBuilder already finished');
  }

  /** Closes the structure block and returns the blob. With `libfdt`, the blob is laid out as
   *  QEMU's libfdt-built trees are: the reservation block 16-byte aligned (at 0x30), the
   *  strings in `stringOrder` (QEMU's first-use order; names not listed follow in first-use
   *  order), and a `totalSize`-byte blob with free space after the strings (QEMU: 1 MiB). */
  finish(libfdt?: { totalSize: number; stringOrder: readonly string[] }): Uint8Array {
    this.checkOpen();
    if (this.depth !== 0) throw new Error(`${this.depth} node(s) still open`);
    this.struct.u32(FDT_END);
    this.finished = true;
    if (libfdt) return this.finishLibfdt(libfdt.totalSize, libfdt.stringOrder);

    const rsvOff = HEADER_SIZE; // already 8-byte aligned
    const rsvSize = 16 * (this.reservations.length + 1);
    const structOff = rsvOff + rsvSize;
    const structSize = this.struct.length;
    const stringsOff = structOff + structSize;
    const stringsSize = this.strings.length;
    const total = stringsOff + stringsSize;

    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    const header = [FDT_MAGIC, total, structOff, stringsOff, rsvOff, 17, 16, this.bootCpuidPhys, stringsSize, structSize];
    header.forEach((v, i) => dv.setUint32(4 * i, v >>> 0, false));
    this.reservations.forEach((r, i) => {
      dv.setBigUint64(rsvOff + 16 * i, r.address, false);
      dv.setBigUint64(rsvOff + 16 * i + 8, r.size, false);
    });
    out.set(this.struct.result(), structOff);
    out.set(this.strings.result(), stringsOff);
    return out;
  }

  private finishLibfdt(totalSize: number, order: readonly string[]): Uint8Array {
    const used = [...this.stringOffsets.keys()];
    const rank = (n: string) => { const i = order.indexOf(n); return i < 0 ? order.length + used.indexOf(n) : i; };
    used.sort((a, b) => rank(a) - rank(b));
    const offsets = new Map<string, number>();
    const strings = new ByteSink();
    for (const n of used) { offsets.set(n, strings.length); strings.bytes(enc.encode(n + '\0')); }
    const struct = this.struct.result();
    const sdv = new DataView(struct.buffer);
    for (const r of this.nameRefs) sdv.setUint32(r.pos, offsets.get(r.name)!, false);

    const rsvOff = Math.ceil(HEADER_SIZE / 16) * 16;
    const structOff = rsvOff + 16 * (this.reservations.length + 1);
    const stringsOff = structOff + struct.length;
    const stringsSize = strings.length;
    if (stringsOff + stringsSize > totalSize) throw new Error(`device tree of ${stringsOff + stringsSize} bytes exceeds ${totalSize}`);
    const out = new Uint8Array(totalSize);
    const dv = new DataView(out.buffer);
    const header = [FDT_MAGIC, totalSize, structOff, stringsOff, rsvOff, 17, 16, this.bootCpuidPhys, stringsSize, struct.length];
    header.forEach((v, i) => dv.setUint32(4 * i, v >>> 0, false));
    this.reservations.forEach((r, i) => {
      dv.setBigUint64(rsvOff + 16 * i, r.address, false);
      dv.setBigUint64(rsvOff + 16 * i + 8, r.size, false);
    });
    out.set(struct, structOff);
    out.set(strings.result(), stringsOff);
    return out;
  }
}

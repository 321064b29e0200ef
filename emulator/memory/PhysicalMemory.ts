// The guest-physical address space: RAM regions (allocated lazily in chunks, so untouched
// guest RAM costs no host memory) and memory-mapped devices. Addresses are JS numbers
// (physical addresses are at most 52 bits wide, so they are exact).

/** A memory-mapped device. Offsets are relative to the device's base; size is 1, 2, 4 or 8.
 *  `read` returns undefined when the device answers with a bus error (an external abort). */
export interface MmioDevice {
  readonly name: string;
  read(offset: number, size: number): bigint | undefined;
  /** Returns false when the device answers with a bus error. */
  write(offset: number, size: number, value: bigint): boolean | void;
}

/** Memory that the host can map straight into the CPU's TLB (RAM, or flash in read-array mode). */
export interface HostPage {
  view: DataView;
  offset: number;   // offset of the 4 KiB page inside view
  writable: boolean;
}

export const CHUNK_SHIFT = 16;
export const CHUNK_SIZE = 1 << CHUNK_SHIFT;

export class RamRegion {
  private readonly chunks: (DataView | undefined)[];
  touchedChunks = 0;
  constructor(readonly name: string, readonly base: number, readonly size: number, public readOnly = false) {
    this.chunks = new Array(Math.ceil(size / CHUNK_SIZE));
  }
  /** The chunk holding `offset`, allocated (zero-filled) on first use. */
  chunk(offset: number): DataView {
    const i = Math.floor(offset / CHUNK_SIZE);
    let c = this.chunks[i];
    if (!c) {
      c = new DataView(new ArrayBuffer(Math.min(CHUNK_SIZE, this.size - i * CHUNK_SIZE)));
      this.chunks[i] = c;
      this.touchedChunks++;
    }
    return c;
  }
  isTouched(offset: number): boolean {
    return this.chunks[Math.floor(offset / CHUNK_SIZE)] !== undefined;
  }
  get hostBytes(): number { return this.touchedChunks * CHUNK_SIZE; }
}

interface Mapping {
  base: number;
  end: number;   // exclusive
  ram?: RamRegion;
  device?: MmioDevice;
  /** Optional: a device that can expose host pages (flash in read-array mode). */
  pager?: (offset: number) => HostPage | undefined;
}

export class PhysicalMemory {
  private maps: Mapping[] = [];
  /** Called when host-page mappings change (e.g. flash leaving read-array mode): CPUs flush their TLBs. */
  private mapListeners: (() => void)[] = [];

  onMappingChange(listener: () => void): void { this.mapListeners.push(listener); }
  mappingChanged(): void { for (const l of this.mapListeners) l(); }

  addRam(name: string, base: number, size: number, readOnly = false): RamRegion {
    const ram = new RamRegion(name, base, size, readOnly);
    this.insert({ base, end: base + size, ram });
    return ram;
  }

  addDevice(base: number, size: number, device: MmioDevice, pager?: (offset: number) => HostPage | undefined): void {
    this.insert({ base, end: base + size, device, pager });
  }

  /** Unmaps a device added with addDevice (the board does this to rewire itself for a boot
   *  mode, as QEMU's virt does at machine creation). Returns whether it was mapped. */
  removeDevice(device: MmioDevice): boolean {
    const n = this.maps.length;
    this.maps = this.maps.filter(m => m.device !== device);
    if (this.maps.length === n) return false;
    this.mappingChanged();
    return true;
  }

  /** Whether a device is mapped, and where. */
  deviceBase(device: MmioDevice): number | undefined {
    return this.maps.find(m => m.device === device)?.base;
  }

  private insert(m: Mapping): void {
    for (const o of this.maps) {
      if (m.base < o.end && o.base < m.end) {
        throw new Error(`physical map overlap: ${m.ram?.name ?? m.device?.name} at 0x${m.base.toString(16)} overlaps ${o.ram?.name ?? o.device?.name}`);
      }
    }
    this.maps.push(m);
    this.maps.sort((a, b) => a.base - b.base);
  }

  find(pa: number): Mapping | undefined {
    const maps = this.maps;
    let lo = 0, hi = maps.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = maps[mid];
      if (pa < m.base) hi = mid - 1;
      else if (pa >= m.end) lo = mid + 1;
      else return m;
    }
    return undefined;
  }

  /** The host page backing the 4 KiB physical page at `pa` (page-aligned), or undefined for MMIO/nothing. */
  hostPage(pa: number): HostPage | undefined {
    const m = this.find(pa);
    if (!m) return undefined;
    if (m.ram) {
      const off = pa - m.base;
      if (off + 4096 > m.ram.size) return undefined;
      return { view: m.ram.chunk(off), offset: off % CHUNK_SIZE, writable: !m.ram.readOnly };
    }
    return m.pager ? m.pager(pa - m.base) : undefined;
  }

  /** Slow-path read; undefined means nothing answered (bus error). */
  read(pa: number, size: number): bigint | undefined {
    const m = this.find(pa);
    if (!m || pa + size > m.end) return undefined;
    if (m.ram) {
      const off = pa - m.base;
      const v = m.ram.chunk(off);
      const o = off % CHUNK_SIZE;
      if (o + size > CHUNK_SIZE) {
        let r = 0n;
        for (let i = size - 1; i >= 0; i--) r = (r << 8n) | BigInt(this.read(pa + i, 1) as bigint);
        return r;
      }
      switch (size) {
        case 1: return BigInt(v.getUint8(o));
        case 2: return BigInt(v.getUint16(o, true));
        case 4: return BigInt(v.getUint32(o, true));
        default: return v.getBigUint64(o, true);
      }
    }
    return m.device!.read(pa - m.base, size);
  }

  /** Slow-path write; returns false when nothing answered (bus error). */
  write(pa: number, size: number, value: bigint): boolean {
    const m = this.find(pa);
    if (!m || pa + size > m.end) return false;
    if (m.ram) {
      if (m.ram.readOnly) return true; // writes to ROM are ignored, as on QEMU's ROM regions
      const off = pa - m.base;
      const v = m.ram.chunk(off);
      const o = off % CHUNK_SIZE;
      if (o + size > CHUNK_SIZE) {
        for (let i = 0; i < size; i++) this.write(pa + i, 1, (value >> BigInt(8 * i)) & 0xffn);
        return true;
      }
      switch (size) {
        case 1: v.setUint8(o, Number(value & 0xffn)); break;
        case 2: v.setUint16(o, Number(value & 0xffffn), true); break;
        case 4: v.setUint32(o, Number(value & 0xffffffffn), true); break;
        default: v.setBigUint64(o, BigInt.asUintN(64, value), true); break;
      }
      return true;
    }
    return m.device!.write(pa - m.base, size, BigInt.asUintN(size * 8, value)) !== false;
  }

  /** Copies bytes into guest-physical memory (loaders, DMA). Throws if the range is not RAM. */
  writeBytes(pa: number, bytes: Uint8Array): void {
    let i = 0;
    while (i < bytes.length) {
      const m = this.find(pa + i);
      if (!m || !m.ram) throw new Error(`no RAM at physical address 0x${(pa + i).toString(16)}`);
      const off = pa + i - m.base;
      const v = m.ram.chunk(off);
      const o = off % CHUNK_SIZE;
      const n = Math.min(bytes.length - i, CHUNK_SIZE - o, m.end - (pa + i));
      new Uint8Array(v.buffer, v.byteOffset + o, n).set(bytes.subarray(i, i + n));
      i += n;
    }
  }

  /** Reads bytes from guest-physical RAM (debugger, DMA); undefined if any byte is not RAM. */
  readBytes(pa: number, length: number): Uint8Array | undefined {
    const out = new Uint8Array(length);
    let i = 0;
    while (i < length) {
      const m = this.find(pa + i);
      if (!m || !m.ram) return undefined;
      const off = pa + i - m.base;
      const o = off % CHUNK_SIZE;
      const n = Math.min(length - i, CHUNK_SIZE - o, m.end - (pa + i));
      if (m.ram.isTouched(off)) {
        const v = m.ram.chunk(off);
        out.set(new Uint8Array(v.buffer, v.byteOffset + o, n), i);
      }
      i += n;
    }
    return out;
  }

  ramRegions(): RamRegion[] {
    return this.maps.filter(m => m.ram).map(m => m.ram!);
  }

  /** Host memory used by guest RAM so far. */
  get hostRamBytes(): number {
    return this.ramRegions().reduce((s, r) => s + r.hostBytes, 0);
  }
}

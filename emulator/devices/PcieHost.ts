// QEMU's generic PCI Express host ("gpex-pcihost", hw/pci-host/gpex.c) as the virt board
// wires it with highmem on: the ECAM window that firmware uses is the high one,
// 0x40_1000_0000, 256 MiB (buses 0-255; the DT node "pcie@10000000" names it). ECAM layout
// (PCI Express Base Specification, "Enhanced Configuration Access Mechanism"):
//   offset = bus << 20 | device << 15 | function << 12 | register, 4 KiB per function.
// Only 00:00.0 exists: the host bridge function "gpex-root", a conventional PCI function:
//   vendor 0x1b36 (Red Hat), device 0x0008, revision 0, class 0x060000 (host bridge),
//   header type 0x00, no BARs, no capabilities, no interrupt pin, subsystem 0x1af4:0x1100
//   (QEMU's default subsystem IDs). As for every QEMU PCI function the writable bits are:
//   Command bits IO, Memory, Bus Master, SERR#, Interrupt Disable (mask 0x0507), Cache Line
//   Size, Interrupt Line, and the whole device-specific area 0x40-0xFF; Status error bits are
//   write-one-to-clear (none is ever set here). Its configuration space is 256 bytes, so reads
//   of 0x100-0xFFF return all ones and writes there are ignored (QEMU's config-size limit).
// Absent functions (every other bus/device/function) read as all ones, writes are ignored.
// Accesses of 1, 2 or 4 bytes; an 8-byte access is performed as two 4-byte ones.
//
// The PIO window (0x3EFF_0000, 64 KiB) and MMIO windows (0x1000_0000 .. 0x3EFE_FFFF and
// 0x80_0000_0000, 512 GiB) hold no BARs: since QEMU 6.1 gpex's "allow-unmapped-accesses"
// makes unmapped parts of both windows read as all ones and ignore writes (no abort).
// PciWindow models that.

import type { MmioDevice } from '../memory/PhysicalMemory';

export const PCIE_ECAM_BASE = 0x40_1000_0000;
export const PCIE_ECAM_SIZE = 0x1000_0000;
export const PCIE_PIO_BASE = 0x3eff_0000;
export const PCIE_PIO_SIZE = 0x1_0000;
export const PCIE_MMIO_BASE = 0x1000_0000;
export const PCIE_MMIO_SIZE = 0x2eff_0000;
export const PCIE_HIGH_MMIO_BASE = 0x80_0000_0000;
export const PCIE_HIGH_MMIO_SIZE = 0x80_0000_0000;

const CONFIG_SIZE = 256; // conventional PCI function
const PCI_COMMAND = 0x04;
const PCI_STATUS = 0x06;
const PCI_CACHE_LINE_SIZE = 0x0c;
const PCI_INTERRUPT_LINE = 0x3c;

/** Configuration space of one function with its write and write-one-to-clear masks. */
export class PciFunctionConfig {
  readonly config = new Uint8Array(CONFIG_SIZE);
  readonly wmask = new Uint8Array(CONFIG_SIZE);
  readonly w1cmask = new Uint8Array(CONFIG_SIZE);

  constructor(init: { vendor: number; device: number; revision: number; classCode: number; headerType?: number; subVendor?: number; subDevice?: number }) {
    const c = new DataView(this.config.buffer);
    c.setUint16(0x00, init.vendor, true);
    c.setUint16(0x02, init.device, true);
    c.setUint8(0x08, init.revision);
    c.setUint8(0x09, init.classCode & 0xff);
    c.setUint16(0x0a, (init.classCode >> 8) & 0xffff, true);
    c.setUint8(0x0e, init.headerType ?? 0);
    c.setUint16(0x2c, init.subVendor ?? 0x1af4, true);
    c.setUint16(0x2e, init.subDevice ?? 0x1100, true);
    const w = new DataView(this.wmask.buffer);
    w.setUint16(PCI_COMMAND, 0x0507, true); // IO | MEMORY | MASTER | SERR | INTX_DISABLE
    this.wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    this.wmask[PCI_INTERRUPT_LINE] = 0xff;
    this.wmask.fill(0xff, 0x40, CONFIG_SIZE);
    // Status: detected parity, signalled system error, received master/target abort,
    // signalled target abort, master data parity error.
    new DataView(this.w1cmask.buffer).setUint16(PCI_STATUS, 0xf900, true);
  }

  read(reg: number, size: number): number {
    if (reg >= CONFIG_SIZE) return size === 4 ? 0xffffffff : (1 << (8 * size)) - 1;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v * 256) + (reg + i < CONFIG_SIZE ? this.config[reg + i] : 0xff);
    return v >>> 0;
  }

  write(reg: number, size: number, value: number): void {
    for (let i = 0; i < size; i++) {
      const a = reg + i;
      if (a >= CONFIG_SIZE) return;
      const b = (value >>> (8 * i)) & 0xff;
      const wm = this.wmask[a], w1c = this.w1cmask[a];
      this.config[a] = ((this.config[a] & ~wm) | (b & wm)) & ~(b & w1c) & 0xff;
    }
  }
}

export class PcieEcam implements MmioDevice {
  readonly name = 'pcie-ecam';
  /** Functions present, keyed by bus << 8 | device << 3 | function. */
  readonly functions = new Map<number, PciFunctionConfig>();

  constructor() {
    this.functions.set(0, new PciFunctionConfig({ vendor: 0x1b36, device: 0x0008, revision: 0, classCode: 0x060000 }));
  }

  get hostBridge(): PciFunctionConfig {
    return this.functions.get(0)!;
  }

  private fn(offset: number): PciFunctionConfig | undefined {
    return this.functions.get(Math.floor(offset / 4096) & 0xffff);
  }

  read(offset: number, size: number): bigint {
    if (size === 8) return (this.read(offset + 4, 4) << 32n) | this.read(offset, 4);
    const f = this.fn(offset);
    if (!f) return (1n << BigInt(8 * size)) - 1n;
    return BigInt(f.read(offset & 0xfff, size));
  }

  write(offset: number, size: number, value: bigint): boolean {
    if (size === 8) {
      this.write(offset, 4, value & 0xffffffffn);
      this.write(offset + 4, 4, value >> 32n);
      return true;
    }
    this.fn(offset)?.write(offset & 0xfff, size, Number(value & 0xffffffffn));
    return true;
  }
}

/** A PCI MMIO or I/O window with nothing mapped: reads return all ones, writes are ignored. */
export class PciWindow implements MmioDevice {
  constructor(readonly name: string) {}
  read(_offset: number, size: number): bigint {
    return (1n << BigInt(8 * size)) - 1n;
  }
  write(): boolean {
    return true;
  }
}

/** The gpex host: its ECAM window and the (empty) MMIO and I/O windows. */
export class PcieHost {
  readonly ecam = new PcieEcam();
  /** Serves both MMIO windows (32-bit and 64-bit); nothing is mapped in them. */
  readonly mmioWindow = new PciWindow('pcie-mmio');
  readonly pioWindow = new PciWindow('pcie-pio');
}

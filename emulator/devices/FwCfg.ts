// QEMU firmware configuration device, MMIO flavour ("qemu,fw-cfg-mmio"), as on QEMU's virt
// board at 0x0902_0000 (size 0x18). Interface from QEMU's docs/specs/fw_cfg.rst:
//
//   +0x00  data      1/2/4/8-byte reads return the next bytes of the selected item in string
//                    order: the bytes land in memory (a little-endian load of them is the
//                    value returned here) exactly as they are in the item; past the end of
//                    the item the data reads as zero. Writes are ignored (QEMU >= 2.4).
//   +0x08  selector  16-bit, big-endian: an `strh` of bswap16(key) selects `key` and rewinds.
//   +0x10  DMA       64-bit big-endian guest-physical address of an FWCfgDmaAccess: a 64-bit
//                    write at +0x10, or a 32-bit write of the low half at +0x14 (after the high
//                    half at +0x10), starts the transfer. Reads return "QEMU CFG" (the DMA
//                    signature) in memory byte order.
//
// FWCfgDmaAccess (all big-endian): u32 control, u32 length, u64 address. Control bits:
// ERROR 0x01, READ 0x02, SKIP 0x04, SELECT 0x08 (selector in bits 31:16), WRITE 0x10. READ
// takes precedence over WRITE over SKIP; with none of them only the select happens. Reading
// past the end of an item (or from a missing item) fills the buffer with zeros; writing fails
// (no item here is writable, as none is on QEMU's virt without vmgenid). When done the device
// stores the result (0, or ERROR) into the control field.
//
// Items QEMU 7.2's virt machine offers with no -kernel and no devices (fw_cfg_common_realize,
// fw_cfg_reboot, fw_cfg_machine_reset, virt.c create_fw_cfg):
//   0x0000 SIGNATURE "QEMU"; 0x0001 ID = 3 (traditional + DMA, u32 LE); 0x0002 UUID (16 zero
//   bytes); 0x0004 NOGRAPHIC (u16 LE; 1 here, as with -nographic); 0x0005 NB_CPUS (u16 LE = 1);
//   0x000e BOOT_MENU (u16 LE = 0); 0x0019 FILE_DIR.
// Files (sorted by name, selectors from 0x0020 in that order, as QEMU assigns them):
//   "bios-geometry" (empty), "bootorder" (empty: no bootable devices), "etc/boot-fail-wait"
//   (u32 LE 0xFFFFFFFF: no -boot reboot-timeout).
// QEMU also offers "etc/acpi/rsdp", "etc/acpi/tables", "etc/table-loader", "etc/tpm/log" (ACPI,
// virt_acpi_setup) and "etc/smbios/smbios-anchor", "etc/smbios/smbios-tables"; they are not in
// the default list because nothing generates them yet. Without "etc/table-loader" EDK2's
// ArmVirtQemu hands the OS the device tree instead of ACPI. Pass `files` to add them.
// Items that are not present (e.g. NUMA 0x000d, which QEMU only offers on x86) read as zeros.
// The -kernel/-initrd/-append items (KERNEL_SIZE/DATA 0x08/0x11, INITRD_SIZE/DATA 0x0b/0x12,
// CMDLINE_SIZE/DATA 0x14/0x15) are set with setKernelItems(), as hw/arm/boot.c does when
// firmware is loaded together with a kernel (the caller decompresses a gzip'd kernel first).

import type { MmioDevice } from '../memory/PhysicalMemory';
import { bswap, fromLeBytes, toLeBytes } from './mmioUtil';

export const FW_CFG_SIGNATURE = 0x0000;
export const FW_CFG_ID = 0x0001;
export const FW_CFG_UUID = 0x0002;
export const FW_CFG_RAM_SIZE = 0x0003;
export const FW_CFG_NOGRAPHIC = 0x0004;
export const FW_CFG_NB_CPUS = 0x0005;
export const FW_CFG_MACHINE_ID = 0x0006;
export const FW_CFG_KERNEL_ADDR = 0x0007;
export const FW_CFG_KERNEL_SIZE = 0x0008;
export const FW_CFG_KERNEL_CMDLINE = 0x0009;
export const FW_CFG_INITRD_ADDR = 0x000a;
export const FW_CFG_INITRD_SIZE = 0x000b;
export const FW_CFG_BOOT_DEVICE = 0x000c;
export const FW_CFG_NUMA = 0x000d;
export const FW_CFG_BOOT_MENU = 0x000e;
export const FW_CFG_MAX_CPUS = 0x000f;
export const FW_CFG_KERNEL_ENTRY = 0x0010;
export const FW_CFG_KERNEL_DATA = 0x0011;
export const FW_CFG_INITRD_DATA = 0x0012;
export const FW_CFG_CMDLINE_ADDR = 0x0013;
export const FW_CFG_CMDLINE_SIZE = 0x0014;
export const FW_CFG_CMDLINE_DATA = 0x0015;
export const FW_CFG_SETUP_ADDR = 0x0016;
export const FW_CFG_SETUP_SIZE = 0x0017;
export const FW_CFG_SETUP_DATA = 0x0018;
export const FW_CFG_FILE_DIR = 0x0019;
export const FW_CFG_FILE_FIRST = 0x0020;
/** QEMU's default number of file slots: selectors at or above 0x20 + 0x20 are invalid. */
export const FW_CFG_FILE_SLOTS = 0x0020;
const FW_CFG_ENTRY_MASK = 0x3fff; // without the write-channel (0x4000) and arch-local (0x8000) bits
const FW_CFG_ARCH_LOCAL = 0x8000;

export const FW_CFG_DMA_CTL_ERROR = 0x01;
export const FW_CFG_DMA_CTL_READ = 0x02;
export const FW_CFG_DMA_CTL_SKIP = 0x04;
export const FW_CFG_DMA_CTL_SELECT = 0x08;
export const FW_CFG_DMA_CTL_WRITE = 0x10;

/** "QEMU CFG" as a big-endian u64. */
export const FW_CFG_DMA_SIGNATURE = 0x51454d5520434647n;

export interface FwCfgFile {
  name: string;
  data: Uint8Array;
}

export interface FwCfgDma {
  read(pa: number, len: number): Uint8Array | undefined;
  write(pa: number, bytes: Uint8Array): boolean;
}

export interface FwCfgOptions {
  dma?: FwCfgDma;
  /** The file directory; default: the files QEMU 7.2 virt offers with no devices (see above). */
  files?: FwCfgFile[];
  nbCpus?: number;
  nographic?: boolean;
  /** Accepted but not exposed: QEMU's virt does not offer FW_CFG_RAM_SIZE (0x0003); firmware
   *  learns the RAM size from the device tree. */
  ramSize?: number;
}

const enc = new TextEncoder();

function u16le(v: number): Uint8Array {
  return new Uint8Array([v & 0xff, (v >> 8) & 0xff]);
}
function u32le(v: number): Uint8Array {
  return new Uint8Array([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff]);
}

export function defaultFwCfgFiles(): FwCfgFile[] {
  return [
    { name: 'bios-geometry', data: new Uint8Array(0) },
    { name: 'bootorder', data: new Uint8Array(0) },
    { name: 'etc/boot-fail-wait', data: u32le(0xffffffff) },
  ];
}

export class FwCfg implements MmioDevice {
  readonly name = 'fw_cfg';
  private readonly items = new Map<number, Uint8Array>();
  private files: FwCfgFile[] = [];
  private curKey = -1; // -1: invalid selection
  private curOffset = 0;
  private dmaAddr = 0n;
  private readonly dma: FwCfgDma | undefined;

  constructor(opts: FwCfgOptions = {}) {
    this.dma = opts.dma;
    this.items.set(FW_CFG_SIGNATURE, enc.encode('QEMU'));
    this.items.set(FW_CFG_ID, u32le(this.dma ? 3 : 1));
    this.items.set(FW_CFG_UUID, new Uint8Array(16));
    this.items.set(FW_CFG_NOGRAPHIC, u16le(opts.nographic === false ? 0 : 1));
    this.items.set(FW_CFG_NB_CPUS, u16le(opts.nbCpus ?? 1));
    this.items.set(FW_CFG_BOOT_MENU, u16le(0));
    this.setFiles(opts.files ?? defaultFwCfgFiles());
    this.select(FW_CFG_SIGNATURE);
  }

  /** Replaces the file directory. Files get selectors 0x20, 0x21, ... in name order. */
  setFiles(files: FwCfgFile[]): void {
    if (files.length > FW_CFG_FILE_SLOTS) throw new Error(`fw_cfg: at most ${FW_CFG_FILE_SLOTS} files`);
    for (const f of files) {
      if (enc.encode(f.name).length > 55) throw new Error(`fw_cfg: file name too long: ${f.name}`);
    }
    for (let i = 0; i < this.files.length; i++) this.items.delete(FW_CFG_FILE_FIRST + i);
    // QEMU keeps the directory sorted with strcmp (byte order).
    this.files = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const dir = new Uint8Array(4 + 64 * this.files.length);
    const dv = new DataView(dir.buffer);
    dv.setUint32(0, this.files.length, false);
    this.files.forEach((f, i) => {
      const e = 4 + 64 * i;
      dv.setUint32(e, f.data.length, false);
      dv.setUint16(e + 4, FW_CFG_FILE_FIRST + i, false);
      dir.set(enc.encode(f.name), e + 8);
      this.items.set(FW_CFG_FILE_FIRST + i, f.data);
    });
    this.items.set(FW_CFG_FILE_DIR, dir);
  }

  /** Sets (or with undefined removes) a numbered item. */
  setItem(key: number, data: Uint8Array | undefined): void {
    if (data) this.items.set(key, data);
    else this.items.delete(key);
  }

  getItem(key: number): Uint8Array | undefined {
    return this.items.get(key);
  }

  /** The -kernel/-initrd/-append items, as QEMU's hw/arm/boot.c sets them for firmware boot. */
  setKernelItems(opts: { kernel?: Uint8Array; initrd?: Uint8Array; cmdline?: string }): void {
    const pair = (sizeKey: number, dataKey: number, data: Uint8Array | undefined) => {
      this.setItem(sizeKey, data ? u32le(data.length) : undefined);
      this.setItem(dataKey, data);
    };
    pair(FW_CFG_KERNEL_SIZE, FW_CFG_KERNEL_DATA, opts.kernel);
    pair(FW_CFG_INITRD_SIZE, FW_CFG_INITRD_DATA, opts.initrd);
    const cmd = opts.cmdline !== undefined ? enc.encode(opts.cmdline + '\0') : undefined;
    pair(FW_CFG_CMDLINE_SIZE, FW_CFG_CMDLINE_DATA, cmd);
  }

  /** Selects an item and rewinds, as a write to the selector register does. */
  select(key: number): void {
    this.curOffset = 0;
    this.curKey = (key & FW_CFG_ENTRY_MASK) >= FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS ? -1 : key & 0xffff;
  }

  private current(): Uint8Array | undefined {
    if (this.curKey < 0 || this.curKey & FW_CFG_ARCH_LOCAL) return undefined; // no arch-local items on Arm
    return this.items.get(this.curKey & FW_CFG_ENTRY_MASK);
  }

  private readData(size: number): bigint {
    const item = this.current();
    const bytes = new Uint8Array(size);
    if (item) {
      for (let i = 0; i < size && this.curOffset < item.length; i++) bytes[i] = item[this.curOffset++];
    }
    return fromLeBytes(bytes);
  }

  read(offset: number, size: number): bigint | undefined {
    if (offset === 0) return this.readData(size);
    if (offset > 0 && offset < 8) return 0n;
    if (offset === 8 && size === 2) return 0n;
    if (offset >= 16 && offset + size <= 24) {
      // DMA register: "QEMU CFG" in memory byte order.
      const sig = toLeBytes(bswap(FW_CFG_DMA_SIGNATURE, 8), 8);
      return fromLeBytes(sig.subarray(offset - 16, offset - 16 + size));
    }
    return undefined; // outside the three registers: nothing answers
  }

  write(offset: number, size: number, value: bigint): boolean {
    if (offset >= 0 && offset < 8) return true; // data register: writes ignored
    if (offset === 8) {
      if (size === 2) this.select(Number(bswap(value, 2)));
      return true;
    }
    if (offset === 16 && size === 8) {
      this.dmaAddr = bswap(value, 8);
      this.dmaTransfer();
      return true;
    }
    if (offset === 16 && size === 4) {
      this.dmaAddr = bswap(value, 4) << 32n;
      return true;
    }
    if (offset === 20 && size === 4) {
      this.dmaAddr |= bswap(value, 4);
      this.dmaTransfer();
      return true;
    }
    return offset >= 16 && offset < 24;
  }

  private dmaTransfer(): void {
    const dma = this.dma;
    if (!dma) return;
    const descAddr = Number(this.dmaAddr);
    this.dmaAddr = 0n;
    const writeControl = (control: number) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, control >>> 0, false);
      dma.write(descAddr, b);
    };
    const desc = dma.read(descAddr, 16);
    if (!desc || desc.length < 16) {
      writeControl(FW_CFG_DMA_CTL_ERROR);
      return;
    }
    const dv = new DataView(desc.buffer, desc.byteOffset, 16);
    let control = dv.getUint32(0, false);
    let length = dv.getUint32(4, false);
    let address = Number(dv.getBigUint64(8, false));

    if (control & FW_CFG_DMA_CTL_SELECT) this.select(control >>> 16);
    let read = false, write = false;
    if (control & FW_CFG_DMA_CTL_READ) read = true;
    else if (control & FW_CFG_DMA_CTL_WRITE) write = true;
    else if (!(control & FW_CFG_DMA_CTL_SKIP)) length = 0;

    control = 0;
    const item = this.current();
    while (length > 0 && !(control & FW_CFG_DMA_CTL_ERROR)) {
      let len: number;
      if (!item || this.curOffset >= item.length) {
        len = length;
        if (read && !dma.write(address, new Uint8Array(len))) control |= FW_CFG_DMA_CTL_ERROR;
        if (write) control |= FW_CFG_DMA_CTL_ERROR;
      } else {
        len = Math.min(length, item.length - this.curOffset);
        if (read && !dma.write(address, item.subarray(this.curOffset, this.curOffset + len))) {
          control |= FW_CFG_DMA_CTL_ERROR;
        }
        if (write) control |= FW_CFG_DMA_CTL_ERROR; // no writable items
        this.curOffset += len;
      }
      address += len;
      length -= len;
    }
    writeControl(control);
  }
}

// Intel/Sharp command set (CFI command set 0x0001) NOR flash bank, configured as QEMU's virt
// board configures its two pflash_cfi01 devices (hw/arm/virt.c virt_flash_create1):
//   bank 0 at 0x0000_0000 and bank 1 at 0x0400_0000, 64 MiB each, "width" 4 (a 32-bit bank),
//   "device-width" 2 (so two x16 chips side by side, each answering on one 16-bit lane),
//   sector length 256 KiB per bank (= a 128 KiB block in each chip), little-endian,
//   manufacturer ID 0x89 (Intel), device ID 0x18.
// Commands (Intel StrataFlash / CFI Publication 100 and JESD68 for the query table), written
// as the low byte of any write (firmware writes the command to both chips at once):
//   0xFF/0x00/0xF0 read array; 0x70 read status; 0x50 clear status; 0x90 read identifier;
//   0x98 CFI query; 0x10/0x40 word program (next write is the data); 0x20 block erase (then
//   0xD0 confirm); 0xE8 buffered program (then count N-1 in device words, N data writes,
//   0xD0 confirm); 0x60 block lock setup (then 0x01/0xD0/0x2F, accepted and ignored: blocks
//   are never locked).
// Reads in the non-array modes answer per chip (16-bit lane): status in the low byte of each
// lane; identifier code at device word 0 (0x0089) and 1 (0x0018) of any 256-word page, lock
// status (0 = unlocked) elsewhere; CFI table byte at device word `offset / 4` in the low byte of
// each lane. A 32-bit aligned read therefore gives e.g. 0x00510051 for 'Q' at offset 0x40,
// as on QEMU.
// The CFI table is QEMU's (pflash_cfi01_fill_cfi_table) for these parameters: per chip 32 MiB
// (0x27 = 25), one erase region of 256 blocks of 128 KiB (0x2D-0x30 = FF 00 00 02), buffer
// write size 2 KiB per chip (0x2A = 11), x16 interface (0x28 = 2), primary table "PRI1.0" at 0x31.
//
// Choices, where QEMU 7.2 and the Intel parts differ (firmware works with either):
// - Programming ANDs the data into the array (NOR flash can only clear bits; QEMU overwrites).
// - Buffered program collects the data and writes it on the 0xD0 confirm (QEMU 7.2 writes as
//   the data arrives); a confirm other than 0xD0 sets the command-sequence error (SR 0x30).
// - Block erase erases the block of the confirm cycle when 0xD0 arrives (QEMU erases at 0x20).
// - Clear status (0x50) clears the error bits but keeps SR.7 (ready) set, and returns to read
//   array mode as QEMU does (QEMU zeroes the whole status register).
// - With readOnly (QEMU: a read-only -drive if=pflash) program sets SR.4 and erase SR.5, and the
//   array is unchanged. Without a -drive, QEMU's flash is writable (-bios contents included,
//   changes are lost at exit), so readOnly defaults to false.
// Initial contents: a shorter image is padded with zeros (QEMU loads a -bios image into flash 0
// and leaves the rest zero; a flash bank without a -drive is all zeros).
//
// In read-array mode the bank can be mapped straight into the CPU's TLB: hostPage() returns
// the page while the bank is in read-array mode and undefined otherwise. Every switch between
// the two increments `generation` and calls onModeChange, so the CPU can drop stale mappings.

import type { HostPage, MmioDevice } from '../memory/PhysicalMemory';

export const FLASH_BANK_SIZE = 64 * 1024 * 1024;
export const FLASH_SECTOR_SIZE = 256 * 1024;

const SR_READY = 0x80;
const SR_ERASE_ERROR = 0x20;
const SR_PROGRAM_ERROR = 0x10;

const CMD_READ_ARRAY = 0x00; // internal state value for read-array mode

export interface CfiFlashOptions {
  name?: string;
  size?: number;
  sectorSize?: number;
  /** Bytes per bank access (QEMU "width"). */
  bankWidth?: number;
  /** Bytes per chip (QEMU "device-width"). */
  deviceWidth?: number;
  id0?: number;
  id1?: number;
  contents?: Uint8Array;
  readOnly?: boolean;
  onModeChange?: () => void;
  /** Called after the array changed (program/erase), e.g. to persist a variable store. */
  onWrite?: (offset: number, length: number) => void;
}

export class CfiFlash implements MmioDevice {
  readonly name: string;
  readonly size: number;
  readonly sectorSize: number;
  readonly bankWidth: number;
  readonly deviceWidth: number;
  readonly readOnly: boolean;
  /** The array contents (the whole bank). */
  readonly storage: Uint8Array;
  /** Incremented whenever hostPage() availability changes. */
  generation = 0;
  onModeChange: () => void;
  onWrite: (offset: number, length: number) => void;

  private readonly view: DataView;
  private readonly cfiTable = new Uint8Array(0x52);
  private readonly id0: number;
  private readonly id1: number;
  private cmd = CMD_READ_ARRAY;
  private wcycle = 0;
  private status = SR_READY;
  private counter = 0;
  private buffer: { offset: number; bytes: Uint8Array }[] = [];

  constructor(opts: CfiFlashOptions = {}) {
    this.name = opts.name ?? 'pflash';
    this.size = opts.size ?? FLASH_BANK_SIZE;
    this.sectorSize = opts.sectorSize ?? FLASH_SECTOR_SIZE;
    this.bankWidth = opts.bankWidth ?? 4;
    this.deviceWidth = opts.deviceWidth ?? 2;
    this.id0 = opts.id0 ?? 0x89;
    this.id1 = opts.id1 ?? 0x18;
    this.readOnly = opts.readOnly ?? false;
    this.onModeChange = opts.onModeChange ?? (() => {});
    this.onWrite = opts.onWrite ?? (() => {});
    if (this.size % this.sectorSize !== 0) throw new Error('flash size must be a multiple of the sector size');
    this.storage = new Uint8Array(this.size);
    if (opts.contents) {
      if (opts.contents.length > this.size) {
        throw new Error(`${this.name}: image of ${opts.contents.length} bytes does not fit in ${this.size}`);
      }
      this.storage.set(opts.contents);
    }
    this.view = new DataView(this.storage.buffer);
    this.fillCfiTable();
  }

  /** Replaces the whole array (a shorter image is padded with zeros) and returns to read-array mode. */
  setContents(contents: Uint8Array): void {
    if (contents.length > this.size) {
      throw new Error(`${this.name}: image of ${contents.length} bytes does not fit in ${this.size}`);
    }
    this.storage.set(contents);
    this.storage.fill(0, contents.length);
    this.reset();
    this.generation++;
    this.onModeChange();
  }

  /** Device reset: read-array mode, status ready. The array keeps its contents. */
  reset(): void {
    const wasArray = this.readArrayMode;
    this.cmd = CMD_READ_ARRAY;
    this.wcycle = 0;
    this.status = SR_READY;
    this.buffer = [];
    if (!wasArray) {
      this.generation++;
      this.onModeChange();
    }
  }

  private fillCfiTable(): void {
    const t = this.cfiTable;
    const devices = this.bankWidth / this.deviceWidth;
    const blocks = this.size / this.sectorSize;
    const blockPerDevice = this.sectorSize / devices;
    const deviceLen = blockPerDevice * blocks;
    const set = (i: number, ...bytes: number[]) => bytes.forEach((b, k) => { t[i + k] = b & 0xff; });
    set(0x10, 0x51, 0x52, 0x59);       // "QRY"
    set(0x13, 0x01, 0x00);             // primary command set: Intel/Sharp extended
    set(0x15, 0x31, 0x00);             // primary extended table at 0x31
    set(0x17, 0x00, 0x00, 0x00, 0x00); // no alternate command set / table
    set(0x1b, 0x45, 0x55, 0x00, 0x00); // Vcc min 4.5 V, max 5.5 V, no Vpp
    set(0x1f, 0x07, 0x07, 0x0a, 0x00); // typical timeouts: word 2^7 us, buffer 2^7 us, block 2^10 ms, chip n/a
    set(0x23, 0x04, 0x04, 0x04, 0x00); // max timeouts (x2^n of typical)
    set(0x27, Math.log2(deviceLen));   // device size 2^n bytes
    set(0x28, 0x02, 0x00);             // x16 interface
    set(0x2a, this.bankWidth === 1 ? 0x08 : 0x0b, 0x00); // max buffered-write size 2^n bytes
    set(0x2c, 0x01);                   // one erase block region
    set(0x2d, (blocks - 1) & 0xff, (blocks - 1) >> 8, (blockPerDevice >> 8) & 0xff, (blockPerDevice >> 16) & 0xff);
    set(0x31, 0x50, 0x52, 0x49, 0x31, 0x30); // "PRI" version "1.0"
    set(0x3f, 0x01);                   // number of protection register fields
  }

  /** Whether the bank is in read-array mode (reads return the array contents). */
  get readArrayMode(): boolean {
    return this.cmd === CMD_READ_ARRAY && this.wcycle === 0;
  }

  /** The current status register value. */
  get statusRegister(): number {
    return this.status;
  }

  hostPage(offset: number): HostPage | undefined {
    if (!this.readArrayMode || offset < 0 || offset + 4096 > this.size) return undefined;
    return { view: this.view, offset: offset & ~0xfff, writable: false };
  }

  /** The 16-bit (device-width) answer of one chip at device word `word` in the current mode. */
  private chipResponse(word: number): number {
    switch (this.cmd) {
      case 0x90:
        switch (word & 0xff) {
          case 0: return this.id0;
          case 1: return this.id1;
          default: return 0; // block lock status etc.: unlocked
        }
      case 0x98:
        return word < this.cfiTable.length ? this.cfiTable[word] : 0;
      default:
        return this.status;
    }
  }

  read(offset: number, size: number): bigint {
    if (this.readArrayMode) {
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.storage[offset + i] ?? 0);
      return v;
    }
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const a = offset + i;
      const word = Math.floor(a / this.bankWidth);
      const byteInChip = a % this.deviceWidth;
      const r = this.chipResponse(word);
      v = (v << 8n) | BigInt((r >> (8 * byteInChip)) & 0xff);
    }
    return v;
  }

  write(offset: number, size: number, value: bigint): boolean {
    const wasArray = this.readArrayMode;
    if (size === 8) {
      // QEMU's pflash implements accesses of up to 4 bytes; the memory core splits a 64-bit write
      // into two 32-bit writes, lower address first (e.g. a command and then its data).
      this.command(offset, 4, value & 0xffffffffn);
      this.command(offset + 4, 4, (value >> 32n) & 0xffffffffn);
    } else {
      this.command(offset, size, value);
    }
    if (wasArray !== this.readArrayMode) {
      this.generation++;
      this.onModeChange();
    }
    return true;
  }

  private readArray(): void {
    this.cmd = CMD_READ_ARRAY;
    this.wcycle = 0;
  }

  private program(offset: number, bytes: Uint8Array): void {
    const n = Math.min(bytes.length, this.size - offset);
    if (n <= 0) return;
    for (let i = 0; i < n; i++) this.storage[offset + i] &= bytes[i];
    this.onWrite(offset, n);
  }

  private command(offset: number, size: number, value: bigint): void {
    const cmd = Number(value & 0xffn);
    switch (this.wcycle) {
      case 0:
        switch (cmd) {
          case 0x00: case 0xf0: case 0xff:
            this.readArray();
            return;
          case 0x10: case 0x40: // word program setup
          case 0x20:            // block erase setup
          case 0x60:            // lock setup
            this.cmd = cmd;
            this.wcycle = 1;
            return;
          case 0xe8:            // buffered program setup: XSR.7 = buffer available
            this.cmd = cmd;
            this.wcycle = 1;
            this.status |= SR_READY;
            return;
          case 0x50:
            this.status &= SR_READY;
            this.readArray();
            return;
          case 0x70: case 0x90: case 0x98:
            this.cmd = cmd;
            return;
          default:
            this.readArray(); // unsupported command (QEMU: logged, back to read array)
            return;
        }
      case 1:
        switch (this.cmd) {
          case 0x10: case 0x40: {
            const bytes = new Uint8Array(size);
            for (let i = 0; i < size; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
            if (this.readOnly) this.status |= SR_PROGRAM_ERROR;
            else this.program(offset, bytes);
            this.status |= SR_READY;
            this.wcycle = 0; // stay in the program state: reads return status
            return;
          }
          case 0x20:
            if (cmd === 0xd0) {
              if (this.readOnly) this.status |= SR_ERASE_ERROR;
              else {
                const base = Math.floor(offset / this.sectorSize) * this.sectorSize;
                if (base < this.size) {
                  this.storage.fill(0xff, base, base + this.sectorSize);
                  this.onWrite(base, this.sectorSize);
                }
              }
              this.status |= SR_READY;
              this.wcycle = 0;
            } else if (cmd === 0xff) {
              this.readArray();
            } else {
              this.status |= SR_ERASE_ERROR | SR_PROGRAM_ERROR | SR_READY; // command sequence error
              this.cmd = 0x70;
              this.wcycle = 0;
            }
            return;
          case 0x60:
            if (cmd === 0xff) this.readArray();
            else {
              // 0x01 lock, 0xD0 unlock, 0x2F lock-down: accepted, locking is not modelled.
              this.status |= SR_READY;
              this.wcycle = 0;
            }
            return;
          case 0xe8: {
            // Word count minus one, in device-width words (each chip receives the same count).
            const count = Number(value & ((1n << BigInt(8 * this.deviceWidth)) - 1n));
            this.counter = count + 1;
            this.buffer = [];
            this.wcycle = 2;
            return;
          }
          default:
            this.readArray();
            return;
        }
      case 2: { // buffered program data
        const bytes = new Uint8Array(size);
        for (let i = 0; i < size; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
        this.buffer.push({ offset, bytes });
        this.status |= SR_READY;
        if (--this.counter <= 0) this.wcycle = 3;
        return;
      }
      case 3: // buffered program confirm
        if (cmd === 0xd0) {
          if (this.readOnly) this.status |= SR_PROGRAM_ERROR;
          else for (const { offset: o, bytes } of this.buffer) this.program(o, bytes);
          this.status |= SR_READY;
        } else {
          this.status |= SR_ERASE_ERROR | SR_PROGRAM_ERROR | SR_READY; // command sequence error
        }
        this.buffer = [];
        this.cmd = 0x70;
        this.wcycle = 0;
        return;
      default:
        this.readArray();
    }
  }
}

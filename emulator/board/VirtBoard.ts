// The board: QEMU 7.2's `-M virt,gic-version=3` memory map (hw/arm/virt.c's base_memmap, as the
// reference device tree in shared/reference shows it) with one CPU, and how images are booted on it.

import { PhysicalMemory, RamRegion } from '../memory/PhysicalMemory';
import { Cpu } from '../cpu/Cpu';
import { HostClock, Clock } from '../cpu/GenericTimer';
import { Pl011 } from '../devices/Pl011';
import { Pl031 } from '../devices/Pl031';
import { Pl061 } from '../devices/Pl061';
import { GicV3 } from '../devices/GicV3';
import { FwCfg } from '../devices/FwCfg';
import { CfiFlash } from '../devices/CfiFlash';
import { PcieHost } from '../devices/PcieHost';
import { VirtioMmioTransport } from '../devices/VirtioMmioTransport';
import { buildVirtDeviceTree } from './deviceTree';
import { handlePsci } from './Psci';
import { Semihosting } from './Semihosting';
import { LoadedImage } from '../loaders/image';
import { ImageError } from '../loaders/elf';

export const VIRT = {
  FLASH0: 0x00000000, FLASH1: 0x04000000, FLASH_SIZE: 0x04000000,
  GICD: 0x08000000, GICD_SIZE: 0x10000,
  GICR: 0x080a0000, GICR_SIZE: 0x20000,
  UART: 0x09000000, RTC: 0x09010000, FW_CFG: 0x09020000, GPIO: 0x09030000,
  VIRTIO: 0x0a000000, VIRTIO_SIZE: 0x200, VIRTIO_COUNT: 32,
  PCIE_MMIO: 0x10000000, PCIE_MMIO_SIZE: 0x2eff0000,
  PCIE_PIO: 0x3eff0000, PCIE_PIO_SIZE: 0x10000,
  PCIE_ECAM_LOW: 0x3f000000,
  RAM: 0x40000000,
  PCIE_ECAM_HIGH: 0x4010000000, PCIE_ECAM_SIZE: 0x10000000,
  PCIE_MMIO_HIGH: 0x8000000000, PCIE_MMIO_HIGH_SIZE: 0x8000000000,
  // SPI numbers (interrupt IDs are these plus 32).
  UART_SPI: 1, RTC_SPI: 2, GPIO_SPI: 7, VIRTIO_SPI: 16, PCIE_SPI: 3,
} as const;

export interface VirtBoardOptions {
  /** Guest RAM in bytes (QEMU's default is 128 MiB). */
  ramSize?: number;
  /** How PSCI is reached: HVC (QEMU's default for a non-EL2 guest) or SMC. */
  psciConduit?: 'hvc' | 'smc';
  /** Enable AArch64 semihosting (HLT #0xF000) at EL1. */
  semihosting?: boolean;
  clock?: Clock;
  /** Kernel command line (DTB /chosen/bootargs and fw_cfg). */
  cmdline?: string;
  /** Contents of the variable-store flash bank (bank 1); zeros when absent. */
  varStore?: Uint8Array;
}

export type ExitKind = 'poweroff' | 'reset' | 'semihosting-exit' | 'cpu-off';
export interface ExitStatus { kind: ExitKind; code: number; }

export class VirtBoard {
  readonly mem = new PhysicalMemory();
  readonly cpu: Cpu;
  readonly ram: RamRegion;
  readonly ramSize: number;
  readonly uart: Pl011;
  readonly rtc: Pl031;
  readonly gpio: Pl061;
  readonly gic: GicV3;
  readonly fwcfg: FwCfg;
  readonly flash0: CfiFlash;
  readonly flash1: CfiFlash;
  readonly pcie: PcieHost;
  readonly clock: Clock;
  readonly semihosting?: Semihosting;
  dtb: Uint8Array = new Uint8Array(0);
  /** Where the DTB was placed in guest-physical memory (0: nowhere). */
  dtbAddress = 0;
  exitStatus?: ExitStatus;
  /** Console output (UART and semihosting). */
  onConsoleOutput: (bytes: Uint8Array) => void = () => {};
  /** Semihosting console input. */
  private semihostInput: number[] = [];
  readonly options: Required<Pick<VirtBoardOptions, 'ramSize' | 'psciConduit' | 'semihosting'>> & VirtBoardOptions;

  constructor(opts: VirtBoardOptions = {}) {
    this.options = { ramSize: 128 * 1024 * 1024, psciConduit: 'hvc', semihosting: true, ...opts };
    this.ramSize = this.options.ramSize;
    if (this.ramSize < 16 * 1024 * 1024 || this.ramSize > 255 * 1024 * 1024 * 1024) {
      throw new Error(`RAM size ${this.ramSize} bytes is out of range (16 MiB .. 255 GiB)`);
    }
    this.clock = opts.clock ?? new HostClock();
    const mem = this.mem;
    this.cpu = new Cpu(mem, { paBits: 48, clock: this.clock });
    // Flash: bank 0 holds the firmware (read-only with -bios), bank 1 the variable store.
    this.flash0 = new CfiFlash({ name: 'flash0', size: VIRT.FLASH_SIZE, contents: new Uint8Array(0), readOnly: true, onModeChange: () => mem.mappingChanged() });
    this.flash1 = new CfiFlash({ name: 'flash1', size: VIRT.FLASH_SIZE, contents: opts.varStore ?? new Uint8Array(0), readOnly: false, onModeChange: () => mem.mappingChanged() });
    mem.addDevice(VIRT.FLASH0, VIRT.FLASH_SIZE, this.flash0, off => this.flash0.hostPage(off));
    mem.addDevice(VIRT.FLASH1, VIRT.FLASH_SIZE, this.flash1, off => this.flash1.hostPage(off));

    this.gic = new GicV3({ onCpuLines: (irq: boolean, fiq: boolean) => this.cpu.setIrqLines(irq, fiq) });
    mem.addDevice(VIRT.GICD, VIRT.GICD_SIZE, this.gic.distributor);
    mem.addDevice(VIRT.GICR, VIRT.GICR_SIZE, this.gic.redistributor);
    this.cpu.sys.gic = this.gic;
    this.cpu.sys.timer.onLine = (intid, level) => this.gic.setPpi(intid, level);

    this.uart = new Pl011({
      onTransmit: (b: number) => this.onConsoleOutput(Uint8Array.of(b)),
      setIrq: (level: boolean) => this.gic.setSpi(32 + VIRT.UART_SPI, level),
    });
    mem.addDevice(VIRT.UART, 0x1000, this.uart);
    this.rtc = new Pl031({ setIrq: (level: boolean) => this.gic.setSpi(32 + VIRT.RTC_SPI, level) });
    mem.addDevice(VIRT.RTC, 0x1000, this.rtc);
    this.fwcfg = new FwCfg({
      dma: {
        read: (pa: number, len: number) => mem.readBytes(pa, len),
        write: (pa: number, bytes: Uint8Array) => { try { mem.writeBytes(pa, bytes); return true; } catch { return false; } },
      },
      ramSize: this.ramSize,
    });
    mem.addDevice(VIRT.FW_CFG, 0x18, this.fwcfg);
    this.gpio = new Pl061({ setIrq: (level: boolean) => this.gic.setSpi(32 + VIRT.GPIO_SPI, level) });
    mem.addDevice(VIRT.GPIO, 0x1000, this.gpio);
    for (let i = 0; i < VIRT.VIRTIO_COUNT; i++) {
      mem.addDevice(VIRT.VIRTIO + i * VIRT.VIRTIO_SIZE, VIRT.VIRTIO_SIZE, new VirtioMmioTransport(i));
    }
    this.pcie = new PcieHost();
    mem.addDevice(VIRT.PCIE_ECAM_HIGH, VIRT.PCIE_ECAM_SIZE, this.pcie.ecam);
    mem.addDevice(VIRT.PCIE_MMIO, VIRT.PCIE_MMIO_SIZE, this.pcie.mmioWindow);
    mem.addDevice(VIRT.PCIE_PIO, VIRT.PCIE_PIO_SIZE, this.pcie.pioWindow);
    mem.addDevice(VIRT.PCIE_MMIO_HIGH, VIRT.PCIE_MMIO_HIGH_SIZE, this.pcie.mmioWindow);
    this.ram = mem.addRam('ram', VIRT.RAM, this.ramSize);

    const psci = {
      systemOff: () => this.exit('poweroff', 0),
      systemReset: () => this.exit('reset', 0),
    };
    // QEMU services PSCI on the conduit whatever the immediate is.
    const conduit = (cpu: Cpu) => { handlePsci(cpu, psci); return true; };
    this.cpu.hooks.hvc = this.options.psciConduit === 'hvc' ? conduit : undefined;
    this.cpu.hooks.smc = this.options.psciConduit === 'smc' ? conduit : undefined;
    if (this.options.semihosting) {
      this.semihosting = new Semihosting({
        write: bytes => this.onConsoleOutput(bytes),
        readByte: () => this.semihostInput.length ? this.semihostInput.shift()! : -1,
        exit: code => this.exit('semihosting-exit', code),
        cmdline: opts.cmdline ?? '',
        heapInfo: {
          heapBase: BigInt(VIRT.RAM + this.ramSize / 2), heapLimit: BigInt(VIRT.RAM + this.ramSize - 0x100000),
          stackBase: BigInt(VIRT.RAM + this.ramSize), stackLimit: BigInt(VIRT.RAM + this.ramSize - 0x100000),
        },
      });
      const sh = this.semihosting;
      this.cpu.hooks.semihosting = cpu => sh.handle(cpu);
    }
  }

  private exit(kind: ExitKind, code: number): void {
    if (!this.exitStatus) this.exitStatus = { kind, code };
    this.cpu.stop('halt');
  }

  /** Console input from the user: to the UART's receive FIFO (and semihosting reads). */
  sendInput(bytes: Uint8Array): void {
    this.uart.pushInput(bytes);
    for (const b of bytes) this.semihostInput.push(b);
  }

  /** Device-side periodic work: timer outputs and the RTC alarm. */
  poll(): void {
    this.cpu.sys.timer.update();
    this.rtc.poll();
  }

  /** Milliseconds until some device needs attention on its own (Infinity if none): how long the
   *  runner may sleep while the CPU waits for an interrupt. */
  msUntilNextEvent(): number {
    const timer = this.cpu.sys.timer.nsUntilNextDeadline() / 1e6;
    const rtc = this.rtc.nextEventMs(); // absolute host time
    return Math.min(timer, rtc === undefined ? Infinity : Math.max(0, rtc - Date.now()));
  }

  /** Places `img` as QEMU would and sets up the boot registers. */
  load(img: LoadedImage, opts: { loadAddress?: number; dtb?: Uint8Array; initrd?: Uint8Array } = {}): void {
    const cpu = this.cpu;
    const ramEnd = VIRT.RAM + this.ramSize;
    const fitsRam = (addr: number, len: number) => addr >= VIRT.RAM && addr + len <= ramEnd;
    const makeDtb = (initrd?: { start: number; end: number }) => opts.dtb ?? buildVirtDeviceTree({
      ramBase: VIRT.RAM, ramSize: this.ramSize, psciMethod: this.options.psciConduit, cmdline: this.options.cmdline, initrd,
      // No ITS and no PMU are modelled, and the CPU is not a Cortex-A57: describe what exists.
      its: false, pmu: false, cpuCompatible: 'arm,arm-v8',
    });
    cpu.reset();
    switch (img.format) {
      case 'bios': {
        // -bios: the image goes to flash bank 0; the DTB to the start of RAM; the CPU starts at 0.
        this.flash0.setContents(img.bytes);
        this.dtb = makeDtb();
        this.dtbAddress = VIRT.RAM;
        this.mem.writeBytes(this.dtbAddress, this.dtb);
        cpu.setPC(0n);
        break;
      }
      case 'elf': {
        const elf = img.elf!;
        for (const seg of elf.segments) {
          if (!fitsRam(seg.paddr, seg.memsz) && !(seg.paddr + seg.memsz <= VIRT.FLASH_SIZE)) {
            throw new ImageError(`ELF segment at physical 0x${seg.paddr.toString(16)} (${seg.memsz} bytes) is outside RAM (0x${VIRT.RAM.toString(16)}-0x${ramEnd.toString(16)}) and flash`);
          }
        }
        for (const seg of elf.segments) {
          if (seg.paddr < VIRT.FLASH_SIZE) {
            const buf = new Uint8Array(seg.paddr + seg.data.length);
            buf.set(seg.data, seg.paddr);
            this.flash0.setContents(buf);
          } else {
            this.mem.writeBytes(seg.paddr, seg.data);
            if (seg.memsz > seg.data.length) this.mem.writeBytes(seg.paddr + seg.data.length, new Uint8Array(seg.memsz - seg.data.length));
          }
        }
        // QEMU 7.2 reserves 1 MiB for the tree (its FDT_MAX_SIZE) at the start of RAM and loads it
        // only if the image leaves that space free; otherwise the guest gets no device tree.
        this.dtb = makeDtb();
        const free = !elf.segments.some(s => s.paddr < VIRT.RAM + 0x100000 && s.paddr + s.memsz > VIRT.RAM);
        this.dtbAddress = free ? VIRT.RAM : 0;
        if (free) this.mem.writeBytes(this.dtbAddress, this.dtb);
        cpu.setPC(elf.entry);
        break;
      }
      case 'kernel': {
        const linux = img.linux!;
        // booting.rst: a 2 MiB aligned base plus text_offset (0x80000 when image_size is 0, old kernels).
        const textOffset = linux.imageSize === 0 ? 0x80000 : linux.textOffset;
        const loadAddr = VIRT.RAM + textOffset;
        const size = Math.max(linux.imageSize, img.bytes.length);
        if (!fitsRam(loadAddr, size)) throw new ImageError(`kernel image (${size} bytes) does not fit in ${this.ramSize} bytes of RAM`);
        this.mem.writeBytes(loadAddr, img.bytes);
        let next = alignUp(loadAddr + size, 0x200000);
        let initrd: { start: number; end: number } | undefined;
        if (opts.initrd) {
          if (!fitsRam(next, opts.initrd.length)) throw new ImageError('initrd does not fit in RAM after the kernel');
          this.mem.writeBytes(next, opts.initrd);
          initrd = { start: next, end: next + opts.initrd.length };
          next = alignUp(initrd.end, 0x200000);
        }
        this.dtb = makeDtb(initrd);
        this.dtbAddress = next;
        if (!fitsRam(next, this.dtb.length)) throw new ImageError('no room in RAM for the device tree');
        this.mem.writeBytes(next, this.dtb);
        cpu.setPC(BigInt(loadAddr));
        cpu.setX(0, BigInt(this.dtbAddress)); // x0 = DTB, x1..x3 = 0
        break;
      }
      default: {
        const addr = opts.loadAddress ?? VIRT.RAM;
        if (addr < VIRT.FLASH_SIZE && addr + img.bytes.length <= VIRT.FLASH_SIZE) {
          const buf = new Uint8Array(addr + img.bytes.length);
          buf.set(img.bytes, addr);
          this.flash0.setContents(buf);
        } else {
          if (!fitsRam(addr, img.bytes.length)) throw new ImageError(`raw image (${img.bytes.length} bytes at 0x${addr.toString(16)}) is outside RAM`);
          this.mem.writeBytes(addr, img.bytes);
        }
        this.dtb = makeDtb();
        this.dtbAddress = addr === VIRT.RAM ? alignUp(VIRT.RAM + img.bytes.length, 0x200000) : VIRT.RAM;
        if (fitsRam(this.dtbAddress, this.dtb.length)) this.mem.writeBytes(this.dtbAddress, this.dtb);
        cpu.setPC(BigInt(addr));
      }
    }
  }
}

function alignUp(v: number, a: number): number { return Math.ceil(v / a) * a; }

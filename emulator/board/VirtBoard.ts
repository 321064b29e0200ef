// The board: QEMU 7.2's `-M virt,gic-version=3` memory map (hw/arm/virt.c's base_memmap, as the
// reference device tree in shared/reference shows it) with one CPU, and how images are booted on it.

import { PhysicalMemory, RamRegion } from '../memory/PhysicalMemory';
import { Cpu } from '../cpu/Cpu';
import { HostClock, Clock } from '../cpu/GenericTimer';
import { Pl011 } from '../devices/Pl011';
import { Pl031 } from '../devices/Pl031';
import { Pl061 } from '../devices/Pl061';
import { GicV3 } from '../devices/GicV3';
import { FwCfg, defaultFwCfgFiles } from '../devices/FwCfg';
import { AcpiGed, ACPI_GED_SIZE, GED_PWR_DOWN_EVT } from '../devices/AcpiGed';
import { buildVirtAcpi } from './acpi';
import { buildVirtSmbios } from './smbios';
import { PeImageLocator } from '../loaders/peImages';
import { randomBytes } from 'crypto';
import { CfiFlash } from '../devices/CfiFlash';
import { PcieHost } from '../devices/PcieHost';
import { VirtioMmioTransport } from '../devices/VirtioMmioTransport';
import { buildVirtDeviceTree } from './deviceTree';
import { handlePsci } from './Psci';
import { Semihosting } from './Semihosting';
import { LoadedImage } from '../loaders/image';
import { Realm, RealmOptions } from '../realm/Realm';
import { RsiDispatcher } from '../realm/RsiDispatcher';
import type { Stage2, Stage2Result } from '../cpu/Cpu';
import { ImageError } from '../loaders/elf';

export const VIRT = {
  FLASH0: 0x00000000, FLASH1: 0x04000000, FLASH_SIZE: 0x04000000,
  GICD: 0x08000000, GICD_SIZE: 0x10000,
  GICR: 0x080a0000, GICR_SIZE: 0x20000,
  UART: 0x09000000, RTC: 0x09010000, FW_CFG: 0x09020000, GPIO: 0x09030000, ACPI_GED: 0x09080000,
  VIRTIO: 0x0a000000, VIRTIO_SIZE: 0x200, VIRTIO_COUNT: 32,
  PCIE_MMIO: 0x10000000, PCIE_MMIO_SIZE: 0x2eff0000,
  PCIE_PIO: 0x3eff0000, PCIE_PIO_SIZE: 0x10000,
  PCIE_ECAM_LOW: 0x3f000000,
  RAM: 0x40000000,
  PCIE_ECAM_HIGH: 0x4010000000, PCIE_ECAM_SIZE: 0x10000000,
  PCIE_MMIO_HIGH: 0x8000000000, PCIE_MMIO_HIGH_SIZE: 0x8000000000,
  // SPI numbers (interrupt IDs are these plus 32).
  UART_SPI: 1, RTC_SPI: 2, GPIO_SPI: 7, VIRTIO_SPI: 16, PCIE_SPI: 3, ACPI_GED_SPI: 9,
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
  /** Random /chosen rng-seed and kaslr-seed in the device tree, as QEMU 7.2 (default true). */
  dtbRandomness?: boolean;
  /** Run the guest as an Arm CCA Realm (the Realm variant of the board: no flash, firmware RAM
   *  at IPA 0, PSCI over SMC, stage 2 and the RSI). */
  realm?: RealmOptions;
}

/** Firmware RAM of the Realm variant: 128 MiB at IPA 0 instead of the flash banks. */
export const REALM_FW_RAM_SIZE = 0x08000000;

export type ExitKind = 'poweroff' | 'reset' | 'semihosting-exit' | 'cpu-off' | 'realm-error';
export interface ExitStatus { kind: ExitKind; code: number; }

export class VirtBoard {
  readonly mem = new PhysicalMemory();
  readonly cpu: Cpu;
  readonly ram: RamRegion;
  readonly ramSize: number;
  readonly uart: Pl011;
  readonly rtc: Pl031;
  readonly gpio: Pl061;
  /** The ACPI Generic Event Device: mapped instead of the PL061 when firmware is loaded. */
  readonly ged: AcpiGed;
  /** Whether the image was loaded as firmware (-bios). QEMU's virt then describes the power
   *  button with ACPI (the GED at 0x0908_0000) and has no PL061 and no gpio-keys. */
  firmwareLoaded = false;
  readonly gic: GicV3;
  readonly fwcfg: FwCfg;
  readonly flash0?: CfiFlash;
  readonly flash1?: CfiFlash;
  readonly realm?: Realm;
  /** Guest-physical ranges written by `load` (the Realm measures them). */
  private loaded: { base: number; size: number }[] = [];
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
    if (opts.realm) {
      // The Realm variant (QEMU's CCA support): no pflash; 128 MiB of firmware RAM at IPA 0.
      this.options.psciConduit = 'smc';
      this.options.semihosting = false;
      mem.addRam('fw_ram', 0, REALM_FW_RAM_SIZE);
    } else {
      // Flash: bank 0 holds the firmware (read-only with -bios), bank 1 the variable store.
      const f0 = new CfiFlash({ name: 'flash0', size: VIRT.FLASH_SIZE, contents: new Uint8Array(0), readOnly: true, onModeChange: () => mem.mappingChanged() });
      const f1 = new CfiFlash({ name: 'flash1', size: VIRT.FLASH_SIZE, contents: opts.varStore ?? new Uint8Array(0), readOnly: false, onModeChange: () => mem.mappingChanged() });
      this.flash0 = f0; this.flash1 = f1;
      mem.addDevice(VIRT.FLASH0, VIRT.FLASH_SIZE, f0, off => f0.hostPage(off));
      mem.addDevice(VIRT.FLASH1, VIRT.FLASH_SIZE, f1, off => f1.hostPage(off));
    }

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
    this.ged = new AcpiGed(() => {
      this.gic.setSpi(32 + VIRT.ACPI_GED_SPI, true);
      this.gic.setSpi(32 + VIRT.ACPI_GED_SPI, false);
    });
    this.wire(false);
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
    if (opts.realm) {
      const realm = new Realm(mem, opts.realm);
      this.realm = realm;
      this.cpu.sys.realmFeatures = true;
      // Every SMC goes to the RMM; HVC stays UNDEFINED (the RMM injects an Undefined exception).
      const rsi = new RsiDispatcher(realm, psci);
      this.cpu.hooks.smc = cpu => rsi.handle(cpu);
      this.cpu.hooks.hvc = undefined;
    }
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

  /** Maps the PL061 or the GED and offers QEMU's fw_cfg files for the boot mode. */
  private wire(firmware: boolean): void {
    this.firmwareLoaded = firmware;
    this.mem.removeDevice(this.gpio);
    this.mem.removeDevice(this.ged);
    if (firmware) this.mem.addDevice(VIRT.ACPI_GED, ACPI_GED_SIZE, this.ged);
    else this.mem.addDevice(VIRT.GPIO, 0x1000, this.gpio);
    // The files QEMU 7.2's virt offers: ACPI (whose DSDT depends on the power-button wiring)
    // and SMBIOS next to the defaults. The CPU has no PMU (ID_AA64DFR0_EL1.PMUVer = 0).
    const acpi = buildVirtAcpi({ psciConduit: this.options.psciConduit, ged: firmware, pmu: false });
    const smbios = buildVirtSmbios({ ramSize: this.ramSize });
    this.fwcfg.setFiles([
      ...defaultFwCfgFiles(),
      { name: 'etc/acpi/rsdp', data: acpi.rsdp },
      { name: 'etc/acpi/tables', data: acpi.tables },
      { name: 'etc/table-loader', data: acpi.tableLoader },
      { name: 'etc/tpm/log', data: new Uint8Array(0) },
      { name: 'etc/smbios/smbios-anchor', data: smbios.anchor },
      { name: 'etc/smbios/smbios-tables', data: smbios.tables },
    ]);
  }

  /** System reset of the devices (QEMU resets every device on a machine reset; flash keeps
   *  its contents, the RTC its time). */
  private resetDevices(): void {
    this.gic.reset();
    this.gic.resetCpuInterface();
    this.uart.reset();
    this.rtc.reset();
    this.gpio.reset();
    this.ged.reset();
    this.flash0?.reset();
    this.flash1?.reset();
    this.fwcfg.select(0);
    this.cpu.sys.timer.reset();
  }

  /** The power button (QEMU's system_powerdown): an ACPI event through the GED when firmware
   *  is loaded, otherwise a press of the GPIO key on PL061 line 3 (released 100 ms later). */
  pressPowerButton(): void {
    if (this.firmwareLoaded) {
      this.ged.event(GED_PWR_DOWN_EVT);
    } else {
      this.gpio.setInput(3, true);
      setTimeout(() => this.gpio.setInput(3, false), 100).unref?.();
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

  /** Places `img` as QEMU would and sets up the boot registers; for a Realm, then builds it. */
  load(img: LoadedImage, opts: { loadAddress?: number; dtb?: Uint8Array; initrd?: Uint8Array } = {}): void {
    this.loaded = [];
    this.resetDevices();
    // The Realm variant keeps its PL061 (its firmware describes the board by device tree).
    this.wire(img.format === 'bios' && !this.realm);
    if (this.realm) this.loadRealm(img, opts);
    else this.loadPlain(img, opts);
    if (this.realm) this.buildRealm();
  }

  /** Writes part of the image (or the DTB, an initrd) into guest RAM and records the range: a
   *  Realm measures exactly those pages (DATA_CREATE). */
  private place(pa: number, bytes: Uint8Array): void {
    this.loaded.push({ base: pa, size: bytes.length });
    this.mem.writeBytes(pa, bytes);
  }

  /** The Realm variant: firmware into firmware RAM at IPA 0, the DTB at 0x40000000, PC = 0
   *  (ELF images at their addresses, kernels as on the plain board). */
  private loadRealm(img: LoadedImage, opts: { loadAddress?: number; dtb?: Uint8Array; initrd?: Uint8Array }): void {
    if (img.format === 'bios') {
      if (img.bytes.length > REALM_FW_RAM_SIZE) throw new ImageError(`firmware image (${img.bytes.length} bytes) is larger than the Realm's 128 MiB firmware RAM`);
      this.cpu.reset();
      this.place(0, img.bytes);
      this.dtb = opts.dtb ?? this.makeDtb();
      this.dtbAddress = VIRT.RAM;
      this.place(this.dtbAddress, this.dtb);
      this.cpu.setPC(0n);
      return;
    }
    this.loadPlain(img, opts);
  }

  private makeDtb(initrd?: { start: number; end: number }): Uint8Array {
    return buildVirtDeviceTree({
      ramBase: VIRT.RAM, ramSize: this.ramSize, psciMethod: this.options.psciConduit, cmdline: this.options.cmdline, initrd,
      // QEMU 7.2's tree for `-M virt,gic-version=3,its=off -cpu max,pmu=off` (the same nodes,
      // properties and strings; only the random seeds and libfdt's padding bytes differ): no ITS
      // (GICD_TYPER.LPIS = 0) and no PMU (ID_AA64DFR0_EL1.PMUVer = 0) are modelled, and QEMU's
      // max CPU, whose MIDR this CPU reports, is "arm,cortex-a57" there as for -cpu cortex-a57.
      its: false, pmu: false, cpuCompatible: 'arm,cortex-a57',
      gpio: !this.firmwareLoaded,
      // QEMU's 1 MiB libfdt layout and random seeds; a Realm's tree stays compact and without
      // seeds, because the Realm's initial measurement covers it and must be reproducible.
      qemuLayout: !this.realm,
      seeds: this.options.dtbRandomness === false || this.realm ? undefined : { rng: randomBytes(32), kaslr: randomBytes(8) },
    });
  }

  /** The build sequence of facts §3.4 over what `load` placed, then REC_CREATE and ACTIVATE. */
  private buildRealm(): void {
    const realm = this.realm!;
    realm.initRipas(0, REALM_FW_RAM_SIZE);
    realm.initRipas(VIRT.RAM, VIRT.RAM + this.ramSize);
    const ranges = [...this.loaded].sort((a, b) => a.base - b.base);
    for (const r of ranges) realm.dataCreate(r.base, r.size, true);
    const pc = this.cpu.getPC();
    realm.activate(pc, [0, 1, 2, 3, 4, 5, 6, 7].map(i => this.cpu.getX(i)));
    const board = this;
    const stage2: Stage2 = {
      aliasBit: realm.unprotectedBit,
      resolve(ipa, access, cpu): Stage2Result {
        const pcNow = (BigInt(cpu.curHi >>> 0) << 32n) | BigInt(cpu.curLo >>> 0);
        const r = realm.stage2(ipa, access, pcNow, cpu.insn);
        return r.kind === 'unbacked' || r.kind === 'shareable' ? { kind: 'fatal', reason: 'internal: unresolved stage-2 state' } : r;
      },
      onAbortInjected(cpu, ipa, access, reason) {
        const pc = (BigInt(cpu.curHi >>> 0) << 32n) | BigInt(cpu.curLo >>> 0);
        realm.emit({ kind: 'abort-injected', pc, insn: cpu.insn, ipa, va: cpu.sys.far, access, esr: cpu.sys.esr, reason });
        // A device reached through its protected address is always the classic Realm bug: the
        // RMM injects the SEA (the vector shows it), and the run stops with a report in words.
        const dev = ipa < realm.unprotectedBit ? board.mem.find(ipa)?.device : undefined;
        if (dev) {
          const alias = ipa + realm.unprotectedBit;
          // Firmware without symbols (EDK2) is named by the image the instruction is in.
          const image = new PeImageLocator((a, n) => cpu.debugRead(a, n)).describe(pc);
          realm.fatal = `the instruction at 0x${pc.toString(16)}${image ? ` (${image})` : ''} ${access === 'exec' ? 'fetched from' : access === 'write' ? 'wrote to' : 'read from'} ` +
            `0x${ipa.toString(16)} (${dev.name}) through the protected half of the IPA space, where that address has RIPAS EMPTY, ` +
            `so the RMM injected a synchronous external abort (ESR_EL1 0x${cpu.sys.esr.toString(16)}, FAR_EL1 0x${cpu.sys.far.toString(16)}). ` +
            `Emulated devices are only reachable through the unprotected alias: use IPA 0x${alias.toString(16)} ` +
            `(set bit ${Math.log2(realm.unprotectedBit)} of the output address in the stage-1 descriptor, or use the alias directly with the MMU off).`;
          realm.emit({ kind: 'fatal', pc, insn: cpu.insn, reason: realm.fatal });
          if (!board.exitStatus) board.exitStatus = { kind: 'realm-error', code: 1 };
          cpu.stop('halt');
        }
      },
      onFatal(cpu, reason) {
        realm.fatal = reason;
        realm.emit({ kind: 'fatal', pc: (BigInt(cpu.curHi >>> 0) << 32n) | BigInt(cpu.curLo >>> 0), insn: cpu.insn, reason });
        if (!board.exitStatus) board.exitStatus = { kind: 'realm-error', code: 1 };
      },
      onStage1TableWrite(cpu, pa, size, value) {
        realm.emit({ kind: 'table-write', pc: (BigInt(cpu.curHi >>> 0) << 32n) | BigInt(cpu.curLo >>> 0), insn: cpu.insn, stage: 1, address: pa,
          detail: `stage-1 descriptor write: [0x${pa.toString(16)}] = 0x${value.toString(16).padStart(size * 2, '0')}` });
      },
      onMmio(cpu, pa, size, write, value) {
        realm.emit({ kind: 'rec-exit', pc: (BigInt(cpu.curHi >>> 0) << 32n) | BigInt(cpu.curLo >>> 0), insn: cpu.insn, reason: 'SYNC (emulated MMIO)', ipa: pa + realm.unprotectedBit,
          access: write ? 'write' : 'read', detail: `${write ? 'write' : 'read'} of ${size} bytes at IPA 0x${(pa + realm.unprotectedBit).toString(16)} (device 0x${pa.toString(16)})${value !== undefined ? ` = 0x${value.toString(16)}` : ''}` });
      },
    };
    this.cpu.stage2 = stage2;
    this.cpu.flushTlb();
  }

  private loadPlain(img: LoadedImage, opts: { loadAddress?: number; dtb?: Uint8Array; initrd?: Uint8Array }): void {
    const cpu = this.cpu;
    const ramEnd = VIRT.RAM + this.ramSize;
    const fitsRam = (addr: number, len: number) => addr >= VIRT.RAM && addr + len <= ramEnd;
    // No ITS and no PMU are modelled: makeDtb describes what exists.
    const makeDtb = (initrd?: { start: number; end: number }) => opts.dtb ?? this.makeDtb(initrd);
    cpu.reset();
    switch (img.format) {
      case 'bios': {
        // -bios: the image goes to flash bank 0; the DTB to the start of RAM; the CPU starts at 0.
        if (!this.flash0) throw new ImageError('no flash on this board');
        this.flash0.setContents(img.bytes);
        this.dtb = makeDtb();
        this.dtbAddress = VIRT.RAM;
        this.place(this.dtbAddress, this.dtb);
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
            if (this.realm) this.place(seg.paddr, seg.data);
            else this.flash0!.setContents(buf);
          } else {
            this.place(seg.paddr, seg.data);
            if (seg.memsz > seg.data.length) this.place(seg.paddr + seg.data.length, new Uint8Array(seg.memsz - seg.data.length));
          }
        }
        // QEMU 7.2 reserves 1 MiB for the tree (its FDT_MAX_SIZE) at the start of RAM and loads it
        // only if the image leaves that space free; otherwise the guest gets no device tree.
        this.dtb = makeDtb();
        const free = !elf.segments.some(s => s.paddr < VIRT.RAM + 0x100000 && s.paddr + s.memsz > VIRT.RAM);
        this.dtbAddress = free ? VIRT.RAM : 0;
        if (free) this.place(this.dtbAddress, this.dtb);
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
        this.place(loadAddr, img.bytes);
        let next = alignUp(loadAddr + size, 0x200000);
        let initrd: { start: number; end: number } | undefined;
        if (opts.initrd) {
          if (!fitsRam(next, opts.initrd.length)) throw new ImageError('initrd does not fit in RAM after the kernel');
          this.place(next, opts.initrd);
          initrd = { start: next, end: next + opts.initrd.length };
          next = alignUp(initrd.end, 0x200000);
        }
        this.dtb = makeDtb(initrd);
        this.dtbAddress = next;
        if (!fitsRam(next, this.dtb.length)) throw new ImageError('no room in RAM for the device tree');
        this.place(next, this.dtb);
        cpu.setPC(BigInt(loadAddr));
        cpu.setX(0, BigInt(this.dtbAddress)); // x0 = DTB, x1..x3 = 0
        break;
      }
      default: {
        const addr = opts.loadAddress ?? VIRT.RAM;
        if (addr < VIRT.FLASH_SIZE && addr + img.bytes.length <= VIRT.FLASH_SIZE) {
          const buf = new Uint8Array(addr + img.bytes.length);
          buf.set(img.bytes, addr);
          if (this.realm) this.place(addr, img.bytes);
          else this.flash0!.setContents(buf);
        } else {
          if (!fitsRam(addr, img.bytes.length)) throw new ImageError(`raw image (${img.bytes.length} bytes at 0x${addr.toString(16)}) is outside RAM`);
          this.place(addr, img.bytes);
        }
        this.dtb = makeDtb();
        this.dtbAddress = addr === VIRT.RAM ? alignUp(VIRT.RAM + img.bytes.length, 0x200000) : VIRT.RAM;
        if (fitsRam(this.dtbAddress, this.dtb.length)) this.place(this.dtbAddress, this.dtb);
        cpu.setPC(BigInt(addr));
      }
    }
  }
}

function alignUp(v: number, a: number): number { return Math.ceil(v / a) * a; }

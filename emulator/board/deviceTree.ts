// The device tree QEMU 7.2 generates for `-M virt,gic-version=3 -cpu cortex-a57` (hw/arm/virt.c
// and hw/arm/boot.c), node for node and property for property in QEMU's order (libfdt inserts a
// new node before its older siblings and a new property before the older ones, so QEMU's
// creation order appears reversed), with the same phandles. Reference:
// shared/reference/qemu-7.2-virt-gicv3-512M.dts (made without firmware; with -bios QEMU drops
// the PL061 and gpio-keys: opts.gpio). /chosen rng-seed and kaslr-seed (random on every QEMU
// run) only with opts.seeds; the /pmu node only with opts.pmu.
// Memory map (QEMU virt, RAM below 256 GiB so the high IO regions sit at 256 GiB):
//   flash 0x0 (2 x 64 MiB), GICD 0x0800_0000, ITS 0x0808_0000, GICR 0x080A_0000, UART
//   0x0900_0000, RTC 0x0901_0000, fw_cfg 0x0902_0000, GPIO 0x0903_0000, virtio-mmio
//   0x0A00_0000 (32 x 0x200), platform bus 0x0C00_0000, PCIe MMIO 0x1000_0000, PIO
//   0x3EFF_0000, high ECAM 0x40_1000_0000, high MMIO 0x80_0000_0000.

import { FdtBuilder } from './fdt';

export interface VirtDeviceTreeOptions {
  ramBase: number;
  ramSize: number;
  psciMethod: 'hvc' | 'smc';
  /** /chosen/bootargs (QEMU sets it from -append). */
  cmdline?: string;
  /** /chosen/linux,initrd-start and -end (QEMU sets them when it loads an initrd). */
  initrd?: { start: number; end: number };
  cpuCompatible?: string;
  pmu?: boolean;
  /** Include the GICv3 ITS node and the PCIe msi-map (QEMU's its=on, its default). Boards
   *  that do not model an ITS leave it out, as QEMU does with its=off. */
  its?: boolean;
  /** Include the PL061 and its gpio-keys power button (default). QEMU leaves both out when
   *  firmware is loaded with ACPI on, and has the ACPI Generic Event Device instead. */
  gpio?: boolean;
  /** /chosen rng-seed (32 bytes) and kaslr-seed (8 bytes): QEMU 7.2 puts random ones there
   *  on every run (its dtb-randomness, on by default). */
  seeds?: { rng: Uint8Array; kaslr: Uint8Array };
  /** Lay the blob out as QEMU does (libfdt, 1 MiB with free space, QEMU's string order):
   *  firmware sizes what it reserves and relocates by the header's totalsize. */
  qemuLayout?: boolean;
}

/** QEMU 7.2 virt's FDT_MAX_SIZE: the size of the blob it loads. */
export const QEMU_FDT_SIZE = 0x100000;

/** The order in which QEMU 7.2's virt (and arm_load_dtb) first uses each property name, which
 *  is the order of its strings block (read from `-M virt,dumpdtb=` blobs). */
const QEMU_STRING_ORDER = [
  'compatible', '#address-cells', '#size-cells', 'model', 'kaslr-seed', 'rng-seed', '#clock-cells', 'clock-frequency',
  'clock-output-names', 'phandle', 'always-on', 'interrupts', 'device_type', 'reg', 'cpu', 'bank-width', 'interrupt-parent',
  '#interrupt-cells', 'interrupt-controller', 'ranges', '#redistributor-regions', 'msi-controller', '#msi-cells', 'clocks',
  'clock-names', 'stdout-path', 'linux,pci-domain', 'bus-range', 'dma-coherent', 'msi-map', 'interrupt-map',
  'interrupt-map-mask', '#gpio-cells', 'gpio-controller', 'label', 'linux,code', 'gpios', 'bootargs', 'linux,initrd-start',
  'linux,initrd-end', 'method', 'cpu_suspend', 'cpu_off', 'cpu_on', 'migrate',
] as const;

const PHANDLE_CLOCK = 0x8000;
const PHANDLE_CPU0 = 0x8001;
const PHANDLE_GIC = 0x8002;
const PHANDLE_ITS = 0x8003;
const PHANDLE_GPIO = 0x8004;

// GIC interrupt specifier cells
const GIC_SPI = 0;
const GIC_PPI = 1;
const IRQ_EDGE_RISING = 1;
const IRQ_LEVEL_HIGH = 4;

const HIGHMEM_BASE = 256 * 2 ** 30;

function hi(v: number): number {
  return Math.floor(v / 2 ** 32) >>> 0;
}
function lo(v: number): number {
  return v >>> 0;
}
/** Cells for (address, size) pairs with #address-cells = #size-cells = 2. */
function reg2(...pairs: [number, number][]): number[] {
  return pairs.flatMap(([a, s]) => [hi(a), lo(a), hi(s), lo(s)]);
}

export function buildVirtDeviceTree(opts: VirtDeviceTreeOptions): Uint8Array {
  if (opts.ramBase + opts.ramSize > HIGHMEM_BASE) {
    throw new Error('RAM above 256 GiB moves QEMU\'s high IO regions; not supported');
  }
  const f = new FdtBuilder();
  f.beginNode('');
  f.property('interrupt-parent', [PHANDLE_GIC]);
  f.property('model', 'linux,dummy-virt');
  f.property('#size-cells', [2]);
  f.property('#address-cells', [2]);
  f.property('compatible', 'linux,dummy-virt');

  f.beginNode('psci');
  f.property('migrate', [0xc4000005]);
  f.property('cpu_on', [0xc4000003]);
  f.property('cpu_off', [0x84000002]);
  f.property('cpu_suspend', [0xc4000001]);
  f.property('method', opts.psciMethod);
  f.property('compatible', ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci']);
  f.endNode();

  f.beginNode(`memory@${opts.ramBase.toString(16)}`);
  f.property('reg', reg2([opts.ramBase, opts.ramSize]));
  f.property('device_type', 'memory');
  f.endNode();

  f.beginNode('platform-bus@c000000');
  f.property('interrupt-parent', [PHANDLE_GIC]);
  f.property('ranges', [0, 0, 0x0c000000, 0x02000000]);
  f.property('#address-cells', [1]);
  f.property('#size-cells', [1]);
  f.property('compatible', ['qemu,platform', 'simple-bus']);
  f.endNode();

  f.beginNode('fw-cfg@9020000');
  f.property('dma-coherent');
  f.property('reg', reg2([0x09020000, 0x18]));
  f.property('compatible', 'qemu,fw-cfg-mmio');
  f.endNode();

  for (let i = 0; i < 32; i++) {
    const base = 0x0a000000 + 0x200 * i;
    f.beginNode(`virtio_mmio@${base.toString(16)}`);
    f.property('dma-coherent');
    f.property('interrupts', [GIC_SPI, 0x10 + i, IRQ_EDGE_RISING]);
    f.property('reg', reg2([base, 0x200]));
    f.property('compatible', 'virtio,mmio');
    f.endNode();
  }

  if (opts.gpio !== false) {
    f.beginNode('gpio-keys');
    f.property('compatible', 'gpio-keys');
    f.beginNode('poweroff');
    f.property('gpios', [PHANDLE_GPIO, 3, 0]);
    f.property('linux,code', [116]); // KEY_POWER
    f.property('label', 'GPIO Key Poweroff');
    f.endNode();
    f.endNode();

    f.beginNode('pl061@9030000');
    f.property('phandle', [PHANDLE_GPIO]);
    f.property('clock-names', 'apb_pclk');
    f.property('clocks', [PHANDLE_CLOCK]);
    f.property('interrupts', [GIC_SPI, 7, IRQ_LEVEL_HIGH]);
    f.property('gpio-controller');
    f.property('#gpio-cells', [2]);
    f.property('compatible', ['arm,pl061', 'arm,primecell']);
    f.property('reg', reg2([0x09030000, 0x1000]));
    f.endNode();
  }

  f.beginNode('pcie@10000000');
  f.property('interrupt-map-mask', [0x1800, 0, 0, 7]);
  // INTx swizzle: slot s, pin p (1-4) -> SPI 3 + (s + p - 1) % 4.
  const imap: number[] = [];
  for (let slot = 0; slot < 4; slot++) {
    for (let pin = 1; pin <= 4; pin++) {
      imap.push(slot << 11, 0, 0, pin, PHANDLE_GIC, 0, 0, GIC_SPI, 3 + ((slot + pin - 1) % 4), IRQ_LEVEL_HIGH);
    }
  }
  f.property('interrupt-map', imap);
  f.property('#interrupt-cells', [1]);
  f.property('ranges', [
    0x01000000, 0, 0, 0, 0x3eff0000, 0, 0x10000,                     // I/O space
    0x02000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2eff0000,         // 32-bit MMIO
    0x03000000, 0x80, 0, 0x80, 0, 0x80, 0,                           // 64-bit MMIO at 512 GiB
  ]);
  f.property('reg', reg2([0x40_1000_0000, 0x1000_0000]));
  if (opts.its !== false) f.property('msi-map', [0, PHANDLE_ITS, 0, 0x10000]);
  f.property('dma-coherent');
  f.property('bus-range', [0, 0xff]);
  f.property('linux,pci-domain', [0]);
  f.property('#size-cells', [2]);
  f.property('#address-cells', [3]);
  f.property('device_type', 'pci');
  f.property('compatible', 'pci-host-ecam-generic');
  f.endNode();

  f.beginNode('pl031@9010000');
  f.property('clock-names', 'apb_pclk');
  f.property('clocks', [PHANDLE_CLOCK]);
  f.property('interrupts', [GIC_SPI, 2, IRQ_LEVEL_HIGH]);
  f.property('reg', reg2([0x09010000, 0x1000]));
  f.property('compatible', ['arm,pl031', 'arm,primecell']);
  f.endNode();

  f.beginNode('pl011@9000000');
  f.property('clock-names', ['uartclk', 'apb_pclk']);
  f.property('clocks', [PHANDLE_CLOCK, PHANDLE_CLOCK]);
  f.property('interrupts', [GIC_SPI, 1, IRQ_LEVEL_HIGH]);
  f.property('reg', reg2([0x09000000, 0x1000]));
  f.property('compatible', ['arm,pl011', 'arm,primecell']);
  f.endNode();

  if (opts.pmu) {
    f.beginNode('pmu');
    f.property('interrupts', [GIC_PPI, 7, IRQ_LEVEL_HIGH]);
    f.property('compatible', 'arm,armv8-pmuv3');
    f.endNode();
  }

  f.beginNode('intc@8000000');
  f.property('phandle', [PHANDLE_GIC]);
  f.property('reg', reg2([0x08000000, 0x10000], [0x080a0000, 0xf60000]));
  f.property('#redistributor-regions', [1]);
  f.property('compatible', 'arm,gic-v3');
  f.property('ranges');
  f.property('#size-cells', [2]);
  f.property('#address-cells', [2]);
  f.property('interrupt-controller');
  f.property('#interrupt-cells', [3]);
  if (opts.its !== false) {
    f.beginNode('its@8080000');
    f.property('phandle', [PHANDLE_ITS]);
    f.property('reg', reg2([0x08080000, 0x20000]));
    f.property('#msi-cells', [1]);
    f.property('msi-controller');
    f.property('compatible', 'arm,gic-v3-its');
    f.endNode();
  }
  f.endNode();

  f.beginNode('flash@0');
  f.property('bank-width', [4]);
  f.property('reg', reg2([0, 0x04000000], [0x04000000, 0x04000000]));
  f.property('compatible', 'cfi-flash');
  f.endNode();

  f.beginNode('cpus');
  f.property('#size-cells', [0]);
  f.property('#address-cells', [1]);
  f.beginNode('cpu-map');
  f.beginNode('socket0');
  f.beginNode('cluster0');
  f.beginNode('core0');
  f.property('cpu', [PHANDLE_CPU0]);
  f.endNode();
  f.endNode();
  f.endNode();
  f.endNode();
  f.beginNode('cpu@0');
  f.property('phandle', [PHANDLE_CPU0]);
  f.property('reg', [0]);
  f.property('compatible', opts.cpuCompatible ?? 'arm,cortex-a57');
  f.property('device_type', 'cpu');
  f.endNode();
  f.endNode();

  f.beginNode('timer');
  f.property('interrupts', [
    GIC_PPI, 13, IRQ_LEVEL_HIGH, // secure physical timer
    GIC_PPI, 14, IRQ_LEVEL_HIGH, // non-secure physical timer
    GIC_PPI, 11, IRQ_LEVEL_HIGH, // virtual timer
    GIC_PPI, 10, IRQ_LEVEL_HIGH, // hypervisor timer
  ]);
  f.property('always-on');
  f.property('compatible', ['arm,armv8-timer', 'arm,armv7-timer']);
  f.endNode();

  f.beginNode('apb-pclk');
  f.property('phandle', [PHANDLE_CLOCK]);
  f.property('clock-output-names', 'clk24mhz');
  f.property('clock-frequency', [24_000_000]);
  f.property('#clock-cells', [0]);
  f.property('compatible', 'fixed-clock');
  f.endNode();

  f.beginNode('chosen');
  // arm_load_dtb adds these after virt.c created stdout-path, so they come first.
  if (opts.initrd) {
    f.property('linux,initrd-end', reg2([opts.initrd.end, 0]).slice(0, 2));
    f.property('linux,initrd-start', reg2([opts.initrd.start, 0]).slice(0, 2));
  }
  if (opts.cmdline) f.property('bootargs', opts.cmdline);
  f.property('stdout-path', '/pl011@9000000');
  if (opts.seeds) {
    const cells = (b: Uint8Array) => Array.from({ length: b.length / 4 }, (_, i) => new DataView(b.buffer, b.byteOffset).getUint32(4 * i, false));
    f.property('rng-seed', cells(opts.seeds.rng));
    f.property('kaslr-seed', cells(opts.seeds.kaslr));
  }
  f.endNode();

  f.endNode();
  return f.finish(opts.qemuLayout ? { totalSize: QEMU_FDT_SIZE, stringOrder: QEMU_STRING_ORDER } : undefined);
}

// An empty virtio-mmio transport, as QEMU's virt board creates 32 of them at 0x0a000000 with no
// backend plugged in: firmware probes them and finds device ID 0 ("no device").
// Register layout from the virtio 1.1 specification §4.2.2; QEMU's transports default to the
// legacy interface (version 1).

import type { MmioDevice } from '../memory/PhysicalMemory';

export class VirtioMmioTransport implements MmioDevice {
  readonly name: string;
  constructor(index: number) { this.name = `virtio-mmio.${index}`; }

  read(offset: number, size: number): bigint | undefined {
    if (size !== 4) return 0n;
    switch (offset) {
      case 0x000: return 0x74726976n; // MagicValue "virt"
      case 0x004: return 1n;          // Version: legacy
      case 0x008: return 0n;          // DeviceID: no device
      case 0x00c: return 0x554d4551n; // VendorID "QEMU"
      default: return 0n;
    }
  }

  write(): boolean { return true; }
}

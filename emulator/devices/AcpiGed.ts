// QEMU's ACPI Generic Event Device ("acpi-ged", hw/acpi/generic_event_device.c) as the virt
// board maps it when firmware is loaded (-bios) and ACPI is on: the power button's event
// source instead of the PL061's GPIO line 3. One 32-bit register at 0x0908_0000, the event
// selector ESEL (the DSDT's \_SB.GED._EVT reads it): reading returns the pending events and
// clears them; writes are ignored. Only 32-bit accesses are valid (QEMU: min = max = 4), so
// other sizes and offsets are bus errors. An event ORs its bit into ESEL and pulses SPI 9
// (INTID 41, described as edge-triggered in the DSDT).

import type { MmioDevice } from '../memory/PhysicalMemory';

export const ACPI_GED_SIZE = 4;
/** ESEL bits (QEMU's ACPI_GED_*_EVT). */
export const GED_MEM_HOTPLUG_EVT = 0x1;
export const GED_PWR_DOWN_EVT = 0x2;
export const GED_NVDIMM_HOTPLUG_EVT = 0x4;

export class AcpiGed implements MmioDevice {
  readonly name = 'acpi-ged';
  private sel = 0;
  constructor(private readonly pulseIrq: () => void = () => {}) {}

  reset(): void { this.sel = 0; }

  /** Signals events (ESEL bits), as QEMU's acpi_send_event does. */
  event(bits: number): void {
    this.sel = (this.sel | bits) >>> 0;
    this.pulseIrq();
  }

  /** Pending events, without the read side effect. */
  get pending(): number { return this.sel; }

  read(offset: number, size: number): bigint | undefined {
    if (size !== 4 || offset !== 0) return size === 4 && offset < ACPI_GED_SIZE ? 0n : undefined;
    const v = this.sel;
    this.sel = 0;
    return BigInt(v);
  }

  write(offset: number, size: number, _value?: bigint): boolean {
    return size === 4 && offset === 0;
  }
}

// PSCI 1.1 for one PE, as QEMU's virt board provides it when the firmware is not EL3 code
// (function IDs from Arm DEN 0022; the conduit is HVC or SMC per the board). Unknown function IDs
// return NOT_SUPPORTED (-1) in X0, as QEMU does.

import type { Cpu } from '../cpu/Cpu';

export const PSCI = {
  VERSION: 0x84000000, CPU_SUSPEND_32: 0x84000001, CPU_SUSPEND_64: 0xc4000001, CPU_OFF: 0x84000002,
  CPU_ON_32: 0x84000003, CPU_ON_64: 0xc4000003, AFFINITY_INFO_32: 0x84000004, AFFINITY_INFO_64: 0xc4000004,
  MIGRATE_32: 0x84000005, MIGRATE_64: 0xc4000005, MIGRATE_INFO_TYPE: 0x84000006, SYSTEM_OFF: 0x84000008,
  SYSTEM_RESET: 0x84000009, FEATURES: 0x8400000a,
} as const;

export const PSCI_RET = { SUCCESS: 0, NOT_SUPPORTED: -1, INVALID_PARAMETERS: -2, DENIED: -3, ALREADY_ON: -4 } as const;

export interface PsciHost {
  systemOff(): void;
  systemReset(): void;
}

const SUPPORTED = new Set<number>([
  PSCI.VERSION, PSCI.CPU_SUSPEND_32, PSCI.CPU_SUSPEND_64, PSCI.CPU_OFF, PSCI.CPU_ON_32, PSCI.CPU_ON_64,
  PSCI.AFFINITY_INFO_32, PSCI.AFFINITY_INFO_64, PSCI.MIGRATE_INFO_TYPE, PSCI.SYSTEM_OFF, PSCI.SYSTEM_RESET, PSCI.FEATURES,
]);

export function psciName(fn: number): string | undefined {
  for (const [k, v] of Object.entries(PSCI)) if (v === fn) return k;
  return undefined;
}

/** Services one PSCI call from the registers of `cpu`. Always handles it (unknown IDs get -1). */
export function handlePsci(cpu: Cpu, host: PsciHost): void {
  const fn = cpu.r[0] >>> 0;
  const set = (v: number) => cpu.setX(0, BigInt(v));
  switch (fn) {
    case PSCI.VERSION: set(0x00010001); return; // 1.1
    case PSCI.CPU_SUSPEND_32: case PSCI.CPU_SUSPEND_64:
      // A power-down state would lose context; treating it as a standby (WFI-like) is allowed.
      if (!cpu.irqLine && !cpu.fiqLine) { cpu.waitingForInterrupt = true; cpu.attention = 1; }
      set(PSCI_RET.SUCCESS);
      return;
    case PSCI.CPU_OFF:
      // The only PE turning off leaves nothing running: stop as QEMU does (the machine idles).
      host.systemOff();
      return;
    case PSCI.CPU_ON_32: case PSCI.CPU_ON_64: {
      const target = fn === PSCI.CPU_ON_32 ? cpu.r[2] >>> 0 : cpu.getX(1);
      set(BigInt(target) === 0n ? PSCI_RET.ALREADY_ON : PSCI_RET.INVALID_PARAMETERS);
      return;
    }
    case PSCI.AFFINITY_INFO_32: case PSCI.AFFINITY_INFO_64: {
      const target = fn === PSCI.AFFINITY_INFO_32 ? BigInt(cpu.r[2] >>> 0) : cpu.getX(1);
      const level = cpu.getX(2);
      set(target === 0n && level === 0n ? 0 /* ON */ : PSCI_RET.INVALID_PARAMETERS);
      return;
    }
    case PSCI.MIGRATE_INFO_TYPE: set(2); return; // Trusted OS not present
    case PSCI.SYSTEM_OFF: host.systemOff(); return;
    case PSCI.SYSTEM_RESET: host.systemReset(); return;
    case PSCI.FEATURES: set(SUPPORTED.has(Number(cpu.getX(1) & 0xffffffffn)) ? 0 : PSCI_RET.NOT_SUPPORTED); return;
    default: set(PSCI_RET.NOT_SUPPORTED);
  }
}

// A bare CPU with RAM for instruction-level tests: no board, no devices.
import { PhysicalMemory, RamRegion } from '../../emulator/memory/PhysicalMemory';
import { Cpu } from '../../emulator/cpu/Cpu';

export const RAM_BASE = 0x40000000;
export const RAM_SIZE = 64 * 1024 * 1024;
/** Page tables built by `enableIdentityMmu` live here (end of RAM). */
export const PT_BASE = RAM_BASE + RAM_SIZE - 0x10000;

export interface Harness { cpu: Cpu; mem: PhysicalMemory; ram: RamRegion; }

export function makeCpu(): Harness {
  const mem = new PhysicalMemory();
  const ram = mem.addRam('ram', RAM_BASE, RAM_SIZE);
  const cpu = new Cpu(mem);
  cpu.setPC(BigInt(RAM_BASE));
  return { cpu, mem, ram };
}

export function writeWords(mem: PhysicalMemory, addr: number, words: number[]): void {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  mem.writeBytes(addr, b);
}

/** Identity map (4 KiB granule, 39-bit VA, level 1 start) with 1 GiB blocks: 0-1 GiB Device-nGnRnE,
 *  1-4 GiB Normal write-back (attr index 1). Enables the MMU and caches at EL1.
 *  `el0`: true = RAM is read/write at EL0 too (AP=01, so EL1 cannot execute from it, per the
 *  architecture); false = EL1 only (AP=00); 'shared-code' = like true, but the first 2 MiB of RAM
 *  are read-only at both ELs (AP=11) so that code there runs at EL1 and at EL0. */
export function enableIdentityMmu(h: Harness, el0: boolean | 'shared-code' = true): void {
  const { cpu, mem } = h;
  const l1 = new DataView(new ArrayBuffer(4096));
  const l2Base = PT_BASE + 0x1000;
  for (let i = 0; i < 4; i++) {
    const attr = i === 0 ? 0 : 1;
    // block: bits[1:0]=01, AttrIndx[4:2], AP[7:6], SH[9:8]=11, AF[10]=1
    let d = BigInt(i) << 30n | 1n | BigInt(attr << 2) | (3n << 8n) | (1n << 10n);
    if (el0) d |= 1n << 6n;
    if (i === 0) d |= (1n << 53n) | (1n << 54n); // PXN, UXN on device memory
    if (i === 1 && el0 === 'shared-code') d = BigInt(l2Base) | 3n; // table for 1-2 GiB
    l1.setBigUint64(i * 8, d, true);
  }
  mem.writeBytes(PT_BASE, new Uint8Array(l1.buffer));
  if (el0 === 'shared-code') {
    const l2 = new DataView(new ArrayBuffer(4096));
    for (let j = 0; j < 512; j++) {
      const ap = j === 0 ? 3n : 1n;
      l2.setBigUint64(j * 8, (0x40000000n + (BigInt(j) << 21n)) | 1n | (1n << 2n) | (ap << 6n) | (3n << 8n) | (1n << 10n), true);
    }
    mem.writeBytes(l2Base, new Uint8Array(l2.buffer));
  }
  const sys = cpu.sys;
  sys.writeByName('MAIR_EL1', 0xff00n);             // attr0 Device-nGnRnE, attr1 Normal WB
  sys.writeByName('TCR_EL1', 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (1n << 23n) | (5n << 32n)); // T0SZ=25, IRGN/ORGN WB, ISH, EPD1, IPS=48
  sys.writeByName('TTBR0_EL1', BigInt(PT_BASE));
  sys.writeByName('SCTLR_EL1', sys.sctlr | 1n | 4n | 0x1000n);   // M, C, I
}

/** Writes `words` at the start of RAM and runs exactly that many instructions (unless stopped). */
export function runWords(h: Harness, words: number[], budget = words.length): void {
  writeWords(h.mem, RAM_BASE, words);
  h.cpu.setPC(BigInt(RAM_BASE));
  h.cpu.run(budget);
}

// The SMBIOS tables QEMU 7.2's virt machine offers through fw_cfg (hw/smbios/smbios.c with the
// virt defaults: manufacturer "QEMU", product "QEMU Virtual Machine", version "virt-7.2", a
// 64-bit SMBIOS 3.0 entry point): "etc/smbios/smbios-tables" holds structures of types 1
// (system), 3 (chassis), 4 (processor), 16 (memory array), 17 (one memory device per 16 GiB of
// RAM), 32 (boot information) and 127 (end); "etc/smbios/smbios-anchor" the entry point with
// the table address left 0 (the firmware places the table and fixes it up). No type 0 (QEMU
// adds it only for -smbios type=0 options) and no type 19 (QEMU adds it only on x86).
// Compared byte for byte with QEMU 7.2 in test/fixtures/reference/qemu-7.2-acpi/smbios-*.

export interface SmbiosBlobs {
  tables: Uint8Array;
  anchor: Uint8Array;
}

const MACHINE_VERSION = 'virt-7.2';
const MAX_DIMM_BYTES = 16 * 2 ** 30;

class Structure {
  readonly f: number[] = [];
  private readonly strings: string[] = [];
  constructor(type: number, handle: number) { this.f.push(type, 0, handle & 0xff, handle >>> 8); }
  u8(...v: number[]): this { for (const b of v) this.f.push(b & 0xff); return this; }
  u16(v: number): this { return this.u8(v, v >>> 8); }
  u32(v: number): this { return this.u8(v, v >>> 8, v >>> 16, v >>> 24); }
  u64(v: number): this { return this.u32(v >>> 0).u32(Math.floor(v / 2 ** 32)); }
  /** A string field: its 1-based number, or 0 for none. */
  str(s: string | undefined): this {
    if (!s) return this.u8(0);
    this.strings.push(s);
    return this.u8(this.strings.length);
  }
  bytes(): number[] {
    const out = [...this.f];
    out[1] = this.f.length;
    if (this.strings.length === 0) return out.concat(0, 0);
    for (const s of this.strings) out.push(...[...s].map(c => c.charCodeAt(0)), 0);
    return out.concat(0);
  }
}

export function buildVirtSmbios(opts: { ramSize: number; cpus?: number }): SmbiosBlobs {
  const cpus = opts.cpus ?? 1;
  const out: number[] = [];
  let maxStructure = 0;
  const add = (s: Structure) => { const b = s.bytes(); maxStructure = Math.max(maxStructure, b.length); out.push(...b); };

  // Type 1: system information (UUID zero: no -uuid).
  add(new Structure(1, 0x100).str('QEMU').str('QEMU Virtual Machine').str(MACHINE_VERSION).str(undefined)
    .u8(...new Array(16).fill(0)).u8(0x06 /* wake-up: power switch */).str(undefined).str(undefined));
  // Type 3: chassis.
  add(new Structure(3, 0x300).str('QEMU').u8(0x01 /* other */).str(MACHINE_VERSION).str(undefined).str(undefined)
    .u8(0x03, 0x03, 0x03, 0x02 /* safe, safe, safe, unknown security */).u32(0).u8(0, 0, 0, 0).str(undefined));
  // Type 4: one per CPU socket.
  for (let i = 0; i < cpus; i++) {
    add(new Structure(4, 0x400 + i).str(`CPU ${i}`).u8(0x03 /* central */, 0x01 /* family: other */).str('QEMU')
      .u32(0).u32(0).str(MACHINE_VERSION).u8(0).u16(0).u16(2000).u16(2000).u8(0x41 /* enabled, populated */, 0x01)
      .u16(0xffff).u16(0xffff).u16(0xffff).str(undefined).str(undefined).str(undefined)
      .u8(1, 1, 1).u16(0x0002 /* unknown */).u16(0x0001).u16(1).u16(1).u16(1));
  }
  // Type 16: the memory array.
  const dimms = Math.ceil(opts.ramSize / MAX_DIMM_BYTES);
  const kib = opts.ramSize / 1024;
  add(new Structure(16, 0x1000).u8(0x01 /* other */, 0x03 /* system memory */, 0x06 /* multi-bit ECC */)
    .u32(kib < 2 ** 31 ? kib : 0x80000000).u16(0xfffe).u16(dimms).u64(kib < 2 ** 31 ? 0 : opts.ramSize));
  // Type 17: memory devices of at most 16 GiB.
  for (let i = 0; i < dimms; i++) {
    const bytes = Math.min(MAX_DIMM_BYTES, opts.ramSize - i * MAX_DIMM_BYTES);
    const mib = Math.floor(bytes / 2 ** 20);
    add(new Structure(17, 0x1100 + i).u16(0x1000).u16(0xfffe).u16(0xffff).u16(0xffff)
      .u16(mib < 0x7fff ? mib : 0x7fff).u8(0x09 /* DIMM */, 0).str(`DIMM ${i}`).str(undefined).u8(0x07 /* RAM */)
      .u16(0x0002 /* other */).u16(0).str('QEMU').str(undefined).str(undefined).str(undefined).u8(0)
      .u32(mib < 0x7fff ? 0 : mib).u16(0).u16(0).u16(0).u16(0));
  }
  // Type 32: boot information, no errors.
  add(new Structure(32, 0x2000).u8(0, 0, 0, 0, 0, 0).u8(0));
  add(new Structure(127, 0x7f00));

  const anchor = new Uint8Array(24);
  const a = new DataView(anchor.buffer);
  anchor.set([0x5f, 0x53, 0x4d, 0x33, 0x5f]); // "_SM3_"
  a.setUint8(6, 24);         // length
  a.setUint8(7, 3);          // version 3.0.0
  a.setUint8(10, 1);         // entry point revision
  a.setUint32(12, out.length, true); // structure table maximum size
  void maxStructure;
  return { tables: Uint8Array.from(out), anchor };
}

// The ACPI tables QEMU 7.2 offers the firmware of `-M virt,gic-version=3` through fw_cfg
// (hw/arm/virt-acpi-build.c): "etc/acpi/tables" (DSDT FACP APIC PPTT GTDT MCFG SPCR DBG2 IORT
// XSDT, padded to 128 KiB), "etc/acpi/rsdp" and "etc/table-loader", the list of commands with
// which the firmware (EDK2's AcpiPlatformDxe) allocates the blobs, patches the pointers between
// tables and computes the checksums. Checksum fields are left zero, as QEMU leaves them.
//
// Layout and values follow the bytes QEMU 7.2 produces for one CPU, recorded in
// test/fixtures/reference/qemu-7.2-acpi/ (the unit tests compare). Two variants of the DSDT:
// with firmware loaded (-bios) QEMU wires the power button through an ACPI Generic Event
// Device at 0x0908_0000 ("\_SB.GED"); otherwise through the PL061 GPIO ("GPO0", pin 3).
// The MADT's GICC "performance interrupt" is the PMU's PPI (23) when the CPU has a PMU, 0
// otherwise (QEMU's pmu=off). QEMU 7.2 lists the GIC ITS in the MADT and IORT whatever
// `its=` says (it tests the machine class's no_its, not the property), so this does too.

export interface VirtAcpiOptions {
  psciConduit: 'hvc' | 'smc';
  /** Power button through the Generic Event Device (firmware loaded) instead of the PL061. */
  ged: boolean;
  /** The CPU has a PMU (its overflow interrupt is PPI 7, INTID 23). */
  pmu: boolean;
}

export interface AcpiBlobs {
  tables: Uint8Array;
  rsdp: Uint8Array;
  tableLoader: Uint8Array;
}

// ---- byte buffers ----------------------------------------------------------------------------

class Bytes {
  data: number[] = [];
  get length(): number { return this.data.length; }
  u8(...v: number[]): this { for (const b of v) this.data.push(b & 0xff); return this; }
  u16(v: number): this { return this.u8(v, v >>> 8); }
  u32(v: number): this { return this.u8(v, v >>> 8, v >>> 16, v >>> 24); }
  u64(v: number | bigint): this {
    const b = BigInt(v);
    return this.u32(Number(b & 0xffffffffn)).u32(Number(b >> 32n));
  }
  ascii(s: string, len = s.length): this {
    for (let i = 0; i < len; i++) this.data.push(i < s.length ? s.charCodeAt(i) : 0);
    return this;
  }
  bytes(b: ArrayLike<number>): this { for (let i = 0; i < b.length; i++) this.data.push(b[i]); return this; }
  set32(at: number, v: number): void {
    for (let i = 0; i < 4; i++) this.data[at + i] = (v >>> (8 * i)) & 0xff;
  }
}

// ---- AML (ACPI 6.4 chapter 20) -----------------------------------------------------------------

type Aml = number[];

/** PkgLength covering `len` bytes of content plus the encoding itself, in as few bytes as QEMU uses. */
function pkgLength(len: number): number[] {
  let n: number;
  if (len + 1 < 1 << 6) n = 1;
  else if (len + 2 < 1 << 12) n = 2;
  else if (len + 3 < 1 << 20) n = 3;
  else n = 4;
  const total = len + n;
  if (n === 1) return [total];
  const out = [((n - 1) << 6) | (total & 0xf)];
  for (let i = 1; i < n; i++) out.push((total >>> (4 + 8 * (i - 1))) & 0xff);
  return out;
}

const cat = (...parts: Aml[]): Aml => parts.flat();

function nameSeg(s: string): number[] {
  return [...s.padEnd(4, '_')].map(c => c.charCodeAt(0));
}

/** A NameString: "\\_SB", "\\_SB.GED", "_HID", "GSI0". */
function nameString(path: string): Aml {
  const out: number[] = [];
  let p = path;
  if (p.startsWith('\\')) { out.push(0x5c); p = p.slice(1); }
  const segs = p.split('.').filter(s => s.length > 0);
  if (segs.length === 2) out.push(0x2e);
  else if (segs.length > 2) out.push(0x2f, segs.length);
  for (const s of segs) out.push(...nameSeg(s));
  return out;
}

/** An integer constant in the shortest encoding. */
function int(v: number | bigint): Aml {
  const b = BigInt(v);
  if (b === 0n) return [0x00];
  if (b === 1n) return [0x01];
  if (b === 0xffffffffffffffffn) return [0xff];
  const le = (n: number) => Array.from({ length: n }, (_, i) => Number((b >> BigInt(8 * i)) & 0xffn));
  if (b <= 0xffn) return [0x0a, ...le(1)];
  if (b <= 0xffffn) return [0x0b, ...le(2)];
  if (b <= 0xffffffffn) return [0x0c, ...le(4)];
  return [0x0e, ...le(8)];
}

const string = (s: string): Aml => [0x0d, ...[...s].map(c => c.charCodeAt(0)), 0x00];
const name = (n: string, value: Aml): Aml => cat([0x08], nameString(n), value);
const scope = (n: string, ...body: Aml[]): Aml => { const c = cat(nameString(n), ...body); return cat([0x10], pkgLength(c.length), c); };
const device = (n: string, ...body: Aml[]): Aml => { const c = cat(nameString(n), ...body); return cat([0x5b, 0x82], pkgLength(c.length), c); };
const method = (n: string, args: number, serialized: boolean, ...body: Aml[]): Aml => {
  const c = cat(nameString(n), [args | (serialized ? 0x08 : 0)], ...body);
  return cat([0x14], pkgLength(c.length), c);
};
const buffer = (bytes: Aml): Aml => { const c = cat(int(bytes.length), bytes); return cat([0x11], pkgLength(c.length), c); };
const pkg = (...elems: Aml[]): Aml => { const c = cat([elems.length], ...elems); return cat([0x12], pkgLength(c.length), c); };
const varPkg = (...elems: Aml[]): Aml => { const c = cat(int(elems.length), ...elems); return cat([0x13], pkgLength(c.length), c); };
const ifOp = (pred: Aml, ...body: Aml[]): Aml => { const c = cat(pred, ...body); return cat([0xa0], pkgLength(c.length), c); };
const elseOp = (...body: Aml[]): Aml => { const c = cat(...body); return cat([0xa1], pkgLength(c.length), c); };
const ret = (v: Aml): Aml => cat([0xa4], v);
const store = (src: Aml, dst: Aml): Aml => cat([0x70], src, dst);
const and = (a: Aml, b: Aml, target: Aml = [0x00]): Aml => cat([0x7b], a, b, target);
const or = (a: Aml, b: Aml, target: Aml): Aml => cat([0x7d], a, b, target);
const lequal = (a: Aml, b: Aml): Aml => cat([0x93], a, b);
const lnot = (a: Aml): Aml => cat([0x92], a);
const notify = (target: Aml, v: Aml): Aml => cat([0x86], target, v);
const createDWordField = (src: Aml, index: Aml, n: string): Aml => cat([0x8a], src, index, nameString(n));
const arg = (i: number): Aml => [0x68 + i];
const local = (i: number): Aml => [0x60 + i];
const ref = (n: string): Aml => nameString(n);
const unicode = (s: string): Aml => buffer([...s, '\0'].flatMap(c => [c.charCodeAt(0), 0]));

/** ToUUID("aabbccdd-eeff-gghh-iijj-kkllmmnnoopp") as a 16-byte Buffer. */
function uuid(s: string): Aml {
  const h = s.replace(/-/g, '');
  const byte = (i: number) => parseInt(h.slice(2 * i, 2 * i + 2), 16);
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return buffer(order.map(byte));
}

// Resource descriptors (ACPI 6.4 section 6.4).
const resourceTemplate = (...descs: Aml[]): Aml => buffer(cat(...descs, [0x79, 0x00]));
const u16le = (v: number) => [v & 0xff, (v >>> 8) & 0xff];
const u32le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const u64le = (v: number) => [...u32le(v >>> 0), ...u32le(Math.floor(v / 2 ** 32))];
const memory32Fixed = (base: number, len: number): Aml => [0x86, 0x09, 0x00, 0x01, ...u32le(base), ...u32le(len)];
/** Extended Interrupt descriptor, resource consumer, active high, exclusive; level or edge. */
const interrupt = (intid: number, edge = false): Aml => [0x89, 0x06, 0x00, edge ? 0x03 : 0x01, 0x01, ...u32le(intid)];
const wordBusNumber = (min: number, max: number): Aml =>
  [0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, ...u16le(0), ...u16le(min), ...u16le(max), ...u16le(0), ...u16le(max - min + 1)];
/** DWord Memory (type 0, flags: non-cacheable read/write) or DWord IO (type 1, entire range). */
const dwordSpace = (type: 0 | 1, min: number, max: number, translation: number): Aml =>
  [0x87, 0x17, 0x00, type, 0x0c, type === 0 ? 0x01 : 0x03, ...u32le(0), ...u32le(min), ...u32le(max), ...u32le(translation), ...u32le(max - min + 1)];
const qwordMemory = (min: number, max: number): Aml =>
  [0x8a, 0x2b, 0x00, 0x00, 0x0c, 0x01, ...u64le(0), ...u64le(min), ...u64le(max), ...u64le(0), ...u64le(max - min + 1)];
/** GpioInt: edge, active high, exclusive, pull-up, one pin, on controller `source`. */
function gpioInt(pin: number, source: string): Aml {
  const pinTable = 0x17, sourceOff = pinTable + 2;
  const src = [...source].map(c => c.charCodeAt(0)).concat(0);
  const vendorOff = sourceOff + src.length;
  const body = [
    0x01, // revision
    0x00, // connection type: interrupt
    ...u16le(0x0001), // general flags: consumer
    ...u16le(0x0001), // interrupt flags: edge, active high, exclusive
    0x01, // pull-up
    ...u16le(0), // drive strength
    ...u16le(0), // debounce
    ...u16le(pinTable), 0x00 /* resource source index */, ...u16le(sourceOff), ...u16le(vendorOff), ...u16le(0),
    ...u16le(pin), ...src,
  ];
  return [0x8c, ...u16le(body.length), ...body];
}

// ---- the board (QEMU 7.2 virt memory map, one CPU) -----------------------------------------------

const UART = { base: 0x09000000, size: 0x1000, intid: 32 + 1 };
const FW_CFG = { base: 0x09020000, size: 0x18 };
const GPIO = { base: 0x09030000, size: 0x1000, intid: 32 + 7 };
const ACPI_GED = { base: 0x09080000, intid: 32 + 9 };
const VIRTIO = { base: 0x0a000000, size: 0x200, count: 32, intid: 32 + 16 };
const PCIE = {
  ecam: 0x4010000000, ecamSize: 0x10000000, mmio: 0x10000000, mmioSize: 0x2eff0000,
  pio: 0x3eff0000, pioSize: 0x10000, mmioHigh: 0x8000000000, mmioHighSize: 0x8000000000, intid: 32 + 3,
};
const GICD = 0x08000000, GIC_ITS = 0x08080000, GICR = 0x080a0000, GICR_REGION_SIZE = 0xf60000;

function buildDsdtBody(opts: VirtAcpiOptions): Aml {
  const sb: Aml[] = [];
  sb.push(device('C000', name('_HID', string('ACPI0007')), name('_UID', int(0))));
  sb.push(device('COM0', name('_HID', string('ARMH0011')), name('_UID', int(0)),
    name('_CRS', resourceTemplate(memory32Fixed(UART.base, UART.size), interrupt(UART.intid)))));
  sb.push(device('FWCF', name('_HID', string('QEMU0002')), name('_STA', int(0xb)), name('_CCA', int(1)),
    name('_CRS', resourceTemplate(memory32Fixed(FW_CFG.base, FW_CFG.size)))));
  for (let i = 0; i < VIRTIO.count; i++) {
    sb.push(device(`VR${String(i).padStart(2, '0')}`, name('_HID', string('LNRO0005')), name('_UID', int(i)),
      name('_CCA', int(1)), name('_CRS', resourceTemplate(memory32Fixed(VIRTIO.base + i * VIRTIO.size, VIRTIO.size), interrupt(VIRTIO.intid + i)))));
  }
  sb.push(pcieHostBridge());
  if (opts.ged) {
    sb.push(device('\\_SB.GED', name('_HID', string('ACPI0013')), name('_UID', string('GED')),
      name('_CRS', resourceTemplate(interrupt(ACPI_GED.intid, true))),
      // OperationRegion (EREG, SystemMemory, base, 4); Field (EREG, DWordAcc, NoLock, WriteAsZeros) { ESEL, 32 }
      cat([0x5b, 0x80], nameSeg('EREG'), [0x00], int(ACPI_GED.base), int(4)),
      (() => { const c = cat(nameSeg('EREG'), [0x43], nameSeg('ESEL'), [0x20]); return cat([0x5b, 0x81], pkgLength(c.length), c); })(),
      method('_EVT', 1, true,
        store(ref('ESEL'), local(0)),
        ifOp(lequal(and(local(0), int(2)), int(2)), notify(ref('PWRB'), int(0x80))))));
  } else {
    sb.push(device('GPO0', name('_HID', string('ARMH0061')), name('_UID', int(0)),
      name('_CRS', resourceTemplate(memory32Fixed(GPIO.base, GPIO.size), interrupt(GPIO.intid))),
      name('_AEI', resourceTemplate(gpioInt(3, 'GPO0'))),
      method('_E03', 0, false, notify(ref('PWRB'), int(0x80)))));
  }
  sb.push(device('PWRB', name('_HID', string('PNP0C0C')), name('_UID', int(0))));
  return scope('\\_SB', ...sb);
}

function pcieHostBridge(): Aml {
  const prt: Aml[] = [];
  for (let slot = 0; slot < 32; slot++) {
    for (let pin = 0; pin < 4; pin++) {
      prt.push(pkg(int(slot * 0x10000 + 0xffff), int(pin), ref(`GSI${(slot + pin) % 4}`), int(0)));
    }
  }
  const links: Aml[] = [];
  for (let i = 0; i < 4; i++) {
    links.push(device(`GSI${i}`, name('_HID', string('PNP0C0F')), name('_UID', int(i)),
      name('_PRS', resourceTemplate(interrupt(PCIE.intid + i))),
      name('_CRS', resourceTemplate(interrupt(PCIE.intid + i))),
      method('_SRS', 1, false)));
  }
  const osc = method('_OSC', 4, false,
    createDWordField(arg(3), int(0), 'CDW1'),
    ifOp(lequal(arg(0), uuid('33db4d5b-1ff7-401c-9657-7441c03dd766')),
      createDWordField(arg(3), int(4), 'CDW2'),
      createDWordField(arg(3), int(8), 'CDW3'),
      store(ref('CDW2'), ref('SUPP')),
      store(ref('CDW3'), ref('CTRL')),
      and(ref('CTRL'), int(0x1f), ref('CTRL')),
      ifOp(lnot(lequal(arg(1), int(1))), or(ref('CDW1'), int(8), ref('CDW1'))),
      ifOp(lnot(lequal(ref('CDW3'), ref('CTRL'))), or(ref('CDW1'), int(0x10), ref('CDW1'))),
      store(ref('CTRL'), ref('CDW3')),
      ret(arg(3))),
    elseOp(or(ref('CDW1'), int(4), ref('CDW1')), ret(arg(3))));
  const dsm = method('_DSM', 4, false,
    ifOp(lequal(arg(0), uuid('e5c937d0-3553-4d7a-9117-ea4d19c3434d')),
      ifOp(lequal(arg(2), int(0)), ret(buffer([0x01])))),
    ret(buffer([0x00])));
  return device('PCI0',
    name('_HID', string('PNP0A08')), name('_CID', string('PNP0A03')), name('_SEG', int(0)), name('_BBN', int(0)),
    name('_UID', int(0)), name('_STR', unicode('PCIe 0 Device')), name('_CCA', int(1)),
    name('_PRT', varPkg(...prt)),
    ...links,
    method('_CBA', 0, false, ret([0x0e, ...u64le(PCIE.ecam)])),
    name('_CRS', resourceTemplate(
      wordBusNumber(0, 0xff),
      dwordSpace(0, PCIE.mmio, PCIE.mmio + PCIE.mmioSize - 1, 0),
      dwordSpace(1, 0, PCIE.pioSize - 1, PCIE.pio),
      qwordMemory(PCIE.mmioHigh, PCIE.mmioHigh + PCIE.mmioHighSize - 1))),
    name('SUPP', int(0)), name('CTRL', int(0)), osc, dsm,
    device('RES0', name('_HID', string('PNP0C02')), name('_CRS', resourceTemplate(qwordMemory(PCIE.ecam, PCIE.ecam + PCIE.ecamSize - 1)))));
}

// ---- tables ------------------------------------------------------------------------------------

function header(b: Bytes, sig: string, rev: number): number {
  const start = b.length;
  b.ascii(sig).u32(0 /* length, patched */).u8(rev, 0 /* checksum */).ascii('BOCHS ').ascii('BXPC    ').u32(1).ascii('BXPC').u32(1);
  return start;
}
function endTable(b: Bytes, start: number): void { b.set32(start + 4, b.length - start); }

const TABLES_FILE = 'etc/acpi/tables', RSDP_FILE = 'etc/acpi/rsdp';
const ACPI_BUILD_TABLE_SIZE = 0x20000;

class Loader {
  readonly b = new Bytes();
  private entry(cmd: number, fill: (b: Bytes) => void): void {
    const start = this.b.length;
    this.b.u32(cmd);
    fill(this.b);
    while (this.b.length < start + 128) this.b.u8(0);
  }
  allocate(file: string, align: number, fseg: boolean): void { this.entry(1, b => b.ascii(file, 56).u32(align).u8(fseg ? 2 : 1)); }
  pointer(dest: string, src: string, offset: number, size: number): void { this.entry(2, b => b.ascii(dest, 56).ascii(src, 56).u32(offset).u8(size)); }
  /** Checksum over [start, start + length) into the byte at `at` (a table header's by default). */
  checksum(file: string, start: number, length: number, at = start + 9): void { this.entry(3, b => b.ascii(file, 56).u32(at).u32(start).u32(length)); }
}

export function buildVirtAcpi(opts: VirtAcpiOptions): AcpiBlobs {
  const t = new Bytes();
  const loader = new Loader();
  const offsets: number[] = [];
  const tables: { start: number }[] = [];
  const done = (start: number) => { endTable(t, start); tables.push({ start }); };

  // DSDT
  const dsdt = header(t, 'DSDT', 2);
  t.bytes(buildDsdtBody(opts));
  done(dsdt);

  // FADT (revision 6.3): hardware-reduced, PSCI.
  offsets.push(t.length);
  const fadt = header(t, 'FACP', 6);
  while (t.length < fadt + 112) t.u8(0);
  t.u32(1 << 20);                        // flags: HW_REDUCED_ACPI
  while (t.length < fadt + 129) t.u8(0); // reset register, reset value
  t.u16(opts.psciConduit === 'hvc' ? 3 : 1); // ARM boot flags: PSCI compliant (| use HVC)
  t.u8(0);                               // FADT minor version
  while (t.length < fadt + 140) t.u8(0);
  t.u64(dsdt);                           // X_DSDT (patched by the loader)
  while (t.length < fadt + 268) t.u8(0);
  t.ascii('QEMU', 8);                    // hypervisor vendor identity
  done(fadt);

  // MADT
  offsets.push(t.length);
  const madt = header(t, 'APIC', 4);
  t.u32(0).u32(0);
  t.u8(0x0c, 24).u16(0).u32(0).u64(GICD).u32(0).u8(3, 0, 0, 0);     // GIC distributor, GICv3
  t.u8(0x0b, 80).u16(0).u32(0).u32(0).u32(1 /* enabled */).u32(0)  // GICC
    .u32(opts.pmu ? 16 + 7 : 0).u64(0).u64(0).u64(0).u64(0).u32(0).u64(0).u64(0).u8(0, 0).u16(0);
  t.u8(0x0e, 16).u16(0).u64(GICR).u32(GICR_REGION_SIZE);           // GIC redistributor region
  t.u8(0x0f, 20).u16(0).u32(0).u64(GIC_ITS).u32(0);                // GIC ITS
  done(madt);

  // PPTT: one socket, one cluster, one core.
  offsets.push(t.length);
  const pptt = header(t, 'PPTT', 2);
  const node = (flags: number, parent: number) => t.u8(0, 20).u16(0).u32(flags).u32(parent).u32(0).u32(0);
  const socket = t.length - pptt; node(1, 0);
  const cluster = t.length - pptt; node(0, socket);
  node(0x0a, cluster);
  done(pptt);

  // GTDT
  offsets.push(t.length);
  const gtdt = header(t, 'GTDT', 2);
  t.u64(0xffffffffffffffffn).u32(0);
  t.u32(16 + 13).u32(0);  // secure EL1 physical timer
  t.u32(16 + 14).u32(4);  // non-secure EL1 physical timer: always-on
  t.u32(16 + 11).u32(0);  // virtual timer
  t.u32(16 + 10).u32(0);  // EL2 physical timer
  t.u64(0xffffffffffffffffn).u32(0).u32(0);
  done(gtdt);

  // MCFG
  offsets.push(t.length);
  const mcfg = header(t, 'MCFG', 1);
  t.u64(0).u64(PCIE.ecam).u16(0).u8(0, 0xff).u32(0);
  done(mcfg);

  // SPCR (revision 2): PL011, 9600 8n1 as QEMU describes it.
  offsets.push(t.length);
  const spcr = header(t, 'SPCR', 2);
  t.u8(3, 0, 0, 0);                         // interface type: ARM PL011
  t.u8(0, 8, 0, 1).u64(UART.base);          // base address (GAS: memory, 8 bits, byte access)
  t.u8(8, 0).u32(UART.intid);               // interrupt type: GIC; GSIV
  t.u8(3, 0, 1, 2, 0, 0);                   // baud 9600, no parity, 1 stop bit, RTS/CTS, VT100, reserved
  t.u16(0xffff).u16(0xffff).u8(0, 0, 0).u32(0).u8(0).u32(0);
  done(spcr);

  // DBG2: the PL011 as "COM0".
  offsets.push(t.length);
  const dbg2 = header(t, 'DBG2', 0);
  t.u32(44).u32(1);
  t.u8(0).u16(43).u8(1).u16(5).u16(38).u16(0).u16(0).u16(0x8000).u16(0x0003).u16(0).u16(22).u16(34);
  t.u8(0, 8, 0, 1).u64(UART.base).u32(UART.size).ascii('COM0', 5);
  done(dbg2);

  // IORT (revision 3 = E.a): an ITS group and the PCIe root complex mapping all RIDs to it.
  offsets.push(t.length);
  const iort = header(t, 'IORT', 3);
  t.u32(2).u32(48).u32(0);
  const its = t.length - iort;
  t.u8(0).u16(24).u8(1).u32(0).u32(0).u32(0).u32(1).u32(0);
  t.u8(2).u16(56).u8(3).u32(1).u32(1).u32(36)
    .u32(1).u8(0).u16(0).u8(3).u32(0).u32(0).u8(64, 0, 0, 0)
    .u32(0).u32(0xffff).u32(0).u32(its).u32(0);
  done(iort);

  // XSDT
  const xsdt = header(t, 'XSDT', 1);
  for (const o of offsets) t.u64(o);
  done(xsdt);

  // The loader: allocations first (QEMU prepends them), then checksums and pointers in table order.
  loader.allocate(RSDP_FILE, 16, true);
  loader.allocate(TABLES_FILE, 64, false);
  const length = (start: number) => t.data[start + 4] | (t.data[start + 5] << 8) | (t.data[start + 6] << 16) | (t.data[start + 7] << 24);
  loader.checksum(TABLES_FILE, dsdt, length(dsdt));
  loader.pointer(TABLES_FILE, TABLES_FILE, fadt + 140, 8);
  for (const start of [fadt, madt, pptt, gtdt, mcfg, spcr, dbg2, iort]) loader.checksum(TABLES_FILE, start, length(start));
  offsets.forEach((_, i) => loader.pointer(TABLES_FILE, TABLES_FILE, xsdt + 36 + 8 * i, 8));
  loader.checksum(TABLES_FILE, xsdt, length(xsdt));

  // RSDP (ACPI 2.0+)
  const r = new Bytes();
  r.ascii('RSD PTR ').u8(0).ascii('BOCHS ').u8(2).u32(0).u32(36).u64(xsdt).u8(0, 0, 0, 0);
  loader.checksum(RSDP_FILE, 0, 20, 8);
  loader.pointer(RSDP_FILE, TABLES_FILE, 24, 8);
  loader.checksum(RSDP_FILE, 0, 36, 32);

  const tablesBlob = new Uint8Array(Math.max(ACPI_BUILD_TABLE_SIZE, Math.ceil(t.length / 4096) * 4096));
  tablesBlob.set(t.data);
  return { tables: tablesBlob, rsdp: Uint8Array.from(r.data), tableLoader: Uint8Array.from(loader.b.data) };
}

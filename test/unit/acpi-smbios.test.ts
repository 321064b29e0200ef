// The fw_cfg blobs the board offers like QEMU 7.2's virt: ACPI tables, table-loader and RSDP
// (with the GED for firmware boots, the PL061 otherwise) and SMBIOS, byte for byte against
// blobs recorded from QEMU 7.2 (test/fixtures/reference/qemu-7.2-acpi, dumped through fw_cfg
// DMA from U-Boot's shell); the GED device; the board's rewiring for -bios; the QEMU layout of
// the device tree blob; --flash-vars argument checks.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildVirtAcpi } from '../../emulator/board/acpi';
import { buildVirtSmbios } from '../../emulator/board/smbios';
import { AcpiGed, GED_PWR_DOWN_EVT } from '../../emulator/devices/AcpiGed';
import { VirtBoard, VIRT } from '../../emulator/board/VirtBoard';
import { buildVirtDeviceTree, QEMU_FDT_SIZE } from '../../emulator/board/deviceTree';
import { FlashVarsFile } from '../../emulator/cli';
import { ImageError } from '../../emulator/loaders/elf';
import { LoadedImage } from '../../emulator/loaders/image';

const REF = path.join(__dirname, '..', 'fixtures', 'reference', 'qemu-7.2-acpi');
const ref = (name: string) => new Uint8Array(fs.readFileSync(path.join(REF, name)));

function assertBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) {
      const hex = (b: Uint8Array) => Buffer.from(b.subarray(Math.max(0, i - 8), i + 16)).toString('hex');
      assert.fail(`${what}: first difference at byte ${i} (lengths ${actual.length} and ${expected.length})\n  actual:   ${hex(actual)}\n  expected: ${hex(expected)}`);
    }
  }
}

describe('ACPI tables (QEMU 7.2 virt, one CPU)', () => {
  for (const [mode, ged] of [['bios', true], ['kernel', false]] as const) {
    it(`match QEMU's etc/acpi/tables, etc/table-loader and etc/acpi/rsdp (${mode === 'bios' ? 'firmware loaded: GED' : 'no firmware: PL061'})`, () => {
      const a = buildVirtAcpi({ psciConduit: 'hvc', ged, pmu: true });
      const tables = ref(`${mode}-512M.acpi-tables.bin`);
      assert.equal(a.tables.length, 0x20000); // padded to QEMU's ACPI_BUILD_TABLE_SIZE
      assertBytes(a.tables.subarray(0, tables.length), tables, 'tables');
      assert.ok(a.tables.subarray(tables.length).every(b => b === 0));
      assertBytes(a.tableLoader, ref(`${mode}-512M.table-loader.bin`), 'table-loader');
      assertBytes(a.rsdp, ref(`${mode}-512M.rsdp.bin`), 'rsdp');
    });
  }

  it('leave the MADT performance interrupt 0 without a PMU (QEMU pmu=off)', () => {
    const a = buildVirtAcpi({ psciConduit: 'hvc', ged: true, pmu: false });
    const tables = ref('bios-512M-pmu-off.acpi-tables.bin');
    assertBytes(a.tables.subarray(0, tables.length), tables, 'tables');
  });

  it('tell the OS to use SMC for PSCI when the conduit is SMC', () => {
    const a = buildVirtAcpi({ psciConduit: 'smc', ged: true, pmu: false });
    const t = Buffer.from(a.tables);
    const fadt = t.indexOf('FACP');
    assert.equal(t.readUInt16LE(fadt + 129), 1); // PSCI compliant, no HVC flag
  });
});

describe('SMBIOS tables (QEMU 7.2 virt)', () => {
  for (const mib of [128, 512, 4096, 20480]) {
    it(`match QEMU's etc/smbios/smbios-tables and -anchor for ${mib} MiB`, () => {
      const s = buildVirtSmbios({ ramSize: mib * 2 ** 20 });
      assertBytes(s.tables, ref(`smbios-${mib}M.tables.bin`), 'tables');
      assertBytes(s.anchor, ref(`smbios-${mib}M.anchor.bin`), 'anchor');
    });
  }
});

describe('ACPI Generic Event Device', () => {
  it('latches events, pulses its interrupt, clears on read, and takes only 32-bit accesses', () => {
    let pulses = 0;
    const ged = new AcpiGed(() => { pulses++; });
    assert.equal(ged.read(0, 4), 0n);
    ged.event(GED_PWR_DOWN_EVT);
    assert.equal(pulses, 1);
    assert.equal(ged.read(0, 4), 2n);
    assert.equal(ged.read(0, 4), 0n);
    assert.equal(ged.read(0, 1), undefined);
    assert.equal(ged.write(0, 4, 5n), true);
    assert.equal(ged.write(0, 2, 5n), false);
  });
});

describe('virt board: firmware boots are wired as QEMU wires them', () => {
  const bios: LoadedImage = { format: 'bios', bytes: new Uint8Array([0x00, 0x00, 0x00, 0x14]) } as LoadedImage; // b .

  it('maps the GED instead of the PL061 with -bios, and the PL061 otherwise', () => {
    const board = new VirtBoard({ ramSize: 64 * 2 ** 20 });
    assert.equal(board.mem.deviceBase(board.gpio), VIRT.GPIO);
    assert.equal(board.mem.deviceBase(board.ged), undefined);
    board.load(bios);
    assert.equal(board.firmwareLoaded, true);
    assert.equal(board.mem.deviceBase(board.gpio), undefined);
    assert.equal(board.mem.deviceBase(board.ged), VIRT.ACPI_GED);
    assert.equal(board.mem.read(VIRT.GPIO, 4), undefined); // nothing answers there, as on QEMU
    // The device tree has no PL061 and no gpio-keys, and is QEMU's 1 MiB blob.
    const dtb = Buffer.from(board.dtb);
    assert.equal(dtb.readUInt32BE(4), QEMU_FDT_SIZE);
    assert.equal(dtb.indexOf('pl061'), -1);
    assert.equal(dtb.indexOf('gpio-keys'), -1);
    assert.notEqual(dtb.indexOf('rng-seed'), -1);
    // The power button is an ACPI event.
    board.pressPowerButton();
    assert.equal(board.ged.pending, GED_PWR_DOWN_EVT);
  });

  it('offers the nine fw_cfg files QEMU offers, in QEMU\'s selector order', () => {
    const board = new VirtBoard({ ramSize: 512 * 2 ** 20 });
    board.load(bios);
    const dir = board.fwcfg.getItem(0x19)!;
    const dv = new DataView(dir.buffer, dir.byteOffset);
    const names: string[] = [];
    for (let i = 0; i < dv.getUint32(0, false); i++) {
      const e = 4 + 64 * i;
      names.push(`${dv.getUint16(e + 4, false).toString(16)} ${Buffer.from(dir.subarray(e + 8, e + 64)).toString('latin1').replace(/\0+$/, '')} ${dv.getUint32(e, false)}`);
    }
    assert.deepEqual(names, [
      '20 bios-geometry 0', '21 bootorder 0', '22 etc/acpi/rsdp 36', '23 etc/acpi/tables 131072', '24 etc/boot-fail-wait 4',
      '25 etc/smbios/smbios-anchor 24', '26 etc/smbios/smbios-tables 266', '27 etc/table-loader 3072', '28 etc/tpm/log 0',
    ]);
  });
});

describe('device tree blob in QEMU\'s layout', () => {
  it('is a 1 MiB libfdt blob: reservation map at 0x30, structure at 0x40, strings in QEMU\'s first-use order', () => {
    const opts = { ramBase: 0x40000000, ramSize: 512 * 2 ** 20, psciMethod: 'hvc' as const, its: false, pmu: false };
    const compact = buildVirtDeviceTree(opts);
    const blob = buildVirtDeviceTree({ ...opts, qemuLayout: true });
    const h = (b: Uint8Array, i: number) => Buffer.from(b).readUInt32BE(4 * i);
    assert.equal(blob.length, QEMU_FDT_SIZE);
    assert.equal(h(blob, 1), QEMU_FDT_SIZE);
    assert.equal(h(blob, 4), 0x30);
    assert.equal(h(blob, 2), 0x40);
    assert.equal(h(blob, 9), h(compact, 9)); // same structure size
    const strings = Buffer.from(blob.subarray(h(blob, 3), h(blob, 3) + h(blob, 8))).toString('latin1').split('\0');
    assert.deepEqual(strings.slice(0, 4), ['compatible', '#address-cells', '#size-cells', 'model']);
    assert.equal(strings[strings.length - 2], 'migrate');
  });
});

describe('--flash-vars', () => {
  it('refuses a file that is not the size of the bank, and starts from zeros without a file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmscope-vars-'));
    try {
      const bad = path.join(dir, 'bad.fd');
      fs.writeFileSync(bad, Buffer.alloc(768 * 1024));
      assert.throws(() => new FlashVarsFile(bad), (e: Error) => e instanceof ImageError && /64 MiB/.test(e.message));
      const fresh = new FlashVarsFile(path.join(dir, 'new.fd'));
      assert.equal(fresh.initial, undefined);
      const board = new VirtBoard({ ramSize: 64 * 2 ** 20 });
      fresh.attach(board);
      fresh.save(); // a new file is created even if nothing was written
      assert.equal(fs.statSync(path.join(dir, 'new.fd')).size, VIRT.FLASH_SIZE);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

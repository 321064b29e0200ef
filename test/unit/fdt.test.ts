import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FdtBuilder } from '../../emulator/board/fdt';
import { buildVirtDeviceTree } from '../../emulator/board/deviceTree';

// QEMU 7.2's tree for -M virt,gic-version=3 -cpu cortex-a57 -m 512, decompiled with dtc.
const REFERENCE = join(__dirname, '../fixtures/reference/qemu-7.2-virt-gicv3-512M.dts');

function hasDtc(): boolean {
  const r = spawnSync('dtc', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Decompiles a blob with dtc; returns the DTS text. */
function decompile(blob: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'fdt-'));
  try {
    const file = join(dir, 'x.dtb');
    writeFileSync(file, blob);
    const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Removes the lines of a named node (and its body) from DTS text. */
function dropNode(dts: string, name: string): string {
  const lines = dts.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === `${name} {`) {
      const indent = lines[i].match(/^\s*/)![0];
      while (lines[i] !== `${indent}};`) i++;
      if (out.length && out[out.length - 1].trim() === '' && lines[i + 1]?.trim() === '') i++;
      continue;
    }
    out.push(lines[i]);
  }
  return out.join('\n');
}

let skipNoted = false;
function oracle(this: Mocha.Context): boolean {
  if (hasDtc()) return true;
  if (process.env.REALMSCOPE_ORACLES === 'required') assert.fail('dtc is required (REALMSCOPE_ORACLES=required): install device-tree-compiler');
  if (!skipNoted) console.log('      install device-tree-compiler');
  skipNoted = true;
  this.skip();
  return false;
}

describe('FdtBuilder', () => {
  it('writes a v17 header, reservation map, aligned structure and deduplicated strings', () => {
    const f = new FdtBuilder();
    f.reserveMemory(0x1000, 0x2000);
    f.beginNode('');
    f.property('compatible', 'a');
    f.beginNode('n@1');
    f.property('compatible', ['x', 'yz']);
    f.property('reg', [1, 2]);
    f.property('empty');
    f.endNode();
    f.endNode();
    const b = f.finish();
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const h = Array.from({ length: 10 }, (_, i) => dv.getUint32(4 * i, false));
    const [magic, total, offStruct, offStrings, offRsv, version, lastComp, , sizeStrings, sizeStruct] = h;
    assert.equal(magic, 0xd00dfeed);
    assert.equal(total, b.length);
    assert.equal(version, 17);
    assert.equal(lastComp, 16);
    assert.equal(offRsv % 8, 0);
    assert.equal(offStruct % 4, 0);
    assert.equal(dv.getBigUint64(offRsv, false), 0x1000n);
    assert.equal(dv.getBigUint64(offRsv + 8, false), 0x2000n);
    assert.equal(dv.getBigUint64(offRsv + 16, false), 0n);
    assert.equal(dv.getBigUint64(offRsv + 24, false), 0n);
    assert.equal(offStrings, offStruct + sizeStruct);
    const strings = new TextDecoder().decode(b.slice(offStrings, offStrings + sizeStrings));
    assert.equal(strings, 'compatible\0reg\0empty\0');
    assert.equal(dv.getUint32(offStruct + sizeStruct - 4, false), 9); // FDT_END
    assert.throws(() => f.property('x', 'y'));
    assert.throws(() => new FdtBuilder().beginNode('').finish());
  });

  it('round-trips through dtc', function () {
    if (!oracle.call(this)) return;
    const f = new FdtBuilder();
    f.beginNode('');
    f.property('#address-cells', [2]);
    f.beginNode('node@0');
    f.property('str', 'hello');
    f.property('list', ['a', 'bc']);
    f.property('cells', [0xdeadbeef, 7]);
    f.property('bytes', new Uint8Array([1, 2, 3]));
    f.property('flag');
    f.endNode();
    f.endNode();
    const dts = decompile(f.finish());
    assert.match(dts, /str = "hello";/);
    assert.match(dts, /list = "a\\0bc";/);
    assert.match(dts, /cells = <0xdeadbeef 0x07>;/);
    assert.match(dts, /bytes = \[01 02 03\];/);
    assert.match(dts, /flag;/);
  });
});

describe('QEMU virt device tree', () => {
  const opts512 = { ramBase: 0x4000_0000, ramSize: 512 * 1024 * 1024, psciMethod: 'hvc' as const };

  it('matches QEMU 7.2\'s tree for -m 512 (without random seeds)', function () {
    if (!oracle.call(this)) return;
    const reference = readFileSync(REFERENCE, 'utf8')
      .split('\n').filter(l => !/^\s*(rng-seed|kaslr-seed) = /.test(l)).join('\n');
    assert.equal(decompile(buildVirtDeviceTree({ ...opts512, pmu: true })), reference);
    assert.equal(decompile(buildVirtDeviceTree(opts512)), dropNode(reference, 'pmu'));
  });

  it('places bootargs, initrd, larger RAM and the SMC conduit as QEMU does', function () {
    if (!oracle.call(this)) return;
    const dts = decompile(buildVirtDeviceTree({
      ramBase: 0x4000_0000, ramSize: 6 * 2 ** 30, psciMethod: 'smc',
      cmdline: 'console=ttyAMA0', initrd: { start: 0x4800_0000, end: 0x4810_0000 },
    }));
    assert.match(dts, /memory@40000000 \{\n\t\treg = <0x00 0x40000000 0x01 0x80000000>;/);
    assert.match(dts, /method = "smc";/);
    assert.match(dts, /chosen \{\n\t\tlinux,initrd-end = <0x00 0x48100000>;\n\t\tlinux,initrd-start = <0x00 0x48000000>;\n\t\tbootargs = "console=ttyAMA0";\n\t\tstdout-path = "\/pl011@9000000";/);
  });
});

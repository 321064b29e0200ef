// PE32+ and TE images found in guest memory by their headers (emulator/loaders/peImages.ts), on images
// laid out here byte by byte as EDK2's GenFw writes them. The real thing (Debian's AAVMF, DXE
// drivers as PE32+ and the DXE IPL as TE) is checked under the debugger in
// test/system/firmware-debug.test.ts.
import { strict as assert } from 'assert';
import { PeImageLocator, parseImage } from '../../emulator/loaders/peImages';
import { uefiLoadedImages } from '../../adapter/uefiImages';

/** A sparse guest memory: pages that exist, zero-filled; reads across a missing page fail. */
class Memory {
  pages = new Map<bigint, Uint8Array>();
  map(base: bigint, size: number): void { for (let a = base; a < base + BigInt(size); a += 0x1000n) this.pages.set(a, new Uint8Array(0x1000)); }
  write(addr: bigint, bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) { const a = addr + BigInt(i); this.pages.get(a & ~0xfffn)![Number(a & 0xfffn)] = bytes[i]; }
  }
  read = (addr: bigint, len: number): Uint8Array | undefined => {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const a = addr + BigInt(i), p = this.pages.get(a & ~0xfffn);
      if (!p) return undefined;
      out[i] = p[Number(a & 0xfffn)];
    }
    return out;
  };
}

const le = (v: number, n: number) => Array.from({ length: n }, (_, i) => (v >>> (8 * i)) & 0xff);
const ascii = (s: string) => [...Buffer.from(s, 'latin1'), 0];

/** A PE32+ image at `base` of `size` bytes whose debug directory (at RVA 0x400) points at an
 *  RSDS CodeView entry (at RVA 0x480) naming `path`. */
function writePe(m: Memory, base: bigint, size: number, path: string, lfanew = 0x80): void {
  m.write(base, [0x4d, 0x5a]);
  m.write(base + 0x3cn, le(lfanew, 4));
  const nt = base + BigInt(lfanew), opt = nt + 24n;
  m.write(nt, [0x50, 0x45, 0, 0, ...le(0xaa64, 2)]);
  m.write(opt, le(0x20b, 2));
  m.write(opt + 56n, le(size, 4));
  m.write(opt + 108n, le(16, 4));
  m.write(opt + 112n + 48n, [...le(0x400, 4), ...le(28, 4)]);
  m.write(base + 0x400n + 12n, [...le(2, 4), ...le(24 + path.length + 1, 4), ...le(0x480, 4), ...le(0x480, 4)]);
  m.write(base + 0x480n, [...ascii('RSDS').slice(0, 4), ...new Array(20).fill(7), ...ascii(path)]);
}

/** A TE image whose first byte is at `base` (its header at base + StrippedSize - 40), one
 *  section of `size` - 0x200 bytes at RVA 0x200, and an NB10 entry naming `path`. */
function writeTe(m: Memory, base: bigint, size: number, path: string): bigint {
  const stripped = 0x188, shift = BigInt(stripped - 40), header = base + shift;
  m.write(header, [0x56, 0x5a, ...le(0xaa64, 2), 1, 11, ...le(stripped, 2)]);
  m.write(header + 32n, [...le(0x1f0, 4), ...le(28, 4)]);                 // debug directory RVA, size
  m.write(header + 40n + 8n, [...le(size - 0x200, 4), ...le(0x200, 4), ...le(size - 0x200, 4)]);
  m.write(base + 0x1f0n + 12n, [...le(2, 4), ...le(16 + path.length + 1, 4), ...le(0x300, 4), ...le(0x300, 4)]);
  m.write(base + 0x300n, [...ascii('NB10').slice(0, 4), ...new Array(12).fill(1), ...ascii(path)]);
  return header;
}

describe('PE/TE images in guest memory', () => {
  it('names a PC by the PE32+ image around it, from its CodeView path', () => {
    const m = new Memory();
    m.map(0x40000000n, 0x40000);
    writePe(m, 0x40010000n, 0x9000, '/build/Build/AARCH64/ShellPkg/Application/Shell/Shell/DEBUG/Shell.dll');
    const loc = new PeImageLocator(m.read);
    assert.equal(loc.describe(0x40013a24n), 'Shell.dll+0x3a24');
    const img = loc.imageAt(0x40010000n)!;
    assert.deepEqual([img.format, img.base, img.size, img.path?.endsWith('/DEBUG/Shell.dll')], ['PE32+', 0x40010000n, 0x9000, true]);
    // Past SizeOfImage the nearest header does not reach: no image.
    assert.equal(loc.imageAt(0x4001a000n), undefined);
    // Below any header, down to unmapped memory: none.
    assert.equal(loc.imageAt(0x40004000n), undefined);
  });

  it('reads a runtime driver whose PE header sits below its 64 KiB-aligned first section', () => {
    const m = new Memory();
    m.map(0x5fc10000n, 0x30000);
    writePe(m, 0x5fc10000n, 0x30000, '/b/CapsuleRuntimeDxe/DEBUG/CapsuleRuntimeDxe.dll', 0xfe58);
    assert.equal(new PeImageLocator(m.read).describe(0x5fc2f000n), 'CapsuleRuntimeDxe.dll+0x1f000');
  });

  it('without the DXE core\'s system table pointer there is no image list, and it says why', () => {
    const m = new Memory();
    m.map(0x40000000n, 0x800000);
    const r = uefiLoadedImages(m.read, 0x40000000n, 0x800000n);
    assert.ok(!Array.isArray(r) && /IBI SYST/.test(r.missing));
  });

  it('finds a TE image by its header, which is not at a page boundary', () => {
    const m = new Memory();
    m.map(0x47ef0000n, 0x10000);
    const header = writeTe(m, 0x47ef2000n, 0x3c20, '/build/MdeModulePkg/Core/DxeIplPeim/DxeIpl/DEBUG/DxeIpl.dll');
    assert.equal(header, 0x47ef2160n);
    const loc = new PeImageLocator(m.read);
    assert.equal(loc.describe(0x47ef2dfcn), 'DxeIpl.dll+0xdfc');
    assert.deepEqual([loc.imageAt(0x47ef4640n)?.format, loc.imageAt(0x47ef4640n)?.base], ['TE', 0x47ef2000n]);
    assert.equal(parseImage(m.read, header)?.name, 'DxeIpl.dll');
  });

  it('refuses headers that do not hold together, and an image without a debug entry gets its address as name', () => {
    const m = new Memory();
    m.map(0x50000000n, 0x20000);
    m.write(0x50000000n, [0x4d, 0x5a]);                                     // "MZ" with no PE header behind it
    assert.equal(parseImage(m.read, 0x50000000n), undefined);
    m.write(0x50001100n, [0x56, 0x5a, 0x64, 0xaa, 0, 0, 0, 0]);             // "VZ" with no sections
    assert.equal(parseImage(m.read, 0x50001100n), undefined);
    writePe(m, 0x50010000n, 0x2000, '');
    m.write(0x50010000n + 0x80n + 24n + 112n + 48n, le(0, 8));              // no debug directory
    assert.equal(new PeImageLocator(m.read).describe(0x50010010n), 'image@0x50010000+0x10');
    assert.equal(parseImage(m.read, 0x60000000n), undefined);               // unmapped
  });
});

// Names for code that has no ELF symbols but sits in a PE32+ or TE image, as EDK2 (AAVMF) runs
// its drivers and applications: a PC becomes `Shell.dll+0x1a2b0`. EDK2 loads images at
// page-aligned addresses (TE images also run in place from flash), so the image holding a PC is
// found by searching down from it for the nearest image header whose image reaches the PC (the
// search EDK2's own debugger scripts do). The module's name comes from its CodeView debug entry:
// the path of the .dll that the build made, e.g. .../MdeModulePkg/Core/Dxe/DxeMain/DEBUG/DxeCore.dll.
//
// Formats: Microsoft PE/COFF (the DOS stub's e_lfanew, "PE\0\0", the PE32+ optional header's
// SizeOfImage and debug data directory) and the UEFI PI specification's TE header ("VZ", whose
// RVAs are shifted by StrippedSize - 40).

export interface PeImage {
  base: bigint;
  size: number;
  format: 'PE32+' | 'TE';
  /** The module path from the CodeView entry, if the image has one. */
  path?: string;
  /** The file name without its folders (the path's last part), or `image@0x...`. */
  name: string;
}

export type ReadMemory = (address: bigint, length: number) => Uint8Array | undefined;

const PAGE = 0x1000n;
/** How far below a PC an image header is looked for (EDK2's largest images are a few MiB). */
const MAX_SCAN = 8n << 20n;

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

/** Finds images and remembers them until `clear()` (the guest may load new ones when it runs). */
export class PeImageLocator {
  private known: PeImage[] = [];
  /** Pages known to hold no image header. */
  private empty = new Set<bigint>();

  constructor(private readonly read: ReadMemory) {}

  clear(): void { this.known = []; this.empty.clear(); }

  imageAt(pc: bigint): PeImage | undefined {
    for (const m of this.known) if (pc >= m.base && pc < m.base + BigInt(m.size)) return m;
    const top = pc & ~(PAGE - 1n);
    for (let page = top; page >= 0n && top - page < MAX_SCAN; page -= PAGE) {
      if (this.empty.has(page)) continue;
      const bytes = this.read(page, Number(PAGE));
      if (!bytes) return undefined;                       // unmapped: no image reaches across it
      const img = this.headerIn(page, bytes, page === top ? Number(pc - page) : Number(PAGE) - 1);
      if (!img) { if (page !== top) this.empty.add(page); continue; }
      this.known.push(img);
      // The nearest header below the PC decides: if its image does not reach the PC, the PC is
      // in no image (data, or code loaded some other way).
      return pc >= img.base && pc < img.base + BigInt(img.size) ? img : undefined;
    }
    return undefined;
  }

  /** The highest image header in a page at or below offset `limit`: a PE image's "MZ" at the
   *  page's start, or a TE header ("VZ", Machine 0xAA64) at any 4-byte boundary (TE images run
   *  in place from flash volumes, where files are only 8-byte aligned, or are loaded to RAM with
   *  their stripped headers' room before them). */
  private headerIn(page: bigint, b: Uint8Array, limit: number): PeImage | undefined {
    for (let o = limit & ~3; o >= 0; o -= 4) {
      if (b[o] === 0x56 && b[o + 1] === 0x5a && b[o + 2] === 0x64 && b[o + 3] === 0xaa) {
        const img = parseImage(this.read, page + BigInt(o));
        if (img) return img;
      }
    }
    return b[0] === 0x4d && b[1] === 0x5a ? parseImage(this.read, page) : undefined;
  }

  /** `name+0xoffset` for a PC in an image. */
  describe(pc: bigint): string | undefined {
    const m = this.imageAt(pc);
    return m ? `${m.name}+0x${(pc - m.base).toString(16)}` : undefined;
  }
}

/** The image whose header is at `base`, or undefined. */
export function parseImage(read: ReadMemory, base: bigint): PeImage | undefined {
  const head = read(base, 64);
  if (!head) return undefined;
  if (head[0] === 0x4d && head[1] === 0x5a) return parsePe(read, base, u32(head, 0x3c));       // "MZ"
  if (head[0] === 0x56 && head[1] === 0x5a) return parseTe(read, base, head);                  // "VZ"
  return undefined;
}

function parsePe(read: ReadMemory, base: bigint, lfanew: number): PeImage | undefined {
  // GenFw puts the PE header just below the first section: at 0x40-ish for 4 KiB alignment, near
  // 0x10000 for the 64 KiB alignment of AArch64 runtime drivers.
  if (lfanew < 0x40 || lfanew >= 0x20000) return undefined;
  const nt = read(base + BigInt(lfanew), 24 + 240);
  if (!nt || u32(nt, 0) !== 0x00004550) return undefined;                                      // "PE\0\0"
  const opt = 24;
  if (u16(nt, opt) !== 0x20b) return undefined;                                                // PE32+
  const size = u32(nt, opt + 56);
  if (size === 0 || size > Number(MAX_SCAN) * 4) return undefined;
  const dirs = u32(nt, opt + 108);
  const debug = dirs > 6 ? { rva: u32(nt, opt + 112 + 6 * 8), size: u32(nt, opt + 112 + 6 * 8 + 4) } : undefined;
  const path = debug ? codeViewPath(read, base, debug.rva, debug.size, 0) : undefined;
  return image(base, size, 'PE32+', path);
}

function parseTe(read: ReadMemory, header: bigint, h: Uint8Array): PeImage | undefined {
  // TE header (40 bytes): Signature, Machine, NumberOfSections, Subsystem, StrippedSize,
  // AddressOfEntryPoint, BaseOfCode, ImageBase, then the base-relocation and debug data
  // directories. It stands where the stripped PE headers ended, so RVA r is at
  // header + r - (StrippedSize - 40), and the image starts StrippedSize - 40 before the header.
  const stripped = u16(h, 6), sections = h[4];
  if (u16(h, 2) !== 0xaa64 || sections === 0 || sections > 32 || stripped < 40) return undefined;
  const shift = stripped - 40;
  const sh = read(header + 40n, sections * 40);
  if (!sh) return undefined;
  // TE keeps no SizeOfImage: the end of the last section.
  let end = 0;
  for (let i = 0; i < sections; i++) end = Math.max(end, u32(sh, i * 40 + 12) + Math.max(u32(sh, i * 40 + 8), u32(sh, i * 40 + 16)));
  if (end <= shift || end > Number(MAX_SCAN) * 4) return undefined;
  const path = codeViewPath(read, header, u32(h, 32), u32(h, 36), shift);
  return image(header - BigInt(shift), end, 'TE', path);
}

/** The path in the first CodeView entry (RSDS, NB10 or MTOC) of a debug directory. */
function codeViewPath(read: ReadMemory, base: bigint, rva: number, size: number, shift: number): string | undefined {
  if (rva === 0 || size < 28 || size > 28 * 16) return undefined;
  const dir = read(base + BigInt(rva - shift), size);
  if (!dir) return undefined;
  for (let o = 0; o + 28 <= size; o += 28) {
    if (u32(dir, o + 12) !== 2) continue;                                                      // IMAGE_DEBUG_TYPE_CODEVIEW
    const len = u32(dir, o + 16), at = u32(dir, o + 20);
    if (len < 8 || len > 1024) return undefined;
    const cv = read(base + BigInt(at - shift), len);
    if (!cv) return undefined;
    const sig = String.fromCharCode(cv[0], cv[1], cv[2], cv[3]);
    const start = sig === 'RSDS' ? 24 : sig === 'NB10' ? 16 : sig === 'MTOC' ? 20 : -1;
    if (start < 0) return undefined;
    let end = start;
    while (end < cv.length && cv[end] !== 0) end++;
    const text = Buffer.from(cv.subarray(start, end)).toString('latin1');
    return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
  }
  return undefined;
}

function image(base: bigint, size: number, format: PeImage['format'], path?: string): PeImage {
  const name = path ? path.split(/[\\/]/).pop()! : `image@0x${base.toString(16)}`;
  return { base, size, format, path, name };
}

// A minimal ELF64 (AArch64, little-endian, ET_EXEC) writer: one PT_LOAD segment, readable,
// writable and executable, and an entry point. No sections. Enough for qemu-aarch64 (user mode)
// and for our own loader in the differential test.

export const EM_AARCH64 = 183;

export interface ElfImage {
  /** Virtual (= physical) address of the segment; must be 4 KiB aligned. */
  vaddr: number;
  /** Segment contents. */
  data: Uint8Array;
  /** Extra zero-filled bytes after `data` (bss). */
  bss?: number;
  entry: number;
}

const EHDR_SIZE = 64, PHDR_SIZE = 56, SEG_OFFSET = 0x1000;

export function writeElf(img: ElfImage): Uint8Array {
  if (img.vaddr % 0x1000 !== 0) throw new Error('segment address must be 4 KiB aligned');
  const file = new Uint8Array(SEG_OFFSET + img.data.length);
  const dv = new DataView(file.buffer);
  // e_ident
  file.set([0x7f, 0x45, 0x4c, 0x46, 2 /* ELFCLASS64 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */, 0 /* SYSV */]);
  dv.setUint16(16, 2, true);                 // e_type = ET_EXEC
  dv.setUint16(18, EM_AARCH64, true);        // e_machine
  dv.setUint32(20, 1, true);                 // e_version
  dv.setBigUint64(24, BigInt(img.entry), true);
  dv.setBigUint64(32, BigInt(EHDR_SIZE), true); // e_phoff
  dv.setBigUint64(40, 0n, true);             // e_shoff
  dv.setUint32(48, 0, true);                 // e_flags
  dv.setUint16(52, EHDR_SIZE, true);         // e_ehsize
  dv.setUint16(54, PHDR_SIZE, true);         // e_phentsize
  dv.setUint16(56, 1, true);                 // e_phnum
  dv.setUint16(58, 64, true);                // e_shentsize
  dv.setUint16(60, 0, true);                 // e_shnum
  dv.setUint16(62, 0, true);                 // e_shstrndx
  // Program header: PT_LOAD, RWX
  const p = EHDR_SIZE;
  dv.setUint32(p, 1, true);                  // p_type = PT_LOAD
  dv.setUint32(p + 4, 7, true);              // p_flags = R|W|X
  dv.setBigUint64(p + 8, BigInt(SEG_OFFSET), true);
  dv.setBigUint64(p + 16, BigInt(img.vaddr), true);
  dv.setBigUint64(p + 24, BigInt(img.vaddr), true);
  dv.setBigUint64(p + 32, BigInt(img.data.length), true);
  dv.setBigUint64(p + 40, BigInt(img.data.length + (img.bss ?? 0)), true);
  dv.setBigUint64(p + 48, 0x1000n, true);    // p_align
  file.set(img.data, SEG_OFFSET);
  return file;
}

/** Patches the entry point of an ELF produced by writeElf (to restart a run part-way). */
export function withEntry(elf: Uint8Array, entry: number): Uint8Array {
  const copy = elf.slice();
  new DataView(copy.buffer).setBigUint64(24, BigInt(entry), true);
  return copy;
}

export interface LoadSegment { vaddr: number; data: Uint8Array; memsz: number; }

/** Reads the PT_LOAD segments and entry point of an ELF64 little-endian file. */
export function readElf(file: Uint8Array): { entry: number; segments: LoadSegment[] } {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (dv.getUint32(0, false) !== 0x7f454c46 || file[4] !== 2 || file[5] !== 1) throw new Error('not an ELF64 LE file');
  const entry = Number(dv.getBigUint64(24, true));
  const phoff = Number(dv.getBigUint64(32, true));
  const phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
  const segments: LoadSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (dv.getUint32(p, true) !== 1) continue;
    const off = Number(dv.getBigUint64(p + 8, true));
    const vaddr = Number(dv.getBigUint64(p + 16, true));
    const filesz = Number(dv.getBigUint64(p + 32, true));
    const memsz = Number(dv.getBigUint64(p + 40, true));
    segments.push({ vaddr, data: file.subarray(off, off + filesz), memsz });
  }
  return { entry, segments };
}

// ELF64 little-endian AArch64 reader: loadable segments, entry point and the symbol table.
// Every malformation gives an ImageError naming the problem (never a RangeError from a DataView).

export class ImageError extends Error {
  constructor(message: string) { super(message); this.name = 'ImageError'; }
}

export interface ElfSegment {
  paddr: number; vaddr: bigint; memsz: number; data: Uint8Array; flags: number;
}
export interface ElfSymbol {
  name: string; value: bigint; size: number; type: 'func' | 'object' | 'notype' | 'section' | 'file' | 'other'; global: boolean;
}
export interface ElfImage {
  entry: bigint;
  segments: ElfSegment[];
  symbols: ElfSymbol[];
  sections: { name: string; addr: bigint; offset: number; size: number; type: number }[];
  bytes: Uint8Array;
}

const EM_AARCH64 = 183;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export function parseElf(bytes: Uint8Array, name = 'image'): ElfImage {
  const fail = (why: string): never => { throw new ImageError(`${name}: ${why}`); };
  if (!isElf(bytes)) fail('not an ELF file (bad magic)');
  if (bytes.length < 64) fail(`truncated ELF header (${bytes.length} bytes, need 64)`);
  if (bytes[4] !== 2) fail('not a 64-bit ELF (EI_CLASS is not ELFCLASS64)');
  if (bytes[5] !== 1) fail('not a little-endian ELF (EI_DATA is not ELFDATA2LSB)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_AARCH64) fail(`ELF machine is ${machine}, not AArch64 (183)`);
  const entry = dv.getBigUint64(24, true);
  const phoff = Number(dv.getBigUint64(32, true));
  const shoff = Number(dv.getBigUint64(40, true));
  const phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
  const shentsize = dv.getUint16(58, true), shnum = dv.getUint16(60, true), shstrndx = dv.getUint16(62, true);
  if (phnum > 0 && phentsize < 56) fail(`bad program header entry size ${phentsize}`);
  if (phoff + phnum * phentsize > bytes.length) fail(`truncated: program headers at offset ${phoff} run past the end of the file (${bytes.length} bytes)`);
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (dv.getUint32(o, true) !== PT_LOAD) continue;
    const flags = dv.getUint32(o + 4, true);
    const off = Number(dv.getBigUint64(o + 8, true));
    const vaddr = dv.getBigUint64(o + 16, true);
    const paddr = dv.getBigUint64(o + 24, true);
    const filesz = Number(dv.getBigUint64(o + 32, true));
    const memsz = Number(dv.getBigUint64(o + 40, true));
    if (filesz > memsz) fail(`segment ${i}: file size ${filesz} exceeds memory size ${memsz}`);
    if (off + filesz > bytes.length) fail(`truncated: segment ${i} (offset ${off}, ${filesz} bytes) runs past the end of the file (${bytes.length} bytes)`);
    if (paddr >= 1n << 52n) fail(`segment ${i}: physical address 0x${paddr.toString(16)} is beyond 52 bits`);
    if (memsz === 0) continue;
    segments.push({ paddr: Number(paddr), vaddr, memsz, data: bytes.subarray(off, off + filesz), flags });
  }
  if (segments.length === 0) fail('no loadable (PT_LOAD) segments');
  const sections: ElfImage['sections'] = [];
  const symbols: ElfSymbol[] = [];
  if (shnum > 0 && shoff > 0) {
    if (shentsize < 64) fail(`bad section header entry size ${shentsize}`);
    if (shoff + shnum * shentsize > bytes.length) fail(`truncated: section headers at offset ${shoff} run past the end of the file`);
    const sh = (i: number) => {
      const o = shoff + i * shentsize;
      return {
        nameOff: dv.getUint32(o, true), type: dv.getUint32(o + 4, true), addr: dv.getBigUint64(o + 16, true),
        offset: Number(dv.getBigUint64(o + 24, true)), size: Number(dv.getBigUint64(o + 32, true)),
        link: dv.getUint32(o + 40, true), entsize: Number(dv.getBigUint64(o + 56, true)),
      };
    };
    const inFile = (off: number, size: number) => off + size <= bytes.length;
    const cstr = (off: number) => {
      let e = off;
      while (e < bytes.length && bytes[e] !== 0) e++;
      return Buffer.from(bytes.subarray(off, e)).toString('latin1');
    };
    const strtab = shstrndx < shnum ? sh(shstrndx) : undefined;
    for (let i = 0; i < shnum; i++) {
      const s = sh(i);
      const nm = strtab && inFile(strtab.offset, strtab.size) && s.nameOff < strtab.size ? cstr(strtab.offset + s.nameOff) : '';
      sections.push({ name: nm, addr: s.addr, offset: s.offset, size: s.size, type: s.type });
      if (s.type === SHT_SYMTAB) {
        if (!inFile(s.offset, s.size)) fail(`truncated: symbol table runs past the end of the file`);
        if (s.link >= shnum) fail(`symbol table links to missing string table ${s.link}`);
        const str = sh(s.link);
        if (!inFile(str.offset, str.size)) fail(`truncated: symbol string table runs past the end of the file`);
        const n = Math.floor(s.size / 24);
        for (let k = 1; k < n; k++) {
          const o = s.offset + k * 24;
          const nameOff = dv.getUint32(o, true);
          const info = bytes[o + 4];
          const shndx = dv.getUint16(o + 6, true);
          const value = dv.getBigUint64(o + 8, true);
          const size = Number(dv.getBigUint64(o + 16, true));
          const t = info & 15, bind = info >> 4;
          if (shndx === 0) continue; // undefined symbol
          const type = t === 2 ? 'func' : t === 1 ? 'object' : t === 0 ? 'notype' : t === 3 ? 'section' : t === 4 ? 'file' : 'other';
          const symName = nameOff < str.size ? cstr(str.offset + nameOff) : '';
          if (!symName) continue;
          symbols.push({ name: symName, value, size, type, global: bind === 1 || bind === 2 });
        }
      }
    }
  }
  return { entry, segments, symbols, sections, bytes };
}

// A64 encoding classes (Arm ARM C4.1 top-level and group decode tables) as mask/value pairs, used
// to draw random encodings per class and to report the disassembler's agreement with objdump.
// Classes may overlap; a word drawn for a class is reported under that class.

export interface EncodingClass {
  name: string;
  mask: number;
  value: number;
  /** Not decoded by this disassembler (printed as undefined words); why. */
  unimplemented?: string;
}

const C = (name: string, mask: number, value: number, unimplemented?: string): EncodingClass =>
  ({ name, mask: mask >>> 0, value: value >>> 0, unimplemented });

export const ENCODING_CLASSES: EncodingClass[] = [
  C('reserved', 0x9e000000, 0x00000000),
  C('sme', 0x9e000000, 0x80000000, 'SME is not implemented by the emulator or the disassembler'),
  C('sve', 0x1e000000, 0x04000000, 'SVE is not implemented by the emulator or the disassembler'),
  C('unallocated.0001', 0x1e000000, 0x02000000),
  C('unallocated.0011', 0x1e000000, 0x06000000),
  // Data processing -- immediate
  C('dpi.pcrel', 0x1f000000, 0x10000000),
  C('dpi.addsub', 0x1f800000, 0x11000000),
  C('dpi.tags-minmax', 0x1f800000, 0x11800000),
  C('dpi.logical', 0x1f800000, 0x12000000),
  C('dpi.movewide', 0x1f800000, 0x12800000),
  C('dpi.bitfield', 0x1f800000, 0x13000000),
  C('dpi.extract', 0x1f800000, 0x13800000),
  // Branches, exception generating and system instructions
  C('br.imm', 0x7c000000, 0x14000000),
  C('br.cbz', 0x7e000000, 0x34000000),
  C('br.tbz', 0x7e000000, 0x36000000),
  C('br.cond', 0xfe000000, 0x54000000),
  C('br.reg', 0xfe000000, 0xd6000000),
  C('sys.exception', 0xff000000, 0xd4000000),
  C('sys.hint', 0xfffff01f, 0xd503201f),
  C('sys.barrier', 0xfffff000, 0xd5033000),
  C('sys.pstate', 0xfff8f01f, 0xd500401f),
  C('sys.op0-00', 0xffd80000, 0xd5000000),
  C('sys.sys', 0xffd80000, 0xd5080000),
  C('sys.reg', 0xffd00000, 0xd5100000),
  C('sys.other', 0xffc00000, 0xd5400000),
  // Loads and stores
  C('ls.simd-struct', 0xbe000000, 0x0c000000),
  C('ls.exclusive', 0x3f000000, 0x08000000),
  C('ls.rcpc2', 0x3f200c00, 0x19000000),
  C('ls.mte', 0xff200000, 0xd9200000),
  C('ls.mops', 0x3b200c00, 0x19000400),
  C('ls.literal', 0x3b000000, 0x18000000),
  C('ls.pair', 0x3a000000, 0x28000000),
  C('ls.imm9', 0x3b200000, 0x38000000),
  C('ls.atomic', 0x3b200c00, 0x38200000),
  C('ls.regoff', 0x3b200c00, 0x38200800),
  C('ls.pac', 0x3b200400, 0x38200400),
  C('ls.uimm', 0x3b000000, 0x39000000),
  // Data processing -- register
  C('dpr.logical', 0x1f000000, 0x0a000000),
  C('dpr.addsub-shift', 0x1f200000, 0x0b000000),
  C('dpr.addsub-ext', 0x1f200000, 0x0b200000),
  C('dpr.adc-flags', 0x1fe00000, 0x1a000000),
  C('dpr.ccmp', 0x1fe00000, 0x1a400000),
  C('dpr.csel', 0x1fe00000, 0x1a800000),
  C('dpr.dp1-dp2', 0x1fe00000, 0x1ac00000),
  C('dpr.dp3', 0x1f000000, 0x1b000000),
  // Scalar floating point and Advanced SIMD
  C('fp.scalar', 0x5f000000, 0x1e000000),
  C('fp.fma', 0x5f000000, 0x1f000000),
  C('simd.v.3same', 0x9f200400, 0x0e200400),
  C('simd.v.3diff', 0x9f200c00, 0x0e200000),
  C('simd.v.2misc', 0x9f3e0c00, 0x0e200800),
  C('simd.v.across', 0x9f3e0c00, 0x0e300800),
  C('simd.v.copy', 0x9fe08400, 0x0e000400),
  C('simd.v.other', 0x9f200000, 0x0e000000),
  C('simd.v.shift-modimm', 0x9f800400, 0x0f000400),
  C('simd.v.element', 0x9f000400, 0x0f000000),
  C('simd.scalar', 0xde000000, 0x5e000000),
  C('simd.crypto', 0xfe000000, 0xce000000),
];

export function classByName(name: string): EncodingClass | undefined {
  return ENCODING_CLASSES.find(c => c.name === name);
}

// Operand formatting shared by the disassembler's tables, following the text GNU objdump prints.

/** General-purpose register `n` as a W (sf=0) or X (sf=1) register; 31 is the zero register. */
export function R(n: number, sf: number | boolean): string {
  if (n === 31) return sf ? 'xzr' : 'wzr';
  return (sf ? 'x' : 'w') + n;
}

/** General-purpose register where 31 is the stack pointer. */
export function RSP(n: number, sf: number | boolean): string {
  if (n === 31) return sf ? 'sp' : 'wsp';
  return (sf ? 'x' : 'w') + n;
}

export const X = (n: number): string => R(n, 1);
export const W = (n: number): string => R(n, 0);
export const XSP = (n: number): string => RSP(n, 1);

/** Hex without prefix, lower case. */
export function hx(v: number | bigint): string {
  return (typeof v === 'bigint' ? v : BigInt(v >>> 0 === v ? v : v >>> 0)).toString(16);
}

/** `#0x..` immediate (v is treated as unsigned 32-bit when a number). */
export function ih(v: number | bigint): string {
  if (typeof v === 'number') return '#0x' + (v >>> 0).toString(16);
  return '#0x' + v.toString(16);
}

/** `#n` decimal immediate. */
export function id(v: number | bigint): string {
  return '#' + v.toString();
}

export function sext(v: number, bits: number): number {
  const s = 32 - bits;
  return (v << s) >> s;
}

export const COND = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];
/** Other names objdump knows for each condition (the SVE condition names), printed as a comment. */
export const COND_ALIASES: string[][] = [
  ['none'], ['any'], ['hs', 'nlast'], ['lo', 'ul', 'last'], ['first'], ['nfrst'], [], [], ['pmore'], ['plast'],
  ['tcont'], ['tstop'], [], [], [], [],
];

/** Comment objdump adds after an instruction with a condition operand ("\t// eq = none"). */
export function condComment(c: number): string {
  const a = COND_ALIASES[c];
  return a.length ? `\t// ${COND[c]} = ${a.join(', ')}` : '';
}

export const SHIFT = ['lsl', 'lsr', 'asr', 'ror'];
export const EXTEND = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

/** DecodeBitMasks(N, imms, immr, immediate=TRUE) of the Arm ARM: the bitmask immediate, or null
 *  for a reserved encoding. */
export function bitmaskImm(n: number, imms: number, immr: number, sf: number): bigint | null {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return null;
  let len = 6;
  while (!((combined >> len) & 1)) len--;
  if (len < 1) return null;
  const size = 1 << len;
  const levels = size - 1;
  const s = imms & levels, r = immr & levels;
  if (s === levels) return null;
  if (!sf && n) return null;
  let elem = (1n << BigInt(s + 1)) - 1n;
  if (r) {
    const mask = (1n << BigInt(size)) - 1n;
    elem = ((elem >> BigInt(r)) | (elem << BigInt(size - r))) & mask;
  }
  const regsize = sf ? 64 : 32;
  let v = 0n;
  for (let i = 0; i < regsize; i += size) v |= elem << BigInt(i);
  return v;
}

/** The immediate of a MOV alias the way objdump prints it: `#0x<hex padded to 20>\t// #<signed>`. */
export function movImm(v: bigint, sf: number): string {
  const bits = sf ? 64 : 32;
  v = BigInt.asUintN(bits, v);
  const signed = BigInt.asIntN(bits, v);
  return '#0x' + v.toString(16).padEnd(20, ' ') + '\t// #' + signed.toString();
}

/** VFPExpandImm of an 8-bit floating-point immediate, as a double. */
export function fpImm8(imm8: number): number {
  const b = (imm8 >> 6) & 1, cd = (imm8 >> 4) & 3;
  const e = b ? cd - 3 : cd + 1;
  const v = (1 + (imm8 & 15) / 16) * Math.pow(2, e);
  return (imm8 & 0x80) ? -v : v;
}

/** C's printf("%.18e", v). */
export function fmtE18(v: number): string {
  const s = v.toExponential(18);
  const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s)!;
  return m[1] + 'e' + m[2] + m[3].padStart(2, '0');
}

/** The `#<float>` operand objdump prints for an 8-bit FP immediate. */
export function fpImmOp(imm8: number): string {
  return '#' + fmtE18(fpImm8(imm8));
}

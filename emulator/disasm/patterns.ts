// The pattern engine behind the disassembler: rows written in the style of QEMU's .decode files.
//
// A pattern is 32 bits written most significant first as space-separated tokens: runs of fixed
// bits ('0', '1', or '.' for "any") and named fields `name:width`. For example
//   'sf:1 op:1 S:1 100010 sh:1 imm12:12 rn:5 rd:5'
// Decoding a word tries the rows whose fixed bits match, in table order; a row's formatter gets the
// named fields and returns the instruction text ("mnemonic\toperands", or the bare mnemonic), or
// null when its extra conditions do not hold (the next matching row is tried then). Aliases are
// rows placed before the instruction they stand for.

export type Fields = Record<string, number>;

export interface Ctx {
  insn: number;
  address: bigint;
  /** Formats a branch or literal target the way objdump prints addresses. */
  target(address: bigint): string;
}

export type Formatter = (f: Fields, c: Ctx) => string | null;

interface Row {
  mask: number;
  value: number;
  fields: [string, number, number][]; // name, lsb, width
  fmt: Formatter;
  src: string;
}

export function parsePattern(p: string): { mask: number; value: number; fields: [string, number, number][] } {
  let pos = 32, mask = 0, value = 0;
  const fields: [string, number, number][] = [];
  for (const tok of p.trim().split(/\s+/)) {
    const m = /^(\w+):(\d+)$/.exec(tok);
    if (m) {
      const w = Number(m[2]);
      pos -= w;
      fields.push([m[1], pos, w]);
      continue;
    }
    for (const ch of tok) {
      pos--;
      if (ch === '0' || ch === '1') {
        mask |= 1 << pos;
        if (ch === '1') value |= 1 << pos;
      } else if (ch !== '.' && ch !== 'x') throw new Error(`bad pattern token ${tok} in ${p}`);
    }
  }
  if (pos !== 0) throw new Error(`pattern is ${32 - pos} bits, not 32: ${p}`);
  return { mask: mask >>> 0, value: value >>> 0, fields };
}

/** A decode table: rows bucketed by bits 28:25 (the top-level A64 op0 field) for speed. */
export class Table {
  private rows: Row[] = [];
  private buckets: Row[][] | undefined;

  add(pattern: string, fmt: Formatter): this {
    const { mask, value, fields } = parsePattern(pattern);
    this.rows.push({ mask, value, fields, fmt, src: pattern });
    this.buckets = undefined;
    return this;
  }

  addAll(rows: [string, Formatter][]): this {
    for (const [p, f] of rows) this.add(p, f);
    return this;
  }

  private build(): Row[][] {
    const b: Row[][] = [];
    for (let op0 = 0; op0 < 16; op0++) {
      const w = op0 << 25;
      b.push(this.rows.filter(r => (((w ^ r.value) & r.mask) & 0x1e000000) === 0));
    }
    return b;
  }

  decode(insn: number, ctx: Ctx): string | null {
    if (!this.buckets) this.buckets = this.build();
    const rows = this.buckets[(insn >>> 25) & 15];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (((insn & r.mask) >>> 0) !== r.value) continue;
      const f: Fields = {};
      for (const [name, lsb, w] of r.fields) f[name] = w === 32 ? insn >>> 0 : (insn >>> lsb) & ((1 << w) - 1);
      const s = r.fmt(f, ctx);
      if (s !== null) return s;
    }
    return null;
  }
}

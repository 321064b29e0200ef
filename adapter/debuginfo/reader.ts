// Bounds-checked little-endian reader for DWARF sections. Every read past the end of the section
// (or of a sub-range such as a unit) throws a DwarfError whose message is one line naming the
// section and the offset, never a RangeError from a DataView.

export class DwarfError extends Error {
  constructor(message: string) { super(message); this.name = 'DwarfError'; }
}

export const MASK64 = (1n << 64n) - 1n;

/** A section's bytes with its name (for messages) and its address (for pc-relative encodings). */
export interface Section {
  name: string;
  data: Uint8Array;
  /** sh_addr (0 for non-allocated sections). */
  addr: bigint;
}

export function hex(v: bigint | number): string {
  return '0x' + (typeof v === 'bigint' ? (v & MASK64) : v).toString(16);
}

export class Reader {
  pos: number;
  private readonly dv: DataView;

  /** Reads `sec.data[start, end)`; `pos` is an offset into the whole section (messages use it). */
  constructor(readonly sec: Section, start = 0, readonly end = sec.data.length) {
    if (end > sec.data.length) end = sec.data.length;
    this.end = end;
    this.pos = start;
    if (!Number.isSafeInteger(start) || start < 0 || start > sec.data.length) {
      throw new DwarfError(`${sec.name}: offset ${typeof start === 'number' && Number.isFinite(start) ? hex(Math.trunc(start)) : String(start)} is outside the section (${sec.data.length} bytes)`);
    }
    this.dv = new DataView(sec.data.buffer, sec.data.byteOffset, sec.data.byteLength);
  }

  get remaining(): number { return this.end - this.pos; }
  get atEnd(): boolean { return this.pos >= this.end; }

  fail(why: string, at = this.pos): never {
    throw new DwarfError(`${this.sec.name}+${hex(at)}: ${why}`);
  }

  need(n: number, what = 'value'): void {
    if (n < 0 || this.pos + n > this.end) {
      this.fail(`truncated: ${what} needs ${n} bytes, ${Math.max(0, this.end - this.pos)} left`);
    }
  }

  /** A reader over the next `n` bytes (checked), advancing this one past them. */
  sub(n: number, what: string): Reader {
    this.need(n, what);
    const r = new Reader(this.sec, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  skip(n: number, what = 'data'): void { this.need(n, what); this.pos += n; }

  u8(): number { this.need(1); return this.sec.data[this.pos++]; }
  s8(): number { const v = this.u8(); return v >= 0x80 ? v - 0x100 : v; }
  u16(): number { this.need(2); const v = this.dv.getUint16(this.pos, true); this.pos += 2; return v; }
  u24(): number { this.need(3); const d = this.sec.data, p = this.pos; this.pos += 3; return d[p] | (d[p + 1] << 8) | (d[p + 2] << 16); }
  u32(): number { this.need(4); const v = this.dv.getUint32(this.pos, true); this.pos += 4; return v; }
  u64(): bigint { this.need(8); const v = this.dv.getBigUint64(this.pos, true); this.pos += 8; return v; }

  /** An unsigned value of 1, 2, 4 or 8 bytes as a bigint. */
  uN(size: number): bigint {
    switch (size) {
      case 1: return BigInt(this.u8());
      case 2: return BigInt(this.u16());
      case 4: return BigInt(this.u32());
      case 8: return this.u64();
      default: return this.fail(`unsupported value size ${size}`);
    }
  }

  /** A section offset (4 bytes in 32-bit DWARF, 8 in 64-bit) as a number. */
  offset(size: 4 | 8): number {
    if (size === 4) return this.u32();
    const at = this.pos;
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`offset ${hex(v)} is too large`, at);
    return Number(v);
  }

  ulebBig(): bigint {
    let result = 0n, shift = 0n;
    const start = this.pos;
    for (;;) {
      if (this.pos >= this.end) this.fail('truncated LEB128 number', start);
      const b = this.sec.data[this.pos++];
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
    }
    return result & MASK64;
  }

  slebBig(): bigint {
    let result = 0n, shift = 0n, b = 0;
    const start = this.pos;
    for (;;) {
      if (this.pos >= this.end) this.fail('truncated LEB128 number', start);
      b = this.sec.data[this.pos++];
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) break;
    }
    if (shift < 64n && (b & 0x40)) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }

  /** ULEB128 that must fit in a JavaScript number (counts, indices, lengths). */
  uleb(): number {
    const at = this.pos;
    const v = this.ulebBig();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`number ${hex(v)} is too large`, at);
    return Number(v);
  }

  sleb(): number {
    const at = this.pos;
    const v = this.slebBig();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`number ${v} is too large`, at);
    return Number(v);
  }

  /** A NUL-terminated string (UTF-8). */
  cstr(): string {
    const d = this.sec.data;
    let e = this.pos;
    while (e < this.end && d[e] !== 0) e++;
    if (e >= this.end) this.fail('unterminated string');
    const s = Buffer.from(d.buffer, d.byteOffset + this.pos, e - this.pos).toString('utf8');
    this.pos = e + 1;
    return s;
  }

  bytes(n: number, what = 'block'): Uint8Array {
    this.need(n, what);
    const b = this.sec.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** An initial length field: returns the unit's length and its offset size (4 or 8). */
  initialLength(): { length: number; offsetSize: 4 | 8 } {
    const at = this.pos;
    const l = this.u32();
    if (l < 0xfffffff0) return { length: l, offsetSize: 4 };
    if (l !== 0xffffffff) this.fail(`reserved initial length ${hex(l)}`, at);
    const l64 = this.u64();
    if (l64 > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`unit length ${hex(l64)} is too large`, at);
    return { length: Number(l64), offsetSize: 8 };
  }
}

/** A NUL-terminated string at `offset` in a string section (.debug_str, .debug_line_str). */
export function stringAt(sec: Section | undefined, secName: string, offset: number, what: string): string {
  if (!sec) throw new DwarfError(`${what}: refers to ${secName}, which is missing`);
  if (offset >= sec.data.length) throw new DwarfError(`${what}: string offset ${hex(offset)} is past the end of ${secName} (${sec.data.length} bytes)`);
  return new Reader(sec, offset).cstr();
}

/** Adds two 64-bit values modulo 2^64. */
export function add64(a: bigint, b: bigint): bigint { return (a + b) & MASK64; }

/** Joins a directory and a file name the way debuggers show them: absolute names are kept,
 *  `.` segments dropped, `a/../` folded, both `/` and Windows `\` understood as separators
 *  (Windows names keep their backslashes). */
export function joinPath(dir: string | undefined, name: string): string {
  if (!dir || isAbsolutePath(name)) return normalizePath(name);
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return normalizePath(dir.endsWith('/') || dir.endsWith('\\') ? dir + name : dir + sep + name);
}

export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(p);
}

export function normalizePath(p: string): string {
  if (p === '') return p;
  const win = /^[A-Za-z]:[\\/]/.test(p) || (p.includes('\\') && !p.includes('/'));
  const sep = win ? '\\' : '/';
  const parts = p.split(/[\\/]+/);
  const abs = p.startsWith('/') || p.startsWith('\\');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const s = parts[i];
    if (s === '' || s === '.') continue;
    if (s === '..' && out.length > 0 && out[out.length - 1] !== '..' && !/^[A-Za-z]:$/.test(out[out.length - 1])) { out.pop(); continue; }
    if (s === '..' && abs && out.length === 0) continue;
    out.push(s);
  }
  const body = out.join(sep);
  return abs ? sep + body : body || '.';
}

/** True when `query` names `candidate`: the same normalized path, or one is a trailing sequence
 *  of whole path components of the other (so `lib.c` and `src/lib.c` match `./test/src/lib.c`). */
export function pathMatches(query: string, candidate: string): boolean {
  const a = normalizePath(query).split(/[\\/]/).filter(s => s !== ''), b = normalizePath(candidate).split(/[\\/]/).filter(s => s !== '');
  const n = Math.min(a.length, b.length);
  if (n === 0) return false;
  for (let i = 1; i <= n; i++) if (a[a.length - i] !== b[b.length - i]) return false;
  return true;
}

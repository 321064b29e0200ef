// Expressions for conditions, watch and the debug console: C-like integer arithmetic over
// registers, symbols and memory, all in 64-bit unsigned arithmetic (comparisons are unsigned
// except where a cast to a signed type is given).
//
//   x0 + 8     *(uint64_t*)0x40001000     *(uint32_t *)(sp + 16) == 0x1234     main
//   w1 & 0xff  (x0 >> 12) << 12           pc != lr && x2 >= 0x40000000          sctlr_el1 & 1

export interface EvalContext {
  /** A register by (lower-case) name, or undefined. */
  register(name: string): bigint | undefined;
  /** A symbol's address, or undefined. */
  symbol(name: string): bigint | undefined;
  /** Reads `size` bytes little-endian at a virtual address; undefined if unreadable. */
  read(address: bigint, size: number): bigint | undefined;
}

export class ExpressionError extends Error {}

type Tok = { t: 'num'; v: bigint } | { t: 'id'; v: string } | { t: 'op'; v: string };

const OPS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '(', ')', '<', '>', '[', ']'];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const num = /^(0x[0-9a-f_]+|0b[01_]+|\d[\d_]*)(u?l{0,2}|l{0,2}u?)/i.exec(src.slice(i));
    if (num) { out.push({ t: 'num', v: BigInt(num[1].replace(/_/g, '')) }); i += num[0].length; continue; }
    const id = /^[A-Za-z_$.][\w$.]*/.exec(src.slice(i));
    if (id) { out.push({ t: 'id', v: id[0] }); i += id[0].length; continue; }
    const op = OPS.find(o => src.startsWith(o, i));
    if (op) { out.push({ t: 'op', v: op }); i += op.length; continue; }
    throw new ExpressionError(`unexpected character '${c}' at position ${i + 1}`);
  }
  return out;
}

const TYPES: Record<string, { size: number; signed: boolean }> = {
  uint8_t: { size: 1, signed: false }, uint16_t: { size: 2, signed: false }, uint32_t: { size: 4, signed: false }, uint64_t: { size: 8, signed: false },
  int8_t: { size: 1, signed: true }, int16_t: { size: 2, signed: true }, int32_t: { size: 4, signed: true }, int64_t: { size: 8, signed: true },
  char: { size: 1, signed: true }, short: { size: 2, signed: true }, int: { size: 4, signed: true }, long: { size: 8, signed: true },
  u8: { size: 1, signed: false }, u16: { size: 2, signed: false }, u32: { size: 4, signed: false }, u64: { size: 8, signed: false },
  UINT8: { size: 1, signed: false }, UINT16: { size: 2, signed: false }, UINT32: { size: 4, signed: false }, UINT64: { size: 8, signed: false },
  UINTN: { size: 8, signed: false }, size_t: { size: 8, signed: false }, uintptr_t: { size: 8, signed: false },
};

const M64 = (1n << 64n) - 1n;

/** Evaluates `src`; returns the 64-bit unsigned result. */
export function evaluateExpression(src: string, ctx: EvalContext): bigint {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string) => toks[p]?.t === 'op' && toks[p].v === v;
  const expect = (v: string) => { if (!isOp(v)) throw new ExpressionError(`expected '${v}'${toks[p] ? ` before '${(toks[p] as { v: unknown }).v}'` : ' at the end'}`); p++; };

  const binary = (next: () => bigint, ops: string[], apply: (op: string, a: bigint, b: bigint) => bigint) => (): bigint => {
    let a = next();
    while (toks[p]?.t === 'op' && ops.includes(toks[p].v as string)) {
      const op = toks[p++].v as string;
      a = apply(op, a, next()) & M64;
    }
    return a;
  };

  // Cast: '(' type ['*'] ')' — a pointer cast followed by a dereference is handled in unary.
  const castAhead = (): { size: number; signed: boolean; pointer: boolean; len: number } | undefined => {
    if (!isOp('(') || toks[p + 1]?.t !== 'id') return undefined;
    let q = p + 1;
    let name = toks[q].v as string;
    if (name === 'unsigned' && toks[q + 1]?.t === 'id') { q++; name = 'u' + (toks[q].v as string); }
    const ty = TYPES[name] ?? (name === 'ulong' ? TYPES.uint64_t : undefined) ?? (name === 'uint' ? TYPES.uint32_t : undefined);
    if (!ty) return undefined;
    q++;
    let pointer = false;
    if (toks[q]?.t === 'op' && toks[q].v === '*') { pointer = true; q++; }
    if (!(toks[q]?.t === 'op' && toks[q].v === ')')) return undefined;
    return { ...ty, pointer, len: q + 1 - p };
  };

  const truncate = (v: bigint, size: number, signed: boolean) => {
    const bits = BigInt(size * 8);
    return signed ? BigInt.asUintN(64, BigInt.asIntN(Number(bits), v)) : BigInt.asUintN(Number(bits), v);
  };

  const deref = (addr: bigint, size: number, signed: boolean): bigint => {
    const v = ctx.read(addr & M64, size);
    if (v === undefined) throw new ExpressionError(`cannot read ${size} byte${size > 1 ? 's' : ''} at 0x${(addr & M64).toString(16)}`);
    return truncate(v, size, signed);
  };

  const primary = (): bigint => {
    const t = peek();
    if (!t) throw new ExpressionError('unexpected end of expression');
    if (t.t === 'num') { p++; return t.v & M64; }
    if (t.t === 'id') {
      p++;
      const name = t.v;
      // GDB's $x0, $pc, $sp: a register, never a symbol.
      if (name.startsWith('$')) {
        const r = ctx.register(name.slice(1).toLowerCase());
        if (r === undefined) throw new ExpressionError(`unknown register '${name}'`);
        return r & M64;
      }
      const reg = ctx.register(name.toLowerCase());
      if (reg !== undefined) return reg & M64;
      const sym = ctx.symbol(name);
      if (sym !== undefined) return sym & M64;
      throw new ExpressionError(`unknown register or symbol '${name}'`);
    }
    if (isOp('(')) { p++; const v = expr(); expect(')'); return v; }
    if (isOp('[')) { p++; const v = expr(); expect(']'); return deref(v, 8, false); } // [addr]: a 64-bit load
    throw new ExpressionError(`unexpected '${t.v}'`);
  };

  const unary = (): bigint => {
    const cast = castAhead();
    if (cast) {
      p += cast.len;
      const v = unary();
      return cast.pointer ? v : truncate(v, cast.size, cast.signed);
    }
    if (isOp('*')) {
      p++;
      const inner = castAhead();
      if (inner && inner.pointer) { p += inner.len; return deref(unary(), inner.size, inner.signed); }
      return deref(unary(), 8, false);
    }
    if (isOp('-')) { p++; return (-unary()) & M64; }
    if (isOp('+')) { p++; return unary(); }
    if (isOp('~')) { p++; return (~unary()) & M64; }
    if (isOp('!')) { p++; return unary() === 0n ? 1n : 0n; }
    return primary();
  };

  const mul = binary(unary, ['*', '/', '%'], (op, a, b) => {
    if (op !== '*' && b === 0n) throw new ExpressionError('division by zero');
    return op === '*' ? a * b : op === '/' ? a / b : a % b;
  });
  const add = binary(mul, ['+', '-'], (op, a, b) => op === '+' ? a + b : a - b);
  const shift = binary(add, ['<<', '>>'], (op, a, b) => op === '<<' ? (b > 63n ? 0n : a << b) : a >> b);
  const rel = binary(shift, ['<', '>', '<=', '>='], (op, a, b) => BigInt(op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b));
  const eq = binary(rel, ['==', '!='], (op, a, b) => BigInt(op === '==' ? a === b : a !== b));
  const band = binary(eq, ['&'], (_op, a, b) => a & b);
  const bxor = binary(band, ['^'], (_op, a, b) => a ^ b);
  const bor = binary(bxor, ['|'], (_op, a, b) => a | b);
  const land = binary(bor, ['&&'], (_op, a, b) => BigInt(a !== 0n && b !== 0n));
  const lor = binary(land, ['||'], (_op, a, b) => BigInt(a !== 0n || b !== 0n));
  function expr(): bigint { return lor(); }

  if (toks.length === 0) throw new ExpressionError('empty expression');
  const v = expr();
  if (p < toks.length) throw new ExpressionError(`unexpected '${(toks[p] as { v: unknown }).v}' after the expression`);
  return v;
}

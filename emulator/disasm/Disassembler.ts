// A64 disassembler whose text is exactly what GNU objdump (binutils 2.40) prints in its instruction
// column, for the debugger's Disassembly view.
//
// Decoding is table driven (patterns.ts): each encoding group contributes rows of bit patterns with
// a formatter; the first row that matches and accepts the word gives the text. Words no row accepts
// print as objdump prints them: `.inst\t0x........ ; undefined`.
//
// Coverage: the whole A64 base instruction set and the FP/AdvSIMD/crypto instructions up to the
// extensions objdump 2.40 decodes outside SVE/SME (see the group files). SVE and SME encodings
// (op0 = 0010, and 0000 with bit 31 set) are not decoded and print as undefined words.

import { Table, Ctx } from './patterns';
import { addDataProc } from './dataProc';
import { addBranchSys } from './branchSys';
import { addLoadStore } from './loadStore';
import { addSimdFp } from './simdFp';

export interface DisasmOptions {
  /** Names an address for branch and literal targets, as objdump does with an ELF's symbols:
   *  return e.g. 'main' or 'main+0x10' (printed as `40080120 <main+0x10>`), or undefined for none
   *  (then only the address is printed). Without this option targets print as `0x40080120`, as
   *  objdump prints them for an image without symbols. */
  symbolize?: (address: bigint) => string | undefined;
}

export interface Disassembly {
  mnemonic: string;
  /** The operands, including any comment objdump appends (e.g. `x0, #0x1 ...\t// #1`). */
  operands: string;
  /** objdump's instruction column: mnemonic + '\t' + operands (just the mnemonic when there are
   *  no operands, as objdump prints e.g. `nop`). */
  text: string;
}

let table: Table | undefined;

function getTable(): Table {
  if (!table) {
    table = new Table();
    table.add('0000000000000000 imm16:16', f => `udf\t#${f.imm16}`);
    addDataProc(table);
    addBranchSys(table);
    addLoadStore(table);
    addSimdFp(table);
  }
  return table;
}

const MASK64 = (1n << 64n) - 1n;

export function disassemble(insn: number, address: bigint, opts?: DisasmOptions): Disassembly {
  insn >>>= 0;
  const symbolize = opts?.symbolize;
  const ctx: Ctx = {
    insn,
    address: address & MASK64,
    target(a: bigint): string {
      a &= MASK64;
      if (!symbolize) return '0x' + a.toString(16);
      const s = symbolize(a);
      return s === undefined ? a.toString(16) : `${a.toString(16)} <${s}>`;
    },
  };
  let text = getTable().decode(insn, ctx);
  if (text === null) {
    // objdump marks this block of the reserved/SME space "not yet implemented" instead of undefined
    const why = (insn & 0x7fe00000) === 0x00200000 ? 'NYI' : 'undefined';
    text = `.inst\t0x${insn.toString(16).padStart(8, '0')} ; ${why}`;
  }
  const tab = text.indexOf('\t');
  if (tab < 0) return { mnemonic: text, operands: '', text };
  return { mnemonic: text.slice(0, tab), operands: text.slice(tab + 1), text };
}

// Call-stack unwinding: DWARF CFI where the program has it, frame records (x29/x30) otherwise,
// with exception entries as frames of their own (the vector, then the interrupted code at
// ELR_EL1 with SPSR_EL1).

import type { Cpu } from '../emulator';
import type { ProgramInfo } from './ProgramInfo';
import { hex } from './describe';
import { EXCEPTION_CLASSES } from './describe';

export interface Frame {
  pc: bigint;
  sp: bigint;
  fp: bigint;
  kind: 'normal' | 'vector' | 'interrupted';
  /** For vector/interrupted frames: what happened. */
  label?: string;
}

const VECTOR_NAMES = ['Synchronous', 'IRQ', 'FIQ', 'SError'];
const VECTOR_ORIGINS = ['current EL, SP_EL0', 'current EL, SP_ELx', 'lower EL, AArch64', 'lower EL, AArch32'];

export function vectorName(offset: number): string {
  return `${VECTOR_NAMES[(offset >> 7) & 3]} (${VECTOR_ORIGINS[(offset >> 9) & 3]})`;
}

/** Whether an instruction word is a call: BL or BLR. */
export function isCallInstruction(w: number | undefined): boolean {
  if (w === undefined) return false;
  return (w & 0xfc000000) >>> 0 === 0x94000000 || (w & 0xfffffc1f) >>> 0 === 0xd63f0000;
}

/** Whether the instruction before a return address is a call. */
function isCall(cpu: Cpu, retAddr: bigint): boolean {
  const b = cpu.debugRead(retAddr - 4n, 4);
  return isCallInstruction(b ? (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0 : undefined);
}

function read64(cpu: Cpu, a: bigint): bigint | undefined {
  const b = cpu.debugRead(a, 8);
  return b ? new DataView(b.buffer, b.byteOffset).getBigUint64(0, true) : undefined;
}

export function unwindStack(cpu: Cpu, program: ProgramInfo, max = 64): Frame[] {
  const frames: Frame[] = [];
  const vbar = cpu.sys.vbar;
  const inVectors = (pc: bigint) => pc >= vbar && pc < vbar + 0x800n;
  let pc = cpu.getPC(), sp = cpu.getSP(), fp = cpu.getX(29), lr = cpu.getX(30);
  let exceptionShown = false;
  /** Whether pc is a return address (a caller frame), not where execution stopped. */
  let pcIsReturn = false;
  const seen = new Set<string>();
  for (let depth = 0; depth < max; depth++) {
    if (inVectors(pc) && !exceptionShown) {
      // At (or called from) a vector: show the exception and continue in the interrupted code.
      const off = Number(pc - vbar) & ~0x7f;
      const esr = cpu.sys.esr;
      const ec = Number((esr >> 26n) & 0x3fn);
      const what = (off & 0x180) === 0 ? ` — ${EXCEPTION_CLASSES[ec] ?? `EC 0x${ec.toString(16)}`}` : '';
      frames.push({ pc, sp, fp, kind: 'vector', label: `${vectorName(off)} exception${what}` });
      exceptionShown = true;
      const spsr = cpu.sys.spsr;
      const el = Number((spsr >> 2n) & 3n);
      frames.push({ pc: cpu.sys.elr, sp: el === 0 ? cpu.getBankedSP(0) : sp, fp, kind: 'interrupted', label: `interrupted at ${hex(cpu.sys.elr)} (SPSR ${hex(spsr, 8)}, EL${el})` });
      pc = cpu.sys.elr;
      pcIsReturn = false;
      // Stopped at the vector itself, the interrupted code's x29/x30 are still live: go on unwinding
      // it. Reached through a handler's frame records, its registers were saved in a layout only the
      // firmware knows: stop here.
      if (depth > 0) break;
      continue;
    }
    // A caller's PC is a return address: the instruction before it is a BL or BLR. Anything else
    // comes from a frame that was unwound wrongly (code without CFI that moved SP, a corrupted
    // stack): stop rather than show frames that never were.
    if (pcIsReturn && !isCall(cpu, pc)) break;
    if (frames.length === 0 || frames[frames.length - 1].pc !== pc) frames.push({ pc, sp, fp, kind: 'normal' });
    const key = `${pc}:${sp}:${fp}`;
    if (seen.has(key)) break;
    seen.add(key);
    // DWARF CFI first.
    const c = program.unwind(pc, n => n === 31 ? sp : n === 29 ? fp : n === 30 ? lr : cpu.getX(n), a => read64(cpu, a), pcIsReturn);
    if (c && c.pc !== 0n) { pc = c.pc; sp = c.sp; fp = c.fp; lr = c.lr; pcIsReturn = true; continue; }
    // Frame records: a leaf (or a function before its prologue) returns through x30.
    const recordRet = fp !== 0n ? read64(cpu, fp + 8n) : undefined;
    if (depth === 0 && lr !== 0n && lr !== recordRet && lr !== pc && isCall(cpu, lr)) { pc = lr; lr = 0n; pcIsReturn = true; continue; }
    if (fp === 0n || (fp & 7n) !== 0n) break;
    const prevFp = read64(cpu, fp);
    if (prevFp === undefined || recordRet === undefined || recordRet === 0n) break;
    if (prevFp !== 0n && prevFp <= fp) break; // the stack grows down: callers' records are higher
    sp = fp + 16n;
    pc = recordRet;
    fp = prevFp;
    pcIsReturn = true;
  }
  return frames;
}

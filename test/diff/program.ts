// Lays generated sequences out as a static AArch64 Linux program (one RWX PT_LOAD segment).
//
// Memory map (inside the test harness RAM at 0x40000000..0x44000000, so the same ELF runs under
// qemu-aarch64 and in the emulator at identical addresses):
//   BASE + 0x0000  scratch image (8 KiB of random data; each block copies 4 KiB of it into scratch)
//   BASE + 0x2000  scratch area (4 KiB) followed by the register dump (x0..x30, SP, NZCV)
//   BASE + 0x4000  code: one block per sequence, then an exit block
//
// Each block is self-contained, so the emulator (or a restarted qemu) can enter at any block:
//   clrex; adr x0, D; copy 4 KiB image -> scratch; SP and NZCV from D; x28 = scratch; x0..x30 from D
//   <body>
//   str x0..x30 -> dump; SP, NZCV -> dump; write(1, scratch, 4096 + 264)
//   b next
//   D: initial x0..x30, SP, NZCV, image source, scratch address; literal pool

import { E, Sequence, SCRATCH_REG, SCRATCH_SIZE, LITERAL_POOL_SIZE, ClassName } from './generator';
import { writeElf } from './elf';

export const BASE = 0x40100000;
export const IMAGE_ADDR = BASE;
export const SCRATCH_ADDR = BASE + 0x2000;
export const CODE_ADDR = BASE + 0x4000;
/** Bytes each block writes: scratch, x0..x30, SP, NZCV. */
export const RECORD_SIZE = SCRATCH_SIZE + 31 * 8 + 8 + 8;
export const DUMP_SP = SCRATCH_SIZE + 31 * 8;
export const DUMP_NZCV = DUMP_SP + 8;

const SYS_WRITE = 64, SYS_EXIT = 93;
const D_SP = 31 * 8, D_NZCV = 32 * 8, D_IMG = 33 * 8, D_SCR = 34 * 8, D_LIT = 35 * 8;

/** What to put in one block: a sequence and how many of its body words to run. */
export interface BlockSpec {
  seq: Sequence;
  words: number;
  tag: number;
  /** Body words replaced by other encodings (bisection: a branch replaced by a neutral instruction). */
  patch?: Map<number, number>;
}

export interface Block {
  spec: BlockSpec;
  start: number;
  bodyStart: number;
  body: number[];
  bodyCls: ClassName[];
  /** Byte range of the block (code + data) in the image, for reloading. */
  end: number;
}

export interface Program { elf: Uint8Array; image: Uint8Array; blocks: Block[]; exitBlock: number; segment: Uint8Array; }

/** Flattened body of a sequence: words, their classes, and literal fixups (word index -> pool offset). */
export function flatten(seq: Sequence): { words: number[]; cls: ClassName[]; lits: Map<number, number> } {
  const words: number[] = [], cls: ClassName[] = [], lits = new Map<number, number>();
  for (const u of seq.units) {
    for (const l of u.lits ?? []) lits.set(words.length + l.index, l.offset);
    words.push(...u.words); cls.push(...u.wcls);
  }
  return { words, cls, lits };
}

/** Word counts at which a sequence may be cut (never right after a branch, which skips the next word). */
export function cutPoints(seq: Sequence): number[] {
  const { cls } = flatten(seq);
  const cuts: number[] = [];
  for (let n = 1; n <= cls.length; n++) if (cls[n - 1] !== 'branch') cuts.push(n);
  return cuts;
}

const MAX_BLOCK_BYTES = 4 * 300 + D_LIT + LITERAL_POOL_SIZE;

export function buildProgram(specs: BlockSpec[], image: Uint8Array): Program {
  const size = CODE_ADDR - BASE + specs.length * MAX_BLOCK_BYTES + 64;
  const seg = new Uint8Array(size);
  const dv = new DataView(seg.buffer);
  seg.set(image, IMAGE_ADDR - BASE);
  let pc = CODE_ADDR;
  const emit = (w: number) => { dv.setUint32(pc - BASE, w >>> 0, true); pc += 4; };
  const blocks: Block[] = [];
  for (const spec of specs) {
    const start = pc;
    const { words, cls, lits } = flatten(spec.seq);
    const body = words.slice(0, spec.words), bodyCls = cls.slice(0, spec.words);
    for (const [i, w] of spec.patch ?? []) if (i < body.length) body[i] = w;
    // Data area address: after prologue (fixed size), body and epilogue; computed up front.
    const prologueWords = 1 + 1 + 3 + 4 + 2 + 2 + 1 + 30;
    const epilogueWords = 31 + 2 + 2 + 5 + 1;
    let dataAddr = start + 4 * (prologueWords + body.length + epilogueWords);
    const pad = dataAddr % 8 === 0 ? 0 : 4;
    dataAddr += pad;
    const next = dataAddr + D_LIT + LITERAL_POOL_SIZE;

    emit(E.clrex());
    emit(E.adr(0, dataAddr - pc, 0));                        // adr x0, D
    emit(E.ldstUimm(3, 1, D_IMG / 8, 0, 1));                 // ldr x1, [x0, #D_IMG]
    emit(E.ldstUimm(3, 1, D_SCR / 8, 0, 4));                 // ldr x4, [x0, #D_SCR]
    emit(E.moveWide(1, 2, 0, SCRATCH_SIZE - 8, 2));          // movz x2, #4088
    emit(E.ldstReg(3, 1, 2, 3, 0, 1, 3));                    // loop: ldr x3, [x1, x2]
    emit(E.ldstReg(3, 0, 2, 3, 0, 4, 3));                    //       str x3, [x4, x2]
    emit(E.addSubImm(1, 1, 1, 0, 8, 2, 2));                  //       subs x2, x2, #8
    emit(E.bcond(-3, 5));                                    //       b.pl loop
    emit(E.ldstUimm(3, 1, D_SP / 8, 0, 1));                  // ldr x1, [x0, #D_SP]
    emit(E.addSubImm(1, 0, 0, 0, 0, 1, 31));                 // mov sp, x1
    emit(E.ldstUimm(3, 1, D_NZCV / 8, 0, 1));                // ldr x1, [x0, #D_NZCV]
    emit(E.msrNzcv(1));                                      // msr nzcv, x1
    emit(E.ldstUimm(3, 1, D_SCR / 8, 0, SCRATCH_REG));       // ldr x28, [x0, #D_SCR]
    for (let r = 30; r >= 0; r--) if (r !== SCRATCH_REG) emit(E.ldstUimm(3, 1, r, 0, r)); // ldr xR, [x0, #8R]
    const bodyStart = pc;
    body.forEach((w, i) => {
      const off = lits.get(i);
      if (off !== undefined) {
        const target = dataAddr + D_LIT + off;
        w = (w & ~(0x7ffff << 5)) | ((((target - pc) >> 2) & 0x7ffff) << 5);
      }
      emit(w);
    });
    for (let r = 0; r <= 30; r++) emit(E.ldstUimm(3, 0, (SCRATCH_SIZE >> 3) + r, SCRATCH_REG, r)); // str xR, [x28, #4096+8R]
    emit(E.addSubImm(1, 0, 0, 0, 0, 31, 0));                 // mov x0, sp
    emit(E.ldstUimm(3, 0, DUMP_SP / 8, SCRATCH_REG, 0));     // str x0, [x28, #DUMP_SP]
    emit(E.mrsNzcv(0));                                      // mrs x0, nzcv
    emit(E.ldstUimm(3, 0, DUMP_NZCV / 8, SCRATCH_REG, 0));   // str x0, [x28, #DUMP_NZCV]
    emit(E.moveWide(1, 2, 0, 1, 0));                         // movz x0, #1
    emit(E.addSubImm(1, 0, 0, 0, 0, SCRATCH_REG, 1));        // mov x1, x28
    emit(E.moveWide(1, 2, 0, RECORD_SIZE, 2));               // movz x2, #RECORD_SIZE
    emit(E.moveWide(1, 2, 0, SYS_WRITE, 8));                 // movz x8, #64
    emit(E.svc(0));                                          // svc #0
    emit(E.b((next - pc) >> 2));                             // b next
    if (pad) emit(0);
    if (pc !== dataAddr) throw new Error(`internal: block layout mismatch ${pc.toString(16)} != ${dataAddr.toString(16)}`);
    // Data area
    const d = dataAddr - BASE;
    spec.seq.regs.forEach((v, r) => dv.setBigUint64(d + 8 * r, r === SCRATCH_REG ? BigInt(SCRATCH_ADDR) : v, true));
    dv.setBigUint64(d + D_SP, spec.seq.sp, true);
    dv.setBigUint64(d + D_NZCV, BigInt(spec.seq.nzcv >>> 0), true);
    dv.setBigUint64(d + D_IMG, BigInt(IMAGE_ADDR + spec.seq.imageOffset), true);
    dv.setBigUint64(d + D_SCR, BigInt(SCRATCH_ADDR), true);
    // Literal pool: derived from the initial registers so that it differs per sequence.
    for (let i = 0; i < LITERAL_POOL_SIZE; i += 8) {
      const v = spec.seq.regs[(i / 8 * 7) % 31] ^ (BigInt(spec.tag + i) * 0x9e3779b97f4a7c15n);
      dv.setBigUint64(d + D_LIT + i, BigInt.asUintN(64, v), true);
    }
    pc = next;
    blocks.push({ spec, start, bodyStart, body, bodyCls, end: next });
  }
  const exitBlock = pc;
  emit(E.moveWide(1, 2, 0, 0, 0));                            // movz x0, #0
  emit(E.moveWide(1, 2, 0, SYS_EXIT, 8));                     // movz x8, #93
  emit(E.svc(0));
  const segment = seg.subarray(0, pc - BASE);
  const elf = writeElf({ vaddr: BASE, data: segment, entry: blocks.length ? blocks[0].start : exitBlock });
  return { elf, image, blocks, exitBlock, segment };
}

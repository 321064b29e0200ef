// CFI unwinding (adapter/debuginfo/DwarfFrame) checked against execution: each fixture of
// test/fixtures/debuginfo runs on the emulated board one instruction at a time, a shadow call
// stack records every BL/BLR (return address, sp, x19-x29 at the call), and at every instruction
// the unwinder must rebuild that stack exactly: the callers' pcs, sps and callee-saved registers,
// ending in _start, whose CFI marks x30 undefined. This covers the C code at -O0 and -O2
// (including a tail call and recursion), the gas-directive CFI of gas_cfi.S and the hand-written
// .debug_frame of hand.S, through .debug_frame and .eh_frame. The return addresses are also
// checked against objdump's disassembly (each follows a BL/BLR).

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadDebugInfo, DebugInfo } from '../../adapter/debuginfo';
import { CallFrameInfo } from '../../adapter/debuginfo/DwarfFrame';
import { VirtBoard } from '../../emulator/board/VirtBoard';
import { readImage } from '../../emulator/loaders/image';
import type { Cpu } from '../../emulator/cpu/Cpu';

const DIR = path.resolve(__dirname, '../fixtures/debuginfo');
const VARIANTS = ['O0-dwarf5', 'O2-dwarf5', 'O0-dwarf4', 'O2-dwarf4', 'O0-dwarf2', 'O2-dwarf3-eh'];
const h = (v: bigint) => '0x' + v.toString(16);
const SAVED = [19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29];

interface Call { ret: bigint; sp: bigint; saved: bigint[]; callee: bigint }

function boot(elf: string): { cpu: Cpu; d: DebugInfo } {
  const bytes = new Uint8Array(fs.readFileSync(elf));
  const board = new VirtBoard({ ramSize: 128 * 1024 * 1024 });
  board.load(readImage(bytes, elf));
  return { cpu: board.cpu, d: loadDebugInfo(bytes, 0n, path.basename(elf)) };
}

function reader(cpu: Cpu): (a: bigint) => bigint | undefined {
  return a => {
    const b = cpu.debugRead(a, 8);
    if (!b) return undefined;
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    return v;
  };
}
const regsOf = (cpu: Cpu) => (n: number): bigint => (n === 31 ? cpu.getSP() : cpu.getX(n));

function word(cpu: Cpu, pc: bigint): number {
  const b = cpu.debugRead(pc, 4)!;
  return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
}
const isBl = (w: number) => (w & 0xfc000000) >>> 0 === 0x94000000;
const isBlr = (w: number) => (w & 0xfffffc1f) >>> 0 === 0xd63f0000;

/** Unwinds the whole stack at the cpu's current state and compares it with the shadow stack. */
function checkStack(d: DebugInfo, cpu: Cpu, stack: Call[]): void {
  const pc = cpu.getPC();
  const read = reader(cpu);
  let cur = regsOf(cpu), curPc = pc;
  const at = () => `at ${d.describeAddress(pc)} (${h(pc)})`;
  for (let k = 0; k < stack.length; k++) {
    const want = stack[stack.length - 1 - k];
    const r = d.unwind(curPc, cur, read, { isReturnAddress: k > 0 });
    assert.equal(r.kind, 'caller', `${at()}, frame ${k} (${d.describeAddress(curPc)}): ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? h(v) : v))}`);
    if (r.kind !== 'caller') return;
    assert.equal(h(r.pc), h(want.ret), `${at()}, frame ${k}: return address (want ${d.describeAddress(want.ret)}, got ${d.describeAddress(r.pc)})`);
    assert.equal(h(r.sp), h(want.sp), `${at()}, frame ${k}: caller's sp`);
    assert.equal(h(r.x30), h(want.ret), `${at()}, frame ${k}: caller's x30`);
    for (let i = 0; i < SAVED.length; i++) {
      assert.equal(h(r.reg(SAVED[i])), h(want.saved[i]), `${at()}, frame ${k}: caller's x${SAVED[i]}`);
    }
    assert.equal(r.x29, want.saved[SAVED.indexOf(29)]);
    curPc = r.pc; cur = r.reg;
  }
  const last = d.unwind(curPc, cur, read, { isReturnAddress: stack.length > 0 });
  assert.equal(last.kind, 'outermost', `${at()}: the frame of ${d.describeAddress(curPc)} should be the outermost, got ${last.kind}`);
}

for (const v of VARIANTS) {
  describe(`debuginfo unwinding: ${v}`, function () {
    this.timeout(120_000);
    const elf = path.join(DIR, 'bin', `${v}.elf`);

    it('rebuilds the shadow call stack at every instruction, from _start to the exit', () => {
      const { cpu, d } = boot(elf);
      assert.deepEqual(d.warnings, []);
      const halt = d.symbols.lookup('_halt')!.address;
      const stack: Call[] = [];
      const deepestAt: bigint[][] = [];
      let maxDepth = 0, steps = 0;
      const seen = new Set<string>();
      for (; steps < 200_000; steps++) {
        const pc = cpu.getPC();
        if (pc === halt) break;
        checkStack(d, cpu, stack);
        seen.add(d.functionAt(pc)?.name ?? '?');
        if (pc === d.symbols.lookup('deepest')!.address) deepestAt.push(stack.map(c => c.ret).reverse());
        const w = word(cpu, pc);
        if (isBl(w) || isBlr(w)) {
          const target = isBl(w) ? pc + BigInt(((w & 0x3ffffff) << 6) >> 4) : cpu.getX((w >>> 5) & 31);
          stack.push({ ret: pc + 4n, sp: cpu.getSP(), saved: SAVED.map(n => cpu.getX(n)), callee: target });
        }
        const stop = cpu.step();
        assert.ok(stop === 'budget' || stop === undefined || typeof stop === 'string', `step: ${stop}`);
        const np = cpu.getPC();
        while (stack.length && np === stack[stack.length - 1].ret && cpu.getSP() === stack[stack.length - 1].sp) stack.pop();
        maxDepth = Math.max(maxDepth, stack.length);
      }
      assert.equal(cpu.getPC(), halt, `reached _halt after ${steps} instructions`);
      assert.equal(stack.length, 0);
      assert.ok(maxDepth >= (v.startsWith("O0") ? 9 : 8), `call depth ${maxDepth}`);
      for (const f of ['main', 'level1', 'level2', 'gas_frame', 'level3', 'hand_frame', 'after_hand', 'deepest', 'hand_leaf', 'fact', '_start']) {
        assert.ok(seen.has(f), `executed ${f}`);
      }
      assert.ok(deepestAt.length >= 3, 'deepest was reached');

      // The chain at deepest's first entry, by function name: tail_caller's frame is gone at -O2
      // (it branches to deepest), present at -O0.
      const names = deepestAt[0].map(ret => d.functionAt(ret - 4n)!.name);
      const expected = ['after_hand', 'hand_frame', 'level3', 'gas_frame', 'level2', 'level1', 'main', '_start'];
      if (v.startsWith('O0')) expected.unshift('tail_caller');
      assert.deepEqual(names, expected);

      // Every return address follows a call in objdump's disassembly.
      const disasm = fs.readFileSync(path.join(DIR, 'golden', `${v}.disasm.txt`), 'latin1');
      const calls = new Set<string>();
      for (const l of disasm.split('\n')) {
        const m = /^\s+([0-9a-f]+):\s+[0-9a-f]{8}\s+(bl|blr)\s/.exec(l);
        if (m) calls.add(h(BigInt('0x' + m[1]) + 4n));
      }
      for (const ret of deepestAt.flat()) assert.ok(calls.has(h(ret)), `${d.describeAddress(ret)} follows a bl/blr`);
    });

    it('backtrace() from deepest: frames, CFAs, and the end of the stack', () => {
      const { cpu, d } = boot(elf);
      const target = d.symbols.lookup('deepest')!.address;
      for (let i = 0; i < 200_000 && cpu.getPC() !== target; i++) cpu.step();
      assert.equal(cpu.getPC(), target);
      const bt = d.frames!.backtrace(cpu.getPC(), regsOf(cpu), reader(cpu));
      assert.equal(bt.end.kind, 'outermost');
      const names = bt.frames.map((f, i) => d.functionAt(i === 0 ? f.pc : f.pc - 4n)!.name);
      assert.equal(names[0], 'deepest');
      assert.equal(names[names.length - 1], '_start');
      for (let i = 1; i < bt.frames.length; i++) assert.ok(bt.frames[i].sp >= bt.frames[i - 1].sp, 'the stack grows down');
      // The frame record chain agrees where the code keeps one (x29 -> [x29, x30]).
      if (v.startsWith('O0')) {
        const read = reader(cpu);
        for (let i = 1; i + 1 < bt.frames.length; i++) {
          const fp = bt.frames[i].reg(29);
          if (fp === 0n) break;
          assert.equal(h(read(fp + 8n)!), h(bt.frames[i + 1].pc), `frame record of frame ${i}`);
        }
      }
    });
  });
}

describe('debuginfo unwinding: special rules', () => {
  const d = loadDebugInfo(new Uint8Array(fs.readFileSync(path.join(DIR, 'bin/O2-dwarf5.elf'))));
  const pac = d.symbols.lookup('hand_pac')!.address;

  it('a signed return address (DW_CFA_AARCH64_negate_ra_state) is stripped of its PAC', () => {
    const sp = 0x4000_1000n;
    const mem = new Map<bigint, bigint>([[sp, 0x4000_2000n], [sp + 8n, 0x0023_0000_4008_0123n]]);
    const regs = (n: number) => (n === 31 ? sp : n === 29 ? sp : n === 30 ? 0x0023_0000_4008_0123n : 0n);
    const r = d.unwind(pac + 8n, regs, a => mem.get(a));
    assert.equal(r.kind, 'caller');
    if (r.kind !== 'caller') return;
    assert.equal(h(r.pc), '0x40080123');
    assert.equal(r.sp, sp + 16n);
    assert.equal(r.x29, 0x4000_2000n);
    const custom = d.unwind(pac + 8n, regs, a => mem.get(a), { stripPac: a => a & 0xffffn });
    assert.equal(custom.kind === 'caller' && custom.pc, 0x123n);
    // Before paciasp and after autiasp the address is not signed.
    const r0 = d.unwind(pac, n => (n === 30 ? 0x1234n : n === 31 ? sp : 0n), () => undefined);
    assert.equal(r0.kind === 'caller' && r0.pc, 0x1234n);
  });

  it('unreadable saved registers and pcs without CFI', () => {
    const r = d.unwind(pac + 8n, n => (n === 31 ? 0x10n : 0n), () => undefined);
    assert.equal(r.kind, 'error');
    assert.match((r as { message: string }).message, /cannot read the saved x29 at 0x10/);
    assert.equal(d.unwind(0x1000n, () => 0n, () => undefined).kind, 'no-cfi');
    // x30 = 0 is the end of the stack too.
    assert.equal(d.unwind(pac, () => 0n, () => undefined).kind, 'outermost');
  });

  it('the rule rows of a hand-written FDE (expression, register, val_expression, same value)', () => {
    const fr = d.symbols.lookup('hand_frame')!.address;
    const rows = d.frames!.rulesAt(fr + 24n)!.row;
    assert.equal(rows.cfa.kind, 'expression');
    assert.deepEqual(rows.regs.get(30), { kind: 'register', reg: 20 });
    assert.equal(rows.regs.get(21)!.kind, 'val_expression');
    assert.deepEqual(rows.regs.get(22), { kind: 'same' });
    assert.equal(rows.regs.get(19)!.kind, 'expression');
    const after = d.frames!.rulesAt(fr + 40n)!.row;
    assert.deepEqual(after.regs.get(30), { kind: 'offset', offset: -56 });
    assert.equal(after.regs.get(19), undefined);
    assert.equal(after.regs.get(21), undefined);
  });

  it('no CFI sections: unwind says no-cfi', () => {
    const cfi = new CallFrameInfo({});
    assert.equal(cfi.unwind(0x40080000n, () => 0n, () => undefined).kind, 'no-cfi');
  });
});

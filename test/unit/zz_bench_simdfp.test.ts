import { makeCpu, writeWords, RAM_BASE } from '../support/harness';
import { asm } from '../support/asm';
describe('bench', () => { it('simd', () => {
  const bodies = (process.env.BODIES ?? 'movi v0.16b, #0x12;dup v1.16b, w2;cmeq v2.16b, v0.16b, v1.16b;addp v3.16b, v2.16b, v2.16b;umov x4, v3.d[0];fmov x5, d3;orr v4.16b, v1.16b, v1.16b;ext v5.16b, v0.16b, v1.16b, #3;fadd d0, d1, d2;fmul d3, d1, d2;fadd s4, s5, s6;fdiv d7, d1, d2;fcmp d1, d2;scvtf d8, x3;fcvtzs x9, d1;fmadd d10, d1, d2, d3;add x0, x0, #1').split(';');
  for (const body of bodies) {
    const h = makeCpu();
    h.cpu.sys.writeByName('CPACR_EL1', 3n << 20n);
    const one = asm(body);
    const words: number[] = [];
    for (let i = 0; i < 1024; i++) words.push(...one);
    words.push(...asm('b .-' + (words.length * 4)));
    writeWords(h.mem, RAM_BASE, words);
    h.cpu.setPC(BigInt(RAM_BASE));
    for (let i = 0; i < 16; i++) h.cpu.v[4 * i + 1] = 0x3ff00000 + i * 0x1000;
    h.cpu.run(1e6);
    const t = process.hrtime.bigint();
    const n = 5e6;
    h.cpu.run(n);
    const dt = Number(process.hrtime.bigint() - t) / 1e9;
    console.log(body.padEnd(40), (n / dt / 1e6).toFixed(1), 'MIPS');
  }
});});

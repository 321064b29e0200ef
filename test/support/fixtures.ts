// The bare-metal fixtures (test/fixtures/bin/*.elf, built by test/fixtures/build.sh) and what the
// system tests expect of them: the transcript QEMU 7.2 prints (recorded in
// test/fixtures/expected/NAME.txt), after replacing the lines where QEMU 7.2 is known to deviate
// from the architecture and the emulator follows the architecture.

import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURE_BIN = path.join(ROOT, 'test', 'fixtures', 'bin');
export const EXPECTED_DIR = path.join(ROOT, 'test', 'fixtures', 'expected');

export interface Fixture {
  name: string;
  file: string;
  /** Wall-clock limit for the emulator run. */
  timeoutMs: number;
  /** Instruction limit for the emulator run (a stuck guest stops here instead of at the timeout). */
  maxInsns: number;
}

export const FIXTURES: Fixture[] = [
  ...['hello', 'exceptions', 'mmu', 'timer', 'integer', 'atomics', 'debugee'].map(name => ({
    name, file: path.join(FIXTURE_BIN, `${name}.elf`), timeoutMs: 60_000, maxInsns: 20_000_000,
  })),
  // ~204 million instructions: seconds at the target speed, longer while the emulator is slow.
  { name: 'bench', file: path.join(FIXTURE_BIN, 'bench.elf'), timeoutMs: 600_000, maxInsns: 250_000_000 },
  { name: 'demo', file: path.join(ROOT, 'examples', 'demo', 'demo.elf'), timeoutMs: 60_000, maxInsns: 20_000_000 },
];

export interface Deviation {
  /** The line QEMU 7.2 prints. */
  qemu: string;
  /** The architecturally correct line (what the emulator must print). */
  expected: string;
  why: string;
}

const MISALIGNED_WHY = 'with the MMU off data accesses are Device-nGnRnE and a misaligned access takes an ' +
  'alignment fault (Arm ARM B2.5.2); QEMU 7.2 does not check this (fixed in QEMU 9.0, ' +
  '"target/arm: Do memory type alignment check when translation disabled")';
const PAR_SH_WHY = 'PAR_EL1.SH reads 0b10 for Device and Normal Non-cacheable memory (pseudocode ' +
  'PAREncodeShareability); QEMU 7.2 returns the descriptor\'s SH (fixed in QEMU 8.2, ' +
  '"target/arm: Adjust PAR_EL1.SH for Device and Normal-NC memory types")';

export const KNOWN_QEMU_DEVIATIONS: Record<string, Deviation[]> = {
  exceptions: [
    {
      qemu: 'mmu-off misaligned ldr x0, [buf+3]: no fault, value 0xeeff001122334455',
      expected: 'mmu-off misaligned ldr x0, [buf+3]: fault EC=0x25 ISS=0x0000021 FAR=buf+3',
      why: MISALIGNED_WHY,
    },
    {
      qemu: 'mmu-off misaligned strh w1, [buf+1]: no fault, value 0x0, buf[0]=0x1122334455ffff88',
      expected: 'mmu-off misaligned strh w1, [buf+1]: fault EC=0x25 ISS=0x0000061 FAR=buf+1, buf[0]=0x1122334455667788',
      why: MISALIGNED_WHY,
    },
  ],
  mmu: [
    {
      qemu: '  S1E1R TEST_VA+0x5000 (device)  PAR: F=0 ATTR=0x00 SH=0 NS=1 PA=page_a+0x0 (low bits 0xa00)',
      expected: '  S1E1R TEST_VA+0x5000 (device)  PAR: F=0 ATTR=0x00 SH=2 NS=1 PA=page_a+0x0 (low bits 0xb00)',
      why: PAR_SH_WHY,
    },
    {
      qemu: '  S1E1R TEST_VA+0x9000 (NC)      PAR: F=0 ATTR=0x44 SH=0 NS=1 PA=page_b+0x0 (low bits 0xa00)',
      expected: '  S1E1R TEST_VA+0x9000 (NC)      PAR: F=0 ATTR=0x44 SH=2 NS=1 PA=page_b+0x0 (low bits 0xb00)',
      why: PAR_SH_WHY,
    },
    {
      qemu: '  S1E1R 0x09000000 (UART block)  PAR: F=0 ATTR=0x00 SH=0 NS=1 PA=0+0x9000000 (low bits 0xa00)',
      expected: '  S1E1R 0x09000000 (UART block)  PAR: F=0 ATTR=0x00 SH=2 NS=1 PA=0+0x9000000 (low bits 0xb00)',
      why: PAR_SH_WHY,
    },
  ],
};

/** QEMU's transcript with the known-deviation lines replaced by the architectural ones. A newer
 *  QEMU that prints the architectural line already needs no replacement. */
export function expectedFromQemu(name: string, qemuOutput: string): string {
  const devs = KNOWN_QEMU_DEVIATIONS[name] ?? [];
  return qemuOutput.split('\n').map(line => devs.find(d => d.qemu === line)?.expected ?? line).join('\n');
}

/** A line diff (longest common subsequence) of two transcripts: "-" lines only in `a`, "+" lines
 *  only in `b`, with up to `context` unchanged lines around each change. */
export function lineDiff(a: string, b: string, aName = 'expected', bName = 'actual', context = 2): string {
  const x = a.split('\n'), y = b.split('\n');
  const n = x.length, m = y.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops: { k: ' ' | '-' | '+'; s: string }[] = [];
  let i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { ops.push({ k: ' ', s: x[i] }); i++; j++; }
    else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) { ops.push({ k: '-', s: x[i] }); i++; }
    else { ops.push({ k: '+', s: y[j] }); j++; }
  }
  const keep = ops.map((o, idx) => o.k !== ' ' || ops.slice(Math.max(0, idx - context), idx + context + 1).some(p => p.k !== ' '));
  const out = [`--- ${aName}`, `+++ ${bName}`];
  let skipped = false;
  ops.forEach((o, idx) => {
    if (keep[idx]) { out.push(`${o.k} ${o.s}`); skipped = false; }
    else if (!skipped) { out.push('  ...'); skipped = true; }
  });
  return out.join('\n');
}

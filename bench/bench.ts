// `npm run bench`: speed and memory figures, each next to QEMU measured in the same run.
// - integer: test/fixtures/bin/bench.elf (loops, calls, loads/stores through the MMU with caches on)
//   under the emulator (in this process) and under qemu-system-aarch64 (TCG).
// - memory: host memory used by 512 MiB of guest RAM the guest does not touch.
// Figures only: nothing here passes or fails on speed.

import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { VirtBoard } from '../emulator/board/VirtBoard';
import { Runner } from '../emulator/Runner';
import { readImage } from '../emulator/loaders/image';

const root = path.resolve(__dirname, '..');
const QEMU = 'qemu-system-aarch64';

interface Measured { output: string; instructions: number; wall: number; cpu: number; }

async function runEmulator(file: string, ramMiB = 128): Promise<Measured> {
  const img = readImage(new Uint8Array(fs.readFileSync(file)), path.basename(file));
  const board = new VirtBoard({ ramSize: ramMiB * 1024 * 1024 });
  board.load(img);
  let output = '';
  board.onConsoleOutput = b => { output += Buffer.from(b).toString('latin1'); };
  const cpu0 = process.cpuUsage();
  const res = await new Runner(board).run({ maxInsns: 5e9 });
  const cpu = process.cpuUsage(cpu0);
  return { output, instructions: res.instructions, wall: res.wallSeconds, cpu: (cpu.user + cpu.system) / 1e6 };
}

function runQemu(file: string): { wall: number; cpu: number; output: string } | undefined {
  const probe = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (probe.error) return undefined;
  const script = `TIMEFORMAT='%R %U %S'; time ${QEMU} -M virt,gic-version=3 -cpu max -m 128 -nographic -nic none ` +
    `-semihosting-config enable=on,target=native -kernel '${file}' </dev/null`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 300_000 });
  const m = /([\d.]+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  if (!m) return undefined;
  return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), output: r.stdout };
}

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

async function main(): Promise<void> {
  const runs = Number(process.env.REALMSCOPE_BENCH_RUNS ?? 3);
  const benchElf = path.join(root, 'test/fixtures/bin/bench.elf');
  console.log(`realmscope bench (${runs} runs each, medians; node ${process.version})`);

  // Integer benchmark.
  const emu: Measured[] = [];
  for (let i = 0; i < runs; i++) emu.push(await runEmulator(benchElf));
  const insns = emu[0].instructions;
  const emuWall = median(emu.map(m => m.wall)), emuCpu = median(emu.map(m => m.cpu));
  const mips = insns / emuWall / 1e6;
  console.log(`integer  emulator: ${insns} instructions, ${emuWall.toFixed(3)} s wall, ${emuCpu.toFixed(3)} s CPU, ${mips.toFixed(1)} MIPS`);
  const q: { wall: number; cpu: number; output: string }[] = [];
  for (let i = 0; i < runs; i++) { const r = runQemu(benchElf); if (r) q.push(r); }
  if (q.length) {
    const qWall = median(q.map(m => m.wall)), qCpu = median(q.map(m => m.cpu));
    const same = q[0].output.replace(/\r/g, '') === emu[0].output.replace(/\r/g, '');
    console.log(`integer  qemu:     ${qWall.toFixed(3)} s wall, ${qCpu.toFixed(3)} s CPU, ${(insns / qWall / 1e6).toFixed(1)} MIPS (same instruction count assumed; output ${same ? 'identical' : 'DIFFERS'})`);
    console.log(`integer  ratio:    emulator is ${(emuWall / qWall).toFixed(1)}x QEMU's wall time (${(qWall / emuWall * 100).toFixed(1)} % of QEMU's speed)`);
  } else {
    console.log(`integer  qemu:     ${QEMU} not found (apt-get install qemu-system-arm); no ratio`);
  }

  // Memory: 512 MiB of guest RAM, mostly untouched.
  const before = process.memoryUsage().rss;
  const board = new VirtBoard({ ramSize: 512 * 1024 * 1024 });
  board.load(readImage(new Uint8Array(fs.readFileSync(path.join(root, 'test/fixtures/bin/hello.elf'))), 'hello.elf'));
  await new Runner(board).run({ maxInsns: 1e7 });
  const after = process.memoryUsage().rss;
  console.log(`memory   512 MiB guest: ${(board.mem.hostRamBytes / 1024).toFixed(0)} KiB of host memory for guest RAM; process RSS grew ${((after - before) / 1048576).toFixed(1)} MiB (peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB)`);
}

main().catch(e => { console.error(e); process.exitCode = 1; });

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
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startDapServer } from '../adapter/dapServer';
import { DapUart } from '../test/support/dapClient';
import { EmulatorTarget } from '../adapter/EmulatorTarget';
import { parseLaunchConfig } from '../adapter/launchConfig';
import { pageTableTree } from '../adapter/pageTables';
import { parseElf } from '../emulator/loaders/elf';
import { UBOOT, AAVMF, runFirmwareOnEmulator, runFirmwareOnQemu, Script, findUbootSymbols } from '../test/support/firmware';

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

function percentile(xs: number[], p: number): number { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; }

/** DAP: an instruction step with the requests VS Code sends after every stop. */
async function benchStepRoundTrip(): Promise<void> {
  const server = await startDapServer(0);
  const dc = new DebugClient('node', 'unused', 'realmscope');
  await dc.start(server.port);
  // A real client talks over stdio or in-process; over TCP, Nagle's algorithm would add ~40 ms.
  (dc as unknown as { _socket?: { setNoDelay(v: boolean): void } })._socket?.setNoDelay(true);
  try {
    await dc.initializeRequest();
    await Promise.all([
      dc.launch({ program: path.join(root, 'test/fixtures/bin/debugee.elf'), stopOnEntry: true } as DebugProtocol.LaunchRequestArguments),
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.waitForEvent('stopped'),
    ]);
    const times: number[] = [];
    for (let i = 0; i < 400; i++) {
      const t0 = process.hrtime.bigint();
      await Promise.all([dc.nextRequest({ threadId: 1, granularity: 'instruction' }), dc.waitForEvent('stopped')]);
      const st = await dc.stackTraceRequest({ threadId: 1, levels: 20 });
      const sc = await dc.scopesRequest({ frameId: st.body.stackFrames[0].id });
      await dc.variablesRequest({ variablesReference: sc.body.scopes[0].variablesReference });
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    console.log(`debugger step: ${times.length} instruction steps with stackTrace/scopes/variables: median ${percentile(times, 0.5).toFixed(2)} ms, p99 ${percentile(times, 0.99).toFixed(2)} ms (target: median < 5 ms)`);
  } finally {
    await dc.stop();
    server.close();
  }
}

/** Running speed with 0, 10 and 100 breakpoints set in the pages that the benchmark executes
 *  (on instructions it never reaches: the vector table and functions it does not call). */
async function benchBreakpoints(): Promise<void> {
  const file = path.join(root, 'test/fixtures/bin/bench.elf');
  const elf = parseElf(new Uint8Array(fs.readFileSync(file)));
  const sym = (n: string) => elf.symbols.find(s => s.name === n)!.value;
  const cold: bigint[] = [];
  // memcmp, strcmp and strncmp share the hot page with main and mixer but are never called.
  for (let a = sym('memcmp'); a < sym('mixer'); a += 4n) if (a < sym('strlen') || a >= sym('strcmp')) cold.push(a);
  for (let a = sym('vectors') + 0x200n; cold.length < 100; a += 16n) cold.push(a);  // the vector table (no exceptions are taken)
  const spread = (n: number) => Array.from({ length: n }, (_, i) => cold[Math.floor(i * cold.length / n)]);
  const mips: Record<number, number> = {};
  for (const n of [0, 10, 100]) {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const board = new VirtBoard({ ramSize: 128 * 1024 * 1024 });
      board.load(readImage(new Uint8Array(fs.readFileSync(file)), 'bench.elf'));
      board.cpu.setBreakpoints(spread(n));
      const res = await new Runner(board).run({ maxInsns: 5e9 });
      if (res.reason !== 'exit') throw new Error(`bench stopped: ${res.reason}`);
      runs.push(res.instructions / res.wallSeconds / 1e6);
    }
    mips[n] = median(runs);
  }
  console.log(`breakpoints: ${mips[0].toFixed(1)} MIPS with 0, ${mips[10].toFixed(1)} with 10 (${((1 - mips[10] / mips[0]) * 100).toFixed(1)} % slower), ${mips[100].toFixed(1)} with 100 (${((1 - mips[100] / mips[0]) * 100).toFixed(1)} % slower; target <= 10 %)`);
}

/** The page-table requests for a guest that maps 4 GiB with 4 KiB pages (1,048,576 page descriptors). */
function benchPageTables(): void {
  const target = new EmulatorTarget();
  target.launch(parseLaunchConfig({ program: path.join(root, 'test/fixtures/bin/hello.elf'), ram: '256M' }));
  const mem = target.board.mem, cpu = target.cpu;
  const base = 0x48000000;                       // tables: L1 at base, L2 at +4K.., L3 from +64K
  const l1 = new DataView(new ArrayBuffer(4096));
  const l2 = new DataView(new ArrayBuffer(4 * 4096));
  const l3 = new DataView(new ArrayBuffer(2048 * 4096));
  for (let i = 0; i < 4; i++) l1.setBigUint64(i * 8, BigInt(base + 0x1000 + i * 0x1000) | 3n, true);
  for (let j = 0; j < 2048; j++) l2.setBigUint64(j * 8, BigInt(base + 0x10000 + j * 0x1000) | 3n, true);
  for (let k = 0; k < 2048 * 512; k++) l3.setBigUint64(k * 8, (BigInt(k) << 12n) | 0x703n | (1n << 2n), true); // page, attr1, AF, ISH
  mem.writeBytes(base, new Uint8Array(l1.buffer));
  mem.writeBytes(base + 0x1000, new Uint8Array(l2.buffer));
  mem.writeBytes(base + 0x10000, new Uint8Array(l3.buffer));
  cpu.sys.writeByName('MAIR_EL1', 0xff00n);
  cpu.sys.writeByName('TCR_EL1', 32n | (5n << 32n) | (1n << 23n));   // T0SZ=32 (4 GiB), 4K granule, EPD1
  cpu.sys.writeByName('TTBR0_EL1', BigInt(base));
  cpu.sys.writeByName('SCTLR_EL1', cpu.sys.sctlr | 1n);
  let t0 = process.hrtime.bigint();
  const roots = JSON.stringify(pageTableTree(target, {}));
  const tRoots = Number(process.hrtime.bigint() - t0) / 1e6;
  t0 = process.hrtime.bigint();
  const ranges = pageTableTree(target, { ranges: true }) as { ranges: unknown[] };
  const json = JSON.stringify(ranges);
  const tRanges = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`page tables (4 GiB in 4 KiB pages): root tables ${tRoots.toFixed(1)} ms (${roots.length} bytes); whole regime as ranges ${tRanges.toFixed(1)} ms (${ranges.ranges.length} range(s), ${json.length} bytes; target < 200 ms)`);
}

/** Stage 2 must not make Realm runs much slower: the integer benchmark's first 150 M
 *  instructions (it prints only at the end) with and without --realm; and the RTT's host memory
 *  for 512 MiB of RAM with every granule backed. */
async function benchRealm(): Promise<void> {
  const file = path.join(root, 'test/fixtures/bin/bench.elf');
  const img = readImage(new Uint8Array(fs.readFileSync(file)), 'bench.elf');
  const mips = (realm: boolean) => {
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      const board = new VirtBoard({ ramSize: 128 * 1024 * 1024, realm: realm ? {} : undefined });
      board.load(img);
      const t0 = process.hrtime.bigint();
      const n = 150_000_000;
      let done = 0;
      while (done < n) { board.cpu.run(Math.min(1_000_000, n - done)); done += 1_000_000; if (board.exitStatus) throw new Error(`stopped early: ${board.exitStatus.kind} ${board.realm?.fatal ?? ''}`); }
      runs.push(n / (Number(process.hrtime.bigint() - t0) / 1e9) / 1e6);
    }
    return median(runs);
  };
  const plain = mips(false), realm = mips(true);
  console.log(`realm    same workload: ${plain.toFixed(1)} MIPS plain, ${realm.toFixed(1)} MIPS as a Realm (${((1 - realm / plain) * 100).toFixed(1)} % slower; target <= 15 %)`);
  const board = new VirtBoard({ ramSize: 512 * 1024 * 1024, realm: {} });
  board.load(readImage(new Uint8Array(fs.readFileSync(path.join(root, 'test/fixtures/bin/hello.elf'))), 'hello.elf'));
  for (let p = 0x40000000; p < 0x40000000 + 512 * 1024 * 1024; p += 4096) if (board.realm!.rtt.entry(p).state !== 1) board.realm!.backGranule(p, 0n, 0, 'bench');
  console.log(`realm    RTT for 512 MiB of RAM, every granule backed: ${(board.realm!.rtt.hostBytes / 1024).toFixed(0)} KiB of host memory in ${board.realm!.rtt.tableCount} tables (target < 8 MiB)`);
}

/** Debian's U-Boot to `=>` and AAVMF to `Shell>`, QEMU then the emulator, each alone, with the
 *  same keystroke when the countdown starts (so the countdowns take the same time in both). */
async function benchFirmware(): Promise<void> {
  let ubootWall: number | undefined;
  for (const fc of [UBOOT, AAVMF]) {
    if (!fs.existsSync(fc.file)) { console.log(`firmware ${fc.name}: ${fc.file} not found (apt-get install ${fc.pkg})`); continue; }
    const probe = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
    const q = probe.error ? undefined : await runFirmwareOnQemu(fc, { timeoutMs: 120_000 });
    const e = await runFirmwareOnEmulator(fc, { timeoutMs: 300_000 });
    const em = e.marks.prompt, qm = q?.marks.prompt;
    if (!em) { console.log(`firmware ${fc.name}: the emulator did not reach the prompt (${e.error})`); continue; }
    console.log(`firmware ${fc.name} to the prompt: emulator ${em.instructions} instructions, ${em.cpu.toFixed(2)} s CPU, ${em.wall.toFixed(2)} s wall` +
      (qm ? `; QEMU ${qm.cpu.toFixed(2)} s CPU, ${qm.wall.toFixed(2)} s wall; CPU ratio ${(em.cpu / qm.cpu).toFixed(1)}x` : `; QEMU ${q ? 'did not reach it' : 'not found (apt-get install qemu-system-arm)'}`));
    if (fc === UBOOT) ubootWall = em.wall;
  }
  console.log(`firmware peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  if (ubootWall !== undefined) await benchUbootUnderDebugger(ubootWall);
}

/** U-Boot to `=>` again, under the debug adapter (a DAP client over loopback TCP): its symbols
 *  loaded and the relocation followed (when scripts/uboot-symbols.sh has built them), and a
 *  breakpoint set on a function the boot does not call. */
async function benchUbootUnderDebugger(plainWall: number): Promise<void> {
  const symbols = findUbootSymbols();
  const server = await startDapServer(0);
  const dc = new DebugClient('node', 'unused', 'realmscope');
  await dc.start(server.port);
  try {
    const t0 = process.hrtime.bigint();
    // The key stops the countdown; the first "=> " is then the prompt.
    const uart = new DapUart(dc, new Script(UBOOT.steps.slice(0, 1), () => undefined));
    await dc.initializeRequest();
    await Promise.all([
      dc.launch({ program: UBOOT.file, format: 'bios', ram: '512M', symbols: 'elf' in symbols ? [symbols.elf] : [] } as DebugProtocol.LaunchRequestArguments),
      dc.waitForEvent('initialized').then(async () => {
        await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'elf' in symbols ? 'do_bootefi' : '0x40000000' }] });
        await dc.configurationDoneRequest();
      }),
    ]);
    await uart.waitFor('=> ', 120_000);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`firmware u-boot to the prompt under the debugger (${'elf' in symbols ? 'symbols loaded, relocation followed, ' : 'no symbols (scripts/uboot-symbols.sh), '}` +
      `a breakpoint set): ${wall.toFixed(2)} s wall, ${plainWall.toFixed(2)} s without the debugger`);
  } finally {
    await dc.stop();
    server.close();
  }
}

async function all(): Promise<void> {
  if (process.env.REALMSCOPE_BENCH_ONLY === 'firmware') { await benchFirmware(); return; }
  if (process.env.REALMSCOPE_BENCH_ONLY !== 'debugger') await main();
  if (process.env.REALMSCOPE_BENCH_ONLY !== 'debugger') await benchFirmware();
  await benchStepRoundTrip();
  await benchBreakpoints();
  benchPageTables();
  await benchRealm();
}

all().catch(e => { console.error(e); process.exitCode = 1; });

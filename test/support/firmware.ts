// Real firmware (Debian's U-Boot and AAVMF) driven through a script of keystrokes, on the emulator
// (in this process) and on QEMU (a child process): each step waits for a string on the console
// and then types something. Used by test/system/firmware.test.ts and bench/bench.ts.
//
// The console transcript is compared after `normaliseTranscript`, which removes only what
// legitimately differs between two runs: terminal escape sequences, how far a countdown got
// before the key arrived, and the build-date lines.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { VirtBoard } from '../../emulator/board/VirtBoard';
import { Runner } from '../../emulator/Runner';
import { readImage } from '../../emulator/loaders/image';
import { QEMU, haveQemu, oraclesRequired, QEMU_INSTALL_HINT } from './qemu';

export interface Step {
  /** Wait until this string appears in the output (after the previous step's match). */
  waitFor: string;
  /** Then type this. */
  send?: string;
  /** Record the time and instruction count at this point under this name. */
  mark?: string;
}

export interface FirmwareCase {
  name: string;
  file: string;
  /** The Debian package that provides `file`. */
  pkg: string;
  ramMiB: number;
  steps: Step[];
}

export const UBOOT: FirmwareCase = {
  name: 'u-boot',
  file: '/usr/lib/u-boot/qemu_arm64/u-boot.bin',
  pkg: 'u-boot-qemu',
  ramMiB: 512,
  steps: [
    // Any key stops the autoboot countdown (and is consumed).
    { waitFor: 'Hit any key to stop autoboot:', send: ' ', mark: 'countdown' },
    { waitFor: '=> ', send: 'version\r', mark: 'prompt' },
    { waitFor: 'GNU ld' },
    { waitFor: '=> ', mark: 'done' },
  ],
};

export const AAVMF: FirmwareCase = {
  name: 'aavmf',
  file: '/usr/share/qemu-efi-aarch64/QEMU_EFI.fd',
  pkg: 'qemu-efi-aarch64',
  ramMiB: 512,
  steps: [
    // "Press ESC in 5 seconds to skip startup.nsh or any other key to continue."
    { waitFor: 'seconds to skip', send: ' ', mark: 'countdown' },
    { waitFor: 'Shell> ', send: 'ver\r', mark: 'prompt' },
    { waitFor: 'UEFI v' },
    { waitFor: 'Shell> ', mark: 'done' },
  ],
};

export interface Mark {
  /** Seconds since the start of the run. */
  wall: number;
  /** CPU seconds used by the emulator or QEMU since the start. */
  cpu: number;
  /** Instructions retired (emulator only). */
  instructions?: number;
}

export interface FirmwareRun {
  output: string;
  /** Whether every step was reached. */
  completed: boolean;
  /** Index of the step that was being waited for when the run ended (steps.length when completed). */
  step: number;
  marks: Record<string, Mark>;
  error?: string;
}

/** Follows the steps over a growing output; returns the keystrokes to type now. */
export class Script {
  step = 0;
  private from = 0;
  output = '';
  constructor(private readonly steps: Step[], private readonly onMark: (name: string) => void) {}
  get done(): boolean { return this.step >= this.steps.length; }
  feed(text: string): string {
    this.output += text;
    let send = '';
    while (!this.done) {
      const s = this.steps[this.step];
      const at = this.output.indexOf(s.waitFor, this.from);
      if (at < 0) break;
      this.from = at + s.waitFor.length;
      if (s.mark) this.onMark(s.mark);
      if (s.send) send += s.send;
      this.step++;
    }
    return send;
  }
}

export interface EmulatorOptions {
  timeoutMs?: number;
  maxInsns?: number;
  /** Contents of the variable-store bank; receives the final contents in `varStoreOut`. */
  varStore?: Uint8Array;
  onBoard?: (board: VirtBoard) => void;
}

export async function runFirmwareOnEmulator(fc: FirmwareCase, opts: EmulatorOptions = {}): Promise<FirmwareRun & { varStoreOut?: Uint8Array }> {
  const img = readImage(new Uint8Array(fs.readFileSync(fc.file)), fc.file, 'bios');
  const board = new VirtBoard({ ramSize: fc.ramMiB * 1024 * 1024, varStore: opts.varStore });
  board.load(img);
  opts.onBoard?.(board);
  const runner = new Runner(board);
  const marks: Record<string, Mark> = {};
  const t0 = process.hrtime.bigint(), c0 = process.cpuUsage();
  const script = new Script(fc.steps, name => {
    const c = process.cpuUsage(c0);
    marks[name] = { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6, instructions: board.cpu.insnCount };
  });
  const dec = new TextDecoder('latin1');
  board.onConsoleOutput = b => {
    const keys = script.feed(dec.decode(b));
    if (keys) board.sendInput(new TextEncoder().encode(keys));
    if (script.done) runner.pause();
  };
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; runner.pause(); }, opts.timeoutMs ?? 120_000);
  let error: string | undefined;
  try {
    const res = await runner.run({ maxInsns: opts.maxInsns ?? 20e9 });
    if (!script.done) error = timedOut ? 'timed out' : `stopped: ${res.reason}${res.status ? ` (${res.status.kind})` : ''}`;
  } catch (e) {
    error = (e as Error).stack ?? String(e);
  } finally {
    clearTimeout(timer);
  }
  return { output: script.output, completed: script.done, step: script.step, marks, error, varStoreOut: board.flash1!.storage };
}

/** User + system CPU seconds of a process so far (Linux /proc). */
function processCpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
    return ticks / clockTicks();
  } catch { return NaN; }
}
let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    ticksPerSecond = Number(r.stdout?.trim()) || 100;
  }
  return ticksPerSecond;
}

export const QEMU_FIRMWARE_ARGS = (fc: FirmwareCase) => [
  '-M', 'virt,gic-version=3', '-cpu', 'cortex-a57', '-m', String(fc.ramMiB), '-nographic', '-nic', 'none', '-bios', fc.file,
];

export function runFirmwareOnQemu(fc: FirmwareCase, opts: { timeoutMs?: number; extraArgs?: string[] } = {}): Promise<FirmwareRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU, [...QEMU_FIRMWARE_ARGS(fc), ...(opts.extraArgs ?? [])], { stdio: ['pipe', 'pipe', 'pipe'] });
    const marks: Record<string, Mark> = {};
    const t0 = process.hrtime.bigint();
    const script = new Script(fc.steps, name => {
      marks[name] = { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: processCpuSeconds(child.pid!) };
    });
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      const keys = script.feed(d.toString('latin1'));
      if (keys) child.stdin!.write(keys);
      if (script.done) child.kill('SIGKILL');
    });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString('latin1'); });
    child.stdin!.on('error', () => undefined);
    child.on('error', e => { clearTimeout(timer); reject(e); });
    child.on('close', code => {
      clearTimeout(timer);
      const error = script.done ? undefined : timedOut ? 'timed out' : `QEMU exited (${code}): ${stderr.trim()}`;
      resolve({ output: script.output, completed: script.done, step: script.step, marks, error });
    });
  });
}

/** Skips the test (one line saying what to install), or fails it with REALMSCOPE_ORACLES=required,
 *  when the firmware package or QEMU is missing, or anything named in `more`. */
export function requireFirmwareOracles(ctx: Mocha.Context, fc: FirmwareCase, more: string[] = []): void {
  const missing: string[] = [];
  if (!fs.existsSync(fc.file)) missing.push(`${fc.file} (apt-get install ${fc.pkg})`);
  if (!haveQemu()) missing.push(`${QEMU} (${QEMU_INSTALL_HINT})`);
  missing.push(...more);
  if (missing.length === 0) return;
  const what = `${fc.name}: missing ${missing.join(' and ')}`;
  if (oraclesRequired()) throw new Error(`${what}, and REALMSCOPE_ORACLES=required`);
  console.log(`    ${what}: skipping`);
  ctx.skip();
}

/** QEMU's run of a firmware case with no extra options, once per test process (several test
 *  files compare against the same reference). */
const qemuReferences = new Map<FirmwareCase, Promise<FirmwareRun>>();
export function qemuReference(fc: FirmwareCase, timeoutMs = 90_000): Promise<FirmwareRun> {
  let r = qemuReferences.get(fc);
  if (!r) { r = runFirmwareOnQemu(fc, { timeoutMs }); qemuReferences.set(fc, r); }
  return r;
}

// ---- U-Boot's symbols ------------------------------------------------------------------------

export const UBOOT_SYMBOLS_HINT = 'run `bash scripts/uboot-symbols.sh --install` as root (rebuilds the installed u-boot-qemu from Debian\'s source with its symbols)';

/** The unstripped ELF of the packaged U-Boot and the source tree its DWARF names, as
 *  scripts/uboot-symbols.sh leaves them once it has proved the rebuild byte-identical to the
 *  package; or why they are not there. */
export function findUbootSymbols(): { elf: string; source: string } | { missing: string } {
  const pkgDir = path.dirname(UBOOT.file);
  const q = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'u-boot-qemu'], { encoding: 'utf8' });
  const version = q.status === 0 ? q.stdout.trim() : '';
  if (!version) return { missing: 'u-boot-qemu is not installed' };
  const dir = process.env.REALMSCOPE_UBOOT_DIR || path.join(os.homedir(), '.cache', 'realmscope-uboot', version);
  const elf = path.join(dir, 'u-boot'), verified = path.join(dir, 'verified');
  if (!fs.existsSync(elf) || !fs.existsSync(verified)) return { missing: `no verified U-Boot symbols for u-boot-qemu ${version} in ${dir}` };
  // The checksums the script recorded must still be those of the installed files.
  for (const line of fs.readFileSync(verified, 'utf8').trim().split('\n')) {
    const [sum, name] = line.split(/\s+/);
    const actual = crypto.createHash('sha256').update(fs.readFileSync(path.join(pkgDir, name))).digest('hex');
    if (actual !== sum) return { missing: `${dir} was verified against another ${name}` };
  }
  return { elf, source: path.join(dir, 'src') };
}

// ---- normalisation ---------------------------------------------------------------------------

/** What legitimately differs between two boots of the same firmware. */
export function normaliseTranscript(text: string): string {
  let t = text;
  // Terminal escape sequences (CSI ... final byte, including EDK2's ESC [ = 3 h).
  t = t.replace(/\x1b\[[0-9;=?]*[A-Za-z]/g, '');
  // U-Boot's autoboot countdown: "Hit any key to stop autoboot:  2 \b\b\b 1 \b\b\b 0" -> one line.
  t = t.replace(/(Hit any key to stop autoboot: )[ 0-9\x08]*/g, '$1<countdown>');
  // The UEFI Shell's startup.nsh countdown: one "Press ESC in N seconds ..." per second.
  t = t.replace(/(?:Press ESC in \d+ seconds to skip startup\.nsh or any other key to continue\.)+/g, 'Press ESC in <N> seconds to skip startup.nsh or any other key to continue.');
  // Build dates.
  t = t.replace(/^(U-Boot \S+) \([^)]*\)/gm, '$1 (<build date>)');
  t = t.replace(/built at \d\d:\d\d:\d\d on \w{3} [ \d]\d \d{4}/g, 'built at <build date>');
  return t;
}

/** A short line diff for assertion messages. */
export function firstDifference(a: string, b: string, nameA: string, nameB: string): string {
  const la = a.split('\n'), lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
      const ctx = (l: string[]) => l.slice(Math.max(0, i - 2), i + 3).map(s => JSON.stringify(s)).join('\n    ');
      return `first difference at line ${i + 1}:\n  ${nameA}:\n    ${ctx(la)}\n  ${nameB}:\n    ${ctx(lb)}`;
    }
  }
  return 'no difference';
}

// `realmscope run IMAGE ...`: runs an image headless on the virt board, with the UART on
// stdout/stdin, and prints a one-line summary to stderr.

import * as fs from 'fs';
import * as path from 'path';
import { VirtBoard, VIRT } from './board/VirtBoard';
import { Runner } from './Runner';
import { readImage, ImageFormat } from './loaders/image';
import { ImageError } from './loaders/elf';
import { EC } from './cpu/Cpu';
import type { RealmOptions, RealmEvent } from './realm/Realm';

const USAGE = `usage: realmscope run IMAGE [options]
       realmscope dap [--port N]     the debug adapter (Debug Adapter Protocol) on stdio or TCP 127.0.0.1:N

  IMAGE                 ELF, flash image (.fd), arm64 Linux Image, or raw binary (detected by content)
  --bios                boot IMAGE from flash bank 0 as QEMU's -bios does
  --kernel              boot IMAGE as an arm64 Linux Image (x0 = DTB)
  --elf | --raw         force the format
  --load-address ADDR   where a raw image goes and starts (default 0x40000000)
  --ram SIZE            guest RAM, e.g. 512M or 1G (default 128M)
  --dtb FILE            use this device tree instead of the generated one
  --initrd FILE         initial ramdisk for --kernel
  --append CMDLINE      kernel command line
  --psci hvc|smc        PSCI conduit (default hvc)
  --max-insns N         stop after N instructions
  --trace-exceptions    print every exception taken to stderr
  --no-semihosting      disable semihosting (HLT #0xF000)
  --flash-vars FILE     keep flash bank 1 (the firmware's variable store) in FILE: read at start
                        (64 MiB, or missing/empty for an erased-to-zero bank as QEMU's), written back on exit
  --realm               run the guest as an Arm CCA Realm (firmware RAM at IPA 0, stage 2, RSI over SMC)
  --ipa-width N         the Realm's IPA width in bits (32-48, default 41)
  --hash sha256|sha512  the Realm's measurement hash algorithm (default sha256)
  --rpv HEX             the Realm Personalization Value (up to 64 bytes, hex)
  --ripas-policy P      the host's answer to RIPAS changes: accept (default), reject, or partial:N (N granules per exit)
  --trace LIST          print Realm events to stderr: rsi, exits, ripas, aborts, tables, or all
`;

export class UsageError extends Error {}

export function parseSize(s: string, what: string): number {
  const m = /^(\d+)([KMG]?)i?B?$/i.exec(s.trim());
  if (!m) throw new UsageError(`${what}: cannot parse size "${s}" (use e.g. 512M or 1G)`);
  const mult = { '': 1024 * 1024, K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

function parseNumber(s: string, what: string): number {
  const v = Number(s.replace(/_/g, ''));
  if (!Number.isFinite(v) || v < 0) throw new UsageError(`${what}: not a number: "${s}"`);
  return v;
}

interface RunArgs {
  image: string; format?: ImageFormat; loadAddress?: number; ram: number; dtb?: string; initrd?: string;
  append?: string; psci: 'hvc' | 'smc'; maxInsns?: number; traceExceptions: boolean; semihosting: boolean;
  realm?: RealmOptions; trace: Set<string>; flashVars?: string;
}

const TRACE_KINDS: Record<string, RealmEvent['kind'][]> = {
  rsi: ['rsi'], exits: ['rec-exit'], ripas: ['ripas-change'], aborts: ['abort-injected', 'fatal'], tables: ['table-write'],
};

/** One line per Realm event, for --trace. */
export function formatRealmEvent(e: RealmEvent): string {
  const pc = `pc=0x${e.pc.toString(16)}`;
  switch (e.kind) {
    case 'rsi': return `rsi: ${e.command}(${Object.entries(e.args).map(([k, v]) => `${k}=${v}`).join(', ')}) -> ${e.status}${Object.keys(e.result).length ? ' ' + Object.entries(e.result).map(([k, v]) => `${k}=${v}`).join(' ') : ''} ${pc}`;
    case 'rec-exit': return `exit: ${e.reason}: ${e.detail} ${pc}`;
    case 'ripas-change': return `ripas: [0x${e.base.toString(16)}, 0x${e.top.toString(16)}) -> ${e.ripas}: host changed up to 0x${e.reached.toString(16)}, ${e.response.toUpperCase()} ${pc}`;
    case 'abort-injected': return `abort: synchronous external abort injected: ${e.reason}; ESR_EL1=0x${e.esr.toString(16)} FAR_EL1=0x${e.va.toString(16)} ${pc}`;
    case 'table-write': return `table: stage ${e.stage}: ${e.detail}`;
    case 'fatal': return `realm: cannot continue: ${e.reason}`;
  }
}

export function parseRunArgs(argv: string[]): RunArgs {
  const a: Partial<RunArgs> = { ram: 128 * 1024 * 1024, psci: 'hvc', traceExceptions: false, semihosting: true, trace: new Set() };
  const realm = (): RealmOptions => (a.realm ??= {});
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const val = () => { if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`); return argv[++i]; };
    switch (arg) {
      case '--bios': a.format = 'bios'; break;
      case '--kernel': a.format = 'kernel'; break;
      case '--elf': a.format = 'elf'; break;
      case '--raw': a.format = 'raw'; break;
      case '--load-address': a.loadAddress = parseNumber(val(), '--load-address'); break;
      case '--ram': case '-m': a.ram = parseSize(val(), '--ram'); break;
      case '--dtb': a.dtb = val(); break;
      case '--initrd': a.initrd = val(); break;
      case '--append': a.append = val(); break;
      case '--psci': { const v = val(); if (v !== 'hvc' && v !== 'smc') throw new UsageError(`--psci must be hvc or smc, not "${v}"`); a.psci = v; break; }
      case '--max-insns': a.maxInsns = parseNumber(val(), '--max-insns'); break;
      case '--trace-exceptions': a.traceExceptions = true; break;
      case '--no-semihosting': a.semihosting = false; break;
      case '--flash-vars': a.flashVars = val(); break;
      case '--realm': realm(); break;
      case '--ipa-width': { const v = parseNumber(val(), '--ipa-width'); if (!Number.isInteger(v) || v < 32 || v > 48) throw new UsageError(`--ipa-width must be 32..48, not ${v}`); realm().ipaWidth = v; break; }
      case '--hash': { const v = val(); if (v !== 'sha256' && v !== 'sha512') throw new UsageError(`--hash must be sha256 or sha512, not "${v}"`); realm().hashAlgorithm = v; break; }
      case '--rpv': { const v = val(); if (!/^([0-9a-f]{2}){1,64}$/i.test(v)) throw new UsageError('--rpv must be 1 to 64 bytes in hex'); realm().personalization = new Uint8Array(Buffer.from(v, 'hex')); break; }
      case '--ripas-policy': {
        const v = val();
        const m = /^partial:(\d+)$/.exec(v);
        if (v === 'accept' || v === 'reject') realm().ripasPolicy = v;
        else if (m) realm().ripasPolicy = { partial: Number(m[1]) };
        else throw new UsageError(`--ripas-policy must be accept, reject or partial:N, not "${v}"`);
        break;
      }
      case '--trace': {
        for (const k of val().split(',')) {
          if (k === 'all') Object.keys(TRACE_KINDS).forEach(t => a.trace!.add(t));
          else if (TRACE_KINDS[k]) a.trace!.add(k);
          else throw new UsageError(`--trace: unknown event kind "${k}" (rsi, exits, ripas, aborts, tables, all)`);
        }
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (a.image) throw new UsageError(`more than one image given ("${a.image}" and "${arg}")`);
        a.image = arg;
    }
  }
  if (!a.image) throw new UsageError('no image given');
  if (a.flashVars !== undefined && a.realm) throw new UsageError('--flash-vars: the Realm board has no flash');
  if (a.trace!.size && !a.realm) throw new UsageError('--trace shows Realm events: add --realm');
  return a as RunArgs;
}

function readFileOrFail(file: string, what: string): Uint8Array {
  try { return new Uint8Array(fs.readFileSync(file)); } catch (e) {
    throw new ImageError(`${what} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

const EC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(EC).map(([k, v]) => [v, k]));

/** --flash-vars: the variable-store bank (flash 1) backed by a file, like QEMU's
 *  `-drive if=pflash,unit=1,format=raw,file=FILE` (which also wants exactly the bank's size).
 *  The file is written back (atomically, through a temporary file) when the run ends, also on
 *  SIGINT/SIGTERM/SIGHUP, and only if the guest changed the bank or the file did not exist. */
export class FlashVarsFile {
  readonly initial?: Uint8Array;
  private board?: VirtBoard;
  private dirty: boolean;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.save();
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
  };

  constructor(readonly file: string) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = new Uint8Array(fs.readFileSync(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new ImageError(`--flash-vars ${file}: ${(e as Error).message}`);
    }
    if (bytes && bytes.length !== 0 && bytes.length !== VIRT.FLASH_SIZE) {
      throw new ImageError(`--flash-vars ${file}: ${bytes.length} bytes; a variable store must be ${VIRT.FLASH_SIZE} bytes (64 MiB, the flash bank's size)`);
    }
    this.initial = bytes && bytes.length ? bytes : undefined;
    this.dirty = this.initial === undefined; // a new file is created even if the guest writes nothing
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, this.onSignal);
  }

  attach(board: VirtBoard): void {
    this.board = board;
    const f = board.flash1!;
    const prev = f.onWrite;
    f.onWrite = (offset, length) => { this.dirty = true; prev(offset, length); };
  }

  save(): void {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, this.onSignal);
    if (!this.dirty || !this.board?.flash1) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, this.board.flash1.storage);
      fs.renameSync(tmp, this.file);
      this.dirty = false;
    } catch (e) {
      try { fs.unlinkSync(tmp); } catch { /* not created */ }
      process.stderr.write(`realmscope: --flash-vars ${this.file}: cannot write: ${(e as Error).message}\n`);
    }
  }
}

async function runCommand(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  const bytes = readFileOrFail(args.image, 'image');
  const img = readImage(bytes, path.basename(args.image), args.format);
  const vars = args.flashVars !== undefined ? new FlashVarsFile(args.flashVars) : undefined;
  let board = new VirtBoard({ ramSize: args.ram, psciConduit: args.psci, semihosting: args.semihosting, cmdline: args.append, realm: args.realm, varStore: vars?.initial });
  vars?.attach(board);
  const load = () => board.load(img, {
    loadAddress: args.loadAddress,
    dtb: args.dtb ? readFileOrFail(args.dtb, 'device tree') : undefined,
    initrd: args.initrd ? readFileOrFail(args.initrd, 'initrd') : undefined,
  });
  const setup = () => {
    board.onConsoleOutput = b => { process.stdout.write(b); };
    if (board.realm && args.trace.size) {
      const kinds = new Set([...args.trace].flatMap(t => TRACE_KINDS[t]));
      board.realm.onEvent = e => { if (kinds.has(e.kind)) process.stderr.write(formatRealmEvent(e) + '\n'); };
    }
  };
  setup();
  load();
  if (args.traceExceptions) {
    board.cpu.hooks.onException = (cpu, ec, offset) => {
      const kind = ec < 0 ? (offset & 0x180) === 0x80 ? 'IRQ' : 'FIQ' : `${EC_NAMES[ec] ?? 'EC 0x' + ec.toString(16)}`;
      process.stderr.write(`exception: ${kind} ESR=0x${cpu.sys.esr.toString(16)} ELR=0x${cpu.sys.elr.toString(16)} FAR=0x${cpu.sys.far.toString(16)} -> vector +0x${offset.toString(16)}\n`);
    };
  }
  let runner = new Runner(board);
  const stdin = process.stdin;
  const onData = (d: Buffer) => { board.sendInput(new Uint8Array(d)); runner.wake(); };
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', onData);
  stdin.on('error', () => undefined);
  let total = 0, wall = 0;
  let res;
  try {
    for (;;) {
      res = await runner.run({ maxInsns: args.maxInsns !== undefined ? args.maxInsns - total : undefined });
      total += res.instructions; wall += res.wallSeconds;
      if (res.reason === 'exit' && res.status?.kind === 'reset') {
        if (board.realm) {
          // A Realm cannot be reset: rebooting it means building a new Realm.
          board = new VirtBoard({ ramSize: args.ram, psciConduit: args.psci, semihosting: args.semihosting, cmdline: args.append, realm: args.realm });
          setup();
          runner = new Runner(board);
        } else board.exitStatus = undefined;
        load();
        continue;
      }
      break;
    }
  } finally {
    vars?.save();
    stdin.off('data', onData);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
  }
  const why = res.reason === 'exit' ? res.status!.kind === 'semihosting-exit' ? `semihosting exit ${res.status!.code}` : res.status!.kind === 'poweroff' ? 'PSCI SYSTEM_OFF' : res.status!.kind
    : res.reason === 'max-insns' ? 'instruction limit reached' : 'paused';
  if (board.realm?.fatal) process.stderr.write(`realmscope: the Realm stopped: ${board.realm.fatal}\n`);
  const mips = wall > 0 ? total / wall / 1e6 : 0;
  process.stderr.write(`realmscope: ${total} instructions in ${wall.toFixed(3)} s (${mips.toFixed(1)} MIPS); ${why}\n`);
  return res.reason === 'exit' ? res.status!.code : res.reason === 'max-insns' ? 0 : 1;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'run': return await runCommand(rest);
      case undefined: case '-h': case '--help': case 'help':
        process.stdout.write(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`realmscope: ${e.message}\n${USAGE}`); return 2; }
    if (e instanceof ImageError) { process.stderr.write(`realmscope: ${e.message}\n`); return 1; }
    if (e instanceof Error && /RAM size/.test(e.message)) { process.stderr.write(`realmscope: ${e.message}\n`); return 2; }
    throw e;
  }
}


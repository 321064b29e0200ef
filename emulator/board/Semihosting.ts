// AArch64 semihosting (HLT #0xF000), after Arm's "Semihosting for AArch32 and AArch64" (2023Q3):
// operation number in W0, parameter (or pointer to a parameter block) in X1, result in X0.
// Enough for bare-metal test programs: console output and input, exit, clock, heap info, cmdline.

import type { Cpu } from '../cpu/Cpu';

export const SYS = {
  OPEN: 0x01, CLOSE: 0x02, WRITEC: 0x03, WRITE0: 0x04, WRITE: 0x05, READ: 0x06, READC: 0x07,
  ISERROR: 0x08, ISTTY: 0x09, SEEK: 0x0a, FLEN: 0x0c, CLOCK: 0x10, TIME: 0x11, ERRNO: 0x13,
  GET_CMDLINE: 0x15, HEAPINFO: 0x16, EXIT: 0x18, EXIT_EXTENDED: 0x20, ELAPSED: 0x30, TICKFREQ: 0x31,
} as const;

/** ADP_Stopped_ApplicationExit: the reason code for a normal exit. */
const ADP_STOPPED_APPLICATION_EXIT = 0x20026;

export interface SemihostingHost {
  write(bytes: Uint8Array): void;
  /** One byte of console input, or -1 if none is available. */
  readByte(): number;
  exit(code: number): void;
  cmdline: string;
  /** Heap/stack description returned by SYS_HEAPINFO. */
  heapInfo: { heapBase: bigint; heapLimit: bigint; stackBase: bigint; stackLimit: bigint };
}

export class Semihosting {
  private readonly start = Date.now();
  private errno = 0;

  constructor(private readonly host: SemihostingHost) {}

  /** Handles a HLT #0xF000 from `cpu`. Returns false if semihosting is not allowed here. */
  handle(cpu: Cpu): boolean {
    if (cpu.el === 0) return false; // semihosting from EL0 is not enabled (QEMU's default as well)
    const op = cpu.r[0] >>> 0;
    const arg = cpu.getX(1);
    const word = (i: number): bigint => {
      const b = cpu.debugRead(arg + BigInt(8 * i), 8);
      if (!b) return 0n;
      return new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);
    };
    let result: bigint = 0n;
    switch (op) {
      case SYS.WRITEC: {
        const b = cpu.debugRead(arg, 1);
        if (b) this.host.write(b);
        return true; // X0 is corrupted on return per the spec; leave it alone
      }
      case SYS.WRITE0: {
        const chars: number[] = [];
        for (let a = arg; chars.length < 1 << 20; a++) {
          const b = cpu.debugRead(a, 1);
          if (!b || b[0] === 0) break;
          chars.push(b[0]);
        }
        this.host.write(Uint8Array.from(chars));
        return true;
      }
      case SYS.WRITE: {
        const fd = word(0), buf = word(1), len = Number(word(2));
        const data = cpu.debugRead(buf, len);
        if (!data || (fd !== 1n && fd !== 2n)) { result = BigInt(len); this.errno = 9; break; }
        this.host.write(data);
        result = 0n; // bytes not written
        break;
      }
      case SYS.READC: {
        const b = this.host.readByte();
        result = b < 0 ? 0xffffffffffffffffn : BigInt(b);
        break;
      }
      case SYS.READ: {
        const buf = word(1), len = Number(word(2));
        const bytes: number[] = [];
        while (bytes.length < len) { const b = this.host.readByte(); if (b < 0) break; bytes.push(b); }
        cpu.debugWrite(buf, Uint8Array.from(bytes));
        result = BigInt(len - bytes.length);
        break;
      }
      case SYS.OPEN: {
        // Only the console (":tt") exists: mode < 4 reads stdin, otherwise stdout/stderr.
        const name = cpu.debugRead(word(0), Number(word(2)));
        const s = name ? Buffer.from(name).toString('latin1') : '';
        if (s === ':tt') { const mode = Number(word(1)); result = mode < 4 ? 0n : mode < 8 ? 1n : 2n; }
        else { result = 0xffffffffffffffffn; this.errno = 2; }
        break;
      }
      case SYS.CLOSE: result = 0n; break;
      case SYS.ISTTY: result = 1n; break;
      case SYS.FLEN: result = 0n; break;
      case SYS.SEEK: result = 0n; break;
      case SYS.ISERROR: result = BigInt.asIntN(64, word(0)) < 0n ? 1n : 0n; break;
      case SYS.ERRNO: result = BigInt(this.errno); break;
      case SYS.CLOCK: result = BigInt(Math.floor((Date.now() - this.start) / 10)); break; // centiseconds
      case SYS.TIME: result = BigInt(Math.floor(Date.now() / 1000)); break;
      case SYS.ELAPSED: {
        const ticks = BigInt(Date.now() - this.start) * 1000n;
        cpu.debugWrite(arg, bigLE(ticks));
        result = 0n;
        break;
      }
      case SYS.TICKFREQ: result = 1000000n; break;
      case SYS.GET_CMDLINE: {
        const buf = word(0), size = Number(word(1));
        const bytes = Buffer.from(this.host.cmdline + '\0', 'latin1');
        if (bytes.length > size) { result = 0xffffffffffffffffn; break; }
        cpu.debugWrite(buf, bytes);
        cpu.debugWrite(arg + 8n, bigLE(BigInt(bytes.length - 1)));
        result = 0n;
        break;
      }
      case SYS.HEAPINFO: {
        const h = this.host.heapInfo;
        const block = word(0);
        const out = new Uint8Array(32);
        const dv = new DataView(out.buffer);
        dv.setBigUint64(0, h.heapBase, true); dv.setBigUint64(8, h.heapLimit, true);
        dv.setBigUint64(16, h.stackBase, true); dv.setBigUint64(24, h.stackLimit, true);
        cpu.debugWrite(block, out);
        return true;
      }
      case SYS.EXIT: case SYS.EXIT_EXTENDED: {
        // AArch64: X1 points to {reason, subcode}.
        const reason = word(0), sub = word(1);
        this.host.exit(reason === BigInt(ADP_STOPPED_APPLICATION_EXIT) ? Number(BigInt.asIntN(32, sub)) : 1);
        return true;
      }
      default:
        result = 0xffffffffffffffffn;
        this.errno = 38; // ENOSYS
    }
    cpu.setX(0, result);
    return true;
  }
}

function bigLE(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}

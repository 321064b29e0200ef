// AddWithCarry() of the Arm ARM on int32 halves, shared by the immediate and register forms of
// ADD/SUB/ADC/SBC/CMP/CMN/CCMP and the multiply-accumulates.

import type { Cpu } from '../Cpu';
import { out } from '../int64';

/** x + y + c on 32 bits; sets NZCV when `flags` is non-zero. */
export function add32(cpu: Cpu, x: number, y: number, c: number, flags: number): number {
  const u = (x >>> 0) + (y >>> 0) + c;
  const res = u | 0;
  if (flags !== 0) {
    cpu.nf = res >>> 31;
    cpu.zf = res === 0 ? 1 : 0;
    cpu.cf = u > 0xffffffff ? 1 : 0;
    cpu.vf = ((x ^ res) & (y ^ res)) >>> 31;
  }
  return res;
}

/** x + y + c on 64 bits (halves); returns the low half and leaves the high half in `out.hi`;
 *  sets NZCV when `flags` is non-zero. */
export function add64(cpu: Cpu, xlo: number, xhi: number, ylo: number, yhi: number, c: number, flags: number): number {
  const ul = (xlo >>> 0) + (ylo >>> 0) + c;
  const lo = ul | 0;
  const uh = (xhi >>> 0) + (yhi >>> 0) + (ul > 0xffffffff ? 1 : 0);
  const hi = uh | 0;
  if (flags !== 0) {
    cpu.nf = hi >>> 31;
    cpu.zf = (lo | hi) === 0 ? 1 : 0;
    cpu.cf = uh > 0xffffffff ? 1 : 0;
    cpu.vf = ((xhi ^ hi) & (yhi ^ hi)) >>> 31;
  }
  out.hi = hi;
  return lo;
}

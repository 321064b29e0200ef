// Arm PrimeCell GPIO (PL061), QEMU virt: 0x0903_0000, SPI 7; line 3 is the power key
// ("gpio-keys" node, linux,code 116). Register layout from the PL061 TRM (DDI 0190):
//   0x000-0x3FC GPIODATA  address bits [9:2] are a mask: a read returns DATA & mask, a write
//                         changes only the masked bits that are outputs (DIR = 1)
//   0x400 DIR, 0x404 IS (1 = level), 0x408 IBE (both edges), 0x40C IEV (1 = rising/high),
//   0x410 IE, 0x414 RIS (RO), 0x418 MIS (RO), 0x41C IC (WO, write 1 to clear), 0x420 AFSEL,
//   0xFE0-0xFFC IDs.
// Differences from QEMU 7.2's model, both toward the TRM: an input pin always reads its
// external level (QEMU keeps a stale latched value for a pin that was an output when the
// input changed); edges are detected on inputs only when they change.

import type { MmioDevice } from '../memory/PhysicalMemory';
import { primeCellId, read32Split, write32Split } from './mmioUtil';

export const GPIO_DIR = 0x400;
export const GPIO_IS = 0x404;
export const GPIO_IBE = 0x408;
export const GPIO_IEV = 0x40c;
export const GPIO_IE = 0x410;
export const GPIO_RIS = 0x414;
export const GPIO_MIS = 0x418;
export const GPIO_IC = 0x41c;
export const GPIO_AFSEL = 0x420;

const PL061_IDS = [0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1] as const;

export interface Pl061Options {
  setIrq?: (level: boolean) => void;
  /** Called when the level driven on output lines changes (bit i = line i; inputs read as 1: they float high, as in QEMU). */
  onOutput?: (levels: number) => void;
}

export class Pl061 implements MmioDevice {
  readonly name = 'pl061';
  setIrq: (level: boolean) => void;
  onOutput: (levels: number) => void;
  private outData = 0;
  private inputs = 0;
  private dir = 0;
  private isense = 0;
  private ibe = 0;
  private iev = 0;
  private im = 0;
  private istate = 0;
  private afsel = 0;
  private irqLevel = false;
  private lastOut = 0xff;

  constructor(opts: Pl061Options = {}) {
    this.setIrq = opts.setIrq ?? (() => {});
    this.onOutput = opts.onOutput ?? (() => {});
  }

  reset(): void {
    this.outData = 0;
    this.dir = 0;
    this.isense = 0;
    this.ibe = 0;
    this.iev = 0;
    this.im = 0;
    this.istate = 0;
    this.afsel = 0;
    this.update();
  }

  /** Drives input line `line` (0-7) from outside. */
  setInput(line: number, level: boolean): void {
    if (line < 0 || line > 7) throw new RangeError(`PL061 has lines 0-7, not ${line}`);
    const mask = 1 << line;
    const old = this.inputs;
    this.inputs = level ? old | mask : old & ~mask;
    if (old !== this.inputs && !(this.dir & mask) && !(this.isense & mask)) {
      // Edge-sensitive input: both edges if IBE, else the edge IEV selects.
      if (this.ibe & mask || (level ? this.iev & mask : !(this.iev & mask))) this.istate |= mask;
    }
    this.update();
  }

  /** The value of GPIODATA with all mask bits set. */
  get data(): number {
    return ((this.outData & this.dir) | (this.inputs & ~this.dir)) & 0xff;
  }

  get irq(): boolean {
    return this.irqLevel;
  }

  private update(): void {
    // Level-sensitive lines are pending while their level matches IEV.
    this.istate |= ~(this.data ^ this.iev) & this.isense & 0xff;
    const level = (this.istate & this.im) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.setIrq(level);
    }
    const out = ((this.outData & this.dir) | ~this.dir) & 0xff;
    if (out !== this.lastOut) {
      this.lastOut = out;
      this.onOutput(out);
    }
  }

  private readReg(off: number): number {
    if (off < 0x400) return this.data & (off >> 2);
    switch (off) {
      case GPIO_DIR: return this.dir;
      case GPIO_IS: return this.isense;
      case GPIO_IBE: return this.ibe;
      case GPIO_IEV: return this.iev;
      case GPIO_IE: return this.im;
      case GPIO_RIS: return this.istate;
      case GPIO_MIS: return this.istate & this.im;
      case GPIO_AFSEL: return this.afsel;
      default: return primeCellId(off, PL061_IDS) ?? 0;
    }
  }

  private writeReg(off: number, value: number): void {
    value &= 0xff;
    if (off < 0x400) {
      const mask = (off >> 2) & this.dir;
      this.outData = (this.outData & ~mask) | (value & mask);
      this.update();
      return;
    }
    switch (off) {
      case GPIO_DIR: this.dir = value; break;
      case GPIO_IS: this.isense = value; break;
      case GPIO_IBE: this.ibe = value; break;
      case GPIO_IEV: this.iev = value; break;
      case GPIO_IE: this.im = value; break;
      case GPIO_IC: this.istate &= ~value; break;
      case GPIO_AFSEL: this.afsel = value; break;
      default: return;
    }
    this.update();
  }

  read(offset: number, size: number): bigint {
    return read32Split(offset, size, off => this.readReg(off));
  }

  write(offset: number, size: number, value: bigint): boolean {
    write32Split(offset, size, value, (off, v) => this.writeReg(off, v));
    return true;
  }
}

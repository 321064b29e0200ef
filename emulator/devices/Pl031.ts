// Arm PrimeCell Real Time Clock (PL031), QEMU virt: 0x0901_0000, SPI 2.
// Register layout from the PL031 Technical Reference Manual (DDI 0224); behaviour as QEMU 7.2
// (hw/rtc/pl031.c):
// - DR (RO) counts seconds: host UTC time (seconds since 1970) plus an offset that LR writes
//   adjust (LR write: DR becomes the written value from now on).
// - CR reads as 1 (the RTC is always running; writes are ignored).
// - The match interrupt (RIS bit 0) is raised when DR reaches MR (a write to MR or LR whose
//   value equals the current count raises it at once); IMSC bit 0 masks it; any write to ICR
//   clears it. The output line is RIS & IMSC.
// The model has no timers of its own: the board calls poll() (or nextEventMs() to schedule),
// and every register access also checks the alarm.

import type { MmioDevice } from '../memory/PhysicalMemory';
import { primeCellId, read32Split, write32Split } from './mmioUtil';

export const RTC_DR = 0x00;
export const RTC_MR = 0x04;
export const RTC_LR = 0x08;
export const RTC_CR = 0x0c;
export const RTC_IMSC = 0x10;
export const RTC_RIS = 0x14;
export const RTC_MIS = 0x18;
export const RTC_ICR = 0x1c;

const PL031_IDS = [0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1] as const;

export interface Pl031Options {
  setIrq?: (level: boolean) => void;
  /** Host wall clock in milliseconds since the Unix epoch (default Date.now). */
  clockMs?: () => number;
}

export class Pl031 implements MmioDevice {
  readonly name = 'pl031';
  setIrq: (level: boolean) => void;
  private readonly clockMs: () => number;
  /** Added (mod 2^32) to the host's seconds to give DR. */
  private tickOffset = 0;
  private mr = 0;
  private lr = 0;
  private im = 0;
  private is = 0;
  /** Host time (ms) at which DR reaches MR, or undefined when no alarm is armed. */
  private alarmAtMs: number | undefined;
  private irqLevel = false;

  constructor(opts: Pl031Options = {}) {
    this.setIrq = opts.setIrq ?? (() => {});
    this.clockMs = opts.clockMs ?? Date.now;
  }

  reset(): void {
    // QEMU keeps the time across a system reset; the registers go back to zero.
    this.mr = 0;
    this.lr = 0;
    this.im = 0;
    this.is = 0;
    this.alarmAtMs = undefined;
    this.update();
  }

  private hostSeconds(): number {
    return Math.floor(this.clockMs() / 1000);
  }

  /** The current value of RTC_DR. */
  count(): number {
    return (this.hostSeconds() + this.tickOffset) >>> 0;
  }

  private update(): void {
    const level = (this.is & this.im) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.setIrq(level);
    }
  }

  get irq(): boolean {
    return this.irqLevel;
  }

  private setAlarm(): void {
    const ticks = (this.mr - this.count()) >>> 0;
    if (ticks === 0) {
      this.alarmAtMs = undefined;
      this.is = 1;
      this.update();
    } else {
      this.alarmAtMs = (this.hostSeconds() + ticks) * 1000;
    }
  }

  /** Checks whether the alarm time has passed; call periodically. */
  poll(): void {
    if (this.alarmAtMs !== undefined && this.clockMs() >= this.alarmAtMs) {
      this.alarmAtMs = undefined;
      this.is = 1;
      this.update();
    }
  }

  /** Host time (ms since the epoch) of the next alarm, if one is armed. */
  nextEventMs(): number | undefined {
    return this.alarmAtMs;
  }

  private readReg(off: number): number {
    this.poll();
    switch (off) {
      case RTC_DR: return this.count();
      case RTC_MR: return this.mr;
      case RTC_LR: return this.lr;
      case RTC_CR: return 1;
      case RTC_IMSC: return this.im;
      case RTC_RIS: return this.is;
      case RTC_MIS: return this.is & this.im;
      default: return primeCellId(off, PL031_IDS) ?? 0;
    }
  }

  private writeReg(off: number, value: number): void {
    this.poll();
    value >>>= 0;
    switch (off) {
      case RTC_LR:
        this.tickOffset = (this.tickOffset + value - this.count()) >>> 0;
        this.lr = value;
        this.setAlarm();
        break;
      case RTC_MR:
        this.mr = value;
        this.setAlarm();
        break;
      case RTC_IMSC:
        this.im = value & 1;
        this.update();
        break;
      case RTC_ICR:
        this.is = 0;
        this.update();
        break;
      default: break; // DR, CR, RIS, MIS, IDs and reserved: WI
    }
  }

  read(offset: number, size: number): bigint {
    return read32Split(offset, size, off => this.readReg(off));
  }

  write(offset: number, size: number, value: bigint): boolean {
    write32Split(offset, size, value, (off, v) => this.writeReg(off, v));
    return true;
  }
}

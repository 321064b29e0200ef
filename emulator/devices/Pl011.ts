// Arm PrimeCell UART (PL011), as QEMU 7.2 models it (hw/char/pl011.c) on the virt board at
// 0x0900_0000, SPI 1. Register layout from the PL011 Technical Reference Manual (DDI 0183).
//
// Behaviour (QEMU's model, which firmware and Linux are written against):
// - Transmission is instantaneous: a write to DR hands the byte to onTransmit and sets the TX
//   raw interrupt (TXRIS); FR.TXFE is always 1, FR.TXFF and FR.BUSY are always 0.
// - Receive FIFO of 16 entries when LCR_H.FEN = 1, else a 1-entry holding register. Bytes
//   pushed with pushInput() wait in an unbounded input queue until the FIFO has room.
// - RXRIS is raised as soon as the FIFO holds 1 character (QEMU ignores the IFLS trigger
//   level, deliberately, and does not model the receive timeout: RTRIS is never set), and is
//   cleared when a DR read empties the FIFO, or by ICR.
// - The single interrupt output is (RIS & IMSC) != 0 (the combined UARTINTR line).
// - UARTEN/TXE/RXE in CR, baud rate, modem lines and loopback are not modelled (as QEMU 7.2).

import type { MmioDevice } from '../memory/PhysicalMemory';
import { primeCellId, read32Split, write32Split } from './mmioUtil';

export const PL011_DR = 0x000;
export const PL011_RSR_ECR = 0x004;
export const PL011_FR = 0x018;
export const PL011_ILPR = 0x020;
export const PL011_IBRD = 0x024;
export const PL011_FBRD = 0x028;
export const PL011_LCR_H = 0x02c;
export const PL011_CR = 0x030;
export const PL011_IFLS = 0x034;
export const PL011_IMSC = 0x038;
export const PL011_RIS = 0x03c;
export const PL011_MIS = 0x040;
export const PL011_ICR = 0x044;
export const PL011_DMACR = 0x048;

// FR bits
export const FR_BUSY = 1 << 3;
export const FR_RXFE = 1 << 4;
export const FR_TXFF = 1 << 5;
export const FR_RXFF = 1 << 6;
export const FR_TXFE = 1 << 7;

// Interrupt bits (RIS/MIS/IMSC/ICR)
export const INT_RX = 1 << 4;
export const INT_TX = 1 << 5;
export const INT_RT = 1 << 6;
const INT_ALL = 0x7ff;

const LCR_FEN = 1 << 4;

/** PL011 UARTPeriphID0-3, UARTPCellID0-3 (PL011 TRM r1p5, as QEMU's "arm" variant). */
const PL011_IDS = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1] as const;

export interface Pl011Options {
  onTransmit?: (byte: number) => void;
  setIrq?: (level: boolean) => void;
}

export class Pl011 implements MmioDevice {
  readonly name = 'pl011';
  onTransmit: (byte: number) => void;
  setIrq: (level: boolean) => void;

  private fifo = new Uint16Array(16);
  private readPos = 0;
  private readCount = 0;
  private readonly inputQueue: number[] = [];
  private inputHead = 0;

  private flags = 0;
  private lcr = 0;
  private rsr = 0;
  private cr = 0;
  private dmacr = 0;
  private intEnabled = 0;
  private intLevel = 0;
  private ilpr = 0;
  private ibrd = 0;
  private fbrd = 0;
  private ifl = 0;
  private irqLevel = false;

  constructor(opts: Pl011Options = {}) {
    this.onTransmit = opts.onTransmit ?? (() => {});
    this.setIrq = opts.setIrq ?? (() => {});
    this.reset();
  }

  reset(): void {
    this.lcr = 0;
    this.rsr = 0;
    this.dmacr = 0;
    this.intEnabled = 0;
    this.intLevel = 0;
    this.ilpr = 0;
    this.ibrd = 0;
    this.fbrd = 0;
    this.ifl = 0x12;
    this.cr = 0x300; // TXE | RXE
    this.resetFifo();
    this.update();
    this.fillFifo();
  }

  /** Queues received bytes (the host side of the serial line). */
  pushInput(bytes: Uint8Array): void {
    for (const b of bytes) this.inputQueue.push(b);
    this.fillFifo();
  }

  /** Bytes queued on the host side that the FIFO has not taken yet. */
  get pendingInput(): number {
    return this.inputQueue.length - this.inputHead;
  }

  get irq(): boolean {
    return this.irqLevel;
  }

  private fifoDepth(): number {
    return this.lcr & LCR_FEN ? 16 : 1;
  }

  private resetFifo(): void {
    this.readCount = 0;
    this.readPos = 0;
    this.flags = (this.flags & ~(FR_RXFF | FR_TXFF)) | FR_RXFE | FR_TXFE;
  }

  private fillFifo(): void {
    while (this.readCount < this.fifoDepth() && this.inputHead < this.inputQueue.length) {
      this.putFifo(this.inputQueue[this.inputHead++]);
    }
    if (this.inputHead > 4096 && this.inputHead * 2 > this.inputQueue.length) {
      this.inputQueue.splice(0, this.inputHead);
      this.inputHead = 0;
    }
  }

  private putFifo(value: number): void {
    const slot = (this.readPos + this.readCount) & 15;
    this.fifo[slot] = value;
    this.readCount++;
    this.flags &= ~FR_RXFE;
    if (this.readCount === this.fifoDepth()) this.flags |= FR_RXFF;
    // QEMU's read trigger is always 1 character.
    if (this.readCount === 1) {
      this.intLevel |= INT_RX;
      this.update();
    }
  }

  private update(): void {
    const level = (this.intLevel & this.intEnabled) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.setIrq(level);
    }
  }

  private readReg(off: number): number {
    switch (off) {
      case PL011_DR: {
        this.flags &= ~FR_RXFF;
        const c = this.fifo[this.readPos];
        if (this.readCount > 0) {
          this.readCount--;
          this.readPos = (this.readPos + 1) & 15;
        }
        if (this.readCount === 0) {
          this.flags |= FR_RXFE;
          this.intLevel &= ~INT_RX;
        }
        this.rsr = c >> 8;
        this.update();
        this.fillFifo();
        return c;
      }
      case PL011_RSR_ECR: return this.rsr;
      case PL011_FR: return this.flags;
      case PL011_ILPR: return this.ilpr;
      case PL011_IBRD: return this.ibrd;
      case PL011_FBRD: return this.fbrd;
      case PL011_LCR_H: return this.lcr;
      case PL011_CR: return this.cr;
      case PL011_IFLS: return this.ifl;
      case PL011_IMSC: return this.intEnabled;
      case PL011_RIS: return this.intLevel;
      case PL011_MIS: return this.intLevel & this.intEnabled;
      case PL011_DMACR: return this.dmacr;
      default:
        return primeCellId(off, PL011_IDS) ?? 0; // ICR (write-only) and reserved: RAZ
    }
  }

  private writeReg(off: number, value: number): void {
    switch (off) {
      case PL011_DR:
        this.onTransmit(value & 0xff);
        this.intLevel |= INT_TX;
        this.update();
        break;
      case PL011_RSR_ECR: this.rsr = 0; break;
      case PL011_ILPR: this.ilpr = value & 0xff; break;
      case PL011_IBRD: this.ibrd = value & 0xffff; break;
      case PL011_FBRD: this.fbrd = value & 0x3f; break;
      case PL011_LCR_H:
        // Enabling or disabling the FIFOs flushes the receive FIFO (as QEMU does).
        if ((this.lcr ^ value) & LCR_FEN) this.resetFifo();
        this.lcr = value & 0xff;
        this.fillFifo();
        break;
      case PL011_CR: this.cr = value & 0xffff; break;
      case PL011_IFLS: this.ifl = value & 0x3f; break;
      case PL011_IMSC: this.intEnabled = value & INT_ALL; this.update(); break;
      case PL011_ICR: this.intLevel &= ~value; this.update(); break;
      case PL011_DMACR: this.dmacr = value & 0x7; break; // DMA itself is not modelled
      default: break; // read-only and reserved: WI
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

// The Arm generic timer of one PE: the system counter (CNTPCT/CNTVCT) and the EL1 physical and
// virtual timers, whose outputs are PPIs 30 and 27 on the virt board (QEMU hw/arm/virt.c's
// ARCH_TIMER_NS_EL1_IRQ = 14 and ARCH_TIMER_VIRT_IRQ = 11, plus 16).

/** A monotonic clock in nanoseconds. The default follows the host; tests may drive their own. */
export interface Clock {
  nowNs(): number;
}

export class HostClock implements Clock {
  private readonly start = process.hrtime.bigint();
  /** Nanoseconds skipped by idle fast-forward (`warp`). */
  private skipped = 0;
  nowNs(): number { return Number(process.hrtime.bigint() - this.start) + this.skipped; }
  warp(ns: number): void { if (ns > 0) this.skipped += ns; }
}

/** QEMU 7.2's virt board counts at 62.5 MHz (GTIMER_SCALE = 16 ns per tick). */
export const COUNTER_HZ = 62_500_000;
const NS_PER_TICK = 1e9 / COUNTER_HZ;

export class TimerChannel {
  ctl = 0;       // ENABLE bit0, IMASK bit1 (ISTATUS is computed)
  cval = 0n;
  constructor(readonly intid: number) {}
}

export class GenericTimer {
  readonly phys = new TimerChannel(30);
  readonly virt = new TimerChannel(27);
  cntkctl = 0;
  /** Called when a timer's output level changes. */
  onLine: (intid: number, level: boolean) => void = () => {};
  private lines = [false, false];

  constructor(readonly clock: Clock) {}

  /** PE reset: both timers disabled (CNTKCTL_EL1 keeps its architecturally UNKNOWN value: 0). */
  reset(): void {
    for (const t of [this.phys, this.virt]) { t.ctl = 0; t.cval = 0n; }
    this.cntkctl = 0;
    this.update();
  }

  counter(): bigint {
    return BigInt(Math.floor(this.clock.nowNs() / NS_PER_TICK));
  }

  private istatus(t: TimerChannel, now: bigint): boolean {
    return (t.ctl & 1) !== 0 && now >= t.cval;
  }

  readCtl(t: TimerChannel): bigint {
    return BigInt((t.ctl & 3) | (this.istatus(t, this.counter()) ? 4 : 0));
  }
  writeCtl(t: TimerChannel, v: bigint): void { t.ctl = Number(v & 3n); this.update(); }
  readTval(t: TimerChannel): bigint {
    return BigInt.asUintN(64, BigInt.asIntN(32, t.cval - this.counter()));
  }
  writeTval(t: TimerChannel, v: bigint): void {
    t.cval = BigInt.asUintN(64, this.counter() + BigInt.asIntN(32, v & 0xffffffffn));
    this.update();
  }
  writeCval(t: TimerChannel, v: bigint): void { t.cval = BigInt.asUintN(64, v); this.update(); }

  /** Recomputes both output lines; call periodically and after register writes. */
  update(): void {
    const now = this.counter();
    const chans = [this.phys, this.virt];
    for (let i = 0; i < 2; i++) {
      const t = chans[i];
      const level = this.istatus(t, now) && (t.ctl & 2) === 0;
      if (level !== this.lines[i]) {
        this.lines[i] = level;
        this.onLine(t.intid, level);
      }
    }
  }

  /** Nanoseconds until the next enabled, unmasked timer fires (Infinity if none). */
  nsUntilNextDeadline(): number {
    const now = this.counter();
    let best = Infinity;
    for (const t of [this.phys, this.virt]) {
      if ((t.ctl & 3) !== 1) continue;
      const d = t.cval > now ? Number(t.cval - now) * NS_PER_TICK : 0;
      if (d < best) best = d;
    }
    return best;
  }
}

// Drives a board in real time: runs the CPU in slices, services device timers between slices,
// idles (without spinning) while the guest waits in WFI, and yields to the event loop so that
// console input, pause requests and the debugger stay responsive.

import type { VirtBoard, ExitStatus } from './board/VirtBoard';

export interface RunResult {
  /** exit: the guest powered off or exited; paused: pause() was called; breakpoint/watchpoint/
   *  exception: the CPU stopped for the debugger. */
  reason: 'exit' | 'max-insns' | 'paused' | 'breakpoint' | 'watchpoint' | 'exception';
  status?: ExitStatus;
  instructions: number;
  wallSeconds: number;
}

export class Runner {
  /** Instructions per slice: ~1-5 ms of guest time between device updates. */
  sliceInsns = 100_000;
  private pauseRequested = false;
  private wakeIdle?: () => void;

  constructor(readonly board: VirtBoard) {}

  /** Stops a running `run()` at the next slice boundary (or at once if idle). */
  pause(): void {
    this.pauseRequested = true;
    this.board.cpu.stop('stop');
    this.wake();
  }

  /** Ends an idle wait early (new console input, a debugger request). */
  wake(): void { this.wakeIdle?.(); }

  async run(opts: { maxInsns?: number } = {}): Promise<RunResult> {
    const board = this.board, cpu = board.cpu;
    const start = process.hrtime.bigint();
    const startCount = cpu.insnCount;
    const max = opts.maxInsns ?? Infinity;
    this.pauseRequested = false;
    let slices = 0;
    const result = (reason: RunResult['reason']): RunResult => ({
      reason, status: board.exitStatus, instructions: cpu.insnCount - startCount,
      wallSeconds: Number(process.hrtime.bigint() - start) / 1e9,
    });
    for (;;) {
      if (board.exitStatus) return result('exit');
      if (this.pauseRequested) return result('paused');
      const left = max - (cpu.insnCount - startCount);
      if (left <= 0) return result('max-insns');
      const why = cpu.run(Math.min(this.sliceInsns, left));
      board.poll();
      if (board.exitStatus) return result('exit');
      if (why === 'breakpoint' || why === 'watchpoint' || why === 'exception') return result(why);
      if (why === 'stop') { if (this.pauseRequested) return result('paused'); continue; }
      if (why === 'wfi') { await this.idleUntilNextEvent(); continue; }
      // Let I/O callbacks run now and then without costing much per slice.
      if (++slices % 8 === 0) await new Promise<void>(r => setImmediate(r));
    }
  }

  /** Whether pause() was called since the last run() or clearPause(). */
  get pausePending(): boolean { return this.pauseRequested; }
  /** Forgets an earlier pause, including the stop it asked of the CPU: a pause that found the
   *  runner idle leaves that request behind, and it would end the next `cpu.run` at once. */
  clearPause(): void {
    this.pauseRequested = false;
    if (this.board.cpu.stopRequested === 'stop') this.board.cpu.stopRequested = undefined;
  }

  /** While the guest waits in WFI: sleeps until the board's next timed event (at most 50 ms, so
   *  pause requests and input are seen) or a wake(), then brings the devices up to date. */
  async idleUntilNextEvent(): Promise<void> {
    const ms = this.board.msUntilNextEvent();
    if (ms > 0) await this.idle(Math.min(ms, 50));
    this.board.poll();
  }

  private idle(ms: number): Promise<void> {
    return new Promise<void>(resolve => {
      const t = setTimeout(done, Math.max(0, ms));
      function done() { clearTimeout(t); resolve(); }
      this.wakeIdle = () => { this.wakeIdle = undefined; done(); };
    });
  }
}

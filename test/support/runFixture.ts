// Runs a bare-metal image on the emulated virt board and collects what it prints (UART and
// semihosting, in order), for the system tests.

import * as fs from 'fs';
import { VirtBoard } from '../../emulator/board/VirtBoard';
import { Runner } from '../../emulator/Runner';
import { readImage } from '../../emulator/loaders/image';

export interface FixtureRun {
  output: string;
  /** 'exit' with a status, or why the run stopped early. */
  reason: 'exit' | 'max-insns' | 'timeout' | 'error' | 'breakpoint' | 'watchpoint' | 'exception';
  exitKind?: string;
  exitCode?: number;
  instructions: number;
  wallSeconds: number;
  error?: string;
}

export async function runFixture(file: string, opts: { maxInsns?: number; timeoutMs?: number; ramSize?: number } = {}): Promise<FixtureRun> {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const img = readImage(bytes, file);
  const board = new VirtBoard({ ramSize: opts.ramSize ?? 128 * 1024 * 1024 });
  board.load(img);
  const chunks: Buffer[] = [];
  board.onConsoleOutput = b => { chunks.push(Buffer.from(b)); };
  const runner = new Runner(board);
  const started = Date.now();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; runner.pause(); }, opts.timeoutMs ?? 60_000);
  try {
    const res = await runner.run({ maxInsns: opts.maxInsns ?? 2_000_000_000 });
    const output = Buffer.concat(chunks).toString('latin1');
    return {
      output,
      reason: timedOut ? 'timeout' : res.reason === 'paused' ? 'timeout' : res.reason,
      exitKind: res.status?.kind, exitCode: res.status?.code,
      instructions: res.instructions, wallSeconds: res.wallSeconds,
    };
  } catch (e) {
    return {
      output: Buffer.concat(chunks).toString('latin1'), reason: 'error', instructions: board.cpu.insnCount,
      wallSeconds: (Date.now() - started) / 1000, error: (e as Error).stack ?? String(e),
    };
  } finally {
    clearTimeout(timer);
  }
}

// QEMU as the oracle for the system tests: runs an image on `qemu-system-aarch64 -M virt` with the
// same machine options the emulator copies, and collects UART (stdout) and semihosting (stderr)
// output in the order they were written (both go to one pipe).

import { spawn, spawnSync } from 'child_process';

/** The QEMU binary (REALMSCOPE_QEMU overrides, e.g. to try another build or to test the skip path). */
export const QEMU = process.env.REALMSCOPE_QEMU || 'qemu-system-aarch64';
export const QEMU_ARGS = [
  '-M', 'virt,gic-version=3', '-cpu', 'max', '-m', '128', '-nographic', '-nic', 'none',
  '-semihosting-config', 'enable=on,target=native',
];
export const QEMU_INSTALL_HINT = 'apt-get install qemu-system-arm';

/** REALMSCOPE_ORACLES=required turns "oracle missing: skip" into a failure. */
export function oraclesRequired(): boolean {
  return process.env.REALMSCOPE_ORACLES === 'required';
}

let qemuPresent: boolean | undefined;
export function haveQemu(): boolean {
  if (qemuPresent === undefined) {
    const r = spawnSync(QEMU, ['--version'], { stdio: 'ignore', timeout: 20_000 });
    qemuPresent = r.status === 0;
  }
  return qemuPresent;
}

export function haveCommand(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { stdio: 'ignore', timeout: 20_000 });
  return r.status === 0;
}

export interface QemuRun {
  output: string;
  /** QEMU's exit status (the semihosting exit code, or 0 after PSCI SYSTEM_OFF). */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
}

/** Runs `file` with -kernel; kills QEMU (SIGKILL) if it has not finished after `timeoutMs`. */
export function runQemu(file: string, timeoutMs = 30_000, extraArgs: string[] = []): Promise<QemuRun> {
  return new Promise((resolve, reject) => {
    // `exec ... 2>&1` makes QEMU write stdout and stderr to the same pipe, so the interleaving of
    // UART and semihosting output is kept; with exec the child's pid is QEMU's own.
    const child = spawn('sh', ['-c', 'exec "$0" "$@" 2>&1', QEMU, ...QEMU_ARGS, ...extraArgs, '-kernel', file],
      { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', e => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ output: Buffer.concat(chunks).toString('latin1'), code, signal, timedOut });
    });
  });
}

// The `realmscope` command: `dap` starts the debug adapter; everything else (`run`, help) is the
// emulator's command line.

import { runCommandLine as emulatorMain } from '../emulator';
import { dapMain } from './dapServer';
import { uartAttachMain } from './uartTerminal';

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'dap') return dapMain(argv.slice(1));
  if (argv[0] === 'uart-attach') return uartAttachMain(argv.slice(1));
  return emulatorMain(argv);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(code => { process.exitCode = code; }, err => {
    process.stderr.write(`realmscope: internal error: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 70;
  });
}

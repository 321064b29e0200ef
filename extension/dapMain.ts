// dist/dap.js: the debug adapter on stdio, as VS Code starts it for `"realmscope.adapter":
// "executable"`. It runs on load: for a DebugAdapterExecutable whose command is "node", VS Code
// does not spawn `node dist/cli.js dap` but forks its own runtime with
// `-e "...;require(process.argv[1])"`, so dist/cli.js (which runs only as the main module) would
// load and do nothing.
//
// Under VS Code's own runtime (Electron), process.execPath is not a plain Node: the UART terminal's
// `uart-attach` command then needs ELECTRON_RUN_AS_NODE=1 in its environment.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { RealmscopeDebugSession } from '../adapter/RealmscopeDebugSession';
import { runDapStdio } from '../adapter/dapServer';
import { uartAttachPort } from './uartText';

if (process.versions.electron) {
  const original = RealmscopeDebugSession.prototype.runInTerminalRequest;
  RealmscopeDebugSession.prototype.runInTerminalRequest = function (this: RealmscopeDebugSession, args: DebugProtocol.RunInTerminalRequestArguments, timeout: number, cb: (r: DebugProtocol.RunInTerminalResponse) => void) {
    if (uartAttachPort(args.args) !== undefined) args = { ...args, env: { ...(args.env ?? {}), ELECTRON_RUN_AS_NODE: '1' } };
    original.call(this, args, timeout, cb);
  };
}

runDapStdio();

// The UART as an integrated terminal. With `"uart": "terminal"` the adapter listens on a loopback
// port and asks the client (DAP `runInTerminal`) to run `realmscope uart-attach PORT`. For the
// inline adapter the extension answers that request itself: a pseudoterminal connected to the
// port, so no external process is needed (VS Code's own executable cannot run dist/cli.js without
// ELECTRON_RUN_AS_NODE) and keyboard input goes straight to the guest's receive FIFO.

import * as net from 'net';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RealmscopeDebugSession } from '../adapter/RealmscopeDebugSession';
import { UartTextDecoder, uartAttachPort } from './uartText';

/** A terminal whose input and output are the UART socket (connected when the terminal opens). */
export function openUartTerminal(name: string, port: number): vscode.Terminal {
  const write = new vscode.EventEmitter<string>();
  const decoder = new UartTextDecoder();
  let socket: net.Socket | undefined;
  let closedByUser = false;
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    open: () => {
      socket = net.connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      socket.on('data', d => write.fire(decoder.push(new Uint8Array(d))));
      socket.on('error', e => write.fire(`\r\n[Realmscope: UART connection failed: ${e.message}]\r\n`));
      socket.on('close', () => { if (!closedByUser) write.fire('\r\n[Realmscope: the debug session ended; UART closed]\r\n'); });
    },
    close: () => { closedByUser = true; socket?.end(); write.dispose(); },
    handleInput: data => { socket?.write(Buffer.from(data, 'utf8')); },
  };
  const terminal = vscode.window.createTerminal({ name, pty, iconPath: new vscode.ThemeIcon('terminal') });
  terminal.show(true);
  return terminal;
}

/** The adapter as the extension runs it inline: the same session, with `runInTerminal` for the
 *  UART answered by a pseudoterminal. Any other runInTerminal goes to VS Code as usual. */
export class ExtensionDebugSession extends RealmscopeDebugSession {
  override runInTerminalRequest(args: DebugProtocol.RunInTerminalRequestArguments, timeout: number, cb: (response: DebugProtocol.RunInTerminalResponse) => void): void {
    const port = uartAttachPort(args.args);
    if (port === undefined) { super.runInTerminalRequest(args, timeout, cb); return; }
    try {
      openUartTerminal(args.title ?? 'Realmscope UART', port);
      cb({ seq: 0, type: 'response', request_seq: 0, command: 'runInTerminal', success: true, body: {} });
    } catch (e) {
      cb({ seq: 0, type: 'response', request_seq: 0, command: 'runInTerminal', success: false, message: (e as Error).message, body: {} });
    }
  }
}

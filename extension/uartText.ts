// What a terminal in raw mode does to the guest's UART bytes: decode UTF-8 across chunk
// boundaries and turn a bare LF into CR LF (the tty's ONLCR, which raw mode keeps), so output
// written for a serial console lines up in VS Code's terminal.

export class UartTextDecoder {
  private decoder = new TextDecoder('utf-8');
  private lastWasCr = false;

  push(bytes: Uint8Array): string {
    const text = this.decoder.decode(bytes, { stream: true });
    let out = '';
    for (const ch of text) {
      if (ch === '\n' && !this.lastWasCr) out += '\r';
      out += ch;
      this.lastWasCr = ch === '\r';
    }
    return out;
  }
}

/** The port in a `realmscope uart-attach PORT` command line, if it is one. */
export function uartAttachPort(args: string[]): number | undefined {
  const i = args.indexOf('uart-attach');
  if (i < 0) return undefined;
  const port = Number(args[i + 1]);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

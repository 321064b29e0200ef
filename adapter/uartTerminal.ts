// `"uart": "terminal"`: the UART in an integrated terminal with keyboard input. The adapter
// listens on a loopback port; the client's terminal runs `realmscope uart-attach PORT`
// (asked for with the DAP `runInTerminal` reverse request), which joins the terminal's
// stdin/stdout to that port.

import * as net from 'net';
import * as fs from 'fs';
import * as path from 'path';

export class UartBridge {
  private server?: net.Server;
  private socket?: net.Socket;
  private pending: Buffer[] = [];
  port = 0;
  /** Keyboard input from the terminal. */
  onInput: (bytes: Uint8Array) => void = () => {};
  onAttach: () => void = () => {};

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server = net.createServer(sock => {
        if (this.socket) { sock.end('another terminal is already attached\r\n'); return; }
        sock.setNoDelay(true);
        this.socket = sock;
        for (const b of this.pending) sock.write(b);
        this.pending = [];
        sock.on('data', d => this.onInput(new Uint8Array(d)));
        sock.on('close', () => { this.socket = undefined; });
        sock.on('error', () => { this.socket = undefined; });
        this.onAttach();
      });
      this.server.on('error', reject);
      this.server.listen(0, '127.0.0.1', () => { this.port = (this.server!.address() as net.AddressInfo).port; resolve(this.port); });
    });
  }

  /** Guest output: to the terminal, or kept until it attaches (up to 1 MiB). */
  write(text: string): void {
    const b = Buffer.from(text, 'latin1');
    if (this.socket) { this.socket.write(b); return; }
    this.pending.push(b);
    let total = this.pending.reduce((n, x) => n + x.length, 0);
    while (total > 1 << 20 && this.pending.length > 1) total -= this.pending.shift()!.length;
  }

  close(): void {
    this.socket?.end();
    this.server?.close();
  }
}

/** The command line the terminal runs to attach (node plus the bundled CLI). */
export function attachCommand(port: number): string[] {
  const candidates = [path.join(__dirname, 'cli.js'), path.resolve(__dirname, '../dist/cli.js')];
  const cli = candidates.find(c => fs.existsSync(c)) ?? candidates[1];
  return [process.execPath, cli, 'uart-attach', String(port)];
}

/** `realmscope uart-attach PORT`: the terminal side. */
export function uartAttachMain(argv: string[]): Promise<number> {
  const port = Number(argv[0]);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write('usage: realmscope uart-attach PORT\n');
    return Promise.resolve(2);
  }
  return new Promise(resolve => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setNoDelay(true);
    sock.on('connect', () => {
      if (process.stdin.isTTY) process.stdin.setRawMode(true);
      process.stdin.on('data', d => sock.write(d));
      sock.on('data', d => process.stdout.write(d));
    });
    const done = (code: number) => { if (process.stdin.isTTY) process.stdin.setRawMode(false); process.stdin.pause(); resolve(code); };
    sock.on('close', () => done(0));
    sock.on('error', e => { process.stderr.write(`realmscope uart-attach: ${e.message}\n`); done(1); });
  });
}

// `realmscope dap`: the debug adapter on stdio, or with `--port N` as a TCP server listening on
// 127.0.0.1 only (one session per connection).

import * as net from 'net';
import { RealmscopeDebugSession } from './RealmscopeDebugSession';

export function runDapStdio(): void {
  const session = new RealmscopeDebugSession();
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}

/** Starts the TCP server; resolves with the port it listens on (0 picks a free one). */
export function startDapServer(port: number): Promise<net.Server & { port: number }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer(socket => {
      socket.setNoDelay(true); // small DAP messages must not wait for Nagle's algorithm
      const session = new RealmscopeDebugSession();
      session.setRunAsServer(true);
      session.start(socket as NodeJS.ReadableStream, socket);
    });
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address() as net.AddressInfo;
      resolve(Object.assign(server, { port: addr.port }));
    });
  });
}

export async function dapMain(argv: string[]): Promise<number> {
  let port: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0 || v > 65535) { process.stderr.write(`realmscope dap: --port needs a port number (0-65535), not "${argv[i] ?? ''}"\n`); return 2; }
      port = v;
    } else { process.stderr.write(`realmscope dap: unknown option ${argv[i]}\nusage: realmscope dap [--port N]\n`); return 2; }
  }
  if (port === undefined) { runDapStdio(); return new Promise<number>(() => { /* runs until stdin closes */ }); }
  const server = await startDapServer(port);
  process.stderr.write(`realmscope dap: listening on 127.0.0.1:${server.port}\n`);
  return new Promise<number>(() => { /* serves until killed */ });
}

// For tests (and the bench) that drive the debug adapter with a real DAP client: Mocha hooks for
// one in-process adapter server (TCP on a loopback port) per suite and a fresh client connection
// per test, and the guest's UART as that client sees it.

import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startDapServer } from '../../adapter/dapServer';
import type { Script } from './firmware';

/** Installs the hooks in the current describe(); `use` receives each test's client. */
export function withDapClient(use: (dc: DebugClient) => void): void {
  let server: Awaited<ReturnType<typeof startDapServer>>;
  let dc: DebugClient;
  before(async () => { server = await startDapServer(0); });
  after(() => server.close());
  beforeEach(async () => {
    dc = new DebugClient('node', 'unused', 'realmscope');
    await dc.start(server.port);
    use(dc);
  });
  afterEach(async () => { await dc.stop(); });
}

/** The UART as the client sees it (stdout output events), typed into through the adapter's
 *  realmscope/uartInput request as the steps of a firmware script say. */
export class DapUart {
  text = '';
  private waiters: { s: string; from: number; resolve: () => void }[] = [];
  constructor(dc: DebugClient, script?: Script) {
    dc.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category !== 'stdout') return;
      this.text += e.body.output;
      const keys = script?.feed(e.body.output);
      if (keys) void dc.customRequest('realmscope/uartInput', { text: keys });
      this.waiters = this.waiters.filter(w => { if (this.text.indexOf(w.s, w.from) >= 0) { w.resolve(); return false; } return true; });
    });
  }

  /** Resolves once `s` has appeared after the first `from` characters. */
  waitFor(s: string, timeoutMs: number, from = 0): Promise<void> {
    if (this.text.indexOf(s, from) >= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(s)} on the UART; the last output:\n${this.text.slice(-1500)}`)), timeoutMs);
      this.waiters.push({ s, from, resolve: () => { clearTimeout(t); resolve(); } });
    });
  }
}

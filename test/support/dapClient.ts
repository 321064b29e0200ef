// Mocha hooks for tests that drive the debug adapter with a real DAP client: one in-process
// adapter server (TCP on a loopback port) for the suite, a fresh client connection per test.

import { DebugClient } from '@vscode/debugadapter-testsupport';
import { startDapServer } from '../../adapter/dapServer';

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

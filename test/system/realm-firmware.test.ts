// The project's Realm firmware (examples/realm) on the emulator as a Realm guest: the conformance
// programs check themselves and end with PASS; the classic protected-UART bug and Debian's AAVMF
// (which knows nothing of Realms) stop with a report that says what happened in words.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { VirtBoard } from '../../emulator/board/VirtBoard';
import { Runner } from '../../emulator/Runner';
import { readImage } from '../../emulator/loaders/image';

const ROOT = path.resolve(__dirname, '../..');
const AAVMF = '/usr/share/qemu-efi-aarch64/QEMU_EFI.fd';

async function runRealm(file: string, format?: 'bios'): Promise<{ out: string; board: VirtBoard }> {
  const board = new VirtBoard({ ramSize: 512 * 1024 * 1024, realm: {} });
  board.load(readImage(new Uint8Array(fs.readFileSync(file)), path.basename(file), format));
  let out = '';
  board.onConsoleOutput = b => { out += Buffer.from(b).toString('latin1'); };
  const res = await new Runner(board).run({ maxInsns: 500_000_000 });
  assert.equal(res.reason, 'exit', `${path.basename(file)} did not finish: ${res.reason}`);
  return { out, board };
}

describe('system: Realm firmware on the emulator', function () {
  this.timeout(120000);

  for (const name of ['realm-hello', 'realm-rsi', 'realm-sea', 'realm-attest', 'realm-ns-memory']) {
    it(`${name} passes all its checks`, async () => {
      const { out, board } = await runRealm(path.join(ROOT, 'examples/realm', `${name}.elf`));
      const last = out.trim().split('\n').pop();
      assert.equal(last, 'PASS', out.split('\n').filter(l => l.startsWith('FAIL')).join('\n') || out.slice(-2000));
      assert.equal(board.exitStatus?.kind, 'poweroff');
      assert.ok(board.realm!.events.some(e => e.kind === 'rsi'));
      if (name === 'realm-hello') {
        // It shares a DMA buffer by rewriting a live stage-1 descriptor, and changes RIPAS twice.
        assert.ok(board.realm!.events.some(e => e.kind === 'table-write' && e.stage === 1), 'stage-1 table writes are reported');
        assert.ok(board.realm!.events.filter(e => e.kind === 'ripas-change').length >= 2);
        assert.ok(board.realm!.events.some(e => e.kind === 'rec-exit' && e.reason.includes('MMIO')));
      }
    });
  }

  it('realm-uart-protected stops with a report naming the address, the half, the RIPAS and the fix', async () => {
    const { board } = await runRealm(path.join(ROOT, 'examples/realm/realm-uart-protected.elf'));
    assert.equal(board.exitStatus?.kind, 'realm-error');
    const report = board.realm!.fatal!;
    assert.match(report, /0x9000000 \(pl011\) through the protected half/);
    assert.match(report, /RIPAS EMPTY/);
    assert.match(report, /unprotected alias: use IPA 0x10009000000/);
    assert.equal(board.cpu.sys.esr >> 26n, 0x25n);
    assert.equal(board.cpu.sys.esr & 0x3fn, 0x10n);
  });

  it("Debian's AAVMF as a Realm stops at its first device access through a protected address", async function () {
    if (!fs.existsSync(AAVMF)) {
      if (process.env.REALMSCOPE_ORACLES === 'required') assert.fail(`${AAVMF} is missing (apt-get install qemu-efi-aarch64)`);
      console.log('      (skipped: apt-get install qemu-efi-aarch64)');
      this.skip();
    }
    const { board } = await runRealm(AAVMF, 'bios');
    assert.equal(board.exitStatus?.kind, 'realm-error');
    assert.match(board.realm!.fatal!, /from 0x9000030 \(pl011\) through the protected half of the IPA space, where that address has RIPAS EMPTY/);
    // Named by the EDK2 module it runs in: SEC, a TE image executed in place from the firmware volume.
    assert.match(board.realm!.fatal!, /^the instruction at 0x[0-9a-f]+ \(ArmPlatformPrePeiCore\.dll\+0x[0-9a-f]+\) read from/);
    assert.match(board.realm!.fatal!, /use IPA 0x10009000030/);
  });

  it('non-Realm runs of the same board are unaffected (no stage 2, flash present)', () => {
    const b = new VirtBoard();
    assert.equal(b.cpu.stage2, undefined);
    assert.ok(b.flash0);
    assert.equal(b.realm, undefined);
  });
});

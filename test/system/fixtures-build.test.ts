// The committed fixture binaries (test/fixtures/bin/*.elf, examples/demo/demo.elf,
// examples/realm/*.elf) must be what test/fixtures/build.sh makes from their sources, byte for
// byte. Needs Debian's gcc-aarch64-linux-gnu; without it the check is skipped (or fails with
// REALMSCOPE_ORACLES=required).

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from '../support/fixtures';
import { haveCommand, oraclesRequired } from '../support/qemu';

const CC = process.env.AARCH64_CC || 'aarch64-linux-gnu-gcc';   // build.sh honours AARCH64_CC too

describe('system: fixture binaries are reproducible', function () {
  this.timeout(300_000);

  before(function () {
    if (haveCommand(CC)) return;
    if (oraclesRequired()) throw new Error(`${CC} not found and REALMSCOPE_ORACLES=required (apt-get install gcc-aarch64-linux-gnu)`);
    console.log(`    ${CC} not found: skipping the fixture rebuild check (apt-get install gcc-aarch64-linux-gnu)`);
    this.skip();
  });

  it('test/fixtures/build.sh --check: the committed binaries match a fresh build', function () {
    const r = spawnSync('bash', [path.join(ROOT, 'test/fixtures/build.sh'), '--check'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    assert.strictEqual(r.status, 0, `build.sh --check failed:\n${r.stdout}${r.stderr}`);
  });

  it('build.sh --check names a binary that does not match (in a copy of the tree)', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmscope-fixcheck-'));
    try {
      for (const sub of ['test/fixtures/src', 'test/fixtures/bin', 'examples/demo/src', 'examples/realm']) {
        fs.cpSync(path.join(ROOT, sub), path.join(dir, sub), { recursive: true });
      }
      fs.copyFileSync(path.join(ROOT, 'test/fixtures/build.sh'), path.join(dir, 'test/fixtures/build.sh'));
      fs.copyFileSync(path.join(ROOT, 'examples/demo/demo.elf'), path.join(dir, 'examples/demo/demo.elf'));
      const victim = path.join(dir, 'test/fixtures/bin/timer.elf');
      const bytes = fs.readFileSync(victim);
      bytes[bytes.length - 1] ^= 1;
      fs.writeFileSync(victim, bytes);
      const r = spawnSync('bash', [path.join(dir, 'test/fixtures/build.sh'), '--check'], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
      assert.strictEqual(r.status, 1, `exit status; output:\n${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /test\/fixtures\/bin\/timer\.elf differs/);
      assert.doesNotMatch(r.stderr, /hello\.elf|demo\.elf|realm-/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

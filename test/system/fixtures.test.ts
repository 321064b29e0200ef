// System tests: the bare-metal fixtures (test/fixtures) run on the emulated virt board must print
// exactly what they print under QEMU 7.2 (-M virt,gic-version=3 -cpu max), apart from the lines
// listed in KNOWN_QEMU_DEVIATIONS where QEMU 7.2 departs from the architecture. QEMU's transcripts
// are recorded in test/fixtures/expected, so the emulator is checked even where QEMU is not
// installed; where it is, QEMU is also run live and must still print the recorded transcripts.
// Also: the command line on a fixture, and its one-line errors for malformed ELF files.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { FIXTURES, EXPECTED_DIR, ROOT, Fixture, expectedFromQemu, lineDiff } from '../support/fixtures';
import { QEMU, haveQemu, runQemu, oraclesRequired, QEMU_INSTALL_HINT } from '../support/qemu';
import { runFixture, FixtureRun } from '../support/runFixture';

const recorded = (name: string) => fs.readFileSync(path.join(EXPECTED_DIR, `${name}.txt`), 'latin1');

// Each fixture runs once on the emulator; both suites below use the result.
const emulatorRuns = new Map<string, Promise<FixtureRun>>();
function runOnEmulator(f: Fixture): Promise<FixtureRun> {
  let p = emulatorRuns.get(f.name);
  if (!p) { p = runFixture(f.file, { timeoutMs: f.timeoutMs, maxInsns: f.maxInsns }); emulatorRuns.set(f.name, p); }
  return p;
}

function describeRun(r: FixtureRun): string {
  const how = r.reason === 'exit' ? `${r.exitKind} ${r.exitCode}` : r.reason;
  return `${how} after ${r.instructions} instructions (${r.wallSeconds.toFixed(2)} s)${r.error ? `\n${r.error}` : ''}`;
}

function assertTranscript(f: Fixture, run: FixtureRun, qemuOutput: string, qemuName: string): void {
  const expected = expectedFromQemu(f.name, qemuOutput);
  if (run.output !== expected) {
    assert.fail(`${f.name}: the emulator's transcript differs from ${qemuName} (emulator: ${describeRun(run)})\n` +
      lineDiff(expected, run.output, qemuName, 'emulator'));
  }
  assert.strictEqual(run.reason, 'exit', `${f.name}: the emulator did not finish: ${describeRun(run)}`);
  assert.strictEqual(run.exitCode, 0, `${f.name}: exit status ${run.exitCode}`);
  assert.strictEqual(run.exitKind, f.name === 'demo' ? 'poweroff' : 'semihosting-exit');
}

describe('system: fixtures on the emulator vs QEMU 7.2 (recorded transcripts)', function () {
  for (const f of FIXTURES) {
    it(`${f.name}: prints what QEMU printed`, async function () {
      this.timeout(f.timeoutMs + 30_000);
      const run = await runOnEmulator(f);
      assertTranscript(f, run, recorded(f.name), `QEMU 7.2 (test/fixtures/expected/${f.name}.txt)`);
    });
  }
});

describe('system: fixtures on the emulator vs QEMU (live)', function () {
  before(function () {
    if (haveQemu()) return;
    if (oraclesRequired()) throw new Error(`${QEMU} not found and REALMSCOPE_ORACLES=required (${QEMU_INSTALL_HINT})`);
    console.log(`    ${QEMU} not found: skipping the live QEMU comparisons (${QEMU_INSTALL_HINT})`);
    this.skip();
  });

  for (const f of FIXTURES) {
    it(`${f.name}: same transcript as ${path.basename(QEMU)}`, async function () {
      this.timeout(f.timeoutMs + 60_000);
      const [qemu, run] = await Promise.all([runQemu(f.file, 30_000), runOnEmulator(f)]);
      assert.ok(!qemu.timedOut, `${f.name}: QEMU did not finish in 30 s (killed)`);
      assert.strictEqual(qemu.code, 0, `${f.name}: QEMU exited with ${qemu.code}:\n${qemu.output}`);
      assertTranscript(f, run, qemu.output, 'qemu-system-aarch64');
      const rec = recorded(f.name);
      if (qemu.output !== rec) {
        assert.fail(`${f.name}: this QEMU prints something else than the recorded transcript; if the fixture changed, ` +
          're-record with `npx tsx test/fixtures/record-transcripts.ts`\n' + lineDiff(rec, qemu.output, 'recorded', 'qemu'));
      }
    });
  }
});

// ---- the command line ------------------------------------------------------------------------

const CLI = path.join(ROOT, 'dist', 'cli.js');
const HELLO = path.join(ROOT, 'test', 'fixtures', 'bin', 'hello.elf');

function runCli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'run', ...args], { cwd: ROOT, input: '', encoding: 'latin1', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

describe('system: realmscope run', function () {
  this.timeout(120_000);

  before(function () {
    // `npm test` builds dist/ first; build it here when the suite runs on its own.
    if (fs.existsSync(CLI)) return;
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (!fs.existsSync(CLI)) throw new Error(`dist/cli.js is missing and \`npm run build\` failed:\n${b.stdout}${b.stderr}`);
  });

  it('runs hello.elf: the transcript on stdout, a summary line on stderr, exit status 0', function () {
    const r = runCli([HELLO]);
    assert.ifError(r.error);
    assert.strictEqual(r.stdout, expectedFromQemu('hello', recorded('hello')), 'stdout');
    assert.match(r.stderr, /^realmscope: \d+ instructions in \d+\.\d{3} s \(\d+\.\d MIPS\); semihosting exit 0\n$/, 'stderr');
    assert.strictEqual(r.status, 0);
  });

  describe('malformed ELF files: one `realmscope: ...` line naming the problem, exit status 1', function () {
    let dir: string;
    let hello: Buffer;
    before(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmscope-badelf-'));
      hello = fs.readFileSync(HELLO);
    });
    after(function () { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    const variant = (name: string, edit: (b: Buffer) => Buffer): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, edit(Buffer.from(hello)));
      return file;
    };
    const phdr0 = (b: Buffer) => Number(b.readBigUInt64LE(32));
    const seg0 = (b: Buffer) => ({ offset: Number(b.readBigUInt64LE(phdr0(b) + 8)), filesz: Number(b.readBigUInt64LE(phdr0(b) + 32)) });

    const cases: { name: string; args?: string[]; edit: (b: Buffer) => Buffer; problem: RegExp }[] = [
      { name: 'zero-length.elf', edit: () => Buffer.alloc(0), problem: /empty file/ },
      { name: 'truncated-header.elf', edit: b => b.subarray(0, 40), problem: /truncated ELF header/ },
      { name: 'truncated-segment.elf', edit: b => { const s = seg0(b); return b.subarray(0, s.offset + (s.filesz >> 1)); }, problem: /truncated: segment 0/ },
      { name: 'wrong-machine.elf', edit: b => { b.writeUInt16LE(62, 18); return b; }, problem: /machine is 62, not AArch64/ },
      { name: 'bad-magic-forced.elf', args: ['--elf'], edit: b => { b[1] = 0x58; return b; }, problem: /not an ELF file \(bad magic\)/ },
      { name: 'bad-magic.elf', edit: b => { b[1] = 0x58; return b; }, problem: /not an ELF file \(bad magic\)/ },
      { name: 'elf32.elf', edit: b => { b[4] = 1; return b; }, problem: /not a 64-bit ELF/ },
      { name: 'big-endian.elf', edit: b => { b[5] = 2; return b; }, problem: /not a little-endian ELF/ },
      { name: 'no-segments.elf', edit: b => { b.writeUInt16LE(0, 56); return b; }, problem: /no loadable \(PT_LOAD\) segments/ },
      { name: 'segment-outside-ram.elf', edit: b => { b.writeBigUInt64LE(0x20000000n, phdr0(b) + 24); return b; }, problem: /outside RAM/ },
    ];
    for (const c of cases) {
      it(c.name, function () {
        const file = variant(c.name, c.edit);
        // --max-insns: should the image be accepted after all, stop soon instead of hanging.
        const r = runCli([...(c.args ?? []), '--max-insns', '1000000', file]);
        assert.ifError(r.error);
        const got = `exit status ${r.status}, stderr:\n${r.stderr}`;
        assert.strictEqual(r.stdout, '', `nothing on stdout (${got})`);
        assert.match(r.stderr, /^realmscope: [^\n]*\n$/, `one line on stderr (${got})`);
        assert.doesNotMatch(r.stderr, /\bat .*:\d+:\d+|internal error/, `no stack trace (${got})`);
        assert.match(r.stderr, c.problem, `names the problem (${got})`);
        if (c.name !== 'segment-outside-ram.elf') assert.ok(r.stderr.includes(c.name), `names the file (${got})`);
        assert.strictEqual(r.status, 1, `exit status (${got})`);
      });
    }
  });
});

// Differential test: random A64 integer/load-store/atomic/branch sequences run under qemu-aarch64
// (user mode) and in the Realmscope CPU at EL0; registers, NZCV, SP and the scratch memory must match.
//
// Environment:
//   REALMSCOPE_DIFF_SEED   seed (default: CI's fixed seed)
//   REALMSCOPE_DIFF_COUNT  number of sequences (default 8000, about 120k instructions)
//   REALMSCOPE_DIFF_CLASS  comma-separated instruction classes to restrict to (see CLASSES in generator.ts)
//   REALMSCOPE_DIFF_ONLY   compare only this sequence index (for reproducing one failure)
//   REALMSCOPE_ORACLES=required  fail instead of skipping when qemu-aarch64 is missing

import { CLASSES, ClassName } from './generator';
import { qemuVersion, runDifferential } from './runner';

const CI_SEED = 0x5eed2024;
const DEFAULT_COUNT = 8000;

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

function envClasses(): ClassName[] {
  const v = process.env.REALMSCOPE_DIFF_CLASS;
  if (!v) return [...CLASSES];
  const names = v.split(',').map(s => s.trim()).filter(Boolean);
  const bad = names.filter(n => !(CLASSES as readonly string[]).includes(n));
  if (bad.length) throw new Error(`unknown REALMSCOPE_DIFF_CLASS ${bad.join(',')}; valid classes: ${CLASSES.join(', ')}`);
  return names as ClassName[];
}

describe('differential test against qemu-aarch64 (user mode)', function () {
  this.timeout(600_000);

  it('random A64 sequences give the same registers, flags and memory as QEMU', async function () {
    if (!qemuVersion()) {
      const msg = 'qemu-aarch64 not found: apt-get install qemu-user';
      if (process.env.REALMSCOPE_ORACLES === 'required') throw new Error(msg + ' (REALMSCOPE_ORACLES=required)');
      console.log(`      ${msg} (skipping)`);
      this.skip();
    }
    const only = envInt('REALMSCOPE_DIFF_ONLY');
    const count = envInt('REALMSCOPE_DIFF_COUNT') ?? (only !== undefined ? only + 1 : DEFAULT_COUNT);
    const seed = envInt('REALMSCOPE_DIFF_SEED') ?? CI_SEED;
    const result = await runDifferential({ seed, count, classes: envClasses(), only });
    console.log(result.report.split('\n').map(l => '      ' + l).join('\n'));
    if (result.failures.length || result.infraBroken) {
      throw new Error(`${result.failures.length} of ${result.sequences} sequences differ from qemu-aarch64 (report above)`);
    }
  });
});

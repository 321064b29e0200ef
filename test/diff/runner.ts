// Differential runner: executes generated programs under qemu-aarch64 (user mode) and in the
// Realmscope CPU, compares the per-sequence register/flag/memory dumps, bisects failing sequences
// to the first differing instruction and formats a report.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Harness } from '../support/harness';
import { Rng, generateSequence, makeImage, CLASSES, ClassName, Sequence, SCRATCH_SIZE, SCRATCH_REG } from './generator';
import { buildProgram, flatten, cutPoints, Program, Block, BlockSpec, RECORD_SIZE, DUMP_SP, DUMP_NZCV, IMAGE_ADDR, SCRATCH_ADDR, BASE } from './program';
import { withEntry } from './elf';

export const QEMU = process.env.REALMSCOPE_QEMU_AARCH64 ?? 'qemu-aarch64';
const OBJDUMP = 'aarch64-linux-gnu-objdump';

export function qemuVersion(): string | undefined {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.split('\n')[0].trim();
}

// ---------------------------------------------------------------- outcomes

export interface Outcome {
  out?: Uint8Array;
  /** Emulator took an exception / threw / never reached the epilogue; or qemu died. */
  problem?: string;
  /** For emulator exceptions: the exception link address (faulting instruction). */
  elr?: number;
}

const sameOutcome = (a: Outcome, b: Outcome) =>
  a.out !== undefined && b.out !== undefined && Buffer.compare(Buffer.from(a.out), Buffer.from(b.out)) === 0;

// ---------------------------------------------------------------- qemu

export interface QemuJob { done: Promise<Outcome[]>; }

/** Runs a program under qemu-aarch64 with stdout going to a file (so qemu keeps running while the
 *  emulator occupies this thread). A crash at some block is recorded and the run restarts after it. */
export function startQemu(prog: Program, dir: string, name: string): QemuJob {
  const results: Outcome[] = new Array(prog.blocks.length);
  const runFrom = (first: number, attempt: number): Promise<void> => new Promise((resolve, reject) => {
    const elfPath = path.join(dir, `${name}-${attempt}.elf`), outPath = path.join(dir, `${name}-${attempt}.out`);
    const elf = first === 0 ? prog.elf : withEntry(prog.elf, prog.blocks[first].start);
    fs.writeFileSync(elfPath, elf, { mode: 0o755 });
    const fd = fs.openSync(outPath, 'w');
    const child = spawn(QEMU, ['-cpu', 'max', elfPath], { stdio: ['ignore', fd, 'pipe'], cwd: dir }); // cwd: any core dump lands in the temp dir
    fs.closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => { if (stderr.length < 4000) stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', e => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const out = fs.readFileSync(outPath);
      fs.rmSync(outPath, { force: true }); fs.rmSync(elfPath, { force: true });
      const n = Math.min(Math.floor(out.length / RECORD_SIZE), prog.blocks.length - first);
      for (let i = 0; i < n; i++) results[first + i] = { out: out.subarray(i * RECORD_SIZE, (i + 1) * RECORD_SIZE) };
      const next = first + n;
      if (next >= prog.blocks.length) { resolve(); return; }
      results[next] = { problem: `qemu-aarch64 died in this sequence (${signal ? `signal ${signal}` : `exit status ${code}`})${stderr ? ': ' + stderr.trim().split('\n').slice(-3).join(' | ') : ''}` };
      stderr = '';
      if (next + 1 >= prog.blocks.length) { resolve(); return; }
      runFrom(next + 1, attempt + 1).then(resolve, reject);
    });
  });
  return { done: runFrom(0, 0).then(() => results) };
}

// ---------------------------------------------------------------- emulator

export class Emulator {
  private written: Uint8Array | undefined;
  private exited = false;
  private exc: { ec: number; esr: bigint; elr: bigint; far: bigint } | undefined;
  private prog: Program | undefined;
  private imageDirty = false;

  private constructor(readonly h: Harness) {
    const cpu = h.cpu;
    cpu.hooks.svc = (c, _imm) => {
      const nr = Number(c.getX(8));
      if (nr === 64) {
        const addr = Number(c.getX(1)), len = Number(c.getX(2));
        this.written = c.mem.readBytes(addr, len) ?? new Uint8Array(0);
        c.setX(0, BigInt(len));
        c.stop('halt');
        return true;
      }
      if (nr === 93) { this.exited = true; c.stop('halt'); return true; }
      return false;
    };
    cpu.hooks.onException = (c, ec) => {
      if (!this.exc) this.exc = { ec, esr: c.sys.esr, elr: c.sys.elr, far: c.sys.far };
      c.stop('stop');
    };

  }

  /** Loads the CPU and harness lazily so that an emulator that does not build yet fails the test
   *  with a readable message instead of a module-load error. */
  static async create(): Promise<Emulator> {
    const hm = await import('../support/harness');
    const h = hm.makeCpu();
    hm.enableIdentityMmu(h);
    return new Emulator(h);
  }

  load(prog: Program): void {
    this.prog = prog;
    this.h.mem.writeBytes(BASE, prog.segment);
    this.imageDirty = false;
  }

  /** Runs one block. 'full': the emulator executes the whole block (prologue, body, epilogue with
   *  its write() system call). 'inject': the initial state is set from JavaScript, only the body is
   *  executed and the record is read back from JavaScript, so the result does not depend on the
   *  prologue/epilogue instructions (LDR/STR, MSR/MRS NZCV, CLREX, SVC...) working. */
  runBlock(b: Block, mode: EmuMode): Outcome {
    const { cpu, mem } = this.h;
    const prog = this.prog!;
    // Restore this block's code and data and, after a failure, the scratch image: a wild store by an
    // earlier (buggy) sequence must not leak into this one.
    mem.writeBytes(b.start, prog.segment.subarray(b.start - BASE, b.end - BASE));
    if (this.imageDirty) { mem.writeBytes(IMAGE_ADDR, prog.image); this.imageDirty = false; }
    this.written = undefined; this.exc = undefined; this.exited = false;
    cpu.stopRequested = undefined;
    cpu.el = 0;
    cpu.invalidateFetch();
    let why = '';
    const bodyEnd = b.bodyStart + 4 * b.body.length;
    try {
      if (mode === 'full') {
        cpu.setPC(BigInt(b.start));
        why = cpu.run(1_000_000);
      } else {
        const seq = b.spec.seq;
        for (let r = 0; r <= 30; r++) cpu.setX(r, r === SCRATCH_REG ? BigInt(SCRATCH_ADDR) : seq.regs[r]);
        cpu.setSP(seq.sp);
        cpu.setNzcv(seq.nzcv);
        cpu.exclusiveAddr = -1;
        mem.writeBytes(SCRATCH_ADDR, prog.image.subarray(seq.imageOffset, seq.imageOffset + SCRATCH_SIZE));
        cpu.setPC(BigInt(b.bodyStart));
        // Branches only go forward, so the body retires at most body.length instructions.
        for (let n = 0; n <= b.body.length && !this.exc; n++) {
          if (cpu.pcLo === bodyEnd && cpu.pcHi === 0) break;
          why = cpu.step();
        }
      }
    } catch (e) {
      this.imageDirty = true;
      const msg = e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join(' | ') : String(e);
      return { problem: `emulator threw a JavaScript exception at PC 0x${cpu.curLo.toString(16)}: ${msg}`, elr: cpu.curLo >>> 0 };
    } finally {
      cpu.stopRequested = undefined;
    }
    const exc = this.exc as Emulator['exc'];
    if (exc) {
      this.imageDirty = true;
      const { ec, esr, elr, far } = exc;
      return {
        problem: `emulator took an exception: EC=0x${ec.toString(16)} (${ecName(ec)}) ESR=0x${esr.toString(16)} ELR=0x${elr.toString(16)} FAR=0x${far.toString(16)}`,
        elr: Number(elr),
      };
    }
    if (mode === 'inject') {
      if (cpu.pcLo !== bodyEnd || cpu.pcHi !== 0) {
        this.imageDirty = true;
        return { problem: `emulator did not reach the end of the body (PC=0x${cpu.getPC().toString(16)}, expected 0x${bodyEnd.toString(16)})` };
      }
      const rec = new Uint8Array(RECORD_SIZE);
      const dv = new DataView(rec.buffer);
      rec.set(mem.readBytes(SCRATCH_ADDR, SCRATCH_SIZE)!, 0);
      for (let r = 0; r <= 30; r++) dv.setBigUint64(SCRATCH_SIZE + 8 * r, cpu.getX(r), true);
      dv.setBigUint64(DUMP_SP, cpu.getSP(), true);
      dv.setBigUint64(DUMP_NZCV, BigInt(cpu.getNzcv()), true);
      return { out: rec };
    }
    const written = this.written as Uint8Array | undefined;
    if (!written) {
      this.imageDirty = true;
      return { problem: `emulator did not reach the epilogue's write() (stopped: ${why}${this.exited ? ', exit called' : ''}, PC=0x${cpu.getPC().toString(16)})` };
    }
    return { out: written };
  }
}

export type EmuMode = 'full' | 'inject';

function ecName(ec: number): string {
  const names: Record<number, string> = {
    0x00: 'UNDEFINED/unknown', 0x01: 'WFI/WFE', 0x07: 'SIMD/FP access', 0x0e: 'illegal state', 0x15: 'SVC', 0x18: 'MSR/MRS trap',
    0x20: 'instruction abort (lower EL)', 0x21: 'instruction abort', 0x22: 'PC alignment', 0x24: 'data abort (lower EL)',
    0x25: 'data abort', 0x26: 'SP alignment', 0x3c: 'BRK', [-1]: 'interrupt',
  };
  return names[ec] ?? 'other';
}

// ---------------------------------------------------------------- running programs on both sides

async function runBoth(emu: Emulator, progs: Program[], dir: string, tag: string, mode: EmuMode): Promise<{ q: Outcome[]; e: Outcome[] }[]> {
  const jobs = progs.map((p, i) => startQemu(p, dir, `${tag}${i}`));
  // Don't let a rejected job go unobserved while the emulator is busy.
  jobs.forEach(j => j.done.catch(() => undefined));
  const results: { q: Outcome[]; e: Outcome[] }[] = [];
  for (let i = 0; i < progs.length; i++) {
    emu.load(progs[i]);
    const e = progs[i].blocks.map(b => emu.runBlock(b, mode));
    results.push({ q: [], e });
  }
  for (let i = 0; i < progs.length; i++) results[i].q = await jobs[i].done;
  return results;
}

// ---------------------------------------------------------------- comparison / report

export const hex64 = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');
const flagsStr = (v: number) => ['N', 'Z', 'C', 'V'].map((f, i) => ((v >>> (31 - i)) & 1 ? f : f.toLowerCase())).join('');

function rd64(b: Uint8Array, off: number): bigint { return Buffer.from(b.buffer, b.byteOffset, b.byteLength).readBigUInt64LE(off); }

export function diffRecords(q: Uint8Array, e: Uint8Array): string[] {
  const lines: string[] = [];
  for (let r = 0; r <= 30; r++) {
    const a = rd64(q, SCRATCH_SIZE + 8 * r), b = rd64(e, SCRATCH_SIZE + 8 * r);
    if (a !== b) lines.push(`x${r}: qemu=${hex64(a)} emu=${hex64(b)}`);
  }
  const sa = rd64(q, DUMP_SP), sb = rd64(e, DUMP_SP);
  if (sa !== sb) lines.push(`sp: qemu=${hex64(sa)} emu=${hex64(sb)}`);
  const fa = Number(rd64(q, DUMP_NZCV)), fb = Number(rd64(e, DUMP_NZCV));
  if (fa !== fb) lines.push(`nzcv: qemu=${flagsStr(fa)} emu=${flagsStr(fb)}${(fb & 0x0fffffff) !== 0 ? ` (emu raw 0x${fb.toString(16)})` : ''}`);
  let chunks = 0, total = 0;
  for (let c = 0; c < SCRATCH_SIZE; c += 8) {
    let differs = false;
    for (let i = c; i < c + 8; i++) if (q[i] !== e[i]) { differs = true; total++; }
    if (!differs) continue;
    if (chunks++ < 12) {
      const bytes = (x: Uint8Array) => Array.from(x.subarray(c, c + 8), (v, i) => (q[c + i] === e[c + i] ? '..' : v.toString(16).padStart(2, '0'))).join(' ');
      lines.push(`mem[scratch+0x${c.toString(16).padStart(3, '0')}]: qemu=${bytes(q)}  emu=${bytes(e)}`);
    }
  }
  if (chunks > 12) lines.push(`... ${chunks - 12} more differing 8-byte chunks (${total} bytes in all)`);
  return lines;
}

let objdumpOk: boolean | undefined;
export function disassemble(words: number[], addr: number): string[] {
  if (words.length === 0) return [];
  if (objdumpOk === undefined) objdumpOk = !spawnSync(OBJDUMP, ['--version']).error;
  const fallback = () => words.map((w, i) => `${(addr + 4 * i).toString(16)}: ${(w >>> 0).toString(16).padStart(8, '0')}`);
  if (!objdumpOk) return fallback();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-dis-'));
  try {
    const f = path.join(dir, 'w.bin');
    const b = Buffer.alloc(words.length * 4);
    words.forEach((w, i) => b.writeUInt32LE(w >>> 0, 4 * i));
    fs.writeFileSync(f, b);
    const r = spawnSync(OBJDUMP, ['-D', '-b', 'binary', '-m', 'aarch64', `--adjust-vma=0x${addr.toString(16)}`, f], { encoding: 'utf8' });
    const lines = r.stdout.split('\n').filter(l => /^\s+[0-9a-f]+:\t/.test(l)).map(l => l.replace(/^\s+/, '').replace(/\t/g, ' ').replace(/\s+\/\/.*$/, ''));
    return lines.length === words.length ? lines : fallback();
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

// ---------------------------------------------------------------- driver

export interface DiffOptions {
  seed: number;
  count: number;
  classes: readonly ClassName[];
  /** Only compare this sequence index (still generates the ones before it). */
  only?: number;
  batchSize?: number;
  maxReported?: number;
  maxBisect?: number;
  /** 'auto' (default): run blocks completely in the emulator unless the harness check fails. */
  mode?: EmuMode | 'auto';
}

export interface Failure {
  index: number;
  seq: Sequence;
  q: Outcome;
  e: Outcome;
  /** Word index of the first instruction after which the states differ (from bisection). */
  culprit?: number;
  culpritClass: string;
  /** Where the emulator's exception / JS error happened: body word index, or a note. */
  excWhere?: { index: number } | { note: string };
}

export interface DiffResult {
  sequences: number;
  instructions: number;
  classes: number;
  failures: Failure[];
  infraBroken: string | undefined;
  mode: EmuMode;
  report: string;
}

export async function runDifferential(opts: DiffOptions): Promise<DiffResult> {
  const batchSize = opts.batchSize ?? 1000, maxReported = opts.maxReported ?? 20, maxBisect = opts.maxBisect ?? 3000;
  const rng = new Rng(opts.seed);
  const image = makeImage(rng);
  let seqs: { seq: Sequence; index: number }[] = [];
  for (let i = 0; i < opts.count; i++) seqs.push({ seq: generateSequence(rng, opts.classes), index: i });
  if (opts.only !== undefined) seqs = seqs.filter(s => s.index === opts.only);

  const emu = await Emulator.create();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmscope-diff-'));
  try {
    // Harness check: blocks with an empty body, run completely in the emulator. If they differ, the
    // prologue/epilogue instructions themselves are broken in the emulator; then (in 'auto' mode)
    // the sequences are compared with the state injected from JavaScript instead.
    let infraBroken: string | undefined;
    let mode: EmuMode = opts.mode === 'inject' ? 'inject' : 'full';
    if (opts.mode !== 'inject' && seqs.length) {
      const specs = seqs.slice(0, 4).map(s => ({ seq: s.seq, words: 0, tag: -1 }));
      const prog = buildProgram(specs, image);
      const [{ q, e }] = await runBoth(emu, [prog], dir, 'infra', 'full');
      for (let i = 0; i < specs.length && !infraBroken; i++) {
        if (sameOutcome(q[i], e[i])) continue;
        if (q[i].problem) throw new Error(`qemu-aarch64 failed to run the harness program: ${q[i].problem}`);
        let where = '';
        const elr = e[i].elr;
        if (elr !== undefined && elr >= BASE && elr < BASE + prog.segment.length - 3) {
          const w = new DataView(prog.segment.buffer, prog.segment.byteOffset).getUint32(elr - BASE, true);
          where = ` at harness instruction ${disassemble([w], elr)[0]}`;
        }
        infraBroken = (e[i].problem ?? diffRecords(q[i].out!, e[i].out!).slice(0, 6).join('; ')) + where;
      }
      if (infraBroken && opts.mode !== 'full') mode = 'inject';
    }
    const progs: Program[] = [];
    for (let i = 0; i < seqs.length; i += batchSize) {
      const specs = seqs.slice(i, i + batchSize).map(s => ({ seq: s.seq, words: flatten(s.seq).words.length, tag: s.index }));
      progs.push(buildProgram(specs, image));
    }
    const res = await runBoth(emu, progs, dir, 'main', mode);
    const failures: Failure[] = [];
    let instructions = 0;
    const classSeen = new Set<string>();
    const perPrimary = new Map<string, { n: number; bad: number }>();
    let k = 0;
    res.forEach(({ q, e }, pi) => {
      progs[pi].blocks.forEach((b, bi) => {
        const s = seqs[k++];
        instructions += b.body.length;
        b.bodyCls.forEach(c => classSeen.add(c));
        const pc = perPrimary.get(s.seq.primary) ?? { n: 0, bad: 0 };
        pc.n++;
        perPrimary.set(s.seq.primary, pc);
        if (!sameOutcome(q[bi], e[bi])) {
          pc.bad++;
          const f: Failure = { index: s.index, seq: s.seq, q: q[bi], e: e[bi], culpritClass: s.seq.primary };
          const elr = e[bi].elr;
          if (elr !== undefined) {
            const i = (elr - b.bodyStart) / 4;
            f.excWhere = i >= 0 && i < b.body.length ? { index: i }
              : { note: `exception address 0x${elr.toString(16)} is ${elr < b.bodyStart ? 'in the prologue' : 'in the epilogue'} (block +0x${(elr - b.start).toString(16)}, body starts at +0x${(b.bodyStart - b.start).toString(16)})` };
          }
          failures.push(f);
        }
      });
    });

    // Bisection over the cut points of each failing sequence (binary search, all sequences of a
    // round in one program): finds a prefix that matches QEMU followed by one that does not; the
    // instruction in between is the culprit. The empty prefix is taken to match.
    const toBisect = failures.filter(f => !f.q.problem).slice(0, maxBisect);
    if (toBisect.length) {
      const state = toBisect.map(f => { const cuts = cutPoints(f.seq); return { f, cuts, lo: -1, hi: cuts.length - 1 }; });
      for (let round = 0; ; round++) {
        const active = state.filter(st => st.hi - st.lo > 1);
        if (!active.length) break;
        const specs: BlockSpec[] = active.map(st => ({ seq: st.f.seq, words: st.cuts[(st.lo + st.hi) >> 1], tag: st.f.index }));
        const bprogs: Program[] = [];
        for (let i = 0; i < specs.length; i += batchSize) bprogs.push(buildProgram(specs.slice(i, i + batchSize), image));
        const bres = await runBoth(emu, bprogs, dir, `bisect${round}-`, mode);
        let j = 0;
        bres.forEach(({ q, e }) => q.forEach((_, bi) => {
          const st = active[j++];
          const mid = (st.lo + st.hi) >> 1;
          if (q[bi].problem) { st.lo = st.hi = -2; return; } // give up on this one
          if (sameOutcome(q[bi], e[bi])) st.lo = mid; else st.hi = mid;
        }));
      }
      for (const st of state) if (st.hi >= 0) st.f.culprit = st.cuts[st.hi] - 1;
      // A culprit right after a branch is ambiguous (the cut cannot separate a branch from the word it
      // skips): rerun with the branch replaced by a neutral ADD X28, X28, #0; if that still differs,
      // the skipped instruction is at fault, otherwise the branch.
      const ambiguous = toBisect.filter(f => f.culprit !== undefined && f.culprit > 0 && flatten(f.seq).cls[f.culprit! - 1] === 'branch');
      const branchBlamed = new Set<Failure>();
      if (ambiguous.length) {
        const NEUTRAL = 0x9100039c;
        const aspecs = ambiguous.map(f => ({ seq: f.seq, words: f.culprit! + 1, tag: f.index, patch: new Map([[f.culprit! - 1, NEUTRAL]]) }));
        const aprogs: Program[] = [];
        for (let i = 0; i < aspecs.length; i += batchSize) aprogs.push(buildProgram(aspecs.slice(i, i + batchSize), image));
        const ares = await runBoth(emu, aprogs, dir, 'branch', mode);
        let j = 0;
        ares.forEach(({ q, e }) => q.forEach((_, bi) => {
          const f = ambiguous[j++];
          if (!q[bi].problem && sameOutcome(q[bi], e[bi])) { branchBlamed.add(f); f.culprit = f.culprit! - 1; }
        }));
      }
      for (const f of toBisect) if (f.culprit !== undefined) f.culpritClass = branchBlamed.has(f) ? 'branch' : flatten(f.seq).cls[f.culprit];
    }
    for (const f of failures) if (f.q.problem) f.culpritClass = 'qemu-crash (generator bug)';

    const r = { sequences: seqs.length, instructions, classes: classSeen.size, failures, infraBroken, mode };
    return { ...r, report: formatReport(opts, r, perPrimary, maxReported, toBisect.length) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function formatReport(opts: DiffOptions, r: Omit<DiffResult, 'report'>, perPrimary: Map<string, { n: number; bad: number }>,
  maxReported: number, bisected: number): string {
  const L: string[] = [];
  const summary = `compared ${r.sequences} sequences, ${r.instructions} instructions, ${r.classes} classes` +
    ` (seed ${opts.seed}${opts.classes.length !== CLASSES.length ? `, classes ${opts.classes.join(',')}` : ''}, emulator ${r.mode === 'full' ? 'runs whole blocks' : 'runs bodies only, state injected'})` +
    (r.failures.length ? `: ${r.failures.length} differ` : ': all match');
  if (r.infraBroken) {
    L.push(`!! HARNESS CHECK FAILED: a sequence with an empty body already differs, i.e. the emulator gets the harness`);
    L.push(`   prologue/epilogue wrong (CLREX, ADR, LDR/STR imm and register offset, MOVZ, ADD/SUBS imm, B.cond, MSR/MRS NZCV, SVC):`);
    L.push(`   ${r.infraBroken}`);
    if (r.mode === 'inject') L.push(`   Falling back to injecting the initial state from JavaScript and running only the sequence bodies.`);
    L.push('');
  }
  if (r.failures.length === 0) { L.push(summary); return L.join('\n'); }
  L.push(`${r.failures.length} differing sequences (>> marks the culprit: the instruction after which the state first differs, found by bisecting prefixes; bisected ${bisected}${bisected < r.failures.length ? `, the rest attributed to their sequence's class` : ''})`);
  // Per-class summary
  const byCulprit = new Map<string, Failure[]>();
  for (const f of r.failures) { const a = byCulprit.get(f.culpritClass) ?? []; a.push(f); byCulprit.set(f.culpritClass, a); }
  L.push('');
  L.push('class            single-class seqs  failing   failures blamed on class');
  const keys = new Set<string>([...perPrimary.keys(), ...byCulprit.keys()]);
  for (const c of [...CLASSES, 'mixed', ...[...keys].filter(k => !(CLASSES as readonly string[]).includes(k) && k !== 'mixed')]) {
    if (!keys.has(c)) continue;
    const p = perPrimary.get(c), b = byCulprit.get(c)?.length ?? 0;
    L.push(`${c.padEnd(16)} ${String(p?.n ?? '-').padStart(17)}  ${String(p?.bad ?? '-').padStart(7)}   ${String(b).padStart(7)}`);
  }
  // Examples: round-robin over culprit classes, then grouped by class.
  const groups = [...byCulprit.entries()];
  const chosen = new Map<string, Failure[]>();
  let picked = 0;
  for (let round = 0; picked < maxReported; round++) {
    let any = false;
    for (const [c, fs_] of groups) {
      if (round < fs_.length && picked < maxReported) { any = true; picked++; (chosen.get(c) ?? chosen.set(c, []).get(c)!).push(fs_[round]); }
    }
    if (!any) break;
  }
  const reproEnv = (f: Failure) => `REALMSCOPE_DIFF_SEED=${opts.seed} REALMSCOPE_DIFF_ONLY=${f.index}` +
    (opts.classes.length !== CLASSES.length ? ` REALMSCOPE_DIFF_CLASS=${opts.classes.join(',')}` : '');
  for (const [c, fs_] of chosen) {
    L.push('');
    L.push(`==== ${c}: ${byCulprit.get(c)!.length} differing sequences, showing ${fs_.length}`);
    for (const f of fs_) {
      const { words, cls } = flatten(f.seq);
      L.push('');
      L.push(`-- seed ${opts.seed} sequence #${f.index} (${f.seq.primary}, ${words.length} instructions); reproduce: ${reproEnv(f)}`);
      if (f.q.problem) L.push(`   ${f.q.problem}`);
      if (f.e.problem) L.push(`   ${f.e.problem}`);
      // Disassembly (addresses as laid out in the program: relative +0 = first body word)
      const dis = disassemble(words, 0);
      const excIdx = f.excWhere && 'index' in f.excWhere ? f.excWhere.index : -1;
      if (f.excWhere && 'note' in f.excWhere) L.push(`   ${f.excWhere.note}`);
      dis.forEach((line, i) => {
        const mark = i === excIdx ? '!!' : i === f.culprit ? '>>' : '  ';
        L.push(`   ${mark} ${String(i).padStart(2)} ${line.replace(/^[0-9a-f]+: /, '').padEnd(60)} ${cls[i]}`);
      });
      if (f.q.out && f.e.out) for (const d of diffRecords(f.q.out, f.e.out)) L.push(`   ${d}`);
      L.push(`   initial: ${f.seq.regs.map((v, i) => i === 28 ? 'x28=<scratch>' : `x${i}=${hex64(v)}`).join(' ').replace(/((?:\S+ ){4})/g, '$1\n            ').trimEnd()}`);
      L.push(`            sp=${hex64(f.seq.sp)} nzcv=${flagsStr(f.seq.nzcv)} scratch=image+0x${f.seq.imageOffset.toString(16)}`);
    }
  }
  L.push('');
  L.push(summary);
  return L.join('\n');
}

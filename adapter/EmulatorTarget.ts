// DebugTarget over the embedded emulator: builds the board from a launch configuration, runs it
// with the Runner, and turns CPU stops (breakpoints, watchpoints, exceptions) into debugger stops,
// applying conditions, hit counts and logpoints here.

import * as fs from 'fs';
import * as path from 'path';
import { VirtBoard, Runner, readImage, Cpu, walkStage1, readTable as readTranslationTable, PeImageLocator } from '../emulator';
import type { WalkResult, WalkStep, LoadedImage, WatchpointHit } from '../emulator';
import type { LaunchConfig } from './launchConfig';
import type { DebugTarget, ResumeResult, StepKind, StopInfo, BreakpointRequest, DataBreakpointRequest, ExceptionFilterRequest, AddressSpace } from './DebugTarget';
import { ProgramInfo } from './ProgramInfo';
import { isCallInstruction } from './stack';
import { ubootRelocationWatches, RelocationWatch } from './ubootRelocation';
import { evaluateExpression, EvalContext } from './expressions';
import { registerByName } from './registers';
import { describeException, hex } from './describe';
import { psciName } from '../emulator';
import { RSI, rsiCommandName, describeRsiArguments } from '../emulator';
import type { RealmEvent } from '../emulator';

const RSI_COMMANDS = Object.entries(RSI).map(([k, v]) => [`RSI_${k}`, v] as [string, number]);

/** Exception breakpoint filters, declared at `initialize` (VS Code ignores later changes). */
export const EXCEPTION_FILTERS = [
  { filter: 'exception', label: 'Synchronous exception (any)', description: 'Stop at the vector when any synchronous exception is taken', supportsCondition: true, conditionDescription: 'e.g. ec == 0x25' },
  { filter: 'abort', label: 'Data or instruction abort', description: 'Stop when a data abort or an instruction abort is taken', default: true, supportsCondition: true },
  { filter: 'svc', label: 'SVC', description: 'Stop when an SVC is taken', supportsCondition: true, conditionDescription: 'e.g. x8 == 64' },
  { filter: 'hvc', label: 'HVC', description: 'Stop at an HVC before it executes', supportsCondition: true, conditionDescription: 'e.g. x0 == 0x84000008' },
  { filter: 'smc', label: 'SMC', description: 'Stop at an SMC before it executes', supportsCondition: true, conditionDescription: 'e.g. x0 == 0xc4000190' },
  { filter: 'psci', label: 'PSCI call', description: 'Stop at a PSCI call (HVC or SMC with a PSCI function ID in x0) before it executes', supportsCondition: true },
  { filter: 'irq', label: 'IRQ/FIQ taken', description: 'Stop at the vector when an interrupt is taken', supportsCondition: true },
  // Realm filters (active when the program runs as a Realm).
  { filter: 'rsi', label: 'RSI call (any)', description: 'Stop at an RSI call before it executes (the Realm)', supportsCondition: true, conditionDescription: 'e.g. x0 == 0xc4000197' },
  ...RSI_COMMANDS.map(([name, fid]) => ({ filter: `rsi:${name}`, label: name, description: `Stop at ${name} (function ID 0x${fid.toString(16)}) before it executes`, supportsCondition: true })),
  { filter: 'realm-sea', label: 'Synchronous external abort injected by the RMM', description: 'Stop at the vector when the RMM injects an SEA into the Realm', supportsCondition: true },
  { filter: 'rec-exit-mmio', label: 'REC exit: emulated MMIO', description: 'Stop after an access the host emulates (unprotected IPA)', supportsCondition: true },
  { filter: 'ripas-change', label: 'RIPAS change', description: 'Stop after the host has answered an RSI_IPA_STATE_SET', supportsCondition: true },
  { filter: 'stage2-fault', label: 'Stage-2 fault', description: 'Stop after a stage-2 fault the host handled (protected RAM backed on demand, shared page mapped)', supportsCondition: true },
];

const RSI_RANGE = (fn: number) => fn >= 0xc4000190 && fn <= 0xc40001af;

const PSCI_RANGE = (fn: number) => (fn >= 0x84000000 && fn <= 0x8400001f) || (fn >= 0xc4000000 && fn <= 0xc400001f);

interface UserBreakpoint extends BreakpointRequest { hits: number; }

export class EmulatorTarget implements DebugTarget {
  board!: VirtBoard;
  runner!: Runner;
  readonly program = new ProgramInfo();
  /** PE/TE images (EDK2's drivers) found in guest memory, for code without ELF symbols. */
  readonly images = new PeImageLocator((a, n) => this.cpu.debugRead(a, n));
  /** Console output of the guest (UART, semihosting). */
  onOutput: (text: string) => void = () => {};
  /** Messages for the debug console (logpoints, notices). */
  onLog: (text: string) => void = () => {};

  private config!: LaunchConfig;
  private image!: LoadedImage;
  private bps = new Map<bigint, UserBreakpoint[]>();
  private tempBps: bigint[] = [];
  /** The debugger's own breakpoints (ubootRelocation.ts): never reported, they act and go on. */
  private relocationWatches = new Map<bigint, RelocationWatch>();
  private dataBps: DataBreakpointRequest[] = [];
  private filters = new Map<string, ExceptionFilterRequest>();
  private pendingStop?: StopInfo;
  /** PC of an HVC/SMC whose filter already stopped us: let it run on resume. */
  private hookSkipPc?: bigint;
  private terminated = false;

  get cpu(): Cpu { return this.board.cpu; }

  launch(config: LaunchConfig): void {
    this.config = config;
    this.program.sourceRoot = config.cwd;
    const bytes = new Uint8Array(fs.readFileSync(config.program));
    this.image = readImage(bytes, path.basename(config.program), config.format);
    if (config.followRelocation) {
      this.program.onChange(() => {
        this.relocationWatches = new Map(ubootRelocationWatches(this.program).map(w => [w.address, w]));
        this.applyBreakpoints();
      });
    }
    if (this.image.format === 'elf') this.warn(this.program.addElf(bytes, config.program, 0n));
    for (const s of config.symbols) this.warn(this.program.addElfFile(s.path, s.offset));
    this.createBoard();
  }

  /** An address as stop descriptions show it: `0x... <symbol+off>`, or `<Module.dll+off>` in an
   *  EDK2 image without symbols. */
  private where(pc: bigint): string {
    const name = this.program.symbolName(pc) ?? this.images.describe(pc);
    return `${hex(pc)}${name ? ` <${name}>` : ''}`;
  }

  private warn(warnings: string[]): void {
    for (const w of warnings) this.onLog(`debug information: ${w}\n`);
  }

  /** At U-Boot's relocate_code: loads its symbols again for the copy it is about to make. */
  private followRelocation(pc: bigint): void {
    const w = this.relocationWatches.get(pc);
    if (!w) return;
    const dest = this.cpu.getX(0), offset = w.copyOffset(dest);
    if (this.program.files.some(f => f.path === w.file.path && f.offset === offset)) return;
    this.onLog(`U-Boot relocates itself to ${hex(dest)}: loading the symbols of ${path.basename(w.file.path)} again at offset ${hex(offset)} ("followRelocation")\n`);
    this.warn(this.program.addElfFile(w.file.path, offset));
  }

  private createBoard(): void {
    const c = this.config;
    this.board = new VirtBoard({ ramSize: c.ram, cmdline: c.cmdline, realm: c.realm === false ? undefined : c.realm });
    this.board.load(this.image, {
      loadAddress: c.loadAddress,
      dtb: c.dtb ? new Uint8Array(fs.readFileSync(c.dtb)) : undefined,
      initrd: c.initrd ? new Uint8Array(fs.readFileSync(c.initrd)) : undefined,
    });
    this.board.onConsoleOutput = b => this.onOutput(Buffer.from(b).toString('latin1'));
    this.runner = new Runner(this.board);
    this.installHooks();
    this.applyBreakpoints();
    this.cpu.setWatchpoints(this.dataBps.map(d => ({ address: d.address, length: d.length, space: d.space, access: d.access })));
  }

  private installHooks(): void {
    const cpu = this.cpu;
    cpu.hooks.onException = (c, ec, offset) => this.onException(c, ec, offset);
    if (this.board.realm) this.board.realm.onEvent = e => this.onRealmEvent(e);
    for (const kind of ['hvc', 'smc'] as const) {
      const orig = cpu.hooks[kind];
      cpu.hooks[kind] = (c, imm) => {
        const pc = BigInt.asUintN(64, (BigInt(c.curHi >>> 0) << 32n) | BigInt(c.curLo >>> 0));
        if (this.hookSkipPc === pc) { this.hookSkipPc = undefined; }
        else {
          const fn = c.r[0] >>> 0;
          const rsiName = kind === 'smc' && this.board.realm ? rsiCommandName((fn & ~0x10000) >>> 0) : undefined;
          const f = (rsiName ? this.filters.get(`rsi:${rsiName}`) ?? this.filters.get('rsi') : undefined) ??
            this.filters.get(kind) ?? (PSCI_RANGE(fn) ? this.filters.get('psci') : undefined);
          if (f && this.conditionHolds(f.condition)) {
            // Stop before the call executes: rewind to the instruction so its arguments are visible.
            c.pcLo = c.curLo; c.pcHi = c.curHi;
            const what = rsiName ? `${rsiName}(${describeRsiArguments(fn, i => c.getX(i))})` : RSI_RANGE(fn) ? `RSI call 0x${fn.toString(16)}` :
              PSCI_RANGE(fn) ? `PSCI ${psciName(fn) ?? 'call'} (x0=0x${fn.toString(16)})` : `${kind.toUpperCase()} #0x${imm.toString(16)} (x0=0x${fn.toString(16)})`;
            this.pendingStop = { kind: 'exception', description: `${what} at ${hex(pc)}` };
            this.hookSkipPc = pc;
            c.stop('exception');
            return true;
          }
        }
        return orig ? orig(c, imm) : false;
      };
    }
  }

  /** Realm events that stop the guest when their filter is on (after the event). */
  private onRealmEvent(e: RealmEvent): void {
    let f: ExceptionFilterRequest | undefined;
    let description = '';
    switch (e.kind) {
      case 'abort-injected': f = this.filters.get('realm-sea'); description = `Synchronous external abort injected by the RMM: ${e.reason} (ESR_EL1 ${hex(e.esr, 8)}, FAR_EL1 ${hex(e.va)})`; break;
      case 'rec-exit':
        if (e.reason.includes('MMIO')) { f = this.filters.get('rec-exit-mmio'); description = `REC exit, emulated MMIO: ${e.detail}`; }
        else if (e.reason.includes('fault')) { f = this.filters.get('stage2-fault'); description = `Stage-2 fault: ${e.detail}`; }
        break;
      case 'ripas-change': f = this.filters.get('ripas-change'); description = `RIPAS change [0x${e.base.toString(16)}, 0x${e.top.toString(16)}) -> ${e.ripas}: host changed up to 0x${e.reached.toString(16)}, ${e.response.toUpperCase()}`; break;
      case 'fatal': this.pendingStop = { kind: 'exception', description: `The Realm cannot continue: ${e.reason}` }; return;
      default: return;
    }
    if (!f || !this.conditionHolds(f.condition)) return;
    this.pendingStop = { kind: 'exception', description };
    this.cpu.stop('exception');
  }

  private onException(cpu: Cpu, ec: number, offset: number): void {
    const sys = cpu.sys;
    let f: ExceptionFilterRequest | undefined;
    let description: string;
    if (ec < 0) {
      f = this.filters.get('irq');
      description = `${(offset & 0x180) === 0x80 ? 'IRQ' : 'FIQ'} taken to VBAR_EL1+0x${offset.toString(16)}, interrupted at ${hex(sys.elr)}`;
    } else {
      if (ec === 0x20 || ec === 0x21 || ec === 0x24 || ec === 0x25) f = this.filters.get('abort');
      if (!f && ec === 0x15) f = this.filters.get('svc');
      if (!f) f = this.filters.get('exception');
      description = describeException(ec, sys.esr, sys.far, sys.elr);
    }
    if (!f || !this.conditionHolds(f.condition, ec)) return;
    this.pendingStop = { kind: 'exception', description };
    cpu.stop('exception');
  }

  private evalContext(extra?: Record<string, bigint>): EvalContext {
    return {
      register: name => extra?.[name] ?? registerByName(this.cpu, name),
      symbol: name => this.program.addressOf(name),
      read: (addr, size) => {
        const b = this.cpu.debugRead(addr, size);
        if (!b) return undefined;
        let v = 0n;
        for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        return v;
      },
    };
  }

  evaluate(expr: string): bigint { return evaluateExpression(expr, this.evalContext()); }

  private conditionHolds(cond: string | undefined, ec?: number): boolean {
    if (!cond || !cond.trim()) return true;
    try {
      return evaluateExpression(cond, this.evalContext(ec !== undefined ? { ec: BigInt(ec) } : undefined)) !== 0n;
    } catch (e) {
      this.onLog(`condition "${cond}": ${(e as Error).message}; stopping\n`);
      return true;
    }
  }

  // ---------------- breakpoints ----------------

  setBreakpoints(list: BreakpointRequest[]): void {
    const old = new Map<number, number>();
    for (const arr of this.bps.values()) for (const b of arr) old.set(b.id, b.hits);
    this.bps.clear();
    for (const b of list) {
      const a = BigInt.asUintN(64, b.address);
      const arr = this.bps.get(a) ?? [];
      arr.push({ ...b, address: a, hits: old.get(b.id) ?? 0 });
      this.bps.set(a, arr);
    }
    this.applyBreakpoints();
  }

  private applyBreakpoints(): void {
    if (!this.board) return;
    this.cpu.setBreakpoints([...this.bps.keys(), ...this.tempBps, ...this.relocationWatches.keys()]);
  }

  setDataBreakpoints(list: DataBreakpointRequest[]): void {
    this.dataBps = list.slice();
    if (this.board) this.cpu.setWatchpoints(list.map(d => ({ address: d.address, length: d.length, space: d.space, access: d.access })));
  }

  setExceptionFilters(list: ExceptionFilterRequest[]): void {
    this.filters.clear();
    for (const f of list) this.filters.set(f.filter, f);
  }

  // ---------------- execution ----------------

  pause(): void { this.runner.pause(); }

  terminate(): void { this.terminated = true; this.runner?.pause(); }

  async restart(): Promise<void> {
    for (const arr of this.bps.values()) for (const b of arr) b.hits = 0;
    this.createBoard();
  }

  /** Runs until something stops the guest. */
  async resume(kind: StepKind): Promise<ResumeResult> {
    this.images.clear(); // the guest may load, move or free images while it runs
    switch (kind) {
      case 'continue': return this.runUntilStop();
      case 'instruction': return this.stepInstruction();
      case 'instructionOver': return this.stepInstructionOver();
      case 'out': return this.stepOut();
      case 'line': return this.stepLine(false);
      case 'lineOver': return this.stepLine(true);
    }
  }

  private exitResult(): ResumeResult {
    const st = this.board.exitStatus!;
    const reason = st.kind === 'poweroff' ? 'PSCI SYSTEM_OFF' : st.kind === 'semihosting-exit' ? `semihosting exit ${st.code}` :
      st.kind === 'realm-error' ? `the Realm stopped: ${this.board.realm?.fatal ?? 'error'}` : st.kind;
    return { exited: { code: st.code, reason } };
  }

  private async stepInstruction(): Promise<ResumeResult> {
    const cpu = this.cpu;
    this.pendingStop = undefined;
    cpu.resumeFromBreakpoint();
    this.runner.clearPause();
    // In WFI the step lasts until the core wakes: guest time runs on as in a continue until the
    // interrupt is taken (the step then stops at the vector). A pause ends the wait.
    for (;;) {
      const why = cpu.run(1);
      this.board.poll();
      if (why !== 'wfi' || this.board.exitStatus) break;
      if (this.runner.pausePending || this.terminated) return { stopped: { kind: 'pause', description: `Paused in WFI at ${hex(cpu.getPC())}` } };
      await this.runner.idleUntilNextEvent();
    }
    if (this.board.exitStatus) return this.handleExit();
    this.followRelocation(cpu.getPC());
    if (this.pendingStop) { const s = this.pendingStop; this.pendingStop = undefined; return { stopped: s }; }
    return { stopped: { kind: 'step', description: 'Stepped one instruction' } };
  }

  private handleExit(): ResumeResult {
    if (this.board.exitStatus?.kind === 'reset') {
      this.onLog('guest requested a system reset: restarting from the reset state\n');
      this.createBoard();
      return { stopped: { kind: 'entry', description: 'System reset' } };
    }
    return this.exitResult();
  }

  /** The instruction word at the PC, if readable. */
  private insnAtPc(): number | undefined {
    const b = this.cpu.debugRead(this.cpu.getPC(), 4);
    return b ? (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0 : undefined;
  }

  private async stepInstructionOver(): Promise<ResumeResult> {
    if (!isCallInstruction(this.insnAtPc())) return this.stepInstruction();
    return this.runToReturn(this.cpu.getPC() + 4n, this.cpu.getSP());
  }

  /** Runs until `address` is reached with SP at or above `sp` (the same or an outer frame). */
  private async runToReturn(address: bigint, sp: bigint): Promise<ResumeResult> {
    for (;;) {
      this.tempBps = [address];
      this.applyBreakpoints();
      const res = await this.runUntilStop(true);
      this.tempBps = [];
      this.applyBreakpoints();
      if ('exited' in res) return res;
      if (res.stopped.kind === 'step' && this.cpu.getSP() < sp) continue; // a deeper recursion reached it
      return res;
    }
  }

  private async stepOut(): Promise<ResumeResult> {
    // The return address: from the frame record when the function has one (x29 points into the
    // stack below the caller's frame), else the link register.
    const cpu = this.cpu;
    const sp = cpu.getSP();
    const caller = this.program.unwind(cpu.getPC(), n => n === 31 ? cpu.getSP() : cpu.getX(n), a => this.read64(a), false);
    const ret = caller?.pc ?? cpu.getX(30);
    return this.runToReturn(ret, sp + 1n);
  }

  private read64(a: bigint): bigint | undefined {
    const b = this.cpu.debugRead(a, 8);
    if (!b) return undefined;
    return new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);
  }

  private async stepLine(over: boolean): Promise<ResumeResult> {
    const start = this.program.lineAt(this.cpu.getPC());
    if (!start) return over ? this.stepInstructionOver() : this.stepInstruction();
    // Step instructions until the source line changes (stepping over calls for `next`).
    for (let i = 0; i < 100000; i++) {
      const res = over ? await this.stepInstructionOver() : await this.stepInstruction();
      if ('exited' in res || res.stopped.kind !== 'step') return res;
      const here = this.program.lineAt(this.cpu.getPC());
      if (!here) { if (over) continue; return { stopped: { kind: 'step', description: 'Stepped into code without line information' } }; }
      if (here.line !== start.line || here.path !== start.path) return { stopped: { kind: 'step', description: `Stepped to ${path.basename(here.path)}:${here.line}` } };
    }
    return { stopped: { kind: 'step', description: 'Step stopped after 100000 instructions on the same line' } };
  }

  private async runUntilStop(internal = false): Promise<ResumeResult> {
    const cpu = this.cpu;
    for (;;) {
      if (this.terminated) return { exited: { code: 0, reason: 'terminated' } };
      this.pendingStop = undefined;
      cpu.watchpointHit = undefined;
      cpu.resumeFromBreakpoint();
      const res = await this.runner.run();
      switch (res.reason) {
        case 'exit': {
          const r = this.handleExit();
          if ('stopped' in r) { if (internal) return r; continue; }
          return r;
        }
        case 'paused': return { stopped: { kind: 'pause', description: `Paused at ${this.where(cpu.getPC())}` } };
        case 'exception':
          if (this.pendingStop) return { stopped: this.pendingStop };
          continue;
        case 'watchpoint': {
          const h = cpu.watchpointHit as WatchpointHit | undefined;
          if (!h) continue;
          const ids = this.dataBps.filter(d => d.address === h.watchpoint.address && d.length === h.watchpoint.length).map(d => d.id);
          return { stopped: { kind: 'data breakpoint', hitBreakpointIds: ids,
            description: `${h.write ? 'Write' : 'Read'} of ${h.size} byte${h.size > 1 ? 's' : ''} at ${hex(h.va)} (physical ${hex(h.pa, 8)}) by the instruction at ${hex(h.pc)}` } };
        }
        case 'breakpoint': {
          const pc = cpu.getPC();
          this.followRelocation(pc);
          if (this.tempBps.includes(pc)) return { stopped: { kind: 'step', description: `Stepped to ${hex(pc)}` } };
          const stop = this.checkUserBreakpoints(pc);
          if (stop) return { stopped: stop };
          continue; // condition false, hit count not reached, or a logpoint
        }
        default: continue;
      }
    }
  }

  private checkUserBreakpoints(pc: bigint): StopInfo | undefined {
    const list = this.bps.get(pc);
    if (!list) return undefined;
    const hit: UserBreakpoint[] = [];
    for (const b of list) {
      if (!this.conditionHolds(b.condition)) continue;
      b.hits++;
      if (b.hitCondition && !hitConditionHolds(b.hitCondition, b.hits)) continue;
      if (b.logMessage !== undefined) { this.onLog(this.formatLogMessage(b.logMessage) + '\n'); continue; }
      hit.push(b);
    }
    if (hit.length === 0) return undefined;
    const kind = hit[0].kind === 'function' ? 'function breakpoint' : hit[0].kind === 'instruction' ? 'instruction breakpoint' : 'breakpoint';
    return { kind, hitBreakpointIds: hit.map(b => b.id), description: `Breakpoint at ${this.where(pc)}` };
  }

  /** Logpoint messages interpolate {expression} in hexadecimal. */
  private formatLogMessage(msg: string): string {
    return msg.replace(/\{([^}]+)\}/g, (_, e: string) => {
      try { return '0x' + this.evaluate(e).toString(16); } catch (err) { return `<${(err as Error).message}>`; }
    });
  }

  // ---------------- memory and translation ----------------

  readMemory(address: bigint, length: number, space: AddressSpace): { data: Uint8Array; readable: number } {
    const data = new Uint8Array(length);
    let readable = 0;
    // Page by page: stop at the first unreadable page (MMIO is never read: reads have side effects).
    while (readable < length) {
      const a = BigInt.asUintN(64, address + BigInt(readable));
      const n = Math.min(length - readable, 4096 - Number(a & 0xfffn));
      const chunk = space === 'virtual' ? this.cpu.debugRead(a, n) : this.board.mem.readBytes(Number(a), n);
      if (!chunk) break;
      data.set(chunk, readable);
      readable += n;
    }
    return { data, readable };
  }

  writeMemory(address: bigint, data: Uint8Array, space: AddressSpace): number {
    let done = 0;
    while (done < data.length) {
      const a = BigInt.asUintN(64, address + BigInt(done));
      const n = Math.min(data.length - done, 4096 - Number(a & 0xfffn));
      if (space === 'virtual') { if (!this.cpu.debugWrite(a, data.subarray(done, done + n))) break; }
      else { try { this.board.mem.writeBytes(Number(a), data.subarray(done, done + n)); } catch { break; } }
      done += n;
    }
    return done;
  }

  walk(va: bigint): WalkResult {
    const mem = this.board.mem;
    return walkStage1(this.cpu.translationRegime, BigInt.asUintN(64, va), { read64: pa => mem.read(pa, 8) },
      { access: 'read', el: this.cpu.el as 0 | 1, noAccessFlagUpdate: true });
  }

  readTable(select: 0 | 1, level: number, tableBase: number, inputBase: bigint): WalkStep[] {
    const mem = this.board.mem;
    return readTranslationTable(this.cpu.translationRegime, select, level, tableBase, inputBase, { read64: pa => mem.read(pa, 8) });
  }
}

/** Hit conditions: "5" or ">= 5" (from the 5th hit on), "== 5", "> 5", "< 5", "<= 5", "% 5" (every 5th). */
export function hitConditionHolds(cond: string, hits: number): boolean {
  const m = /^\s*(>=|<=|==|>|<|%)?\s*(\d+)\s*$/.exec(cond);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>': return hits > n;
    case '<': return hits < n;
    case '<=': return hits <= n;
    case '==': return hits === n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits >= n;
  }
}

// The Debug Adapter Protocol session: protocol only. Everything it shows comes from a
// DebugTarget (EmulatorTarget here); it never imports `vscode`.

import * as path from 'path';
import {
  LoggingDebugSession, InitializedEvent, StoppedEvent, TerminatedEvent, ExitedEvent, OutputEvent, Thread, StackFrame, Scope,
  Source, Handles, InvalidatedEvent, BreakpointEvent,
} from '@vscode/debugadapter';
import { DebugProtocol } from '@vscode/debugprotocol';
import { EmulatorTarget, EXCEPTION_FILTERS } from './EmulatorTarget';
import { parseLaunchConfig, LaunchError } from './launchConfig';
import type { ResumeResult, StepKind, BreakpointRequest, DataBreakpointRequest } from './DebugTarget';
import { VarNode, generalRegisters, systemRegisterGroups, fpRegisters } from './registers';
import { unwindStack, Frame } from './stack';
import { hex } from './describe';
import { disassemble } from '../emulator';
import { runConsoleCommand } from './console';
import { pageTableTree, walkDescription, PageTableArgs } from './pageTables';
import { UartBridge, attachCommand } from './uartTerminal';
import { realmScope, realmQuery, readIpaView, RealmQuery } from './realmView';

const THREAD_ID = 1;

/** Parses memory references: "0x..." (virtual), "p:0x..." (host physical), and in a Realm
 *  "ipa:0x..." (protected IPA view) or "uipa:0x..." (unprotected IPA view, offset from the alias). */
export function parseMemoryReference(ref: string): { address: bigint; space: 'virtual' | 'physical' | 'ipa' | 'uipa' } {
  const m = /^\s*(p:|phys:|v:|ipa:|uipa:)?\s*(0x[0-9a-f]+|\d+)\s*$/i.exec(ref);
  if (!m) throw new Error(`bad memory reference "${ref}" (0x... virtual, p:0x... physical, ipa:0x... protected IPA, uipa:0x... unprotected IPA)`);
  const p = (m[1] ?? '').toLowerCase();
  return { address: BigInt(m[2]), space: p.startsWith('p') ? 'physical' : p === 'ipa:' ? 'ipa' : p === 'uipa:' ? 'uipa' : 'virtual' };
}

export class RealmscopeDebugSession extends LoggingDebugSession {
  private target = new EmulatorTarget();
  private launched = false;
  private configurationDone!: Promise<void>;
  private resolveConfigurationDone!: () => void;
  private variableHandles = new Handles<() => VarNode[]>();
  private frames: Frame[] = [];
  private running = false;
  private sourceBps = new Map<string, BreakpointRequest[]>();
  private functionBps: BreakpointRequest[] = [];
  /** The client's breakpoints as it set them, kept to resolve them again when symbols change. */
  private sourceBpArgs = new Map<string, { id: number; bp: DebugProtocol.SourceBreakpoint }[]>();
  private functionBpArgs: { id: number; bp: DebugProtocol.FunctionBreakpoint }[] = [];
  private instructionBps: BreakpointRequest[] = [];
  private nextBpId = 1;
  private clientCanRunInTerminal = false;
  private uart?: UartBridge;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.configurationDone = new Promise(r => { this.resolveConfigurationDone = r; });
    this.target.onOutput = text => this.sendEvent(new OutputEvent(text, 'stdout'));
    this.target.onLog = text => this.sendEvent(new OutputEvent(text, 'console'));
    this.target.program.onChange(() => { if (this.launched) this.symbolsChanged(); });
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientCanRunInTerminal = args.supportsRunInTerminalRequest === true;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      supportsInstructionBreakpoints: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsSteppingGranularity: true,
      supportsSetVariable: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsEvaluateForHovers: true,
      supportsExceptionFilterOptions: true,
      supportsExceptionOptions: false,
      exceptionBreakpointFilters: EXCEPTION_FILTERS,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: DebugProtocol.LaunchRequestArguments): Promise<void> {
    try {
      const cfg = parseLaunchConfig(args as unknown as Record<string, unknown>);
      this.target.launch(cfg);
      this.launched = true;
      if (cfg.uart === 'terminal') await this.openUartTerminal();
      this.sendEvent(new OutputEvent(`Realmscope: ${path.basename(cfg.program)} on the virt board, ${cfg.ram >> 20} MiB RAM, PC ${hex(this.target.cpu.getPC())}\n`, 'console'));
      this.sendResponse(response);
      this.sendEvent(new InitializedEvent());
      await this.configurationDone;
      if (cfg.stopOnEntry) this.sendEvent(new StoppedEvent('entry', THREAD_ID));
      else void this.doResume('continue');
    } catch (e) {
      const msg = e instanceof LaunchError ? `Invalid launch configuration: ${e.message}` : `Cannot launch: ${(e as Error).message}`;
      this.sendErrorResponse(response, { id: 1001, format: msg, showUser: true });
    }
  }

  /** Moves the UART to an integrated terminal through the client's runInTerminal. */
  private async openUartTerminal(): Promise<void> {
    if (!this.clientCanRunInTerminal) {
      this.sendEvent(new OutputEvent('"uart": "terminal" needs a client that supports runInTerminal; the UART stays in the debug console\n', 'console'));
      return;
    }
    const bridge = new UartBridge();
    const port = await bridge.listen();
    this.uart = bridge;
    bridge.onInput = bytes => { this.target.board.sendInput(bytes); this.target.runner.wake(); };
    this.target.onOutput = text => bridge.write(text);
    this.runInTerminalRequest({ kind: 'integrated', title: 'Realmscope UART', cwd: process.cwd(), args: attachCommand(port) }, 10000, r => {
      if (!r.success) {
        this.sendEvent(new OutputEvent(`could not open the UART terminal (${r.message}); the UART stays in the debug console\n`, 'console'));
        this.target.onOutput = text => this.sendEvent(new OutputEvent(text, 'stdout'));
        bridge.close();
        this.uart = undefined;
      }
    });
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.resolveConfigurationDone();
  }

  // ---------------- breakpoints ----------------

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const file = args.source.path ?? args.source.name ?? '';
    this.sourceBpArgs.set(file, (args.breakpoints ?? []).map(bp => ({ id: this.nextBpId++, bp })));
    response.body = { breakpoints: this.resolveSourceBreakpoints(file) };
    this.pushBreakpoints();
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.functionBpArgs = args.breakpoints.map(bp => ({ id: this.nextBpId++, bp }));
    response.body = { breakpoints: this.resolveFunctionBreakpoints() };
    this.pushBreakpoints();
    this.sendResponse(response);
  }

  /** Source breakpoints of one file, resolved against the symbol files loaded now. */
  private resolveSourceBreakpoints(file: string): DebugProtocol.Breakpoint[] {
    const out: DebugProtocol.Breakpoint[] = [];
    const reqs: BreakpointRequest[] = [];
    for (const { id, bp: b } of this.sourceBpArgs.get(file) ?? []) {
      const addrs = this.launched ? this.target.program.addressesForLine(file, b.line) : [];
      if (addrs.length === 0) {
        out.push({ id, verified: false, line: b.line, message: this.launched ? `no code at ${path.basename(file)}:${b.line} (no line information for this file in the program's DWARF)` : 'not launched yet' });
        continue;
      }
      for (const a of addrs) reqs.push({ id, address: a, condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage, kind: 'source' });
      const loc = this.target.program.lineAt(addrs[0]);
      out.push({ id, verified: true, line: loc?.line ?? b.line, instructionReference: hex(addrs[0]) });
    }
    this.sourceBps.set(file, reqs);
    return out;
  }

  /** Function breakpoints, resolved against the symbol files loaded now: a name stops at every
   *  address it has (each copy of a relocated program, each static function of that name). */
  private resolveFunctionBreakpoints(): DebugProtocol.Breakpoint[] {
    const out: DebugProtocol.Breakpoint[] = [];
    this.functionBps = [];
    for (const { id, bp: b } of this.functionBpArgs) {
      let addrs = this.launched ? this.target.program.addressesOf(b.name) : [];
      if (addrs.length === 0 && this.launched) { try { addrs = [this.target.evaluate(b.name)]; } catch { /* not an expression */ } }
      if (addrs.length === 0) { out.push({ id, verified: false, message: `no function or address "${b.name}" in the program's symbols` }); continue; }
      for (const address of addrs) this.functionBps.push({ id, address, condition: b.condition, hitCondition: b.hitCondition, kind: 'function' });
      const loc = this.target.program.lineAt(addrs[0]);
      out.push({
        id, verified: true, instructionReference: hex(addrs[0]), line: loc?.line, source: loc ? new Source(path.basename(loc.path), loc.path) : undefined,
        message: addrs.length > 1 ? `${addrs.length} locations: ${[...addrs].sort((a, b) => (a < b ? -1 : 1)).map(a => hex(a)).join(', ')}` : undefined,
      });
    }
    return out;
  }

  /** After the symbol files changed (add-symbol-file, U-Boot's relocation followed): resolve
   *  every breakpoint again and tell the client what moved. */
  private symbolsChanged(): void {
    const changed: DebugProtocol.Breakpoint[] = [...this.resolveFunctionBreakpoints()];
    for (const file of this.sourceBpArgs.keys()) changed.push(...this.resolveSourceBreakpoints(file));
    this.pushBreakpoints();
    for (const bp of changed) this.sendEvent(new BreakpointEvent('changed', bp));
  }

  protected override setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    const out: DebugProtocol.Breakpoint[] = [];
    this.instructionBps = [];
    for (const b of args.breakpoints) {
      const id = this.nextBpId++;
      try {
        const address = parseMemoryReference(b.instructionReference).address + BigInt(b.offset ?? 0);
        this.instructionBps.push({ id, address, condition: b.condition, hitCondition: b.hitCondition, kind: 'instruction' });
        out.push({ id, verified: true, instructionReference: hex(address) });
      } catch (e) {
        out.push({ id, verified: false, message: (e as Error).message });
      }
    }
    this.pushBreakpoints();
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  private pushBreakpoints(): void {
    const all: BreakpointRequest[] = [...this.functionBps, ...this.instructionBps];
    for (const l of this.sourceBps.values()) all.push(...l);
    this.target.setBreakpoints(all);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    // A data breakpoint on a register or pointer watches the memory it points at (8 bytes); an
    // address (asAddress, or an expression) watches `bytes` bytes there; "p:0x..." is physical.
    try {
      let address: bigint, space: 'virtual' | 'physical' = 'virtual';
      const size = args.bytes ?? 8;
      if (args.asAddress || args.variablesReference === undefined) {
        const m = /^\s*(p:|phys:)/i.exec(args.name);
        if (m) { address = parseMemoryReference(args.name).address; space = 'physical'; }
        else address = this.target.evaluate(args.name);
      } else {
        address = this.target.evaluate(args.name);
      }
      response.body = {
        dataId: `${space === 'physical' ? 'p' : 'v'}:${hex(address)}:${size}`,
        description: `${size} bytes at ${space} ${hex(address)}`,
        accessTypes: ['read', 'write', 'readWrite'],
        canPersist: true,
      };
    } catch (e) {
      response.body = { dataId: null, description: `cannot watch "${args.name}": ${(e as Error).message}` };
    }
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const list: DataBreakpointRequest[] = [];
    const out: DebugProtocol.Breakpoint[] = [];
    for (const b of args.breakpoints) {
      const id = this.nextBpId++;
      const m = /^([vp]):(0x[0-9a-f]+):(\d+)$/i.exec(b.dataId);
      if (!m) { out.push({ id, verified: false, message: `bad data breakpoint id ${b.dataId}` }); continue; }
      list.push({ id, address: BigInt(m[2]), length: Number(m[3]), space: m[1] === 'p' ? 'physical' : 'virtual', access: b.accessType ?? 'write' });
      out.push({ id, verified: true });
    }
    this.target.setDataBreakpoints(list);
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const list = (args.filters ?? []).map(f => ({ filter: f }));
    for (const o of args.filterOptions ?? []) list.push({ filter: o.filterId, condition: o.condition } as { filter: string; condition?: string });
    this.target.setExceptionFilters(list);
    this.sendResponse(response);
  }

  // ---------------- execution ----------------

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD_ID, 'CPU 0')] };
    this.sendResponse(response);
  }

  private async doResume(kind: StepKind): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.variableHandles.reset();
    let res: ResumeResult;
    try {
      res = await this.target.resume(kind);
    } catch (e) {
      this.running = false;
      this.sendEvent(new OutputEvent(`internal error while running: ${(e as Error).stack ?? e}\n`, 'stderr'));
      this.sendEvent(new StoppedEvent('exception', THREAD_ID, 'internal error'));
      return;
    }
    this.running = false;
    if ('exited' in res) {
      this.sendEvent(new OutputEvent(`Guest stopped: ${res.exited.reason}\n`, 'console'));
      this.sendEvent(new ExitedEvent(res.exited.code));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    const s = res.stopped;
    const ev = new StoppedEvent(s.kind, THREAD_ID, s.description) as DebugProtocol.StoppedEvent;
    ev.body.description = s.description;
    ev.body.allThreadsStopped = true;
    if (s.hitBreakpointIds) ev.body.hitBreakpointIds = s.hitBreakpointIds;
    this.sendEvent(ev);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    void this.doResume('continue');
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.sendResponse(response);
    void this.doResume(args.granularity === 'instruction' ? 'instructionOver' : 'lineOver');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.sendResponse(response);
    void this.doResume(args.granularity === 'instruction' ? 'instruction' : 'line');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    void this.doResume('out');
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.target.pause();
    this.sendResponse(response);
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse): Promise<void> {
    if (this.running) { this.target.pause(); await new Promise(r => setTimeout(r, 20)); }
    await this.target.restart();
    this.sendResponse(response);
    this.sendEvent(new InvalidatedEvent(['all']));
    this.sendEvent(new StoppedEvent('entry', THREAD_ID));
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.target.terminate();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    if (this.launched) this.target.terminate();
    this.uart?.close();
    this.sendResponse(response);
  }

  // ---------------- state ----------------

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.frames = unwindStack(this.target.cpu, this.target.program);
    const start = args.startFrame ?? 0;
    const count = args.levels || this.frames.length;
    const frames = this.frames.slice(start, start + count).map((f, i) => {
      const fn = this.target.program.functionAt(f.pc);
      const name = f.kind === 'normal' ? fn ?? this.target.images.describe(f.pc) ?? hex(f.pc) : f.label ?? '';
      const sf = new StackFrame(start + i, name) as DebugProtocol.StackFrame;
      sf.instructionPointerReference = hex(f.pc);
      const loc = this.target.program.lineAt(f.pc);
      if (loc) { sf.source = new Source(path.basename(loc.path), loc.path); sf.line = loc.line; sf.column = loc.column ?? 1; }
      else { sf.line = 0; sf.column = 0; sf.presentationHint = f.kind === 'normal' ? 'normal' : 'label'; }
      return sf;
    });
    response.body = { stackFrames: frames, totalFrames: this.frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    const cpu = this.target.cpu;
    response.body = {
      scopes: [
        new Scope('Registers', this.variableHandles.create(() => generalRegisters(cpu)), false),
        new Scope('System registers', this.variableHandles.create(() => systemRegisterGroups(cpu)), true),
        new Scope('FP/SIMD', this.variableHandles.create(() => fpRegisters(cpu)), true),
      ],
    };
    const realm = this.target.board.realm;
    if (realm) response.body.scopes.push(new Scope('Realm', this.variableHandles.create(() => realmScope(realm)), false));
    this.sendResponse(response);
  }

  private nodeCache = new Map<number, VarNode[]>();

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const producer = this.variableHandles.get(args.variablesReference);
    const nodes = producer ? producer() : [];
    this.nodeCache.set(args.variablesReference, nodes);
    response.body = {
      variables: nodes.map(n => ({
        name: n.name, value: n.value, type: n.type,
        variablesReference: n.children ? this.variableHandles.create(n.children) : 0,
        memoryReference: n.memoryReference,
      })),
    };
    this.sendResponse(response);
  }

  protected override setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    const nodes = this.nodeCache.get(args.variablesReference) ?? this.variableHandles.get(args.variablesReference)?.() ?? [];
    const n = nodes.find(v => v.name === args.name);
    try {
      if (!n || !n.set) throw new Error(`${args.name} cannot be changed`);
      const value = n.set(args.value);
      response.body = { value };
      this.sendResponse(response);
      this.sendEvent(new InvalidatedEvent(['variables']));
    } catch (e) {
      this.sendErrorResponse(response, { id: 1010, format: (e as Error).message, showUser: true });
    }
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    try {
      const ref = parseMemoryReference(args.memoryReference);
      const address = BigInt.asUintN(64, ref.address + BigInt(args.offset ?? 0));
      const count = Math.min(args.count, 1 << 20);
      let r: { data: Uint8Array; readable: number };
      if (ref.space === 'ipa' || ref.space === 'uipa') {
        if (!this.target.board.realm) throw new Error('ipa:/uipa: memory views exist only when the program runs as a Realm');
        r = readIpaView(this.target.board.realm, ref.space, address, count);
      } else r = this.target.readMemory(address, count, ref.space);
      const { data, readable } = r;
      response.body = {
        address: hex(address),
        data: Buffer.from(data.subarray(0, readable)).toString('base64'),
        unreadableBytes: count - readable,
      };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1020, format: (e as Error).message, showUser: false });
    }
  }

  protected override writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    try {
      const ref = parseMemoryReference(args.memoryReference);
      const address = BigInt.asUintN(64, ref.address + BigInt(args.offset ?? 0));
      const data = new Uint8Array(Buffer.from(args.data, 'base64'));
      if (ref.space === 'ipa' || ref.space === 'uipa') throw new Error('writes go through the virtual or physical views');
      const written = this.target.writeMemory(address, data, ref.space);
      if (written === 0 && data.length > 0) throw new Error(`cannot write memory at ${hex(address)} (not mapped to RAM)`);
      response.body = { offset: 0, bytesWritten: written };
      this.sendResponse(response);
      this.sendEvent(new InvalidatedEvent(['variables']));
    } catch (e) {
      this.sendErrorResponse(response, { id: 1021, format: (e as Error).message, showUser: true });
    }
  }

  protected override disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    try {
      const ref = parseMemoryReference(args.memoryReference);
      const base = ref.address + BigInt(args.offset ?? 0) + BigInt((args.instructionOffset ?? 0) * 4);
      const program = this.target.program;
      const out: DebugProtocol.DisassembledInstruction[] = [];
      let lastLoc = '';
      for (let i = 0; i < args.instructionCount; i++) {
        const a = BigInt.asUintN(64, base + BigInt(4 * i));
        const { data, readable } = this.target.readMemory(a, 4, ref.space === 'physical' ? 'physical' : 'virtual');
        if (readable < 4) { out.push({ address: hex(a), instruction: '??', presentationHint: 'invalid' }); continue; }
        const word = (data[0] | (data[1] << 8) | (data[2] << 16) | (data[3] << 24)) >>> 0;
        const d = disassemble(word, a, { symbolize: x => program.symbolName(x) });
        const ins: DebugProtocol.DisassembledInstruction = { address: hex(a), instructionBytes: word.toString(16).padStart(8, '0'), instruction: d.text };
        const sym = program.symbolAt(a);
        if (sym && sym.offset === 0n) ins.symbol = sym.name;
        const loc = program.lineAt(a);
        if (loc) {
          const key = `${loc.path}:${loc.line}`;
          if (key !== lastLoc) { ins.location = new Source(path.basename(loc.path), loc.path); ins.line = loc.line; lastLoc = key; }
        }
        out.push(ins);
      }
      response.body = { instructions: out };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1030, format: (e as Error).message, showUser: false });
    }
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    try {
      if (args.context === 'repl') {
        const text = runConsoleCommand(this.target, args.expression);
        if (text !== undefined) { response.body = { result: text, variablesReference: 0 }; this.sendResponse(response); return; }
      }
      const v = this.target.evaluate(args.expression);
      response.body = { result: `${hex(v)} (${BigInt.asIntN(64, v)})`, variablesReference: 0, memoryReference: hex(v) };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1040, format: (e as Error).message, showUser: false });
    }
  }

  // ---------------- custom requests (documented in README.md) ----------------

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    try {
      switch (command) {
        case 'realmscope/pageTables':
          response.body = pageTableTree(this.target, (args ?? {}) as PageTableArgs);
          break;
        case 'realmscope/walk': {
          const a = (args ?? {}) as { address?: string };
          if (!a.address) throw new Error('realmscope/walk needs "address"');
          response.body = walkDescription(this.target, this.target.evaluate(a.address));
          break;
        }
        case 'realmscope/realm': {
          if (!this.target.board.realm) throw new Error('the program does not run as a Realm (launch with "realm": {...})');
          response.body = realmQuery(this.target.board.realm, (args ?? { query: 'summary' }) as RealmQuery);
          break;
        }
        case 'realmscope/uartInput': {
          const a = (args ?? {}) as { text?: string };
          this.target.board.sendInput(new Uint8Array(Buffer.from(a.text ?? '', 'latin1')));
          this.target.runner.wake();
          response.body = {};
          break;
        }
        default:
          super.customRequest(command, response, args);
          return;
      }
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, { id: 1050, format: (e as Error).message, showUser: false });
    }
  }
}


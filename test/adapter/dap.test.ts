// The debug adapter driven over the protocol by a real DAP client (@vscode/debugadapter-testsupport),
// against the debugee fixture (test/fixtures/src/debugee.c, built -O0 -g).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { spawn, ChildProcess } from 'child_process';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import { withDapClient } from '../support/dapClient';

const ROOT = path.resolve(__dirname, '../..');
const DEBUGEE = path.join(ROOT, 'test/fixtures/bin/debugee.elf');
const DEBUGEE_C = path.join(ROOT, 'test/fixtures/src/debugee.c');
const MMU = path.join(ROOT, 'test/fixtures/bin/mmu.elf');

/** Line number of the marker comment in debugee.c. */
function line(marker: string): number {
  const lines = fs.readFileSync(DEBUGEE_C, 'utf8').split('\n');
  const i = lines.findIndex(l => l.includes(`// ${marker}`));
  if (i < 0) throw new Error(`marker ${marker} not found`);
  return i + 1;
}

async function stopped(dc: DebugClient, reason?: string): Promise<DebugProtocol.StoppedEvent> {
  const ev = await dc.waitForEvent('stopped', 20000) as DebugProtocol.StoppedEvent;
  if (reason) assert.equal(ev.body.reason, reason, `stop reason (${ev.body.description})`);
  return ev;
}

async function topFrame(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  const st = await dc.stackTraceRequest({ threadId: 1 });
  return st.body.stackFrames[0];
}

async function reg(dc: DebugClient, name: string): Promise<bigint> {
  const f = await topFrame(dc);
  const scopes = await dc.scopesRequest({ frameId: f.id });
  const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
  const v = vars.body.variables.find(x => x.name === name);
  assert.ok(v, `register ${name}`);
  return BigInt(v!.value.split(' ')[0]);
}

describe('debug adapter over DAP', function () {
  this.timeout(60000);
  let dc: DebugClient;
  withDapClient(c => { dc = c; });

  const launch = (extra: Record<string, unknown> = {}) => dc.launch({ program: DEBUGEE, ...extra } as DebugProtocol.LaunchRequestArguments);

  it('rejects invalid launch configurations with an error naming the attribute', async () => {
    await dc.initializeRequest();
    await assert.rejects(dc.launch({} as DebugProtocol.LaunchRequestArguments), /"program" is required/);
    await assert.rejects(dc.launch({ program: DEBUGEE, ram: 'lots' } as unknown as DebugProtocol.LaunchRequestArguments), /"ram"/);
    await assert.rejects(dc.launch({ program: DEBUGEE, bogus: 1 } as unknown as DebugProtocol.LaunchRequestArguments), /unknown launch attribute "bogus"/);
    await assert.rejects(dc.launch({ program: '/nonexistent.elf' } as unknown as DebugProtocol.LaunchRequestArguments), /"program": file not found/);
  });

  it('stops on entry at the ELF entry point and declares the exception filters', async () => {
    const init = await dc.initializeRequest();
    const filters = init.body?.exceptionBreakpointFilters?.map(f => f.filter) ?? [];
    for (const f of ['exception', 'abort', 'svc', 'hvc', 'smc', 'psci', 'irq']) assert.ok(filters.includes(f), f);
    await Promise.all([dc.configurationSequence(), launch({ stopOnEntry: true }), stopped(dc, 'entry')]);
    const f = await topFrame(dc);
    assert.equal(f.name, '_start');
    assert.equal(f.instructionPointerReference, '0x0000000040080000');
  });

  it('hits a function breakpoint and unwinds main <- middle', async () => {
    await dc.initializeRequest();
    await Promise.all([launch({ stopOnEntry: true }), stopped(dc, 'entry'), (async () => {
      await dc.waitForEvent('initialized');
      const r = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'middle' }] });
      assert.equal(r.body.breakpoints[0].verified, true);
      await dc.configurationDoneRequest();
    })()]);
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'function breakpoint')]);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    const names = st.body.stackFrames.map(f => f.name);
    assert.equal(names[0], 'middle');
    assert.ok(names.includes('main'), names.join(' <- '));
  });

  it('hits source-line, conditional, hit-count and instruction breakpoints, and logs logpoints', async () => {
    await dc.initializeRequest();
    const outputs: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => outputs.push(e.body.output));
    await Promise.all([launch({ stopOnEntry: true }), stopped(dc, 'entry'), dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest())]);
    const bp = await dc.setBreakpointsRequest({ source: { path: DEBUGEE_C }, breakpoints: [{ line: line('LINE_COUNTER'), hitCondition: '3' }] });
    assert.equal(bp.body.breakpoints[0].verified, true, bp.body.breakpoints[0].message);
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'breakpoint')]);
    let f = await topFrame(dc);
    assert.equal(f.line, line('LINE_COUNTER'));
    // The 3rd hit: counter has been incremented twice.
    const ev = await dc.evaluateRequest({ expression: '*(uint64_t*)counter', context: 'watch' });
    assert.match(ev.body.result, /^0x0+2 /);
    await dc.setBreakpointsRequest({ source: { path: DEBUGEE_C }, breakpoints: [] });
    // Conditional on a register: leaf(x) with x == 4, plus a logpoint on middle.
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'leaf', condition: 'w0 == 4' }] });
    await dc.setBreakpointsRequest({ source: { path: DEBUGEE_C }, breakpoints: [{ line: line('LINE_MIDDLE_CALL'), logMessage: 'middle sees {x0}' }] });
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'function breakpoint')]);
    assert.equal(await reg(dc, 'x0'), 4n);
    assert.ok(outputs.some(o => o.includes('middle sees 0x3')), outputs.join(''));
    // An instruction breakpoint 8 bytes into leaf, after a restart.
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.setBreakpointsRequest({ source: { path: DEBUGEE_C }, breakpoints: [] });
    const leafAddr = BigInt((await dc.evaluateRequest({ expression: 'leaf', context: 'watch' })).body.result.split(' ')[0]);
    const ib = await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x' + leafAddr.toString(16), offset: 8 }] }) as DebugProtocol.SetInstructionBreakpointsResponse;
    assert.equal(ib.body.breakpoints[0].verified, true);
    await Promise.all([dc.customRequest('restart'), stopped(dc, 'entry')]);
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'instruction breakpoint')]);
    f = await topFrame(dc);
    assert.equal(BigInt(f.instructionPointerReference!), leafAddr + 8n);
  });

  /** Launches and runs to main (after the startup code has cleared .bss). */
  async function runToMain(): Promise<void> {
    await dc.initializeRequest();
    await Promise.all([launch({ stopOnEntry: true }), stopped(dc, 'entry'), dc.waitForEvent('initialized').then(async () => {
      await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] });
      await dc.configurationDoneRequest();
    })]);
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'function breakpoint')]);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
  }

  it('stops on a write watchpoint on a global', async () => {
    await runToMain();
    const info = await dc.dataBreakpointInfoRequest({ name: 'counter', asAddress: true, bytes: 8 } as DebugProtocol.DataBreakpointInfoArguments);
    assert.ok(info.body.dataId);
    const set = await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    assert.equal(set.body.breakpoints[0].verified, true);
    const ev = await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'data breakpoint')]);
    assert.match(ev[1].body.description!, /Write of 8 bytes at 0x/);
    // The stop comes after the store completes; the description names the storing instruction.
    const by = /by the instruction at (0x[0-9a-f]+)/.exec(ev[1].body.description!)![1];
    const dis = await dc.disassembleRequest({ memoryReference: by, instructionCount: 1 });
    assert.equal(dis.body!.instructions[0].line, line('LINE_COUNTER'));
    assert.match(dis.body!.instructions[0].instruction, /^str/);
  });

  it('stops on the data-abort exception filter with the fault described and the exception in the stack', async () => {
    await dc.initializeRequest();
    await Promise.all([launch({ stopOnEntry: true }), stopped(dc, 'entry'), dc.waitForEvent('initialized').then(async () => {
      await dc.setExceptionBreakpointsRequest({ filters: ['abort'] });
      await dc.configurationDoneRequest();
    })]);
    const [, ev] = await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'exception')]);
    assert.match(ev.body.description!, /Data abort at 0x000000000c000000 \(read\): synchronous external abort/);
    const st = await dc.stackTraceRequest({ threadId: 1 });
    const frames = st.body.stackFrames;
    assert.match(frames[0].name, /Synchronous \(current EL, SP_ELx\) exception/);
    assert.match(frames[1].name, /interrupted at 0x/);
    const interrupted = frames.find((fr, i) => i > 0 && fr.line === line('LINE_FAULT'));
    assert.ok(interrupted, frames.map(fr => `${fr.name}:${fr.line}`).join(' | '));
  });

  it('steps by instruction, over and into calls by line, and out', async () => {
    await dc.initializeRequest();
    await Promise.all([launch({ stopOnEntry: true }), stopped(dc, 'entry'), dc.waitForEvent('initialized').then(async () => {
      await dc.setBreakpointsRequest({ source: { path: DEBUGEE_C }, breakpoints: [{ line: line('LINE_LOOP') }] });
      await dc.configurationDoneRequest();
    })]);
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'breakpoint')]);
    const pc0 = BigInt((await topFrame(dc)).instructionPointerReference!);
    await Promise.all([dc.stepInRequest({ threadId: 1, granularity: 'instruction' }), stopped(dc, 'step')]);
    assert.equal(BigInt((await topFrame(dc)).instructionPointerReference!), pc0 + 4n);
    // Step into middle by line.
    let f: DebugProtocol.StackFrame;
    for (let i = 0; i < 5; i++) {
      await Promise.all([dc.stepInRequest({ threadId: 1 }), stopped(dc, 'step')]);
      f = await topFrame(dc);
      if (f.name === 'middle') break;
    }
    assert.equal(f!.name, 'middle');
    // Step over the call to leaf.
    while ((await topFrame(dc)).line !== line('LINE_MIDDLE_CALL')) await Promise.all([dc.nextRequest({ threadId: 1 }), stopped(dc, 'step')]);
    await Promise.all([dc.nextRequest({ threadId: 1 }), stopped(dc, 'step')]);
    f = await topFrame(dc);
    assert.equal(f.name, 'middle');
    assert.equal(f.line, line('LINE_MIDDLE_RETURN'));
    // Step out to main.
    await Promise.all([dc.stepOutRequest({ threadId: 1 }), stopped(dc, 'step')]);
    f = await topFrame(dc);
    assert.equal(f.name, 'main');
  });

  it('loads symbol files from the console (add-symbol-file, info files, remove-symbol-file) and re-resolves breakpoints', async () => {
    const changed: DebugProtocol.Breakpoint[] = [];
    dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => { if (e.body.reason === 'changed') changed.push(e.body.breakpoint); });
    let fb!: DebugProtocol.SetFunctionBreakpointsResponse;
    await dc.initializeRequest();
    await Promise.all([launch({ stopOnEntry: true }), stopped(dc, 'entry'), dc.waitForEvent('initialized').then(async () => {
      fb = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'middle' }] });
      await dc.configurationDoneRequest();
    })]);
    const repl = async (t: string) => (await dc.evaluateRequest({ expression: t, context: 'repl' })).body.result;
    const middle = BigInt(fb.body.breakpoints[0].instructionReference!);
    // A second copy of the program, as if it had moved itself 16 MiB up: .text given as an expression.
    const text = BigInt((await repl('p _start')).split(' ')[0]);
    const out = await repl(`add-symbol-file ${DEBUGEE} $pc + 0x1000000`);
    assert.match(out, /at \.text_addr = 0x0*4[01][0-9a-f]{6} \(offset 0x0*1000000\): \d+ symbols, DWARF/);
    assert.ok(text > 0n);
    const moved = changed.find(b => b.id === fb.body.breakpoints[0].id);
    assert.match(moved?.message ?? '', new RegExp(`2 locations: 0x0*${middle.toString(16)}, 0x0*${(middle + 0x1000000n).toString(16)}`));
    assert.match(await repl(`info symbol ${middle + 0x1000000n + 8n}`), /^middle \+ 8 in .*debugee\.elf \(offset 0x0*1000000\)$/);
    assert.match(await repl('info files'), /debugee\.elf: offset 0x0+, .*\n.*debugee\.elf: offset 0x0*1000000, \.text at/);
    // Source breakpoints resolve in both copies too.
    const sb = await dc.setBreakpointsRequest({ source: { path: DEBUGEE_C }, breakpoints: [{ line: line('LINE_COUNTER') }] });
    assert.equal(sb.body.breakpoints[0].verified, true);
    assert.match(await repl(`remove-symbol-file -a ${middle + 0x1000000n}`), /removed ".*debugee\.elf" \(offset 0x0*1000000\)/);
    assert.equal(changed.filter(b => b.id === fb.body.breakpoints[0].id).pop()?.message, undefined, 'one location again');
    await assert.rejects(dc.evaluateRequest({ expression: 'add-symbol-file /nonexistent.elf', context: 'repl' }), /no such file: \/nonexistent\.elf/);
    await assert.rejects(dc.evaluateRequest({ expression: 'add-symbol-file', context: 'repl' }), /usage: add-symbol-file FILE/);
    await assert.rejects(dc.evaluateRequest({ expression: 'remove-symbol-file', context: 'repl' }), /usage: remove-symbol-file FILE/);
    await assert.rejects(dc.evaluateRequest({ expression: `add-symbol-file ${path.join(ROOT, 'package.json')}`, context: 'repl' }), /not an ELF file/);
    await assert.rejects(dc.evaluateRequest({ expression: 'remove-symbol-file /nonexistent.elf', context: 'repl' }), /is not loaded/);
    await assert.rejects(dc.evaluateRequest({ expression: 'p $nosuch', context: 'repl' }), /unknown register '\$nosuch'/);
    // The program still stops at the original copy.
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'function breakpoint')]);
    assert.equal(BigInt((await topFrame(dc)).instructionPointerReference!), middle);
  });

  it('an instruction step in WFI lasts until the interrupt and stops at the vector', async () => {
    await dc.initializeRequest();
    await Promise.all([dc.launch({ program: path.join(ROOT, 'test/fixtures/bin/timer.elf'), stopOnEntry: true } as DebugProtocol.LaunchRequestArguments), stopped(dc, 'entry'),
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest())]);
    // The first WFI in main (wait_for, inlined): the CPU waits there for the timer's interrupt.
    const main = (await dc.evaluateRequest({ expression: 'main', context: 'watch' })).body.result.split(' ')[0];
    const code = await dc.disassembleRequest({ memoryReference: main, instructionCount: 400 });
    const wfi = code.body!.instructions.find(i => i.instruction === 'wfi');
    assert.ok(wfi, 'a wfi in main');
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: wfi!.address }] });
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'instruction breakpoint')]);
    await dc.customRequest('setInstructionBreakpoints', { breakpoints: [] });
    await Promise.all([dc.stepInRequest({ threadId: 1, granularity: 'instruction' }), stopped(dc, 'step')]);
    const vbar = BigInt((await dc.evaluateRequest({ expression: 'info registers', context: 'repl' })).body.result.match(/VBAR_EL1 *=(0x[0-9a-f]+)/)![1]);
    await Promise.all([dc.stepInRequest({ threadId: 1, granularity: 'instruction' }), stopped(dc, 'step')]);
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(BigInt(frames[0].instructionPointerReference!), vbar + 0x280n, frames.map(f => f.name).join(' | '));
    assert.match(frames[0].name, /IRQ \(current EL, SP_ELx\) exception/);
  });

  it('reads and writes registers and memory, disassembles and evaluates', async () => {
    await dc.initializeRequest();
    await Promise.all([launch({ stopOnEntry: true }), stopped(dc, 'entry'), dc.waitForEvent('initialized').then(async () => {
      await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'leaf' }] });
      await dc.configurationDoneRequest();
    })]);
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'function breakpoint')]);
    const f = await topFrame(dc);
    const scopes = await dc.scopesRequest({ frameId: f.id });
    assert.deepEqual(scopes.body.scopes.map(s => s.name), ['Registers', 'System registers', 'FP/SIMD']);
    const regsRef = scopes.body.scopes[0].variablesReference;
    const regs = await dc.variablesRequest({ variablesReference: regsRef });
    const pstate = regs.body.variables.find(v => v.name === 'pstate')!;
    assert.match(pstate.value, /EL1h/);
    const set = await dc.setVariableRequest({ variablesReference: regsRef, name: 'x5', value: '0x1234' });
    assert.equal(set.body.value, '0x0000000000001234');
    assert.equal(await reg(dc, 'x5'), 0x1234n);
    // System registers are grouped and decoded.
    const groups = await dc.variablesRequest({ variablesReference: scopes.body.scopes[1].variablesReference });
    const mm = groups.body.variables.find(v => v.name === 'Memory management')!;
    const mmRegs = await dc.variablesRequest({ variablesReference: mm.variablesReference });
    const sctlr = mmRegs.body.variables.find(v => v.name === 'SCTLR_EL1')!;
    const fields = await dc.variablesRequest({ variablesReference: sctlr.variablesReference });
    assert.ok(fields.body.variables.some(v => v.name === 'M (MMU)'));
    // Memory: write and read back at the stack pointer.
    const sp = regs.body.variables.find(v => v.name === 'sp')!;
    assert.ok(sp.memoryReference);
    await dc.customRequest('writeMemory', { memoryReference: sp.memoryReference!, offset: -64, data: Buffer.from('realmscope').toString('base64') });
    const mem = await dc.customRequest('readMemory', { memoryReference: sp.memoryReference!, offset: -64, count: 10 }) as DebugProtocol.ReadMemoryResponse;
    assert.equal(Buffer.from(mem.body!.data!, 'base64').toString(), 'realmscope');
    const nothing = await dc.customRequest('readMemory', { memoryReference: '0x0c000000', count: 16 }) as DebugProtocol.ReadMemoryResponse;
    assert.equal(nothing.body!.unreadableBytes, 16);
    // Disassembly around the PC, with symbols.
    const dis = await dc.disassembleRequest({ memoryReference: f.instructionPointerReference!, instructionOffset: -4, instructionCount: 12 });
    assert.equal(dis.body!.instructions.length, 12);
    assert.equal(dis.body!.instructions[4].address, f.instructionPointerReference);
    assert.ok(dis.body!.instructions.some(i => i.symbol === 'leaf'));
    // Expressions and monitor commands.
    assert.match((await dc.evaluateRequest({ expression: 'x5 + 8', context: 'repl' })).body.result, /^0x000000000000123c/);
    assert.match((await dc.evaluateRequest({ expression: 'info registers', context: 'repl' })).body.result, /SCTLR_EL1 *=0x/);
    assert.match((await dc.evaluateRequest({ expression: 'x/2gx sp', context: 'repl' })).body.result, /^0x[0-9a-f]{16}: 0x[0-9a-f]{16} 0x[0-9a-f]{16}/);
    assert.match((await dc.evaluateRequest({ expression: 'translate pc', context: 'repl' })).body.result, /stage 1 translation is off/);
    assert.match((await dc.evaluateRequest({ expression: 'x/2i pc', context: 'repl' })).body.result, /^0x[0-9a-f]{16} <leaf>: [0-9a-f]{8}  \w+/);
    await assert.rejects(dc.evaluateRequest({ expression: 'no_such_symbol + 1', context: 'watch' }), /unknown register or symbol 'no_such_symbol'/);
  });

  it('answers the page-table requests once the MMU is on', async () => {
    await dc.initializeRequest();
    await Promise.all([dc.launch({ program: MMU, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments), stopped(dc, 'entry'), dc.waitForEvent('initialized').then(async () => {
      await dc.setExceptionBreakpointsRequest({ filters: ['abort'] });
      await dc.configurationDoneRequest();
    })]);
    // The mmu fixture's first deliberate fault happens with its tables live.
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'exception')]);
    const pt = await dc.customRequest('realmscope/pageTables', {}) as DebugProtocol.Response & { body: { mmuEnabled: boolean; roots: { table?: { type: string; expand?: unknown }[] }[] } };
    assert.equal(pt.body.mmuEnabled, true);
    const root0 = pt.body.roots[0].table!;
    assert.ok(root0.length > 0);
    const table = root0.find((e: { type: string }) => e.type === 'table');
    if (table) {
      const sub = await dc.customRequest('realmscope/pageTables', table.expand) as DebugProtocol.Response & { body: { entries: unknown[] } };
      assert.ok(sub.body.entries.length > 0);
    }
    const walk = await dc.customRequest('realmscope/walk', { address: 'pc' }) as DebugProtocol.Response & { body: { steps: { level: number }[]; physicalAddress?: string } };
    assert.ok(walk.body.steps.length >= 1);
    assert.ok(walk.body.physicalAddress);
    const ranges = await dc.customRequest('realmscope/pageTables', { ranges: true }) as DebugProtocol.Response & { body: { ranges: unknown[] } };
    assert.ok(ranges.body.ranges.length > 0);
  });

  it('pauses a spinning guest within 100 ms, restarts and terminates', async () => {
    await runToMain();
    const addr = (await dc.evaluateRequest({ expression: 'spin_forever', context: 'watch' })).body.memoryReference!;
    await dc.customRequest('writeMemory', { memoryReference: addr, data: Buffer.from([1, 0, 0, 0]).toString('base64') });
    await dc.continueRequest({ threadId: 1 });
    await new Promise(r => setTimeout(r, 300));
    const t0 = Date.now();
    await Promise.all([dc.pauseRequest({ threadId: 1 }), stopped(dc, 'pause')]);
    assert.ok(Date.now() - t0 < 100, `pause took ${Date.now() - t0} ms`);
    const f = await topFrame(dc);
    assert.equal(f.line, line('LINE_SPIN'));
    await Promise.all([dc.customRequest('restart'), stopped(dc, 'entry')]);
    assert.equal((await topFrame(dc)).name, '_start');
    await Promise.all([dc.terminateRequest(), dc.waitForEvent('terminated')]);
  });

  it('puts the UART in a terminal through runInTerminal (`"uart": "terminal"`), with keyboard input', async () => {
    // Play the client's part: run the command the adapter asks for, as VS Code's terminal would.
    let terminalOut = '', consoleOut = '';
    dc.on('output', (e: DebugProtocol.OutputEvent) => { consoleOut += e.body.output; });
    let term: ChildProcess | undefined;
    const client = dc as unknown as { dispatch(body: string): void; outputStream: NodeJS.WritableStream };
    const dispatch = client.dispatch.bind(dc);
    client.dispatch = (body: string) => {
      const msg = JSON.parse(body);
      if (msg.type === 'request' && msg.command === 'runInTerminal') {
        const args: string[] = msg.arguments.args;
        term = spawn(args[0], args.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
        term.stdout!.on('data', (d: Buffer) => { terminalOut += d.toString('latin1'); });
        const reply = JSON.stringify({ seq: 0, type: 'response', request_seq: msg.seq, command: 'runInTerminal', success: true, body: { processId: term.pid } });
        client.outputStream.write(`Content-Length: ${Buffer.byteLength(reply)}\r\n\r\n${reply}`);
        return;
      }
      dispatch(body);
    };
    await dc.initializeRequest({ adapterID: 'realmscope', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsRunInTerminalRequest: true });
    // launchRequest, not launch(): DebugClient.launch() would send a second initialize without the flag.
    await Promise.all([dc.launchRequest({ program: path.join(ROOT, 'test/fixtures/bin/hello.elf'), uart: 'terminal' } as DebugProtocol.LaunchRequestArguments),
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.waitForEvent('terminated', 20000)]);
    for (let i = 0; i < 50 && !terminalOut.includes('uart printf'); i++) await new Promise(r => setTimeout(r, 20));
    assert.ok(term, 'the adapter asked for runInTerminal: ' + consoleOut);
    assert.match(terminalOut, /hello from the PL011 UART/);
    term?.kill();
  });

  it('debugs a Realm: RSI filters stop before the call, the Realm scope, queries and IPA views', async () => {
    const hello = path.join(ROOT, 'examples/realm/realm-hello.elf');
    await dc.initializeRequest();
    await assert.rejects(dc.launch({ program: hello, realm: { ipaWidth: 99 } } as unknown as DebugProtocol.LaunchRequestArguments), /"realm.ipaWidth"/);
    await Promise.all([dc.launch({ program: hello, realm: { ripasPolicy: 'accept' }, stopOnEntry: true } as unknown as DebugProtocol.LaunchRequestArguments), stopped(dc, 'entry'),
      dc.waitForEvent('initialized').then(async () => {
        await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'rsi:RSI_IPA_STATE_SET' }] } as DebugProtocol.SetExceptionBreakpointsArguments);
        await dc.configurationDoneRequest();
      })]);
    const [, ev] = await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'exception')]);
    assert.match(ev.body.description!, /^RSI_IPA_STATE_SET\(base=0x[0-9a-f]+, top=0x[0-9a-f]+, ripas=EMPTY, flags=CHANGE_DESTROYED\)/);
    const f = await topFrame(dc);
    const dis = await dc.disassembleRequest({ memoryReference: f.instructionPointerReference!, instructionCount: 1 });
    assert.equal(dis.body!.instructions[0].instruction, 'smc\t#0x0');
    // The SMC trampoline's CFI unwinds through its stack push, down to _start.
    const names = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.map(fr => fr.name);
    assert.deepEqual([names[0], names[names.length - 2], names[names.length - 1]], ['smc_call', 'main', '_start'], names.join(' <- '));
    const scopes = await dc.scopesRequest({ frameId: f.id });
    const realmScope = scopes.body.scopes.find(sc => sc.name === 'Realm');
    assert.ok(realmScope);
    const vars = await dc.variablesRequest({ variablesReference: realmScope!.variablesReference });
    assert.match(vars.body.variables.find(v => v.name === 'IPA width')!.value, /^41 bits/);
    const summary = await dc.customRequest('realmscope/realm', { query: 'summary' });
    assert.equal(summary.body.state, 'active');
    const ripas = await dc.customRequest('realmscope/realm', { query: 'ripas' });
    assert.ok(ripas.body.ranges.some((r: { ripas: string }) => r.ripas === 'RAM'));
    const rtt = await dc.customRequest('realmscope/realm', { query: 'rtt' });
    assert.equal(rtt.body.level, 0);
    // Step over the SMC: the result is in x0 (SUCCESS) and the RIPAS changed.
    await Promise.all([dc.nextRequest({ threadId: 1, granularity: 'instruction' }), stopped(dc)]);
    assert.equal(await reg(dc, 'x0'), 0n);
    // The protected-IPA view reads private RAM the Realm has backed; the firmware's first page is.
    const mem = await dc.customRequest('readMemory', { memoryReference: 'ipa:0x0', count: 4 }) as DebugProtocol.ReadMemoryResponse;
    assert.equal(mem.body!.unreadableBytes, 0);
    const dev = await dc.customRequest('readMemory', { memoryReference: 'uipa:0x9000000', count: 4 }) as DebugProtocol.ReadMemoryResponse;
    assert.equal(dev.body!.unreadableBytes, 4, 'a device is never read by the debugger');
  });

  it('serves a session on the standalone `realmscope dap --port` server', async () => {
    const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'dap', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let err = '';
        child.stderr!.on('data', (d: Buffer) => { err += d.toString(); const m = /127\.0\.0\.1:(\d+)/.exec(err); if (m) resolve(Number(m[1])); });
        child.on('exit', code => reject(new Error(`dap server exited (${code}): ${err}`)));
      });
      const tcp = new DebugClient('node', 'unused', 'realmscope');
      await tcp.start(port);
      await tcp.initializeRequest();
      await Promise.all([tcp.launch({ program: DEBUGEE } as DebugProtocol.LaunchRequestArguments), tcp.waitForEvent('initialized').then(() => tcp.configurationDoneRequest()), tcp.waitForEvent('exited', 20000)]);
      await tcp.stop();
    } finally {
      child.kill();
    }
  });
});

describe('UART terminal bridge', () => {
  it('carries keyboard input to the board and output written before the terminal attaches', async () => {
    const { UartBridge } = await import('../../adapter/uartTerminal');
    const net = await import('net');
    const bridge = new UartBridge();
    const port = await bridge.listen();
    bridge.write('early output\r\n');
    const input: number[] = [];
    bridge.onInput = b => input.push(...b);
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    sock.on('data', d => { got += d.toString(); });
    await new Promise(r => sock.on('connect', r));
    sock.write('version\r');
    for (let i = 0; i < 50 && (input.length < 8 || !got.includes('early')); i++) await new Promise(r => setTimeout(r, 10));
    assert.equal(Buffer.from(input).toString(), 'version\r');
    assert.equal(got, 'early output\r\n');
    sock.end();
    bridge.close();
  });
});

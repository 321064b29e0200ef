// The real-firmware boots of firmware.test.ts again, under the debugger: a real DAP client
// (@vscode/debugadapter-testsupport) drives the adapter over TCP.
//
// U-Boot: Debian's u-boot.bin runs with the symbols of its unstripped ELF, rebuilt from Debian's
// source and proved byte-identical to the package by scripts/uboot-symbols.sh (the package strips
// its uboot.elf). board_init_r runs only after U-Boot has copied itself to the top of RAM: the
// debugger follows relocate_code and loads the symbols again for the copy, so the function
// breakpoint on board_init_r stops there. Then a step, the registers U-Boot's start code hands
// over (x0 = gd = x18, x1 = the relocation address) and the stack, and the boot goes on to `=>`
// and `version`. A second test does the same by hand, as U-Boot's GDB notes describe: stop at
// relocate_code, `add-symbol-file u-boot $x0`, continue to board_init_r.
//
// AAVMF (no symbols in the package): the boot to `Shell>` under the debugger, a pause, the
// registers and the stack there (its frames named by the PE32+ images EDK2 loaded), an
// instruction step, and `ver`.
//
// In both, the console transcript under the debugger must be QEMU's, as without it.

import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import { withDapClient, DapUart } from '../support/dapClient';
import {
  UBOOT, AAVMF, Script, qemuReference, requireFirmwareOracles, normaliseTranscript, firstDifference, findUbootSymbols, UBOOT_SYMBOLS_HINT,
} from '../support/firmware';

const RAM_BASE = 0x4000_0000n, RAM_SIZE = 512n << 20n;

async function stopped(dc: DebugClient, reason: string, timeoutMs = 60_000): Promise<DebugProtocol.StoppedEvent> {
  const ev = await dc.waitForEvent('stopped', timeoutMs) as DebugProtocol.StoppedEvent;
  assert.equal(ev.body.reason, reason, `stop reason (${ev.body.description ?? ''})`);
  return ev;
}

async function frames(dc: DebugClient): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
}

async function registers(dc: DebugClient): Promise<Map<string, bigint>> {
  const f = (await frames(dc))[0];
  const scopes = await dc.scopesRequest({ frameId: f.id });
  const vars = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
  return new Map(vars.body.variables.filter(v => /^0x[0-9a-f]+/.test(v.value)).map(v => [v.name, BigInt(v.value.split(' ')[0])]));
}

async function evaluate(dc: DebugClient, expression: string, context = 'watch'): Promise<string> {
  return (await dc.evaluateRequest({ expression, context })).body.result;
}

const addressOf = async (dc: DebugClient, name: string) => BigInt((await evaluate(dc, name)).split(' ')[0]);

/** Compares the two transcripts up to the end of the last prompt: QEMU's run ends there, while
 *  the debugger may have received a few bytes more (the Shell's cursor escapes). */
function assertQemuTranscript(name: string, prompt: string, qemuOut: string, debuggerOut: string): void {
  const upToPrompt = (t: string) => t.slice(0, t.lastIndexOf(prompt) + prompt.length);
  const nq = normaliseTranscript(upToPrompt(qemuOut)), nd = normaliseTranscript(upToPrompt(debuggerOut));
  if (nq !== nd) assert.fail(`${name}: the transcript under the debugger differs from QEMU's\n${firstDifference(nq, nd, 'qemu', 'debugger')}`);
}

describe('real firmware under the debugger (DAP)', function () {
  this.timeout(240_000);
  let dc: DebugClient;
  withDapClient(c => { dc = c; });

  /** The U-Boot symbols, or a skip (a failure with REALMSCOPE_ORACLES=required). */
  function ubootSymbols(ctx: Mocha.Context): { elf: string; source: string } {
    const symbols = findUbootSymbols();
    requireFirmwareOracles(ctx, UBOOT, 'missing' in symbols ? [`U-Boot symbols: ${symbols.missing} (${UBOOT_SYMBOLS_HINT})`] : []);
    return symbols as { elf: string; source: string };
  }

  async function launchUboot(symbols: { elf: string }, names: string[], extra: Record<string, unknown> = {}): Promise<DebugProtocol.Breakpoint[]> {
    await dc.initializeRequest();
    let fbps!: DebugProtocol.SetFunctionBreakpointsResponse;
    await Promise.all([
      dc.launch({ program: UBOOT.file, format: 'bios', ram: '512M', symbols: [symbols.elf], ...extra } as DebugProtocol.LaunchRequestArguments),
      dc.waitForEvent('initialized').then(async () => {
        fbps = await dc.setFunctionBreakpointsRequest({ breakpoints: names.map(name => ({ name })) });
        await dc.configurationDoneRequest();
      }),
      stopped(dc, 'function breakpoint'),
    ]);
    for (const bp of fbps.body.breakpoints) assert.ok(bp.verified && !bp.message, JSON.stringify(bp));
    return fbps.body.breakpoints;
  }

  it('U-Boot: board_init_r hit in the relocated copy, a step, sane registers and stack, then `version`', async function () {
    const symbols = ubootSymbols(this);
    const qemu = qemuReference(UBOOT);
    const uart = new DapUart(dc, new Script(UBOOT.steps, () => undefined));
    const changed: DebugProtocol.Breakpoint[] = [];
    dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => { if (e.body.reason === 'changed') changed.push(e.body.breakpoint); });
    let log = '';
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'console') log += e.body.output; });

    // Set at the link address (where U-Boot never runs board_init_r); the debugger follows
    // relocate_code and the breakpoint gets a second location in the copy.
    const [initBp] = await launchUboot(symbols, ['board_init_r'], { cwd: symbols.source });
    const linkBoardInitR = BigInt(initBp.instructionReference!);
    const relocLine = /U-Boot relocates itself to (0x[0-9a-f]+): loading the symbols of u-boot again at offset (0x[0-9a-f]+)/.exec(log);
    assert.ok(relocLine, log);
    const relocaddr = BigInt(relocLine[1]);
    assert.equal(BigInt(relocLine[2]), relocaddr, 'U-Boot for qemu_arm64 is linked at 0');
    assert.ok(relocaddr > RAM_BASE && relocaddr < RAM_BASE + RAM_SIZE && (relocaddr & 0xfffn) === 0n, `relocation address ${relocaddr.toString(16)}`);
    const moved = changed.find(b => b.id === initBp.id);
    assert.ok(moved?.verified && moved.message === `2 locations: 0x${linkBoardInitR.toString(16).padStart(16, '0')}, 0x${(relocaddr + linkBoardInitR).toString(16).padStart(16, '0')}`, JSON.stringify(changed));
    assert.match(await evaluate(dc, 'info files', 'repl'), /u-boot: offset 0x0+, .*\n.*u-boot: offset 0x0*[0-9a-f]+, \.text at/);

    // board_init_r(gd_t *new_gd, ulong dest_addr), reached from _main in the copy.
    const entry = relocaddr + linkBoardInitR;
    let stack = await frames(dc);
    const top = stack[0];
    assert.equal(top.name, 'board_init_r');
    assert.equal(BigInt(top.instructionPointerReference!), entry);
    assert.ok(top.source?.path?.endsWith('common/board_r.c') && fs.existsSync(top.source.path), `source ${top.source?.path}`);
    const entryLine = top.line;
    assert.match(await evaluate(dc, `info symbol ${entry}`, 'repl'), /^board_init_r in .*u-boot \(offset 0x/);
    const regs = await registers(dc);
    assert.equal(regs.get('x0'), regs.get('x18'), 'new_gd is gd (x18)');
    assert.equal(regs.get('x1'), relocaddr, 'dest_addr is the relocation address');
    const sp = regs.get('sp')!;
    assert.ok((sp & 0xfn) === 0n && sp > RAM_BASE && sp < relocaddr, `sp ${sp.toString(16)} is 16-byte aligned in RAM below the copy`);
    for (const f of stack) {
      const pc = BigInt(f.instructionPointerReference!);
      assert.ok(pc >= relocaddr && pc < relocaddr + 0x10_0000n, `frame ${f.name} at ${pc.toString(16)} is in the relocated U-Boot`);
    }

    // An instruction step, then a line step: still in board_init_r's code, on another line (with
    // -Os that may be a line of a function inlined into it, such as initcall_run_list).
    await Promise.all([dc.stepInRequest({ threadId: 1, granularity: 'instruction' }), stopped(dc, 'step')]);
    assert.equal((await registers(dc)).get('pc'), entry + 4n);
    await Promise.all([dc.nextRequest({ threadId: 1 }), stopped(dc, 'step')]);
    stack = await frames(dc);
    const stepped = BigInt(stack[0].instructionPointerReference!);
    assert.equal(stack[0].name, 'board_init_r');
    assert.ok(stepped > entry + 4n, `pc ${stepped.toString(16)} after the line step`);
    assert.match(await evaluate(dc, `info symbol ${stepped}`, 'repl'), /^board_init_r \+ \d+ in /);
    assert.ok(stack[0].line !== entryLine || stack[0].source?.path !== top.source?.path, `a new line: ${stack[0].source?.path}:${stack[0].line}`);

    // A source breakpoint in common/board_r.c, in initr_malloc (called through init_sequence_r):
    // hit in the copy, with board_init_r as its caller.
    const boardR = path.join(symbols.source, 'common/board_r.c');
    const mallocLine = fs.readFileSync(boardR, 'utf8').split('\n').findIndex(l => l.includes('malloc_start = gd->relocaddr - TOTAL_MALLOC_LEN;')) + 1;
    assert.ok(mallocLine > 0);
    const sb = await dc.setBreakpointsRequest({ source: { path: boardR }, breakpoints: [{ line: mallocLine }] });
    assert.ok(sb.body.breakpoints[0].verified, JSON.stringify(sb.body.breakpoints[0]));
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'breakpoint')]);
    stack = await frames(dc);
    assert.deepEqual([stack[0].name, stack[0].line, stack[0].source?.path], ['initr_malloc', mallocLine, boardR]);
    assert.ok(BigInt(stack[0].instructionPointerReference!) >= relocaddr, 'in the copy');
    assert.equal(stack[1]?.name, 'board_init_r', stack.map(f => f.name).join(' <- '));
    await dc.setBreakpointsRequest({ source: { path: boardR }, breakpoints: [] });

    // On to the prompt and `version`, as on QEMU.
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: 1 });
    await uart.waitFor('GNU ld', 60_000);
    await uart.waitFor('=> ', 10_000, uart.text.indexOf('GNU ld'));
    assert.match(normaliseTranscript(uart.text), /=> version\r\nU-Boot 2023\.01\+dfsg-2/);
    assertQemuTranscript('u-boot', '=> ', (await qemu).output, uart.text);
  });

  it('U-Boot, as with GDB: at relocate_code, add-symbol-file u-boot $x0, then board_init_r in the copy ("followRelocation": false)', async function () {
    const symbols = ubootSymbols(this);
    const changed: DebugProtocol.Breakpoint[] = [];
    dc.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => { if (e.body.reason === 'changed') changed.push(e.body.breakpoint); });
    const [, initBp] = await launchUboot(symbols, ['relocate_code', 'board_init_r'], { followRelocation: false, cwd: symbols.source });

    // Still running from flash at the link address: x0 is where U-Boot copies itself.
    const top = (await frames(dc))[0];
    assert.equal(top.name, 'relocate_code');
    assert.equal(BigInt(top.instructionPointerReference!), await addressOf(dc, 'relocate_code'));
    assert.match(top.source?.path ?? '', /arch\/arm\/lib\/relocate_64\.S$/);
    const relocaddr = (await registers(dc)).get('x0')!;
    assert.equal(changed.length, 0, 'nothing loaded by itself');
    const added = await evaluate(dc, `add-symbol-file ${symbols.elf} $x0`, 'repl');
    assert.match(added, new RegExp(`at \\.text_addr = 0x0*${relocaddr.toString(16)} \\(offset 0x0*${relocaddr.toString(16)}\\): \\d+ symbols, DWARF`));
    assert.ok(changed.find(b => b.id === initBp.id)?.message?.startsWith('2 locations'), JSON.stringify(changed));
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped(dc, 'function breakpoint')]);
    const f = (await frames(dc))[0];
    assert.equal(f.name, 'board_init_r');
    assert.equal(BigInt(f.instructionPointerReference!), relocaddr + BigInt(initBp.instructionReference!));
  });

  it('AAVMF: the boot to `Shell>`, a pause with sane registers and stack, an instruction step, then `ver`', async function () {
    requireFirmwareOracles(this, AAVMF);
    const qemu = qemuReference(AAVMF);
    const countdown = AAVMF.steps.findIndex(s => s.waitFor === 'Shell> ');
    const uart = new DapUart(dc, new Script(AAVMF.steps.slice(0, countdown), () => undefined));
    await dc.initializeRequest();
    await Promise.all([
      dc.launch({ program: AAVMF.file, format: 'bios', ram: '512M' } as DebugProtocol.LaunchRequestArguments),
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
    ]);
    await uart.waitFor('Shell> ', 150_000);

    // The Shell waits for a key: pause it there.
    const [, paused] = await Promise.all([dc.pauseRequest({ threadId: 1 }), stopped(dc, 'pause', 5_000)]);
    assert.match(paused.body.description ?? '', /^Paused at 0x[0-9a-f]{16} <\w+\.dll\+0x[0-9a-f]+>$/);
    const regs = await registers(dc);
    const pc = regs.get('pc')!, sp = regs.get('sp')!;
    assert.ok(pc >= RAM_BASE && pc < RAM_BASE + RAM_SIZE, `pc ${pc.toString(16)} is in RAM (DXE drivers run from RAM)`);
    assert.ok(sp >= RAM_BASE && sp < RAM_BASE + RAM_SIZE && (sp & 0xfn) === 0n, `sp ${sp.toString(16)}`);
    const info = await evaluate(dc, 'info registers', 'repl');
    assert.equal(BigInt(/SCTLR_EL1 *=(0x[0-9a-f]+)/.exec(info)![1]) & 1n, 1n, `the MMU is on:\n${info}`);
    assert.match(info, / EL1h /, 'UEFI runs at EL1 on SP_EL1');
    const stack = await frames(dc);
    assert.ok(stack.length >= 1 && BigInt(stack[0].instructionPointerReference!) === pc);
    // No ELF symbols here, but every frame is named by the PE32+ image EDK2 loaded it from; the
    // Shell waits for a key through the boot services (DxeCore), started by BdsDxe.
    const names = stack.map(f => f.name);
    for (const n of names) assert.match(n, /^\w+\.dll\+0x[0-9a-f]+$/, names.join(' <- '));
    for (const m of ['DxeCore.dll', 'Shell.dll', 'BdsDxe.dll']) assert.ok(names.some(n => n.startsWith(m + '+')), `${m} in ${names.join(' <- ')}`);
    const where = await evaluate(dc, 'info symbol $pc', 'repl');
    const img = /^(\w+\.dll) \+ (\d+) \(PE32\+ image at (0x[0-9a-f]+), \d+ bytes, (\S+)\)$/.exec(where);
    assert.ok(img && img[4].endsWith(`/DEBUG/${img[1]}`), where);
    assert.equal(BigInt(img[3]) + BigInt(img[2]), pc);
    assert.match(await evaluate(dc, `x/2bx ${img[3]}`, 'repl'), /: 0x4d 0x5a$/, 'the image starts with its "MZ" header');
    // The DXE core's own list (the debug image info table) agrees: every image named, the one
    // holding the PC at the base the search found.
    const list = (await evaluate(dc, 'info images', 'repl')).split('\n');
    const count = Number(/^(\d+) images loaded by UEFI:$/.exec(list[0])?.[1]);
    assert.ok(count > 50 && list.length === count + 1, list.slice(0, 3).join('\n'));
    for (const l of list.slice(1)) assert.match(l, /^0x[0-9a-f]{16}-0x[0-9a-f]{16} {2}\w+\.dll +\/\S+\/DEBUG\/\w+\.dll$/);
    for (const m of ['DxeCore.dll', 'Shell.dll', 'BdsDxe.dll', 'RuntimeDxe.dll', 'VariableRuntimeDxe.dll']) assert.ok(list.some(l => l.includes(`  ${m} `)), `${m} in info images`);
    const holder = list.find(l => l.includes(`  ${img[1]} `))!;
    assert.equal(BigInt(holder.slice(0, 18)), BigInt(img[3]), holder);
    const dis = await dc.disassembleRequest({ memoryReference: stack[0].instructionPointerReference!, instructionCount: 1 });
    assert.notEqual(dis.body!.instructions[0].instruction, '<unreadable>');
    await Promise.all([dc.stepInRequest({ threadId: 1, granularity: 'instruction' }), stopped(dc, 'step')]);
    const after = (await registers(dc)).get('pc')!;
    assert.ok(after >= RAM_BASE && after < RAM_BASE + RAM_SIZE && after !== pc || dis.body!.instructions[0].instruction.startsWith('wfi'), `pc after the step ${after.toString(16)} from ${pc.toString(16)}: ${JSON.stringify(dis.body!.instructions[0])}`);

    await dc.continueRequest({ threadId: 1 });
    const at = uart.text.lastIndexOf('Shell> ');
    await dc.customRequest('realmscope/uartInput', { text: 'ver\r' });
    await uart.waitFor('UEFI v', 30_000, at);
    await uart.waitFor('Shell> ', 30_000, uart.text.indexOf('UEFI v', at));
    assert.match(normaliseTranscript(uart.text), /Shell> ver\r\nUEFI Interactive Shell v2\.2/);
    assertQemuTranscript('aavmf', 'Shell> ', (await qemu).output, uart.text);
  });
});

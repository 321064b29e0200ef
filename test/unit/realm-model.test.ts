// The Realm model: the RTT after the host's build steps, every RSI input check, the syndromes of
// injected aborts, emulated MMIO, RIPAS change policies and shared memory (facts §1-§3).
import { strict as assert } from 'assert';
import { VirtBoard, REALM_FW_RAM_SIZE } from '../../emulator/board/VirtBoard';
import { readImage } from '../../emulator/loaders/image';
import { RTT_STATE, RIPAS } from '../../emulator/realm/RealmTranslationTable';
import { RSI, RSI_STATUS } from '../../emulator/realm/RsiDispatcher';
import type { RealmOptions } from '../../emulator/realm/Realm';
import { asm } from '../support/asm';

const UNPROT = 2 ** 40; // IPA width 41
const VBAR = 0x10000;

/** A Realm whose firmware at IPA 0 is `src`, with a vector table at VBAR (every entry `b .`). */
function realm(src: string, opts: RealmOptions = {}): VirtBoard {
  const words = asm(src);
  const img = new Uint8Array(VBAR + 0x800);
  const dv = new DataView(img.buffer);
  words.forEach((w, i) => dv.setUint32(4 * i, w, true));
  const loop = asm('b .')[0];
  for (let o = 0; o < 0x800; o += 4) dv.setUint32(VBAR + o, loop, true);
  const b = new VirtBoard({ realm: opts });
  b.load(readImage(img, 'fw.bin', 'raw'), { loadAddress: 0 });
  b.cpu.sys.writeByName('VBAR_EL1', BigInt(VBAR));
  return b;
}

/** Issues an SMC with the given registers from the Realm (through the CPU's SMC hook). */
function smc(b: VirtBoard, regs: bigint[]): bigint[] {
  regs.forEach((v, i) => b.cpu.setX(i, v));
  assert.ok(b.cpu.hooks.smc!(b.cpu, 0));
  return Array.from({ length: 9 }, (_, i) => b.cpu.getX(i));
}

describe('Realm model', () => {
  it('builds the RTT as the host does: RIPAS RAM over all RAM, image pages assigned and measured, devices EMPTY, upper half NS', () => {
    const b = realm('b .');
    const rtt = b.realm!.rtt;
    assert.equal(rtt.entry(0).state, RTT_STATE.ASSIGNED);
    assert.equal(rtt.entry(0).ripas, RIPAS.RAM);
    assert.equal(rtt.entry(0).level, 3);
    assert.equal(rtt.entry(REALM_FW_RAM_SIZE - 4096).ripas, RIPAS.RAM);
    assert.equal(rtt.entry(REALM_FW_RAM_SIZE - 4096).state, RTT_STATE.UNASSIGNED);
    assert.equal(rtt.entry(0x40000000).state, RTT_STATE.ASSIGNED, 'the DTB page is measured data');
    assert.equal(rtt.entry(0x40200000).ripas, RIPAS.RAM);
    assert.equal(rtt.entry(0x09000000).ripas, RIPAS.EMPTY, 'a device has no RIPAS RAM');
    assert.equal(rtt.entry(UNPROT + 0x09000000).state, RTT_STATE.UNASSIGNED_NS);
    assert.equal(b.realm!.state, 'active');
    assert.ok(rtt.hostBytes < 8 * 1024 * 1024);
  });

  it('gives the same RIM for the same image and a different one for a different image', () => {
    const rim = (src: string) => Buffer.from(realm(src).realm!.measurement.read(0)).toString('hex');
    assert.equal(rim('nop\nb .'), rim('nop\nb .'));
    assert.notEqual(rim('nop\nb .'), rim('b .'));
  });

  it('RSI_VERSION, FEATURES and unknown function IDs', () => {
    const b = realm('b .');
    assert.deepEqual(smc(b, [BigInt(RSI.VERSION), 0x10000n]).slice(0, 3), [0n, 0x10000n, 0x10000n]);
    assert.deepEqual(smc(b, [BigInt(RSI.VERSION), 0x20000n]).slice(0, 3), [1n, 0x10000n, 0x10000n]);
    assert.deepEqual(smc(b, [BigInt(RSI.FEATURES), 0n]).slice(0, 2), [0n, 0n]);
    assert.equal(smc(b, [0xc40001a0n])[0], 0xffffffffffffffffn);
    assert.equal(smc(b, [0x80000000n])[0], 0x10002n, 'SMCCC_VERSION 1.2');
    assert.equal(smc(b, [0x84000000n])[0], 0x10001n, 'PSCI_VERSION 1.1');
  });

  it('RSI_REALM_CONFIG writes ipa_width and the hash algorithm, and checks its input', () => {
    const b = realm('b .', { hashAlgorithm: 'sha512' });
    assert.equal(smc(b, [BigInt(RSI.REALM_CONFIG), 0x200000n])[0], 0n);
    const cfg = b.mem.readBytes(0x200000, 16)!;
    assert.equal(new DataView(cfg.buffer).getBigUint64(0, true), 41n);
    assert.equal(cfg[8], 1);
    assert.equal(smc(b, [BigInt(RSI.REALM_CONFIG), 0x200008n])[0], 1n, 'unaligned');
    assert.equal(smc(b, [BigInt(RSI.REALM_CONFIG), BigInt(UNPROT + 0x200000)])[0], 1n, 'unprotected');
    assert.equal(smc(b, [BigInt(RSI.REALM_CONFIG), 0x09000000n])[0], 1n, 'RIPAS EMPTY');
  });

  it('MEASUREMENT_READ/EXTEND: index and size checks, SHA-256 REM value', () => {
    const b = realm('b .');
    assert.equal(smc(b, [BigInt(RSI.MEASUREMENT_READ), 5n])[0], 1n);
    assert.equal(smc(b, [BigInt(RSI.MEASUREMENT_EXTEND), 0n, 1n])[0], 1n);
    assert.equal(smc(b, [BigInt(RSI.MEASUREMENT_EXTEND), 5n, 1n])[0], 1n);
    assert.equal(smc(b, [BigInt(RSI.MEASUREMENT_EXTEND), 1n, 65n])[0], 1n);
    const r0 = smc(b, [BigInt(RSI.MEASUREMENT_READ), 1n]);
    assert.deepEqual(r0.slice(0, 9), [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n], 'REMs start at zero');
    assert.equal(smc(b, [BigInt(RSI.MEASUREMENT_EXTEND), 1n, 4n, 0x64636261n])[0], 0n);
    const r = smc(b, [BigInt(RSI.MEASUREMENT_READ), 1n]);
    // SHA-256(32 zero bytes || "abcd")
    const { createHash } = require('crypto') as typeof import('crypto');
    const expect = createHash('sha256').update(Buffer.concat([Buffer.alloc(32), Buffer.from('abcd')])).digest();
    assert.equal(r[1], expect.readBigUInt64LE(0));
    assert.equal(r[4], expect.readBigUInt64LE(24));
    assert.equal(r[5], 0n);
  });

  it('attestation: INIT/CONTINUE misuse and a complete token', () => {
    const b = realm('b .');
    const buf = 0x300000n;
    assert.deepEqual(smc(b, [BigInt(RSI.ATTESTATION_TOKEN_CONTINUE), buf, 0n, 4096n]).slice(0, 2), [2n, 0n], 'CONTINUE without INIT');
    const init = smc(b, [BigInt(RSI.ATTESTATION_TOKEN_INIT), 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    assert.deepEqual(init.slice(0, 2), [0n, 0x1000n]);
    assert.deepEqual(smc(b, [BigInt(RSI.ATTESTATION_TOKEN_CONTINUE), buf + 8n, 0n, 16n]).slice(0, 2), [1n, 0n], 'unaligned');
    assert.deepEqual(smc(b, [BigInt(RSI.ATTESTATION_TOKEN_CONTINUE), buf, 4096n, 0n]).slice(0, 2), [1n, 0n], 'offset 4096');
    assert.deepEqual(smc(b, [BigInt(RSI.ATTESTATION_TOKEN_CONTINUE), buf, 8n, 4096n]).slice(0, 2), [1n, 0n], 'offset + size > 4096');
    assert.deepEqual(smc(b, [BigInt(RSI.ATTESTATION_TOKEN_CONTINUE), BigInt(UNPROT) + buf, 0n, 16n]).slice(0, 2), [1n, 0n], 'outside the protected half');
    assert.deepEqual(smc(b, [BigInt(RSI.ATTESTATION_TOKEN_CONTINUE), buf, 0n, 0n]).slice(0, 2), [3n, 0n], 'size 0');
    let got = 0n;
    let st: bigint[];
    do { st = smc(b, [BigInt(RSI.ATTESTATION_TOKEN_CONTINUE), buf, got, 100n]); got += st[1]; } while (st[0] === 3n);
    assert.equal(st[0], 0n);
    const token = b.mem.readBytes(Number(buf), Number(got))!;
    assert.deepEqual(Array.from(token.subarray(0, 3)), [0xd9, 0x01, 0x8f], 'CBOR tag 399');
    assert.deepEqual(Buffer.from(token), Buffer.from(b.realm!.lastToken!));
    assert.deepEqual(smc(b, [BigInt(RSI.ATTESTATION_TOKEN_CONTINUE), buf, 0n, 16n]).slice(0, 2), [2n, 0n], 'done: no token in progress');
  });

  it('IPA_STATE_SET/GET: input checks, RIPAS runs, and the host policies', () => {
    const b = realm('b .');
    const base = 0x40800000n;
    assert.equal(smc(b, [BigInt(RSI.IPA_STATE_SET), base, base + 0x1000n, 2n, 0n])[0], 1n, 'DESTROYED requested');
    assert.equal(smc(b, [BigInt(RSI.IPA_STATE_SET), base + 8n, base + 0x1000n, 0n, 0n])[0], 1n, 'unaligned');
    assert.equal(smc(b, [BigInt(RSI.IPA_STATE_SET), base, base, 0n, 0n])[0], 1n, 'top <= base');
    assert.equal(smc(b, [BigInt(RSI.IPA_STATE_SET), BigInt(UNPROT), BigInt(UNPROT) + 0x1000n, 0n, 0n])[0], 1n, 'unprotected');
    // A 20 KiB hole in an 8 MiB buffer, then the IPA_STATE_GET walk RAM / EMPTY / RAM.
    const hole = base + 0x100000n;
    assert.deepEqual(smc(b, [BigInt(RSI.IPA_STATE_SET), hole, hole + 0x5000n, 0n, 1n]).slice(0, 3), [0n, hole + 0x5000n, 0n]);
    assert.deepEqual(smc(b, [BigInt(RSI.IPA_STATE_GET), base, base + 0x800000n]).slice(0, 3), [0n, hole, 1n]);
    assert.deepEqual(smc(b, [BigInt(RSI.IPA_STATE_GET), hole, base + 0x800000n]).slice(0, 3), [0n, hole + 0x5000n, 0n]);
    assert.equal(smc(b, [BigInt(RSI.IPA_STATE_GET), hole + 0x5000n, base + 0x800000n])[2], 1n);
    assert.equal(smc(b, [BigInt(RSI.IPA_STATE_GET), base, base])[0], 1n, 'empty range');
    // Policies: partial progress and rejection.
    b.realm!.ripasPolicy = { partial: 2 };
    assert.deepEqual(smc(b, [BigInt(RSI.IPA_STATE_SET), hole, hole + 0x5000n, 1n, 1n]).slice(0, 3), [0n, hole + 0x2000n, 0n]);
    b.realm!.ripasPolicy = 'reject';
    assert.deepEqual(smc(b, [BigInt(RSI.IPA_STATE_SET), hole + 0x2000n, hole + 0x5000n, 1n, 1n]).slice(0, 3), [0n, hole + 0x2000n, 1n], 'REJECT for RAM');
  });

  it('RSI_HOST_CALL: alignment checks and the SMCCC answers of a KVM-like host', () => {
    const b = realm('b .');
    const st = 0x400000;
    const put = (g0: bigint) => { const a = new Uint8Array(0x100); new DataView(a.buffer).setBigUint64(8, g0, true); b.mem.writeBytes(st, a); };
    put(0x80000000n);
    assert.equal(smc(b, [BigInt(RSI.HOST_CALL), BigInt(st)])[0], 0n);
    assert.equal(new DataView(b.mem.readBytes(st + 8, 8)!.buffer).getBigUint64(0, true), 0x10001n);
    put(0xc5000041n);
    smc(b, [BigInt(RSI.HOST_CALL), BigInt(st)]);
    assert.equal(new DataView(b.mem.readBytes(st + 8, 8)!.buffer).getBigUint64(0, true), 0xffffffffffffffffn);
    assert.equal(smc(b, [BigInt(RSI.HOST_CALL), BigInt(st + 0x80)])[0], 1n, 'not 256-byte aligned');
  });

  it('injects a synchronous external abort for EMPTY memory (data and fetch), unprotected fetches and IPAs beyond the width', () => {
    const esrOf = (src: string) => { const b = realm(src); b.cpu.run(20); return { b, esr: b.cpu.sys.esr, far: b.cpu.sys.far, pc: b.cpu.getPC() }; };
    const d = esrOf('mov x1, #0x09000000\nldr w2, [x1]');
    assert.equal(d.esr, 0x96000000n | 0x210n | (1n << 24n) | (2n << 22n) | (2n << 16n), 'EC 0x25, IL, ISV, SAS=word, SRT=2, EA, DFSC 0x10');
    assert.equal(d.far, 0x09000000n);
    assert.equal(d.b.realm!.fatal !== undefined, true, 'a device through the protected half stops the run with a report');
    assert.match(d.b.realm!.fatal!, /unprotected alias: use IPA 0x10009000000/);
    // RAM set EMPTY by the Realm: SEA on access, no stop (not a device).
    const e = realm(['ldr x0, =0xc4000197', 'ldr x1, =0x40800000', 'ldr x2, =0x40801000', 'mov x3, #0', 'mov x4, #1', 'smc #0',
      'ldr x5, =0x40800000', 'ldr x6, [x5]'].join('\n'));
    e.cpu.run(20);
    assert.equal(e.cpu.sys.esr & 0xfc00003fn, 0x94000010n);
    assert.equal(e.cpu.sys.far, 0x40800000n);
    assert.equal(e.realm!.fatal, undefined);
    // Fetch from the unprotected half, and from beyond 2^41.
    const f = esrOf(`ldr x1, =${UNPROT + 0x40000000}\nbr x1`);
    assert.equal(f.esr, 0x86000210n, 'EC 0x21, IL, EA, IFSC 0x10');
    const g = esrOf(`ldr x1, =${2 ** 41 + 0x1000}\nldr x2, [x1]`);
    assert.equal(g.esr & 0x3fn, 0x10n);
    assert.equal(g.esr >> 26n, 0x25n);
  });

  it('emulates single-register MMIO through the unprotected alias and stops on an LDP to a device', () => {
    const b = realm(`ldr x1, =${UNPROT + 0x09000000}\nmov w2, #0x41\nstr w2, [x1]\nldp x3, x4, [x1]`);
    let out = '';
    b.onConsoleOutput = x => { out += Buffer.from(x).toString(); };
    b.cpu.run(20);
    assert.equal(out, 'A');
    assert.equal(b.exitStatus?.kind, 'realm-error');
    assert.match(b.realm!.fatal!, /no valid syndrome \(ISV=0/);
    assert.ok(b.realm!.events.some(e => e.kind === 'rec-exit' && e.reason.includes('MMIO')));
  });

  it('shared memory reads back zero after conversion back to RAM', () => {
    const b = realm(['ldr x0, =0xc4000197', 'ldr x1, =0x40800000', 'ldr x2, =0x40801000', 'mov x3, #0', 'mov x4, #1', 'smc #0', // -> EMPTY
      `ldr x5, =${UNPROT + 0x40800000}`, 'mov x6, #0x5a', 'str x6, [x5]', 'ldr x7, [x5]',                                        // write/read shared
      'ldr x0, =0xc4000197', 'ldr x1, =0x40800000', 'ldr x2, =0x40801000', 'mov x3, #1', 'mov x4, #1', 'smc #0',              // -> RAM
      'ldr x5, =0x40800000', 'ldr x8, [x5]', 'b .'].join('\n'));
    b.cpu.run(60);
    assert.equal(b.cpu.getX(7), 0x5an, 'the shared alias works');
    assert.equal(b.cpu.getX(8), 0n, 'back to RAM: zeroed');
    assert.ok(b.realm!.events.some(e => e.kind === 'ripas-change' && e.ripas === 'EMPTY'));
  });

  it('HVC is UNDEFINED in a Realm and the ID registers show EL3 and RME', () => {
    const b = realm('mrs x1, id_aa64pfr0_el1\nhvc #0');
    b.cpu.run(2);
    assert.equal((b.cpu.getX(1) >> 12n) & 0xfn, 1n);
    assert.equal((b.cpu.getX(1) >> 52n) & 0xfn, 1n);
    assert.equal(b.cpu.sys.esr, 0x2000000n);
    const plain = new VirtBoard();
    assert.equal((plain.cpu.sys.readByName('ID_AA64PFR0_EL1')! >> 12n) & 0xfn, 0n, 'not a Realm: no EL3');
  });
});

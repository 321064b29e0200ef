// The Realm Services Interface as the RMM answers it (RMM 1.0, shared/spec/cca-facts.md §1):
// the ten RSI commands with their input checks and status codes, the PSCI and SMCCC calls the
// RMM handles itself (§1.6), and -1 for any other function ID. Called for every SMC the Realm
// executes; HVC never reaches here (it is UNDEFINED in a Realm).

import type { Cpu } from '../cpu/Cpu';
import { Realm } from './Realm';
import { RIPAS, RIPAS_NAMES, RTT_STATE } from './RealmTranslationTable';
import { measurementToRegisters, registersToBytes } from './RealmMeasurement';
import { TokenStream } from './AttestationToken';

export const RSI = {
  VERSION: 0xc4000190, FEATURES: 0xc4000191, MEASUREMENT_READ: 0xc4000192, MEASUREMENT_EXTEND: 0xc4000193,
  ATTESTATION_TOKEN_INIT: 0xc4000194, ATTESTATION_TOKEN_CONTINUE: 0xc4000195, REALM_CONFIG: 0xc4000196,
  IPA_STATE_SET: 0xc4000197, IPA_STATE_GET: 0xc4000198, HOST_CALL: 0xc4000199,
} as const;

export const RSI_STATUS = { SUCCESS: 0, ERROR_INPUT: 1, ERROR_STATE: 2, INCOMPLETE: 3, ERROR_UNKNOWN: 4 } as const;
const STATUS_NAMES = ['SUCCESS', 'ERROR_INPUT', 'ERROR_STATE', 'INCOMPLETE', 'ERROR_UNKNOWN'];

export function rsiCommandName(fid: number): string | undefined {
  for (const [k, v] of Object.entries(RSI)) if (v === fid) return `RSI_${k}`;
  return undefined;
}

/** The arguments of an RSI call, by name, from the registers before it executes (for a debugger
 *  stopped at the SMC). */
export function describeRsiArguments(fid: number, x: (n: number) => bigint): string {
  const h = (n: number) => '0x' + x(n).toString(16);
  switch ((fid & ~0x10000) >>> 0) {
    case RSI.VERSION: return `requested=${h(1)}`;
    case RSI.FEATURES: return `index=${x(1)}`;
    case RSI.MEASUREMENT_READ: return `index=${x(1)}`;
    case RSI.MEASUREMENT_EXTEND: return `index=${x(1)}, size=${x(2)}`;
    case RSI.ATTESTATION_TOKEN_INIT: return `challenge=${[1, 2].map(h).join(',')},...`;
    case RSI.ATTESTATION_TOKEN_CONTINUE: return `granule=${h(1)}, offset=${h(2)}, size=${h(3)}`;
    case RSI.REALM_CONFIG: return `config=${h(1)}`;
    case RSI.IPA_STATE_SET: {
      const r = Number(x(3));
      return `base=${h(1)}, top=${h(2)}, ripas=${r <= 2 ? RIPAS_NAMES[r] : r}, flags=${(x(4) & 1n) ? 'CHANGE_DESTROYED' : 'NO_CHANGE_DESTROYED'}`;
    }
    case RSI.IPA_STATE_GET: return `base=${h(1)}, end=${h(2)}`;
    case RSI.HOST_CALL: return `struct=${h(1)}`;
    default: return [1, 2, 3, 4].map(i => `x${i}=${h(i)}`).join(', ');
  }
}

const hex = (v: bigint | number) => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
const SMC_UNKNOWN = 0xffffffffffffffffn;

export interface PsciActions { systemOff(): void; systemReset(): void; }

export class RsiDispatcher {
  constructor(private readonly realm: Realm, private readonly psci: PsciActions) {}

  /** Handles an SMC from the Realm. Always returns true (every SMC is answered). */
  handle(cpu: Cpu): boolean {
    const fid = cpu.r[0] >>> 0; // the RMM takes W0 (with the SVE hint bit 16 masked)
    const f = (fid & ~0x10000) >>> 0;
    const x = (n: number) => cpu.getX(n);
    const pc = BigInt.asUintN(64, (BigInt(cpu.curHi >>> 0) << 32n) | BigInt(cpu.curLo >>> 0));
    const name = rsiCommandName(f);
    if (name) {
      const args: Record<string, string> = {};
      const result: Record<string, string> = {};
      const status = this.rsi(cpu, f, args, result, pc);
      // TF-RMM writes X0..X3 back on every completed call; outputs a command does not define are 0.
      const outs = [BigInt(status), ...[1, 2, 3].map(i => result[`x${i}`] !== undefined ? BigInt(result[`x${i}`]) : 0n)];
      if (f !== RSI.MEASUREMENT_READ) for (let i = 0; i < 4; i++) cpu.setX(i, outs[i]);
      else cpu.setX(0, BigInt(status));
      this.realm.emit({ kind: 'rsi', pc, insn: cpu.insn, fid, command: name, args, result, status: STATUS_NAMES[status] ?? String(status) });
      return true;
    }
    void x;
    this.otherSmc(cpu, f);
    return true;
  }

  /** Writes `bytes` into the Realm's protected RAM at `ipa`; undefined if the RIPAS is not RAM. */
  private writeRealm(cpu: Cpu, ipa: number, bytes: Uint8Array, pc: bigint): boolean {
    const realm = this.realm;
    if (!realm.isPrivateRam(ipa)) return false;
    // An unbacked RIPAS RAM buffer: the RMM emulates a stage-2 abort, the host backs the page and
    // the SMC runs again; the net effect is that the page is backed first.
    if (realm.rtt.entry(ipa).state !== RTT_STATE.ASSIGNED) realm.backGranule(ipa, pc, cpu.insn, 'write');
    realm.mem.writeBytes(ipa, bytes);
    return true;
  }

  private rsi(cpu: Cpu, f: number, args: Record<string, string>, result: Record<string, string>, pc: bigint): number {
    const realm = this.realm;
    const x = (n: number) => cpu.getX(n);
    const inPar = (a: bigint) => a < BigInt(realm.rtt.half);
    switch (f) {
      case RSI.VERSION: {
        args.requested = hex(x(1));
        result.x1 = '0x10000'; result.x2 = '0x10000';
        return x(1) === 0x10000n ? RSI_STATUS.SUCCESS : RSI_STATUS.ERROR_INPUT;
      }
      case RSI.FEATURES:
        args.index = hex(x(1));
        result.x1 = '0x0';
        return RSI_STATUS.SUCCESS;
      case RSI.REALM_CONFIG: {
        const ipa = x(1);
        args.ipa = hex(ipa);
        if ((ipa & 0xfffn) !== 0n || !inPar(ipa)) return RSI_STATUS.ERROR_INPUT;
        const cfg = new Uint8Array(0x240);
        const dv = new DataView(cfg.buffer);
        dv.setBigUint64(0, BigInt(realm.ipaWidth), true);
        cfg[8] = realm.hashAlgorithm;
        cfg.set(realm.personalization, 0x200);
        // Only these fields are written; the rest of the granule is left as it was.
        if (!this.writeRealm(cpu, Number(ipa), cfg.subarray(0, 16), pc) || !this.writeRealm(cpu, Number(ipa) + 0x200, cfg.subarray(0x200, 0x240), pc)) return RSI_STATUS.ERROR_INPUT;
        return RSI_STATUS.SUCCESS;
      }
      case RSI.MEASUREMENT_READ: {
        const idx = x(1);
        args.index = String(idx);
        if (idx > 4n) return RSI_STATUS.ERROR_INPUT;
        const regs = measurementToRegisters(realm.measurement.read(Number(idx)));
        for (let i = 0; i < 8; i++) cpu.setX(1 + i, regs[i]);
        result.value = Buffer.from(realm.measurement.read(Number(idx))).toString('hex');
        // X1..X8 hold the value; X0 is written by the caller.
        return RSI_STATUS.SUCCESS;
      }
      case RSI.MEASUREMENT_EXTEND: {
        const idx = x(1), size = x(2);
        args.index = String(idx); args.size = String(size);
        if (idx === 0n || idx > 4n || size > 64n) return RSI_STATUS.ERROR_INPUT;
        const data = registersToBytes([3, 4, 5, 6, 7, 8, 9, 10].map(x), Number(size));
        args.data = Buffer.from(data).toString('hex');
        realm.measurement.extend(Number(idx), data);
        return RSI_STATUS.SUCCESS;
      }
      case RSI.ATTESTATION_TOKEN_INIT: {
        const challenge = registersToBytes([1, 2, 3, 4, 5, 6, 7, 8].map(x), 64);
        args.challenge = Buffer.from(challenge).toString('hex');
        try {
          const token = realm.attestation.createToken(challenge, realm.measurement, realm.personalization);
          realm.lastToken = token;
          realm.tokenStream = new TokenStream(token);
        } catch {
          return RSI_STATUS.ERROR_UNKNOWN;
        }
        result.x1 = '0x1000';
        return RSI_STATUS.SUCCESS;
      }
      case RSI.ATTESTATION_TOKEN_CONTINUE: {
        const ipa = x(1), off = x(2), size = x(3);
        args.ipa = hex(ipa); args.offset = hex(off); args.size = hex(size);
        result.x1 = '0x0';
        if ((ipa & 0xfffn) !== 0n || !inPar(ipa) || off >= 4096n || off + size > 4096n) return RSI_STATUS.ERROR_INPUT;
        if (!realm.tokenStream) return RSI_STATUS.ERROR_STATE;
        if (!realm.isPrivateRam(Number(ipa))) return RSI_STATUS.ERROR_INPUT;
        const granule = new Uint8Array(4096);
        const r = realm.tokenStream.next(granule, off, size);
        if (r.bytesWritten > 0 && !this.writeRealm(cpu, Number(ipa + off), granule.subarray(Number(off), Number(off) + r.bytesWritten), pc)) return RSI_STATUS.ERROR_INPUT;
        result.x1 = hex(r.bytesWritten);
        if (r.done) realm.tokenStream = undefined;
        return r.status as number;
      }
      case RSI.IPA_STATE_SET: {
        const base = x(1), top = x(2), ripas = x(3), flags = x(4);
        args.base = hex(base); args.top = hex(top); args.ripas = ripas <= 2n ? RIPAS_NAMES[Number(ripas)] : String(ripas); args.flags = hex(flags);
        result.x1 = hex(base); result.x2 = '0x0';
        if (ripas > 1n || (base & 0xfffn) !== 0n || (top & 0xfffn) !== 0n || top <= base || !inPar(base) || top > BigInt(realm.rtt.half)) return RSI_STATUS.ERROR_INPUT;
        const r = realm.changeRipas(Number(base), Number(top), Number(ripas), (flags & 1n) === 1n, pc, cpu.insn);
        cpu.flushTlb(); // the RMM invalidates stage-2 TLB entries for changed granules
        result.x1 = hex(r.reached); result.x2 = r.response === 'reject' ? '0x1' : '0x0';
        return RSI_STATUS.SUCCESS;
      }
      case RSI.IPA_STATE_GET: {
        const base = x(1), end = x(2);
        args.base = hex(base); args.end = hex(end);
        if ((base & 0xfffn) !== 0n || (end & 0xfffn) !== 0n || base >= end || !inPar(base) || end > BigInt(realm.rtt.half)) return RSI_STATUS.ERROR_INPUT;
        const r = realm.ripasRun(Number(base), Number(end));
        result.x1 = hex(r.top); result.x2 = String(r.ripas);
        result.ripas = RIPAS_NAMES[r.ripas];
        return RSI_STATUS.SUCCESS;
      }
      case RSI.HOST_CALL: {
        const ipa = x(1);
        args.ipa = hex(ipa);
        if ((ipa & 0xffn) !== 0n || !inPar(ipa) || !realm.isPrivateRam(Number(ipa))) return RSI_STATUS.ERROR_INPUT;
        const bytes = cpu.mem.readBytes(Number(ipa), 0x100);
        if (!bytes) return RSI_STATUS.ERROR_INPUT;
        const dv = new DataView(bytes.buffer);
        const imm = dv.getUint16(0, true);
        const g0 = dv.getBigUint64(8, true);
        args.imm = hex(imm); args.gpr0 = hex(g0);
        // The host is KVM-like: it answers the host call as an SMCCC hypercall (facts §1.4).
        const ret = g0 === 0x80000000n ? 0x10001n : SMC_UNKNOWN;
        dv.setBigUint64(8, ret, true);
        this.realm.emit({ kind: 'rec-exit', pc, insn: cpu.insn, reason: 'HOST_CALL', detail: `imm ${hex(imm)}, gprs[0] ${hex(g0)} -> ${hex(ret)}` });
        if (!this.writeRealm(cpu, Number(ipa), bytes, pc)) return RSI_STATUS.ERROR_INPUT;
        result.gpr0 = hex(ret);
        return RSI_STATUS.SUCCESS;
      }
      default:
        return RSI_STATUS.ERROR_INPUT;
    }
  }

  /** SMCCC and PSCI calls the RMM answers (facts §1.6); anything else returns -1. */
  private otherSmc(cpu: Cpu, f: number): void {
    const set = (v: bigint | number) => cpu.setX(0, BigInt.asUintN(64, BigInt(v)));
    const supported = new Set([0x84000001, 0xc4000001, 0x84000002, 0x84000003, 0xc4000003, 0x84000004, 0xc4000004, 0x84000008, 0x84000009, 0x8400000a, 0x80000000]);
    switch (f) {
      case 0x80000000: set(0x10002); return;                 // SMCCC_VERSION 1.2
      case 0x84000000: set(0x10001); return;                 // PSCI_VERSION 1.1
      case 0x8400000a: set(supported.has(Number(cpu.getX(1) & 0xffffffffn)) ? 0 : -1); return;
      case 0x84000001: case 0xc4000001:                      // CPU_SUSPEND: a notification to the host
        if (!cpu.irqLine && !cpu.fiqLine) { cpu.waitingForInterrupt = true; cpu.attention = 1; }
        set(0); return;
      case 0x84000002: this.realm.state = 'system-off'; this.psci.systemOff(); return; // CPU_OFF of the only REC
      case 0x84000003: case 0xc4000003: {
        const entry = cpu.getX(2);
        if (entry >= BigInt(this.realm.rtt.half)) { set(-9); return; }            // INVALID_ADDRESS
        set(cpu.getX(1) === 0n ? -4 : -2); return;                                // ALREADY_ON / INVALID_PARAMS
      }
      case 0x84000004: case 0xc4000004: set(cpu.getX(1) === 0n ? 0 : -2); return;
      case 0x84000008: this.realm.state = 'system-off'; this.psci.systemOff(); return;
      case 0x84000009: this.realm.state = 'system-off'; this.psci.systemReset(); return;
      default: set(SMC_UNKNOWN);
    }
  }
}

// Realm measurements: the Realm Initial Measurement (RIM) and the four Realm
// Extensible Measurements (REM0..3), computed exactly as an RMM 1.0 does.
//
// Sources: /work/shared/spec/cca-facts.md §4, §1.3-1.4, §3.3, checked against
// the RMM 1.0-rel0 reference implementation (TF-RMM tag rmm-spec-v1.0-rel0:
// lib/measurement/src/{rim.c,measurement.c,measurement_descs.h},
// runtime/rmi/{realm.c,rec.c,rtt.c}, runtime/rsi/realm_attest.c) and the
// field widths of DEN0137 1.0-rel0 as transcribed by veraison's cca-rmm crate.
//
// Model:
// * There are five 64-byte measurement slots: slot 0 is the RIM, slots 1..4 are
//   REM0..REM3 (the RSI index of REMn is n+1). All start at zero. With SHA-256
//   only the first 32 bytes of a slot are ever non-zero.
// * Descriptors embed the full 64-byte RIM slot (zero-padded for SHA-256);
//   the attestation token reports hash-length bytes only.
// * The hash algorithm is the realm's RmiHashAlgorithm (0 SHA-256, 1 SHA-512);
//   the RSI encoding (RsiHashAlgorithm, RSI_REALM_CONFIG.hash_algo) uses the
//   same two values.

import { createHash } from 'node:crypto';

// ---------------------------------------------------------------------------
// Constants

/** RmiHashAlgorithm / RsiHashAlgorithm encodings. */
export const RMI_HASH_SHA_256 = 0;
export const RMI_HASH_SHA_512 = 1;
export type HashAlgorithm = typeof RMI_HASH_SHA_256 | typeof RMI_HASH_SHA_512;

/** RmiRealmFlags bits (RmiRealmParams.flags). */
export const RMI_REALM_FLAG_LPA2 = 1n << 0n;
export const RMI_REALM_FLAG_SVE = 1n << 1n;
export const RMI_REALM_FLAG_PMU = 1n << 2n;

/** RmiRecCreateFlags bits (RmiRecParams.flags). */
export const RMI_REC_FLAG_RUNNABLE = 1n << 0n;

/** RmiDataMeasureContent: the only two values RMI_DATA_CREATE accepts as flags. */
export const RMI_NO_MEASURE_CONTENT = 0;
export const RMI_MEASURE_CONTENT = 1;

/** RmmMeasurementDescriptor* desc_type values. */
export const MEASURE_DESC_TYPE_DATA = 0;
export const MEASURE_DESC_TYPE_REC = 1;
export const MEASURE_DESC_TYPE_RIPAS = 2;

export const GRANULE_SIZE = 0x1000;
/** Bytes per measurement slot (large enough for SHA-512). */
export const MEASUREMENT_SLOT_SIZE = 64;
/** Slot 0 = RIM, slots 1..4 = REM0..3. */
export const MEASUREMENT_SLOT_COUNT = 5;
export const RIM_INDEX = 0;
/** RSI_MEASUREMENT_EXTEND accepts at most this many data bytes. */
export const MAX_EXTEND_SIZE = 64;
/** Size of every RmmMeasurementDescriptor* (the value of its len field). */
export const MEASUREMENT_DESCRIPTOR_SIZE = 0x100;
/** Number of GPRs carried in RmiRecParams (X0..X7). */
export const REC_CREATE_NR_GPRS = 8;
/** Size of RmiRealmParams.rpv (the Realm Personalization Value). */
export const RPV_SIZE = 64;

// RmiRealmParams field offsets (4 KB structure).
export const REALM_PARAMS_OFFSETS = {
  flags: 0x000,
  s2sz: 0x008,
  sveVl: 0x010,
  numBps: 0x018,
  numWps: 0x020,
  pmuNumCtrs: 0x028,
  hashAlgo: 0x030,
  rpv: 0x400,
  vmid: 0x800,
  rttBase: 0x808,
  rttLevelStart: 0x810,
  rttNumStart: 0x818,
} as const;

// RmiRecParams field offsets (4 KB structure).
export const REC_PARAMS_OFFSETS = {
  flags: 0x000,
  mpidr: 0x100,
  pc: 0x200,
  gprs: 0x300,
  numAux: 0x800,
  aux: 0x808,
} as const;
export const MAX_REC_AUX_GRANULES = 16;

// Measurement descriptor field offsets (all three descriptors are 0x100 bytes).
export const DESC_OFFSETS = {
  descType: 0x00,
  len: 0x08,
  rim: 0x10,
  // RmmMeasurementDescriptorData
  dataIpa: 0x50,
  dataFlags: 0x58,
  dataContent: 0x60,
  // RmmMeasurementDescriptorRec
  recContent: 0x50,
  // RmmMeasurementDescriptorRipas
  ripasBase: 0x50,
  ripasTop: 0x58,
} as const;

// ---------------------------------------------------------------------------
// Types

/**
 * RmiRealmParams as the host passes it to RMI_REALM_CREATE.
 *
 * Only flags, s2sz, sveVl, numBps, numWps, pmuNumCtrs and hashAlgo are
 * measured. DEN0137 1.0 gives s2sz..pmu_num_ctrs and hash_algo as 8-bit fields
 * in 8-byte slots (TF-RMM declares them `unsigned int`; identical bytes for
 * every legal value), so they must fit in a byte here.
 */
export interface RealmParams {
  /** RmiRealmFlags: bit 0 LPA2, bit 1 SVE, bit 2 PMU. */
  flags: bigint;
  /** Requested IPA width in bits. */
  s2sz: number;
  /** SVE vector length, encoded as (VL / 128) - 1. */
  sveVl: number;
  /** Number of breakpoints, as the host encodes it in RmiRealmParams. */
  numBps: number;
  /** Number of watchpoints, as the host encodes it in RmiRealmParams. */
  numWps: number;
  pmuNumCtrs: number;
  hashAlgo: HashAlgorithm;
  /** Realm Personalization Value (64 bytes, not measured; reported in the token). */
  rpv?: Uint8Array;
  /** Not measured. */
  vmid?: number;
  /** Not measured. */
  rttBase?: bigint;
  /** Not measured. */
  rttLevelStart?: number;
  /** Not measured. */
  rttNumStart?: number;
}

/** RmiRecParams as the host passes it to RMI_REC_CREATE. Measured: flags, pc, gprs. */
export interface RecParams {
  /** RmiRecCreateFlags: bit 0 RUNNABLE. */
  flags: bigint;
  /** Not measured. */
  mpidr?: bigint;
  pc: bigint;
  /** X0..X7 (missing entries are zero). */
  gprs: readonly bigint[];
  /** Not measured. */
  numAux?: number;
  /** Not measured. */
  aux?: readonly bigint[];
}

/** One entry of the measurement log kept for the debugger's Measurements view. */
export type MeasurementEvent =
  | { kind: 'realm-create'; rim: Uint8Array }
  | { kind: 'data'; ipa: bigint; flags: number; contentHash: Uint8Array | null; rim: Uint8Array }
  | { kind: 'ripas'; base: bigint; top: bigint; rim: Uint8Array }
  | { kind: 'rec'; pc: bigint; contentHash: Uint8Array; rim: Uint8Array }
  | { kind: 'extend'; index: number; data: Uint8Array; value: Uint8Array };

export interface RealmMeasurementOptions {
  /** Keep a log of measurement events (default true). */
  keepLog?: boolean;
}

// ---------------------------------------------------------------------------
// Helpers

/** Digest length in bytes for a hash algorithm. */
export function hashSize(algo: HashAlgorithm): 32 | 64 {
  return algo === RMI_HASH_SHA_512 ? 64 : 32;
}

/** IANA hash-function text name, as used in the attestation token claims. */
export function hashAlgorithmName(algo: HashAlgorithm): 'sha-256' | 'sha-512' {
  return algo === RMI_HASH_SHA_512 ? 'sha-512' : 'sha-256';
}

export function isHashAlgorithm(value: number): value is HashAlgorithm {
  return value === RMI_HASH_SHA_256 || value === RMI_HASH_SHA_512;
}

function nodeHashName(algo: HashAlgorithm): string {
  return algo === RMI_HASH_SHA_512 ? 'sha512' : 'sha256';
}

/** H(data...) with the realm's algorithm; returns hash-length bytes. */
export function measurementHash(algo: HashAlgorithm, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(nodeHashName(algo));
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Zero-pads a digest into a 64-byte measurement slot. */
function toSlot(digest: Uint8Array): Uint8Array {
  const slot = new Uint8Array(MEASUREMENT_SLOT_SIZE);
  slot.set(digest);
  return slot;
}

function u64(value: bigint | number, what: string): bigint {
  const v = BigInt(value);
  if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new RangeError(`${what} does not fit in 64 bits: ${v}`);
  return v;
}

function u8(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new RangeError(`${what} must be an 8-bit value, got ${value}`);
  }
  return value;
}

function view(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

// ---------------------------------------------------------------------------
// Structure images

/**
 * The 4096-byte RmiRealmParams image that REALM_CREATE hashes to initialise
 * the RIM: all zero except the measured fields at their offsets.
 */
export function measuredRealmParamsImage(params: RealmParams): Uint8Array {
  if (!isHashAlgorithm(params.hashAlgo)) throw new RangeError(`invalid hash algorithm ${params.hashAlgo}`);
  const img = new Uint8Array(GRANULE_SIZE);
  const dv = view(img);
  const o = REALM_PARAMS_OFFSETS;
  dv.setBigUint64(o.flags, u64(params.flags, 'flags'), true);
  img[o.s2sz] = u8(params.s2sz, 's2sz');
  img[o.sveVl] = u8(params.sveVl, 'sve_vl');
  img[o.numBps] = u8(params.numBps, 'num_bps');
  img[o.numWps] = u8(params.numWps, 'num_wps');
  img[o.pmuNumCtrs] = u8(params.pmuNumCtrs, 'pmu_num_ctrs');
  img[o.hashAlgo] = params.hashAlgo;
  return img;
}

/** The complete 4096-byte RmiRealmParams image (what a host writes to memory). */
export function encodeRealmParams(params: RealmParams): Uint8Array {
  const img = measuredRealmParamsImage(params);
  const dv = view(img);
  const o = REALM_PARAMS_OFFSETS;
  if (params.rpv) {
    if (params.rpv.length > RPV_SIZE) throw new RangeError('rpv is longer than 64 bytes');
    img.set(params.rpv, o.rpv);
  }
  dv.setUint16(o.vmid, params.vmid ?? 0, true);
  dv.setBigUint64(o.rttBase, u64(params.rttBase ?? 0n, 'rtt_base'), true);
  dv.setBigInt64(o.rttLevelStart, BigInt(params.rttLevelStart ?? 0), true);
  dv.setUint32(o.rttNumStart, params.rttNumStart ?? 0, true);
  return img;
}

/**
 * Parses an RmiRealmParams granule. The 8-bit fields are read from their byte;
 * `wideFieldBitsSet` reports non-zero bytes in the rest of those 8-byte slots so
 * the caller can decide how strict to be (the RMM validates the values itself).
 */
export function decodeRealmParams(bytes: Uint8Array): RealmParams & { wideFieldBitsSet: boolean } {
  if (bytes.length < GRANULE_SIZE) throw new RangeError('RmiRealmParams needs 4096 bytes');
  const dv = view(bytes);
  const o = REALM_PARAMS_OFFSETS;
  let wide = false;
  for (const off of [o.s2sz, o.sveVl, o.numBps, o.numWps, o.pmuNumCtrs, o.hashAlgo]) {
    for (let i = 1; i < 8; i++) if (bytes[off + i] !== 0) wide = true;
  }
  return {
    flags: dv.getBigUint64(o.flags, true),
    s2sz: bytes[o.s2sz],
    sveVl: bytes[o.sveVl],
    numBps: bytes[o.numBps],
    numWps: bytes[o.numWps],
    pmuNumCtrs: bytes[o.pmuNumCtrs],
    hashAlgo: bytes[o.hashAlgo] as HashAlgorithm,
    rpv: bytes.slice(o.rpv, o.rpv + RPV_SIZE),
    vmid: dv.getUint16(o.vmid, true),
    rttBase: dv.getBigUint64(o.rttBase, true),
    rttLevelStart: Number(dv.getBigInt64(o.rttLevelStart, true)),
    rttNumStart: dv.getUint32(o.rttNumStart, true),
    wideFieldBitsSet: wide,
  };
}

/**
 * The 4096-byte RmiRecParams image whose hash is the REC descriptor content:
 * all zero except flags, pc and gprs[0..7].
 */
export function measuredRecParamsImage(params: RecParams): Uint8Array {
  if (params.gprs.length > REC_CREATE_NR_GPRS) throw new RangeError('RmiRecParams carries at most 8 GPRs');
  const img = new Uint8Array(GRANULE_SIZE);
  const dv = view(img);
  const o = REC_PARAMS_OFFSETS;
  dv.setBigUint64(o.flags, u64(params.flags, 'flags'), true);
  dv.setBigUint64(o.pc, u64(params.pc, 'pc'), true);
  params.gprs.forEach((g, i) => dv.setBigUint64(o.gprs + 8 * i, u64(g, `gprs[${i}]`), true));
  return img;
}

/** The complete 4096-byte RmiRecParams image. */
export function encodeRecParams(params: RecParams): Uint8Array {
  const img = measuredRecParamsImage(params);
  const dv = view(img);
  const o = REC_PARAMS_OFFSETS;
  dv.setBigUint64(o.mpidr, u64(params.mpidr ?? 0n, 'mpidr'), true);
  const aux = params.aux ?? [];
  if (aux.length > MAX_REC_AUX_GRANULES) throw new RangeError('at most 16 auxiliary granules');
  dv.setBigUint64(o.numAux, BigInt(params.numAux ?? aux.length), true);
  aux.forEach((a, i) => dv.setBigUint64(o.aux + 8 * i, u64(a, `aux[${i}]`), true));
  return img;
}

/** Parses an RmiRecParams granule. */
export function decodeRecParams(bytes: Uint8Array): Required<RecParams> {
  if (bytes.length < GRANULE_SIZE) throw new RangeError('RmiRecParams needs 4096 bytes');
  const dv = view(bytes);
  const o = REC_PARAMS_OFFSETS;
  const gprs: bigint[] = [];
  for (let i = 0; i < REC_CREATE_NR_GPRS; i++) gprs.push(dv.getBigUint64(o.gprs + 8 * i, true));
  const numAux = Number(dv.getBigUint64(o.numAux, true));
  const aux: bigint[] = [];
  for (let i = 0; i < Math.min(numAux, MAX_REC_AUX_GRANULES); i++) aux.push(dv.getBigUint64(o.aux + 8 * i, true));
  return {
    flags: dv.getBigUint64(o.flags, true),
    mpidr: dv.getBigUint64(o.mpidr, true),
    pc: dv.getBigUint64(o.pc, true),
    gprs,
    numAux,
    aux,
  };
}

function descriptorHeader(type: number, rimSlot: Uint8Array): { desc: Uint8Array; dv: DataView } {
  const desc = new Uint8Array(MEASUREMENT_DESCRIPTOR_SIZE);
  const dv = view(desc);
  desc[DESC_OFFSETS.descType] = type;
  dv.setBigUint64(DESC_OFFSETS.len, BigInt(MEASUREMENT_DESCRIPTOR_SIZE), true);
  desc.set(rimSlot.subarray(0, MEASUREMENT_SLOT_SIZE), DESC_OFFSETS.rim);
  return { desc, dv };
}

/**
 * RmmMeasurementDescriptorData: {u8 desc_type = 0 @0x00; u64 len = 0x100 @0x08;
 * rim[64] @0x10; u64 ipa @0x50; u64 flags @0x58; content[64] @0x60}.
 * `contentHash` is H(granule) when flags = RMI_MEASURE_CONTENT, otherwise zero.
 *
 * RMM 1.0 defines no RIPAS field in this descriptor (DATA_CREATE always
 * produces RIPAS RAM), so none is taken.
 */
export function dataDescriptor(rimSlot: Uint8Array, ipa: bigint, flags: number, contentHash: Uint8Array | null): Uint8Array {
  const { desc, dv } = descriptorHeader(MEASURE_DESC_TYPE_DATA, rimSlot);
  dv.setBigUint64(DESC_OFFSETS.dataIpa, u64(ipa, 'ipa'), true);
  dv.setBigUint64(DESC_OFFSETS.dataFlags, u64(flags, 'flags'), true);
  if (contentHash) desc.set(contentHash.subarray(0, MEASUREMENT_SLOT_SIZE), DESC_OFFSETS.dataContent);
  return desc;
}

/**
 * RmmMeasurementDescriptorRipas: {u8 desc_type = 2 @0x00; u64 len = 0x100 @0x08;
 * rim[64] @0x10; u64 base @0x50; u64 top @0x58}.
 */
export function ripasDescriptor(rimSlot: Uint8Array, base: bigint, top: bigint): Uint8Array {
  const { desc, dv } = descriptorHeader(MEASURE_DESC_TYPE_RIPAS, rimSlot);
  dv.setBigUint64(DESC_OFFSETS.ripasBase, u64(base, 'base'), true);
  dv.setBigUint64(DESC_OFFSETS.ripasTop, u64(top, 'top'), true);
  return desc;
}

/**
 * RmmMeasurementDescriptorRec: {u8 desc_type = 1 @0x00; u64 len = 0x100 @0x08;
 * rim[64] @0x10; content[64] @0x50 = H(measured RmiRecParams image)}.
 */
export function recDescriptor(rimSlot: Uint8Array, contentHash: Uint8Array): Uint8Array {
  const { desc } = descriptorHeader(MEASURE_DESC_TYPE_REC, rimSlot);
  desc.set(contentHash.subarray(0, MEASUREMENT_SLOT_SIZE), DESC_OFFSETS.recContent);
  return desc;
}

/** Splits a 64-byte slot into the eight little-endian X1..X8 values MEASUREMENT_READ returns. */
export function measurementToRegisters(slot: Uint8Array): bigint[] {
  if (slot.length !== MEASUREMENT_SLOT_SIZE) throw new RangeError('a measurement slot is 64 bytes');
  const dv = view(slot);
  const regs: bigint[] = [];
  for (let i = 0; i < 8; i++) regs.push(dv.getBigUint64(8 * i, true));
  return regs;
}

/**
 * Rebuilds the MEASUREMENT_EXTEND data from X3..X10 (little-endian, first
 * `size` bytes). `size` must already be validated (0..64).
 */
export function registersToBytes(regs: readonly bigint[], size: number): Uint8Array {
  const buf = new Uint8Array(64);
  const dv = view(buf);
  for (let i = 0; i < 8; i++) dv.setBigUint64(8 * i, BigInt.asUintN(64, regs[i] ?? 0n), true);
  return buf.slice(0, size);
}

// ---------------------------------------------------------------------------
// The measurement state of one realm

export class RealmMeasurement {
  readonly hashAlgo: HashAlgorithm;
  /** Digest length: 32 (SHA-256) or 64 (SHA-512). */
  readonly hashSize: 32 | 64;
  /** Realm Personalization Value from the realm parameters (64 bytes, zero if absent). */
  readonly rpv: Uint8Array;
  /** Measurement events in order (empty when the log is disabled). */
  readonly log: MeasurementEvent[] = [];

  private readonly slots: Uint8Array[];
  private readonly keepLog: boolean;

  /** REALM_CREATE: RIM = H(measured RmiRealmParams image). */
  constructor(params: RealmParams, options: RealmMeasurementOptions = {}) {
    if (!isHashAlgorithm(params.hashAlgo)) throw new RangeError(`invalid hash algorithm ${params.hashAlgo}`);
    this.hashAlgo = params.hashAlgo;
    this.hashSize = hashSize(params.hashAlgo);
    this.keepLog = options.keepLog ?? true;
    this.rpv = new Uint8Array(RPV_SIZE);
    if (params.rpv) {
      if (params.rpv.length > RPV_SIZE) throw new RangeError('rpv is longer than 64 bytes');
      this.rpv.set(params.rpv);
    }
    this.slots = Array.from({ length: MEASUREMENT_SLOT_COUNT }, () => new Uint8Array(MEASUREMENT_SLOT_SIZE));
    this.setRim(measurementHash(this.hashAlgo, measuredRealmParamsImage(params)));
    this.record({ kind: 'realm-create', rim: this.rim });
  }

  /**
   * RMI_DATA_CREATE of one granule at `ipa`. `flags` is RMI_MEASURE_CONTENT (1)
   * or RMI_NO_MEASURE_CONTENT (0); the content is hashed only in the first case
   * and may then not be omitted. (DATA_CREATE_UNKNOWN is never measured.)
   */
  measureData(ipa: bigint, content: Uint8Array | null, flags: number): void {
    if (flags !== RMI_MEASURE_CONTENT && flags !== RMI_NO_MEASURE_CONTENT) {
      throw new RangeError(`DATA_CREATE flags must be 0 or 1, got ${flags}`);
    }
    if ((ipa & BigInt(GRANULE_SIZE - 1)) !== 0n) throw new RangeError(`IPA ${ipa.toString(16)} is not granule aligned`);
    let contentHash: Uint8Array | null = null;
    if (flags === RMI_MEASURE_CONTENT) {
      if (!content || content.length !== GRANULE_SIZE) throw new RangeError('measured DATA content must be one 4 KB granule');
      contentHash = measurementHash(this.hashAlgo, content);
    }
    this.extendRim(dataDescriptor(this.slots[RIM_INDEX], ipa, flags, contentHash && toSlot(contentHash)));
    this.record({ kind: 'data', ipa, flags, contentHash, rim: this.rim });
  }

  /**
   * RMI_RTT_INIT_RIPAS for one RTT entry covering [base, top). The RMM measures
   * once per entry it changes, so the caller passes each entry's range (a 2 MB
   * block is one descriptor, a 4 KB page another).
   */
  measureRipas(base: bigint, top: bigint): void {
    const mask = BigInt(GRANULE_SIZE - 1);
    if ((base & mask) !== 0n || (top & mask) !== 0n || top <= base) {
      throw new RangeError(`invalid RIPAS range [${base.toString(16)}, ${top.toString(16)})`);
    }
    this.extendRim(ripasDescriptor(this.slots[RIM_INDEX], base, top));
    this.record({ kind: 'ripas', base, top, rim: this.rim });
  }

  /**
   * RMI_REC_CREATE. Only a REC created RUNNABLE is measured (RMM 1.0-eac3 and
   * later); returns whether the RIM changed.
   */
  measureRec(params: RecParams): boolean {
    if ((params.flags & RMI_REC_FLAG_RUNNABLE) === 0n) return false;
    const contentHash = measurementHash(this.hashAlgo, measuredRecParamsImage(params));
    this.extendRim(recDescriptor(this.slots[RIM_INDEX], toSlot(contentHash)));
    this.record({ kind: 'rec', pc: params.pc, contentHash, rim: this.rim });
    return true;
  }

  /**
   * RSI_MEASUREMENT_EXTEND: REM[index] = H(REM[index][0..hashlen) ‖ data).
   * `index` is the RSI index 1..4 (REM0..REM3); `data` is 0..64 bytes, used as
   * given (no padding). Throws RangeError where the RMM returns RSI_ERROR_INPUT.
   */
  extend(index: number, data: Uint8Array): void {
    if (!Number.isInteger(index) || index < 1 || index >= MEASUREMENT_SLOT_COUNT) {
      throw new RangeError(`REM index must be 1..4, got ${index}`);
    }
    if (data.length > MAX_EXTEND_SIZE) throw new RangeError(`extend data is ${data.length} bytes, at most 64 allowed`);
    const slot = this.slots[index];
    const digest = measurementHash(this.hashAlgo, slot.subarray(0, this.hashSize), data);
    slot.fill(0);
    slot.set(digest);
    this.record({ kind: 'extend', index, data: data.slice(), value: digest });
  }

  /**
   * RSI_MEASUREMENT_READ: the 64-byte slot (0 = RIM, 1..4 = REM0..3), with
   * SHA-256 values in bytes 0..31 and zeros after. Returns a copy.
   */
  read(index: number): Uint8Array {
    if (!Number.isInteger(index) || index < 0 || index >= MEASUREMENT_SLOT_COUNT) {
      throw new RangeError(`measurement index must be 0..4, got ${index}`);
    }
    return this.slots[index].slice();
  }

  /** RIM, hash-length bytes (as reported in the attestation token). */
  get rim(): Uint8Array {
    return this.slots[RIM_INDEX].slice(0, this.hashSize);
  }

  /** REM0..REM3, hash-length bytes each (as reported in the attestation token). */
  get rems(): Uint8Array[] {
    return [1, 2, 3, 4].map((i) => this.slots[i].slice(0, this.hashSize));
  }

  /** IANA name of the measurement algorithm ("sha-256" / "sha-512"). */
  get hashAlgorithmName(): 'sha-256' | 'sha-512' {
    return hashAlgorithmName(this.hashAlgo);
  }

  private extendRim(descriptor: Uint8Array): void {
    this.setRim(measurementHash(this.hashAlgo, descriptor));
  }

  private setRim(digest: Uint8Array): void {
    const slot = this.slots[RIM_INDEX];
    slot.fill(0);
    slot.set(digest);
  }

  private record(ev: MeasurementEvent): void {
    if (this.keepLog) this.log.push(ev);
  }
}

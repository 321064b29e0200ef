import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  RealmMeasurement,
  RMI_HASH_SHA_256,
  RMI_HASH_SHA_512,
  RMI_MEASURE_CONTENT,
  RMI_NO_MEASURE_CONTENT,
  RMI_REALM_FLAG_PMU,
  RMI_REALM_FLAG_SVE,
  RMI_REC_FLAG_RUNNABLE,
  dataDescriptor,
  decodeRealmParams,
  decodeRecParams,
  encodeRealmParams,
  encodeRecParams,
  measuredRealmParamsImage,
  measuredRecParamsImage,
  measurementToRegisters,
  recDescriptor,
  registersToBytes,
  ripasDescriptor,
  type HashAlgorithm,
  type RealmParams,
} from '../../emulator/realm/RealmMeasurement';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const sha = (alg: 'sha256' | 'sha512', ...parts: Uint8Array[]) => {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** Writes a little-endian u64 into a buffer (independent of the module's code). */
function putU64(buf: Uint8Array, off: number, v: bigint) {
  for (let i = 0; i < 8; i++) buf[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

function params(algo: HashAlgorithm, extra: Partial<RealmParams> = {}): RealmParams {
  return { flags: 0n, s2sz: 48, sveVl: 0, numBps: 1, numWps: 1, pmuNumCtrs: 0, hashAlgo: algo, ...extra };
}

describe('RealmMeasurement: RSI_MEASUREMENT_EXTEND (cca-facts §4 REM vectors)', () => {
  // data = 11 x 32 followed by 00 01 .. 27; slot i is extended i times with the
  // 32 bytes at offset 8*(i-1) (kvm-unit-tests arm/realm-attest.c extend_and_attest).
  const data = new Uint8Array([...new Array(32).fill(0x11), ...Array.from({ length: 40 }, (_, i) => i)]);
  const expected = [
    '8878b15a7d6a3a4f464e8f9f42591dbc0cf4bedea0ec309003d2b2ee53655ef8',
    '58323bdf7a91f68e80c7c87fda1e226c8be7eea9ef64a521db2c09a7d7019205',
    '66e33b99494df4ddbc7a617aa1567bf8963f0af31eabdd1637b0fbe0718266ce',
    '975e9f647990a151d25b73755094eb5490bb1ef83b2cb83b6f24f38607e05813',
  ];

  it('reproduces the four SHA-256 REM vectors', () => {
    const m = new RealmMeasurement(params(RMI_HASH_SHA_256));
    for (let slot = 1; slot <= 4; slot++) {
      const chunk = data.subarray(8 * (slot - 1), 8 * (slot - 1) + 32);
      for (let n = 0; n < slot; n++) m.extend(slot, chunk);
    }
    for (let slot = 1; slot <= 4; slot++) {
      const v = m.read(slot);
      assert.equal(v.length, 64);
      assert.equal(hex(v.subarray(0, 32)), expected[slot - 1], `REM slot ${slot}`);
      assert.ok(v.subarray(32).every((b) => b === 0), 'SHA-256 slot is zero-padded');
    }
    assert.deepEqual(m.rems.map(hex), expected);
    assert.ok(m.read(0).subarray(0, 32).some((b) => b !== 0), 'RIM unaffected by extends');
  });

  it('reproduces two of the extend_smp interleavings', () => {
    // Each CPU extends 3 times with 32 bytes: cpu0 run k at offset 8k, cpu1 at 24+8k.
    const cpu = (c: number, k: number) => data.subarray((c ? 24 : 0) + 8 * k, (c ? 24 : 0) + 8 * k + 32);
    const run = (order: [number, number][]) => {
      const m = new RealmMeasurement(params(RMI_HASH_SHA_256));
      for (const [c, k] of order) m.extend(1, cpu(c, k));
      return hex(m.rems[0]);
    };
    assert.equal(run([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]),
      'b1be0425bbbc049f984ffbdeaa00c9bc4143db16bb2a5f4b8b36ae3ffe2423a4');
    assert.equal(run([[1, 0], [1, 1], [1, 2], [0, 0], [0, 1], [0, 2]]),
      '4df6c77437664c6a4032940117a2e63da8003eb78924f40414a8a1d1cd5bc360');
  });

  it('hashes the old value at hash length, then the data unpadded', () => {
    for (const [algo, name] of [[RMI_HASH_SHA_256, 'sha256'], [RMI_HASH_SHA_512, 'sha512']] as const) {
      const len = algo === RMI_HASH_SHA_256 ? 32 : 64;
      const m = new RealmMeasurement(params(algo));
      const d1 = unhex('0102030405');
      m.extend(2, d1);
      const v1 = sha(name, new Uint8Array(len), d1);
      assert.equal(hex(m.read(2).subarray(0, len)), hex(v1));
      m.extend(2, new Uint8Array(0));
      const v2 = sha(name, v1);
      assert.equal(hex(m.read(2).subarray(0, len)), hex(v2));
      const d3 = new Uint8Array(64).fill(0xee);
      m.extend(2, d3);
      assert.equal(hex(m.rems[1]), hex(sha(name, v2, d3)));
      assert.equal(m.rems[1].length, len);
      for (const i of [1, 3, 4]) assert.ok(m.read(i).every((b) => b === 0), `REM index ${i} still zero`);
    }
  });

  it('rejects what the RMM rejects with RSI_ERROR_INPUT', () => {
    const m = new RealmMeasurement(params(RMI_HASH_SHA_256));
    assert.throws(() => m.extend(0, new Uint8Array(1)), RangeError);
    assert.throws(() => m.extend(5, new Uint8Array(1)), RangeError);
    assert.throws(() => m.extend(1, new Uint8Array(65)), RangeError);
    assert.throws(() => m.read(5), RangeError);
    assert.throws(() => m.read(-1), RangeError);
    m.extend(4, new Uint8Array(64));
    for (let i = 0; i <= 4; i++) assert.equal(m.read(i).length, 64);
  });

  it('converts slots to X1..X8 and X3..X10 to data little-endian', () => {
    const slot = Uint8Array.from({ length: 64 }, (_, i) => i);
    const regs = measurementToRegisters(slot);
    assert.equal(regs[0], 0x0706050403020100n);
    assert.equal(regs[7], 0x3f3e3d3c3b3a3938n);
    assert.deepEqual(registersToBytes(regs, 64), slot);
    assert.deepEqual(registersToBytes(regs, 5), unhex('0001020304'));
    assert.deepEqual(registersToBytes([], 0), new Uint8Array(0));
  });
});

describe('RealmMeasurement: RIM', () => {
  it('initialises the RIM from the measured RmiRealmParams (veraison realm_config test_rim vectors)', () => {
    // s2sz 48, num_bps = num_wps = 1 (two of each, minus one), no SVE/PMU/LPA2.
    const s256 = new RealmMeasurement(params(RMI_HASH_SHA_256));
    assert.equal(hex(s256.rim), '6739dfb22b75ee1268d08dfa8369f501bc0b066243553f069f560d1fa1172973');
    assert.equal(hex(s256.read(0)), hex(s256.rim) + '00'.repeat(32));
    const s512 = new RealmMeasurement(params(RMI_HASH_SHA_512));
    assert.equal(
      hex(s512.rim),
      '799e434048fb57eb9d4f0e2a2b98158720377252deab2bdfcd69b5a8f82237f4' +
        '34bd6bb1c75bf160a2d49382f733b3439a3ff769e4ea5dd9a6f72239d44bbbab',
    );
    assert.equal(hex(s512.read(0)), hex(s512.rim));
    for (const m of [s256, s512]) for (let i = 1; i <= 4; i++) assert.ok(m.read(i).every((b) => b === 0));
  });

  it('lays out the measured RmiRealmParams image byte by byte', () => {
    const p = params(RMI_HASH_SHA_512, {
      flags: RMI_REALM_FLAG_SVE | RMI_REALM_FLAG_PMU | (1n << 40n),
      s2sz: 52, sveVl: 15, numBps: 5, numWps: 3, pmuNumCtrs: 31,
      rpv: new Uint8Array(64).fill(0xaa), vmid: 0x1234, rttBase: 0x8000_0000n, rttLevelStart: -1, rttNumStart: 16,
    });
    const img = measuredRealmParamsImage(p);
    const ref = new Uint8Array(4096);
    putU64(ref, 0x00, (1n << 1n) | (1n << 2n) | (1n << 40n));
    ref[0x08] = 52;
    ref[0x10] = 15;
    ref[0x18] = 5;
    ref[0x20] = 3;
    ref[0x28] = 31;
    ref[0x30] = 1;
    assert.equal(img.length, 4096);
    assert.deepEqual(img, ref);
    // RPV, VMID and the RTT fields are not measured.
    const m1 = new RealmMeasurement(p);
    const m2 = new RealmMeasurement({ ...p, rpv: undefined, vmid: 7, rttBase: 0n, rttLevelStart: 0, rttNumStart: 1 });
    assert.equal(hex(m1.rim), hex(m2.rim));
    assert.equal(hex(m1.rim), hex(sha('sha512', ref)));
    // Every measured field changes the RIM.
    for (const k of ['s2sz', 'sveVl', 'numBps', 'numWps', 'pmuNumCtrs'] as const) {
      assert.notEqual(hex(new RealmMeasurement({ ...p, [k]: p[k] - 1 }).rim), hex(m1.rim), k);
    }
    assert.notEqual(hex(new RealmMeasurement({ ...p, flags: 0n }).rim), hex(m1.rim));
    assert.throws(() => measuredRealmParamsImage({ ...p, s2sz: 256 }), RangeError);
    assert.throws(() => new RealmMeasurement({ ...p, hashAlgo: 2 as HashAlgorithm }), RangeError);
  });

  it('round-trips the full RmiRealmParams granule', () => {
    const p = params(RMI_HASH_SHA_256, {
      rpv: Uint8Array.from({ length: 64 }, (_, i) => i), vmid: 3, rttBase: 0x8800_0000n, rttLevelStart: 1, rttNumStart: 2,
    });
    const img = encodeRealmParams(p);
    assert.equal(img[0x400 + 5], 5);
    assert.equal(img[0x800], 3);
    assert.equal(img[0x810], 1);
    assert.equal(img[0x818], 2);
    const d = decodeRealmParams(img);
    assert.equal(d.s2sz, 48);
    assert.equal(d.numBps, 1);
    assert.equal(d.hashAlgo, RMI_HASH_SHA_256);
    assert.deepEqual(d.rpv, p.rpv);
    assert.equal(d.rttBase, 0x8800_0000n);
    assert.equal(d.rttLevelStart, 1);
    assert.equal(d.wideFieldBitsSet, false);
    img[0x09] = 1;
    assert.equal(decodeRealmParams(img).wideFieldBitsSet, true);
    const neg = encodeRealmParams({ ...p, rttLevelStart: -1 });
    assert.equal(decodeRealmParams(neg).rttLevelStart, -1);
  });

  it('DATA_CREATE: RmmMeasurementDescriptorData layout and RIM update', () => {
    const m = new RealmMeasurement(params(RMI_HASH_SHA_256));
    const rim0 = m.read(0);
    const page = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff);
    const ipa = 0x4000_1000n;

    const ref = new Uint8Array(256);
    ref[0] = 0; // desc_type DATA
    putU64(ref, 0x08, 0x100n);
    ref.set(rim0, 0x10);
    putU64(ref, 0x50, ipa);
    putU64(ref, 0x58, 1n);
    ref.set(sha('sha256', page), 0x60); // zero-padded to 64 bytes
    const contentSlot = new Uint8Array(64);
    contentSlot.set(sha('sha256', page));
    assert.deepEqual(dataDescriptor(rim0, ipa, 1, contentSlot), ref);

    m.measureData(ipa, page, RMI_MEASURE_CONTENT);
    assert.equal(hex(m.rim), hex(sha('sha256', ref)));

    // flags = 0: content field is zero and the page is not hashed.
    const rim1 = m.read(0);
    const ref0 = new Uint8Array(256);
    putU64(ref0, 0x08, 0x100n);
    ref0.set(rim1, 0x10);
    putU64(ref0, 0x50, 0x4000_2000n);
    assert.deepEqual(dataDescriptor(rim1, 0x4000_2000n, 0, null), ref0);
    m.measureData(0x4000_2000n, null, RMI_NO_MEASURE_CONTENT);
    assert.equal(hex(m.rim), hex(sha('sha256', ref0)));

    assert.throws(() => m.measureData(0x4000_3000n, page, 2), RangeError);
    assert.throws(() => m.measureData(0x4000_3800n, page, 1), RangeError);
    assert.throws(() => m.measureData(0x4000_3000n, page.subarray(1), 1), RangeError);
    assert.throws(() => m.measureData(0x4000_3000n, null, 1), RangeError);
  });

  it('DATA_CREATE with SHA-512 embeds the full 64-byte RIM and content hash', () => {
    const m = new RealmMeasurement(params(RMI_HASH_SHA_512));
    const rim0 = m.read(0);
    const page = new Uint8Array(4096).fill(0x5a);
    const ref = new Uint8Array(256);
    putU64(ref, 0x08, 0x100n);
    ref.set(rim0, 0x10);
    putU64(ref, 0x50, 0n);
    putU64(ref, 0x58, 1n);
    ref.set(sha('sha512', page), 0x60);
    m.measureData(0n, page, 1);
    assert.equal(hex(m.rim), hex(sha('sha512', ref)));
    assert.equal(m.rim.length, 64);
  });

  it('RTT_INIT_RIPAS: RmmMeasurementDescriptorRipas layout, one descriptor per entry', () => {
    const m = new RealmMeasurement(params(RMI_HASH_SHA_256));
    let rim = m.read(0);
    const entries: [bigint, bigint][] = [
      [0x4000_0000n, 0x4020_0000n], // 2 MB block
      [0x4020_0000n, 0x4020_1000n], // 4 KB page
    ];
    for (const [base, top] of entries) {
      const ref = new Uint8Array(256);
      ref[0] = 2;
      putU64(ref, 0x08, 0x100n);
      ref.set(rim, 0x10);
      putU64(ref, 0x50, base);
      putU64(ref, 0x58, top);
      assert.deepEqual(ripasDescriptor(rim, base, top), ref);
      m.measureRipas(base, top);
      assert.equal(hex(m.rim), hex(sha('sha256', ref)));
      rim = m.read(0);
    }
    assert.throws(() => m.measureRipas(0x1000n, 0x1000n), RangeError);
    assert.throws(() => m.measureRipas(0x1800n, 0x2000n), RangeError);
  });

  it('REC_CREATE: measured RmiRecParams image and RmmMeasurementDescriptorRec layout', () => {
    const m = new RealmMeasurement(params(RMI_HASH_SHA_256));
    const rim0 = m.read(0);
    const rec = {
      flags: RMI_REC_FLAG_RUNNABLE,
      mpidr: 0x8000_0001n,
      pc: 0x4008_0000n,
      gprs: [0x4800_0000n, 1n, 2n, 3n, 4n, 5n, 6n, 0xffff_ffff_ffff_ffffn],
      aux: [0x9000_0000n, 0x9000_1000n],
    };
    const img = new Uint8Array(4096);
    putU64(img, 0x000, 1n);
    putU64(img, 0x200, rec.pc);
    rec.gprs.forEach((g, i) => putU64(img, 0x300 + 8 * i, g));
    assert.deepEqual(measuredRecParamsImage(rec), img, 'mpidr and aux are not measured');

    const content = new Uint8Array(64);
    content.set(sha('sha256', img));
    const ref = new Uint8Array(256);
    ref[0] = 1;
    putU64(ref, 0x08, 0x100n);
    ref.set(rim0, 0x10);
    ref.set(content, 0x50);
    assert.deepEqual(recDescriptor(rim0, content), ref);

    assert.equal(m.measureRec(rec), true);
    assert.equal(hex(m.rim), hex(sha('sha256', ref)));

    // A REC that is not runnable is not measured.
    const before = hex(m.rim);
    assert.equal(m.measureRec({ ...rec, flags: 0n, mpidr: 1n }), false);
    assert.equal(hex(m.rim), before);

    // Missing GPRs are zero.
    const short = measuredRecParamsImage({ flags: 1n, pc: 0n, gprs: [7n] });
    assert.equal(short[0x300], 7);
    assert.ok(short.subarray(0x308).every((b) => b === 0));
  });

  it('round-trips the full RmiRecParams granule', () => {
    const img = encodeRecParams({ flags: 1n, mpidr: 0x100n, pc: 0x1000n, gprs: [1n, 2n], aux: [0xa000n, 0xb000n] });
    const d = decodeRecParams(img);
    assert.equal(d.flags, 1n);
    assert.equal(d.mpidr, 0x100n);
    assert.equal(d.pc, 0x1000n);
    assert.deepEqual(d.gprs, [1n, 2n, 0n, 0n, 0n, 0n, 0n, 0n]);
    assert.equal(d.numAux, 2);
    assert.deepEqual(d.aux, [0xa000n, 0xb000n]);
  });

  it('a whole build sequence matches an independent recomputation, and is logged', () => {
    const p = params(RMI_HASH_SHA_512, { s2sz: 41 });
    const m = new RealmMeasurement(p);
    const fw = Uint8Array.from({ length: 8192 }, (_, i) => (i ^ (i >> 8)) & 0xff);
    m.measureRipas(0n, 0x20_0000n);
    m.measureRipas(0x20_0000n, 0x20_1000n);
    m.measureData(0n, fw.subarray(0, 4096), 1);
    m.measureData(0x1000n, fw.subarray(4096), 1);
    m.measureRec({ flags: 1n, pc: 0n, gprs: [0x4000_0000n] });
    m.measureData(0x10_0000n, null, 0);

    // Reference: hash chain written directly from the cca-facts §4 table.
    const H = (b: Uint8Array) => sha('sha512', b);
    const img = new Uint8Array(4096);
    img[0x08] = 41;
    img[0x18] = 1;
    img[0x20] = 1;
    img[0x30] = 1;
    let rim = H(img);
    const desc = (type: number, fill: (d: Uint8Array) => void) => {
      const d = new Uint8Array(256);
      d[0] = type;
      putU64(d, 8, 0x100n);
      d.set(rim, 0x10);
      fill(d);
      rim = H(d);
    };
    desc(2, (d) => { putU64(d, 0x50, 0n); putU64(d, 0x58, 0x20_0000n); });
    desc(2, (d) => { putU64(d, 0x50, 0x20_0000n); putU64(d, 0x58, 0x20_1000n); });
    desc(0, (d) => { putU64(d, 0x50, 0n); putU64(d, 0x58, 1n); d.set(H(fw.subarray(0, 4096)), 0x60); });
    desc(0, (d) => { putU64(d, 0x50, 0x1000n); putU64(d, 0x58, 1n); d.set(H(fw.subarray(4096)), 0x60); });
    const rp = new Uint8Array(4096);
    putU64(rp, 0, 1n);
    putU64(rp, 0x300, 0x4000_0000n);
    desc(1, (d) => d.set(H(rp), 0x50));
    desc(0, (d) => { putU64(d, 0x50, 0x10_0000n); });
    assert.equal(hex(m.rim), hex(rim));

    assert.deepEqual(m.log.map((e) => e.kind), ['realm-create', 'ripas', 'ripas', 'data', 'data', 'rec', 'data']);
    const last = m.log[m.log.length - 1];
    assert.ok(last.kind === 'data');
    assert.equal(hex(last.rim), hex(rim));
    assert.equal(new RealmMeasurement(p, { keepLog: false }).log.length, 0);
    assert.equal(m.hashAlgorithmName, 'sha-512');
  });
});

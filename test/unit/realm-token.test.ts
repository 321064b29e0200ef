import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as CborgModule from 'cborg';
import {
  ATTESTATION_TOKEN_BUFFER_SIZE,
  AttestationService,
  RsiTokenStatus,
  TokenDecodeError,
  TokenStream,
  decodeToken,
} from '../../emulator/realm/AttestationToken';
import { RealmMeasurement, RMI_HASH_SHA_256, RMI_HASH_SHA_512, type HashAlgorithm } from '../../emulator/realm/RealmMeasurement';

// cborg is ESM-only ("exports" has just an "import" condition); load its entry
// file by path so this test decodes independently of the module under test.
function loadCborg(): typeof CborgModule {
  for (const dir of require.resolve.paths('cborg') ?? []) {
    const f = join(dir, 'cborg', 'cborg.js');
    if (existsSync(f)) return require(f) as typeof CborgModule;
  }
  throw new Error('cborg not installed');
}
const cborg = loadCborg();
const dec = (b: Uint8Array): unknown => cborg.decode(b, { useMaps: true, tags: cborg.Tagged.preserve(399, 18) });
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** CBOR byte-string header, written by hand (RFC 8949 major type 2). */
function bstrHeader(len: number): number[] {
  if (len < 24) return [0x40 | len];
  if (len < 0x100) return [0x58, len];
  if (len < 0x10000) return [0x59, len >> 8, len & 0xff];
  return [0x5a, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff];
}

/** RFC 9052 Sig_structure ["Signature1", protected, h'', payload], built by hand. */
function sigStructure(prot: Uint8Array, payload: Uint8Array): Uint8Array {
  return new Uint8Array([
    0x84,
    0x6a, ...Buffer.from('Signature1'),
    ...bstrHeader(prot.length), ...prot,
    0x40,
    ...bstrHeader(payload.length), ...payload,
  ]);
}

function coseKeyToKeyObject(m: Map<unknown, unknown>): KeyObject {
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-384',
      x: Buffer.from(m.get(-2) as Uint8Array).toString('base64url'),
      y: Buffer.from(m.get(-3) as Uint8Array).toString('base64url'),
    },
    format: 'jwk',
  });
}

interface Parsed {
  collection: Map<unknown, unknown>;
  platform: { sign1: unknown[]; claims: Map<unknown, unknown> };
  realm: { sign1: unknown[]; claims: Map<unknown, unknown> };
}

function parse(token: Uint8Array): Parsed {
  const top = dec(token);
  assert.ok(top instanceof cborg.Tagged, 'top level is tagged');
  assert.equal(top.tag, 399);
  const collection = top.value as Map<unknown, unknown>;
  assert.ok(collection instanceof Map);
  assert.deepEqual([...collection.keys()].sort(), [44234, 44241]);
  const one = (key: number) => {
    const bytes = collection.get(key);
    assert.ok(bytes instanceof Uint8Array, `entry ${key} is a byte string`);
    const t = dec(bytes);
    assert.ok(t instanceof cborg.Tagged, `entry ${key} is tagged`);
    assert.equal(t.tag, 18, 'COSE_Sign1 tag');
    const sign1 = t.value as unknown[];
    assert.ok(Array.isArray(sign1) && sign1.length === 4);
    const [prot, unprot, payload, sig] = sign1;
    assert.ok(prot instanceof Uint8Array && payload instanceof Uint8Array && sig instanceof Uint8Array);
    const ph = dec(prot) as Map<unknown, unknown>;
    assert.ok(ph instanceof Map);
    assert.deepEqual([...ph.entries()], [[1, -35]], 'protected header {1: -35} (ES384)');
    assert.ok(unprot instanceof Map && unprot.size === 0, 'empty unprotected header');
    assert.equal(sig.length, 96, 'ES384 raw r||s signature');
    const claims = dec(payload) as Map<unknown, unknown>;
    assert.ok(claims instanceof Map);
    return { sign1, claims };
  };
  return { collection, platform: one(44234), realm: one(44241) };
}

function verifySign1(sign1: unknown[], key: KeyObject): boolean {
  const [prot, , payload, sig] = sign1 as Uint8Array[];
  return verify('sha384', sigStructure(prot, payload), { key, dsaEncoding: 'ieee-p1363' }, sig);
}

function makeMeasurement(algo: HashAlgorithm): RealmMeasurement {
  const m = new RealmMeasurement({
    flags: 0n, s2sz: 41, sveVl: 0, numBps: 1, numWps: 1, pmuNumCtrs: 0, hashAlgo: algo,
    rpv: new Uint8Array(64).fill(0x52),
  });
  m.measureRipas(0x4000_0000n, 0x4020_0000n);
  m.measureData(0x4000_0000n, new Uint8Array(4096).fill(1), 1);
  m.measureRec({ flags: 1n, pc: 0n, gprs: [0x4000_0000n] });
  m.extend(1, new Uint8Array(32).fill(0x11));
  m.extend(3, new Uint8Array([1, 2, 3]));
  return m;
}

describe('AttestationToken: CCA token structure (cca-facts §5)', () => {
  const service = new AttestationService();
  const challenge = new Uint8Array(randomBytes(64));

  for (const algo of [RMI_HASH_SHA_256, RMI_HASH_SHA_512] as const) {
    const len = algo === RMI_HASH_SHA_256 ? 32 : 64;
    const algName = algo === RMI_HASH_SHA_256 ? 'sha-256' : 'sha-512';

    it(`carries every realm claim with the right key and type (${algName})`, () => {
      const m = makeMeasurement(algo);
      const token = service.createToken(challenge, m, m.rpv);
      assert.ok(token.length <= ATTESTATION_TOKEN_BUFFER_SIZE);
      const { realm } = parse(token);
      const c = realm.claims;
      assert.deepEqual([...c.keys()].sort((a, b) => Number(a) - Number(b)), [10, 265, 44235, 44236, 44237, 44238, 44239, 44240]);
      assert.deepEqual(c.get(10), challenge, 'challenge = TOKEN_INIT input');
      assert.equal(c.get(265), 'tag:arm.com,2023:realm#1.0.0');
      assert.deepEqual(c.get(44235), new Uint8Array(64).fill(0x52), 'RPV');
      assert.equal(c.get(44236), algName);
      assert.equal(c.get(44240), 'sha-256');
      assert.deepEqual(c.get(44238), m.rim);
      assert.equal((c.get(44238) as Uint8Array).length, len);
      const rems = c.get(44239) as Uint8Array[];
      assert.ok(Array.isArray(rems) && rems.length === 4);
      rems.forEach((r, i) => {
        assert.ok(r instanceof Uint8Array && r.length === len);
        assert.deepEqual(r, m.read(i + 1).subarray(0, len), `REM${i}`);
      });
      assert.ok(rems[1].every((b) => b === 0) && rems[3].every((b) => b === 0), 'untouched REMs are zero');
      // RAK as a CBOR COSE_Key: {1: 2 (EC2), -1: 2 (P-384), -2: x, -3: y}.
      const rak = c.get(44237) as Uint8Array;
      assert.ok(rak instanceof Uint8Array);
      const ck = dec(rak) as Map<unknown, unknown>;
      assert.deepEqual([...ck.keys()], [1, -1, -2, -3]);
      assert.equal(ck.get(1), 2);
      assert.equal(ck.get(-1), 2);
      assert.equal((ck.get(-2) as Uint8Array).length, 48);
      assert.equal((ck.get(-3) as Uint8Array).length, 48);
      assert.deepEqual(rak, service.rak.coseKey);
      assert.equal(hex(rak.subarray(0, 7)), 'a4010220022158', 'deterministic COSE_Key header');
    });
  }

  it('carries every platform claim, bound to the RAK', () => {
    const m = makeMeasurement(RMI_HASH_SHA_256);
    const { platform, realm } = parse(service.createToken(challenge, m, m.rpv));
    const c = platform.claims;
    assert.deepEqual([...c.keys()].sort((a, b) => Number(a) - Number(b)), [10, 256, 265, 2395, 2396, 2399, 2400, 2401, 2402]);
    assert.equal(c.get(265), 'tag:arm.com,2023:cca_platform#1.0.0');
    const rak = realm.claims.get(44237) as Uint8Array;
    assert.deepEqual(c.get(10), new Uint8Array(createHash('sha256').update(rak).digest()), 'challenge = SHA-256(RAK COSE_Key)');
    assert.equal((c.get(2396) as Uint8Array).length, 32, 'implementation id');
    const inst = c.get(256) as Uint8Array;
    assert.ok(inst instanceof Uint8Array && inst.length === 33 && inst[0] === 0x01, 'instance id is a RAND UEID');
    assert.ok(c.get(2401) instanceof Uint8Array, 'platform config');
    const lc = c.get(2395) as number;
    assert.ok(Number.isInteger(lc) && lc >= 0x3000 && lc <= 0x30ff, 'lifecycle secured');
    const sw = c.get(2399) as Map<unknown, unknown>[];
    assert.ok(Array.isArray(sw) && sw.length > 0);
    for (const comp of sw) {
      assert.ok(comp instanceof Map);
      assert.ok(comp.get(2) instanceof Uint8Array, 'measurement value');
      assert.ok(comp.get(5) instanceof Uint8Array, 'signer id');
      assert.equal(typeof comp.get(1), 'string');
      assert.equal(typeof comp.get(4), 'string');
      assert.equal(comp.get(6), 'sha-256');
    }
    assert.equal(typeof c.get(2400), 'string');
    assert.equal(c.get(2402), 'sha-256');
  });

  it('both signatures verify with node crypto over the RFC 9052 Sig_structure', () => {
    const m = makeMeasurement(RMI_HASH_SHA_512);
    const { platform, realm } = parse(service.createToken(challenge, m, m.rpv));
    const rak = coseKeyToKeyObject(dec(realm.claims.get(44237) as Uint8Array) as Map<unknown, unknown>);
    assert.equal(verifySign1(realm.sign1, rak), true, 'realm token signed by the RAK');
    assert.equal(verifySign1(platform.sign1, service.platformKey.publicKey), true, 'platform token signed by the platform key');
    assert.equal(verifySign1(realm.sign1, service.platformKey.publicKey), false, 'wrong key fails');
  });

  it('a tampered token fails verification', () => {
    const m = makeMeasurement(RMI_HASH_SHA_256);
    const token = service.createToken(challenge, m, m.rpv);
    // Flip a byte of the realm challenge inside the whole token.
    const pos = Buffer.from(token).indexOf(Buffer.from(challenge));
    assert.ok(pos > 0);
    const bad = token.slice();
    bad[pos + 10] ^= 0x01;
    const { realm } = parse(bad);
    const rak = coseKeyToKeyObject(dec(realm.claims.get(44237) as Uint8Array) as Map<unknown, unknown>);
    assert.equal(verifySign1(realm.sign1, rak), false);
    const d = service.decodeToken(bad);
    assert.equal(d.realm.verification.status, 'invalid');
    assert.equal(d.platform.verification.status, 'valid');

    // Flip a byte of a platform software component measurement.
    const plat = parse(token).platform;
    const meas = ((plat.claims.get(2399) as Map<unknown, unknown>[])[0].get(2)) as Uint8Array;
    const ppos = Buffer.from(token).indexOf(Buffer.from(meas));
    const bad2 = token.slice();
    bad2[ppos] ^= 0x80;
    assert.equal(verifySign1(parse(bad2).platform.sign1, service.platformKey.publicKey), false);
    assert.equal(service.decodeToken(bad2).platform.verification.status, 'invalid');

    // Flip a signature byte.
    const sig = parse(token).realm.sign1[3] as Uint8Array;
    const spos = Buffer.from(token).indexOf(Buffer.from(sig));
    const bad3 = token.slice();
    bad3[spos + 5] ^= 0xff;
    assert.equal(service.decodeToken(bad3).realm.verification.status, 'invalid');
  });

  it('keys are per boot', () => {
    const other = new AttestationService();
    assert.notDeepEqual(other.rak.coseKey, service.rak.coseKey);
    const m = makeMeasurement(RMI_HASH_SHA_256);
    const d = decodeToken(other.createToken(challenge, m, m.rpv), { platformKey: service.platformKey.publicKey });
    assert.equal(d.platform.verification.status, 'invalid', "another boot's platform key does not verify");
    assert.equal(d.realm.verification.status, 'valid');
  });

  it('rejects a challenge or RPV that is not 64 bytes', () => {
    const m = makeMeasurement(RMI_HASH_SHA_256);
    assert.throws(() => service.createToken(new Uint8Array(32), m, m.rpv), RangeError);
    assert.throws(() => service.createToken(challenge, m, new Uint8Array(32)), RangeError);
  });
});

describe('AttestationToken: decodeToken', () => {
  const service = new AttestationService();
  const challenge = new Uint8Array(64).fill(0xab);
  const m = makeMeasurement(RMI_HASH_SHA_256);
  const token = service.createToken(challenge, m, m.rpv);

  it('builds a named claim tree with verification results', () => {
    const d = service.decodeToken(token);
    assert.equal(d.tag, 399);
    assert.deepEqual(d.problems, []);
    assert.equal(d.realm.tag, 18);
    assert.equal(d.realm.alg, -35);
    assert.equal(d.realm.algName, 'ES384');
    assert.equal(d.realm.verification.status, 'valid');
    assert.equal(d.platform.verification.status, 'valid');
    assert.equal(d.binding.status, 'valid');
    const byName = (cl: typeof d.realm.claims, name: string) => {
      const c = cl.find((x) => x.name === name);
      assert.ok(c, name);
      return c;
    };
    assert.deepEqual(byName(d.realm.claims, 'cca-realm-challenge').value, challenge);
    assert.equal(byName(d.realm.claims, 'cca-realm-challenge').key, 10);
    const rems = byName(d.realm.claims, 'cca-realm-extensible-measurements');
    assert.deepEqual(rems.children?.map((c) => c.name), ['REM0', 'REM1', 'REM2', 'REM3']);
    assert.deepEqual(rems.children?.[0].value, m.rems[0]);
    assert.deepEqual(byName(d.realm.claims, 'cca-realm-public-key').children?.map((c) => c.name), ['kty', 'crv', 'x', 'y']);
    assert.match(byName(d.platform.claims, 'cca-platform-lifecycle').display, /secured/);
    const sw = byName(d.platform.claims, 'cca-platform-sw-components');
    assert.deepEqual(sw.children?.map((c) => c.name), ['BL1', 'BL2', 'BL31', 'RMM']);
    assert.ok(sw.children?.[0].children?.some((c) => c.name === 'signer-id'));
  });

  it('reports the platform signature unverified without a key, and accepts a COSE_Key', () => {
    assert.equal(decodeToken(token).platform.verification.status, 'unverified');
    assert.equal(decodeToken(token).realm.verification.status, 'valid');
    assert.equal(decodeToken(token, { platformKey: service.platformKey.coseKey }).platform.verification.status, 'valid');
  });

  it('throws TokenDecodeError on something that is not a CCA token', () => {
    assert.throws(() => decodeToken(new Uint8Array([0xff, 0x00])), TokenDecodeError);
    assert.throws(() => decodeToken(cborg.encode(new Map([[1, 2]]))), TokenDecodeError);
    assert.throws(() => decodeToken(cborg.encode(new cborg.Tagged(399, new Map([[44234, 5]])))), TokenDecodeError);
  });
});

describe('AttestationToken: TokenStream (RSI_ATTESTATION_TOKEN_CONTINUE)', () => {
  const service = new AttestationService();
  const m = makeMeasurement(RMI_HASH_SHA_512);
  const token = service.createToken(new Uint8Array(64).fill(7), m, m.rpv);

  /** Loops like a guest: a fresh granule per call unless `reuse`. Returns the bytes read in order. */
  function drain(stream: TokenStream, pick: (call: number) => [number, number]): { bytes: Uint8Array; calls: number } {
    const out: number[] = [];
    for (let call = 0; ; call++) {
      assert.ok(call < 100000, 'terminates');
      const [offset, size] = pick(call);
      const granule = new Uint8Array(4096).fill(0xcc);
      const r = stream.next(granule, offset, size);
      assert.ok(r.status === RsiTokenStatus.INCOMPLETE || r.status === RsiTokenStatus.SUCCESS, `status ${r.status}`);
      assert.ok(r.bytesWritten <= size);
      out.push(...granule.subarray(offset, offset + r.bytesWritten));
      // Nothing outside [offset, offset + written) is touched.
      assert.ok(granule.subarray(0, offset).every((b) => b === 0xcc));
      assert.ok(granule.subarray(offset + r.bytesWritten).every((b) => b === 0xcc));
      if (r.status === RsiTokenStatus.SUCCESS) {
        assert.equal(r.done, true);
        return { bytes: new Uint8Array(out), calls: call + 1 };
      }
      assert.equal(r.done, false);
      if (size > 0) assert.equal(r.bytesWritten, size, 'a non-final chunk fills the buffer');
    }
  }

  const patterns: [string, (call: number) => [number, number]][] = [
    ['Linux: offset 0, size 4096', () => [0, 4096]],
    ['offset 4000, size 96', () => [4000, 96]],
    ['offset 1, size 1', () => [1, 1]],
    ['odd offsets and sizes', (c) => [(c * 37) % 4000, 1 + ((c * 101) % 95)]],
    ['size 0 interleaved', (c) => (c % 2 ? [123, 0] : [100, 50])],
    ['last byte of the granule', () => [4095, 1]],
  ];
  for (const [name, pick] of patterns) {
    it(`reassembles the token: ${name}`, () => {
      const s = new TokenStream(token);
      const { bytes } = drain(s, pick);
      assert.deepEqual(bytes, token);
      assert.equal(s.bytesCopied, token.length);
      assert.equal(s.done, true);
      // After SUCCESS the RMM needs a new INIT.
      assert.deepEqual(s.next(new Uint8Array(4096), 0, 4096), { status: RsiTokenStatus.ERROR_STATE, bytesWritten: 0, done: true });
    });
  }

  it('KUT-style loop: offset advances within the granule, as attest_token_complete does', () => {
    const s = new TokenStream(token);
    const granule = new Uint8Array(4096);
    let offset = 0;
    let len = 0;
    let r;
    do {
      offset &= 4095;
      const size = Math.min(4096 - offset, 300);
      r = s.next(granule, offset, size);
      len += r.bytesWritten;
      offset += r.bytesWritten;
    } while (r.status === RsiTokenStatus.INCOMPLETE);
    assert.equal(r.status, RsiTokenStatus.SUCCESS);
    assert.equal(len, token.length);
    assert.deepEqual(granule.subarray(0, token.length), token);
  });

  it('one call suffices when the buffer is large enough', () => {
    const s = new TokenStream(token);
    const g = new Uint8Array(4096);
    const r = s.next(g, 0, 4096);
    assert.deepEqual(r, { status: RsiTokenStatus.SUCCESS, bytesWritten: token.length, done: true });
    assert.deepEqual(g.subarray(0, token.length), token);
  });

  it('exact fit ends with SUCCESS on the call that copies the last byte', () => {
    const s = new TokenStream(token);
    const g = new Uint8Array(4096);
    const r = s.next(g, 4096 - token.length, token.length);
    assert.equal(r.status, RsiTokenStatus.SUCCESS);
    assert.equal(r.bytesWritten, token.length);
  });

  it('rejects bad offset/size with ERROR_INPUT and nothing written (KUT ABI misuse cases)', () => {
    const s = new TokenStream(token);
    const g = new Uint8Array(4096);
    const bad: [number | bigint, number | bigint][] = [
      [4097, 0], // offset beyond the granule
      [4096, 0], // offset must be < 4096
      [0, 4097], // offset + size > 4096
      [0x100, 0xffff_ffff_ffff_ffffn], // size overflow
      [0xffff_ffff_ffff_ffffn, 0x100], // offset overflow
      [-1, 1],
    ];
    for (const [o, z] of bad) {
      assert.deepEqual(s.next(g, o, z), { status: RsiTokenStatus.ERROR_INPUT, bytesWritten: 0, done: false }, `(${o}, ${z})`);
    }
    assert.ok(g.every((b) => b === 0));
    assert.deepEqual(s.next(g, 0, 0), { status: RsiTokenStatus.INCOMPLETE, bytesWritten: 0, done: false });
    assert.equal(s.bytesCopied, 0, 'failures do not consume the token');
    assert.deepEqual(drain(s, () => [0, 4096]).bytes, token);
    // Invalid arguments are reported before the state: ERROR_INPUT even when done.
    assert.equal(s.next(g, 5000, 0).status, RsiTokenStatus.ERROR_INPUT);
  });

  it('signingSteps: INCOMPLETE with nothing copied before the copy starts', () => {
    const s = new TokenStream(token, { signingSteps: 2 });
    const g = new Uint8Array(4096);
    assert.deepEqual(s.next(g, 0, 4096), { status: RsiTokenStatus.INCOMPLETE, bytesWritten: 0, done: false });
    assert.deepEqual(s.next(g, 0, 4096), { status: RsiTokenStatus.INCOMPLETE, bytesWritten: 0, done: false });
    assert.ok(g.every((b) => b === 0));
    assert.equal(s.next(g, 0, 4096).status, RsiTokenStatus.SUCCESS);
    assert.deepEqual(g.subarray(0, token.length), token);
  });

  it('validArguments mirrors the RMM checks', () => {
    assert.equal(TokenStream.validArguments(0, 4096), true);
    assert.equal(TokenStream.validArguments(4095, 1), true);
    assert.equal(TokenStream.validArguments(4095, 2), false);
    assert.equal(TokenStream.validArguments(0, 0), true);
  });
});

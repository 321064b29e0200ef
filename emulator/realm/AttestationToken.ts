// The Arm CCA attestation token an RMM 1.0 returns through
// RSI_ATTESTATION_TOKEN_INIT / RSI_ATTESTATION_TOKEN_CONTINUE.
//
// Sources: /work/shared/spec/cca-facts.md §1.4 and §5, checked against the
// RMM 1.0-rel0 reference implementation (TF-RMM tag rmm-spec-v1.0-rel0:
// lib/attestation/src/{attestation_token.c,attestation_key.c,
// attestation_defs_priv.h}, runtime/rsi/realm_attest.c), draft-ffm-rats-cca-token
// (the token profile RMM 1.0-rel0 follows) and veraison/ccatoken.
//
// Shape (RMM 1.0):
//
//   tag 399 ( { 44234: bstr(platform token), 44241: bstr(realm token) } )
//
// Each token is a COSE_Sign1 (tag 18) [protected bstr({1: -35}), {}, payload
// bstr(claims map), signature bstr(96-byte r||s)] signed with ES384 (RFC 9052
// Sig_structure "Signature1" with an empty external_aad). Tag 399 is the RMM
// 1.0 "CCA token collection", a plain map of byte strings; the CMW collection
// (tag 907, entries [content-type, bstr]) only arrives with RMM 2.0.
//
// Keys: a per-boot Realm Attestation Key (RAK, P-384) signs the realm token; a
// per-boot platform key (standing in for the CCA Platform Attestation Key)
// signs the platform token. The platform token binds the RAK: its challenge is
// SHA-256 of the RAK public key exactly as claim 44237 carries it, i.e. the
// CBOR-encoded COSE_Key {1: 2 (EC2), -1: 2 (P-384), -2: x, -3: y}; claim 44240
// names that hash ("sha-256", as TF-RMM). Like a real RMM, which fetches the
// platform token from EL3 once at boot, the platform token is made once per
// AttestationService.

import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as CborgModule from 'cborg';
import { RealmMeasurement } from './RealmMeasurement';

// ---------------------------------------------------------------------------
// cborg is an ES module whose package "exports" only has an "import"
// condition, so a CommonJS require('cborg') (what tsx/mocha produce from a
// static import here) is refused. Node >= 20.19 can require() an ES module by
// path, so find the package on the module search path and load its entry file.

let cborgCache: typeof CborgModule | undefined;

function cborg(): typeof CborgModule {
  if (cborgCache) return cborgCache;
  const name = 'cborg';
  for (const dir of require.resolve.paths(name) ?? []) {
    const entry = join(dir, name, 'cborg.js');
    if (existsSync(entry)) {
      cborgCache = require(entry) as typeof CborgModule;
      return cborgCache;
    }
  }
  throw new Error('AttestationToken: the cborg package is not installed');
}

function cborEncode(value: unknown): Uint8Array {
  const c = cborg();
  return c.encode(value, c.rfc8949EncodeOptions);
}

function cborDecode(bytes: Uint8Array, tags: number[] = []): unknown {
  const c = cborg();
  return c.decode(bytes, { useMaps: true, tags: c.Tagged.preserve(...tags) });
}

function tagged(tag: number, value: unknown): unknown {
  return new (cborg().Tagged)(tag, value);
}

function isTagged(v: unknown): v is { tag: number; value: unknown } {
  return v instanceof cborg().Tagged;
}

// ---------------------------------------------------------------------------
// Constants

export const TAG_CCA_TOKEN = 399;
export const TAG_COSE_SIGN1 = 18;

/** Top-level collection keys. */
export const CCA_PLAT_TOKEN = 44234;
export const CCA_REALM_DELEGATED_TOKEN = 44241;

/** Realm token claim keys. */
export const CCA_REALM_CHALLENGE = 10;
export const CCA_REALM_PROFILE = 265;
export const CCA_REALM_PERSONALIZATION_VALUE = 44235;
export const CCA_REALM_HASH_ALGM_ID = 44236;
export const CCA_REALM_PUB_KEY = 44237;
export const CCA_REALM_INITIAL_MEASUREMENT = 44238;
export const CCA_REALM_EXTENSIBLE_MEASUREMENTS = 44239;
export const CCA_REALM_PUB_KEY_HASH_ALGO_ID = 44240;

/** Platform token claim keys. */
export const CCA_PLATFORM_CHALLENGE = 10;
export const CCA_PLATFORM_INSTANCE_ID = 256;
export const CCA_PLATFORM_PROFILE = 265;
export const CCA_PLATFORM_LIFECYCLE = 2395;
export const CCA_PLATFORM_IMPLEMENTATION_ID = 2396;
export const CCA_PLATFORM_SW_COMPONENTS = 2399;
export const CCA_PLATFORM_VERIFICATION_SERVICE = 2400;
export const CCA_PLATFORM_CONFIG = 2401;
export const CCA_PLATFORM_HASH_ALGO_ID = 2402;

/** Software component map keys (PSA / CCA platform token). */
export const SW_COMPONENT_MEASUREMENT_TYPE = 1;
export const SW_COMPONENT_MEASUREMENT_VALUE = 2;
export const SW_COMPONENT_VERSION = 4;
export const SW_COMPONENT_SIGNER_ID = 5;
export const SW_COMPONENT_MEASUREMENT_DESC = 6;

export const CCA_REALM_PROFILE_STR = 'tag:arm.com,2023:realm#1.0.0';
export const CCA_PLATFORM_PROFILE_STR = 'tag:arm.com,2023:cca_platform#1.0.0';

/** COSE header parameter and algorithm identifiers. */
export const COSE_HEADER_ALG = 1;
export const COSE_ALG_ES256 = -7;
export const COSE_ALG_ES384 = -35;
export const COSE_ALG_ES512 = -36;
/** COSE_Key parameters and values (RFC 9053). */
export const COSE_KEY_KTY = 1;
export const COSE_KEY_CRV = -1;
export const COSE_KEY_X = -2;
export const COSE_KEY_Y = -3;
export const COSE_KTY_EC2 = 2;
export const COSE_CRV_P256 = 1;
export const COSE_CRV_P384 = 2;
export const COSE_CRV_P521 = 3;

/** Security lifecycle "secured" (range 0x3000..0x30ff). */
export const LIFECYCLE_SECURED = 0x3000;

/**
 * Bound on the token size that RSI_ATTESTATION_TOKEN_INIT reports in X1
 * (TF-RMM: RMM_CCA_TOKEN_BUFFER pages of 4 KB, default one page).
 */
export const ATTESTATION_TOKEN_BUFFER_SIZE = 4096;
export const ATTESTATION_CHALLENGE_SIZE = 64;
export const GRANULE_SIZE = 4096;

/** The RsiCommandReturnCode values RSI_ATTESTATION_TOKEN_CONTINUE produces. */
export const RsiTokenStatus = {
  SUCCESS: 0,
  ERROR_INPUT: 1,
  ERROR_STATE: 2,
  INCOMPLETE: 3,
} as const;
export type RsiTokenStatus = (typeof RsiTokenStatus)[keyof typeof RsiTokenStatus];

// ---------------------------------------------------------------------------
// Keys

/** An EC key pair for ES384 signing plus its public COSE_Key encoding. */
export interface AttestationKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** CBOR COSE_Key {1: 2, -1: 2, -2: x (48 bytes), -3: y (48 bytes)}. */
  coseKey: Uint8Array;
}

function b64urlToBytes(s: string, len: number): Uint8Array {
  const raw = Buffer.from(s, 'base64url');
  if (raw.length > len) throw new Error('EC coordinate longer than the curve field');
  const out = new Uint8Array(len);
  out.set(raw, len - raw.length);
  return out;
}

const CURVES: Record<number, { jwk: string; size: number }> = {
  [COSE_CRV_P256]: { jwk: 'P-256', size: 32 },
  [COSE_CRV_P384]: { jwk: 'P-384', size: 48 },
  [COSE_CRV_P521]: { jwk: 'P-521', size: 66 },
};

/** Encodes a P-384 public key as the CBOR COSE_Key the realm token carries. */
export function encodeCoseKey(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-384' || !jwk.x || !jwk.y) throw new Error('expected a P-384 public key');
  return cborEncode(
    new Map<number, unknown>([
      [COSE_KEY_KTY, COSE_KTY_EC2],
      [COSE_KEY_CRV, COSE_CRV_P384],
      [COSE_KEY_X, b64urlToBytes(jwk.x, 48)],
      [COSE_KEY_Y, b64urlToBytes(jwk.y, 48)],
    ]),
  );
}

/**
 * Turns a realm public key claim into a node KeyObject. Accepts the RMM
 * 1.0-rel0 COSE_Key encoding and, for tokens from pre-rel0 RMMs, a raw
 * uncompressed SEC1 point (0x04 ‖ x ‖ y).
 */
export function publicKeyFromClaim(bytes: Uint8Array): KeyObject {
  if (bytes.length > 0 && bytes[0] === 0x04 && (bytes.length === 65 || bytes.length === 97 || bytes.length === 133)) {
    const n = (bytes.length - 1) / 2;
    const crv = n === 32 ? 'P-256' : n === 48 ? 'P-384' : 'P-521';
    return createPublicKey({
      key: {
        kty: 'EC',
        crv,
        x: Buffer.from(bytes.subarray(1, 1 + n)).toString('base64url'),
        y: Buffer.from(bytes.subarray(1 + n)).toString('base64url'),
      },
      format: 'jwk',
    });
  }
  const m = cborDecode(bytes);
  if (!(m instanceof Map)) throw new Error('COSE_Key is not a CBOR map');
  if (m.get(COSE_KEY_KTY) !== COSE_KTY_EC2) throw new Error('COSE_Key kty is not EC2');
  const curve = CURVES[m.get(COSE_KEY_CRV) as number];
  const x = m.get(COSE_KEY_X);
  const y = m.get(COSE_KEY_Y);
  if (!curve) throw new Error(`COSE_Key curve ${String(m.get(COSE_KEY_CRV))} not supported`);
  if (!(x instanceof Uint8Array) || !(y instanceof Uint8Array)) throw new Error('COSE_Key lacks x/y byte strings');
  if (x.length !== curve.size || y.length !== curve.size) throw new Error('COSE_Key coordinate length mismatch');
  return createPublicKey({
    key: { kty: 'EC', crv: curve.jwk, x: Buffer.from(x).toString('base64url'), y: Buffer.from(y).toString('base64url') },
    format: 'jwk',
  });
}

/** Generates a fresh P-384 key pair. */
export function generateAttestationKey(): AttestationKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return { privateKey, publicKey, coseKey: encodeCoseKey(publicKey) };
}

// ---------------------------------------------------------------------------
// COSE_Sign1

function algParams(alg: number): { hash: string; name: string } | undefined {
  switch (alg) {
    case COSE_ALG_ES256:
      return { hash: 'sha256', name: 'ES256' };
    case COSE_ALG_ES384:
      return { hash: 'sha384', name: 'ES384' };
    case COSE_ALG_ES512:
      return { hash: 'sha512', name: 'ES512' };
    default:
      return undefined;
  }
}

/** RFC 9052 Sig_structure for COSE_Sign1 with an empty external_aad. */
export function sigStructure(protectedHeader: Uint8Array, payload: Uint8Array): Uint8Array {
  return cborEncode(['Signature1', protectedHeader, new Uint8Array(0), payload]);
}

/** Builds a tagged COSE_Sign1 over `payload`, signed ES384 with `key`. */
export function signCose1(payload: Uint8Array, key: KeyObject): Uint8Array {
  const protectedHeader = cborEncode(new Map<number, unknown>([[COSE_HEADER_ALG, COSE_ALG_ES384]]));
  const signature = new Uint8Array(
    cryptoSign('sha384', sigStructure(protectedHeader, payload), { key, dsaEncoding: 'ieee-p1363' }),
  );
  return cborEncode(tagged(TAG_COSE_SIGN1, [protectedHeader, new Map(), payload, signature]));
}

// ---------------------------------------------------------------------------
// Platform claims

export interface SoftwareComponent {
  /** Claim 1, e.g. "BL2", "RMM". */
  type?: string;
  /** Claim 2. */
  measurement: Uint8Array;
  /** Claim 4. */
  version?: string;
  /** Claim 5. */
  signerId: Uint8Array;
  /** Claim 6: hash algorithm of the measurement, e.g. "sha-256". */
  description?: string;
}

export interface PlatformClaimsConfig {
  profile: string;
  /** 32 bytes. */
  implementationId: Uint8Array;
  /** 33-byte UEID, first byte 0x01 (RAND); default 0x01 ‖ SHA-256(platform COSE_Key). */
  instanceId?: Uint8Array;
  config: Uint8Array;
  lifecycle: number;
  swComponents: SoftwareComponent[];
  verificationService?: string;
  hashAlgorithm: string;
}

function sha256(...parts: (Uint8Array | string)[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Defaults that describe the emulated platform (values are plausible, not real). */
export function defaultPlatformClaims(): PlatformClaimsConfig {
  const signer = sha256('Realmscope emulated CCA platform firmware signer');
  const component = (type: string, version: string): SoftwareComponent => ({
    type,
    measurement: sha256(`Realmscope emulated ${type} ${version}`),
    version,
    signerId: signer,
    description: 'sha-256',
  });
  return {
    profile: CCA_PLATFORM_PROFILE_STR,
    implementationId: sha256('Realmscope emulated Arm CCA platform'),
    config: new Uint8Array([0x01, 0x00, 0x00, 0x00]),
    lifecycle: LIFECYCLE_SECURED,
    swComponents: [
      component('BL1', '2.11.0'),
      component('BL2', '2.11.0'),
      component('BL31', '2.11.0'),
      component('RMM', '1.0.0'),
    ],
    verificationService: 'https://veraison.example/.well-known/veraison/verification',
    hashAlgorithm: 'sha-256',
  };
}

function platformClaimsMap(cfg: PlatformClaimsConfig, challenge: Uint8Array, instanceId: Uint8Array): Map<number, unknown> {
  const m = new Map<number, unknown>([
    [CCA_PLATFORM_PROFILE, cfg.profile],
    [CCA_PLATFORM_CHALLENGE, challenge],
    [CCA_PLATFORM_IMPLEMENTATION_ID, cfg.implementationId],
    [CCA_PLATFORM_INSTANCE_ID, instanceId],
    [CCA_PLATFORM_CONFIG, cfg.config],
    [CCA_PLATFORM_LIFECYCLE, cfg.lifecycle],
    [
      CCA_PLATFORM_SW_COMPONENTS,
      cfg.swComponents.map((c) => {
        const sc = new Map<number, unknown>();
        if (c.type !== undefined) sc.set(SW_COMPONENT_MEASUREMENT_TYPE, c.type);
        sc.set(SW_COMPONENT_MEASUREMENT_VALUE, c.measurement);
        if (c.version !== undefined) sc.set(SW_COMPONENT_VERSION, c.version);
        sc.set(SW_COMPONENT_SIGNER_ID, c.signerId);
        if (c.description !== undefined) sc.set(SW_COMPONENT_MEASUREMENT_DESC, c.description);
        return sc;
      }),
    ],
    [CCA_PLATFORM_HASH_ALGO_ID, cfg.hashAlgorithm],
  ]);
  if (cfg.verificationService !== undefined) m.set(CCA_PLATFORM_VERIFICATION_SERVICE, cfg.verificationService);
  return m;
}

// ---------------------------------------------------------------------------
// The service

export interface AttestationServiceOptions {
  /** Overrides for the platform claims. */
  platform?: Partial<PlatformClaimsConfig>;
}

/** Creates CCA attestation tokens for one boot of the emulated platform. */
export class AttestationService {
  /** Realm Attestation Key (per boot). */
  readonly rak: AttestationKey;
  /** Platform attestation key (per boot); its public half verifies the platform token. */
  readonly platformKey: AttestationKey;
  /** SHA-256 of the RAK COSE_Key: the platform token's challenge. */
  readonly rakHash: Uint8Array;
  /** Name of the RAK hash algorithm (claim 44240). */
  readonly rakHashAlgorithm = 'sha-256';
  /** The signed platform token (COSE_Sign1), made once at construction. */
  readonly platformToken: Uint8Array;
  readonly platformClaims: PlatformClaimsConfig;

  constructor(options: AttestationServiceOptions = {}) {
    this.rak = generateAttestationKey();
    this.platformKey = generateAttestationKey();
    this.rakHash = sha256(this.rak.coseKey);
    this.platformClaims = { ...defaultPlatformClaims(), ...options.platform };
    const instanceId = this.platformClaims.instanceId ?? new Uint8Array([0x01, ...sha256(this.platformKey.coseKey)]);
    this.platformToken = signCose1(
      cborEncode(platformClaimsMap(this.platformClaims, this.rakHash, instanceId)),
      this.platformKey.privateKey,
    );
  }

  /**
   * Builds and signs a CCA token. `challenge` is the 64 bytes passed to
   * RSI_ATTESTATION_TOKEN_INIT; `personalization` the realm's 64-byte RPV.
   * The measurements are read now, as the RMM reads them at TOKEN_INIT.
   */
  createToken(challenge: Uint8Array, measurement: RealmMeasurement, personalization: Uint8Array): Uint8Array {
    if (challenge.length !== ATTESTATION_CHALLENGE_SIZE) throw new RangeError('the realm challenge is 64 bytes');
    if (personalization.length !== 64) throw new RangeError('the Realm Personalization Value is 64 bytes');
    const claims = new Map<number, unknown>([
      [CCA_REALM_CHALLENGE, challenge.slice()],
      [CCA_REALM_PERSONALIZATION_VALUE, personalization.slice()],
      [CCA_REALM_PUB_KEY, this.rak.coseKey],
      [CCA_REALM_HASH_ALGM_ID, measurement.hashAlgorithmName],
      [CCA_REALM_PUB_KEY_HASH_ALGO_ID, this.rakHashAlgorithm],
      [CCA_REALM_PROFILE, CCA_REALM_PROFILE_STR],
      [CCA_REALM_INITIAL_MEASUREMENT, measurement.rim],
      [CCA_REALM_EXTENSIBLE_MEASUREMENTS, measurement.rems],
    ]);
    const realmToken = signCose1(cborEncode(claims), this.rak.privateKey);
    const token = cborEncode(
      tagged(
        TAG_CCA_TOKEN,
        new Map<number, unknown>([
          [CCA_PLAT_TOKEN, this.platformToken],
          [CCA_REALM_DELEGATED_TOKEN, realmToken],
        ]),
      ),
    );
    if (token.length > ATTESTATION_TOKEN_BUFFER_SIZE) throw new Error('attestation token exceeds the token buffer');
    return token;
  }

  /** decodeToken() with this boot's platform key. */
  decodeToken(bytes: Uint8Array): DecodedToken {
    return decodeToken(bytes, { platformKey: this.platformKey.publicKey });
  }
}

// ---------------------------------------------------------------------------
// RSI_ATTESTATION_TOKEN_CONTINUE

export interface TokenStreamOptions {
  /**
   * Number of CONTINUE calls that report INCOMPLETE with nothing copied before
   * copying starts, modelling an RMM whose signing is interrupted (TF-RMM exits
   * to the host with an IRQ between signing steps). Default 0: the first call
   * signs and copies, as TF-RMM does when no interrupt is pending.
   */
  signingSteps?: number;
}

export interface TokenStreamResult {
  status: RsiTokenStatus;
  /** X1: bytes written by this call. */
  bytesWritten: number;
  /** True once the last byte has been copied (status SUCCESS). */
  done: boolean;
}

/**
 * Per-REC copy-out state of one token, created at RSI_ATTESTATION_TOKEN_INIT
 * (a new INIT replaces it, aborting the old one). next() implements the copy
 * part of RSI_ATTESTATION_TOKEN_CONTINUE: X2 offset and X3 size are checked
 * (offset < 4096, offset + size <= 4096, no u64 overflow; else ERROR_INPUT with
 * nothing written); size 0 gives INCOMPLETE with 0 bytes; otherwise
 * min(size, remaining) bytes go to granule[offset..], X1 = that count, and the
 * status is INCOMPLETE while bytes remain and SUCCESS on the last chunk. Once
 * done, further calls give ERROR_STATE (the RMM needs a new INIT). Checking the
 * IPA (alignment, protected space, RIPAS, backing) is the caller's job and
 * comes before this.
 */
export class TokenStream {
  private readonly token: Uint8Array;
  private copied = 0;
  private signingSteps: number;
  private finished = false;

  constructor(token: Uint8Array, options: TokenStreamOptions = {}) {
    this.token = token;
    this.signingSteps = options.signingSteps ?? 0;
  }

  /** Total token length. */
  get length(): number {
    return this.token.length;
  }

  /** Bytes already handed to the realm. */
  get bytesCopied(): number {
    return this.copied;
  }

  get done(): boolean {
    return this.finished;
  }

  /** Validates X2/X3 as RSI_ATTESTATION_TOKEN_CONTINUE does. */
  static validArguments(offset: number | bigint, size: number | bigint): boolean {
    const o = BigInt(offset);
    const s = BigInt(size);
    const g = BigInt(GRANULE_SIZE);
    if (o < 0n || s < 0n || o > 0xffff_ffff_ffff_ffffn || s > 0xffff_ffff_ffff_ffffn) return false;
    const sum = BigInt.asUintN(64, o + s);
    return o < g && sum <= g && sum >= o;
  }

  /**
   * One RSI_ATTESTATION_TOKEN_CONTINUE copy step into `granule` (a view of the
   * 4 KB granule at X1).
   */
  next(granule: Uint8Array, offset: number | bigint, size: number | bigint): TokenStreamResult {
    if (!TokenStream.validArguments(offset, size)) {
      return { status: RsiTokenStatus.ERROR_INPUT, bytesWritten: 0, done: this.finished };
    }
    if (this.finished) return { status: RsiTokenStatus.ERROR_STATE, bytesWritten: 0, done: true };
    if (this.signingSteps > 0) {
      this.signingSteps--;
      return { status: RsiTokenStatus.INCOMPLETE, bytesWritten: 0, done: false };
    }
    const off = Number(offset);
    const sz = Number(size);
    if (sz === 0) return { status: RsiTokenStatus.INCOMPLETE, bytesWritten: 0, done: false };
    if (granule.length < off + sz) throw new RangeError('granule view is smaller than offset + size');
    const n = Math.min(sz, this.token.length - this.copied);
    granule.set(this.token.subarray(this.copied, this.copied + n), off);
    this.copied += n;
    if (this.copied === this.token.length) {
      this.finished = true;
      return { status: RsiTokenStatus.SUCCESS, bytesWritten: n, done: true };
    }
    return { status: RsiTokenStatus.INCOMPLETE, bytesWritten: n, done: false };
  }
}

// ---------------------------------------------------------------------------
// Decoding (for the debugger's Measurements view)

export type SignatureStatus = 'valid' | 'invalid' | 'unverified';

export interface DecodedClaim {
  key: number;
  name: string;
  /** The decoded CBOR value (Uint8Array for bstr, Map for maps, arrays, etc.). */
  value: unknown;
  /** One-line rendering for display. */
  display: string;
  children?: DecodedClaim[];
}

export interface DecodedSign1 {
  /** Key of the collection entry (44234 platform, 44241 realm). */
  key: number;
  name: string;
  /** CBOR tag on the COSE_Sign1 (18), or null if absent. */
  tag: number | null;
  /** COSE alg from the protected header (-35 for ES384), or null. */
  alg: number | null;
  algName: string;
  protectedHeader: Uint8Array;
  unprotectedHeader: unknown;
  payload: Uint8Array;
  signature: Uint8Array;
  claims: DecodedClaim[];
  verification: { status: SignatureStatus; detail: string };
}

export interface DecodedToken {
  tag: number;
  platform: DecodedSign1;
  realm: DecodedSign1;
  /** Whether the platform challenge equals H(realm public key claim). */
  binding: { status: SignatureStatus; detail: string };
  /** Structural problems (missing mandatory claims, wrong sizes...). */
  problems: string[];
}

export interface DecodeOptions {
  /** Key that verifies the platform token (KeyObject or COSE_Key bytes). */
  platformKey?: KeyObject | Uint8Array;
}

export class TokenDecodeError extends Error {}

const REALM_CLAIM_NAMES: Record<number, string> = {
  [CCA_REALM_CHALLENGE]: 'cca-realm-challenge',
  [CCA_REALM_PROFILE]: 'cca-realm-profile',
  [CCA_REALM_PERSONALIZATION_VALUE]: 'cca-realm-personalization-value',
  [CCA_REALM_HASH_ALGM_ID]: 'cca-realm-hash-algo-id',
  [CCA_REALM_PUB_KEY]: 'cca-realm-public-key',
  [CCA_REALM_INITIAL_MEASUREMENT]: 'cca-realm-initial-measurement',
  [CCA_REALM_EXTENSIBLE_MEASUREMENTS]: 'cca-realm-extensible-measurements',
  [CCA_REALM_PUB_KEY_HASH_ALGO_ID]: 'cca-realm-public-key-hash-algo-id',
};

const PLATFORM_CLAIM_NAMES: Record<number, string> = {
  [CCA_PLATFORM_PROFILE]: 'cca-platform-profile',
  [CCA_PLATFORM_CHALLENGE]: 'cca-platform-challenge',
  [CCA_PLATFORM_IMPLEMENTATION_ID]: 'cca-platform-implementation-id',
  [CCA_PLATFORM_INSTANCE_ID]: 'cca-platform-instance-id',
  [CCA_PLATFORM_CONFIG]: 'cca-platform-config',
  [CCA_PLATFORM_LIFECYCLE]: 'cca-platform-lifecycle',
  [CCA_PLATFORM_SW_COMPONENTS]: 'cca-platform-sw-components',
  [CCA_PLATFORM_VERIFICATION_SERVICE]: 'cca-platform-service-indicator',
  [CCA_PLATFORM_HASH_ALGO_ID]: 'cca-platform-hash-algo-id',
};

const SW_COMPONENT_NAMES: Record<number, string> = {
  [SW_COMPONENT_MEASUREMENT_TYPE]: 'measurement-type',
  [SW_COMPONENT_MEASUREMENT_VALUE]: 'measurement-value',
  [SW_COMPONENT_VERSION]: 'version',
  [SW_COMPONENT_SIGNER_ID]: 'signer-id',
  [SW_COMPONENT_MEASUREMENT_DESC]: 'measurement-description',
};

const COSE_KEY_NAMES: Record<number, string> = {
  [COSE_KEY_KTY]: 'kty',
  [COSE_KEY_CRV]: 'crv',
  [COSE_KEY_X]: 'x',
  [COSE_KEY_Y]: 'y',
};

const REALM_MANDATORY = [
  CCA_REALM_CHALLENGE,
  CCA_REALM_PROFILE,
  CCA_REALM_PERSONALIZATION_VALUE,
  CCA_REALM_HASH_ALGM_ID,
  CCA_REALM_PUB_KEY,
  CCA_REALM_INITIAL_MEASUREMENT,
  CCA_REALM_EXTENSIBLE_MEASUREMENTS,
  CCA_REALM_PUB_KEY_HASH_ALGO_ID,
];

const PLATFORM_MANDATORY = [
  CCA_PLATFORM_PROFILE,
  CCA_PLATFORM_CHALLENGE,
  CCA_PLATFORM_IMPLEMENTATION_ID,
  CCA_PLATFORM_INSTANCE_ID,
  CCA_PLATFORM_CONFIG,
  CCA_PLATFORM_LIFECYCLE,
  CCA_PLATFORM_SW_COMPONENTS,
  CCA_PLATFORM_HASH_ALGO_ID,
];

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function lifecycleName(v: number): string {
  const names = [
    'unknown',
    'assembly-and-test',
    'cca-platform-rot-provisioning',
    'secured',
    'non-cca-platform-rot-debug',
    'recoverable-cca-platform-rot-debug',
    'decommissioned',
  ];
  const major = v >> 12;
  return (v & 0xf00) === 0 && major < names.length ? names[major] : 'invalid';
}

function displayValue(v: unknown): string {
  if (v instanceof Uint8Array) return `h'${hex(v)}' (${v.length} bytes)`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `array(${v.length})`;
  if (v instanceof Map) return `map(${v.size})`;
  return String(v);
}

function mapChildren(m: Map<unknown, unknown>, names: Record<number, string>): DecodedClaim[] {
  return [...m.entries()].map(([k, v]) => ({
    key: Number(k),
    name: names[Number(k)] ?? `claim ${String(k)}`,
    value: v,
    display: displayValue(v),
  }));
}

function claimTree(m: Map<unknown, unknown>, names: Record<number, string>): DecodedClaim[] {
  const out: DecodedClaim[] = [];
  for (const [k, v] of m.entries()) {
    const key = Number(k);
    const claim: DecodedClaim = { key, name: names[key] ?? `claim ${String(k)}`, value: v, display: displayValue(v) };
    if (names === REALM_CLAIM_NAMES && key === CCA_REALM_EXTENSIBLE_MEASUREMENTS && Array.isArray(v)) {
      claim.children = v.map((rem, i) => ({ key: i, name: `REM${i}`, value: rem, display: displayValue(rem) }));
    } else if (names === REALM_CLAIM_NAMES && key === CCA_REALM_PUB_KEY && v instanceof Uint8Array) {
      try {
        const ck = cborDecode(v);
        if (ck instanceof Map) {
          claim.display = `COSE_Key (${v.length} bytes)`;
          claim.children = mapChildren(ck, COSE_KEY_NAMES);
        }
      } catch {
        // Not CBOR (e.g. a raw EC point): keep the byte display.
      }
    } else if (names === PLATFORM_CLAIM_NAMES && key === CCA_PLATFORM_SW_COMPONENTS && Array.isArray(v)) {
      claim.children = v.map((sc, i) => {
        const label = sc instanceof Map && typeof sc.get(SW_COMPONENT_MEASUREMENT_TYPE) === 'string'
          ? (sc.get(SW_COMPONENT_MEASUREMENT_TYPE) as string)
          : `component ${i}`;
        return {
          key: i,
          name: label,
          value: sc,
          display: displayValue(sc),
          children: sc instanceof Map ? mapChildren(sc, SW_COMPONENT_NAMES) : undefined,
        };
      });
    } else if (names === PLATFORM_CLAIM_NAMES && key === CCA_PLATFORM_LIFECYCLE && typeof v === 'number') {
      claim.display = `0x${v.toString(16)} (${lifecycleName(v)})`;
    }
    out.push(claim);
  }
  return out;
}

function toKeyObject(k: KeyObject | Uint8Array): KeyObject {
  return k instanceof Uint8Array ? publicKeyFromClaim(k) : k;
}

function decodeSign1(
  key: number,
  name: string,
  bytes: unknown,
  names: Record<number, string>,
  problems: string[],
): { sign1: DecodedSign1; claims: Map<unknown, unknown> } {
  if (!(bytes instanceof Uint8Array)) throw new TokenDecodeError(`${name} token entry ${key} is not a byte string`);
  let obj = cborDecode(bytes, [TAG_COSE_SIGN1]);
  let tag: number | null = null;
  if (isTagged(obj)) {
    tag = obj.tag;
    obj = obj.value;
  }
  if (tag !== TAG_COSE_SIGN1) problems.push(`${name} token: COSE_Sign1 tag 18 missing`);
  if (!Array.isArray(obj) || obj.length !== 4) throw new TokenDecodeError(`${name} token is not a 4-element COSE_Sign1 array`);
  const [protectedHeader, unprotectedHeader, payload, signature] = obj as unknown[];
  if (!(protectedHeader instanceof Uint8Array) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    throw new TokenDecodeError(`${name} token: COSE_Sign1 fields have the wrong types`);
  }
  const ph = protectedHeader.length ? cborDecode(protectedHeader) : new Map();
  const alg = ph instanceof Map && typeof ph.get(COSE_HEADER_ALG) === 'number' ? (ph.get(COSE_HEADER_ALG) as number) : null;
  const claims = cborDecode(payload);
  if (!(claims instanceof Map)) throw new TokenDecodeError(`${name} token payload is not a claims map`);
  return {
    sign1: {
      key,
      name,
      tag,
      alg,
      algName: alg === null ? 'none' : (algParams(alg)?.name ?? `alg ${alg}`),
      protectedHeader,
      unprotectedHeader,
      payload,
      signature,
      claims: claimTree(claims, names),
      verification: { status: 'unverified', detail: 'not checked' },
    },
    claims,
  };
}

function verifySign1(s: DecodedSign1, key: KeyObject): { status: SignatureStatus; detail: string } {
  const p = s.alg === null ? undefined : algParams(s.alg);
  if (!p) return { status: 'invalid', detail: `unsupported COSE algorithm ${String(s.alg)}` };
  try {
    const ok = cryptoVerify(p.hash, sigStructure(s.protectedHeader, s.payload), { key, dsaEncoding: 'ieee-p1363' }, s.signature);
    return ok ? { status: 'valid', detail: `${p.name} signature verified` } : { status: 'invalid', detail: `${p.name} signature does not verify` };
  } catch (e) {
    return { status: 'invalid', detail: `verification failed: ${(e as Error).message}` };
  }
}

function nodeHashFromName(name: unknown): string | undefined {
  switch (name) {
    case 'sha-256':
      return 'sha256';
    case 'sha-384':
      return 'sha384';
    case 'sha-512':
      return 'sha512';
    default:
      return undefined;
  }
}

/**
 * Decodes a CCA token into a claim tree and checks both signatures and the
 * platform/realm binding. The realm token is verified with the public key it
 * carries (claim 44237); the platform token only if a platform key is given.
 * Throws TokenDecodeError when the bytes are not a CCA token at all.
 */
export function decodeToken(bytes: Uint8Array, options: DecodeOptions = {}): DecodedToken {
  let top: unknown;
  try {
    top = cborDecode(bytes, [TAG_CCA_TOKEN, TAG_COSE_SIGN1]);
  } catch (e) {
    throw new TokenDecodeError(`not valid CBOR: ${(e as Error).message}`);
  }
  if (!isTagged(top) || top.tag !== TAG_CCA_TOKEN) throw new TokenDecodeError('not a CCA token (CBOR tag 399 expected)');
  const coll = top.value;
  if (!(coll instanceof Map)) throw new TokenDecodeError('CCA token collection is not a map');
  const problems: string[] = [];

  const plat = decodeSign1(CCA_PLAT_TOKEN, 'platform', coll.get(CCA_PLAT_TOKEN), PLATFORM_CLAIM_NAMES, problems);
  const realm = decodeSign1(CCA_REALM_DELEGATED_TOKEN, 'realm', coll.get(CCA_REALM_DELEGATED_TOKEN), REALM_CLAIM_NAMES, problems);

  for (const k of REALM_MANDATORY) if (!realm.claims.has(k)) problems.push(`realm token: claim ${k} (${REALM_CLAIM_NAMES[k]}) missing`);
  for (const k of PLATFORM_MANDATORY) if (!plat.claims.has(k)) problems.push(`platform token: claim ${k} (${PLATFORM_CLAIM_NAMES[k]}) missing`);
  const ch = realm.claims.get(CCA_REALM_CHALLENGE);
  if (ch instanceof Uint8Array && ch.length !== ATTESTATION_CHALLENGE_SIZE) problems.push('realm token: challenge is not 64 bytes');
  const rems = realm.claims.get(CCA_REALM_EXTENSIBLE_MEASUREMENTS);
  if (rems !== undefined && (!Array.isArray(rems) || rems.length !== 4)) problems.push('realm token: REM claim is not an array of 4');

  // Realm signature: with the RAK from the token itself.
  const rakClaim = realm.claims.get(CCA_REALM_PUB_KEY);
  if (rakClaim instanceof Uint8Array) {
    try {
      realm.sign1.verification = verifySign1(realm.sign1, publicKeyFromClaim(rakClaim));
    } catch (e) {
      realm.sign1.verification = { status: 'invalid', detail: `bad realm public key: ${(e as Error).message}` };
    }
  } else {
    realm.sign1.verification = { status: 'unverified', detail: 'no realm public key claim' };
  }

  // Platform signature: only with a key supplied by the caller.
  if (options.platformKey) {
    try {
      plat.sign1.verification = verifySign1(plat.sign1, toKeyObject(options.platformKey));
    } catch (e) {
      plat.sign1.verification = { status: 'invalid', detail: `bad platform key: ${(e as Error).message}` };
    }
  } else {
    plat.sign1.verification = { status: 'unverified', detail: 'no platform attestation key supplied' };
  }

  // Binding: platform challenge = H_{44240}(claim 44237 bytes).
  let binding: DecodedToken['binding'];
  const hashName = nodeHashFromName(realm.claims.get(CCA_REALM_PUB_KEY_HASH_ALGO_ID));
  const pch = plat.claims.get(CCA_PLATFORM_CHALLENGE);
  if (!(rakClaim instanceof Uint8Array) || !(pch instanceof Uint8Array)) {
    binding = { status: 'unverified', detail: 'realm public key or platform challenge missing' };
  } else if (!hashName) {
    binding = { status: 'unverified', detail: 'unknown realm public key hash algorithm' };
  } else {
    const expected = createHash(hashName).update(rakClaim).digest();
    binding = Buffer.compare(expected, Buffer.from(pch)) === 0
      ? { status: 'valid', detail: 'platform challenge equals the hash of the realm public key' }
      : { status: 'invalid', detail: 'platform challenge does not match the realm public key' };
  }

  return { tag: top.tag, platform: plat.sign1, realm: realm.sign1, binding, problems };
}

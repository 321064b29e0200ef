// VMSAv8-64 stage 1 translation for the EL1&0 translation regime (Arm ARM D8, pseudocode
// AArch64.S1Translate / AArch64.S1Walk). A pure function of a system-register snapshot and a
// descriptor reader: the CPU calls it on TLB misses, and the debugger builds its page-table views
// from the steps it reports. BigInt is fine here: this never runs on the hot path.
//
// Feature set (matching the ID registers the CPU advertises): 4K/16K/64K granules, 48-bit VAs,
// PA sizes up to 52 bits (FEAT_LPA 64K descriptors when PARange is 52), TBI, PAN, hardware
// Access-flag update (HAFDBS = 1: no hardware dirty state). Not implemented because the ID
// registers do not advertise them (their TCR/SCTLR bits are RES0): FEAT_LVA/LPA2 (TCR.DS),
// FEAT_HPDS (TCR.HPDn), FEAT_TTST, FEAT_E0PD, FEAT_EPAN, PAuth's TBIDn, big-endian walks (SCTLR.EE).

export type AccessKind = 'read' | 'write' | 'exec';

/** A snapshot of the system registers that control the EL1&0 stage 1 translation. */
export interface TranslationRegime {
  sctlr: bigint; tcr: bigint; ttbr0: bigint; ttbr1: bigint; mair: bigint;
  paBits: number;          // from ID_AA64MMFR0_EL1.PARange (e.g. 48)
}

/** Guest-physical reads/writes of descriptors. */
export interface DescriptorMemory {
  /** undefined = external abort on the walk. */
  read64(pa: number): bigint | undefined;
  /** Used for the hardware Access-flag update (TCR.HA). false = external abort on the update. */
  write64?(pa: number, value: bigint): boolean;
}

export type FaultKind = 'translation' | 'accessFlag' | 'permission' | 'addressSize' | 'externalAbortOnWalk' | 'alignment';

export interface WalkStep {
  level: number; tableBase: number; index: number; descriptorAddress: number; descriptor: bigint;
  type: 'table' | 'block' | 'page' | 'invalid';
  inputBase: bigint;       // first VA covered by this entry (canonical: TTBR1 addresses have the top bits set)
  inputSize: bigint;       // bytes covered by this entry
  outputAddress?: number;  // next-level table or output block/page base
  /** block/page: attrIndex, ns, ap, sh, af, nG, dbm, contiguous, pxn, uxn;
   *  table: pxnTable, uxnTable, apTable, nsTable. readTable adds readError for an entry whose read aborted. */
  fields: Record<string, number | boolean>;
}

export interface WalkResult {
  steps: WalkStep[];
  fault?: { kind: FaultKind; level: number; s1ptw?: boolean };
  // Present when the walk reached a block/page (even if a later check then failed):
  pa?: number;             // output physical address of the input VA
  pageShift?: number;      // log2 of the size of the block/page mapped (12, 14, 16, 21, 25, 29, 30, 42)
  asid?: number; global?: boolean; ttbrSelect?: 0 | 1;
  attrIndex?: number; memAttr?: number; /* MAIR byte */ device?: boolean;
  shareability?: number;   // effective SH: Device and Normal Non-cacheable memory are Outer Shareable (2)
  perms?: number;          // PERM_* mask after AP, APTable, XN, PXNTable/UXNTable and SCTLR.WXN; without PAN
  el0Accessible?: boolean; // AP[1] effective (what PAN looks at)
  ns?: boolean;            // descriptor NS OR any NSTable on the way (meaningful in Secure/Realm state)
}

export const PERM_R1 = 1, PERM_W1 = 2, PERM_X1 = 4, PERM_R0 = 8, PERM_W0 = 16, PERM_X0 = 32;
const PERM_ALL = PERM_R1 | PERM_W1 | PERM_X1 | PERM_R0 | PERM_W0 | PERM_X0;

const MASK64 = (1n << 64n) - 1n;
const OA_MASK_48 = (1n << 48n) - 1n;

// SCTLR_EL1 bits.
const SCTLR_M = 1n, SCTLR_I = 1n << 12n, SCTLR_WXN = 1n << 19n;
// TCR_EL1 bits.
const TCR_EPD0 = 7, TCR_EPD1 = 23, TCR_A1 = 22, TCR_AS = 36, TCR_TBI0 = 37, TCR_TBI1 = 38, TCR_HA = 39;

function field(v: bigint, lo: number, width: number): number {
  return Number((v >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));
}
function flag(v: bigint, b: number): boolean {
  return ((v >> BigInt(b)) & 1n) !== 0n;
}
function lowMask(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}

/** Decoded TCR parameters for one of the two VA ranges (TTBR0: lower, TTBR1: upper). */
export interface RangeParams {
  select: 0 | 1;
  tsz: number;             // TnSZ after clamping to 16..39
  inputBits: number;       // 64 - TnSZ
  granuleShift: number;    // 12, 14 or 16
  stride: number;          // index bits per full level: granuleShift - 3
  startLevel: number;
  disabled: boolean;       // EPDn
  tbi: boolean;
  outputBits: number;      // min(IPS, PARange), capped at 48 unless 64K granule with FEAT_LPA
  rangeBase: bigint;       // first VA of the range
  ttbr: bigint;
}

/** Effective PA size for the output addresses of the walk (AArch64.PAMax and TCR.IPS). */
function outputBits(regime: TranslationRegime, granuleShift: number): number {
  const ips = field(regime.tcr, 32, 3);
  const sizes = [32, 36, 40, 42, 44, 48, 52];
  // Reserved IPS 0b111 behaves as the largest implemented size.
  let bits = Math.min(ips < sizes.length ? sizes[ips] : regime.paBits, regime.paBits);
  // 52-bit output needs FEAT_LPA with the 64K granule (FEAT_LPA2/TCR.DS is not implemented).
  if (bits > 48 && granuleShift !== 16) bits = 48;
  return bits;
}

export function rangeParams(regime: TranslationRegime, select: 0 | 1): RangeParams {
  const tcr = regime.tcr;
  let tsz: number, tg: number, granuleShift: number;
  if (select === 0) {
    tsz = field(tcr, 0, 6);
    tg = field(tcr, 14, 2);
    // TG0: 00 4K, 01 64K, 10 16K; reserved 11 behaves as 4K.
    granuleShift = tg === 1 ? 16 : tg === 2 ? 14 : 12;
  } else {
    tsz = field(tcr, 16, 6);
    tg = field(tcr, 30, 2);
    // TG1: 01 16K, 10 4K, 11 64K; reserved 00 behaves as 4K.
    granuleShift = tg === 1 ? 14 : tg === 3 ? 16 : 12;
  }
  // Out-of-range TnSZ is CONSTRAINED UNPREDICTABLE; we take the "as if clamped" choice.
  tsz = Math.min(39, Math.max(16, tsz));
  const inputBits = 64 - tsz;
  const stride = granuleShift - 3;
  const startLevel = 4 - Math.ceil((inputBits - granuleShift) / stride);
  return {
    select, tsz, inputBits, granuleShift, stride, startLevel,
    disabled: flag(tcr, select === 0 ? TCR_EPD0 : TCR_EPD1),
    tbi: flag(tcr, select === 0 ? TCR_TBI0 : TCR_TBI1),
    outputBits: outputBits(regime, granuleShift),
    rangeBase: select === 0 ? 0n : (1n << 64n) - (1n << BigInt(inputBits)),
    ttbr: select === 0 ? regime.ttbr0 : regime.ttbr1,
  };
}

/** log2 of the bytes covered by one entry of a table at `level`. */
function entryShift(p: RangeParams, level: number): number {
  return p.granuleShift + p.stride * (3 - level);
}

/** Number of index bits of a table at `level` (the starting level's table may be smaller). */
function indexBits(p: RangeParams, level: number): number {
  return level === p.startLevel ? p.inputBits - entryShift(p, level) : p.stride;
}

/** Whether the 64K granule descriptors and TTBRs carry OA[51:48] (FEAT_LPA). */
function hasLpa(regime: TranslationRegime, p: RangeParams): boolean {
  return p.granuleShift === 16 && regime.paBits === 52;
}

function blockAllowed(regime: TranslationRegime, p: RangeParams, level: number): boolean {
  switch (p.granuleShift) {
    case 12: return level === 1 || level === 2;
    case 14: return level === 2;
    default: return level === 2 || (level === 1 && regime.paBits === 52);
  }
}

/** The address held in a descriptor's OA field, for an entry covering 2^shift bytes. */
function descriptorAddress(regime: TranslationRegime, p: RangeParams, desc: bigint, shift: number): number {
  let a = (desc & OA_MASK_48) >> BigInt(shift) << BigInt(shift);
  if (hasLpa(regime, p)) a |= BigInt(field(desc, 12, 4)) << 48n;
  return Number(a);
}

/** The base address of the starting-level table from TTBRn.BADDR (bits below the table's size ignored). */
function ttbrBase(regime: TranslationRegime, p: RangeParams): number {
  const tableBytesLog2 = 3 + indexBits(p, p.startLevel);
  let a = (p.ttbr & OA_MASK_48) >> BigInt(tableBytesLog2) << BigInt(tableBytesLog2);
  if (hasLpa(regime, p) && p.outputBits === 52) a |= BigInt(field(p.ttbr, 2, 4)) << 48n;
  return Number(a);
}

/** Decodes one descriptor read from a table at `level`. */
function decodeEntry(regime: TranslationRegime, p: RangeParams, level: number, tableBase: number, index: number,
                     desc: bigint, inputBase: bigint): WalkStep {
  const shift = entryShift(p, level);
  const step: WalkStep = {
    level, tableBase, index, descriptorAddress: tableBase + index * 8, descriptor: desc,
    type: 'invalid', inputBase, inputSize: 1n << BigInt(shift), fields: {},
  };
  const low = Number(desc & 3n);
  if (low === 3 && level < 3) {
    step.type = 'table';
    step.outputAddress = descriptorAddress(regime, p, desc, p.granuleShift);
    step.fields = {
      pxnTable: flag(desc, 59), uxnTable: flag(desc, 60), apTable: field(desc, 61, 2), nsTable: flag(desc, 63),
    };
  } else if ((low === 3 && level === 3) || (low === 1 && level < 3 && blockAllowed(regime, p, level))) {
    step.type = level === 3 ? 'page' : 'block';
    step.outputAddress = descriptorAddress(regime, p, desc, shift);
    step.fields = {
      attrIndex: field(desc, 2, 3), ns: flag(desc, 5), ap: field(desc, 6, 2), sh: field(desc, 8, 2),
      af: flag(desc, 10), nG: flag(desc, 11), dbm: flag(desc, 51), contiguous: flag(desc, 52),
      pxn: flag(desc, 53), uxn: flag(desc, 54),
    };
  }
  return step;
}

/** Highest VA bit that takes part in translation (AArch64.AddrTop): 55 with TBI, else 63. */
function addrTop(regime: TranslationRegime, va: bigint): number {
  const upper = flag(va, 55);
  return flag(regime.tcr, upper ? TCR_TBI1 : TCR_TBI0) ? 55 : 63;
}

function translationOff(regime: TranslationRegime, va: bigint, access: AccessKind | undefined): WalkResult {
  const r: WalkResult = { steps: [] };
  // AArch64.S1DisabledOutput: VA bits [top:PAMax] must be zero (TBI still applies).
  const top = addrTop(regime, va);
  if (((va >> BigInt(regime.paBits)) & lowMask(top + 1 - regime.paBits)) !== 0n) {
    r.fault = { kind: 'addressSize', level: 0 };
    return r;
  }
  const exec = access === 'exec';
  r.pa = Number(va & lowMask(regime.paBits));
  r.pageShift = 12;
  r.global = true;
  r.perms = PERM_ALL;
  r.el0Accessible = false;
  r.shareability = 2;
  // Data: Device-nGnRnE. Instructions: Normal, Write-Through if SCTLR.I else Non-cacheable.
  r.device = !exec;
  r.memAttr = exec ? ((regime.sctlr & SCTLR_I) !== 0n ? 0xaa : 0x44) : 0x00;
  return r;
}

/** Stage 1 permissions (AArch64.S1DirectBasePermissions + WXN), without PAN. */
function permissions(ap: number, apTable: number, pxn: boolean, uxn: boolean, wxn: boolean): { perms: number; el0: boolean } {
  const ro = (ap & 2) !== 0 || (apTable & 2) !== 0;
  const ur = (ap & 1) !== 0 && (apTable & 1) === 0;
  const pr = true, pw = !ro, uw = ur && !ro;
  // Locations writable at EL0 are never executable at EL1.
  let px = !pxn && !uw;
  let ux = !uxn;
  if (wxn) { px = px && !pw; ux = ux && !uw; }
  const perms = (pr ? PERM_R1 : 0) | (pw ? PERM_W1 : 0) | (px ? PERM_X1 : 0) |
    (ur ? PERM_R0 : 0) | (uw ? PERM_W0 : 0) | (ux ? PERM_X0 : 0);
  return { perms, el0: ur };
}

/**
 * Translates `va` (taken modulo 2^64) through the EL1&0 stage 1 regime. With opts.access set, also
 * applies the permission check for that access (opts.el, default 1; opts.pan; opts.unprivileged)
 * and reports a permission fault. With TCR.HA=1 a descriptor with AF=0 gets AF set through
 * mem.write64 (skipped with opts.noAccessFlagUpdate or when mem has no write64; the walk succeeds).
 */
export function walkStage1(regime: TranslationRegime, va: bigint, mem: DescriptorMemory,
                           opts?: { access?: AccessKind; el?: 0 | 1; pan?: boolean; unprivileged?: boolean; noAccessFlagUpdate?: boolean }): WalkResult {
  va &= MASK64;
  const access = opts?.access;
  if ((regime.sctlr & SCTLR_M) === 0n) {
    return translationOff(regime, va, access);
  }
  const select: 0 | 1 = flag(va, 55) ? 1 : 0;
  const p = rangeParams(regime, select);
  const steps: WalkStep[] = [];
  const asidReg = flag(regime.tcr, TCR_A1) ? regime.ttbr1 : regime.ttbr0;
  const r: WalkResult = {
    steps, ttbrSelect: select,
    asid: field(asidReg, 48, flag(regime.tcr, TCR_AS) ? 16 : 8),
  };
  const fault = (kind: FaultKind, level: number): WalkResult => { r.fault = { kind, level }; return r; };

  // VA range check: bits [top:inputBits] must all equal bit 55 (the range select).
  const top = p.tbi ? 55 : 63;
  const hi = (va >> BigInt(p.inputBits)) & lowMask(top + 1 - p.inputBits);
  if (hi !== (select ? lowMask(top + 1 - p.inputBits) : 0n)) return fault('translation', 0);
  if (p.disabled) return fault('translation', 0);

  const limit = 2 ** p.outputBits;
  let tableBase = ttbrBase(regime, p);
  if (tableBase >= limit) return fault('addressSize', 0);

  const offset = va & lowMask(p.inputBits);   // offset of the VA within its range
  let level = p.startLevel;
  let apTable = 0, pxnTable = false, uxnTable = false, nsTable = false;
  for (;;) {
    const shift = entryShift(p, level);
    const index = Number((offset >> BigInt(shift)) & lowMask(indexBits(p, level)));
    const descAddr = tableBase + index * 8;
    const desc = mem.read64(descAddr);
    if (desc === undefined) return fault('externalAbortOnWalk', level);
    const inputBase = p.rangeBase + (offset >> BigInt(shift) << BigInt(shift));
    const step = decodeEntry(regime, p, level, tableBase, index, desc, inputBase);
    steps.push(step);
    if (step.type === 'invalid') return fault('translation', level);
    if (step.type === 'table') {
      if (step.outputAddress! >= limit) return fault('addressSize', level);
      apTable |= step.fields.apTable as number;
      pxnTable ||= step.fields.pxnTable as boolean;
      uxnTable ||= step.fields.uxnTable as boolean;
      nsTable ||= step.fields.nsTable as boolean;
      tableBase = step.outputAddress!;
      level++;
      continue;
    }

    // Block or page.
    const f = step.fields;
    const oa = step.outputAddress!;
    r.pa = oa + Number(offset & lowMask(shift));
    r.pageShift = shift;
    r.global = !f.nG;
    const attrIndex = f.attrIndex as number;
    const memAttr = field(regime.mair, attrIndex * 8, 8);
    r.attrIndex = attrIndex;
    r.memAttr = memAttr;
    r.device = (memAttr & 0xf0) === 0;
    // Device memory, and Normal memory Inner and Outer Non-cacheable, are always Outer Shareable.
    r.shareability = r.device || memAttr === 0x44 ? 2 : f.sh as number;
    r.ns = (f.ns as boolean) || nsTable;
    const pm = permissions(f.ap as number, apTable, (f.pxn as boolean) || pxnTable, (f.uxn as boolean) || uxnTable,
      (regime.sctlr & SCTLR_WXN) !== 0n);
    r.perms = pm.perms;
    r.el0Accessible = pm.el0;

    // Fault priority: address size (output), then access flag, then permission.
    if (oa >= limit) return fault('addressSize', level);
    if (!f.af) {
      if (!flag(regime.tcr, TCR_HA)) return fault('accessFlag', level);
      if (!opts?.noAccessFlagUpdate && mem.write64) {
        if (!mem.write64(descAddr, desc | (1n << 10n))) return fault('externalAbortOnWalk', level);
      }
    }
    if (access !== undefined && !checkPermission(r, access, opts?.el ?? 1, opts?.pan ?? false, opts?.unprivileged ?? false)) {
      return fault('permission', level);
    }
    return r;
  }
}

/**
 * Whether `access` is permitted by a walk result that reached a block/page: true = allowed,
 * false = permission fault. `unprivileged` (LDTR/STTR at EL1) checks data accesses as EL0; PAN at
 * EL1 forbids privileged data accesses to EL0-accessible locations.
 */
export function checkPermission(r: WalkResult, access: AccessKind, el: 0 | 1, pan: boolean, unprivileged: boolean): boolean {
  const perms = r.perms;
  if (perms === undefined) return false;
  if (access === 'exec') return (perms & (el === 0 ? PERM_X0 : PERM_X1)) !== 0;
  const asEl0 = el === 0 || unprivileged;
  const need = access === 'write' ? (asEl0 ? PERM_W0 : PERM_W1) : (asEl0 ? PERM_R0 : PERM_R1);
  if ((perms & need) === 0) return false;
  if (!asEl0 && pan && r.el0Accessible) return false;
  return true;
}

/** Where the tree of TTBRn starts (for page-table views). */
export interface TableRoot {
  level: number; tableBase: number; inputBase: bigint; entries: number; granuleShift: number;
  /** Set when no walk happens from this TTBR: stage 1 off, EPDn, or TTBR base out of range. */
  fault?: { kind: FaultKind; level: number };
}

export function rootTable(regime: TranslationRegime, select: 0 | 1): TableRoot {
  const p = rangeParams(regime, select);
  const base = ttbrBase(regime, p);
  const root: TableRoot = {
    level: p.startLevel, tableBase: base, inputBase: p.rangeBase,
    entries: 2 ** indexBits(p, p.startLevel), granuleShift: p.granuleShift,
  };
  if ((regime.sctlr & SCTLR_M) === 0n || p.disabled) root.fault = { kind: 'translation', level: 0 };
  else if (base >= 2 ** p.outputBits) root.fault = { kind: 'addressSize', level: 0 };
  return root;
}

/**
 * Reads and decodes all entries of one table of TTBRn's tree (invalid ones included). `inputBase` is
 * the first VA covered by the table (the parent entry's inputBase; rootTable().inputBase at the top).
 * An entry whose read aborts is reported as invalid with fields.readError.
 */
export function readTable(regime: TranslationRegime, select: 0 | 1, level: number, tableBase: number, inputBase: bigint,
                          mem: DescriptorMemory): WalkStep[] {
  const p = rangeParams(regime, select);
  if (level < p.startLevel || level > 3) return [];
  const n = 2 ** indexBits(p, level);
  const size = 1n << BigInt(entryShift(p, level));
  const out: WalkStep[] = [];
  for (let i = 0; i < n; i++) {
    const entryBase = (inputBase + BigInt(i) * size) & MASK64;
    const desc = mem.read64(tableBase + i * 8);
    if (desc === undefined) {
      const step = decodeEntry(regime, p, level, tableBase, i, 0n, entryBase);
      step.fields = { readError: true };
      out.push(step);
    } else {
      out.push(decodeEntry(regime, p, level, tableBase, i, desc, entryBase));
    }
  }
  return out;
}

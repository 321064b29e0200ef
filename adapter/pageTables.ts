// The custom requests behind the page-table views and `info tlb`:
//   realmscope/pageTables {}                              -> both TTBRs' root tables (valid entries)
//   realmscope/pageTables {ttbr, level, tableAddress, inputBase} -> one table's valid entries (lazy)
//   realmscope/pageTables {ranges: true}                  -> the whole regime coalesced into ranges
//   realmscope/walk {address}                             -> the walk of one address, every descriptor

import { rootTable } from '../emulator';
import type { WalkStep } from '../emulator';
import type { EmulatorTarget } from './EmulatorTarget';
import { hex } from './describe';
import { memAttrName } from './registers';

export interface PageTableArgs {
  ttbr?: 0 | 1;
  level?: number;
  tableAddress?: string;
  inputBase?: string;
  ranges?: boolean;
}

const AP: Record<number, string> = { 0: 'EL1 RW, EL0 none', 1: 'EL1 RW, EL0 RW', 2: 'EL1 RO, EL0 none', 3: 'EL1 RO, EL0 RO' };

export interface EntryView {
  index: number; level: number; type: WalkStep['type'];
  inputBase: string; inputSize: string; descriptor: string; descriptorAddress: string;
  outputAddress?: string;
  attributes?: Record<string, string | number | boolean>;
  /** For table entries: the arguments that expand it. */
  expand?: { ttbr: 0 | 1; level: number; tableAddress: string; inputBase: string };
}

function entryView(target: EmulatorTarget, ttbr: 0 | 1, s: WalkStep): EntryView {
  const v: EntryView = {
    index: s.index, level: s.level, type: s.type, inputBase: hex(s.inputBase), inputSize: hex(s.inputSize, 1),
    descriptor: hex(s.descriptor), descriptorAddress: hex(s.descriptorAddress, 1),
  };
  if (s.outputAddress !== undefined) v.outputAddress = hex(s.outputAddress, 1);
  const f = s.fields;
  if (s.type === 'table') {
    v.expand = { ttbr, level: s.level + 1, tableAddress: hex(s.outputAddress!, 1), inputBase: hex(s.inputBase) };
    v.attributes = { PXNTable: !!f.pxnTable, UXNTable: !!f.uxnTable, APTable: Number(f.apTable ?? 0), NSTable: !!f.nsTable };
  } else if (s.type === 'block' || s.type === 'page') {
    const mair = target.cpu.translationRegime.mair;
    const idx = Number(f.attrIndex ?? 0);
    const attr = Number((mair >> BigInt(8 * idx)) & 0xffn);
    v.attributes = {
      AttrIndx: idx, memoryType: memAttrName(attr), AP: AP[Number(f.ap ?? 0)], SH: Number(f.sh ?? 0), AF: !!f.af, nG: !!f.nG,
      PXN: !!f.pxn, UXN: !!f.uxn, contiguous: !!f.contiguous, NS: !!f.ns,
    };
  }
  return v;
}

export function pageTableTree(target: EmulatorTarget, args: PageTableArgs): unknown {
  const regime = target.cpu.translationRegime;
  if (args.ranges) return { ranges: coalescedRanges(target) };
  if (args.tableAddress !== undefined) {
    const ttbr = args.ttbr ?? 0;
    const steps = target.readTable(ttbr, args.level ?? 0, Number(BigInt(args.tableAddress)), BigInt(args.inputBase ?? '0'));
    const valid = steps.filter(s => s.type !== 'invalid');
    return { entries: valid.map(s => entryView(target, ttbr, s)), invalidCount: steps.length - valid.length };
  }
  const mmuOn = (regime.sctlr & 1n) === 1n;
  const roots = ([0, 1] as const).map(sel => {
    const r = rootTable(regime, sel);
    const base = { ttbr: sel, ttbrValue: hex(sel ? regime.ttbr1 : regime.ttbr0), level: r.level, tableAddress: hex(r.tableBase, 1), inputBase: hex(r.inputBase), entries: r.entries };
    if (r.fault || !mmuOn) return { ...base, disabled: !mmuOn ? 'stage 1 translation is off (SCTLR_EL1.M = 0)' : `no walks: ${r.fault!.kind} fault, level ${r.fault!.level}` };
    const steps = target.readTable(sel, r.level, r.tableBase, r.inputBase);
    const valid = steps.filter(s => s.type !== 'invalid');
    return { ...base, table: valid.map(s => entryView(target, sel, s)), invalidCount: steps.length - valid.length };
  });
  return { mmuEnabled: mmuOn, roots };
}

export interface MappedRange { va: string; pa: string; size: string; attributes: string; }

/** Every mapping of the current regime, with neighbouring pages of the same attributes merged
 *  (what QEMU's `info mem` shows). Reads each table as one block and decodes descriptors as 32-bit
 *  halves: a guest mapping 4 GiB in 4 KiB pages (a million descriptors) must answer quickly. */
export function coalescedRanges(target: EmulatorTarget): MappedRange[] {
  const regime = target.cpu.translationRegime;
  const out: MappedRange[] = [];
  if ((regime.sctlr & 1n) === 0n) return out;
  const mem = target.board.mem;
  // The range being built: VA as an offset (number) from the TTBR's region base, PA, size, attributes key.
  let curVa = -1, curPa = 0, curSize = 0, curKey = -1, regionBase = 0n;
  const flush = () => {
    if (curVa >= 0) out.push({ va: hex(regionBase + BigInt(curVa)), pa: hex(curPa, 1), size: hex(curSize, 1), attributes: attrText(curKey) });
    curVa = -1;
  };
  const visit = (level: number, table: number, vaOff: number, entries: number, gs: number, tableAttrs: number) => {
    const stride = gs - 3;
    const shift = gs + (3 - level) * stride;
    const size = 2 ** shift;
    const bytes = mem.readBytes(table, entries * 8);
    if (!bytes) { flush(); return; }
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < entries; i++) {
      const lo = dv.getUint32(8 * i, true), hi = dv.getUint32(8 * i + 4, true);
      const va = vaOff + i * size;
      if ((lo & 1) === 0 || ((lo & 3) === 1 && level === 3)) { flush(); continue; }
      const full = (hi & 0xffff) * 4294967296 + lo;
      if ((lo & 3) === 3 && level < 3) {
        // Table: carry APTable/XNTable/PXNTable (bits 63:59 -> 27:31 of hi).
        const next = full - (full % 2 ** gs);
        visit(level + 1, next, va, 2 ** stride, gs, tableAttrs | ((hi >>> 27) & 0x1f));
        continue;
      }
      const pa = full - (full % size);
      const key = (lo & 0xffc) | (((hi >>> 21) & 3) << 12) | (tableAttrs << 14);
      if (curVa >= 0 && key === curKey && curVa + curSize === va && curPa + curSize === pa) { curSize += size; continue; }
      flush();
      curVa = va; curPa = pa; curSize = size; curKey = key;
    }
  };
  for (const sel of [0, 1] as const) {
    const r = rootTable(regime, sel);
    if (r.fault) continue;
    regionBase = r.inputBase;
    visit(r.level, r.tableBase, 0, r.entries, r.granuleShift, 0);
    flush();
  }
  return out;
}

/** Attributes of a coalesced range from its key: descriptor bits 11:2, PXN/UXN, table bits. */
function attrText(key: number): string {
  const ap = (key >> 6) & 3, attr = (key >> 2) & 7;
  const pxn = (key >> 12) & 1, uxn = (key >> 13) & 1;
  const t = key >> 14; // PXNTable, UXNTable, APTable[1:0], NSTable as bits 0..4 of hi >> 27
  return `${AP[ap]}${pxn || (t & 1) ? ' PXN' : ''}${uxn || (t & 2) ? ' UXN' : ''} attr${attr}${(key >> 11) & 1 ? ' nG' : ''}${(key >> 10) & 1 ? '' : ' !AF'}${(t >> 2) & 3 ? ` APTable=${(t >> 2) & 3}` : ''}`;
}

export function walkDescription(target: EmulatorTarget, va: bigint): unknown {
  const r = target.walk(va);
  return {
    address: hex(va),
    steps: r.steps.map(s => entryView(target, r.ttbrSelect ?? 0, s)),
    fault: r.fault,
    physicalAddress: r.pa !== undefined && !r.fault ? hex(r.pa, 1) : undefined,
    pageSize: r.pageShift !== undefined ? hex(1n << BigInt(r.pageShift), 1) : undefined,
    memoryType: r.memAttr !== undefined ? memAttrName(r.memAttr) : undefined,
  };
}

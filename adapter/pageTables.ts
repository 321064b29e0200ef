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
 *  (what QEMU's `info mem` shows). */
export function coalescedRanges(target: EmulatorTarget): MappedRange[] {
  const regime = target.cpu.translationRegime;
  const out: MappedRange[] = [];
  if ((regime.sctlr & 1n) === 0n) return out;
  let cur: { va: bigint; pa: bigint; size: bigint; attrs: string } | undefined;
  const flush = () => { if (cur) out.push({ va: hex(cur.va), pa: hex(cur.pa, 1), size: hex(cur.size, 1), attributes: cur.attrs }); cur = undefined; };
  const visit = (sel: 0 | 1, level: number, table: number, inputBase: bigint, depth: number) => {
    if (depth > 4) return;
    for (const s of target.readTable(sel, level, table, inputBase)) {
      if (s.type === 'invalid') { flush(); continue; }
      if (s.type === 'table') { visit(sel, level + 1, s.outputAddress!, s.inputBase, depth + 1); continue; }
      const f = s.fields;
      const attrs = `${AP[Number(f.ap ?? 0)]}${f.pxn ? ' PXN' : ''}${f.uxn ? ' UXN' : ''} attr${f.attrIndex}${f.nG ? ' nG' : ''}${f.af ? '' : ' !AF'}`;
      const pa = BigInt(s.outputAddress!);
      if (cur && cur.attrs === attrs && cur.va + cur.size === s.inputBase && cur.pa + cur.size === pa) cur.size += s.inputSize;
      else { flush(); cur = { va: s.inputBase, pa, size: s.inputSize, attrs }; }
    }
  };
  for (const sel of [0, 1] as const) {
    const r = rootTable(regime, sel);
    if (r.fault) continue;
    visit(sel, r.level, r.tableBase, r.inputBase, 0);
    flush();
  }
  return out;
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

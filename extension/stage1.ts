// The Stage 1 view's items from `realmscope/pageTables`: both TTBRs' root tables, then one table
// per expansion (the entry's `expand` arguments go back to the adapter unchanged).

import type { PageTablesAnswer, PageTableAnswer, Stage1Entry, Stage1Attributes, Stage1Root } from './protocol';
import type { ViewNode } from './viewNode';
import { big, sizeText, hexShort } from './format';

export const PAGE_TABLES = 'realmscope/pageTables';

const SH_NAMES: Record<number, string> = { 0: 'non-shareable', 1: 'SH=1 (reserved)', 2: 'outer shareable', 3: 'inner shareable' };

/** Which half of the Realm's IPA space an output address lies in (the unprotected bit is
 *  2^(ipaWidth-1)); undefined outside a Realm. */
export function ipaHalf(output: bigint, unprotectedBit: bigint | undefined): 'protected' | 'unprotected' | 'above the IPA space' | undefined {
  if (unprotectedBit === undefined) return undefined;
  if (output >= unprotectedBit * 2n) return 'above the IPA space';
  return output >= unprotectedBit ? 'unprotected' : 'protected';
}

/** The decoded attributes of a descriptor, in the order a reader scans them. */
export function attributeText(type: Stage1Entry['type'], a: Stage1Attributes | undefined): string {
  if (!a) return '';
  if (type === 'table') {
    const parts: string[] = [];
    if (a.PXNTable) parts.push('PXNTable');
    if (a.UXNTable) parts.push('UXNTable');
    if (a.APTable) parts.push(`APTable=${a.APTable}`);
    if (a.NSTable) parts.push('NSTable');
    return parts.length ? parts.join(' ') : 'no table restrictions';
  }
  const parts: string[] = [];
  if (a.memoryType !== undefined) parts.push(`${a.memoryType} (AttrIndx ${a.AttrIndx ?? '?'})`);
  if (a.AP !== undefined) parts.push(a.AP);
  const xn = [a.PXN ? 'PXN' : '', a.UXN ? 'UXN' : ''].filter(Boolean).join(' ');
  parts.push(xn || 'executable');
  if (a.SH !== undefined) parts.push(SH_NAMES[a.SH] ?? `SH=${a.SH}`);
  parts.push(a.AF ? 'AF' : 'AF=0 (access flag fault)');
  if (a.nG) parts.push('nG');
  if (a.contiguous) parts.push('contiguous');
  if (a.NS) parts.push('NS');
  return parts.join(' · ');
}

function entryTooltip(e: Stage1Entry, half: string | undefined): string {
  const base = big(e.inputBase) ?? 0n, size = big(e.inputSize) ?? 0n;
  const lines = [
    `**Level ${e.level} ${e.type} descriptor** (index ${e.index})`,
    '',
    `- input: \`${e.inputBase}\` .. \`${hexShort(base + size - 1n)}\` (${sizeText(size)})`,
    `- descriptor: \`${e.descriptor}\` at \`${e.descriptorAddress}\``,
  ];
  if (e.outputAddress) lines.push(`- output: \`${e.outputAddress}\`${e.type === 'table' ? ' (next-level table)' : ''}${half ? ` — ${half}` : ''}`);
  if (e.attributes) for (const [k, v] of Object.entries(e.attributes)) lines.push(`- ${k}: ${String(v)}`);
  return lines.join('\n');
}

/** The memory reference that opens a leaf's output: the IPA views in a Realm, physical outside. */
export function outputMemoryReference(output: bigint, unprotectedBit: bigint | undefined): string {
  if (unprotectedBit === undefined) return `p:${hexShort(output)}`;
  return output >= unprotectedBit ? `uipa:${hexShort(output - unprotectedBit)}` : `ipa:${hexShort(output)}`;
}

/** One descriptor: `L<level> [<inputBase>..] <type> -> <output>`. */
export function stage1EntryNode(e: Stage1Entry, ttbr: 0 | 1, unprotectedBit: bigint | undefined): ViewNode {
  const output = big(e.outputAddress);
  const half = e.type !== 'table' && output !== undefined ? ipaHalf(output, unprotectedBit) : undefined;
  const attrs = attributeText(e.type, e.attributes);
  const size = big(e.inputSize);
  const descParts = [size !== undefined ? sizeText(size) : '', attrs];
  if (half) descParts.push(half);
  const node: ViewNode = {
    id: `s1/${ttbr}/${e.level}/${e.inputBase}`,
    label: `L${e.level} [${e.inputBase}..] ${e.type} -> ${e.outputAddress ?? '?'}`,
    description: descParts.filter(Boolean).join(' · '),
    tooltip: entryTooltip(e, half),
    contextValue: e.type === 'table' ? 'stage1.table' : 'stage1.leaf',
  };
  if (e.type === 'table') {
    node.icon = { id: 'list-tree' };
    if (e.expand) node.load = { command: PAGE_TABLES, args: e.expand };
  } else {
    node.icon = { id: e.type === 'block' ? 'symbol-namespace' : 'symbol-field', color: half === 'unprotected' ? 'charts.orange' : half === 'protected' ? 'charts.green' : undefined };
    if (output !== undefined) node.memoryReference = outputMemoryReference(output, unprotectedBit);
  }
  return node;
}

function invalidNode(parentId: string, count: number): ViewNode {
  return { id: `${parentId}/invalid`, label: `${count} invalid ${count === 1 ? 'entry' : 'entries'} hidden`, icon: { id: 'circle-slash' }, contextValue: 'stage1.invalid' };
}

/** The entries of one table (an expansion), with the count of invalid entries last. */
export function stage1TableNodes(answer: PageTableAnswer, parentId: string, ttbr: 0 | 1, unprotectedBit: bigint | undefined): ViewNode[] {
  const nodes = answer.entries.map(e => stage1EntryNode(e, ttbr, unprotectedBit));
  if (answer.invalidCount > 0) nodes.push(invalidNode(parentId, answer.invalidCount));
  return nodes;
}

function rootNode(r: Stage1Root, unprotectedBit: bigint | undefined): ViewNode {
  const id = `s1/root/${r.ttbr}`;
  const name = `TTBR${r.ttbr}_EL1`;
  if (r.disabled) {
    return { id, label: `${name} = ${r.ttbrValue}`, description: r.disabled, icon: { id: 'circle-slash' }, contextValue: 'stage1.root' };
  }
  const valid = r.table?.length ?? 0;
  return {
    id,
    label: `${name} = ${r.ttbrValue}`,
    description: `L${r.level} table at ${r.tableAddress} · VA from ${r.inputBase} · ${valid} valid, ${r.invalidCount ?? 0} invalid`,
    tooltip: `**${name}**: level-${r.level} root table at \`${r.tableAddress}\` with ${r.entries} entries covering VAs from \`${r.inputBase}\``,
    icon: { id: 'type-hierarchy' },
    expanded: true,
    contextValue: 'stage1.root',
    children: stage1TableNodes({ entries: r.table ?? [], invalidCount: r.invalidCount ?? 0 }, id, r.ttbr, unprotectedBit),
  };
}

/** The view's top level: a note when the MMU is off, then TTBR0 and TTBR1. */
export function stage1RootNodes(answer: PageTablesAnswer, unprotectedBit: bigint | undefined): ViewNode[] {
  const nodes: ViewNode[] = [];
  if (!answer.mmuEnabled) {
    nodes.push({ id: 's1/mmu-off', label: 'Stage 1 translation is off (SCTLR_EL1.M = 0)', description: 'virtual address = IPA', icon: { id: 'info' }, contextValue: 'message' });
  }
  for (const r of answer.roots) nodes.push(rootNode(r, unprotectedBit));
  return nodes;
}

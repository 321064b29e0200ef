// The Stage 2 view's items from `realmscope/realm {query: 'rtt'}`: the Realm Translation Table,
// one table per expansion, each entry with its state and RIPAS, colour-coded.

import type { RttAnswer, RttEntry } from './protocol';
import type { ViewNode } from './viewNode';
import { big, hexShort, sizeText } from './format';

export const REALM = 'realmscope/realm';

/** Icon and colour per state/RIPAS: private RAM green, shared (ns) orange, EMPTY grey,
 *  DESTROYED red, unassigned_ns purple. Filled circles are backed by a granule. */
export function stage2Icon(e: Pick<RttEntry, 'state' | 'ripas'>): { id: string; color?: string } {
  if (e.state === 'table') return { id: 'list-tree' };
  if (e.state === 'assigned_ns') return { id: 'circle-filled', color: 'charts.orange' };
  if (e.state === 'unassigned_ns') return { id: 'circle-outline', color: 'charts.purple' };
  const filled = e.state === 'assigned';
  if (e.ripas === 'RAM') return { id: filled ? 'circle-filled' : 'circle-outline', color: 'charts.green' };
  if (e.ripas === 'DESTROYED') return { id: filled ? 'error' : 'circle-outline', color: 'charts.red' };
  return { id: filled ? 'circle-filled' : 'circle-outline', color: 'disabledForeground' };
}

export const STAGE2_LEGEND = [
  'green: RIPAS RAM (filled: assigned, a granule backs it)',
  'grey: RIPAS EMPTY',
  'red: RIPAS DESTROYED',
  'orange: assigned_ns (a shared page the host mapped)',
  'purple: unassigned_ns (unprotected IPA with nothing mapped: emulated MMIO or not shared)',
].join('\n\n');

/** `L<level> [<ipa>..] <state> <RIPAS>`, e.g. "L3 [0x9000..] assigned RAM", "L1 [0x80000000..] unassigned EMPTY ×510". */
export function stage2EntryNode(e: RttEntry, level: number, unprotectedBit: bigint | undefined): ViewNode {
  const ipa = big(e.ipa) ?? 0n, size = big(e.size) ?? 0n, count = BigInt(e.count ?? 1);
  const top = ipa + size * count;
  const stateText = e.ripas ? `${e.state} ${e.ripas}` : e.state;
  const half = unprotectedBit === undefined ? undefined : ipa >= unprotectedBit ? 'unprotected' : 'protected';
  const desc = [count > 1n ? `${count} × ${sizeText(size)}` : sizeText(size)];
  if (e.outputAddress) desc.push(`PA ${e.outputAddress}`);
  if (half) desc.push(half);
  const node: ViewNode = {
    id: `s2/${level}/${e.ipa}`,
    label: `L${level} [${e.ipa}..] ${stateText}${count > 1n ? ` ×${count}` : ''}`,
    description: desc.join(' · '),
    tooltip: [
      `**Level ${level} RTT entry** ${e.index}${count > 1n ? `..${e.index + Number(count) - 1}` : ''}`,
      '',
      `- IPA \`${e.ipa}\` .. \`${hexShort(top - 1n)}\` (${count > 1n ? `${count} entries of ` : ''}${sizeText(size)})`,
      `- state: ${e.state}${e.ripas ? `, RIPAS ${e.ripas}` : ''}`,
      ...(e.outputAddress ? [`- output (PA): \`${e.outputAddress}\``] : []),
      ...(half ? [`- ${half} half`] : []),
      '',
      STAGE2_LEGEND,
    ].join('\n'),
    icon: stage2Icon(e),
    contextValue: e.state === 'table' ? 'stage2.table' : 'stage2.entry',
  };
  if (e.expand) node.load = { command: REALM, args: e.expand };
  if (e.state === 'assigned') node.memoryReference = `ipa:${hexShort(ipa)}`;
  if (e.state === 'assigned_ns' && unprotectedBit !== undefined) node.memoryReference = `uipa:${hexShort(ipa - unprotectedBit)}`;
  return node;
}

export function stage2Nodes(answer: RttAnswer, unprotectedBit: bigint | undefined): ViewNode[] {
  return answer.entries.map(e => stage2EntryNode(e, answer.level, unprotectedBit));
}

/** The entry of one RTT table that covers `ipa` (merged runs included). */
export function rttEntryCovering(answer: RttAnswer, ipa: bigint): RttEntry | undefined {
  return answer.entries.find(e => {
    const base = big(e.ipa) ?? 0n, size = big(e.size) ?? 0n;
    return ipa >= base && ipa < base + size * BigInt(e.count ?? 1);
  });
}

/** Walks the RTT for one IPA, table by table, with a fetch function for each level:
 *  returns every table read and the entry used at each level (the last one is the leaf). */
export async function walkRtt(ipa: bigint, fetch: (args: { query: 'rtt'; ipa?: string; level?: number }) => Promise<RttAnswer>): Promise<{ level: number; entry?: RttEntry; table: RttAnswer }[]> {
  const path: { level: number; entry?: RttEntry; table: RttAnswer }[] = [];
  let args: { query: 'rtt'; ipa?: string; level?: number } = { query: 'rtt' };
  for (let guard = 0; guard < 8; guard++) {
    const table = await fetch(args);
    const entry = rttEntryCovering(table, ipa);
    path.push({ level: table.level, entry, table });
    if (!entry || !entry.expand) break;
    args = entry.expand;
  }
  return path;
}

/** The shared apertures: assigned_ns entries of the unprotected half, found by walking only the
 *  RTT tables that cover unprotected IPAs (at most `budget` table reads). */
export async function sharedApertures(unprotectedBit: bigint, fetch: (args: { query: 'rtt'; ipa?: string; level?: number }) => Promise<RttAnswer>, budget = 64): Promise<{ base: bigint; top: bigint; pa?: string }[]> {
  const out: { base: bigint; top: bigint; pa?: string }[] = [];
  const queue: { query: 'rtt'; ipa?: string; level?: number }[] = [{ query: 'rtt' }];
  while (queue.length && budget-- > 0) {
    const t = await fetch(queue.shift()!);
    for (const e of t.entries) {
      const base = big(e.ipa) ?? 0n, top = base + (big(e.size) ?? 0n) * BigInt(e.count ?? 1);
      if (top <= unprotectedBit) continue;
      if (e.expand) queue.push(e.expand);
      else if (e.state === 'assigned_ns') out.push({ base, top, pa: e.outputAddress });
    }
  }
  out.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const merged: typeof out = [];
  for (const r of out) {
    const last = merged[merged.length - 1];
    if (last && last.top === r.base) last.top = r.top; else merged.push({ ...r });
  }
  return merged;
}

// What the debugger shows of a Realm: the "Realm" scope, the `realmscope/realm` custom request
// (RTT as a tree, RIPAS ranges, measurements, the last token decoded, the event history) and
// reads through the protected and unprotected IPA views.

import type { Realm } from '../emulator';
import { RTT_STATE, RIPAS_NAMES, STATE_NAMES, levelSize } from '../emulator';
import { decodeToken } from '../emulator';
import type { VarNode } from './registers';
import { hex } from './describe';

const hexBytes = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function realmScope(realm: Realm): VarNode[] {
  const m = realm.measurement;
  const lastRsi = [...realm.events].reverse().find(e => e.kind === 'rsi');
  const hashLen = realm.hashAlgorithm === 0 ? 32 : 64;
  const nodes: VarNode[] = [
    { name: 'state', value: realm.state + (realm.fatal ? ` (stopped: ${realm.fatal})` : '') },
    { name: 'IPA width', value: `${realm.ipaWidth} bits (unprotected bit ${hex(realm.unprotectedBit, 1)})` },
    { name: 'hash algorithm', value: realm.hashAlgorithm === 0 ? 'SHA-256' : 'SHA-512' },
    { name: 'RIM', value: hexBytes(m.read(0).subarray(0, hashLen)) },
    ...[1, 2, 3, 4].map(i => ({ name: `REM${i - 1}`, value: hexBytes(m.read(i).subarray(0, hashLen)) })),
    { name: 'personalization', value: hexBytes(realm.personalization) },
    { name: 'RIPAS ranges', value: `${realm.rtt.ripasRanges().length} ranges`, children: () => realm.rtt.ripasRanges().map(r => ({
      name: `[${hex(r.base, 1)}, ${hex(r.top, 1)})`, value: `${RIPAS_NAMES[r.ripas]}${r.assigned ? ', assigned' : ''}`,
    })) },
  ];
  if (lastRsi && lastRsi.kind === 'rsi') {
    nodes.push({ name: 'last RSI call', value: `${lastRsi.command} -> ${lastRsi.status} at ${hex(lastRsi.pc)}`, children: () => [
      ...Object.entries(lastRsi.args).map(([k, v]) => ({ name: k, value: v })),
      ...Object.entries(lastRsi.result).map(([k, v]) => ({ name: `result ${k}`, value: v })),
    ] });
  }
  if (realm.lastToken) nodes.push({ name: 'last attestation token', value: `${realm.lastToken.length} bytes` });
  return nodes;
}

export interface RealmQuery { query: 'summary' | 'rtt' | 'ripas' | 'measurements' | 'token' | 'events'; ipa?: string; level?: number; since?: number; }

export function realmQuery(realm: Realm, q: RealmQuery): unknown {
  switch (q.query) {
    case 'summary':
      return { state: realm.state, ipaWidth: realm.ipaWidth, unprotectedBit: hex(realm.unprotectedBit, 1), hashAlgorithm: realm.hashAlgorithm === 0 ? 'sha-256' : 'sha-512', fatal: realm.fatal, events: realm.events.length };
    case 'rtt': {
      // One table of the RTT: the root, or the table at `level` covering `ipa`.
      const level = q.level ?? realm.rtt.startLevel;
      const t = realm.rtt.tableAt(Number(BigInt(q.ipa ?? '0')), level);
      if (!t) throw new Error(`no level-${level} RTT table covers ${q.ipa ?? '0x0'}`);
      const size = levelSize(t.level);
      const entries = [];
      for (let i = 0; i < t.entries; i++) {
        const ipa = t.base + i * size;
        const st = t.state[i];
        const e: Record<string, unknown> = { index: i, ipa: hex(ipa, 1), size: hex(size, 1), state: STATE_NAMES[st] };
        if (st === RTT_STATE.UNASSIGNED || st === RTT_STATE.ASSIGNED) e.ripas = RIPAS_NAMES[t.ripas[i]];
        if (st === RTT_STATE.TABLE) e.expand = { query: 'rtt', ipa: hex(ipa, 1), level: t.level + 1 };
        if (st === RTT_STATE.ASSIGNED) e.outputAddress = hex(ipa, 1);
        if (st === RTT_STATE.ASSIGNED_NS) e.outputAddress = hex(ipa - realm.unprotectedBit, 1);
        entries.push(e);
      }
      // Runs of identical entries are merged so that a table is compact to show.
      const merged: Record<string, unknown>[] = [];
      for (const e of entries) {
        const last = merged[merged.length - 1];
        if (last && last.state === e.state && last.ripas === e.ripas && !e.expand && !last.expand && e.state !== 'assigned' && e.state !== 'assigned_ns') { last.count = (last.count as number ?? 1) + 1; continue; }
        merged.push({ ...e });
      }
      return { level: t.level, base: hex(t.base, 1), entries: merged };
    }
    case 'ripas':
      return { ranges: realm.rtt.ripasRanges().map(r => ({ base: hex(r.base, 1), top: hex(r.top, 1), ripas: RIPAS_NAMES[r.ripas], assigned: r.assigned })) };
    case 'measurements': {
      const hashLen = realm.hashAlgorithm === 0 ? 32 : 64;
      return { rim: hexBytes(realm.measurement.read(0).subarray(0, hashLen)), rems: [1, 2, 3, 4].map(i => hexBytes(realm.measurement.read(i).subarray(0, hashLen))), hashAlgorithm: realm.hashAlgorithm === 0 ? 'sha-256' : 'sha-512' };
    }
    case 'token':
      if (!realm.lastToken) return { token: null };
      return { size: realm.lastToken.length, decoded: JSON.parse(JSON.stringify(realm.attestation.decodeToken(realm.lastToken), (_k, v) =>
        typeof v === 'bigint' ? hex(v) : v instanceof Uint8Array ? hexBytes(v) : v)) };
    case 'events': {
      const from = q.since ?? 0;
      return { events: realm.events.slice(from).map(e => JSON.parse(JSON.stringify(e, (_k, v) => typeof v === 'bigint' ? hex(v) : v))), next: realm.events.length };
    }
    default:
      throw new Error(`unknown Realm query "${(q as { query: string }).query}" (summary, rtt, ripas, measurements, token, events)`);
  }
}

/** Reads through the protected-IPA or unprotected-IPA view: what the Realm would see there
 *  (private RAM that is backed; shared pages through the alias); devices are never read. */
export function readIpaView(realm: Realm, view: 'ipa' | 'uipa', address: bigint, length: number): { data: Uint8Array; readable: number } {
  const data = new Uint8Array(length);
  let readable = 0;
  while (readable < length) {
    const a = Number(address) + readable;
    const n = Math.min(length - readable, 4096 - (a % 4096));
    const ipa = view === 'uipa' ? a + realm.unprotectedBit : a;
    if (ipa >= realm.rtt.limit) break;
    const e = realm.rtt.entry(ipa);
    let pa: number | undefined;
    if (view === 'ipa' && e.state === RTT_STATE.ASSIGNED) pa = ipa;
    if (view === 'uipa' && e.state === RTT_STATE.ASSIGNED_NS) pa = ipa - realm.unprotectedBit;
    const chunk = pa === undefined ? undefined : realm.mem.readBytes(pa, n);
    if (!chunk) break;
    data.set(chunk, readable);
    readable += n;
  }
  return { data, readable };
}

export { decodeToken };

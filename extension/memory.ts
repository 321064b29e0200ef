// Memory references and the parts of opening memory that do not need VS Code: the address spaces
// the adapter understands, the `vscode-debug-memory` URI VS Code's memory editor reads, and the
// hex dump shown when no hex editor is installed.

import { big, hex64 } from './format';

export type MemorySpace = 'virtual' | 'ipa' | 'uipa' | 'physical';

export const MEMORY_SPACES: { space: MemorySpace; label: string; detail: string; prefix: string }[] = [
  { space: 'virtual', label: 'Virtual', detail: 'through the current stage-1 tables (0x...)', prefix: '' },
  { space: 'ipa', label: 'Protected IPA', detail: 'the Realm\'s private RAM it has backed (ipa:0x...)', prefix: 'ipa:' },
  { space: 'uipa', label: 'Unprotected IPA', detail: 'shared pages through the alias, offset from the unprotected bit (uipa:0x...)', prefix: 'uipa:' },
  { space: 'physical', label: 'Physical', detail: 'host physical memory (p:0x...)', prefix: 'p:' },
];

export function memoryReference(space: MemorySpace, address: bigint): string {
  const p = MEMORY_SPACES.find(s => s.space === space)!.prefix;
  return `${p}0x${BigInt.asUintN(64, address).toString(16)}`;
}

/** Splits "ipa:0x1000" into its space and address (the adapter's syntax). */
export function parseMemoryReference(ref: string): { space: MemorySpace; address: bigint } | undefined {
  const m = /^\s*(p:|phys:|v:|ipa:|uipa:)?\s*(0x[0-9a-f]+|\d+)\s*$/i.exec(ref);
  if (!m) return undefined;
  const p = (m[1] ?? '').toLowerCase();
  const space: MemorySpace = p.startsWith('p') ? 'physical' : p === 'ipa:' ? 'ipa' : p === 'uipa:' ? 'uipa' : 'virtual';
  return { space, address: big(m[2])! };
}

/** The parts of the URI VS Code's debug memory file system serves (scheme `vscode-debug-memory`,
 *  the session id as authority, the reference URL-encoded as the first path segment, the byte
 *  range as `?range=from:to`), as the built-in "View Binary Data" action builds it. */
export function debugMemoryUriParts(sessionId: string, ref: string, range?: { from: number; to: number }): { scheme: string; authority: string; path: string; query: string } {
  const name = ref.replace(/[^0-9a-zA-Z_.-]+/g, '_');
  return {
    scheme: 'vscode-debug-memory',
    authority: sessionId,
    path: `/${encodeURIComponent(ref)}/${encodeURIComponent(name)}.bin`,
    query: range ? `?range=${range.from}:${range.to}` : '',
  };
}

/** `xxd`-like lines: the 64-bit address, 16 bytes, ASCII; unreadable bytes as "??". */
export function hexDump(address: bigint, data: Uint8Array, unreadable: number): string {
  const total = data.length + unreadable;
  const lines: string[] = [];
  for (let off = 0; off < total; off += 16) {
    const cells: string[] = [];
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const j = off + i;
      if (j >= total) { cells.push('  '); ascii += ' '; continue; }
      if (j >= data.length) { cells.push('??'); ascii += '.'; continue; }
      const b = data[j];
      cells.push(b.toString(16).padStart(2, '0'));
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${hex64(address + BigInt(off))}  ${cells.slice(0, 8).join(' ')}  ${cells.slice(8).join(' ')}  |${ascii}|`);
  }
  return lines.join('\n');
}

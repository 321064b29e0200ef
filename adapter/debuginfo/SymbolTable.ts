// ELF symbols for the debugger: lookup by name, and address -> `name+0xoff` the way objdump labels
// addresses (`<sym+off>`), but only inside the symbol's extent when its size is known.
// A load offset shifts every symbol (a symbol file linked at 0 and loaded elsewhere, as EDK2
// modules are).

import type { ElfSymbol } from '../../emulator';
import { MASK64, add64 } from './reader';

export interface SymbolInfo {
  name: string;
  /** Run-time address (link address + load offset). */
  address: bigint;
  size: number;
  type: 'func' | 'object' | 'notype';
  global: boolean;
}

export interface SymbolLocation {
  symbol: SymbolInfo;
  offset: bigint;
  /** `name` or `name+0x1c`. */
  text: string;
}

/** AArch64 ELF mapping symbols ($x, $d, $x.123) mark code/data, they are not names. */
function isMappingSymbol(name: string): boolean {
  return /^\$[xda](\.|$)/.test(name);
}

const TYPE_RANK: Record<SymbolInfo['type'], number> = { func: 0, object: 1, notype: 2 };

export class SymbolTable {
  readonly symbols: readonly SymbolInfo[];
  private readonly byName = new Map<string, SymbolInfo[]>();
  /** Sorted by address, then by preference (sized, function, global). */
  private readonly sorted: SymbolInfo[];
  /** prefixEnd[i] = the highest end address of the sized symbols sorted[0..i]. */
  private readonly prefixEnd: bigint[];

  constructor(elfSymbols: readonly ElfSymbol[], readonly loadOffset: bigint = 0n) {
    const list: SymbolInfo[] = [];
    for (const s of elfSymbols) {
      if (s.type !== 'func' && s.type !== 'object' && s.type !== 'notype') continue;
      if (!s.name || isMappingSymbol(s.name)) continue;
      list.push({ name: s.name, address: add64(s.value, loadOffset), size: s.size, type: s.type, global: s.global });
    }
    this.symbols = list;
    for (const s of list) {
      const l = this.byName.get(s.name);
      if (l) l.push(s); else this.byName.set(s.name, [s]);
    }
    for (const l of this.byName.values()) l.sort(preference);
    this.sorted = list.slice().sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : preference(a, b)));
    this.prefixEnd = [];
    let maxEnd = 0n;
    for (const s of this.sorted) {
      if (s.size > 0) { const e = s.address + BigInt(s.size); if (e > maxEnd) maxEnd = e; }
      this.prefixEnd.push(maxEnd);
    }
  }

  get size(): number { return this.symbols.length; }

  /** The preferred symbol with this name (global before local, function before object). */
  lookup(name: string): SymbolInfo | undefined { return this.byName.get(name)?.[0]; }

  /** Every symbol with this name (several file-local statics may share one). */
  lookupAll(name: string): readonly SymbolInfo[] { return this.byName.get(name) ?? []; }

  /** The symbol an address belongs to, as objdump's `<sym+off>`: the closest symbol at or below
   *  the address, if the address is inside it (a symbol of unknown size extends to the next
   *  symbol, or to the end of the sized symbol it is in).
   *  Undefined when no symbol covers the address. */
  lookupAddress(address: bigint): SymbolLocation | undefined {
    const addr = address & MASK64;
    const arr = this.sorted;
    let lo = 0, hi = arr.length - 1, idx = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (arr[mid].address <= addr) { idx = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (idx < 0) return undefined;
    // The symbols at the highest address <= addr.
    const top = arr[idx].address;
    let first = idx;
    while (first > 0 && arr[first - 1].address === top) first--;
    let best: SymbolInfo | undefined;
    for (let i = first; i <= idx; i++) {
      const s = arr[i];
      if (s.size > 0 && addr < s.address + BigInt(s.size)) { best = s; break; }
    }
    if (!best) {
      const allUnsized = arr.slice(first, idx + 1).every(s => s.size === 0);
      if (allUnsized) {
        best = arr.slice(first, idx + 1).sort(preference)[0];
        // A label inside a sized symbol ends with it.
        for (let i = first - 1; i >= 0 && this.prefixEnd[i] > top; i--) {
          const s = arr[i];
          if (s.size > 0 && top < s.address + BigInt(s.size)) {
            if (addr >= s.address + BigInt(s.size)) best = undefined;
            break;
          }
        }
      } else {
        // A sized symbol ends before addr: look further down for one that encloses it.
        for (let i = first - 1; i >= 0 && this.prefixEnd[i] > addr; i--) {
          const s = arr[i];
          if (s.size > 0 && addr < s.address + BigInt(s.size)) { best = s; break; }
        }
      }
    }
    if (!best) return undefined;
    const offset = addr - best.address;
    return { symbol: best, offset, text: offset === 0n ? best.name : `${best.name}+0x${offset.toString(16)}` };
  }

  /** `name+0xoff` for an address, or undefined (see lookupAddress). */
  describe(address: bigint): string | undefined { return this.lookupAddress(address)?.text; }

  /** Function symbols (type func), sorted by address. */
  functions(): SymbolInfo[] { return this.sorted.filter(s => s.type === 'func'); }
}

function preference(a: SymbolInfo, b: SymbolInfo): number {
  if ((a.size > 0) !== (b.size > 0)) return a.size > 0 ? -1 : 1;
  if (a.type !== b.type) return TYPE_RANK[a.type] - TYPE_RANK[b.type];
  if (a.global !== b.global) return a.global ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

// Names for branch and literal targets chosen from an ELF symbol table the way `objdump -d` chooses
// them, for DisasmOptions.symbolize: the nearest symbol at or below the address, printed as
// `name` or `name+0x10`.
//
// objdump's rules (binutils objdump.c, observable behaviour): symbols without a name, section and
// file symbols, and undefined/common symbols are dropped; mapping symbols ($x, $d, ...) are never
// printed; symbols sort by value, then functions before objects before the rest,
// globals before locals, larger before smaller, names starting with '.' last, then by name; among
// the symbols at the chosen address one from the section being disassembled is preferred, else
// the first valid one. With no symbol at or below the address, the first valid one above it is
// used (`name-0x..`); with no usable symbol at all, the section name.

export interface DisasmSymbol {
  name: string;
  value: bigint;
  size?: number | bigint;
  type?: 'func' | 'object' | 'notype' | 'section' | 'file' | 'other';
  /** Binding: global (and weak) symbols sort before locals at the same address. */
  global?: boolean;
  /** Weak binding (neither local nor global for the ordering). */
  weak?: boolean;
  /** Section index (ELF st_shndx); 0 = undefined, 0xfff1 = absolute, 0xfff2 = common. */
  section?: number;
}

export interface SymbolizerSection {
  /** ELF section index of the section being disassembled. */
  index?: number;
  name: string;
  addr: bigint;
}

const SHN_UNDEF = 0, SHN_COMMON = 0xfff2;

export function isMappingSymbol(name: string): boolean {
  return /^\$[adtx](\.|$)/.test(name);
}

function compareSymbols(a: DisasmSymbol, b: DisasmSymbol): number {
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  const fa = a.type === 'func', fb = b.type === 'func';
  if (fa !== fb) return fa ? -1 : 1;
  const oa = a.type === 'object', ob = b.type === 'object';
  if (oa !== ob) return oa ? -1 : 1;
  const la = !a.global && !a.weak, lb = !b.global && !b.weak;
  if (la !== lb) return la ? 1 : -1;
  const ga = !!a.global && !a.weak, gb = !!b.global && !b.weak;
  if (ga !== gb) return ga ? -1 : 1;
  const za = BigInt(a.size ?? 0), zb = BigInt(b.size ?? 0);
  if (za !== zb) return za > zb ? -1 : 1;
  const da = a.name.startsWith('.'), db = b.name.startsWith('.');
  if (da !== db) return da ? 1 : -1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A symbolizer for disassembling `section` (optional: without it, addresses with no symbol print
 *  bare and no section is preferred). */
export function objdumpSymbolizer(symbols: DisasmSymbol[], section?: SymbolizerSection): (address: bigint) => string | undefined {
  const syms = symbols.filter(s => s.name !== '' && s.type !== 'section' && s.type !== 'file' &&
    s.section !== SHN_UNDEF && s.section !== SHN_COMMON).sort(compareSymbols);
  const valid = (s: DisasmSymbol): boolean => !isMappingSymbol(s.name);
  const inSection = (s: DisasmSymbol): boolean => section?.index !== undefined && s.section === section.index;
  const format = (s: DisasmSymbol, vma: bigint): string =>
    s.value === vma ? s.name : s.value < vma ? `${s.name}+0x${(vma - s.value).toString(16)}` : `${s.name}-0x${(s.value - vma).toString(16)}`;

  return (vma: bigint): string | undefined => {
    let found: DisasmSymbol | undefined;
    if (syms.length) {
      let lo = 0, hi = syms.length;
      while (lo + 1 < hi) {
        const mid = (lo + hi) >> 1;
        if (syms[mid].value > vma) hi = mid; else lo = mid;
      }
      let place = lo;
      while (place > 0 && syms[place].value === syms[place - 1].value) place--;
      let end = place;
      for (; end < syms.length && syms[end].value === syms[place].value; end++) {
        if (!found && valid(syms[end]) && inSection(syms[end])) found = syms[end];
      }
      if (!found && valid(syms[place])) found = syms[place];
      if (!found) {
        // the first valid symbol of the highest address below, else the first valid one above
        let best = -1;
        for (let i = end - 1; i >= 0; i--) {
          if (!valid(syms[i])) continue;
          if (best >= 0 && syms[i].value !== syms[best].value) break;
          best = i;
        }
        found = best >= 0 ? syms[best] : syms.slice(place + 1).find(valid);
      }
    }
    if (found) return format(found, vma);
    if (!section) return undefined;
    const off = vma - section.addr;
    return section.name + (off > 0n ? `+0x${off.toString(16)}` : off < 0n ? `-0x${(-off).toString(16)}` : '');
  };
}

// Small formatting helpers shared by the views: 64-bit addresses as hex, sizes, safe parsing.

/** Parses "0x..." or a decimal string (or a number) to a bigint; undefined when it is not one. */
export function big(v: string | number | bigint | undefined | null): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) && Number.isInteger(v) ? BigInt(v) : undefined;
  const s = v.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(s)) return undefined;
  return BigInt(s);
}

/** Hex without padding: 0x9000000. */
export function hexShort(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}

/** A 64-bit address as 16 hex digits (VS Code's memory and disassembly views use this form). */
export function hex64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16).padStart(16, '0');
}

const UNITS: [bigint, string][] = [[1n << 50n, 'P'], [1n << 40n, 'T'], [1n << 30n, 'G'], [1n << 20n, 'M'], [1n << 10n, 'K']];

/** 4096 -> "4K", 0x200000 -> "2M", 0x8000000000 -> "512G"; non-round sizes in hex. */
export function sizeText(size: bigint): string {
  for (const [unit, name] of UNITS) {
    if (size >= unit && size % unit === 0n) return `${size / unit}${name}`;
  }
  return size < 1024n ? `${size} B` : hexShort(size);
}

/** Human size with one decimal for the IPA map's hover text: "128 MiB", "1.5 GiB". */
export function sizeLong(size: bigint): string {
  const names = ['PiB', 'TiB', 'GiB', 'MiB', 'KiB'];
  for (let i = 0; i < UNITS.length; i++) {
    const unit = UNITS[i][0];
    if (size >= unit) {
      const whole = size / unit;
      const tenth = ((size % unit) * 10n) / unit;
      return `${whole}${tenth ? '.' + tenth : ''} ${names[i]}`;
    }
  }
  return `${size} bytes`;
}

/** Escapes text for HTML and SVG. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Escapes the characters Markdown would interpret in a table cell. */
export function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

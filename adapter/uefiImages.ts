// The images UEFI firmware has loaded, as its DXE core lists them for debuggers: the EFI Debug
// Support table (UEFI 2.x, "EFI Debug Support Table" / EFI_DEBUG_IMAGE_INFO_TABLE). The way in is
// the EFI_SYSTEM_TABLE_POINTER that the core places on a 4 MiB boundary ("IBI SYST", then the
// system table's address); the system table's configuration table holds the debug image info
// table under its GUID; each normal entry points at an EFI_LOADED_IMAGE_PROTOCOL with the image's
// base and size. Each image is then named from its own header (emulator/loaders/peImages.ts).

import { parseImage } from '../emulator';
import type { ReadMemory } from '../emulator';

export interface UefiImage { base: bigint; size: bigint; name: string; path?: string; }

const FOUR_MIB = 4n << 20n;
/** 'IBI SYST' as a little-endian UINT64: EFI_SYSTEM_TABLE_SIGNATURE (and the pointer's). */
const SYSTEM_TABLE_SIGNATURE = 0x5453595320494249n;
/** EFI_DEBUG_IMAGE_INFO_TABLE_GUID {49152E77-1ADA-4764-B7A2-7AFEFED95E8B} as stored. */
const DEBUG_IMAGE_INFO_TABLE_GUID = [0x77, 0x2e, 0x15, 0x49, 0xda, 0x1a, 0x64, 0x47, 0xb7, 0xa2, 0x7a, 0xfe, 0xfe, 0xd9, 0x5e, 0x8b];
const EFI_DEBUG_IMAGE_INFO_TYPE_NORMAL = 1;

function u64(read: ReadMemory, a: bigint): bigint | undefined {
  const b = read(a, 8);
  return b ? new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true) : undefined;
}

function u32(read: ReadMemory, a: bigint): number | undefined {
  const b = read(a, 4);
  return b ? new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true) : undefined;
}

/** The loaded images, or why they cannot be listed. */
export function uefiLoadedImages(read: ReadMemory, ramBase: bigint, ramSize: bigint): UefiImage[] | { missing: string } {
  let systemTable: bigint | undefined;
  for (let a = (ramBase + ramSize - 1n) & ~(FOUR_MIB - 1n); a >= ramBase; a -= FOUR_MIB) {
    if (u64(read, a) !== SYSTEM_TABLE_SIGNATURE) continue;
    const st = u64(read, a + 8n);
    if (st !== undefined && u64(read, st) === SYSTEM_TABLE_SIGNATURE) { systemTable = st; break; }
  }
  if (systemTable === undefined) return { missing: 'no EFI system table pointer ("IBI SYST" on a 4 MiB boundary of RAM): UEFI\'s DXE phase has not started' };
  const entries = u64(read, systemTable + 104n), config = u64(read, systemTable + 112n);
  if (entries === undefined || config === undefined || entries > 256n) return { missing: `the EFI system table at 0x${systemTable.toString(16)} is unreadable` };
  let header: bigint | undefined;
  for (let i = 0n; i < entries; i++) {
    const g = read(config + 24n * i, 16);
    if (g && DEBUG_IMAGE_INFO_TABLE_GUID.every((x, k) => g[k] === x)) { header = u64(read, config + 24n * i + 16n); break; }
  }
  if (header === undefined) return { missing: 'the EFI system table has no debug image info table (EFI_DEBUG_IMAGE_INFO_TABLE_GUID)' };
  const count = u32(read, header + 4n), table = u64(read, header + 8n);
  if (count === undefined || table === undefined) return { missing: `the debug image info table header at 0x${header.toString(16)} is unreadable` };
  const out: UefiImage[] = [];
  for (let i = 0; i < Math.min(count, 4096); i++) {
    const info = u64(read, table + 8n * BigInt(i));
    if (!info) continue;                                          // a freed slot
    if (u32(read, info) !== EFI_DEBUG_IMAGE_INFO_TYPE_NORMAL) continue;
    const loaded = u64(read, info + 8n);
    if (!loaded) continue;
    const base = u64(read, loaded + 64n), size = u64(read, loaded + 72n);
    if (base === undefined || size === undefined) continue;
    const img = parseImage(read, base);
    out.push({ base, size, name: img?.name ?? `image@0x${base.toString(16)}`, path: img?.path });
  }
  return out.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
}

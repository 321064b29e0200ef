// Detects what kind of image a file is and describes how QEMU's virt board would boot it:
// ELF (segments at their physical addresses, PC = entry), flash images (`-bios`: bank 0 of the
// CFI flash, PC = 0), the arm64 Linux `Image` (Documentation/arch/arm64/booting.rst: loaded at a
// 2 MiB aligned RAM address + text_offset, x0 = DTB), and raw binaries at a given address.

import { isElf, parseElf, ElfImage, ImageError } from './elf';

export type ImageFormat = 'elf' | 'bios' | 'kernel' | 'raw';

export interface LinuxImageHeader { textOffset: number; imageSize: number; flags: bigint; }

/** The arm64 Image header: "ARM\x64" magic at offset 0x38. */
export function parseLinuxImageHeader(bytes: Uint8Array): LinuxImageHeader | undefined {
  if (bytes.length < 64) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0x38, true) !== 0x644d5241) return undefined;
  return {
    textOffset: Number(dv.getBigUint64(0x08, true)),
    imageSize: Number(dv.getBigUint64(0x10, true)),
    flags: dv.getBigUint64(0x18, true),
  };
}

/** Chooses a format from the content, then from the file name. */
export function detectFormat(bytes: Uint8Array, fileName: string): ImageFormat {
  if (isElf(bytes) || /\.(elf|axf)$/i.test(fileName)) return 'elf'; // a .elf without ELF magic is an error, not raw
  if (parseLinuxImageHeader(bytes)) return 'kernel';
  if (/\.(fd|rom|flash)$/i.test(fileName)) return 'bios';
  return 'raw';
}

export interface LoadedImage {
  format: ImageFormat;
  elf?: ElfImage;
  linux?: LinuxImageHeader;
  bytes: Uint8Array;
}

export function readImage(bytes: Uint8Array, fileName: string, format?: ImageFormat): LoadedImage {
  const fmt = format ?? detectFormat(bytes, fileName);
  if (bytes.length === 0) throw new ImageError(`${fileName}: empty file`);
  switch (fmt) {
    case 'elf':
      return { format: fmt, elf: parseElf(bytes, fileName), bytes };
    case 'kernel': {
      const linux = parseLinuxImageHeader(bytes);
      if (!linux) throw new ImageError(`${fileName}: not an arm64 Linux Image (no "ARM\\x64" magic at offset 0x38)`);
      if (linux.flags & 1n) throw new ImageError(`${fileName}: big-endian kernel images are not supported`);
      return { format: fmt, linux, bytes };
    }
    case 'bios':
      if (bytes.length > 64 * 1024 * 1024) throw new ImageError(`${fileName}: flash image is ${bytes.length} bytes, larger than the 64 MiB flash bank`);
      return { format: fmt, bytes };
    default:
      return { format: 'raw', bytes };
  }
}

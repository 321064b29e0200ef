// Following U-Boot's relocation. U-Boot (arm64) starts at its link address, then relocate_code
// (arch/arm/lib/relocate_64.S) copies the image from __image_copy_start to the address in x0 near
// the top of RAM and everything from board_init_r on runs in that copy. For each loaded symbol
// file that is U-Boot (it defines both symbols), the debugger watches relocate_code and, when it
// is reached, loads the same file again at the copy's offset (x0 - __image_copy_start), as a
// GDB user does by hand with `add-symbol-file u-boot <relocaddr>`. Breakpoints are then resolved
// in the copy too, so `board_init_r` or a line of common/board_r.c is hit where it really runs.

import type { ProgramInfo, SymbolFile } from './ProgramInfo';

export interface RelocationWatch {
  /** Run-time address of relocate_code in the copy being executed. */
  address: bigint;
  file: SymbolFile;
  /** The load offset of the relocated copy, given x0 at relocate_code. */
  copyOffset(x0: bigint): bigint;
}

export function ubootRelocationWatches(program: ProgramInfo): RelocationWatch[] {
  const out: RelocationWatch[] = [];
  for (const file of program.files) {
    const reloc = file.symbols.find(s => s.name === 'relocate_code');
    const copyStart = file.symbols.find(s => s.name === '__image_copy_start');
    if (!reloc || !copyStart) continue;
    const linkCopyStart = BigInt.asUintN(64, copyStart.address - file.offset);
    out.push({ address: reloc.address, file, copyOffset: x0 => BigInt.asUintN(64, x0 - linkCopyStart) });
  }
  return out;
}

// Ready-made launch configurations for images found in the workspace (the debug configuration
// provider's pure part).

export interface RealmscopeLaunch {
  type: 'realmscope';
  request: 'launch';
  name: string;
  program: string;
  format?: 'elf' | 'bios' | 'kernel' | 'raw';
  ram?: string;
  realm?: Record<string, unknown>;
  stopOnEntry?: boolean;
  uart?: 'console' | 'terminal';
  cwd?: string;
  [k: string]: unknown;
}

/** Workspace-relative paths of candidate images, best first: sorted, so "the first" is stable. */
export function orderImages(relPaths: string[]): string[] {
  return relPaths
    .filter(p => /\.(fd|elf)$/i.test(p) && !/(^|\/)node_modules\//.test(p))
    .map(p => p.replace(/\\/g, '/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The configuration for one image: flash images boot as firmware with the UART in a terminal;
 *  ELF files stop at the entry; files under examples/realm/ run as a Realm. */
export function configurationForImage(relPath: string): RealmscopeLaunch {
  const p = relPath.replace(/\\/g, '/');
  const base = p.split('/').pop()!;
  const program = '${workspaceFolder}/' + p;
  if (/\.fd$/i.test(p)) {
    return { type: 'realmscope', request: 'launch', name: `Realmscope: ${base} (firmware)`, program, format: 'bios', ram: '512M', uart: 'terminal' };
  }
  const cfg: RealmscopeLaunch = { type: 'realmscope', request: 'launch', name: `Realmscope: ${base}`, program, stopOnEntry: true };
  if (/(^|\/)examples\/realm\//.test(p)) { cfg.realm = {}; cfg.name = `Realmscope: ${base} (Realm)`; }
  return cfg;
}

/** Debian's U-Boot for QEMU arm64 (u-boot-qemu). */
export const DEBIAN_UBOOT = '/usr/lib/u-boot/qemu_arm64/u-boot.bin';

/** Debian's U-Boot debugged with its own symbols, from a folder that scripts/uboot-symbols.sh
 *  built and verified (the ELF `u-boot` and the source tree `src` its DWARF names). */
export function ubootWithSymbolsConfiguration(symbolsDir: string): RealmscopeLaunch {
  const dir = symbolsDir.replace(/\\/g, '/').replace(/\/$/, '');
  return {
    type: 'realmscope', request: 'launch', name: "Realmscope: Debian's U-Boot with symbols", program: DEBIAN_UBOOT, format: 'bios', ram: '512M',
    symbols: [`${dir}/u-boot`], cwd: `${dir}/src`, uart: 'terminal',
  };
}

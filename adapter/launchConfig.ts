// The `launch` request's attributes: validation with errors that name the attribute, and the
// defaults. Documented in README.md ("Debugging: launch configuration").

import * as fs from 'fs';
import type { RealmOptions } from '../emulator';
import * as path from 'path';

export type ImageFormatName = 'elf' | 'bios' | 'kernel' | 'raw';

export interface SymbolFile { path: string; offset: bigint; }

export interface LaunchConfig {
  program: string;
  format?: ImageFormatName;
  loadAddress?: number;
  symbols: SymbolFile[];
  /** Load U-Boot's symbols again where relocate_code copies it (ubootRelocation.ts). */
  followRelocation: boolean;
  initrd?: string;
  dtb?: string;
  cmdline?: string;
  ram: number;
  realm: false | RealmOptions;
  stopOnEntry: boolean;
  uart: 'console' | 'terminal';
  cwd: string;
}

export class LaunchError extends Error {}

function parseSize(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  if (typeof v !== 'string') throw new LaunchError(`"${name}" must be a size such as "512M" or a number of bytes`);
  const m = /^(\d+)\s*([KMG]?)i?B?$/i.exec(v.trim());
  if (!m) throw new LaunchError(`"${name}": cannot parse size "${v}" (use e.g. "512M" or "1G")`);
  const mult = { '': 1024 * 1024, K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(m[1]) * mult;
}

function parseAddress(v: unknown, name: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^(0x[0-9a-f_]+|\d+)$/i.test(v.trim())) return BigInt(v.trim().replace(/_/g, ''));
  throw new LaunchError(`"${name}" must be an address (a number or a string such as "0x40080000"), not ${JSON.stringify(v)}`);
}

function existingFile(v: unknown, name: string, cwd: string): string {
  if (typeof v !== 'string' || v === '') throw new LaunchError(`"${name}" must be a file path`);
  const p = path.resolve(cwd, v);
  let st: fs.Stats;
  try { st = fs.statSync(p); } catch { throw new LaunchError(`"${name}": file not found: ${p}`); }
  if (!st.isFile()) throw new LaunchError(`"${name}": not a file: ${p}`);
  return p;
}

const KNOWN = new Set(['type', 'request', 'name', 'program', 'format', 'loadAddress', 'symbols', 'initrd', 'dtb', 'cmdline', 'ram',
  'followRelocation', 'realm', 'stopOnEntry', 'uart', 'cwd', 'noDebug', '__sessionId', '__configurationTarget', 'presentation', 'internalConsoleOptions',
  'preLaunchTask', 'postDebugTask', 'debugServer', '__restart', 'trace']);

/** Validates raw launch arguments; throws LaunchError naming the first bad attribute. */
export function parseLaunchConfig(rawArgs: Record<string, unknown> | undefined, defaultCwd = process.cwd()): LaunchConfig {
  const args = rawArgs ?? {};
  for (const k of Object.keys(args)) {
    if (!KNOWN.has(k)) throw new LaunchError(`unknown launch attribute "${k}"`);
  }
  const cwd = args.cwd === undefined ? defaultCwd : typeof args.cwd === 'string' ? args.cwd : (() => { throw new LaunchError('"cwd" must be a directory path'); })();
  if (args.program === undefined) throw new LaunchError('"program" is required: the image to debug (ELF, .fd flash image, Linux Image or raw binary)');
  const program = existingFile(args.program, 'program', cwd);
  let format: ImageFormatName | undefined;
  if (args.format !== undefined) {
    if (args.format !== 'elf' && args.format !== 'bios' && args.format !== 'kernel' && args.format !== 'raw') {
      throw new LaunchError(`"format" must be one of "elf", "bios", "kernel", "raw", not ${JSON.stringify(args.format)}`);
    }
    format = args.format;
  }
  const loadAddress = args.loadAddress === undefined ? undefined : Number(parseAddress(args.loadAddress, 'loadAddress'));
  const symbols: SymbolFile[] = [];
  if (args.symbols !== undefined) {
    if (!Array.isArray(args.symbols)) throw new LaunchError('"symbols" must be a list of ELF files, each a path or { "path": ..., "offset": ... }');
    args.symbols.forEach((s, i) => {
      if (typeof s === 'string') symbols.push({ path: existingFile(s, `symbols[${i}]`, cwd), offset: 0n });
      else if (s && typeof s === 'object') {
        const o = s as Record<string, unknown>;
        symbols.push({ path: existingFile(o.path, `symbols[${i}].path`, cwd), offset: o.offset === undefined ? 0n : parseAddress(o.offset, `symbols[${i}].offset`) });
      } else throw new LaunchError(`"symbols[${i}]" must be a path or { "path": ..., "offset": ... }`);
    });
  }
  const initrd = args.initrd === undefined ? undefined : existingFile(args.initrd, 'initrd', cwd);
  const dtb = args.dtb === undefined ? undefined : existingFile(args.dtb, 'dtb', cwd);
  if (args.cmdline !== undefined && typeof args.cmdline !== 'string') throw new LaunchError('"cmdline" must be a string');
  const ram = args.ram === undefined ? 128 * 1024 * 1024 : parseSize(args.ram, 'ram');
  if (ram < 16 * 1024 * 1024) throw new LaunchError(`"ram": ${ram} bytes is too small (at least 16M)`);
  let realm: LaunchConfig['realm'] = false;
  if (args.realm !== undefined && args.realm !== false) {
    if (args.realm === true) realm = {};
    else if (typeof args.realm === 'object' && args.realm !== null && !Array.isArray(args.realm)) realm = args.realm as Record<string, unknown>;
    else throw new LaunchError('"realm" must be false or an object with the Realm parameters');
    realm = parseRealm(realm as Record<string, unknown>);
  }
  if (args.stopOnEntry !== undefined && typeof args.stopOnEntry !== 'boolean') throw new LaunchError('"stopOnEntry" must be true or false');
  if (args.followRelocation !== undefined && typeof args.followRelocation !== 'boolean') throw new LaunchError('"followRelocation" must be true or false');
  if (args.uart !== undefined && args.uart !== 'console' && args.uart !== 'terminal') throw new LaunchError('"uart" must be "console" or "terminal"');
  return {
    program, format, loadAddress, symbols, followRelocation: args.followRelocation !== false, initrd, dtb, cmdline: args.cmdline as string | undefined, ram, realm,
    stopOnEntry: args.stopOnEntry === true, uart: (args.uart as 'console' | 'terminal' | undefined) ?? 'console', cwd,
  };
}

/** The `realm` object: { ipaWidth, hashAlgorithm, personalization, ripasPolicy }. */
function parseRealm(r: Record<string, unknown>): RealmOptions {
  const out: RealmOptions = {};
  for (const k of Object.keys(r)) {
    if (!['ipaWidth', 'hashAlgorithm', 'personalization', 'ripasPolicy'].includes(k)) throw new LaunchError(`unknown Realm parameter "realm.${k}" (ipaWidth, hashAlgorithm, personalization, ripasPolicy)`);
  }
  if (r.ipaWidth !== undefined) {
    if (typeof r.ipaWidth !== 'number' || !Number.isInteger(r.ipaWidth) || r.ipaWidth < 32 || r.ipaWidth > 48) throw new LaunchError('"realm.ipaWidth" must be an integer from 32 to 48');
    out.ipaWidth = r.ipaWidth;
  }
  if (r.hashAlgorithm !== undefined) {
    if (r.hashAlgorithm !== 'sha256' && r.hashAlgorithm !== 'sha512') throw new LaunchError('"realm.hashAlgorithm" must be "sha256" or "sha512"');
    out.hashAlgorithm = r.hashAlgorithm;
  }
  if (r.personalization !== undefined) {
    if (typeof r.personalization !== 'string' || !/^([0-9a-f]{2}){1,64}$/i.test(r.personalization)) throw new LaunchError('"realm.personalization" must be 1 to 64 bytes in hex');
    out.personalization = new Uint8Array(Buffer.from(r.personalization, 'hex'));
  }
  if (r.ripasPolicy !== undefined) {
    const m = typeof r.ripasPolicy === 'string' ? /^partial:(\d+)$/.exec(r.ripasPolicy) : null;
    if (r.ripasPolicy === 'accept' || r.ripasPolicy === 'reject') out.ripasPolicy = r.ripasPolicy;
    else if (m) out.ripasPolicy = { partial: Number(m[1]) };
    else throw new LaunchError('"realm.ripasPolicy" must be "accept", "reject" or "partial:N"');
  }
  return out;
}

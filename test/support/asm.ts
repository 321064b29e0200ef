// Assembles A64 source text into instruction words with the cross binutils
// (aarch64-linux-gnu-as + objcopy), for instruction-level tests.
// Results are kept in test/support/asm-cache.json (committed, keyed by a hash of the exact source
// text), so `npm test` needs no cross assembler; when the assembler is present, new snippets are
// assembled and added to the cache file.
// Use `.arch`/`.arch_extension` directives in the source for optional features.

import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const CACHE_FILE = path.join(__dirname, 'asm-cache.json');
let cache: Record<string, string> | undefined;
let dirty = false;

function loadCache(): Record<string, string> {
  if (!cache) {
    try { cache = JSON.parse(fs.readFileSync(CACHE_FILE, 'utf8')) as Record<string, string>; } catch { cache = {}; }
    process.on('exit', saveCache);
  }
  return cache;
}

function saveCache(): void {
  if (!dirty || !cache) return;
  // Merge with what other processes may have written meanwhile, then publish atomically.
  let onDisk: Record<string, string> = {};
  try { onDisk = JSON.parse(fs.readFileSync(CACHE_FILE, 'utf8')) as Record<string, string>; } catch { /* new file */ }
  const merged = { ...onDisk, ...cache };
  const sorted = Object.fromEntries(Object.keys(merged).sort().map(k => [k, merged[k]]));
  const tmp = CACHE_FILE + '.' + process.pid + '.tmp';
  fs.writeFileSync(tmp, JSON.stringify(sorted, null, 0).replace(/","/g, '",\n"') + '\n');
  fs.renameSync(tmp, CACHE_FILE);
  dirty = false;
}

function wordsOf(buf: Buffer): number[] {
  const words: number[] = [];
  for (let i = 0; i + 4 <= buf.length; i += 4) words.push(buf.readUInt32LE(i));
  return words;
}

/** Assembles `source` (GNU as syntax, one or more lines) and returns the .text section as
 *  little-endian 32-bit words. Throws with the assembler's messages on error. */
export function asm(source: string): number[] {
  const c = loadCache();
  const key = createHash('sha256').update(source).digest('hex').slice(0, 32);
  const hit = c[key];
  if (hit !== undefined) return hit === '' ? [] : hit.split(' ').map(h => parseInt(h, 16));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmscope-asm-'));
  try {
    const src = path.join(dir, 'a.s'), obj = path.join(dir, 'a.o'), bin = path.join(dir, 'a.bin');
    fs.writeFileSync(src, source.endsWith('\n') ? source : source + '\n');
    try {
      execFileSync('aarch64-linux-gnu-as', ['-o', obj, src], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stderr?: Buffer; code?: string };
      if (err.code === 'ENOENT') {
        throw new Error(`snippet not in test/support/asm-cache.json and aarch64-linux-gnu-as is missing (apt-get install binutils-aarch64-linux-gnu):\n${source}`);
      }
      throw new Error('aarch64-linux-gnu-as failed:\n' + (err.stderr ? err.stderr.toString() : String(e)));
    }
    execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', obj, bin], { stdio: ['ignore', 'pipe', 'pipe'] });
    const words = wordsOf(fs.readFileSync(bin));
    c[key] = words.map(w => w.toString(16).padStart(8, '0')).join(' ');
    dirty = true;
    return words;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

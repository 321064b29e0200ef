// Assembles A64 source text into instruction words with the cross binutils
// (aarch64-linux-gnu-as + objcopy), for instruction-level tests.
// Results are cached in memory and on disk (os.tmpdir()/realmscope-asm-cache/<sha256>.bin) keyed
// by the exact source text, so repeated test runs do not spawn the assembler.
// Use `.arch`/`.arch_extension` directives in the source for optional features.

import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const memo = new Map<string, number[]>();
const CACHE_DIR = path.join(os.tmpdir(), 'realmscope-asm-cache');

function wordsOf(buf: Buffer): number[] {
  const words: number[] = [];
  for (let i = 0; i + 4 <= buf.length; i += 4) words.push(buf.readUInt32LE(i));
  return words;
}

/** Assembles `source` (GNU as syntax, one or more lines) and returns the .text section as
 *  little-endian 32-bit words. Throws with the assembler's messages on error. */
export function asm(source: string): number[] {
  const hit = memo.get(source);
  if (hit) return hit.slice();
  const key = createHash('sha256').update(source).digest('hex');
  const cached = path.join(CACHE_DIR, key + '.bin');
  if (fs.existsSync(cached)) {
    const words = wordsOf(fs.readFileSync(cached));
    memo.set(source, words);
    return words.slice();
  }
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'realmscope-asm-'));
  try {
    const src = path.join(dir, 'a.s'), obj = path.join(dir, 'a.o'), bin = path.join(dir, 'a.bin');
    fs.writeFileSync(src, source.endsWith('\n') ? source : source + '\n');
    try {
      execFileSync('aarch64-linux-gnu-as', ['-o', obj, src], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stderr?: Buffer };
      throw new Error('aarch64-linux-gnu-as failed:\n' + (err.stderr ? err.stderr.toString() : String(e)));
    }
    execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', obj, bin], { stdio: ['ignore', 'pipe', 'pipe'] });
    const buf = fs.readFileSync(bin);
    // Publish atomically: concurrent test processes may assemble the same text.
    const tmp = cached + '.' + process.pid + '.tmp';
    fs.writeFileSync(tmp, buf);
    fs.renameSync(tmp, cached);
    const words = wordsOf(buf);
    memo.set(source, words);
    return words.slice();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ProgramInfo: symbol files at offsets (a relocated copy beside the original), removal, change
// notification, and finding sources whose DWARF path a prefix map made relative.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProgramInfo } from '../../adapter/ProgramInfo';
import { ubootRelocationWatches } from '../../adapter/ubootRelocation';

const ROOT = path.resolve(__dirname, '../..');
const DEBUGEE = path.join(ROOT, 'test/fixtures/bin/debugee.elf');

describe('ProgramInfo', () => {
  it('holds a file at two offsets: names have both addresses, lines and symbols answer in both copies', () => {
    const p = new ProgramInfo();
    let changes = 0;
    p.onChange(() => changes++);
    p.addElfFile(DEBUGEE);
    const middle = p.addressOf('middle')!;
    const line = p.lineAt(middle)!;
    const lineAddrs = p.addressesForLine(line.path, line.line);
    assert.ok(lineAddrs.length > 0);
    p.addElfFile(DEBUGEE, 0x1000000n);
    assert.equal(changes, 2);
    assert.deepEqual([...p.addressesOf('middle')].sort(), [middle, middle + 0x1000000n].sort());
    assert.deepEqual(p.lineAt(middle + 0x1000000n), line);
    assert.equal(p.symbolName(middle + 0x1000000n + 4n), 'middle+0x4');
    assert.equal(p.fileAt(middle + 0x1000000n)!.offset, 0x1000000n);
    assert.deepEqual(p.addressesForLine(line.path, line.line), [...lineAddrs, ...lineAddrs.map(a => a + 0x1000000n)]);
    assert.equal(p.removeFile(DEBUGEE, 0x1000000n), 1);
    assert.deepEqual(p.addressesOf('middle'), [middle]);
    assert.equal(p.removeFile(DEBUGEE), 1);
    assert.equal(p.addressOf('middle'), undefined);
    assert.equal(changes, 4);
  });

  it('finds a source file under the source root by the longest trailing part of its DWARF path', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'realmscope-src-'));
    try {
      fs.mkdirSync(path.join(root, 'common'));
      fs.writeFileSync(path.join(root, 'common', 'board_r.c'), '');
      const p = new ProgramInfo();
      p.sourceRoot = root;
      assert.equal(p.sourcePath('debian/build/qemu_arm64/common/board_r.c'), path.join(root, 'common', 'board_r.c'));
      assert.equal(p.sourcePath('/build/u-boot-xyz/common/board_r.c'), path.join(root, 'common', 'board_r.c'));
      // Nothing under the root: the path as DWARF gives it, made absolute.
      assert.equal(p.sourcePath('lib/none.c'), path.join(root, 'lib', 'none.c'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('watches relocate_code only in files that are U-Boot', () => {
    const p = new ProgramInfo();
    p.addElfFile(DEBUGEE);
    assert.deepEqual(ubootRelocationWatches(p), []);
  });
});

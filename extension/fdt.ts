// Reads the regions a flattened device tree describes (memory nodes and devices with `reg`), for
// the IPA map's "board" row. The tree is the one the guest was given, read from its memory with
// `readMemory` (the Realm's DTB sits at the start of RAM).

export interface DtRegion { name: string; base: bigint; size: bigint; kind: 'ram' | 'device'; compatible?: string }

const FDT_MAGIC = 0xd00dfeed;

export function fdtTotalSize(header: Uint8Array): number | undefined {
  if (header.length < 8) return undefined;
  const dv = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (dv.getUint32(0) !== FDT_MAGIC) return undefined;
  return dv.getUint32(4);
}

function readCells(dv: DataView, off: number, cells: number): bigint {
  let v = 0n;
  for (let i = 0; i < cells; i++) v = (v << 32n) | BigInt(dv.getUint32(off + 4 * i));
  return v;
}

interface NodeState {
  name: string;
  depth: number;
  addressCells: number;
  sizeCells: number;
  /** How this node's children's addresses translate: identity when `ranges` is empty. */
  childIdentity: boolean;
  props: Map<string, Uint8Array>;
}

/** The regions of direct children of the root and of identity-mapped buses (empty `ranges`).
 *  Throws on a malformed blob. */
export function fdtRegions(blob: Uint8Array): DtRegion[] {
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 40 || dv.getUint32(0) !== FDT_MAGIC) throw new Error('not a flattened device tree (no 0xd00dfeed magic)');
  const offStruct = dv.getUint32(8), offStrings = dv.getUint32(12);
  const str = (off: number) => {
    let end = offStrings + off;
    while (end < blob.length && blob[end] !== 0) end++;
    return new TextDecoder().decode(blob.subarray(offStrings + off, end));
  };
  const out: DtRegion[] = [];
  const stack: NodeState[] = [];
  let p = offStruct;
  const finish = (n: NodeState) => {
    const parent = stack[stack.length - 1];
    const reg = n.props.get('reg');
    if (!reg || !parent) return;
    // Only nodes whose addresses are the root's: the root's children, and children of buses that map 1:1.
    const visible = n.depth === 1 || stack.slice(1).every(s => s.childIdentity);
    if (!visible) return;
    const ac = parent.addressCells, sc = parent.sizeCells;
    const stride = 4 * (ac + sc);
    if (stride === 0) return;
    const rdv = new DataView(reg.buffer, reg.byteOffset, reg.byteLength);
    const deviceType = n.props.get('device_type');
    const isMemory = !!deviceType && new TextDecoder().decode(deviceType).replace(/\0+$/, '') === 'memory';
    const compat = n.props.get('compatible');
    const compatible = compat ? new TextDecoder().decode(compat).split('\0')[0] : undefined;
    for (let o = 0; o + stride <= reg.length; o += stride) {
      const size = sc ? readCells(rdv, o + 4 * ac, sc) : 0n;
      if (size === 0n) continue;
      out.push({ name: n.name, base: readCells(rdv, o, ac), size, kind: isMemory ? 'ram' : 'device', compatible });
    }
  };
  for (let guard = 0; guard < 1_000_000 && p + 4 <= blob.length; guard++) {
    const token = dv.getUint32(p); p += 4;
    if (token === 1) { // FDT_BEGIN_NODE
      let end = p;
      while (end < blob.length && blob[end] !== 0) end++;
      const name = new TextDecoder().decode(blob.subarray(p, end));
      p = (end + 1 + 3) & ~3;
      stack.push({ name: name || '/', depth: stack.length, addressCells: 2, sizeCells: 1, childIdentity: false, props: new Map() });
    } else if (token === 3) { // FDT_PROP
      const len = dv.getUint32(p), nameOff = dv.getUint32(p + 4);
      const value = blob.subarray(p + 8, p + 8 + len);
      p = (p + 8 + len + 3) & ~3;
      const n = stack[stack.length - 1];
      if (!n) throw new Error('property outside a node');
      const pname = str(nameOff);
      n.props.set(pname, value);
      if (pname === '#address-cells' && len === 4) n.addressCells = dv.getUint32(value.byteOffset - blob.byteOffset);
      if (pname === '#size-cells' && len === 4) n.sizeCells = dv.getUint32(value.byteOffset - blob.byteOffset);
      if (pname === 'ranges' && len === 0) n.childIdentity = true;
    } else if (token === 2) { // FDT_END_NODE
      const n = stack.pop();
      if (!n) throw new Error('unbalanced FDT_END_NODE');
      finish(n);
    } else if (token === 4) { // FDT_NOP
      continue;
    } else if (token === 9) { // FDT_END
      break;
    } else throw new Error(`bad FDT token ${token} at offset ${p - 4}`);
  }
  return out.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
}

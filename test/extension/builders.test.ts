// The extension's pure parts (no VS Code): tree items from custom-request answers, the
// translation report, the IPA map, the device-tree reader, memory references, configurations,
// the UART text path. The answers here are copied from the adapter's real output for
// examples/realm/realm-hello.elf; test/extension/live.test.ts builds the same from a live session.
import { strict as assert } from 'assert';
import { stage1EntryNode, stage1RootNodes, stage1TableNodes, attributeText, ipaHalf, outputMemoryReference } from '../../extension/stage1';
import { stage2Nodes, stage2Icon, rttEntryCovering, walkRtt, sharedApertures } from '../../extension/stage2';
import { RsiHistory, rsiCallNodes } from '../../extension/rsiCalls';
import { measurementNodes, tokenNode } from '../../extension/measurements';
import { translationMarkdown, stage2Outcome, expressionForVariable, reportHtml } from '../../extension/translation';
import { layoutIpaMap, renderIpaMapHtml, renderMessageHtml } from '../../extension/ipaMap';
import { fdtRegions, fdtTotalSize } from '../../extension/fdt';
import { parseMemoryReference, memoryReference, debugMemoryUriParts, hexDump } from '../../extension/memory';
import { configurationForImage, orderImages, ubootWithSymbolsConfiguration } from '../../extension/launchConfigs';
import { UartTextDecoder, uartAttachPort } from '../../extension/uartText';
import { sizeText, hex64, big } from '../../extension/format';
import { buildVirtDeviceTree } from '../../emulator/board/deviceTree';
import type { PageTablesAnswer, RttAnswer, Stage1Entry, EventsAnswer, TokenAnswer, WalkAnswer } from '../../extension/protocol';

const UB = 0x10000000000n; // ipaWidth 41

const uartPage: Stage1Entry = {
  index: 0, level: 3, type: 'page', inputBase: '0x0000000009000000', inputSize: '0x1000',
  descriptor: '0x0060010009000703', descriptorAddress: '0x14000', outputAddress: '0x10009000000',
  attributes: { AttrIndx: 0, memoryType: 'Device-nGnRnE', AP: 'EL1 RW, EL0 none', SH: 3, AF: true, nG: false, PXN: true, UXN: true, contiguous: false, NS: false },
};

const pageTables: PageTablesAnswer = {
  mmuEnabled: true,
  roots: [
    { ttbr: 0, ttbrValue: '0x0000000000011000', level: 1, tableAddress: '0x11000', inputBase: '0x0000000000000000', entries: 512, invalidCount: 510, table: [
      { index: 0, level: 1, type: 'table', inputBase: '0x0000000000000000', inputSize: '0x40000000', descriptor: '0x0000000000012003', descriptorAddress: '0x11000', outputAddress: '0x12000',
        expand: { ttbr: 0, level: 2, tableAddress: '0x12000', inputBase: '0x0000000000000000' }, attributes: { PXNTable: false, UXNTable: false, APTable: 0, NSTable: false } },
      { index: 1, level: 1, type: 'table', inputBase: '0x0000000040000000', inputSize: '0x40000000', descriptor: '0x0000000000015003', descriptorAddress: '0x11008', outputAddress: '0x15000',
        expand: { ttbr: 0, level: 2, tableAddress: '0x15000', inputBase: '0x0000000040000000' }, attributes: { PXNTable: false, UXNTable: true, APTable: 0, NSTable: false } },
    ] },
    { ttbr: 1, ttbrValue: '0x0000000000000000', level: 0, tableAddress: '0x0', inputBase: '0xffff000000000000', entries: 512, disabled: 'no walks: translation fault, level 0' },
  ],
};

const rttRoot: RttAnswer = { level: 0, base: '0x0', entries: [
  { index: 0, ipa: '0x0', size: '0x8000000000', state: 'table', expand: { query: 'rtt', ipa: '0x0', level: 1 } },
  { index: 1, ipa: '0x8000000000', size: '0x8000000000', state: 'unassigned', ripas: 'EMPTY' },
  { index: 2, ipa: '0x10000000000', size: '0x8000000000', state: 'table', expand: { query: 'rtt', ipa: '0x10000000000', level: 1 } },
  { index: 3, ipa: '0x18000000000', size: '0x8000000000', state: 'unassigned_ns' },
] };
const rttL1: RttAnswer = { level: 1, base: '0x0', entries: [
  { index: 0, ipa: '0x0', size: '0x40000000', state: 'table', expand: { query: 'rtt', ipa: '0x0', level: 2 } },
  { index: 1, ipa: '0x40000000', size: '0x40000000', state: 'table', expand: { query: 'rtt', ipa: '0x40000000', level: 2 } },
  { index: 2, ipa: '0x80000000', size: '0x40000000', state: 'unassigned', ripas: 'EMPTY', count: 510 },
] };
const rttUnprotL1: RttAnswer = { level: 1, base: '0x10000000000', entries: [
  { index: 0, ipa: '0x10000000000', size: '0x40000000', state: 'table', expand: { query: 'rtt', ipa: '0x10000000000', level: 2 } },
  { index: 1, ipa: '0x10040000000', size: '0x40000000', state: 'unassigned_ns', count: 511 },
] };
const rttUnprotL2: RttAnswer = { level: 2, base: '0x10000000000', entries: [
  { index: 0, ipa: '0x10000000000', size: '0x200000', state: 'unassigned_ns', count: 19 },
  { index: 19, ipa: '0x10002600000', size: '0x200000', state: 'table', expand: { query: 'rtt', ipa: '0x10002600000', level: 3 } },
  { index: 20, ipa: '0x10002800000', size: '0x200000', state: 'unassigned_ns', count: 492 },
] };
const rttUnprotL3: RttAnswer = { level: 3, base: '0x10002600000', entries: [
  { index: 0, ipa: '0x10002600000', size: '0x1000', state: 'unassigned_ns', count: 38 },
  { index: 38, ipa: '0x10002626000', size: '0x1000', state: 'assigned_ns', outputAddress: '0x2626000' },
  { index: 39, ipa: '0x10002627000', size: '0x1000', state: 'assigned_ns', outputAddress: '0x2627000' },
  { index: 40, ipa: '0x10002628000', size: '0x1000', state: 'unassigned_ns', count: 472 },
] };
const rttTables: Record<string, RttAnswer> = {
  'undefined/undefined': rttRoot, '0x0/1': rttL1, '0x10000000000/1': rttUnprotL1, '0x10000000000/2': rttUnprotL2, '0x10002600000/3': rttUnprotL3,
};
const fetchRtt = async (a: { ipa?: string; level?: number }) => {
  const t = rttTables[`${a.ipa}/${a.level}`];
  if (!t) throw new Error(`no table ${a.ipa}/${a.level}`);
  return t;
};

describe('extension: Stage 1 items', () => {
  it('labels a descriptor L<level> [<inputBase>..] <type> -> <output> and marks the unprotected UART page', () => {
    const n = stage1EntryNode(uartPage, 0, UB);
    assert.equal(n.label, 'L3 [0x0000000009000000..] page -> 0x10009000000');
    assert.match(n.description!, /Device-nGnRnE \(AttrIndx 0\)/);
    assert.match(n.description!, /EL1 RW, EL0 none/);
    assert.match(n.description!, /PXN UXN/);
    assert.match(n.description!, /inner shareable/);
    assert.match(n.description!, /\bAF\b/);
    assert.match(n.description!, /unprotected$/);
    assert.equal(n.memoryReference, 'uipa:0x9000000');
    assert.equal(n.icon?.color, 'charts.orange');
    assert.equal(n.load, undefined);
  });

  it('marks protected outputs, and leaves the half out outside a Realm', () => {
    const ram = { ...uartPage, inputBase: '0x0000000000001000', outputAddress: '0x1000', attributes: { ...uartPage.attributes, memoryType: 'Normal outer WB inner WB', PXN: false, UXN: false } };
    assert.match(stage1EntryNode(ram, 0, UB).description!, /executable · inner shareable · AF · protected$/);
    const plain = stage1EntryNode(ram, 0, undefined);
    assert.doesNotMatch(plain.description!, /protected/);
    assert.equal(plain.memoryReference, 'p:0x1000');
    assert.equal(ipaHalf(0x20000000000n, UB), 'above the IPA space');
    assert.equal(outputMemoryReference(0x40000000n, UB), 'ipa:0x40000000');
  });

  it('builds the roots with table entries that expand lazily and a count of invalid entries', () => {
    const roots = stage1RootNodes(pageTables, UB);
    assert.equal(roots.length, 2);
    assert.equal(roots[0].label, 'TTBR0_EL1 = 0x0000000000011000');
    assert.match(roots[0].description!, /2 valid, 510 invalid/);
    const kids = roots[0].children!;
    assert.equal(kids.length, 3);
    assert.equal(kids[0].label, 'L1 [0x0000000000000000..] table -> 0x12000');
    assert.deepEqual(kids[0].load, { command: 'realmscope/pageTables', args: { ttbr: 0, level: 2, tableAddress: '0x12000', inputBase: '0x0000000000000000' } });
    assert.match(kids[1].description!, /UXNTable/);
    assert.equal(kids[2].label, '510 invalid entries hidden');
    assert.match(roots[1].description!, /translation fault/);
    assert.equal(roots[1].children, undefined);
    const sub = stage1TableNodes({ entries: [uartPage], invalidCount: 511 }, kids[0].id, 0, UB);
    assert.equal(sub.length, 2);
    assert.notEqual(sub[0].id, kids[0].id);
    const off = stage1RootNodes({ ...pageTables, mmuEnabled: false }, UB);
    assert.match(off[0].label, /translation is off/);
  });

  it('decodes table attributes', () => {
    assert.equal(attributeText('table', { PXNTable: true, UXNTable: false, APTable: 2, NSTable: false }), 'PXNTable APTable=2');
    assert.equal(attributeText('table', { PXNTable: false, UXNTable: false, APTable: 0, NSTable: false }), 'no table restrictions');
  });
});

describe('extension: Stage 2 items', () => {
  it('shows state and RIPAS, merged runs, and colours', () => {
    const root = stage2Nodes(rttRoot, UB);
    assert.deepEqual(root.map(n => n.label), [
      'L0 [0x0..] table', 'L0 [0x8000000000..] unassigned EMPTY', 'L0 [0x10000000000..] table', 'L0 [0x18000000000..] unassigned_ns']);
    assert.deepEqual(root[0].load, { command: 'realmscope/realm', args: { query: 'rtt', ipa: '0x0', level: 1 } });
    assert.match(root[2].description!, /unprotected/);
    const l1 = stage2Nodes(rttL1, UB);
    assert.equal(l1[2].label, 'L1 [0x80000000..] unassigned EMPTY ×510');
    assert.match(l1[2].description!, /510 × 1G/);
    const leaf = stage2Nodes({ level: 3, base: '0x0', entries: [{ index: 0, ipa: '0x0', size: '0x1000', state: 'assigned', ripas: 'RAM', outputAddress: '0x0' }] }, UB)[0];
    assert.equal(leaf.label, 'L3 [0x0..] assigned RAM');
    assert.equal(leaf.memoryReference, 'ipa:0x0');
    assert.deepEqual(leaf.icon, { id: 'circle-filled', color: 'charts.green' });
    assert.deepEqual(stage2Icon({ state: 'assigned_ns' }), { id: 'circle-filled', color: 'charts.orange' });
    assert.deepEqual(stage2Icon({ state: 'unassigned', ripas: 'DESTROYED' }), { id: 'circle-outline', color: 'charts.red' });
    assert.equal(stage2Nodes(rttUnprotL3, UB)[1].memoryReference, 'uipa:0x2626000');
  });

  it('finds the entry covering an IPA, walks the RTT and collects the shared apertures', async () => {
    assert.equal(rttEntryCovering(rttL1, 0x1_0000_0000n)?.index, 2);
    const path = await walkRtt(0x10002627abcn, fetchRtt);
    assert.deepEqual(path.map(p => p.level), [0, 1, 2, 3]);
    assert.equal(path[3].entry?.state, 'assigned_ns');
    assert.equal(stage2Outcome(0x10002627abcn, UB, path[3].entry).pa, 0x2627abcn);
    const shared = await sharedApertures(UB, fetchRtt);
    assert.deepEqual(shared, [{ base: 0x10002626000n, top: 0x10002628000n, pa: '0x2626000' }]);
  });
});

describe('extension: RSI calls', () => {
  const rsi = (command: string, status: string, pc = '0x000000000000108c') => ({ kind: 'rsi', pc, insn: 1234, fid: 0xc4000196, command, args: { ipa: '0xf000' }, result: {}, status });
  it('keeps a cursor, lists newest first, and starts again after a restart', () => {
    const h = new RsiHistory();
    h.add({ events: [rsi('RSI_VERSION', 'SUCCESS'), { kind: 'rec-exit', pc: '0x48', insn: 1 }, rsi('RSI_REALM_CONFIG', 'SUCCESS')], next: 3 } as EventsAnswer, 0);
    h.add({ events: [rsi('RSI_IPA_STATE_SET', 'ERROR_INPUT')], next: 4 } as EventsAnswer, 3);
    const nodes = rsiCallNodes(h);
    assert.deepEqual(nodes.map(n => n.label), ['RSI_IPA_STATE_SET -> ERROR_INPUT', 'RSI_REALM_CONFIG -> SUCCESS', 'RSI_VERSION -> SUCCESS']);
    assert.deepEqual(nodes.map(n => n.id), ['rsi/3', 'rsi/2', 'rsi/0']);
    assert.match(nodes[1].description!, /ipa=0xf000 @ 0x108c · insn 1234/);
    assert.equal(nodes[1].command?.command, 'realmscope.showRsiCall');
    assert.deepEqual(nodes[1].command?.arguments, [{ pc: '0x000000000000108c', command: 'RSI_REALM_CONFIG' }]);
    assert.equal(nodes[0].icon?.id, 'warning');
    h.add({ events: [], next: 1 }, 4);
    assert.equal(h.calls.length, 0);
  });
});

describe('extension: Measurements', () => {
  const summary = { state: 'active', ipaWidth: 41, unprotectedBit: '0x10000000000', hashAlgorithm: 'sha-256', events: 10 };
  const m = { rim: 'd414'.padEnd(64, '0'), rems: ['24a2'.padEnd(64, '1'), '0'.repeat(64), '0'.repeat(64), '0'.repeat(64)], hashAlgorithm: 'sha-256' };
  const token: TokenAnswer = { size: 1330, decoded: {
    tag: 399,
    realm: { key: 44241, name: 'realm', tag: 18, alg: -35, algName: 'ES384', signature: 'aa', verification: { status: 'valid', detail: 'ES384 signature verified' },
      claims: [{ key: 10, name: 'cca-realm-challenge', display: "h'00' (64 bytes)" }, { key: 44239, name: 'cca-realm-extensible-measurements', display: 'array(4)', children: [{ key: 0, name: 'REM0', display: "h'24a2'" }] }] },
    platform: { key: 44234, name: 'platform', tag: 18, alg: -35, algName: 'ES384', verification: { status: 'unverified', detail: 'no platform attestation key supplied' }, claims: [] },
    binding: { status: 'valid', detail: 'platform challenge equals the hash of the realm public key' },
    problems: [],
  } };
  it('shows RIM, REM0-3, the configuration and the token with both signatures', () => {
    const nodes = measurementNodes(summary, m, token);
    const labels = nodes.map(n => n.label);
    assert.deepEqual(labels.slice(0, 8), ['Realm state: active', 'IPA width: 41 bits', 'Hash algorithm: SHA-256', 'RIM', 'REM0', 'REM1', 'REM2', 'REM3']);
    assert.equal(nodes[3].description, m.rim);
    const t = nodes[8];
    assert.equal(t.label, 'Attestation token (1330 bytes)');
    assert.match(t.description!, /realm signature valid · platform signature unverified/);
    const [realm, platform, binding] = t.children!;
    assert.equal(realm.label, 'Realm token: signature valid');
    assert.equal(realm.icon?.color, 'charts.green');
    assert.equal(platform.label, 'Platform token: signature unverified');
    assert.equal(binding.label, 'Platform/Realm binding: valid');
    assert.equal(realm.children![1].children![0].label, 'REM0');
    assert.notEqual(realm.children![1].children![0].id, realm.children![1].id);
    assert.equal(tokenNode({ token: null }).label, 'Attestation token: none yet');
  });
});

describe('extension: translation report', () => {
  const walk: WalkAnswer = { address: '0x0000000009000000', steps: [
    { index: 0, level: 1, type: 'table', inputBase: '0x0000000000000000', inputSize: '0x40000000', descriptor: '0x0000000000012003', descriptorAddress: '0x11000', outputAddress: '0x12000', attributes: {} },
    { index: 72, level: 2, type: 'table', inputBase: '0x0000000009000000', inputSize: '0x200000', descriptor: '0x0000000000014003', descriptorAddress: '0x12240', outputAddress: '0x14000', attributes: {} },
    uartPage,
  ], physicalAddress: '0x10009000000', pageSize: '0x1000', memoryType: 'Device-nGnRnE' };
  it('shows VA -> IPA -> PA with every descriptor of both stages', async () => {
    const path = await walkRtt(0x10009000000n, fetchRtt);
    const md = translationMarkdown({ expression: '0x9000000', walk, realm: { summary: { state: 'active', ipaWidth: 41, unprotectedBit: '0x10000000000', hashAlgorithm: 'sha-256', events: 1 }, path } });
    assert.match(md, /\| L3 \[0\] \| `0x14000` \| `0x0060010009000703` \| page \|/);
    assert.match(md, /IPA \*\*`0x10009000000`\*\*/);
    assert.match(md, /\*\*unprotected\*\* half/);
    assert.match(md, /\| L0 \| `0x0` \| 2 \|/);
    assert.match(md, /\| L2 \| `0x10000000000` \| 72 \(of a run of 19\)|\| L2 \| `0x10000000000` \| 72/);
    assert.match(md, /unassigned_ns: nothing mapped/);
    assert.match(md, /0x9000000 → IPA 0x10009000000 → no physical address/);
    const faulted = translationMarkdown({ expression: 'x1', walk: { address: '0x0000ffff00000000', steps: [], fault: { kind: 'translation', level: 0 } } });
    assert.match(faulted, /translation fault at level 0/);
    const plain = translationMarkdown({ expression: 'pc', walk: { ...walk, physicalAddress: '0x40001000' } });
    assert.match(plain, /→ PA 0x40001000/);
  });

  it('renders the report as HTML for its panel', async () => {
    const path = await walkRtt(0x10009000000n, fetchRtt);
    const html = reportHtml(translationMarkdown({ expression: '0x9000000', walk, realm: { summary: { state: 'active', ipaWidth: 41, unprotectedBit: '0x10000000000', hashAlgorithm: 'sha-256', events: 1 }, path } }));
    assert.match(html, /<h1>Translation of <code>0x9000000<\/code><\/h1>/);
    assert.match(html, /<h2>Stage 2 \(Realm Translation Table\)<\/h2>/);
    assert.match(html, /<th>descriptor address<\/th>/);
    assert.match(html, /<td>L3 \[0\]<\/td><td><code>0x14000<\/code><\/td>/);
    assert.match(html, /<strong>0x9000000 → IPA 0x10009000000 → no physical address<\/strong>/);
    assert.equal((html.match(/<table>/g) ?? []).length, 2);
    assert.match(reportHtml('a <b> & `c|d`'), /<p>a &lt;b&gt; &amp; <code>c\|d<\/code><\/p>/);
  });

  it('takes the address of a variable from the Variables view', () => {
    assert.equal(expressionForVariable({ variable: { name: 'x1', value: '0x0000000000028000', memoryReference: '0x0000000000028000' } }), '0x0000000000028000');
    assert.equal(expressionForVariable({ variable: { name: 'sp', value: '0x40010000 (stack)' } }), '0x40010000');
    assert.equal(expressionForVariable({ variable: { name: 'buf', value: '{...}', evaluateName: '&buf' } }), '&buf');
    assert.equal(expressionForVariable(undefined), undefined);
  });
});

describe('extension: IPA map', () => {
  const input = {
    ipaWidth: 41, unprotectedBit: UB, view: 'ipa' as const,
    ripas: [
      { base: 0n, top: 0x28000n, ripas: 'RAM', assigned: true },
      { base: 0x28000n, top: 0x8000000n, ripas: 'RAM', assigned: false },
      { base: 0x8000000n, top: 0x40000000n, ripas: 'EMPTY', assigned: false },
      { base: 0x40000000n, top: 0x48000000n, ripas: 'RAM', assigned: false },
      { base: 0x48000000n, top: UB, ripas: 'EMPTY', assigned: false },
    ],
    shared: [{ base: UB + 0x2626000n, top: UB + 0x2628000n, pa: '0x2626000' }],
    board: [
      { name: 'pl011@9000000', base: 0x9000000n, size: 0x1000n, kind: 'device' as const, compatible: 'arm,pl011' },
      { name: 'memory@40000000', base: 0x40000000n, size: 0x8000000n, kind: 'ram' as const },
    ],
  };
  it('lays out both halves on one scale, so an alias sits under its protected address', () => {
    const L = layoutIpaMap(input);
    const uart = L.rects.find(r => r.row === 'board' && r.kind === 'device')!;
    const aperture = L.rects.find(r => r.row === 'shared' && r.kind === 'shared')!;
    assert.equal(uart.ref, 'uipa:0x9000000');
    assert.equal(aperture.ref, 'uipa:0x2626000');
    const prot = L.rects.find(r => r.row === 'ripas' && r.base === 0x8000000n)!;
    assert.ok(prot.x < uart.x && uart.x < prot.x + prot.width, 'the UART lies inside the EMPTY range above it');
    // The unprotected half is covered: unassigned_ns, the aperture, unassigned_ns.
    assert.deepEqual(L.rects.filter(r => r.row === 'shared').map(r => r.kind), ['unassigned_ns', 'shared', 'unassigned_ns']);
    for (const r of L.rects) assert.ok(r.x >= L.left && r.x + r.width <= L.left + L.width + 0.6, `${r.label} inside the bar`);
    // Small regions stay visible on a 2 TiB axis.
    assert.ok(uart.width > 2);
  });

  it('renders hover text and click targets, with a CSP nonce', () => {
    const html = renderIpaMapHtml(input, 'NONCE', 'vscode-resource:');
    assert.match(html, /script-src 'nonce-NONCE'/);
    assert.match(html, /<script nonce="NONCE">/);
    assert.match(html, /data-ref="uipa:0x9000000"/);
    assert.match(html, /data-info="device pl011@9000000 \(arm,pl011\): reachable only through the unprotected alias · \[0x9000000, 0x9001000\) · 4 KiB"/);
    assert.match(html, /shared aperture \(assigned_ns\), PA 0x2626000/);
    assert.match(html, /IPA width 41/);
    assert.match(renderMessageHtml('<no>', 'x'), /&lt;no&gt;/);
  });
});

describe('extension: device tree regions', () => {
  it('reads RAM and devices from the board\'s device tree', () => {
    const blob = buildVirtDeviceTree({ ramBase: 0x40000000, ramSize: 512 << 20, psciMethod: 'smc' });
    assert.equal(fdtTotalSize(blob.subarray(0, 64)), blob.length);
    const regions = fdtRegions(blob);
    const ram = regions.find(r => r.kind === 'ram');
    assert.deepEqual(ram && [ram.name, ram.base, ram.size], ['memory@40000000', 0x40000000n, 0x20000000n]);
    const uart = regions.find(r => r.name === 'pl011@9000000');
    assert.deepEqual(uart && [uart.base, uart.size, uart.kind, uart.compatible], [0x9000000n, 0x1000n, 'device', 'arm,pl011']);
    assert.ok(regions.some(r => r.name.startsWith('intc@8000000')));
    assert.ok(regions.some(r => r.name.startsWith('virtio_mmio@a000000')));
    for (let i = 1; i < regions.length; i++) assert.ok(regions[i - 1].base <= regions[i].base);
    assert.throws(() => fdtRegions(new Uint8Array(64)), /not a flattened device tree/);
    assert.equal(fdtTotalSize(new Uint8Array(8)), undefined);
  });
});

describe('extension: memory, configurations, UART text', () => {
  it('builds and parses memory references and the debug memory URI', () => {
    assert.equal(memoryReference('uipa', 0x9000000n), 'uipa:0x9000000');
    assert.equal(memoryReference('virtual', 0xffff000000001000n), '0xffff000000001000');
    assert.deepEqual(parseMemoryReference('p:0x40000000'), { space: 'physical', address: 0x40000000n });
    assert.deepEqual(parseMemoryReference('ipa:0x10'), { space: 'ipa', address: 0x10n });
    assert.equal(parseMemoryReference('sp'), undefined);
    const u = debugMemoryUriParts('sess-1', 'ipa:0x40000000');
    assert.deepEqual(u, { scheme: 'vscode-debug-memory', authority: 'sess-1', path: '/ipa%3A0x40000000/ipa_0x40000000.bin', query: '' });
    assert.equal(debugMemoryUriParts('s', '0x10', { from: 0, to: 16 }).query, '?range=0:16');
  });

  it('dumps memory with 64-bit addresses and marks unreadable bytes', () => {
    const text = hexDump(0x10n, new Uint8Array([0x41, 0x42, 0x00]), 17);
    const lines = text.split('\n');
    assert.equal(lines.length, 2);
    assert.equal(lines[0], '0x0000000000000010  41 42 00 ?? ?? ?? ?? ??  ?? ?? ?? ?? ?? ?? ?? ??  |AB..............|');
    assert.match(lines[1], /^0x0000000000000020  \?\? \?\? \?\? \?\?/);
  });

  it('offers configurations for images, Realm firmware under examples/realm/', () => {
    assert.deepEqual(orderImages(['b/x.elf', 'node_modules/y.elf', 'a/Image', 'a/QEMU_EFI.fd', 'examples\\realm\\realm-hello.elf']), ['a/QEMU_EFI.fd', 'b/x.elf', 'examples/realm/realm-hello.elf']);
    const realm = configurationForImage('examples/realm/realm-hello.elf');
    assert.deepEqual(realm, { type: 'realmscope', request: 'launch', name: 'Realmscope: realm-hello.elf (Realm)', program: '${workspaceFolder}/examples/realm/realm-hello.elf', stopOnEntry: true, realm: {} });
    const fd = configurationForImage('fw/QEMU_EFI.fd');
    assert.equal(fd.format, 'bios');
    assert.equal(fd.uart, 'terminal');
    assert.equal(configurationForImage('examples/demo/demo.elf').realm, undefined);
    const uboot = ubootWithSymbolsConfiguration('/root/.cache/realmscope-uboot/2023.01+dfsg-2+deb12u3/');
    assert.deepEqual([uboot.program, uboot.format, uboot.symbols, uboot.cwd], ['/usr/lib/u-boot/qemu_arm64/u-boot.bin', 'bios',
      ['/root/.cache/realmscope-uboot/2023.01+dfsg-2+deb12u3/u-boot'], '/root/.cache/realmscope-uboot/2023.01+dfsg-2+deb12u3/src']);
  });

  it('turns bare LF into CR LF, decodes UTF-8 across chunks, and finds the uart-attach port', () => {
    const d = new UartTextDecoder();
    assert.equal(d.push(new Uint8Array(Buffer.from('U-Boot\n=> '))), 'U-Boot\r\n=> ');
    assert.equal(d.push(new Uint8Array(Buffer.from('ok\r\n'))), 'ok\r\n');
    const euro = Buffer.from('€\n');
    assert.equal(d.push(new Uint8Array(euro.subarray(0, 2))), '');
    assert.equal(d.push(new Uint8Array(euro.subarray(2))), '€\r\n');
    const cr = new UartTextDecoder();
    assert.equal(cr.push(new Uint8Array(Buffer.from('a\r'))) + cr.push(new Uint8Array(Buffer.from('\nb'))), 'a\r\nb');
    assert.equal(uartAttachPort(['/usr/bin/node', '/x/dist/cli.js', 'uart-attach', '40123']), 40123);
    assert.equal(uartAttachPort(['node', 'cli.js', 'run']), undefined);
  });

  it('formats sizes and addresses', () => {
    assert.equal(sizeText(0x1000n), '4K');
    assert.equal(sizeText(0x8000000000n), '512G');
    assert.equal(sizeText(0x1801n), '0x1801');
    assert.equal(hex64(0x1090n), '0x0000000000001090');
    assert.equal(big('nope'), undefined);
    assert.equal(big(12), 12n);
  });
});

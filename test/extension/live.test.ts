// The views' data path against a live adapter: the same requests the extension sends (over DAP,
// to the adapter the extension runs) and the same builders, on examples/realm/realm-hello.elf.
// What needs VS Code itself (tree rendering, webviews, terminals) is the e2e test's job.
import { strict as assert } from 'assert';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import { startDapServer } from '../../adapter/dapServer';
import { stage1RootNodes, stage1TableNodes, PAGE_TABLES } from '../../extension/stage1';
import { stage2Nodes, walkRtt, sharedApertures, REALM } from '../../extension/stage2';
import { RsiHistory, rsiCallNodes } from '../../extension/rsiCalls';
import { measurementNodes } from '../../extension/measurements';
import { translationMarkdown } from '../../extension/translation';
import { layoutIpaMap } from '../../extension/ipaMap';
import { fdtRegions, fdtTotalSize } from '../../extension/fdt';
import type { ViewNode } from '../../extension/viewNode';
import type { PageTablesAnswer, PageTableAnswer, RealmSummary, RttAnswer, EventsAnswer, MeasurementsAnswer, TokenAnswer, WalkAnswer, RipasAnswer, Stage1ExpandArgs } from '../../extension/protocol';

const ROOT = path.resolve(__dirname, '../..');
const HELLO = path.join(ROOT, 'examples/realm/realm-hello.elf');

describe('extension views on a live Realm session', function () {
  this.timeout(60000);
  let server: Awaited<ReturnType<typeof startDapServer>>;
  let dc: DebugClient;
  const req = async <T>(command: string, args?: unknown): Promise<T> => (await dc.customRequest(command, args)).body as T;

  before(async () => { server = await startDapServer(0); });
  after(() => server.close());
  beforeEach(async () => { dc = new DebugClient('node', 'unused', 'realmscope'); await dc.start(server.port); });
  afterEach(async () => { await dc.stop(); });

  async function launchTo(filter: string): Promise<DebugProtocol.StoppedEvent> {
    await dc.initializeRequest();
    await Promise.all([
      dc.launch({ program: HELLO, realm: {}, stopOnEntry: true } as DebugProtocol.LaunchRequestArguments),
      dc.waitForEvent('stopped'),
      dc.waitForEvent('initialized').then(async () => {
        await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: filter }] } as DebugProtocol.SetExceptionBreakpointsArguments);
        await dc.configurationDoneRequest();
      }),
    ]);
    const [, ev] = await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('stopped', 20000)]);
    return ev as DebugProtocol.StoppedEvent;
  }

  it('Stage 1 down to the UART page (unprotected), Stage 2, RSI calls, translation and the IPA map', async () => {
    // The first IPA_STATE_GET is the one over the UART page, right after the MMU went on.
    const ev = await launchTo('rsi:RSI_IPA_STATE_GET');
    assert.match(ev.body.description ?? '', /^RSI_IPA_STATE_GET\(base=0x9000000, end=0x9001000\)/);
    const summary = await req<RealmSummary>(REALM, { query: 'summary' });
    const ub = BigInt(summary.unprotectedBit);

    // Stage 1: expand the tables that cover VA 0x9000000 until the leaf.
    const roots = stage1RootNodes(await req<PageTablesAnswer>(PAGE_TABLES, {}), ub);
    let level: ViewNode[] = roots[0].children!;
    let leaf: ViewNode | undefined;
    for (let depth = 0; depth < 4 && !leaf; depth++) {
      const covering = level.find(n => {
        const m = /\[(0x[0-9a-f]+)\.\.\]/.exec(n.label);
        return m && BigInt(m[1]) <= 0x9000000n && (n.load || /page|block/.test(n.label)) && BigInt(m[1]) + 0x40000000n / BigInt(512 ** depth) > 0x9000000n;
      });
      assert.ok(covering, `a level-${depth + 1} entry covers the UART: ${level.map(n => n.label).join(', ')}`);
      if (!covering.load) { leaf = covering; break; }
      const args = covering.load.args as Stage1ExpandArgs;
      level = stage1TableNodes(await req<PageTableAnswer>(PAGE_TABLES, args), covering.id, args.ttbr, ub);
      leaf = level.find(n => n.label.startsWith('L3 [0x0000000009000000..] page'));
    }
    assert.ok(leaf, 'the UART page');
    assert.equal(leaf.label, 'L3 [0x0000000009000000..] page -> 0x10009000000');
    assert.match(leaf.description!, /Device-nGnRnE/);
    assert.match(leaf.description!, /unprotected$/);

    // Stage 2: the root and one expansion.
    const s2 = stage2Nodes(await req<RttAnswer>(REALM, { query: 'rtt' }), ub);
    assert.ok(s2.every(n => n.label.startsWith('L0 [')), s2.map(n => n.label).join(', '));
    assert.ok(s2.some(n => /^L0 \[0x1[0-9a-f]{10}\.\.\] (table|unassigned_ns)/.test(n.label)), 'the unprotected half');
    const l1 = stage2Nodes(await req<RttAnswer>(REALM, s2[0].load!.args), ub);
    assert.ok(l1.some(n => /unassigned EMPTY ×\d+/.test(n.label)), l1.map(n => n.label).join(', '));

    // RSI calls: the history so far, newest first, then one more after stepping over the SMC.
    const history = new RsiHistory();
    const first = await req<EventsAnswer>(REALM, { query: 'events', since: 0 });
    history.add(first, 0);
    assert.deepEqual(rsiCallNodes(history).map(n => n.label), ['RSI_REALM_CONFIG -> SUCCESS', 'RSI_VERSION -> SUCCESS']);
    await Promise.all([dc.nextRequest({ threadId: 1, granularity: 'instruction' } as DebugProtocol.NextArguments), dc.waitForEvent('stopped')]);
    const since = history.next;
    history.add(await req<EventsAnswer>(REALM, { query: 'events', since }), since);
    assert.equal(rsiCallNodes(history)[0].label, 'RSI_IPA_STATE_GET -> SUCCESS');
    assert.match(rsiCallNodes(history)[0].description!, /base=0x9000000 end=0x9001000 @ 0x/);

    // Translate the UART's VA: both stages.
    const walk = await req<WalkAnswer>('realmscope/walk', { address: '0x9000000' });
    const rttPath = await walkRtt(BigInt(walk.physicalAddress!), a => req<RttAnswer>(REALM, a));
    const md = translationMarkdown({ expression: '0x9000000', walk, realm: { summary, path: rttPath } });
    assert.match(md, /\| L3 \[0\] \|/);
    assert.match(md, /\*\*unprotected\*\* half/);
    assert.match(md, /0x9000000 → IPA 0x10009000000 → no physical address/);

    // The IPA map from real data, the board from the guest's device tree.
    const head = await dc.customRequest('readMemory', { memoryReference: 'ipa:0x40000000', count: 64 }) as DebugProtocol.ReadMemoryResponse;
    const size = fdtTotalSize(new Uint8Array(Buffer.from(head.body!.data!, 'base64')));
    assert.ok(size, 'a device tree at IPA 0x40000000');
    const dtb = await dc.customRequest('readMemory', { memoryReference: 'ipa:0x40000000', count: size }) as DebugProtocol.ReadMemoryResponse;
    const board = fdtRegions(new Uint8Array(Buffer.from(dtb.body!.data!, 'base64')));
    assert.ok(board.some(r => r.name === 'pl011@9000000'), board.map(r => r.name).join(', '));
    const ripas = await req<RipasAnswer>(REALM, { query: 'ripas' });
    const shared = await sharedApertures(ub, a => req<RttAnswer>(REALM, a));
    const L = layoutIpaMap({ ipaWidth: summary.ipaWidth, unprotectedBit: ub, view: 'ipa', shared, board,
      ripas: ripas.ranges.map(r => ({ base: BigInt(r.base), top: BigInt(r.top), ripas: r.ripas, assigned: r.assigned })) });
    assert.ok(L.rects.some(r => r.row === 'ripas' && r.kind === 'EMPTY' && r.base <= 0x9000000n && r.top > 0x9000000n), 'the UART page is RIPAS EMPTY');
    assert.ok(L.rects.some(r => r.row === 'board' && r.ref === 'uipa:0x9000000'));
  });

  it('shows the shared DMA buffer as a shared aperture and the decoded attestation token', async () => {
    // realm-hello shares a DMA buffer (IPA_STATE_SET EMPTY) and uses it through the alias; stop
    // at the IPA_STATE_SET that takes it back (the second one): the buffer is mapped then.
    await launchTo('rsi:RSI_IPA_STATE_SET');
    const summary = await req<RealmSummary>(REALM, { query: 'summary' });
    const ub = BigInt(summary.unprotectedBit);
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('stopped', 20000)]);
    const shared = await sharedApertures(ub, a => req<RttAnswer>(REALM, a));
    assert.ok(shared.length >= 1, 'an assigned_ns aperture while the buffer is shared');
    assert.ok(shared[0].base >= ub);
    // Then to the SYSTEM_OFF call: the token has been fetched and checked.
    await dc.setExceptionBreakpointsRequest({ filters: ['psci'] });
    await Promise.all([dc.continueRequest({ threadId: 1 }), dc.waitForEvent('stopped', 20000)]);
    const [m, token] = await Promise.all([req<MeasurementsAnswer>(REALM, { query: 'measurements' }), req<TokenAnswer>(REALM, { query: 'token' })]);
    const nodes = measurementNodes(summary, m, token);
    const t = nodes.find(n => n.id === 'm/token')!;
    assert.match(t.label, /^Attestation token \(\d+ bytes\)$/);
    assert.equal(t.children![0].label, 'Realm token: signature valid');
    assert.match(t.children![1].label, /^Platform token: signature (valid|unverified)$/);
    assert.ok(t.children![0].children!.some(c => c.label === 'cca-realm-initial-measurement'));
    assert.equal(nodes.find(n => n.label === 'RIM')!.description, m.rim);
    assert.notEqual(m.rems[0], '0'.repeat(64), 'REM0 was extended');
  });
});

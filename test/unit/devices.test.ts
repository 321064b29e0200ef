import assert from 'node:assert/strict';
import { Pl011, FR_RXFE, FR_RXFF, FR_TXFE, FR_BUSY, INT_RX, INT_TX } from '../../emulator/devices/Pl011';
import { Pl031 } from '../../emulator/devices/Pl031';
import { Pl061 } from '../../emulator/devices/Pl061';
import { GicV3 } from '../../emulator/devices/GicV3';
import { FwCfg, FW_CFG_DMA_CTL_READ, FW_CFG_DMA_CTL_SELECT, FW_CFG_DMA_CTL_SKIP, FW_CFG_DMA_CTL_WRITE, FW_CFG_DMA_CTL_ERROR } from '../../emulator/devices/FwCfg';
import { CfiFlash } from '../../emulator/devices/CfiFlash';
import { PcieHost } from '../../emulator/devices/PcieHost';

const r32 = (d: { read(o: number, s: number): bigint | undefined }, off: number) => Number(d.read(off, 4));
const w32 = (d: { write(o: number, s: number, v: bigint): unknown }, off: number, v: number) => d.write(off, 4, BigInt(v >>> 0));

describe('PL011 UART', () => {
  function make() {
    const tx: number[] = [];
    const irqs: boolean[] = [];
    const u = new Pl011({ onTransmit: b => tx.push(b), setIrq: l => irqs.push(l) });
    return { u, tx, irqs };
  }

  it('has the PL011 PrimeCell IDs and reset values', () => {
    const { u } = make();
    const ids = [0xfe0, 0xfe4, 0xfe8, 0xfec, 0xff0, 0xff4, 0xff8, 0xffc].map(o => r32(u, o));
    assert.deepEqual(ids, [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]);
    assert.equal(r32(u, 0x18), FR_TXFE | FR_RXFE);
    assert.equal(r32(u, 0x30), 0x300);
    assert.equal(r32(u, 0x34), 0x12);
    assert.equal(r32(u, 0x18) & FR_BUSY, 0);
  });

  it('transmits bytes and raises TXRIS, masked by IMSC, cleared by ICR', () => {
    const { u, tx, irqs } = make();
    u.write(0, 1, 0x41n);
    u.write(0, 4, 0x142n); // only the low 8 bits go out
    assert.deepEqual(tx, [0x41, 0x42]);
    assert.equal(r32(u, 0x3c) & INT_TX, INT_TX);
    assert.equal(r32(u, 0x40), 0);
    assert.equal(u.irq, false);
    w32(u, 0x38, INT_TX);
    assert.equal(u.irq, true);
    assert.equal(r32(u, 0x40), INT_TX);
    w32(u, 0x44, INT_TX);
    assert.equal(u.irq, false);
    assert.deepEqual(irqs, [true, false]);
  });

  it('receives through a 1-entry holding register without FIFOs', () => {
    const { u } = make();
    u.pushInput(new Uint8Array([0x61, 0x62]));
    assert.equal(r32(u, 0x18) & (FR_RXFE | FR_RXFF), FR_RXFF);
    assert.equal(u.pendingInput, 1);
    w32(u, 0x38, INT_RX);
    assert.equal(u.irq, true);
    assert.equal(r32(u, 0), 0x61);
    // the next byte moves in at once and keeps RX pending
    assert.equal(u.irq, true);
    assert.equal(r32(u, 0), 0x62);
    assert.equal(u.irq, false);
    assert.equal(r32(u, 0x18) & FR_RXFE, FR_RXFE);
    assert.equal(r32(u, 0x3c) & INT_RX, 0);
  });

  it('uses a 16-entry FIFO when LCR_H.FEN is set', () => {
    const { u } = make();
    w32(u, 0x2c, 0x70); // 8N1, FEN
    u.pushInput(new Uint8Array(20).map((_, i) => i + 1));
    assert.equal(u.pendingInput, 4);
    assert.equal(r32(u, 0x18) & FR_RXFF, FR_RXFF);
    const got: number[] = [];
    while (!(r32(u, 0x18) & FR_RXFE)) got.push(r32(u, 0));
    assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => i + 1));
    assert.equal(r32(u, 0x3c) & INT_RX, 0);
  });

  it('keeps baud rate, line control and DMA control registers', () => {
    const { u } = make();
    w32(u, 0x24, 0x1a); w32(u, 0x28, 0x3); w32(u, 0x2c, 0x60); w32(u, 0x48, 0x7);
    assert.deepEqual([r32(u, 0x24), r32(u, 0x28), r32(u, 0x2c), r32(u, 0x48)], [0x1a, 0x3, 0x60, 0x7]);
  });
});

describe('PL031 RTC', () => {
  it('counts host seconds, loads, matches and interrupts', () => {
    let now = 1_700_000_000_500;
    const irqs: boolean[] = [];
    const rtc = new Pl031({ clockMs: () => now, setIrq: l => irqs.push(l) });
    assert.equal(r32(rtc, 0x00), 1_700_000_000);
    assert.equal(r32(rtc, 0x0c), 1);
    assert.deepEqual([0xfe0, 0xfe4, 0xfe8, 0xfec].map(o => r32(rtc, o)), [0x31, 0x10, 0x14, 0x00]);
    w32(rtc, 0x08, 1000); // LR
    assert.equal(r32(rtc, 0x00), 1000);
    assert.equal(r32(rtc, 0x08), 1000);
    now += 2000;
    assert.equal(r32(rtc, 0x00), 1002);
    w32(rtc, 0x10, 1); // IMSC
    w32(rtc, 0x04, 1005); // MR
    assert.equal(r32(rtc, 0x14), 0);
    assert.equal(rtc.nextEventMs(), (1_700_000_002 + 3) * 1000);
    now += 3000;
    rtc.poll();
    assert.equal(r32(rtc, 0x14), 1);
    assert.equal(r32(rtc, 0x18), 1);
    assert.equal(rtc.irq, true);
    w32(rtc, 0x1c, 1); // ICR
    assert.equal(rtc.irq, false);
    w32(rtc, 0x04, r32(rtc, 0)); // match now: immediate
    assert.equal(rtc.irq, true);
    assert.deepEqual(irqs, [true, false, true]);
  });
});

describe('PL061 GPIO', () => {
  it('masks data by address bits and only drives outputs', () => {
    const g = new Pl061();
    assert.deepEqual([0xfe0, 0xfe4, 0xfe8, 0xfec].map(o => r32(g, o)), [0x61, 0x10, 0x04, 0x00]);
    w32(g, 0x400, 0x0f); // lines 0-3 outputs
    w32(g, 0x3fc, 0xff);
    assert.equal(r32(g, 0x3fc), 0x0f);
    w32(g, 0x004 << 2, 0x00); // mask 0x04: clear line 2 only
    assert.equal(r32(g, 0x3fc), 0x0b);
    assert.equal(r32(g, 0x03 << 2), 0x03);
    g.setInput(5, true);
    assert.equal(r32(g, 0x3fc), 0x2b);
    assert.equal(r32(g, 0x20 << 2), 0x20);
  });

  it('raises an edge interrupt for the power key on line 3', () => {
    const irqs: boolean[] = [];
    const g = new Pl061({ setIrq: l => irqs.push(l) });
    w32(g, 0x408, 0x08); // IBE: both edges
    w32(g, 0x410, 0x08); // IE
    g.setInput(3, true);
    assert.equal(r32(g, 0x414), 0x08);
    assert.equal(r32(g, 0x418), 0x08);
    assert.equal(g.irq, true);
    w32(g, 0x41c, 0x08);
    assert.equal(g.irq, false);
    g.setInput(3, false);
    assert.equal(g.irq, true);
    w32(g, 0x41c, 0x08);
    assert.deepEqual(irqs, [true, false, true, false]);
  });

  it('supports rising-edge-only and level interrupts', () => {
    const g = new Pl061();
    w32(g, 0x40c, 0x01); // IEV line 0: rising
    w32(g, 0x410, 0x03);
    g.setInput(0, true);
    assert.equal(g.irq, true);
    w32(g, 0x41c, 0x01);
    g.setInput(0, false); // falling edge: ignored
    assert.equal(g.irq, false);
    // line 1: level-sensitive, active high
    w32(g, 0x404, 0x02); w32(g, 0x40c, 0x03);
    g.setInput(1, true);
    assert.equal(g.irq, true);
    w32(g, 0x41c, 0x02); // still high: stays pending
    assert.equal(g.irq, true);
    g.setInput(1, false);
    w32(g, 0x41c, 0x02);
    assert.equal(g.irq, false);
  });
});

describe('GICv3', () => {
  const GICR_SGI = 0x10000;
  function make() {
    const lines: [boolean, boolean][] = [];
    const gic = new GicV3({ onCpuLines: (i, f) => lines.push([i, f]) });
    const d = gic.distributor, r = gic.redistributor;
    return { gic, d, r, lines };
  }
  /** The usual Linux/EDK2 bring-up: wake the redistributor, Group 1 everywhere, enable. */
  function bringUp() {
    const t = make();
    const { gic, d, r } = t;
    w32(r, 0x14, 0);
    w32(r, GICR_SGI + 0x80, 0xffffffff);
    for (let n = 1; n < 9; n++) w32(d, 0x80 + 4 * n, 0xffffffff);
    w32(d, 0, 0x2);
    gic.writeIccReg('ICC_PMR_EL1', 0xffn);
    gic.writeIccReg('ICC_IGRPEN1_EL1', 1n);
    return t;
  }

  it('identifies as a single-security-state GICv3 with 256 interrupts (QEMU 7.2 virt: ITLinesNumber 7)', () => {
    const { d, r, gic } = make();
    assert.equal(r32(d, 0x0000), 0x50); // ARE | DS
    assert.equal(r32(d, 0x0004), 0x03780007);
    assert.equal(r32(d, 0x0004) & 0x1f, 7);
    assert.equal(r32(d, 0x0008), 0x43b);
    assert.equal(r32(d, 0xffe8), 0x3b); // PIDR2: ArchRev 3
    assert.equal(r32(r, 0xffe8), 0x3b);
    assert.equal(r.read(0x0008, 8), 0x0100_0010n); // Last, affinity 0, processor 0
    assert.equal(r32(r, 0x0014), 0x6); // ProcessorSleep | ChildrenAsleep
    w32(r, 0x0014, 0);
    assert.equal(r32(r, 0x0014), 0);
    w32(r, 0x0014, 2);
    assert.equal(r32(r, 0x0014), 6);
    assert.equal(gic.readIccReg('ICC_SRE_EL1'), 7n);
    assert.equal(gic.readIccReg('ICC_CTLR_EL1'), 0x8c00n); // A3V, IDbits 24, PRIbits 5
    assert.equal(r32(r, GICR_SGI + 0xc00), 0xaaaaaaaa);
    // unimplemented/reserved registers read as zero, writes ignored
    assert.equal(r32(d, 0x0f00), 0);
    w32(d, 0x0800 + 32, 0xffffffff); // ITARGETSR: RAZ/WI with ARE
    assert.equal(r32(d, 0x0800 + 32), 0);
    assert.equal(r32(d, 0x0084 - 4), 0); // GICD_IGROUPR0: SGI/PPI state lives in the GICR
  });

  it('keeps enable, group, priority, config and routing registers', () => {
    const { d, r } = make();
    w32(d, 0x104, 0x0000_0006); // ISENABLER1: INTIDs 33, 34
    assert.equal(r32(d, 0x104), 6);
    assert.equal(r32(d, 0x184), 6);
    w32(d, 0x184, 0x2);
    assert.equal(r32(d, 0x104), 4);
    d.write(0x400 + 33, 1, 0xa0n);
    assert.equal(r32(d, 0x420), 0x0000a000);
    assert.equal(d.read(0x400 + 33, 1), 0xa0n);
    d.write(0x400 + 3, 1, 0x80n); // SGI priority in the GICD: RAZ/WI
    assert.equal(r32(d, 0x400), 0);
    w32(d, 0xc08, 0xffffffff); // ICFGR2: INTIDs 32-47, only odd bits stick
    assert.equal(r32(d, 0xc08), 0xaaaaaaaa);
    d.write(0x6000 + 8 * 40, 8, 0x12_0000_0304n | (1n << 31n) | 0xff00_0000_0000_0000n);
    assert.equal(d.read(0x6000 + 8 * 40, 8), 0x12_8000_0304n);
    assert.equal(r32(d, 0x6000 + 8 * 40 + 4), 0x12);
    w32(r, GICR_SGI + 0x100, 0x8000_0001);
    assert.equal(r32(r, GICR_SGI + 0x100), 0x8000_0001);
    r.write(GICR_SGI + 0x400 + 27, 1, 0x50n);
    assert.equal(r32(r, GICR_SGI + 0x418), 0x50000000);
  });

  it('delivers an SPI as IRQ, acknowledges, and EOIs', () => {
    const { gic, d, lines } = bringUp();
    d.write(0x400 + 33, 1, 0xa0n);
    w32(d, 0x104, 1 << 1); // enable INTID 33 (UART)
    gic.setSpi(33, true);
    assert.deepEqual(lines.at(-1), [true, false]);
    assert.equal(gic.readIccReg('ICC_HPPIR1_EL1'), 33n);
    assert.equal(gic.readIccReg('ICC_HPPIR0_EL1'), 1023n);
    assert.equal(gic.readIccReg('ICC_IAR0_EL1'), 1023n);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 33n);
    assert.equal(gic.isActive(33), true);
    assert.equal(gic.isPending(33), true); // level still high: active and pending
    assert.equal(gic.irqLine, false);
    assert.equal(gic.readIccReg('ICC_RPR_EL1'), 0xa0n);
    assert.equal(gic.readIccReg('ICC_AP1R0_EL1'), 1n << 20n);
    gic.setSpi(33, false);
    gic.writeIccReg('ICC_EOIR1_EL1', 33n);
    assert.equal(gic.isActive(33), false);
    assert.equal(gic.readIccReg('ICC_RPR_EL1'), 0xffn);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 1023n);
    assert.equal(gic.irqLine, false);
  });

  it('re-signals a level interrupt still asserted after EOI', () => {
    const { gic, d } = bringUp();
    w32(d, 0x104, 1 << 1);
    gic.setSpi(33, true);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 33n);
    gic.writeIccReg('ICC_EOIR1_EL1', 33n);
    assert.equal(gic.irqLine, true);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 33n);
  });

  it('latches edge-triggered SPIs and handles ISPENDR/ICPENDR', () => {
    const { gic, d } = bringUp();
    w32(d, 0xc08, 0x2 << 2); // INTID 33 edge
    w32(d, 0x104, 1 << 1);
    gic.setSpi(33, true);
    gic.setSpi(33, false);
    assert.equal(gic.isPending(33), true);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 33n);
    assert.equal(gic.isPending(33), false);
    gic.writeIccReg('ICC_EOIR1_EL1', 33n);
    w32(d, 0x204, 1 << 2); // ISPENDR: pend INTID 34 (not enabled)
    assert.equal(r32(d, 0x204), 1 << 2);
    assert.equal(gic.irqLine, false);
    w32(d, 0x284, 1 << 2);
    assert.equal(r32(d, 0x204), 0);
  });

  it('masks by priority (PMR), by group enables and by routing', () => {
    const { gic, d } = bringUp();
    d.write(0x400 + 33, 1, 0x80n);
    w32(d, 0x104, 1 << 1);
    gic.writeIccReg('ICC_PMR_EL1', 0x80n);
    gic.setSpi(33, true);
    assert.equal(gic.irqLine, false);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 1023n);
    gic.writeIccReg('ICC_PMR_EL1', 0x88n);
    assert.equal(gic.irqLine, true);
    assert.equal(gic.readIccReg('ICC_PMR_EL1'), 0x88n);
    gic.writeIccReg('ICC_PMR_EL1', 0xffn);
    assert.equal(gic.readIccReg('ICC_PMR_EL1'), 0xf8n); // 5 priority bits
    gic.writeIccReg('ICC_IGRPEN1_EL1', 0n);
    assert.equal(gic.irqLine, false);
    gic.writeIccReg('ICC_IGRPEN1_EL1', 1n);
    w32(d, 0, 0);
    assert.equal(gic.irqLine, false);
    w32(d, 0, 2);
    d.write(0x6000 + 8 * 33, 8, 0x100n); // routed to affinity 0.0.1.0: not us
    assert.equal(gic.irqLine, false);
    d.write(0x6000 + 8 * 33, 8, 0n);
    assert.equal(gic.irqLine, true);
  });

  it('signals Group 0 as FIQ', () => {
    const { gic, d, r } = make();
    w32(r, GICR_SGI + 0x100, 1 << 30); // PPI 30 enabled, Group 0
    w32(d, 0, 1);
    gic.writeIccReg('ICC_PMR_EL1', 0xf0n);
    gic.writeIccReg('ICC_IGRPEN0_EL1', 1n);
    gic.setPpi(30, true);
    assert.equal(gic.fiqLine, true);
    assert.equal(gic.irqLine, false);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 1023n);
    assert.equal(gic.readIccReg('ICC_IAR0_EL1'), 30n);
    assert.equal(gic.readIccReg('ICC_AP0R0_EL1'), 1n);
    gic.setPpi(30, false);
    gic.writeIccReg('ICC_EOIR1_EL1', 30n); // wrong group: ignored
    assert.equal(gic.isActive(30), true);
    gic.writeIccReg('ICC_EOIR0_EL1', 30n);
    assert.equal(gic.isActive(30), false);
  });

  it('follows a level PPI (timer) line', () => {
    const { gic, r } = bringUp();
    w32(r, GICR_SGI + 0x100, 1 << 27);
    gic.setPpi(27, true);
    assert.equal(gic.irqLine, true);
    gic.setPpi(27, false); // deasserted before acknowledge: no longer pending
    assert.equal(gic.irqLine, false);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 1023n);
  });

  it('preempts only with a higher group priority and drops priority in order', () => {
    const { gic, d } = bringUp();
    gic.writeIccReg('ICC_BPR1_EL1', 0n); // clamps to the minimum, 3
    assert.equal(gic.readIccReg('ICC_BPR1_EL1'), 3n);
    d.write(0x400 + 40, 1, 0x80n);
    d.write(0x400 + 41, 1, 0x40n);
    d.write(0x400 + 42, 1, 0x78n);
    w32(d, 0x104, 0x700 /* 40, 41, 42 */);
    gic.setSpi(40, true);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 40n);
    gic.setSpi(42, true); // 0x78 vs running 0x80: group priority [7:3] 0x78 < 0x80 preempts
    assert.equal(gic.irqLine, true);
    gic.writeIccReg('ICC_BPR1_EL1', 7n); // group priority [7:7]: 0x00 vs 0x80 -> no
    // 0x78 & 0x80 = 0 < 0x80 & 0x80: still preempts
    assert.equal(gic.irqLine, true);
    gic.setSpi(42, false);
    gic.setSpi(41, true); // 0x40
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 41n);
    assert.equal(gic.readIccReg('ICC_RPR_EL1'), 0x00n); // group priority of 0x40 with BPR1 7
    gic.writeIccReg('ICC_EOIR1_EL1', 41n);
    assert.equal(gic.readIccReg('ICC_RPR_EL1'), 0x80n);
    gic.writeIccReg('ICC_EOIR1_EL1', 40n);
    assert.equal(gic.readIccReg('ICC_RPR_EL1'), 0xffn);
  });

  it('splits priority drop and deactivation with EOImode = 1', () => {
    const { gic, d } = bringUp();
    gic.writeIccReg('ICC_CTLR_EL1', 2n);
    assert.equal(gic.readIccReg('ICC_CTLR_EL1') & 2n, 2n);
    w32(d, 0x104, 1 << 1);
    gic.setSpi(33, true);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 33n);
    gic.setSpi(33, false);
    gic.writeIccReg('ICC_EOIR1_EL1', 33n);
    assert.equal(gic.readIccReg('ICC_RPR_EL1'), 0xffn);
    assert.equal(gic.isActive(33), true);
    gic.writeIccReg('ICC_DIR_EL1', 33n);
    assert.equal(gic.isActive(33), false);
  });

  it('sends SGIs to self through ICC_SGI1R_EL1', () => {
    const { gic, r } = bringUp();
    w32(r, GICR_SGI + 0x100, 0xffff);
    gic.writeIccReg('ICC_SGI1R_EL1', (5n << 24n) | 1n);
    assert.equal(gic.isPending(5), true);
    assert.equal(gic.readIccReg('ICC_IAR1_EL1'), 5n);
    gic.writeIccReg('ICC_EOIR1_EL1', 5n);
    gic.writeIccReg('ICC_SGI1R_EL1', (6n << 24n) | 2n); // target list names PE 1 only
    gic.writeIccReg('ICC_SGI1R_EL1', (7n << 24n) | (1n << 40n)); // IRM: everyone but self
    gic.writeIccReg('ICC_SGI0R_EL1', (8n << 24n) | 1n); // Group 0 SGI, but SGI 8 is Group 1
    assert.equal(gic.isPending(6) || gic.isPending(7) || gic.isPending(8), false);
    assert.throws(() => gic.readIccReg('ICC_AP0R1_EL1'));
  });

  it('ISACTIVER/ICACTIVER and the CBPR binary point', () => {
    const { gic, d } = bringUp();
    w32(d, 0x304, 0x10);
    assert.equal(gic.isActive(36), true);
    w32(d, 0x384, 0x10);
    assert.equal(gic.isActive(36), false);
    gic.writeIccReg('ICC_BPR0_EL1', 4n);
    gic.writeIccReg('ICC_CTLR_EL1', 1n);
    assert.equal(gic.readIccReg('ICC_BPR1_EL1'), 5n);
    gic.writeIccReg('ICC_BPR1_EL1', 7n); // ignored while CBPR = 1
    gic.writeIccReg('ICC_CTLR_EL1', 0n);
    assert.equal(gic.readIccReg('ICC_BPR1_EL1'), 3n);
  });
});

describe('fw_cfg', () => {
  const sel = (f: FwCfg, key: number) => f.write(8, 2, BigInt(((key & 0xff) << 8) | (key >> 8)));
  const readBytes = (f: FwCfg, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(Number(f.read(0, 1)));
    return out;
  };
  function memory(size = 0x10000) {
    const ram = new Uint8Array(size);
    return {
      ram,
      dma: {
        read: (pa: number, len: number) => (pa + len <= size ? ram.slice(pa, pa + len) : undefined),
        write: (pa: number, bytes: Uint8Array) => { if (pa + bytes.length > size) return false; ram.set(bytes, pa); return true; },
      },
    };
  }

  it('returns the signature in string order for every access size', () => {
    const f = new FwCfg();
    sel(f, 0);
    assert.equal(f.read(0, 4), 0x554d4551n); // "QEMU" in memory byte order
    sel(f, 0);
    assert.equal(f.read(0, 2), 0x4551n);
    assert.equal(f.read(0, 2), 0x554dn);
    assert.equal(f.read(0, 1), 0n); // past the end
    sel(f, 0);
    assert.equal(f.read(0, 8), 0x554d4551n); // zero padded
  });

  it('reports DMA in the ID and the DMA register signature', () => {
    const { dma } = memory();
    const f = new FwCfg({ dma });
    sel(f, 1);
    assert.equal(f.read(0, 4), 3n);
    assert.equal(f.read(16, 8), 0x4746432055_4d4551n); // "QEMU CFG" in memory order
    assert.equal(new FwCfg().read(16, 4), 0x554d4551n);
    const noDma = new FwCfg();
    sel(noDma, 1);
    assert.equal(noDma.read(0, 4), 1n);
  });

  it('lists the default files in the directory', () => {
    const f = new FwCfg();
    sel(f, 0x19);
    const count = (readBytes(f, 4).reduce((a, b) => a * 256 + b, 0));
    assert.equal(count, 3);
    const files: { name: string; size: number; select: number }[] = [];
    for (let i = 0; i < count; i++) {
      const e = readBytes(f, 64);
      const size = e.slice(0, 4).reduce((a, b) => a * 256 + b, 0);
      const select = e[4] * 256 + e[5];
      const name = String.fromCharCode(...e.slice(8, e.indexOf(0, 8)));
      files.push({ name, size, select });
    }
    assert.deepEqual(files, [
      { name: 'bios-geometry', size: 0, select: 0x20 },
      { name: 'bootorder', size: 0, select: 0x21 },
      { name: 'etc/boot-fail-wait', size: 4, select: 0x22 },
    ]);
    sel(f, 0x22);
    assert.deepEqual(readBytes(f, 4), [0xff, 0xff, 0xff, 0xff]);
    sel(f, 0x05);
    assert.equal(f.read(0, 2), 1n); // NB_CPUS
    sel(f, 0x0d);
    assert.equal(f.read(0, 8), 0n); // NUMA: absent, reads zero
  });

  it('transfers by DMA: select+read, skip, zero fill, write error, bad descriptor', () => {
    const { ram, dma } = memory();
    const files = [{ name: 'etc/hello', data: new TextEncoder().encode('hello world') }];
    const f = new FwCfg({ dma, files });
    const desc = (at: number, control: number, length: number, address: number) => {
      const dv = new DataView(ram.buffer);
      dv.setUint32(at, control, false);
      dv.setUint32(at + 4, length, false);
      dv.setBigUint64(at + 8, BigInt(address), false);
    };
    // The DMA register is big-endian: a little-endian CPU stores the byte-swapped address.
    const swap = (v: bigint, n: number) => { let r = 0n; for (let i = 0; i < n; i++) r = (r << 8n) | ((v >> BigInt(8 * i)) & 0xffn); return r; };
    const go64 = (at: number) => f.write(16, 8, swap(BigInt(at), 8));
    const go32 = (at: number) => { f.write(16, 4, swap(BigInt(at) >> 32n, 4)); f.write(20, 4, swap(BigInt(at) & 0xffffffffn, 4)); };
    const ctl = (at: number) => new DataView(ram.buffer).getUint32(at, false);

    // FILE_DIR by DMA (64-bit trigger)
    desc(0x100, (0x19 << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4 + 64, 0x1000);
    go64(0x100);
    assert.equal(ctl(0x100), 0);
    assert.deepEqual([...ram.slice(0x1000, 0x1004)], [0, 0, 0, 1]);
    assert.equal(new TextDecoder().decode(ram.slice(0x1008 + 4, 0x1008 + 4 + 9)), 'etc/hello');
    assert.deepEqual([...ram.slice(0x1004, 0x1008)], [0, 0, 0, 11]);
    assert.deepEqual([...ram.slice(0x1008, 0x100a)], [0x00, 0x20]);

    // select the file, skip 6, read 10 (5 data + 5 zero fill); 32-bit trigger
    desc(0x200, (0x20 << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 6, 0);
    go32(0x200);
    assert.equal(ctl(0x200), 0);
    ram.fill(0xaa, 0x2000, 0x2010);
    desc(0x210, FW_CFG_DMA_CTL_READ, 10, 0x2000);
    go32(0x210);
    assert.equal(ctl(0x210), 0);
    assert.equal(new TextDecoder().decode(ram.slice(0x2000, 0x2005)), 'world');
    assert.deepEqual([...ram.slice(0x2005, 0x200b)], [0, 0, 0, 0, 0, 0xaa]);

    // the data register continues where DMA left off
    sel(f, 0x20);
    desc(0x220, FW_CFG_DMA_CTL_READ, 2, 0x2100);
    go32(0x220);
    assert.equal(f.read(0, 1), BigInt('l'.charCodeAt(0)));

    // writes fail: nothing is writable
    desc(0x240, (0x20 << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, 0x2000);
    go32(0x240);
    assert.equal(ctl(0x240), FW_CFG_DMA_CTL_ERROR);

    // a read into memory that is not there fails
    desc(0x260, (0x20 << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, 0xfffe);
    go32(0x260);
    assert.equal(ctl(0x260), FW_CFG_DMA_CTL_ERROR);
  });

  it('serves kernel, initrd and command line items', () => {
    const f = new FwCfg();
    f.setKernelItems({ kernel: new Uint8Array([1, 2, 3]), cmdline: 'console=ttyAMA0' });
    sel(f, 0x08);
    assert.equal(f.read(0, 4), 3n);
    sel(f, 0x11);
    assert.deepEqual(readBytes(f, 3), [1, 2, 3]);
    sel(f, 0x14);
    assert.equal(f.read(0, 4), 16n);
    sel(f, 0x15);
    assert.equal(new TextDecoder().decode(Uint8Array.from(readBytes(f, 16))), 'console=ttyAMA0\0');
    sel(f, 0x0b);
    assert.equal(f.read(0, 4), 0n);
  });
});

describe('CFI flash (pflash_cfi01, virt configuration)', () => {
  const cmd = (fl: CfiFlash, off: number, c: number) => fl.write(off, 4, BigInt(((c << 16) | c) >>> 0));

  it('reads the array and exposes host pages only in read-array mode', () => {
    let changes = 0;
    const fl = new CfiFlash({ contents: new Uint8Array([0x11, 0x22, 0x33, 0x44, 0x55]), onModeChange: () => changes++ });
    assert.equal(fl.read(0, 4), 0x44332211n);
    assert.equal(fl.read(4, 4), 0x55n); // zero padded
    assert.equal(fl.read(0x3fffffc, 4), 0n);
    const page = fl.hostPage(0x1000)!;
    assert.equal(page.offset, 0x1000);
    assert.equal(page.writable, false);
    assert.equal(page.view.getUint8(4), 0x55);
    cmd(fl, 0, 0x70);
    assert.equal(fl.hostPage(0x1000), undefined);
    assert.equal(changes, 1);
    assert.equal(fl.read(0, 4), 0x00800080n);
    cmd(fl, 0, 0xff);
    assert.notEqual(fl.hostPage(0), undefined);
    assert.equal(changes, 2);
    assert.equal(fl.generation, 2);
  });

  it('answers the CFI query with QEMU\'s table for two x16 chips', () => {
    const fl = new CfiFlash();
    cmd(fl, 0x55 * 4, 0x98);
    const q = (i: number) => Number(fl.read(i * 4, 4));
    assert.equal(q(0x10), 0x00510051);
    assert.equal(q(0x11), 0x00520052);
    assert.equal(q(0x12), 0x00590059);
    const bytes = Array.from({ length: 0x40 }, (_, i) => q(i) & 0xff);
    assert.deepEqual(bytes.slice(0x13, 0x17), [0x01, 0x00, 0x31, 0x00]);
    assert.equal(bytes[0x27], 25); // 32 MiB per chip
    assert.equal(bytes[0x28], 0x02); // x16
    assert.equal(bytes[0x2a], 0x0b); // 2 KiB write buffer
    assert.deepEqual(bytes.slice(0x2c, 0x31), [0x01, 0xff, 0x00, 0x00, 0x02]); // 256 x 128 KiB
    assert.equal(String.fromCharCode(...bytes.slice(0x31, 0x36)), 'PRI10');
    assert.equal(fl.read(0x41, 1), 0n); // high byte of chip 0's lane
    assert.equal(fl.read(0x42, 1), 0x51n); // chip 1's lane
    assert.equal(fl.read(0x40, 8), 0x0052005200510051n);
    cmd(fl, 0, 0xf0);
    assert.equal(fl.readArrayMode, true);
  });

  it('reads identifier codes and (unlocked) block lock status', () => {
    const fl = new CfiFlash();
    cmd(fl, 0, 0x90);
    assert.equal(fl.read(0, 4), 0x00890089n);
    assert.equal(fl.read(4, 4), 0x00180018n);
    assert.equal(fl.read(0x40000 + 8, 4), 0n);
    cmd(fl, 0, 0xff);
  });

  it('programs words, erases blocks and reports status', () => {
    const fl = new CfiFlash({ size: 4 * 0x40000 });
    cmd(fl, 0x40000, 0x20);
    cmd(fl, 0x40000, 0xd0);
    assert.equal(fl.read(0, 4) & 0x00ff00ffn, 0x00800080n);
    cmd(fl, 0, 0xff);
    assert.equal(fl.read(0x40000, 4), 0xffffffffn);
    assert.equal(fl.read(0x7fffc, 4), 0xffffffffn);
    assert.equal(fl.read(0x80000, 4), 0n);
    assert.equal(fl.read(0x3fffc, 4), 0n);
    cmd(fl, 0x40010, 0x40);
    fl.write(0x40010, 4, 0x12345678n);
    assert.equal(fl.read(0x40010, 4), 0x00800080n); // status until read array
    cmd(fl, 0, 0xff);
    assert.equal(fl.read(0x40010, 4), 0x12345678n);
    // programming can only clear bits
    cmd(fl, 0x40010, 0x10);
    fl.write(0x40010, 4, 0xff00ff00n);
    cmd(fl, 0, 0xff);
    assert.equal(fl.read(0x40010, 4), 0x12005600n);
  });

  it('performs buffered programs on confirm', () => {
    const written: [number, number][] = [];
    const fl = new CfiFlash({ size: 4 * 0x40000, onWrite: (o, n) => written.push([o, n]) });
    cmd(fl, 0x40000, 0x20); cmd(fl, 0x40000, 0xd0);
    cmd(fl, 0x40100, 0xe8);
    assert.equal(fl.read(0x40100, 4) & 0x80n, 0x80n); // buffer available
    cmd(fl, 0x40100, 3); // 4 words per chip
    for (let i = 0; i < 4; i++) fl.write(0x40100 + 4 * i, 4, BigInt(0xa0a0a0a0 + i));
    cmd(fl, 0, 0xff); // not yet confirmed: the confirm must be 0xD0 ... this aborts
    assert.equal(fl.statusRegister & 0x30, 0x30);
    cmd(fl, 0, 0x50); // clear status -> read array
    assert.equal(fl.statusRegister, 0x80);
    assert.equal(fl.read(0x40100, 4), 0xffffffffn);
    cmd(fl, 0x40100, 0xe8);
    cmd(fl, 0x40100, 3);
    for (let i = 0; i < 4; i++) fl.write(0x40100 + 4 * i, 4, BigInt(0xa0a0a0a0 + i));
    cmd(fl, 0x40100, 0xd0);
    assert.equal(fl.statusRegister, 0x80);
    cmd(fl, 0, 0xff);
    for (let i = 0; i < 4; i++) assert.equal(fl.read(0x40100 + 4 * i, 4), BigInt(0xa0a0a0a0 + i));
    assert.deepEqual(written.slice(1), [[0x40100, 4], [0x40104, 4], [0x40108, 4], [0x4010c, 4]]);
  });

  it('refuses to change a read-only bank', () => {
    const fl = new CfiFlash({ size: 0x40000, contents: new Uint8Array([1, 2, 3, 4]), readOnly: true });
    cmd(fl, 0, 0x20); cmd(fl, 0, 0xd0);
    assert.equal(fl.statusRegister & 0x20, 0x20);
    cmd(fl, 0, 0x40); fl.write(0, 4, 0n);
    assert.equal(fl.statusRegister & 0x10, 0x10);
    cmd(fl, 0, 0xff);
    assert.equal(fl.read(0, 4), 0x04030201n);
  });
});

describe('PCIe host (gpex)', () => {
  it('shows the host bridge at 00:00.0 and all ones elsewhere', () => {
    const p = new PcieHost();
    const e = p.ecam;
    assert.equal(e.read(0, 4), 0x00081b36n);
    assert.equal(e.read(0, 2), 0x1b36n);
    assert.equal(e.read(2, 2), 0x0008n);
    assert.equal(e.read(0x08, 4), 0x06000000n);
    assert.equal(e.read(0x0c, 4), 0n); // header type 0, single function
    assert.equal(e.read(0x2c, 4), 0x11001af4n);
    for (let bar = 0x10; bar < 0x28; bar += 4) {
      e.write(bar, 4, 0xffffffffn);
      assert.equal(e.read(bar, 4), 0n); // no BARs
    }
    e.write(0x04, 2, 0xffffn);
    assert.equal(e.read(0x04, 2), 0x0507n);
    e.write(0x3c, 1, 0x2an);
    assert.equal(e.read(0x3c, 4), 0x2an);
    e.write(0x40, 4, 0xdeadbeefn);
    assert.equal(e.read(0x40, 4), 0xdeadbeefn);
    assert.equal(e.read(0x100, 4), 0xffffffffn); // conventional function: no extended space
    assert.equal(e.read(1 << 15, 4), 0xffffffffn); // 00:01.0
    assert.equal(e.read(1 << 12, 2), 0xffffn); // 00:00.1
    assert.equal(e.read(1 << 20, 4), 0xffffffffn); // 01:00.0
    assert.equal(e.read(0, 8), 0x0000000000081b36n | (BigInt(0x0507) << 32n));
    assert.equal(p.mmioWindow.read(0x1234, 4), 0xffffffffn);
    assert.equal(p.pioWindow.read(0, 1), 0xffn);
    assert.equal(p.mmioWindow.write(), true);
  });
});

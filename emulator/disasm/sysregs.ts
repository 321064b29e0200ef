// System register names for MRS/MSR operands (Arm ARM D19/D23 register index), by encoding
// op0:op1:CRn:CRm:op2. Encodings without a name print as objdump prints them: s<op0>_<op1>_c<n>_c<m>_<op2>.
// Where a read and a write use different names for one encoding, the name carries its direction.

type Dir = 'r' | 'w' | '';

/** key (op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2) -> names with their direction, in preference order. */
const REGS = new Map<number, [string, Dir][]>();

function key(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

function reg(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, dir: Dir = ''): void {
  const k = key(op0, op1, crn, crm, op2);
  const l = REGS.get(k);
  if (l) l.push([name, dir]); else REGS.set(k, [[name, dir]]);
}

/** Registers in one op0:op1:CRn group, written `name CRm op2` separated by commas. */
function group(op0: number, op1: number, crn: number, list: string): void {
  for (const item of list.split(',')) {
    const t = item.trim().split(/\s+/);
    if (t.length < 3) continue;
    reg(t[0], op0, op1, crn, Number(t[1]), Number(t[2]), (t[3] ?? '') as Dir);
  }
}

// ------------------------------------------------------------------ op0 = 2: debug and trace
group(2, 0, 0, 'osdtrrx_el1 0 2, mdccint_el1 2 0, mdscr_el1 2 2, osdtrtx_el1 3 2, oseccr_el1 6 2');
for (let n = 0; n < 16; n++) {
  reg(`dbgbvr${n}_el1`, 2, 0, 0, n, 4);
  reg(`dbgbcr${n}_el1`, 2, 0, 0, n, 5);
  reg(`dbgwvr${n}_el1`, 2, 0, 0, n, 6);
  reg(`dbgwcr${n}_el1`, 2, 0, 0, n, 7);
}
group(2, 0, 1, 'mdrar_el1 0 0, oslar_el1 0 4, oslsr_el1 1 4, osdlr_el1 3 4, dbgprcr_el1 4 4');
group(2, 0, 7, 'dbgclaimset_el1 8 6, dbgclaimclr_el1 9 6, dbgauthstatus_el1 14 6');
group(2, 3, 0, 'mdccsr_el0 1 0, dbgdtr_el0 4 0, dbgdtrrx_el0 5 0 r, dbgdtrtx_el0 5 0 w');
group(2, 4, 0, 'dbgvcr32_el2 7 0');
group(2, 2, 0, 'teecr32_el1 0 0');
group(2, 2, 1, 'teehbr32_el1 0 0');

// Trace unit (ETM/ETE) registers: op0=2, op1=1, CRn = offset<11:9>, op2 = offset<8:6>, CRm = offset<5:2>
function trc(name: string, offset: number): void {
  reg(name, 2, 1, (offset >> 9) & 7, (offset >> 2) & 15, (offset >> 6) & 7);
}
const TRC: [string, number][] = [
  ['trcprgctlr', 0x004], ['trcprocselr', 0x008], ['trcstatr', 0x00c], ['trcconfigr', 0x010],
  ['trcauxctlr', 0x018], ['trceventctl0r', 0x020], ['trceventctl1r', 0x024], ['trcrsr', 0x028],
  ['trcstallctlr', 0x02c], ['trctsctlr', 0x030], ['trcsyncpr', 0x034], ['trcccctlr', 0x038],
  ['trcbbctlr', 0x03c], ['trctraceidr', 0x040], ['trcqctlr', 0x044], ['trcvictlr', 0x080],
  ['trcviiectlr', 0x084], ['trcvissctlr', 0x088], ['trcvipcssctlr', 0x08c], ['trcvdctlr', 0x0a0],
  ['trcvdsacctlr', 0x0a4], ['trcvdarcctlr', 0x0a8], ['trcseqrstevr', 0x118], ['trcseqstr', 0x11c],
['trcoslar', 0x300], ['trcoslsr', 0x304], ['trcpdcr', 0x310], ['trcpdsr', 0x314],
  ['trccidcctlr0', 0x680], ['trccidcctlr1', 0x684], ['trcvmidcctlr0', 0x688], ['trcvmidcctlr1', 0x68c],
  ['trcitctrl', 0xf00], ['trcclaimset', 0xfa0], ['trcclaimclr', 0xfa4], ['trcdevaff0', 0xfa8],
  ['trcdevaff1', 0xfac], ['trclar', 0xfb0], ['trclsr', 0xfb4], ['trcauthstatus', 0xfb8],
  ['trcdevarch', 0xfbc], ['trcdevid', 0xfc8], ['trcdevtype', 0xfcc],
];
for (const [n, o] of TRC) trc(n, o);
for (let n = 0; n < 3; n++) trc(`trcseqevr${n}`, 0x100 + 4 * n);
for (let n = 0; n < 4; n++) {
  trc(`trcextinselr${n}`, 0x120 + 4 * n);
  trc(`trccntrldvr${n}`, 0x140 + 4 * n);
  trc(`trccntctlr${n}`, 0x150 + 4 * n);
  trc(`trccntvr${n}`, 0x160 + 4 * n);
  trc(`trccidr${n}`, 0xff0 + 4 * n);
  trc(`trcpidr${n}`, 0xfe0 + 4 * n);
  trc(`trcpidr${n + 4}`, 0xfd0 + 4 * n);
}
for (let n = 8; n < 14; n++) trc(`trcidr${n}`, 0x180 + 4 * (n - 8));
for (let n = 0; n < 8; n++) {
  trc(`trcimspec${n}`, 0x1c0 + 4 * n);
  trc(`trcidr${n}`, 0x1e0 + 4 * n);
  trc(`trcssccr${n}`, 0x280 + 4 * n);
  trc(`trcsscsr${n}`, 0x2a0 + 4 * n);
  trc(`trcsspcicr${n}`, 0x2c0 + 4 * n);
  trc(`trccidcvr${n}`, 0x600 + 8 * n);
  trc(`trcvmidcvr${n}`, 0x640 + 8 * n);
  // data value comparators: CRm = n<1:0>:00, op2 = 1:0:n<2> (value) / 1:1:n<2> (mask)
  reg(`trcdvcvr${n}`, 2, 1, 2, (n & 3) << 2, 4 | (n >> 2));
  reg(`trcdvcmr${n}`, 2, 1, 2, (n & 3) << 2, 6 | (n >> 2));
}
for (let n = 2; n < 32; n++) trc(`trcrsctlr${n}`, 0x200 + 4 * n);
for (let n = 0; n < 16; n++) {
  trc(`trcacvr${n}`, 0x400 + 8 * n);
  trc(`trcacatr${n}`, 0x480 + 8 * n);
}
// Call stack recorder
group(2, 3, 8, 'csrcr_el0 0 0, csrptr_el0 0 1, csridr_el0 0 2, csrptridx_el0 0 3');
group(2, 0, 8, 'csrcr_el1 0 0, csrptr_el1 0 1, csrptridx_el1 0 3');
group(2, 4, 8, 'csrcr_el2 0 0, csrptr_el2 0 1, csrptridx_el2 0 3');
group(2, 5, 8, 'csrcr_el12 0 0, csrptr_el12 0 1');
// Branch record buffer (FEAT_BRBE)
group(2, 1, 9, 'brbcr_el1 0 0, brbfcr_el1 0 1, brbts_el1 0 2, brbinfinj_el1 1 0, brbsrcinj_el1 1 1, brbtgtinj_el1 1 2, brbidr0_el1 2 0');
reg('brbcr_el2', 2, 4, 9, 0, 0);
reg('brbcr_el12', 2, 5, 9, 0, 0);
for (let n = 0; n < 32; n++) {
  reg(`brbinf${n}_el1`, 2, 1, 8, n & 15, (n >> 4) << 2);
  reg(`brbsrc${n}_el1`, 2, 1, 8, n & 15, ((n >> 4) << 2) | 1);
  reg(`brbtgt${n}_el1`, 2, 1, 8, n & 15, ((n >> 4) << 2) | 2);
}

// ------------------------------------------------------------------ op0 = 3, op1 = 0 (EL1)
group(3, 0, 0, `midr_el1 0 0, mpidr_el1 0 5, revidr_el1 0 6,
  id_pfr0_el1 1 0, id_pfr1_el1 1 1, id_dfr0_el1 1 2, id_afr0_el1 1 3, id_mmfr0_el1 1 4, id_mmfr1_el1 1 5,
  id_mmfr2_el1 1 6, id_mmfr3_el1 1 7, id_isar0_el1 2 0, id_isar1_el1 2 1, id_isar2_el1 2 2, id_isar3_el1 2 3,
  id_isar4_el1 2 4, id_isar5_el1 2 5, id_mmfr4_el1 2 6, id_isar6_el1 2 7, mvfr0_el1 3 0, mvfr1_el1 3 1,
  mvfr2_el1 3 2, id_pfr2_el1 3 4, id_dfr1_el1 3 5, id_mmfr5_el1 3 6,
  id_aa64pfr0_el1 4 0, id_aa64pfr1_el1 4 1, id_aa64zfr0_el1 4 4, id_aa64smfr0_el1 4 5,
  id_aa64dfr0_el1 5 0, id_aa64dfr1_el1 5 1, id_aa64afr0_el1 5 4, id_aa64afr1_el1 5 5,
  id_aa64isar0_el1 6 0, id_aa64isar1_el1 6 1, id_aa64isar2_el1 6 2,
  id_aa64mmfr0_el1 7 0, id_aa64mmfr1_el1 7 1, id_aa64mmfr2_el1 7 2`);
group(3, 0, 1, `sctlr_el1 0 0, actlr_el1 0 1, cpacr_el1 0 2, rgsr_el1 0 5, gcr_el1 0 6,
  zcr_el1 2 0, trfcr_el1 2 1, smpri_el1 2 4, smcr_el1 2 6`);
group(3, 0, 2, `ttbr0_el1 0 0, ttbr1_el1 0 1, tcr_el1 0 2,
  apiakeylo_el1 1 0, apiakeyhi_el1 1 1, apibkeylo_el1 1 2, apibkeyhi_el1 1 3,
  apdakeylo_el1 2 0, apdakeyhi_el1 2 1, apdbkeylo_el1 2 2, apdbkeyhi_el1 2 3,
  apgakeylo_el1 3 0, apgakeyhi_el1 3 1`);
group(3, 0, 4, `spsr_el1 0 0, elr_el1 0 1, sp_el0 1 0, spsel 2 0, currentel 2 2, pan 2 3, uao 2 4,
  allint 3 0, icc_pmr_el1 6 0`);
group(3, 0, 5, `afsr0_el1 1 0, afsr1_el1 1 1, esr_el1 2 0, erridr_el1 3 0, errselr_el1 3 1,
  erxfr_el1 4 0, erxctlr_el1 4 1, erxstatus_el1 4 2, erxaddr_el1 4 3, erxpfgf_el1 4 4, erxpfgctl_el1 4 5,
  erxpfgcdn_el1 4 6, erxmisc0_el1 5 0, erxmisc1_el1 5 1, erxmisc2_el1 5 2, erxmisc3_el1 5 3,
  tfsr_el1 6 0, tfsre0_el1 6 1`);
group(3, 0, 6, 'far_el1 0 0, prenr_el1 1 1, prselr_el1 2 1, prbar_el1 8 0, prlar_el1 8 1');
group(3, 4, 6, 'prenr_el2 1 1, prselr_el2 2 1, prbar_el2 8 0, prlar_el2 8 1');
// Armv8-R protection regions 1..15
for (let n = 1; n < 16; n++) {
  for (const [el, op1] of [['el1', 0], ['el2', 4]] as [string, number][]) {
    reg(`prbar${n}_${el}`, 3, op1, 6, 8 | (n >> 1), (n & 1) << 2);
    reg(`prlar${n}_${el}`, 3, op1, 6, 8 | (n >> 1), ((n & 1) << 2) | 1);
  }
}
reg('mpuir_el1', 3, 0, 0, 0, 4);
reg('mpuir_el2', 3, 4, 0, 0, 4);
group(3, 0, 7, 'par_el1 4 0');
group(3, 0, 9, `pmscr_el1 9 0, pmsnevfr_el1 9 1, pmsicr_el1 9 2, pmsirr_el1 9 3, pmsfcr_el1 9 4, pmsevfr_el1 9 5,
  pmslatfr_el1 9 6, pmsidr_el1 9 7, pmblimitr_el1 10 0, pmbptr_el1 10 1, pmbsr_el1 10 3, pmbidr_el1 10 7,
  trblimitr_el1 11 0, trbptr_el1 11 1, trbbaser_el1 11 2, trbsr_el1 11 3, trbmar_el1 11 4, trbtrg_el1 11 6,
  trbidr_el1 11 7, pmintenset_el1 14 1, pmintenclr_el1 14 2, pmmir_el1 14 6`);
group(3, 0, 10, `mair_el1 2 0, amair_el1 3 0, lorsa_el1 4 0, lorea_el1 4 1, lorn_el1 4 2, lorc_el1 4 3,
  mpamidr_el1 4 4, lorid_el1 4 7, mpam1_el1 5 0, mpam0_el1 5 1, mpamsm_el1 5 3`);
group(3, 0, 12, `vbar_el1 0 0, rvbar_el1 0 1, rmr_el1 0 2, isr_el1 1 0, disr_el1 1 1,
  icc_iar0_el1 8 0, icc_eoir0_el1 8 1, icc_hppir0_el1 8 2, icc_bpr0_el1 8 3,
  icc_ap0r0_el1 8 4, icc_ap0r1_el1 8 5, icc_ap0r2_el1 8 6, icc_ap0r3_el1 8 7,
  icc_ap1r0_el1 9 0, icc_ap1r1_el1 9 1, icc_ap1r2_el1 9 2, icc_ap1r3_el1 9 3, icc_nmiar1_el1 9 5,
  icc_dir_el1 11 1, icc_rpr_el1 11 3, icc_sgi1r_el1 11 5, icc_asgi1r_el1 11 6, icc_sgi0r_el1 11 7,
  icc_iar1_el1 12 0, icc_eoir1_el1 12 1, icc_hppir1_el1 12 2, icc_bpr1_el1 12 3, icc_ctlr_el1 12 4,
  icc_sre_el1 12 5, icc_igrpen0_el1 12 6, icc_igrpen1_el1 12 7`);
group(3, 0, 13, 'contextidr_el1 0 1, tpidr_el1 0 4, accdata_el1 0 5, scxtnum_el1 0 7');
group(3, 0, 14, 'cntkctl_el1 1 0');

// ------------------------------------------------------------------ op1 = 1..3
group(3, 1, 0, 'ccsidr_el1 0 0, clidr_el1 0 1, ccsidr2_el1 0 2, gmid_el1 0 4, smidr_el1 0 6, aidr_el1 0 7');
group(3, 2, 0, 'csselr_el1 0 0');
group(3, 3, 0, 'ctr_el0 0 1, dczid_el0 0 7');
group(3, 3, 2, 'rndr 4 0, rndrrs 4 1');
group(3, 3, 4, `nzcv 2 0, daif 2 1, svcr 2 2, dit 2 5, ssbs 2 6, tco 2 7, fpcr 4 0, fpsr 4 1,
  dspsr_el0 5 0, dlr_el0 5 1`);
group(3, 3, 9, `pmcr_el0 12 0, pmcntenset_el0 12 1, pmcntenclr_el0 12 2, pmovsclr_el0 12 3, pmswinc_el0 12 4,
  pmselr_el0 12 5, pmceid0_el0 12 6, pmceid1_el0 12 7, pmccntr_el0 13 0, pmxevtyper_el0 13 1,
  pmxevcntr_el0 13 2, pmuserenr_el0 14 0, pmovsset_el0 14 3`);
group(3, 3, 13, `tpidr_el0 0 2, tpidrro_el0 0 3, tpidr2_el0 0 5, scxtnum_el0 0 7,
  amcr_el0 2 0, amcfgr_el0 2 1, amcgcr_el0 2 2, amuserenr_el0 2 3, amcntenclr0_el0 2 4, amcntenset0_el0 2 5,
  amcg1idr_el0 2 6, amcntenclr1_el0 3 0, amcntenset1_el0 3 1`);
for (let n = 0; n < 4; n++) {
  reg(`amevcntr0${n}_el0`, 3, 3, 13, 4, n);
  reg(`amevtyper0${n}_el0`, 3, 3, 13, 6, n);
}
for (let n = 0; n < 16; n++) {
  reg(`amevcntr1${n}_el0`, 3, 3, 13, 12 + (n >> 3), n & 7);
  reg(`amevtyper1${n}_el0`, 3, 3, 13, 14 + (n >> 3), n & 7);
  reg(`amevcntvoff0${n}_el2`, 3, 4, 13, 8 + (n >> 3), n & 7);
  reg(`amevcntvoff1${n}_el2`, 3, 4, 13, 10 + (n >> 3), n & 7);
}
group(3, 3, 14, `cntfrq_el0 0 0, cntpct_el0 0 1, cntvct_el0 0 2, cntpctss_el0 0 5, cntvctss_el0 0 6,
  cntp_tval_el0 2 0, cntp_ctl_el0 2 1, cntp_cval_el0 2 2, cntv_tval_el0 3 0, cntv_ctl_el0 3 1, cntv_cval_el0 3 2,
  pmccfiltr_el0 15 7`);
for (let n = 0; n < 31; n++) {
  reg(`pmevcntr${n}_el0`, 3, 3, 14, 8 + (n >> 3), n & 7);
  reg(`pmevtyper${n}_el0`, 3, 3, 14, 12 + (n >> 3), n & 7);
}

// ------------------------------------------------------------------ op1 = 4 (EL2)
group(3, 4, 0, 'vpidr_el2 0 0, vmpidr_el2 0 5');
group(3, 4, 1, `sctlr_el2 0 0, actlr_el2 0 1, hcr_el2 1 0, mdcr_el2 1 1, cptr_el2 1 2, hstr_el2 1 3,
  hfgrtr_el2 1 4, hfgwtr_el2 1 5, hfgitr_el2 1 6, hacr_el2 1 7, zcr_el2 2 0, trfcr_el2 2 1, hcrx_el2 2 2,
  smprimap_el2 2 5, smcr_el2 2 6, sder32_el2 3 1`);
group(3, 4, 2, `ttbr0_el2 0 0, ttbr1_el2 0 1, tcr_el2 0 2, vttbr_el2 1 0, vtcr_el2 1 2, vncr_el2 2 0,
  vsttbr_el2 6 0, vstcr_el2 6 2`);
group(3, 4, 3, 'dacr32_el2 0 0, hdfgrtr_el2 1 4, hdfgwtr_el2 1 5, hafgrtr_el2 1 6');
group(3, 4, 4, `spsr_el2 0 0, elr_el2 0 1, sp_el1 1 0, spsr_irq 3 0, spsr_abt 3 1, spsr_und 3 2, spsr_fiq 3 3`);
group(3, 4, 5, `ifsr32_el2 0 1, afsr0_el2 1 0, afsr1_el2 1 1, esr_el2 2 0, vsesr_el2 2 3, fpexc32_el2 3 0,
  tfsr_el2 6 0`);
group(3, 4, 6, 'far_el2 0 0, hpfar_el2 0 4');
group(3, 4, 9, 'pmscr_el2 9 0');
group(3, 4, 10, 'mair_el2 2 0, amair_el2 3 0, mpamhcr_el2 4 0, mpamvpmv_el2 4 1, mpam2_el2 5 0');
for (let n = 0; n < 8; n++) reg(`mpamvpm${n}_el2`, 3, 4, 10, 6, n);
group(3, 4, 12, `vbar_el2 0 0, rvbar_el2 0 1, rmr_el2 0 2, vdisr_el2 1 1,
  ich_ap0r0_el2 8 0, ich_ap0r1_el2 8 1, ich_ap0r2_el2 8 2, ich_ap0r3_el2 8 3,
  ich_ap1r0_el2 9 0, ich_ap1r1_el2 9 1, ich_ap1r2_el2 9 2, ich_ap1r3_el2 9 3, icc_sre_el2 9 5,
  ich_hcr_el2 11 0, ich_vtr_el2 11 1, ich_misr_el2 11 2, ich_eisr_el2 11 3, ich_elrsr_el2 11 5,
  ich_vmcr_el2 11 7`);
for (let n = 0; n < 16; n++) reg(`ich_lr${n}_el2`, 3, 4, 12, 12 + (n >> 3), n & 7);
group(3, 4, 13, 'contextidr_el2 0 1, tpidr_el2 0 2, scxtnum_el2 0 7');
group(3, 4, 14, `cntvoff_el2 0 3, cntpoff_el2 0 6, cnthctl_el2 1 0,
  cnthp_tval_el2 2 0, cnthp_ctl_el2 2 1, cnthp_cval_el2 2 2, cnthv_tval_el2 3 0, cnthv_ctl_el2 3 1,
  cnthv_cval_el2 3 2, cnthvs_tval_el2 4 0, cnthvs_ctl_el2 4 1, cnthvs_cval_el2 4 2,
  cnthps_tval_el2 5 0, cnthps_ctl_el2 5 1, cnthps_cval_el2 5 2`);

// ------------------------------------------------------------------ op1 = 5 (EL12 / EL02)
group(3, 5, 1, 'sctlr_el12 0 0, cpacr_el12 0 2, zcr_el12 2 0, trfcr_el12 2 1, smcr_el12 2 6');
group(3, 5, 2, 'ttbr0_el12 0 0, ttbr1_el12 0 1, tcr_el12 0 2');
group(3, 5, 4, 'spsr_el12 0 0, elr_el12 0 1');
group(3, 5, 5, 'afsr0_el12 1 0, afsr1_el12 1 1, esr_el12 2 0, tfsr_el12 6 0');
group(3, 5, 6, 'far_el12 0 0');
group(3, 5, 9, 'pmscr_el12 9 0');
group(3, 5, 10, 'mair_el12 2 0, amair_el12 3 0, mpam1_el12 5 0');
group(3, 5, 12, 'vbar_el12 0 0');
group(3, 5, 13, 'contextidr_el12 0 1, scxtnum_el12 0 7');
group(3, 5, 14, `cntkctl_el12 1 0, cntp_tval_el02 2 0, cntp_ctl_el02 2 1, cntp_cval_el02 2 2,
  cntv_tval_el02 3 0, cntv_ctl_el02 3 1, cntv_cval_el02 3 2`);

// ------------------------------------------------------------------ op1 = 6 (EL3), 7
group(3, 6, 1, `sctlr_el3 0 0, actlr_el3 0 1, scr_el3 1 0, sder32_el3 1 1, cptr_el3 1 2, mdcr_el3 3 1,
  zcr_el3 2 0, smcr_el3 2 6`);
group(3, 6, 2, 'ttbr0_el3 0 0, tcr_el3 0 2, gptbr_el3 1 4, gpccr_el3 1 6');
group(3, 6, 4, 'spsr_el3 0 0, elr_el3 0 1, sp_el2 1 0');
group(3, 6, 5, 'afsr0_el3 1 0, afsr1_el3 1 1, esr_el3 2 0, tfsr_el3 6 0');
group(3, 6, 6, 'far_el3 0 0, mfar_el3 0 5');
group(3, 6, 10, 'mair_el3 2 0, amair_el3 3 0, mpam3_el3 5 0');
group(3, 6, 12, `vbar_el3 0 0, rvbar_el3 0 1, rmr_el3 0 2, icc_ctlr_el3 12 4, icc_sre_el3 12 5,
  icc_igrpen1_el3 12 7`);
group(3, 6, 13, 'tpidr_el3 0 2, scxtnum_el3 0 7');
group(3, 7, 14, 'cntps_tval_el1 2 0, cntps_ctl_el1 2 1, cntps_cval_el1 2 2');

/** The MRS (read) or MSR (write) operand for a system register encoding (op0 2..3). */
export function sysRegName(op0: number, op1: number, crn: number, crm: number, op2: number, read: boolean): string {
  const l = REGS.get(key(op0, op1, crn, crm, op2));
  if (l) {
    const want: Dir = read ? 'r' : 'w';
    const exact = l.find(([, d]) => d === '' || d === want);
    return (exact ?? l[0])[0];
  }
  return `s${op0}_${op1}_c${crn}_c${crm}_${op2}`;
}

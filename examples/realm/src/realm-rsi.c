// realm-rsi: conformance checks of the RSI calls themselves (in the spirit of kvm-unit-tests'
// arm/realm-rsi.c, written here from the RMM 1.0 behaviour in cca-facts.md §1):
//
//   version      RSI_VERSION 1.0, unsupported requests, FID decoding (W0; SVE hint bit 16),
//                X4..X10 preserved across a call
//   features     RSI_FEATURES
//   config       RSI_REALM_CONFIG and its input errors
//   smccc        SMCCC_VERSION, PSCI_VERSION, PSCI_FEATURES answered by the RMM
//   host_call    RSI_HOST_CALL: SMCCC_VERSION through the host (0x10001), an unknown FID (-1),
//                input errors
//   hvc          HVC is UNDEFINED in a Realm (EC 0), whatever the function ID
//   unknown      unknown function IDs return -1
//   ipa_state    8 MiB buffer with a 20 KiB hole set EMPTY: IPA_STATE_GET reports RAM / EMPTY / RAM
//                with correct tops; every input error of IPA_STATE_SET and IPA_STATE_GET
//
// Runs with the MMU off (IPA = address). Last line: PASS or FAIL: <what>.
#include "realm.h"

#define BUF_SIZE   (8 * 0x100000UL)
#define HOLE_OFF   (3 * 0x100000UL + 0x2000)  // inside the second 2 MiB of the buffer
#define HOLE_SIZE  (20 * 1024UL)

static uint8_t big_buf[BUF_SIZE] NOINIT __attribute__((aligned(0x200000)));
static struct realm_config config_buf PAGE_ALIGNED;
static struct host_call host_call_buf __attribute__((aligned(4096)));

static void test_version(void)
{
    section("version");
    uint64_t lo = 0, hi = 0;
    uint64_t st = rsi_version(RSI_ABI_1_0, &lo, &hi);
    expect_status("RSI_VERSION(0x10000) X0", st, RSI_SUCCESS);
    expect_u64("RSI_VERSION(0x10000) X1 (lower implemented revision)", lo, 0x10000);
    expect_u64("RSI_VERSION(0x10000) X2 (higher implemented revision)", hi, 0x10000);
    st = rsi_version(0x20000, &lo, &hi);
    expect_status("RSI_VERSION(2.0) X0 (not implemented)", st, RSI_ERROR_INPUT);
    expect_u64("RSI_VERSION(2.0) X2 (higher implemented revision)", hi, 0x10000);
    st = rsi_version(0x10001, &lo, &hi);
    expect_status("RSI_VERSION(1.1) X0 (an RMM 1.0 implements 1.0 only)", st, RSI_ERROR_INPUT);

    // The function ID is W0: the upper half of X0 is ignored, and so is the SMCCC SVE hint (bit 16).
    struct smc_regs r = { { 0xffffffff00000000UL | RSI_VERSION, RSI_ABI_1_0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } };
    smc_call(&r);
    expect_status("RSI_VERSION with X0[63:32] set (the FID is W0)", r.x[0], RSI_SUCCESS);
    struct smc_regs s = { { RSI_VERSION | (1u << 16), RSI_ABI_1_0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } };
    smc_call(&s);
    expect_status("RSI_VERSION with the SMCCC SVE hint (FID bit 16)", s.x[0], RSI_SUCCESS);

    // SMCCC: registers above the results are preserved.
    struct smc_regs t = { { RSI_VERSION, RSI_ABI_1_0, 0, 0, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888, 0x9999, 0xaaaa } };
    smc_call(&t);
    int kept = t.x[4] == 0x4444 && t.x[5] == 0x5555 && t.x[6] == 0x6666 && t.x[7] == 0x7777 &&
               t.x[8] == 0x8888 && t.x[9] == 0x9999 && t.x[10] == 0xaaaa;
    char got[120];
    fmt_str(got, sizeof got, "X4..X10 = %lx %lx %lx %lx %lx %lx %lx", t.x[4], t.x[5], t.x[6], t.x[7], t.x[8], t.x[9], t.x[10]);
    expect_true("RSI_VERSION preserves X4..X10", kept, got, "4444 5555 6666 7777 8888 9999 aaaa");
}

static void test_features(void)
{
    section("features");
    uint64_t v = 0xdead;
    uint64_t st = rsi_features(0, &v);
    expect_status("RSI_FEATURES(0) X0", st, RSI_SUCCESS);
    expect_u64("RSI_FEATURES(0) X1 (no optional features in RMM 1.0)", v, 0);
    v = 0xdead;
    st = rsi_features(1, &v);
    expect_status("RSI_FEATURES(1) X0", st, RSI_SUCCESS);
    expect_u64("RSI_FEATURES(1) X1", v, 0);
}

static void test_config(void)
{
    section("config");
    memset(&config_buf, 0xa5, sizeof config_buf);
    uint64_t st = rsi_realm_config((uint64_t)&config_buf);
    expect_status("RSI_REALM_CONFIG(page-aligned RAM page)", st, RSI_SUCCESS);
    expect_u64("RsiRealmConfig.ipa_width (same as at start-up)", config_buf.ipa_width, ipa_width);
    expect_u64("RsiRealmConfig.hash_algo (same as at start-up)", config_buf.hash_algo, hash_algo);
    pr("     RPV: ");
    pr_hex(config_buf.rpv, 64);
    pr("\n");
    st = rsi_realm_config((uint64_t)&config_buf + 8);
    expect_status("RSI_REALM_CONFIG(unaligned address)", st, RSI_ERROR_INPUT);
    st = rsi_realm_config((uint64_t)&config_buf | top_bit);
    expect_status("RSI_REALM_CONFIG(unprotected IPA)", st, RSI_ERROR_INPUT);
}

static void test_smccc(void)
{
    section("smccc");
    struct smc_regs r;
    rsi_call(SMCCC_VERSION, 0, 0, 0, 0, &r);
    expect_u64("SMCCC_VERSION (answered by the RMM: SMCCC 1.2)", r.x[0], 0x10002);
    rsi_call(PSCI_VERSION, 0, 0, 0, 0, &r);
    expect_u64("PSCI_VERSION (PSCI 1.1)", r.x[0], 0x10001);
    rsi_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0, 0, &r);
    expect_u64("PSCI_FEATURES(SYSTEM_OFF)", r.x[0], 0);
    rsi_call(PSCI_FEATURES, PSCI_FEATURES, 0, 0, 0, &r);
    expect_u64("PSCI_FEATURES(PSCI_FEATURES)", r.x[0], 0);
    rsi_call(PSCI_FEATURES, PSCI_MIGRATE, 0, 0, 0, &r);
    expect_u64("PSCI_FEATURES(MIGRATE) (NOT_SUPPORTED)", r.x[0], SMC_UNKNOWN);
    rsi_call(SMCCC_ARCH_FEATURES, 0x80008000u, 0, 0, 0, &r);
    expect_u64("SMCCC_ARCH_FEATURES (not answered by an RMM 1.0)", r.x[0], SMC_UNKNOWN);
}

static void test_host_call(void)
{
    section("host_call");
    struct host_call *hc = &host_call_buf;
    memset(hc, 0, sizeof *hc);
    hc->imm = 0x1234;
    hc->gprs[0] = SMCCC_VERSION;
    uint64_t st = rsi_host_call((uint64_t)hc);
    expect_status("RSI_HOST_CALL(gprs[0] = SMCCC_VERSION) X0", st, RSI_SUCCESS);
    expect_u64("RSI_HOST_CALL(gprs[0] = SMCCC_VERSION): gprs[0] from the host (KVM: SMCCC 1.1)", hc->gprs[0], 0x10001);
    memset(hc, 0, sizeof *hc);
    hc->gprs[0] = 0xC5000041u;
    st = rsi_host_call((uint64_t)hc);
    expect_status("RSI_HOST_CALL(gprs[0] = 0xC5000041) X0", st, RSI_SUCCESS);
    expect_u64("RSI_HOST_CALL(gprs[0] = 0xC5000041): gprs[0] from the host (unknown FID)", hc->gprs[0], SMC_UNKNOWN);
    st = rsi_host_call((uint64_t)hc + 8);
    expect_status("RSI_HOST_CALL(address + 8: not 256-byte aligned)", st, RSI_ERROR_INPUT);
    st = rsi_host_call((uint64_t)hc + 0x80);
    expect_status("RSI_HOST_CALL(address + 0x80: not 256-byte aligned)", st, RSI_ERROR_INPUT);
    st = rsi_host_call((uint64_t)hc | top_bit);
    expect_status("RSI_HOST_CALL(unprotected IPA)", st, RSI_ERROR_INPUT);
}

static void test_hvc(void)
{
    section("hvc");
    static const uint32_t fids[2] = { PSCI_VERSION, RSI_VERSION };
    for (int i = 0; i < 2; i++) {
        char what[120];
        struct smc_regs r = { { fids[i], RSI_ABI_1_0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } };
        struct fault f;
        fault_arm();
        hvc_call(&r);
        fault_disarm(&f);
        fmt_str(what, sizeof what, "HVC #0 with X0 = 0x%x: exceptions taken", fids[i]);
        expect_u64(what, f.count, 1);
        if (!f.count) continue;
        char desc[160];
        describe_esr(f.esr, desc, sizeof desc);
        pr("     ESR_EL1 0x%lx (%s), ELR_EL1 0x%lx\n", f.esr, desc, f.elr);
        fmt_str(what, sizeof what, "HVC #0 with X0 = 0x%x: ESR_EL1 (EC 0 unknown reason, IL 1)", fids[i]);
        expect_u64(what, f.esr, 0x02000000);
        fmt_str(what, sizeof what, "HVC #0 with X0 = 0x%x: ELR_EL1 (the HVC itself)", fids[i]);
        expect_u64(what, f.elr, (uint64_t)hvc_insn);
    }
}

static void test_unknown(void)
{
    section("unknown");
    static const uint32_t fids[] = {
        0xC400019A,    // first unused RSI number in 1.0 (1.1: VSMMU_GET_INFO)
        0xC40001AF,    // last of the RSI range
        0xC4000150,    // RMI_VERSION: the host's interface, not the Realm's
        0xC5000041,    // vendor hypervisor service
        0x82000000,    // SiP service
    };
    for (unsigned i = 0; i < sizeof fids / sizeof fids[0]; i++) {
        char what[80];
        fmt_str(what, sizeof what, "SMC with FID 0x%x", fids[i]);
        expect_status(what, rsi_call(fids[i], 0, 0, 0, 0, 0), SMC_UNKNOWN);
    }
}

struct run { uint64_t base, top, ripas; };

// Walks [base, end) with IPA_STATE_GET, printing each call, and merges neighbouring results with
// the same RIPAS (an RMM may stop at the end of an RTT even when the RIPAS does not change).
static unsigned ripas_walk(uint64_t base, uint64_t end, struct run *runs, unsigned max)
{
    unsigned n = 0;
    uint64_t cur = base;
    for (unsigned calls = 0; cur < end && calls < 4096; calls++) {
        uint64_t top = 0, ripas = 0;
        uint64_t st = rsi_ipa_state_get(cur, end, &top, &ripas);
        pr("     RSI_IPA_STATE_GET(0x%lx, 0x%lx) -> X0 = %s, X1 = 0x%lx, X2 = %s\n", cur, end, status_name(st), top, ripas_name(ripas));
        if (st != RSI_SUCCESS || top <= cur || top > end || (top & (PAGE_SIZE - 1))) {
            note_failure("RSI_IPA_STATE_GET(0x%lx, 0x%lx) returned X0 = %lu, X1 = 0x%lx", cur, end, st, top);
            return n;
        }
        if (n && runs[n - 1].ripas == ripas && runs[n - 1].top == cur) runs[n - 1].top = top;
        else if (n < max) runs[n++] = (struct run){ cur, top, ripas };
        else { note_failure("RSI_IPA_STATE_GET: more than %u RIPAS runs", max); return n; }
        cur = top;
    }
    return n;
}

static void expect_runs(const char *what, const struct run *got, unsigned n, const struct run *want, unsigned m)
{
    char g[200], w[200];
    size_t gl = 0, wl = 0;
    g[0] = w[0] = 0;
    for (unsigned i = 0; i < n && gl < sizeof g - 60; i++)
        gl += (size_t)fmt_str(g + gl, sizeof g - gl, "%s[0x%lx,0x%lx) %s", i ? " " : "", got[i].base, got[i].top, ripas_name(got[i].ripas));
    for (unsigned i = 0; i < m && wl < sizeof w - 60; i++)
        wl += (size_t)fmt_str(w + wl, sizeof w - wl, "%s[0x%lx,0x%lx) %s", i ? " " : "", want[i].base, want[i].top, ripas_name(want[i].ripas));
    int ok = n == m;
    for (unsigned i = 0; ok && i < n; i++)
        ok = got[i].base == want[i].base && got[i].top == want[i].top && got[i].ripas == want[i].ripas;
    expect_true(what, ok, g, w);
}

static void get_exact(const char *what, uint64_t base, uint64_t end, uint64_t want_top, uint64_t want_ripas)
{
    char w[160];
    uint64_t top = 0, ripas = 0;
    uint64_t st = rsi_ipa_state_get(base, end, &top, &ripas);
    fmt_str(w, sizeof w, "RSI_IPA_STATE_GET(0x%lx, 0x%lx) %s: X0", base, end, what);
    expect_status(w, st, RSI_SUCCESS);
    fmt_str(w, sizeof w, "RSI_IPA_STATE_GET(0x%lx, 0x%lx) %s: X1 (top)", base, end, what);
    expect_u64(w, top, want_top);
    fmt_str(w, sizeof w, "RSI_IPA_STATE_GET(0x%lx, 0x%lx) %s: X2 (RIPAS %s)", base, end, what, ripas_name(want_ripas));
    expect_u64(w, ripas, want_ripas);
}

static void test_ipa_state(void)
{
    section("ipa_state");
    uint64_t buf = (uint64_t)big_buf, end = buf + BUF_SIZE;
    uint64_t hole = buf + HOLE_OFF, hole_end = hole + HOLE_SIZE;
    struct run runs[8];
    pr("     buffer [0x%lx, 0x%lx) (8 MiB), hole [0x%lx, 0x%lx) (20 KiB)\n", buf, end, hole, hole_end);

    unsigned n = ripas_walk(buf, end, runs, 8);
    struct run all_ram[1] = { { buf, end, RIPAS_RAM } };
    expect_runs("RIPAS of the buffer before", runs, n, all_ram, 1);

    ripas_set(hole, hole_end, RIPAS_EMPTY, RSI_NO_CHANGE_DESTROYED, 1);
    n = ripas_walk(buf, end, runs, 8);
    struct run with_hole[3] = { { buf, hole, RIPAS_RAM }, { hole, hole_end, RIPAS_EMPTY }, { hole_end, end, RIPAS_RAM } };
    expect_runs("RIPAS of the buffer with the hole (RAM / EMPTY / RAM)", runs, n, with_hole, 3);
    // Within one last-level table the RMM must stop exactly where the RIPAS changes.
    get_exact("from the page before the hole", hole - PAGE_SIZE, end, hole, RIPAS_RAM);
    get_exact("from the hole", hole, end, hole_end, RIPAS_EMPTY);
    get_exact("from inside the hole", hole + PAGE_SIZE, end, hole_end, RIPAS_EMPTY);
    get_exact("one page of the hole", hole + 2 * PAGE_SIZE, hole + 3 * PAGE_SIZE, hole + 3 * PAGE_SIZE, RIPAS_EMPTY);
    get_exact("after the hole, up to 64 KiB further", hole_end, hole_end + 0x10000, hole_end + 0x10000, RIPAS_RAM);

    // Buffers the RMM writes must be RIPAS RAM.
    uint64_t st = rsi_realm_config(hole);
    expect_status("RSI_REALM_CONFIG(a RIPAS EMPTY page)", st, RSI_ERROR_INPUT);
    st = rsi_host_call(hole + PAGE_SIZE);
    expect_status("RSI_HOST_CALL(a RIPAS EMPTY page)", st, RSI_ERROR_INPUT);

    ripas_set(hole, hole_end, RIPAS_RAM, RSI_CHANGE_DESTROYED, 1);
    n = ripas_walk(buf, end, runs, 8);
    expect_runs("RIPAS of the buffer after the hole is RAM again", runs, n, all_ram, 1);

    section("ipa_state_errors");
    struct { const char *what; uint64_t base, top, ripas, flags; } bad_set[] = {
        { "base not granule aligned", buf + 1, buf + PAGE_SIZE, RIPAS_EMPTY, 0 },
        { "top not granule aligned", buf, buf + 0x1800, RIPAS_EMPTY, 0 },
        { "top == base", buf, buf, RIPAS_EMPTY, 0 },
        { "top < base", buf + PAGE_SIZE, buf, RIPAS_EMPTY, 0 },
        { "base in the unprotected half", buf | top_bit, (buf | top_bit) + PAGE_SIZE, RIPAS_EMPTY, 0 },
        { "top beyond the protected half", top_bit - PAGE_SIZE, top_bit + PAGE_SIZE, RIPAS_EMPTY, 0 },
        { "RIPAS DESTROYED requested", buf, buf + PAGE_SIZE, RIPAS_DESTROYED, 0 },
        { "RIPAS DESTROYED requested, CHANGE_DESTROYED", buf, buf + PAGE_SIZE, RIPAS_DESTROYED, RSI_CHANGE_DESTROYED },
        { "RIPAS 3 (DEV, RMM 1.1 only) requested", buf, buf + PAGE_SIZE, RIPAS_DEV, 0 },
    };
    for (unsigned i = 0; i < sizeof bad_set / sizeof bad_set[0]; i++) {
        char what[200];
        uint64_t nb = 0, resp = 0;
        st = rsi_ipa_state_set(bad_set[i].base, bad_set[i].top, bad_set[i].ripas, bad_set[i].flags, &nb, &resp);
        fmt_str(what, sizeof what, "RSI_IPA_STATE_SET(0x%lx, 0x%lx, %lu, %lu): %s", bad_set[i].base, bad_set[i].top,
                bad_set[i].ripas, bad_set[i].flags, bad_set[i].what);
        expect_status(what, st, RSI_ERROR_INPUT);
    }
    expect_ripas("RIPAS of the buffer after the refused requests", buf, buf + 2 * PAGE_SIZE, RIPAS_RAM, 0);
    struct { const char *what; uint64_t base, end; } bad_get[] = {
        { "base not granule aligned", buf + 8, buf + PAGE_SIZE },
        { "end not granule aligned", buf, buf + 0x800 },
        { "end == base", buf, buf },
        { "end < base", buf + PAGE_SIZE, buf },
        { "base in the unprotected half", buf | top_bit, (buf | top_bit) + PAGE_SIZE },
        { "end beyond the protected half", buf, top_bit + PAGE_SIZE },
    };
    for (unsigned i = 0; i < sizeof bad_get / sizeof bad_get[0]; i++) {
        char what[200];
        uint64_t top = 0, ripas = 0;
        st = rsi_ipa_state_get(bad_get[i].base, bad_get[i].end, &top, &ripas);
        fmt_str(what, sizeof what, "RSI_IPA_STATE_GET(0x%lx, 0x%lx): %s", bad_get[i].base, bad_get[i].end, bad_get[i].what);
        expect_status(what, st, RSI_ERROR_INPUT);
    }
}

int main(uint64_t x0);
int main(uint64_t x0)
{
    (void)x0;
    program_name = "realm-rsi";
    realm_init(1);
    pr("realm-rsi: RSI conformance checks (MMU off)\n");
    test_version();
    test_features();
    test_config();
    test_smccc();
    test_host_call();
    test_hvc();
    test_unknown();
    test_ipa_state();
    finish();
}

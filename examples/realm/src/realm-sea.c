// realm-sea: the synchronous external aborts the RMM injects into a Realm (in the spirit of
// kvm-unit-tests' arm/realm-sea.c; behaviour from cca-facts.md §2.2):
//
//   - a load and a store to a RIPAS EMPTY page: data abort (EC 0x25), DFSC 0x10, EA, FAR = address
//   - an instruction fetch from a RIPAS EMPTY page: instruction abort (EC 0x21), IFSC 0x10
//   - an instruction fetch from an unprotected IPA, both a shared page holding valid code and an
//     alias that the host never mapped: instruction abort, IFSC 0x10 (no execution from
//     unprotected IPAs)
//   - a load from an IPA above 2^ipa_width (when PARange allows such an address): data abort,
//     DFSC 0x10
//   - after the page returns to RAM it is accessible again and reads zero
//
// Everything runs twice: with the MMU off (the address is the IPA) and with the MMU on (identity
// map; the unprotected bit and other IPAs are put in descriptors' output addresses). The last
// line is PASS or FAIL: <what>.
#include "realm.h"

static uint8_t sea_pages[2 * PAGE_SIZE] PAGE_ALIGNED;   // data page, code page (made EMPTY)
static uint8_t ns_page[PAGE_SIZE] PAGE_ALIGNED;         // shared with the host, holds code
static uint8_t window[PAGE_SIZE] PAGE_ALIGNED;          // a VA to map other IPAs with (MMU on)

static uint64_t gadget(void) __attribute__((noinline, aligned(64)));
static uint64_t gadget(void) { return 0x77; }

static void put_code(uint64_t addr, uint16_t value)     // MOV X0, #value; RET
{
    volatile uint32_t *p = (volatile uint32_t *)addr;
    p[0] = INSN_MOVZ_X0(value);
    p[1] = INSN_RET;
    code_written(addr, 8);
}

// Calls addr (or loads from it) expecting no exception and the value want.
static void expect_no_fault(const char *what, uint64_t addr, int call, uint64_t want)
{
    struct fault f;
    fault_arm();
    uint64_t r = call ? probe_exec(addr) : probe_read64(addr);
    fault_disarm(&f);
    if (f.count) {
        char got[200], desc[160];
        describe_esr(f.esr, desc, sizeof desc);
        fmt_str(got, sizeof got, "an exception (ESR_EL1 0x%lx: %s; FAR_EL1 0x%lx)", f.esr, desc, f.far);
        char w[40];
        fmt_str(w, sizeof w, "0x%lx", want);
        expect_true(what, 0, got, w);
    } else {
        expect_u64(what, r, want);
    }
}

static void phase(int mmu_on)
{
    char what[160];
    struct fault f;
    const char *ph = mmu_on ? "MMU on" : "MMU off";
    uint64_t data = (uint64_t)sea_pages, code = data + PAGE_SIZE, ns = (uint64_t)ns_page;

    fmt_str(what, sizeof what, "%s: EMPTY pages", ph);
    section(what);
    put_code(code, 0x1234);
    *(volatile uint64_t *)data = 0x1122334455667788UL;
    fmt_str(what, sizeof what, "%s: calling code in a RAM page (0x%lx) returns its value", ph, code);
    expect_no_fault(what, code, 1, 0x1234);
    uint64_t r;
    ripas_set(data, code + PAGE_SIZE, RIPAS_EMPTY, RSI_NO_CHANGE_DESTROYED, 0);

    fault_arm();
    probe_read64(data);
    fault_disarm(&f);
    fmt_str(what, sizeof what, "%s: load from an EMPTY page", ph);
    expect_sea(what, &f, EC_DABT_CUR, data, (uint64_t)probe_read64, 0);

    fault_arm();
    probe_write64(data + 8, 1);
    fault_disarm(&f);
    fmt_str(what, sizeof what, "%s: store to an EMPTY page", ph);
    expect_sea(what, &f, EC_DABT_CUR, data + 8, (uint64_t)probe_write64, 1);

    fault_arm();
    probe_exec(code);
    fault_disarm(&f);
    fmt_str(what, sizeof what, "%s: instruction fetch from an EMPTY page", ph);
    expect_sea(what, &f, EC_IABT_CUR, code, code, -1);

    fmt_str(what, sizeof what, "%s: unprotected IPAs", ph);
    section(what);
    // A shared page with valid code in it: the host maps it, but the Realm may not execute it.
    ripas_set(ns, ns + PAGE_SIZE, RIPAS_EMPTY, RSI_CHANGE_DESTROYED, 0);
    uint64_t ns_va = mmu_on ? ns : ns | top_bit;
    if (mmu_on) mmu_update_pages(ns, PAGE_SIZE, top_bit, 0);
    put_code(ns_va, 0x5678);
    fmt_str(what, sizeof what, "%s: code written to the shared page reads back through IPA 0x%lx", ph, ns | top_bit);
    expect_u64(what, *(volatile uint32_t *)ns_va, INSN_MOVZ_X0(0x5678));
    fault_arm();
    r = probe_exec(ns_va);
    fault_disarm(&f);
    fmt_str(what, sizeof what, "%s: instruction fetch from a shared page (IPA 0x%lx)", ph, ns | top_bit);
    if (!f.count) pr("     the code at IPA 0x%lx ran and returned 0x%lx\n", ns | top_bit, r);
    expect_sea(what, &f, EC_IABT_CUR, ns_va, ns_va, -1);
    ripas_set(ns, ns + PAGE_SIZE, RIPAS_RAM, RSI_CHANGE_DESTROYED, 0);
    if (mmu_on) mmu_update_pages(ns, PAGE_SIZE, 0, top_bit);

    // The unprotected alias of this firmware's own code, which the host never mapped.
    uint64_t g = (uint64_t)gadget, g_ipa = g | top_bit;
    uint64_t g_va = g_ipa;
    if (mmu_on) {
        g_va = (uint64_t)window + (g & (PAGE_SIZE - 1));
        mmu_remap_page((uint64_t)window, (g & ~(PAGE_SIZE - 1)) | top_bit, PTE_NORMAL);
    }
    fault_arm();
    r = probe_exec(g_va);
    fault_disarm(&f);
    fmt_str(what, sizeof what, "%s: instruction fetch from the unprotected alias of this firmware's code (IPA 0x%lx)", ph, g_ipa);
    if (!f.count) pr("     the code at IPA 0x%lx ran and returned 0x%lx\n", g_ipa, r);
    expect_sea(what, &f, EC_IABT_CUR, g_va, g_va, -1);

    fmt_str(what, sizeof what, "%s: beyond the IPA space", ph);
    section(what);
    uint64_t beyond = 1UL << ipa_width;
    int possible = mmu_on ? ipa_width < pa_bits && ipa_width < 48 : ipa_width < pa_bits;
    if (!possible) {
        note_skip("%s: a load from IPA 0x%lx: PARange (%lu bits) leaves no room above ipa_width %lu (it would be a "
                  "stage-1 address size fault, not the RMM's abort)", ph, beyond, pa_bits, ipa_width);
    } else {
        uint64_t va = beyond;
        if (mmu_on) {
            va = (uint64_t)window;
            mmu_remap_page(va, beyond, PTE_NORMAL | PTE_XN);
        }
        fault_arm();
        probe_read64(va);
        fault_disarm(&f);
        fmt_str(what, sizeof what, "%s: load from IPA 0x%lx (2^ipa_width)", ph, beyond);
        expect_sea(what, &f, EC_DABT_CUR, va, (uint64_t)probe_read64, 0);
    }
    if (mmu_on) mmu_remap_page((uint64_t)window, (uint64_t)window, PTE_NORMAL);

    fmt_str(what, sizeof what, "%s: back to RAM", ph);
    section(what);
    ripas_set(data, code + PAGE_SIZE, RIPAS_RAM, RSI_CHANGE_DESTROYED, 0);
    fmt_str(what, sizeof what, "%s: the page reads zero after its return to RAM (was 0x1122334455667788)", ph);
    expect_no_fault(what, data, 0, 0);
    put_code(code, 0x4321);
    fmt_str(what, sizeof what, "%s: code in the page runs again after its return to RAM", ph);
    expect_no_fault(what, code, 1, 0x4321);
}

int main(uint64_t x0);
int main(uint64_t x0)
{
    (void)x0;
    program_name = "realm-sea";
    realm_init(1);
    pr("realm-sea: synchronous external aborts injected by the RMM\n");
    expect_u64("gadget() called directly", gadget(), 0x77);
    phase(0);
    mmu_identity_setup();
    mmu_enable();
    console_enable(UART_IPA);
    pr("MMU on (identity map; the UART at VA 0x%lx -> IPA 0x%lx)\n", UART_IPA, UART_IPA | top_bit);
    phase(1);
    finish();
}

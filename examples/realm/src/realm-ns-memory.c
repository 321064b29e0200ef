// realm-ns-memory: memory shared with the host and taken back (in the spirit of kvm-unit-tests'
// arm/realm-ns-memory.c; behaviour from cca-facts.md §2.4):
//
//   static   a static buffer (.data, part of the measured image): its contents are the image's;
//            shared (IPA_STATE_SET EMPTY), it is written and read through the unprotected alias
//            (MMU off: IPA | top bit); the protected address now aborts; converted back to RAM it
//            reads zero (the host hands back zeroed granules), never what was written while shared
//   dynamic  pages taken from main RAM after the device tree, MMU on, shared as EDK2 does (set the
//            descriptor's unprotected bit, then IPA_STATE_SET EMPTY; close with IPA_STATE_SET RAM,
//            then clear the bit); only the middle pages of four are shared: the neighbours keep
//            their data, the shared pages read zero afterwards
//
// The last line is PASS or FAIL: <what>.
#include "realm.h"

#define STATIC_PAGES 2
static uint8_t static_buf[STATIC_PAGES * PAGE_SIZE] PAGE_ALIGNED = "realm-ns-memory: static buffer in the measured image";
static const char static_text[] = "realm-ns-memory: static buffer in the measured image";

static size_t count_not(volatile const uint8_t *p, size_t n, uint8_t (*want)(size_t))
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) bad += p[i] != want(i);
    return bad;
}

static uint8_t pattern_shared(size_t i) { return (uint8_t)(0xa5 ^ (i * 13)); }
static uint8_t pattern_private(size_t i) { return (uint8_t)(0x3c + i * 7); }
static uint8_t zero(size_t i) { (void)i; return 0; }

static void expect_contents(const char *what, volatile const uint8_t *p, size_t n, uint8_t (*want)(size_t), const char *desc)
{
    char got[60];
    size_t bad = count_not(p, n, want);
    fmt_str(got, sizeof got, "%lu of %lu bytes differ", (uint64_t)bad, (uint64_t)n);
    expect_true(what, bad == 0, got, desc);
}

static void test_static(void)
{
    section("static (MMU off)");
    uint64_t base = (uint64_t)static_buf, top = base + sizeof static_buf;
    volatile uint8_t *alias = (volatile uint8_t *)(base | top_bit);
    struct fault f;
    expect_true("the static buffer holds the image's bytes", memcmp(static_buf, static_text, sizeof static_text) == 0,
                memcmp(static_buf, static_text, sizeof static_text) == 0 ? "the image's text" : "other bytes", "the image's text");
    expect_ripas("RIPAS of the static buffer", base, top, RIPAS_RAM, 0);

    ripas_set(base, top, RIPAS_EMPTY, RSI_CHANGE_DESTROYED, 1);
    expect_ripas("RIPAS of the static buffer after sharing", base, top, RIPAS_EMPTY, 0);
    for (size_t i = 0; i < sizeof static_buf; i++) alias[i] = pattern_shared(i);
    char what[120];
    fmt_str(what, sizeof what, "written through the unprotected alias 0x%lx and read back", base | top_bit);
    expect_contents(what, alias, sizeof static_buf, pattern_shared, "0 bytes differ");
    fault_arm();
    probe_read64(base + 0x40);
    fault_disarm(&f);
    expect_sea("load from the protected address while the buffer is shared", &f, EC_DABT_CUR, base + 0x40,
               (uint64_t)probe_read64, 0);

    ripas_set(base, top, RIPAS_RAM, RSI_CHANGE_DESTROYED, 1);
    expect_ripas("RIPAS of the static buffer after its return to RAM", base, top, RIPAS_RAM, 0);
    expect_contents("the static buffer after its return to RAM", (volatile uint8_t *)static_buf, sizeof static_buf, zero,
                    "all zero");
    // And it is ordinary memory again.
    for (size_t i = 0; i < sizeof static_buf; i++) static_buf[i] = pattern_private(i);
    expect_contents("the static buffer written and read at its protected address", (volatile uint8_t *)static_buf,
                    sizeof static_buf, pattern_private, "0 bytes differ");
}

static void test_dynamic(void)
{
    section("dynamic (MMU on, main RAM)");
    uint64_t pages = main_ram_free();
    if (pages + 4 * PAGE_SIZE > MAIN_RAM_BASE + 0x400000UL) {
        note_skip("the device tree leaves no room in the page-mapped first 4 MiB of main RAM");
        return;
    }
    volatile uint8_t *p = (volatile uint8_t *)pages;
    uint64_t shared = pages + PAGE_SIZE, shared_top = pages + 3 * PAGE_SIZE;
    for (size_t i = 0; i < 4 * PAGE_SIZE; i++) p[i] = pattern_private(i);
    pr("     pages [0x%lx, 0x%lx); sharing the middle two [0x%lx, 0x%lx)\n", pages, pages + 4 * PAGE_SIZE, shared, shared_top);

    unsigned level = 0;
    uint64_t *pte = mmu_leaf(shared, &level);
    mmu_update_pages(shared, shared_top - shared, top_bit, 0);
    pr("     descriptor of 0x%lx: 0x%lx (output address 0x%lx)\n", shared, *pte, *pte & 0x0000fffffffff000UL);
    ripas_set(shared, shared_top, RIPAS_EMPTY, RSI_CHANGE_DESTROYED, 1);
    volatile uint8_t *s = (volatile uint8_t *)shared;
    for (size_t i = 0; i < 2 * PAGE_SIZE; i++) s[i] = pattern_shared(i);
    expect_contents("shared pages written and read through their unprotected alias", s, 2 * PAGE_SIZE, pattern_shared,
                    "0 bytes differ");
    ripas_set(shared, shared_top, RIPAS_RAM, RSI_CHANGE_DESTROYED, 1);
    mmu_update_pages(shared, shared_top - shared, 0, top_bit);
    pr("     descriptor of 0x%lx: 0x%lx (output address 0x%lx)\n", shared, *pte, *pte & 0x0000fffffffff000UL);
    expect_ripas("RIPAS of the four pages", pages, pages + 4 * PAGE_SIZE, RIPAS_RAM, 0);
    expect_contents("the pages that were shared, after their return to RAM", s, 2 * PAGE_SIZE, zero, "all zero");
    expect_contents("the page before them (never shared)", p, PAGE_SIZE, pattern_private, "its data unchanged");
    size_t bad = 0;
    for (size_t i = 3 * PAGE_SIZE; i < 4 * PAGE_SIZE; i++) bad += p[i] != pattern_private(i);
    char got[60];
    fmt_str(got, sizeof got, "%lu of 4096 bytes differ", (uint64_t)bad);
    expect_true("the page after them (never shared)", bad == 0, got, "its data unchanged");
}

int main(uint64_t x0);
int main(uint64_t x0)
{
    (void)x0;
    program_name = "realm-ns-memory";
    realm_init(1);
    pr("realm-ns-memory: memory shared with the host and converted back\n");
    test_static();
    mmu_identity_setup();
    mmu_enable();
    console_enable(UART_IPA);
    pr("MMU on (identity map; the UART at VA 0x%lx -> IPA 0x%lx)\n", UART_IPA, UART_IPA | top_bit);
    test_dynamic();
    finish();
}

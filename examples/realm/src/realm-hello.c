// realm-hello: what EDK2's ArmVirtQemu does when it boots as an Arm CCA Realm, step by step,
// printing each step as it happens:
//
//  1. check ID_AA64PFR0_EL1.EL3 (an SMC needs EL3), RSI_VERSION(1.0), RSI_REALM_CONFIG into a
//     page-aligned buffer: IPA width and hash algorithm
//  2. compute the unprotected bit, put it in the stage-1 descriptor that maps the UART, build
//     identity tables (4 KiB granule) and turn the MMU on; the first UART output happens here
//  3. IPA_STATE_GET over the UART page: a device is RIPAS EMPTY (not Realm memory)
//  4. share a DMA buffer (descriptor bit, TLBI, IPA_STATE_SET EMPTY with CHANGE_DESTROYED),
//     use it through the unprotected alias, close it again (IPA_STATE_SET RAM, clear the bit)
//  5. measure a blob into REM0 (MEASUREMENT_EXTEND index 1), read the RIM and REM0 back
//  6. fetch an attestation token (TOKEN_INIT with a 64-byte challenge, TOKEN_CONTINUE)
//  7. PSCI SYSTEM_OFF
//
// Output before step 2 is kept in memory and written once the UART is mapped. Each result is
// checked; the last line is PASS or FAIL: <what>.
#include "realm.h"

static uint8_t dma_buf[2 * PAGE_SIZE] PAGE_ALIGNED;
static uint8_t token_buf[4 * PAGE_SIZE] PAGE_ALIGNED;
static const char blob[] = "Realmscope realm-hello: a blob measured into REM0, as EDK2 measures the kernel it loads";

static void step(const char *title) { pr("\n== %s\n", title); }

int main(uint64_t x0);
int main(uint64_t x0)
{
    char what[160], got[120];
    program_name = "realm-hello";
    pr("realm-hello: Realmscope's example Realm firmware (what EDK2's ArmVirtQemu does as a Realm)\n");
    pr("image at IPA 0x%lx-0x%lx, entered at EL%lu with the MMU off and x0 = 0x%lx\n",
       (uint64_t)__image_start, (uint64_t)__image_end - 1, (read_sysreg(CurrentEL) >> 2) & 3, x0);

    step("1. Am I a Realm? (ID_AA64PFR0_EL1, RSI_VERSION, RSI_REALM_CONFIG)");
    realm_init(0);

    step("2. Stage 1 with the unprotected bit in the UART's descriptor, MMU on");
    mmu_identity_setup();
    unsigned level = 0;
    uint64_t *uart_pte = mmu_leaf(UART_IPA, &level);
    pr("identity map, 4 KiB granule, 39-bit VA, TTBR0_EL1 = 0x%lx\n", mmu_ttbr0());
    pr("UART: VA 0x%lx -> level %u descriptor 0x%lx: output address 0x%lx = 0x%lx | unprotected bit, Device-nGnRnE, execute-never\n",
       UART_IPA, level, *uart_pte, *uart_pte & 0x0000fffffffff000UL, UART_IPA);
    mmu_enable();
    console_enable(UART_IPA);                  // the VA; stage 1 adds the unprotected bit
    pr("MMU on, SCTLR_EL1 = 0x%lx. This is the first line written to the UART (VA 0x%lx, IPA 0x%lx);\n"
       "the lines above were kept in memory until the UART could be reached.\n",
       read_sysreg(sctlr_el1), UART_IPA, UART_IPA | top_bit);

    step("3. Device RIPAS (RSI_IPA_STATE_GET)");
    uint64_t top = 0, ripas = 0;
    uint64_t st = rsi_ipa_state_get(UART_IPA, UART_IPA + PAGE_SIZE, &top, &ripas);
    pr("RSI_IPA_STATE_GET(0x%lx, 0x%lx) -> X0 = %s, X1 = 0x%lx, X2 = %lu (%s)\n", UART_IPA, UART_IPA + PAGE_SIZE,
       status_name(st), top, ripas, ripas_name(ripas));
    expect_status("RSI_IPA_STATE_GET over the UART page", st, RSI_SUCCESS);
    expect_u64("RIPAS of the UART page (0 = EMPTY: a device is not Realm memory, use the unprotected alias)", ripas, RIPAS_EMPTY);
    st = rsi_ipa_state_get(0, PAGE_SIZE, &top, &ripas);
    pr("RSI_IPA_STATE_GET(0x0, 0x1000) -> X0 = %s, X1 = 0x%lx, X2 = %lu (%s)\n", status_name(st), top, ripas, ripas_name(ripas));
    expect_u64("RIPAS of this firmware's first page (1 = RAM)", ripas, RIPAS_RAM);

    step("4. Share a DMA buffer with the host, use it, take it back");
    volatile uint8_t *dma = dma_buf;
    uint64_t dma_base = (uint64_t)dma_buf, dma_top = dma_base + sizeof dma_buf;
    for (size_t i = 0; i < sizeof dma_buf; i++) dma[i] = 0x5a;   // private data, never seen by the host
    uint64_t *dma_pte = mmu_leaf(dma_base, &level);
    pr("DMA buffer [0x%lx, 0x%lx), descriptor 0x%lx\n", dma_base, dma_top, *dma_pte);
    pr("open: set the unprotected bit in its stage-1 descriptors (break-before-make, TLBI VAAE1IS)\n");
    mmu_update_pages(dma_base, sizeof dma_buf, top_bit, 0);
    pr("     descriptor now 0x%lx: VA 0x%lx -> IPA 0x%lx\n", *dma_pte, dma_base, dma_base | top_bit);
    pr("open: RSI_IPA_STATE_SET to EMPTY with CHANGE_DESTROYED, looping on X1 until it reaches top\n");
    ripas_set(dma_base, dma_top, RIPAS_EMPTY, RSI_CHANGE_DESTROYED, 1);
    expect_ripas("RIPAS of the DMA buffer after sharing", dma_base, dma_top, RIPAS_EMPTY, 1);
    pr("first bytes seen through the unprotected alias (host memory): ");
    for (int i = 0; i < 8; i++) pr("%02x ", dma[i]);
    pr("\n");
    for (size_t i = 0; i < sizeof dma_buf; i++) dma[i] = (uint8_t)(i * 7 + 1);
    size_t bad = 0;
    for (size_t i = 0; i < sizeof dma_buf; i++) bad += dma[i] != (uint8_t)(i * 7 + 1);
    fmt_str(what, sizeof what, "wrote %lu bytes through IPA 0x%lx and read them back", (uint64_t)sizeof dma_buf, dma_base | top_bit);
    fmt_str(got, sizeof got, "%lu bytes differ", (uint64_t)bad);
    expect_true(what, bad == 0, got, "0 bytes differ");
    pr("close: RSI_IPA_STATE_SET to RAM with CHANGE_DESTROYED, then clear the unprotected bit\n");
    ripas_set(dma_base, dma_top, RIPAS_RAM, RSI_CHANGE_DESTROYED, 1);
    mmu_update_pages(dma_base, sizeof dma_buf, 0, top_bit);
    pr("     descriptor now 0x%lx: VA 0x%lx -> IPA 0x%lx\n", *dma_pte, dma_base, dma_base);
    expect_ripas("RIPAS of the DMA buffer after closing", dma_base, dma_top, RIPAS_RAM, 1);
    bad = 0;
    for (size_t i = 0; i < sizeof dma_buf; i++) bad += dma[i] != 0;
    fmt_str(got, sizeof got, "%lu nonzero bytes", (uint64_t)bad);
    expect_true("DMA buffer reads zero after its return to RAM (the RMM hands back zeroed granules)", bad == 0, got, "0 nonzero bytes");

    step("5. Measure a blob into REM0 (RSI_MEASUREMENT_EXTEND index 1), read the measurements");
    uint8_t digest[64], rim[64], rem0[64], expected_rem0[64];
    realm_hash(hash_algo, blob, sizeof blob - 1, digest);
    pr("blob: \"%s\" (%lu bytes)\n%s(blob) = ", blob, (uint64_t)(sizeof blob - 1), hash_name(hash_algo));
    pr_hex(digest, hash_len);
    pr("\n");
    st = rsi_measurement_extend(1, hash_len, digest);
    fmt_str(what, sizeof what, "RSI_MEASUREMENT_EXTEND(1, %u, digest)", hash_len);
    expect_status(what, st, RSI_SUCCESS);
    st = rsi_measurement_read(0, rim);
    expect_status("RSI_MEASUREMENT_READ(0) (RIM)", st, RSI_SUCCESS);
    pr("RIM  = ");
    pr_hex(rim, hash_len);
    pr("\n");
    st = rsi_measurement_read(1, rem0);
    expect_status("RSI_MEASUREMENT_READ(1) (REM0)", st, RSI_SUCCESS);
    pr("REM0 = ");
    pr_hex(rem0, hash_len);
    pr("\n");
    uint8_t concat[128];
    memset(concat, 0, sizeof concat);          // REM0 started at zero
    memcpy(concat + hash_len, digest, hash_len);
    realm_hash(hash_algo, concat, 2 * hash_len, expected_rem0);
    fmt_str(what, sizeof what, "REM0 = %s(zero REM0 || digest)", hash_name(hash_algo));
    expect_bytes(what, rem0, expected_rem0, hash_len);
    int tail = all_zero(rem0 + hash_len, 64 - hash_len);
    expect_true("bytes of REM0 beyond the hash length", tail, tail ? "zero" : "nonzero", "zero");

    step("6. Attestation token (RSI_ATTESTATION_TOKEN_INIT, RSI_ATTESTATION_TOKEN_CONTINUE)");
    uint8_t challenge[64];
    for (int i = 0; i < 64; i++) challenge[i] = (uint8_t)i;
    uint64_t bound = 0, len = 0;
    unsigned calls = 0;
    st = rsi_token_init(challenge, &bound);
    pr("RSI_ATTESTATION_TOKEN_INIT(challenge 00 01 02 ... 3f) -> X0 = %s, X1 = %lu (upper bound of the token size)\n",
       status_name(st), bound);
    expect_status("RSI_ATTESTATION_TOKEN_INIT", st, RSI_SUCCESS);
    st = token_fetch((uint64_t)token_buf, sizeof token_buf, 0, &len, &calls);
    pr("RSI_ATTESTATION_TOKEN_CONTINUE into the granules at 0x%lx: %u call%s, last X0 = %s, %lu bytes\n",
       (uint64_t)token_buf, calls, calls == 1 ? "" : "s", status_name(st), len);
    expect_status("RSI_ATTESTATION_TOKEN_CONTINUE (last call)", st, RSI_SUCCESS);
    if (st == RSI_SUCCESS) {
        pr("token: %lu bytes, first bytes ", len);
        pr_hex_spaced(token_buf, len < 16 ? len : 16);
        pr("\n       (d9 01 8f = CBOR tag 399, the Arm CCA attestation token collection)\n");
        const uint8_t (*rems)[64] = 0;
        static uint8_t expected_rems[4][64];
        memcpy(expected_rems[0], expected_rem0, 64);
        rems = (const uint8_t (*)[64])expected_rems;
        struct token_expect e = { challenge, bound, rim, rems };
        check_token("token", token_buf, len, &e, 1, 0);
    }

    step("7. PSCI SYSTEM_OFF");
    finish();
}

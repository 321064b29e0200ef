// realm-attest: measurements and attestation (in the spirit of kvm-unit-tests' arm/realm-attest.c;
// behaviour from cca-facts.md §1.4, §4 and §5):
//
//   no_init       TOKEN_CONTINUE before any TOKEN_INIT: ERROR_STATE
//   measurement   MEASUREMENT_READ 0..4 succeed, 5 is ERROR_INPUT; REMs start at zero
//   extend_errors MEASUREMENT_EXTEND index 0 and 5, size 65: ERROR_INPUT, REMs unchanged
//   tokens        tokens into .bss, .data, the stack and main RAM (MMU off), then with the MMU on
//                 into .bss, a 2 MiB-block-mapped buffer, 64-byte chunks and a buffer that starts
//                 0xf00 bytes into a granule; each one parsed and its claims checked
//   abi_misuse    TOKEN_CONTINUE with a buffer outside the protected half, unaligned, bad offsets
//                 and sizes, overflowing offset + size, a RIPAS EMPTY granule: ERROR_INPUT with
//                 X1 = 0; size 0: INCOMPLETE with X1 = 0; the token then completes normally, and
//                 a CONTINUE after it is ERROR_STATE
//   abort         TOKEN_INIT during a token abandons it: the next token has the new challenge
//   extend        the REM values of §4 (slot i extended i times), by MEASUREMENT_READ and in the
//                 token; then 64-byte and 5-byte extends against a local model
//
// The last line is PASS or FAIL: <what>.
#include "realm.h"

static uint8_t tok_bss[2 * PAGE_SIZE] PAGE_ALIGNED;
static uint8_t tok_data[PAGE_SIZE] PAGE_ALIGNED = { 'r', 'e', 'a', 'l', 'm', '-', 'a', 't', 't', 'e', 's', 't' };
static uint8_t block_buf[2 * SZ_2M] NOINIT __attribute__((aligned(0x200000)));
static uint8_t empty_page[PAGE_SIZE] PAGE_ALIGNED;

static uint8_t rim[64];
static uint8_t expected_rems[4][64];            // the local model of REM0..3

// §4 / kvm-unit-tests: 32 bytes of 0x11 followed by 00 01 ... 27; slot i (1..4) is extended i
// times with the 32 bytes that start at offset 8 * (i - 1).
static const uint8_t measure_bytes[72] = {
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
    0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
};
static const uint8_t sha256_vectors[4][32] = {
    { 0x88, 0x78, 0xb1, 0x5a, 0x7d, 0x6a, 0x3a, 0x4f, 0x46, 0x4e, 0x8f, 0x9f, 0x42, 0x59, 0x1d, 0xbc,
      0x0c, 0xf4, 0xbe, 0xde, 0xa0, 0xec, 0x30, 0x90, 0x03, 0xd2, 0xb2, 0xee, 0x53, 0x65, 0x5e, 0xf8 },
    { 0x58, 0x32, 0x3b, 0xdf, 0x7a, 0x91, 0xf6, 0x8e, 0x80, 0xc7, 0xc8, 0x7f, 0xda, 0x1e, 0x22, 0x6c,
      0x8b, 0xe7, 0xee, 0xa9, 0xef, 0x64, 0xa5, 0x21, 0xdb, 0x2c, 0x09, 0xa7, 0xd7, 0x01, 0x92, 0x05 },
    { 0x66, 0xe3, 0x3b, 0x99, 0x49, 0x4d, 0xf4, 0xdd, 0xbc, 0x7a, 0x61, 0x7a, 0xa1, 0x56, 0x7b, 0xf8,
      0x96, 0x3f, 0x0a, 0xf3, 0x1e, 0xab, 0xdd, 0x16, 0x37, 0xb0, 0xfb, 0xe0, 0x71, 0x82, 0x66, 0xce },
    { 0x97, 0x5e, 0x9f, 0x64, 0x79, 0x90, 0xa1, 0x51, 0xd2, 0x5b, 0x73, 0x75, 0x50, 0x94, 0xeb, 0x54,
      0x90, 0xbb, 0x1e, 0xf8, 0x3b, 0x2c, 0xb8, 0x3b, 0x6f, 0x24, 0xf3, 0x86, 0x07, 0xe0, 0x58, 0x13 },
};

// REM = H(REM[0..hash length) || data), zero-padded to 64 bytes.
static void model_extend(unsigned algo, uint8_t rem[64], const uint8_t *data, size_t size)
{
    uint8_t buf[128];
    unsigned hl = algo == HASH_SHA512 ? 64 : 32;
    memcpy(buf, rem, hl);
    memcpy(buf + hl, data, size);
    realm_hash(algo, buf, hl + size, rem);
}

static void test_model(void)
{
    section("model");
    sha_selftest();
    uint8_t rems[4][64];
    memset(rems, 0, sizeof rems);
    for (int i = 1; i <= 4; i++)
        for (int j = 0; j < i; j++) model_extend(HASH_SHA256, rems[i - 1], measure_bytes + 8 * (i - 1), 32);
    for (int i = 0; i < 4; i++) {
        char what[100];
        fmt_str(what, sizeof what, "local SHA-256 model of REM%d reproduces the vector of cca-facts.md 4", i);
        expect_bytes(what, rems[i], sha256_vectors[i], 32);
    }
}

static void fill(uint8_t ch[64], uint8_t v) { memset(ch, v, 64); }

// TOKEN_INIT + CONTINUE into [buf, buf + cap), then the checks of check_token.
static void get_token(const char *label, uint64_t buf, uint64_t cap, uint64_t chunk, uint8_t pattern, int verbose)
{
    char what[160];
    uint8_t ch[64];
    uint64_t bound = 0, len = 0;
    unsigned calls = 0;
    fill(ch, pattern);
    uint64_t st = rsi_token_init(ch, &bound);
    fmt_str(what, sizeof what, "%s: RSI_ATTESTATION_TOKEN_INIT", label);
    if (!expect_status(what, st, RSI_SUCCESS)) return;
    st = token_fetch(buf, cap, chunk, &len, &calls);
    fmt_str(what, sizeof what, "%s: RSI_ATTESTATION_TOKEN_CONTINUE into [0x%lx, 0x%lx), %u calls", label, buf, buf + cap, calls);
    if (!expect_status(what, st, RSI_SUCCESS)) return;
    if (verbose) {
        pr("     %s: INIT bound %lu, token %lu bytes: ", label, bound, len);
        pr_hex_spaced((const uint8_t *)buf, len < 16 ? len : 16);
        pr(" ...\n");
    }
    struct token_expect e = { ch, bound, rim, (const uint8_t (*)[64])expected_rems };
    check_token(label, (const uint8_t *)buf, len, &e, verbose, 0);
}

static void test_no_init(void)
{
    section("no_init");
    uint64_t len = 0xdead;
    uint64_t st = rsi_token_continue((uint64_t)tok_bss, 0, PAGE_SIZE, &len);
    expect_status("RSI_ATTESTATION_TOKEN_CONTINUE before any RSI_ATTESTATION_TOKEN_INIT", st, RSI_ERROR_STATE);
    expect_u64("RSI_ATTESTATION_TOKEN_CONTINUE before any INIT: X1 (bytes copied)", len, 0);
}

static void test_measurement(void)
{
    section("measurement");
    uint8_t m[64];
    for (int i = 0; i <= 4; i++) {
        char what[80];
        memset(m, 0xee, sizeof m);
        uint64_t st = rsi_measurement_read((uint64_t)i, m);
        fmt_str(what, sizeof what, "RSI_MEASUREMENT_READ(%d)", i);
        expect_status(what, st, RSI_SUCCESS);
        if (i == 0) {
            memcpy(rim, m, 64);
            pr("     RIM = ");
            pr_hex(m, hash_len);
            pr("\n");
            int z = all_zero(m, hash_len), tail = all_zero(m + hash_len, 64 - hash_len);
            expect_true("RIM is not zero", !z, z ? "zero" : "nonzero", "nonzero");
            expect_true("RIM bytes beyond the hash length", tail, tail ? "zero" : "nonzero", "zero");
        } else {
            fmt_str(what, sizeof what, "REM%d starts at zero (all 64 bytes)", i - 1);
            static const uint8_t zero[64];
            expect_bytes(what, m, zero, 64);
        }
    }
    uint64_t st = rsi_measurement_read(5, m);
    expect_status("RSI_MEASUREMENT_READ(5)", st, RSI_ERROR_INPUT);
}

static void check_rems(const char *when)
{
    for (int i = 1; i <= 4; i++) {
        char what[120];
        uint8_t m[64];
        uint64_t st = rsi_measurement_read((uint64_t)i, m);
        fmt_str(what, sizeof what, "RSI_MEASUREMENT_READ(%d) %s", i, when);
        expect_status(what, st, RSI_SUCCESS);
        fmt_str(what, sizeof what, "REM%d %s", i - 1, when);
        expect_bytes(what, m, expected_rems[i - 1], 64);
    }
}

static void test_extend_errors(void)
{
    section("extend_errors");
    uint8_t data[64];
    memset(data, 0xee, sizeof data);
    expect_status("RSI_MEASUREMENT_EXTEND(index 0 = RIM, 64 bytes)", rsi_measurement_extend(0, 64, data), RSI_ERROR_INPUT);
    expect_status("RSI_MEASUREMENT_EXTEND(index 5, 64 bytes)", rsi_measurement_extend(5, 64, data), RSI_ERROR_INPUT);
    expect_status("RSI_MEASUREMENT_EXTEND(index 1, size 65)", rsi_measurement_extend(1, 65, data), RSI_ERROR_INPUT);
    uint8_t m[64];
    rsi_measurement_read(0, m);
    expect_bytes("RIM after the refused extends", m, rim, 64);
    check_rems("after the refused extends");
}

static void stack_token(void) __attribute__((noinline));
static void stack_token(void)
{
    uint8_t buf[PAGE_SIZE] __attribute__((aligned(4096)));
    memset(buf, 0, sizeof buf);
    get_token("stack buffer", (uint64_t)buf, sizeof buf, 0, 0x33, 0);
}

static void test_tokens_mmu_off(void)
{
    section("tokens (MMU off)");
    get_token(".bss buffer", (uint64_t)tok_bss, PAGE_SIZE, 0, 0xab, 1);
    get_token(".data buffer", (uint64_t)tok_data, PAGE_SIZE, 0, 0x22, 0);
    stack_token();
    uint64_t ram = main_ram_free();
    get_token("main RAM buffer", ram, PAGE_SIZE, 0, 0x44, 0);
}

static void test_tokens_mmu_on(void)
{
    section("tokens (MMU on)");
    get_token(".bss buffer", (uint64_t)tok_bss, PAGE_SIZE, 0, 0x55, 0);
    unsigned level = 0;
    mmu_leaf((uint64_t)block_buf + 0x2000, &level);
    pr("     block buffer at 0x%lx is mapped at stage-1 level %u (2 MiB block)\n", (uint64_t)block_buf + 0x2000, level);
    get_token("2 MiB-block-mapped buffer", (uint64_t)block_buf + 0x2000, 0x2000, 0, 0x66, 0);
    get_token("64-byte chunks", (uint64_t)tok_bss, PAGE_SIZE, 64, 0x77, 0);
    get_token("buffer starting at granule offset 0xf00", (uint64_t)tok_bss + 0xf00, PAGE_SIZE, 0, 0x88, 0);
}

static void misuse(const char *what, uint64_t granule, uint64_t offset, uint64_t size, uint64_t want)
{
    char w[200];
    uint64_t len = 0xdead;
    uint64_t st = rsi_token_continue(granule, offset, size, &len);
    fmt_str(w, sizeof w, "RSI_ATTESTATION_TOKEN_CONTINUE(0x%lx, 0x%lx, 0x%lx): %s", granule, offset, size, what);
    expect_status(w, st, want);
    fmt_str(w, sizeof w, "RSI_ATTESTATION_TOKEN_CONTINUE(0x%lx, 0x%lx, 0x%lx): %s: X1 (bytes copied)", granule, offset, size, what);
    expect_u64(w, len, 0);
}

static void test_abi_misuse(void)
{
    section("abi_misuse");
    uint64_t ipa = (uint64_t)tok_bss, empty = (uint64_t)empty_page;
    uint8_t ch[64];
    uint64_t bound = 0;
    ripas_set(empty, empty + PAGE_SIZE, RIPAS_EMPTY, RSI_NO_CHANGE_DESTROYED, 0);
    fill(ch, 0xab);
    expect_status("RSI_ATTESTATION_TOKEN_INIT", rsi_token_init(ch, &bound), RSI_SUCCESS);
    misuse("buffer outside the protected half", ipa | top_bit, 0, PAGE_SIZE, RSI_ERROR_INPUT);
    misuse("IPA ^ 1 (not granule aligned)", ipa ^ 1, 0, PAGE_SIZE, RSI_ERROR_INPUT);
    misuse("IPA + 0x100 (not granule aligned)", ipa + 0x100, 0, 0x200, RSI_ERROR_INPUT);
    misuse("offset 4096", ipa, PAGE_SIZE, 0, RSI_ERROR_INPUT);
    misuse("offset 4097", ipa, PAGE_SIZE + 1, 0, RSI_ERROR_INPUT);
    misuse("size 4097", ipa, 0, PAGE_SIZE + 1, RSI_ERROR_INPUT);
    misuse("offset 0x100 + size 0xf01 > 4096", ipa, 0x100, 0xf01, RSI_ERROR_INPUT);
    misuse("offset + size overflows (size ~0)", ipa, 0x100, ~0UL, RSI_ERROR_INPUT);
    misuse("offset + size overflows (offset ~0)", ipa, ~0UL, 0x100, RSI_ERROR_INPUT);
    misuse("a RIPAS EMPTY granule", empty, 0, PAGE_SIZE, RSI_ERROR_INPUT);
    misuse("size 0", ipa, 0, 0, RSI_INCOMPLETE);
    // The refused calls must not have disturbed the token in progress.
    uint64_t len = 0;
    unsigned calls = 0;
    uint64_t st = token_fetch(ipa, PAGE_SIZE, 0, &len, &calls);
    expect_status("RSI_ATTESTATION_TOKEN_CONTINUE after the refused calls (completes the token)", st, RSI_SUCCESS);
    if (st == RSI_SUCCESS) {
        struct token_expect e = { ch, bound, rim, (const uint8_t (*)[64])expected_rems };
        check_token("token after the refused calls", tok_bss, len, &e, 0, 0);
    }
    misuse("after the token was complete (no INIT since)", ipa, 0, PAGE_SIZE, RSI_ERROR_STATE);
    ripas_set(empty, empty + PAGE_SIZE, RIPAS_RAM, RSI_CHANGE_DESTROYED, 0);
}

static void test_abort(void)
{
    section("abort");
    uint8_t ch[64];
    uint64_t bound = 0, len = 0;
    fill(ch, 0xab);
    expect_status("RSI_ATTESTATION_TOKEN_INIT(challenge ab..ab)", rsi_token_init(ch, &bound), RSI_SUCCESS);
    uint64_t st = rsi_token_continue((uint64_t)tok_bss, 0, 16, &len);
    expect_status("RSI_ATTESTATION_TOKEN_CONTINUE(16 bytes): the token is not finished", st, RSI_INCOMPLETE);
    char got[40];
    fmt_str(got, sizeof got, "%lu", len);
    expect_true("RSI_ATTESTATION_TOKEN_CONTINUE(16 bytes): X1 (bytes copied)", len <= 16, got, "<= 16");
    get_token("token after a new INIT with challenge ee..ee", (uint64_t)tok_bss, PAGE_SIZE, 0, 0xee, 0);
}

static void test_extend(void)
{
    section("extend");
    for (int i = 1; i <= 4; i++) {
        for (int j = 0; j < i; j++) {
            char what[120];
            uint64_t st = rsi_measurement_extend((uint64_t)i, 32, measure_bytes + 8 * (i - 1));
            fmt_str(what, sizeof what, "RSI_MEASUREMENT_EXTEND(%d, 32, bytes %d..%d of the vector data), time %d of %d", i,
                    8 * (i - 1), 8 * (i - 1) + 31, j + 1, i);
            expect_status(what, st, RSI_SUCCESS);
            model_extend(hash_algo, expected_rems[i - 1], measure_bytes + 8 * (i - 1), 32);
        }
    }
    if (hash_algo == HASH_SHA256) {
        for (int i = 1; i <= 4; i++) {
            char what[120];
            uint8_t m[64];
            rsi_measurement_read((uint64_t)i, m);
            fmt_str(what, sizeof what, "REM%d equals the SHA-256 vector of cca-facts.md 4", i - 1);
            expect_bytes(what, m, sha256_vectors[i - 1], 32);
        }
    } else {
        note_skip("the SHA-256 vectors of cca-facts.md 4 (this Realm measures with %s; compared with the local model instead)",
                  hash_name(hash_algo));
    }
    check_rems("after the vector extends (local model)");
    get_token("token after the vector extends", (uint64_t)tok_bss, PAGE_SIZE, 0, 0x99, 1);

    section("extend_sizes");
    uint8_t data[64];
    for (int i = 0; i < 64; i++) data[i] = (uint8_t)(0xc0 + i);
    expect_status("RSI_MEASUREMENT_EXTEND(1, 64 bytes: all of X3..X10)", rsi_measurement_extend(1, 64, data), RSI_SUCCESS);
    model_extend(hash_algo, expected_rems[0], data, 64);
    expect_status("RSI_MEASUREMENT_EXTEND(2, 5 bytes: part of X3)", rsi_measurement_extend(2, 5, data), RSI_SUCCESS);
    model_extend(hash_algo, expected_rems[1], data, 5);
    expect_status("RSI_MEASUREMENT_EXTEND(3, 13 bytes: X3 and part of X4)", rsi_measurement_extend(3, 13, data + 3), RSI_SUCCESS);
    model_extend(hash_algo, expected_rems[2], data + 3, 13);
    check_rems("after 64-, 5- and 13-byte extends (local model)");
    get_token("token after all extends", (uint64_t)tok_bss, PAGE_SIZE, 0, 0x5a, 0);
}

int main(uint64_t x0);
int main(uint64_t x0)
{
    (void)x0;
    program_name = "realm-attest";
    realm_init(1);
    pr("realm-attest: measurements and attestation tokens\n");
    memset(expected_rems, 0, sizeof expected_rems);
    test_model();
    test_no_init();
    test_measurement();
    test_extend_errors();
    test_tokens_mmu_off();
    mmu_identity_setup();
    mmu_enable();
    console_enable(UART_IPA);
    pr("MMU on (identity map; the UART at VA 0x%lx -> IPA 0x%lx)\n", UART_IPA, UART_IPA | top_bit);
    test_tokens_mmu_on();
    test_abi_misuse();
    test_abort();
    test_extend();
    finish();
}

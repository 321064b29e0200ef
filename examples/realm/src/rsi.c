// The Realm Services Interface (RMM 1.0): SMC #0 with the function ID in W0 and arguments in
// X1..X10; results in X0 (status) and X1... Every address given to the RMM is an IPA; these
// programs run identity mapped (VA = IPA) or with the MMU off, so a pointer is its IPA.
#include "realm.h"

uint64_t ipa_width, top_bit, pa_bits;
unsigned hash_algo, hash_len;
struct realm_config realm_config_page PAGE_ALIGNED;

static uint64_t le64(const uint8_t *p, size_t n)   // n <= 8 bytes, little-endian
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t rsi_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, struct smc_regs *out)
{
    struct smc_regs r = { { fid, a1, a2, a3, a4, 0, 0, 0, 0, 0, 0 } };
    smc_call(&r);
    if (out) *out = r;
    return r.x[0];
}

uint64_t rsi_version(uint64_t req, uint64_t *lower, uint64_t *higher)
{
    struct smc_regs r;
    rsi_call(RSI_VERSION, req, 0, 0, 0, &r);
    if (lower) *lower = r.x[1];
    if (higher) *higher = r.x[2];
    return r.x[0];
}

uint64_t rsi_features(uint64_t index, uint64_t *value)
{
    struct smc_regs r;
    rsi_call(RSI_FEATURES, index, 0, 0, 0, &r);
    if (value) *value = r.x[1];
    return r.x[0];
}

uint64_t rsi_realm_config(uint64_t ipa)
{
    return rsi_call(RSI_REALM_CONFIG, ipa, 0, 0, 0, 0);
}

uint64_t rsi_ipa_state_set(uint64_t base, uint64_t top, uint64_t ripas, uint64_t flags, uint64_t *new_base, uint64_t *response)
{
    struct smc_regs r;
    rsi_call(RSI_IPA_STATE_SET, base, top, ripas, flags, &r);
    if (new_base) *new_base = r.x[1];
    if (response) *response = r.x[2];
    return r.x[0];
}

uint64_t rsi_ipa_state_get(uint64_t base, uint64_t end, uint64_t *top, uint64_t *ripas)
{
    struct smc_regs r;
    rsi_call(RSI_IPA_STATE_GET, base, end, 0, 0, &r);
    if (top) *top = r.x[1];
    if (ripas) *ripas = r.x[2] & 0xff;
    return r.x[0];
}

uint64_t rsi_measurement_read(uint64_t index, uint8_t out[64])
{
    struct smc_regs r;
    rsi_call(RSI_MEASUREMENT_READ, index, 0, 0, 0, &r);
    for (int i = 0; i < 8; i++) put_le64(out + 8 * i, r.x[1 + i]);
    return r.x[0];
}

// X3..X10 carry the data, 8 bytes per register, little-endian; size may exceed 64 (to test the
// RMM's check), in which case only 64 bytes are passed.
uint64_t rsi_measurement_extend(uint64_t index, uint64_t size, const uint8_t *data)
{
    struct smc_regs r = { { RSI_MEASUREMENT_EXTEND, index, size, 0, 0, 0, 0, 0, 0, 0, 0 } };
    uint64_t n = size > 64 ? 64 : size;
    for (uint64_t i = 0; i < 8 && 8 * i < n; i++) r.x[3 + i] = le64(data + 8 * i, n - 8 * i >= 8 ? 8 : n - 8 * i);
    smc_call(&r);
    return r.x[0];
}

uint64_t rsi_token_init(const uint8_t challenge[64], uint64_t *upper_bound)
{
    struct smc_regs r = { { RSI_ATTESTATION_TOKEN_INIT, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } };
    for (int i = 0; i < 8; i++) r.x[1 + i] = le64(challenge + 8 * i, 8);
    smc_call(&r);
    if (upper_bound) *upper_bound = r.x[1];
    return r.x[0];
}

uint64_t rsi_token_continue(uint64_t granule, uint64_t offset, uint64_t size, uint64_t *len)
{
    struct smc_regs r;
    rsi_call(RSI_ATTESTATION_TOKEN_CONTINUE, granule, offset, size, 0, &r);
    if (len) *len = r.x[1];
    return r.x[0];
}

uint64_t rsi_host_call(uint64_t ipa)
{
    return rsi_call(RSI_HOST_CALL, ipa, 0, 0, 0, 0);
}

const char *hash_name(unsigned algo)
{
    return algo == HASH_SHA256 ? "SHA-256" : algo == HASH_SHA512 ? "SHA-512" : "unknown";
}

// ---- Realm detection and configuration (what EDK2's ArmPlatformHelper.S and ArmCcaLib do) ----
void realm_init(int console_now)
{
    uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
    unsigned el3 = (unsigned)(pfr0 >> 12) & 0xf, rme = (unsigned)(pfr0 >> 52) & 0xf;
    pr("ID_AA64PFR0_EL1 = 0x%lx: EL3 = %u, RME = %u\n", pfr0, el3, rme);
    if (!el3) {
        // No EL3, so no RMM and no SMC: this is an ordinary VM with its UART at its plain address.
        psci_conduit_hvc = 1;
        console_enable(UART_IPA);
        fatal("not a Realm: ID_AA64PFR0_EL1.EL3 is 0, so there is no RMM to call with SMC (run the firmware as a Realm: --realm)");
    }

    uint64_t lower = 0, higher = 0;
    uint64_t st = rsi_version(RSI_ABI_1_0, &lower, &higher);
    pr("RSI_VERSION(requested 1.0) -> X0 = %s, lower %lu.%lu, higher %lu.%lu\n", status_name(st),
       lower >> 16, lower & 0xffff, higher >> 16, higher & 0xffff);
    if (st == SMC_UNKNOWN) {
        console_enable(UART_IPA);
        fatal("not a Realm: RSI_VERSION returned -1, no RMM answered the SMC (run the firmware as a Realm: --realm)");
    }

    memset(&realm_config_page, 0, sizeof realm_config_page);
    uint64_t cst = rsi_realm_config((uint64_t)&realm_config_page);
    pr("RSI_REALM_CONFIG(0x%lx) -> X0 = %s\n", (uint64_t)&realm_config_page, status_name(cst));
    if (cst != RSI_SUCCESS) {
        // The UART's alias is unknown; try QEMU's default IPA width (41 bits) so the reason shows.
        top_bit = 1UL << 40;
        console_enable(UART_IPA | top_bit);
        fatal("RSI_REALM_CONFIG failed with %s: the IPA width (and so the UART's address) is unknown", status_name(cst));
    }
    ipa_width = realm_config_page.ipa_width;
    hash_algo = realm_config_page.hash_algo;
    hash_len = hash_algo == HASH_SHA512 ? 64 : 32;
    pr("  ipa_width %lu, hash_algo %u (%s)\n", ipa_width, hash_algo, hash_name(hash_algo));
    if (ipa_width < 32 || ipa_width > 48) {
        top_bit = ipa_width > 48 && ipa_width <= 52 ? 1UL << (ipa_width - 1) : 1UL << 40;
        console_enable(UART_IPA | top_bit);
        fatal("ipa_width %lu is outside 32..48 (52-bit IPAs need LPA2 descriptors, which this firmware does not use)", ipa_width);
    }
    top_bit = 1UL << (ipa_width - 1);
    static const unsigned pa_sizes[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };
    pa_bits = pa_sizes[read_sysreg(id_aa64mmfr0_el1) & 7];
    pr("unprotected IPA bit: 1 << %lu = 0x%lx; protected IPAs are [0, 0x%lx)\n", ipa_width - 1, top_bit, top_bit);
    pr("PL011 UART: protected IPA 0x%lx is not the device; its unprotected alias 0x%lx is\n",
       UART_IPA, UART_IPA | top_bit);
    pr("ID_AA64MMFR0_EL1.PARange: %lu-bit physical (intermediate physical) addresses\n", pa_bits);
    if (console_now) console_enable(UART_IPA | top_bit);
    if (hash_algo > HASH_SHA512) note_failure("hash_algo %u is not SHA-256 (0) or SHA-512 (1)", hash_algo);
    if (pa_bits < ipa_width) note_failure("PARange gives %lu bits, fewer than ipa_width %lu", pa_bits, ipa_width);
}

// ---- RIPAS changes -----------------------------------------------------------------------
int ripas_set(uint64_t base, uint64_t top, uint64_t ripas, uint64_t flags, int verbose)
{
    const char *fl = flags == RSI_CHANGE_DESTROYED ? "CHANGE_DESTROYED" : flags == 0 ? "NO_CHANGE_DESTROYED" : "flags?";
    uint64_t cur = base;
    unsigned calls = 0, stalls = 0;
    while (cur < top) {
        uint64_t next = 0, resp = 0;
        uint64_t st = rsi_ipa_state_set(cur, top, ripas, flags, &next, &resp);
        calls++;
        if (verbose)
            pr("     RSI_IPA_STATE_SET(0x%lx, 0x%lx, %s, %s) -> X0 = %s, X1 = 0x%lx, X2 = %s\n", cur, top,
               ripas_name(ripas), fl, status_name(st), next, resp == RSI_ACCEPT ? "ACCEPT" : resp == RSI_REJECT ? "REJECT" : "?");
        if (st != RSI_SUCCESS) {
            fatal("RSI_IPA_STATE_SET(0x%lx, 0x%lx, %s) returned %s", cur, top, ripas_name(ripas), status_name(st));
        }
        if (next < cur || next > top || (next & (PAGE_SIZE - 1))) {
            fatal("RSI_IPA_STATE_SET(0x%lx, 0x%lx) returned X1 = 0x%lx, not a granule in [base, top]", cur, top, next);
        }
        if (resp == RSI_REJECT) {
            fatal("RSI_IPA_STATE_SET(0x%lx, 0x%lx, %s): the host rejected the change at 0x%lx", cur, top, ripas_name(ripas), next);
        }
        if (next == cur) {
            if (++stalls >= 1000) {
                fatal("RSI_IPA_STATE_SET(0x%lx, 0x%lx, %s): no progress in 1000 calls (X1 stays 0x%lx)", cur, top, ripas_name(ripas), next);
            }
        } else {
            stalls = 0;
        }
        cur = next;
    }
    char what[120], got[48];
    fmt_str(what, sizeof what, "RSI_IPA_STATE_SET [0x%lx, 0x%lx) to %s (%s)", base, top, ripas_name(ripas), fl);
    fmt_str(got, sizeof got, "done in %u call%s", calls, calls == 1 ? "" : "s");
    expect_true(what, 1, got, "X1 = top");
    return 0;
}

// Describes the RIPAS of [base, top) in `got` ("RAM for all of [a, b)" or the first run that
// differs from `ripas`) and returns whether it is `ripas` throughout.
static int ripas_describe(uint64_t base, uint64_t top, uint64_t ripas, int verbose, char *got, size_t size)
{
    uint64_t cur = base;
    while (cur < top) {
        uint64_t t = 0, r = 0;
        uint64_t st = rsi_ipa_state_get(cur, top, &t, &r);
        if (verbose)
            pr("     RSI_IPA_STATE_GET(0x%lx, 0x%lx) -> X0 = %s, X1 = 0x%lx, X2 = %s\n", cur, top, status_name(st), t, ripas_name(r));
        if (st != RSI_SUCCESS || t <= cur || t > top) {
            fmt_str(got, size, "RSI_IPA_STATE_GET(0x%lx, 0x%lx) -> X0 = %s, X1 = 0x%lx", cur, top, status_name(st), t);
            return 0;
        }
        if (r != ripas) {
            fmt_str(got, size, "%s for [0x%lx, 0x%lx)", ripas_name(r), cur, t);
            return 0;
        }
        cur = t;
    }
    fmt_str(got, size, "%s for all of [0x%lx, 0x%lx)", ripas_name(ripas), base, top);
    return 1;
}

int ripas_is(uint64_t base, uint64_t top, uint64_t ripas, int verbose)
{
    char got[120];
    return ripas_describe(base, top, ripas, verbose, got, sizeof got);
}

int expect_ripas(const char *what, uint64_t base, uint64_t top, uint64_t ripas, int verbose)
{
    char got[120];
    int ok = ripas_describe(base, top, ripas, verbose, got, sizeof got);
    return expect_true(what, ok, got, ripas_name(ripas));
}

// ---- attestation token -------------------------------------------------------------------
uint64_t token_fetch(uint64_t buf, uint64_t cap, uint64_t chunk, uint64_t *len, unsigned *calls)
{
    uint64_t off = 0, st = RSI_INCOMPLETE;
    unsigned n = 0, idle = 0;
    while (off < cap) {
        uint64_t at = buf + off, granule = at & ~(PAGE_SIZE - 1), goff = at & (PAGE_SIZE - 1);
        uint64_t size = PAGE_SIZE - goff;
        if (size > cap - off) size = cap - off;
        if (chunk && size > chunk) size = chunk;
        uint64_t got = 0;
        st = rsi_token_continue(granule, goff, size, &got);
        n++;
        if (st != RSI_SUCCESS && st != RSI_INCOMPLETE) break;
        if (got > size) {
            pr("     RSI_ATTESTATION_TOKEN_CONTINUE(0x%lx, 0x%lx, %lu) wrote %lu bytes, more than asked\n", granule, goff, size, got);
            st = RSI_ERROR_UNKNOWN;
            break;
        }
        off += got;
        if (st == RSI_SUCCESS) break;
        if (got == 0 && ++idle > 100000) {   // INCOMPLETE with nothing copied: signing in progress
            pr("     RSI_ATTESTATION_TOKEN_CONTINUE: no bytes in 100000 calls\n");
            break;
        }
    }
    if (len) *len = off;
    if (calls) *calls = n;
    return st;
}

// ---- main RAM ------------------------------------------------------------------------------
static uint32_t be32_at(uint64_t a)
{
    uint32_t v = *(volatile uint32_t *)a;
    return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}

uint64_t main_ram_free(void)
{
    uint64_t size = 0;
    if (be32_at(MAIN_RAM_BASE) == 0xd00dfeed) size = be32_at(MAIN_RAM_BASE + 4);
    uint64_t at = MAIN_RAM_BASE + ALIGN_UP(size ? size : 1, SZ_2M);
    pr("     device tree at 0x%lx: %s, %lu bytes; main RAM from 0x%lx is free\n", MAIN_RAM_BASE,
       size ? "magic d00dfeed" : "no FDT magic", size, at);
    return at;
}

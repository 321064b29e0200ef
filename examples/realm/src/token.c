// Checks an attestation token against what the Realm knows: its challenge, its measurements, its
// hash algorithm, and the binding between the realm token's RAK and the platform token's challenge.
#include "realm.h"

// A claim's text for messages: printable characters only, "missing" when absent.
static const char *text(struct span s, char *buf, size_t size)
{
    if (!s.p) return "missing";
    size_t n = 0;
    buf[n++] = '"';
    for (size_t i = 0; i < s.n && n + 2 < size; i++) buf[n++] = s.p[i] >= 0x20 && s.p[i] < 0x7f ? (char)s.p[i] : '?';
    buf[n++] = '"';
    buf[n] = 0;
    return buf;
}

int check_token(const char *label, const uint8_t *tok, uint64_t len, const struct token_expect *e, int verbose,
                struct token_info *out)
{
    struct token_info local, *ti = out ? out : &local;
    char what[160], got[120];
    unsigned before = failures();
    int saved_quiet = quiet_checks;
    quiet_checks = !verbose;

    int parsed = token_parse(tok, len, ti) == 0;
    fmt_str(what, sizeof what, "%s: token structure (tag 399 { 44234: platform, 44241: realm }, COSE_Sign1 each)", label);
    fmt_str(got, sizeof got, "%s", parsed ? "well formed" : ti->error);
    expect_true(what, parsed, got, "well formed");
    if (!parsed) goto done;
    if (verbose) {
        pr("     %s: %lu bytes: ", label, len);
        pr_hex_spaced(tok, len < 12 ? len : 12);
        pr(" ...; platform token %lu bytes, realm token %lu bytes, %u realm claims\n",
           (uint64_t)ti->platform.n, (uint64_t)ti->realm.n, ti->realm_claims);
    }
    if (e->bound) {
        fmt_str(what, sizeof what, "%s: size within the bound from RSI_ATTESTATION_TOKEN_INIT (%lu)", label, e->bound);
        fmt_str(got, sizeof got, "%lu bytes", len);
        expect_true(what, len <= e->bound, got, "<= bound");
    }
    fmt_str(what, sizeof what, "%s: realm token COSE alg", label);
    fmt_str(got, sizeof got, "%ld", ti->realm_alg);
    expect_true(what, ti->realm_alg == -35, got, "-35 (ES384)");
    fmt_str(what, sizeof what, "%s: platform token COSE alg", label);
    fmt_str(got, sizeof got, "%ld", ti->platform_alg);
    expect_true(what, ti->platform_alg == -35, got, "-35 (ES384)");
    fmt_str(what, sizeof what, "%s: realm signature length (ES384 r||s)", label);
    expect_u64(what, ti->realm_sig_len, 96);
    fmt_str(what, sizeof what, "%s: realm profile (265)", label);
    expect_true(what, span_eq_str(ti->profile, "tag:arm.com,2023:realm#1.0.0"), text(ti->profile, got, sizeof got),
                "\"tag:arm.com,2023:realm#1.0.0\"");
    const char *algo = hash_algo == HASH_SHA512 ? "\"sha-512\"" : "\"sha-256\"";
    fmt_str(what, sizeof what, "%s: realm hash algorithm (44236), as RSI_REALM_CONFIG says", label);
    expect_true(what, span_eq_str(ti->hash_algo, hash_algo == HASH_SHA512 ? "sha-512" : "sha-256"),
                text(ti->hash_algo, got, sizeof got), algo);
    fmt_str(what, sizeof what, "%s: challenge (10) length", label);
    expect_u64(what, ti->challenge.n, 64);
    if (ti->challenge.n == 64) {
        fmt_str(what, sizeof what, "%s: challenge (10) is the one given to RSI_ATTESTATION_TOKEN_INIT", label);
        expect_bytes(what, ti->challenge.p, e->challenge, 64);
    }
    fmt_str(what, sizeof what, "%s: RPV (44235) length", label);
    expect_u64(what, ti->rpv.n, 64);
    fmt_str(what, sizeof what, "%s: RIM (44238) length", label);
    expect_u64(what, ti->rim.n, hash_len);
    if (e->rim && ti->rim.n == hash_len) {
        fmt_str(what, sizeof what, "%s: RIM (44238) equals RSI_MEASUREMENT_READ(0)", label);
        expect_bytes(what, ti->rim.p, e->rim, hash_len);
    }
    fmt_str(what, sizeof what, "%s: number of REMs (44239)", label);
    expect_u64(what, ti->rem_count, 4);
    for (unsigned i = 0; i < 4 && i < ti->rem_count; i++) {
        fmt_str(what, sizeof what, "%s: REM%u length", label, i);
        if (!expect_u64(what, ti->rem[i].n, hash_len)) continue;
        if (e->rems) {
            fmt_str(what, sizeof what, "%s: REM%u (44239[%u]) as expected", label, i, i);
            expect_bytes(what, ti->rem[i].p, e->rems[i], hash_len);
        }
    }
    fmt_str(what, sizeof what, "%s: platform profile (265)", label);
    expect_true(what, span_eq_str(ti->platform_profile, "tag:arm.com,2023:cca_platform#1.0.0"),
                text(ti->platform_profile, got, sizeof got), "\"tag:arm.com,2023:cca_platform#1.0.0\"");
    if (span_eq_str(ti->rak_hash_algo, "sha-256") && ti->rak.p) {
        uint8_t h[32];
        sha256(ti->rak.p, ti->rak.n, h);
        fmt_str(what, sizeof what, "%s: platform challenge (10) is SHA-256 of the RAK (44237)", label);
        if (ti->platform_challenge.n == 32) expect_bytes(what, ti->platform_challenge.p, h, 32);
        else expect_u64(what, ti->platform_challenge.n, 32);
    } else {
        fmt_str(what, sizeof what, "%s: RAK hash algorithm (44240)", label);
        expect_true(what, 0, text(ti->rak_hash_algo, got, sizeof got), "\"sha-256\"");
    }
done:
    quiet_checks = saved_quiet;
    int ok = failures() == before;
    if (!verbose && ok) {
        fmt_str(what, sizeof what, "%s: token structure and claims", label);
        fmt_str(got, sizeof got, "%lu bytes, all claims as expected", len);
        pr("ok   %s: got %s, expected a well-formed token\n", what, got);
    }
    return ok ? 0 : -1;
}

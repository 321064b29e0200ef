// Just enough CBOR (RFC 8949, definite lengths only) to check an RMM 1.0 attestation token:
//
//   tag 399 ( { 44234: bstr(platform COSE_Sign1), 44241: bstr(realm COSE_Sign1) } )
//   COSE_Sign1 = [tag 18] [ bstr(protected header {1: alg}), {unprotected}, bstr(claims), bstr(sig) ]
//
// and pick out the realm claims (challenge 10, RPV 44235, hash algorithm 44236, RAK 44237,
// RIM 44238, REMs 44239, RAK hash algorithm 44240, profile 265) and the platform profile and
// challenge. Signatures are not verified here (the host side can do that with real crypto).
#include "realm.h"

struct reader { const uint8_t *p, *end; const char *error; };

static void bad(struct reader *r, const char *why) { if (!r->error) r->error = why; r->p = r->end; }

// Reads one item head: major type and argument. Indefinite lengths are refused.
static int head(struct reader *r, unsigned *major, uint64_t *arg)
{
    if (r->error || r->p >= r->end) { bad(r, "truncated CBOR"); return -1; }
    uint8_t ib = *r->p++;
    unsigned info = ib & 31;
    *major = ib >> 5;
    if (info < 24) { *arg = info; return 0; }
    unsigned n = info == 24 ? 1 : info == 25 ? 2 : info == 26 ? 4 : info == 27 ? 8 : 0;
    if (!n) { bad(r, "indefinite-length or reserved CBOR item"); return -1; }
    if ((size_t)(r->end - r->p) < n) { bad(r, "truncated CBOR"); return -1; }
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++) v = v << 8 | *r->p++;
    *arg = v;
    return 0;
}

static int take(struct reader *r, uint64_t n, struct span *s)
{
    if ((uint64_t)(r->end - r->p) < n) { bad(r, "CBOR string runs past the end"); return -1; }
    s->p = r->p;
    s->n = (size_t)n;
    r->p += n;
    return 0;
}

static int skip(struct reader *r, unsigned depth)
{
    unsigned major;
    uint64_t arg;
    struct span s;
    if (depth > 16) { bad(r, "CBOR nested too deeply"); return -1; }
    if (head(r, &major, &arg)) return -1;
    switch (major) {
    case 0: case 1: case 7: return 0;
    case 2: case 3: return take(r, arg, &s);
    case 4: for (uint64_t i = 0; i < arg; i++) if (skip(r, depth + 1)) return -1; return 0;
    case 5: for (uint64_t i = 0; i < 2 * arg; i++) if (skip(r, depth + 1)) return -1; return 0;
    case 6: return skip(r, depth + 1);
    }
    return -1;
}

static int expect_head(struct reader *r, unsigned want_major, uint64_t *arg, const char *why)
{
    unsigned major;
    if (head(r, &major, arg)) return -1;
    if (major != want_major) { bad(r, why); return -1; }
    return 0;
}

static int bstr(struct reader *r, struct span *s, const char *why)
{
    uint64_t n;
    if (expect_head(r, 2, &n, why)) return -1;
    return take(r, n, s);
}

// An integer key (major 0 or 1) as a signed value.
static int int_item(struct reader *r, int64_t *v)
{
    unsigned major;
    uint64_t arg;
    if (head(r, &major, &arg)) return -1;
    if (major == 0) { *v = (int64_t)arg; return 0; }
    if (major == 1) { *v = -1 - (int64_t)arg; return 0; }
    bad(r, "a claim key is not an integer");
    return -1;
}

// COSE_Sign1: returns the payload; fills alg and signature length.
static int cose_sign1(struct span in, struct span *payload, int64_t *alg, size_t *sig_len, const char **error)
{
    struct reader r = { in.p, in.p + in.n, 0 };
    unsigned major;
    uint64_t arg;
    const uint8_t *save = r.p;
    if (head(&r, &major, &arg)) goto out;
    if (major == 6 && arg == 18) save = r.p;   // optional COSE_Sign1 tag
    r.p = save;
    if (expect_head(&r, 4, &arg, "COSE_Sign1 is not an array")) goto out;
    if (arg != 4) { bad(&r, "COSE_Sign1 array does not have 4 elements"); goto out; }
    struct span prot, sig;
    if (bstr(&r, &prot, "COSE_Sign1 protected header is not a bstr")) goto out;
    if (skip(&r, 0)) goto out;                 // unprotected header
    if (bstr(&r, payload, "COSE_Sign1 payload is not a bstr")) goto out;
    if (bstr(&r, &sig, "COSE_Sign1 signature is not a bstr")) goto out;
    *sig_len = sig.n;
    // Protected header: { 1: alg, ... }
    struct reader h = { prot.p, prot.p + prot.n, 0 };
    if (expect_head(&h, 5, &arg, "COSE protected header is not a map")) { r.error = h.error; goto out; }
    *alg = 0;
    for (uint64_t i = 0; i < arg && !h.error; i++) {
        int64_t key, v;
        if (int_item(&h, &key)) break;
        if (key == 1) { if (int_item(&h, &v)) break; *alg = v; }
        else skip(&h, 0);
    }
    if (h.error) r.error = h.error;
out:
    *error = r.error;
    return r.error ? -1 : 0;
}

int span_eq_str(struct span s, const char *str)
{
    size_t n = strlen(str);
    return s.p && s.n == n && memcmp(s.p, str, n) == 0;
}

static int tstr(struct reader *r, struct span *s, const char *why)
{
    uint64_t n;
    if (expect_head(r, 3, &n, why)) return -1;
    return take(r, n, s);
}

static void realm_claims(struct span payload, struct token_info *ti)
{
    struct reader r = { payload.p, payload.p + payload.n, 0 };
    uint64_t n;
    if (expect_head(&r, 5, &n, "realm claims are not a map")) { ti->error = r.error; return; }
    ti->realm_claims = (unsigned)n;
    for (uint64_t i = 0; i < n && !r.error; i++) {
        int64_t key;
        if (int_item(&r, &key)) break;
        switch (key) {
        case 10: bstr(&r, &ti->challenge, "realm challenge (10) is not a bstr"); break;
        case 44235: bstr(&r, &ti->rpv, "RPV (44235) is not a bstr"); break;
        case 44236: tstr(&r, &ti->hash_algo, "hash algorithm (44236) is not a tstr"); break;
        case 44237: bstr(&r, &ti->rak, "RAK (44237) is not a bstr"); break;
        case 44238: bstr(&r, &ti->rim, "RIM (44238) is not a bstr"); break;
        case 44240: tstr(&r, &ti->rak_hash_algo, "RAK hash algorithm (44240) is not a tstr"); break;
        case 265: tstr(&r, &ti->profile, "profile (265) is not a tstr"); break;
        case 44239: {
            uint64_t count;
            if (expect_head(&r, 4, &count, "REMs (44239) are not an array")) break;
            ti->rem_count = (unsigned)count;
            for (uint64_t j = 0; j < count && !r.error; j++) {
                struct span s;
                bstr(&r, &s, "a REM is not a bstr");
                if (j < 4) ti->rem[j] = s;
            }
            break;
        }
        default: skip(&r, 0);
        }
    }
    if (r.error) ti->error = r.error;
}

static void platform_claims(struct span payload, struct token_info *ti)
{
    struct reader r = { payload.p, payload.p + payload.n, 0 };
    uint64_t n;
    if (expect_head(&r, 5, &n, "platform claims are not a map")) { ti->error = r.error; return; }
    ti->platform_claims = (unsigned)n;
    for (uint64_t i = 0; i < n && !r.error; i++) {
        int64_t key;
        if (int_item(&r, &key)) break;
        if (key == 265) tstr(&r, &ti->platform_profile, "platform profile (265) is not a tstr");
        else if (key == 10) bstr(&r, &ti->platform_challenge, "platform challenge (10) is not a bstr");
        else skip(&r, 0);
    }
    if (r.error) ti->error = r.error;
}

int token_parse(const uint8_t *token, size_t len, struct token_info *ti)
{
    memset(ti, 0, sizeof *ti);
    struct reader r = { token, token + len, 0 };
    uint64_t arg;
    if (expect_head(&r, 6, &arg, "token does not start with a CBOR tag")) goto out;
    if (arg != 399) { bad(&r, "token's tag is not 399 (CCA token collection)"); goto out; }
    if (expect_head(&r, 5, &arg, "token collection is not a map")) goto out;
    for (uint64_t i = 0; i < arg && !r.error; i++) {
        int64_t key;
        struct span s;
        if (int_item(&r, &key)) break;
        if (bstr(&r, &s, "token collection entry is not a bstr")) break;
        if (key == 44234) ti->platform = s;
        else if (key == 44241) ti->realm = s;
    }
    if (r.error) goto out;
    if (r.p != r.end) { bad(&r, "bytes after the token collection"); goto out; }
    if (!ti->platform.p) { bad(&r, "no platform token (44234)"); goto out; }
    if (!ti->realm.p) { bad(&r, "no realm token (44241)"); goto out; }
    struct span payload;
    const char *err = 0;
    if (cose_sign1(ti->realm, &payload, &ti->realm_alg, &ti->realm_sig_len, &err)) { r.error = err; goto out; }
    realm_claims(payload, ti);
    if (ti->error) return -1;
    if (cose_sign1(ti->platform, &payload, &ti->platform_alg, &ti->platform_sig_len, &err)) { r.error = err; goto out; }
    platform_claims(payload, ti);
    if (ti->error) return -1;
out:
    if (r.error) ti->error = r.error;
    return ti->error ? -1 : 0;
}

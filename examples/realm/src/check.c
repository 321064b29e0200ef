// Self-checking output. Every check prints one line with what it got and what it expected:
//
//   ok   <what>: got <value>, expected <value>
//   FAIL <what>: got <value>, expected <value>
//
// and the run ends with a summary, then a last line "PASS" or "FAIL: <first failed check>
// (<n> of <m> checks failed)", then PSCI SYSTEM_OFF.
#include "realm.h"

const char *program_name = "realm";
int quiet_checks;                              // when set, passing checks print nothing
static unsigned checks, failed, skipped;
static char first_failure[200];

static void record(int ok, const char *what)
{
    checks++;
    if (ok) return;
    if (!failed) fmt_str(first_failure, sizeof first_failure, "%s", what);
    failed++;
}

void section(const char *title) { pr("[%s]\n", title); }

int expect_u64(const char *what, uint64_t got, uint64_t want)
{
    int ok = got == want;
    if (!ok || !quiet_checks) pr("%s %s: got 0x%lx, expected 0x%lx\n", ok ? "ok  " : "FAIL", what, got, want);
    record(ok, what);
    return ok;
}

const char *status_name(uint64_t s)
{
    switch (s) {
    case 0: return "RSI_SUCCESS";
    case 1: return "RSI_ERROR_INPUT";
    case 2: return "RSI_ERROR_STATE";
    case 3: return "RSI_INCOMPLETE";
    case 4: return "RSI_ERROR_UNKNOWN";
    case 5: return "RSI_ERROR_DEVICE";
    case SMC_UNKNOWN: return "SMC_UNKNOWN/NOT_SUPPORTED";
    default: return "?";
    }
}

const char *ripas_name(uint64_t r)
{
    switch (r) {
    case RIPAS_EMPTY: return "EMPTY";
    case RIPAS_RAM: return "RAM";
    case RIPAS_DESTROYED: return "DESTROYED";
    case RIPAS_DEV: return "DEV";
    default: return "?";
    }
}

static void status_text(char *buf, size_t size, uint64_t s)
{
    if (s == SMC_UNKNOWN) fmt_str(buf, size, "-1 (%s)", status_name(s));
    else fmt_str(buf, size, "%lu (%s)", s, status_name(s));
}

int expect_status(const char *what, uint64_t got, uint64_t want)
{
    char g[48], w[48];
    status_text(g, sizeof g, got);
    status_text(w, sizeof w, want);
    int ok = got == want;
    if (!ok || !quiet_checks) pr("%s %s: got %s, expected %s\n", ok ? "ok  " : "FAIL", what, g, w);
    record(ok, what);
    return ok;
}

int expect_bytes(const char *what, const uint8_t *got, const uint8_t *want, size_t n)
{
    int ok = memcmp(got, want, n) == 0;
    record(ok, what);
    if (ok && quiet_checks) return ok;
    pr("%s %s: got ", ok ? "ok  " : "FAIL", what);
    pr_hex(got, n);
    if (ok) pr(" (as expected)\n");
    else { pr(", expected "); pr_hex(want, n); pr("\n"); }
    return ok;
}

int expect_true(const char *what, int ok, const char *got, const char *want)
{
    if (!ok || !quiet_checks) pr("%s %s: got %s, expected %s\n", ok ? "ok  " : "FAIL", what, got, want);
    record(ok, what);
    return ok;
}

void note_failure(const char *f, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, f);
    vfmt_str(buf, sizeof buf, f, ap);
    va_end(ap);
    pr("FAIL %s\n", buf);
    record(0, buf);
}

void note_skip(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    pr("skip ");
    vpr(f, ap);
    va_end(ap);
    pr("\n");
    skipped++;
}

unsigned failures(void) { return failed; }

int psci_conduit_hvc;                          // set by realm_init when there is no EL3

void system_off(void)
{
    if (psci_conduit_hvc) psci_system_off_hvc();
    psci_system_off_smc();
}

void finish(void)
{
    pr("%s: %u checks, %u failed, %u skipped\n", program_name, checks, failed, skipped);
    if (failed) pr("FAIL: %s (%u of %u checks failed)\n", first_failure, failed, checks);
    else pr("PASS\n");
    system_off();
}

void fatal(const char *f, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, f);
    vfmt_str(buf, sizeof buf, f, ap);
    va_end(ap);
    pr("FAIL %s\n", buf);
    record(0, buf);
    pr("%s: stopping here\n", program_name);
    finish();
}

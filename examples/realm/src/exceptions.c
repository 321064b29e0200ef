// The exception handler behind the vectors of start.S.
//
// Tests arm the handler (fault_arm) around an access that should fault; it then records the
// synchronous exception and resumes: after the faulting instruction for a data abort or an
// undefined instruction (ELR + 4), or at the return address for an instruction abort (ELR = X30:
// the faulting fetch was the target of probe_exec's BLR). Anything else is reported in words and
// ends the run with FAIL.
#include "realm.h"

int (*exception_hook)(struct frame *f, unsigned vec);
static volatile int armed, nesting;
static volatile struct fault recorded;

void fault_arm(void)
{
    recorded.count = 0;
    recorded.vec = 0;
    recorded.esr = recorded.far = recorded.elr = 0;
    dsb(sy);
    armed = 1;
    dsb(sy);
}

unsigned fault_disarm(struct fault *out)
{
    armed = 0;
    dsb(sy);
    if (out) {
        out->count = recorded.count;
        out->vec = recorded.vec;
        out->esr = recorded.esr;
        out->far = recorded.far;
        out->elr = recorded.elr;
    }
    return recorded.count;
}

static const char *ec_name(unsigned ec)
{
    switch (ec) {
    case 0x00: return "unknown reason (UNDEFINED instruction)";
    case 0x01: return "WFI/WFE trapped";
    case 0x0e: return "illegal execution state";
    case 0x15: return "SVC";
    case 0x16: return "HVC";
    case 0x17: return "SMC";
    case 0x18: return "MSR/MRS trapped";
    case 0x20: return "instruction abort from EL0";
    case 0x21: return "instruction abort";
    case 0x22: return "PC alignment fault";
    case 0x24: return "data abort from EL0";
    case 0x25: return "data abort";
    case 0x26: return "SP alignment fault";
    case 0x2f: return "SError";
    case 0x3c: return "BRK";
    default: return "other";
    }
}

static const char *fsc_name(unsigned fsc)
{
    if (fsc <= 0x03) return "address size fault";
    if (fsc >= 0x04 && fsc <= 0x07) return "translation fault";
    if (fsc >= 0x09 && fsc <= 0x0b) return "access flag fault";
    if (fsc >= 0x0d && fsc <= 0x0f) return "permission fault";
    if (fsc == 0x10) return "synchronous external abort";
    if (fsc == 0x21) return "alignment fault";
    return "other fault";
}

void describe_esr(uint64_t esr, char *buf, size_t size)
{
    unsigned ec = ESR_EC(esr);
    if (ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25) {
        unsigned fsc = ESR_FSC(esr);
        int data = ec >= 0x24;
        char level[16] = "";
        if (fsc <= 0x0f && fsc != 0x08 && fsc != 0x0c) fmt_str(level, sizeof level, " level %u", fsc & 3);
        fmt_str(buf, size, "EC 0x%x %s, %s 0x%x %s%s%s%s", ec, ec_name(ec), data ? "DFSC" : "IFSC", fsc,
                fsc_name(fsc), level, ESR_EA(esr) ? ", EA" : "", data ? (ESR_WNR(esr) ? ", write" : ", read") : "");
    } else {
        fmt_str(buf, size, "EC 0x%x %s, IL %u, ISS 0x%lx", ec, ec_name(ec), ESR_IL(esr), ESR_ISS(esr));
    }
}

static const char *vector_name(unsigned vec)
{
    static const char *const group[4] = { "current EL with SP_EL0", "current EL with SP_ELx", "lower EL AArch64", "lower EL AArch32" };
    static const char *const kind[4] = { "synchronous", "IRQ", "FIQ", "SError" };
    static char buf[64];
    fmt_str(buf, sizeof buf, "%s, %s", kind[vec & 3], group[(vec >> 2) & 3]);
    return buf;
}

void exception_entry(struct frame *f, unsigned vec);
void exception_entry(struct frame *f, unsigned vec)
{
    if (nesting) system_off();                 // a fault while handling a fault: give up quietly
    nesting = 1;
    if (exception_hook && exception_hook(f, vec)) { nesting = 0; return; }
    if (armed && (vec & 3) == 0) {
        if (recorded.count++ == 0) {
            recorded.vec = vec;
            recorded.esr = f->esr;
            recorded.far = f->far;
            recorded.elr = f->elr;
        }
        unsigned ec = ESR_EC(f->esr);
        if (ec == EC_IABT_CUR || ec == EC_IABT_LOW) f->elr = f->x[30];
        else f->elr += 4;
        if (recorded.count > 8) armed = 0;     // something loops: let the next one be reported
        nesting = 0;
        return;
    }
    console_emergency();
    char what[160];
    describe_esr(f->esr, what, sizeof what);
    pr("\nunexpected exception (%s)\n", vector_name(vec));
    pr("  ESR_EL1  0x%lx: %s\n", f->esr, what);
    pr("  FAR_EL1  0x%lx\n  ELR_EL1  0x%lx\n  SPSR_EL1 0x%lx\n", f->far, f->elr, f->spsr);
    pr("  X0 0x%lx  X1 0x%lx  X30 0x%lx\n", f->x[0], f->x[1], f->x[30]);
    fatal("unexpected %s at ELR 0x%lx (ESR 0x%lx, FAR 0x%lx)", ec_name(ESR_EC(f->esr)), f->elr, f->esr, f->far);
}

void expect_sea(const char *what, const struct fault *f, unsigned ec, uint64_t far, uint64_t elr, int wnr)
{
    char buf[200], got[200];
    if (f->count == 0) {
        fmt_str(buf, sizeof buf, "%s: abort taken", what);
        expect_true(buf, 0, "no exception (the access completed)", "a synchronous external abort");
        return;
    }
    describe_esr(f->esr, got, sizeof got);
    pr("     %s: ESR_EL1 0x%lx (%s), FAR_EL1 0x%lx, ELR_EL1 0x%lx\n", what, f->esr, got, f->far, f->elr);
    fmt_str(buf, sizeof buf, "%s: exceptions taken", what);
    expect_u64(buf, f->count, 1);
    fmt_str(buf, sizeof buf, "%s: ESR_EL1.EC", what);
    expect_u64(buf, ESR_EC(f->esr), ec);
    fmt_str(buf, sizeof buf, "%s: ESR_EL1.%s (0x10 = synchronous external abort)", what, ec >= 0x24 ? "DFSC" : "IFSC");
    expect_u64(buf, ESR_FSC(f->esr), FSC_SEA);
    if (ec == EC_DABT_CUR || ec == EC_DABT_LOW) {
        fmt_str(buf, sizeof buf, "%s: ESR_EL1.EA", what);
        expect_u64(buf, ESR_EA(f->esr), 1);
        if (wnr >= 0) {
            fmt_str(buf, sizeof buf, "%s: ESR_EL1.WnR", what);
            expect_u64(buf, ESR_WNR(f->esr), (uint64_t)wnr);
        }
    }
    fmt_str(buf, sizeof buf, "%s: FAR_EL1", what);
    expect_u64(buf, f->far, far);
    fmt_str(buf, sizeof buf, "%s: ELR_EL1", what);
    expect_u64(buf, f->elr, elr);
}

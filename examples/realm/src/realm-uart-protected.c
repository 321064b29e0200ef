// realm-uart-protected: the classic Realm firmware bug. Firmware written for an ordinary VM
// writes to the PL011 at 0x09000000. In a Realm that IPA is in the protected half, where there is
// no device: the page is RIPAS EMPTY, and the RMM answers the access with a synchronous external
// abort injected into the Realm. This program makes that mistake on purpose (MMU off, so the
// address is the IPA), takes the abort, and its vector handler explains it on the UART at the
// correct address (the unprotected alias), then powers off.
//
// Last line: PASS when the write took a synchronous external abort (data abort, DFSC 0x10, EA)
// with FAR = 0x09000000 and the ELR of the faulting store; FAIL: <what> otherwise.
#include "realm.h"

static volatile int abort_seen;

static int on_exception(struct frame *f, unsigned vec)
{
    char what[160];
    if ((vec & 3) != 0) return 0;              // not synchronous: let the default handler report it
    abort_seen = 1;
    describe_esr(f->esr, what, sizeof what);
    pr("\nvector handler (VBAR_EL1 + 0x%x), printing through the UART's unprotected alias 0x%lx:\n", vec * 0x80, UART_IPA | top_bit);
    pr("  ESR_EL1 = 0x%lx: %s\n", f->esr, what);
    pr("  FAR_EL1 = 0x%lx, ELR_EL1 = 0x%lx\n", f->far, f->elr);
    pr("The store to the UART at IPA 0x%lx took a synchronous external abort: that IPA is in the\n"
       "protected half of this Realm's IPA space (below 0x%lx), where the UART is not; the page is\n"
       "RIPAS EMPTY, and the RMM injects an external abort for any access to it. Devices emulated by\n"
       "the host are reached through the unprotected alias: IPA | 1 << (ipa_width - 1) = 0x%lx here\n"
       "(with the MMU on, set that bit in the output address of the stage-1 descriptor).\n",
       UART_IPA, top_bit, UART_IPA | top_bit);
    expect_u64("ESR_EL1.EC (0x25 = data abort from the current EL)", ESR_EC(f->esr), EC_DABT_CUR);
    expect_u64("ESR_EL1.DFSC (0x10 = synchronous external abort)", ESR_FSC(f->esr), FSC_SEA);
    expect_u64("ESR_EL1.EA", ESR_EA(f->esr), 1);
    expect_u64("ESR_EL1.WnR (1 = write)", ESR_WNR(f->esr), 1);
    expect_u64("FAR_EL1 (the protected UART address)", f->far, UART_IPA);
    expect_u64("ELR_EL1 (the faulting STR in probe_write32)", f->elr, (uint64_t)probe_write32);
    finish();
}

int main(uint64_t x0);
int main(uint64_t x0)
{
    (void)x0;
    program_name = "realm-uart-protected";
    realm_init(1);
    pr("realm-uart-protected: this line comes through the UART's unprotected alias 0x%lx\n", UART_IPA | top_bit);
    uint64_t top = 0, ripas = 0;
    uint64_t st = rsi_ipa_state_get(UART_IPA, UART_IPA + PAGE_SIZE, &top, &ripas);
    pr("RSI_IPA_STATE_GET(0x%lx, 0x%lx) -> X0 = %s, X1 = 0x%lx, RIPAS %s\n", UART_IPA, UART_IPA + PAGE_SIZE,
       status_name(st), top, ripas_name(ripas));
    expect_u64("RIPAS at the UART's protected address (0 = EMPTY)", ripas, RIPAS_EMPTY);
    pr("now the bug: writing 'X' to the UART data register at its protected IPA 0x%lx (MMU off)\n", UART_IPA);
    exception_hook = on_exception;
    probe_write32(UART_IPA, 'X');
    exception_hook = 0;
    note_failure("the write to the protected IPA 0x%lx completed without an abort", UART_IPA);
    finish();
}

// Console output on the PL011, and a small printf.
//
// A Realm cannot print before it knows its IPA width: the UART is only reachable through the
// unprotected alias (UART_IPA | 1 << (ipa_width - 1)); a store to its protected address takes a
// synchronous external abort. Output produced before console_enable() is kept in a buffer and
// written out when the address is known. Every UART access is a single 32-bit LDR/STR with no
// writeback, which the RMM can hand to the host as an emulatable MMIO exit (ISV = 1).
#include "realm.h"

#define UART_DR   0x000
#define UART_FR   0x018
#define UART_LCRH 0x02c
#define UART_CR   0x030
#define UART_IMSC 0x038
#define FR_TXFF   (1u << 5)

static uint64_t uart_base;                     // VA of the UART, 0 until console_enable
static char early[8192];                       // output before the UART address is known
static size_t early_len;
static int early_lost;

static void uart_putc(char c)
{
    while (mmio_read32(uart_base + UART_FR) & FR_TXFF) { }
    mmio_write32(uart_base + UART_DR, (uint8_t)c);
}

static void console_putc(char c)
{
    if (uart_base) uart_putc(c);
    else if (early_len < sizeof early) early[early_len++] = c;
    else early_lost = 1;
}

// The first call programs the UART; later calls only change the address it is reached at (the
// alias IPA with the MMU off, the identity-mapped VA once the MMU is on).
void console_enable(uint64_t base)
{
    static int programmed;
    uart_base = base;
    if (!programmed) {
        programmed = 1;
        mmio_write32(base + UART_CR, 0);
        mmio_write32(base + UART_IMSC, 0);
        mmio_write32(base + UART_LCRH, 0x70);  // 8 bits, FIFOs on
        mmio_write32(base + UART_CR, 0x301);   // UARTEN, TXE, RXE
    }
    for (size_t i = 0; i < early_len; i++) uart_putc(early[i]);
    early_len = 0;
    if (early_lost) pr("(console: earlier output was longer than the early buffer and was cut)\n");
    early_lost = 0;
}

int console_enabled(void) { return uart_base != 0; }

// From an exception handler, before the program enabled the console: with the MMU off the alias
// IPA is used directly; with it on, the identity map's UART page (VA UART_IPA) is assumed.
void console_emergency(void)
{
    if (uart_base || !top_bit) return;
    if (mmu_enabled()) console_enable(UART_IPA);
    else console_enable(UART_IPA | top_bit);
}

// ---- formatting ------------------------------------------------------------------------------
struct sink { char *buf; size_t size, len; int to_console; };

static void emit(struct sink *s, char c)
{
    if (s->to_console) { console_putc(c); return; }
    if (s->len + 1 < s->size) s->buf[s->len] = c;
    s->len++;
}

// %[-][0][width][l|ll|z](d|i|u|x|X|c|s|p|%)
static void format(struct sink *s, const char *f, va_list ap)
{
    for (; *f; f++) {
        if (*f != '%') { emit(s, *f); continue; }
        f++;
        int left = 0, zero = 0, width = 0, is64 = 0;
        if (*f == '-') { left = 1; f++; }
        if (*f == '0') { zero = 1; f++; }
        while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
        while (*f == 'l' || *f == 'z') { is64 = 1; f++; }
        char digits[24];
        const char *text = digits;
        int n = 0, minus = 0;
        uint64_t u;
        switch (*f) {
        case 'd': case 'i': {
            int64_t v = is64 ? va_arg(ap, int64_t) : va_arg(ap, int);
            minus = v < 0;
            u = minus ? 0 - (uint64_t)v : (uint64_t)v;
            do { digits[sizeof digits - 1 - n++] = (char)('0' + u % 10); u /= 10; } while (u);
            text = digits + sizeof digits - n;
            break;
        }
        case 'p':
            is64 = 1;
            emit(s, '0'); emit(s, 'x');
            /* fall through */
        case 'u': case 'x': case 'X': {
            u = is64 ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            unsigned base = *f == 'u' ? 10 : 16;
            const char *set = *f == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            do { digits[sizeof digits - 1 - n++] = set[u % base]; u /= base; } while (u);
            text = digits + sizeof digits - n;
            break;
        }
        case 'c': digits[0] = (char)va_arg(ap, int); n = 1; break;
        case 's':
            text = va_arg(ap, const char *);
            if (!text) text = "(null)";
            while (text[n]) n++;
            break;
        case '%': digits[0] = '%'; n = 1; break;
        case 0: return;
        default: emit(s, '%'); emit(s, *f); continue;
        }
        int len = n + minus;
        if (!left && !zero) for (; len < width; len++) emit(s, ' ');
        if (minus) emit(s, '-');
        if (!left && zero) for (; len < width; len++) emit(s, '0');
        for (int i = 0; i < n; i++) emit(s, text[i]);
        if (left) for (; len < width; len++) emit(s, ' ');
    }
}

void vpr(const char *f, va_list ap)
{
    struct sink s = { 0, 0, 0, 1 };
    format(&s, f, ap);
}

void pr(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vpr(f, ap);
    va_end(ap);
}

int vfmt_str(char *buf, size_t size, const char *f, va_list ap)
{
    struct sink s = { buf, size, 0, 0 };
    format(&s, f, ap);
    if (size) buf[s.len < size ? s.len : size - 1] = 0;
    return (int)s.len;
}

int fmt_str(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int n = vfmt_str(buf, size, f, ap);
    va_end(ap);
    return n;
}

void pr_hex(const uint8_t *p, size_t n)
{
    static const char hexd[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) { console_putc(hexd[p[i] >> 4]); console_putc(hexd[p[i] & 15]); }
}

void pr_hex_spaced(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i) console_putc(' ');
        pr_hex(p + i, 1);
    }
}

// ---- small libc (byte loops: memory is Device-nGnRnE while the MMU is off, so nothing may be
// unaligned) -----------------------------------------------------------------------------------
void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    if (((uintptr_t)p & 7) == 0 && (n & 7) == 0) {
        uint64_t v = (uint8_t)c * 0x0101010101010101ULL;
        for (size_t i = 0; i < n; i += 8) *(volatile uint64_t *)(p + i) = v;
        return d;
    }
    for (size_t i = 0; i < n; i++) p[i] = (uint8_t)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    for (size_t i = 0; i < n; i++) dp[i] = sp[i];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++) if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) if (b[i]) return 0;
    return 1;
}

// Realmscope demo firmware for QEMU's virt board (-M virt,gic-version=3):
//   1. prints a banner on the PL011 UART,
//   2. reads the flattened device tree at the start of RAM and prints the RAM size and the UART node,
//   3. turns on the MMU (identity map, caches on),
//   4. takes a synchronous exception (a data abort on an unmapped address) and recovers from it,
//   5. counts a few virtual-timer interrupts through the GICv3,
//   6. powers off with PSCI SYSTEM_OFF.
#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

#define UART      0x09000000UL
#define GICD      0x08000000UL
#define GICR      0x080a0000UL
#define GICR_SGI  (GICR + 0x10000)
#define DTB_ADDR  0x40000000UL

#define mrs(r) ({ uint64_t _v; __asm__ volatile("mrs %0, " #r : "=r"(_v)); _v; })
#define msr(r, v) __asm__ volatile("msr " #r ", %0" :: "r"((uint64_t)(v)) : "memory")
#define isb() __asm__ volatile("isb" ::: "memory")

static inline uint32_t rd32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void wr32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }

// ---- console ----------------------------------------------------------------------------------
static void putc_(char c)
{
    while (rd32(UART + 0x18) & (1u << 5)) { }   // FR.TXFF
    wr32(UART, (uint8_t)c);
}

static void puts_(const char *s) { while (*s) putc_(*s++); }

static void put_num(uint64_t v, unsigned base, int width)
{
    char buf[24];
    int n = 0;
    do { buf[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    while (n < width) buf[n++] = '0';
    while (n) putc_(buf[--n]);
}

// printf subset: %s %c %u %d %x (l for 64 bits, 0N widths).
static void print(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    for (; *f; f++) {
        if (*f != '%') { putc_(*f); continue; }
        int width = 0, lng = 0;
        f++;
        while (*f >= '0' && *f <= '9') width = width * 10 + *f++ - '0';
        if (*f == 'l') { lng = 1; f++; }
        switch (*f) {
        case 's': puts_(va_arg(ap, const char *)); break;
        case 'c': putc_((char)va_arg(ap, int)); break;
        case 'u': put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width); break;
        case 'x': put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width); break;
        case 'd': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (v < 0) { putc_('-'); v = -v; }
            put_num((uint64_t)v, 10, width);
            break;
        }
        default: putc_(*f);
        }
    }
    va_end(ap);
}

// ---- device tree ------------------------------------------------------------------------------
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }
static int streq(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return *a == *b; }
static int starts(const char *s, const char *prefix) { while (*prefix) if (*s++ != *prefix++) return 0; return 1; }

// True if the NUL-separated string list `list` (len bytes) contains `s`.
static int in_list(const char *list, uint32_t len, const char *s)
{
    for (uint32_t i = 0; i < len; ) {
        if (streq(list + i, s)) return 1;
        while (i < len && list[i]) i++;
        i++;
    }
    return 0;
}

static void read_device_tree(void)
{
    const uint8_t *fdt = (const uint8_t *)DTB_ADDR;
    if (be32(fdt) != 0xd00dfeed) { print("device tree: none at 0x%lx\n", DTB_ADDR); return; }
    uint32_t off_struct = be32(fdt + 8), off_strings = be32(fdt + 12);
    print("device tree: found at 0x%lx, version %u\n", DTB_ADDR, be32(fdt + 20));
    const uint8_t *p = fdt + off_struct;
    const char *strings = (const char *)fdt + off_strings;
    // Per node (only nodes directly under the root matter here): its name, reg and interrupts.
    const char *name = "", *uart_name = 0;
    int depth = 0, is_uart = 0, found_memory = 0;
    uint64_t reg_base = 0, reg_size = 0, ram_base = 0, ram_size = 0, uart_base = 0, uart_size = 0;
    uint32_t irq = 0, uart_irq = 0;
    for (;;) {
        uint32_t tag = be32(p);
        p += 4;
        if (tag == 1) {                                   // FDT_BEGIN_NODE: name, padded to 4 bytes
            depth++;
            if (depth == 2) { name = (const char *)p; is_uart = 0; reg_base = reg_size = 0; irq = 0; }
            while (*p) p++;
            p = (const uint8_t *)(((uintptr_t)p + 4) & ~(uintptr_t)3);
        } else if (tag == 2) {                            // FDT_END_NODE
            if (depth == 2 && starts(name, "memory@") && !found_memory) {
                ram_base = reg_base; ram_size = reg_size; found_memory = 1;
            }
            if (depth == 2 && is_uart && !uart_name) {
                uart_name = name; uart_base = reg_base; uart_size = reg_size; uart_irq = irq;
            }
            depth--;
        } else if (tag == 3) {                            // FDT_PROP: length, name offset, value
            uint32_t len = be32(p);
            const char *prop = strings + be32(p + 4);
            const uint8_t *val = p + 8;
            if (depth == 2) {
                // The root node has #address-cells = #size-cells = 2 on this board.
                if (streq(prop, "reg") && len >= 16) { reg_base = be64(val); reg_size = be64(val + 8); }
                if (streq(prop, "interrupts") && len >= 12) irq = be32(val + 4);
                if (streq(prop, "compatible") && in_list((const char *)val, len, "arm,pl011")) is_uart = 1;
            }
            p = val + ((len + 3) & ~3u);
        } else if (tag == 4) {                            // FDT_NOP
        } else {
            break;                                        // FDT_END
        }
    }
    if (found_memory) print("RAM: %lu MiB at 0x%lx\n", ram_size >> 20, ram_base);
    else print("RAM: no memory node\n");
    if (uart_name) print("UART: /%s, reg 0x%lx size 0x%lx, SPI %u\n", uart_name, uart_base, uart_size, uart_irq);
    else print("UART: no arm,pl011 node\n");
}

// ---- MMU: identity map with 1 GiB blocks ------------------------------------------------------
static uint64_t l1_table[512] __attribute__((aligned(4096)));

static void mmu_on(void)
{
    l1_table[0] = 0x00000000UL | 1 | (0 << 2) | (1UL << 10) | (3UL << 53);       // devices, XN
    l1_table[1] = 0x40000000UL | 1 | (1 << 2) | (3UL << 8) | (1UL << 10);        // RAM, write-back
    __asm__ volatile("dsb ish" ::: "memory");
    msr(mair_el1, 0xff00);                                                        // 0 device, 1 normal WB
    msr(tcr_el1, 25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (2UL << 32)); // 39-bit VA, 4K, no TTBR1
    msr(ttbr0_el1, (uintptr_t)l1_table);
    isb();
    __asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
    msr(sctlr_el1, mrs(sctlr_el1) | 1 | (1 << 2) | (1 << 12));                    // M, C, I
    isb();
}

// ---- exceptions -------------------------------------------------------------------------------
struct trap_frame { uint64_t x[31], elr, spsr, esr, far; };

static volatile unsigned ticks;
static volatile int aborts;

void trap(struct trap_frame *f, unsigned vec)
{
    if (vec == 5) {                                       // IRQ from EL1 with SP_EL1
        unsigned intid = (unsigned)mrs(S3_0_C12_C12_0) & 0xffffff;   // ICC_IAR1_EL1
        if (intid == 27) { ticks++; msr(cntv_ctl_el0, 2); }           // mask the timer until rearmed
        msr(S3_0_C12_C12_1, intid);                                   // ICC_EOIR1_EL1
        return;
    }
    unsigned ec = (unsigned)(f->esr >> 26) & 0x3f;
    if (vec == 4 && ec == 0x25) {
        print("exception: data abort at 0x%lx, DFSC 0x%x (translation fault, level %u); skipping the load\n",
              f->far, (unsigned)f->esr & 0x3f, (unsigned)f->esr & 3);
        aborts++;
        f->x[0] = 0;
        f->elr += 4;
        return;
    }
    print("unexpected exception: vector %u ESR 0x%lx ELR 0x%lx FAR 0x%lx\n", vec, f->esr, f->elr, f->far);
    for (;;) __asm__ volatile("wfi");
}

// ---- timer interrupts through the GICv3 --------------------------------------------------------
static void timer_demo(unsigned n)
{
    wr32(GICD, (1u << 4) | (1u << 1) | 1u);                          // GICD_CTLR: ARE, groups on
    while (rd32(GICD) & (1u << 31)) { }
    wr32(GICR + 0x14, rd32(GICR + 0x14) & ~2u);                      // GICR_WAKER.ProcessorSleep = 0
    while (rd32(GICR + 0x14) & 4u) { }
    wr32(GICR_SGI + 0x80, 1u << 27);                                 // group 1
    *(volatile uint8_t *)(GICR_SGI + 0x400 + 27) = 0x80;             // priority
    wr32(GICR_SGI + 0x100, 1u << 27);                                // enable
    msr(S3_0_C12_C12_5, mrs(S3_0_C12_C12_5) | 1);                    // ICC_SRE_EL1.SRE
    isb();
    msr(S3_0_C4_C6_0, 0xf0);                                         // ICC_PMR_EL1
    msr(S3_0_C12_C12_7, 1);                                          // ICC_IGRPEN1_EL1
    isb();
    uint64_t period = mrs(cntfrq_el0) / 100;                         // 10 ms
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    for (unsigned i = 1; i <= n; i++) {
        msr(cntv_tval_el0, period);
        msr(cntv_ctl_el0, 1);
        isb();
        while (ticks < i) __asm__ volatile("wfi" ::: "memory");
        print("timer: tick %u\n", i);
    }
    __asm__ volatile("msr daifset, #2" ::: "memory");
    msr(cntv_ctl_el0, 0);
}

int main(void)
{
    wr32(UART + 0x30, 0x301);                                        // UARTCR: UARTEN, TXE, RXE
    print("\n=== Realmscope demo firmware ===\n");
    print("running at EL%u\n", (unsigned)(mrs(CurrentEL) >> 2) & 3);
    read_device_tree();
    mmu_on();
    print("MMU on (identity map, caches enabled)\n");
    // A load from an address the page tables leave unmapped: the handler skips it and sets x0 to 0.
    register uint64_t v __asm__("x0") = 0x80000000UL;
    __asm__ volatile("ldr x0, [x0]" : "+r"(v) :: "memory");
    print("recovered from %d exception(s), the load gave %lu\n", aborts, v);
    timer_demo(3);
    print("powering off via PSCI SYSTEM_OFF\n");
    return 0;
}

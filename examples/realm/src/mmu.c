// Stage 1 for the Realm programs: VMSAv8-64, 4 KiB granule, 39-bit VA (TCR_EL1.T0SZ = 25, walks
// start at level 1), TTBR0_EL1 only.
//
// The output address of a descriptor is an IPA. A Realm reaches devices and shared memory through
// the unprotected half of its IPA space, so the "unprotected bit" (1 << (ipa_width - 1)) goes into
// the descriptor's output address while the VA stays low (as EDK2 does): VA 0x09000000 maps IPA
// 0x09000000 | top_bit for the UART, and sharing a page sets the bit in that page's descriptor.
#include "realm.h"

#define TABLES      16
#define DESC_TABLE  3UL
#define DESC_BLOCK  1UL
#define DESC_PAGE   3UL
#define OA_MASK     0x0000fffffffff000UL
#define SZ_1G       0x40000000UL

static uint64_t tables[TABLES][512] PAGE_ALIGNED;
static unsigned tables_used;
static uint64_t *root;

static uint64_t *new_table(void)
{
    if (tables_used >= TABLES) fatal("stage 1: all %u page tables are in use", TABLES);
    uint64_t *t = tables[tables_used++];
    memset(t, 0, PAGE_SIZE);
    return t;
}

void mmu_init(void)
{
    tables_used = 0;
    root = new_table();
}

uint64_t mmu_ttbr0(void) { return (uint64_t)root; }

int mmu_enabled(void) { return (int)(read_sysreg(sctlr_el1) & 1); }

static unsigned shift_of(unsigned level) { return 39 - 9 * level; }   // 1: 30, 2: 21, 3: 12

// The descriptor slot for va at `level`, creating the tables above it.
static uint64_t *slot(uint64_t va, unsigned level)
{
    uint64_t *t = root;
    for (unsigned l = 1;; l++) {
        uint64_t *e = &t[(va >> shift_of(l)) & 511];
        if (l == level) return e;
        if ((*e & 3) != DESC_TABLE) {
            if (*e & 1) fatal("stage 1: VA 0x%lx is already mapped by a level %u block", va, l);
            uint64_t *n = new_table();
            dsb(ishst);
            *e = (uint64_t)n | DESC_TABLE;
        }
        t = (uint64_t *)(*e & OA_MASK);
    }
}

void mmu_map(uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, unsigned flags)
{
    while (size) {
        unsigned level = 3;
        uint64_t len = PAGE_SIZE;
        if (!(flags & MAP_PAGES)) {
            if (!(va & (SZ_1G - 1)) && !(pa & (SZ_1G - 1)) && size >= SZ_1G) { level = 1; len = SZ_1G; }
            else if (!(va & (SZ_2M - 1)) && !(pa & (SZ_2M - 1)) && size >= SZ_2M) { level = 2; len = SZ_2M; }
        }
        uint64_t *e = slot(va, level);
        *e = pa | attrs | (level == 3 ? DESC_PAGE : DESC_BLOCK);
        va += len;
        pa += len;
        size = size > len ? size - len : 0;
    }
    dsb(ishst);
    isb();
}

// The standard map of these programs:
//   [0, __image_end)                 4 KiB pages, Normal WB (the image: code, data, .bss, stack)
//   [__image_end, 128 MiB)           2 MiB blocks, Normal WB (rest of firmware RAM, .noinit)
//   VA 0x09000000 -> IPA 0x09000000 | top_bit, one page, Device-nGnRnE, execute-never (the UART)
//   [0x40000000, +4 MiB)             4 KiB pages, Normal WB (main RAM: device tree, page pool)
//   [0x40400000, 0x80000000)         2 MiB blocks, Normal WB
void mmu_identity_setup(void)
{
    uint64_t img_end = (uint64_t)__image_end;
    mmu_init();
    mmu_map(0, 0, img_end, PTE_NORMAL, MAP_PAGES);
    mmu_map(img_end, img_end, FW_RAM_SIZE - img_end, PTE_NORMAL, 0);
    mmu_map(UART_IPA, UART_IPA | top_bit, PAGE_SIZE, PTE_DEVICE, MAP_PAGES);
    mmu_map(MAIN_RAM_BASE, MAIN_RAM_BASE, 4 * 0x100000UL, PTE_NORMAL, MAP_PAGES);
    mmu_map(MAIN_RAM_BASE + 0x400000UL, MAIN_RAM_BASE + 0x400000UL, SZ_1G - 0x400000UL, PTE_NORMAL, 0);
}

void mmu_enable(void)
{
    uint64_t ips = read_sysreg(id_aa64mmfr0_el1) & 7;
    if (ips > 5) ips = 5;                      // 52-bit output addresses would need LPA2 (TCR.DS)
    uint64_t tcr = 25                          // T0SZ: 39-bit VA
                 | (1UL << 8) | (1UL << 10)    // IRGN0, ORGN0: write-back, write-allocate
                 | (3UL << 12)                 // SH0: Inner Shareable
                 | (0UL << 14)                 // TG0: 4 KiB
                 | (1UL << 23)                 // EPD1: no TTBR1 walks
                 | (2UL << 30)                 // TG1: 4 KiB (unused)
                 | (ips << 32);                // IPS: as large as PARange allows (up to 48 bits)
    write_sysreg(mair_el1, 0x44ff00UL);        // 0: Device-nGnRnE, 1: Normal WB RW-allocate, 2: Normal NC
    write_sysreg(tcr_el1, tcr);
    write_sysreg(ttbr0_el1, (uint64_t)root);
    isb();
    __asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tic iallu\n\tdsb nsh\n\tisb" ::: "memory");
    uint64_t sctlr = read_sysreg(sctlr_el1);
    sctlr |= (1UL << 0) | (1UL << 2) | (1UL << 12);   // M, C, I
    write_sysreg(sctlr_el1, sctlr);
    isb();
}

uint64_t *mmu_leaf(uint64_t va, unsigned *level)
{
    uint64_t *t = root;
    if (!t) return 0;
    for (unsigned l = 1; l <= 3; l++) {
        uint64_t *e = &t[(va >> shift_of(l)) & 511];
        if (!(*e & 1)) return 0;
        if (l == 3 || (*e & 3) == DESC_BLOCK) {
            if (level) *level = l;
            return e;
        }
        t = (uint64_t *)(*e & OA_MASK);
    }
    return 0;
}

// Replaces a valid level 3 descriptor; break-before-make when the MMU is on.
static void replace(uint64_t *e, uint64_t va, uint64_t d)
{
    if (mmu_enabled()) {
        *e = 0;
        dsb(ishst);
        __asm__ volatile("tlbi vaae1is, %0" :: "r"(va >> 12) : "memory");
        dsb(ish);
        isb();
    }
    *e = d;
}

void mmu_update_pages(uint64_t va, uint64_t size, uint64_t set, uint64_t clear)
{
    for (uint64_t p = va & ~(PAGE_SIZE - 1); p < va + size; p += PAGE_SIZE) {
        unsigned level = 0;
        uint64_t *e = mmu_leaf(p, &level);
        if (!e || level != 3) fatal("stage 1: VA 0x%lx is not mapped by a 4 KiB page", p);
        replace(e, p, (*e & ~clear) | set);
    }
    dsb(ishst);
    isb();
}

void mmu_remap_page(uint64_t va, uint64_t pa, uint64_t attrs)
{
    unsigned level = 0;
    uint64_t *e = mmu_leaf(va, &level);
    if (!e || level != 3) fatal("stage 1: VA 0x%lx is not mapped by a 4 KiB page", va);
    replace(e, va, (pa & OA_MASK) | attrs | DESC_PAGE);
    dsb(ishst);
    isb();
}

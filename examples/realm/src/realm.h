// Realmscope's Realm firmware library: what every program in examples/realm needs to run as an
// Arm CCA Realm guest on the Realm variant of QEMU's virt machine (firmware RAM at IPA 0, entered
// at IPA 0 at EL1h with the MMU off; devices reached only through the unprotected IPA alias; PSCI
// over SMC; no semihosting).
//
//   start.S      entry, exception vectors, the SMC/HVC trampolines, fault probes, PSCI SYSTEM_OFF
//   console.c    PL011 output through the unprotected alias (buffered until the address is known),
//                printf, hex dumps
//   check.c      self-checking: every check prints what it expected and what it got; the run ends
//                with a line "PASS" or "FAIL: <what>" and PSCI SYSTEM_OFF
//   exceptions.c the vector handler: expected faults are recorded and skipped, anything else is
//                reported in words and ends the run
//   rsi.c        the ten RSI commands of RMM 1.0, Realm detection and configuration, RIPAS loops,
//                attestation token retrieval
//   mmu.c        stage 1: identity tables, 4 KiB granule, with the unprotected bit in output
//                addresses
//   sha.c        SHA-256 and SHA-512 (Realm measurement algorithms)
//   cbor.c       just enough CBOR to check the structure and claims of a CCA attestation token
//   token.c      checks a token against the Realm's challenge, measurements and hash algorithm
#ifndef REALM_H
#define REALM_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>

#define PAGE_SIZE 0x1000UL
#define SZ_2M 0x200000UL
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))

// ---- the machine (QEMU virt as a Realm) ------------------------------------------------------
#define FW_RAM_BASE   0x00000000UL    // firmware RAM: the image is loaded and entered here
#define FW_RAM_SIZE   0x08000000UL    // 128 MiB, RIPAS RAM
#define MAIN_RAM_BASE 0x40000000UL    // main RAM, RIPAS RAM; the device tree is at its start
#define UART_IPA      0x09000000UL    // PL011 (only reachable at UART_IPA | unprotected bit)

// Section attributes for page-aligned buffers.
#define PAGE_ALIGNED  __attribute__((aligned(4096)))
#define NOINIT        __attribute__((section(".noinit"))) // not zeroed at entry; 2 MiB-block mapped

// Linker symbols (link.ld).
extern char __image_start[], __text_end[], __bss_start[], __bss_end[], __stack_top[], __image_end[];
extern char __noinit_start[], __noinit_end[];

// ---- start.S -----------------------------------------------------------------------------
struct smc_regs { uint64_t x[11]; };           // X0..X10 in and out
void smc_call(struct smc_regs *r);             // SMC #0
void hvc_call(struct smc_regs *r);             // HVC #0 (UNDEFINED in a Realm)
extern char hvc_insn[];                        // address of that HVC instruction
void psci_system_off_smc(void) __attribute__((noreturn));
void psci_system_off_hvc(void) __attribute__((noreturn));
// Fault probes: one access or call each, at a known address, so that a fault's ELR can be checked.
uint64_t probe_read64(uint64_t addr);          // LDR X0, [X0] at probe_read64
void probe_write64(uint64_t addr, uint64_t v); // STR X1, [X0] at probe_write64
void probe_write32(uint64_t addr, uint32_t v); // STR W1, [X0] at probe_write32
uint64_t probe_exec(uint64_t addr);            // BLR to addr; returns its X0 (or the fault's)
extern char probe_exec_return[];               // where an instruction abort in probe_exec resumes
#define INSN_RET 0xd65f03c0u                   // RET
#define INSN_MOVZ_X0(imm16) (0xd2800000u | ((uint32_t)(imm16) << 5))   // MOV X0, #imm16

// ---- console.c ---------------------------------------------------------------------------
void console_enable(uint64_t uart_base);       // start using the PL011 at this address (VA)
int console_enabled(void);
void console_emergency(void);                  // best-effort enable from an exception handler
void pr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vpr(const char *fmt, va_list ap);
int fmt_str(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vfmt_str(char *buf, size_t size, const char *fmt, va_list ap);
void pr_hex(const uint8_t *p, size_t n);       // lowercase hex, no separators
void pr_hex_spaced(const uint8_t *p, size_t n);// "d9 01 8f ..."

// ---- check.c -----------------------------------------------------------------------------
extern const char *program_name;
extern int quiet_checks;                       // when set, passing checks print nothing
void section(const char *title);               // prints "[title]"
int expect_u64(const char *what, uint64_t got, uint64_t want);
int expect_status(const char *what, uint64_t got, uint64_t want);   // RSI/SMCCC status names
int expect_bytes(const char *what, const uint8_t *got, const uint8_t *want, size_t n);
int expect_true(const char *what, int ok, const char *got, const char *want);
void note_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void note_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned failures(void);
extern int psci_conduit_hvc;                   // PSCI over HVC (only when not in a Realm)
void system_off(void) __attribute__((noreturn));   // PSCI SYSTEM_OFF
void finish(void) __attribute__((noreturn));   // summary, "PASS" or "FAIL: ...", SYSTEM_OFF
void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
const char *status_name(uint64_t s);
const char *ripas_name(uint64_t r);

// ---- exceptions.c --------------------------------------------------------------------------
struct frame {                                 // saved by the vectors in start.S (288 bytes)
    uint64_t x[31];
    uint64_t sp_el0, elr, spsr, esr, far;
};
struct fault {
    unsigned count;                            // synchronous exceptions taken while armed
    unsigned vec;
    uint64_t esr, far, elr;
};
void fault_arm(void);                          // record (and skip) the next synchronous exceptions
unsigned fault_disarm(struct fault *out);      // stop recording; returns the count
extern int (*exception_hook)(struct frame *f, unsigned vec);   // nonzero = handled
void describe_esr(uint64_t esr, char *buf, size_t size);
#define ESR_EC(e)   ((unsigned)(((e) >> 26) & 0x3f))
#define ESR_IL(e)   ((unsigned)(((e) >> 25) & 1))
#define ESR_ISS(e)  ((uint64_t)((e) & 0x1ffffff))
#define ESR_FSC(e)  ((unsigned)((e) & 0x3f))
#define ESR_EA(e)   ((unsigned)(((e) >> 9) & 1))
#define ESR_WNR(e)  ((unsigned)(((e) >> 6) & 1))
#define EC_UNKNOWN   0x00
#define EC_IABT_LOW  0x20
#define EC_IABT_CUR  0x21
#define EC_DABT_LOW  0x24
#define EC_DABT_CUR  0x25
#define FSC_SEA      0x10
// Checks that the recorded fault is a synchronous external abort of the given class at FAR/ELR.
void expect_sea(const char *what, const struct fault *f, unsigned ec, uint64_t far, uint64_t elr, int wnr);

// ---- system registers and barriers ------------------------------------------------------------
#define read_sysreg(r) ({ uint64_t _v; __asm__ volatile("mrs %0, " #r : "=r"(_v)); _v; })
#define write_sysreg(r, v) do { uint64_t _v = (uint64_t)(v); __asm__ volatile("msr " #r ", %0" :: "r"(_v) : "memory"); } while (0)
#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
static inline void mmio_write32(uint64_t a, uint32_t v) { __asm__ volatile("str %w0, [%1]" :: "r"(v), "r"(a) : "memory"); }
static inline uint32_t mmio_read32(uint64_t a) { uint32_t v; __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }
// After writing instructions at [va, va + len): clean the data cache to the point of unification,
// invalidate the instruction cache.
static inline void code_written(uint64_t va, uint64_t len)
{
    uint64_t line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
    for (uint64_t a = va & ~(line - 1); a < va + len; a += line) __asm__ volatile("dc cvau, %0" :: "r"(a) : "memory");
    __asm__ volatile("dsb ish\n\tic iallu\n\tdsb ish\n\tisb" ::: "memory");
}

// ---- rsi.c ----------------------------------------------------------------------------
#define RSI_VERSION                    0xC4000190u
#define RSI_FEATURES                   0xC4000191u
#define RSI_MEASUREMENT_READ           0xC4000192u
#define RSI_MEASUREMENT_EXTEND         0xC4000193u
#define RSI_ATTESTATION_TOKEN_INIT     0xC4000194u
#define RSI_ATTESTATION_TOKEN_CONTINUE 0xC4000195u
#define RSI_REALM_CONFIG               0xC4000196u
#define RSI_IPA_STATE_SET              0xC4000197u
#define RSI_IPA_STATE_GET              0xC4000198u
#define RSI_HOST_CALL                  0xC4000199u
#define RSI_ABI_1_0 0x10000u
#define RSI_SUCCESS       0
#define RSI_ERROR_INPUT   1
#define RSI_ERROR_STATE   2
#define RSI_INCOMPLETE    3
#define RSI_ERROR_UNKNOWN 4
#define SMC_UNKNOWN ((uint64_t)-1)
#define RIPAS_EMPTY     0
#define RIPAS_RAM       1
#define RIPAS_DESTROYED 2
#define RIPAS_DEV       3
#define RSI_NO_CHANGE_DESTROYED 0
#define RSI_CHANGE_DESTROYED    1
#define RSI_ACCEPT 0
#define RSI_REJECT 1
#define HASH_SHA256 0
#define HASH_SHA512 1
#define SMCCC_VERSION        0x80000000u
#define SMCCC_ARCH_FEATURES  0x80000001u
#define PSCI_VERSION         0x84000000u
#define PSCI_MIGRATE         0x84000005u
#define PSCI_SYSTEM_OFF      0x84000008u
#define PSCI_FEATURES        0x8400000Au

struct realm_config {                          // RsiRealmConfig (4 KiB)
    uint64_t ipa_width;                        // 0x000
    uint8_t hash_algo;                         // 0x008
    uint8_t pad0[0x200 - 9];
    uint8_t rpv[64];                           // 0x200
    uint8_t pad1[0x1000 - 0x240];
};
struct host_call {                             // RsiHostCall (256 bytes, 256-byte aligned)
    uint16_t imm;
    uint8_t pad[6];
    uint64_t gprs[31];
};

extern uint64_t ipa_width, top_bit, pa_bits;   // top_bit = 1 << (ipa_width - 1)
extern unsigned hash_algo, hash_len;           // RsiHashAlgorithm; 32 or 64 bytes
extern struct realm_config realm_config_page;
// EL3 check, RSI_VERSION, RSI_REALM_CONFIG; logs each step. With console_now, the UART is used
// at once through the unprotected alias (MMU off); otherwise output is kept until console_enable.
// Not a Realm: says so and ends the run.
void realm_init(int console_now);
const char *hash_name(unsigned algo);

uint64_t rsi_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, struct smc_regs *out);
uint64_t rsi_version(uint64_t req, uint64_t *lower, uint64_t *higher);
uint64_t rsi_features(uint64_t index, uint64_t *value);
uint64_t rsi_realm_config(uint64_t ipa);
uint64_t rsi_ipa_state_set(uint64_t base, uint64_t top, uint64_t ripas, uint64_t flags, uint64_t *new_base, uint64_t *response);
uint64_t rsi_ipa_state_get(uint64_t base, uint64_t end, uint64_t *top, uint64_t *ripas);
uint64_t rsi_measurement_read(uint64_t index, uint8_t out[64]);
uint64_t rsi_measurement_extend(uint64_t index, uint64_t size, const uint8_t *data);
uint64_t rsi_token_init(const uint8_t challenge[64], uint64_t *upper_bound);
uint64_t rsi_token_continue(uint64_t granule, uint64_t offset, uint64_t size, uint64_t *len);
uint64_t rsi_host_call(uint64_t ipa);

// RSI_IPA_STATE_SET over [base, top), looping on X1 until done (verbose: one line per call).
// Returns 0 when the whole range changed. Otherwise the tests that depend on it cannot run: it
// says why and ends the run (fatal), with "FAIL: RSI_IPA_STATE_SET...".
int ripas_set(uint64_t base, uint64_t top, uint64_t ripas, uint64_t flags, int verbose);
// Whether RSI_IPA_STATE_GET reports one RIPAS for all of [base, top) (follows X1 across calls);
// expect_ripas makes that a check, printing what it found.
int ripas_is(uint64_t base, uint64_t top, uint64_t ripas, int verbose);
int expect_ripas(const char *what, uint64_t base, uint64_t top, uint64_t ripas, int verbose);
// Fetches a token after RSI_ATTESTATION_TOKEN_INIT into [buf, buf + cap) (IPA; buf need not be
// granule aligned), in chunks of at most `chunk` bytes (0: up to the end of each granule).
uint64_t token_fetch(uint64_t buf, uint64_t cap, uint64_t chunk, uint64_t *len, unsigned *calls);
// First 2 MiB boundary in main RAM after the device tree (read from its header at 0x40000000).
uint64_t main_ram_free(void);

// ---- mmu.c -------------------------------------------------------------------------------
#define PTE_NORMAL  ((1UL << 2) | (3UL << 8) | (1UL << 10))   // AttrIndx 1 (WB), Inner Shareable, AF
#define PTE_DEVICE  ((0UL << 2) | (1UL << 10) | (3UL << 53))  // AttrIndx 0 (nGnRnE), AF, PXN, UXN
#define PTE_XN      (3UL << 53)
#define MAP_PAGES   1                          // mmu_map flag: 4 KiB pages only
void mmu_init(void);                           // empty tables
void mmu_map(uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, unsigned flags);
void mmu_identity_setup(void);                 // the standard map (see mmu.c) incl. the UART page
void mmu_enable(void);
int mmu_enabled(void);
uint64_t *mmu_leaf(uint64_t va, unsigned *level);   // the descriptor mapping va, or 0
// Sets/clears bits of the output address of every 4 KiB page in [va, va + size) with
// break-before-make and TLB invalidation (the pages must be mapped at level 3).
void mmu_update_pages(uint64_t va, uint64_t size, uint64_t set, uint64_t clear);
void mmu_remap_page(uint64_t va, uint64_t pa, uint64_t attrs);   // one mapped 4 KiB page, new OA
uint64_t mmu_ttbr0(void);

// ---- sha.c -------------------------------------------------------------------------------
void sha256(const void *data, size_t len, uint8_t out[32]);
void sha512(const void *data, size_t len, uint8_t out[64]);
void realm_hash(unsigned algo, const void *data, size_t len, uint8_t out[64]); // zero-padded to 64
int sha_selftest(void);                        // FIPS 180-4 "abc" vectors; prints; 0 = ok

// ---- cbor.c ------------------------------------------------------------------------------
struct span { const uint8_t *p; size_t n; };
struct token_info {
    const char *error;                         // first structural problem, or 0
    struct span platform, realm;               // the two COSE_Sign1 byte strings
    int64_t platform_alg, realm_alg;           // COSE alg of each (ES384 = -35)
    size_t platform_sig_len, realm_sig_len;
    unsigned platform_claims, realm_claims;
    struct span challenge, rpv, rim, rak, hash_algo, rak_hash_algo, profile;
    struct span rem[4];
    unsigned rem_count;
    struct span platform_profile, platform_challenge;
};
int token_parse(const uint8_t *token, size_t len, struct token_info *ti);   // 0 = well formed
int span_eq_str(struct span s, const char *str);

// ---- token.c -----------------------------------------------------------------------------
struct token_expect {
    const uint8_t *challenge;                  // 64 bytes given to RSI_ATTESTATION_TOKEN_INIT
    uint64_t bound;                            // X1 of RSI_ATTESTATION_TOKEN_INIT (0: unchecked)
    const uint8_t *rim;                        // RSI_MEASUREMENT_READ(0), or 0
    const uint8_t (*rems)[64];                 // expected REM0..3, or 0
};
// Checks structure and claims (one line per check when verbose; else one summary line, and
// a line for each failure). Returns 0 when all checks pass.
int check_token(const char *label, const uint8_t *tok, uint64_t len, const struct token_expect *e, int verbose,
                struct token_info *out);

// ---- small libc ----------------------------------------------------------------------------
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int all_zero(const void *p, size_t n);

#endif

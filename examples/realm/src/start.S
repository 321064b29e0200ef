// Entry point, exception vectors and SMC/HVC trampolines of the Realm firmware programs.
//
// The Realm's REC 0 starts here, at IPA 0, at EL1h with the MMU off, DAIF masked and x0 = 0 (as
// QEMU's CCA support creates it). _start sets a known SCTLR_EL1 (MMU, caches and alignment
// checking off), installs the vectors, takes a stack from the end of the image, clears .bss
// (.noinit is left alone: it holds large buffers whose contents do not matter at entry), and calls
// main(x0 at entry). If main returns, the Realm powers off through PSCI SYSTEM_OFF over SMC.
//
// Each vector saves a struct frame (realm.h) on the SP_EL1 stack and calls
// exception_entry(frame, vector 0..15); whatever the handler leaves in the frame (registers, ELR,
// SPSR) is restored before ERET.

#define FRAME_SIZE 288
#define SCTLR_EL1_MMU_OFF 0x30d00818    // RES1 bits 29,28,23,22,20,11; SA0; SA

        .section .text.boot, "ax"
        .global _start
        .type   _start, %function
_start:
        msr     daifset, #0xf
        ldr     x1, =SCTLR_EL1_MMU_OFF
        msr     sctlr_el1, x1
        adrp    x1, vectors
        add     x1, x1, :lo12:vectors
        msr     vbar_el1, x1
        msr     spsel, #1
        adrp    x1, __stack_top
        add     x1, x1, :lo12:__stack_top
        mov     sp, x1
        isb
        mov     x19, x0                 // x0 at entry (0 for the Realm's first REC)
        adrp    x1, __bss_start
        add     x1, x1, :lo12:__bss_start
        adrp    x2, __bss_end
        add     x2, x2, :lo12:__bss_end
1:      cmp     x1, x2
        b.hs    2f
        stp     xzr, xzr, [x1], #16
        b       1b
2:      mov     x29, xzr
        mov     x30, xzr
        mov     x0, x19
        bl      main
        b       psci_system_off_smc
        .size   _start, . - _start

        .text
// void psci_system_off_smc(void) / psci_system_off_hvc(void): PSCI SYSTEM_OFF; do not return.
        .global psci_system_off_smc
        .type   psci_system_off_smc, %function
psci_system_off_smc:
        ldr     w0, =0x84000008
        smc     #0
1:      wfi
        b       1b
        .size   psci_system_off_smc, . - psci_system_off_smc

        .global psci_system_off_hvc
        .type   psci_system_off_hvc, %function
psci_system_off_hvc:
        ldr     w0, =0x84000008
        hvc     #0
1:      wfi
        b       1b
        .size   psci_system_off_hvc, . - psci_system_off_hvc

// void smc_call(struct smc_regs *r): loads X0..X10 from r, issues SMC #0, stores X0..X10 back.
// The pointer is kept on the stack: SMCCC only promises to preserve X18 and above. The CFI (in
// .debug_frame, outside the loaded image) lets a debugger unwind from the SMC to the caller.
        .cfi_sections .debug_frame
        .global smc_call
        .type   smc_call, %function
smc_call:
        .cfi_startproc
        str     x0, [sp, #-16]!
        .cfi_adjust_cfa_offset 16
        mov     x11, x0
        ldp     x0, x1, [x11, #0]
        ldp     x2, x3, [x11, #16]
        ldp     x4, x5, [x11, #32]
        ldp     x6, x7, [x11, #48]
        ldp     x8, x9, [x11, #64]
        ldr     x10, [x11, #80]
        smc     #0
        ldr     x11, [sp], #16
        .cfi_adjust_cfa_offset -16
        stp     x0, x1, [x11, #0]
        stp     x2, x3, [x11, #16]
        stp     x4, x5, [x11, #32]
        stp     x6, x7, [x11, #48]
        stp     x8, x9, [x11, #64]
        str     x10, [x11, #80]
        ret
        .cfi_endproc
        .size   smc_call, . - smc_call

// void hvc_call(struct smc_regs *r): the same with HVC #0, which a Realm cannot use (the RMM
// makes it UNDEFINED). hvc_insn labels the HVC so that the exception's ELR can be checked.
        .global hvc_call
        .global hvc_insn
        .type   hvc_call, %function
hvc_call:
        .cfi_startproc
        str     x0, [sp, #-16]!
        .cfi_adjust_cfa_offset 16
        mov     x11, x0
        ldp     x0, x1, [x11, #0]
        ldp     x2, x3, [x11, #16]
        ldp     x4, x5, [x11, #32]
        ldp     x6, x7, [x11, #48]
        ldp     x8, x9, [x11, #64]
        ldr     x10, [x11, #80]
hvc_insn:
        hvc     #0
        ldr     x11, [sp], #16
        .cfi_adjust_cfa_offset -16
        stp     x0, x1, [x11, #0]
        stp     x2, x3, [x11, #16]
        stp     x4, x5, [x11, #32]
        stp     x6, x7, [x11, #48]
        stp     x8, x9, [x11, #64]
        str     x10, [x11, #80]
        ret
        .cfi_endproc
        .size   hvc_call, . - hvc_call

// Fault probes. The faulting instruction is the first one of each function, so a data abort's
// ELR equals the function's address; the handler skips it (ELR + 4) and the function returns.
        .global probe_read64
        .type   probe_read64, %function
probe_read64:
        ldr     x0, [x0]
        ret
        .size   probe_read64, . - probe_read64

        .global probe_write64
        .type   probe_write64, %function
probe_write64:
        str     x1, [x0]
        ret
        .size   probe_write64, . - probe_write64

        .global probe_write32
        .type   probe_write32, %function
probe_write32:
        str     w1, [x0]
        ret
        .size   probe_write32, . - probe_write32

// uint64_t probe_exec(uint64_t addr): calls addr. An instruction abort there has ELR = addr and
// X30 = probe_exec_return; the handler resumes at X30, so probe_exec returns normally.
        .global probe_exec
        .global probe_exec_return
        .type   probe_exec, %function
probe_exec:
        stp     x29, x30, [sp, #-16]!
        mov     x29, sp
        blr     x0
probe_exec_return:
        ldp     x29, x30, [sp], #16
        ret
        .size   probe_exec, . - probe_exec

// ---------------------------------------------------------------------------------------------
// Vector table: 16 entries of 0x80 bytes; each saves X0/X1, puts its number in X0 and joins
// vector_common.
        .macro  vector num
        .balign 0x80
        sub     sp, sp, #FRAME_SIZE
        stp     x0, x1, [sp, #0]
        mov     x0, #\num
        b       vector_common
        .endm

        .section .text.vectors, "ax"
        .balign 2048
        .global vectors
vectors:
        vector  0       // current EL with SP_EL0: synchronous, IRQ, FIQ, SError
        vector  1
        vector  2
        vector  3
        vector  4       // current EL with SP_ELx (where these programs run)
        vector  5
        vector  6
        vector  7
        vector  8       // lower EL, AArch64
        vector  9
        vector  10
        vector  11
        vector  12      // lower EL, AArch32
        vector  13
        vector  14
        vector  15

vector_common:
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x19, [sp, #144]
        stp     x20, x21, [sp, #160]
        stp     x22, x23, [sp, #176]
        stp     x24, x25, [sp, #192]
        stp     x26, x27, [sp, #208]
        stp     x28, x29, [sp, #224]
        mrs     x1, sp_el0
        stp     x30, x1, [sp, #240]
        mrs     x1, elr_el1
        mrs     x2, spsr_el1
        stp     x1, x2, [sp, #256]
        mrs     x1, esr_el1
        mrs     x2, far_el1
        stp     x1, x2, [sp, #272]
        mov     w1, w0
        mov     x0, sp
        bl      exception_entry
        ldp     x1, x2, [sp, #256]
        msr     elr_el1, x1
        msr     spsr_el1, x2
        ldp     x30, x1, [sp, #240]
        msr     sp_el0, x1
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x19, [sp, #144]
        ldp     x20, x21, [sp, #160]
        ldp     x22, x23, [sp, #176]
        ldp     x24, x25, [sp, #192]
        ldp     x26, x27, [sp, #208]
        ldp     x28, x29, [sp, #224]
        ldp     x0, x1, [sp, #0]
        add     sp, sp, #FRAME_SIZE
        eret

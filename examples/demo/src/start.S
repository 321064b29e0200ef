// Realmscope demo firmware: entry point and exception vectors (EL1, QEMU virt, ELF at 0x40200000).
//
// Every vector saves x0-x30, ELR_EL1, SPSR_EL1, ESR_EL1 and FAR_EL1 in a struct trap_frame on the
// stack and calls trap(frame, vector number); whatever trap() leaves in the frame is restored
// before ERET.

        .section .text.boot, "ax"
        .global _start
_start:
        msr     daifset, #0xf
        ldr     x1, =0x30d00818         // SCTLR_EL1: RES1 bits, SA, SA0; MMU and caches off
        msr     sctlr_el1, x1
        adrp    x1, vectors
        add     x1, x1, :lo12:vectors
        msr     vbar_el1, x1
        adrp    x1, stack_top
        add     x1, x1, :lo12:stack_top
        mov     sp, x1
        isb
        adrp    x1, bss_start
        add     x1, x1, :lo12:bss_start
        adrp    x2, bss_end
        add     x2, x2, :lo12:bss_end
1:      cmp     x1, x2
        b.hs    2f
        stp     xzr, xzr, [x1], #16
        b       1b
2:      bl      main
        // main() returned: power off through PSCI SYSTEM_OFF.
        ldr     w0, =0x84000008
        hvc     #0
3:      wfi
        b       3b

        .macro  vec n
        .balign 0x80
        sub     sp, sp, #288
        stp     x0, x1, [sp]
        mov     x1, #\n
        b       save_and_trap
        .endm

        .section .text.vectors, "ax"
        .balign 2048
vectors:
        vec 0
        vec 1
        vec 2
        vec 3
        vec 4
        vec 5
        vec 6
        vec 7
        vec 8
        vec 9
        vec 10
        vec 11
        vec 12
        vec 13
        vec 14
        vec 15

save_and_trap:
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
        mrs     x2, elr_el1
        stp     x30, x2, [sp, #240]
        mrs     x2, spsr_el1
        mrs     x3, esr_el1
        stp     x2, x3, [sp, #256]
        mrs     x2, far_el1
        str     x2, [sp, #272]
        mov     x0, sp
        bl      trap
        ldp     x30, x2, [sp, #240]
        msr     elr_el1, x2
        ldr     x2, [sp, #256]
        msr     spsr_el1, x2
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
        ldp     x0, x1, [sp]
        add     sp, sp, #288
        eret

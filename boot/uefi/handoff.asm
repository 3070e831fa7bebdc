; handoff: the loader's last steps, after ExitBootServices. The loader copies these
; bytes into a page below 1 MiB and jumps there, so they run identity-mapped both
; under the firmware's page tables and under ours, wherever the firmware put the
; loader itself. Position-independent; nothing here touches the loader's image.
;
; In (SysV): RDI = boot info, RSI = our PML4, RDX = stack top (16-byte aligned),
; RCX = where the kernel was loaded, R8 = bytes to copy to 1 MiB (0: it is there
; already), R9 = our GDTR (flat code 0x08 and data 0x10, as the boot sector's GDT).
; Then _start gets what the boot sector gives it: RDI = boot info, the first GiB
; identity-mapped by PML4[0] -> PDPT[0] -> a page directory of 2 MiB pages,
; interrupts off, and RSP = 8 mod 16. The firmware's IDT stays loaded until the
; kernel's idt_init, as the BIOS's IVT does on the other path: an NMI or machine
; check in between finds gates with the firmware's code selector, which our GDT
; lacks, and ends in a triple fault (a reset).

bits 64
default rel

KERNEL_ADDR     equ 0x100000
CODE_SEL        equ 0x08
DATA_SEL        equ 0x10

section .text

global handoff, handoff_end

handoff:
        cli
        lgdt [r9]
        mov cr3, rsi                    ; our tables: the firmware's may not map 1 MiB
        mov rsp, rdx
        lea rax, [rel .new_cs]          ; reload CS from our GDT (far return)
        push CODE_SEL
        push rax
        retfq
.new_cs:
        mov eax, DATA_SEL
        mov ds, eax
        mov es, eax
        mov ss, eax
        xor eax, eax
        mov fs, eax
        mov gs, eax
        mov rax, rdi                    ; keep the boot info while RDI copies
        test r8, r8
        jz .call_kernel
        mov rsi, rcx
        mov edi, KERNEL_ADDR
        mov rcx, r8
        cld
        cmp rsi, rdi                    ; a source below 1 MiB may overlap the
        jae .copy                       ; target's start: then copy from the end
        lea rsi, [rsi + rcx - 1]
        lea rdi, [rdi + rcx - 1]
        std
.copy:
        rep movsb
        cld
.call_kernel:
        mov rdi, rax
        mov eax, KERNEL_ADDR
        call rax
.halt:                                  ; _start never returns; if it did, stop here
        cli
        hlt
        jmp .halt
handoff_end:

section .note.GNU-stack noalloc noexec nowrite progbits

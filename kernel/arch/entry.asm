; _start: the first byte of kernel.bin, at physical 1 MiB, where the boot sector
; calls it in long mode: boot information in RDI, the stack below 0x7C00, and the
; boot sector's page tables mapping the first 1 GiB to itself (the identity map).
; The rest of the kernel is linked at KERNEL_VMA + its physical address (link.ld),
; so first that range must be mapped too: the identity map's page directory is also
; hung under PML4 entry 511 and PDPT entry 510, which makes KERNEL_VMA + x reach x
; for every x below 1 GiB. No new page is needed, and none of the boot sector's
; addresses is assumed: the tables are found through CR3. (mm/paging.c replaces
; all of these tables with the kernel's own soon after.) Then on to start_kernel,
; with RDI as it came.

bits 64
default rel

KERNEL_VMA      equ 0xFFFFFFFF80000000
PTE_PRESENT_RW  equ 0x3
PTE_ADDRESS     equ 0x000FFFFFFFFFF000  ; SDM vol. 3A, 4.5, tables 4-15 to 4-19
TOP_ENTRY       equ 511                 ; KERNEL_VMA's PML4 index (bits 47:39)
PDPT_ENTRY      equ 510                 ; and its PDPT index (bits 38:30)

section .boot.text exec

global _start
extern start_kernel

_start:
        mov rax, cr3
        mov rsi, PTE_ADDRESS
        and rax, rsi                    ; the PML4
        mov rcx, [rax]                  ; entry 0: the identity map's PDPT
        and rcx, rsi
        mov rdx, [rcx]                  ; its entry 0: the page directory of 1 GiB
        mov [rcx + PDPT_ENTRY * 8], rdx
        or rcx, PTE_PRESENT_RW
        mov [rax + TOP_ENTRY * 8], rcx
        mov rax, cr3                    ; flush: the entries were not present before
        mov cr3, rax
        ; start_kernel gets RSP as a call gives it (8 mod 16, the boot sector's call
        ; left it so), and a return address of 0, where debuggers stop unwinding.
        sub rsp, 8
        push 0
        mov rax, start_kernel
        jmp rax

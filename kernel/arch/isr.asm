; Interrupt and exception entry stubs, one per vector (0-255). Each pushes an error
; code (a zero where the CPU pushes none, so that every frame has one shape: struct
; trap_frame in arch/trap.h), then its vector, and joins isr_common, which saves the
; general registers and calls trap_dispatch(frame). Which exceptions push an error
; code: Intel SDM vol. 3A, 6.15; interrupts never do.

bits 64
default rel
section .text

extern trap_dispatch

%macro STUB 1
isr_stub_%1:
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
%else
        push 0
%endif
        push %1
        jmp isr_common
%endmacro

%assign vector 0
%rep 256
        STUB vector
%assign vector vector + 1
%endrep

isr_common:
        push rax
        push rbx
        push rcx
        push rdx
        push rsi
        push rdi
        push rbp
        push r8
        push r9
        push r10
        push r11
        push r12
        push r13
        push r14
        push r15
        mov rdi, rsp            ; the frame; the CPU left RSP 16-byte aligned
        cld                     ; the C ABI wants DF clear
        call trap_dispatch
        pop r15
        pop r14
        pop r13
        pop r12
        pop r11
        pop r10
        pop r9
        pop r8
        pop rbp
        pop rdi
        pop rsi
        pop rdx
        pop rcx
        pop rbx
        pop rax
        add rsp, 16             ; vector and error code
        iretq

section .rodata
global isr_stub_table
isr_stub_table:
%assign vector 0
%rep 256
        dq isr_stub_ %+ vector
%assign vector vector + 1
%endrep

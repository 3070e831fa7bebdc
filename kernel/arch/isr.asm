; Interrupt and exception entry stubs, one per vector (0-255). Each pushes an error
; code (a zero where the CPU pushes none, so that every frame has one shape: struct
; trap_frame in arch/trap.h), then its vector, and joins isr_common, which saves the
; general registers and calls trap_dispatch(frame). Which exceptions push an error
; code: Intel SDM vol. 3A, 6.15; interrupts never do.

bits 64
default rel
section .text

extern trap_dispatch
extern user_access_smap_on
global trap_return
global user_enter

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

; Entered from ring 3 (the saved CS's RPL), GS still holds the user's base: swapgs
; puts the kernel's per-CPU area (sched/cpu.h) back, and the way out swaps again.
isr_common:
        test byte [rsp + 24], 3         ; the CS the CPU pushed, above vector and error
        jz .from_kernel
        swapgs
.from_kernel:
        ; RFLAGS.AC off: a program (popf) or an interrupted user copy may have left it
        ; on, and it would let this handler touch user pages under SMAP. The frame
        ; keeps the interrupted code's RFLAGS.
        cmp byte [user_access_smap_on], 0
        je .ac_clear
        clac
.ac_clear:
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
; The way back to whatever a trap frame describes (a system call's frame comes this
; way too when SYSRET will not do: arch/syscall_entry.asm).
trap_return:
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
        test byte [rsp + 8], 3          ; back to ring 3?
        jz .to_kernel
        swapgs
.to_kernel:
        iretq

; user_enter(frame): a new process's first entry to ring 3, as the frame says. The
; frame lies on the task's kernel stack, where the CPU comes back to (TSS.RSP0).
user_enter:
        mov rsp, rdi
        jmp trap_return

section .rodata
global isr_stub_table
isr_stub_table:
%assign vector 0
%rep 256
        dq isr_stub_ %+ vector
%assign vector vector + 1
%endrep

; The SYSCALL entry: LSTAR points here.
;
; SYSCALL leaves the user's RIP in RCX and RFLAGS in R11, loads the kernel's CS and
; SS from STAR, clears the RFLAGS bits in FMASK (IF among them) and does not switch
; stacks (Intel SDM vol. 2B, SYSCALL). So: swapgs to reach this CPU's struct cpu
; (sched/cpu.h), park the user RSP there, take the running task's kernel stack from
; there, and build the same frame an interrupt from ring 3 leaves (struct trap_frame,
; arch/trap.h), so that exec, fork and signals deal with one shape of frame.
;
; Back out with SYSRET when the frame still returns to plain ring-3 code at a
; canonical address; otherwise through trap_return's IRETQ. SYSRET with a
; non-canonical RCX faults in ring 0 on Intel CPUs, on the user's stack (the SYSRET
; #GP hazard): that case must never reach it.

bits 64
default rel
section .text

%include "asm_offsets.inc"

extern syscall_dispatch
extern trap_return
global syscall_entry

SYSCALL_VECTOR  equ 0x100               ; a trap frame's "vector" for a system call
USER_CS         equ 0x23                ; arch/gdt.h
USER_DS         equ 0x1B

syscall_entry:
        swapgs
        mov [gs:CPU_SYSCALL_USER_RSP], rsp
        mov rsp, [gs:CPU_SYSCALL_KERNEL_RSP]
        push USER_DS                    ; ss
        push qword [gs:CPU_SYSCALL_USER_RSP]
        push r11                        ; rflags
        push USER_CS                    ; cs
        push rcx                        ; rip
        push rax                        ; "error code": the call's number, for restarts
        push SYSCALL_VECTOR
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
        mov rdi, rsp                    ; the frame
        cld
        sti                             ; interrupts, which FMASK turned off, again
        call syscall_dispatch
        cli
        ; SYSRET only to ring-3 code at a canonical address, with CS and SS as
        ; SYSRET makes them, and RCX and R11 as it leaves them (RIP and RFLAGS: a
        ; sigreturn restores both as they were); anything else goes back by IRETQ.
        mov rcx, [rsp + FRAME_RIP]
        cmp rcx, [rsp + FRAME_RCX]
        jne trap_return
        mov rax, [rsp + FRAME_RFLAGS]
        cmp rax, [rsp + FRAME_R11]
        jne trap_return
        mov rax, rcx
        shl rax, 16
        sar rax, 16
        cmp rax, rcx
        jne trap_return
        cmp qword [rsp + FRAME_CS], USER_CS
        jne trap_return
        cmp qword [rsp + FRAME_SS], USER_DS
        jne trap_return
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
        mov rcx, [rsp + FRAME_RIP - FRAME_VECTOR]
        mov r11, [rsp + FRAME_RFLAGS - FRAME_VECTOR]
        mov rsp, [rsp + FRAME_RSP - FRAME_VECTOR]
        swapgs
        o64 sysret

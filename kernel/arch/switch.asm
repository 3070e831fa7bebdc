; context_switch(uint64_t *save_rsp, uint64_t next_rsp): the kernel's only stack
; switch between tasks. Saves the callee-saved registers the SysV x86-64 ABI says a
; function must preserve (rbx, rbp, r12-r15) on the current stack, stores RSP in
; *save_rsp, loads next_rsp and pops the same six registers from there, then returns
; into the next task, wherever it called context_switch. Everything else is either
; caller-saved (the C caller does not expect it kept) or, for a preempted task, in the
; interrupt frame further up its stack. The FPU state is the scheduler's business.
;
; A new task's stack is laid out by task_create to look like a context_switch call
; that returns into task_trampoline, with the task's function in r12 and its argument
; in r13.

bits 64
default rel
section .text

global context_switch
global task_trampoline
extern task_start

context_switch:
        push rbp
        push rbx
        push r12
        push r13
        push r14
        push r15
        mov [rdi], rsp
        mov rsp, rsi
        pop r15
        pop r14
        pop r13
        pop r12
        pop rbx
        pop rbp
        ret

; First code of every task: task_start(fn, arg) ends the switch and runs fn(arg); it
; never returns. RSP is 16-byte aligned here, so the call leaves it as the ABI wants.
task_trampoline:
        mov rdi, r12
        mov rsi, r13
        call task_start
        ud2

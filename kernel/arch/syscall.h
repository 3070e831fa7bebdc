/* The system-call entry (arch/syscall_entry.asm) and ring 3's first entry
 * (arch/isr.asm). A system call arrives as a struct trap_frame with vector
 * SYSCALL_VECTOR, the call's number in rax and its arguments in rdi, rsi, rdx, r10,
 * r8, r9 (Linux's x86-64 convention); syscall_dispatch (sys/) puts the result in
 * rax. */
#pragma once

#include <stdint.h>

struct trap_frame;

#define SYSCALL_VECTOR 0x100

/* EFER.SCE, STAR, LSTAR, FMASK; once per CPU. */
void syscall_init(void);

/* Defined by the system-call layer (sys/syscall.c). */
void syscall_dispatch(struct trap_frame *frame);

/* Into ring 3 as `frame` describes (RIP, RSP, RFLAGS, the user CS and SS); the frame
 * must lie on the running task's kernel stack. Never returns. */
__attribute__((noreturn)) void user_enter(struct trap_frame *frame);

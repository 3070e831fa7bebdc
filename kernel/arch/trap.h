/* CPU exceptions: what the entry stubs in isr.asm save, and what we do with it. */
#pragma once

#include <stdint.h>

/* Laid out by isr.asm (general registers, vector, error code) and the CPU. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* The exception vectors the kernel treats apart (SDM vol. 3A, table 6-1). */
enum {
	VECTOR_BREAKPOINT = 3,
	VECTOR_DOUBLE_FAULT = 8,
	VECTOR_INVALID_TSS = 10,
	VECTOR_SEGMENT_NOT_PRESENT = 11,
	VECTOR_STACK_FAULT = 12,
	VECTOR_GENERAL_PROTECTION = 13,
	VECTOR_PAGE_FAULT = 14,
	EXCEPTION_VECTORS = 32,
};

const char *trap_name(uint64_t vector);

/* Whether the trap came from ring 3 (the saved CS's RPL). */
static inline int trap_from_user(const struct trap_frame *frame)
{
	return (frame->cs & 3) == 3;
}

/* The process layer's: called for a CPU exception in ring 3 (a page fault, #GP,
 * #UD...), with the program's registers. It ends the program with a report; the
 * kernel goes on. */
void trap_set_user_fault_handler(void (*handler)(struct trap_frame *frame));
void trap_dispatch(struct trap_frame *frame);

/* Breakpoints (int3) seen so far; they are reported and execution goes on. */
uint64_t trap_breakpoint_count(void);

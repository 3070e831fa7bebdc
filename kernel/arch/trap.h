/* CPU exceptions: what the entry stubs in isr.asm save, and what we do with it. */
#pragma once

#include <stdbool.h>
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

/* The process layer's hooks. `page_fault`: a #PF on a user address, from ring 3 or
 * from a user copy in the kernel; true if it brought the page in (the instruction
 * runs again). `fault`: any other exception in ring 3, or a page fault that was not
 * resolved; it ends the program with a report and the kernel goes on.
 * `back_to_user`: on every way back to ring 3 from an interrupt or exception
 * (signals are acted on there). All run with interrupts off and may turn them on. */
void trap_set_user_hooks(void (*fault)(struct trap_frame *frame),
			 bool (*page_fault)(struct trap_frame *frame, uintptr_t address),
			 void (*back_to_user)(struct trap_frame *frame));
void trap_dispatch(struct trap_frame *frame);

/* Breakpoints (int3) seen so far; they are reported and execution goes on. */
uint64_t trap_breakpoint_count(void);

/* x87, SSE and (where XSAVE has it) AVX state for each task. The kernel itself never
 * touches these registers (-mgeneral-regs-only); the scheduler saves the outgoing
 * task's and loads the incoming task's on every switch (eager switching). */
#pragma once

#include <stddef.h>

#define FPU_AREA_ALIGN 64 /* XSAVE's; FXSAVE needs 16 */

/* Enables the FPU and SSE on this CPU (CR0, CR4, XCR0) and sizes the save area.
 * Once per CPU, before the first task switch. */
void fpu_init(void);

/* Bytes in a task's save area (FPU_AREA_ALIGN-aligned). */
size_t fpu_area_size(void);

/* How state is saved: "XSAVE" or "FXSAVE", and which components (XCR0). */
const char *fpu_method(void);
unsigned long long fpu_components(void);

/* A new task's state: x87 empty with FCW 0x037F, MXCSR 0x1F80, every register zero. */
void fpu_area_init(void *area);

void fpu_save(void *area);
void fpu_restore(const void *area);

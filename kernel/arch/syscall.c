/* SYSCALL/SYSRET: EFER.SCE and the STAR, LSTAR and FMASK MSRs (Intel SDM vol. 2B,
 * SYSCALL and SYSRET; vol. 4, table 2-2). */
#include "syscall.h"

#include <stddef.h>

#include "../sched/cpu.h"
#include "gdt.h"
#include "trap.h"
#include "x86.h"

#define EFER_SCE    (1ull << 0) /* SYSCALL and SYSRET enabled */
#define IA32_STAR   0xC0000081
#define IA32_LSTAR  0xC0000082
#define IA32_FMASK  0xC0000084
#define RFLAGS_TF   (1ull << 8)
#define RFLAGS_DF   (1ull << 10)
#define RFLAGS_IOPL (3ull << 12)
#define RFLAGS_NT   (1ull << 14)
#define RFLAGS_AC   (1ull << 18)

/* arch/syscall_entry.asm */
void syscall_entry(void);

/* The offsets arch/asm_offsets.inc gives the assembly. */
_Static_assert(offsetof(struct cpu, syscall_user_rsp) == 8, "asm_offsets.inc");
_Static_assert(offsetof(struct cpu, syscall_kernel_rsp) == 16, "asm_offsets.inc");
_Static_assert(offsetof(struct trap_frame, r11) == 32, "asm_offsets.inc");
_Static_assert(offsetof(struct trap_frame, rcx) == 96, "asm_offsets.inc");
_Static_assert(offsetof(struct trap_frame, vector) == 120, "asm_offsets.inc");
_Static_assert(offsetof(struct trap_frame, rip) == 136, "asm_offsets.inc");
_Static_assert(offsetof(struct trap_frame, cs) == 144, "asm_offsets.inc");
_Static_assert(offsetof(struct trap_frame, rflags) == 152, "asm_offsets.inc");
_Static_assert(offsetof(struct trap_frame, rsp) == 160, "asm_offsets.inc");
_Static_assert(offsetof(struct trap_frame, ss) == 168, "asm_offsets.inc");
_Static_assert(sizeof(struct trap_frame) == 176, "asm_offsets.inc");

void syscall_init(void)
{
	wrmsr(EFER, rdmsr(EFER) | EFER_SCE);
	/* SYSCALL: CS = the kernel's code, SS = + 8. SYSRET to 64-bit code: CS = base +
	 * 16 and SS = base + 8, with RPL 3: base is the kernel's data selector, so
	 * they land on the user code and data (arch/gdt.h). */
	wrmsr(IA32_STAR,
	      (uint64_t)(GDT_KERNEL_DATA | USER_RPL) << 48 | (uint64_t)GDT_KERNEL_CODE << 32);
	wrmsr(IA32_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	/* Cleared on entry: interrupts off until the frame is saved, the direction flag
	 * as C wants it, no single-stepping, and AC (SMAP's override) off. */
	wrmsr(IA32_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_AC);
	wrmsr(IA32_KERNEL_GS_BASE, 0); /* the user's GS base, swapped in on the way out */
}

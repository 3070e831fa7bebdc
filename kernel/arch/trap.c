/* Exception names and error-code formats: Intel SDM vol. 3A, 6.15 and 6.13;
 * the page-fault error code: 4.7, figure 4-12. */
#include "trap.h"

#include "../console.h"
#include "../debug/ksyms.h"
#include "../lib/string.h"
#include "../panic.h"
#include "gdt.h"
#include "irq.h"
#include "usercopy.h"
#include "x86.h"

static const char *const names[EXCEPTION_VECTORS] = {
	[0] = "#DE divide error",
	[1] = "#DB debug",
	[2] = "NMI",
	[3] = "#BP breakpoint",
	[4] = "#OF overflow",
	[5] = "#BR bound range exceeded",
	[6] = "#UD invalid opcode",
	[7] = "#NM device not available",
	[8] = "#DF double fault",
	[9] = "coprocessor segment overrun",
	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present",
	[12] = "#SS stack-segment fault",
	[13] = "#GP general protection",
	[14] = "#PF page fault",
	[16] = "#MF x87 floating-point error",
	[17] = "#AC alignment check",
	[18] = "#MC machine check",
	[19] = "#XM SIMD floating-point error",
	[20] = "#VE virtualization exception",
	[21] = "#CP control protection",
	[28] = "#HV hypervisor injection",
	[29] = "#VC VMM communication",
	[30] = "#SX security exception",
};

#define PF_PRESENT     (1u << 0)
#define PF_WRITE       (1u << 1)
#define PF_USER	       (1u << 2)
#define PF_RESERVED    (1u << 3)
#define PF_INSTRUCTION (1u << 4)

#define SEL_EXTERNAL (1u << 0)
#define SEL_IDT	     (1u << 1)
#define SEL_LDT	     (1u << 2)

/* Counted on whichever CPU hits a breakpoint; only a statistic. */
static volatile uint64_t breakpoints;

const char *trap_name(uint64_t vector)
{
	if (vector < EXCEPTION_VECTORS && names[vector])
		return names[vector];
	return "reserved exception";
}

uint64_t trap_breakpoint_count(void)
{
	return breakpoints;
}

static void print_page_fault(const struct trap_frame *f)
{
	uint64_t e = f->error_code;
	kprintf("  address 0x%lx: %s, %s, %s mode%s%s\n", read_cr2(),
		e & PF_PRESENT ? "protection violation" : "page not present",
		e & PF_INSTRUCTION ? "instruction fetch"
		: e & PF_WRITE	   ? "write"
				   : "read",
		e & PF_USER ? "user" : "kernel", e & PF_RESERVED ? ", reserved bit set" : "",
		f->error_code == 0 && read_cr2() < 4096 ? " (null pointer?)" : "");
}

static void print_selector_error(const struct trap_frame *f)
{
	uint64_t e = f->error_code;
	if (e == 0) {
		kprintf("  error code 0 (no segment involved)\n");
		return;
	}
	kprintf("  selector %#lx: %s index %lu%s\n", e,
		e & SEL_IDT   ? "IDT"
		: e & SEL_LDT ? "LDT"
			      : "GDT",
		(e & 0xFFFF) >> 3, e & SEL_EXTERNAL ? ", during an external event" : "");
}

static void print_double_fault(const struct trap_frame *f)
{
	uintptr_t here = (uintptr_t)f; /* the frame lies on the stack we run on */
	int on_ist = here >= gdt_double_fault_stack_bottom() && here < gdt_double_fault_stack_top();
	kprintf("  handled on the double-fault IST stack: %s (the faulting RSP was %#lx: "
		"a kernel stack overflow?)\n",
		on_ist ? "yes" : "NO", f->rsp);
}

/* Exceptions being reported now. One counter while there is one CPU; with SMP it
 * becomes per-CPU. */
static unsigned reports_in_progress;

/* An exception while an exception was being reported: the screen code or the
 * formatter may be what faults, so a second full report would fault again, and
 * again, until the stack ran out and the machine reset. One plain line on the
 * serial and debug ports instead, then halt. */
__attribute__((noreturn)) static void exception_inside_report(const struct trap_frame *f)
{
	char rip[FORMAT_NUMBER_MAX];
	console_write_emergency("\nEXCEPTION ");
	console_write_emergency(trap_name(f->vector));
	console_write_emergency(" at rip 0x");
	console_write_emergency(format_number(rip, f->rip, 16, false, 16));
	console_write_emergency(" while reporting an exception; halting\n");
	halt_forever();
}

/* What arch/user_copy.asm's .extable holds: an instruction that may fault on a user
 * address, and where to go on if it does. */
struct extable_entry {
	uint64_t insn, fixup;
};
extern const struct extable_entry __extable_start[], __extable_end[];

static const struct extable_entry *extable_entry_for(uint64_t rip)
{
	size_t count = ((uintptr_t)__extable_end - (uintptr_t)__extable_start) /
		       sizeof(struct extable_entry);
	for (const struct extable_entry *e = __extable_start; e < __extable_start + count; e++)
		if (e->insn == rip)
			return e;
	return 0;
}

/* A #PF or #GP in the kernel at a listed instruction resumes at its fixup. */
static bool fixed_up(struct trap_frame *f)
{
	if (f->vector != VECTOR_PAGE_FAULT && f->vector != VECTOR_GENERAL_PROTECTION)
		return false;
	const struct extable_entry *e = extable_entry_for(f->rip);
	if (e)
		f->rip = e->fixup;
	return e != 0;
}

/* Set by the process layer. */
static struct {
	void (*fault)(struct trap_frame *frame);
	bool (*page_fault)(struct trap_frame *frame, uintptr_t address);
	void (*back_to_user)(struct trap_frame *frame);
} user;

void trap_set_user_hooks(void (*fault)(struct trap_frame *frame),
			 bool (*page_fault)(struct trap_frame *frame, uintptr_t address),
			 void (*back_to_user)(struct trap_frame *frame))
{
	user.fault = fault;
	user.page_fault = page_fault;
	user.back_to_user = back_to_user;
}

/* A page fault the process layer may resolve: on a user address, from ring 3 or
 * from one of the kernel's user copies. */
static bool user_page_resolved(struct trap_frame *f)
{
	if (f->vector != VECTOR_PAGE_FAULT || !user.page_fault)
		return false;
	uintptr_t address = read_cr2();
	if (address >= USER_END || (!trap_from_user(f) && !extable_entry_for(f->rip)))
		return false;
	return user.page_fault(f, address);
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector >= EXCEPTION_VECTORS) {
		irq_dispatch((unsigned)f->vector);
		if (trap_from_user(f) && user.back_to_user)
			user.back_to_user(f);
		return;
	}
	if (user_page_resolved(f)) {
		if (trap_from_user(f) && user.back_to_user)
			user.back_to_user(f);
		return;
	}
	/* NMI, #DF and #MC are the machine's, not the program's, wherever they hit. */
	bool machine = f->vector == 2 || f->vector == VECTOR_DOUBLE_FAULT || f->vector == 18;
	if (trap_from_user(f) && user.fault && !machine) {
		user.fault(f); /* ends the program: never the kernel */
		return;
	}
	if (!trap_from_user(f) && fixed_up(f))
		return;
	if (reports_in_progress++)
		exception_inside_report(f);
	/* Only exceptions say where they happened: the symbol lookup stays off the
	 * interrupt path. */
	char where[KSYM_TEXT_MAX];
	ksym_format(f->rip, where, sizeof where);
	if (f->vector == VECTOR_BREAKPOINT) {
		breakpoints++;
		kprintf("breakpoint (int3) at %s; continuing\n", where);
		reports_in_progress--;
		return;
	}

	/* The fault may have hit inside the console's critical section: we are about to
	 * panic anyway, and a held lock must not turn the report into a silent hang. */
	console_break_lock();
	console_go_synchronous();
	kprintf("\nEXCEPTION %s (vector %lu, error code %#lx) at %s\n", trap_name(f->vector),
		f->vector, f->error_code, where);
	switch (f->vector) {
	case VECTOR_PAGE_FAULT: print_page_fault(f); break;
	case VECTOR_INVALID_TSS:
	case VECTOR_SEGMENT_NOT_PRESENT:
	case VECTOR_STACK_FAULT:
	case VECTOR_GENERAL_PROTECTION: print_selector_error(f); break;
	case VECTOR_DOUBLE_FAULT: print_double_fault(f); break;
	default: break;
	}
	panic_trap(f, "unhandled %s at %s", trap_name(f->vector), where);
}

/* Every CPU instruction the kernel needs that C cannot express, as small inline
 * wrappers. No other C file contains asm (the context switch and entry stubs are
 * NASM files of their own). The "memory" clobbers keep the compiler from moving
 * memory accesses across port I/O and interrupt-flag changes. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Control-register and MSR bits the kernel sets: Intel SDM vol. 3A, 2.5 and 2.2.1;
 * the MSR numbers: SDM vol. 4, table 2-2. */
#define CR0_MP		    (1ull << 1)	 /* WAIT/FWAIT honour TS */
#define CR0_EM		    (1ull << 2)	 /* x87 emulation: must be clear for x87 and SSE */
#define CR0_TS		    (1ull << 3)	 /* task switched: the next FPU use faults (#NM) */
#define CR0_NE		    (1ull << 5)	 /* x87 errors as #MF, not the legacy IRQ 13 */
#define CR0_WP		    (1ull << 16) /* write protection binds ring 0 too */
#define CR4_OSFXSR	    (1ull << 9)	 /* FXSAVE/FXRSTOR and SSE enabled */
#define CR4_OSXMMEXCPT	    (1ull << 10) /* unmasked SSE exceptions raise #XM */
#define CR4_OSXSAVE	    (1ull << 18) /* XSAVE and XCR0 enabled */
#define EFER		    0xC0000080
#define EFER_NXE	    (1ull << 11) /* the page tables' NX bit is honoured */
#define IA32_FS_BASE	    0xC0000100
#define IA32_GS_BASE	    0xC0000101
#define IA32_KERNEL_GS_BASE 0xC0000102

/* Stops the compiler from moving memory accesses across this point, or merging the
 * code on either side (a call stays a call, not a tail jump); the CPU is not
 * affected. */
static inline void compiler_barrier(void)
{
	__asm__ volatile("" : : : "memory");
}

static inline void outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;
	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port) : "memory");
	return value;
}

static inline void outw(uint16_t port, uint16_t value)
{
	__asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t value;
	__asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port) : "memory");
	return value;
}

static inline void outl(uint16_t port, uint32_t value)
{
	__asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t value;
	__asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port) : "memory");
	return value;
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;
	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

static inline void cpu_disable_interrupts(void)
{
	__asm__ volatile("cli" : : : "memory");
}

static inline void cpu_enable_interrupts(void)
{
	__asm__ volatile("sti" : : : "memory");
}

static inline void cpu_halt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

/* sti takes effect after the next instruction, so an interrupt cannot slip in
 * between the two: the wake-up is never lost (SDM vol. 2B, STI). */
static inline void cpu_enable_interrupts_and_halt(void)
{
	__asm__ volatile("sti; hlt" : : : "memory");
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" : : : "memory");
}

static inline uint64_t cpu_read_flags(void)
{
	uint64_t flags;
	__asm__ volatile("pushfq; popq %0" : "=r"(flags) : : "memory");
	return flags;
}

#define RFLAGS_IF (1ull << 9)

/* For short critical sections: interrupts off, and back to how they were. */
static inline uint64_t cpu_irq_save(void)
{
	uint64_t flags = cpu_read_flags();
	cpu_disable_interrupts();
	return flags;
}

static inline void cpu_irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		cpu_enable_interrupts();
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
			 : "memory");
}

/* Control registers. The "memory" clobber orders them against ordinary loads and
 * stores (a CR3 write must not move before the page-table writes it publishes). */
#define DEFINE_CR_ACCESSORS(n)                                                     \
	static inline uint64_t read_cr##n(void)                                    \
	{                                                                          \
		uint64_t value;                                                    \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(value) : : "memory"); \
		return value;                                                      \
	}                                                                          \
	static inline void write_cr##n(uint64_t value)                             \
	{                                                                          \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(value) : "memory");     \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

/* The 8-byte word at %gs:offset: the per-CPU area (sched/cpu.h). */
static inline uint64_t gs_read64(uint64_t offset)
{
	uint64_t value;
	__asm__ volatile("movq %%gs:(%1), %0" : "=r"(value) : "r"(offset) : "memory");
	return value;
}

/* Extended control registers (XCR0: which state XSAVE manages), SDM vol. 1, 13.3. */
static inline uint64_t xgetbv(uint32_t xcr)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv(uint32_t xcr, uint64_t value)
{
	__asm__ volatile("xsetbv"
			 :
			 : "c"(xcr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
			 : "memory");
}

/* FPU/SSE/AVX state to and from memory: FXSAVE's 512-byte area (16-byte aligned) or
 * XSAVE's (64-byte aligned, the components in `mask`). The 64-bit forms keep full
 * 64-bit instruction and operand pointers. SDM vol. 1, 10.5 and 13. */
static inline void fxsave64(void *area)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void fxrstor64(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

static inline void xsave64(void *area, uint64_t mask)
{
	__asm__ volatile("xsave64 (%0)"
			 :
			 : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32))
			 : "memory");
}

static inline void xrstor64(const void *area, uint64_t mask)
{
	__asm__ volatile("xrstor64 (%0)"
			 :
			 : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32))
			 : "memory");
}

/* x87 to its initial state (FCW 0x037F, empty stack), without waiting for pending
 * exceptions. */
static inline void fninit(void)
{
	__asm__ volatile("fninit" : : : "memory");
}

/* RFLAGS.AC on and off: with SMAP, the kernel may touch user pages only while it
 * is set (SDM vol. 3A, 4.6.1). Only where CPUID says SMAP exists (else #UD). */
static inline void stac(void)
{
	__asm__ volatile("stac" : : : "memory");
}

static inline void clac(void)
{
	__asm__ volatile("clac" : : : "memory");
}

static inline void invlpg(const void *address)
{
	__asm__ volatile("invlpg (%0)" : : "r"(address) : "memory");
}

struct __attribute__((packed)) descriptor_table_pointer {
	uint16_t limit;
	uint64_t base;
};

static inline void lgdt(const struct descriptor_table_pointer *gdtr)
{
	__asm__ volatile("lgdt %0" : : "m"(*gdtr) : "memory");
}

static inline void lidt(const struct descriptor_table_pointer *idtr)
{
	__asm__ volatile("lidt %0" : : "m"(*idtr) : "memory");
}

static inline void ltr(uint16_t selector)
{
	__asm__ volatile("ltr %0" : : "r"(selector) : "memory");
}

/* After lgdt: reload CS with a far return, and the data segments directly. */
static inline void cpu_load_segments(uint16_t code, uint16_t data)
{
	__asm__ volatile("pushq %q0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %w1, %%ds\n\t"
			 "mov %w1, %%es\n\t"
			 "mov %w1, %%ss\n\t"
			 "mov %w1, %%fs\n\t"
			 "mov %w1, %%gs"
			 :
			 : "r"((uint64_t)code), "r"(data)
			 : "rax", "memory");
}

/* Bochs' magic breakpoint (xchg bx, bx with magic_break enabled): stops Bochs'
 * debugger here. Compiled in only with make BOCHS_BREAK=1; elsewhere a no-op. */
static inline void bochs_break(void)
{
#ifdef KEEL_BOCHS_BREAK
	__asm__ volatile("xchg %%bx, %%bx" : : : "memory");
#endif
}

static inline void cpu_breakpoint(void)
{
	__asm__ volatile("int3" : : : "memory");
}

/* Executes ud2: the CPU raises #UD. */
static inline __attribute__((noreturn)) void cpu_invalid_opcode(void)
{
	__asm__ volatile("ud2");
	__builtin_unreachable();
}

static inline bool cpu_has_rdrand(void)
{
	return cpuid(1, 0).ecx & (1u << 30);
}

/* RDRAND (SDM vol. 1, 7.3.17); false when the CPU had no entropy to give. */
static inline bool rdrand64(uint64_t *value)
{
	uint8_t ok;
	__asm__ volatile("rdrand %0; setc %1" : "=r"(*value), "=qm"(ok));
	return ok;
}

/* RDSEED (CPUID.(EAX=7,ECX=0):EBX bit 18; SDM vol. 1, 7.3.17.2): the entropy source
 * itself, where RDRAND is a generator it seeds. */
static inline bool cpu_has_rdseed(void)
{
	return cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & (1u << 18));
}

static inline bool rdseed64(uint64_t *value)
{
	uint8_t ok;
	__asm__ volatile("rdseed %0; setc %1" : "=r"(*value), "=qm"(ok));
	return ok;
}

/* Moves to a new stack and calls fn(arg) there; fn must not return. Used once, by
 * _start, to leave the boot sector's stack. */
static inline __attribute__((noreturn)) void cpu_call_on_stack(void *stack_top, void (*fn)(void *),
							       void *arg)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "xor %%ebp, %%ebp\n\t" /* ends backtraces here */
			 "call *%1"
			 :
			 : "r"(stack_top), "r"(fn), "D"(arg)
			 : "memory");
	__builtin_unreachable();
}

/* The signal frame, as Linux builds it on x86-64 (arch/x86/kernel/signal.c and
 * asm/sigframe.h), so that libc's handlers and restorers work unchanged. Below the
 * interrupted stack's red zone (128 bytes), or at the top of the alternate stack:
 *
 *   FPU state: FXSAVE's 512-byte image, 64-byte aligned (uc_mcontext.fpstate)
 *   struct rt_sigframe: pretcode (the restorer, SA_RESTORER's), ucontext, siginfo
 *
 * with the frame placed so that the handler starts as if called: RSP + 8 aligned to
 * 16. The handler gets RDI = signal, RSI = &info, RDX = &uc. Its `ret` goes to the
 * restorer, which calls rt_sigreturn with RSP just above pretcode.
 *
 * The FPU image holds x87 and SSE; with XSAVE, AVX's upper halves are not saved in
 * the frame (libc handlers do not use them) and keep the handler's values. */
#include <asm-generic/siginfo.h>
#include <asm/sigcontext.h>
#include <asm/signal.h>
#include <asm/ucontext.h>
#include <linux/signal.h>

#include "../arch/fpu.h"
#include "../arch/gdt.h"
#include "../arch/trap.h"
#include "../arch/usercopy.h"
#include "../arch/x86.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../sched/task.h"
#include "process.h"
#include "thread.h"

/* Linux's, from arch/x86/include/asm/sigframe.h (not in the UAPI headers). */
struct rt_sigframe {
	uint64_t pretcode;
	struct ucontext uc;
	siginfo_t info;
};

#define RED_ZONE	   128
#define FXSAVE_SIZE	   512
#define FXSAVE_MXCSR	   24 /* offsets in the FXSAVE image (SDM vol. 1, table 10-2) */
#define FXSAVE_MXCSR_MASK  28
#define DEFAULT_MXCSR_MASK 0xFFBF /* when the image says 0 (SDM vol. 1, 11.6.6) */

/* RFLAGS bits a sigreturn may set, as Linux's FIX_EFLAGS: CF, PF, AF, ZF, SF, TF, DF,
 * OF, RF, AC. IF, IOPL and the rest stay the kernel's. */
#define USER_RFLAGS 0x40DD5ull
#define RFLAGS_TF   (1ull << 8)
#define RFLAGS_DF   (1ull << 10)
#define RFLAGS_RF   (1ull << 16)
#define RFLAGS_AC   (1ull << 18)

bool signal_on_altstack(const struct thread *t, uint64_t sp)
{
	return t->altstack_size && sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size;
}

static stack_t altstack_of(const struct thread *t, uint64_t sp)
{
	stack_t s = {(void *)t->altstack_sp, 0, t->altstack_size};
	if (!t->altstack_size)
		s.ss_flags = SS_DISABLE;
	else if (signal_on_altstack(t, sp))
		s.ss_flags = SS_ONSTACK;
	if (t->altstack_autodisarm)
		s.ss_flags |= (int)SS_AUTODISARM;
	return s;
}

static void fill_siginfo(siginfo_t *si, int sig, const struct signal_info *info)
{
	memset(si, 0, sizeof *si);
	si->si_signo = sig;
	si->si_code = info->code;
	if (sig == SIGCHLD) {
		si->si_pid = info->pid;
		si->si_status = info->status;
	} else if (info->code == SI_USER || info->code == SI_TKILL) {
		si->si_pid = info->pid;
	} else if (info->code > 0 && (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
				      sig == SIGFPE || sig == SIGTRAP)) {
		si->si_addr = (void *)info->addr;
	}
}

static void fill_sigcontext(struct sigcontext *sc, const struct trap_frame *f, uint64_t old_mask,
			    uint64_t fpstate, uint64_t fault_addr)
{
	*sc = (struct sigcontext){
		.r8 = f->r8,
		.r9 = f->r9,
		.r10 = f->r10,
		.r11 = f->r11,
		.r12 = f->r12,
		.r13 = f->r13,
		.r14 = f->r14,
		.r15 = f->r15,
		.rdi = f->rdi,
		.rsi = f->rsi,
		.rbp = f->rbp,
		.rbx = f->rbx,
		.rdx = f->rdx,
		.rax = f->rax,
		.rcx = f->rcx,
		.rsp = f->rsp,
		.rip = f->rip,
		.eflags = f->rflags,
		.cs = (uint16_t)f->cs,
		.ss = (uint16_t)f->ss,
		.err = f->vector < EXCEPTION_VECTORS ? f->error_code : 0,
		.trapno = f->vector < EXCEPTION_VECTORS ? f->vector : 0,
		.oldmask = old_mask,
		.cr2 = fault_addr,
		.fpstate = (struct _fpstate *)fpstate,
	};
}

/* The handler starts with the FPU as a new program's (Linux clears it too). */
static void reset_fpu(void)
{
	static void *clean;
	if (!clean && (clean = kmalloc_aligned(fpu_area_size(), FPU_AREA_ALIGN)))
		fpu_area_init(clean);
	if (clean)
		fpu_restore(clean);
}

bool signal_frame_push(struct thread *t, struct trap_frame *f, int sig, const struct sigaction *act,
		       const struct signal_info *info, uint64_t old_mask)
{
	uint64_t sp = f->rsp;
	stack_t stack = altstack_of(t, sp);
	if ((act->sa_flags & SA_ONSTACK) && t->altstack_size && !signal_on_altstack(t, sp))
		sp = t->altstack_sp + t->altstack_size;
	else
		sp -= RED_ZONE;
	uint64_t fpstate = (sp - FXSAVE_SIZE) & ~(uint64_t)(FPU_AREA_ALIGN - 1);
	sp = ((fpstate - sizeof(struct rt_sigframe)) & ~15ull) - 8;

	uint8_t fx[FXSAVE_SIZE] __attribute__((aligned(16)));
	fxsave64(fx);
	memset(fx + 464, 0, FXSAVE_SIZE - 464); /* software bytes: no XSAVE state follows */
	struct rt_sigframe frame;
	memset(&frame, 0, sizeof frame);
	frame.pretcode = (uint64_t)act->sa_restorer;
	frame.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	frame.uc.uc_stack = stack;
	fill_sigcontext(&frame.uc.uc_mcontext, f, old_mask, fpstate,
			(sig == SIGSEGV || sig == SIGBUS) && info->code > 0 ? info->addr : 0);
	frame.uc.uc_sigmask = old_mask;
	fill_siginfo(&frame.info, sig, info);
	if (!copy_to_user(fpstate, fx, sizeof fx) || !copy_to_user(sp, &frame, sizeof frame))
		return false;

	if (t->altstack_autodisarm && stack.ss_flags != SS_ONSTACK && (act->sa_flags & SA_ONSTACK))
		t->altstack_size = 0; /* SS_AUTODISARM: off while the handler runs */
	f->rdi = (uint64_t)sig;
	f->rsi = sp + offsetof(struct rt_sigframe, info);
	f->rdx = sp + offsetof(struct rt_sigframe, uc);
	f->rax = 0;
	f->rsp = sp;
	f->rip = (uint64_t)act->sa_handler;
	f->cs = USER_CS;
	f->ss = USER_DS;
	f->rflags &= ~(RFLAGS_TF | RFLAGS_DF | RFLAGS_RF | RFLAGS_AC);
	reset_fpu();
	return true;
}

/* The FXSAVE image at `fpstate` back into the registers, MXCSR's reserved bits
 * cleared first (FXRSTOR faults on them). */
static bool restore_fpu(uint64_t fpstate)
{
	uint8_t fx[FXSAVE_SIZE] __attribute__((aligned(16)));
	if (!fpstate) {
		reset_fpu();
		return true;
	}
	if (!copy_from_user(fx, fpstate, sizeof fx))
		return false;
	static uint32_t mask; /* the CPU's, read once from an FXSAVE image */
	if (!mask) {
		uint8_t now[FXSAVE_SIZE] __attribute__((aligned(16)));
		fxsave64(now);
		memcpy(&mask, now + FXSAVE_MXCSR_MASK, 4);
		mask = mask ? mask : DEFAULT_MXCSR_MASK;
	}
	uint32_t mxcsr;
	memcpy(&mxcsr, fx + FXSAVE_MXCSR, 4);
	mxcsr &= mask;
	memcpy(fx + FXSAVE_MXCSR, &mxcsr, 4);
	fxrstor64(fx);
	return true;
}

bool signal_frame_pop(struct thread *t, struct trap_frame *f)
{
	struct rt_sigframe frame;
	uint64_t at = f->rsp - 8; /* the restorer's `ret` took pretcode */
	if (!copy_from_user(&frame, at, sizeof frame))
		return false;
	const struct sigcontext *sc = &frame.uc.uc_mcontext;
	if (sc->rip >= USER_END)
		return false; /* IRETQ to it would fault in ring 0 */
	if (!restore_fpu((uint64_t)sc->fpstate))
		return false;
	f->r8 = sc->r8, f->r9 = sc->r9, f->r10 = sc->r10, f->r11 = sc->r11;
	f->r12 = sc->r12, f->r13 = sc->r13, f->r14 = sc->r14, f->r15 = sc->r15;
	f->rdi = sc->rdi, f->rsi = sc->rsi, f->rbp = sc->rbp, f->rbx = sc->rbx;
	f->rdx = sc->rdx, f->rax = sc->rax, f->rcx = sc->rcx, f->rsp = sc->rsp;
	f->rip = sc->rip;
	f->rflags = (f->rflags & ~USER_RFLAGS) | (sc->eflags & USER_RFLAGS);
	f->cs = USER_CS;
	f->ss = USER_DS;
	f->error_code = (uint64_t)-1; /* no system call to restart here */
	current_task()->blocked = frame.uc.uc_sigmask & ~SIGNALS_UNBLOCKABLE;
	const stack_t *s = &frame.uc.uc_stack; /* as Linux: put back, errors ignored */
	if (!signal_on_altstack(t, f->rsp) && !(s->ss_flags & SS_DISABLE) &&
	    s->ss_size >= MINSIGSTKSZ) {
		t->altstack_sp = (uint64_t)s->ss_sp;
		t->altstack_size = s->ss_size;
		t->altstack_autodisarm = s->ss_flags & SS_AUTODISARM;
	}
	return true;
}

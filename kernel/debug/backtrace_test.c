/* KTESTs for backtrace.c (test kernel only). */
#include "backtrace.h"

#include "../arch/x86.h"
#include "../test/ktest.h"
#include "ksyms.h"

static uintptr_t collected[8];
static int collected_count;

__attribute__((noinline)) static void backtrace_probe_inner(void)
{
	collected_count = backtrace_collect((uintptr_t)__builtin_frame_address(0), collected, 8);
	compiler_barrier(); /* keep the calls above calls, not jumps */
}

__attribute__((noinline)) static void backtrace_probe_middle(void)
{
	backtrace_probe_inner();
	compiler_barrier();
}

__attribute__((noinline)) static void backtrace_probe_outer(void)
{
	backtrace_probe_middle();
	compiler_barrier();
}

KTEST(backtrace_names_callers_in_order)
{
	backtrace_probe_outer();
	static const char *const expected[] = {"backtrace_probe_middle", "backtrace_probe_outer",
					       "backtrace_names_callers_in_order"};
	KEXPECT(collected_count >= 3);
	for (int i = 0; i < 3; i++) {
		uintptr_t offset;
		const char *name = ksym_lookup(collected[i] - 1, &offset);
		KEXPECT(name != NULL);
		KEXPECT_STR(name, expected[i]);
	}
}

/* KTESTs for trap.c (test kernel only). */
#include "trap.h"
#include "x86.h"

#include "../test/ktest.h"

KTEST(breakpoint_is_reported_and_execution_continues)
{
	uint64_t before = trap_breakpoint_count();
	cpu_breakpoint();
	KEXPECT_EQ(trap_breakpoint_count(), before + 1);
}

KTEST(every_exception_has_a_name)
{
	KEXPECT_STR(trap_name(VECTOR_PAGE_FAULT), "#PF page fault");
	KEXPECT_STR(trap_name(VECTOR_DOUBLE_FAULT), "#DF double fault");
	KEXPECT_STR(trap_name(15), "reserved exception");
}

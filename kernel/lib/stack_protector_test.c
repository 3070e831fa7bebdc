/* KTESTs for stack_protector.c (test kernel only). */
#include "stack_protector.h"

#include "../test/ktest.h"

KTEST(stack_canary_is_not_the_built_in_constant)
{
	KEXPECT(__stack_chk_guard != 0x595e9fbd94fda766ull);
	KEXPECT((__stack_chk_guard & 0xFF) == 0); /* see stack_protector_init */
	KEXPECT(__stack_chk_guard >> 8 != 0);
}

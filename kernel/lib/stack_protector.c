#include "stack_protector.h"

#include "../arch/x86.h"
#include "../panic.h"

/* gcc reads the canary from here on x86_64 with -mstack-protector-guard=global.
 * One value for all CPUs: it only has to be unknown to an attacker. */
uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ull;

/* Not protected itself: it changes the canary its own epilogue would check. */
__attribute__((no_stack_protector)) void stack_protector_init(void)
{
	uint64_t seed = 0;
	if (!cpu_has_rdrand() || !rdrand64(&seed))
		seed = rdtsc() * 0x9E3779B97F4A7C15ull; /* spread the low bits */
	/* A zero low byte stops string overflows that copy up to a NUL. */
	__stack_chk_guard = (__stack_chk_guard ^ seed) & ~0xFFull;
}

void __stack_chk_fail(void)
{
	panic("stack smashing detected: a canary was overwritten in the function that "
	      "returned to %p",
	      __builtin_return_address(0));
}

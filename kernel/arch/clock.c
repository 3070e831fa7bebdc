#include "clock.h"

#include "x86.h"

/* ns = cycles * ns_per_cycle_fx >> 32: a 64x64->128-bit multiply, no division. */
static uint64_t tsc_hz, tsc_at_zero, ns_per_cycle_fx;

void clock_set_tsc_hz(uint64_t hz)
{
	tsc_hz = hz;
	ns_per_cycle_fx = (1000000000ull << 32) / hz; /* 4.3e18: fits in 64 bits */
	tsc_at_zero = rdtsc();
}

uint64_t clock_tsc_hz(void)
{
	return tsc_hz;
}

uint64_t clock_cycles_to_ns(uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * ns_per_cycle_fx) >> 32);
}

uint64_t clock_ns(void)
{
	return tsc_hz ? clock_cycles_to_ns(rdtsc() - tsc_at_zero) : 0;
}

#include "random.h"

#include <stdint.h>

#include "../arch/x86.h"
#include "../lib/string.h"
#include "../sync/spinlock.h"

static struct spinlock lock = SPINLOCK_INIT;
static uint64_t state;
static enum { UNKNOWN, NOTHING, RDRAND, RDSEED_TOO } hardware; /* asked once: CPUID is slow */

/* SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit state stepped by the golden
 * ratio and mixed by two multiply-xorshift rounds. */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t next_word(void)
{
	if (hardware == UNKNOWN)
		hardware = !cpu_has_rdrand() ? NOTHING : cpu_has_rdseed() ? RDSEED_TOO : RDRAND;
	uint64_t hw = 0, seed = 0;
	if (hardware != NOTHING)
		rdrand64(&hw); /* on failure hw stays 0: the generator still moves */
	if (hardware == RDSEED_TOO)
		rdseed64(&seed); /* fresh entropy into the state, when the CPU has some */
	uint64_t flags = spin_lock_irqsave(&lock);
	state ^= rdtsc() ^ seed;
	uint64_t word = splitmix64(&state) ^ hw;
	spin_unlock_irqrestore(&lock, flags);
	return word;
}

void random_bytes(void *buf, size_t n)
{
	uint8_t *out = buf;
	while (n) {
		uint64_t word = next_word();
		size_t k = n < sizeof word ? n : sizeof word;
		memcpy(out, &word, k);
		out += k;
		n -= k;
	}
}

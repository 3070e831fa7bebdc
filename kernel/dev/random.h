/* Random bytes for user space (AT_RANDOM, getrandom, /dev/urandom): RDRAND (and
 * RDSEED) where the CPU has them, mixed with the TSC's jitter, through a SplitMix64
 * generator. Good
 * enough for stack canaries and hash seeds; not a vetted cryptographic generator. */
#pragma once

#include <stddef.h>

void random_bytes(void *buf, size_t n);

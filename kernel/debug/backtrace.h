/* Stack backtraces by frame pointers (the kernel keeps them: -fno-omit-frame-pointer). */
#pragma once

#include <stdint.h>

/* Prints rip, then each return address found by following the rbp chain. Stops at
 * a null or unmapped frame pointer, or after BACKTRACE_MAX frames. */
void backtrace_print(uintptr_t rip, uintptr_t rbp);

#define BACKTRACE_MAX 32

/* Fills out[] with up to max return addresses from the rbp chain; returns how many. */
int backtrace_collect(uintptr_t rbp, uintptr_t *out, int max);

/* -fstack-protector-strong support: the canary and the function that reports a
 * smashed one. */
#pragma once

#include <stdint.h>

extern uintptr_t __stack_chk_guard;

/* Sets a canary that is not a constant (RDRAND where the CPU has it, else the
 * time-stamp counter). Called by _start before any protected function runs. */
void stack_protector_init(void);

__attribute__((noreturn)) void __stack_chk_fail(void);

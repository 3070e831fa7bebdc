/* Test kernel only: scenarios that need a boot of their own (they end in a panic, a
 * fault or a halt, or run the shell). tests/ picks one by name through the fw_cfg
 * file opt/keel/fault; ktest_main runs it instead of the KTESTs. A scenario is a
 * plain function, registered beside it:
 *
 *     static void null_dereference(void) { ... }
 *     FAULT_SCENARIO(null_dereference);   // must end in a fault or a panic
 *     SCENARIO(console_flood);            // ends as it likes
 *
 * The registrations go into the .kscenarios linker section, as KTESTs do. */
#pragma once

#ifndef KEEL_TEST
#error "test code is built into the test kernel only (KERNEL_TEST=1)"
#endif

#include <stdbool.h>

struct scenario {
	const char *name;
	void (*run)(void);
	bool must_fault; /* returning is then "did not fault" */
};

#define SCENARIO_ENTRY(fn, fault)                  \
	static const struct scenario scenario_##fn \
		__attribute__((used, section(".kscenarios"), aligned(8))) = {#fn, fn, fault}

#define SCENARIO(fn)	   SCENARIO_ENTRY(fn, false)
#define FAULT_SCENARIO(fn) SCENARIO_ENTRY(fn, true)

/* Runs the named scenario; returns only if there is none of that name. */
void scenario_run(const char *name);

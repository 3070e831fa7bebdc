/* The test kernel's runner: every KTEST in .ktests, or one scenario (.kscenarios). */
#include "ktest.h"

#include "../test_hooks.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../arch/x86.h"
#include "../console.h"
#include "../lib/string.h"
#include "../mm/frame_share.h"
#include "../mm/heap.h"
#include "../mm/paging.h"
#include "../mm/pmm.h"
#include "../panic.h"
#include "fwcfg.h"
#include "qemu_exit.h"
#include "scenario.h"

extern const struct ktest_case __ktests_start[], __ktests_end[];

/* Tests run one at a time on the boot CPU. */
static bool current_failed;
static char failure[160];

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
	if (current_failed)
		return;
	current_failed = true;
	int n = ksnprintf(failure, sizeof failure, "%s:%d: ", file, line);
	if (n < (int)sizeof failure) {
		va_list args;
		va_start(args, fmt);
		kvsnprintf(failure + n, sizeof failure - n, fmt, args);
		va_end(args);
	}
}

/* Every KTEST whose name starts with `prefix` ("" for all). */
static int run_all(const char *prefix)
{
	int passed = 0, failed = 0;
	size_t count =
		((uintptr_t)__ktests_end - (uintptr_t)__ktests_start) / sizeof(struct ktest_case);
	for (const struct ktest_case *t = __ktests_start; t < __ktests_start + count; t++) {
		size_t len = strlen(prefix);
		if (strnlen(t->name, len) < len || memcmp(t->name, prefix, len) != 0)
			continue;
		current_failed = false;
		t->run();
		if (current_failed) {
			failed++;
			kprintf("%s ... FAILED: %s\n", t->name, failure);
		} else {
			passed++;
			kprintf("%s ... ok\n", t->name);
		}
	}
	kprintf("ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}

extern const struct scenario __kscenarios_start[], __kscenarios_end[];

void scenario_run(const char *name)
{
	size_t count = ((uintptr_t)__kscenarios_end - (uintptr_t)__kscenarios_start) /
		       sizeof(struct scenario);
	for (const struct scenario *s = __kscenarios_start; s < __kscenarios_start + count; s++) {
		if (strcmp(s->name, name) != 0)
			continue;
		kprintf("scenario: %s\n", name);
		s->run();
		if (s->must_fault)
			panic("fault scenario %s did not fault", name);
		panic("scenario %s returned", name);
	}
}

void ktest_main(void)
{
	char scenario[64];
	if (fwcfg_read_string("opt/keel/fault", scenario, sizeof scenario)) {
		scenario_run(scenario); /* returns only for an unknown name */
		panic("unknown fault scenario \"%s\"", scenario);
	}
	char prefix[64] = ""; /* opt/keel/ktest: run only the KTESTs named so */
	fwcfg_read_string("opt/keel/ktest", prefix, sizeof prefix);
	int failed = run_all(prefix);
	cpu_disable_interrupts();
	console_go_synchronous(); /* COM1 gets the summary before QEMU goes */
	qemu_exit(failed ? QEMU_EXIT_FAILURE : QEMU_EXIT_SUCCESS);
	halt_forever();
}

uint64_t ktest_frames_not_in_use(void)
{
	struct pmm_stats frames;
	struct heap_stats heap;
	heap_drain();
	pmm_get_stats(&frames);
	heap_get_stats(&heap);
	return frames.free_frames + heap.bytes_reserved / PAGE_SIZE + kernel_half_tables +
	       frame_cache_retained(); /* the page cache gives those back on demand */
}

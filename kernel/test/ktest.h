/* In-kernel tests. Write them in a file of their own beside the code they test
 * (mm/heap.c -> mm/heap_test.c):
 *
 *     KTEST(format_pads_with_zeros) { char b[8]; ksnprintf(b, 8, "%03d", 7);
 *                                     KEXPECT_STR(b, "007"); }
 *
 * KTEST puts the test in the .ktests linker section; the test kernel (make test
 * builds it with -DKEEL_TEST) runs every entry there. No central list to edit.
 * Only the test kernel compiles *_test.c and kernel/test/ (the Makefile), so the
 * shipped kernel carries none of it; a test reaches a file's static functions
 * through VISIBLE_IF_KTEST (lib/visible.h). */
#pragma once

#ifndef KEEL_TEST
#error "test code is built into the test kernel only (KERNEL_TEST=1)"
#endif

#include <stdint.h>

#include "../console.h"
#include "../lib/string.h"

struct ktest_case {
	const char *name;
	void (*run)(void);
};

#define KTEST(name)                                                                    \
	static void name(void);                                                        \
	static const struct ktest_case ktest_case_##name                               \
		__attribute__((used, section(".ktests"), aligned(8))) = {#name, name}; \
	static void name(void)

/* Frames that nothing but the kernel's own reusable structures holds: free frames,
 * the heap's pages after heap_drain, and the page tables of the kernel half. Each
 * heap size class keeps one slab when drained, and where the heap's and the stacks'
 * pages land after a burst (a fork bomb) decides how many page tables they need; a
 * test counting free frames alone would call those "lost". */
uint64_t ktest_frames_not_in_use(void);

/* Records a failure for the running test (the first one counts). */
__attribute__((format(printf, 3, 4))) void ktest_fail(const char *file, int line, const char *fmt,
						      ...);

#define KEXPECT(cond)                                                         \
	do {                                                                  \
		if (!(cond)) {                                                \
			ktest_fail(__FILE__, __LINE__, "expected %s", #cond); \
			return;                                               \
		}                                                             \
	} while (0)

#define KEXPECT_EQ(actual, expected)                                                             \
	do {                                                                                     \
		uint64_t a_ = (uint64_t)(actual), e_ = (uint64_t)(expected);                     \
		if (a_ != e_) {                                                                  \
			ktest_fail(__FILE__, __LINE__, "%s is %#lx, expected %#lx", #actual, a_, \
				   e_);                                                          \
			return;                                                                  \
		}                                                                                \
	} while (0)

#define KEXPECT_STR(actual, expected)                                                            \
	do {                                                                                     \
		if (strcmp((actual), (expected)) != 0) {                                         \
			ktest_fail(__FILE__, __LINE__, "%s is \"%s\", expected \"%s\"", #actual, \
				   (actual), (expected));                                        \
			return;                                                                  \
		}                                                                                \
	} while (0)

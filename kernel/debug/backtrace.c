#include "backtrace.h"

#include "../console.h"
#include "../mm/paging.h"
#include "ksyms.h"

/* A frame is [saved rbp][return address]: both must be readable. */
static int frame_ok(uintptr_t rbp)
{
	return rbp && rbp % 8 == 0 && paging_is_mapped(rbp) && paging_is_mapped(rbp + 15);
}

int backtrace_collect(uintptr_t rbp, uintptr_t *out, int max)
{
	int n = 0;
	while (n < max && frame_ok(rbp)) {
		const uintptr_t *frame = (const uintptr_t *)rbp;
		if (!frame[1])
			break;
		out[n++] = frame[1];
		if (frame[0] <= rbp) /* stacks grow down: callers' frames lie higher */
			break;
		rbp = frame[0];
	}
	return n;
}

void backtrace_print(uintptr_t rip, uintptr_t rbp)
{
	uintptr_t calls[BACKTRACE_MAX];
	int n = backtrace_collect(rbp, calls, BACKTRACE_MAX);
	char text[KSYM_TEXT_MAX];

	kprintf("backtrace:\n");
	ksym_format(rip, text, sizeof text);
	kprintf("  #0  %s\n", text);
	for (int i = 0; i < n; i++) {
		/* Deep recursion: one line for a run of the same return address. */
		int same = 0;
		while (i + same + 1 < n && calls[i + same + 1] == calls[i])
			same++;
		if (same >= 2 && i > 0 && calls[i - 1] == calls[i]) {
			kprintf("  ... the same %d more times\n", same + 1);
			i += same;
			continue;
		}
		/* A return address points after the call, maybe past the caller's end
		 * (a call to a noreturn function): name the byte before it. */
		uintptr_t offset;
		const char *name = ksym_lookup(calls[i] - 1, &offset);
		if (name)
			kprintf("  #%-2d %#lx <%s+%#lx>\n", i + 1, calls[i], name, offset + 1);
		else
			kprintf("  #%-2d %#lx\n", i + 1, calls[i]);
	}
}

#include "../lib/string.h"
#include "../test/ktest.h"
#include "ksyms.h"

static uintptr_t collected[8];
static int collected_count;

__attribute__((noinline)) static void backtrace_probe_inner(void)
{
	collected_count = backtrace_collect((uintptr_t)__builtin_frame_address(0), collected, 8);
	__asm__ volatile(""); /* keep the calls above calls, not jumps */
}

__attribute__((noinline)) static void backtrace_probe_middle(void)
{
	backtrace_probe_inner();
	__asm__ volatile("");
}

__attribute__((noinline)) static void backtrace_probe_outer(void)
{
	backtrace_probe_middle();
	__asm__ volatile("");
}

KTEST(backtrace_names_callers_in_order)
{
	backtrace_probe_outer();
	static const char *const expected[] = {"backtrace_probe_middle", "backtrace_probe_outer",
					       "backtrace_names_callers_in_order"};
	KEXPECT(collected_count >= 3);
	for (int i = 0; i < 3; i++) {
		uintptr_t offset;
		const char *name = ksym_lookup(collected[i] - 1, &offset);
		KEXPECT(name != NULL);
		KEXPECT_STR(name, expected[i]);
	}
}

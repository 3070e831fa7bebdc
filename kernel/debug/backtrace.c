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

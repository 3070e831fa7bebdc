/* Where the test kernel (kernel/test/, built only with KERNEL_TEST=1) joins the
 * boot. In the shipped kernel these are empty inlines, so it links no test code. */
#pragma once

#include "bootinfo.h"

#ifdef KEEL_TEST
/* Adds E820 entries QEMU cannot make, from fw_cfg (test/e820_extra.c). */
void e820_add_test_entries(struct boot_info *bi);
/* Runs the requested fault scenario, or every KTEST; then ends the QEMU run and
 * halts, never returning. */
void ktest_main(void);
#else
static inline void e820_add_test_entries(struct boot_info *bi)
{
	(void)bi;
}

static inline void ktest_main(void)
{
}
#endif

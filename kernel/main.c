/* kmain: brings the kernel up one subsystem at a time, then idles. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/x86.h"
#include "console.h"
#include "kmain.h"
#include "mm/e820.h"
#include "panic.h"

/* Nothing ever writes this: if it is not zero, _start did not clear .bss.
 * (tests/boot fills .bss with garbage before boot to prove that it does.) */
static volatile uint64_t bss_witness[16];

static void check_bss_zeroed(void)
{
	for (unsigned i = 0; i < sizeof bss_witness / sizeof bss_witness[0]; i++)
		if (bss_witness[i])
			panic(".bss not zeroed: word %u is %#llx", i,
			      (unsigned long long)bss_witness[i]);
}

static void print_banner(const struct boot_info *bi)
{
	char vendor[13], brand[49];
	cpu_vendor(vendor);
	cpu_brand(brand);
	kprintf("Keel x86_64 kernel, booted from BIOS drive 0x%02x", bi->drive);
	kprintf(" (CHS %u heads, %u sectors/track", bi->heads ? bi->heads : 256,
		bi->sectors_per_track);
	if (bi->read_retries)
		kprintf(", disk reads retried: %u", bi->read_retries);
	kprintf(")\n");
	kprintf("cpu: %s %s\n", vendor, brand);
}

void kmain(struct boot_info *bi)
{
	console_init();
	check_bss_zeroed();
	print_banner(bi);
	if (bi->e820_count == 0)
		panic("the BIOS gave no E820 memory map");
	e820_print(bi);

	kprintf("keel: ready\n");
	halt_forever();
}

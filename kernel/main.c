/* kmain: brings the kernel up one subsystem at a time, then idles. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/gdt.h"
#include "arch/idt.h"
#include "arch/x86.h"
#include "console.h"
#include "dev/vga.h"
#include "kmain.h"
#include "mm/e820.h"
#include "mm/paging.h"
#include "panic.h"
#include "test/ktest.h"

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
	vga_set_color(VGA_LIGHT_CYAN, VGA_BLACK);
	kprintf("Keel x86_64 kernel, booted from BIOS drive 0x%02x", bi->drive);
	kprintf(" (CHS %u heads, %u sectors/track", bi->heads ? bi->heads : 256,
		bi->sectors_per_track);
	if (bi->read_retries)
		kprintf(", disk reads retried: %u", bi->read_retries);
	kprintf(")\n");
	vga_set_color(VGA_LIGHT_GREY, VGA_BLACK);
	kprintf("cpu: %s %s\n", vendor, brand);
}

/* The boot sector's boot info lies in the first page, which paging_init unmaps to
 * catch null pointers: the kernel keeps its own copy. */
static struct boot_info boot_info;

void kmain(const struct boot_info *boot_sector_info)
{
	bochs_break(); /* only with make BOCHS_BREAK=1 */
	boot_info = *boot_sector_info;
	struct boot_info *bi = &boot_info;
	console_init();
	check_bss_zeroed();
	paging_init();
	boot_stack_guard();
	gdt_init();
	idt_init();
	print_banner(bi);
	if (bi->e820_count == 0)
		panic("the BIOS gave no E820 memory map");
	e820_print(bi);

	kprintf("keel: ready\n");
#ifdef KEEL_TEST
	ktest_main();
#endif
	halt_forever();
}

/* kmain: brings the kernel up one subsystem at a time, then idles. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/fpu.h"
#include "arch/gdt.h"
#include "arch/idt.h"
#include "arch/irq.h"
#include "arch/syscall.h"
#include "arch/usercopy.h"
#include "arch/x86.h"
#include "console.h"
#include "dev/acpi.h"
#include "dev/apic.h"
#include "dev/debugcon.h"
#include "dev/fbcon.h"
#include "dev/floppy.h"
#include "dev/i8042.h"
#include "dev/pic.h"
#include "dev/power.h"
#include "dev/serial.h"
#include "dev/timer.h"
#include "dev/vga.h"
#include "dev/wallclock.h"
#include "fs/vfs.h"
#include "kmain.h"
#include "mm/kstack.h"
#include "mm/mem.h"
#include "mm/paging.h"
#include "panic.h"
#include "proc/process.h"
#include "proc/procfs.h"
#include "sched/sched.h"
#include "sched/task.h"
#include "shell/shell.h"
#include "test_hooks.h"

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
	console_set_style(CONSOLE_HEADING);
	if (bi->firmware == BOOT_FROM_UEFI) {
		kprintf("Keel x86_64 kernel, booted from UEFI");
		if (bi->fb_base)
			kprintf(" (framebuffer %ux%u", bi->fb_width, bi->fb_height);
		else
			kprintf(" (no framebuffer");
		kprintf(bi->kernel_copied ? "; 1 MiB was taken: loaded elsewhere and copied)\n"
					  : ")\n");
	} else {
		kprintf("Keel x86_64 kernel, booted from BIOS drive 0x%02x", bi->drive);
		kprintf(" (CHS %u heads, %u sectors/track", bi->heads ? bi->heads : 256,
			bi->sectors_per_track);
		if (bi->read_retries)
			kprintf(", disk reads retried: %u", bi->read_retries);
		kprintf(")\n");
	}
	console_set_style(CONSOLE_PLAIN);
	kprintf("cpu: %s %s\n", vendor, brand);
}

/* From here on kmain runs as a task, and can make others. */
static void start_scheduler(void)
{
	struct kstack boot_stack;
	uintptr_t guard;
	boot_stack_bounds(&boot_stack, &guard);
	sched_init(&boot_stack, guard);
}

/* Each console output registers itself: port 0xE9 first, as it needs no set-up.
 * UEFI leaves no VGA text mode: its framebuffer is the screen then. */
static bool have_uart;

static void consoles_init(const struct boot_info *bi)
{
	debugcon_init();
	if (bi->firmware == BOOT_FROM_UEFI)
		fbcon_init(bi);
	else
		vga_console_init();
	have_uart = serial_init();
	if (!have_uart)
		kprintf("console: no UART at COM1, using the screen and port 0xE9 only\n");
}

/* The boot sector's boot info lies in the first page, which paging_init unmaps to
 * catch null pointers: the kernel keeps its own copy. */
static struct boot_info boot_info;

/* For table parsers: NULL where a (possibly corrupt) address is not mapped. */
static void *reachable_address(uint64_t phys)
{
	return paging_direct_mapped(phys) ? phys_to_virt(phys) : 0;
}

/* What ACPI told us; the APIC and power code keep pointing at it. */
static struct acpi_info acpi;

/* ACPI's MADT decides: local APIC + I/O APIC, or the 8259 pair. Either way the
 * 8259s are remapped first, so a stray legacy IRQ never looks like an exception.
 * Quiet: interrupts_report says what was chosen. */
static char acpi_problem[160];
static const char *apic_problem;

static void interrupts_init(const struct boot_info *bi)
{
	pic_remap_and_mask();
	bool have_madt =
		bi->firmware == BOOT_FROM_UEFI
			? acpi_init_at(reachable_address, bi->acpi_rsdp, &acpi, acpi_problem,
				       sizeof acpi_problem)
			: acpi_init(reachable_address, &acpi, acpi_problem, sizeof acpi_problem);
	apic_problem = have_madt ? apic_init(&acpi) : "no MADT";
	if (apic_problem)
		irq_set_controller(&pic_controller);
	timer_begin_calibration();
	power_init(acpi.have_fadt ? &acpi : 0);
	cpu_enable_interrupts();
}

static void interrupts_report(void)
{
	if (acpi_problem[0])
		kprintf("acpi: %s\n", acpi_problem);
	if (irq_controller() == &apic_controller)
		kprintf("interrupts: local APIC %u at %#lx, %zu I/O APIC(s), %zu CPU(s) in the "
			"MADT\n",
			lapic_id(), lapic_address(), acpi.ioapic_count, acpi.cpu_count);
	else
		kprintf("interrupts: no usable APIC (%s); using the 8259 PICs\n", apic_problem);
}

/* /init as pid 1 on the console, if the initramfs has one; the kernel shell takes
 * over when it ends. */
static void run_init(void)
{
	static const char *const argv[] = {"/init", 0};
	static const char *const envp[] = {"HOME=/", "TERM=linux", "PATH=/bin:/sbin:/usr/bin", 0};
	struct inode *init;
	if (path_lookup(fs_root(), "/init", LOOKUP_FOLLOW, &init) != 0)
		return;
	inode_put(init);
	int status = 0;
	int pid = process_run_foreground("/init", argv, envp, &status);
	if (pid < 0)
		kprintf("keel: /init could not start (error %d)\n", -pid);
	else if ((status & 0x7F) == 0)
		kprintf("keel: init exited with status %d\n", (status >> 8) & 0xFF);
	else
		kprintf("keel: init ended by signal %d\n", status & 0x7F);
}

void kmain(const struct boot_info *boot_sector_info)
{
	bochs_break(); /* only with make BOCHS_BREAK=1 */
	/* First: under QEMU a change of CR0's and CR4's FPU bits makes every piece of
	 * code run after it be translated again, so it comes before nearly all. */
	fpu_init();
	boot_info = *boot_sector_info;
	struct boot_info *bi = &boot_info;
	consoles_init(bi);
	check_bss_zeroed();
	gdt_init();
	idt_init();
	print_banner(bi);
	e820_add_test_entries(bi); /* test kernel only */
	if (bi->e820_count == 0)
		panic("the %s gave no memory map",
		      bi->firmware == BOOT_FROM_UEFI ? "UEFI loader" : "BIOS");
	mem_init(bi);
	boot_stack_guard();
	gdt_guard_stacks();
	start_scheduler();
	syscall_init();
	user_access_init();

	/* The local APIC timer's calibration runs from interrupts_init to timer_init: the
	 * steps between take the place of most of its 2 ms wait. */
	interrupts_init(bi);
	mem_report(bi);
	interrupts_report();
	if (bi->firmware == BOOT_FROM_BIOS)
		floppy_motor_off(bi->drive);
	i8042_init();
	serial_enable_interrupts();
	timer_init();
	/* The wall clock (file times need it), the file system and processes: the root
	 * unpacked from the initramfs (it sleeps on fs_lock: interrupts must be on), the
	 * reaper, /proc. */
	wall_clock_init();
	fs_init();
	process_init();
	procfs_init();

	kprintf("keel: ready\n");
	ktest_main(); /* test kernel only: runs the tests, never returns */
	run_init();
	task_set_name(current_task(), "shell"); /* kmain's task goes on as the shell */
	shell_run(bi);
}

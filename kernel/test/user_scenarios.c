/* Test kernel only: running user programs (the programs in user/, in the image through
 * user_images_test.asm): their output, exit statuses and faults, what bad images
 * get, and that every frame comes back. tests/test_user.py checks the output. */
#include "scenario.h"

#include <asm-generic/errno-base.h>
#include <linux/elf.h>

#include "../arch/usercopy.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../mm/pmm.h"
#include "../panic.h"
#include "../proc/process.h"

#define IMAGE(name)                                                                       \
	extern const uint8_t user_image_##name[], user_image_##name##_end[];              \
	static size_t name##_size(void)                                                   \
	{                                                                                 \
		return (uintptr_t)user_image_##name##_end - (uintptr_t)user_image_##name; \
	}
IMAGE(hello)
IMAGE(fault)

#define KERNEL_HALF 0xFFFF800000000000ull

static uint64_t free_frames(void)
{
	struct pmm_stats s;
	pmm_get_stats(&s);
	return s.free_frames;
}

/* Runs an image to its end; prints and returns its wait status (or -errno). */
static int run(const char *what, const void *image, size_t size, const char *const argv[])
{
	static const char *const envp[] = {"HOME=/", "TERM=linux", "PATH=/bin:/sbin:/usr/bin", 0};
	int pid = process_spawn(image, size, argv, envp);
	if (pid < 0) {
		kprintf("user: %s: spawn failed: %d\n", what, pid);
		return pid;
	}
	int status = -1;
	process_wait(pid, &status);
	kprintf("user: %s: pid %d ended with wait status %#x\n", what, pid, status);
	return status;
}

/* hello with one field changed (in copy): an entry point, then a segment, in the
 * kernel half. */
static void bad_images(uint8_t *copy, const char *const argv[])
{
	memcpy(copy, user_image_hello, hello_size());
	Elf64_Ehdr *h = (Elf64_Ehdr *)copy;
	uint64_t entry = h->e_entry;
	h->e_entry = KERNEL_HALF;
	run("entry in the kernel half", copy, hello_size(), argv);
	h->e_entry = entry;
	Elf64_Phdr *ph = (Elf64_Phdr *)(copy + h->e_phoff);
	for (int i = 0; i < h->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD) {
			ph[i].p_vaddr = KERNEL_HALF;
			break;
		}
	run("segment in the kernel half", copy, hello_size(), argv);
}

/* One more run of hello or fault, quietly. */
static void run_again(int i, const char *const argv[])
{
	int pid = process_spawn(i % 2 ? user_image_fault : user_image_hello,
				i % 2 ? fault_size() : hello_size(), argv, 0);
	process_wait(pid, 0);
}

static void user_programs(void)
{
	kprintf("user: SMEP %s, SMAP %s\n", user_access_smep() ? "on" : "off",
		user_access_smap() ? "on" : "off");
	static const char *const hello_argv[] = {"/bin/hello", "first", "second arg", 0};
	run("hello", user_image_hello, hello_size(), hello_argv);
	static const char *const fault_argv[] = {"fault", 0};
	run("fault", user_image_fault, fault_size(), fault_argv);

	/* From here on, every run and every refused image gives back each frame and heap
	 * block it took. Counted after one more round, and with the copy bad_images
	 * edits already taken: a heap class keeps one empty slab once it has had one. */
	run_again(0, fault_argv);
	run_again(1, fault_argv);
	uint8_t *copy = kmalloc(hello_size());
	if (!copy)
		panic("user scenario: no memory for a copy of hello");
	heap_drain();
	uint64_t frames = free_frames();
	size_t blocks = heap_live_blocks();

	static const char not_elf[] = "#!/bin/sh\necho this is no ELF\n";
	run("not an ELF", not_elf, sizeof not_elf, fault_argv);
	run("truncated ELF", user_image_hello, 100, fault_argv);
	bad_images(copy, fault_argv);
	for (int i = 0; i < 200; i++)
		run_again(i, fault_argv);
	heap_drain();
	kprintf("user: after the refused images and 200 more runs: %ld frames and %ld heap "
		"blocks not back\n",
		(long)(frames - free_frames()), (long)(heap_live_blocks() - blocks));
	kfree(copy);
	kprintf("halted.\n");
	cpu_disable_interrupts();
	console_go_synchronous();
	halt_forever();
}

SCENARIO(user_programs);

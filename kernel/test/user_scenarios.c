/* Test kernel only: running user programs (user/, in the initramfs's /bin): their
 * output, exit statuses and faults, what files that are no programs get, and that
 * every frame comes back. tests/test_user.py checks the output. */
#include "scenario.h"

#include <asm-generic/errno-base.h>
#include <linux/elf.h>
#include <linux/stat.h>

#include "../arch/usercopy.h"
#include "../arch/x86.h"
#include "../console.h"
#include "../fs/vfs.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../mm/pmm.h"
#include "../panic.h"
#include "../proc/process.h"
#include "ktest.h"

#define KERNEL_HALF 0xFFFF800000000000ull

/* A new file in the root file system with `size` bytes of `data`. */
static void make_file(const char *path, const void *data, size_t size, uint32_t mode)
{
	struct inode *inode;
	if (path_create(fs_root(), path, S_IFREG | mode, 0, 0, &inode) != 0)
		panic("user scenario: cannot make %s", path);
	mutex_lock(&fs_lock);
	ramfs_write(inode, 0, data, size);
	mutex_unlock(&fs_lock);
	inode_put(inode);
}

/* A copy of /bin/hello's bytes in a kernel buffer; its size in *size. */
static uint8_t *hello_bytes(size_t *size)
{
	struct inode *inode;
	if (path_lookup(fs_root(), "/bin/hello", LOOKUP_FOLLOW, &inode) != 0)
		panic("user scenario: no /bin/hello in the initramfs");
	*size = inode->size;
	uint8_t *copy = kmalloc(*size);
	if (!copy || fs_read_kernel(inode, 0, copy, *size) != (long)*size)
		panic("user scenario: cannot read /bin/hello");
	inode_put(inode);
	return copy;
}

/* Runs a program to its end; prints and returns its wait status (or -errno). */
static int run(const char *what, const char *path, const char *const argv[])
{
	static const char *const envp[] = {"HOME=/", "TERM=linux", "PATH=/bin:/sbin:/usr/bin", 0};
	int pid = process_spawn(path, argv, envp);
	if (pid < 0) {
		kprintf("user: %s: spawn failed: %d\n", what, pid);
		return pid;
	}
	int status = -1;
	process_wait(pid, &status);
	kprintf("user: %s: pid %d ended with wait status %#x\n", what, pid, status);
	return status;
}

/* hello with one field changed: an entry point, then a segment, in the kernel half;
 * and files that are no programs at all. Made before the count of frames starts. */
static void make_bad_files(void)
{
	size_t size;
	uint8_t *copy = hello_bytes(&size);
	static const char not_elf[] = "this is no ELF and no script\n";
	make_file("/tmp/not-elf", not_elf, sizeof not_elf - 1, 0755);
	make_file("/tmp/truncated", copy, 100, 0755);
	Elf64_Ehdr *h = (Elf64_Ehdr *)copy;
	uint64_t entry = h->e_entry;
	h->e_entry = KERNEL_HALF;
	make_file("/tmp/entry-in-kernel", copy, size, 0755);
	h->e_entry = entry;
	Elf64_Phdr *ph = (Elf64_Phdr *)(copy + h->e_phoff);
	for (int i = 0; i < h->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD) {
			ph[i].p_vaddr = KERNEL_HALF;
			break;
		}
	make_file("/tmp/segment-in-kernel", copy, size, 0755);
	kfree(copy);
}

/* One more run of hello or fault, quietly. */
static void run_again(int i, const char *const argv[])
{
	int pid = process_spawn(i % 2 ? "/bin/fault" : "/bin/hello", argv, 0);
	process_wait(pid, 0);
}

static void user_programs(void)
{
	kprintf("user: SMEP %s, SMAP %s\n", user_access_smep() ? "on" : "off",
		user_access_smap() ? "on" : "off");
	static const char *const hello_argv[] = {"/bin/hello", "first", "second arg", 0};
	run("hello", "/bin/hello", hello_argv);
	static const char *const fault_argv[] = {"fault", 0};
	run("fault", "/bin/fault", fault_argv);
	run("hello-pie", "/bin/hello-pie", hello_argv); /* hello as a static PIE */

	/* From here on, every run and every refused file gives back each frame and heap
	 * block it took (frames the heap keeps for its size classes count as back). */
	make_bad_files();
	run_again(0, fault_argv);
	run_again(1, fault_argv);
	heap_drain();
	uint64_t frames = ktest_frames_not_in_use();
	size_t blocks = heap_live_blocks();

	run("not an ELF", "/tmp/not-elf", fault_argv);
	run("truncated ELF", "/tmp/truncated", fault_argv);
	run("entry in the kernel half", "/tmp/entry-in-kernel", fault_argv);
	run("segment in the kernel half", "/tmp/segment-in-kernel", fault_argv);
	run("no such file", "/tmp/none", fault_argv);
	run("a directory", "/tmp", fault_argv);
	for (int i = 0; i < 200; i++)
		run_again(i, fault_argv);
	static const char *const forklimit_argv[] = {"forklimit", 0};
	run("fork bomb", "/bin/forklimit", forklimit_argv);
	heap_drain();
	kprintf("user: after the refused files, 200 more runs and the fork bomb: %ld frames "
		"and %ld heap blocks not back\n",
		(long)(frames - ktest_frames_not_in_use()), (long)(heap_live_blocks() - blocks));
	kprintf("halted.\n");
	cpu_disable_interrupts();
	console_go_synchronous();
	halt_forever();
}

SCENARIO(user_programs);

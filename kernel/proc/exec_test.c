/* KTESTs for exec.c (test kernel only): the loader against 10,000 mutations of a
 * real program, /bin/hello from the initramfs. Each mutation changes one to four
 * bytes of the ELF header or program headers (where the loader looks), or cuts the
 * file short; the loader must answer 0 or ENOEXEC/EINVAL, never fault or panic, and
 * every frame it took must come back. */
#include "exec.h"

#include <asm-generic/errno-base.h>
#include <linux/elf.h>
#include <linux/stat.h>

#include "../fs/vfs.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../test/ktest.h"
#include "vm.h"

#define MUTATIONS  10000
#define HEAD_BYTES 1024 /* the ELF header and program headers lie in here */

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint64_t next_random(void)
{
	rng ^= rng << 13; /* xorshift64 (Marsaglia, 2003) */
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* One load of the fuzz file; the result code. */
static int load_once(void)
{
	static const char *const argv[] = {"fuzz", 0};
	struct exec_args args = {0};
	exec_args_add(&args, argv[0], 4, false);
	struct exec_result out = {0};
	int err = exec_load(fs_root(), "/tmp/fuzz", &args, &out);
	exec_args_free(&args);
	if (!err)
		mm_free(out.mm);
	return err;
}

KTEST(exec_survives_ten_thousand_mutated_programs)
{
	struct inode *hello, *fuzz;
	KEXPECT_EQ(path_lookup(fs_root(), "/bin/hello", LOOKUP_FOLLOW, &hello), 0);
	size_t size = hello->size;
	uint8_t *original = kmalloc(size), *head = kmalloc(HEAD_BYTES);
	KEXPECT(original && head && size > HEAD_BYTES);
	KEXPECT_EQ(fs_read_kernel(hello, 0, original, size), (long)size);
	inode_put(hello);
	KEXPECT_EQ(path_create(fs_root(), "/tmp/fuzz", S_IFREG | 0755, 0, 0, &fuzz), 0);
	mutex_lock(&fs_lock);
	ramfs_write(fuzz, 0, original, size);
	mutex_unlock(&fs_lock);
	KEXPECT_EQ(load_once(), 0); /* unmutated, it loads */
	uint64_t frames = ktest_frames_not_in_use();
	/* Aim at the headers: the ELF header and the program-header table. */
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)original;
	uint64_t hot = eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize;
	KEXPECT(hot <= HEAD_BYTES);

	unsigned loaded = 0, refused = 0, other = 0;
	for (int i = 0; i < MUTATIONS; i++) {
		memcpy(head, original, HEAD_BYTES);
		uint64_t cut = size;
		if (i % 16 == 0) {
			cut = next_random() % size; /* a truncated file */
		} else {
			int changes = 1 + (int)(next_random() % 4);
			for (int c = 0; c < changes; c++)
				head[next_random() % hot] = (uint8_t)next_random();
		}
		mutex_lock(&fs_lock);
		ramfs_write(fuzz, 0, head, HEAD_BYTES);
		ramfs_truncate(fuzz, cut);
		mutex_unlock(&fs_lock);
		int err = load_once();
		if (err == 0)
			loaded++;
		else if (err == -ENOEXEC || err == -EINVAL)
			refused++;
		else
			other++;
		mutex_lock(&fs_lock); /* back to the whole program */
		ramfs_write(fuzz, 0, original, size);
		mutex_unlock(&fs_lock);
	}
	kprintf("  %d mutations: %u loaded, %u refused (ENOEXEC or EINVAL), %u other\n", MUTATIONS,
		loaded, refused, other);
	KEXPECT_EQ(other, 0u);
	KEXPECT(refused > MUTATIONS / 4); /* the mutations do reach the checks */
	KEXPECT_EQ(ktest_frames_not_in_use(), frames);
	KEXPECT_EQ(path_unlink(fs_root(), "/tmp/fuzz", false), 0);
	inode_put(fuzz);
	kfree(original);
	kfree(head);
}

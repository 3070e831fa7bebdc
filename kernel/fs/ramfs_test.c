/* KTESTs for ramfs.c (test kernel only): files unpacked from the initramfs are read
 * in place and get pages of their own only when they first change. */
#include "ramfs.h"

#include <linux/stat.h>

#include "../lib/string.h"
#include "../test/ktest.h"

static const uint8_t original[5000] = {[0] = 'a', [4095] = 'b', [4096] = 'c', [4999] = 'd'};

static struct inode *attached_file(void)
{
	struct inode *f = ramfs_new_inode(S_IFREG | 0644);
	inode_get(f); /* nameless: the put at the end frees it */
	ramfs_attach_image(f, original, sizeof original);
	return f;
}

KTEST(ramfs_reads_an_attached_image_in_place_and_copies_it_on_the_first_write)
{
	uint64_t frames = ktest_frames_not_in_use();
	mutex_lock(&fs_lock);
	struct inode *f = attached_file();
	uint8_t got[5000];
	KEXPECT_EQ(ramfs_read(f, 0, got, sizeof got), 5000L);
	KEXPECT(memcmp(got, original, sizeof got) == 0);
	KEXPECT(f->page_slots == 0); /* reading took no page */
	KEXPECT_EQ(ramfs_write(f, 4096, "X", 1), 1L);
	KEXPECT(f->image == 0);
	KEXPECT_EQ(ramfs_read(f, 4095, got, 3), 3L);
	KEXPECT(got[0] == 'b' && got[1] == 'X' && got[2] == 0);
	KEXPECT_EQ(original[4096], 'c'); /* the image itself never changes */
	KEXPECT_EQ(ramfs_read(f, 4999, got, 10), 1L);
	KEXPECT_EQ(got[0], 'd');
	inode_put_locked(f); /* nlink 0: freed with its pages */
	struct inode *g = attached_file();
	KEXPECT_EQ(ramfs_truncate(g, 4097), 0);
	KEXPECT_EQ(ramfs_read(g, 4096, got, 10), 1L);
	KEXPECT_EQ(got[0], 'c');
	KEXPECT_EQ(ramfs_truncate(g, 0), 0);
	KEXPECT(g->image == 0 && g->size == 0);
	inode_put_locked(g);
	mutex_unlock(&fs_lock);
	KEXPECT_EQ(ktest_frames_not_in_use(), frames);
}

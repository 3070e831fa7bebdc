/* statfs and fstatfs: what the file system holding a file says of itself
 * (<asm/statfs.h>, magic numbers from <linux/magic.h>). There is one, the RAM file
 * system, and anonymous pipes, which Linux keeps in a file system of their own. */
#include <asm-generic/errno.h>
#include <asm/statfs.h>
#include <linux/fcntl.h>
#include <linux/magic.h>

#include "../arch/usercopy.h"
#include "../fs/file.h"
#include "../fs/pipe.h"
#include "../lib/string.h"
#include "../proc/process.h"
#include "sys.h"

#define ST_VALID 0x0020 /* include/linux/statfs.h, not in the UAPI headers */

/* Linux's pipefs: a page per block, nothing else counted. */
static void pipe_statfs(struct statfs *st)
{
	memset(st, 0, sizeof *st);
	st->f_type = PIPEFS_MAGIC;
	st->f_bsize = st->f_frsize = 4096;
	st->f_namelen = NAME_MAX;
	st->f_flags = ST_VALID;
}

long sys_statfs(uint64_t path, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct inode *inode;
	long err = lookup_at((uint64_t)AT_FDCWD, path, 0, &inode);
	if (err)
		return err;
	inode_put(inode);
	struct statfs st;
	fs_statfs(&st);
	return copy_to_user(buf, &st, sizeof st) ? 0 : -EFAULT;
}

long sys_fstatfs(uint64_t fd, uint64_t buf, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
	(void)a3, (void)a4, (void)a5, (void)a6;
	struct file *f = fd_get(process_current()->files, (int)(uint32_t)fd);
	if (!f)
		return -EBADF;
	struct statfs st;
	if (pipe_is_anonymous(f))
		pipe_statfs(&st);
	else
		fs_statfs(&st);
	file_put(f);
	return copy_to_user(buf, &st, sizeof st) ? 0 : -EFAULT;
}

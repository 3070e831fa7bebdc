/* Path names: walking them component by component from the root or a directory,
 * following symbolic links (at most SYMLINK_MAX per lookup), and the namespace
 * changes made at a path's last component. Each entry point takes fs_lock for the
 * whole of its work, so a lookup and the change it leads to are one step. Errors are
 * Linux's for the same case. */
#include <asm-generic/errno.h>
#include <asm-generic/fcntl.h>
#include <linux/stat.h>

#include "../lib/string.h"
#include "../mm/heap.h"
#include "ramfs.h"
#include "vfs.h"

/* One component of a path: [start, start + len). */
struct name {
	const char *start;
	size_t len;
};

static bool is_dot(struct name n)
{
	return n.len == 1 && n.start[0] == '.';
}

static bool is_dotdot(struct name n)
{
	return n.len == 2 && n.start[0] == '.' && n.start[1] == '.';
}

/* The next component at or after *p; false at the end. */
static bool next_name(const char **p, struct name *n)
{
	while (**p == '/')
		(*p)++;
	if (!**p)
		return false;
	n->start = *p;
	while (**p && **p != '/')
		(*p)++;
	n->len = (size_t)(*p - n->start);
	return true;
}

static bool only_slashes_left(const char *p)
{
	while (*p == '/')
		p++;
	return !*p;
}

static int walk(struct inode *base, const char *path, unsigned flags, int *links,
		struct inode **out);

/* The inode `n` names in directory `dir` (a reference), following a link when
 * `follow`. */
static int step(struct inode *dir, struct name n, bool follow, int *links, struct inode **out)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (n.len > NAME_MAX)
		return -ENAMETOOLONG;
	struct inode *next;
	if (is_dot(n))
		next = dir;
	else if (is_dotdot(n))
		next = dir->parent ? dir->parent : dir; /* the root is its own parent */
	else {
		struct dir_entry *e = dir->nlink ? ramfs_find(dir, n.start, n.len) : 0;
		if (!e)
			return -ENOENT;
		next = e->inode;
	}
	if (S_ISLNK(next->mode) && follow) {
		if (++*links > SYMLINK_MAX)
			return -ELOOP;
		return walk(dir, next->target, LOOKUP_FOLLOW, links, out);
	}
	inode_get(next);
	*out = next;
	return 0;
}

static int walk(struct inode *base, const char *path, unsigned flags, int *links,
		struct inode **out)
{
	if (!*path)
		return -ENOENT;
	struct inode *cur = *path == '/' ? fs_root() : base;
	inode_get(cur);
	struct name n;
	const char *p = path;
	while (next_name(&p, &n)) {
		bool last = only_slashes_left(p);
		bool follow = !last || (flags & LOOKUP_FOLLOW) || *p == '/';
		struct inode *next;
		int err = step(cur, n, follow, links, &next);
		inode_put_locked(cur);
		if (err)
			return err;
		cur = next;
	}
	if (path[strlen(path) - 1] == '/' && !S_ISDIR(cur->mode)) {
		inode_put_locked(cur);
		return -ENOTDIR;
	}
	*out = cur;
	return 0;
}

/* The directory holding the last component of `path` (a reference) and that
 * component. A path that ends in "/" names its last directory. */
static int walk_parent(struct inode *base, const char *path, int *links, struct inode **dir,
		       struct name *last)
{
	if (!*path)
		return -ENOENT;
	size_t end = strlen(path);
	while (end > 1 && path[end - 1] == '/')
		end--;
	size_t start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	*last = (struct name){path + start, end - start};
	if (last->len > NAME_MAX)
		return -ENAMETOOLONG;
	if (start == 0) {
		*dir = base;
		inode_get(base);
	} else {
		char *head = kmalloc(start + 1);
		if (!head)
			return -ENOMEM;
		memcpy(head, path, start);
		head[start] = 0;
		int err = walk(base, head, LOOKUP_FOLLOW, links, dir);
		kfree(head);
		if (err)
			return err;
	}
	if (!S_ISDIR((*dir)->mode)) {
		inode_put_locked(*dir);
		return -ENOTDIR;
	}
	if (last->len == 0) /* "/" itself */
		*last = (struct name){".", 1};
	return 0;
}

int path_lookup(struct inode *base, const char *path, unsigned flags, struct inode **out)
{
	int links = 0;
	mutex_lock(&fs_lock);
	int err = walk(base, path, flags, &links, out);
	mutex_unlock(&fs_lock);
	return err;
}

static int create_locked(struct inode *dir, struct name n, uint32_t mode, uint32_t rdev,
			 const char *target, struct inode **out)
{
	if (dir->nlink == 0)
		return -ENOENT; /* the directory was removed */
	if (is_dot(n) || is_dotdot(n) || ramfs_find(dir, n.start, n.len))
		return -EEXIST;
	struct inode *inode = ramfs_new_inode(mode);
	if (!inode)
		return -ENOMEM;
	inode->rdev = rdev;
	if (target) {
		inode->size = strlen(target);
		inode->target = kmalloc(inode->size + 1);
		if (!inode->target) {
			kfree(inode);
			return -ENOMEM;
		}
		memcpy(inode->target, target, inode->size + 1);
	}
	int err = ramfs_add(dir, n.start, n.len, inode);
	if (err) {
		kfree(inode->target);
		kfree(inode);
		return err;
	}
	if (out) {
		inode_get(inode);
		*out = inode;
	}
	return 0;
}

int path_create(struct inode *base, const char *path, uint32_t mode, uint32_t rdev,
		const char *target, struct inode **out)
{
	int links = 0;
	struct inode *dir;
	struct name n;
	mutex_lock(&fs_lock);
	int err = walk_parent(base, path, &links, &dir, &n);
	if (!err) {
		err = create_locked(dir, n, mode, rdev, target, out);
		inode_put_locked(dir);
	}
	mutex_unlock(&fs_lock);
	return err;
}

/* What open(2) does with the path: find it, or create it (O_CREAT), then the checks
 * its flags ask for. */
static int open_locked(struct inode *base, const char *path, unsigned flags, uint32_t mode,
		       struct inode **out)
{
	int links = 0;
	unsigned follow = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (!(flags & O_CREAT))
		return walk(base, path, follow, &links, out);

	struct inode *dir;
	struct name n;
	int err = walk_parent(base, path, &links, &dir, &n);
	if (err)
		return err;
	struct dir_entry *e = ramfs_find(dir, n.start, n.len);
	if (!e && !is_dot(n) && !is_dotdot(n)) {
		err = path[strlen(path) - 1] == '/'
			      ? -EISDIR
			      : create_locked(dir, n, S_IFREG | (mode & 07777), 0, 0, out);
		inode_put_locked(dir);
		return err;
	}
	if (flags & O_EXCL) {
		inode_put_locked(dir);
		return -EEXIST;
	}
	err = walk(dir, n.start, follow, &links, out);
	inode_put_locked(dir);
	return err;
}

int path_open(struct inode *base, const char *path, unsigned flags, uint32_t mode,
	      struct inode **out)
{
	mutex_lock(&fs_lock);
	struct inode *inode;
	int err = open_locked(base, path, flags, mode, &inode);
	if (!err) {
		bool writing = (flags & O_ACCMODE) != O_RDONLY;
		if (S_ISLNK(inode->mode))
			err = -ELOOP; /* O_NOFOLLOW met a link */
		else if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
			err = -ENOTDIR;
		else if (S_ISDIR(inode->mode) && (writing || (flags & O_CREAT)))
			err = -EISDIR;
		else if ((flags & O_TRUNC) && writing && S_ISREG(inode->mode))
			ramfs_truncate(inode, 0);
		if (err)
			inode_put_locked(inode);
		else
			*out = inode;
	}
	mutex_unlock(&fs_lock);
	return err;
}

int path_link(struct inode *old_base, const char *old, struct inode *new_base, const char *new_path)
{
	int links = 0;
	struct inode *inode, *dir;
	struct name n;
	mutex_lock(&fs_lock);
	int err = walk(old_base, old, 0, &links, &inode);
	if (!err) {
		err = S_ISDIR(inode->mode) ? -EPERM
					   : walk_parent(new_base, new_path, &links, &dir, &n);
		if (!err) {
			if (dir->nlink == 0)
				err = -ENOENT;
			else if (is_dot(n) || is_dotdot(n) || ramfs_find(dir, n.start, n.len))
				err = -EEXIST;
			else
				err = ramfs_add(dir, n.start, n.len, inode);
			inode_put_locked(dir);
		}
		inode_put_locked(inode);
	}
	mutex_unlock(&fs_lock);
	return err;
}

/* Whether an rmdir, unlink or rename may take entry `e` (named `n`) out of `dir`. */
static int removable(struct name n, const struct dir_entry *e, bool directory)
{
	if (is_dot(n))
		return -EINVAL;
	if (is_dotdot(n))
		return -ENOTEMPTY;
	if (!e)
		return -ENOENT;
	if (directory && !S_ISDIR(e->inode->mode))
		return -ENOTDIR;
	if (!directory && S_ISDIR(e->inode->mode))
		return -EISDIR;
	if (directory && !ramfs_dir_empty(e->inode))
		return -ENOTEMPTY;
	return 0;
}

int path_unlink(struct inode *base, const char *path, bool directory)
{
	int links = 0;
	struct inode *dir;
	struct name n;
	mutex_lock(&fs_lock);
	int err = walk_parent(base, path, &links, &dir, &n);
	if (!err) {
		if (!directory && path[strlen(path) - 1] == '/')
			err = -ENOTDIR; /* unlink("file/") */
		else if (directory && dir == fs_root() && is_dot(n) && *path == '/')
			err = -EBUSY; /* rmdir("/") */
		struct dir_entry *e = err ? 0 : ramfs_find(dir, n.start, n.len);
		if (!err && !(err = removable(n, e, directory)))
			ramfs_remove(dir, e);
		inode_put_locked(dir);
	}
	mutex_unlock(&fs_lock);
	return err;
}

/* Whether directory `dir` is `ancestor` or lies below it. */
static bool is_below(const struct inode *dir, const struct inode *ancestor)
{
	for (const struct inode *d = dir; d; d = d->parent) {
		if (d == ancestor)
			return true;
		if (d == fs_root())
			break;
	}
	return false;
}

static int rename_locked(struct inode *from, struct name fn, struct inode *to, struct name tn,
			 bool replace)
{
	if (is_dot(fn) || is_dotdot(fn) || is_dot(tn) || is_dotdot(tn))
		return -EBUSY;
	struct dir_entry *src = ramfs_find(from, fn.start, fn.len);
	if (!src)
		return -ENOENT;
	if (to->nlink == 0)
		return -ENOENT;
	struct inode *inode = src->inode;
	struct dir_entry *dst = ramfs_find(to, tn.start, tn.len);
	if (dst && !replace)
		return -EEXIST;
	if (dst && dst->inode == inode)
		return 0; /* two names of one file: nothing to do, as on Linux */
	bool dir = S_ISDIR(inode->mode);
	if (dst) {
		int err = removable(tn, dst, dir);
		if (err)
			return err;
	}
	if (dir && is_below(to, inode))
		return -EINVAL; /* into itself */
	inode_get(inode);
	int err = ramfs_add(to, tn.start, tn.len, inode);
	if (!err) {
		if (dst)
			ramfs_remove(to, dst);
		ramfs_remove(from, src);
	}
	inode_put_locked(inode);
	return err;
}

static int rename_paths(struct inode *old_base, const char *old, struct inode *new_base,
			const char *new_path, bool replace)
{
	int links = 0;
	struct inode *from, *to;
	struct name fn, tn;
	mutex_lock(&fs_lock);
	int err = walk_parent(old_base, old, &links, &from, &fn);
	if (!err) {
		err = walk_parent(new_base, new_path, &links, &to, &tn);
		if (!err) {
			err = rename_locked(from, fn, to, tn, replace);
			inode_put_locked(to);
		}
		inode_put_locked(from);
	}
	mutex_unlock(&fs_lock);
	return err;
}

int path_rename(struct inode *old_base, const char *old, struct inode *new_base,
		const char *new_path)
{
	return rename_paths(old_base, old, new_base, new_path, true);
}

int path_rename_noreplace(struct inode *old_base, const char *old, struct inode *new_base,
			  const char *new_path)
{
	return rename_paths(old_base, old, new_base, new_path, false);
}

/* The name `child` has in `dir`, or NULL. */
static const char *name_in(const struct inode *dir, const struct inode *child)
{
	const struct list_node *node;
	list_for_each(node, &dir->entries)
	{
		const struct dir_entry *e = list_entry(node, struct dir_entry, link);
		if (e->inode == child)
			return e->name;
	}
	return 0;
}

long path_of(struct inode *dir, char *buf, size_t size)
{
	mutex_lock(&fs_lock);
	long err = dir->nlink ? 0 : -ENOENT;
	size_t at = size; /* built from the end of buf backwards */
	if (!err && size)
		buf[--at] = 0;
	for (const struct inode *d = dir; !err && d != fs_root(); d = d->parent) {
		const char *name = d->parent ? name_in(d->parent, d) : 0;
		size_t len = name ? strlen(name) : 0;
		if (!name)
			err = -ENOENT;
		else if (at < len + 1)
			err = -ERANGE;
		else {
			at -= len;
			memcpy(buf + at, name, len);
			buf[--at] = '/';
		}
	}
	if (!err && at == size - 1) {
		if (at == 0)
			err = -ERANGE;
		else
			buf[--at] = '/';
	}
	mutex_unlock(&fs_lock);
	if (err)
		return err;
	memmove(buf, buf + at, size - at);
	return (long)(size - at);
}

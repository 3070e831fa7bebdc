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

/* A lookup under way: the links it has followed and, when `found_in` is wanted,
 * the directory and name where its last step found what it found (for
 * path_lookup_real). */
struct walk {
	int links;
	bool record;
	struct inode *found_in; /* a reference */
	char found_name[NAME_MAX + 1];
};

static int walk(struct inode *base, const char *path, unsigned flags, struct walk *w,
		struct inode **out);

/* The inode entry `n` of `dir` names (a reference): from the RAM file system's list,
 * or from the file system the directory belongs to. */
static int lookup_entry(struct inode *dir, struct name n, struct inode **out)
{
	if (dir->iops)
		return dir->iops->lookup(dir, n.start, n.len, out);
	struct dir_entry *e = dir->nlink ? ramfs_find(dir, n.start, n.len) : 0;
	if (!e)
		return -ENOENT;
	inode_get(e->inode);
	*out = e->inode;
	return 0;
}

static bool exists(struct inode *dir, struct name n)
{
	struct inode *inode;
	if (lookup_entry(dir, n, &inode))
		return false;
	inode_put_locked(inode);
	return true;
}

static void record(struct walk *w, struct inode *dir, struct name n)
{
	inode_get(dir);
	if (w->found_in)
		inode_put_locked(w->found_in);
	w->found_in = dir;
	memcpy(w->found_name, n.start, n.len);
	w->found_name[n.len] = 0;
}

/* The inode `n` names in directory `dir` (a reference), following a link when
 * `follow`. */
static int step(struct inode *dir, struct name n, bool follow, struct walk *w, struct inode **out)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (n.len > NAME_MAX)
		return -ENAMETOOLONG;
	struct inode *next;
	if (is_dot(n) || is_dotdot(n)) {
		next = is_dotdot(n) && dir->parent ? dir->parent : dir; /* the root's is itself */
		inode_get(next);
	} else {
		int err = lookup_entry(dir, n, &next);
		if (err)
			return err;
	}
	if (S_ISLNK(next->mode) && follow) {
		int err = ++w->links > SYMLINK_MAX ? -ELOOP
						   : walk(dir, next->target, LOOKUP_FOLLOW, w, out);
		inode_put_locked(next); /* held until here: /proc's links live as long */
		return err;
	}
	if (w->record)
		record(w, dir, n);
	*out = next;
	return 0;
}

static int walk(struct inode *base, const char *path, unsigned flags, struct walk *w,
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
		int err = step(cur, n, follow, w, &next);
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
static int walk_parent(struct inode *base, const char *path, struct walk *w, struct inode **dir,
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
		int err = walk(base, head, LOOKUP_FOLLOW, w, dir);
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
	struct walk w = {0};
	mutex_lock(&fs_lock);
	int err = walk(base, path, flags, &w, out);
	mutex_unlock(&fs_lock);
	return err;
}

/* `dir`'s path, "/" and `name` into buf. */
static long join_locked(struct inode *dir, const char *name, char *buf, size_t size)
{
	long len = path_of_locked(dir, buf, size);
	if (len < 0)
		return len;
	size_t at = (size_t)len - 1, name_len = strlen(name);
	if (at > 1) /* not "/" */
		buf[at++] = '/';
	else
		at = 1;
	if (at + name_len + 1 > size)
		return -ERANGE;
	memcpy(buf + at, name, name_len + 1);
	return (long)(at + name_len + 1);
}

int path_lookup_real(struct inode *base, const char *path, struct inode **out, char *real,
		     size_t size)
{
	struct walk w = {.record = true};
	mutex_lock(&fs_lock);
	int err = walk(base, path, LOOKUP_FOLLOW, &w, out);
	if (!err) {
		long len = w.found_in ? join_locked(w.found_in, w.found_name, real, size)
				      : path_of_locked(*out, real, size); /* "/" */
		if (len < 0) {
			inode_put_locked(*out);
			err = (int)len;
		}
	}
	if (w.found_in)
		inode_put_locked(w.found_in);
	mutex_unlock(&fs_lock);
	return err;
}

static int create_locked(struct inode *dir, struct name n, uint32_t mode, uint32_t rdev,
			 const char *target, struct inode **out)
{
	if (dir->nlink == 0)
		return -ENOENT; /* the directory was removed */
	if (is_dot(n) || is_dotdot(n) || exists(dir, n))
		return -EEXIST;
	if (dir->iops)
		return -ENOENT; /* as Linux's /proc: no new names there */
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
	struct walk w = {0};
	struct inode *dir;
	struct name n;
	mutex_lock(&fs_lock);
	int err = walk_parent(base, path, &w, &dir, &n);
	if (!err) {
		err = create_locked(dir, n, mode, rdev, target, out);
		inode_put_locked(dir);
	}
	mutex_unlock(&fs_lock);
	return err;
}

/* What open(2) does with the path: find it, or create it (O_CREAT), then the checks
 * its flags ask for. O_CREAT follows a link at the end to where it points and makes
 * the file there if there is none, as Linux does. */
static int open_locked(struct inode *base, const char *path, unsigned flags, uint32_t mode,
		       struct walk *w, struct inode **out)
{
	unsigned follow = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	if (!(flags & O_CREAT))
		return walk(base, path, follow, w, out);

	struct inode *dir, *found = 0;
	struct name n;
	int err = walk_parent(base, path, w, &dir, &n);
	if (err)
		return err;
	bool there = lookup_entry(dir, n, &found) == 0;
	if (!there && !is_dot(n) && !is_dotdot(n))
		err = path[strlen(path) - 1] == '/'
			      ? -EISDIR
			      : create_locked(dir, n, S_IFREG | (mode & 07777), 0, 0, out);
	else if (flags & O_EXCL)
		err = -EEXIST;
	else if (found && S_ISLNK(found->mode) && follow && !found->iops) /* a RAM link */
		err = ++w->links > SYMLINK_MAX
			      ? -ELOOP
			      : open_locked(dir, found->target, flags, mode, w, out);
	else
		err = walk(dir, n.start, follow, w, out);
	if (found)
		inode_put_locked(found);
	inode_put_locked(dir);
	return err;
}

int path_open(struct inode *base, const char *path, unsigned flags, uint32_t mode,
	      struct inode **out)
{
	mutex_lock(&fs_lock);
	struct inode *inode;
	struct walk w = {0};
	int err = open_locked(base, path, flags, mode, &w, &inode);
	if (!err) {
		/* Linux's checks in its order. O_TRUNC asks for writing, and truncates even
		 * with O_RDONLY. */
		bool writing = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
		if ((flags & O_CREAT) && S_ISDIR(inode->mode))
			err = -EISDIR;
		else if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
			err = -ENOTDIR;
		else if (S_ISLNK(inode->mode))
			err = -ELOOP; /* O_NOFOLLOW met a link */
		else if (S_ISDIR(inode->mode) && writing)
			err = -EISDIR;
		else if ((flags & O_TRUNC) && S_ISREG(inode->mode) && !inode->iops)
			ramfs_truncate(inode, 0);
		if (err)
			inode_put_locked(inode);
		else
			*out = inode;
	}
	mutex_unlock(&fs_lock);
	return err;
}

/* Gives `inode` the name `new_path`, with Linux's errors in its order: the new name's
 * first (ENOENT, EEXIST), then EPERM for a directory, ENOENT for a file that has lost
 * its last name (linkat's AT_EMPTY_PATH on an unlinked file). */
static int link_locked(struct inode *inode, struct inode *new_base, const char *new_path)
{
	struct walk w = {0};
	struct inode *dir;
	struct name n;
	int err = walk_parent(new_base, new_path, &w, &dir, &n);
	if (err)
		return err;
	if (dir->nlink == 0)
		err = -ENOENT;
	else if (is_dot(n) || is_dotdot(n) || exists(dir, n))
		err = -EEXIST;
	else if (inode->iops || dir->iops)
		err = -EXDEV; /* another file system's */
	else if (S_ISDIR(inode->mode))
		err = -EPERM;
	else if (inode->nlink == 0)
		err = -ENOENT;
	else if (!(err = ramfs_add(dir, n.start, n.len, inode)))
		inode_now(&inode->ctime);
	inode_put_locked(dir);
	return err;
}

int path_link(struct inode *old_base, const char *old, struct inode *new_base, const char *new_path)
{
	struct walk w = {0};
	struct inode *inode;
	mutex_lock(&fs_lock);
	int err = walk(old_base, old, 0, &w, &inode);
	if (!err) {
		err = link_locked(inode, new_base, new_path);
		inode_put_locked(inode);
	}
	mutex_unlock(&fs_lock);
	return err;
}

int path_link_inode(struct inode *inode, struct inode *new_base, const char *new_path)
{
	mutex_lock(&fs_lock);
	int err = link_locked(inode, new_base, new_path);
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
	if (e->inode->iops)
		return -EBUSY; /* /proc: another file system's root */
	if (directory && !ramfs_dir_empty(e->inode))
		return -ENOTEMPTY;
	return 0;
}

int path_unlink(struct inode *base, const char *path, bool directory)
{
	struct walk w = {0};
	struct inode *dir;
	struct name n;
	mutex_lock(&fs_lock);
	int err = walk_parent(base, path, &w, &dir, &n);
	if (!err) {
		if (!directory && path[strlen(path) - 1] == '/')
			err = -ENOTDIR; /* unlink("file/") */
		else if (directory && dir == fs_root() && is_dot(n) && *path == '/')
			err = -EBUSY; /* rmdir("/") */
		else if (dir->iops)
			err = exists(dir, n) ? -EPERM : -ENOENT; /* as Linux's /proc */
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
	if (from->iops || to->iops) /* Linux: EPERM inside /proc, EXDEV across */
		return from->iops && to->iops ? -EPERM : -EXDEV;
	struct dir_entry *src = ramfs_find(from, fn.start, fn.len);
	if (!src)
		return -ENOENT;
	if (to->nlink == 0)
		return -ENOENT;
	if (src->inode->iops)
		return -EBUSY; /* /proc itself */
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
	struct walk w = {0};
	struct inode *from, *to;
	struct name fn, tn;
	mutex_lock(&fs_lock);
	int err = walk_parent(old_base, old, &w, &from, &fn);
	if (!err) {
		err = walk_parent(new_base, new_path, &w, &to, &tn);
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

/* The entry of `dir` that holds `child`, or NULL. */
static const struct dir_entry *entry_of(const struct inode *dir, const struct inode *child)
{
	const struct list_node *node;
	list_for_each(node, &dir->entries)
	{
		const struct dir_entry *e = list_entry(node, struct dir_entry, link);
		if (e->inode == child)
			return e;
	}
	return 0;
}

/* The name directory `d` has in its parent into buf (NAME_MAX + 1 bytes); false if
 * it has none. */
static bool name_in_parent(const struct inode *d, char *buf)
{
	if (!d->parent)
		return false;
	if (d->parent->iops) {
		d->parent->iops->name(d, buf, NAME_MAX + 1);
		return true;
	}
	const struct dir_entry *e = entry_of(d->parent, d);
	if (e)
		strncpy_safe(buf, e->name, NAME_MAX + 1);
	return e != 0;
}

long path_of_locked(struct inode *dir, char *buf, size_t size)
{
	char name[NAME_MAX + 1];
	long err = dir->nlink ? 0 : -ENOENT;
	size_t at = size; /* built from the end of buf backwards */
	if (!err && size)
		buf[--at] = 0;
	for (const struct inode *d = dir; !err && d != fs_root(); d = d->parent) {
		size_t len = name_in_parent(d, name) ? strlen(name) : 0;
		if (!len)
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
	if (err)
		return err;
	memmove(buf, buf + at, size - at);
	return (long)(size - at);
}

long path_of(struct inode *dir, char *buf, size_t size)
{
	mutex_lock(&fs_lock);
	long len = path_of_locked(dir, buf, size);
	mutex_unlock(&fs_lock);
	return len;
}

/* The entry, anywhere in the RAM file system, that holds `target` (the first met,
 * depth first), and the directory it is in; NULL if there is none. Without recursion:
 * a tree may be deep. /proc is not searched. */
static struct dir_entry *find_anywhere(const struct inode *target, struct inode **dir_out)
{
	struct inode *dir = fs_root();
	struct list_node *node = dir->entries.next;
	for (;;) {
		if (node == &dir->entries) { /* done with dir: go on after it in its parent */
			const struct dir_entry *up =
				dir == fs_root() ? 0 : entry_of(dir->parent, dir);
			if (!up)
				return 0;
			node = up->link.next;
			dir = dir->parent;
			continue;
		}
		struct dir_entry *e = list_entry(node, struct dir_entry, link);
		if (e->inode == target) {
			*dir_out = dir;
			return e;
		}
		if (S_ISDIR(e->inode->mode) && !e->inode->iops) {
			dir = e->inode;
			node = dir->entries.next;
		} else {
			node = node->next;
		}
	}
}

long path_name_of_locked(struct inode *inode, char *buf, size_t size)
{
	if (S_ISDIR(inode->mode))
		return path_of_locked(inode, buf, size);
	if (inode->iops && inode->parent && inode->parent->iops) { /* /proc's: as it was found */
		char name[NAME_MAX + 1];
		inode->parent->iops->name(inode, name, sizeof name);
		return join_locked(inode->parent, name, buf, size);
	}
	struct inode *dir;
	const struct dir_entry *e = inode->nlink ? find_anywhere(inode, &dir) : 0;
	return e ? join_locked(dir, e->name, buf, size) : -ENOENT;
}

int path_mount(const char *path, struct inode *root)
{
	struct walk w = {0};
	struct inode *dir;
	struct name n;
	mutex_lock(&fs_lock);
	int err = walk_parent(fs_root(), path, &w, &dir, &n);
	if (err) {
		mutex_unlock(&fs_lock);
		return err;
	}
	struct dir_entry *e = dir->iops ? 0 : ramfs_find(dir, n.start, n.len);
	bool empty_dir =
		e && S_ISDIR(e->inode->mode) && !e->inode->iops && ramfs_dir_empty(e->inode);
	if (dir->iops || (e && !empty_dir))
		err = -EBUSY;
	else {
		if (e)
			ramfs_remove(dir, e);
		err = ramfs_add(dir, n.start, n.len, root);
	}
	if (err)
		inode_put_locked(dir);
	/* else the reference stays: root's parent, counted as another file system's is */
	mutex_unlock(&fs_lock);
	return err;
}

/* The RAM file system's directory operations, for the rest of fs/ (namei.c,
 * initramfs.c, file.c). All with fs_lock held. */
#pragma once

#include "vfs.h"

/* The root directory and fs_lock, made once (fs_init). */
struct inode *ramfs_make_root(void);

/* A new inode with no name yet (nlink 0): mode, owner root, times now. */
struct inode *ramfs_new_inode(uint32_t mode);

/* The entry `name` (len bytes, no NUL needed) in directory `dir`, or NULL. */
struct dir_entry *ramfs_find(struct inode *dir, const char *name, size_t len);

/* Adds `inode` to `dir` as `name`: one more link; a directory gets `dir` as its
 * parent. -ENOMEM if there is no memory for the entry. */
int ramfs_add(struct inode *dir, const char *name, size_t len, struct inode *inode);

/* Takes the entry out of `dir`: one link fewer (the inode goes when unused too). */
void ramfs_remove(struct inode *dir, struct dir_entry *entry);

/* Whether a directory has no entries. */
bool ramfs_dir_empty(const struct inode *dir);

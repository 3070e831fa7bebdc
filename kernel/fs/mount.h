/* The mount table: what /proc/mounts lists and mount(2) and umount2(2) change.
 * Keel has one namespace, the RAM file system's, with /proc's file system hung in it
 * at boot (path_mount). A RAM-backed file system (tmpfs) mounted on a directory is
 * recorded here and changes nothing else: the directory is in RAM already, and keeps
 * what it holds (Linux would hide that under an empty one). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define MOUNT_TYPE_MAX 16 /* a type's name, with its NUL */

struct mount_info {
	const char *source, *target, *type;
	bool from_boot; /* the root, /dev, /proc: there for good */
};

/* Records a mount of `type` from `source` on `target` (an absolute path, as path_of
 * gives it). -ENOMEM. */
int mount_add(const char *source, const char *target, const char *type, bool from_boot);

/* The type mounted last on `target` into type (MOUNT_TYPE_MAX bytes); false if
 * `target` is no mount point. */
bool mount_type_at(const char *target, char *type);

/* Forgets the last mount on `target`: -EINVAL if there is none, -EBUSY for one made
 * at boot. */
int mount_remove(const char *target);

/* Calls fn for each mount, oldest first, under the table's lock (a mutex). */
void mount_for_each(void (*fn)(const struct mount_info *m, void *ctx), void *ctx);

/* The mount table (mount.h): a list, newest last, under a mutex of its own. */
#include "mount.h"

#include <asm-generic/errno-base.h>

#include "../lib/list.h"
#include "../lib/string.h"
#include "../mm/heap.h"
#include "../sched/mutex.h"

struct mount {
	struct list_node link;
	struct mount_info info;
	char type[MOUNT_TYPE_MAX];
	char strings[]; /* source, then target */
};

static struct list_node mounts = LIST_INIT(mounts);
static struct mutex mounts_lock = MUTEX_INIT(mounts_lock, "mounts");

int mount_add(const char *source, const char *target, const char *type, bool from_boot)
{
	size_t source_size = strlen(source) + 1, target_size = strlen(target) + 1;
	struct mount *m = kmalloc(sizeof *m + source_size + target_size);
	if (!m)
		return -ENOMEM;
	strncpy_safe(m->type, type, sizeof m->type);
	memcpy(m->strings, source, source_size);
	memcpy(m->strings + source_size, target, target_size);
	m->info = (struct mount_info){m->strings, m->strings + source_size, m->type, from_boot};
	mutex_lock(&mounts_lock);
	list_push_back(&mounts, &m->link);
	mutex_unlock(&mounts_lock);
	return 0;
}

/* The newest mount on `target`, or NULL; the lock held. */
static struct mount *last_on(const char *target)
{
	struct mount *found = 0;
	struct list_node *node;
	list_for_each(node, &mounts)
	{
		struct mount *m = list_entry(node, struct mount, link);
		if (strcmp(m->info.target, target) == 0)
			found = m;
	}
	return found;
}

bool mount_type_at(const char *target, char *type)
{
	mutex_lock(&mounts_lock);
	struct mount *m = last_on(target);
	if (m)
		strncpy_safe(type, m->type, MOUNT_TYPE_MAX);
	mutex_unlock(&mounts_lock);
	return m != 0;
}

int mount_remove(const char *target)
{
	mutex_lock(&mounts_lock);
	struct mount *m = last_on(target);
	int err = !m ? -EINVAL : m->info.from_boot ? -EBUSY : 0;
	if (!err)
		list_remove(&m->link);
	mutex_unlock(&mounts_lock);
	if (!err)
		kfree(m);
	return err;
}

void mount_for_each(void (*fn)(const struct mount_info *m, void *ctx), void *ctx)
{
	mutex_lock(&mounts_lock);
	struct list_node *node;
	list_for_each(node, &mounts)
	{
		fn(&list_entry(node, struct mount, link)->info, ctx);
	}
	mutex_unlock(&mounts_lock);
}

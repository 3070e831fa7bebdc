/* The memory devices (/dev/null, /dev/zero, /dev/random, /dev/urandom) and the
 * table from device numbers to operations; the console tty is fs/tty.c's. */
#include "devices.h"

#include <asm-generic/errno-base.h>
#include <linux/stat.h>

#include "../arch/usercopy.h"
#include "../dev/random.h"
#include "../lib/string.h"
#include "tty.h"

#define CHUNK 256

static long null_read(struct file *f, uintptr_t buf, size_t n)
{
	(void)f, (void)buf, (void)n;
	return 0;
}

static long sink_write(struct file *f, uintptr_t buf, size_t n)
{
	(void)f, (void)buf;
	return (long)n; /* Linux checks no bytes here either */
}

static long sink_write_kernel(struct file *f, const void *buf, size_t n)
{
	(void)f, (void)buf;
	return (long)n;
}

/* Fills the user's buffer from `fill`, a chunk at a time. */
static long fill_user(uintptr_t buf, size_t n, void (*fill)(void *, size_t))
{
	uint8_t chunk[CHUNK];
	size_t done = 0;
	while (done < n) {
		size_t k = n - done < CHUNK ? n - done : CHUNK;
		fill(chunk, k);
		if (!copy_to_user(buf + done, chunk, k))
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)done;
}

static void zero_fill(void *buf, size_t n)
{
	memset(buf, 0, n);
}

static long zero_read(struct file *f, uintptr_t buf, size_t n)
{
	(void)f;
	return fill_user(buf, n, zero_fill);
}

static long random_read(struct file *f, uintptr_t buf, size_t n)
{
	(void)f;
	return fill_user(buf, n, random_bytes);
}

static const struct file_ops null_ops = {.read = null_read,
					 .write = sink_write,
					 .write_kernel = sink_write_kernel,
					 .seekable = true};
static const struct file_ops zero_ops = {.read = zero_read,
					 .write = sink_write,
					 .write_kernel = sink_write_kernel,
					 .seekable = true};
static const struct file_ops random_ops = {.read = random_read,
					   .write = sink_write,
					   .write_kernel = sink_write_kernel,
					   .seekable = true};

const struct file_ops *device_ops(uint32_t rdev)
{
	switch (rdev) {
	case DEV_NULL: return &null_ops;
	case DEV_ZERO: return &zero_ops;
	case DEV_RANDOM:
	case DEV_URANDOM: return &random_ops;
	case DEV_TTY:
	case DEV_CONSOLE: return &tty_ops;
	default: return 0;
	}
}

int devices_populate(void)
{
	static const struct {
		const char *path;
		uint32_t rdev;
		uint32_t mode;
	} nodes[] = {
		{"/dev/null", DEV_NULL, 0666},	   {"/dev/zero", DEV_ZERO, 0666},
		{"/dev/random", DEV_RANDOM, 0666}, {"/dev/urandom", DEV_URANDOM, 0666},
		{"/dev/tty", DEV_TTY, 0666},	   {"/dev/console", DEV_CONSOLE, 0600},
	};
	int err = path_create(fs_root(), "/dev", S_IFDIR | 0755, 0, 0, 0);
	if (err && err != -EEXIST)
		return err;
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		err = path_create(fs_root(), nodes[i].path, S_IFCHR | nodes[i].mode, nodes[i].rdev,
				  0, 0);
		if (err && err != -EEXIST)
			return err;
	}
	return 0;
}

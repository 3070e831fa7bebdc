/* The cpio "newc" format, the initramfs's (Linux's Documentation/driver-api/
 * early-userspace/buffer-format.rst; made by `cpio -o -H newc`): each member is a
 * 110-byte header of "070701" and 13 eight-digit hex fields, the name with its NUL,
 * padding to 4 bytes, the data, padding to 4 bytes. "TRAILER!!!" ends the archive.
 * Pure parsing, no allocation: it runs on the host under the unit tests too. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpio_member {
	const char *name; /* NUL-terminated, inside the archive */
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t dev_major, dev_minor, rdev_major, rdev_minor;
	const uint8_t *data;
	uint32_t size;
};

struct cpio_reader {
	const uint8_t *archive;
	size_t size, at;
	const char *error; /* set when cpio_next fails: what was wrong */
	size_t error_at;   /* and at which byte */
};

void cpio_begin(struct cpio_reader *r, const void *archive, size_t size);

/* The next member; false at the trailer, or on an error (r->error says which). */
bool cpio_next(struct cpio_reader *r, struct cpio_member *m);

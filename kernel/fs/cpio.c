#include "cpio.h"

#include "../lib/string.h"

#define HEADER	   110
#define MAGIC	   "070701"
#define FIELDS	   13
#define TRAILER	   "TRAILER!!!"
#define PATH_LIMIT 4096

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static bool hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];
		unsigned d = c >= '0' && c <= '9'   ? c - '0'
			     : c >= 'a' && c <= 'f' ? c - 'a' + 10
			     : c >= 'A' && c <= 'F' ? c - 'A' + 10
						    : 16;
		if (d == 16)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

void cpio_begin(struct cpio_reader *r, const void *archive, size_t size)
{
	*r = (struct cpio_reader){.archive = archive, .size = size};
}

static bool fail(struct cpio_reader *r, const char *why)
{
	r->error = why;
	r->error_at = r->at;
	return false;
}

bool cpio_next(struct cpio_reader *r, struct cpio_member *m)
{
	if (r->size - r->at < HEADER)
		return fail(r, "the archive ends inside a header (no TRAILER!!!)");
	const uint8_t *h = r->archive + r->at;
	if (memcmp(h, MAGIC, 6) != 0)
		return fail(r, "no newc magic 070701 (not a newc archive, or misaligned)");
	uint32_t f[FIELDS];
	for (int i = 0; i < FIELDS; i++)
		if (!hex8(h + 6 + 8 * i, &f[i]))
			return fail(r, "a header field is not 8 hex digits");
	/* ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor
	 * namesize check */
	uint32_t namesize = f[11], filesize = f[6];
	if (namesize == 0 || namesize > PATH_LIMIT || r->size - r->at - HEADER < namesize)
		return fail(r, "a name runs past the archive, or is empty or too long");
	const char *name = (const char *)h + HEADER;
	if (name[namesize - 1] != 0)
		return fail(r, "a name does not end in a NUL");
	size_t data_at = align4(r->at + HEADER + namesize);
	if (data_at > r->size || r->size - data_at < filesize)
		return fail(r, "a member's data runs past the archive");
	if (strcmp(name, TRAILER) == 0)
		return false;
	*m = (struct cpio_member){
		.name = name,
		.ino = f[0],
		.mode = f[1],
		.uid = f[2],
		.gid = f[3],
		.nlink = f[4],
		.mtime = f[5],
		.dev_major = f[7],
		.dev_minor = f[8],
		.rdev_major = f[9],
		.rdev_minor = f[10],
		.data = r->archive + data_at,
		.size = filesize,
	};
	r->at = align4(data_at + filesize);
	if (r->at > r->size)
		r->at = r->size;
	return true;
}

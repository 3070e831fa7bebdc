/* Host unit tests for kernel/lib/string.c, compared with the C library on fixed
 * cases and on random inputs from a fixed seed. tests/test_unit.py builds this with
 * ASan and UBSan; it compiles string.c on its own, freestanding, with every function
 * renamed (-Dmemset=k_memset ...) so nothing clashes with the C library or ASan's
 * interceptors. Buffers are allocated to their exact size, so ASan reports any read
 * or write past them. Prints one "group ... ok" or "group ... FAILED: ..." line per
 * group; exits 0 only if all passed. Arguments: --list, or group names. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's declarations, under the names the object file defines. */
#define memset	k_memset
#define memcpy	k_memcpy
#define memmove k_memmove
#define memcmp	k_memcmp
#define strlen	k_strlen
#define strnlen k_strnlen
#define strcmp	k_strcmp
#include "../../kernel/lib/string.h"
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp

/* ---- the little framework ---------------------------------------------------- */

#include "unit.h"

static uint64_t rng_state = 0x4b45454c2d756e69ULL; /* fixed seed: same cases every run */

static unsigned char *random_bytes(size_t n)
{
	unsigned char *p = malloc(n ? n : 1);
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
	return p;
}

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* Index of the first differing byte, or -1. */
static long first_difference(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return (long)i;
	return -1;
}

/* ---- memset, memcpy, memmove -------------------------------------------------- */

static void memset_random(void)
{
	static const int bytes[] = {0,	   1,  0x7f, 0x80, 0xff,     0x100,
				    0x1ab, -1, -128, -256, INT32_MIN};
	for (int t = 0; t < 3000; t++) {
		size_t size = 1 + below(300), at = below(size + 1), n = below(size - at + 1);
		int byte = t % 2 ? bytes[below(sizeof bytes / sizeof bytes[0])] : (int)rnd();
		unsigned char *ours = random_bytes(size), *ref = malloc(size);
		memcpy(ref, ours, size);
		void *ret = k_memset(ours + at, byte, n);
		memset(ref + at, byte, n);
		long d = first_difference(ours, ref, size);
		CHECK(d < 0 && ret == ours + at,
		      "memset(buf+%zu, %d, %zu) in %zu bytes: differs at %ld, returned buf%+td", at,
		      byte, n, size, d, (unsigned char *)ret - ours);
		free(ours);
		free(ref);
	}
}

static void memset_zero_length(void)
{
	unsigned char *buf = random_bytes(16), copy[16];
	memcpy(copy, buf, 16);
	for (size_t at = 0; at <= 16; at++) { /* including one past the end */
		void *ret = k_memset(buf + at, 0x5a, 0);
		CHECK(ret == buf + at && !memcmp(buf, copy, 16),
		      "memset(buf+%zu, 0x5a, 0) wrote something or returned buf%+td", at,
		      (unsigned char *)ret - buf);
	}
	free(buf);
}

static void memcpy_random(void)
{
	for (int t = 0; t < 3000; t++) {
		size_t n = t < 600 ? (size_t)t % 70 : below(400);
		size_t src_off = below(9), dst_off = below(9), dst_size = dst_off + n + below(9);
		unsigned char *src = random_bytes(src_off + n); /* exact: overreads are caught */
		unsigned char *ours = random_bytes(dst_size), *ref = malloc(dst_size);
		memcpy(ref, ours, dst_size);
		void *ret = k_memcpy(ours + dst_off, src + src_off, n);
		memcpy(ref + dst_off, src + src_off, n);
		long d = first_difference(ours, ref, dst_size);
		CHECK(d < 0 && ret == ours + dst_off,
		      "memcpy(dst+%zu, src+%zu, %zu): differs at %ld, returned dst%+td", dst_off,
		      src_off, n, d, (unsigned char *)ret - ours);
		free(src);
		free(ours);
		free(ref);
	}
}

/* memmove within one buffer: every shift from -24 to 24 (negative: the destination
 * is below the source, a forward copy; positive: above it, a backward copy) for
 * every length up to 80 and a few starting points. */
static void memmove_shifts(int lo, int hi)
{
	enum { SIZE = 160 };
	unsigned char *ours = malloc(SIZE), *ref = malloc(SIZE);
	for (int shift = lo; shift <= hi; shift++) {
		for (size_t n = 0; n <= 80; n++) {
			for (size_t src = 24; src <= 40; src += 8) {
				size_t dst = (size_t)((long)src + shift);
				for (size_t i = 0; i < SIZE; i++)
					ours[i] = ref[i] = (unsigned char)rnd();
				void *ret = k_memmove(ours + dst, ours + src, n);
				memmove(ref + dst, ref + src, n);
				long d = first_difference(ours, ref, SIZE);
				CHECK(d < 0 && ret == ours + dst,
				      "memmove(buf+%zu, buf+%zu, %zu): differs at %ld, returned "
				      "buf%+td",
				      dst, src, n, d, (unsigned char *)ret - ours);
			}
		}
	}
	free(ours);
	free(ref);
}

static void memmove_overlap_dst_below_src(void)
{
	memmove_shifts(-24, -1);
}
static void memmove_overlap_dst_above_src(void)
{
	memmove_shifts(1, 24);
}
static void memmove_same_place(void)
{
	memmove_shifts(0, 0);
}

static void memmove_random(void)
{
	for (int t = 0; t < 3000; t++) {
		size_t size = 1 + below(500), n = below(size + 1);
		size_t src = below(size - n + 1), dst = below(size - n + 1);
		unsigned char *ours = random_bytes(size), *ref = malloc(size);
		memcpy(ref, ours, size);
		void *ret = k_memmove(ours + dst, ours + src, n);
		memmove(ref + dst, ref + src, n);
		long d = first_difference(ours, ref, size);
		CHECK(d < 0 && ret == ours + dst,
		      "memmove(buf+%zu, buf+%zu, %zu) in %zu bytes: differs at %ld, returned "
		      "buf%+td",
		      dst, src, n, size, d, (unsigned char *)ret - ours);
		/* Between separate buffers too. */
		unsigned char *other = random_bytes(n);
		ret = k_memmove(other, ours + src, n);
		CHECK(ret == other && !memcmp(other, ours + src, n),
		      "memmove(other, buf+%zu, %zu) between buffers: wrong copy", src, n);
		free(other);
		free(ours);
		free(ref);
	}
}

/* ---- memcmp, strlen, strnlen, strcmp ----------------------------------------- */

static void memcmp_all_byte_pairs(void)
{
	/* Bytes compare as unsigned char: 0x80 is greater than 0x01. */
	unsigned char *a = malloc(1), *b = malloc(1);
	for (int x = 0; x < 256; x++) {
		for (int y = 0; y < 256; y++) {
			*a = (unsigned char)x;
			*b = (unsigned char)y;
			int ours = k_memcmp(a, b, 1), want = sign(x - y);
			CHECK(sign(ours) == want,
			      "memcmp({0x%02x}, {0x%02x}, 1) = %d, sign should be %d", x, y, ours,
			      want);
		}
	}
	free(a);
	free(b);
}

static void memcmp_random(void)
{
	for (int t = 0; t < 5000; t++) {
		size_t n = below(300);
		unsigned char *a = random_bytes(n), *b = malloc(n ? n : 1);
		memcpy(b, a, n);
		int kind = t % 4; /* 0: equal; 1: one byte differs; 2: differs past n; 3: random */
		size_t at = below(n);
		if (kind == 1 && n)
			b[at] = (unsigned char)(b[at] ^ (1 + below(255)));
		if (kind == 3)
			for (size_t i = 0; i < n; i++)
				b[i] = (unsigned char)rnd();
		size_t len = kind == 2 && n ? at : n; /* compare only up to `at` */
		if (kind == 2 && n)
			b[at] ^= 0x80;
		int ours = k_memcmp(a, b, len), want = memcmp(a, b, len);
		CHECK(sign(ours) == sign(want),
		      "memcmp of %zu bytes (case %d, difference at %zu): got %d, C library %d", len,
		      kind, at, ours, want);
		free(a);
		free(b);
	}
	unsigned char x = 1, y = 2;
	CHECK(k_memcmp(&x, &y, 0) == 0, "memcmp(a, b, 0) of different bytes is not 0");
}

static void strlen_random(void)
{
	for (int t = 0; t < 3000; t++) {
		size_t len = t < 300 ? (size_t)t : below(1000), off = below(8);
		char *s = malloc(off + len + 1); /* exact: reading past the NUL is caught */
		for (size_t i = 0; i < len; i++)
			s[off + i] = (char)(1 + below(255));
		s[off + len] = '\0';
		size_t ours = k_strlen(s + off);
		CHECK(ours == len && ours == strlen(s + off),
		      "strlen of a %zu-byte string at +%zu: got %zu", len, off, ours);
		free(s);
	}
}

static void strnlen_limits(void)
{
	for (size_t len = 0; len <= 40; len++) {
		char *s = malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			s[i] = (char)(1 + below(255));
		s[len] = '\0';
		const size_t maxes[] = {0,	   len ? len - 1 : 0, len,	    len + 1,
					len + 100, SIZE_MAX,	      SIZE_MAX - 1, below(len + 1)};
		for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
			size_t ours = k_strnlen(s, maxes[m]), want = strnlen(s, maxes[m]);
			CHECK(ours == want,
			      "strnlen of a %zu-byte string, max %zu: got %zu, expected %zu", len,
			      maxes[m], ours, want);
		}
		free(s);
		/* No NUL within max bytes: must stop at max without reading further. */
		char *u = malloc(len ? len : 1);
		for (size_t i = 0; i < len; i++)
			u[i] = (char)(1 + below(255));
		size_t ours = k_strnlen(u, len);
		CHECK(ours == len, "strnlen of %zu bytes without a NUL, max %zu: got %zu", len, len,
		      ours);
		free(u);
	}
}

static char *make_string(const char *prefix, size_t plen, size_t extra)
{
	char *s = malloc(plen + extra + 1); /* exact size */
	memcpy(s, prefix, plen);
	for (size_t i = 0; i < extra; i++)
		s[plen + i] = (char)(1 + below(255));
	s[plen + extra] = '\0';
	return s;
}

static void strcmp_all_char_pairs(void)
{
	/* Characters compare as unsigned char: "\x80" is greater than "a". */
	for (int x = 0; x < 256; x++) {
		for (int y = 0; y < 256; y++) {
			char a[2] = {(char)x, 0}, b[2] = {(char)y, 0};
			int ours = k_strcmp(a, b), want = strcmp(a, b);
			CHECK(sign(ours) == sign(want),
			      "strcmp(\"\\x%02x\", \"\\x%02x\") = %d, C library %d", x, y, ours,
			      want);
		}
	}
}

static void strcmp_random(void)
{
	for (int t = 0; t < 5000; t++) {
		size_t plen = below(60);
		char *prefix = (char *)make_string("", 0, plen);
		/* Common prefix, then random tails (often empty: prefixes of each other). */
		char *a = make_string(prefix, plen, t % 3 ? below(4) : 0);
		char *b = make_string(prefix, plen, t % 5 ? below(4) : 0);
		int ours = k_strcmp(a, b), want = strcmp(a, b);
		CHECK(sign(ours) == sign(want),
		      "strcmp of a %zu- and a %zu-byte string sharing a %zu-byte prefix: got %d, C "
		      "library %d",
		      strlen(a), strlen(b), plen, ours, want);
		CHECK(k_strcmp(a, a) == 0, "strcmp(s, s) of %zu bytes is not 0", strlen(a));
		free(prefix);
		free(a);
		free(b);
	}
	CHECK(k_strcmp("", "") == 0, "strcmp(\"\", \"\") is not 0");
	CHECK(k_strcmp("ab", "abc") < 0, "strcmp(\"ab\", \"abc\") is not negative");
	CHECK(k_strcmp("abc", "ab") > 0, "strcmp(\"abc\", \"ab\") is not positive");
	CHECK(k_strcmp("a\x80", "a\x01") > 0, "strcmp(\"a\\x80\", \"a\\x01\") is not positive");
}

/* ---- the groups, in order ----------------------------------------------------- */

static const struct unit_group GROUPS[] = {
	GROUP(memset_random),
	GROUP(memset_zero_length),
	GROUP(memcpy_random),
	GROUP(memmove_overlap_dst_below_src),
	GROUP(memmove_overlap_dst_above_src),
	GROUP(memmove_same_place),
	GROUP(memmove_random),
	GROUP(memcmp_all_byte_pairs),
	GROUP(memcmp_random),
	GROUP(strlen_random),
	GROUP(strnlen_limits),
	GROUP(strcmp_all_char_pairs),
	GROUP(strcmp_random),
};

int main(int argc, char **argv)
{
	return unit_main(GROUPS, sizeof GROUPS / sizeof GROUPS[0], NULL, argc, argv);
}

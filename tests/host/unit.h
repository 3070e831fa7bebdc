/* The small framework of the host unit tests: a test file defines groups of cases,
 * each a function that runs CHECKs, lists them in GROUPS, and hands them to
 * unit_main. Output, one line per group: `name ... ok (N cases, T s)` or
 * `name ... FAILED: K of N cases: what`, which tests/test_unit.py counts; `--list`
 * prints the group names; naming groups on the command line runs only those. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int cases, failures;
static char message[2048];
static char note[200]; /* extra text a group may leave for its "ok" line */

/* Records a failed case; the first three messages are kept. */
__attribute__((format(printf, 1, 2), unused)) static void fail(const char *fmt, ...)
{
	if (failures++ >= 3)
		return;
	size_t used = strlen(message);
	if (used)
		used += (size_t)snprintf(message + used, sizeof message - used, "; ");
	va_list ap;
	va_start(ap, fmt);
	if (used < sizeof message)
		vsnprintf(message + used, sizeof message - used, fmt, ap);
	va_end(ap);
}

#define CHECK(cond, ...)                   \
	do {                               \
		cases++;                   \
		if (!(cond))               \
			fail(__VA_ARGS__); \
	} while (0)

/* A quoted, escaped copy of n bytes for messages (a few rotating buffers). */
__attribute__((unused)) static const char *quote(const char *s, size_t n)
{
	static char bufs[6][200];
	static int next;
	char *out = bufs[next++ % 6], *o = out;
	*o++ = '"';
	for (size_t i = 0; i < n && o < out + sizeof bufs[0] - 8; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			o += sprintf(o, "\\%c", c);
		else if (c >= 32 && c < 127)
			*o++ = (char)c;
		else
			o += sprintf(o, "\\x%02x", c);
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/* A fixed-seed generator, so every run tries the same cases. A test file may give
 * the seed: `static uint64_t rng_state = ...;` after including this header. */
static uint64_t rng_state;

__attribute__((unused)) static uint64_t rnd(void) /* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

__attribute__((unused)) static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

struct unit_group {
	const char *name;
	void (*fn)(void);
};

#define GROUP(fn)       \
	{               \
#fn, fn \
	}

/* Optional: run around each group, and once at the end (e.g. to free an arena,
 * so that LeakSanitizer only reports real leaks). */
struct unit_hooks {
	void (*before_group)(void);
	void (*after_group)(void);
	void (*at_end)(void);
};

static double unit_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool unit_wanted(const char *name, int argc, char **argv)
{
	bool wanted = argc < 2;
	for (int a = 1; a < argc; a++)
		wanted |= !strcmp(argv[a], name);
	return wanted;
}

__attribute__((unused)) static int unit_main(const struct unit_group *groups, size_t count,
					     const struct unit_hooks *hooks, int argc, char **argv)
{
	static const struct unit_hooks none;
	if (!hooks)
		hooks = &none;
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (size_t g = 0; g < count; g++)
			printf("%s\n", groups[g].name);
		return 0;
	}
	int failed = 0, total = 0, ran = 0;
	for (size_t g = 0; g < count; g++) {
		if (!unit_wanted(groups[g].name, argc, argv))
			continue;
		ran++;
		cases = failures = 0;
		message[0] = note[0] = '\0';
		if (hooks->before_group)
			hooks->before_group();
		double start = unit_seconds();
		groups[g].fn();
		if (hooks->after_group)
			hooks->after_group();
		total += cases;
		if (failures) {
			failed++;
			printf("%s ... FAILED: %d of %d cases: %s%s\n", groups[g].name, failures,
			       cases, message, failures > 3 ? "; ..." : "");
		} else {
			printf("%s ... ok (%d cases, %.2f s%s)\n", groups[g].name, cases,
			       unit_seconds() - start, note);
		}
		fflush(stdout);
	}
	if (hooks->at_end)
		hooks->at_end();
	printf("%d cases in %d groups, %d groups failed\n", total, ran, failed);
	fflush(stdout); /* before LeakSanitizer's report at exit */
	return failed || ran == 0 ? 1 : 0;
}

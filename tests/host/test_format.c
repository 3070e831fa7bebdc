/* Host unit tests for kernel/lib/format.c: ksnprintf is compared with the C library's
 * snprintf wherever C defines the result and the engine claims to support it (see
 * format.h); where the engine deliberately differs, its own behaviour is checked.
 * tests/test_unit.py builds this with ASan and UBSan (format.c compiled on its own,
 * freestanding) and runs it. Prints one "group ... ok" or "group ... FAILED: ..."
 * line per group; exits 0 only if all passed. Arguments: --list, or group names. */
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../kernel/lib/format.h"

/* ---- the little framework: groups, cases, failure messages ------------------ */

#include "unit.h"

static char kb[512], cb[512]; /* ksnprintf's and snprintf's output */

/* Compares one case whose outputs are in kb (ours) and cb (the C library's). */
static void compare(const char *fmt, const char *args, int kn, int cn)
{
	cases++;
	int shown = cn < 0 ? 0 : cn >= (int)sizeof cb ? (int)sizeof cb - 1 : cn;
	if (kn != cn || memcmp(kb, cb, (size_t)shown + 1) != 0)
		fail("fmt %s args (%s): expected %s (%d), got %s (%d)",
		     quote(fmt, (int)strlen(fmt)), args, quote(cb, shown), cn,
		     quote(kb, kn < 0		      ? 0
			       : kn >= (int)sizeof kb ? (int)sizeof kb - 1
						      : kn),
		     kn);
}

/* CMP(fmt, args...): one case compared with the C library; gcc checks the format. */
#define CMP(fmt, ...)                                                            \
	compare(fmt, #__VA_ARGS__, ksnprintf(kb, sizeof kb, fmt, ##__VA_ARGS__), \
		snprintf(cb, sizeof cb, fmt, ##__VA_ARGS__))

/* CMP_RAW: the same for flag mixes that gcc's format check warns about (they are
 * well defined: '-' overrides '0', and flags may repeat). */
static const char *dyn(const char *fmt)
{
	return fmt;
}
#define CMP_RAW(fmt, ...)                                                             \
	compare(fmt, #__VA_ARGS__, ksnprintf(kb, sizeof kb, dyn(fmt), ##__VA_ARGS__), \
		snprintf(cb, sizeof cb, dyn(fmt), ##__VA_ARGS__))

/* Our engine through a wrapper without the printf attribute, so formats that C
 * does not define (or the engine deliberately treats differently) compile. */
static int kfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void expect(const char *want, const char *fmt, const char *args, int kn)
{
	cases++;
	int wn = (int)strlen(want);
	if (kn != wn || strcmp(kb, want) != 0)
		fail("fmt %s args (%s): expected %s (%d), got %s (%d)",
		     quote(fmt, (int)strlen(fmt)), args, quote(want, wn), wn,
		     quote(kb, kn < 0 ? 0 : kn), kn);
}

/* EXPECT(want, fmt, args...): our documented behaviour, not compared with C. */
#define EXPECT(want, fmt, ...) \
	expect(want, fmt, #__VA_ARGS__, kfmt(kb, sizeof kb, fmt, ##__VA_ARGS__))

/* ---- tables of cases compared with the C library ---------------------------- */

static void d_i_table(void)
{
	CMP("%d", 0);
	CMP("%d", 1);
	CMP("%d", -1);
	CMP("%d", 42);
	CMP("%d", -42);
	CMP("%d", INT_MAX);
	CMP("%d", INT_MIN);
	CMP("%d", INT_MIN + 1);
	CMP("%i", 0);
	CMP("%i", -7);
	CMP("%i", INT_MIN);
	CMP("%i", INT_MAX);
	CMP("%05d", -42);
	CMP("%05d", 42);
	CMP("%-5d|", -42);
	CMP("%5d", -42);
	CMP("%02d", -42);
	CMP("%03d", -42);
	CMP("%04d", -42);
	CMP("%1d", -42);
	CMP("%012d", INT_MIN);
	CMP("%-12d|", INT_MIN);
	CMP("%11d", INT_MIN);
	CMP_RAW("%-05d|", -42);
	CMP_RAW("%0-5d|", -42);
	CMP_RAW("%00005d", 7);
	CMP_RAW("%--5d|", 7);
	CMP("%20d", 123456789);
	CMP("%020d", -123456789);
	CMP("a%db%dc", 1, -2);
	CMP("%d%d%d", 1, 22, 333);
}

static void u_x_table(void)
{
	CMP("%u", 0u);
	CMP("%u", 1u);
	CMP("%u", UINT_MAX);
	CMP("%u", -1);
	CMP("%x", 0u);
	CMP("%x", 0xdeadbeefu);
	CMP("%X", 0xdeadbeefu);
	CMP("%x", UINT_MAX);
	CMP("%x", -1);
	CMP("%X", 0xabcdefu);
	CMP("%08x", 0xbeefu);
	CMP("%-8x|", 0xbeefu);
	CMP("%#x", 0u);
	CMP("%#X", 0u);
	CMP("%#5x", 0u);
	CMP("%#05x", 0u);
	CMP("%#-5x|", 0u);
	CMP("%#x", 255u);
	CMP("%#X", 255u);
	CMP("%#05x", 255u);
	CMP("%#5X", 255u);
	CMP("%#-8x|", 255u);
	CMP("%#08X", 255u);
	CMP("%#3x", 0xfffu);
	CMP("%#x", 1u);
	CMP("%#10x", UINT_MAX);
	CMP("%#010X", 0x1234u);
	CMP("%0#10x", 0x1234u);
}

static void length_modifier_table(void)
{
	CMP("%ld", 0L);
	CMP("%ld", LONG_MAX);
	CMP("%ld", LONG_MIN);
	CMP("%li", -5L);
	CMP("%lu", ULONG_MAX);
	CMP("%lx", ULONG_MAX);
	CMP("%lX", 0x123456789abcdefUL);
	CMP("%lld", 0LL);
	CMP("%lld", LLONG_MAX);
	CMP("%lld", LLONG_MIN);
	CMP("%lli", -1LL);
	CMP("%llu", ULLONG_MAX);
	CMP("%llx", ULLONG_MAX);
	CMP("%#llx", 0x8000000000000000ULL);
	CMP("%" PRId64, INT64_MIN);
	CMP("%" PRId64, INT64_MAX);
	CMP("%" PRIu64, UINT64_MAX);
	CMP("%" PRIx64, UINT64_MAX);
	CMP("%" PRIX64, (uint64_t)0xfeedface12345678ULL);
	CMP("%zu", (size_t)0);
	CMP("%zu", SIZE_MAX);
	CMP("%zx", SIZE_MAX);
	CMP("%zX", (size_t)0xabc);
	CMP("%zd", (ssize_t)-1);
	CMP("%zd", (ssize_t)SSIZE_MAX);
	CMP("%zi", (ssize_t)-42);
	CMP("%025lld", LLONG_MIN);
	CMP("%-25lld|", LLONG_MIN);
	CMP("%#025llx", ULLONG_MAX);
	CMP("%d %ld %lld %zu", -1, -2L, -3LL, (size_t)4);
	CMP("%x %lx %llx %zx", 0xffu, 0xfffUL, 0xffffULL, (size_t)0xfffff);
}

static void c_table(void)
{
	CMP("%c", 'a');
	CMP("%c", ' ');
	CMP("%c", '%');
	CMP("%c", 0);
	CMP("%c", 255);
	CMP("%c", -1);
	CMP("%c", 'a' + 256);
	CMP("%5c", 'x');
	CMP("%-5c|", 'x');
	CMP("%1c", 'x');
	CMP("%c%c%c", 'a', 'b', 'c');
	CMP("[%3c]", 0);
	CMP("%*c", 4, 'y');
	CMP("%*c|", -4, 'y');
	CMP("%-*c|", 4, 'y');
}

static void s_table(void)
{
	CMP("%s", "");
	CMP("%s", "hello");
	CMP("%10s", "hello");
	CMP("%-10s|", "hello");
	CMP("%3s", "hello");
	CMP("%.3s", "hello");
	CMP("%.0s", "hello");
	CMP("%.s", "hello");
	CMP("%.10s", "hello");
	CMP("%.5s", "hello");
	CMP("%8.3s", "hello");
	CMP("%-8.3s|", "hello");
	CMP("%2.4s", "hello");
	CMP("%*s", 7, "hi");
	CMP("%*s|", -7, "hi");
	CMP("%-*s|", 7, "hi");
	CMP("%.*s", 2, "hello");
	CMP("%.*s", -1, "hello");
	CMP("%.*s", 0, "hello");
	CMP("%*.*s|", -8, 3, "hello");
	CMP("%*.*s|", 8, -3, "hello");
	CMP("%s%s", "a", "bc");
	CMP("%s", "with\ttab and \x7f and \xff");
	CMP("%s", "%d %s %%");
}

static const char *volatile null_string; /* NULL, hidden from gcc's format check */

static void s_null(void)
{
	/* glibc prints "(null)" too for a plain %s (and with a width), so compare those;
	 * also check ours literally, so a change is noticed on any C library. */
	CMP("%s", null_string);
	CMP("%10s", null_string);
	CMP("%-10s|", null_string);
	EXPECT("(null)", "%s", (char *)NULL);
	EXPECT("  (null)", "%8s", (char *)NULL);
	EXPECT("(null)  |", "%-8s|", (char *)NULL);
	EXPECT("(null)", "%.6s", (char *)NULL);
	EXPECT("x(null)y", "x%sy", (char *)NULL);
}

static void p_table(void)
{
	int local;
	void *ptrs[] = {(void *)1,	  (void *)0xdeadbeef,	     &local,
			(void *)&p_table, (void *)0x7fffffffffffULL, (void *)UINTPTR_MAX};
	char fmt[32];
	for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++) {
		CMP("%p", ptrs[i]);
		CMP("[%p]", ptrs[i]);
		for (int w = 1; w <= 20; w++) {
			snprintf(fmt, sizeof fmt, "[%%%dp]", w);
			compare(fmt, "ptr", ksnprintf(kb, sizeof kb, fmt, ptrs[i]),
				snprintf(cb, sizeof cb, fmt, ptrs[i]));
			snprintf(fmt, sizeof fmt, "[%%-%dp]", w);
			compare(fmt, "ptr", ksnprintf(kb, sizeof kb, fmt, ptrs[i]),
				snprintf(cb, sizeof cb, fmt, ptrs[i]));
		}
	}
}

static void p_ours(void)
{
	/* glibc prints "(nil)" for NULL and C leaves '0' with %p undefined. */
	EXPECT("0x0", "%p", NULL);
	EXPECT("  0x0", "%5p", NULL);
	EXPECT("0x0  |", "%-5p|", NULL);
	EXPECT("0x1234", "%p", (void *)0x1234);
	EXPECT("0x00001234", "%010p", (void *)0x1234);
	EXPECT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
}

static void percent_table(void)
{
	CMP("%%");
	CMP("100%%");
	CMP("%%%%");
	CMP("%%d");
	CMP("a%%b%dc", 5);
	CMP("%d%%", 50);
	CMP("no conversions at all");
	EXPECT("", "");
}

static void mixed_table(void)
{
	CMP("%s: %d/%u at %#x (%c) %5s|%-5s|", "disk", -3, 7u, 0x7c00u, 'k', "ab", "cd");
	CMP("[%08lx-%08lx] %zu KiB", 0x9fc00UL, 0x100000UL, (size_t)640);
	CMP("%*d|%-*d|%0*d", 6, -1, 6, -1, 6, -1);
	CMP("%.*s|%*s|%s", 3, "abcdef", 4, "x", "end");
}

/* ---- generated combinations: flags x widths x length modifiers x values ----- */

enum { LEN_NONE, LEN_L, LEN_LL, LEN_Z };
static const char *const LENGTHS[] = {"", "l", "ll", "z"};

/* Compares one integer conversion with the argument passed as the right type. */
static void compare_int(const char *fmt, int len, bool sign, uint64_t v)
{
	char args[48];
	int kn, cn;
	if (sign)
		snprintf(args, sizeof args, "%" PRId64, (int64_t)v);
	else
		snprintf(args, sizeof args, "%" PRIu64 "u", v);
#define BOTH(type) \
	(kn = ksnprintf(kb, sizeof kb, fmt, (type)v), cn = snprintf(cb, sizeof cb, fmt, (type)v))
	switch (len) {
	case LEN_NONE:
		if (sign)
			BOTH(int);
		else
			BOTH(unsigned);
		break;
	case LEN_L:
		if (sign)
			BOTH(long);
		else
			BOTH(unsigned long);
		break;
	case LEN_LL:
		if (sign)
			BOTH(long long);
		else
			BOTH(unsigned long long);
		break;
	default:
		if (sign)
			BOTH(ssize_t);
		else
			BOTH(size_t);
		break;
	}
#undef BOTH
	compare(fmt, args, kn, cn);
}

/* The values worth trying for a type of `bits` bits. */
static int values(bool sign, int bits, uint64_t *out)
{
	int n = 0;
	uint64_t max = bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
	if (sign) {
		int64_t smax = (int64_t)(max >> 1), smin = -smax - 1;
		const int64_t vs[] = {0,   1,	  -1,	  7,	-7,   42,
				      -42, 99999, -99999, smax, smin, smin + 1};
		for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++)
			out[n++] = (uint64_t)vs[i];
	} else {
		const uint64_t vs[] = {0,   1,	     9,	       10,
				       15,  16,	     255,      0xdeadbeef & max,
				       max, max - 1, max >> 1, (max >> 1) + 1};
		for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++)
			out[n++] = vs[i];
	}
	return n;
}

static void int_combos(char conv)
{
	static const char *const plain[] = {"", "-", "0", "-0", "0-", "00", "--"};
	static const char *const hex[] = {"",	"-",  "0",  "-0", "0-",	 "#",
					  "#-", "-#", "#0", "0#", "#-0", "0-#"};
	bool is_hex = conv == 'x' || conv == 'X', sign = conv == 'd' || conv == 'i';
	const char *const *flags = is_hex ? hex : plain;
	int nflags = is_hex ? 12 : 7;
	for (int len = LEN_NONE; len <= LEN_Z; len++) {
		uint64_t vals[16];
		int nvals = values(sign, len == LEN_NONE ? 32 : 64, vals);
		for (int f = 0; f < nflags; f++) {
			for (int w = 0; w <= 20; w++) { /* width 0: no width written */
				char fmt[48], width[16] = "";
				if (w)
					snprintf(width, sizeof width, "%d", w);
				snprintf(fmt, sizeof fmt, "[%%%s%s%s%c]", flags[f], width,
					 LENGTHS[len], conv);
				for (int v = 0; v < nvals; v++)
					compare_int(fmt, len, sign, vals[v]);
			}
		}
	}
}

static void combos_d(void)
{
	int_combos('d');
}
static void combos_i(void)
{
	int_combos('i');
}
static void combos_u(void)
{
	int_combos('u');
}
static void combos_x(void)
{
	int_combos('x');
}
static void combos_X(void)
{
	int_combos('X');
}

/* Widths given with '*', from -22 to 22 (negative means left-justified). */
static void combos_star_width(void)
{
	static const char *const fmts[] = {"[%*d]",  "[%-*d]",	"[%0*d]",   "[%*u]",  "[%0*x]",
					   "[%#*x]", "[%#0*X]", "[%-*lld]", "[%0*zu]"};
	static const int vals[] = {0, 1, -1, 42, -42, INT_MAX, INT_MIN};
	char args[48];
	for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++) {
		for (int w = -22; w <= 22; w++) {
			for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
				int kn, cn, x = vals[v];
				snprintf(args, sizeof args, "%d, %d", w, x);
				if (strstr(fmts[f], "ll"))
					kn = ksnprintf(kb, sizeof kb, fmts[f], w, (long long)x),
					cn = snprintf(cb, sizeof cb, fmts[f], w, (long long)x);
				else if (strstr(fmts[f], "z"))
					kn = ksnprintf(kb, sizeof kb, fmts[f], w, (size_t)x),
					cn = snprintf(cb, sizeof cb, fmts[f], w, (size_t)x);
				else
					kn = ksnprintf(kb, sizeof kb, fmts[f], w, x),
					cn = snprintf(cb, sizeof cb, fmts[f], w, x);
				compare(fmts[f], args, kn, cn);
			}
		}
	}
}

static void combos_c(void)
{
	static const int chars[] = {'a', ' ', '%', '0', 0, 0x7f, 0xff, '\n'};
	char fmt[32];
	for (int left = 0; left < 2; left++) {
		for (int w = 0; w <= 20; w++) {
			if (w)
				snprintf(fmt, sizeof fmt, "[%%%s%dc]", left ? "-" : "", w);
			else
				snprintf(fmt, sizeof fmt, "[%%%sc]", left ? "-" : "");
			for (size_t c = 0; c < sizeof chars / sizeof chars[0]; c++)
				compare(fmt, quote((const char *)&chars[c], 1),
					ksnprintf(kb, sizeof kb, fmt, chars[c]),
					snprintf(cb, sizeof cb, fmt, chars[c]));
		}
	}
}

static void combos_s(void)
{
	static const char *const strs[] = {"",
					   "a",
					   "hello",
					   "hello, world!",
					   "0123456789abcdefghij",
					   "twenty-five characters.."};
	char fmt[48], width[16], prec[16];
	for (int left = 0; left < 2; left++) {
		for (int w = 0; w <= 20; w++) {
			for (int p = -2; p <= 26; p++) { /* -2: no precision; -1: "." alone */
				snprintf(width, sizeof width, w ? "%d" : "", w);
				snprintf(prec, sizeof prec,
					 p == -2   ? ""
					 : p == -1 ? "."
						   : ".%d",
					 p);
				snprintf(fmt, sizeof fmt, "[%%%s%s%ss]", left ? "-" : "", width,
					 prec);
				for (size_t s = 0; s < sizeof strs / sizeof strs[0]; s++)
					compare(fmt, quote(strs[s], (int)strlen(strs[s])),
						ksnprintf(kb, sizeof kb, fmt, strs[s]),
						snprintf(cb, sizeof cb, fmt, strs[s]));
			}
		}
	}
	/* The same through '*' for both, including negative width and precision. */
	char args[64];
	for (int w = -12; w <= 12; w++) {
		for (int p = -3; p <= 14; p++) {
			for (size_t s = 0; s < sizeof strs / sizeof strs[0]; s++) {
				snprintf(args, sizeof args, "%d, %d, %s", w, p,
					 quote(strs[s], (int)strlen(strs[s])));
				compare("[%*.*s]", args,
					ksnprintf(kb, sizeof kb, "[%*.*s]", w, p, strs[s]),
					snprintf(cb, sizeof cb, "[%*.*s]", w, p, strs[s]));
			}
		}
	}
}

/* ---- where the engine deliberately differs from C: its own behaviour -------- */

static void int_precision_ignored(void)
{
	/* Precision on integers is not supported: parsed (and '*' consumed), then ignored. */
	EXPECT("5", "%.3d", 5);
	EXPECT("0", "%.0d", 0);
	EXPECT("-42", "%.5d", -42);
	EXPECT("      ff", "%8.4x", 0xffu);
	EXPECT("5|6", "%.*d|%d", 3, 5, 6);
	EXPECT("0x1f", "%#.4x", 0x1fu);
}

static void unknown_conversions_echoed(void)
{
	/* An unknown conversion prints '%' and its character and takes no argument;
	 * flags, width and length before it are dropped. */
	EXPECT("%q", "%q");
	EXPECT("%q 7", "%q %d", 7);
	EXPECT("%o %f %e %g %n", "%o %f %e %g %n");
	EXPECT("%q", "%5q");
	EXPECT("%q", "%-08lq");
	EXPECT("%hd", "%hd");	      /* 'h' is not a length modifier here */
	EXPECT("%+d 3", "%+d %d", 3); /* nor '+' or ' ' flags */
	EXPECT("% d", "% d");
	EXPECT("%", "%5%"); /* "%%" with a width: just '%' */
}

static void trailing_percent(void)
{
	EXPECT("%", "%");
	EXPECT("50%", "50%");
	EXPECT("a%", "a%-5");
	EXPECT("%", "%ll");
	EXPECT("x%", "x%0");
}

/* C says with a precision "the array need not contain a null character" if it is
 * no longer than the precision: the engine must not read past it. The string sits
 * at the very end of a page followed by an inaccessible one; each case runs in a
 * child so a fault is reported as a failure rather than ending the whole run. */
static void s_precision_unterminated(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || mprotect(map + page, (size_t)page, PROT_NONE)) {
		fail("could not set up a guard page");
		return;
	}
	static const struct {
		const char *fmt;
		int star;
		const char *want;
	} tests[] = {
		{"%.3s", -1, "abc"},	   {"%.*s", 3, "abc"}, {"%5.3s", -1, "  abc"},
		{"%-5.3s|", -1, "abc  |"}, {"%.2s", -1, "ab"}, {"%.0s", -1, ""},
	};
	char *abc = map + page - 3;
	memcpy(abc, "abc", 3);
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		cases++;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			FILE *null = freopen("/dev/null", "w", stderr);
			(void)null;
			int n = tests[i].star < 0
					? kfmt(kb, sizeof kb, tests[i].fmt, abc)
					: kfmt(kb, sizeof kb, tests[i].fmt, tests[i].star, abc);
			_exit(n == (int)strlen(tests[i].want) && !strcmp(kb, tests[i].want) ? 0
											    : 3);
		}
		int status = 0;
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
			fail("fmt %s of a 3-byte array without NUL: expected %s, got other output",
			     quote(tests[i].fmt, (int)strlen(tests[i].fmt)),
			     quote(tests[i].want, (int)strlen(tests[i].want)));
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			fail("fmt %s of a 3-byte array without NUL: read past the array into a "
			     "guard page (expected %s; the child running it %s %d)",
			     quote(tests[i].fmt, (int)strlen(tests[i].fmt)),
			     quote(tests[i].want, (int)strlen(tests[i].want)),
			     WIFSIGNALED(status) ? "died of signal" : "faulted, exit status",
			     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
	munmap(map, (size_t)page * 2);
}

/* ---- ksnprintf's buffer semantics, kvsnprintf and format() ------------------ */

#define SENTINEL 0xA5

/* For every buffer size from 0 to past the full length: the return value is the
 * full length, the output is the prefix that fits plus a NUL, nothing beyond
 * `size` is touched, and the C library does exactly the same. */
#define TRUNC(fmt, ...)                                                                 \
	do {                                                                            \
		int full = snprintf(NULL, 0, fmt, ##__VA_ARGS__);                       \
		for (size_t size = 0; size <= (size_t)full + 2; size++) {               \
			memset(kb, SENTINEL, sizeof kb);                                \
			memset(cb, SENTINEL, sizeof cb);                                \
			int kn = ksnprintf(size ? kb : NULL, size, fmt, ##__VA_ARGS__); \
			int cn = snprintf(size ? cb : NULL, size, fmt, ##__VA_ARGS__);  \
			truncation_case(fmt, size, kn, cn, full);                       \
		}                                                                       \
	} while (0)

static void truncation_case(const char *fmt, size_t size, int kn, int cn, int full)
{
	cases++;
	if (kn != full) {
		fail("fmt %s size %zu: returned %d, expected the full length %d",
		     quote(fmt, (int)strlen(fmt)), size, kn, full);
		return;
	}
	size_t end = size == 0 ? 0 : (size_t)full < size ? (size_t)full : size - 1;
	for (size_t i = size; i < sizeof kb; i++) {
		if ((unsigned char)kb[i] != SENTINEL) {
			fail("fmt %s size %zu: wrote byte %zu, past the buffer",
			     quote(fmt, (int)strlen(fmt)), size, i);
			return;
		}
	}
	if (size && kb[end] != '\0')
		fail("fmt %s size %zu: no NUL at %zu, got %s", quote(fmt, (int)strlen(fmt)), size,
		     end, quote(kb, (int)size));
	else if (kn != cn || memcmp(kb, cb, sizeof kb) != 0)
		fail("fmt %s size %zu: buffer differs from snprintf: expected %s, got %s",
		     quote(fmt, (int)strlen(fmt)), size, quote(cb, (int)size),
		     quote(kb, (int)size));
}

static void truncation(void)
{
	TRUNC("hello");
	TRUNC("%s=%d", "abc", -1234);
	TRUNC("%-10s|%5x", "left", 0xabcu);
	TRUNC("%c%c%c", 'x', 'y', 'z');
	TRUNC("%020lld", LLONG_MIN);
	TRUNC("%%%s%%", "pct");
	/* Longer than the buffer: still the full length, still terminated. */
	cases++;
	memset(kb, SENTINEL, sizeof kb);
	int n = ksnprintf(kb, 16, "%600d", 7);
	if (n != 600 || kb[15] != '\0' || strspn(kb, " ") != 15 ||
	    (unsigned char)kb[16] != SENTINEL)
		fail("fmt \"%%600d\" size 16: returned %d, buffer %s", n, quote(kb, 17));
}

static void size_zero_and_one(void)
{
	cases += 4;
	memset(kb, SENTINEL, sizeof kb);
	int n = ksnprintf(kb, 0, "%s", "abc");
	if (n != 3 || (unsigned char)kb[0] != SENTINEL)
		fail("size 0: returned %d (expected 3) and buffer[0] is 0x%02x (expected "
		     "untouched)",
		     n, (unsigned char)kb[0]);
	n = ksnprintf(NULL, 0, "%d-%s", 12345, "xyz");
	if (n != 9)
		fail("ksnprintf(NULL, 0, \"%%d-%%s\", 12345, \"xyz\") returned %d, expected 9", n);
	memset(kb, SENTINEL, sizeof kb);
	n = ksnprintf(kb, 1, "%s", "abc");
	if (n != 3 || kb[0] != '\0' || (unsigned char)kb[1] != SENTINEL)
		fail("size 1: returned %d (expected 3), buffer %s (expected only a NUL)", n,
		     quote(kb, 2));
	memset(kb, SENTINEL, sizeof kb);
	n = kfmt(kb, 1, "");
	if (n != 0 || kb[0] != '\0' || (unsigned char)kb[1] != SENTINEL)
		fail("size 1, empty format: returned %d, buffer %s", n, quote(kb, 2));
}

static int both_v(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int kn = kvsnprintf(kb, sizeof kb, fmt, ap);
	int cn = vsnprintf(cb, sizeof cb, fmt, ap2);
	va_end(ap2);
	va_end(ap);
	compare(fmt, "via va_list", kn, cn);
	return kn;
}

static void kvsnprintf_va_list(void)
{
	both_v("%d %s %x %c %lld %zu", -5, "str", 0xabcu, 'q', LLONG_MIN, SIZE_MAX);
	both_v("%*d|%-*s|%.*s", 5, 1, 4, "ab", 2, "xyz");
	both_v("plain");
}

struct collect {
	char buf[256];
	int calls;
};

static void collect_sink(char c, void *ctx)
{
	struct collect *col = ctx;
	if (col->calls < (int)sizeof col->buf)
		col->buf[col->calls] = c;
	col->calls++;
}

static int via_sink(struct collect *col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	memset(col, 0, sizeof *col);
	int n = format(collect_sink, col, fmt, ap);
	va_end(ap);
	return n;
}

static void format_to_sink(void)
{
	struct collect col;
	static const struct {
		const char *fmt, *want;
		int len;
	} tests[] = {
		{"a%db", "a-12b", 5},
		{"%c", "\0", 1},
		{"", "", 0},
		{"%5s", "   hi", 5},
	};
	for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
		cases++;
		int n = i == 0	 ? via_sink(&col, tests[i].fmt, -12)
			: i == 1 ? via_sink(&col, tests[i].fmt, 0)
			: i == 3 ? via_sink(&col, tests[i].fmt, "hi")
				 : via_sink(&col, tests[i].fmt);
		if (n != tests[i].len || col.calls != tests[i].len ||
		    memcmp(col.buf, tests[i].want, (size_t)tests[i].len))
			fail("format() with fmt %s: returned %d, sink called %d times with %s, "
			     "expected %d calls with %s (and no NUL appended)",
			     quote(tests[i].fmt, (int)strlen(tests[i].fmt)), n, col.calls,
			     quote(col.buf, col.calls), tests[i].len,
			     quote(tests[i].want, tests[i].len));
	}
}

/* ---- the groups, in order --------------------------------------------------- */

static const struct unit_group GROUPS[] = {
	GROUP(d_i_table),
	GROUP(u_x_table),
	GROUP(length_modifier_table),
	GROUP(c_table),
	GROUP(s_table),
	GROUP(s_null),
	GROUP(p_table),
	GROUP(p_ours),
	GROUP(percent_table),
	GROUP(mixed_table),
	GROUP(combos_d),
	GROUP(combos_i),
	GROUP(combos_u),
	GROUP(combos_x),
	GROUP(combos_X),
	GROUP(combos_star_width),
	GROUP(combos_c),
	GROUP(combos_s),
	GROUP(int_precision_ignored),
	GROUP(unknown_conversions_echoed),
	GROUP(trailing_percent),
	GROUP(s_precision_unterminated),
	GROUP(truncation),
	GROUP(size_zero_and_one),
	GROUP(kvsnprintf_va_list),
	GROUP(format_to_sink),
};

int main(int argc, char **argv)
{
	return unit_main(GROUPS, sizeof GROUPS / sizeof GROUPS[0], NULL, argc, argv);
}
